// Lock files read as text, line by line (no TOML parse: a uv.lock with every wheel listed runs to
// megabytes): uv.lock with the groups through which each package is reached from the project,
// pdm.lock and poetry.lock with the groups they record.

import { normalizeName } from '../config';
import { LockedPackage } from './types';

/** Locks are larger than source files (every wheel and hash); the line scan stays cheap. */
export const MAX_LOCK_BYTES = 4 * 1024 * 1024;

interface LockDep { name: string; extras: string[] }

interface UvPackage {
  name: string;
  version?: string;
  /** `source = { editable = "." }` as written. */
  source?: string;
  dependencies: LockDep[];
  optional: Map<string, LockDep[]>;
  dev: Map<string, LockDep[]>;
}

const unquote = (s: string) => s.trim().replace(/^"(.*)"$|^'(.*)'$/, '$1$2');

function depsIn(text: string, out: LockDep[]) {
  for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
    const name = /(?:^|[\s,])name\s*=\s*"([^"]+)"/.exec(m[1]);
    if (!name) continue;
    const extra = /(?:^|[\s,])extra\s*=\s*\[([^\]]*)\]/.exec(m[1]);
    out.push({ name: normalizeName(name[1]), extras: extra ? [...extra[1].matchAll(/"([^"]+)"/g)].map((e) => e[1]) : [] });
  }
}

/** The `[[package]]` entries of a uv.lock. Never throws; unknown sections are skipped. */
export function parseUvLock(text: string): UvPackage[] {
  const out: UvPackage[] = [];
  let cur: UvPackage | undefined;
  let section: 'package' | 'optional' | 'dev' | 'other' = 'other';
  /** Inside a multi-line array: where its items go (undefined: skipped). */
  let array: LockDep[] | undefined | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (array !== null) {
      if (line.startsWith(']')) { array = null; continue; }
      if (array) depsIn(line, array);
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      if (/^\[\[\s*package\s*\]\]$/.test(line)) {
        cur = { name: '', dependencies: [], optional: new Map(), dev: new Map() };
        out.push(cur);
        section = 'package';
      } else section = /^\[\s*package\.optional-dependencies\s*\]$/.test(line) ? 'optional' : /^\[\s*package\.dev-dependencies\s*\]$/.test(line) ? 'dev' : 'other';
      continue;
    }
    if (!cur || section === 'other') {
      if (/=\s*\[/.test(line) && !/\]\s*,?\s*$/.test(line)) array = undefined;
      continue;
    }
    const kv = /^("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=\s*([\s\S]*)$/.exec(line);
    if (!kv) continue;
    const key = unquote(kv[1]);
    const value = kv[2];
    let target: LockDep[] | undefined;
    if (section === 'package') {
      if (key === 'name') { cur.name = normalizeName(unquote(value)); continue; }
      if (key === 'version') { cur.version = unquote(value); continue; }
      if (key === 'source') { cur.source = value; continue; }
      if (key === 'dependencies') target = cur.dependencies;
    } else {
      const map = section === 'optional' ? cur.optional : cur.dev;
      target = map.get(key) ?? [];
      map.set(key, target);
    }
    if (value.startsWith('[')) {
      if (target) depsIn(value, target);
      if (!/\]\s*,?\s*$/.test(value)) array = target;
    }
  }
  return out.filter((p) => p.name);
}

/**
 * Packages of a uv.lock with the groups through which the project reaches them: `main` from its
 * `dependencies`, `extra:<name>` from its optional dependencies, `group:<name>` from its dependency
 * groups (`[package.dev-dependencies]`), following dependencies and extras transitively; and
 * `package:<member>` from each other workspace member (an editable or virtual source), which is
 * what `uv sync --package <member>` installs (the member itself included). The root
 * is the package named like the project, else the one at `editable = "."` / `virtual = "."`; it is
 * not listed itself. Packages the project does not reach have no groups; a name the graph reaches
 * that has no `[[package]]` entry (an abbreviated lock) is listed without a version.
 */
