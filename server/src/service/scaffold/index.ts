// The scaffold: pyproject.toml (+ the project tree) → ProjectProfile → Dockerfile and .dockerignore.
// Pure: files come through ProjectFiles. Every problem that would leave the user with a broken or
// wrong Dockerfile is a ScaffoldError with a readable message; everything the user should know
// about the result is a note.

import * as TOML from '@iarna/toml';
import { normalizeName, obj, readPyproject, strings } from '../config';
import { lintText } from '../linter';
import { RULE_NAMES } from '../rules';
import { ASGI_FRAMEWORKS, DEFAULTS, SUPPORTED_PYTHON, StandardInput, WORKER_CLASS, makeStandard, pythonForRequiresDetailed, pythonMinorsAllowed, specifierVersions, versionSatisfies, workersFor } from '../standard';
import { Sourced, Standard } from '../types';
import { AppCandidate, AppKind } from '../project/types';
import { findApps, isAppTarget } from '../project/apps';
import { lockedRuntimeClosure, uvLockPackages } from '../project/lock';
import { ParentFolder, findWorkspace, membersByName, ownWorkspace } from './workspace';
import { pythonFacts } from '../project/python';
import { PythonFacts } from '../project/types';
import { addDependenciesEdit, addDependenciesTitle, setDocksmithKeyEdit } from '../project/edits';
import { FileEdit } from '../types';
import { pushAll } from '../text';
import { HealthEndpoint, djangoHealthEndpointFor, healthEndpointFor, healthRoutes, isReadinessPath } from './health';
import { excludedBy, parseDockerignore, renderDockerignore } from './dockerignore';
import { ProjectFiles, exists, joinPath } from './files';
import { CodeRoot, findLayout, metadataFiles, packagesIn } from './layout';
import { nativeDepsFor } from './native-deps';
import { ProjectProfile, renderDockerfile } from './render';

export type { ProjectFiles } from './files';
export { memoryFiles } from './files';
export type { ProjectProfile } from './render';
export { renderDockerfile } from './render';
export type { AppCandidate } from '../project/types';
export type { HealthEndpoint } from './health';
export type { ParentFolder } from './workspace';

export type ScaffoldErrorCode = 'malformed-toml' | 'no-project' | 'python' | 'uv-version' | 'needs-app' | 'bad-argument' | 'no-code' | 'context';

export class ScaffoldError extends Error {
  constructor(message: string, readonly code: ScaffoldErrorCode, readonly data?: { candidates?: AppCandidate[] }) {
    super(message);
  }
}

export interface ScaffoldRequest {
  pyprojectText: string;
  /** The pyproject.toml as the user knows it (path), for messages. */
  pyprojectLabel: string;
  /** The project tree, rooted at the pyproject.toml's folder. */
  files: ProjectFiles;
  /** docksmith.* editor settings (explicitly set values). */
  settings?: StandardInput;
  /** vCPU read from an ECS task definition near the project. */
  taskDefinitionVcpu?: Sourced<number>;
  /** Folders above the pyproject.toml that may be its uv workspace's root, nearest first. */
  parents?: ParentFolder[];
  /**
   * The folder `levels` above the pyproject.toml's (the build context for path dependencies that
   * lie outside the project), with the project's folder relative to it; undefined when there is none.
   */
  above?: (levels: number) => { files: ProjectFiles; member: string } | undefined;
  /** The user's answers. */
  vcpu?: number;
  app?: string;
}

/** What the front end needs before asking its questions. */
export interface ProjectInfo {
  name: string;
  /** The configured or discovered vCPU (to preselect). */
  vcpu?: Sourced<number>;
  /** `[tool.docksmith] app` when set. */
  app?: string;
  /** App objects found in the code (when `app` is not configured). */
  candidates: AppCandidate[];
}

export interface ScaffoldResult {
  dockerfile: string;
  dockerignore: string;
  notes: string[];
  profile: ProjectProfile;
  /**
   * Edits to the project the image needs to start (gunicorn and its worker's package added to
   * [project].dependencies), as data: the client offers them, nothing is written. `path` is the
   * pyproject.toml as the request labels it.
   */
  projectEdits?: { title: string; path: string; edits: FileEdit['edits']; placement?: 'member' }[];
  /** No health route was found: the endpoint to add next to the app object (Django: no edit, a note says what to add). */
  healthEndpoint?: HealthEndpoint;
  /** The folder `docker build` must use as its context, when it is not the pyproject.toml's (a uv workspace member: the workspace root), relative to the pyproject's folder. */
  buildContext?: string;
  /**
   * A workspace member's other place for the same Dockerfile: at the workspace root, named
   * `Dockerfile.<member>` (path relative to the pyproject's folder), built with `-f` from there.
   * `note` replaces `memberNote` (one of `notes`) when the Dockerfile goes there, and the project
   * edits marked `placement: 'member'` are not needed then.
   */
  atRoot?: { dockerfile: string; note: string; memberNote: string };
}

type Table = Record<string, unknown>;

const ASGI_KINDS: AppKind[] = ['fastapi', 'starlette', 'quart', 'litestar', 'django-asgi'];

/** Django served through ASGI: the standard serves Django through WSGI unless channels, daphne or uvicorn is a dependency. */
function djangoAsgi(p: Parsed, files?: ProjectFiles): boolean {
  const runtime = new Set(strings(p.project.dependencies).map(normalizeName));
  if (!['channels', 'daphne', 'uvicorn', 'uvicorn-worker'].some((d) => runtime.has(d))) return false;
  // the ASGI application needs an asgi.py to serve
  return !files || hasAsgiPy(files, '', 0);
}

function hasAsgiPy(files: ProjectFiles, dir: string, depth: number): boolean {
  const names = files.list(dir) ?? [];
  if (names.includes('asgi.py')) return true;
  if (depth >= 2) return false;
  return names.some((n) => n.endsWith('/') && !/^(\.|tests?\/|node_modules\/|venv\/)/.test(n) && hasAsgiPy(files, (dir ? dir + '/' : '') + n.slice(0, -1), depth + 1));
}

/**
 * The app candidates in tiers: module-level objects, else factories gunicorn can call bare, else
 * CLI modules; each tier best first (ranked by project/apps.ts). Of Django's WSGI and ASGI
 * application, the one the project serves through.
 */
export function appCandidates(facts: PythonFacts, asgi: boolean): AppCandidate[] {
  const all = facts.apps.filter((c) => !c.needsArguments);
  let objects = all.filter((c) => c.form === 'object');
  if (objects.some((c) => c.kind === 'django') && objects.some((c) => c.kind === 'django-asgi')) {
    objects = objects.filter((c) => c.kind !== (asgi ? 'django' : 'django-asgi'));
  }
  if (objects.length) return objects;
  const factories = all.filter((c) => c.form === 'factory');
  if (factories.length) return factories;
  return all.filter((c) => c.form === 'cli');
}

interface Parsed {
  data: Table;
  project: Table;
  name: string;
  input: StandardInput;
  configProblems: string[];
  configuredApp?: string;
}

