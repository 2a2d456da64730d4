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
      whatItDoes: 'Reports `pip install` (also `pip3`, `python -m pip`), and `uv sync` without `--locked`/`--frozen` when the project has a `uv.lock`.',
      why: 'uv installs 5-10x faster than pip and, with `--locked`, installs exactly the versions in uv.lock (the build fails if the lock is stale instead of silently resolving new versions).',
      example: 'RUN pip install -r requirements.txt\nRUN uv sync',
      useInstead: 'COPY --from=ghcr.io/astral-sh/uv:0.9.5 /uv /uvx /bin/\nRUN uv pip install --system -r requirements.txt\nRUN uv sync --locked',
    },
  },
  check({ a, report }) {
    // One linear pass over the stages: each starts from what holds at the end of its parent stage
    // (uv present, venv active, UV_LOCKED set, uv.lock in the build context).
    a.model.foldStages<StageState>(
      () => ({ uv: false, venv: false, locked: false, lockCopied: false, firstPip: undefined }),
      (s) => ({ ...s, firstPip: undefined }),
      (state, stage) => {
        for (const i of stage.instrs) {
          const raw = a.model.text.slice(i.argsStart, i.end);
          if (i.keyword === 'ENV') {
            if (VENV_ENV.test(raw)) state.venv = true;
            if (LOCKED_ENV.test(raw)) state.locked = true;
          } else if (i.keyword === 'COPY' || i.keyword === 'ADD') {
            if (/astral-sh\/uv/.test(raw)) state.uv = true;
            if (!a.model.flag(i, 'from') && a.model.copyArgs(i).slice(0, -1).some((w) => /^(\.\/?|\*|.*uv\.lock\*?)$/.test(w.value))) state.lockCopied = true;
          } else if (i.keyword === 'RUN') {
            checkRun(a, i, state, report);
            if (UV_INSTALL.test(raw)) state.uv = true;
            if (VENV_RUN.test(raw)) state.venv = true;
          }
        }
      });
  },
});

interface StageState { uv: boolean; venv: boolean; locked: boolean; lockCopied: boolean; firstPip?: Instr }

const VENV_ENV = /VIRTUAL_ENV|UV_SYSTEM_PYTHON|\.venv\/bin|UV_PROJECT_ENVIRONMENT/;
const VENV_RUN = /\b(uv venv|-m venv|virtualenv)\b/;
const LOCKED_ENV = /\bUV_(LOCKED|FROZEN)\s*=\s*["']?(1|true)/i;
const UV_INSTALL = /\b(pip3? install [^&;|]*\buv\b|astral\.sh\/uv)/;

function checkRun(a: Analysis, r: Instr, state: StageState, report: RuleContext['report']): void {
  const raw = a.model.text.slice(r.argsStart, r.end);
  for (const inst of a.run(r).installs) {
    if (inst.kind === 'pip') {
      state.firstPip ??= r;
      const tools = inst.toolOnly ? inst.args.filter((w) => !w.value.startsWith('-')).map((w) => w.value).join(' ') : '';
      const uvItself = inst.toolOnly && /^uv([=<>~].*)?$/.test(tools);
      report({ start: r.start, end: r.end, fix: inst.toolOnly && !uvItself ? undefined : pipToUv(a, r, inst, state),
        message: !inst.toolOnly
          ? 'Dependencies are installed with pip: the standard uses uv (5-10x faster, lock-file exact). Use `uv sync --locked` with uv.lock, else `uv pip install`.'
          : uvItself
            ? `uv is installed with pip: the standard copies the pinned binary instead (\`COPY --from=ghcr.io/astral-sh/uv:${a.standard.uvVersion} /uv /uvx /bin/\`).`
            : `pip installs packaging tools (${tools}): the standard installs dependencies with uv, which needs neither.` });
    } else if (inst.kind === 'uv-sync' && a.facts.hasUvLock) {
      if (inst.args.some((w) => w.value === '--locked' || w.value === '--frozen')) continue;
      if (state.locked || LOCKED_ENV.test(raw)) continue;
      const at = wordSpan(inst.cmd, inst.cmd.words[inst.sub]).end;
      // --locked fails the build when uv.lock is not in the stage: only safe when it visibly is.
      const lockHere = state.lockCopied || a.model.flags(r).flags.some((f) => f.name === 'mount' && /uv\.lock/.test(f.value));
      const fix: Fix = { title: 'Add --locked', safe: lockHere, edits: [{ start: at, end: at, newText: ' --locked' }] };
      report({ start: r.start, end: r.end, fix,
        message: '`uv sync` without `--locked` may re-resolve and install versions other than uv.lock pins. Add `--locked` (or `--frozen`).' });
    }
  }
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
    const lineStart = a.commentBlockStart(state.firstPip ?? run);
    edits.push({ start: lineStart, end: lineStart, newText: `${copyUv}${a.newline}` });
  }
  return { title: 'Install with uv', safe: false, edits };
}
