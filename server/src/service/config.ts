// Reading configuration: [tool.docksmith] and the dependency list from pyproject.toml text, the
// docksmith.* editor settings, and an ECS task definition's CPU. Pure: callers pass text/objects.
// Invalid values are reported with file, line and key, and the valid ones are still used.

import * as TOML from '@iarna/toml';
import { DEFAULTS, StandardInput } from './standard';
import { RuleSetting } from './types';
import { pushAll, tomlKeyLine } from './text';
import { parseTaskDefinition } from './project/taskdef';

export interface ConfigProblem {
  /** 0-based line and character in the file, when known. */
  line: number;
  character: number;
  key?: string;
  message: string;
}

export interface PyprojectInfo {
  input: StandardInput;
  problems: ConfigProblem[];
  dependencies: string[];
  requiresPython?: string;
  /** The TOML could not be parsed at all. */
  malformed: boolean;
  /** Raw parsed document, for front ends that need more (the scaffold). */
  data?: Record<string, unknown>;
}

const SEVERITIES = new Set(['off', 'hint', 'info', 'warning', 'error']);

/** PEP 503 normalisation of a requirement's name. */
export function normalizeName(req: string): string {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(req);
  return (m ? m[1] : req).toLowerCase().replace(/[-_.]+/g, '-');
}

/** Line of `key =` inside the [tool.docksmith] table (for messages), or the table header. */
function keyLine(text: string, key: string): number {
  const lines = text.split(/\r?\n/);
  let inTable = false;
  let header = 0;
  const keyRe = tomlKeyLine(key);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (/^\[/.test(l)) {
      inTable = /^\[\s*tool\s*\.\s*docksmith\s*\]/.test(l) || /^\[\s*tool\s*\.\s*docksmith\s*\.\s*rules\s*\]/.test(l);
      if (/^\[\s*tool\s*\.\s*docksmith\s*\]/.test(l)) header = i;
      continue;
    }
    if (inTable && keyRe.test(l)) return i;
  }
  return header;
}

export function readPyproject(text: string, knownRules: ReadonlySet<string>): PyprojectInfo {
  const info: PyprojectInfo = { input: {}, problems: [], dependencies: [], malformed: false };
  let data: Record<string, unknown>;
  try {
    data = TOML.parse(text) as Record<string, unknown>;
  } catch (err) {
    const e = err as { line?: number; col?: number; message?: string };
    info.malformed = true;
    const first = String(e.message ?? err).split('\n')[0].replace(/ at row \d+, col \d+, pos \d+:?$/, '');
    info.problems.push({ line: Math.max(0, e.line ?? 0), character: Math.max(0, e.col ?? 0),
      message: `pyproject.toml is not valid TOML (line ${(e.line ?? 0) + 1}, column ${(e.col ?? 0) + 1}): ${first}. Docksmith uses its defaults until it is fixed.` });
    return info;
  }
  info.data = data;
  const project = obj(data.project);
  if (project) {
    if (typeof project['requires-python'] === 'string') info.requiresPython = project['requires-python'];
    const deps: unknown[] = [];
    if (Array.isArray(project.dependencies)) pushAll(deps, project.dependencies);
    const optional = obj(project['optional-dependencies']);
    if (optional) for (const v of Object.values(optional)) if (Array.isArray(v)) pushAll(deps, v);
    const groups = obj(data['dependency-groups']);
    if (groups) for (const v of Object.values(groups)) if (Array.isArray(v)) pushAll(deps, v);
    info.dependencies = [...new Set(deps.filter((d): d is string => typeof d === 'string').map(normalizeName))];
  }
  const poetryDeps = obj(obj(obj(data.tool)?.poetry)?.dependencies);
  if (poetryDeps) pushAll(info.dependencies, Object.keys(poetryDeps).map(normalizeName));
  const cfg = obj(obj(data.tool)?.docksmith);
  if (!cfg) return info;
  const problem = (key: string, message: string) => info.problems.push({ line: keyLine(text, key), character: 0, key, message });
  const positiveNumber = (key: string, integer: boolean, min: number, max = Infinity): number | undefined => {
    if (!(key in cfg)) return undefined;
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      problem(key, `[tool.docksmith] ${key} = ${JSON.stringify(v)} is invalid: expected ${integer ? 'an integer' : 'a number'} ${max < Infinity ? `from ${min} to ${max}` : `≥ ${min}`}. Using the default.`);
      return undefined;
    }
    return v;
  };
  info.input.vcpu = positiveNumber('vcpu', false, 0.25, 192);
  info.input.uid = positiveNumber('uid', true, 1, 2 ** 31 - 1);
  info.input.port = positiveNumber('port', true, 1, 65535);
  if ('health-path' in cfg) {
    const v = cfg['health-path'];
    if (typeof v === 'string' && v.startsWith('/')) info.input.healthPath = v;
    else problem('health-path', `[tool.docksmith] health-path = ${JSON.stringify(v)} is invalid: expected a path starting with "/". Using the default.`);
  }
  if ('python' in cfg) {
    const v = cfg.python;
    if (typeof v === 'string' && /^3\.\d+$/.test(v)) info.input.python = v;
    else problem('python', `[tool.docksmith] python = ${JSON.stringify(v)} is invalid: expected a minor version such as "3.11". Using the default.`);
  }
  if ('target' in cfg) {
    const v = cfg.target;
    if (typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(v)) info.input.target = v.toLowerCase();
    else problem('target', `[tool.docksmith] target = ${JSON.stringify(v)} is invalid: expected a stage name (the \`AS\` name that \`docker build --target\` builds). Using the last stage.`);
  }
  if ('context' in cfg) {
    const v = cfg.context;
    if (typeof v === 'string' && v.trim() && !v.includes('\0')) info.input.context = v.trim();
    else problem('context', `[tool.docksmith] context = ${JSON.stringify(v)} is invalid: expected the build context folder, relative to this pyproject.toml (e.g. "." or "../.."). Using the Dockerfile's folder.`);
  }
  if ('framework' in cfg) {
    const v = cfg.framework;
    if (v === 'asgi' || v === 'wsgi') info.input.framework = v;
    else problem('framework', `[tool.docksmith] framework = ${JSON.stringify(v)} is invalid: expected "asgi" (FastAPI, Starlette) or "wsgi" (Flask, Django). Inferring it from the dependencies.`);
  }
  if ('rules' in cfg) {
    const rules = obj(cfg.rules);
    if (!rules) problem('rules', '[tool.docksmith] rules must be a table, e.g. rules = { "use-uv" = "off" }.');
    else info.input.rules = validateRules(rules, knownRules, (key, msg) => problem(key, `[tool.docksmith] ${msg}`));
  }
  const known = new Set(['vcpu', 'uid', 'port', 'health-path', 'python', 'target', 'context', 'framework', 'rules', 'app', 'extras']);
  for (const key of Object.keys(cfg)) {
    if (!known.has(key)) problem(key, `[tool.docksmith] has an unknown key "${key}" (known: ${[...known].join(', ')}).`);
  }
  return info;
}