function parse(req: ScaffoldRequest): Parsed {
  let data: Table;
  try {
    data = TOML.parse(req.pyprojectText) as Table;
  } catch (err) {
    const e = err as { line?: number; col?: number; message?: string };
    const first = String(e.message ?? err).split('\n')[0].replace(/ at row \d+, col \d+, pos \d+:?$/, '');
    throw new ScaffoldError(`${req.pyprojectLabel}: line ${(e.line ?? 0) + 1}, column ${(e.col ?? 0) + 1}: not valid TOML: ${first}. Fix it and run the command again.`, 'malformed-toml');
  }
  const project = obj(data.project);
  if (!project) {
    // a virtual workspace root: the services are its members
    const members = ownWorkspace(data, req.files)?.members ?? [];
    if (obj(obj(obj(data.tool)?.uv)?.workspace)) {
      throw new ScaffoldError(`${req.pyprojectLabel} is the root of a uv workspace and has no [project] of its own: run the command on the pyproject.toml of the member that is the service${members.length ? ` (${members.slice(0, 5).map((m) => `${m}/pyproject.toml`).join(', ')}${members.length > 5 ? ', …' : ''})` : ''}. Its Dockerfile is built from this root, with this uv.lock.`, 'no-project');
    }
    if (obj(obj(data.tool)?.poetry)) {
      throw new ScaffoldError(`${req.pyprojectLabel} describes a Poetry project ([tool.poetry]) and has no [project] table. The standard builds with uv, which reads PEP 621 [project] metadata: migrate with \`uvx migrate-to-uv\` (or move name, version, requires-python and dependencies into [project]), run \`uv lock\`, then run this command again.`, 'no-project');
    }
    throw new ScaffoldError(`${req.pyprojectLabel} has no [project] table (PEP 621): the standard builds with uv, which needs at least [project] name, version and dependencies.`, 'no-project');
  }
  // uv refuses a [project] without a name; Poetry projects often carry a stub [project] with only
  // requires-python next to [tool.poetry], which is where their metadata lives
  if (typeof project.name !== 'string' || !project.name.trim()) {
    if (obj(obj(data.tool)?.poetry)) {
      throw new ScaffoldError(`${req.pyprojectLabel} describes a Poetry project ([tool.poetry]); its [project] table has no name, so uv cannot build it. Migrate with \`uvx migrate-to-uv\` (or move name, version and dependencies into [project]), run \`uv lock\`, then run this command again.`, 'no-project');
    }
    throw new ScaffoldError(`${req.pyprojectLabel}: [project] has no name, which uv (and PEP 621) require. Add name = "…" and run the command again.`, 'no-project');
  }
  const info = readPyproject(req.pyprojectText, RULE_NAMES);
  const cfg = obj(obj(data.tool)?.docksmith);
  let configuredApp: string | undefined;
  if (cfg && 'app' in cfg) {
    if (typeof cfg.app !== 'string' || !isAppTarget(cfg.app.trim())) {
      throw new ScaffoldError(`${req.pyprojectLabel}: [tool.docksmith] app = ${JSON.stringify(cfg.app)} is not a gunicorn target: expected "module:attribute", e.g. "orders_api.main:app".`, 'bad-argument');
    }
    configuredApp = cfg.app.trim();
  }
  // The name lands in a comment line of the Dockerfile: no line breaks or control characters.
  const name = String(project.name).trim().replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return { data, project, name, input: info.input, configProblems: info.problems.map((p) => p.message), configuredApp };
}

/** The standard as the editor would merge it for a Dockerfile beside this pyproject.toml. */
function standardFor(req: ScaffoldRequest, p: Parsed): Standard {
  const requiresPython = typeof p.project['requires-python'] === 'string' ? String(p.project['requires-python']) : undefined;
  return makeStandard({ pyproject: p.input, settings: req.settings, taskDefinitionVcpu: req.taskDefinitionVcpu, requiresPython, pyprojectLabel: `[tool.docksmith] in ${req.pyprojectLabel}` });
}

/** Read what the front end asks about: configured vCPU, configured app, app candidates. */
export function inspectProject(req: ScaffoldRequest): ProjectInfo {
  const p = parse(req);
  const layout = findLayout(p.data, req.files, p.name);
  void layout;
  return { name: p.name, vcpu: standardFor(req, p).vcpu, app: p.configuredApp, candidates: p.configuredApp ? [] : appCandidates(pythonFacts(req.files), djangoAsgi(p, req.files)) };
}

function choosePython(req: ScaffoldRequest, p: Parsed, notes: string[]): string {
  const requires = typeof p.project['requires-python'] === 'string' ? String(p.project['requires-python']) : undefined;
  const configured = p.input.python ?? req.settings?.python;
  const from = p.input.python ? `[tool.docksmith] python` : 'the docksmith.python setting';
  if (configured && !SUPPORTED_PYTHON.includes(configured)) {
    throw new ScaffoldError(`${from} = "${configured}" is not a Python with a python:<minor>-slim image (${SUPPORTED_PYTHON.join(', ')}).`, 'python');
  }
  if (requires) {
    const derived = pythonForRequiresDetailed(requires);
    if (derived && typeof derived === 'object') throw new ScaffoldError(`${req.pyprojectLabel}: ${derived.error}: there is no python:<minor>-slim image to build on. Widen requires-python.`, 'python');
    if (configured) {
      const allowed = pythonMinorsAllowed(requires);
      if (allowed && !allowed.includes(configured)) {
        throw new ScaffoldError(`${from} = "${configured}" is outside requires-python "${requires}" (allowed: ${allowed.join(', ')}). Change one of them.`, 'python');
      }
      return configured;
    }
    if (derived === undefined) {
      notes.push(`requires-python "${requires}" could not be read; the image uses the standard's Python ${DEFAULTS.python}.`);
      return DEFAULTS.python;
    }
    if (derived !== DEFAULTS.python) notes.push(`Python ${derived}: requires-python "${requires}" does not allow the standard's ${DEFAULTS.python}.`);
    return derived;
  }
  return configured ?? DEFAULTS.python;
}

/**
 * uv reads relative `exclude-newer` values ("1 week", "7 days", "P7D") only from 0.9.17 on: the
 * support landed in astral-sh/uv#16814 ("Add support for relative durations in `exclude-newer`"),
 * and uv's maintainers state the minimum in astral-sh/uv#19488 ("you need to be on at least 0.9.17
 * to use relative exclude-newer settings"); older uv fails to parse pyproject.toml.
 */
export const UV_RELATIVE_EXCLUDE_NEWER = '0.9.17';

/** An `exclude-newer` value that is a duration rather than an RFC 3339 date or timestamp. */
export function isRelativeExcludeNewer(v: string): boolean {
  const t = v.trim();
  return !!t && !/^\d{4}-\d{2}-\d{2}/.test(t);
}

function chooseUv(req: ScaffoldRequest, p: Parsed, notes: string[]): string {
  const uv = obj(obj(p.data.tool)?.uv);
  const required = uv?.['required-version'];
  const excludeNewer = typeof uv?.['exclude-newer'] === 'string' ? String(uv['exclude-newer']) : undefined;
  const relative = excludeNewer !== undefined && isRelativeExcludeNewer(excludeNewer);
  const floor = relative && versionSatisfies(`>=${UV_RELATIVE_EXCLUDE_NEWER}`, DEFAULTS.uvVersion) === false ? UV_RELATIVE_EXCLUDE_NEWER : undefined;
  const why = floor ? ` (exclude-newer = "${excludeNewer}" is a relative duration, which uv reads from ${floor} on)` : '';
  if (typeof required !== 'string' || !required.trim()) {
    if (floor) notes.push(`uv ${floor}: [tool.uv] exclude-newer = "${excludeNewer}" is a relative duration, which uv reads from ${floor} on; ${DEFAULTS.uvVersion}, the version Docksmith pins by default, would fail to read pyproject.toml.`);
    return floor ?? DEFAULTS.uvVersion;
  }
  const spec = required.trim();
  const pad = (v: string) => [...v.split('.'), '0', '0'].slice(0, 3).join('.');
  const candidates = [...(floor ? [floor] : [DEFAULTS.uvVersion]), ...specifierVersions(spec).map(pad)];
  if (versionSatisfies(spec, DEFAULTS.uvVersion) === undefined) {
    throw new ScaffoldError(`${req.pyprojectLabel}: [tool.uv] required-version = "${spec}" is not a version specifier Docksmith understands (e.g. ">=0.8.4" or "==0.9.5").`, 'uv-version');
  }
  const pick = candidates.find((v) => versionSatisfies(spec, v) && (!floor || versionSatisfies(`>=${floor}`, v)));
  if (!pick) {
    if (floor) throw new ScaffoldError(`${req.pyprojectLabel}: [tool.uv] required-version = "${spec}" allows no uv that reads exclude-newer = "${excludeNewer}" (a relative duration needs uv >= ${floor}). Raise required-version or give exclude-newer as a date.`, 'uv-version');
    throw new ScaffoldError(`${req.pyprojectLabel}: [tool.uv] required-version = "${spec}" excludes uv ${DEFAULTS.uvVersion} and names no version to pin. Set it to a version, e.g. "==0.9.5".`, 'uv-version');
  }
  if (pick !== DEFAULTS.uvVersion) {
    notes.push(floor && versionSatisfies(spec, DEFAULTS.uvVersion)
      ? `uv ${pick}: [tool.uv] exclude-newer = "${excludeNewer}" is a relative duration, which uv reads from ${floor} on; required-version "${spec}" allows ${pick}.`
      : `uv ${pick}: [tool.uv] required-version "${spec}"${why} does not allow ${DEFAULTS.uvVersion}, the version Docksmith pins by default.`);
  }
  return pick;
}

