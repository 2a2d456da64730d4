// A uv workspace member is built from the workspace root: the root's uv.lock, every member's
// pyproject.toml (uv checks the lock against all of them under --locked), `uv sync --locked
// --package <member>`, and the root as the build context.

import * as TOML from '@iarna/toml';
import { obj, strings } from '../config';
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
