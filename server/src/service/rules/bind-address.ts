import { defineRule } from './rule';
import { Option, envValue, optionValue } from '../gunicorn';
import { addOptionsEdit, optionSpan, programSpan, setOptionEdit, onConfig, confStrings } from './server-edits';

export const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/i;

/** Host and port of a gunicorn/hypercorn bind value; undefined host means "not a TCP bind" (unix:, fd://). */
export function splitBind(v: string): { host?: string; port?: string } {
  if (v.startsWith('unix:') || v.startsWith('fd://')) return {};
  const m = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(v);
  return { host: m?.[1] ?? v, port: m?.[2] };
}

export default defineRule({
  meta: {
    name: 'bind-address',
    severity: 'error',
    fix: 'safe',
    docs: {
      summary: 'The server must listen on 0.0.0.0:8000, not on loopback.',
      whatItDoes: 'Checks the bind address of gunicorn (`-b`/`--bind`, `GUNICORN_CMD_ARGS`, the `PORT` variable), hypercorn (`--bind`) and uvicorn (`--host`).',
      why: 'gunicorn and uvicorn listen on 127.0.0.1 by default, which is unreachable from outside the container: the load balancer and health checks never reach the app.',
      example: 'CMD ["gunicorn", "src.main:app", "--bind", "127.0.0.1:8000"]',
      useInstead: 'CMD ["gunicorn", "src.main:app", "--bind", "0.0.0.0:8000"]',
    },
  },
  check({ a, report }) {
    const inv = a.invocation();
    const stage = a.final;
    if (!inv || !stage) return;
    const port = a.standard.port.value;
    const resolve = (v: string) => (v.includes('$') ? a.model.resolve(v, a.model.variables(stage, inv.instr.start)) : v);
    if (inv.kind === 'gunicorn' || inv.kind === 'hypercorn') {
      const g = a.gunicorn();
      const binds: Option[] = inv.options.get('bind') ?? g?.envArgs.get('bind') ?? [];
      const conf = !binds.length ? a.gunicornSetting('bind') : undefined;
      if (conf?.conf && conf.file) {
        const c = conf.conf;
        const values = confStrings(c);
        if (values.length && values.every((v) => LOOPBACK.test(splitBind(v).host ?? ''))) {
          report(onConfig(a, inv, conf.file, c.valueSpan, { message: `bind = ${JSON.stringify(values.length === 1 ? values[0] : values)} is a loopback address, unreachable from outside the container. Bind "0.0.0.0:${port}".` }));
        }
        return;
      }
      if (!binds.length) {
        // gunicorn binds 0.0.0.0:$PORT when PORT is set; a config file may set bind.
        if (inv.kind === 'gunicorn' && (inv.env.has('PORT') || envValue(a.model, stage, 'PORT') || g?.configHidden)) return;
        if (inv.kind === 'hypercorn' && inv.options.has('config')) return; // the config file may bind
        const edit = addOptionsEdit(inv, ['--bind', `0.0.0.0:${port}`]);
        report({ ...programSpan(inv), fix: edit && { title: `Bind to 0.0.0.0:${port}`, safe: true, edits: [edit] },
          message: `${inv.kind} has no --bind, so it listens on 127.0.0.1:8000, unreachable from outside the container. Add \`--bind 0.0.0.0:${port}\`.` });
        return;
      }
      const parsed = binds.map((o) => ({ o, v: resolve(optionValue(o) ?? '') }));
      if (parsed.some(({ v }) => v === undefined || splitBind(v).host === undefined || !LOOPBACK.test(splitBind(v).host!))) return;
      const last = parsed[parsed.length - 1];
      const p = splitBind(last.v!).port ?? String(port);
      const edit = setOptionEdit(last.o, `0.0.0.0:${p}`);
      report({ ...optionSpan(last.o), fix: edit && { title: `Bind to 0.0.0.0:${p}`, safe: true, edits: [edit] },
        message: `${inv.kind} binds ${last.v}, a loopback address unreachable from outside the container. Bind \`0.0.0.0:${p}\`.` });
      return;
    }
    if (inv.kind === 'uvicorn' || inv.kind === 'fastapi') {
      if (inv.options.has('uds') || inv.options.has('fd')) return;
      const host = inv.options.get('host')?.at(-1);
      if (!host) {
        if (inv.kind === 'fastapi') return; // `fastapi run` listens on 0.0.0.0 by default
        // uvicorn also reads UVICORN_HOST (inline or ENV).
        const envHost = inv.env.get('UVICORN_HOST')?.value.replace(/^UVICORN_HOST=/, '') ?? envValue(a.model, stage, 'UVICORN_HOST')?.value;
        if (envHost !== undefined) {
          const v = resolve(envHost);
          if (v === undefined || !LOOPBACK.test(v)) return;
        }
        const edit = addOptionsEdit(inv, ['--host', '0.0.0.0']);
        report({ ...programSpan(inv), fix: edit && { title: 'Listen on 0.0.0.0', safe: true, edits: [edit] },
          message: 'uvicorn has no --host, so it listens on 127.0.0.1, unreachable from outside the container. Add `--host 0.0.0.0`.' });
        return;
      }
      const v = resolve(optionValue(host) ?? '');
      if (v === undefined || !LOOPBACK.test(v)) return;
      const edit = setOptionEdit(host, '0.0.0.0');
      report({ ...optionSpan(host), fix: edit && { title: 'Listen on 0.0.0.0', safe: true, edits: [edit] },
        message: `${inv.kind} listens on ${v}, a loopback address unreachable from outside the container. Use \`--host 0.0.0.0\`.` });
    }
  },
});

