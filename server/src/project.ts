// Loads what lies around a Dockerfile on disk (the nearest pyproject.toml, uv.lock, a
// gunicorn.conf.py, requirements files, an ECS task definition) and turns it into plain data for
// the core. File reads are cached by path and modification time.

import * as fs from 'fs';
import * as path from 'path';
import { ConfigProblem, PyprojectInfo, normalizeName, readPyproject } from './service/config';
import { parseTaskDefinition } from './service/project/taskdef';
import { parseGunicornConfig } from './service/project/gunicorn-conf';
import { snapshotContext } from './service/project/context';
import { BuildContext, PythonFacts } from './service/project/types';
import { pythonFacts } from './service/project/python';
import { diskFiles } from './scaffold';
import { ProjectFiles } from './service/scaffold/files';
import { StandardLayers } from './service/standard';
import { ProjectFacts } from './service/types';

export interface ProjectContext {
  facts: ProjectFacts;
  layers: Omit<StandardLayers, 'settings'>;
  /** The pyproject.toml used, with its problems (to publish on that file). */
  pyproject?: { path: string; problems: ConfigProblem[] };
}

interface Cached<T> { mtimeMs: number; size: number; value: T }

const MAX_CONFIG_BYTES = 2 * 1024 * 1024;
/** How long a scan of the project files is reused without asking the disk (watched-file events clear it at once). */
const RECENT_MS = 1500;

export class ProjectLoader {
  private cache = new Map<string, Cached<unknown>>();
  /** Python-project facts by project folder (a scan of the sources: refreshed only after file events, never per keystroke). */
  private python = new Map<string, { stale: boolean; value: PythonFacts }>();
  /** Build-context snapshots by context folder + ignore file; `stale` after file events. */
  private contexts = new Map<string, { stale: boolean; value: BuildContext }>();
  /** Recent answers per Dockerfile: typing re-lints often, the disk rarely changes in between. */
  private recent = new Map<string, { at: number; value: ProjectContext }>();

  constructor(private readonly knownRules: ReadonlySet<string>) {}

  /** Forget everything (files changed on disk). */
  clear(): void {
    this.cache.clear();
    this.recent.clear();
    for (const c of this.contexts.values()) c.stale = true;
    for (const p of this.python.values()) p.stale = true;
  }

  /** Texts of files open in the editor (a task definition being edited): read instead of the disk. */
  private overlay = new Map<string, { version: number; text: string }>();
  private overlayCache = new Map<string, { version: number; value: unknown }>();

  setOverlay(file: string, version: number, text: string | undefined): void {
    if (text === undefined) this.overlay.delete(file); else this.overlay.set(file, { version, text });
    this.overlayCache.clear();
    this.recent.clear();
  }

  private read<T>(file: string, parse: (text: string) => T): T | undefined {
    const open = this.overlay.get(file);
    if (open) {
      const hit = this.overlayCache.get(`${file}\0${parse.name}`);
      if (hit && hit.version === open.version) return hit.value as T;
      const value = parse(open.text);
      this.overlayCache.set(`${file}\0${parse.name}`, { version: open.version, value });
      return value;
    }
    let st: fs.Stats;
    // one file may be read through several parsers (pyproject.toml: the config, and its text): cache each
    const key = `${file}\0${parse.name}`;
    try { st = fs.statSync(file); } catch { this.cache.delete(key); return undefined; }
    if (!st.isFile() || st.size > MAX_CONFIG_BYTES) return undefined;
    const hit = this.cache.get(key);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.value as T;
    let text: string;
    try { text = fs.readFileSync(file, 'utf8'); } catch { return undefined; }
    const value = parse(text);
    this.cache.set(key, { mtimeMs: st.mtimeMs, size: st.size, value });
    return value;
  }

  private exists(file: string): boolean {
    try { return fs.statSync(file).isFile(); } catch { return false; }
  }

  /** Context for a Dockerfile at `file` (absolute path); `root` bounds the upward search when known. */
  load(file: string, root?: string, contextSetting?: string): ProjectContext {
    const key = `${file}\0${root ?? ''}\0${contextSetting ?? ''}`;
    const hit = this.recent.get(key);
    if (hit && Date.now() - hit.at < RECENT_MS) return hit.value;
    const value = this.scan(file, root, contextSetting);
    if (this.recent.size > 200) this.recent.clear();
    this.recent.set(key, { at: Date.now(), value });
    return value;
  }

