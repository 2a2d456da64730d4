// Loads what lies around a Dockerfile on disk (the nearest pyproject.toml, uv.lock, a
// gunicorn.conf.py, requirements files, an ECS task definition) and turns it into plain data for
// the core. File reads are cached by path and modification time.

import * as fs from 'fs';
import * as path from 'path';
import { ConfigProblem, PyprojectInfo, normalizeName, readPyproject, taskDefinitionVcpu } from './service/config';
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
  /** Recent answers per Dockerfile: typing re-lints often, the disk rarely changes in between. */
  private recent = new Map<string, { at: number; value: ProjectContext }>();

  constructor(private readonly knownRules: ReadonlySet<string>) {}

  /** Forget everything (files changed on disk). */
  clear(): void {
    this.cache.clear();
    this.recent.clear();
  }

  private read<T>(file: string, parse: (text: string) => T): T | undefined {
    let st: fs.Stats;
    try { st = fs.statSync(file); } catch { this.cache.delete(file); return undefined; }
    if (!st.isFile() || st.size > MAX_CONFIG_BYTES) return undefined;
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.value as T;
    let text: string;
    try { text = fs.readFileSync(file, 'utf8'); } catch { return undefined; }
    const value = parse(text);
    this.cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, value });
    return value;
  }

  private exists(file: string): boolean {
    try { return fs.statSync(file).isFile(); } catch { return false; }
  }

  /** Context for a Dockerfile at `file` (absolute path); `root` bounds the upward search when known. */
  load(file: string, root?: string): ProjectContext {
    const key = `${file}\0${root ?? ''}`;
    const hit = this.recent.get(key);
    if (hit && Date.now() - hit.at < RECENT_MS) return hit.value;
    const value = this.scan(file, root);
    if (this.recent.size > 200) this.recent.clear();
    this.recent.set(key, { at: Date.now(), value });
    return value;
  }

  private scan(file: string, root?: string): ProjectContext {
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
    if (pyPath) {
      const info = this.read<PyprojectInfo>(pyPath, (t) => readPyproject(t, this.knownRules));
      if (info) {
        info.dependencies.forEach((d) => deps.add(d));
        layers.pyproject = info.input;
        layers.pyprojectLabel = `[tool.docksmith] in ${pyPath}`;
        layers.requiresPython = info.requiresPython;
        pyproject = { path: pyPath, problems: info.problems };
      }
      facts.pyprojectPath = pyPath;
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
    for (const d of [...dirs, ...['ecs', 'deploy', '.aws', 'infra', 'aws'].map((s) => path.join(projectDir, s))]) {
      const found = listDir(d).filter((n) => /task[-_.]?def.*\.json$|task[-_]definition.*\.json$/i.test(n)).sort();
      for (const name of found) {
        const vcpu = this.read(path.join(d, name), taskDefinitionVcpu);
        if (vcpu) {
          layers.taskDefinitionVcpu = { value: vcpu, source: `ECS task definition ${path.relative(projectDir, path.join(d, name)) || name}` };
          break;
        }
      }
      if (layers.taskDefinitionVcpu) break;
    }
    return { facts, layers, pyproject };
  }
}

function listDir(d: string): string[] {
  try { return fs.readdirSync(d); } catch { return []; }
}

function parseRequirements(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith('-')).map(normalizeName);
}
