// Finding the object gunicorn serves, read as text: module-level `app = FastAPI(…)` / `Flask(…)` /
// `Starlette(…)` / `Litestar(…)` / `Quart(…)`, `app = create_app()`, Django's
// `application = get_wsgi_application()` / `get_asgi_application()`, and app factories. Every
// candidate is kept and ranked: a module-level app object first (higher in main.py, app.py,
// asgi.py, wsgi.py or when an entry point names it), then factories (higher when the project's
// own entry points call them), CLI modules last.

import { AppCandidate, AppKind } from './types';
import { ProjectFiles, pythonFiles } from '../scaffold/files';
import { CodeRoot } from '../scaffold/layout';
import { FuncDef, ModuleInfo, PyIndex, lookup, paramsOf, resolveDotted } from './modules';
import { Reader, argOf, parseCall, short, splitTop } from './source';

/** Dotted module of a project-relative .py file, seen from its import root. */
export function moduleOf(file: string, importRoot: string): string {
  let rel = importRoot && file.startsWith(importRoot + '/') ? file.slice(importRoot.length + 1) : file;
  rel = rel.replace(/\.py$/, '').replace(/\/__init__$/, '');
  return rel.split('/').join('.');
}

/** A `module:attribute` target gunicorn accepts (attribute may be a factory call `name()`). */
export function isAppTarget(s: string): boolean {
  return /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\(\))?$/.test(s);
}

