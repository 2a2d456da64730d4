// A uv workspace member is built from the workspace root: the root's uv.lock, every member's
// pyproject.toml (uv checks the lock against all of them under --locked), `uv sync --locked
// --package <member>`, and the root as the build context.

import * as TOML from '@iarna/toml';
import { normalizeName, obj, strings } from '../config';
import { ProjectFiles, exists, joinPath } from './files';
import { globSegment } from './layout';

/** A folder above the pyproject.toml that may be a workspace root (nearest first). */
export interface ParentFolder {
  /** The folder as the user knows it (path), for messages. */
  label: string;
  /** Its files. */
  files: ProjectFiles;
  /** The pyproject.toml's folder relative to it (posix, no trailing slash). */
  memberPath: string;
}

export interface Workspace {
  root: ParentFolder;
  /** The member's folder relative to the root. */
  member: string;
  /** Every member folder (with a pyproject.toml) relative to the root, the root itself as '' when it has [project]. */
  members: string[];
  locked: boolean;
  lockText: string;
}

function matches(globs: string[], rel: string): boolean {
  const parts = rel.split('/');
  return globs.some((g) => {
    const gp = g.replace(/^\.\//, '').replace(/\/+$/, '').split('/');
    return gp.length === parts.length && gp.every((seg, i) => globSegment(seg).test(parts[i]));
  });
}

/** Member folders a `members` glob list names (folders with a pyproject.toml, `exclude` honoured). */
function expand(files: ProjectFiles, globs: string[], exclude: string[]): string[] {
  const out = new Set<string>();
  for (const g of globs) {
    const parts = g.replace(/^\.\//, '').replace(/\/+$/, '').split('/').filter(Boolean);
    const walk = (dir: string, i: number) => {
      if (i === parts.length) { if (exists(files, joinPath(dir, 'pyproject.toml')) === 'file' && !matches(exclude, dir)) out.add(dir); return; }
      const re = globSegment(parts[i]);
      for (const n of files.list(dir) ?? []) if (n.endsWith('/') && re.test(n.slice(0, -1))) walk(joinPath(dir, n.slice(0, -1)), i + 1);
    };
    walk('', 0);
  }
  return [...out].sort();
}

/** The workspace the project is a member of: the nearest parent whose [tool.uv.workspace] members match it. */
export function findWorkspace(parents: ParentFolder[] | undefined): Workspace | undefined {
  for (const parent of parents ?? []) {
    const text = parent.files.read('pyproject.toml');
    if (!text || !text.includes('workspace')) continue;
    let data: Record<string, unknown>;
    try { data = TOML.parse(text) as Record<string, unknown>; } catch { continue; }
    const ws = obj(obj(obj(data.tool)?.uv)?.workspace);
    if (!ws) continue;
    const members = strings(ws.members);
    const exclude = strings(ws.exclude);
    if (!matches(members, parent.memberPath) || matches(exclude, parent.memberPath)) {
      // a workspace that does not list the project: uv treats it as its own project only when excluded; say nothing
      continue;
    }
    const all = expand(parent.files, members, exclude);
    if (obj(data.project)) all.unshift('');
    const lockText = parent.files.read('uv.lock');
    return { root: parent, member: parent.memberPath, members: all, locked: lockText !== undefined, lockText: lockText ?? '' };
  }
  return undefined;
}

/** A member of the project's own workspace that `uv sync` installs with the project. */
export interface InstalledMember {
  /** Its folder relative to the project. */
  folder: string;
  name: string;
  data: Record<string, unknown>;
  text: string;
}

/** The members in `folders` (of `files`) by their normalized [project] name; unreadable or nameless ones are left out. */
export function membersByName(files: ProjectFiles, folders: string[]): Map<string, InstalledMember> {
  const byName = new Map<string, InstalledMember>();
  for (const folder of folders) {
    const text = files.read(joinPath(folder, 'pyproject.toml'));
    if (text === undefined) continue;
    let parsed: Record<string, unknown>;
    try { parsed = TOML.parse(text) as Record<string, unknown>; } catch { continue; }
    const name = obj(parsed.project)?.name;
    if (typeof name === 'string' && !byName.has(normalizeName(name))) byName.set(normalizeName(name), { folder, name, data: parsed, text });
  }
  return byName;
}

/** At most this many member pyproject.toml files are read (a workspace of hundreds is not a service). */
const MAX_MEMBERS = 200;

/**
 * The members of the workspace the project itself is the root of ([tool.uv.workspace] in its own
 * pyproject.toml) that `uv sync` installs with it: those its runtime dependencies name as
 * `{ workspace = true }` sources (with the given extras, those of their groups too), and theirs, transitively. Members nothing depends on are not
 * installed (`uv sync` without `--all-packages`), but `members` lists every one: uv needs their
 * pyproject.toml to check the lock.
 */
export function ownWorkspace(data: Record<string, unknown>, files: ProjectFiles, extras: string[] = []): { members: string[]; installed: InstalledMember[] } | undefined {
  const ws = obj(obj(obj(data.tool)?.uv)?.workspace);
  if (!ws) return undefined;
  const members = expand(files, strings(ws.members), strings(ws.exclude)).filter((m) => m !== '').slice(0, MAX_MEMBERS);
  const byName = membersByName(files, members);
  const rootSources = obj(obj(obj(data.tool)?.uv)?.sources) ?? {};
  const workspaceSource = (sources: Record<string, unknown>, dep: string) => Object.entries(sources).some(([k, v]) => normalizeName(k) === dep && obj(v)?.workspace === true);
  const installed: InstalledMember[] = [];
  const seen = new Set<string>();
  const visit = (deps: unknown, sources: Record<string, unknown>) => {
    for (const d of strings(deps).map(normalizeName)) {
      const m = byName.get(d);
      if (!m || seen.has(d) || !(workspaceSource(sources, d) || workspaceSource(rootSources, d))) continue;
      seen.add(d);
      installed.push(m);
      visit(obj(m.data.project)?.dependencies, obj(obj(obj(m.data.tool)?.uv)?.sources) ?? {});
    }
  };
  visit(obj(data.project)?.dependencies, rootSources);
  // and through the optional-dependency groups the image installs (`--extra`)
  for (const e of extras) visit(obj(obj(data.project)?.['optional-dependencies'])?.[e], rootSources);
  return { members, installed };
}