function chooseApp(req: ScaffoldRequest, p: Parsed, facts: PythonFacts, roots: CodeRoot[], notes: string[]): { target: string; kind?: AppKind; candidate?: AppCandidate } {
  let candidates = appCandidates(facts, djangoAsgi(p, req.files));
  // packages the build backend names in folders the project scan skips (a package called build/)
  if (!candidates.length) candidates = findApps(req.files, roots, { djangoAsgi: djangoAsgi(p, req.files) });
  const known = (target: string) => facts.apps.find((c) => c.target === target) ?? candidates.find((c) => c.target === target);
  const typed = (target: string) => { const c = known(target); return { target, kind: c?.kind, candidate: c }; };
  if (req.app !== undefined) {
    const app = req.app.trim();
    if (!isAppTarget(app)) throw new ScaffoldError(`app "${req.app}" is not a gunicorn target: expected "module:attribute", e.g. "orders_api.main:app".`, 'bad-argument');
    return typed(app);
  }
  if (p.configuredApp) return typed(p.configuredApp);
  const top = candidates[0];
  if (top && (candidates.length === 1 || candidates[1].rank < top.rank)) {
    const others = candidates.slice(1);
    notes.push(`App: ${top.target} (${top.file}, line ${top.line + 1}: ${top.why}).${top.kind === 'factory' || top.form === 'factory' ? ' gunicorn calls the factory once per worker.' : ''}${others.length ? ` Also found, ranked lower: ${others.map((c) => `${c.target} (${c.why})`).join('; ')}. To serve another, set [tool.docksmith] app = "module:attribute".` : ''}`);
    return { target: top.target, kind: top.kind, candidate: top };
  }
  const tied = candidates.filter((c) => c.rank === top?.rank);
  throw new ScaffoldError(candidates.length
    ? `Several app objects rank alike (${tied.map((c) => `${c.target}: ${c.why}`).join('; ')}): choose one, or set [tool.docksmith] app = "module:attribute".`
    : `No FastAPI(…), Flask(…) or Django application found in the project's Python files (an app assigned under if/else, or returned by a factory with other objects, is not taken for one): give the app as "module:attribute", or set [tool.docksmith] app.`, 'needs-app', { candidates });
}

/** The project-relative file of a dotted module, seen from the import roots ('' first). */
function moduleFile(files: ProjectFiles, module: string, importRoots: string[]): string | undefined {
  const rel = module.split('.').join('/');
  for (const root of ['', ...importRoots]) {
    const base = root ? `${root}/${rel}` : rel;
    if (exists(files, `${base}.py`) === 'file') return `${base}.py`;
    if (exists(files, `${base}/__init__.py`) === 'file') return `${base}/__init__.py`;
  }
  return undefined;
}

function uvSourcesOf(data: Table): unknown {
  return obj(obj(data.tool)?.uv)?.sources;
}

/** `[tool.docksmith] extras`: optional-dependency groups the image installs (`--extra` on both syncs). */
function chooseExtras(req: ScaffoldRequest, p: Parsed): string[] {
  const cfg = obj(obj(p.data.tool)?.docksmith);
  if (!cfg || !('extras' in cfg)) return [];
  const v = cfg.extras;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !/^[A-Za-z0-9][\w.-]*$/.test(x))) {
    throw new ScaffoldError(`${req.pyprojectLabel}: [tool.docksmith] extras = ${JSON.stringify(v)} is not a list of extra names, e.g. ["postgres"].`, 'bad-argument');
  }
  const defined = Object.keys(obj(p.project['optional-dependencies']) ?? {});
  const norm = (x: string) => normalizeName(x);
  const unknown = (v as string[]).filter((x) => !defined.some((d) => norm(d) === norm(x)));
  if (unknown.length) throw new ScaffoldError(`${req.pyprojectLabel}: [tool.docksmith] extras names ${unknown.join(', ')}, which [project.optional-dependencies] does not define (${defined.join(', ') || 'none'}): \`uv sync --extra\` would fail.`, 'bad-argument');
  return [...new Set(v as string[])];
}

/** Dependencies installed from git: `x @ git+https://…` among the runtime requirements, or a `[tool.uv.sources]` git source. */
function gitDependencies(p: Parsed, runtimeReqs: string[]): string[] {
  const out = new Set<string>();
  for (const r of runtimeReqs) if (/@\s*git\+/.test(r)) out.add(normalizeName(r));
  const runtime = new Set(runtimeReqs.map(normalizeName));
  for (const [dep, src] of Object.entries(obj(uvSourcesOf(p.data)) ?? {})) {
    const git = (s: unknown) => typeof obj(s)?.git === 'string';
    if ((git(src) || (Array.isArray(src) && src.some(git))) && runtime.has(normalizeName(dep))) out.add(normalizeName(dep));
  }
  return [...out];
}

/** A project-relative file addressed like the pyproject.toml's label (same folder, same separator). */
function siblingPath(pyprojectLabel: string, rel: string): string {
  const cut = Math.max(pyprojectLabel.lastIndexOf('/'), pyprojectLabel.lastIndexOf('\\'));
  if (cut < 0) return rel;
  const sep = pyprojectLabel[cut];
  return pyprojectLabel.slice(0, cut + 1) + rel.split('/').join(sep);
}

/** What installing the workspace member in `folder` needs: its metadata files and code, with their import roots, paths relative to `files`. */
function memberCode(files: ProjectFiles, folder: string, fallbackName: string, parsed?: Table): { copies: { path: string; isDir: boolean }[]; importRoots: string[]; packaged: boolean } {
  const view = subFiles(files, folder);
  let data = parsed;
  if (!data) {
    const text = view.read('pyproject.toml');
    try { data = text ? TOML.parse(text) as Table : undefined; } catch { data = undefined; }
  }
  if (!data) return { copies: [], importRoots: [], packaged: false };
  const name = typeof obj(data.project)?.name === 'string' ? String(obj(data.project)!.name) : fallbackName;
  const roots = findLayout(data, view, name).roots;
  const copies = [...metadataFiles(data, view).found.map((f) => ({ path: f, isDir: exists(view, f) === 'dir' })), ...roots.map((r) => ({ path: r.path, isDir: r.isDir }))];
  // uv installs a member only when it is a package (a build system, or [tool.uv] package = true)
  const uv = obj(obj(data.tool)?.uv);
  const packaged = uv?.package === true || (uv?.package !== false && !!obj(data['build-system']));
  return { copies: copies.map((c) => ({ path: joinPath(folder, c.path), isDir: c.isDir })), importRoots: roots.map((r) => joinPath(folder, r.importRoot)), packaged };
}

