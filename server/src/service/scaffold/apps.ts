// Finding the object gunicorn serves: module-level `app = FastAPI(…)` / `Flask(…)` / `Starlette(…)`
// assignments, Django's `application = get_wsgi_application()`, else a Flask app factory.

import { ProjectFiles, pythonFiles } from './files';
import { CodeRoot } from './layout';

export type AppKind = 'fastapi' | 'starlette' | 'flask' | 'quart' | 'django' | 'factory';

export interface AppCandidate {
  /** gunicorn's `module:attribute` (a factory as `module:create_app()`). */
  target: string;
  kind: AppKind;
  /** Project-relative file and 0-based line of the assignment. */
  file: string;
  line: number;
}

const MAX_FILE_CHARS = 512 * 1024;
const ASSIGN = /^([A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*(?:[A-Za-z_][\w.]*\.)?(FastAPI|Starlette|Flask|Quart)\s*\(/;
const DJANGO = /^(application)\s*(?::[^=\n]+)?=\s*(?:[A-Za-z_][\w.]*\.)?get_wsgi_application\s*\(/;
const FACTORY = /^(?:async\s+)?def\s+(create_app|make_app|app_factory)\s*\(\s*\)/;

/** Dotted module of a project-relative .py file, seen from its import root. */
export function moduleOf(file: string, importRoot: string): string {
  let rel = importRoot && file.startsWith(importRoot + '/') ? file.slice(importRoot.length + 1) : file;
  rel = rel.replace(/\.py$/, '').replace(/\/__init__$/, '');
  return rel.split('/').join('.');
}

export function findApps(files: ProjectFiles, roots: CodeRoot[]): AppCandidate[] {
  const out: AppCandidate[] = [];
  const factories: AppCandidate[] = [];
  const limit = { files: 2000 };
  for (const r of roots) {
    const pyFiles = r.isDir ? pythonFiles(files, r.path, limit) : [r.path];
    for (const file of pyFiles) {
      const text = files.read(file);
      if (!text || text.length > MAX_FILE_CHARS || text.includes('\0')) continue;
      const mod = moduleOf(file, r.importRoot);
      const lines = text.split(/\r\n|\r|\n/);
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i];
        // module level only: an indented assignment is inside a function or class
        if (!/^[A-Za-z_]/.test(l)) continue;
        let m = ASSIGN.exec(l);
        if (m) { out.push({ target: `${mod}:${m[1]}`, kind: m[2].toLowerCase() as AppKind, file, line: i }); continue; }
        m = DJANGO.exec(l);
        if (m) { out.push({ target: `${mod}:${m[1]}`, kind: 'django', file, line: i }); continue; }
        m = FACTORY.exec(l);
        if (m) factories.push({ target: `${mod}:${m[1]}()`, kind: 'factory', file, line: i });
      }
    }
  }
  const seen = new Set<string>();
  const unique = (xs: AppCandidate[]) => xs.filter((x) => !seen.has(x.target) && seen.add(x.target));
  return out.length ? unique(out) : unique(factories);
}

/** A `module:attribute` target gunicorn accepts (attribute may be a factory call `name()`). */
export function isAppTarget(s: string): boolean {
  return /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\(\))?$/.test(s);
}
