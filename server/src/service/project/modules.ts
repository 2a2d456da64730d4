// The project's Python modules as the facts see them: which file a dotted module is, and per file
// the imports, assignments, functions and classes of each scope, so that a name (`api_router`,
// `health.router`, `API_PREFIX`) can be followed to where it is defined. Lazy: a file is scanned
// the first time something asks about it.

import { Reader, Source, Stmt, assignIndex, dottedName, matchClose, scanPython, splitTop, topColon } from './source';

export interface ImportRef {
  /** Absolute dotted module. */
  module: string;
  /** `from module import attr`. */
  attr?: string;
  line: number;
}

export interface Assign {
  stmt: Stmt;
  /** The value expression and its offset in the file. */
  expr: string;
  offset: number;
  /** `+=`. */
  augmented: boolean;
  /** Under if/for/while/except/match in its scope. */
  conditional: boolean;
}

export interface Param { name: string; hasDefault: boolean; star?: '*' | '**' }

export interface FuncDef {
  name: string;
  line: number;
  stmt: Stmt;
  /** The parameter list as written; `paramsOf()` parses it (most functions are never asked). */
  paramText: string;
  params?: Param[];
  /** Return annotation as written. */
  returns?: string;
  isAsync: boolean;
  /** Scope key of its body. */
  scope: string;
  /** Scope key it is defined in ('' = module level). */
  parent: string;
  decorators: Stmt[];
}

export interface ClassDef {
  name: string;
  line: number;
  stmt: Stmt;
  bases: string[];
  scope: string;
  methods: Map<string, FuncDef>;
  decorators: Stmt[];
}

export interface Scope {
  key: string;
  stmts: Stmt[];
  assigns: Map<string, Assign[]>;
  imports: Map<string, ImportRef>;
  /** `from x import *`. */
  stars: string[];
  defs: Map<string, FuncDef>;
  classes: Map<string, ClassDef>;
  func?: FuncDef;
}

export interface ModuleInfo {
  file: string;
  module: string;
  isPackage: boolean;
  text: string;
  src: Source;
  scopes: Map<string, Scope>;
}



const CONDITIONAL = new Set(['if', 'elif', 'else', 'for', 'while', 'except', 'match', 'case']);

/** The scope a statement's blocks put it in: '' (module), `def:f` (a top-level function and what is nested in it), `class:C`, `class:C.m`. */
export function scopeKey(blocks: readonly { kind: string; name?: string }[]): string {
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (b.kind === 'def') return `def:${b.name ?? '?'}`;
    if (b.kind === 'class') {
      for (let j = i + 1; j < blocks.length; j++) if (blocks[j].kind === 'def') return `class:${b.name ?? '?'}.${blocks[j].name ?? '?'}`;
      return `class:${b.name ?? '?'}`;
    }
  }
  return '';
}

/** The condition or loop a statement is under, in its own scope (`if settings.DEBUG` at line 12), or undefined. */
export function conditionOf(st: Stmt): { head: string; line: number } | undefined {
  let found: { head: string; line: number } | undefined;
  for (const b of st.blocks) {
    if (b.kind === 'def' || b.kind === 'class') { found = undefined; continue; }
    if (!found && CONDITIONAL.has(b.kind)) found = { head: b.head, line: b.line };
  }
  return found;
}

/** A function's parameters (parsed on first use). */
export function paramsOf(def: FuncDef): Param[] {
  return (def.params ??= parseParams(def.paramText));
}

export function parseParams(inner: string): Param[] {
  const out: Param[] = [];
  for (const p of splitTop(inner)) {
    if (p.text === '/' || p.text === '*') continue;
    const star = p.text.startsWith('**') ? '**' : p.text.startsWith('*') ? '*' : undefined;
    const name = /^\**\s*([A-Za-z_]\w*)/.exec(p.text)?.[1];
    if (!name) continue;
    out.push({ name, hasDefault: assignIndex(p.text) >= 0, star });
  }
  return out;
}

