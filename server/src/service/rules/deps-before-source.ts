import { defineRule } from './rule';
import { Instr } from '../model';
import { DepInstall } from '../commands';
import { Fix, OffsetEdit } from '../types';
import { lineBreakAfter } from '../text';

/** Dependency manifests: copying them before the install keeps the dependency layer cached. */
const MANIFEST = /^(pyproject\.toml|uv\.lock|poetry\.lock|pdm\.lock|pipfile(\.lock)?|setup\.py|setup\.cfg|requirements.*\.(txt|in)|constraints.*\.txt|environment.*\.ya?ml|conda-lock.*\.ya?ml)$/i;
/** Files a build backend needs that are not source code: neither manifest nor source. */
const NEUTRAL = /^(readme.*|license.*|licence.*|copying.*|notice.*|authors.*|changelog.*|changes.*|manifest\.in|version(\.txt)?|\.python-version|package(-lock)?\.json)$/i;

/** Classify a COPY source path by its file name (`app/requirements.txt`, `uv.lock*` globs, a `requirements/` folder). */
function kindOf(path: string): 'manifest' | 'neutral' | 'source' {
  const clean = path.replace(/^\.\//, '').replace(/\/+$/, '');
  if (/(^|\/)requirements$/i.test(clean)) return 'manifest';
  // `requirements/base.txt`, `requirements/prod.in`: a folder of requirement files
  if (/(^|\/)requirements\/[^/]+\.(txt|in)$/i.test(clean)) return 'manifest';
  const base = clean.slice(clean.lastIndexOf('/') + 1);
  // A glob such as `uv.lock*` or `requirements*.txt` is judged by what it is written to match.
  const literal = base.replace(/[*?]/g, '');
  if (MANIFEST.test(base) || (base !== literal && MANIFEST.test(literal))) return 'manifest';
  if (NEUTRAL.test(base)) return 'neutral';
  // an `__init__.py` copied alone is the usual stub that lets the installer see the package before the source
  if (base === '__init__.py' || base === '_version.py' || base === 'version.py') return 'neutral';
  return 'source';
}

/** The manifests an install reads, for the message. */
function manifestsOf(install: DepInstall): string {
  if (install.kind === 'uv-sync') return 'pyproject.toml and uv.lock';
  if (install.kind === 'poetry') return 'pyproject.toml and poetry.lock';
  if (install.kind === 'pipenv') return 'Pipfile and Pipfile.lock';
  if (install.kind === 'pdm') return 'pyproject.toml and pdm.lock';
  if (install.kind === 'conda') {
    const k = install.args.findIndex((w) => w.value === '-f' || w.value === '--file');
    return k >= 0 && install.args[k + 1] ? install.args[k + 1].value : 'environment.yml';
  }
  const reqs: string[] = [];
  install.args.forEach((w, i) => {
    if ((w.value === '-r' || w.value === '--requirement') && install.args[i + 1]) reqs.push(install.args[i + 1].value);
    else if (/^(-r|--requirement=)./.test(w.value)) reqs.push(w.value.replace(/^(-r|--requirement=)/, ''));
  });
  return reqs.length ? reqs.join(' and ') : 'pyproject.toml (or requirements.txt)';
}

function installHint(install: DepInstall): string {
  if (install.kind === 'uv-sync') return '`uv sync --locked --no-install-project`';
  if (install.kind === 'poetry') return '`poetry install --no-root`';
  if (install.kind === 'pdm') return '`pdm install --no-self`';
  if (install.kind === 'pipenv') return '`pipenv install --deploy`';
  return 'the dependency install';
}

export default defineRule({
  meta: {
    name: 'deps-before-source',
    severity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'Copy dependency manifests and install dependencies before copying the source.',
      whatItDoes: 'In each stage, checks that no COPY/ADD of source (`.`, `src/`, anything but `pyproject.toml`, `uv.lock`, `requirements*.txt` and other manifests) comes before the first dependency install (`uv sync`, `uv pip install`, `pip install`, `poetry install`). Bind-mounted manifests count as copied.',
      why: 'Docker caches layers in order: when source is copied before the install, every source edit re-runs the whole dependency install. With manifests first, a code change rebuilds in seconds.',
      example: 'COPY . .\nRUN uv sync --locked',
      useInstead: 'COPY pyproject.toml uv.lock ./\nRUN uv sync --locked --no-install-project\nCOPY src/ ./src/\nRUN uv sync --locked',
    },
  },
  check({ a, report }) {
    for (const stage of a.model.stages) {
      if (!a.feedsImage(stage)) continue; // a dev or test stage beside the runtime does not ship
      let firstInstall: { instr: Instr; install: DepInstall } | undefined;
      for (const i of stage.instrs) {
        if (i.keyword !== 'RUN') continue;
        const inst = a.depInstalls(i)[0];
        if (inst) { firstInstall = { instr: i, install: inst }; break; }
      }
      if (!firstInstall) continue;
      const { instr: run, install } = firstInstall;
      let manifestBefore = a.model.flags(run).flags.some((f) => f.name === 'mount' && /type=bind/.test(f.value) && /source=[^,]*(pyproject|lock|requirements|pipfile)/i.test(f.value));
      const sources: Instr[] = [];
      for (const i of stage.instrs) {
        if (i.start >= run.start) break;
        if (i.keyword !== 'COPY' && i.keyword !== 'ADD') continue;
        if (a.model.flag(i, 'from') || a.model.isHeredocCopy(i)) continue;
        const args = a.model.copyArgs(i).map((w) => w.value);
        if (args.length < 2) continue;
        const srcs = args.slice(0, -1).filter((s) => !/^[a-z]+:\/\//i.test(s) && !s.startsWith('git@'));
        const kinds = srcs.map(kindOf);
        // Only a COPY of manifests alone lets the source move: a mixed COPY moves with its manifests.
        if (kinds.includes('source')) sources.push(i);
        else if (kinds.includes('manifest')) manifestBefore = true;
      }
      if (!sources.length) continue;
      // Moving is only safe when nothing between the first source COPY and the install could depend
      // on it or change where it lands (a RUN, a WORKDIR, variables in the COPY).
      const between = stage.instrs.filter((i) => i.start > sources[0].start && i.start < run.start && !sources.includes(i));
      const movable = !between.some((i) => i.keyword === 'RUN' || i.keyword === 'WORKDIR')
        && !sources.some((s) => a.model.text.slice(s.argsStart, s.end).includes('$'));
      const fixable = movable && !install.needsSource && (manifestBefore || !install.needsManifest);
      let fix: Fix | undefined;
      if (fixable) {
        // One fix moves every source COPY of the stage, in order, with the comments above each.
        const text = a.model.text;
        const edits: OffsetEdit[] = [];
        let moved = '';
        for (const src of sources) {
          const from = a.commentBlockStart(src);
          const to = lineBreakAfter(text, src.end);
          moved += text.slice(from, to.next);
          if (!to.eol) moved += a.newline;
          edits.push({ start: from, end: to.next, newText: '' });
        }
        const insertAt = lineBreakAfter(text, run.end);
        const block = insertAt.eol ? moved : a.newline + moved.replace(/\r?\n$/, '');
        edits.push({ start: insertAt.next, end: insertAt.next, newText: block });
        fix = { title: sources.length > 1 ? 'Move source COPYs after the dependency install' : 'Move COPY after the dependency install', safe: false, edits };
      }
      for (const src of sources) {
        const what = a.model.text.slice(src.start, src.end).split(/\r?\n/)[0];
        report({
          start: src.start, end: src.end, fix,
          message: fix
            ? `\`${what}\` copies source before the dependency install on line ${run.line + 1}: every source edit re-runs the install. Move it after the install.`
            : `\`${what}\` copies source before the dependency install on line ${run.line + 1}, so every source edit re-runs it. Copy only ${manifestsOf(install)} first, run ${installHint(install)}, then copy the source.`,
        });
      }
    }
  },
});
