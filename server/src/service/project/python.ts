// The Python-project facts shared by the linter and the scaffold: dependencies (and what the lock
// resolves), frameworks and ASGI/WSGI, the app candidates gunicorn could serve, and the routes
// the code declares. Everything is read as text through ProjectFiles and never executed; reading
// is bounded (512 KiB per source file, 2,000 .py files, no virtualenvs/VCS/build output), and no
// input makes it throw: what could not be read is said in `notes` and `unknown`.

import * as TOML from '@iarna/toml';
import { obj } from '../config';
import { ProjectFiles, joinPath, pythonFiles } from '../scaffold/files';
import { findLayout } from '../scaffold/layout';
import { InstalledMember, ownWorkspace } from '../scaffold/workspace';
import { AppCandidate, Dependency, PythonFacts } from './types';
import { discoverApps, notAppSource } from './apps';
import { frameworksOf, pipfileDependencies, pyprojectDependencies, requirementsDependencies, tomlError } from './deps';
import { MAX_LOCK_BYTES, simpleLockPackages, uvLockPackages } from './lock';
import { PyIndex } from './modules';
import { scanRoutes } from './routes';
import { Reader } from './source';
import { pushAll } from '../text';

export const MAX_PYTHON_FILES = 2000;

export interface PythonFactsOptions {
  /** Folder of the pyproject.toml inside `files` ('' or absent: the root). The project is read from there. */
  pyprojectDir?: string;
}

/** Frameworks whose routes are not read: their presence makes the route list incomplete. */
const UNREAD_FRAMEWORKS: Record<string, string> = { sanic: 'Sanic', falcon: 'Falcon', pyramid: 'Pyramid', bottle: 'Bottle' };
const FRAMEWORK_LABEL: Record<string, string> = { fastapi: 'FastAPI', starlette: 'Starlette', litestar: 'Litestar', quart: 'Quart', flask: 'Flask', django: 'Django' };

/** A view of `files` rooted at `dir` that never throws. */
function view(files: ProjectFiles, dir: string): ProjectFiles {
  const at = (p: string) => joinPath(dir, p);
  return {
    list: (d) => { try { const r = files.list(at(d)); return Array.isArray(r) ? r : undefined; } catch { return undefined; } },
    read: (f) => { try { const r = files.read(at(f)); return typeof r === 'string' ? r : undefined; } catch { return undefined; } },
  };
}

/**
 * Facts about the Python project in `files` (at `opts.pyprojectDir`). File paths in the result are
 * relative to the root of `files` (the pyproject's folder prefixed when one is given); module
 * names in app targets are relative to the project's import roots.
 */
