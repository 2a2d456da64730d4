// What a shell command does, as far as the standard cares: which program it runs (through
// wrappers such as `exec`, `env`, `sudo`), and whether it installs Python dependencies, system
// packages, or creates a user.

import { SimpleCommand, Word, parseShell } from './shell';
import { pushAll } from './text';

/**
 * The lower-cased name at the front of a requirement word on a command line (`FastAPI[standard]>=0.115`
 * → `fastapi`): a cheap cut for the hot path, unlike scaffold/native-deps' PEP 508 `requirementName`.
 */
export function requirementWordName(word: string): string {
  return word.toLowerCase().replace(/[[<>=~!;].*$/, '');
}

/** Last path component, without a Python version suffix (python3.11 → python, pip3 → pip). */
export function programName(word: string): string {
  const base = word.slice(word.lastIndexOf('/') + 1);
  if (/^python[0-9.]*$/.test(base)) return 'python';
  if (/^pip[0-9.]*$/.test(base)) return 'pip';
  return base;
}

/** A shell variable assignment word (`NAME=value`). */
export const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

const SHELL_PROGRAMS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh']);

/** Is the word a POSIX shell (`sh`, `/bin/bash`, …)? */
export function isShellProgram(word: string): boolean {
  return SHELL_PROGRAMS.has(programName(word));
}

export interface Program {
  /** Normalised program name; for `python -m X`, X (pip, uvicorn, gunicorn, flask, …). */
  name: string;
  /** Index in `cmd.words` of the program word (for `python -m X`, of X). */
  index: number;
  /** Inline environment assignments before the program (`VAR=x cmd`, `env VAR=x cmd`). */
  env: Map<string, Word>;
  /** The command starts with `exec` (it replaces the shell). */
  exec: boolean;
}

/** Wrappers that run the rest of the command line as the real program. */
const PASS_THROUGH = new Set(['exec', 'sudo', 'command', 'nohup', 'time', 'dumb-init', 'tini', 'catatonit', 'ddtrace-run', 'opentelemetry-instrument']);

/** Find the program a simple command runs, looking through wrappers. */
export function findProgram(cmd: SimpleCommand | Word[], from = 0): Program | undefined {
  const words = Array.isArray(cmd) ? cmd : cmd.words;
  const env = new Map<string, Word>();
  let exec = false;
  let i = from;
  while (i < words.length) {
    const w = words[i].value;
    if (ASSIGNMENT.test(w)) { env.set(w.slice(0, w.indexOf('=')), words[i]); i++; continue; }
    const name = programName(w);
    if (name === 'exec') { exec = true; i++; continue; }
    if (RESERVED.has(w)) { i++; continue; }
    if (PASS_THROUGH.has(name)) {
      i++;
      while (i < words.length && words[i].value.startsWith('-')) {
        const f = words[i].value;
        i++;
        if (name === 'sudo' && /^-[ugCDhprtU]$/.test(f)) i++;
        if (f === '--') break;
      }
      continue;
    }
    if (name === 'env') {
      i++;
      while (i < words.length && words[i].value.startsWith('-')) i++;
      continue;
    }
    if (name === 'gosu' || name === 'su-exec' || name === 'chpst' || name === 'setpriv') { i += 2; continue; }
    if (name === 'newrelic-admin' && words[i + 1]?.value === 'run-program') { i += 2; continue; }
    if ((name === 'conda' || name === 'mamba' || name === 'micromamba') && words[i + 1]?.value === 'run') {
      i += 2;
      while (i < words.length && words[i].value.startsWith('-')) {
        if (/^(-n|-p|--name|--prefix|--cwd)$/.test(words[i].value)) i++;
        i++;
      }
      continue;
    }
    if ((name === 'uv' || name === 'poetry' || name === 'pipenv' || name === 'hatch' || name === 'pdm') && words[i + 1]?.value === 'run') {
      i += 2;
      while (i < words.length && words[i].value.startsWith('-')) {
        // uv run options that take a value
        if (/^--(with|python|package|extra|group|env-file|directory|project|index|with-requirements)$/.test(words[i].value)) i++;
        i++;
      }
      continue;
    }
    if (name === 'python') {
      let j = i + 1;
      while (j < words.length && /^-[^m-]/.test(words[j].value)) j++;
      if (words[j]?.value === '-m' && words[j + 1]) return { name: programName(words[j + 1].value), index: j + 1, env, exec };
      if (words[j]?.value.startsWith('-m') && words[j].value.length > 2) return { name: programName(words[j].value.slice(2)), index: j, env, exec };
    }
    return { name, index: i, env, exec };
  }
  return undefined;
}

export type InstallKind = 'pip' | 'pip-wheel' | 'uv-pip' | 'uv-sync' | 'poetry' | 'pdm' | 'pipenv' | 'conda';

export interface DepInstall {
  kind: InstallKind;
  cmd: SimpleCommand;
  /** The subcommand as written (`install`, `sync`, `wheel`, `download`, `add`, `create`). */
  subcommand: string;
  /** Words after the install subcommand. */
  args: Word[];
  /** The install needs the project source (installs the project itself). */
  needsSource: boolean;
  /** The install reads manifest files (requirements, pyproject, lock). */
  needsManifest: boolean;
  /** Index in cmd.words of the first word of the invocation (pip, python, uv…), for rewriting. */
  first: number;
  /** Index in cmd.words of the subcommand word (`install`, `sync`). */
  sub: number;
  /** Installs only packaging tools (`pip install uv`, `pip install --upgrade pip`, the poetry installer script), not the project's dependencies. */
  toolOnly: boolean;
  /** `uv pip install --system` (or UV_SYSTEM_PYTHON): into the system Python, without a lock. */
  system?: boolean;
  /** pip installs wheels built earlier (`--no-index --find-links`, `/wheels/*.whl`). */
  fromWheels?: boolean;
  /** pip reads a requirements list piped from `poetry export` / `pdm export` / `uv export`. */
  exportedBy?: string;
  /** The command sits inside another (`sh -c "…"`, `$(…)`): point at it, never rewrite it. */
  nested?: boolean;
}

/** Packaging tools: installing them is a bootstrap, not a dependency install. */
const TOOLS = new Set(['uv', 'pip', 'poetry', 'pipenv', 'setuptools', 'wheel', 'pip-tools', 'virtualenv', 'hatch', 'pdm', 'poetry-plugin-export', 'mamba', 'conda', 'micromamba', 'build', 'twine', 'cython']);

/** Index of the first word after `from` that is not an option (global options may precede subcommands). */
function subcommandIndex(words: Word[], from: number): number {
  let i = from;
  while (i < words.length && words[i].value.startsWith('-')) {
    if (/^--(cache-dir|directory|project|config-file|python|log|proxy|index-url|extra-index-url|prefix|name|root-prefix)$/.test(words[i].value) || /^-[pnr]$/.test(words[i].value)) i++;
    i++;
  }
  return i;
}

const LOCAL_PATH = /^(\.|\.\/.*|\/.*|\.\.\/.*|[^=<>~!@]*\/[^=<>~!@]*)(\[.*\])?$/;

/** Installer scripts piped into an interpreter (`curl -sSL https://install.python-poetry.org | python3 -`). */
const INSTALLER_URLS: [RegExp, InstallKind][] = [
  [/install\.python-poetry\.org|python-poetry\/install|get-poetry\.py/, 'poetry'],
  [/pdm-project\.org|install-pdm\.py/, 'pdm'],
  [/astral\.sh\/uv/, 'uv-sync'],
];

const CONDA = new Set(['conda', 'mamba', 'micromamba']);

/** One shape for every DepInstall (a spread per call made V8 build dictionary objects: 10x slower). */
function install(kind: InstallKind, cmd: SimpleCommand, subcommand: string, args: Word[], first: number, sub: number,
  needsSource: boolean, needsManifest: boolean, toolOnly: boolean): DepInstall {
  return { kind, cmd, subcommand, args, needsSource, needsManifest, first, sub, toolOnly, system: undefined, fromWheels: undefined, exportedBy: undefined, nested: undefined };
}

/**
 * The Python dependency install a simple command performs, if any. `prev` is the command piped
 * into this one (`poetry export … | pip install -r /dev/stdin`, `curl … | python3 -`).
 */
/** Programs that may install Python dependencies (python and shells only when fed an installer script). */
const INSTALLERS = new Set(['pip', 'uv', 'poetry', 'pipenv', 'pdm', 'conda', 'mamba', 'micromamba', 'python', 'sh', 'bash', 'dash', 'ash', 'zsh']);

export function depInstall(cmd: SimpleCommand, prev?: SimpleCommand, program?: Program | null): DepInstall | undefined {
  const prog = program === undefined ? findProgram(cmd) : program ?? undefined;
  if (!prog || !INSTALLERS.has(prog.name)) return undefined;
  const w = cmd.words;
  const first = prog.name === 'pip' && w[prog.index - 1]?.value === '-m' ? prog.index - 2 : prog.index;
  const at = (k: number) => w[k]?.value;
  const piped = prev && prev.next === '|' ? prev : undefined;
  if (piped && (prog.name === 'python' || isShellProgram(prog.name))) {
    const url = piped.words.map((x) => x.value).find((v) => /^https?:\/\//.test(v)) ?? '';
    const hit = INSTALLER_URLS.find(([re]) => re.test(url));
    if (hit) return install(hit[1], cmd, 'installer', [], first, prog.index, false, false, true);
    return undefined;
  }
  if (prog.name === 'pip') {
    const sub = subcommandIndex(w, prog.index + 1);
    const verb = at(sub) ?? '';
    if (verb === 'wheel' || verb === 'download') {
      // Building wheels of the requirements (or the project) is the dependency install of a wheels
      // builder; fetching one named package is not.
      const d = pipLike('pip-wheel', cmd, first, sub, verb);
      d.toolOnly = !d.needsManifest && !d.needsSource;
      return d;
    }
    if (verb !== 'install') return undefined;
    const d = pipLike('pip', cmd, first, sub, verb);
    const exporter = piped && findProgram(piped);
    if (exporter && ['poetry', 'pdm', 'uv', 'pipenv'].includes(exporter.name) && /^(export|requirements)$/.test(piped!.words[subcommandIndex(piped!.words, exporter.index + 1)]?.value ?? '')) {
      d.exportedBy = `${exporter.name} export`;
      d.needsManifest = true;
      d.toolOnly = false;
    }
    return d;
  }
  if (prog.name === 'uv') {
    const sub = subcommandIndex(w, prog.index + 1);
    if (at(sub) === 'pip' && at(sub + 1) === 'install') {
      const d = pipLike('uv-pip', cmd, first, sub + 1, 'pip install');
      d.system = d.args.some((a) => a.value === '--system') || prog.env.get('UV_SYSTEM_PYTHON') !== undefined;
      return d;
    }
    if (at(sub) === 'sync') {
      const args = w.slice(sub + 1);
      const noProject = args.some((a) => /^--(no-install-project|no-install-workspace|only-group|only-dev)$/.test(a.value));
      return install('uv-sync', cmd, 'sync', args, first, sub, !noProject, true, false);
    }
    return undefined;
  }
  if (prog.name === 'poetry' || prog.name === 'pipenv' || prog.name === 'pdm') {
    const sub = subcommandIndex(w, prog.index + 1);
    const verb = at(sub) ?? '';
    if (verb !== 'install' && verb !== 'sync') return undefined;
    const args = w.slice(sub + 1);
    const has = (re: RegExp) => args.some((a) => re.test(a.value));
    // poetry and pdm install the project itself unless told not to; pipenv never does
    const needsSource = prog.name === 'poetry' ? !has(/^(--no-root)$/)
      : prog.name === 'pdm' ? !has(/^(--no-self|--no-editable)$/) : false;
    return install(prog.name, cmd, verb, args, first, sub, needsSource, true, false);
  }
  if (CONDA.has(prog.name)) {
    let sub = subcommandIndex(w, prog.index + 1);
    let verb = at(sub) ?? '';
    if (verb === 'env' && /^(create|update)$/.test(at(sub + 1) ?? '')) { sub++; verb = `env ${at(sub)}`; }
    if (!/^(install|create|update|env create|env update)$/.test(verb)) return undefined;
    const args = w.slice(sub + 1);
    const fromFile = args.some((a) => /^(-f|--file)(=.*)?$/.test(a.value)) || verb.startsWith('env');
    const pkgs = args.filter((a, k) => !a.value.startsWith('-') && !/^(-[fcnp]|--(file|channel|name|prefix))$/.test(args[k - 1]?.value ?? ''));
    const toolOnly = !fromFile && pkgs.length > 0 && pkgs.every((a) => TOOLS.has(a.value.toLowerCase().replace(/[=<>~!].*$/, '')) || /^python([=<>].*)?$/.test(a.value));
    return install('conda', cmd, verb, args, first, sub, false, fromFile, toolOnly);
  }
  return undefined;
}

function pipLike(kind: 'pip' | 'pip-wheel' | 'uv-pip', cmd: SimpleCommand, first: number, sub: number, subcommand: string): DepInstall {
  const args = cmd.words.slice(sub + 1);
  let needsSource = false;
  let needsManifest = false;
  let fromWheels = false;
  let packages = 0;
  let tools = 0;
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === '-r' || v === '--requirement' || v === '-c' || v === '--constraint') { needsManifest = true; i++; continue; }
    if (/^(-r|--requirement=|-c|--constraint=)./.test(v)) { needsManifest = true; continue; }
    if (v === '-e' || v === '--editable') { const t = args[i + 1]?.value ?? ''; if (LOCAL_PATH.test(t)) needsSource = true; i++; continue; }
    if (v === '--no-index' || v === '-f' || v === '--find-links' || v.startsWith('--find-links=')) fromWheels = true;
    if (/^--(index-url|extra-index-url|target|prefix|root|find-links|python|platform|only-binary|no-binary|trusted-host|src|upgrade-strategy|progress-bar|cache-dir|timeout|retries|wheel-dir|dest)$/.test(v) || /^-[itfwd]$/.test(v)) { i++; continue; }
    if (v.startsWith('-')) continue;
    if (v.endsWith('.toml')) { needsManifest = true; continue; }
    if (/\.whl$|(^|\/)wheels?\//.test(v)) { fromWheels = true; continue; }
    if (LOCAL_PATH.test(v) && !v.includes('://')) { needsSource = true; continue; }
    packages++;
    if (TOOLS.has(requirementWordName(v))) tools++;
  }
  const toolOnly = !needsSource && !needsManifest && !fromWheels && packages > 0 && tools === packages;
  const d = install(kind, cmd, subcommand, args, first, sub, needsSource, needsManifest, toolOnly);
  d.fromWheels = fromWheels || undefined;
  return d;
}

/** Words that open or continue a compound command (`if pip install …; then …`): the program comes after them. */
export const RESERVED = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{']);

/**
 * The commands a simple command runs inside it: the script of `sh -c "…"`, and command
 * substitutions `$(…)` / backquotes in its words. Bounded in depth.
 */
export function innerCommands(cmd: SimpleCommand, depth = 0, program?: Program | null): SimpleCommand[] {
  if (depth > 3) return [];
  const out: SimpleCommand[] = [];
  const prog = program === undefined ? findProgram(cmd) : program ?? undefined;
  const w = cmd.words;
  if (prog && isShellProgram(w[prog.index].value) && /^-[a-z]*c[a-z]*$/.test(w[prog.index + 1]?.value ?? '') && w[prog.index + 2]?.inner) {
    for (const c of parseShell(w[prog.index + 2].inner!).commands) { out.push(c); pushAll(out, innerCommands(c, depth + 1)); }
  }
  for (const word of w) {
    if (!word.expands || (!word.value.includes('$(') && !word.value.includes('`'))) continue;
    const raw = cmd.src.text.slice(word.start, word.end);
    for (const [a, b] of substitutions(raw)) {
      for (const c of parseShell(cmd.src.slice(word.start + a, word.start + b)).commands) { out.push(c); pushAll(out, innerCommands(c, depth + 1)); }
    }
  }
  return out;
}

/** [start, end) of the text inside each `$(…)` and `` `…` `` of a raw word (outermost only). */
function substitutions(raw: string): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\') { i++; continue; }
    if (raw[i] === '$' && raw[i + 1] === '(' && raw[i + 2] !== '(') {
      let depth = 1;
      let j = i + 2;
      for (; j < raw.length && depth; j++) { if (raw[j] === '(') depth++; else if (raw[j] === ')') depth--; }
      if (depth === 0) { out.push([i + 2, j - 1]); i = j - 1; }
    } else if (raw[i] === '`') {
      const j = raw.indexOf('`', i + 1);
      if (j < 0) break;
      out.push([i + 1, j]);
      i = j;
    }
  }
  return out;
}

