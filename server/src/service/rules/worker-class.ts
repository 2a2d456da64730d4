import { defineRule } from './rule';
import { optionValue } from '../gunicorn';
import { ASGI_WORKERS, WORKER_CLASS } from '../standard';
import { addOptionsEdit, optionSpan, programSpan, setOptionEdit } from './server-edits';

/** gunicorn's own WSGI workers (by short name or class path). */
const WSGI_WORKERS = /^(sync|gthread|eventlet|gevent|tornado|gevent_wsgi|gevent_pywsgi|gunicorn\.workers\..*|egg:gunicorn#.*)$/;

export default defineRule({
  meta: {
    name: 'worker-class',
    severity: 'error',
    fix: 'mixed',
    docs: {
      summary: 'gunicorn must serve an ASGI app (FastAPI, Starlette) with the Uvicorn worker.',
      whatItDoes: 'When the project depends on FastAPI, Starlette, Quart, Litestar, Sanic or uvicorn, checks that gunicorn runs with `--worker-class uvicorn.workers.UvicornWorker` (also accepted: `uvicorn_worker.UvicornWorker` and gunicorn\'s `asgi`).',
      why: 'gunicorn\'s default `sync` worker speaks WSGI: an ASGI app under it fails on the first request. uvicorn 0.30 moved the worker to the `uvicorn-worker` package (`uvicorn_worker.UvicornWorker`); the standard\'s `uvicorn.workers.UvicornWorker` still works.',
      example: 'CMD ["gunicorn", "src.main:app", "--workers", "4"]',
      useInstead: 'CMD ["gunicorn", "src.main:app", "--workers", "4", "--worker-class", "uvicorn.workers.UvicornWorker"]',
    },
  },
  check({ a, report }) {
    const inv = a.invocation();
    const g = a.gunicorn();
    if (!inv || !g || !a.isAsgi()) return;
    const title = 'Use UvicornWorker';
    const occ = a.gunicornOption('worker-class');
    if (!occ) {
      if (g.configFile) return;
      const edit = addOptionsEdit(inv, ['--worker-class', WORKER_CLASS]);
      report({ ...programSpan(inv), fix: edit && { title, safe: true, edits: [edit] },
        message: `gunicorn uses its default sync (WSGI) worker, which cannot serve this ASGI app. Add \`--worker-class ${WORKER_CLASS}\`.` });
      return;
    }
    const value = optionValue(occ);
    if (!value || ASGI_WORKERS.has(value) || value.includes('$')) return;
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
