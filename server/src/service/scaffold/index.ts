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
import { lockedPackages, lockedRuntimeClosure } from '../project/lock';
import { excludedBy, parseDockerignore, renderDockerignore } from './dockerignore';
import { ProjectFiles, exists } from './files';
import { CodeRoot, findLayout, metadataFiles, packagesIn } from './layout';
import { nativeDepsFor } from './native-deps';
import { ProjectProfile, renderDockerfile } from './render';

export type { ProjectFiles } from './files';
export { memoryFiles } from './files';
export type { ProjectProfile } from './render';
export { renderDockerfile } from './render';
export type { AppCandidate } from '../project/types';

export type ScaffoldErrorCode = 'malformed-toml' | 'no-project' | 'python' | 'uv-version' | 'needs-app' | 'bad-argument' | 'no-code';

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
}

type Table = Record<string, unknown>;

const ASGI_KINDS: AppKind[] = ['fastapi', 'starlette', 'quart', 'litestar', 'django-asgi'];

/** Django served through ASGI: the standard serves Django through WSGI unless channels, daphne or uvicorn is a dependency. */
function djangoAsgi(p: Parsed): boolean {
  const runtime = new Set(strings(p.project.dependencies).map(normalizeName));
  return ['channels', 'daphne', 'uvicorn', 'uvicorn-worker'].some((d) => runtime.has(d));
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
    if (obj(obj(data.tool)?.poetry)) {
      throw new ScaffoldError(`${req.pyprojectLabel} describes a Poetry project ([tool.poetry]) and has no [project] table. The standard builds with uv, which reads PEP 621 [project] metadata: migrate with \`uvx migrate-to-uv\` (or move name, version, requires-python and dependencies into [project]), run \`uv lock\`, then run this command again.`, 'no-project');
    }
    throw new ScaffoldError(`${req.pyprojectLabel} has no [project] table (PEP 621): the standard builds with uv, which needs at least [project] name, version and dependencies.`, 'no-project');
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
  const name = typeof project.name === 'string' && project.name.trim() ? project.name.trim().replace(/[\u0000-\u001f\u007f]+/g, ' ') : 'service';
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
  return { name: p.name, vcpu: standardFor(req, p).vcpu, app: p.configuredApp, candidates: p.configuredApp ? [] : findApps(req.files, layout.roots, { djangoAsgi: djangoAsgi(p) }) };
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

function chooseUv(req: ScaffoldRequest, p: Parsed, notes: string[]): string {
  const required = obj(obj(p.data.tool)?.uv)?.['required-version'];
  if (typeof required !== 'string' || !required.trim()) return DEFAULTS.uvVersion;
  const spec = required.trim();
  const pad = (v: string) => [...v.split('.'), '0', '0'].slice(0, 3).join('.');
  const candidates = [DEFAULTS.uvVersion, ...specifierVersions(spec).map(pad)];
  if (versionSatisfies(spec, DEFAULTS.uvVersion) === undefined) {
    throw new ScaffoldError(`${req.pyprojectLabel}: [tool.uv] required-version = "${spec}" is not a version specifier Docksmith understands (e.g. ">=0.8.4" or "==0.9.5").`, 'uv-version');
  }
  const pick = candidates.find((v) => versionSatisfies(spec, v));
  if (!pick) {
    throw new ScaffoldError(`${req.pyprojectLabel}: [tool.uv] required-version = "${spec}" excludes uv ${DEFAULTS.uvVersion} and names no version to pin. Set it to a version, e.g. "==0.9.5".`, 'uv-version');
  }
  if (pick !== DEFAULTS.uvVersion) notes.push(`uv ${pick}: [tool.uv] required-version "${spec}" does not allow ${DEFAULTS.uvVersion}, the version Docksmith pins by default.`);
  return pick;
}

function chooseApp(req: ScaffoldRequest, p: Parsed, roots: CodeRoot[], notes: string[]): { target: string; kind?: AppKind } {
  const candidates = findApps(req.files, roots, { djangoAsgi: djangoAsgi(p) });
  const known = (target: string) => candidates.find((c) => c.target === target)?.kind;
  if (req.app !== undefined) {
    const app = req.app.trim();
    if (!isAppTarget(app)) throw new ScaffoldError(`app "${req.app}" is not a gunicorn target: expected "module:attribute", e.g. "orders_api.main:app".`, 'bad-argument');
    return { target: app, kind: known(app) };
  }
  if (p.configuredApp) return { target: p.configuredApp, kind: known(p.configuredApp) };
  if (candidates.length === 1) {
    const c = candidates[0];
    notes.push(`App: ${c.target} (${c.file}, line ${c.line + 1}).${c.kind === 'factory' ? ' gunicorn calls the factory once per worker.' : ''}`);
    return { target: c.target, kind: c.kind };
  }
  const where = roots.length ? roots.map((r) => r.path).join(', ') : 'the project folder';
  throw new ScaffoldError(candidates.length
    ? `Several app objects found (${candidates.map((c) => c.target).join(', ')}): choose one, or set [tool.docksmith] app = "module:attribute".`
    : `No FastAPI(…), Flask(…) or Django WSGI application found in ${where}: give the app as "module:attribute", or set [tool.docksmith] app.`, 'needs-app', { candidates });
}

function uvSourcesOf(data: Table): unknown {
  return obj(obj(data.tool)?.uv)?.sources;
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
  const app = chooseApp(req, p, layout.roots, notes);

  // Dependencies: the runtime set is what `uv sync --no-dev` installs.
  const runtimeReqs = strings(p.project.dependencies);
  const runtime = new Set(runtimeReqs.map(normalizeName));
  const all = new Set(runtime);
  for (const v of Object.values(obj(p.project['optional-dependencies']) ?? {})) strings(v).forEach((d) => all.add(normalizeName(d)));
  for (const v of Object.values(obj(p.data['dependency-groups']) ?? {})) strings(v).forEach((d) => all.add(normalizeName(d)));
  // A factory or a typed-in target says nothing about the framework: the dependencies do.
  const asgi = app.kind && app.kind !== 'factory' ? ASGI_KINDS.includes(app.kind) : ASGI_FRAMEWORKS.some((f) => runtime.has(f));
  const workerClass = asgi ? (runtime.has('uvicorn-worker') ? 'uvicorn_worker.UvicornWorker' : WORKER_CLASS) : undefined;
  // What the image will have: the direct dependencies, and what uv.lock resolved (fastapi[standard] brings uvicorn).
  const lock = req.files.read('uv.lock') ?? '';
  const resolved = new Set([...runtime, ...lockedPackages(lock)]);
  if (runtimeReqs.some((r) => /^\s*fastapi\s*\[[^\]]*\b(standard|all)\b/i.test(r))) resolved.add('uvicorn');
  if (!resolved.has('gunicorn')) notes.push('gunicorn is neither in [project].dependencies nor in uv.lock, but the image runs it: add it (`uv add gunicorn`).');
  if (asgi && !resolved.has('uvicorn') && !resolved.has('uvicorn-worker')) notes.push(`The ${workerClass} worker comes from uvicorn, which is not in [project].dependencies: add it (\`uv add uvicorn\`).`);
  // Native packages among what the image installs: the direct dependencies and, with a lock, everything they pull in.
  const native = nativeDepsFor([...runtimeReqs, ...lockedRuntimeClosure(lock, p.name)]);
  for (const d of native.deps) {
    const build = d.build.length ? `The builder installs ${d.build.join(', ')}` : 'The builder\'s gcc is all it needs to compile';
    notes.push(`${d.why} ${build}; the runtime ${d.runtime.length ? `installs ${d.runtime.join(', ')}` : 'needs nothing extra'}.`);
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
  for (const m of meta.missing) notes.push(`pyproject.toml names ${m}, which does not exist: the build backend will refuse to build until it does.`);
  const copies = [...meta.found.map((f) => ({ path: f, isDir: false })), ...layout.roots.map((r) => ({ path: r.path, isDir: r.isDir }))];
  // Web frameworks read more than the package at run time: Django its apps, both their templates and static files.
  const isDjango = app.kind === 'django' || app.kind === 'django-asgi' || (app.kind !== 'fastapi' && runtime.has('django'));
  const isFlask = app.kind === 'flask' || (app.kind !== 'fastapi' && runtime.has('flask'));
  const copied = new Set(copies.map((c) => c.path));
  const addCopy = (c: { path: string; isDir: boolean }) => { if (!copied.has(c.path) && ![...copied].some((x) => c.path.startsWith(x + '/'))) { copied.add(c.path); copies.push(c); } };
  if (isDjango) {
    if (exists(req.files, 'manage.py') === 'file') addCopy({ path: 'manage.py', isDir: false });
    for (const r of packagesIn(req.files, '', false)) addCopy(r);
  }
  if (isDjango || isFlask) for (const d of ['templates', 'static', 'locale']) if (exists(req.files, d) === 'dir') addCopy({ path: d, isDir: true });
  for (const [dep, src] of Object.entries(obj(uvSourcesOf(p.data)) ?? {})) {
    const local = obj(src)?.path ?? obj(src)?.workspace;
    if (local !== undefined) notes.push(`[tool.uv.sources] ${dep} is a local ${obj(src)?.path ? `path (${String(local)})` : 'workspace member'}: copy it into the builder before the first \`uv sync\`, or the build fails.`);
  }
  const uvSettings = obj(obj(p.data.tool)?.uv);
  const installed = uvSettings?.package === true || (uvSettings?.package !== false && !!obj(p.data['build-system']));
  const pythonPath = installed ? [] : [...new Set(layout.roots.map((r) => r.importRoot).filter(Boolean))].map((d) => `/app/${d}`);
  const dynamic = strings(p.project.dynamic);
  const backendReqs = strings(obj(p.data['build-system'])?.requires).map(normalizeName);
  if (dynamic.includes('version') && backendReqs.some((r) => /^(hatch-vcs|setuptools-scm|setuptools-git-versioning|versioningit|poetry-dynamic-versioning|uv-dynamic-versioning)$/.test(r))) {
    notes.push('The version comes from git (dynamic = ["version"] with a VCS plugin), and .git is not in the build context: pass the version in, e.g. `ENV SETUPTOOLS_SCM_PRETEND_VERSION=…` in the builder or a build argument.');
  }

  const profile: ProjectProfile = {
    name: p.name, python, uvVersion, locked: exists(req.files, 'uv.lock') === 'file', app: app.target, workerClass,
    workers: workersFor(vcpu), port: std.port.value, healthPath: std.healthPath.value, uid: std.uid.value,
    copies, pythonPath, buildPackages: native.build, runtimePackages: native.runtime,
  };
  if (!profile.locked) notes.push('No uv.lock next to pyproject.toml: the Dockerfile runs `uv sync` without `--locked`, so each build resolves versions anew. Run `uv lock` and commit uv.lock; Docksmith will then offer to add `--locked`.');

  const copiedPaths = ['pyproject.toml', ...(profile.locked ? ['uv.lock'] : []), ...copies.map((c) => c.path)];
  const existingIgnore = req.files.read('.dockerignore');
  if (existingIgnore !== undefined) {
    const patterns = parseDockerignore(existingIgnore);
    const blocked = copiedPaths.filter((c) => excludedBy(patterns, c));
    if (blocked.length) notes.push(`The existing .dockerignore excludes ${blocked.join(', ')}, which the Dockerfile copies: the build fails until those lines are removed or re-included with "!".`);
  }
  const result: ScaffoldResult = { dockerfile: renderDockerfile(profile), dockerignore: renderDockerignore(copiedPaths), notes, profile };

  // The scaffold's promise: no Docksmith findings in the editor it opens in.
  const ctx = { standard: std, facts: { hasUvLock: profile.locked, dependencies: [...all] } };
  for (const d of lintText(result.dockerfile, ctx).diagnostics) notes.push(`Docksmith reports on the result (line ${d.range.start.line + 1}, ${d.rule}): ${d.message}`);
  return result;
}