export class PyIndex {
  private byModule = new Map<string, string>();
  private namespaces = new Set<string>();
  private infos = new Map<string, ModuleInfo | null>();
  readonly moduleOfFile = new Map<string, string>();

  /**
   * @param files project-relative .py files (already bounded)
   * @param importRoots directories each file may be imported from, best first (a file under `src/` is `pkg.mod` from `src`)
   */
  constructor(readonly reader: Reader, readonly files: string[], importRoots: (file: string) => string[]) {
    for (const f of files) {
      let first: string | undefined;
      for (const root of importRoots(f)) {
        if (root && !f.startsWith(root + '/')) continue;
        const mod = toModule(root ? f.slice(root.length + 1) : f);
        if (!mod) continue;
        first ??= mod;
        if (!this.byModule.has(mod)) this.byModule.set(mod, f);
        const parts = mod.split('.');
        for (let i = 1; i < parts.length; i++) this.namespaces.add(parts.slice(0, i).join('.'));
      }
      if (first) this.moduleOfFile.set(f, first);
    }
  }

  fileOf(module: string): string | undefined { return this.byModule.get(module); }

  /** A module of the project: a file, or a package directory without __init__.py. */
  isModule(module: string): boolean { return this.byModule.has(module) || this.namespaces.has(module); }

  info(file: string): ModuleInfo | undefined {
    const cached = this.infos.get(file);
    if (cached !== undefined) return cached ?? undefined;
    const text = this.reader.read(file);
    const module = this.moduleOfFile.get(file);
    const info = text === undefined || module === undefined ? null : buildInfo(file, module, text);
    this.infos.set(file, info);
    return info ?? undefined;
  }

  /** Scanner problems (an unclosed bracket) of the files read so far. */
  problems(): { file: string; problem: string }[] {
    const out: { file: string; problem: string }[] = [];
    for (const [file, info] of this.infos) for (const p of info?.src.problems ?? []) out.push({ file, problem: p });
    return out;
  }

  infoOf(module: string): ModuleInfo | undefined {
    const f = this.fileOf(module);
    return f ? this.info(f) : undefined;
  }
}

function toModule(rel: string): string | undefined {
  const m = rel.replace(/\.py$/, '').replace(/(^|\/)__init__$/, '');
  if (!m) return undefined;
  const parts = m.split('/');
  return parts.every((p) => /^[A-Za-z_]\w*$/.test(p)) ? parts.join('.') : undefined;
}

const NO_STARS: string[] = [];
const NO_STMTS: Stmt[] = [];

function newScope(key: string): Scope {
  // imports, defs, classes and stars are rare in function bodies: created on first use
  return { key, stmts: [], assigns: EMPTY_MAP as unknown as Map<string, Assign[]>, imports: EMPTY_MAP as unknown as Map<string, ImportRef>, stars: NO_STARS, defs: EMPTY_MAP as unknown as Map<string, FuncDef>, classes: EMPTY_MAP as unknown as Map<string, ClassDef> };
}

/** Shared by every scope until it gets an entry (never written to). */
const EMPTY_MAP = new Map<string, never>();

function put<K extends 'imports' | 'defs' | 'classes' | 'assigns'>(sc: Scope, field: K, key: string, value: Scope[K] extends Map<string, infer V> ? V : never) {
  if ((sc[field] as unknown) === EMPTY_MAP) (sc as unknown as Record<K, Map<string, unknown>>)[field] = new Map();
  (sc[field] as Map<string, unknown>).set(key, value);
}

