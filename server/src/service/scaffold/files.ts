// What the scaffold may read of a project, behind an interface: the core stays pure (tests pass
// an in-memory tree, the server a bounded view of the disk).

import { pushAll } from '../text';

export interface ProjectFiles {
  /** Names in a directory relative to the project root ('' is the root); directories end with '/'. Undefined when it does not exist. */
  list(dir: string): string[] | undefined;
  /** Text of a file relative to the project root; undefined when missing, unreadable or too large. */
  read(file: string): string | undefined;
}

/** Join project-relative path parts ('' is the root). */
export function joinPath(...parts: string[]): string {
  return parts.filter(Boolean).join('/').replace(/\/{2,}/g, '/').replace(/^\.\//, '');
}

export function exists(files: ProjectFiles, rel: string): 'file' | 'dir' | undefined {
  const clean = rel.replace(/\/+$/, '');
  const slash = clean.lastIndexOf('/');
  const names = files.list(slash < 0 ? '' : clean.slice(0, slash));
  if (!names) return undefined;
  const base = clean.slice(slash + 1);
  if (names.includes(base + '/')) return 'dir';
  if (names.includes(base)) return 'file';
  return undefined;
}

/** Directories never scanned for source (virtualenvs, caches, VCS, build output, tests). */
export const SKIP_DIRS = new Set(['.git', '.hg', '.svn', '.venv', 'venv', 'env', '.env', 'node_modules', '__pycache__', '.tox', '.nox',
  '.mypy_cache', '.pytest_cache', '.ruff_cache', 'build', 'dist', 'site-packages', '.idea', '.vscode', 'htmlcov', '.eggs']);

/** Python files under a directory (depth- and count-bounded), project-relative. */
export function pythonFiles(files: ProjectFiles, dir: string, limit = { files: 2000 }, depth = 0): string[] {
  const out: string[] = [];
  const names = files.list(dir);
  if (!names || depth > 8) return out;
  for (const n of [...names].sort()) {
    if (limit.files <= 0) break;
    if (n.endsWith('/')) {
      const base = n.slice(0, -1);
      if (SKIP_DIRS.has(base) || base.endsWith('.egg-info') || /^tests?$/.test(base)) continue;
      pushAll(out, pythonFiles(files, joinPath(dir, base), limit, depth + 1));
    } else if (n.endsWith('.py')) {
      limit.files--;
      out.push(joinPath(dir, n));
    }
  }
  return out;
}

/** An in-memory tree (tests, and other front ends that already hold the files). */
export function memoryFiles(tree: Record<string, string>): ProjectFiles {
  const dirs = new Map<string, Set<string>>();
  const add = (dir: string, name: string) => {
    let s = dirs.get(dir);
    if (!s) dirs.set(dir, (s = new Set()));
    s.add(name);
  };
  for (const p of Object.keys(tree)) {
    const parts = p.split('/');
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      add(dir, i === parts.length - 1 ? parts[i] : parts[i] + '/');
    }
  }
  if (!dirs.has('')) dirs.set('', new Set());
  return {
    list: (dir) => { const s = dirs.get(dir.replace(/\/+$/, '')); return s ? [...s] : undefined; },
    read: (file) => tree[file],
  };
}
