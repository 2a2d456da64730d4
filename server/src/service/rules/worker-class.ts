import { defineRule } from './rule';
import { optionValue } from '../gunicorn';
import { ASGI_WORKERS, WORKER_CLASS } from '../standard';
import { addOptionsEdit, optionSpan, programSpan, setOptionEdit, onConfig, confString } from './server-edits';

/** gunicorn's own WSGI workers (by short name or class path). */
const WSGI_WORKERS = /^(sync|gthread|eventlet|gevent|tornado|gevent_wsgi|gevent_pywsgi|gunicorn\.workers\..*|egg:gunicorn#.*)$/;

export default defineRule({
  meta: {
    name: 'worker-class',
    severity: 'error',
    fix: 'mixed',
    docs: {
      summary: 'gunicorn must serve an ASGI app (FastAPI, Starlette) with the Uvicorn worker.',
      whatItDoes: 'When the app is an ASGI app, checks that gunicorn runs with `--worker-class uvicorn.workers.UvicornWorker` (also accepted: `uvicorn_worker.UvicornWorker` and gunicorn\'s `asgi`). The app is ASGI when `framework = "asgi"` is declared, when the project depends on FastAPI, Starlette, Quart, Litestar, Sanic or uvicorn, or when the Dockerfile installs one of them; it is WSGI when `framework = "wsgi"` is declared or the project depends on Flask or Django. With no evidence either way (no pyproject.toml), the standard\'s assumption holds: a FastAPI service. Then a gunicorn without `-k` is a warning whose message says how to declare a WSGI app, and an explicit WSGI worker class is taken as that declaration.',
      why: 'gunicorn\'s default `sync` worker speaks WSGI: an ASGI app under it fails on the first request. uvicorn 0.30 moved the worker to the `uvicorn-worker` package (`uvicorn_worker.UvicornWorker`); the standard\'s `uvicorn.workers.UvicornWorker` still works.',
      example: 'CMD ["gunicorn", "src.main:app", "--workers", "4"]',
      useInstead: 'CMD ["gunicorn", "src.main:app", "--workers", "4", "--worker-class", "uvicorn.workers.UvicornWorker"]',
      references: [{ title: 'uvicorn-worker (the UvicornWorker package)', url: 'https://pypi.org/project/uvicorn-worker/' }, { title: 'gunicorn: worker_class', url: 'https://docs.gunicorn.org/en/stable/settings.html#worker-class' }],
    },
  },
  check({ a, report }) {
    const inv = a.invocation();
    const g = a.gunicorn();
    if (!inv || !g) return;
    const app = a.appKind();
    if (!app.asgi) return;
    const assumed = app.evidence === 'assumed';
    const title = 'Use UvicornWorker';
    const set = a.gunicornSetting('worker-class');
    const occ = set.option;
    if (!occ && set.conf && set.file) {
      const v = confString(set.conf);
      if (v && !ASGI_WORKERS.has(v) && WSGI_WORKERS.test(v) && !assumed) {
        report(onConfig(a, inv, set.file, set.conf.valueSpan, { severity: 'error', message: `worker_class = "${v}" is a WSGI worker: it cannot serve an ASGI app (FastAPI/Starlette). Use "${WORKER_CLASS}".` }));
      }
      return;
    }
    if (!occ) {
      if (g.configHidden) return;
      const edit = addOptionsEdit(inv, ['--worker-class', WORKER_CLASS]);
      report({ ...programSpan(inv), fix: edit && { title, safe: !assumed, edits: [edit] }, severity: assumed ? 'warning' : undefined,
        message: assumed
          ? `gunicorn uses its default sync (WSGI) worker. The standard assumes a FastAPI (ASGI) service, which needs \`--worker-class ${WORKER_CLASS}\`. If this is a WSGI app (Flask, Django), say so: \`framework = "wsgi"\` in [tool.docksmith] (or \`docksmith.framework\`), or a pyproject.toml that lists Flask or Django.`
          : `gunicorn uses its default sync (WSGI) worker, which cannot serve this ASGI app. Add \`--worker-class ${WORKER_CLASS}\`.` });
      return;
    }
    const value = optionValue(occ);
    if (!value || ASGI_WORKERS.has(value) || value.includes('$')) return;
    // With no evidence of an ASGI app, a WSGI worker class is itself evidence of a WSGI app.
    if (assumed) return;
    const edit = setOptionEdit(occ, WORKER_CLASS);
    if (WSGI_WORKERS.test(value)) {
      report({ ...optionSpan(occ), fix: edit && { title, safe: true, edits: [edit] },
        message: `Worker class "${value}" is a WSGI worker: it cannot serve an ASGI app (FastAPI/Starlette). Use \`${WORKER_CLASS}\`.` });
      return;
    }
    // A custom class (often a UvicornWorker subclass): Docksmith cannot tell, so it only notes it.
    report({ ...optionSpan(occ), uncertain: true, fix: edit && { title, safe: false, edits: [edit] },
      message: `Worker class "${value}" is not one Docksmith knows; make sure it is an ASGI worker (a UvicornWorker subclass). The standard is \`${WORKER_CLASS}\`.` });
  },
});