/** What in a function body can matter to the facts: apps, routers, routes, factories, decorators. */
const BODY_HINT = /FastAPI|APIRouter|Starlette|Flask|Quart|Blueprint|Litestar|Router|Route|Mount|include_router|register_blueprint|\.mount\b|add_api_route|add_url_rule|add_route|add_websocket_route|\.register\b|urlpatterns|get_wsgi_application|get_asgi_application|ProtocolTypeRouter|app\s*\(|application\s*\(|factory|@/;
const FACTORY_LIKE = /^\s*(?:async\s+)?def\s+\w*(?:app|application|factory)\s*\(/;

/**
 * Keep a function's body when it can matter: it names an app/router/route construct, decorates,
 * calls something app-like, is named like a factory, or passes one of its parameters on (a
 * function registering routes on the app it is given may hand it to another).
 */
export function keepBody(header: string, body: string): boolean {
  if (BODY_HINT.test(body) || FACTORY_LIKE.test(header)) return true;
  const open = header.indexOf('(');
  const close = header.lastIndexOf(')');
  if (open < 0 || close < open) return true;
  // parameter names, roughly (a name in an annotation only makes a body kept that could go)
  for (const m of header.slice(open + 1, close).matchAll(/(?:^|[,(])\s*\**([A-Za-z_]\w*)/g)) {
    const name = m[1];
    if (name === 'self' || name === 'cls') continue;
    for (let at = body.indexOf(name); at >= 0; at = body.indexOf(name, at + 1)) {
      if (isWord(body.charCodeAt(at - 1)) || isWord(body.charCodeAt(at + name.length))) continue;
      let b = at - 1;
      while (b >= 0 && (body.charCodeAt(b) === 32 || body.charCodeAt(b) === 10)) b--;
      const before = body.charCodeAt(b);
      if (before === 40 || before === 44 || before === 61) return true;
    }
  }
  return false;
}

function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function buildInfo(file: string, module: string, text: string): ModuleInfo {
  const src = scanPython(text, { keepBody });
  const isPackage = /(^|\/)__init__\.py$/.test(file);
  const info: ModuleInfo = { file, module, isPackage, text, src, scopes: new Map() };
  const keys = new Map<readonly unknown[], string>();
  /** The function whose body each def scope key is (the first def of that name). */
  const funcs = new Map<string, FuncDef>();
  // scopes are created when a statement is in them: a function whose body was dropped has none
  const scope = (key: string) => {
    let s = info.scopes.get(key);
    if (!s) { info.scopes.set(key, (s = newScope(key))); const f = funcs.get(key); if (f) s.func = f; }
    return s;
  };
  scope('');
  const absolute = (target: string): string | undefined => {
    const m = /^(\.*)(.*)$/.exec(target)!;
    const dots = m[1].length;
    if (!dots) return m[2];
    const pkg = isPackage ? module.split('.') : module.split('.').slice(0, -1);
    if (dots - 1 > pkg.length) return undefined;
    return [...pkg.slice(0, pkg.length - (dots - 1)), ...(m[2] ? [m[2]] : [])].join('.');
  };
  let lastKey = '';
  let lastSc = scope('');
  for (const st of src.stmts) {
    let key = st.blocks.length ? keys.get(st.blocks) : '';
    if (key === undefined) keys.set(st.blocks, (key = scopeKey(st.blocks)));
    st.scope = key;
    if (key !== lastKey) { lastKey = key; lastSc = scope(key); }
    const sc = lastSc;
    sc.stmts.push(st);
    const t = st.text;
    const o = st.opens;
    const c0 = t.charCodeAt(0);
    if (o && (o.kind === 'def' || o.kind === 'class') && o.name) {
      if (o.kind === 'def') {
        const open = t.indexOf('(');
        const close = open >= 0 ? matchClose(t, open) : -1;
        const colon = topColon(t);
        const ret = close >= 0 && colon > close ? /^\s*->\s*([\s\S]+)$/.exec(t.slice(close + 1, colon))?.[1].trim() : undefined;
        const bodyKey = key ? (key.startsWith('class:') && !key.includes('.') ? `${key}.${o.name}` : key) : `def:${o.name}`;
        const fn: FuncDef = {
          name: o.name, line: st.line, stmt: st, paramText: close >= 0 ? t.slice(open + 1, close) : '', params: undefined, returns: ret,
          isAsync: t.charCodeAt(0) === 97 && /^async\s/.test(t), scope: bodyKey, parent: key, decorators: st.decorators ?? NO_STMTS,
        };
        if (!sc.defs.has(fn.name)) put(sc, 'defs', fn.name, fn);
        if (!funcs.has(bodyKey)) { funcs.set(bodyKey, fn); const existing = info.scopes.get(bodyKey); if (existing) existing.func ??= fn; }
      } else {
        const open = t.indexOf('(');
        const close = open >= 0 ? matchClose(t, open) : -1;
        const bases = close > open ? splitTop(t.slice(open + 1, close)).map((p) => p.text).filter((b) => !/^\w+\s*=/.test(b)) : [];
        const cls: ClassDef = { name: o.name, line: st.line, stmt: st, bases, scope: `class:${o.name}`, methods: new Map(), decorators: st.decorators ?? [] };
        if (!sc.classes.has(cls.name)) put(sc, 'classes', cls.name, cls);
      }
      continue;
    }
    if (o || c0 === 64) continue;
    // imports
    let m = c0 === 105 ? /^import\s+([\s\S]+)$/.exec(t) : null;
    if (m) {
      for (const part of splitTop(m[1].replace(/[()]/g, ''))) {
        const im = /^([A-Za-z_][\w.]*)(?:\s+as\s+([A-Za-z_]\w*))?$/.exec(part.text.replace(/\s*\.\s*/g, '.'));
        if (!im) continue;
        if (im[2]) put(sc, 'imports', im[2], { module: im[1], line: st.line });
        else put(sc, 'imports', im[1].split('.')[0], { module: im[1].split('.')[0], line: st.line });
      }
      continue;
    }
    m = c0 === 102 ? /^from\s+(\.*\s*[\w.]*)\s+import\s+([\s\S]+)$/.exec(t) : null;
    if (m) {
      const from = absolute(m[1].replace(/\s+/g, ''));
      if (from === undefined) continue;
      const names = m[2].trim().replace(/^\(|\)$/g, '');
      if (names.trim() === '*') { if (sc.stars === NO_STARS) sc.stars = []; sc.stars.push(from); continue; }
      for (const part of splitTop(names)) {
        const im = /^([A-Za-z_]\w*)(?:\s+as\s+([A-Za-z_]\w*))?$/.exec(part.text);
        if (im) put(sc, 'imports', im[2] ?? im[1], { module: from, attr: im[1], line: st.line });
      }
      continue;
    }
    // assignments: `a = b = value`, `a: T = value`, `a += value`
    if (t.indexOf('=') < 0) continue;
    const aug = /^([A-Za-z_]\w*)\s*\+=/.exec(t);
    if (aug) {
      addAssign(sc, aug[1], { stmt: st, expr: t.slice(aug[0].length), offset: st.start + aug[0].length, augmented: true, conditional: !!conditionOf(st) });
      continue;
    }
    let rest = t;
    let off = st.start;
    for (let guard = 0; guard < 8; guard++) {
      const eq = assignIndex(rest);
      if (eq < 0) break;
      let target = rest.slice(0, eq).trim();
      const colon = topColon(target);
      if (colon >= 0) target = target.slice(0, colon).trim();
      const value = rest.slice(eq + 1);
      const lead = value.length - value.trimStart().length;
      const vOff = off + eq + 1 + lead;
      const name = dottedName(target);
      if (name && !name.includes('.')) addAssign(sc, name, { stmt: st, expr: value.trim(), offset: vOff, augmented: false, conditional: !!conditionOf(st) });
      else if (name && name.startsWith('self.')) addAssign(sc, name, { stmt: st, expr: value.trim(), offset: vOff, augmented: false, conditional: !!conditionOf(st) });
      rest = value.trimStart();
      off = vOff;
    }
  }
  // methods of classes
  for (const sc of info.scopes.values()) {
    for (const cls of sc.classes.values()) {
      const body = info.scopes.get(cls.scope);
      if (body) for (const [n, f] of body.defs) cls.methods.set(n, f);
    }
  }
  return info;
}

function addAssign(sc: Scope, name: string, a: Assign) {
  const list = sc.assigns.get(name);
  if (list) { if (list.length < 32) list.push(a); } else put(sc, 'assigns', name, [a]);
}

// ---------------------------------------------------------------------------------------------
// Names

/** What a name is bound to, followed through imports. */
export type Binding =
  | { t: 'assign'; mod: ModuleInfo; scope: string; name: string; assigns: Assign[] }
  | { t: 'def'; mod: ModuleInfo; def: FuncDef }
  | { t: 'class'; mod: ModuleInfo; cls: ClassDef }
  /** A module of the project (a file or a namespace package). */
  | { t: 'module'; name: string }
  /** Something imported from outside the project (`fastapi.FastAPI`). */
  | { t: 'external'; qual: string }
  | { t: 'param'; mod: ModuleInfo; def: FuncDef; name: string; index: number }
  | { t: 'none'; name: string };

const MAX_LOOKUP_DEPTH = 16;

/** The scopes a name is looked up in from `scope`, innermost first (a method does not see its class body). */
function chain(scope: string): string[] {
  return scope ? [scope, ''] : [''];
}

export function lookup(idx: PyIndex, mod: ModuleInfo, scope: string, name: string, depth = 0): Binding {
  if (depth > MAX_LOOKUP_DEPTH) return { t: 'none', name };
  for (const key of chain(scope)) {
    const sc = mod.scopes.get(key);
    if (!sc) continue;
    const assigns = sc.assigns.get(name);
    if (assigns) return { t: 'assign', mod, scope: key, name, assigns };
    const def = sc.defs.get(name);
    if (def) return { t: 'def', mod, def };
    const cls = sc.classes.get(name);
    if (cls) return { t: 'class', mod, cls };
    const imp = sc.imports.get(name);
    if (imp) return importBinding(idx, imp, depth + 1);
    const fn = sc.func;
    if (fn) {
      const index = paramsOf(fn).findIndex((p) => p.name === name);
      if (index >= 0) return { t: 'param', mod, def: fn, name, index };
    }
    for (const star of sc.stars) {
      if (!idx.isModule(star)) continue;
      const info = idx.infoOf(star);
      if (!info) continue;
      const b = lookup(idx, info, '', name, depth + 1);
      if (b.t !== 'none') return b;
    }
  }
  return { t: 'none', name };
}

export function importBinding(idx: PyIndex, ref: ImportRef, depth = 0): Binding {
  if (!ref.attr) return idx.isModule(ref.module) ? { t: 'module', name: ref.module } : { t: 'external', qual: ref.module };
  if (!idx.isModule(ref.module)) return { t: 'external', qual: `${ref.module}.${ref.attr}` };
  return member(idx, { t: 'module', name: ref.module }, ref.attr, depth + 1);
}

/** `base.seg`. */
export function member(idx: PyIndex, base: Binding, seg: string, depth = 0): Binding {
  if (base.t === 'external') return { t: 'external', qual: `${base.qual}.${seg}` };
  if (base.t === 'module') {
    const info = idx.infoOf(base.name);
    if (info) {
      const b = lookup(idx, info, '', seg, depth + 1);
      if (b.t !== 'none') return b;
    }
    const sub = `${base.name}.${seg}`;
    if (idx.isModule(sub)) return { t: 'module', name: sub };
    return { t: 'none', name: sub };
  }
  return { t: 'none', name: seg };
}

/** A dotted name from a scope: `health.router`, `settings.API_PREFIX`. Stops at the first part that is not a module. */
export function resolveDotted(idx: PyIndex, mod: ModuleInfo, scope: string, dotted: string): { binding: Binding; rest: string[] } {
  const parts = dotted.split('.');
  let b = lookup(idx, mod, scope, parts[0]);
  let i = 1;
  while (i < parts.length && (b.t === 'module' || b.t === 'external')) b = member(idx, b, parts[i++]);
  return { binding: b, rest: parts.slice(i) };
}
