import { RuleContext, defineRule } from './rule';
import { Invocation, effectiveCommands, encodeWord, optionValue, readCommandInstr } from '../gunicorn';
import { findProgram } from '../commands';
import { isPythonImage, parseImageRef } from '../model';
import { WORKER_CLASS, workersFor } from '../standard';
import { programSpan, onConfig } from './server-edits';
import { Analysis } from '../analysis';
import { Fix } from '../types';

/** uvicorn options gunicorn (with the Uvicorn worker) has an equivalent for. */
const CARRY: Record<string, string> = { 'log-level': '--log-level', 'forwarded-allow-ips': '--forwarded-allow-ips', 'timeout-keep-alive': '--keep-alive' };

const NAMES: Record<string, string> = { uvicorn: 'uvicorn', hypercorn: 'hypercorn', fastapi: 'fastapi run', granian: 'granian', daphne: 'daphne', uwsgi: 'uWSGI', waitress: 'waitress', litestar: 'litestar run' };

/** Test runners: a runtime stage that runs one ships the test suite, not the service. */
const TEST_RUNNERS = new Set(['pytest', 'py.test', 'tox', 'nox', 'behave', 'unittest']);

export default defineRule({
  meta: {
    name: 'gunicorn-server',
    severity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'Serve the app with gunicorn + UvicornWorker; never with a development server.',
      whatItDoes: 'Checks the command of the stage that ships (own or inherited): any server other than gunicorn (`uvicorn`, `fastapi run`, `hypercorn`, `granian`, `daphne`, uWSGI, `waitress-serve`, `litestar run`) and a Python file or module run directly (`python app.py`, `python -m app`) is a warning; a development server (`--reload`, `fastapi dev`, `flask run`, `manage.py runserver`) is an error. So are a runtime stage with no CMD or ENTRYPOINT on the python image (it runs a Python prompt) and one that runs a test runner. A start script stays an information note (`unseen-server-config`).',
      why: 'gunicorn supervises its workers: it restarts a crashed or hung worker and handles SIGTERM with a graceful timeout. A bare uvicorn process has no supervisor; development servers reload on file changes, run single-threaded and print debug pages.',
      example: 'CMD ["uvicorn", "src.main:app", "--host", "0.0.0.0", "--port", "8000"]',
      useInstead: 'CMD ["gunicorn", "src.main:app", "--workers", "4", "--worker-class", "uvicorn.workers.UvicornWorker", "--bind", "0.0.0.0:8000", "--timeout", "120", "--graceful-timeout", "30"]',
      references: [{ title: 'uvicorn: deployment (gunicorn as the process manager)', url: 'https://www.uvicorn.org/deployment/' }, { title: 'gunicorn: settings', url: 'https://docs.gunicorn.org/en/stable/settings.html' }],
    },
  },
  check({ a, report }) {
    const inv = a.invocation();
    const stage = a.final;
    if (!stage) return;
    if (!inv) {
      const { entry, cmd } = effectiveCommands(a.model, stage);
      const root = a.model.rootImage(stage);
      if (!entry && !cmd) {
        // The python image's own CMD is `python3`: an interactive prompt that exits at once without a TTY.
        // Other bases may start something themselves (unseen-server-config says so).
        if (root !== undefined && isPythonImage(parseImageRef(root).name)) {
          report({ start: stage.from.start, end: stage.from.end,
            message: `The runtime stage has no CMD or ENTRYPOINT, own or inherited: the container runs the python image's default, a Python prompt that exits at once. Add the standard command: \`CMD ["gunicorn", "<module>:app", "--worker-class", "${WORKER_CLASS}", …]\`.` });
        }
        return;
      }
      const holder = (entry ?? cmd)!;
      const ci = readCommandInstr(a.model, holder);
      const words = ci.exec ? ci.words : ci.script?.commands.at(-1)?.words ?? [];
      const prog = findProgram(words as never);
      if (prog && TEST_RUNNERS.has(prog.name)) {
        report({ start: holder.start, end: holder.end,
          message: `The runtime stage runs \`${prog.name}\`: the image that ships is the test stage. Serve the app with gunicorn in the stage that ships; build test stages with \`docker build --target\`, and set \`target\` in [tool.docksmith] when the last stage is not the one that ships.` });
      }
      return;
    }
    const sub = inv.positionals[0]?.value;
    const dev = inv.options.has('reload') || (inv.kind === 'fastapi' && sub === 'dev') || inv.kind === 'flask' || inv.kind === 'django';
    if (dev) {
      const what = inv.kind === 'flask' ? 'flask run' : inv.kind === 'django' ? 'manage.py runserver' : inv.kind === 'fastapi' && sub === 'dev' ? 'fastapi dev' : `${inv.kind} --reload`;
      report({ ...programSpan(inv), severity: 'error',
        message: `\`${what}\` is a development server (auto-reload, no worker supervision): never ship it. Serve with gunicorn + ${WORKER_CLASS}.` });
      return;
    }
    if (inv.kind === 'gunicorn') {
      checkGunicornFlags(inv, report);
      checkConfigCopied(a, report);
      // a config gunicorn cannot parse stops it at start: say where, on the file
      const g = a.gunicorn();
      if (g?.config) {
        for (const p of g.config.config.problems.slice(0, 3)) {
          report(onConfig(a, inv, g.config, p.span, { severity: 'error', message: `${p.message} gunicorn runs this file as Python at start and stops on the error.` }));
        }
      }
      return;
    }
    if (inv.kind === 'python') {
      const shown = inv.words[0].value === 'python' || /python[0-9.]*$/.test(inv.words[0].value) ? inv.words.slice(0, 2).map((w) => w.value).join(' ') : `python -m ${inv.words[0].value}`;
      report({ ...programSpan(inv),
        message: `The container runs \`${shown}\`, not gunicorn: whatever server it starts (uvicorn.run, app.run) has no worker supervision and no graceful timeout. Serve the app with gunicorn + ${WORKER_CLASS}.` });
      return;
    }
    report({ ...programSpan(inv), fix: rewrite(a, inv),
      message: `The app is served by ${NAMES[inv.kind] ?? inv.kind} alone; the standard is gunicorn with ${WORKER_CLASS} workers, which supervises and restarts workers and shuts down gracefully.` });
  },
});