export interface PackageOp {
  action: 'install' | 'remove';
  packages: Word[];
  /** `apk add --virtual .build-deps …`: the group name `apk del .build-deps` removes. */
  virtual?: string;
}

const PKG_MANAGERS: Record<string, { install: string[]; remove: string[] }> = {
  'apt-get': { install: ['install'], remove: ['purge', 'remove', 'autoremove'] },
  apt: { install: ['install'], remove: ['purge', 'remove', 'autoremove'] },
  aptitude: { install: ['install'], remove: ['purge', 'remove'] },
  apk: { install: ['add'], remove: ['del'] },
  yum: { install: ['install'], remove: ['remove', 'erase'] },
  dnf: { install: ['install'], remove: ['remove', 'erase'] },
  microdnf: { install: ['install'], remove: ['remove'] },
};

/** System package installs and removals (apt-get, apk, yum, dnf). */
export function packageOp(cmd: SimpleCommand, program?: Program | null): PackageOp | undefined {
  const prog = program === undefined ? findProgram(cmd) : program ?? undefined;
  if (!prog) return undefined;
  const pm = PKG_MANAGERS[prog.name];
  if (!pm) return undefined;
  const w = cmd.words;
  let i = prog.index + 1;
  while (i < w.length && w[i].value.startsWith('-')) { if (/^-[otc]$/.test(w[i].value)) i++; i++; }
  const sub = w[i]?.value ?? '';
  const action = pm.install.includes(sub) ? 'install' : pm.remove.includes(sub) ? 'remove' : undefined;
  if (!action) return undefined;
  const packages: Word[] = [];
  let virtual: string | undefined;
  for (let k = i + 1; k < w.length; k++) {
    const v = w[k].value;
    if (prog.name === 'apk' && (v === '--virtual' || v === '-t')) { virtual = w[k + 1]?.value; k++; continue; }
    if (prog.name === 'apk' && v.startsWith('--virtual=')) { virtual = v.slice(10); continue; }
    if (v.startsWith('-')) { if (/^-[oc]$/.test(v) || (prog.name !== 'apk' && v === '-t')) k++; continue; }
    packages.push(w[k]);
  }
  return { action, packages, virtual };
}

