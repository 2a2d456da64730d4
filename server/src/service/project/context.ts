// A snapshot of the build context for the build-context rule: what exists, what a COPY wildcard
// matches, and the files that must not reach an image. Bounded, and computed once per change of
// the tree (the server caches it and refreshes it on file-watch events), never per keystroke.

import { ProjectFiles, joinPath } from '../scaffold/files';
import { globSegment } from '../scaffold/layout';
import { dockerignoreLines } from '../scaffold/dockerignore';
import { BuildContext } from './types';

/** Folders that are never entered (their presence is still recorded when it matters). */
const NOT_ENTERED = new Set(['.git', '.hg', '.svn', '.venv', 'venv', 'node_modules', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache']);

const SENSITIVE_DIR = /^(\.git|\.venv|venv|__pycache__)$/;
const SENSITIVE_FILE = (name: string) => (/^\.env($|\.)/.test(name) && !/\.(example|sample|template|dist|defaults?)$/.test(name))
  || /\.(pem|key)$/.test(name) || /^id_(rsa|ed25519|ecdsa|dsa)$/.test(name);

export interface SnapshotOptions {
  label: string;
  dir: string;
  dockerignore?: { file: string; label: string; text: string };
  /** How many entries the walk may visit (a larger tree is cut short: complete = false). */
  maxEntries?: number;
  maxSensitive?: number;
}

export function snapshotContext(files: ProjectFiles, opts: SnapshotOptions): BuildContext {
  const maxEntries = opts.maxEntries ?? 50_000;
  const maxSensitive = opts.maxSensitive ?? 200;
  const sensitive: string[] = [];
  let visited = 0;
  let complete = true;
  const walk = (dir: string, depth: number) => {
    const names = files.list(dir);
    if (!names) return;
    for (const n of names) {
      if (++visited > maxEntries) { complete = false; return; }
      const isDir = n.endsWith('/');
      const name = isDir ? n.slice(0, -1) : n;
      const rel = joinPath(dir, name);
      if (sensitive.length < maxSensitive && (isDir ? SENSITIVE_DIR.test(name) : SENSITIVE_FILE(name))) sensitive.push(rel);
      if (isDir && !NOT_ENTERED.has(name)) {
        if (depth >= 16) { complete = false; continue; }
        walk(rel, depth + 1);
        if (!complete) return;
      }
    }
  };
  walk('', 0);
  const exists = (rel: string): 'file' | 'dir' | undefined => {
    const clean = rel.replace(/\/+$/, '');
    if (clean === '') return 'dir';
    const slash = clean.lastIndexOf('/');
    const names = files.list(slash < 0 ? '' : clean.slice(0, slash));
    const base = clean.slice(slash + 1);
    if (!names) return undefined;
    if (names.includes(base + '/')) return 'dir';
    return names.includes(base) ? 'file' : undefined;
  };
  const glob = (pattern: string): string[] => {
    const parts = pattern.split('/').filter(Boolean);
    const out: string[] = [];
    const step = (dir: string, i: number) => {
      if (out.length >= 1000) return;
      const re = globSegment(parts[i]);
      for (const n of files.list(dir) ?? []) {
        const isDir = n.endsWith('/');
        const name = isDir ? n.slice(0, -1) : n;
        if (!re.test(name)) continue;
        const rel = joinPath(dir, name);
        if (i === parts.length - 1) out.push(rel);
        else if (isDir) step(rel, i + 1);
      }
    };
    if (parts.length) step('', 0);
    return out;
  };
  const di = opts.dockerignore;
  return {
    label: opts.label, dir: opts.dir, exists, glob, sensitive, complete,
    dockerignore: di ? { ...di, lines: dockerignoreLines(di.text) } : undefined,
  };
}
