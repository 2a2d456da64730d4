// Where a project's importable code lives and which files its build backend needs: read from the
// build backend's configuration, else found the way the backends' own auto-discovery finds it.

import { obj, strings } from '../config';
import { ProjectFiles, SKIP_DIRS, exists, joinPath } from './files';
import { pushAll } from '../text';

/** A top-level package directory or single module, with the directory it is imported from. */
export interface CodeRoot {
  /** Project-relative path: a package directory ('src/orders_api') or a module file ('main.py'). */
  path: string;
  /** Project-relative directory that must be on sys.path to import it ('' = project root, 'src'). */
  importRoot: string;
  isDir: boolean;
}

export interface Layout {
  roots: CodeRoot[];
  /** How the roots were found, for notes ("[tool.hatch.build.targets.wheel] packages"). */
  from: string;
  /** A build backend setting that does not match the code found (the build would fail). */
  warning?: string;
}

type Table = Record<string, unknown>;

/** Import name of a distribution name ('orders-api' → 'orders_api'). */
export function moduleName(project: string): string {
  return project.toLowerCase().replace(/[-.]+/g, '_');
}

function root(files: ProjectFiles, rel: string): CodeRoot | undefined {
  const clean = rel.replace(/^\.\//, '').replace(/\/+$/, '');
  const kind = exists(files, clean);
  if (!kind) return undefined;
  const slash = clean.lastIndexOf('/');
  return { path: clean, importRoot: slash < 0 ? '' : clean.slice(0, slash), isDir: kind === 'dir' };
}

const NOT_CODE = /^(tests?|testing|docs?|examples?|scripts?|benchmarks?|tools|notebooks?|migrations|alembic|site|static|templates)$/;

/** Packages (directories with __init__.py) and, when asked, modules directly in `dir`. */
export function packagesIn(files: ProjectFiles, dir: string, modules: boolean): CodeRoot[] {
  const out: CodeRoot[] = [];
  for (const n of (files.list(dir) ?? []).sort()) {
    if (n.endsWith('/')) {
      const base = n.slice(0, -1);
      if (SKIP_DIRS.has(base) || base.startsWith('.') || base.endsWith('.egg-info') || NOT_CODE.test(base)) continue;
      if (files.list(joinPath(dir, base))?.includes('__init__.py')) out.push({ path: joinPath(dir, base), importRoot: dir, isDir: true });
    } else if (modules && n.endsWith('.py') && !/^(setup|conftest|manage|noxfile|fabfile|tasks)\.py$/.test(n) && !/^test_/.test(n)) {
      out.push({ path: joinPath(dir, n), importRoot: dir, isDir: false });
    }
  }
  return out;
}

export function findLayout(data: Table, files: ProjectFiles, projectName: string): Layout {
  const tool = obj(data.tool) ?? {};
  const backend = String(obj(data['build-system'])?.['build-backend'] ?? '');
  const mod = moduleName(projectName);
  const found = (paths: string[], from: string): Layout | undefined => {
    const roots = paths.map((p) => root(files, p)).filter((r): r is CodeRoot => !!r);
    return roots.length ? { roots, from } : undefined;
  };

  // hatchling
  const hatchWheel = obj(obj(obj(obj(tool.hatch)?.build)?.targets)?.wheel);
  const hatch = found(strings(hatchWheel?.packages), '[tool.hatch.build.targets.wheel] packages')
    ?? found(strings(hatchWheel?.['only-include']), '[tool.hatch.build.targets.wheel] only-include');
  if (hatch) return hatch;
  // `sources = ["backend"]` strips that prefix: packages under backend/ import as top-level names
  // (a table form rewrites prefixes: { "lib" = "" } is the same for the root it names)
  const sourcesTable = obj(hatchWheel?.sources);
  const sourceDirs = strings(hatchWheel?.sources).length ? strings(hatchWheel?.sources)
    : sourcesTable ? Object.keys(sourcesTable).filter((k) => sourcesTable[k] === '') : [];
  for (const dir of sourceDirs.map((d) => d.replace(/^\.\//, '').replace(/\/+$/, '')).filter(Boolean)) {
    const named = found([joinPath(dir, mod)], '[tool.hatch.build.targets.wheel] sources');
    if (named) return named;
    const roots = packagesIn(files, dir, false);
    if (roots.length) return { roots, from: '[tool.hatch.build.targets.wheel] sources' };
  }

  // setuptools
  const st = obj(tool.setuptools);
  if (st) {
    const pkgDir = obj(st['package-dir']);
    const base = typeof pkgDir?.[''] === 'string' ? String(pkgDir['']) : '';
    const listed = strings(st.packages);
    if (listed.length) {
      const tops = [...new Set(listed.map((p) => p.split('.')[0]))];
      const l = found(tops.map((t) => (typeof pkgDir?.[t] === 'string' ? String(pkgDir[t]) : joinPath(base, t))), '[tool.setuptools] packages');
      if (l) return l;
    }
    const find = obj(obj(st.packages)?.find);
    if (find) {
      const wheres = strings(find.where).length ? strings(find.where) : ['.'];
      const roots = wheres.flatMap((w) => packagesIn(files, w === '.' ? '' : w.replace(/\/+$/, ''), false));
      if (roots.length) return { roots, from: '[tool.setuptools.packages.find]' };
    }
    const l = found(strings(st['py-modules']).map((m) => joinPath(base, `${m}.py`)), '[tool.setuptools] py-modules');
    if (l) return l;
  }

  // poetry-core
  const poetryPkgs = Array.isArray(obj(tool.poetry)?.packages) ? (obj(tool.poetry)!.packages as unknown[]) : [];
  const poetry = found(poetryPkgs.map((p) => obj(p)).filter((p): p is Table => !!p && typeof p.include === 'string')
    .map((p) => joinPath(typeof p.from === 'string' ? p.from : '', String(p.include))), '[tool.poetry] packages');
  if (poetry) return poetry;

  // uv_build
  if (backend.startsWith('uv_build')) {
    const bb = obj(obj(tool.uv)?.['build-backend']);
    const moduleRoot = typeof bb?.['module-root'] === 'string' ? String(bb['module-root']) : 'src';
    const names = typeof bb?.['module-name'] === 'string' ? [String(bb['module-name'])] : strings(bb?.['module-name']);
    const expected = (names.length ? names : [mod]).map((n) => joinPath(moduleRoot, n.replace(/\./g, '/')));
    const l = found(expected, '[tool.uv.build-backend]');
    if (l) return l;
    // uv_build finds nothing else: `uv sync` fails building the project ("Expected a Python module at …")
    const other = findLayout({ ...data, 'build-system': {} }, files, projectName);
    if (other.roots.length) {
      const at = other.roots.map((r) => r.path).join(', ');
      other.warning = `uv_build looks for the module at ${expected.map((e) => `${e}/__init__.py`).join(' or ')} (${names.length ? '[tool.uv.build-backend] module-name' : 'from the project name'}${typeof bb?.['module-root'] === 'string' ? ' and module-root' : ''}), but the code is at ${at}: \`uv sync\` fails building the project. Set module-name${other.roots[0].importRoot !== moduleRoot ? ` and module-root = "${other.roots[0].importRoot}"` : ''} under [tool.uv.build-backend].`;
    }
    return other;
  }

  // flit
  const flitName = obj(obj(tool.flit)?.module)?.name;
  if (typeof flitName === 'string') {
    const l = found([`src/${flitName}`, flitName, `${flitName}.py`], '[tool.flit.module] name');
    if (l) return l;
  }

  // Auto-discovery, as hatchling/setuptools/uv do: src/<module>, <module>, then any package.
  const named = found([`src/${mod}`, mod, `src/${mod}.py`, `${mod}.py`], 'the project name');
  if (named) return named;
  if (exists(files, 'src') === 'dir') {
    const inSrc = files.list('src') ?? [];
    // `src/__init__.py` (the standard's own `src.main:app`): src is the package
    if (inSrc.includes('__init__.py')) return { roots: [{ path: 'src', importRoot: '', isDir: true }], from: 'the src package' };
    const roots = packagesIn(files, 'src', false);
    if (roots.length) return { roots, from: 'the src/ layout' };
    // loose modules: copy the folder whole, so that a module added later is in the image too
    if (packagesIn(files, 'src', true).length) return { roots: [{ path: 'src', importRoot: 'src', isDir: true }], from: 'the modules in src/' };
  }
  const flat = packagesIn(files, '', false);
  if (flat.length) return { roots: flat, from: 'the packages in the project folder' };
  const modules = packagesIn(files, '', true);
  return { roots: modules, from: 'the modules in the project folder' };
}

/** Files pyproject.toml names that a build backend reads: readme, license file(s), dynamic metadata files. Globs resolve against the tree. */
export function metadataFiles(data: Table, files: ProjectFiles): { found: string[]; missing: string[] } {
  const project = obj(data.project) ?? {};
  const wanted: string[] = [];
  const readme = project.readme;
  if (typeof readme === 'string') wanted.push(readme);
  else if (typeof obj(readme)?.file === 'string') wanted.push(String(obj(readme)!.file));
  const license = obj(project.license);
  if (typeof license?.file === 'string') wanted.push(String(license.file));
  // files the backend reads for dynamic metadata
  const tool = obj(data.tool);
  for (const field of Object.values(obj(obj(obj(tool?.setuptools)?.dynamic)) ?? {})) {
    const f = obj(field)?.file;
    pushAll(wanted, typeof f === 'string' ? [f] : strings(f));
  }
  const hatchVersion = obj(obj(tool?.hatch)?.version)?.path;
  if (typeof hatchVersion === 'string') wanted.push(hatchVersion);
  // a hatch custom build hook runs while uv builds the project: its file (hatch_build.py by default)
  const hatchBuild = obj(obj(tool?.hatch)?.build);
  for (const hooks of [obj(hatchBuild?.hooks), obj(obj(obj(obj(hatchBuild?.targets)?.wheel)?.hooks))]) {
    const custom = obj(hooks?.custom);
    if (custom) wanted.push(typeof custom.path === 'string' ? custom.path : 'hatch_build.py');
  }
  // hatch force-include: sources the wheel takes from outside the packages (often a generated folder)
  for (const t of [obj(hatchBuild), obj(obj(hatchBuild?.targets)?.wheel)]) pushAll(wanted, Object.keys(obj(t?.['force-include']) ?? {}));
  // setuptools runs setup.py (and reads setup.cfg) when they are there: dynamic metadata, extensions
  const backend = obj(data['build-system'])?.['build-backend'];
  if (typeof backend === 'string' && backend.startsWith('setuptools')) for (const f of ['setup.py', 'setup.cfg']) if (exists(files, f) === 'file') wanted.push(f);
  const found: string[] = [];
  const missing: string[] = [];
  for (const w of wanted) (exists(files, w) ? found : missing).push(w.replace(/^\.\//, '').replace(/\/+$/, ''));
  for (const pattern of strings(project['license-files'])) {
    const matches = glob(files, pattern.replace(/^\.\//, ''));
    if (matches.length) pushAll(found, matches);
    else if (!/[*?[]/.test(pattern)) missing.push(pattern);
  }
  return { found: [...new Set(found)], missing };
}

/** Files matching a glob (`*`, `?`, `[…]`, `**`) relative to the root. */
export function glob(files: ProjectFiles, pattern: string): string[] {
  const parts = pattern.split('/').filter(Boolean);
  const out: string[] = [];
  const walk = (dir: string, i: number, depth: number) => {
    if (i >= parts.length || depth > 8) return;
    const names = files.list(dir) ?? [];
    if (parts[i] === '**') {
      walk(dir, i + 1, depth);
      for (const n of names) if (n.endsWith('/') && !SKIP_DIRS.has(n.slice(0, -1))) walk(joinPath(dir, n.slice(0, -1)), i, depth + 1);
      return;
    }
    const re = globSegment(parts[i]);
    for (const n of names) {
      const isDir = n.endsWith('/');
      const base = isDir ? n.slice(0, -1) : n;
      if (!re.test(base)) continue;
      if (i === parts.length - 1) { if (!isDir) out.push(joinPath(dir, base)); } else if (isDir) walk(joinPath(dir, base), i + 1, depth + 1);
    }
  };
  walk('', 0, 0);
  return out.sort();
}

export function globSegment(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 1);
      if (close < 0) { re += '\\['; continue; }
      re += '[' + seg.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
      i = close;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