export function uvLockPackages(text: string, projectName?: string): LockedPackage[] {
  const pkgs = parseUvLock(text);
  const byName = new Map<string, UvPackage>();
  for (const p of pkgs) if (!byName.has(p.name)) byName.set(p.name, p);
  const rootName = projectName ? normalizeName(projectName) : undefined;
  const root = (rootName && byName.get(rootName)) || pkgs.find((p) => /\b(?:editable|virtual)\s*=\s*"\.\/?"/.test(p.source ?? ''));
  const groups = new Map<string, Set<string>>();
  /** Labels every package reached from `start` (not `self`) with `label`. */
  const walkFrom = (label: string, start: LockDep[], self: string) => {
    const seen = new Set<string>();
    const queue = [...start];
    while (queue.length) {
      const d = queue.pop()!;
      const key = `${d.name}[${d.extras.join(',')}]`;
      if (seen.has(key) || d.name === self) continue;
      seen.add(key);
      let g = groups.get(d.name);
      if (!g) groups.set(d.name, (g = new Set()));
      g.add(label);
      const pkg = byName.get(d.name);
      if (!pkg) continue;
      for (const x of pkg.dependencies) queue.push(x);
      for (const e of d.extras) for (const x of pkg.optional.get(e) ?? []) queue.push(x);
    }
  };
  if (root) {
    const walk = (label: string, start: LockDep[]) => walkFrom(label, start, root.name);
    walk('main', root.dependencies);
    for (const [e, deps] of root.optional) walk(`extra:${e}`, deps);
    for (const [g, deps] of root.dev) walk(`group:${g}`, deps);
  }
  // the other workspace members: what `uv sync --package <member>` installs
  for (const m of pkgs) {
    if (m === root || !/\b(?:editable|virtual)\s*=/.test(m.source ?? '')) continue;
    let g = groups.get(m.name);
    if (!g) groups.set(m.name, (g = new Set()));
    g.add(`package:${m.name}`);
    walkFrom(`package:${m.name}`, m.dependencies, m.name);
  }
  const out: LockedPackage[] = pkgs.filter((p) => p !== root).map((p) => ({ name: p.name, ...(p.version ? { version: p.version } : {}), groups: [...(groups.get(p.name) ?? [])] }));
  // a name the lock's graph reaches without a [[package]] of its own (an abbreviated or hand-edited lock): listed, without a version
  for (const [name, g] of groups) if (!byName.has(name)) out.push({ name, groups: [...g] });
  return out;
}

/** Names uv.lock resolves for the project's runtime (`uv sync --no-dev`): the `main` closure. Empty when the root is not found. */
export function lockedRuntimeClosure(lock: string, project: string): string[] {
  if (!lock) return [];
  return uvLockPackages(lock, project).filter((p) => p.groups.includes('main')).map((p) => p.name);
}

/**
 * Packages of a pdm.lock or poetry.lock: `groups = [...]` as recorded (pdm's `default` and
 * poetry's `main` are `main`, others `group:<name>`), poetry 1's `category`, else `main`.
 */
export function simpleLockPackages(text: string, kind: 'pdm' | 'poetry'): LockedPackage[] {
  type Raw = LockedPackage & { raw?: string[] };
  const out: Raw[] = [];
  let cur: Raw | undefined;
  let inPackage = false;
  let collecting: string[] | null = null;
  const label = (g: string) => (g === (kind === 'pdm' ? 'default' : 'main') || g === 'main' ? 'main' : `group:${g}`);
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (collecting) {
      for (const m of line.matchAll(/"([^"]+)"/g)) collecting.push(m[1]);
      if (line.includes(']')) { if (cur) cur.raw = collecting; collecting = null; }
      continue;
    }
    if (line.startsWith('[')) {
      inPackage = /^\[\[\s*package\s*\]\]$/.test(line);
      if (inPackage) { cur = { name: '', groups: [] }; out.push(cur); }
      continue;
    }
    if (!inPackage || !cur) continue;
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    if (kv[1] === 'name') cur.name = normalizeName(unquote(kv[2]));
    else if (kv[1] === 'version') cur.version = unquote(kv[2]);
    else if (kv[1] === 'category') cur.raw ??= [unquote(kv[2])];
    else if (kv[1] === 'groups') {
      const items = [...kv[2].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      if (kv[2].includes(']')) cur.raw = items; else collecting = items;
    }
  }
  return out.filter((p) => p.name).map((p): LockedPackage => ({
    name: p.name, ...(p.version ? { version: p.version } : {}),
    groups: p.raw?.length ? [...new Set(p.raw.map(label))] : ['main'],
  }));
}
