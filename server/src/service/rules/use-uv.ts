import { defineRule } from './rule';
import { Analysis } from '../analysis';
import { DepInstall } from '../commands';
import { Instr, Stage } from '../model';
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
      whatItDoes: 'Reports `pip install` (also `pip3`, `python -m pip`), and `uv sync` without `--locked`/`--frozen` when the project has a `uv.lock`.',
      why: 'uv installs 5-10x faster than pip and, with `--locked`, installs exactly the versions in uv.lock (the build fails if the lock is stale instead of silently resolving new versions).',
      example: 'RUN pip install -r requirements.txt\nRUN uv sync',
      useInstead: 'COPY --from=ghcr.io/astral-sh/uv:0.9.5 /uv /uvx /bin/\nRUN uv pip install --system -r requirements.txt\nRUN uv sync --locked',
    },
  },
  check({ a, report }) {
    for (const stage of a.model.stages) {
      const lockedEnv = /\bUV_(LOCKED|FROZEN)\s*=\s*(1|true)/i;
      for (const r of a.runs(stage)) {
        for (const inst of a.run(r).installs) {
          if (inst.kind === 'pip') {
            const tools = inst.toolOnly ? inst.args.filter((w) => !w.value.startsWith('-')).map((w) => w.value).join(' ') : '';
            report({ start: r.start, end: r.end, fix: pipToUv(a, stage, r, inst),
              message: !inst.toolOnly
                ? 'Dependencies are installed with pip: the standard uses uv (5-10x faster, lock-file exact). Use `uv sync --locked` with uv.lock, else `uv pip install`.'
                : /^uv([=<>~].*)?$/.test(tools)
                  ? `uv is installed with pip: the standard copies the pinned binary instead (\`COPY --from=ghcr.io/astral-sh/uv:${a.standard.uvVersion} /uv /uvx /bin/\`).`
                  : `pip installs packaging tools (${tools}): the standard installs dependencies with uv, which needs neither.` });
          } else if (inst.kind === 'uv-sync' && a.facts.hasUvLock) {
            if (inst.args.some((w) => w.value === '--locked' || w.value === '--frozen')) continue;
            const envText = a.model.chainInstrs(stage).filter((i) => i.keyword === 'ENV' && i.start < r.start).map((i) => a.model.text.slice(i.argsStart, i.end)).join('\n');
            if (lockedEnv.test(envText) || lockedEnv.test(a.model.text.slice(r.argsStart, r.end))) continue;
            const at = wordSpan(inst.cmd, inst.cmd.words[inst.sub]).end;
            const fix: Fix = { title: 'Add --locked', safe: true, edits: [{ start: at, end: at, newText: ' --locked' }] };
            report({ start: r.start, end: r.end, fix,
              message: '`uv sync` without `--locked` may re-resolve and install versions other than uv.lock pins. Add `--locked` (or `--frozen`).' });
          }
        }
      }
    }
  },
});

function pipToUv(a: Analysis, stage: Stage, run: Instr, inst: DepInstall): Fix | undefined {
  const words = inst.cmd.words;
  const copyUv = `COPY --from=ghcr.io/astral-sh/uv:${a.standard.uvVersion} /uv /uvx /bin/`;
  if (inst.args.length && inst.args.every((w) => /^uv([=<>~].*)?$/.test(w.value) || w.value.startsWith('-'))) {
    // `pip install uv`: the standard copies the uv binary instead. Only when the RUN does nothing else.
    const only = a.model.runCommands(run).length === 1 && !a.hasInnerComment(run.start, run.end);
    return only ? { title: 'Copy uv from its image instead', safe: false, edits: [{ start: run.start, end: run.end, newText: copyUv }] } : undefined;
  }
  if (inst.args.some((w) => w.value.startsWith('-') && !UV_COMPATIBLE.test(w.value))) return undefined;
  const firstOff = wordSpan(inst.cmd, words[inst.first]).start;
  const subEnd = wordSpan(inst.cmd, words[inst.sub]).end;
  const pipPath = words[inst.first].value;
  const venvPip = pipPath.includes('/') && /venv/.test(pipPath) ? pipPath.slice(0, pipPath.lastIndexOf('/')) : undefined;
  const venv = !!venvPip || /\b(uv venv|-m venv|virtualenv)\b/.test(a.model.text.slice(run.argsStart, run.end)) || a.model.chainInstrs(stage).some((i) => i.start < run.start && (
    (i.keyword === 'ENV' && /VIRTUAL_ENV|UV_SYSTEM_PYTHON|\.venv\/bin|UV_PROJECT_ENVIRONMENT/.test(a.model.text.slice(i.argsStart, i.end))) ||
    (i.keyword === 'RUN' && /\b(uv venv|-m venv|virtualenv)\b/.test(a.model.text.slice(i.argsStart, i.end)))));
  const target = venvPip ? ` --python ${venvPip}/python` : venv ? '' : ' --system';
  const edits: OffsetEdit[] = [{ start: firstOff, end: subEnd, newText: `uv pip install${target}` }];
  for (const w of inst.args) {
    if (w.value === '--no-cache-dir') {
      edits.push({ ...wordSpan(inst.cmd, w), newText: '--no-cache' });
    }
  }
  const hasUv = a.model.chainInstrs(stage).some((i) => i.start < run.start && (
    (i.keyword === 'COPY' && /astral-sh\/uv/.test(a.model.text.slice(i.argsStart, i.end))) ||
    (i.keyword === 'RUN' && /\b(pip install [^&;]*\buv\b|astral\.sh\/uv|install\.sh)/.test(a.model.text.slice(i.argsStart, i.end)))));
  if (!hasUv) {
    // Every pip RUN of the stage inserts at the same place, so one COPY lands however many there are.
    const firstPip = a.runs(stage).find((r) => a.run(r).installs.some((i) => i.kind === 'pip')) ?? run;
    const lineStart = a.commentBlockStart(firstPip);
    edits.push({ start: lineStart, end: lineStart, newText: `${copyUv}${a.newline}` });
  }
  return { title: 'Install with uv', safe: false, edits };
}
