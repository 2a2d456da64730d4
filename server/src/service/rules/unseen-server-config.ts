import { defineRule } from './rule';
import { CONFIG_NAME } from '../analysis';
import { effectiveCommands, readCommandInstr } from '../gunicorn';
import { findProgram, isShellProgram } from '../commands';
import { isPythonImage, parseImageRef } from '../model';

export default defineRule({
  meta: {
    name: 'unseen-server-config',
    severity: 'info',
    fix: 'none',
    docs: {
      summary: 'Server settings Docksmith cannot see (a gunicorn config file, a start script) need a manual check.',
      whatItDoes: 'Adds one information note when gunicorn reads a config file (`-c`, or a `gunicorn.conf.py` in the project) whose workers, worker class, timeouts or bind Docksmith cannot read: the file was not found, or it computes them when gunicorn starts (an environment lookup, a condition). Literal settings in the file are judged by the other rules, on the file\'s lines. Also when the command runs a script whose server settings are not in the Dockerfile, or when the image relies on its base image\'s own command.',
      why: 'Docksmith only judges what it can see; instead of guessing, it says what it could not check so the config file or script gets reviewed against the standard.',
      example: 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "src.main:app"]',
      useInstead: 'CMD ["gunicorn", "src.main:app", "--workers", "4", "--worker-class", "uvicorn.workers.UvicornWorker", "--bind", "0.0.0.0:8000", "--timeout", "120", "--graceful-timeout", "30"]',
    },
  },
  check({ a, report }) {
    const stage = a.final;
    if (!stage) return;
    const inv = a.invocation();
    if (inv) {
      const g = a.gunicorn();
      if (!g?.configFile) return;
      // Settings Docksmith can see: on the command line, or a literal in the config file it read.
      // What stays hidden: values computed at run time, or everything when the file was not found.
      const readable = !g.configHidden;
      const hidden = ['workers', 'worker-class', 'timeout', 'graceful-timeout', 'bind'].filter((n) => {
        const set = a.gunicornSetting(n);
        if (set.option) return false;
        if (set.conf) return set.conf.kind === 'dynamic';
        return !readable;
      });
      if (!hidden.length) return;
      report({ start: inv.instr.start, end: inv.instr.end,
        message: g.config
          ? `gunicorn reads ${g.config.label}, where ${hidden.map((h) => CONFIG_NAME[h]).join(', ')} ${hidden.length === 1 ? 'is' : 'are'} computed when gunicorn starts (or set under a condition), which Docksmith cannot evaluate: make sure the result is the standard value.`
          : `gunicorn reads ${g.configFile}, which Docksmith cannot check: make sure it sets ${hidden.map((h) => `--${h}`).join(', ')} to the standard values, or pass them on the command line.` });
      return;
    }
    const { entry, cmd } = effectiveCommands(a.model, stage);
    const holder = entry ?? cmd;
    if (!holder) {
      const root = a.model.rootImage(stage);
      if (root !== undefined && !isPythonImage(parseImageRef(root).name) && parseImageRef(root).name !== 'scratch') {
        report({ start: stage.from.start, end: stage.from.end,
          message: `No CMD or ENTRYPOINT here: the container runs ${root}'s own command, and Docksmith cannot see what it starts or with which settings. Put the standard gunicorn command in this Dockerfile.` });
      }
      return;
    }
    const ci = readCommandInstr(a.model, holder);
    const words = ci.exec ? ci.words : ci.script?.commands.at(-1)?.words ?? [];
    const prog = findProgram(words as never);
    if (!prog) return;
    const w = words[prog.index].value;
    const next = words[prog.index + 1]?.value ?? '';
    const isShell = isShellProgram(prog.name);
    const script = /\.(sh|bash)$/.test(w) || /entrypoint|start|run|boot/i.test(w.slice(w.lastIndexOf('/') + 1)) && /^[./]/.test(w)
      ? w : prog.name === 'python' && /\.py$/.test(next) ? `python ${next}`
        : isShell && next && !next.startsWith('-') ? `${w} ${next}` : undefined;
    if (!script) return;
    report({ start: holder.start, end: holder.end,
      message: `The container starts \`${script}\`; Docksmith cannot see the server settings inside it. Check there that gunicorn runs with the standard workers, UvicornWorker, timeouts 120/30 and --bind 0.0.0.0:${a.standard.port.value}.` });
  },
});
