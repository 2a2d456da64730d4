import { RuleContext, defineRule } from './rule';
import { Option, optionValue } from '../gunicorn';
import { confStrings, onConfig, optionSpan, setOptionEdit } from './server-edits';
import { LOOPBACK, splitBind } from './bind-address';

export default defineRule({
  meta: {
    name: 'service-port',
    severity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'The server listens on the standard port (8000), the one the health check, the target group and containerPort use.',
      whatItDoes: 'Checks the port of a reachable bind: gunicorn\'s (or hypercorn\'s) single `--bind host:port` (or `bind` in gunicorn.conf.py, reported on the config\'s line), uvicorn\'s `--port`. A port other than the configured one (`port` in `[tool.docksmith]`, `docksmith.port`, default 8000) is a warning. Loopback binds are `bind-address`\'s; several binds, unix sockets and variables are not judged.',
      why: 'Every service of the fleet is reached on the same port: the HEALTHCHECK URL, the load balancer\'s target group and the task definition\'s containerPort all assume it. A service on another port passes review and fails its first health check.',
      example: 'CMD ["gunicorn", "app.main:app", "--bind", "0.0.0.0:5000"]',
      useInstead: 'CMD ["gunicorn", "app.main:app", "--bind", "0.0.0.0:8000"]',
    },
  },
  check({ a, report }) {
    const inv = a.invocation();
    const stage = a.final;
    if (!inv || !stage) return;
    const want = a.standard.port.value;
    const resolve = (v: string) => (v.includes('$') ? a.model.resolve(v, a.model.variables(stage, inv.instr.start)) : v);
    if (inv.kind === 'gunicorn' || inv.kind === 'hypercorn') {
      const binds: Option[] = inv.options.get('bind') ?? a.gunicorn()?.envArgs.get('bind') ?? [];
      const conf = !binds.length && inv.kind === 'gunicorn' ? a.gunicornSetting('bind') : undefined;
      if (conf?.conf?.kind === 'literal' && conf.file) {
        // `bind = "0.0.0.0:5000"` in gunicorn.conf.py: judged on the config's line
        const values = confStrings(conf.conf);
        const port = values.length === 1 ? splitBind(values[0]).port : undefined;
        if (port && /^\d+$/.test(port) && Number(port) !== want && !LOOPBACK.test(splitBind(values[0]).host ?? '')) {
          report(onConfig(a, inv, conf.file, conf.conf.valueSpan, { message: `bind = "${values[0]}" listens on port ${port}; the standard port is ${want}, which the HEALTHCHECK, the load balancer's target group and the task definition's containerPort expect.` }));
        }
        return;
      }
      if (binds.length !== 1) return; // several binds are deliberate
      const v = resolve(optionValue(binds[0]) ?? '');
      if (v === undefined || LOOPBACK.test(splitBind(v).host ?? '')) return;
      check(binds[0], splitBind(v).port, want, inv.kind, report);
    } else if (inv.kind === 'uvicorn' || inv.kind === 'fastapi') {
      const p = inv.options.get('port')?.at(-1);
      const v = p && resolve(optionValue(p) ?? '');
      if (p && v !== undefined) check(p, v, want, inv.kind, report);
    }
  },
});

function check(o: Option, actual: string | undefined, want: number, kind: string, report: RuleContext['report']): void {
  if (actual === undefined || !/^\d+$/.test(actual) || Number(actual) === want) return;
  const value = optionValue(o) ?? '';
  const edit = setOptionEdit(o, value.endsWith(`:${actual}`) ? `${value.slice(0, -actual.length)}${want}` : String(want));
  report({ ...optionSpan(o), fix: edit && { title: `Listen on port ${want}`, safe: false, edits: [edit] },
    message: `${kind} listens on port ${actual}; the standard port is ${want}, which the HEALTHCHECK, the load balancer's target group and the task definition's containerPort expect. Use ${want}, or set \`port = ${actual}\` in [tool.docksmith] if the service deliberately uses ${actual}.` });
}