  private scan(file: string, root?: string, contextSetting?: string): ProjectContext {
    const dir = path.dirname(file);
    const facts: ProjectFacts = {};
    const layers: ProjectContext['layers'] = {};
    let pyPath: string | undefined;
    for (let d = dir, depth = 0; depth < 30; depth++) {
      const candidate = path.join(d, 'pyproject.toml');
      if (this.exists(candidate)) { pyPath = candidate; break; }
      const up = path.dirname(d);
      if (up === d || (root && !path.resolve(up).startsWith(path.resolve(root)))) break;
      d = up;
    }
    const projectDir = pyPath ? path.dirname(pyPath) : dir;
    const deps = new Set<string>();
    let pyproject: ProjectContext['pyproject'];
    const known = this.knownRules;
    const rel = (p: string) => (root && (p === root || p.startsWith(root + path.sep)) ? path.relative(root, p) || path.basename(p) : path.basename(p)).split(path.sep).join('/');
    if (pyPath) {
      const info = this.read<PyprojectInfo>(pyPath, function pyprojectConfig(this: void, t: string) { return readPyproject(t, known); });
      if (info) {
        info.dependencies.forEach((d) => deps.add(d));
        layers.pyproject = info.input;
        layers.pyprojectLabel = `[tool.docksmith] in ${rel(pyPath)}`;
        layers.requiresPython = info.requiresPython;
        pyproject = { path: pyPath, problems: info.problems };
      }
      facts.pyprojectPath = pyPath;
      facts.pyprojectText = this.read(pyPath, function text(t: string) { return t; });
      facts.hasUvLock = this.exists(path.join(projectDir, 'uv.lock'));
    }
    const dirs = [...new Set([dir, projectDir])];
    facts.hasGunicornConfig = dirs.some((d) => this.exists(path.join(d, 'gunicorn.conf.py')));
    for (const d of dirs) {
      for (const name of listDir(d)) {
        if (!/^requirements[^/]*\.txt$/i.test(name)) continue;
        const reqs = this.read(path.join(d, name), parseRequirements);
        reqs?.forEach((r) => deps.add(r));
      }
    }
    if (deps.size || pyPath) facts.dependencies = [...deps];
    // The ECS task definition: the first JSON file named like one (beside the Dockerfile or the
    // project, or in ecs/, deploy/, .aws/, infra/, aws/) that is one. Read as text, never run.
    const label = (p: string) => (root && (p === root || p.startsWith(root + path.sep)) ? path.relative(root, p) || path.basename(p) : path.relative(projectDir, p) || path.basename(p)).split(path.sep).join('/');
    search: for (const d of [...dirs, ...['ecs', 'deploy', '.aws', 'infra', 'aws'].map((s) => path.join(projectDir, s))]) {
      const found = listDir(d).filter((n) => /task[-_.]?def.*\.json$|task[-_]definition.*\.json$/i.test(n)).sort();
      for (const name of found) {
        const full = path.join(d, name);
        const def = this.read(full, parseTaskDefinition);
        if (!def) continue;
        facts.taskDefinition = { path: full, label: label(full), def };
        if (def.cpu && !def.malformed) layers.taskDefinitionVcpu = { value: def.cpu.value, source: `ECS task definition ${path.relative(projectDir, full) || name}` };
        break search;
      }
    }
    // The build context: [tool.docksmith] context (relative to pyproject.toml), else the setting
    // (relative to the workspace folder), else the Dockerfile's folder.
    const configured = layers.pyproject?.context;
    const contextDir = configured && pyPath ? path.resolve(projectDir, configured)
      : contextSetting ? path.resolve(root ?? dir, contextSetting) : dir;
    facts.context = this.buildContext(file, contextDir, root);
    facts.dockerfilePath = file;
    // gunicorn configuration files, named relative to the build context (what COPY sees), read as text
    const configs: NonNullable<ProjectFacts['gunicornConfigs']> = [];
    const seen = new Set<string>();
    for (const d of [...new Set([contextDir, ...dirs])]) {
      for (const sub of ['', 'config', 'conf', 'deploy', 'docker', 'etc']) {
        const folder = path.join(d, sub);
        for (const n of listDir(folder)) {
          if (!/^gunicorn.*\.py$|^.*gunicorn[_.-]?conf(ig)?\.py$/i.test(n)) continue;
          const full = path.join(folder, n);
          if (seen.has(full)) continue;
          seen.add(full);
          const config = this.read(full, parseGunicornConfig);
          if (!config) continue;
          const rel = path.relative(contextDir, full).split(path.sep).join('/');
          configs.push({ path: full, label: label(full), name: rel.startsWith('..') ? n : rel, config });
        }
      }
    }
    if (configs.length) facts.gunicornConfigs = configs;
    if (pyPath || facts.dependencies?.length) facts.python = this.pythonFacts(projectDir, root);
    return { facts, layers, pyproject };
  }

