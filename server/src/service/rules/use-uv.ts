import { RuleContext, defineRule } from './rule';
import { Analysis } from '../analysis';
import { DepInstall } from '../commands';
import { Instr } from '../model';
import { Fix, OffsetEdit } from '../types';
import { wordSpan } from '../shell';

/** pip options uv pip install understands the same way; anything else means no automatic rewrite. */
const UV_COMPATIBLE = /^(-r|--requirement|-c|--constraint|-e|--editable|-U|--upgrade|--no-deps|-q|--quiet|--index-url|--extra-index-url|--pre|--require-hashes|--no-cache-dir|--no-compile|--prefix|--target|-t|-i)(=.*)?$/;

export default defineRule({
  meta: {
    name: 'use-uv',
    severity: 'warning',
    fix: 'mixed',
    docs: {
      summary: 'Install dependencies with uv (`uv sync --locked`), not pip.',
      whatItDoes: 'Reports every dependency install that is not `uv sync --locked`: pip (`pip3`, `python -m pip`, `--user`/`--prefix`/`--target`, `pip wheel` then an install from the wheels, a requirements list piped from `poetry export`), Poetry (`poetry install`/`sync`), PDM, Pipenv, conda/mamba, `uv pip install` that ignores a uv.lock, and `uv sync` without `--locked`/`--frozen` when the project has a uv.lock; also inside `if`, `for`, `&&`/`||` lists, `sh -c` and `$(…)`. The message names the uv equivalent (`poetry install --no-root --only main` → `uv sync --locked --no-install-project --no-dev` after `uvx migrate-to-uv`). Installing a tool (`pip install poetry`, `pip install --upgrade pip`) is not reported: the install it enables is; installing uv itself with pip or its install script is.',
      why: 'uv installs 5-10x faster than pip and, with `--locked`, installs exactly the versions in uv.lock (the build fails if the lock is stale instead of silently resolving new versions).',
      example: 'RUN pip install poetry && poetry install --no-root --only main\nRUN pip install -r requirements.txt\nRUN uv sync',
      useInstead: '# once: `uvx migrate-to-uv` (Poetry, Pipenv, pip-tools, pip), commit uv.lock\nCOPY --from=ghcr.io/astral-sh/uv:0.9.5 /uv /uvx /bin/\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --locked --no-install-project --no-dev',
      references: [{ title: 'uv: locking and syncing (`--locked` fails instead of updating a stale uv.lock)', url: 'https://docs.astral.sh/uv/concepts/projects/sync/' }, { title: 'uv: using uv in Docker', url: 'https://docs.astral.sh/uv/guides/integration/docker/' }, { title: 'migrate-to-uv (Poetry, Pipenv, pip-tools and pip projects to uv)', url: 'https://pypi.org/project/migrate-to-uv/' }],
    },
  },
  check({ a, report }) {
    // One linear pass over the stages: each starts from what holds at the end of its parent stage
    // (uv present, venv active, UV_LOCKED set, uv.lock in the build context).
    a.model.foldStages<StageState>(
      () => ({ uv: false, venv: false, locked: false, lockCopied: false, firstPip: undefined }),
      (s) => ({ ...s, firstPip: undefined }),
      (state, stage) => {
        const judged = a.feedsImage(stage); // a dev or test stage beside the runtime does not ship
        for (const i of stage.instrs) {
          if (i.keyword !== 'ENV' && i.keyword !== 'COPY' && i.keyword !== 'ADD' && i.keyword !== 'RUN') continue;
          const raw = a.model.text.slice(i.argsStart, i.end);
          if (i.keyword === 'ENV') {
            if (VENV_ENV.test(raw)) state.venv = true;
            if (LOCKED_ENV.test(raw)) state.locked = true;
          } else if (i.keyword === 'COPY' || i.keyword === 'ADD') {
            if (/astral-sh\/uv/.test(raw)) {
              state.uv = true;
              if (judged) checkUvPin(a, i, report);
            }
            if (!a.model.flag(i, 'from')) {
              const sources = a.model.copyArgs(i).slice(0, -1);
              if (sources.some((w) => /^(\.\/?|\*|.*uv\.lock\*?)$/.test(w.value))) state.lockCopied = true;
              if (sources.some((w) => /(^|\/)uv\.lock$/.test(w.value))) state.lockNamed = true;
            }
          } else if (i.keyword === 'RUN') {
            if (judged) checkRun(a, i, raw, state, report);
            if (UV_INSTALL.test(raw)) state.uv = true;
            if (VENV_RUN.test(raw)) state.venv = true;
          }
        }
      });
  },
});