/** The error for a path dependency outside the project when no folder above can be the build context. */
function outsideContext(req: ScaffoldRequest, dep: string, rel: string): ScaffoldError {
  const up = normalizeRel(rel).split('/').filter((x) => x === '..').length;
  const dirs = req.pyprojectLabel.replace(/\\/g, '/').split('/').slice(0, -1);
  const context = rel.startsWith('/') ? undefined : dirs.length > up ? dirs.slice(0, dirs.length - up).join('/') || '/' : undefined;
  const member = dirs.slice(dirs.length - up).join('/');
  const inContext = normalizeRel(`${member}/${rel}`);
  return new ScaffoldError(`${req.pyprojectLabel}: [tool.uv.sources] ${dep} = { path = "${rel}" } lies outside the project folder, which is the build context: \`docker build\` cannot see it. ${context
    ? `Use ${context} (${'../'.repeat(up).replace(/\/$/, '')} from pyproject.toml) as the build context: \`docker build -f ${member}/Dockerfile ${context}\`, with COPY paths relative to it (${member}/pyproject.toml, ${inContext}/ before the first \`uv sync\`)`
    : `Use a folder that holds both the project and ${rel} as the build context`}; or publish ${dep} to an index.`, 'context');
}

/** What a VCS version plugin does without .git in the build context, and how to give it the version. */
function vcsVersionNote(plugin: string, tool: Table): string {
  const hatchVersion = obj(obj(tool.hatch)?.version);
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const fallback = plugin === 'versioningit' ? str(obj(tool.versioningit)?.['default-version'])
    : plugin === 'setuptools-scm' || plugin === 'hatch-vcs' ? str(obj(tool.setuptools_scm)?.fallback_version) ?? str(hatchVersion?.['fallback-version']) ?? str(obj(hatchVersion?.['raw-options'])?.fallback_version)
      : undefined;
  const head = `The version comes from git (${plugin}), and .git is not in the build context`;
  // even the first sync (--no-install-project) builds the project's metadata, version included
  // (xorbitsai/xagent#564: hatch-vcs failed there): the variable goes before it
  if (fallback) return `${head}: the package is built as version ${fallback}, the fallback its settings give. If the service reports its version, pass the real one in at build time.`;
  const how: Record<string, string> = {
    'setuptools-scm': '`ENV SETUPTOOLS_SCM_PRETEND_VERSION=…` in the builder before the first `uv sync` (from a build argument)',
    'hatch-vcs': '`ENV SETUPTOOLS_SCM_PRETEND_VERSION=…` in the builder before the first `uv sync` (hatch-vcs uses setuptools-scm; from a build argument)',
    'poetry-dynamic-versioning': '`ENV POETRY_DYNAMIC_VERSIONING_BYPASS=…` in the builder before the first `uv sync` (from a build argument)',
    'uv-dynamic-versioning': '`ENV UV_DYNAMIC_VERSIONING_BYPASS=…` in the builder before the first `uv sync` (from a build argument)',
    versioningit: '`default-version = "…"` under [tool.versioningit]',
  };
  return `${head}: the build fails (already at the first \`uv sync\`, which reads the project's metadata) or stamps a placeholder version. Give it a version: ${how[plugin] ?? 'the fallback version its settings allow'}.`;
}

/** Configuration of tools, CI and deployment that a service never reads at run time. */
const TOOLING_FILE = /^(?:docker-compose|compose|mkdocs|renovate|tsconfig|jsconfig|package(?:-lock)?|codecov|readthedocs|netlify|vercel|tox|pytest|mypy|setup|ruff|pyrightconfig|biome|crowdin|lerna|nx|turbo|babel|jest|vite|webpack|rollup|eslint|prettier|commitlint|sonar-project|environment|conda|Pipfile|cspell|typos|codespell|dependabot|release-please|catalog-info|skaffold|serverless|samconfig|template|cdk|cdktf|Pulumi|fly|render|railway|heroku|app(?=\.ya?ml$)|firebase|Cargo|towncrier|cliff|lefthook|mise|ty|pyrefly|kustomization|Chart|values|openapi|swagger|pnpm-lock|pnpm-workspace|yarn|bun|deno|uv|pdm|poetry|buildspec|appspec|cloudbuild|azure-pipelines|bitbucket-pipelines|gitlab-ci|\.?travis|Taskfile|justfile|Makefile|nginx|supervisord|gunicorn\.conf|alembic|pyvenv|noxfile|hatch|rye|pixi|environment\.dev|launch)(?:[._-][\w.-]*)?\.(?:ya?ml|json|ini|toml|cfg|conf)$/i;

/**
 * What building a project from source (`[tool.uv] no-binary-package`) needs beyond gcc/g++, for the
 * projects whose wheels otherwise bundle their libraries. Names are those of Debian's trixie and
 * bookworm alike: the -dev packages and libxml2/libxslt1.1 kept their names through the 64-bit
 * time_t transition, and the `xmlsec1` program package pulls in the libxmlsec1 and OpenSSL-backend
 * libraries under whichever name the release gives them (libxmlsec1t64-openssl on trixie).
 */
const SOURCE_BUILDS: Record<string, { build: string[]; runtime: string[]; why: string }> = {
  lxml: { build: ['libxml2-dev', 'libxslt1-dev', 'pkgconf'], runtime: ['libxml2', 'libxslt1.1'], why: 'lxml compiles against libxml2 and libxslt (their wheels bundle them) and links them at run time.' },
  xmlsec: { build: ['libxmlsec1-dev', 'libxml2-dev', 'pkgconf'], runtime: ['xmlsec1'], why: 'python-xmlsec compiles against libxmlsec1 with its OpenSSL backend and links them at run time (the xmlsec1 package brings both libraries).' },
};

/** A project name as a file-name suffix (`Dockerfile.<name>`): letters, digits, `.`, `_` and `-`. */
function memberFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'service';
}

/** Module names that hold a developer's local settings or secrets, never the image's. */
const LOCAL_ONLY = /^(?:local_settings|settings_local|secrets?|credentials)$/;

/**
 * Top-level modules and packages beside `file` (in its import root) that it imports, and those they
 * import in turn (at most 100 files read), as copies. Imports are read as text, indented ones too
 * (imports inside functions run when they are called); what is not there is left to the installed packages.
 */
function siblingImports(files: ProjectFiles, file: string, root: string, limit = 100): { path: string; isDir: boolean }[] {
  const out = new Map<string, boolean>();
  const queue = [file];
  const seen = new Set(queue);
  while (queue.length && seen.size <= limit) {
    const text = files.read(queue.shift()!) ?? '';
    for (const m of text.matchAll(/^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import\b|import[ \t]+([A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*))/gm)) {
      const names = m[1] ? [m[1]] : m[2].split(',').map((x) => x.trim().split('.')[0]);
      for (const name of names) {
        // a developer's local settings or secrets imported under try/except stay out of the image
        if (LOCAL_ONLY.test(name)) continue;
        const mod = joinPath(root, `${name}.py`);
        const pkg = joinPath(root, name);
        const init = joinPath(pkg, '__init__.py');
        if (exists(files, mod) === 'file') {
          if (!out.has(mod)) { out.set(mod, false); if (!seen.has(mod)) { seen.add(mod); queue.push(mod); } }
        } else if (exists(files, init) === 'file' && !out.has(pkg)) {
          out.set(pkg, true);
          // what the package imports from beside it when it is imported
          if (!seen.has(init)) { seen.add(init); queue.push(init); }
        }
      }
    }
  }
  out.delete(file);
  return [...out].map(([path, isDir]) => ({ path, isDir }));
}

/** Makes project-relative copies relative to the build context above the project (`dir` is the project's folder in it). */
function prefixAll(copies: { path: string; isDir: boolean }[], dir: string): void {
  for (const c of copies) c.path = joinPath(dir, c.path);
}

/** `files` seen from `dir`. */
function subFiles(files: ProjectFiles, dir: string): ProjectFiles {
  return { list: (d) => files.list(joinPath(dir, d)), read: (f) => files.read(joinPath(dir, f)) };
}

/** `a/./b/../c` → `a/c` (leading `..` kept). */
function normalizeRel(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop(); else out.push(seg);
  }
  return out.join('/');
}

/**
 * The HEALTHCHECK requests http://localhost:<port>/… from inside the container: Django answers 400
 * when ALLOWED_HOSTS does not allow "localhost", and SECURE_SSL_REDIRECT sends it to https. Said
 * unless the settings show, as literals, that neither applies.
 */
function djangoProbeNote(settings: string): string | undefined {
  const hosts = /^\s*ALLOWED_HOSTS\s*(?::[^=\n]*)?=\s*(\[[^\]]*\]|\([^)]*\))\s*$/m.exec(settings)?.[1];
  const hostsOk = hosts !== undefined && /["'](?:\*|localhost|\.localhost)["']/.test(hosts);
  const ssl = /^\s*SECURE_SSL_REDIRECT\s*=\s*(?!False\b)\S/m.test(settings);
  const parts: string[] = [];
  if (!hostsOk) parts.push(`Django answers it with 400 unless ALLOWED_HOSTS allows "localhost"${hosts === undefined ? ' (the settings do not list the hosts as a literal: check what production sets)' : ''}`);
  if (ssl) parts.push('SECURE_SSL_REDIRECT sends it to https unless SECURE_REDIRECT_EXEMPT matches the health path');
  return parts.length ? `The health check requests http://localhost from inside the container: ${parts.join('; and ')}. Either keeps the container unhealthy.` : undefined;
}

/** Django settings modules, read as text: settings.py and settings/*.py in the project's code. */
function djangoSettings(files: ProjectFiles, facts: PythonFacts): string[] {
  void facts;
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const n of files.list(dir) ?? []) {
      const path = dir ? `${dir}/${n}` : n;
      if (n.endsWith('/')) {
        if (depth < 3 && !/^(\.|tests?\/|node_modules\/|venv\/|static\/|templates\/)/.test(n)) {
          if (n === 'settings/') for (const f of files.list(path.slice(0, -1)) ?? []) { if (f.endsWith('.py')) out.push(`${path}${f}`); }
          else walk(path.slice(0, -1), depth + 1);
        }
      } else if (n === 'settings.py') out.push(path);
    }
  };
  walk('', 0);
  return out;
}

function validVcpu(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0.25 && v <= 192;
}

