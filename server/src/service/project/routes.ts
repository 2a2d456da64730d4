// Routes read from the code, never executed: FastAPI/Starlette (decorators, add_api_route, Route/
// Mount lists, include_router, mount), Flask/Quart (route decorators, add_url_rule, blueprints and
// register_blueprint), Litestar (handler decorators, Router, Controller, route_handlers) and Django
// (the ROOT_URLCONF's urlpatterns with include() followed). Names are followed through imports
// inside the project; prefixes compose. What is not a literal (a variable prefix, an f-string, a
// setting, a loop variable) is not guessed: it goes to `unknown` and the routes are incomplete.

import { Framework, OpaquePrefix, Route } from './types';
import { Binding, ClassDef, FuncDef, ModuleInfo, PyIndex, conditionOf, lookup, paramsOf, resolveDotted } from './modules';
import { Arg, Call, Stmt, argOf, assignIndex, dottedName, matchClose, parseCall, short, splitTop, stringLiteral } from './source';
import { lineAt, pushAll } from '../text';

type PathVal = { ok: true; v: string } | { ok: false; why: string };
const EMPTY: PathVal = { ok: true, v: '' };

type CKind = 'fastapi' | 'apirouter' | 'starlette' | 'starlette-router' | 'mount' | 'flask' | 'quart' | 'blueprint' | 'litestar' | 'litestar-router' | 'litestar-controller';

const FRAMEWORK: Record<CKind, Framework> = {
  fastapi: 'fastapi', apirouter: 'fastapi', starlette: 'starlette', 'starlette-router': 'starlette', mount: 'starlette', flask: 'flask', quart: 'quart',
  blueprint: 'flask', litestar: 'litestar', 'litestar-router': 'litestar', 'litestar-controller': 'litestar',
};
const IS_APP = new Set<CKind>(['fastapi', 'starlette', 'flask', 'quart', 'litestar']);
const KIND_LABEL: Record<CKind, string> = {
  fastapi: 'FastAPI app', apirouter: 'APIRouter', starlette: 'Starlette app', 'starlette-router': 'Starlette Router', mount: 'Mount', flask: 'Flask app',
  quart: 'Quart app', blueprint: 'Blueprint', litestar: 'Litestar app', 'litestar-router': 'Litestar Router', 'litestar-controller': 'Litestar Controller',
};

interface Loc { file: string; line: number }

interface Container extends Loc {
  id: string;
  kind: CKind;
  framework: Framework;
  /** Display name (`router`, `app`). */
  name: string;
  prefix: PathVal;
  entries: Entry[];
  included: number;
  targets: Set<string>;
}

type Entry =
  | Loc & { t: 'route'; path: PathVal; methods?: string[]; cond?: string; what: string }
  | Loc & { t: 'include'; child: Container; prefix?: PathVal; mode: 'concat' | 'flask'; cond?: string; what: string }
  | Loc & { t: 'opaque'; prefix: PathVal; what: string; known: boolean; cond?: string; why?: string }
  | Loc & { t: 'unknown'; why: string; cond?: string };

interface HandlerRoute extends Loc { path: PathVal; methods?: string[] }

type Value =
  | { t: 'str'; v: string }
  | { t: 'list'; items: Item[] }
  | { t: 'container'; c: Container }
  | { t: 'route'; r: HandlerRoute }
  | { t: 'handler'; routes: HandlerRoute[]; def: FuncDef }
  | { t: 'func'; mod: ModuleInfo; def: FuncDef }
  | { t: 'class'; mod: ModuleInfo; cls: ClassDef }
  | { t: 'module'; name: string }
  | { t: 'external'; qual: string }
  | { t: 'param'; def: FuncDef; name: string }
  | { t: 'opaque'; what: string; known: boolean; path?: PathVal }
  | { t: 'unknown'; why: string };

interface Item extends Loc { v: Value; text: string }

interface Cx {
  mod: ModuleInfo;
  scope: string;
  /** Parameters bound at a call site (`register_routes(app)`). */
  bind?: Map<string, Value>;
  /** The condition of the call site, in bound mode. */
  cond?: string;
  depth: number;
}

const HTTP_VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace']);
const DECORATOR_METHODS = new Set([...HTTP_VERBS, 'api_route', 'route', 'websocket', 'websocket_route']);
const CALL_OPS = new Set(['include_router', 'register_blueprint', 'mount', 'add_api_route', 'add_route', 'add_url_rule', 'add_websocket_route', 'add_api_websocket_route', 'register']);
/** Operations that only apps and routers have: an unresolved receiver is worth a word. */
const SPECIFIC = new Set(['include_router', 'register_blueprint', 'add_api_route', 'add_url_rule', 'api_route', 'add_api_websocket_route']);
const LITESTAR_VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'route', 'websocket', 'websocket_listener']);
const MAX_DEPTH = 24;
const MAX_BIND_DEPTH = 4;