/** Rewrite a plain uvicorn / `fastapi run` command to the standard gunicorn command. */
function rewrite(a: Analysis, inv: Invocation): Fix | undefined {
  if (inv.kind !== 'uvicorn' && inv.kind !== 'fastapi') return undefined;
  if (inv.split || inv.script?.wrapped || (inv.script && inv.script.commands.length > 1)) return undefined;
  if (inv.options.has('factory') || inv.options.has('app-dir') || inv.options.has('uds') || inv.options.has('fd')) return undefined;
  if (a.hasInnerComment(inv.instr.argsStart, inv.instr.end)) return undefined;
  // Wrappers before the server (opentelemetry-instrument, uv run, env …) would be lost: only `python -m` may precede it.
  const holder = inv.script ? inv.script.commands[0]?.words.map((w) => ({ value: w.value, start: inv.script!.src.at(w.start) })) : (inv.cmd ?? inv.entry)?.words;
  const before = (holder ?? []).filter((w) => w.start < inv.words[0].start).map((w) => w.value);
  if (!(before.length === 0 || (before.length === 2 && /^python[0-9.]*$/.test(before[0].slice(before[0].lastIndexOf('/') + 1)) && before[1] === '-m'))) return undefined;
  let app: string | undefined;
  if (inv.kind === 'uvicorn') app = inv.positionals[0]?.value;
  else {
    const entry = inv.options.get('entrypoint')?.at(-1);
    const path = inv.positionals[1]?.value;
    const attr = inv.options.get('app')?.at(-1);
    if (entry) app = optionValue(entry);
    else if (path && /\.py$/.test(path)) app = `${path.replace(/^\.\//, '').replace(/\.py$/, '').replace(/\//g, '.')}:${(attr && optionValue(attr)) || 'app'}`;
  }
  if (!app || !/^[\w.]+:[\w.]+$/.test(app)) return undefined;
  // Every option must carry over; one gunicorn has no equivalent for means no automatic rewrite.
  const carried: string[] = [];
  for (const [name, list] of inv.options) {
    if (['host', 'port', 'workers', 'entrypoint', 'app'].includes(name)) continue;
    const target = CARRY[name];
    const v = optionValue(list[list.length - 1]);
    if (!target || v === undefined) return undefined;
    carried.push(target, v);
  }
  const portOpt = inv.options.get('port')?.at(-1);
  const port = (portOpt && optionValue(portOpt)) || '8000';
  if (!/^\d+$/.test(port)) return undefined;
  const vcpu = a.standard.vcpu;
  const workersOpt = inv.options.get('workers')?.at(-1);
  const workers = vcpu ? String(workersFor(vcpu.value)) : workersOpt && optionValue(workersOpt);
  // Keep the directory the server ran from (a venv's bin/): gunicorn is installed beside it.
  const exe = before.length ? before[0] : inv.words[0].value;
  const gunicorn = exe.includes('/') ? `${exe.slice(0, exe.lastIndexOf('/') + 1)}gunicorn` : 'gunicorn';
  const argv = [gunicorn, app,
    ...(workers ? ['--workers', workers] : []),
    '--worker-class', WORKER_CLASS, '--bind', `0.0.0.0:${port}`,
    '--timeout', String(a.standard.timeout), '--graceful-timeout', String(a.standard.gracefulTimeout), ...carried];
  return { title: 'Serve with gunicorn + UvicornWorker', safe: false,
    edits: [{ start: inv.instr.argsStart, end: inv.instr.end, newText: `[${argv.map((s) => JSON.stringify(s)).join(', ')}]` }] };
}