export function scaffold(req: ScaffoldRequest): ScaffoldResult {
  const notes: string[] = [];
  const p = parse(req);
  for (const problem of p.configProblems) notes.push(problem);
  const python = choosePython(req, p, notes);
  const uvVersion = chooseUv(req, p, notes);
  const layout = findLayout(p.data, req.files, p.name);
  if (!layout.roots.length) {
    throw new ScaffoldError(`No Python package or module found next to ${req.pyprojectLabel} (looked for ${[`src/${p.name.replace(/-/g, '_')}`, p.name.replace(/-/g, '_'), 'packages with __init__.py'].join(', ')}): the Dockerfile would have no code to copy.`, 'no-code');
  }
  const facts = pythonFacts(req.files);
  const extras = chooseExtras(req, p);
  // (only when uv builds the project: `[tool.uv] package = false` leaves the build backend unused)
  if (layout.warning && obj(obj(p.data.tool)?.uv)?.package !== false) notes.push(layout.warning);
  const app = chooseApp(req, p, facts, layout.roots, notes);

  // Dependencies: the runtime set is what `uv sync --no-dev` (with the requested extras) installs,
  // with the dependencies of the workspace members it installs.
  const ws = findWorkspace(req.parents);
  // the root of its own workspace, with members in folders below it
  const own = ws ? undefined : ownWorkspace(p.data, req.files, extras);
  const memberManifests = new Set((own?.installed ?? []).map((m) => joinPath(m.folder, 'pyproject.toml')));
  const runtimeReqs = [...strings(p.project.dependencies), ...extras.flatMap((e) => strings(obj(p.project['optional-dependencies'])?.[e])),
    ...facts.dependencies.filter((d) => d.group === 'main' && memberManifests.has(d.file)).map((d) => d.spec)];
  const runtime = new Set(runtimeReqs.map(normalizeName));
  const all = new Set(runtime);
  for (const v of Object.values(obj(p.project['optional-dependencies']) ?? {})) strings(v).forEach((d) => all.add(normalizeName(d)));
  for (const v of Object.values(obj(p.data['dependency-groups']) ?? {})) strings(v).forEach((d) => all.add(normalizeName(d)));
  // A factory or a typed-in target says nothing about the framework: the dependencies do.
  const asgi = app.kind && app.kind !== 'factory' ? ASGI_KINDS.includes(app.kind) : ASGI_FRAMEWORKS.some((f) => runtime.has(f));
  // What the image will have: the direct runtime dependencies, and what the lock resolves for them (fastapi[standard] brings uvicorn).
  const lock = ws ? ws.lockText : req.files.read('uv.lock') ?? '';
  const installedGroups = new Set(['main', ...extras.map((e) => `extra:${e}`)]);
  const resolved = new Set(runtime);
  for (const d of facts.dependencies) if (installedGroups.has(d.group) && d.file.endsWith('pyproject.toml')) resolved.add(d.name);
  for (const pkg of (ws ? uvLockPackages(ws.lockText, p.name) : facts.lock?.packages) ?? []) if (pkg.groups.some((g) => installedGroups.has(g))) resolved.add(pkg.name);
  if (runtimeReqs.some((r) => /^\s*fastapi\s*\[[^\]]*\b(standard|all)\b/i.test(r))) resolved.add('uvicorn');
  // uvicorn deprecated `uvicorn.workers`: a worker package that has to be added is uvicorn-worker.
  const workerClass = asgi ? (resolved.has('uvicorn-worker') || !resolved.has('uvicorn') ? 'uvicorn_worker.UvicornWorker' : WORKER_CLASS) : undefined;
  const wanted: string[] = [];
  if (!resolved.has('gunicorn')) wanted.push('gunicorn');
  if (asgi && !resolved.has('uvicorn-worker') && !resolved.has('uvicorn')) wanted.push('uvicorn-worker');
  let projectEdits: ScaffoldResult['projectEdits'];
  if (wanted.length) {
    const edit = addDependenciesEdit(req.pyprojectLabel, req.pyprojectText, wanted);
    if (edit) projectEdits = [{ title: addDependenciesTitle(wanted), path: edit.path, edits: edit.edits }];
    notes.push(`The image will not start: its CMD runs gunicorn${workerClass ? ` with ${workerClass}` : ''}, but ${wanted.join(' and ')} ${wanted.length > 1 ? 'are' : 'is'} neither in [project].dependencies nor in what ${facts.lock ? facts.lock.file : 'the lock'} resolves for them. Add ${wanted.join(' and ')} to [project].dependencies${edit ? ' (the edit offered with this result)' : ''} and run \`uv lock\`.`);
  }
  // Native packages among what the image installs: the direct dependencies and, with a lock, everything they pull in.
  const native = nativeDepsFor([...runtimeReqs, ...lockedRuntimeClosure(lock, p.name)]);
  for (const d of native.deps) {
    const build = d.build.length ? `The builder installs ${d.build.join(', ')}` : 'The builder\'s gcc is all it needs to compile';
    notes.push(`${d.why} ${build}; the runtime ${d.runtime.length ? `installs ${d.runtime.join(', ')}` : 'needs nothing extra'}.`);
  }
  const buildPackages = [...native.build];
  const runtimePackages = [...native.runtime];
  // [tool.uv] no-binary-package: uv builds those from source instead of using their wheels
  const installedNames = new Set([...runtimeReqs.map(normalizeName), ...lockedRuntimeClosure(lock, p.name)]);
  for (const name of strings(obj(obj(p.data.tool)?.uv)?.['no-binary-package']).map(normalizeName)) {
    if (!installedNames.has(name)) continue;
    const src = SOURCE_BUILDS[name];
    if (!src) { notes.push(`[tool.uv] no-binary-package builds ${name} from source: if it has C code that links a system library, the builder needs that library's -dev package and the runtime the library (Docksmith adds only gcc and g++).`); continue; }
    for (const b of src.build) if (!buildPackages.includes(b)) buildPackages.push(b);
    for (const r of src.runtime) if (!runtimePackages.includes(r)) runtimePackages.push(r);
    notes.push(`[tool.uv] no-binary-package builds ${name} from source: ${src.why} The builder installs ${src.build.join(', ')}; the runtime installs ${src.runtime.join(', ')}.`);
  }
  const gitDeps = gitDependencies(p, runtimeReqs);
  if (gitDeps.length) {
    buildPackages.push('git');
    notes.push(`${gitDeps.join(', ')} ${gitDeps.length > 1 ? 'come' : 'comes'} from git: the builder installs git (the runtime does not need it). A private repository needs credentials at build time: pass them as a build secret (\`RUN --mount=type=secret\`), never as an ARG or ENV.`);
  }
  // Optional groups with a database driver the image does not install.
  const DB_DRIVERS = ['psycopg', 'psycopg2', 'psycopg2-binary', 'psycopg-binary', 'asyncpg', 'mysqlclient', 'pymysql', 'aiomysql'];
  for (const [extra, reqs] of Object.entries(obj(p.project['optional-dependencies']) ?? {})) {
    if (extras.includes(extra)) continue;
    const drivers = strings(reqs).map((r) => normalizeName(r)).filter((n) => DB_DRIVERS.includes(n) || /^psycopg(\[|$)/.test(n));
    if (drivers.length) notes.push(`The optional dependency group "${extra}" holds the database driver ${drivers.join(', ')}, which the image does not install: if the service needs it, add \`extras = ["${extra}"]\` under [tool.docksmith] (the syncs then pass --extra ${extra}).`);
  }
  // Other lock files: uv does not read them.
  if (!ws && exists(req.files, 'uv.lock') !== 'file') {
    if (exists(req.files, 'poetry.lock') === 'file') notes.push('poetry.lock pins the versions, but uv does not read it: migrate with `uvx migrate-to-uv` (it keeps the locked versions), commit uv.lock, and the build installs what was tested.');
    if (exists(req.files, 'pdm.lock') === 'file') notes.push('pdm.lock pins the versions, but uv does not read it: run `uvx migrate-to-uv` (it converts PDM projects too) or `uv lock` and compare the resolved versions with pdm.lock before deploying (`pdm export` lists them), then commit uv.lock.');
  }

  // vCPU: the answer, else the configuration, else one worker (said so).
  if (req.vcpu !== undefined && !validVcpu(req.vcpu)) throw new ScaffoldError(`vcpu ${JSON.stringify(req.vcpu)} is not a vCPU count (0.25 to 192).`, 'bad-argument');
  const std = standardFor(req, p);
  const configured = std.vcpu;
  let vcpu = req.vcpu ?? configured?.value;
  if (vcpu === undefined) {
    vcpu = 1;
    notes.push('The task\'s vCPU is unknown (no vcpu given, no [tool.docksmith] vcpu, no docksmith.vcpu setting, no ECS task definition): the Dockerfile runs 1 worker. Set the vCPU count to get one worker per vCPU.');
  } else if (!configured) {
    notes.push(`${vcpu} vCPU is not recorded where Docksmith reads it: add \`vcpu = ${vcpu}\` under [tool.docksmith] in pyproject.toml so that the worker count is checked against it.`);
  }

  // What the project install needs in the build context.
  const meta = metadataFiles(p.data, req.files);
  for (const m of meta.missing) notes.push(`pyproject.toml names ${m}, which does not exist: the build backend will refuse to build until it does${/force-include/.test(req.pyprojectText) && !/\.(md|rst|txt)$/i.test(m) ? ' (a force-included path that a build step makes, such as a frontend build, has to be made before the second `uv sync`)' : ''}.`);
  // a build hook that runs Node: the builder has none
  for (const f of meta.found) {
    if (!/\.py$/.test(f) || !/hatch/.test(f + req.pyprojectText)) continue;
    const hook = req.files.read(f) ?? '';
    if (/\b(?:npm|npx|yarn|pnpm|node)\b/.test(hook) && /subprocess|os\.system|check_call|check_output|\brun\(/.test(hook)) {
      notes.push(`The hatch build hook ${f} runs Node.js tooling (npm, yarn or node), which the builder does not have: the second \`uv sync\` fails. Build the frontend in a node stage and copy its output into the builder before that sync, or set \`ENV HATCH_BUILD_NO_HOOKS=true\` in the builder when the image does not need what the hook makes.`);
    }
  }
  const copies = [...meta.found.map((f) => ({ path: f, isDir: exists(req.files, f) === 'dir' })), ...layout.roots.map((r) => ({ path: r.path, isDir: r.isDir }))];
  // Web frameworks read more than the package at run time: Django its apps, both their templates and static files.
  const isDjango = app.kind === 'django' || app.kind === 'django-asgi' || (app.kind !== 'fastapi' && runtime.has('django'));
  const isFlask = app.kind === 'flask' || (app.kind !== 'fastapi' && runtime.has('flask'));
  const copied = new Set(copies.map((c) => c.path));
  const addCopy = (c: { path: string; isDir: boolean }) => { if (!copied.has(c.path) && ![...copied].some((x) => c.path.startsWith(x + '/'))) { copied.add(c.path); copies.push(c); } };
  // Django's manage.py: at the root, or in an import root of a src layout (src/manage.py)
  const djangoDir = !isDjango ? undefined : exists(req.files, 'manage.py') === 'file' ? ''
    : layout.roots.map((r) => r.importRoot).find((d) => d && exists(req.files, joinPath(d, 'manage.py')) === 'file');
  const managePy = djangoDir === undefined ? undefined : joinPath(djangoDir, 'manage.py');
  if (isDjango) {
    if (managePy) addCopy({ path: managePy, isDir: false });
    for (const r of packagesIn(req.files, djangoDir ?? '', false)) addCopy(r);
  }
  if (isDjango || isFlask) {
    for (const base of new Set(['', djangoDir ?? ''])) for (const d of ['templates', 'static', 'locale']) if (exists(req.files, joinPath(base, d)) === 'dir') addCopy({ path: joinPath(base, d), isDir: true });
  }
  const workspaceDeps: { dep: string; folder: string }[] = [];
  const pathDeps: { dep: string; rel: string }[] = [];
  let wsMembers: Map<string, { folder: string }> | undefined;
  // Members of the project's own workspace that it installs: their code goes in before the second sync.
  const memberRoots: string[] = [];
  /** Import roots of members uv does not install (no build system): gunicorn finds them through PYTHONPATH. */
  const unpackagedRoots: string[] = [];
  for (const m of own?.installed ?? []) {
    // (ownWorkspace has parsed its pyproject.toml already)
    const code = memberCode(req.files, m.folder, m.name, m.data);
    if (!code.copies.length) notes.push(`${m.name} is a workspace member in ${m.folder} that ${p.name} installs, but its code could not be found: copy it into the builder before the second \`uv sync\`.`);
    for (const c of code.copies) addCopy(c);
    pushAll(memberRoots, code.importRoots);
    if (!code.packaged) pushAll(unpackagedRoots, code.importRoots);
  }
  if (own?.members.length) {
    const installed = own.installed.map((m) => `${m.name} (${m.folder})`);
    notes.push(`${p.name} is the root of a uv workspace with ${own.members.length} member${own.members.length > 1 ? 's' : ''}: every member's pyproject.toml is copied before the first \`uv sync\` (uv checks uv.lock against all of them, and \`--no-install-workspace\` installs only the third-party packages there)${installed.length ? `, and the code of the member${installed.length > 1 ? 's' : ''} it installs, ${installed.join(', ')}, before the second` : ''}.`);
  }
  // The module gunicorn imports is in the image, whoever chose it.
  const importRoots = [...new Set([...layout.roots.map((r) => r.importRoot).filter(Boolean), ...memberRoots])];
  const targetFile = moduleFile(req.files, app.target.split(':')[0], importRoots.length ? importRoots : ['src']) ?? app.candidate?.file;
  if (!targetFile) {
    notes.push(`The module of ${app.target} (${app.target.split(':')[0]}) was not found in the project: unless an installed package provides it, gunicorn fails to import it and the container exits at start.`);
  } else {
    const top = targetFile.split('/');
    const root = importRoots.find((r) => targetFile.startsWith(r + '/'));
    const rel = root ? targetFile.slice(root.length + 1).split('/') : top;
    const copyPath = rel.length > 1 ? [...(root ? [root] : []), rel[0]].join('/') : targetFile;
    if (!copies.some((c) => c.path === targetFile || targetFile.startsWith(c.path + '/'))) {
      addCopy({ path: copyPath, isDir: rel.length > 1 });
      notes.push(`${app.target} lives in ${targetFile}, outside the packages the build backend names: the Dockerfile copies ${copyPath}${rel.length > 1 ? '/' : ''} too.`);
    }
    // a module beside its siblings (app.py importing app_factory, which imports ext): they go in too
    if (rel.length === 1) {
      const isCopied = (path: string) => copies.some((c) => c.path === path || path.startsWith(c.path + '/'));
      const siblings = siblingImports(req.files, targetFile, root ?? '').filter((c) => !isCopied(c.path));
      for (const c of siblings) addCopy(c);
      if (siblings.length) notes.push(`${targetFile} imports, directly or through them, ${siblings.map((c) => c.path + (c.isDir ? '/' : '')).join(', ')} from beside it: the Dockerfile copies ${siblings.length > 1 ? 'them' : 'it'} too.`);
    }
  }
  for (const [dep, src] of Object.entries(obj(uvSourcesOf(p.data)) ?? {})) {
    const local = obj(src)?.path ?? obj(src)?.workspace;
    if (local === undefined) continue;
    // the project's own workspace members are copied above
    if (own && obj(src)?.workspace === true) continue;
    const rel = typeof obj(src)?.path === 'string' ? String(obj(src)!.path).replace(/\\/g, '/') : undefined;
    if (ws) {
      const inRoot = rel !== undefined && !rel.startsWith('/') ? normalizeRel(`${ws.member}/${rel}`) : undefined;
      if (obj(src)?.workspace === true || (inRoot !== undefined && !inRoot.startsWith('..'))) {
        const folder = obj(src)?.workspace === true ? (wsMembers ??= membersByName(ws.root.files, ws.members)).get(normalizeName(dep))?.folder : inRoot;
        if (folder !== undefined) { workspaceDeps.push({ dep, folder }); continue; }
      }
    }
    // a path dependency of a project outside any workspace: laid out below
    if (!ws && rel !== undefined && !rel.startsWith('/') && !/^[A-Za-z]:/.test(rel)) { pathDeps.push({ dep, rel: normalizeRel(rel) }); continue; }
    if (rel !== undefined && (rel.startsWith('/') || normalizeRel(rel).startsWith('..'))) throw outsideContext(req, dep, rel);
    notes.push(`[tool.uv.sources] ${dep} is a local ${obj(src)?.path ? `path (${String(local)})` : 'workspace member'}: copy it into the builder before the first \`uv sync\`, or the build fails.`);
  }
  // Local path dependencies: their pyproject.toml before the first sync (which skips them:
  // --no-install-local), their code before the second. When one lies outside the project, the
  // nearest folder above that holds them all is the build context, as for a workspace member.
  let sub = '';
  let pathContext: ProjectFiles | undefined;
  const localManifests: string[] = [];
  const localCopies: { path: string; isDir: boolean }[] = [];
  if (pathDeps.length) {
    const up = pathDeps.reduce((m, d) => Math.max(m, d.rel.split('/').filter((x) => x === '..').length), 0);
    const above = up ? req.above?.(up) : { files: req.files, member: '' };
    if (!above) { const far = pathDeps.find((d) => d.rel.startsWith('..'))!; throw outsideContext(req, far.dep, far.rel); }
    sub = above.member;
    if (up) pathContext = above.files;
    for (const d of pathDeps) {
      const folder = normalizeRel(joinPath(sub, d.rel));
      const code = memberCode(above.files, folder, d.dep);
      if (!code.copies.length) { notes.push(`[tool.uv.sources] ${d.dep} is a local path (${d.rel}), but no pyproject.toml with code to install was found there: the build fails until it exists.`); continue; }
      localManifests.push(joinPath(folder, 'pyproject.toml'));
      for (const c of code.copies) if (!localCopies.some((x) => x.path === c.path)) localCopies.push(c);
    }
    if (localManifests.length) notes.push(`Local path dependencies (${pathDeps.map((d) => d.dep).join(', ')}): their pyproject.toml is copied before the first \`uv sync\`, which skips installing them (\`--no-install-local\`), and their code before the second.`);
    // astral-sh/uv#15328 added the flag (released in 0.8.13)
    if (localManifests.length && versionSatisfies('>=0.8.13', uvVersion) === false) notes.push(`uv ${uvVersion} does not know \`--no-install-local\` (uv 0.8.13 added it): raise [tool.uv] required-version to allow 0.8.13 or later, or the first \`uv sync\` fails.`);
  }
  // gunicorn reads ./gunicorn.conf.py from its working directory (/app): the project's hooks and settings
  if (exists(req.files, 'gunicorn.conf.py') === 'file') {
    addCopy({ path: 'gunicorn.conf.py', isDir: false });
    notes.push('gunicorn.conf.py is copied: gunicorn reads it from its working directory (/app), and the CMD\'s flags override the settings they also set (workers, bind, timeouts, worker class); its hooks and other settings apply. Docksmith checks it with the Dockerfile.');
  }
  // Alembic: the migration task runs the same image, so it needs alembic.ini and the script folder.
  if (runtime.has('alembic') && exists(req.files, 'alembic.ini') === 'file') {
    const ini = req.files.read('alembic.ini') ?? '';
    const loc = /^\s*script_location\s*=\s*(.+?)\s*$/m.exec(ini)?.[1]?.replace(/^%\(here\)s[\\/]?/, '').replace(/\\/g, '/').replace(/\/+$/, '');
    addCopy({ path: 'alembic.ini', isDir: false });
    const scripts = loc && !loc.includes(':') && !loc.startsWith('/') && exists(req.files, loc) === 'dir' ? normalizeRel(loc) : undefined;
    if (scripts) addCopy({ path: scripts, isDir: true });
    notes.push(`Migrations are not run by the image's CMD: run \`alembic upgrade head\` as a separate ECS task (a one-off task with the same image and the command overridden) before the new service version starts. The image has alembic.ini${scripts ? ` and ${scripts}/` : ''} for it${loc && !scripts && !loc.includes(':') ? ` (script_location ${loc} is not a folder of the project: check that the task finds it)` : ''}.`);
  }
  // Data and configuration files beside pyproject.toml that nothing copies: said, not guessed
  const leftOut = (req.files.list('') ?? []).filter((n) => /\.(ya?ml|json|ini|toml|cfg|conf)$/i.test(n) && !n.startsWith('.') && !TOOLING_FILE.test(n)
    && !copies.some((c) => c.path === n) && n !== 'pyproject.toml' && !/task[-_.]?def|task[-_]definition/i.test(n));
  // ... and folders beside the packages in a src layout that are not packages (src/public: assets the app serves)
  for (const r of new Set(layout.roots.map((x) => x.importRoot).filter(Boolean))) {
    for (const n of req.files.list(r) ?? []) {
      const dir = joinPath(r, n.slice(0, -1));
      if (!n.endsWith('/') || /^(?:\.|__pycache__\/|tests?\/|.*\.egg-info\/)/.test(n) || exists(req.files, joinPath(dir, '__init__.py')) === 'file') continue;
      if (!copies.some((c) => c.path === dir || dir.startsWith(c.path + '/') || c.path.startsWith(dir + '/'))) leftOut.push(`${dir}/`);
    }
  }
  if (leftOut.length) {
    const configs = leftOut.some((n) => !n.endsWith('/'));
    notes.push(`Not copied into the image: ${leftOut.slice(0, 6).join(', ')}${leftOut.length > 6 ? ` and ${leftOut.length - 6} more` : ''} (in the project folder). If the service reads ${leftOut.length > 1 ? 'them' : 'it'} at run time, add a COPY to the builder (the runtime copies /app)${configs ? '; settings can also come from environment variables in the task definition' : ''}.`);
  }
  // Django: static files collected at build time when STATIC_ROOT is set; migrations are a separate task.
  let collectstatic = false;
  if (isDjango) {
    const settings = djangoSettings(req.files, facts);
    if (settings.some((f) => /^\s*STATIC_ROOT\s*[:=]/m.test(req.files.read(f) ?? '')) && managePy) {
      collectstatic = true;
      notes.push(`STATIC_ROOT is set: the builder runs \`${managePy} collectstatic --noinput\`, so the image serves its static files (the settings module must import without runtime secrets; give build-time defaults if it reads them from the environment).`);
    }
    const hostNote = djangoProbeNote(settings.map((f) => req.files.read(f) ?? '').join('\n'));
    if (hostNote) notes.push(hostNote);
    notes.push(`Migrations are not run by the image's CMD: run \`python ${managePy ?? 'manage.py'} migrate\` as a separate ECS task (a one-off task with the same image and the command overridden) before the new service version starts.`);
  }
  const uvSettings = obj(obj(p.data.tool)?.uv);
  const installed = uvSettings?.package === true || (uvSettings?.package !== false && !!obj(p.data['build-system']));
  const pythonPath = installed ? [] : [...new Set(layout.roots.map((r) => r.importRoot).filter(Boolean))].map((d) => `/app/${d}`);
  for (const d of new Set(unpackagedRoots)) if (!pythonPath.includes(`/app/${d}`)) pythonPath.push(`/app/${d}`);
  const dynamic = strings(p.project.dynamic);
  const backendReqs = strings(obj(p.data['build-system'])?.requires).map(normalizeName);
  const vcsPlugin = dynamic.includes('version') ? backendReqs.find((r) => /^(hatch-vcs|setuptools-scm|setuptools-git-versioning|versioningit|poetry-dynamic-versioning|uv-dynamic-versioning)$/.test(r)) : undefined;
  if (vcsPlugin) notes.push(vcsVersionNote(vcsPlugin, obj(p.data.tool) ?? {}));

  // Built from a folder above the project (path dependencies outside it): paths relative to that folder.
  if (sub) {
    prefixAll(copies, sub);
    if (!installed) pythonPath.splice(0, pythonPath.length, ...[...new Set(layout.roots.map((r) => r.importRoot))].map((d) => `/app/${joinPath(sub, d)}`));
  }
  for (const c of localCopies) if (!copies.some((x) => x.path === c.path || c.path.startsWith(x.path + '/'))) copies.push(c);
  // A workspace member: everything is copied from the workspace root, paths relative to it.
  if (ws) {
    prefixAll(copies, ws.member);
    for (const d of workspaceDeps) {
      const extra = memberCode(ws.root.files, d.folder, d.dep).copies;
      if (!extra.length) notes.push(`${d.dep} is a workspace dependency in ${d.folder}, but its code could not be found: copy it into the builder before the second \`uv sync\`.`);
      for (const c of extra) if (!copies.some((x) => x.path === c.path)) copies.push(c);
    }
    for (let k = 0; k < pythonPath.length; k++) pythonPath[k] = pythonPath[k].replace(/^\/app\//, `/app/${ws.member}/`);
  }
  const profile: ProjectProfile = {
    name: p.name, python, uvVersion, locked: ws ? ws.locked : exists(req.files, 'uv.lock') === 'file', app: app.target, workerClass,
    workers: workersFor(vcpu), port: std.port.value, healthPath: std.healthPath.value, uid: std.uid.value,
    copies, pythonPath, buildPackages, runtimePackages, extras, collectstatic: collectstatic && managePy ? (ws ? `${ws.member}/${managePy}` : managePy) : undefined,
    ...(ws ? { workspace: { package: p.name, manifests: ws.members.filter((m) => m !== '').map((m) => `${m}/pyproject.toml`) } }
      : own?.members.length ? { workspace: { manifests: own.members.map((m) => `${m}/pyproject.toml`) } } : {}),
    ...(localManifests.length ? { localManifests } : {}), ...(sub ? { projectDir: sub, runDir: sub } : ws ? { runDir: ws.member } : {}),
  };
  let buildContext: string | undefined;
  let atRoot: ScaffoldResult['atRoot'];
  if (sub) {
    buildContext = sub.split('/').map(() => '..').join('/');
    const ctxEdit = p.input.context === undefined ? setDocksmithKeyEdit(req.pyprojectLabel, req.pyprojectText, 'context', JSON.stringify(buildContext)) : undefined;
    if (ctxEdit) (projectEdits ??= []).push({ title: `Set [tool.docksmith] context = "${buildContext}" (the folder above is the build context)`, path: ctxEdit.path, edits: ctxEdit.edits });
    notes.push(`A path dependency lies outside the project, so the build context is ${buildContext} (the nearest folder that holds the project and ${pathDeps.filter((d) => d.rel.startsWith('..')).map((d) => d.rel).join(', ')}); from there: \`docker build -f ${sub}/Dockerfile .\`. The builder works in /app/${sub} with the virtualenv at /app/.venv (UV_PROJECT_ENVIRONMENT). The ignore file is written as Dockerfile.dockerignore beside the Dockerfile (BuildKit reads it instead of the context's .dockerignore), with paths relative to the context.${p.input.context === undefined ? ` \`context = "${buildContext}"\` under [tool.docksmith] (an edit comes with this result) tells Docksmith to check the COPY lines against it.` : ''}`);
  }
  if (ws) {
    buildContext = ws.member.split('/').map(() => '..').join('/');
    const ctxEdit = p.input.context === undefined ? setDocksmithKeyEdit(req.pyprojectLabel, req.pyprojectText, 'context', JSON.stringify(buildContext)) : undefined;
    if (ctxEdit) (projectEdits ??= []).push({ title: `Set [tool.docksmith] context = "${buildContext}" (the workspace root is the build context)`, path: ctxEdit.path, edits: ctxEdit.edits, placement: 'member' });
    const how = `${p.name} is a member of the uv workspace at ${buildContext} (${ws.member} from the root): the Dockerfile builds it from the workspace root with the root's ${ws.locked ? 'uv.lock' : 'lock (there is none yet: run `uv lock` there)'} and \`uv sync --package ${p.name}\`, so the build context is the root`;
    const rootName = `Dockerfile.${memberFileName(p.name)}`;
    const memberNote = `${how}; from there: \`docker build -f ${ws.member}/Dockerfile .\`. The ignore file is written as ${ws.member}/Dockerfile.dockerignore beside the Dockerfile (BuildKit reads it instead of the root's .dockerignore), with paths relative to the root.${p.input.context === undefined ? ` \`context = "${buildContext}"\` under [tool.docksmith] (an edit comes with this result) tells Docksmith to check the COPY lines against the root.` : ''} The same Dockerfile can live at the root instead, as ${rootName}.`;
    notes.push(memberNote);
    atRoot = {
      dockerfile: joinPath(buildContext, rootName), memberNote,
      note: `${how}; the Dockerfile is ${rootName} at the root, built there with \`docker build -f ${rootName} .\`. Its ignore file is ${rootName}.dockerignore beside it (BuildKit reads it instead of the root's .dockerignore). Docksmith checks it against the workspace root's pyproject.toml and uv.lock, and what \`--package ${p.name}\` installs from the lock.`,
    };
  }
  // The health check probes a route that exists: configured, else found, else /health to be added.
  let healthEndpoint: HealthEndpoint | undefined;
  const configuredHealth = p.input.healthPath ?? req.settings?.healthPath;
  if (!configuredHealth) {
    const found = healthRoutes(facts, app.target);
    if (found.length) {
      profile.healthPath = found[0].path;
      if (found[0].path !== DEFAULTS.healthPath) {
        notes.push(`The health check probes ${found[0].path} (${found[0].file}, line ${found[0].line + 1}).${isReadinessPath(found[0].path)
          ? ' It looks like a readiness probe, the only health-like route found: if it checks the database or other services, an outage of theirs fails every task\'s health check and ECS replaces them all. A route that only answers (liveness) is safer; set health-path under [tool.docksmith] once there is one.' : ''}`);
      }
    } else {
      const kind = app.kind === 'factory' || !app.kind ? (isDjango ? 'django' : isFlask ? 'flask' : asgi ? 'fastapi' : undefined) : app.kind;
      const cand = app.candidate;
      healthEndpoint = cand ? healthEndpointFor(cand, kind, req.files.read(cand.file), siblingPath(req.pyprojectLabel, cand.file), DEFAULTS.healthPath) : undefined;
      if (!healthEndpoint && (kind === 'django' || kind === 'django-asgi')) {
        // Django: a view in the root URLconf (ROOT_URLCONF of the settings), at health/ (Django's trailing slash)
        const urls = facts.urlconfs?.[0];
        const text = urls ? req.files.read(urls) : undefined;
        healthEndpoint = (urls && text !== undefined ? djangoHealthEndpointFor(text, siblingPath(req.pyprojectLabel, urls), DEFAULTS.healthPath.replace(/\/?$/, '/')) : undefined)
          ?? { path: DEFAULTS.healthPath, framework: 'django' };
        if (healthEndpoint.edit) profile.healthPath = healthEndpoint.path;
      }
      const why = facts.routesComplete ? `no ${DEFAULTS.healthPath}-like route (/health, /healthz, /ping, /status, /livez) was found in the code` : `the routes could not all be read (${facts.unknown[0] ?? 'some are built at run time'}), and no health-like route was found among those that could`;
      const add = healthEndpoint?.edit ? ` A minimal ${healthEndpoint.path} endpoint ${healthEndpoint.framework === 'django' ? 'in the root URLconf' : 'next to the app object'} comes with this result (${healthEndpoint.edit.path}).`
        : healthEndpoint?.framework === 'django' ? ` Add a view that returns 200 at ${DEFAULTS.healthPath.replace(/\/?$/, '/')} (e.g. \`path("health/", lambda request: JsonResponse({"status": "ok"}))\` in the root urls.py; APPEND_SLASH redirects ${DEFAULTS.healthPath} there).`
          : ' Add a GET route that returns 200 without touching the database, or set [tool.docksmith] health-path to the one the app serves.';
      notes.push(`The health check probes ${profile.healthPath}, but ${why}: the container is marked unhealthy until it exists.${add}`);
    }
  }
  if (!profile.locked && !ws) notes.push('No uv.lock next to pyproject.toml: the Dockerfile runs `uv sync` without `--locked`, so each build resolves versions anew. Run `uv lock` and commit uv.lock; Docksmith will then offer to add `--locked`.');

  const copiedPaths = [...['pyproject.toml', ...(profile.locked ? ['uv.lock'] : [])].map((f) => joinPath(sub, f)), ...(profile.workspace?.manifests ?? []), ...localManifests, ...copies.map((c) => c.path)];
  const existingIgnore = (ws ? ws.root.files : pathContext ?? req.files).read('.dockerignore');
  // built from a folder above: the Dockerfile's own ignore file replaces the context's, whose lines it carries over
  const inherit = existingIgnore !== undefined && (ws || pathContext) ? { label: '.dockerignore of the build context', text: existingIgnore } : undefined;
  if (existingIgnore !== undefined) {
    const patterns = parseDockerignore(existingIgnore);
    const blocked = copiedPaths.filter((c) => excludedBy(patterns, c));
    if (blocked.length) {
      notes.push(inherit
        ? `The build context's .dockerignore excludes ${blocked.join(', ')}, which the Dockerfile copies: the Dockerfile's own ignore file carries its other lines over and leaves those out.`
        : `The existing .dockerignore excludes ${blocked.join(', ')}, which the Dockerfile copies: the build fails until those lines are removed or re-included with "!".`);
    }
  }
  const result: ScaffoldResult = { dockerfile: renderDockerfile(profile), dockerignore: renderDockerignore(copiedPaths, inherit), notes, profile };
  if (projectEdits) result.projectEdits = projectEdits;
  if (healthEndpoint) result.healthEndpoint = healthEndpoint;
  if (buildContext !== undefined) result.buildContext = buildContext;
  if (atRoot) result.atRoot = atRoot;

  // The scaffold's promise: no Docksmith findings in the editor it opens in.
  const ctx = { standard: std, facts: { hasUvLock: profile.locked, dependencies: [...all] } };
  for (const d of lintText(result.dockerfile, ctx).diagnostics) notes.push(`Docksmith reports on the result (line ${d.range.start.line + 1}, ${d.rule}): ${d.message}`);
  return result;
}
