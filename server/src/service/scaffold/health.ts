// The health check the scaffold writes probes a route the app serves: a health-like route found in
// the code (pythonFacts routes, prefixes composed), else the standard's /health together with a
// minimal endpoint to insert next to the app object (returned as data; nothing is written).

import { AppCandidate, AppKind, PythonFacts, Route } from '../project/types';
import { FileEdit } from '../types';
import { eolOf } from '../text';

/**
 * Health-like routes: the last segment is /health, /healthz, /health-check, /_health, /ping, /status,
 * /livez, /readyz, or it is live/ready/liveness/readiness under a health-like segment
 * (/-/health/live/, /health/ready).
 */
const HEALTH_SEGMENT = /^[_-]?(?:health[\w-]*|healthz|ping|status|livez|readyz|liveness|readiness)$/i;
const PROBE_SUFFIX = /^(?:live|liveness|alive|ready|readiness)$/i;
const HEALTH_NAMED = /^[_-]?health/i;
/** Readiness probes check dependencies (a database outage would make ECS replace every task): ranked last. */
const READINESS = /^(?:ready|readyz|readiness)$/i;

function segments(path: string): string[] {
  return path.replace(/\/+$/, '').split('/').filter(Boolean);
}

/** /readyz, /health/ready, /-/health/readiness/. */
export function isReadinessPath(path: string): boolean {
  return READINESS.test(segments(path).pop() ?? '');
}

export function isHealthLike(path: string): boolean {
  if (!path.startsWith('/') || /[{<:*]/.test(path)) return false; // no path parameters
  const segs = segments(path);
  if (!segs.length) return false;
  const last = segs[segs.length - 1];
  return HEALTH_SEGMENT.test(last) || (segs.length > 1 && PROBE_SUFFIX.test(last) && segs.slice(0, -1).some((s) => HEALTH_SEGMENT.test(s)));
}

/** Health-like GET routes served by `target` (or by an app Docksmith could not tie them to), best first: shortest, health-named first. */
export function healthRoutes(facts: PythonFacts, target: string): Route[] {
  const served = facts.routes.filter((r) => !r.conditional && isHealthLike(r.path)
    && (!r.methods || r.methods.some((m) => m.toUpperCase() === 'GET'))
    && (!r.apps || !r.apps.length || r.apps.includes(target)));
  const readiness = (p: string) => Number(isReadinessPath(p));
  const named = (p: string) => Number(!segments(p).some((s) => HEALTH_NAMED.test(s)));
  return served.sort((a, b) => readiness(a.path) - readiness(b.path) || named(a.path) - named(b.path)
    || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface HealthEndpoint {
  /** The path the HEALTHCHECK probes once the endpoint exists. */
  path: string;
  /** The insertion into the app's module (Django: into the root URLconf; absent when it cannot be found: a note says what to add). */
  edit?: FileEdit;
  framework: 'fastapi' | 'starlette' | 'flask' | 'django';
}

/** `health`, or `docksmith_health` when the module already defines a health(). */
function healthFunctionName(text: string): string {
  return /^(?:async\s+)?def\s+health\s*\(/m.test(text) ? 'docksmith_health' : 'health';
}

/** The line after the statement that starts on `line` (brackets balanced, strings skipped). */
function statementEnd(lines: string[], line: number): number {
  let depth = 0;
  for (let k = line; k < lines.length; k++) {
    const l = lines[k].replace(/(["'])(?:\\.|(?!\1).)*\1/g, '""').replace(/#.*$/, '');
    for (const ch of l) { if ('([{'.includes(ch)) depth++; else if (')]}'.includes(ch)) depth--; }
    if (depth <= 0 && !/\\\s*$/.test(lines[k])) return k;
  }
  return lines.length - 1;
}

/**
 * A minimal `/health` endpoint for `app` (a module-level object), inserted after its assignment in
 * `text` (the module's source). `pathLabel` is the file as the client addresses it.
 */
export function healthEndpointFor(app: AppCandidate, kind: AppKind | undefined, text: string | undefined, pathLabel: string, path = '/health'): HealthEndpoint | undefined {
  const framework = kind === 'fastapi' || kind === 'starlette' || kind === 'flask' ? kind : kind === 'django' || kind === 'django-asgi' ? 'django' : undefined;
  if (!framework) return undefined;
  if (framework === 'django') return undefined; // the root URLconf, not the app's module: djangoHealthEndpointFor
  if (text === undefined || app.form !== 'object' || app.target.endsWith('()')) return undefined;
  const name = app.target.slice(app.target.indexOf(':') + 1);
  const lines = text.split(/\r\n|\r|\n/);
  if (app.line < 0 || app.line >= lines.length) return undefined;
  const nl = eolOf(text);
  const end = statementEnd(lines, app.line);
  const fn = healthFunctionName(text);
  const body = framework === 'fastapi'
    ? [`@${name}.get(${JSON.stringify(path)})`, `def ${fn}() -> dict[str, str]:`, '    return {"status": "ok"}']
    : framework === 'flask'
      ? [`@${name}.get(${JSON.stringify(path)})`, `def ${fn}():`, '    return {"status": "ok"}']
      : [`async def ${fn}(request):`, '    from starlette.responses import JSONResponse', '', '    return JSONResponse({"status": "ok"})', '', '', `${name}.add_route(${JSON.stringify(path)}, ${fn}, methods=["GET"])`];
  const at = { line: end, character: lines[end].length };
  // two blank lines before, and before the code that follows (PEP 8)
  const after = end + 1 < lines.length && lines[end + 1].trim() ? `${nl}${nl}` : '';
  return { path, framework, edit: { path: pathLabel, edits: [{ start: at, end: at, newText: `${nl}${nl}${nl}${body.join(nl)}${after}` }] } };
}

/**
 * Django's form: a view and `urlpatterns.insert(0, path("health/", …))` (first, so that no catch-all
 * pattern answers it first) at the end of the root URLconf
 * (`text`, the module's source), when it has a module-level `urlpatterns`. `path` is imported there
 * unless the module already imports it from django.urls.
 */
export function djangoHealthEndpointFor(text: string, pathLabel: string, path = '/health/'): HealthEndpoint | undefined {
  if (!/^urlpatterns\s*(?::[^=\n]*)?[=+]/m.test(text)) return undefined;
  const nl = eolOf(text);
  const lines = text.split(/\r\n|\r|\n/);
  const last = lines.length - 1;
  const fn = healthFunctionName(text);
  const route = path.replace(/^\/+/, '');
  const hasPath = /^from\s+django\.urls\s+import\s+(?:\([^)]*\bpath\b[^)]*\)|[^\n]*\bpath\b)/m.test(text);
  const body = [
    ...(hasPath ? [] : ['from django.urls import path  # noqa: E402', '', '']),
    `def ${fn}(request):`, '    """Liveness for the container\'s HEALTHCHECK: answers without touching the database."""',
    '    from django.http import JsonResponse', '', '    return JsonResponse({"status": "ok"})', '', '',
    `urlpatterns.insert(0, path(${JSON.stringify(route)}, ${fn}))`,
  ];
  // after the last line, with two blank lines before (PEP 8); a last line without a newline gets one
  const lead = lines[last] === '' ? (lines[last - 1]?.trim() ? `${nl}${nl}` : '') : `${nl}${nl}${nl}`;
  const at = { line: last, character: lines[last].length };
  return { path, framework: 'django', edit: { path: pathLabel, edits: [{ start: at, end: at, newText: `${lead}${body.join(nl)}${nl}` }] } };
}
