import { defineRule } from './rule';
import { optionValue } from '../gunicorn';
import { workersFor } from '../standard';
import { addOptionsEdit, optionSpan, programSpan, setOptionEdit, confNumber, onConfig } from './server-edits';
import { OffsetEdit } from '../types';

const FORMULA = /nproc|cpu_count|\$\(\(|\*\s*2|2\s*\*/;

export default defineRule({
  meta: {
    name: 'workers-match-vcpu',
    severity: 'warning',
    fix: 'safe',
    docs: {
      summary: 'Run one gunicorn worker per vCPU of the task, not 2×CPU+1.',
      whatItDoes: 'For an ASGI app (a WSGI app\'s sync workers follow other arithmetic), Compares the gunicorn worker count (`-w`, `--workers`, `GUNICORN_CMD_ARGS`, `WEB_CONCURRENCY`) with the task\'s vCPU (`vcpu` in `[tool.docksmith]`, the `docksmith.vcpu` setting, or an ECS task definition). Formulas such as `$((2*$(nproc)+1))` are always reported.',
      why: 'Async Uvicorn workers each keep a core busy; more workers than vCPUs only add memory and context switches. On Fargate `nproc` can report more CPUs than the task is given, so a formula over-provisions.',
      example: 'CMD ["gunicorn", "src.main:app", "--workers", "9"]',
      useInstead: 'CMD ["gunicorn", "src.main:app", "--workers", "4"]',
    },
  },
  check({ a, report }) {
    const inv = a.invocation();
    const g = a.gunicorn();
    if (!inv || !g) return;
    // One worker per vCPU is the rule for async workers; a WSGI app's sync workers block on each request.
    if (!a.appKind().asgi) return;
    const vcpu = a.standard.vcpu;
    const want = vcpu ? workersFor(vcpu.value) : undefined;
    const where = vcpu ? ` (vCPU ${vcpu.value} from ${vcpu.source})` : '';
    const set = a.gunicornSetting('workers');
    const occ = set.option;
    // gunicorn.conf.py's `workers` (it wins over WEB_CONCURRENCY, which is only gunicorn's default)
    if (!occ && set.conf && set.file) {
      if (set.conf.kind === 'cpu-formula') {
        report(onConfig(a, inv, set.file, set.conf.valueSpan, { message: `workers is computed from the CPU count (\`${set.conf.text}\`): the standard is workers = vCPU, not 2×CPU+1, and on Fargate the CPU count may not match the task's vCPU. ${want !== undefined ? `Set \`workers = ${want}\`${where}.` : 'Set the task\'s vCPU (configure `vcpu` in [tool.docksmith]).'}` }));
      } else {
        const n = confNumber(set.conf);
        if (n !== undefined && want !== undefined && n !== want) {
          report(onConfig(a, inv, set.file, set.conf.valueSpan, { message: `workers = ${n}, but the task has ${vcpu!.value} vCPU${where}: the standard runs one async worker per vCPU. Set \`workers = ${want}\`.` }));
        }
      }
      return;
    }
    const title = `Set workers to ${want} (= vCPU)`;
    let value: string | undefined;
    let span: { start: number; end: number };
    let edit: OffsetEdit | undefined;
    if (occ) {
      value = optionValue(occ);
      span = optionSpan(occ);
      if (want !== undefined) edit = setOptionEdit(occ, String(want));
    } else if (g.webConcurrency) {
      value = g.webConcurrency.value;
      span = g.webConcurrency;
      if (want !== undefined && !g.webConcurrency.noEdit) edit = { start: g.webConcurrency.start, end: g.webConcurrency.end, newText: String(want) };
    } else {
      if (g.configFile || want === undefined || want <= 1) return;
      const add = addOptionsEdit(inv, ['--workers', String(want)]);
      report({ ...programSpan(inv), fix: add && { title, safe: true, edits: [add] },
        message: `gunicorn runs its default single worker; the task has ${vcpu!.value} vCPU${where}: the standard runs one worker per vCPU. Add \`--workers ${want}\`.` });
      return;
    }
    if (value === undefined) return;
    const fix = edit && { title, safe: true, edits: [edit] };
    if (FORMULA.test(value)) {
      report({ ...span, fix,
        message: `The worker count is computed from the CPU count (\`${value}\`): the standard is workers = vCPU, not 2×CPU+1, and on Fargate nproc may not match the task's vCPU. ${want !== undefined ? `Set \`--workers ${want}\`${where}.` : 'Set an explicit `--workers N` with N = the task\'s vCPU (configure `vcpu` in [tool.docksmith]).'}` });
      return;
    }
    const n = /^\d+$/.test(value) ? Number(value) : undefined;
    if (n === undefined || want === undefined || n === want) return;
    report({ ...span, fix, message: `gunicorn runs ${n} worker${n === 1 ? '' : 's'} but the task has ${vcpu!.value} vCPU${where}: the standard runs one async worker per vCPU. Set \`--workers ${want}\`.` });
  },
});