  private pythonFacts(dir: string, root?: string): PythonFacts | undefined {
    const hit = this.python.get(dir);
    if (hit && !hit.stale) return hit.value;
    let value: PythonFacts;
    try { value = pythonFacts(diskFiles(dir)); } catch { return undefined; }
    // file names in messages: relative to the workspace folder when the project lies in it
    const prefix = root && dir.startsWith(root + path.sep) ? path.relative(root, dir).split(path.sep).join('/') : '';
    if (prefix) {
      for (const r of value.routes) r.file = `${prefix}/${r.file}`;
      for (const d of value.dependencies) d.file = `${prefix}/${d.file}`;
    }
    if (this.python.size > 20) this.python.clear();
    this.python.set(dir, { stale: false, value });
    return value;
  }

  private buildContext(dockerfile: string, dir: string, root?: string): BuildContext | undefined {
    try { if (!fs.statSync(dir).isDirectory()) return undefined; } catch { return undefined; }
    // BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile before the context's .dockerignore
    const own = `${dockerfile}.dockerignore`;
    const ignoreFile = this.exists(own) ? own : this.exists(path.join(dir, '.dockerignore')) ? path.join(dir, '.dockerignore') : undefined;
    // messages name the context relative to the workspace root, else to the Dockerfile's folder: never by absolute path
    const inRoot = (p: string) => !!root && (p === root || p.startsWith(root + path.sep));
    const from = inRoot(dir) ? root! : path.dirname(dockerfile);
    const key = `${dir}\0${ignoreFile ?? ''}\0${from}`;
    const hit = this.contexts.get(key);
    if (hit && !hit.stale) return hit.value;
    const label = (p: string) => (path.relative(from, p) || '.').split(path.sep).join('/');
    const text = ignoreFile ? this.read(ignoreFile, function text(t: string) { return t; }) : undefined;
    const value = snapshotContext(cachedDiskFiles(dir), {
      label: label(dir), dir,
      dockerignore: ignoreFile && text !== undefined ? { file: ignoreFile, label: label(ignoreFile), text } : undefined,
    });
    if (this.contexts.size > 50) this.contexts.clear();
    this.contexts.set(key, { stale: false, value });
    return value;
  }
}

/** Directory listings under `root`, each read once (the snapshot is dropped when the tree changes). Symlinked folders are not followed. */
export function cachedDiskFiles(root: string): ProjectFiles {
  const lists = new Map<string, string[] | undefined>();
  const resolve = (rel: string): string | undefined => {
    const abs = path.resolve(root, rel);
    return abs === root || abs.startsWith(root + path.sep) ? abs : undefined;
  };
  return {
    list(dir) {
      const key = dir.replace(/\/+$/, '');
      if (lists.has(key)) return lists.get(key);
      const abs = resolve(key);
      let out: string[] | undefined;
      if (abs) {
        try {
          out = fs.readdirSync(abs, { withFileTypes: true }).slice(0, 20_000)
            .map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
        } catch { out = undefined; }
      }
      lists.set(key, out);
      return out;
    },
    read: () => undefined,
  };
}

function listDir(d: string): string[] {
  try { return fs.readdirSync(d); } catch { return []; }
}

function parseRequirements(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith('-')).map(normalizeName);
}