/** A quick test that a file may define or compose routes (skips the scan of the others). */
export const ROUTE_HINT = /FastAPI|APIRouter|Starlette|Flask|Quart|Blueprint|Litestar|Router|Route|Mount|Controller|include_router|register_blueprint|\.mount\s*\(|add_api_route|add_url_rule|add_route|urlpatterns|ROOT_URLCONF|@\s*[\w.]+\s*\.\s*(?:get|post|put|patch|delete|head|options|route|api_route|websocket)\b|@\s*(?:get|post|put|patch|delete|head|route|websocket)\b/;

export interface RouteScanOptions {
  /** Files to scan (already bounded), in order. */
  files: string[];
  /** Django application targets (for `Route.apps`). */
  djangoApps?: string[];
  /** App candidates: their targets name the apps that serve each route (`wsgi:app = create_app()`). */
  apps?: { target: string; file: string; form?: string }[];
  /** Project-relative path → path shown in messages. */
  show?: (file: string) => string;
}

export interface RouteScanResult {
  routes: Route[];
  complete: boolean;
  unknown: string[];
  opaque: OpaquePrefix[];
  /** Frameworks whose code was seen composing routes. */
  seen: Set<Framework>;
  /** App targets mounted into another app (a sub-application), with where. */
  mounted: Map<string, string>;
  /** Django's root URLconf modules (ROOT_URLCONF, else urls.py beside settings), as files. */
  urlconfs: string[];
}

const concat = (a: string, b: string) => a + b;
function flaskJoin(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return a.replace(/\/+$/, '') + '/' + b.replace(/^\/+/, '');
}
function litestarJoin(a: string, b: string): string {
  const j = ('/' + a + '/' + b).replace(/\/{2,}/g, '/');
  return j.length > 1 ? j.replace(/\/+$/, '') : j;
}
function joinFor(c: Container): (a: string, b: string) => string {
  return c.framework === 'flask' || c.framework === 'quart' ? flaskJoin : c.framework === 'litestar' ? litestarJoin : concat;
}

export class RouteScanner {
  private containers = new Map<string, Container>();
  private cache = new Map<string, Value>();
  private busy = new Set<string>();
  private unknown: string[] = [];
  private complete = true;
  private processed = new Set<string>();
  /** Functions that add routes to a parameter, and whether a call binding it was found. */
  private paramFns = new Map<FuncDef, { mod: ModuleInfo; loc: Loc; param: string; called: boolean }>();
  private paramOpsMemo = new Map<FuncDef, boolean>();
  private litestarHandlers = new Map<FuncDef, { loc: Loc; used: boolean }>();
  private seen = new Set<Framework>();
  private urlconfs: string[] = [];
  private show: (f: string) => string;

  constructor(private idx: PyIndex, private opts: RouteScanOptions) {
    this.show = opts.show ?? ((f) => f);
  }

  run(): RouteScanResult {
    const relevant: string[] = [];
    for (const f of this.opts.files) {
      const text = this.idx.reader.read(f);
      if (text && ROUTE_HINT.test(text)) relevant.push(f);
    }
    for (const f of relevant) this.processFile(f);
    // Functions that register routes on a parameter: look for their callers in the other files.
    for (let round = 0; round < 3; round++) {
      const missing = [...this.paramFns.entries()].filter(([, p]) => !p.called);
      if (!missing.length) break;
      let more = false;
      for (const f of this.opts.files) {
        if (this.processed.has(f)) continue;
        const text = this.idx.reader.read(f);
        if (text && missing.some(([def]) => text.includes(def.name))) { this.processFile(f); more = true; }
      }
      if (!more) break;
    }
    for (const [def, p] of this.paramFns) {
      if (!p.called) this.unk(p.loc, `${def.name}(${p.param}) adds routes to its parameter ${p.param}, and no call passing it an app or router was found: those routes are not listed`);
    }
    for (const [def, h] of this.litestarHandlers) {
      if (!h.used) this.unk(h.loc, `the Litestar handler ${def.name} is in no route_handlers list found: its path is not listed`);
    }
    this.nameApps();
    const mounted = new Map<string, string>();
    for (const c of this.containers.values()) {
      for (const e of c.entries) {
        if (e.t === 'include' && IS_APP.has(e.child.kind)) for (const t of e.child.targets) mounted.set(t, `${e.what} in ${this.show(e.file)}:${e.line + 1}`);
      }
    }
    const out: Route[] = [];
    const opaque: OpaquePrefix[] = [];
    for (const c of [...this.containers.values()]) {
      if (c.included > 0) continue;
      if (IS_APP.has(c.kind)) {
        const apps = [...c.targets];
        this.walk(c, this.ownPrefix(c, '', c, undefined) ?? '', [c], undefined, apps, out, opaque);
      } else if (c.entries.length) {
        const n = this.countRoutes(c, new Set());
        if (n) this.unk(c, `${c.name} (${KIND_LABEL[c.kind]}) is not included in any app found: its ${n} route${n === 1 ? '' : 's'} ${n === 1 ? 'is' : 'are'} not listed`);
      }
    }
    this.django(out, opaque);
    // one entry per declaration and path; the apps that serve it merged
    const byKey = new Map<string, Route>();
    const routes: Route[] = [];
    for (const r of out) {
      const k = `${r.path}|${r.methods?.join(',')}|${r.file}|${r.line}|${r.conditional ? 1 : 0}`;
      const prev = byKey.get(k);
      if (!prev) { byKey.set(k, r); routes.push(r); continue; }
      if (r.apps) prev.apps = [...new Set([...(prev.apps ?? []), ...r.apps])];
    }
    return { routes, complete: this.complete, unknown: [...new Set(this.unknown)], opaque, seen: this.seen, mounted, urlconfs: this.urlconfs };
  }

  /** The app candidates' targets on the containers they are (`wsgi:app = create_app()` names the factory's app too). */
  private nameApps() {
    for (const a of this.opts.apps ?? []) {
      const mod = this.idx.info(a.file);
      const attr = a.target.split(':')[1];
      if (!mod || !attr) continue;
      const cx: Cx = { mod, scope: '', depth: 0 };
      let v: Value;
      if (attr.endsWith('()')) {
        const b = lookup(this.idx, mod, '', attr.slice(0, -2));
        v = b.t === 'def' ? this.factoryReturn(b.mod, b.def, 0) ?? { t: 'unknown', why: '' } : { t: 'unknown', why: '' };
      } else v = this.evalDotted(cx, attr);
      if (v.t === 'container') v.c.targets.add(a.target);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reporting

  private unk(loc: Loc, message: string) {
    this.complete = false;
    this.unknown.push(`${this.show(loc.file)}:${loc.line + 1}: ${message}`);
  }

  private loc(mod: ModuleInfo, offset: number): Loc {
    return { file: mod.file, line: lineAt(mod.src.lineStarts, offset) };
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  private processFile(file: string) {
    if (this.processed.has(file)) return;
    this.processed.add(file);
    const mod = this.idx.info(file);
    if (!mod) return;
    for (const st of mod.src.stmts) this.stmt(mod, st, { mod, scope: st.scope ?? '', depth: 0 });
  }

  private condOf(cx: Cx, st: Stmt): string | undefined {
    const c = conditionOf(st);
    return cx.cond ?? (c ? `under \`${short(c.head, 50)}:\` (line ${c.line + 1})` : undefined);
  }

  private stmt(mod: ModuleInfo, st: Stmt, cx: Cx) {
    if (st.opens?.kind === 'def' && st.decorators?.length) for (const d of st.decorators) this.decorator(cx, st, d);
    if (st.opens) return;
    const t = st.text;
    // only calls, assignments of calls and returns matter here
    if (t.indexOf('(') < 0 && !(cx.scope && t.startsWith('return'))) return;
    if (!cx.bind) {
      // assignments make containers (and name them); factories' returns name them too
      const eq = assignIndex(t);
      if (eq > 0) {
        const target = dottedName(t.slice(0, eq).replace(/:[\s\S]*$/, ''));
        const rhs = t.slice(eq + 1);
        if (target && !target.includes('.') && /^\s*(?:await\s+)?[\w.]+\s*\(/.test(rhs)) {
          const v = this.evalDotted(cx, target);
          if (v.t === 'container') {
            if (v.c.name.endsWith('(…)')) v.c.name = target;
            if (!cx.scope && !st.blocks.length) v.c.targets.add(`${mod.module}:${target}`);
          }
        }
        return;
      }
      const ret = /^return\s+([\s\S]+)$/.exec(t);
      if (ret && cx.scope.startsWith('def:')) {
        const fn = mod.scopes.get(cx.scope)?.func;
        if (fn && fn.parent === '' && /^[\w.]+\s*\(|^[A-Za-z_]\w*$/.test(ret[1].trim())) {
          const v = this.expr(cx, ret[1], st.start + t.indexOf(ret[1]));
          if (v.t === 'container') v.c.targets.add(`${mod.module}:${fn.name}()`);
        }
        return;
      }
    }
    const call = parseCall(t);
    if (!call) return;
    const base = st.start + (t.length - t.trimStart().length);
    const dot = call.callee.lastIndexOf('.');
    if (dot > 0 && CALL_OPS.has(call.callee.slice(dot + 1))) {
      this.callOp(cx, st, call.callee.slice(0, dot), call.callee.slice(dot + 1), call, base);
      return;
    }
    // a call that may pass an app to a function registering routes on it
    if (call.args.length) this.bindCall(cx, st, call, base);
  }

  private bound(cx: Cx, receiver: string): boolean {
    return !cx.bind || cx.bind.has(receiver.split('.')[0]);
  }

  private decorator(cx: Cx, def: Stmt, deco: Stmt) {
    const expr = deco.text.slice(1).trim();
    const call = parseCall(expr);
    const callee = call?.callee ?? dottedName(expr);
    if (!callee) return;
    const dot = callee.lastIndexOf('.');
    const method = callee.slice(dot + 1);
    const base = deco.start + deco.text.indexOf(expr);
    if (dot < 0 || (LITESTAR_VERBS.has(method) && this.isLitestarVerb(cx, callee))) {
      if (!cx.bind && LITESTAR_VERBS.has(method) && this.isLitestarVerb(cx, callee)) {
        const fn = cx.mod.scopes.get(cx.scope)?.defs.get(def.opens?.name ?? '');
        if (fn && !cx.scope) this.litestarHandlers.set(fn, { loc: { file: cx.mod.file, line: deco.line }, used: this.litestarHandlers.get(fn)?.used ?? false });
      }
      return;
    }
    if (!DECORATOR_METHODS.has(method) || !call) return;
    const receiver = callee.slice(0, dot);
    if (!this.bound(cx, receiver)) return;
    const rv = this.evalDotted(cx, receiver);
    const loc: Loc = { file: cx.mod.file, line: deco.line };
    if (rv.t === 'param') { this.paramUse(cx, rv, loc); return; }
    if (rv.t !== 'container') {
      if (SPECIFIC.has(method) || this.looksLikePath(call)) this.unk(loc, `@${receiver}.${method}(…): ${receiver} is ${this.describe(rv, receiver)}, not an app or router Docksmith can follow: the route is not listed`);
      return;
    }
    const c = rv.c;
    this.seen.add(c.framework);
    const flask = c.framework === 'flask' || c.framework === 'quart';
    const path = this.pathArg(cx, call.args, 0, flask ? 'rule' : 'path', base);
    c.entries.push({ t: 'route', path, methods: this.methods(cx, method, call.args), file: loc.file, line: loc.line, cond: this.condOf(cx, def), what: `@${receiver}.${method}` });
  }

  private looksLikePath(call: Call): boolean {
    const a = call.args.find((x) => !x.name && !x.star);
    const s = a && stringLiteral(a.text);
    return !!s && 'value' in s && s.value.startsWith('/');
  }

  private isLitestarVerb(cx: Cx, callee: string): boolean {
    const { binding } = resolveDotted(this.idx, cx.mod, cx.scope, callee);
    if (binding.t === 'external') return binding.qual.split('.')[0] === 'litestar';
    return binding.t === 'none' && !callee.includes('.') && /\blitestar\b/.test(cx.mod.text);
  }

  private methods(cx: Cx, method: string, args: Arg[]): string[] | undefined {
    if (HTTP_VERBS.has(method)) return [method.toUpperCase()];
    if (method.startsWith('websocket') || method === 'add_websocket_route' || method === 'add_api_websocket_route') return ['WEBSOCKET'];
    const m = argOf(args, -1, 'methods');
    if (m === undefined) return ['GET'];
    if (m === 'spread') return undefined;
    const v = this.expr(cx, m.text, 0);
    const list = v.t === 'list' ? v.items.map((i) => i.v) : v.t === 'str' ? [v] : undefined;
    if (!list || !list.every((x) => x.t === 'str')) return undefined;
    return list.map((x) => (x as { v: string }).v.toUpperCase());
  }

  private callOp(cx: Cx, st: Stmt, receiver: string, method: string, call: Call, base: number) {
    if (!this.bound(cx, receiver)) return;
    const rv = this.evalDotted(cx, receiver);
    const loc: Loc = { file: cx.mod.file, line: st.line };
    if (rv.t === 'param') { this.paramUse(cx, rv, loc); return; }
    if (rv.t !== 'container') {
      if (SPECIFIC.has(method) || (method !== 'register' && this.looksLikePath(call))) {
        this.unk(loc, `${receiver}.${method}(…): ${receiver} is ${this.describe(rv, receiver)}, not an app or router Docksmith can follow: what it adds is not listed`);
      }
      return;
    }
    const c = rv.c;
    this.seen.add(c.framework);
    const cond = this.condOf(cx, st);
    const argText = (a: Arg | 'spread' | undefined) => (a && a !== 'spread' ? short(a.text, 40) : '…');
    switch (method) {
      case 'include_router':
      case 'register_blueprint': {
        const a = argOf(call.args, 0, method === 'include_router' ? 'router' : 'blueprint');
        const what = `${receiver}.${method}(${argText(a)})`;
        if (!a || a === 'spread') { c.entries.push({ t: 'unknown', ...loc, cond, why: `${what}: the ${method === 'include_router' ? 'router' : 'blueprint'} is not a name` }); return; }
        const child = this.expr(cx, a.text, base + a.offset);
        const kw = method === 'include_router' ? 'prefix' : 'url_prefix';
        const hasPrefix = call.args.some((x) => x.name === kw) || call.args.some((x) => x.star === '**');
        const prefix = hasPrefix ? this.pathArg(cx, call.args, -1, kw, base) : undefined;
        this.include(c, child, prefix, method === 'include_router' ? 'concat' : 'flask', loc, cond, what);
        return;
      }
      case 'mount': {
        const p = this.pathArg(cx, call.args, 0, 'path', base);
        const a = argOf(call.args, 1, 'app');
        const what = `${receiver}.mount(${argText(argOf(call.args, 0, 'path'))}, ${argText(a)})`;
        const child: Value = !a || a === 'spread' ? { t: 'unknown', why: 'the mounted app is not given' } : this.expr(cx, a.text, base + a.offset);
        this.include(c, child, p, 'concat', loc, cond, what);
        return;
      }
      case 'register': {
        if (c.framework !== 'litestar') return;
        const a = argOf(call.args, 0, 'value');
        if (a && a !== 'spread') this.addItems(c, this.expr(cx, a.text, base + a.offset), loc, cond, `${receiver}.register`);
        return;
      }
      default: {
        if (method === 'add_route' && c.framework === 'litestar') return;
        const flask = c.framework === 'flask' || c.framework === 'quart';
        const path = this.pathArg(cx, call.args, 0, flask ? 'rule' : 'path', base);
        c.entries.push({ t: 'route', path, methods: this.methods(cx, method, call.args), ...loc, cond, what: `${receiver}.${method}` });
      }
    }
  }

  private include(c: Container, child: Value, prefix: PathVal | undefined, mode: 'concat' | 'flask', loc: Loc, cond: string | undefined, what: string) {
    if (child.t === 'container') {
      if (child.c === c) { c.entries.push({ t: 'unknown', ...loc, cond, why: `${what} includes ${c.name} in itself` }); return; }
      child.c.included++;
      c.entries.push({ t: 'include', child: child.c, prefix, mode, ...loc, cond, what });
      return;
    }
    if (child.t === 'opaque') {
      const p = child.path ?? prefix ?? EMPTY;
      c.entries.push({ t: 'opaque', prefix: prefix && child.path && prefix.ok && child.path.ok ? { ok: true, v: prefix.v + child.path.v } : p, what: child.what, known: child.known, ...loc, cond });
      return;
    }
    if (child.t === 'list') { for (const i of child.items) this.include(c, i.v, prefix, mode, loc, cond, what); return; }
    const why = `${what}: ${this.describe(child, what)}, not an app or router Docksmith can follow`;
    if (prefix?.ok && what.includes('.mount(')) c.entries.push({ t: 'opaque', prefix, what: short(what, 60), known: false, ...loc, cond, why });
    else c.entries.push({ t: 'unknown', ...loc, cond, why });
  }

  /** Where a parameter receives routes: pending until a call binds it. */
  private paramUse(cx: Cx, rv: { def: FuncDef; name: string }, loc: Loc) {
    if (cx.bind) return;
    if (!this.paramFns.has(rv.def)) this.paramFns.set(rv.def, { mod: cx.mod, loc, param: rv.name, called: false });
  }

  /** Whether a function adds routes to one of its parameters (textually: an op on a parameter name). */
  private hasParamOps(mod: ModuleInfo, def: FuncDef): boolean {
    const memo = this.paramOpsMemo.get(def);
    if (memo !== undefined) return memo;
    this.paramOpsMemo.set(def, false);
    const names = new Set(paramsOf(def).map((p) => p.name));
    const body = mod.scopes.get(def.scope);
    let found = false;
    for (const st of body?.stmts ?? []) {
      const texts = [st.text, ...(st.decorators ?? []).map((d) => d.text.slice(1))];
      for (const t of texts) {
        const m = /^\s*(?:await\s+)?([A-Za-z_]\w*)(?:\.[A-Za-z_]\w*)*\.([A-Za-z_]\w*)\s*\(/.exec(t);
        if (m && names.has(m[1]) && (CALL_OPS.has(m[2]) || DECORATOR_METHODS.has(m[2]))) found = true;
        const c = !found && parseCall(t);
        if (c && c.args.some((a) => names.has(a.text.split('.')[0]))) {
          const { binding } = resolveDotted(this.idx, mod, def.scope, c.callee);
          if (binding.t === 'def' && binding.def !== def && this.hasParamOps(binding.mod, binding.def)) found = true;
        }
        if (found) break;
      }
      if (found) break;
    }
    this.paramOpsMemo.set(def, found);
    return found;
  }

  private bindCall(cx: Cx, st: Stmt, call: Call, base: number) {
    if (cx.depth >= MAX_BIND_DEPTH) return;
    if (cx.bind && !call.args.some((a) => cx.bind!.has(a.text.split('.')[0]))) return;
    const { binding } = resolveDotted(this.idx, cx.mod, cx.scope, call.callee);
    if (binding.t !== 'def') return;
    const { mod, def } = binding;
    if (!this.hasParamOps(mod, def)) return;
    const bind = new Map<string, Value>();
    let deferred = false;
    paramsOf(def).forEach((p, i) => {
      if (p.star) return;
      const a = argOf(call.args, i, p.name);
      if (!a || a === 'spread') return;
      const v = this.expr(cx, a.text, base + a.offset);
      if (v.t === 'param') deferred = true;
      else bind.set(p.name, v);
    });
    if (deferred && !bind.size) return;
    const pf = this.paramFns.get(def);
    if (pf) pf.called = true; else this.paramFns.set(def, { mod, loc: { file: mod.file, line: def.line }, param: paramsOf(def)[0]?.name ?? '?', called: true });
    const inner: Cx = { mod, scope: def.scope, bind, cond: this.condOf(cx, st), depth: cx.depth + 1 };
    for (const s of mod.scopes.get(def.scope)?.stmts ?? []) this.stmt(mod, s, inner);
  }

  // -------------------------------------------------------------------------------------------
  // Values

  private describe(v: Value, text: string): string {
    switch (v.t) {
      // (the reason may already name the expression: "app is build_portal(), …")
      case 'unknown': return v.why.startsWith(`${text} is `) ? v.why.slice(text.length + 4) : v.why;
      case 'external': return `${v.qual} (from outside the project)`;
      case 'module': return `the module ${v.name}`;
      case 'str': return `the string "${v.v}"`;
      case 'func': return `the function ${v.def.name}`;
      case 'class': return `the class ${v.cls.name}`;
      default: return short(text, 50);
    }
  }

  private pathArg(cx: Cx, args: Arg[], index: number, name: string, base: number): PathVal {
    const a = argOf(args, index, name);
    if (a === undefined) return EMPTY;
    if (a === 'spread') return { ok: false, why: `${name} may come from *args/**kwargs` };
    return this.pathOf(this.expr(cx, a.text, base + a.offset), a.text);
  }

  private pathOf(v: Value, text: string): PathVal {
    if (v.t === 'str') return { ok: true, v: v.v };
    if (v.t === 'unknown') return { ok: false, why: v.why };
    return { ok: false, why: `${short(text, 50)} is not a string literal` };
  }

  private evalDotted(cx: Cx, dotted: string): Value {
    const parts = dotted.split('.');
    if (cx.bind?.has(parts[0])) {
      const v = cx.bind.get(parts[0])!;
      return parts.length === 1 ? v : this.memberOf(v, parts.slice(1), dotted);
    }
    const { binding, rest } = resolveDotted(this.idx, cx.mod, cx.scope, dotted);
    const v = this.fromBinding(binding, cx.depth, parts[0]);
    return rest.length ? this.memberOf(v, rest, dotted) : v;
  }

  private memberOf(v: Value, rest: string[], dotted: string): Value {
    if (v.t === 'container' && rest.length === 1 && rest[0] === 'router') return v;
    return { t: 'unknown', why: `${dotted} is an attribute, not a string literal or a module constant` };
  }

  private fromBinding(b: Binding, depth: number, name: string): Value {
    switch (b.t) {
      case 'assign': return this.evalAssigned(b, depth);
      case 'def': return { t: 'func', mod: b.mod, def: b.def };
      case 'class': return { t: 'class', mod: b.mod, cls: b.cls };
      case 'module': return { t: 'module', name: b.name };
      case 'external': return { t: 'external', qual: b.qual };
      case 'param': return { t: 'param', def: b.def, name: b.name };
      default: return { t: 'unknown', why: `${name} is not defined where it is used (a loop variable or a name Docksmith cannot follow)` };
    }
  }

  private evalAssigned(b: Extract<Binding, { t: 'assign' }>, depth: number): Value {
    const key = `${b.mod.file}|${b.scope}|${b.name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (this.busy.has(key) || depth > MAX_DEPTH) return { t: 'unknown', why: `${b.name} refers to itself` };
    this.busy.add(key);
    let result: Value;
    try {
      const cx: Cx = { mod: b.mod, scope: b.scope, depth: depth + 1 };
      const plain = b.assigns.filter((a) => !a.augmented);
      const values = plain.map((a) => this.expr(cx, a.expr, a.offset));
      const container = values.find((v) => v.t === 'container');
      if (container) result = container;
      else if (!plain.length) result = { t: 'unknown', why: `${b.name} is only extended (+=), never assigned` };
      else if (plain.length > 1 && !(values.every((v) => v.t === 'str') && new Set(values.map((v) => (v as { v: string }).v)).size === 1)) {
        result = { t: 'unknown', why: `${b.name} is assigned more than once (${b.mod.file} lines ${plain.map((a) => a.stmt.line + 1).join(', ')})` };
      } else if (b.assigns.some((a) => a.conditional)) {
        result = { t: 'unknown', why: `${b.name} is set under a condition (${b.mod.file}:${b.assigns.find((a) => a.conditional)!.stmt.line + 1})` };
      } else {
        result = values[0];
        const augments = b.assigns.filter((a) => a.augmented);
        if (augments.length) {
          if (result.t === 'list') {
            const items = [...result.items];
            for (const a of augments) {
              const v = this.expr(cx, a.expr, a.offset);
              if (v.t === 'list') pushAll(items, v.items); else { result = { t: 'unknown', why: `${b.name} is extended with ${short(a.expr, 40)}` }; break; }
            }
            if (result.t === 'list') result = { t: 'list', items };
          } else if (result.t === 'str') result = { t: 'unknown', why: `${b.name} is changed after it is set (${b.mod.file}:${augments[0].stmt.line + 1})` };
        }
        if (result.t === 'unknown' && !/not a string literal|refers|assigned|condition|extended|changed|f-string|defined|computed/.test(result.why)) {
          result = { t: 'unknown', why: `${b.name} is ${short(plain[0].expr, 50)}, computed at run time` };
        }
        // only module constants stand for a path: a variable in a function or class is not followed
        if (b.scope && result.t === 'str') {
          result = { t: 'unknown', why: `${b.name} is a variable of ${b.scope.replace(/^(?:def|class):/, '')} (${b.mod.file}:${plain[0].stmt.line + 1}), not a string literal or a module constant` };
        }
      }
    } finally {
      this.busy.delete(key);
    }
    this.cache.set(key, result);
    return result;
  }

  expr(cx: Cx, text: string, offset: number): Value {
    const lead = text.length - text.trimStart().length;
    const t = text.trim();
    offset += lead;
    if (!t) return { t: 'unknown', why: 'nothing is given' };
    if (cx.depth > MAX_DEPTH) return { t: 'unknown', why: `${short(t, 40)} is nested too deeply` };
    const s = stringLiteral(t);
    if (s) return 'value' in s ? { t: 'str', v: s.value } : { t: 'unknown', why: `${short(t, 50)} is an f-string` };
    const first = t[0];
    if ((first === '[' || first === '(') && matchClose(t, 0) === t.length - 1) {
      const inner = t.slice(1, -1);
      const parts = splitTop(inner);
      if (first === '(' && parts.length === 1 && !/,\s*$/.test(inner)) return this.expr(cx, inner, offset + 1);
      const deeper = { ...cx, depth: cx.depth + 1 };
      return { t: 'list', items: parts.map((p) => ({ v: this.expr(deeper, p.text, offset + 1 + p.offset), text: p.text, ...this.loc(cx.mod, offset + 1 + p.offset) })) };
    }
    if (/\s(?:if|for)\s/.test(t) && / else |\sfor\s/.test(t) && !parseCall(t)) return { t: 'unknown', why: `${short(t, 50)} is computed (a conditional expression or comprehension)` };
    const plus = splitTop(t, 43);
    if (plus.length > 1) {
      const vs = plus.map((p) => this.expr({ ...cx, depth: cx.depth + 1 }, p.text, offset + p.offset));
      if (vs.every((v) => v.t === 'str')) return { t: 'str', v: vs.map((v) => (v as { v: string }).v).join('') };
      if (vs.every((v) => v.t === 'list')) return { t: 'list', items: vs.flatMap((v) => (v as { items: Item[] }).items) };
      const bad = vs.find((v) => v.t === 'unknown');
      return { t: 'unknown', why: bad && bad.t === 'unknown' ? bad.why : `${short(t, 50)} is computed` };
    }
    const call = parseCall(t);
    if (call) return this.evalCall({ ...cx, depth: cx.depth + 1 }, call, offset);
    const d = dottedName(t);
    if (d) return this.evalDotted(cx, d);
    return { t: 'unknown', why: `${short(t, 50)} is not a literal` };
  }

  private ctorKind(qual: string, call: Call): CKind | 'route' | 'ws' | 'static' | 'host' | undefined {
    const parts = qual.split('.');
    const last = parts[parts.length - 1];
    const pkg = parts.length > 1 ? parts[0] : '';
    switch (last) {
      case 'FastAPI': return 'fastapi';
      case 'APIRouter': return 'apirouter';
      case 'Starlette': return 'starlette';
      case 'Flask': return 'flask';
      case 'Quart': return 'quart';
      case 'Litestar': return 'litestar';
      case 'Blueprint': return pkg === 'sanic' ? undefined : 'blueprint';
      case 'Router':
        if (pkg === 'litestar') return 'litestar-router';
        if (pkg === 'starlette' || pkg === 'fastapi') return 'starlette-router';
        return call.args.some((a) => a.name === 'route_handlers') ? 'litestar-router' : call.args.some((a) => a.name === 'routes') ? 'starlette-router' : undefined;
      case 'Mount': return 'mount';
      case 'Route': case 'APIRoute': return 'route';
      case 'WebSocketRoute': case 'APIWebSocketRoute': return 'ws';
      case 'StaticFiles': case 'create_static_files_router': return 'static';
      case 'Host': return 'host';
      default: return undefined;
    }
  }

  private evalCall(cx: Cx, call: Call, offset: number): Value {
    // argument offsets are relative to the expression, which starts at `offset`
    const base = offset;
    const callee = this.evalDotted(cx, call.callee);
    let qual: string | undefined;
    if (callee.t === 'external') qual = callee.qual;
    else if (callee.t === 'unknown' && !call.callee.includes('.')) qual = call.callee; // not imported: read by name
    if (qual) {
      const k = this.ctorKind(qual, call);
      const loc = this.loc(cx.mod, offset);
      if (k === 'route' || k === 'ws') {
        const path = this.pathArg(cx, call.args, 0, 'path', base);
        const methods = k === 'ws' ? ['WEBSOCKET'] : this.methods(cx, 'route', call.args);
        return { t: 'route', r: { path, methods, ...loc } };
      }
      if (k === 'static') {
        const path = qual.endsWith('create_static_files_router') ? this.pathArg(cx, call.args, -1, 'path', base) : undefined;
        return { t: 'opaque', what: qual.endsWith('StaticFiles') ? 'StaticFiles' : 'a static files router', known: true, path };
      }
      if (k === 'host') return { t: 'unknown', why: `${short(call.callee)}(…) routes by host name` };
      if (k) return { t: 'container', c: this.container(k, cx, call, offset, base) };
      return { t: 'unknown', why: `${call.callee}(…) is not an app or router Docksmith reads` };
    }
    if (callee.t === 'func') {
      return this.factoryReturn(callee.mod, callee.def, cx.depth) ?? { t: 'unknown', why: `${call.callee}() returns no app or router Docksmith can read` };
    }
    if (callee.t === 'class') {
      const ctrl = this.controller(callee.mod, callee.cls);
      if (ctrl) return { t: 'container', c: ctrl };
      return { t: 'unknown', why: `${call.callee}(…) is a class of the project, not an app or router Docksmith reads` };
    }
    if (callee.t === 'unknown') return callee;
    return { t: 'unknown', why: `${call.callee}(…) is not an app or router Docksmith reads` };
  }

  /** What a factory returns: the first `return` that is an app, a router, a list or a string. */
  private factoryReturn(mod: ModuleInfo, def: FuncDef, depth: number): Value | undefined {
    for (const st of mod.scopes.get(def.scope)?.stmts ?? []) {
      const m = /^return\s+([\s\S]+)$/.exec(st.text);
      if (!m) continue;
      const v = this.expr({ mod, scope: def.scope, depth: depth + 1 }, m[1], st.start + st.text.indexOf(m[1]));
      if (v.t === 'container') {
        if (def.parent === '') v.c.targets.add(`${mod.module}:${def.name}()`);
        return v;
      }
      if (v.t === 'list' || v.t === 'str') return v;
    }
    return undefined;
  }

  private container(kind: CKind, cx: Cx, call: Call, offset: number, base: number): Container {
    const id = `${cx.mod.file}@${offset}`;
    const existing = this.containers.get(id);
    if (existing) return existing;
    const loc = this.loc(cx.mod, offset);
    const c: Container = { id, kind, framework: FRAMEWORK[kind], name: `${call.callee}(…)`, prefix: EMPTY, entries: [], included: 0, targets: new Set(), ...loc };
    this.containers.set(id, c);
    this.seen.add(c.framework);
    const items = (name: string, index: number) => {
      const a = argOf(call.args, index, name);
      if (a === undefined) return;
      if (a === 'spread') { c.entries.push({ t: 'unknown', ...loc, why: `${call.callee}(…): ${name} may come from *args/**kwargs` }); return; }
      this.addItems(c, this.expr(cx, a.text, base + a.offset), loc, undefined, `${call.callee}(${name}=…)`);
    };
    switch (kind) {
      case 'apirouter': c.prefix = this.pathArg(cx, call.args, -1, 'prefix', base); items('routes', -1); break;
      case 'fastapi': items('routes', -1); break;
      case 'starlette': items('routes', 1); break;
      case 'starlette-router': items('routes', 0); break;
      case 'mount': {
        c.prefix = this.pathArg(cx, call.args, 0, 'path', base);
        const app = argOf(call.args, 1, 'app');
        if (app && app !== 'spread') this.include(c, this.expr(cx, app.text, base + app.offset), undefined, 'concat', loc, undefined, `Mount(app=${short(app.text, 30)})`);
        items('routes', 2);
        break;
      }
      case 'blueprint': c.prefix = this.pathArg(cx, call.args, 5, 'url_prefix', base); break;
      case 'litestar': items('route_handlers', 0); break;
      case 'litestar-router': c.prefix = this.pathArg(cx, call.args, 0, 'path', base); items('route_handlers', -1); break;
      default: break;
    }
    return c;
  }

  private addItems(c: Container, v: Value, loc: Loc, cond: string | undefined, what: string) {
    const add = (x: Value, at: Loc, text: string) => {
      switch (x.t) {
        case 'list': for (const i of x.items) add(i.v, i, i.text); return;
        case 'route': c.entries.push({ t: 'route', path: x.r.path, methods: x.r.methods, file: x.r.file, line: x.r.line, cond, what: 'Route' }); return;
        case 'container': this.include(c, x, undefined, 'concat', at, cond, `${what} ${short(text, 30)}`); return;
        case 'opaque': this.include(c, x, undefined, 'concat', at, cond, text); return;
        case 'func': {
          const h = this.handler(x.mod, x.def);
          if (h) { for (const r of h) c.entries.push({ t: 'route', path: r.path, methods: r.methods, file: r.file, line: r.line, cond, what: x.def.name }); return; }
          c.entries.push({ t: 'unknown', ...at, cond, why: `${what}: ${x.def.name} is not a route handler Docksmith reads` });
          return;
        }
        case 'class': {
          const ctrl = this.controller(x.mod, x.cls);
          if (ctrl) { this.include(c, { t: 'container', c: ctrl }, undefined, 'concat', at, cond, `${what} ${x.cls.name}`); return; }
          c.entries.push({ t: 'unknown', ...at, cond, why: `${what}: the class ${x.cls.name} is not a Controller Docksmith reads` });
          return;
        }
        default:
          c.entries.push({ t: 'unknown', ...at, cond, why: `${what}: ${this.describe(x, text)}` });
      }
    };
    if (v.t !== 'list' && v.t !== 'container' && v.t !== 'func' && v.t !== 'class' && v.t !== 'route') {
      c.entries.push({ t: 'unknown', ...loc, cond, why: `${what}: ${this.describe(v, what)}` });
      return;
    }
    add(v, loc, what);
  }

  /** A Litestar handler: its paths and methods, from its decorator. */
  private handler(mod: ModuleInfo, def: FuncDef): HandlerRoute[] | undefined {
    for (const d of def.decorators) {
      const expr = d.text.slice(1).trim();
      const call = parseCall(expr);
      const callee = call?.callee ?? dottedName(expr);
      if (!callee) continue;
      const verb = callee.slice(callee.lastIndexOf('.') + 1);
      const cx: Cx = { mod, scope: def.parent, depth: 1 };
      if (!LITESTAR_VERBS.has(verb) || !this.isLitestarVerb(cx, callee)) continue;
      const h = this.litestarHandlers.get(def);
      if (h) h.used = true; else this.litestarHandlers.set(def, { loc: { file: mod.file, line: d.line }, used: true });
      const loc: Loc = { file: mod.file, line: d.line };
      const base = d.start + d.text.indexOf(expr);
      const methods = verb === 'route' ? this.httpMethods(call?.args ?? []) : verb.startsWith('websocket') ? ['WEBSOCKET'] : [verb.toUpperCase()];
      const a = call ? argOf(call.args, 0, 'path') : undefined;
      if (a === undefined) return [{ path: { ok: true, v: '/' }, methods, ...loc }];
      if (a === 'spread') return [{ path: { ok: false, why: 'path may come from *args/**kwargs' }, methods, ...loc }];
      const v = this.expr(cx, a.text, base + a.offset);
      if (v.t === 'list') return v.items.map((i) => ({ path: this.pathOf(i.v, i.text), methods, ...loc }));
      return [{ path: this.pathOf(v, a.text), methods, ...loc }];
    }
    return undefined;
  }

  private httpMethods(args: Arg[]): string[] | undefined {
    const a = argOf(args, -1, 'http_method');
    if (!a || a === 'spread') return undefined;
    const items = a.text.trim().startsWith('[') ? splitTop(a.text.trim().slice(1, -1)).map((p) => p.text) : [a.text];
    const out: string[] = [];
    for (const i of items) {
      const s = stringLiteral(i);
      if (s && 'value' in s) out.push(s.value.toUpperCase());
      else if (/^[\w.]*HttpMethod\.[A-Z]+$/.test(i.trim())) out.push(i.trim().split('.').pop()!);
      else return undefined;
    }
    return out;
  }

  /** A Litestar Controller class: its `path` and its handler methods. */
  private controller(mod: ModuleInfo, cls: ClassDef): Container | undefined {
    if (!cls.bases.some((b) => /(?:^|\.)Controller$/.test(b.trim()))) return undefined;
    const id = `${mod.file}@class:${cls.name}`;
    const existing = this.containers.get(id);
    if (existing) return existing;
    const c: Container = { id, kind: 'litestar-controller', framework: 'litestar', name: cls.name, prefix: EMPTY, entries: [], included: 0, targets: new Set(), file: mod.file, line: cls.line };
    this.containers.set(id, c);
    const body = mod.scopes.get(cls.scope);
    const pathAssign = body?.assigns.get('path');
    if (pathAssign) {
      const a = pathAssign[0];
      c.prefix = pathAssign.length > 1 ? { ok: false, why: `${cls.name}.path is assigned more than once` } : this.pathOf(this.expr({ mod, scope: cls.scope, depth: 1 }, a.expr, a.offset), a.expr);
    }
    for (const m of cls.methods.values()) {
      const h = this.handler(mod, m);
      if (h) for (const r of h) c.entries.push({ t: 'route', path: r.path, methods: r.methods, file: r.file, line: r.line, what: `${cls.name}.${m.name}` });
    }
    return c;
  }

  // -------------------------------------------------------------------------------------------
  // Composition

  private ownPrefix(c: Container, base: string, at: Loc, what: string | undefined): string | undefined {
    if (!c.prefix.ok) {
      const n = this.countRoutes(c, new Set());
      this.unk(at, `the prefix of ${c.name}${what ? ` (${what})` : ''} is unknown: ${c.prefix.why}; its ${n} route${n === 1 ? '' : 's'} ${n === 1 ? 'is' : 'are'} not listed`);
      return undefined;
    }
    return joinFor(c)(base, c.prefix.v);
  }

  private countRoutes(c: Container, seen: Set<Container>): number {
    if (seen.has(c) || seen.size > 200) return 0;
    seen.add(c);
    let n = 0;
    for (const e of c.entries) n += e.t === 'route' ? 1 : e.t === 'include' ? this.countRoutes(e.child, seen) : 0;
    return n;
  }

  private walk(c: Container, base: string, stack: Container[], cond: string | undefined, apps: string[], out: Route[], opaque: OpaquePrefix[]) {
    const join = joinFor(c);
    for (const e of c.entries) {
      const cnd = e.cond ?? cond;
      if (cnd) this.conditional(e, cnd);
      switch (e.t) {
        case 'route':
          if (!e.path.ok) { this.unk(e, `the path of ${e.what} is unknown: ${e.path.why}`); break; }
          out.push({
            path: join(base, e.path.v), ...(e.methods ? { methods: e.methods } : {}), framework: c.framework, file: this.show(e.file), line: e.line,
            ...(cnd ? { conditional: true } : {}), ...(apps.length ? { apps } : {}),
          });
          break;
        case 'include': {
          const child = e.child;
          if (stack.includes(child) || stack.length > 16) { this.unk(e, `${e.what} includes ${child.name} in a cycle`); break; }
          const cj = joinFor(child);
          let p = base;
          if (e.mode === 'flask') {
            const own = e.prefix ?? child.prefix;
            if (!own.ok) { this.lost(e, child, own.why); break; }
            p = flaskJoin(p, own.v);
          } else {
            if (e.prefix) {
              if (!e.prefix.ok) { this.lost(e, child, e.prefix.why); break; }
              p = cj(p, e.prefix.v);
            }
            if (!child.prefix.ok) { this.lost(e, child, child.prefix.why, true); break; }
            p = cj(p, child.prefix.v);
          }
          this.walk(child, p, [...stack, child], cnd, apps, out, opaque);
          break;
        }
        case 'opaque': {
          if (!e.prefix.ok) { this.unk(e, `${e.what} is mounted at an unknown path: ${e.prefix.why}`); break; }
          opaque.push({ path: join(base, e.prefix.v) || '/', what: e.what, file: this.show(e.file), line: e.line });
          if (!e.known) this.unk(e, `${e.why ?? `${e.what} is not an app Docksmith can read`}: what it serves under ${join(base, e.prefix.v) || '/'} is not listed`);
          break;
        }
        case 'unknown':
          this.unk(e, cnd ? `${e.why} (${cnd})` : e.why);
          break;
      }
    }
  }

  private conditional(e: Entry, cond: string) {
    if (e.t === 'unknown') return;
    const what = e.t === 'route' ? `the route ${e.what}` : e.t === 'include' ? e.what : e.what;
    this.unk(e, `${what} is added ${cond}: it may not be served`);
  }

  private lost(e: Loc & { what: string }, child: Container, why: string, own = false) {
    const n = this.countRoutes(child, new Set());
    this.unk(e, `the prefix of ${own ? child.name : e.what} is unknown: ${why}; the ${n} route${n === 1 ? '' : 's'} of ${child.name} (${this.show(child.file)}:${child.line + 1}) ${n === 1 ? 'is' : 'are'} not listed`);
  }

  // -------------------------------------------------------------------------------------------
  // Django

  private django(out: Route[], opaque: OpaquePrefix[]) {
    const roots = new Map<string, Loc>();
    let djangoSeen = false;
    for (const f of this.opts.files) {
      const text = this.idx.reader.read(f);
      if (!text || !text.includes('ROOT_URLCONF')) continue;
      const mod = this.idx.info(f);
      const assigns = mod?.scopes.get('')?.assigns.get('ROOT_URLCONF');
      if (!mod || !assigns) continue;
      djangoSeen = true;
      for (const a of assigns) {
        const v = this.expr({ mod, scope: '', depth: 0 }, a.expr, a.offset);
        const loc = { file: f, line: a.stmt.line };
        if (v.t === 'str') { if (!roots.has(v.v)) roots.set(v.v, loc); } else this.unk(loc, `ROOT_URLCONF is ${short(a.expr, 50)}, not a string literal: its routes are not listed`);
      }
    }
    if (!djangoSeen) {
      // no ROOT_URLCONF: urls.py next to settings.py (or beside a settings/ package)
      for (const f of this.opts.files) {
        const m = /^(?:(.*)\/)?settings(?:\.py|\/[^/]+\.py)$/.exec(f);
        if (!m) continue;
        const urls = m[1] ? `${m[1]}/urls.py` : 'urls.py';
        const module = this.idx.moduleOfFile.get(urls);
        if (module && this.opts.files.includes(urls) && !roots.has(module)) roots.set(module, { file: f, line: 0 });
      }
    }
    if (!roots.size) return;
    this.seen.add('django');
    const apps = this.opts.djangoApps ?? [];
    for (const [module, loc] of roots) {
      const file = this.idx.fileOf(module);
      if (!file) { this.unk(loc, `ROOT_URLCONF "${module}" is not a module of the project: its routes are not listed`); continue; }
      this.urlconfs.push(this.show(file));
      this.urlconf(module, '', [module], undefined, apps, out, opaque, loc);
    }
  }

  private urlconf(module: string, base: string, stack: string[], cond: string | undefined, apps: string[], out: Route[], opaque: OpaquePrefix[], from: Loc) {
    const mod = this.idx.infoOf(module);
    if (!mod) { this.unk(from, `the URLconf ${module} could not be read: its routes are not listed`); return; }
    const cx: Cx = { mod, scope: '', depth: 0 };
    const items: { text: string; offset: number; cond?: string; opaque?: string; unknown?: string; loc: Loc }[] = [];
    for (const st of mod.scopes.get('')?.stmts ?? []) {
      const t = st.text;
      const cnd = this.condOf(cx, st) ?? cond;
      const m = /^urlpatterns\s*(?::[^=]*)?(\+?=)(?!=)\s*/.exec(t);
      if (m) {
        if (m[1] === '=') items.length = 0;
        this.patterns(cx, t.slice(m[0].length), st.start + m[0].length, cnd, items, 0);
        continue;
      }
      const call = /^urlpatterns\s*\.\s*(append|extend|insert)\s*\(/.test(t) ? parseCall(t) : undefined;
      if (call) {
        const op = call.callee.split('.').pop();
        const a = call.args[op === 'insert' ? 1 : 0];
        if (!a) continue;
        if (op === 'append' || op === 'insert') items.push({ text: a.text, offset: st.start + a.offset, cond: cnd, loc: this.loc(mod, st.start + a.offset) });
        else this.patterns(cx, a.text, st.start + a.offset, cnd, items, 0);
      }
    }
    for (const it of items) {
      if (it.unknown) { this.unk(it.loc, it.unknown); continue; }
      if (it.opaque) continue;
      this.pattern(cx, it, base, stack, apps, out, opaque);
    }
  }

  private patterns(cx: Cx, text: string, offset: number, cond: string | undefined, items: { text: string; offset: number; cond?: string; opaque?: string; unknown?: string; loc: Loc }[], depth: number) {
    const loc = this.loc(cx.mod, offset);
    if (depth > 8) { items.push({ text, offset, cond, loc, unknown: `${short(text, 40)} is nested too deeply` }); return; }
    for (const part of splitTop(text, 43)) {
      const t = part.text;
      const off = offset + part.offset;
      const ploc = this.loc(cx.mod, off);
      if (t.startsWith('[') && matchClose(t, 0) === t.length - 1) {
        for (const p of splitTop(t.slice(1, -1))) items.push({ text: p.text, offset: off + 1 + p.offset, cond, loc: this.loc(cx.mod, off + 1 + p.offset) });
        continue;
      }
      const call = parseCall(t);
      if (call) {
        const last = call.callee.split('.').pop()!;
        if (last === 'static' || last === 'staticfiles_urlpatterns') { items.push({ text: t, offset: off, cond, loc: ploc, opaque: 'static files' }); continue; }
        if (last === 'format_suffix_patterns' && call.args[0]) { this.patterns(cx, call.args[0].text, off + call.args[0].offset, cond, items, depth + 1); continue; }
        if (last === 'i18n_patterns') { items.push({ text: t, offset: off, cond, loc: ploc, unknown: `i18n_patterns(…) adds a language prefix to its patterns: they are not listed` }); continue; }
        items.push({ text: t, offset: off, cond, loc: ploc, unknown: `urlpatterns gets ${short(t, 50)}: its patterns are not listed` });
        continue;
      }
      const d = dottedName(t);
      if (d) {
        const { binding, rest } = resolveDotted(this.idx, cx.mod, cx.scope, d);
        if (binding.t === 'assign' && !rest.length && binding.assigns.length === 1 && !binding.assigns[0].augmented) {
          const a = binding.assigns[0];
          this.patterns({ mod: binding.mod, scope: binding.scope, depth: cx.depth + 1 }, a.expr, a.offset, cond, items, depth + 1);
          continue;
        }
      }
      items.push({ text: t, offset: off, cond, loc: ploc, unknown: `urlpatterns gets ${short(t, 50)}, not a list Docksmith can read: its patterns are not listed` });
    }
  }

  private pattern(cx: Cx, it: { text: string; offset: number; cond?: string; loc: Loc }, base: string, stack: string[], apps: string[], out: Route[], opaque: OpaquePrefix[]) {
    const call = parseCall(it.text);
    const last = call?.callee.split('.').pop();
    if (!call || (last !== 'path' && last !== 're_path' && last !== 'url')) {
      // a project helper around path()/re_path() whose first parameter is the route: opt_slash_path("_health", view)
      const helper = call && this.routeHelper(cx, call);
      if (helper) {
        out.push({ path: '/' + base + helper.route, framework: 'django', file: this.show(it.loc.file), line: it.loc.line, ...(it.cond ? { conditional: true } : {}), ...(apps.length ? { apps } : {}) });
        return;
      }
      this.unk(it.loc, `a URL pattern ${short(it.text, 50)} is not path()/re_path(): it is not listed`);
      return;
    }
    const regex = last !== 'path';
    const rv = this.pathArg(cx, call.args, 0, regex ? (last === 'url' ? 'regex' : 'route') : 'route', it.offset);
    if (!rv.ok) { this.unk(it.loc, `the route of ${last}(…) is unknown: ${rv.why}`); return; }
    const view = argOf(call.args, 1, 'view');
    if (!view || view === 'spread') { this.unk(it.loc, `${last}(…) has no view Docksmith can read`); return; }
    if (it.cond) this.unk(it.loc, `${last}(${JSON.stringify(rv.v)}, …) is added ${it.cond}: it may not be served`);
    const vt = view.text.trim();
    const vcall = parseCall(vt);
    const route = regex ? rv.v.replace(/^\^/, '') : rv.v;
    if (vcall && vcall.callee.split('.').pop() === 'include') {
      const prefix = base + route;
      this.djangoInclude(cx, vcall, it.offset + view.offset, prefix, stack, it.cond, apps, out, opaque, it.loc);
      return;
    }
    if (/(?:^|\.)site\.urls$/.test(vt)) {
      opaque.push({ path: '/' + base + route, what: 'the Django admin', file: this.show(it.loc.file), line: it.loc.line });
      return;
    }
    const leaf = regex ? route.replace(/\$$|\\Z$/, '') : route;
    out.push({ path: '/' + base + leaf, framework: 'django', file: this.show(it.loc.file), line: it.loc.line, ...(it.cond ? { conditional: true } : {}), ...(apps.length ? { apps } : {}) });
  }

  /**
   * A call of a function of the project that returns path()/re_path()/url() built from its first
   * parameter, with a string literal for it and no include(): the literal is the route (anchors
   * and an optional trailing slash dropped).
   */
  private routeHelper(cx: Cx, call: Call): { route: string } | undefined {
    const { binding, rest } = resolveDotted(this.idx, cx.mod, cx.scope, call.callee);
    if (binding.t !== 'def' || rest.length || !/path|url/i.test(binding.def.name)) return undefined;
    const first = paramsOf(binding.def)[0]?.name;
    if (!first) return undefined;
    // the route argument of the returned path()/re_path()/url() is the parameter itself, or a string
    // that starts with it (`rf"^{route}/?$"`): a helper that adds a prefix would move the route
    const body = binding.mod.scopes.get(binding.def.scope)?.stmts ?? [];
    const routeIsParam = (st: Stmt) => {
      const ret = /^return\s+([\s\S]+)$/.exec(st.text);
      const inner = ret && parseCall(ret[1].trim());
      if (!inner || !/^(?:re_path|path|url)$/.test(inner.callee.split('.').pop()!)) return false;
      const a = argOf(inner.args, 0, 'route');
      if (!a || a === 'spread') return false;
      const t = a.text.trim();
      return t === first || new RegExp(`^[rR]?[fF][rR]?["']\\^?\\{${first}\\}`).test(t);
    };
    if (!body.some(routeIsParam)) return undefined;
    const arg = argOf(call.args, 0, first);
    const lit = arg && arg !== 'spread' ? stringLiteral(arg.text) : undefined;
    if (!lit || !('value' in lit) || /include\s*\(/.test(call.args.map((a) => a.text).join(','))) return undefined;
    return { route: lit.value.replace(/^\^/, '').replace(/\/\?\$?$|\$$/, '') };
  }

  private djangoInclude(cx: Cx, inc: Call, offset: number, prefix: string, stack: string[], cond: string | undefined, apps: string[], out: Route[], opaque: OpaquePrefix[], loc: Loc) {
    let a = argOf(inc.args, 0, 'arg');
    if (!a || a === 'spread') { this.unk(loc, `include(…) names nothing Docksmith can read`); return; }
    let t = a.text.trim();
    let off = offset + a.offset;
    // include(("app.urls", "ns")) / include((patterns, "app_name"))
    if (t.startsWith('(') && matchClose(t, 0) === t.length - 1) {
      const parts = splitTop(t.slice(1, -1));
      if (parts.length) { off += 1 + parts[0].offset; t = parts[0].text; a = { text: t, offset: 0 }; }
    }
    const s = stringLiteral(t);
    const follow = (module: string) => {
      if (stack.includes(module) || stack.length > 8) { this.unk(loc, `include("${module}") is circular or nested too deeply`); return; }
      if (!this.idx.fileOf(module)) {
        opaque.push({ path: '/' + prefix, what: `include("${module}")`, file: this.show(loc.file), line: loc.line });
        this.unk(loc, `include("${module}") is not a module of the project: what it serves under /${prefix} is not listed`);
        return;
      }
      this.urlconf(module, prefix, [...stack, module], cond, apps, out, opaque, loc);
    };
    if (s) {
      if ('value' in s) follow(s.value); else this.unk(loc, `include(${short(t, 40)}) is an f-string: its routes are not listed`);
      return;
    }
    // an inline list of patterns, or a name bound to one: each pattern is followed
    const inline = () => {
      const items: { text: string; offset: number; cond?: string; opaque?: string; unknown?: string; loc: Loc }[] = [];
      this.patterns(cx, t, off, cond, items, 1);
      for (const it of items) {
        if (it.unknown) this.unk(it.loc, it.unknown);
        else if (!it.opaque) this.pattern(cx, it, prefix, stack, apps, out, opaque);
      }
    };
    if (t.startsWith('[')) { inline(); return; }
    const d = dottedName(t);
    if (d) {
      const { binding, rest } = resolveDotted(this.idx, cx.mod, cx.scope, d);
      if (binding.t === 'module' && !rest.length) { follow(binding.name); return; }
      if (binding.t === 'assign' && !rest.length) { inline(); return; }
      if (binding.t === 'external' && !rest.length) { follow(binding.qual); return; }
      if (rest.length && rest[rest.length - 1] === 'urls') {
        opaque.push({ path: '/' + prefix, what: `include(${d})`, file: this.show(loc.file), line: loc.line });
        this.unk(loc, `include(${d}): routes a router registers at run time (Django REST framework and the like) are not listed; they are under /${prefix}`);
        return;
      }
    }
    this.unk(loc, `include(${short(t, 40)}) is not a module name Docksmith can follow: its routes are not listed`);
  }
}

export function scanRoutes(idx: PyIndex, opts: RouteScanOptions): RouteScanResult {
  return new RouteScanner(idx, opts).run();
}

