// What a shell command does, as far as the standard cares: which program it runs (through
// wrappers such as `exec`, `env`, `sudo`), and whether it installs Python dependencies, system
// packages, or creates a user.

import { SimpleCommand, Word } from './shell';

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
    if ((name === 'uv' || name === 'poetry' || name === 'pipenv' || name === 'hatch') && words[i + 1]?.value === 'run') {
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

export type InstallKind = 'pip' | 'uv-pip' | 'uv-sync' | 'poetry' | 'pipenv';

export interface DepInstall {
  kind: InstallKind;
  cmd: SimpleCommand;
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
  /** Installs only packaging tools (`pip install uv`, `pip install --upgrade pip`), not the project's dependencies. */
  toolOnly: boolean;
}

/** Packaging tools: installing them is a bootstrap, not a dependency install. */
const TOOLS = new Set(['uv', 'pip', 'poetry', 'pipenv', 'setuptools', 'wheel', 'pip-tools', 'virtualenv', 'hatch', 'pdm', 'poetry-plugin-export']);

/** Index of the first word after `from` that is not an option (global options may precede subcommands). */
function subcommandIndex(words: Word[], from: number): number {
  let i = from;
  while (i < words.length && words[i].value.startsWith('-')) {
    if (/^--(cache-dir|directory|project|config-file|python|log|proxy|index-url|extra-index-url)$/.test(words[i].value)) i++;
    i++;
  }
  return i;
}

const LOCAL_PATH = /^(\.|\.\/.*|\/.*|\.\.\/.*|[^=<>~!@]*\/[^=<>~!@]*)(\[.*\])?$/;

export function depInstall(cmd: SimpleCommand): DepInstall | undefined {
  const prog = findProgram(cmd);
  if (!prog) return undefined;
  const w = cmd.words;
  const first = prog.name === 'pip' && w[prog.index - 1]?.value === '-m' ? prog.index - 2 : prog.index;
  const at = (k: number) => w[k]?.value;
  if (prog.name === 'pip') {
    const sub = subcommandIndex(w, prog.index + 1);
    if (at(sub) !== 'install') return undefined;
    return pipLike('pip', cmd, first, sub);
  }
  if (prog.name === 'uv') {
    const sub = subcommandIndex(w, prog.index + 1);
    if (at(sub) === 'pip' && at(sub + 1) === 'install') return pipLike('uv-pip', cmd, first, sub + 1);
    if (at(sub) === 'sync') {
      const args = w.slice(sub + 1);
      const noProject = args.some((a) => /^--(no-install-project|no-install-workspace|only-group|only-dev)$/.test(a.value));
      return { kind: 'uv-sync', cmd, args, needsSource: !noProject, needsManifest: true, first, sub, toolOnly: false };
    }
    return undefined;
  }
  if (prog.name === 'poetry' || prog.name === 'pipenv') {
    const sub = subcommandIndex(w, prog.index + 1);
    if (at(sub) !== 'install' && !(prog.name === 'pipenv' && at(sub) === 'sync')) return undefined;
    const args = w.slice(sub + 1);
    const needsSource = prog.name === 'poetry' && !args.some((a) => a.value === '--no-root' || a.value.startsWith('--only'));
    return { kind: prog.name, cmd, args, needsSource, needsManifest: true, first, sub, toolOnly: false };
  }
  return undefined;
}

function pipLike(kind: 'pip' | 'uv-pip', cmd: SimpleCommand, first: number, sub: number): DepInstall {
  const args = cmd.words.slice(sub + 1);
  let needsSource = false;
  let needsManifest = false;
  let packages = 0;
  let tools = 0;
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === '-r' || v === '--requirement' || v === '-c' || v === '--constraint') { needsManifest = true; i++; continue; }
    if (/^(-r|--requirement=|-c|--constraint=)./.test(v)) { needsManifest = true; continue; }
    if (v === '-e' || v === '--editable') { const t = args[i + 1]?.value ?? ''; if (LOCAL_PATH.test(t)) needsSource = true; i++; continue; }
    if (/^--(index-url|extra-index-url|target|prefix|root|find-links|python|platform|only-binary|no-binary|trusted-host|src|upgrade-strategy|progress-bar|cache-dir|timeout|retries)$/.test(v) || /^-[itf]$/.test(v)) { i++; continue; }
    if (v.startsWith('-')) continue;
    if (v.endsWith('.toml')) { needsManifest = true; continue; }
    if (LOCAL_PATH.test(v) && !v.includes('://')) { needsSource = true; continue; }
    packages++;
    if (TOOLS.has(v.toLowerCase().replace(/[[<>=~!;].*$/, ''))) tools++;
  }
  const toolOnly = !needsSource && !needsManifest && packages > 0 && tools === packages;
  return { kind, cmd, args, needsSource, needsManifest, first, sub, toolOnly };
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
export function packageOp(cmd: SimpleCommand): PackageOp | undefined {
  const prog = findProgram(cmd);
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

export interface UserAdd { name: string; uid?: string; uidWord?: Word }

/** `useradd`/`adduser` creating a named user, with its UID when given. */
export function userAdd(cmd: SimpleCommand): UserAdd | undefined {
  const prog = findProgram(cmd);
  if (!prog || (prog.name !== 'useradd' && prog.name !== 'adduser')) return undefined;
  const w = cmd.words;
  let uid: string | undefined;
  let uidWord: Word | undefined;
  let name: string | undefined;
  const valued = prog.name === 'useradd'
    ? /^-[bcdefgGkKpsuRP]$|^--(base-dir|comment|home-dir|home|expiredate|inactive|gid|groups|skel|key|password|shell|uid|root|prefix|selinux-user|firstuid|lastuid|ingroup|gecos|extrausers)$/
    : /^-[hgsGuk]$|^--(home|shell|ingroup|gid|uid|gecos|firstuid|lastuid|conf|comment|add-extra-groups)$/; // BusyBox -D/-H/-S are flags
  for (let i = prog.index + 1; i < w.length; i++) {
    const v = w[i].value;
    if (v === '-u' || v === '--uid') { uid = w[i + 1]?.value; uidWord = w[i + 1]; i++; continue; }
    if (v.startsWith('--uid=')) { uid = v.slice(6); uidWord = w[i]; continue; }
    if (/^-u\d+$/.test(v)) { uid = v.slice(2); uidWord = w[i]; continue; }
    if (valued.test(v)) { i++; continue; }
    if (v.startsWith('-')) continue;
    if (name === undefined) name = v;
    else if (prog.name === 'adduser') break; // `adduser user group` adds to a group
  }
  return name ? { name, uid, uidWord } : undefined;
}