export function validateRules(rules: Record<string, unknown>, knownRules: ReadonlySet<string>, problem: (key: string, message: string) => void): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const [name, sev] of Object.entries(rules)) {
    if (!knownRules.has(name)) { problem(name, `rules: unknown rule "${name}". Known rules: ${[...knownRules].sort().join(', ')}.`); continue; }
    if (typeof sev !== 'string' || !SEVERITIES.has(sev)) { problem(name, `rules: "${name}" = ${JSON.stringify(sev)} is invalid: use "off", "hint", "info", "warning" or "error".`); continue; }
    out[name] = sev as RuleSetting;
  }
  return out;
}

/** Validate the docksmith.* settings object an editor sends; problems are plain messages. */
export function readSettings(raw: unknown, knownRules: ReadonlySet<string>): { input: StandardInput; enable: boolean; problems: string[] } {
  const s = obj(raw) ?? {};
  const problems: string[] = [];
  const input: StandardInput = {};
  const num = (key: keyof StandardInput, integer: boolean, min: number, max: number) => {
    const v = s[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || v < min || v > max || (integer && !Number.isInteger(v))) {
      const used = key === 'vcpu' ? 'no vCPU (a task definition\'s, if there is one)' : String(DEFAULTS[key as 'uid' | 'port']);
      problems.push(`Setting docksmith.${key} = ${JSON.stringify(v)} is invalid (expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}); using ${used}.`);
      return;
    }
    (input as Record<string, unknown>)[key] = v;
  };
  num('vcpu', false, 0.25, 192);
  num('uid', true, 1, 2 ** 31 - 1);
  num('port', true, 1, 65535);
  if (typeof s.healthPath === 'string' && s.healthPath.startsWith('/')) input.healthPath = s.healthPath;
  else if (s.healthPath !== undefined) problems.push(`Setting docksmith.healthPath = ${JSON.stringify(s.healthPath)} is invalid (expected a path starting with "/"); using ${DEFAULTS.healthPath}.`);
  if (typeof s.python === 'string' && /^3\.\d+$/.test(s.python)) input.python = s.python;
  else if (s.python !== undefined) problems.push(`Setting docksmith.python = ${JSON.stringify(s.python)} is invalid (expected a minor version such as "3.11"); using ${DEFAULTS.python} (or what requires-python asks for).`);
  if (typeof s.target === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(s.target)) input.target = s.target.toLowerCase();
  else if (s.target !== undefined && s.target !== null && s.target !== '') problems.push(`Setting docksmith.target = ${JSON.stringify(s.target)} is invalid: expected a stage name; using the last stage.`);
  if (typeof s.context === 'string' && s.context.trim()) input.context = s.context.trim();
  else if (s.context !== undefined && s.context !== null && s.context !== '') problems.push(`Setting docksmith.context = ${JSON.stringify(s.context)} is invalid: expected a folder path; using the Dockerfile's folder.`);
  if (s.framework === 'asgi' || s.framework === 'wsgi') input.framework = s.framework;
  else if (s.framework !== undefined && s.framework !== null && s.framework !== 'auto') problems.push(`Setting docksmith.framework = ${JSON.stringify(s.framework)} is invalid: expected "asgi", "wsgi" or "auto"; inferring it.`);
  // The client resolves "auto" (off while the Docker extension reports syntax); other editors send nothing: on.
  if (s.syntax === 'on' || s.syntax === 'off') input.syntax = s.syntax;
  else if (s.syntax !== undefined && s.syntax !== null && s.syntax !== 'auto') problems.push(`Setting docksmith.syntax = ${JSON.stringify(s.syntax)} is invalid: expected "auto", "on" or "off"; using "on".`);
  const rules = obj(s.rules);
  if (rules) input.rules = validateRules(rules, knownRules, (_k, m) => problems.push(`Setting docksmith.${m}`));
  return { input, enable: s.enable !== false, problems };
}

/**
 * vCPU from an ECS task definition JSON (task-level `cpu`: units or "1 vCPU"). Undefined when the
 * text is not valid JSON, not a task definition, or has no usable task-level `cpu`.
 */
export function taskDefinitionVcpu(text: string): number | undefined {
  const td = parseTaskDefinition(text);
  return td && !td.malformed ? td.cpu?.value : undefined;
}

/** A TOML table (not an array), or undefined. */
export function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The strings of a TOML array (anything else: none). */
export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