/** Constructors of app objects, by class name. */
export const APP_CLASSES: Record<string, AppKind> = { FastAPI: 'fastapi', Starlette: 'starlette', Flask: 'flask', Quart: 'quart', Litestar: 'litestar' };
const DJANGO_CALLS: Record<string, AppKind> = { get_wsgi_application: 'django', get_asgi_application: 'django-asgi', ProtocolTypeRouter: 'django-asgi' };
/** Factory names gunicorn users write (`module:create_app()`), accepted whatever they return. */
const FACTORY_NAMES = new Set(['create_app', 'make_app', 'app_factory', 'get_app', 'build_app', 'create_application', 'get_application', 'make_application', 'application_factory']);
/** Other names that are factories when they return a framework app. */
const FACTORY_SUFFIX = /(?:_app|app_factory)$/;
/** A quick test that a file may define an app (skips the scan of most files). */
const APP_HINT = /FastAPI|Starlette|Flask|Quart|Litestar|get_wsgi_application|get_asgi_application|ProtocolTypeRouter|app\s*\(|application\s*\(|app_factory/;

const LABEL: Record<AppKind, string> = {
  fastapi: 'FastAPI', starlette: 'Starlette', litestar: 'Litestar', flask: 'Flask', quart: 'Quart', django: 'Django WSGI', 'django-asgi': 'Django ASGI', factory: 'app',
};

/** Build hooks, tests and migrations: never where the served app is. */
export function notAppSource(file: string): boolean {
  const base = file.slice(file.lastIndexOf('/') + 1);
  if (/^(?:setup|hatch_build|noxfile|conftest|fabfile|tests|pavement)\.py$/.test(base) || /^test_.*\.py$|_tests?\.py$/.test(base)) return true;
  return /(?:^|\/)(?:tests?|testing|migrations|alembic)\//.test(file) || file === 'docs/conf.py';
}

/** Callees that wrap an ASGI/WSGI app in another one (middleware, lifespan wrappers). */
const WRAPPER = /middleware|wrap|asgi|wsgi|lifespan|lifetime|whitenoise|proxyfix/i;

/** Adapters that turn a WSGI app into an ASGI one or back: what they return is served by the other kind of worker, so they are not followed. */
const PROTOCOL_ADAPTER = /^(?:WsgiToAsgi|AsgiToWsgi|ASGIMiddleware|WSGIMiddleware)$/;

const CONVENTIONAL = new Set(['main.py', 'app.py', 'asgi.py', 'wsgi.py']);
const OFF_PATH = /(?:^|\/)(examples?|samples?|scripts?|docs?|benchmarks?|notebooks?)\//;

function isCli(file: string, text: string): boolean {
  const base = file.slice(file.lastIndexOf('/') + 1);
  if (/^(?:cli|manage|commands)\.py$/.test(base) || /(?:^|\/)(?:cli|commands|management)\//.test(file)) return true;
  if (CONVENTIONAL.has(base)) return false;
  return /^\s*(?:import\s+(?:click|typer)\b|from\s+(?:click|typer)\s+import\b)/m.test(text) && /typer\.Typer\s*\(|@click\.(?:group|command)\b/.test(text);
}

/** What an expression makes: an app kind, by constructor or by the factory it calls. */
export function appKindOf(idx: PyIndex, mod: ModuleInfo, scope: string, expr: string, depth = 0): { kind: AppKind; factory?: { mod: ModuleInfo; def: FuncDef }; wraps?: string } | undefined {
  if (depth > 4) return undefined;
  const call = parseCall(expr);
  if (call) {
    const last = call.callee.slice(call.callee.lastIndexOf('.') + 1);
    if (APP_CLASSES[last]) return { kind: APP_CLASSES[last] };
    if (DJANGO_CALLS[last]) return { kind: DJANGO_CALLS[last] };
    const { binding } = resolveDotted(idx, mod, scope, call.callee);
    if (binding.t === 'def') {
      const k = factoryKind(idx, binding.mod, binding.def, depth + 1);
      if (k || isFactoryName(binding.def.name)) return { kind: k ?? 'factory', factory: { mod: binding.mod, def: binding.def } };
    }
    if (binding.t !== 'def' && FACTORY_NAMES.has(last)) return { kind: 'factory' };
    // a wrapper around an app serves that app: `SentryAsgiMiddleware(app)`,
    // `lifetime_wrapper(get_asgi_application())`, a project class `AppAsgi(ProtocolTypeRouter(…))`
    if (WRAPPER.test(last) && !PROTOCOL_ADAPTER.test(last)) {
      const inner = argOf(call.args, 0);
      if (inner && inner !== 'spread') {
        const k = appKindOf(idx, mod, scope, inner.text, depth + 1);
        if (k && k.kind !== 'factory') return { kind: k.kind, wraps: short(inner.text, 40) };
      }
    }
    return undefined;
  }
  const name = /^[A-Za-z_]\w*$/.test(expr.trim()) ? expr.trim() : undefined;
  if (name) {
    const b = lookup(idx, mod, scope, name);
    if (b.t === 'assign') for (const a of b.assigns) { const k = appKindOf(idx, b.mod, b.scope, a.expr, depth + 1); if (k) return k; }
  }
  return undefined;
}

function isFactoryName(name: string): boolean { return FACTORY_NAMES.has(name); }

/** The kind of app a function returns: its return annotation, else its `return` statements. */
export function factoryKind(idx: PyIndex, mod: ModuleInfo, def: FuncDef, depth = 0): AppKind | undefined {
  const ann = def.returns?.replace(/^["']|["']$/g, '');
  const annLast = ann && /([A-Za-z_]\w*)\s*$/.exec(ann)?.[1];
  if (annLast && APP_CLASSES[annLast]) return APP_CLASSES[annLast];
  for (const st of mod.scopes.get(def.scope)?.stmts ?? []) {
    const m = /^return\s+([\s\S]+)$/.exec(st.text);
    if (!m) continue;
    const k = appKindOf(idx, mod, def.scope, m[1], depth + 1);
    if (k && k.kind !== 'factory') return k.kind;
  }
  return undefined;
}

/** A function annotated to return a tuple, or with a `return a, b` statement. */
function returnsTuple(mod: ModuleInfo, def: FuncDef): boolean {
  if (def.returns && /^["']?(?:typing\.)?(?:tuple|Tuple)\b/.test(def.returns.trim())) return true;
  return (mod.scopes.get(def.scope)?.stmts ?? []).some((st) => {
    const m = /^return\s+([\s\S]+)$/.exec(st.text);
    return !!m && splitTop(m[1]).filter((part) => part.text.trim()).length > 1;
  });
}

export interface AppScanOptions {
  /** Django serves through ASGI (channels, daphne or uvicorn in the dependencies, and an asgi.py). */
  djangoAsgi?: boolean;
  /** Entry points: `[project.scripts]`-style `name = "module:function"`. */
  scripts?: { name: string; target: string }[];
}

interface Raw extends AppCandidate {
  text: string;
  /** The factory a module-level object comes from, or the factory itself. */
  factoryOf?: FuncDef;
  def?: FuncDef;
  via?: string;
  returns?: AppKind;
  /** A wrapper around another app object: what gunicorn should serve rather than the app inside it. */
  wraps?: boolean;
}

/** Every app object and factory in `files` (module-indexed by `idx`), best first. */
export function discoverApps(idx: PyIndex, files: string[], opts: AppScanOptions = {}): AppCandidate[] {
  const raws: Raw[] = [];
  for (const file of files) {
    if (notAppSource(file)) continue;
    const text = idx.reader.read(file);
    if (!text || !APP_HINT.test(text)) continue;
    const mod = idx.info(file);
    if (!mod) continue;
    const top = mod.scopes.get('')!;
    for (const [name, assigns] of top.assigns) {
      for (const a of assigns) {
        if (a.stmt.blocks.length || a.augmented) continue;
        const k = appKindOf(idx, mod, '', a.expr);
        if (!k) continue;
        const viaFactory = k.wraps ? ` wrapped in ${parseCall(a.expr)?.callee ?? 'a wrapper'}(${k.wraps})` : k.factory ? ` from ${k.factory.def.name}()` : k.kind === 'factory' ? ` from ${parseCall(a.expr)?.callee ?? 'a factory'}()` : '';
        raws.push({ target: `${mod.module}:${name}`, kind: k.kind, file, line: a.stmt.line, rank: 0, why: '', form: 'object', text, factoryOf: k.factory?.def, via: viaFactory, ...(k.wraps ? { wraps: true } : {}) });
        break;
      }
    }
    for (const def of top.defs.values()) {
      const kind = factoryKind(idx, mod, def);
      if (!isFactoryName(def.name) && !(FACTORY_SUFFIX.test(def.name) && kind)) continue;
      // `return app, socketio` or `-> tuple[...]`: gunicorn would be handed a tuple, not an app
      if (!kind && returnsTuple(mod, def)) continue;
      const required = paramsOf(def).filter((p) => !p.hasDefault && !p.star);
      raws.push({
        target: `${mod.module}:${def.name}()`, kind: 'factory', file, line: def.line, rank: 0, why: '', form: 'factory', text, def,
        ...(required.length ? { needsArguments: true } : {}), returns: kind,
      });
    }
  }
  rank(idx, raws, files, opts);
  const seen = new Set<string>();
  return raws
    .sort((a, b) => b.rank - a.rank || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))
    .filter((c) => !seen.has(c.target) && !!seen.add(c.target))
    .map(({ target, kind, file, line, rank: r, why, form, needsArguments }) => ({ target, kind, file, line, rank: r, why, form, ...(needsArguments ? { needsArguments } : {}) }));
}

/** What the project's own entry points name or call. */
interface Entries {
  /** `module:attr` named in a string or imported. */
  named: Map<string, string>;
  /** Factories called. */
  calls: Map<FuncDef, string>;
}

function entries(idx: PyIndex, files: string[], opts: AppScanOptions, raws: Raw[]): Entries {
  const named = new Map<string, string>();
  const calls = new Map<FuncDef, string>();
  const entryFiles = new Map<string, string>();
  for (const s of opts.scripts ?? []) {
    const module = s.target.split(':')[0].trim();
    const f = idx.fileOf(module);
    if (f) { if (!entryFiles.has(f)) entryFiles.set(f, `[project.scripts] ${s.name}`); named.set(`${module}:*`, `[project.scripts] ${s.name}`); }
  }
  for (const f of files) {
    const base = f.slice(f.lastIndexOf('/') + 1);
    if (entryFiles.has(f)) continue;
    if (base === '__main__.py' || base === 'gunicorn.conf.py') { entryFiles.set(f, f); continue; }
    const text = idx.reader.read(f);
    if (text && /^if\s+__name__\s*==\s*["']__main__["']\s*:/m.test(text)) entryFiles.set(f, `the __main__ block of ${f}`);
  }
  const factories = new Set(raws.filter((r) => r.def).map((r) => r.def!));
  for (const [f, where] of entryFiles) {
    const mod = idx.info(f);
    if (!mod) continue;
    for (const m of mod.text.matchAll(/["']([A-Za-z_][\w.]*):([A-Za-z_]\w*)(\(\))?["']/g)) if (!named.has(`${m[1]}:${m[2]}`)) named.set(`${m[1]}:${m[2]}`, where);
    for (const sc of mod.scopes.values()) {
      for (const ref of sc.imports.values()) if (ref.attr && !named.has(`${ref.module}:${ref.attr}`)) named.set(`${ref.module}:${ref.attr}`, where);
    }
    for (const st of mod.src.stmts) {
      for (const m of st.text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
        const b = lookup(idx, mod, st.scope ?? '', m[1]);
        if (b.t === 'def' && factories.has(b.def) && !calls.has(b.def)) calls.set(b.def, where);
      }
    }
  }
  // a module-level `app = create_app()` calls the factory too
  for (const r of raws) if (r.factoryOf && factories.has(r.factoryOf) && !calls.has(r.factoryOf)) calls.set(r.factoryOf, `${r.target} (${r.file})`);
  return { named, calls };
}

function rank(idx: PyIndex, raws: Raw[], files: string[], opts: AppScanOptions) {
  const e = entries(idx, files, opts, raws);
  for (const r of raws) {
    const base = r.file.slice(r.file.lastIndexOf('/') + 1);
    const module = r.target.split(':')[0];
    const attr = r.target.split(':')[1].replace(/\(\)$/, '');
    const why: string[] = [];
    const cli = isCli(r.file, r.text);
    if (r.form === 'object') {
      r.rank = 100;
      why.push(`module-level ${LABEL[r.kind]} ${r.kind === 'django' || r.kind === 'django-asgi' ? 'application' : 'app'}${r.via ?? ''}`);
      if (CONVENTIONAL.has(base)) { r.rank += 15; why.push(`in ${base}`); }
      const ref = e.named.get(`${module}:${attr}`) ?? e.named.get(`${module}:*`);
      if (ref) { r.rank += 20; why.push(`named by ${ref}`); }
      if (attr === 'app' || attr === 'application') r.rank += 3;
      // the outermost object serves the middleware too
      if (r.wraps) r.rank += 4;
      if (r.kind === 'django' || r.kind === 'django-asgi') {
        const preferred = opts.djangoAsgi ? 'django-asgi' : 'django';
        if (r.kind === preferred) { r.rank += 5; why.push(opts.djangoAsgi ? 'the project serves Django through ASGI' : 'the standard serves Django through WSGI'); } else r.rank -= 5;
      }
    } else {
      r.rank = 60;
      const returns = r.returns;
      why.push(`factory${returns ? ` returning a ${LABEL[returns]} app` : ''}`);
      const by = r.def && e.calls.get(r.def);
      const ref = e.named.get(`${module}:${attr}`);
      if (by || ref) { r.rank += 20; why.push(`called by ${by ?? ref}`); }
      if (r.needsArguments) {
        r.rank -= 30;
        why.push(`needs arguments (${paramsOf(r.def!).filter((p) => !p.hasDefault && !p.star).map((p) => p.name).join(', ')}): gunicorn cannot call it as ${attr}()`);
      }
      if (r.def?.isAsync) { r.rank -= 10; why.push('async: gunicorn cannot await it'); }
    }
    if (cli) { r.rank = Math.min(r.rank, 40) - 20; r.form = 'cli'; why.push(`in a CLI module (${r.file})`); }
    const off = OFF_PATH.exec(r.file);
    if (off) { r.rank -= 50; why.push(`in ${off[1]}/`); }
    r.why = why.join('; ');
  }
}

/**
 * The candidates the scaffold offers: module-level app objects, else the factories gunicorn can call
 * bare; of Django's WSGI and ASGI application the one the project serves through.
 */
export function findApps(files: ProjectFiles, roots: CodeRoot[], opts: AppScanOptions = {}): AppCandidate[] {
  const limit = { files: 2000 };
  const pyFiles: string[] = [];
  const rootOf = new Map<string, string>();
  for (const r of roots) {
    for (const f of r.isDir ? pythonFiles(files, r.path, limit) : [r.path]) {
      if (!rootOf.has(f)) { rootOf.set(f, r.importRoot); pyFiles.push(f); }
    }
  }
  const idx = new PyIndex(new Reader(files), pyFiles, (f) => [rootOf.get(f) ?? '']);
  const all = discoverApps(idx, pyFiles, opts);
  let objects = all.filter((c) => c.form !== 'factory' && !c.target.endsWith('()'));
  if (objects.some((c) => c.kind === 'django') && objects.some((c) => c.kind === 'django-asgi')) {
    objects = objects.filter((c) => c.kind !== (opts.djangoAsgi ? 'django' : 'django-asgi'));
  }
  if (objects.length) return objects;
  return all.filter((c) => c.target.endsWith('()') && !c.needsArguments);
}
