// Which files `docksmith check` lints: Dockerfiles found under a folder, and glob patterns (`*`, `**`,
// `?`, `[...]`, `{a,b}`) matched against paths relative to the current folder. Folders named
// .git, node_modules and .venv are never entered unless a pattern names them; symlinked folders are
// not followed (loops).

import * as fs from 'fs';
import * as path from 'path';

export const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.venv']);

/** `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `*.dockerfile`; never BuildKit's `<Dockerfile>.dockerignore`. */
export function isDockerfileName(name: string): boolean {
  if (/\.dockerignore$/i.test(name)) return false;
  return /^Dockerfile(\..+)?$/.test(name) || /.\.[Dd]ockerfile$/.test(name);
}

export function hasGlob(arg: string): boolean {
  return /[*?[\]{}]/.test(arg);
}

/** Every Dockerfile under `dir` (absolute paths, sorted). */
export function findDockerfiles(dir: string): string[] {
  const out: string[] = [];
  walk(dir, (abs, name) => { if (isDockerfileName(name)) out.push(abs); }, SKIPPED_DIRS);
  return out.sort();
}

function walk(dir: string, onFile: (abs: string, name: string) => void, skip: ReadonlySet<string>, depth = 0): void {
  if (depth > 64) return;
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!skip.has(e.name)) walk(abs, onFile, skip, depth + 1);
    } else if (e.isFile()) onFile(abs, e.name);
    else if (e.isSymbolicLink()) {
      try { if (fs.statSync(abs).isFile()) onFile(abs, e.name); } catch { /* dangling */ }
    }
  }
}

/** A glob pattern as a regular expression over '/'-separated relative paths. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  let i = 0;
  let braces = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const atStart = i === 0 || pattern[i - 1] === '/';
        const atEnd = i + 2 === pattern.length || pattern[i + 2] === '/';
        if (atStart && atEnd) {
          // `**/` matches zero or more folders; a final `**` matches everything below
          if (i + 2 === pattern.length) { re += '.*'; i += 2; } else { re += '(?:[^/]*/)*'; i += 3; }
          continue;
        }
      }
      re += '[^/]*';
      i++;
    } else if (c === '?') { re += '[^/]'; i++; }
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) { re += '\\['; i++; continue; }
      let body = pattern.slice(i + 1, close);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close + 1;
    } else if (c === '{') { re += '(?:'; braces++; i++; }
    else if (c === '}' && braces) { re += ')'; braces--; i++; }
    else if (c === ',' && braces) { re += '|'; i++; }
    else { re += c.replace(/[.+^$()|\\/]/g, '\\$&'); i++; }
  }
  while (braces-- > 0) re += ')';
  return new RegExp(`^${re}$`);
}

/** Files matching `pattern` (relative to `cwd`, or absolute): absolute paths, sorted. */
export function expandGlob(pattern: string, cwd: string): string[] {
  const norm = pattern.split(path.sep).join('/');
  const absolute = path.isAbsolute(pattern);
  const segments = norm.split('/');
  // walk from the longest prefix without glob characters
  const fixed: string[] = [];
  for (const s of segments) { if (hasGlob(s)) break; fixed.push(s); }
  const base = absolute ? (fixed.join('/') || '/') : path.resolve(cwd, fixed.join('/') || '.');
  const re = globToRegExp(segments.slice(fixed.length).join('/'));
  // a pattern that names a skipped folder may enter it
  const skip = new Set([...SKIPPED_DIRS].filter((d) => !segments.includes(d)));
  const out: string[] = [];
  let st: fs.Stats | undefined;
  try { st = fs.statSync(base); } catch { return []; }
  if (!st.isDirectory()) return [];
  walk(base, (abs) => {
    const rel = path.relative(base, abs).split(path.sep).join('/');
    if (re.test(rel)) out.push(abs);
  }, skip);
  return out.sort();
}
