import { defineRule } from './rule';
import { CONFIG_NAME } from '../analysis';
import { optionValue } from '../gunicorn';
import { addOptionsEdit, optionSpan, programSpan, setOptionEdit, confNumber, onConfig } from './server-edits';

export default defineRule({
  meta: {
    name: 'gunicorn-timeouts',
    severity: 'warning',
    fix: 'safe',
    docs: {
      summary: 'gunicorn needs `--timeout 120` and `--graceful-timeout 30`.',
      whatItDoes: 'Checks that gunicorn sets `--timeout` (`-t`) to 120 and `--graceful-timeout` to 30, on the command line or in `GUNICORN_CMD_ARGS`.',
      why: 'A worker silent for longer than `--timeout` is killed: 120 s matches the health-check budget. On deploy ECS sends SIGTERM and kills after `stopTimeout`; `--graceful-timeout 30` lets in-flight requests finish (keep the task\'s stopTimeout above 30 s for margin).',
      example: 'CMD ["gunicorn", "src.main:app", "--timeout", "30"]',
      useInstead: 'CMD ["gunicorn", "src.main:app", "--timeout", "120", "--graceful-timeout", "30"]',
      references: [{ title: 'gunicorn: timeout and graceful_timeout', url: 'https://docs.gunicorn.org/en/stable/settings.html#timeout' }],
    },
  },
  check({ a, report }) {
    const inv = a.invocation();
    const g = a.gunicorn();
    if (!inv || !g) return;
    const checks: [string, number, string][] = [
      ['timeout', a.standard.timeout, 'worker timeout (a worker silent this long is killed; 120 s matches the health-check budget)'],
      ['graceful-timeout', a.standard.gracefulTimeout, 'graceful timeout (time for in-flight requests after SIGTERM on deploy)'],
    ];
    for (const [name, want, why] of checks) {
      const set = a.gunicornSetting(name);
      const occ = set.option;
      const title = `Set --${name} ${want}`;
      if (!occ && set.conf && set.file) {
        // read from gunicorn.conf.py: judged there when it is a literal, otherwise unseen-server-config's note
        const n = confNumber(set.conf);
        if (n !== undefined && n !== want) {
          report(onConfig(a, inv, set.file, set.conf.valueSpan, { message: `${CONFIG_NAME[name]} = ${n} s; the standard ${why} is ${want} s.` }));
        }
        continue;
      }
      if (!occ) {
        if (g.configHidden) continue;
        const edit = addOptionsEdit(inv, [`--${name}`, String(want)]);
        report({ ...programSpan(inv), fix: edit && { title, safe: true, edits: [edit] },
          message: `gunicorn has no --${name}${g.config ? ` (and ${g.config.label} does not set ${CONFIG_NAME[name]})` : ''}: the standard ${why} is ${want} s. Add \`--${name} ${want}\`.` });
        continue;
      }
      const value = optionValue(occ);
      if (!value || !/^\d+$/.test(value) || Number(value) === want) continue;
      const edit = setOptionEdit(occ, String(want));
      report({ ...optionSpan(occ), fix: edit && { title, safe: true, edits: [edit] },
        message: `--${name} is ${value} s${Number(value) === 0 && name === 'timeout' ? ' (0 turns the worker timeout off: hung workers are never replaced)' : ''}; the standard ${why} is ${want} s.` });
    }
  },
});