interface StageState { uv: boolean; venv: boolean; locked: boolean; lockCopied: boolean; lockNamed?: boolean; firstPip?: Instr }

const VENV_ENV = /VIRTUAL_ENV|UV_SYSTEM_PYTHON|\.venv\/bin|UV_PROJECT_ENVIRONMENT/;
const VENV_RUN = /\b(uv venv|-m venv|virtualenv)\b/;
const LOCKED_ENV = /\bUV_(LOCKED|FROZEN)\s*=\s*["']?(1|true)/i;
const UV_INSTALL = /\b(pip3? install [^&;|]*\buv\b|astral\.sh\/uv)/;

function checkRun(a: Analysis, r: Instr, raw: string, state: StageState, report: RuleContext['report']): void {
  const uvCopy = `\`COPY --from=ghcr.io/astral-sh/uv:${a.standard.uvVersion} /uv /uvx /bin/\``;
  // pip installs of one RUN with the same message are one finding (`pip install a && pip install -r b`),
  // with one fix that rewrites them all, or none if one of them cannot be rewritten
  const pip = new Map<string, (Fix | undefined)[]>();
  for (const inst of a.run(r).installs) {
    const said = () => `\`${commandText(inst)}\``;
    if (inst.kind === 'pip') {
      state.firstPip ??= r;
      const tools = inst.toolOnly ? inst.args.filter((w) => !w.value.startsWith('-')).map((w) => w.value).join(' ') : '';
      const uvItself = inst.toolOnly && /^uv([=<>~].*)?$/.test(tools);
      // Bootstrapping a tool (`pip install poetry`, `pip install --upgrade pip`) is not the dependency
      // install: the install that tool then runs is reported, once. Only uv itself has a better way in.
      if (inst.toolOnly && !uvItself) continue;
      let message: string;
      if (uvItself) message = `uv is installed with pip: the standard copies the pinned binary instead (${uvCopy}).`;
      else if (inst.exportedBy) message = `pip installs what \`${inst.exportedBy}\` writes: two tools and no lock check. The standard installs the lock with uv: ${migration(inst.exportedBy.split(' ')[0])}, then \`uv sync --locked --no-dev\`.`;
      else if (inst.fromWheels) message = 'pip installs wheels built beforehand: the standard builds a virtualenv in the builder with `uv sync --locked --no-dev` and copies it (`COPY --from=builder /app/.venv /app/.venv`), with no second install.';
      else message = 'Dependencies are installed with pip: the standard uses uv (5-10x faster, lock-file exact). Use `uv sync --locked` with uv.lock, else `uv pip install`.';
      // with a uv.lock, `uv pip install` would still ignore it: the message says what to use instead
      const noFix = inst.nested || inst.exportedBy || inst.fromWheels || (inst.toolOnly && !uvItself) || (!inst.toolOnly && a.facts.hasUvLock);
      const list = pip.get(message) ?? [];
      list.push(noFix ? undefined : pipToUv(a, r, inst, state));
      pip.set(message, list);
    } else if (inst.kind === 'pip-wheel') {
      if (inst.toolOnly) continue;
      state.firstPip ??= r;
      report({ start: r.start, end: r.end,
        message: `${said()} resolves and builds the dependencies with pip for a later install: the standard resolves them once with uv into a virtualenv (\`uv sync --locked --no-dev\` in the builder) and copies that virtualenv into the runtime.` });
    } else if (inst.kind === 'uv-pip') {
      if (inst.toolOnly || inst.args.some((w) => w.value === '--no-deps')) continue;
      // Without a uv.lock there is nothing better to point at: `uv pip install` is what the pip fix writes.
      if (!a.facts.hasUvLock) continue;
      report({ start: r.start, end: r.end,
        message: `${said()} is uv, but without the lock${inst.system ? ' and without a virtualenv' : ''}: it resolves the requirements again and ignores uv.lock. Use \`uv sync --locked\`, which installs exactly the locked versions into /app/.venv.` });
    } else if (inst.kind === 'uv-sync') {
      if (inst.toolOnly) {
        report({ start: r.start, end: r.end, message: `uv is installed by its install script (unpinned, downloaded at build time): the standard copies the pinned binary instead (${uvCopy}).` });
        continue;
      }
      // the project has a uv.lock, or the Dockerfile itself copies or mounts one into the stage
      const mounted = a.model.flags(r).flags.some((f) => f.name === 'mount' && /uv\.lock/.test(f.value));
      const lockHere = state.lockCopied || mounted;
      if (!a.facts.hasUvLock && !state.lockNamed && !mounted) continue;
      if (inst.args.some((w) => w.value === '--locked' || w.value === '--frozen')) continue;
      if (state.locked || LOCKED_ENV.test(raw)) continue;
      const at = wordSpan(inst.cmd, inst.cmd.words[inst.sub]).end;
      // --locked fails the build when uv.lock is not in the stage: only safe when it visibly is.
      const fix: Fix | undefined = inst.nested ? undefined : { title: 'Add --locked', safe: lockHere, edits: [{ start: at, end: at, newText: ' --locked' }] };
      report({ start: r.start, end: r.end, fix,
        message: '`uv sync` without `--locked` may re-resolve and install versions other than uv.lock pins. Add `--locked` (or `--frozen`).' });
    } else if (inst.kind === 'poetry' || inst.kind === 'pdm' || inst.kind === 'pipenv') {
      if (inst.toolOnly) continue; // the installer script: the install it enables is reported
      const uv = uvEquivalent(inst);
      report({ start: r.start, end: r.end, fix: uv.exact && !inst.nested ? replaceWithUv(a, r, inst, uv.command, state) : undefined,
        message: `${said()} installs with ${NAMES[inst.kind]}: the standard uses uv (faster, one lock format for every service). ${migration(inst.kind)}, then install with \`${uv.command}\`${uv.exact ? '' : ` (carry over ${uv.dropped.map((d) => `\`${d}\``).join(', ')} by hand)`}.` });
    } else if (inst.kind === 'conda') {
      if (inst.toolOnly) continue; // `conda install mamba`: the install mamba then runs is reported
      report({ start: r.start, end: r.end,
        message: `${said()} installs from conda channels: the standard builds on python:${a.standard.python.value}-slim with uv. Declare the packages in pyproject.toml (their PyPI wheels), \`uv lock\`, and install with \`uv sync --locked\`.` });
    }
  }
  for (const [message, fixes] of pip) {
    let fix: Fix | undefined;
    if (fixes.every((f): f is Fix => !!f)) {
      const edits: OffsetEdit[] = [];
      for (const f of fixes) for (const e of f.edits) if (!edits.some((x) => x.start === e.start && x.end === e.end && x.newText === e.newText)) edits.push(e);
      fix = { ...fixes[0], edits };
    }
    report({ start: r.start, end: r.end, message: fixes.length > 1 ? message.replace(/^Dependencies are installed with pip/, `Dependencies are installed with pip (${fixes.length} installs in this RUN)`) : message, fix });
  }
}

/** `COPY --from=ghcr.io/astral-sh/uv` without a version, or `:latest`: the build takes whatever uv is newest. */
function checkUvPin(a: Analysis, i: Instr, report: RuleContext['report']): void {
  const from = a.model.flag(i, 'from');
  const m = from && /^(?:ghcr\.io\/)?astral-sh\/uv(?::([^@\s]+))?(@sha256:[0-9a-f]+)?$/.exec(from.value);
  if (!from || !m || m[2] || (m[1] && m[1] !== 'latest')) return;
  const src = a.model.logical(i);
  const start = src.at(from.start);
  const end = src.at(from.end - 1) + 1;
  const pinned = `--from=ghcr.io/astral-sh/uv:${a.standard.uvVersion}`;
  report({ start, end, fix: { title: `Pin uv ${a.standard.uvVersion}`, safe: false, edits: [{ start, end, newText: pinned }] },
    message: `uv is copied from \`${from.value}\`, which follows the newest release: builds change under you. Pin a version (\`${pinned}\`) and update it deliberately.` });
}

const NAMES: Record<string, string> = { poetry: 'Poetry', pdm: 'PDM', pipenv: 'Pipenv', uv: 'uv' };

/** How a project of this tool moves to uv.lock. */
function migration(tool: string): string {
  if (tool === 'pdm') return 'PDM projects already list their dependencies in `[project]`: move `[tool.pdm.dev-dependencies]` to `[dependency-groups]` and run `uv lock`';
  if (tool === 'uv') return 'Keep uv.lock';
  return `Migrate once with \`uvx migrate-to-uv\` (it converts ${tool === 'pipenv' ? 'the Pipfile and Pipfile.lock' : 'pyproject.toml and poetry.lock'} and writes uv.lock with the same pinned versions)`;
}

/** The command as written, from its program to its last word (for messages). */
function commandText(inst: DepInstall): string {
  const words = inst.cmd.words.slice(inst.first);
  const text = words.map((w) => w.value).join(' ');
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** Flags that only tune the old tool's output or environment: nothing to carry over. */
const DROPPABLE = /^(-n|--no-interaction|--no-ansi|-q|--quiet|-v+|--verbose|--sync|--system|--deploy|--ignore-pipfile|--clear|--frozen-lockfile|--no-cache|--no-cache-dir|--check|--fail-on-empty|--no-lock|--skip-lock)$/;

/** `uv sync --locked …` for a poetry / pdm / pipenv install, and whether every flag has a uv meaning. */
export function uvEquivalent(inst: DepInstall): { command: string; exact: boolean; dropped: string[] } {
  const flags: string[] = [];
  const dropped: string[] = [];
  let dev = inst.kind === 'pipenv' ? inst.args.some((w) => w.value === '--dev' || w.value === '-d') : true;
  let project = inst.kind !== 'pipenv';
  const args = inst.args;
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    const next = () => { const n = args[i + 1]?.value; i++; return n; };
    const eq = v.indexOf('=');
    const name = eq > 0 ? v.slice(0, eq) : v;
    const value = (valued: boolean) => (eq > 0 ? v.slice(eq + 1) : valued ? next() : undefined);
    if (inst.kind === 'poetry') {
      if (name === '--no-root' || name === '--no-directory') { project = false; continue; }
      if (name === '--no-dev') { dev = false; continue; }
      if (name === '--only' || name === '--without') {
        const groups = (value(true) ?? '').split(',').map((g) => g.trim());
        if (name === '--only' && groups.length === 1 && groups[0] === 'main') { dev = false; continue; }
        if (name === '--without' && groups.every((g) => g === 'dev' || g === 'test' || g === 'docs')) { dev = false; continue; }
        dropped.push(`${name} ${groups.join(',')}`); continue;
      }
      if (name === '--with') { for (const g of (value(true) ?? '').split(',')) flags.push('--group', g.trim()); continue; }
      if (name === '-E' || name === '--extras') { for (const e of (value(true) ?? '').split(/[ ,]+/).filter(Boolean)) flags.push('--extra', e); continue; }
      if (name === '--all-extras') { flags.push('--all-extras'); continue; }
    } else if (inst.kind === 'pdm') {
      if (name === '--prod' || name === '--production') { dev = false; continue; }
      if (name === '--no-self' || name === '--no-editable') { project = false; continue; }
      if (name === '-G' || name === '--group') { const g = value(true); if (g === ':all') flags.push('--all-groups'); else if (g) flags.push('--group', g); continue; }
    } else if (name === '--dev' || name === '-d') continue;
    if (DROPPABLE.test(name)) continue;
    dropped.push(v);
  }
  const command = ['uv sync --locked', ...(project ? [] : ['--no-install-project']), ...(dev ? [] : ['--no-dev']), ...flags].join(' ');
  return { command, exact: dropped.length === 0, dropped };
}

/** Replace the poetry/pdm/pipenv command with its uv equivalent (and copy uv in once per stage). */
function replaceWithUv(a: Analysis, run: Instr, inst: DepInstall, command: string, state: StageState): Fix | undefined {
  const words = inst.cmd.words;
  if (words.slice(inst.first).some((w) => w.expands)) return undefined;
  const start = wordSpan(inst.cmd, words[inst.first]).start;
  const end = wordSpan(inst.cmd, words[words.length - 1]).end;
  const edits: OffsetEdit[] = [{ start, end, newText: command }];
  if (!state.uv) {
    state.firstPip ??= run;
    const lineStart = a.commentBlockStart(state.firstPip);
    edits.push({ start: lineStart, end: lineStart, newText: `COPY --from=ghcr.io/astral-sh/uv:${a.standard.uvVersion} /uv /uvx /bin/${a.newline}` });
  }
  return { title: `Replace with ${command} (after migrating to uv.lock)`, safe: false, edits };
}

function pipToUv(a: Analysis, run: Instr, inst: DepInstall, state: StageState): Fix | undefined {
  const words = inst.cmd.words;
  const copyUv = `COPY --from=ghcr.io/astral-sh/uv:${a.standard.uvVersion} /uv /uvx /bin/`;
  if (inst.toolOnly) {
    // `pip install uv`: the standard copies the uv binary instead. Only when the RUN does nothing else.
    const only = a.model.runCommands(run).length === 1 && !a.hasInnerComment(run.start, run.end);
    return only ? { title: 'Copy uv from its image instead', safe: false, edits: [{ start: run.start, end: run.end, newText: copyUv }] } : undefined;
  }
  if (inst.args.some((w) => w.value.startsWith('-') && !UV_COMPATIBLE.test(w.value))) return undefined;
  const firstOff = wordSpan(inst.cmd, words[inst.first]).start;
  const subEnd = wordSpan(inst.cmd, words[inst.sub]).end;
  const pipPath = words[inst.first].value;
  const venvPip = pipPath.includes('/') && /venv/.test(pipPath) ? pipPath.slice(0, pipPath.lastIndexOf('/')) : undefined;
  const venv = !!venvPip || state.venv || VENV_RUN.test(a.model.text.slice(run.argsStart, run.end));
  const target = venvPip ? ` --python ${venvPip}/python` : venv ? '' : ' --system';
  const edits: OffsetEdit[] = [{ start: firstOff, end: subEnd, newText: `uv pip install${target}` }];
  for (const w of inst.args) {
    if (w.value === '--no-cache-dir') edits.push({ ...wordSpan(inst.cmd, w), newText: '--no-cache' });
  }
  if (!state.uv) {
    // Every pip RUN of the stage inserts at the same place, so one COPY lands however many there are.
    state.firstPip ??= run;
    const lineStart = a.commentBlockStart(state.firstPip);
    edits.push({ start: lineStart, end: lineStart, newText: `${copyUv}${a.newline}` });
  }
  return { title: 'Install with uv', safe: false, edits };
}