export function pythonFacts(files: ProjectFiles, opts: PythonFactsOptions = {}): PythonFacts {
  const dir = (opts.pyprojectDir ?? '').replace(/\\/g, '/').replace(/^\.\/?$/, '').replace(/^\.\//, '').replace(/\/+$/, '');
  const show = (f: string) => joinPath(dir, f);
  const project = view(files, dir);
  const reader = new Reader(project, show);
  const notes: string[] = [];
  const unknown: string[] = [];
  const facts: PythonFacts = { dependencies: [], frameworks: [], apps: [], routes: [], routesComplete: true, unknown, notes };
  const guard = (what: string, fn: () => void) => {
    try { fn(); } catch (err) { notes.push(`Reading ${what} failed unexpectedly (${err instanceof Error ? err.message : String(err)}); the facts about it are incomplete.`); if (what === 'the routes') facts.routesComplete = false; }
  };

  // pyproject.toml
  let data: Record<string, unknown> | undefined;
  let scripts: { name: string; target: string }[] = [];
  const deps: Dependency[] = [];
  guard('pyproject.toml', () => {
    const text = reader.read('pyproject.toml');
    if (text === undefined) return;
    try { data = TOML.parse(text) as Record<string, unknown>; } catch (err) {
      notes.push(`${show('pyproject.toml')} is not valid TOML (${tomlError(err)}): its dependencies, scripts and package layout are not read.`);
      return;
    }
    const r = pyprojectDependencies(data, text, show('pyproject.toml'));
    pushAll(deps, r.dependencies);
    scripts = r.scripts;
  });
  // members of the project's own uv workspace that it installs: their dependencies are the image's too
  let members: InstalledMember[] = [];
  guard('the workspace members', () => {
    members = (data && ownWorkspace(data, project)?.installed) || [];
    for (const m of members) {
      const file = show(joinPath(m.folder, 'pyproject.toml'));
      pushAll(deps, pyprojectDependencies(m.data, m.text, file).dependencies.filter((d) => d.group === 'main'));
    }
  });
  guard('requirements files', () => { pushAll(deps, requirementsDependencies(reader, notes, show).map((d) => ({ ...d, file: show(d.file) }))); });
  guard('the Pipfile', () => {
    const text = reader.read('Pipfile');
    if (text !== undefined) pushAll(deps, pipfileDependencies(text, show('Pipfile'), notes, show));
  });
  facts.dependencies = deps;

  // the lock
  guard('the lock file', () => {
    const name = typeof obj(data?.project)?.name === 'string' ? String(obj(data!.project)!.name) : typeof obj(obj(data?.tool)?.poetry)?.name === 'string' ? String(obj(obj(data!.tool)!.poetry)!.name) : undefined;
    const present = ['uv.lock', 'pdm.lock', 'poetry.lock'].filter((f) => project.list('')?.includes(f));
    if (!present.length) return;
    if (present.length > 1) notes.push(`Several lock files (${present.map(show).join(', ')}): ${show(present[0])} is read.`);
    const text = reader.read(present[0], MAX_LOCK_BYTES);
    if (text === undefined) return;
    const packages = present[0] === 'uv.lock' ? uvLockPackages(text, name) : simpleLockPackages(text, present[0] === 'pdm.lock' ? 'pdm' : 'poetry');
    facts.lock = { file: show(present[0]), packages };
  });

  // the code
  // one more than the cap: a project of exactly the cap is not truncated
  let pyFiles: string[] = [];
  guard('the Python files', () => { pyFiles = pythonFiles(project, '', { files: MAX_PYTHON_FILES + 1 }); });
  const truncated = pyFiles.length > MAX_PYTHON_FILES;
  if (truncated) pyFiles = pyFiles.slice(0, MAX_PYTHON_FILES);
  if (truncated) notes.push(`Only the first ${MAX_PYTHON_FILES} .py files were read.`);
  const scan = pyFiles.filter((f) => !notAppSource(f));
  const hasAsgiPy = pyFiles.some((f) => /(?:^|\/)asgi\.py$/.test(f));
  const fw = frameworksOf(deps, hasAsgiPy);
  facts.frameworks = fw.frameworks;
  if (fw.kind) facts.kind = fw.kind;
  if (fw.conflict) unknown.push(`ASGI or WSGI: ${fw.conflict}.`);

  let idx: PyIndex | undefined;
  guard('the package layout', () => {
    const layoutRoots: { path: string; importRoot: string }[] = [];
    const projectName = typeof obj(data?.project)?.name === 'string' ? String(obj(data!.project)!.name) : undefined;
    if (data && projectName) for (const r of findLayout(data, project, projectName).roots) layoutRoots.push(r);
    for (const m of members) {
      for (const r of findLayout(m.data, view(project, m.folder), m.name).roots) layoutRoots.push({ path: joinPath(m.folder, r.path), importRoot: joinPath(m.folder, r.importRoot) });
    }
    const srcIsPackage = pyFiles.includes('src/__init__.py');
    const manageDirs = pyFiles.filter((f) => /(?:^|\/)manage\.py$/.test(f)).map((f) => f.slice(0, Math.max(0, f.lastIndexOf('/'))));
    idx = new PyIndex(reader, pyFiles, (f) => {
      const roots: string[] = [];
      for (const r of layoutRoots) if (f === r.path || f.startsWith(r.path + '/')) roots.push(r.importRoot);
      if (f.startsWith('src/') && !srcIsPackage) roots.push('src');
      for (const d of manageDirs) if (d && f.startsWith(d + '/')) roots.push(d);
      roots.push('');
      return roots;
    });
  });

  let apps: AppCandidate[] = [];
  guard('the app candidates', () => { if (idx) apps = discoverApps(idx, scan, { djangoAsgi: fw.djangoAsgi, scripts }); });
  facts.apps = apps.map((a) => ({ ...a, file: show(a.file) }));

  guard('the routes', () => {
    if (!idx) return;
    const r = scanRoutes(idx, { files: scan, show, apps, djangoApps: apps.filter((a) => a.kind === 'django' || a.kind === 'django-asgi').map((a) => a.target) });
    // a sub-application mounted into another app is not what gunicorn serves
    if (r.mounted.size) {
      for (const a of facts.apps) {
        const where = r.mounted.get(a.target);
        if (where) { a.rank -= 30; a.why += `; mounted by ${where}`; }
      }
      facts.apps.sort((x, y) => y.rank - x.rank || (x.file < y.file ? -1 : x.file > y.file ? 1 : x.line - y.line));
    }
    facts.routes = r.routes;
    if (r.opaque.length) facts.opaque = r.opaque;
    if (r.urlconfs.length) facts.urlconfs = r.urlconfs;
    pushAll(unknown, r.unknown);
    if (!r.complete) facts.routesComplete = false;
    const routable = fw.frameworks.filter((f) => FRAMEWORK_LABEL[f]);
    if (routable.length && !routable.some((f) => r.seen.has(f)) && !(r.seen.has('starlette') && routable.includes('fastapi'))) {
      unknown.push(`No ${routable.map((f) => FRAMEWORK_LABEL[f]).join(' or ')} app or URLconf was found in the code, though the dependencies name ${routable.length > 1 ? 'them' : 'it'}: routes are not known.`);
      facts.routesComplete = false;
    }
  });
  for (const f of fw.frameworks) {
    if (UNREAD_FRAMEWORKS[f]) {
      unknown.push(`Routes of ${UNREAD_FRAMEWORKS[f]} apps are not read.`);
      facts.routesComplete = false;
    }
  }
  if (truncated) {
    unknown.push(`The project has more than ${MAX_PYTHON_FILES} .py files: routes in the others are not known.`);
    facts.routesComplete = false;
  }
  const skippedPy = reader.skipped.filter((f) => f.endsWith('.py'));
  if (skippedPy.length) {
    unknown.push(`${skippedPy.map(show).join(', ')} ${skippedPy.length === 1 ? 'was' : 'were'} not read: routes there are not known.`);
    facts.routesComplete = false;
  }
  if (idx) for (const p of idx.problems()) notes.push(`${show(p.file)}: ${p.problem}; the statements after it may be misread.`);
  // the files skipped first (an array literal: no spread of an unbounded array into a call)
  facts.notes = [...reader.notes, ...notes];
  return facts;
}