/** Compilers and headers: what only a builder stage should install. */
export const BUILD_TOOL = /^(gcc|g\+\+|gcc-\d+|g\+\+-\d+|cpp|build-essential|build-base|make|clang|clang-\d+|gfortran|.+-dev|.+-devel|python3?-dev)$/;

/** Package name without version pins (`gcc=4:12.2.0-3` → gcc, `curl~=7` → curl). */
export function packageName(word: string): string {
  return word.replace(/[=<>~].*$/, '').replace(/:.*$/, '').toLowerCase();
}

/** `system`: created as a system account (`useradd -r`, `adduser --system`/`-S`), which gets a UID below 1000. */
export interface UserAdd { name: string; uid?: string; uidWord?: Word; system: boolean }

/** `useradd`/`adduser` creating a named user, with its UID when given. */
export function userAdd(cmd: SimpleCommand, program?: Program | null): UserAdd | undefined {
  const prog = program === undefined ? findProgram(cmd) : program ?? undefined;
  if (!prog || (prog.name !== 'useradd' && prog.name !== 'adduser')) return undefined;
  const w = cmd.words;
  let uid: string | undefined;
  let uidWord: Word | undefined;
  let name: string | undefined;
  const valued = prog.name === 'useradd'
    ? /^-[bcdefgGkKpsuRP]$|^--(base-dir|comment|home-dir|home|expiredate|inactive|gid|groups|skel|key|password|shell|uid|root|prefix|selinux-user|firstuid|lastuid|ingroup|gecos|extrausers)$/
    : /^-[hgsGuk]$|^--(home|shell|ingroup|gid|uid|gecos|firstuid|lastuid|conf|comment|add-extra-groups)$/; // BusyBox -D/-H/-S are flags
  let system = false;
  // no-value short flags may be combined (`useradd -rm`, BusyBox `adduser -DHS`)
  const systemFlag = prog.name === 'useradd' ? /^(--system|-[lmMNoU]*r[lmMNoU]*)$/ : /^(--system|-[DH]*S[DH]*)$/;
  for (let i = prog.index + 1; i < w.length; i++) {
    const v = w[i].value;
    if (systemFlag.test(v)) { system = true; continue; }
    if (v === '-u' || v === '--uid') { uid = w[i + 1]?.value; uidWord = w[i + 1]; i++; continue; }
    if (v.startsWith('--uid=')) { uid = v.slice(6); uidWord = w[i]; continue; }
    if (/^-u\d+$/.test(v)) { uid = v.slice(2); uidWord = w[i]; continue; }
    if (valued.test(v)) { i++; continue; }
    if (v.startsWith('-')) continue;
    if (name === undefined) name = v;
    else if (prog.name === 'adduser') break; // `adduser user group` adds to a group
  }
  return name ? { name, uid, uidWord, system } : undefined;
}
