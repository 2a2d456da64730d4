// The numbers of the standard (docs/standard.md) in one place, merged with [tool.docksmith] and editor settings.
// Rules, hovers and the scaffold read them from here; nothing else hard-codes a standard value.

import { RuleSetting, Sourced, Standard } from './types';

export const DEFAULTS = {
  uid: 1000,
  port: 8000,
  healthPath: '/health',
  python: '3.11',
  timeout: 120,
  gracefulTimeout: 30,
  /** uv release the tool ships with for `COPY --from=ghcr.io/astral-sh/uv:<version>`. */
  uvVersion: '0.9.5',
} as const;

export const WORKER_CLASS = 'uvicorn.workers.UvicornWorker';
export const ASGI_WORKERS = new Set(['uvicorn.workers.UvicornWorker', 'uvicorn.workers.UvicornH11Worker',
  'uvicorn_worker.UvicornWorker', 'uvicorn_worker.UvicornH11Worker', 'asgi']);
/** Dependencies that make a project an ASGI service. */
export const ASGI_FRAMEWORKS = ['fastapi', 'starlette', 'quart', 'uvicorn', 'litestar', 'sanic'];
/** Dependencies that make a project a WSGI app (gunicorn's sync workers are right for it). */
export const WSGI_FRAMEWORKS = ['flask', 'django', 'pyramid', 'bottle', 'falcon', 'web-py', 'cherrypy'];
export const SUPPORTED_PYTHON = ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];

export interface StandardInput {
  vcpu?: number;
  uid?: number;
  port?: number;
  healthPath?: string;
  python?: string;
  target?: string;
  /** The build context folder (the loader resolves it: [tool.docksmith] relative to pyproject.toml, the setting to the workspace folder). */
  context?: string;
  framework?: 'asgi' | 'wsgi';
  /** 'auto' is resolved by the client ('on' unless another extension reports Dockerfile syntax). */
  syntax?: 'on' | 'off';
  rules?: Record<string, RuleSetting>;
}

export interface StandardLayers {
  /** [tool.docksmith] of the nearest pyproject.toml: wins over editor settings. */
  pyproject?: StandardInput;
  pyprojectLabel?: string;
  /** Editor settings (docksmith.*). */
  settings?: StandardInput;
  /** `requires-python` of the project: raises the default Python minor when it asks for newer. */
  requiresPython?: string;
  /** vCPU from an ECS task definition, when neither layer sets it. */
  taskDefinitionVcpu?: { value: number; source: string };
}

export function makeStandard(layers: StandardLayers = {}): Standard {
  const { pyproject = {}, settings = {} } = layers;
  const label = layers.pyprojectLabel ?? '[tool.docksmith] in pyproject.toml';
  function pick<K extends keyof StandardInput>(key: K, settingName: string, fallback: NonNullable<StandardInput[K]>, fallbackSource = 'the standard') {
    if (pyproject[key] !== undefined) return { value: pyproject[key] as NonNullable<StandardInput[K]>, source: label };
    if (settings[key] !== undefined && settings[key] !== null) return { value: settings[key] as NonNullable<StandardInput[K]>, source: `setting docksmith.${settingName}` };
    return { value: fallback, source: fallbackSource };
  }
  const derived = layers.requiresPython ? pythonForRequires(layers.requiresPython) : undefined;
  const allowed = layers.requiresPython ? pythonMinorsAllowed(layers.requiresPython) : undefined;
  const pythonDefault = derived ?? DEFAULTS.python;
  const python = pick('python', 'python', pythonDefault, pythonDefault !== DEFAULTS.python ? `requires-python "${layers.requiresPython}"` : 'the standard');
  let vcpu: Standard['vcpu'];
  if (pyproject.vcpu !== undefined) vcpu = { value: pyproject.vcpu, source: label };
  else if (settings.vcpu !== undefined && settings.vcpu !== null) vcpu = { value: settings.vcpu, source: 'setting docksmith.vcpu' };
  else if (layers.taskDefinitionVcpu) vcpu = layers.taskDefinitionVcpu;
  const optional = <K extends 'target' | 'framework'>(key: K): Sourced<NonNullable<StandardInput[K]>> | undefined => {
    if (pyproject[key] !== undefined) return { value: pyproject[key]!, source: label };
    if (settings[key] !== undefined && settings[key] !== null) return { value: settings[key]!, source: `setting docksmith.${key}` };
    return undefined;
  };
  return {
    uid: pick('uid', 'uid', DEFAULTS.uid),
    port: pick('port', 'port', DEFAULTS.port),
    healthPath: pick('healthPath', 'healthPath', DEFAULTS.healthPath),
    python,
    pythonAllowed: allowed ? { minors: allowed, spec: layers.requiresPython! } : undefined,
    vcpu,
    target: optional('target'),
    framework: optional('framework'),
    syntax: (pyproject.syntax ?? settings.syntax) !== 'off',
    rules: { ...(settings.rules ?? {}), ...(pyproject.rules ?? {}) },
    timeout: DEFAULTS.timeout,
    gracefulTimeout: DEFAULTS.gracefulTimeout,
    uvVersion: DEFAULTS.uvVersion,
  };
}

