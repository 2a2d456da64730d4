// Direct dependencies as declared: pyproject.toml (PEP 621, PEP 735 dependency groups, uv, Poetry,
// PDM), requirements*.txt (root and requirements/, `-r` includes followed) and Pipfile; and the
// frameworks and server interface (ASGI/WSGI) they imply.

import * as TOML from '@iarna/toml';
import { normalizeName, obj, strings } from '../config';
import { joinPath } from '../scaffold/files';
import { Dependency, Framework } from './types';
import { Reader } from './source';
import { escapeRegExp, tomlKeyLine } from '../text';

type Table = Record<string, unknown>;

/** 0-based lines of TOML table headers by dotted name (`tool.poetry.dependencies`), quotes and spaces removed. */
function tableLines(lines: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(lines[i]);
    if (m) {
      const key = m[1].replace(/\s*\.\s*/g, '.').replace(/["']/g, '');
      if (!out.has(key)) out.set(key, i);
    }
  }
  return out;
}

/** Line of a quoted requirement (`"gunicorn>=22"`) from a table on, else of its name, else undefined. */
function lineOfSpec(lines: string[], from: number, spec: string): number | undefined {
  const quoted = new RegExp(`["']${escapeRegExp(spec)}["']`);
  for (let i = from; i < lines.length; i++) if (quoted.test(lines[i])) return i;
  const name = normalizeName(spec);
  const loose = new RegExp(`["']\\s*${escapeRegExp(name).replace(/\\-/g, '[-_.]')}\\b`, 'i');
  for (let i = from; i < lines.length; i++) if (loose.test(lines[i])) return i;
  return undefined;
}

/** Line of `key =` in a table (Poetry, Pipfile), from the header on. */
function lineOfKey(lines: string[], from: number, key: string): number | undefined {
  const re = tomlKeyLine(key, 'i');
  for (let i = from; i < lines.length; i++) {
    if (i > from && /^\s*\[/.test(lines[i])) break;
    if (re.test(lines[i])) return i;
  }
  return undefined;
}

export interface PyprojectDeps {
  dependencies: Dependency[];
  /** `[project.scripts]` / `[tool.poetry.scripts]` entries. */
  scripts: { name: string; target: string }[];
}

/** Dependencies declared in a parsed pyproject.toml (`text` for lines). */
export function pyprojectDependencies(data: Table, text: string, file: string): PyprojectDeps {
  const lines = text.split(/\r\n|\r|\n/);
  const headers = tableLines(lines);
  const out: Dependency[] = [];
  const at = (...tables: string[]) => { for (const t of tables) { const l = headers.get(t); if (l !== undefined) return l; } return 0; };
  const add = (spec: string, group: string, from: number) => {
    const line = lineOfSpec(lines, from, spec);
    out.push({ name: normalizeName(spec), spec: spec.trim(), group, file, ...(line !== undefined ? { line } : {}) });
  };
  const project = obj(data.project);
  if (project) {
    for (const d of strings(project.dependencies)) add(d, 'main', at('project'));
    for (const [extra, list] of Object.entries(obj(project['optional-dependencies']) ?? {})) {
      for (const d of strings(list)) add(d, `extra:${extra}`, at('project.optional-dependencies', 'project'));
    }
  }
  // PEP 735, with {include-group = "…"} followed (cycles cut)
  const groups = obj(data['dependency-groups']);
  if (groups) {
    const expand = (name: string, seen: Set<string>): { spec: string; from: string }[] => {
      if (seen.has(name) || seen.size > 32) return [];
      seen.add(name);
      const items = Array.isArray(groups[name]) ? (groups[name] as unknown[]) : [];
      const res: { spec: string; from: string }[] = [];
      for (const item of items) {
        if (typeof item === 'string') res.push({ spec: item, from: name });
        else if (typeof obj(item)?.['include-group'] === 'string') for (const x of expand(String(obj(item)!['include-group']), seen)) res.push(x);
      }
      return res;
    };
    for (const g of Object.keys(groups)) for (const d of expand(g, new Set())) add(d.spec, `group:${g}`, at('dependency-groups'));
  }
  const tool = obj(data.tool);
  for (const d of strings(obj(tool?.uv)?.['dev-dependencies'])) add(d, 'group:dev', at('tool.uv', 'tool'));
  for (const [g, list] of Object.entries(obj(obj(tool?.pdm)?.['dev-dependencies']) ?? {})) for (const d of strings(list)) add(d, `group:${g}`, at('tool.pdm.dev-dependencies'));
  // Poetry: name = constraint tables
  const poetry = obj(tool?.poetry);
  if (poetry) {
    const extras = obj(poetry.extras) ?? {};
    const extrasOf = (name: string) => Object.entries(extras).filter(([, l]) => strings(l).some((x) => normalizeName(x) === name)).map(([e]) => e);
    const table = (t: Table | undefined, group: string, header: string) => {
      for (const [name, constraint] of Object.entries(t ?? {})) {
        if (name.toLowerCase() === 'python') continue;
        const from = headers.get(header) ?? 0;
        const line = lineOfKey(lines, from, name);
        const spec = line !== undefined ? lines[line].trim() : `${name} ${typeof constraint === 'string' ? constraint : ''}`.trim();
        const n = normalizeName(name);
        const optional = group === 'main' && obj(constraint)?.optional === true;
        const labels = optional ? (extrasOf(n).length ? extrasOf(n).map((e) => `extra:${e}`) : ['extra:*']) : [group];
        for (const g of labels) out.push({ name: n, spec, group: g, file, ...(line !== undefined ? { line } : {}) });
      }
    };
    table(obj(poetry.dependencies), 'main', 'tool.poetry.dependencies');
    table(obj(poetry['dev-dependencies']), 'group:dev', 'tool.poetry.dev-dependencies');
    for (const [g, def] of Object.entries(obj(poetry.group) ?? {})) table(obj(obj(def)?.dependencies), `group:${g}`, `tool.poetry.group.${g}.dependencies`);
  }
  const scripts: { name: string; target: string }[] = [];
  for (const src of [obj(project?.scripts), obj(project?.['gui-scripts']), obj(poetry?.scripts)]) {
    for (const [name, target] of Object.entries(src ?? {})) {
      const t = typeof target === 'string' ? target : typeof obj(target)?.reference === 'string' ? String(obj(target)!.reference) : undefined;
      if (t && /^[\w.]+:[\w.]+/.test(t.trim())) scripts.push({ name, target: t.trim() });
    }
  }
  return { dependencies: out, scripts };
}

const REQ_GROUP = /dev|test|lint|doc/i;

/** The group a requirements file's name implies. */
export function requirementsGroup(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const m = REQ_GROUP.exec(base);
  return m ? `group:${m[0].toLowerCase()}` : 'main';
}

const MAX_INCLUDE_DEPTH = 5;

/** requirements*.txt at the root and *.txt in requirements/, with `-r` includes (bounded) read in the includer's group. */
export function requirementsDependencies(reader: Reader, notes: string[], show: (f: string) => string): Dependency[] {
  const out: Dependency[] = [];
  const top: string[] = [];
  for (const n of (reader.list('') ?? []).sort()) if (/^requirements[^/]*\.txt$/i.test(n)) top.push(n);
  for (const n of (reader.list('requirements') ?? []).sort()) if (!n.endsWith('/') && /\.txt$/i.test(n)) top.push(joinPath('requirements', n));
  const topSet = new Set(top);
  const read = (file: string, group: string, depth: number, chain: Set<string>) => {
    const text = reader.read(file);
    if (text === undefined) { notes.push(`${show(file)} is included with -r but could not be read.`); return; }
    const lines = text.split(/\r\n|\r|\n/);
    for (let i = 0; i < lines.length; i++) {
      const first = i;
      let line = lines[i];
      while (/\\\s*$/.test(line) && i + 1 < lines.length) line = line.replace(/\\\s*$/, ' ') + lines[++i];
      line = line.replace(/(^|\s)#.*$/, '').trim();
      if (!line) continue;
      const inc = /^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=\S))(\S+)/.exec(line);
      if (inc) {
        const slash = file.lastIndexOf('/');
        const target = joinPath(slash < 0 ? '' : file.slice(0, slash), inc[1]).replace(/(^|\/)\.\//g, '$1');
        const norm = normalizePath(target);
        if (!norm) { notes.push(`${show(file)}:${first + 1}: -r ${inc[1]} leaves the project; not read.`); continue; }
        if (topSet.has(norm) || chain.has(norm)) continue;
        if (depth >= MAX_INCLUDE_DEPTH) { notes.push(`${show(file)}:${first + 1}: -r ${inc[1]} is nested too deeply; not read.`); continue; }
        read(norm, group, depth + 1, new Set([...chain, norm]));
        continue;
      }
      if (line.startsWith('-')) {
        const egg = /^(?:-e|--editable)\s+\S*#egg=([A-Za-z0-9][\w.-]*)/.exec(line);
        if (egg) out.push({ name: normalizeName(egg[1]), spec: line, group, file, line: first });
        continue;
      }
      if (/^(?:[a-z+]+:\/\/|\.{0,2}\/|[A-Za-z]:\\)/i.test(line)) {
        const egg = /#egg=([A-Za-z0-9][\w.-]*)/.exec(line);
        if (egg) out.push({ name: normalizeName(egg[1]), spec: line, group, file, line: first });
        continue;
      }
      if (!/^[A-Za-z0-9]/.test(line)) continue;
      const spec = line.replace(/\s+--\S.*$/, '').trim();
      out.push({ name: normalizeName(spec), spec, group, file, line: first });
    }
  };
  for (const f of top) read(f, requirementsGroup(f), 0, new Set([f]));
  return out;
}

/** `a/../b` → `b`; undefined when it leaves the root. */
function normalizePath(p: string): string | undefined {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') { if (!out.length) return undefined; out.pop(); } else out.push(seg);
  }
  return out.join('/');
}

/** Pipfile [packages] (main) and [dev-packages] (group:dev). */
export function pipfileDependencies(text: string, file: string, notes: string[], show: (f: string) => string): Dependency[] {
  let data: Table;
  try { data = TOML.parse(text) as Table; } catch (err) {
    notes.push(`${show(file)} is not valid TOML (${tomlError(err)}); its packages are not read.`);
    return [];
  }
  const lines = text.split(/\r\n|\r|\n/);
  const headers = tableLines(lines);
  const out: Dependency[] = [];
  for (const [table, group] of [['packages', 'main'], ['dev-packages', 'group:dev']] as const) {
    for (const [name, v] of Object.entries(obj(data[table]) ?? {})) {
      const line = lineOfKey(lines, headers.get(table) ?? 0, name);
      out.push({ name: normalizeName(name), spec: line !== undefined ? lines[line].trim() : `${name} ${typeof v === 'string' ? v : ''}`.trim(), group, file, ...(line !== undefined ? { line } : {}) });
    }
  }
  return out;
}

export function tomlError(err: unknown): string {
  const e = err as { line?: number; col?: number; message?: string };
  const first = String(e?.message ?? err).split('\n')[0].replace(/ at row \d+, col \d+, pos \d+:?$/, '');
  return e && typeof e.line === 'number' ? `line ${e.line + 1}, column ${(e.col ?? 0) + 1}: ${first}` : first;
}

// ---------------------------------------------------------------------------------------------
// Frameworks

const FRAMEWORK_OF: Record<string, Framework> = {
  fastapi: 'fastapi', 'fastapi-slim': 'fastapi', starlette: 'starlette', litestar: 'litestar', quart: 'quart', sanic: 'sanic',
  flask: 'flask', django: 'django', pyramid: 'pyramid', bottle: 'bottle', falcon: 'falcon',
};
const ASGI = new Set<Framework>(['fastapi', 'starlette', 'litestar', 'quart', 'sanic']);
/** Packages that serve Django through ASGI. */
const DJANGO_ASGI_SERVERS = ['channels', 'daphne', 'uvicorn', 'uvicorn-worker'];

/**
 * Frameworks among the runtime dependencies (all of them when none is `main`), and the interface
 * they imply. Django counts as ASGI only with channels/daphne/uvicorn and an asgi.py.
 */
export function frameworksOf(deps: Dependency[], hasAsgiPy: boolean): { frameworks: Framework[]; kind?: 'asgi' | 'wsgi'; djangoAsgi: boolean; conflict?: string } {
  const main = deps.filter((d) => d.group === 'main');
  const pool = main.length ? main : deps;
  const frameworks: Framework[] = [];
  for (const d of pool) { const f = FRAMEWORK_OF[d.name]; if (f && !frameworks.includes(f)) frameworks.push(f); }
  const names = new Set(pool.map((d) => d.name));
  const djangoAsgi = frameworks.includes('django') && hasAsgiPy && DJANGO_ASGI_SERVERS.some((s) => names.has(s));
  const kinds = new Map<'asgi' | 'wsgi', Framework[]>();
  for (const f of frameworks) {
    const k = f === 'django' ? (djangoAsgi ? 'asgi' : 'wsgi') : ASGI.has(f) ? 'asgi' : 'wsgi';
    kinds.set(k, [...(kinds.get(k) ?? []), f]);
  }
  if (kinds.size === 1) return { frameworks, kind: [...kinds.keys()][0], djangoAsgi };
  if (kinds.size === 2) return { frameworks, djangoAsgi, conflict: `the dependencies name ASGI (${kinds.get('asgi')!.join(', ')}) and WSGI (${kinds.get('wsgi')!.join(', ')}) frameworks: the interface is not known` };
  return { frameworks, djangoAsgi };
}