/**
 * Command-line mistakes that stop gunicorn: an option spelled with underscores (`--graceful_timeout`:
 * argparse knows only `--graceful-timeout`, gunicorn exits with "unrecognized arguments"), and
 * `-D`/`--daemon`, which detaches from PID 1 so the container exits at once.
 */
function checkGunicornFlags(inv: Invocation, report: RuleContext['report']): void {
  for (const [name, list] of inv.options) {
    for (const o of list) {
      const flag = o.flag.value;
      if (o.flag.noEdit) continue;
      const written = /^--([A-Za-z0-9_-]+)/.exec(flag)?.[1];
      if (written && written.includes('_') && written !== 'limit-request-field_size') {
        const fixed = `--${written.replace(/_/g, '-')}`;
        const text = flag.replace(`--${written}`, fixed);
        report({ start: o.flag.start, end: o.flag.end, severity: 'error',
          fix: { title: `Spell it ${fixed}`, safe: true, edits: [{ start: o.flag.start, end: o.flag.end, newText: encodeWord(text, o.flag.ctx) }] },
          message: `gunicorn has no option \`--${written}\`: it stops at start with "unrecognized arguments". The option is \`${fixed}\`.` });
      }
      if (name === 'daemon' || name === 'D') {
        report({ start: o.flag.start, end: o.flag.end, severity: 'error',
          message: `\`${flag}\` daemonizes gunicorn: it forks away from PID 1 and the container exits at once. Remove it; the container is the daemon.` });
      }
    }
  }
}

/** `-c gunicorn.conf.py`: the file must be in the image, or gunicorn stops at start. */
function checkConfigCopied(a: Analysis, report: RuleContext['report']): void {
  const g = a.gunicorn();
  const o = g?.configOption;
  if (!g?.config || !o || (g.configFile ?? '').startsWith('python:')) return;
  const name = g.config.name;
  // a COPY/ADD from the build context, in a stage that feeds the image, whose source covers the file
  for (const s of a.model.stages) {
    if (!a.feedsImage(s)) continue;
    for (const i of s.instrs) {
      if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || a.model.flag(i, 'from')) continue;
      const words = a.model.copyWords(i);
      for (const w of words.slice(0, -1)) {
        const src = w.value.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
        if (src === '' || src === '.' || src === '*' || name === src || name.startsWith(`${src}/`) || /[*?[]/.test(src)) return;
      }
    }
  }
  report({ start: o.flag.start, end: (o.value ?? o.flag).end, severity: 'error',
    message: `gunicorn reads ${g.configFile}, but no COPY puts ${name} into the image: gunicorn exits at start because the file does not exist. Copy it, e.g. \`COPY ${name} ./\`.` });
}