/** Worker count the standard wants for a vCPU value (fractional Fargate sizes get one worker). */
export function workersFor(vcpu: number): number {
  return Math.max(1, Math.floor(vcpu));
}

type Clause = { op: string; version: number[] };

function parseVersion(v: string): number[] {
  return v.split('.').map((p) => (p === '*' ? -1 : parseInt(p, 10)));
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function satisfies(v: number[], c: Clause): boolean {
  const cmp = compare(v, c.version.filter((x) => x >= 0));
  switch (c.op) {
    case '>=': return cmp >= 0;
    case '>': return cmp > 0;
    case '<=': return cmp <= 0;
    case '<': return cmp < 0;
    case '!=': return c.version.includes(-1) ? !prefixMatch(v, c.version) : cmp !== 0;
    case '==': case '===': return c.version.includes(-1) ? prefixMatch(v, c.version) : cmp === 0;
    case '~=': {
      const upper = c.version.slice(0, -1);
      upper[upper.length - 1]++;
      return cmp >= 0 && compare(v, upper) < 0;
    }
    default: return true;
  }
}

function prefixMatch(v: number[], pattern: number[]): boolean {
  return pattern.every((p, i) => p < 0 || v[i] === p);
}

/**
 * The Python minor for a `requires-python` range: the standard's 3.11 when allowed, otherwise the
 * lowest supported minor the range allows. Returns undefined when the range is not understood and
 * `{ error }` when it excludes every supported minor.
 */
export function pythonForRequires(spec: string): string | undefined {
  const r = pythonForRequiresDetailed(spec);
  return typeof r === 'string' ? r : undefined;
}

/** Parse a PEP 440 specifier set ("<4,>=3.11"); undefined when a clause is not understood. */
function parseSpecifier(spec: string): Clause[] | undefined {
  const clauses: Clause[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    // A pre-release, post or dev suffix (`<3.13.0a1`) bounds at its release: 3.13.0 itself is then outside `<`.
    const m = /^(~=|===|==|!=|<=|>=|<|>)\s*v?([0-9]+(?:\.(?:[0-9]+|\*))*)(?:\.?(?:a|b|rc|alpha|beta|c|pre|preview|post|dev)[0-9]*)*$/i.exec(part);
    if (!m) return undefined;
    clauses.push({ op: m[1], version: parseVersion(m[2]) });
  }
  return clauses;
}

/** Whether a release version ("0.9.5") satisfies a specifier set; undefined when the set is not understood. */
export function versionSatisfies(spec: string, version: string): boolean | undefined {
  const clauses = parseSpecifier(spec);
  if (!clauses) return undefined;
  const v = parseVersion(version);
  return clauses.every((c) => satisfies(v, c));
}

/** The release versions a specifier set names (">=0.8.4,<0.10" → ["0.8.4", "0.10"]), wildcards dropped. */
export function specifierVersions(spec: string): string[] {
  return (parseSpecifier(spec) ?? []).map((c) => c.version.filter((x) => x >= 0).join('.')).filter(Boolean);
}

/** Supported Python minors a requires-python range allows (undefined when the range is not understood). */
export function pythonMinorsAllowed(spec: string): string[] | undefined {
  const clauses = parseSpecifier(spec);
  if (!clauses) return undefined;
  return SUPPORTED_PYTHON.filter((minor) => {
    const [maj, min] = minor.split('.').map(Number);
    // sample patches, plus each patch the clauses name for this minor and its neighbours
    // (`==3.13.13`, `>3.12.4,<3.12.6` admit only those)
    const patches = [0, 1, 5, 10, 50, 99];
    for (const c of clauses) {
      const p = c.version[2];
      if (c.version[0] === maj && c.version[1] === min && p !== undefined && p >= 0) patches.push(p, p + 1, Math.max(0, p - 1));
    }
    return patches.some((patch) => clauses.every((c) => satisfies([maj, min, patch], c)));
  });
}

export function pythonForRequiresDetailed(spec: string): string | { error: string } | undefined {
  const allowed = pythonMinorsAllowed(spec);
  if (!allowed) return undefined;
  if (!allowed.length) return { error: `requires-python "${spec}" excludes every supported Python (${SUPPORTED_PYTHON.join(', ')})` };
  return allowed.includes(DEFAULTS.python) ? DEFAULTS.python : allowed[0];
}
