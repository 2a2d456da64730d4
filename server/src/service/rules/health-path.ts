import { defineRule } from './rule';
import { effectiveHealthcheck, isNone } from './health';
import { Route } from '../project/types';

/** Paths that look like health endpoints, in the order a reviewer would pick them. */
const HEALTHY = /(^|\/)(health|healthz|healthcheck|health-check|livez|readyz|ready|alive|liveness|readiness|ping|status)\/?$/i;

export default defineRule({
  meta: {
    name: 'health-path',
    severity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'The HEALTHCHECK must probe a route the app serves.',
      whatItDoes: 'Compares the path the HEALTHCHECK requests with the routes the code declares (FastAPI/Starlette decorators with APIRouter and include_router prefixes, Flask routes and blueprints, Litestar handlers, Django urlpatterns; read as text, never run). A path no route serves is a warning naming the routes that look like health endpoints (`/healthz`, `/api/v1/health`, `/ping`, …), with a quick fix to use the one that exists; when there is none, the warning says so. A trailing slash does not matter (the frameworks redirect). `health-path` in `[tool.docksmith]` still says which path is meant. When a route or prefix cannot be read (a variable, a condition, a mounted app), Docksmith says nothing.',
      why: 'A health check against a path the app does not serve gets 404 forever: the container is marked unhealthy and replaced in a loop, although the service works.',
      example: '# the app serves @app.get("/healthz")\nHEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(\'http://localhost:8000/health\', timeout=4)"]',
      useInstead: 'HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(\'http://localhost:8000/healthz\', timeout=4)"]',
    },
  },
  check({ a, report }) {
    const py = a.facts.python;
    const stage = a.final;
    if (!py || !stage || !py.routesComplete || !py.routes.length) return;
    const hc = effectiveHealthcheck(a, stage);
    if (!hc || isNone(a, hc)) return;
    const src = a.model.logical(hc);
    const m = /https?:\/\/[^/\s'"]+(\/[^\s'")?#]*)?/.exec(src.text);
    if (!m) return;
    const path = m[1] ?? '/';
    if (path.includes('$') || path.includes('{')) return;
    const norm = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p) || '/';
    // a configured health-path is the meant one: then only its existence is checked
    const served = (p: string) => py.routes.some((r) => norm(r.path) === norm(p) && !/[{<]/.test(r.path));
    if (served(path)) return;
    const healthy = unique(py.routes.filter((r) => HEALTHY.test(norm(r.path)) && !/[{<]/.test(r.path) && !r.conditional));
    const where = (r: Route) => `${r.path} (${r.file}:${r.line + 1})`;
    const pathStart = src.at(m.index + m[0].length - path.length);
    const pathEnd = src.at(m.index + m[0].length - 1) + 1;
    if (!healthy.length) {
      report({ start: hc.start, end: hc.end,
        message: `The HEALTHCHECK requests ${path}, but the app serves no such route, and no route looks like a health endpoint (the code declares ${py.routes.length} route${py.routes.length === 1 ? '' : 's'}): the check fails with 404 forever. Add a health endpoint (e.g. \`@app.get("${a.standard.healthPath.value}")\` returning 200) and probe it.` });
      return;
    }
    const pick = healthy[0];
    report({ start: hc.start, end: hc.end,
      fix: { title: `Probe ${pick.path}`, safe: false, edits: [{ start: pathStart, end: pathEnd, newText: pick.path }] },
      message: `The HEALTHCHECK requests ${path}, but the app serves no such route: the check fails with 404 forever. Health-like routes it serves: ${healthy.slice(0, 4).map(where).join(', ')}. Probe ${pick.path}${a.standard.healthPath.source !== 'the standard' ? '' : ` (or set \`health-path = "${pick.path}"\` in [tool.docksmith])`}.` });
  },
});

function unique(routes: Route[]): Route[] {
  const seen = new Set<string>();
  return routes.filter((r) => !seen.has(r.path) && seen.add(r.path));
}
