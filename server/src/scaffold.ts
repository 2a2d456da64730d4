// workspace/executeCommand `docksmith.scaffold` and `docksmith.projectInfo`: the pure scaffold
// core over a bounded, read-only view of the disk. Nothing is written here: the client decides
// where the text goes (and never overwrites silently).

import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { ParentFolder, ProjectFiles, ProjectInfo, ScaffoldError, ScaffoldRequest, inspectProject, scaffold } from './service/scaffold';
import { StandardInput } from './service/standard';
import { Sourced } from './service/types';

export const SCAFFOLD_COMMAND = 'docksmith.scaffold';
export const PROJECT_INFO_COMMAND = 'docksmith.projectInfo';

export interface ScaffoldArgs { pyproject: string; vcpu?: number; app?: string }
/** An edit to a file of the project, as data (LSP positions: 0-based line, UTF-16 character). */
export interface ProjectFileEdit { path: string; edits: { start: { line: number; character: number }; end: { line: number; character: number }; newText: string }[] }

export interface ScaffoldResponse {
  dockerfile: string;
  dockerignore: string;
  notes: string[];
  /** Edits the image needs to start (gunicorn and uvicorn-worker added to [project].dependencies); then `uv lock`. Never applied by the server. */
  projectEdits?: ({ title: string; placement?: 'member' } & ProjectFileEdit)[];
  /** No health route was found: a minimal one next to the app object (no `edit` for Django: a note says what to add). */
  healthEndpoint?: { path: string; framework: 'fastapi' | 'starlette' | 'flask' | 'django'; edit?: ProjectFileEdit };
  /** The folder `docker build` must use as its context when it is not the pyproject.toml's (relative to it). */
  buildContext?: string;
  /** A workspace member's Dockerfile may live at the root instead (path relative to the pyproject's folder); `note` then replaces `memberNote`. */
  atRoot?: { dockerfile: string; note: string; memberNote: string };
}

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ENTRIES = 5000;

/** Read-only access to the files under `root`; paths that leave it read as missing. */
export function diskFiles(root: string): ProjectFiles {
  const resolve = (rel: string): string | undefined => {
    const abs = path.resolve(root, rel);
    return abs === root || abs.startsWith(root + path.sep) ? abs : undefined;
  };
  return {
    list(dir) {
      const abs = resolve(dir);
      if (!abs) return undefined;
      let entries: fs.Dirent[];
      try { entries = fs.readdirSync(abs, { withFileTypes: true }); } catch { return undefined; }
      const out: string[] = [];
      for (const e of entries.slice(0, MAX_ENTRIES)) {
        // Symlinked directories are not followed: loops, and links out of the build context (which
        // Docker copies as dangling links), would only produce wrong candidates and slow scans.
        if (e.isSymbolicLink()) {
          try { if (!fs.statSync(path.join(abs, e.name)).isFile()) continue; } catch { continue; }
          out.push(e.name);
          continue;
        }
        out.push(e.isDirectory() ? e.name + '/' : e.name);
      }
      return out;
    },
    read(file) {
      const abs = resolve(file);
      if (!abs) return undefined;
      try {
        const st = fs.statSync(abs);
        if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
        return fs.readFileSync(abs, 'utf8');
      } catch { return undefined; }
    },
  };
}

/**
 * Folders above `dir` with a pyproject.toml that declares a uv workspace (nearest first, at most
 * four levels up): the scaffold builds a workspace member from its root.
 */
export function parentFolders(dir: string): ParentFolder[] {
  const out: ParentFolder[] = [];
  let cur = path.resolve(dir);
  for (let k = 0; k < 4; k++) {
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
    try {
      const file = path.join(cur, 'pyproject.toml');
      const st = fs.statSync(file);
      if (!st.isFile() || st.size > MAX_FILE_BYTES) continue;
      if (!/^\s*\[\s*tool\.uv\.workspace\s*\]/m.test(fs.readFileSync(file, 'utf8'))) continue;
    } catch { continue; }
    out.push({ label: cur, files: diskFiles(cur), memberPath: path.relative(cur, dir).split(path.sep).join('/') });
  }
  return out;
}

/** The folder `levels` above `dir` (at most 4, never the file system's root), read-only, with `dir` relative to it. */
export function aboveFolder(dir: string): NonNullable<ScaffoldRequest['above']> {
  return (levels) => {
    if (!Number.isInteger(levels) || levels < 1 || levels > 4) return undefined;
    const up = path.resolve(dir, ...Array<string>(levels).fill('..'));
    if (path.dirname(up) === up) return undefined;
    return { files: diskFiles(up), member: path.relative(up, path.resolve(dir)).split(path.sep).join('/') };
  };
}

function fail(message: string, data?: unknown): ResponseError<unknown> {
  return new ResponseError(LSPErrorCodes.RequestFailed, message, data);
}

function parseArgs(args: unknown[] | undefined): ScaffoldArgs {
  const a = args?.[0];
  if (!a || typeof a !== 'object') throw fail('docksmith.scaffold expects one argument: { "pyproject": "<file URI>", "vcpu"?: number, "app"?: "module:attribute" }.');
  const { pyproject, vcpu, app } = a as Record<string, unknown>;
  if (typeof pyproject !== 'string') throw fail('"pyproject" must be the file URI of a pyproject.toml.');
  if (vcpu !== undefined && vcpu !== null && typeof vcpu !== 'number') throw fail('"vcpu" must be a number (the task\'s vCPU count).');
  if (app !== undefined && app !== null && typeof app !== 'string') throw fail('"app" must be a string "module:attribute".');
  return { pyproject, vcpu: (vcpu ?? undefined) as number | undefined, app: (app ?? undefined) as string | undefined };
}

export interface ScaffoldEnv {
  settings: (uri: string) => Promise<StandardInput>;
  taskDefinitionVcpu: (projectDir: string) => Sourced<number> | undefined;
}

async function request(args: ScaffoldArgs, env: ScaffoldEnv): Promise<ScaffoldRequest> {
  let file: string;
  try { file = fileURLToPath(args.pyproject); } catch { throw fail(`"${args.pyproject}" is not a file URI.`); }
  if (path.basename(file) !== 'pyproject.toml') throw fail(`${file} is not a pyproject.toml.`);
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    if (st.size > MAX_FILE_BYTES) throw fail(`${file} is ${Math.round(st.size / 1024)} KiB: too large for a pyproject.toml.`);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ResponseError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? `${file} does not exist.` : `${file} cannot be read (${code ?? (err as Error).message}).`);
  }
  const dir = path.dirname(file);
  return {
    pyprojectText: text, pyprojectLabel: file, files: diskFiles(dir), parents: parentFolders(dir), above: aboveFolder(dir),
    settings: await env.settings(args.pyproject), taskDefinitionVcpu: env.taskDefinitionVcpu(dir), vcpu: args.vcpu, app: args.app,
  };
}

/**
 * Messages name files relative to the project folder (pyproject.toml, app/main.py), not by absolute
 * path: the Problems panel and notifications cut long paths off before the advice. Edit paths stay
 * absolute (the client applies them).
 */
export function relabel(text: string, pyprojectFile: string): string {
  const dir = path.dirname(pyprojectFile);
  return text.split(pyprojectFile).join('pyproject.toml').split(dir + path.sep).join('');
}

function rethrow(err: unknown, pyprojectFile?: string): never {
  if (err instanceof ScaffoldError) throw fail(pyprojectFile ? relabel(err.message, pyprojectFile) : err.message, { code: err.code, ...(err.data ?? {}) });
  throw err;
}

export async function runScaffold(args: unknown[] | undefined, env: ScaffoldEnv): Promise<ScaffoldResponse> {
  const req = await request(parseArgs(args), env);
  try {
    const r = scaffold(req);
    const out: ScaffoldResponse = { dockerfile: r.dockerfile, dockerignore: r.dockerignore, notes: r.notes.map((n) => relabel(n, req.pyprojectLabel)) };
    if (r.projectEdits) out.projectEdits = r.projectEdits;
    if (r.healthEndpoint) out.healthEndpoint = r.healthEndpoint;
    if (r.buildContext !== undefined) out.buildContext = r.buildContext;
    if (r.atRoot) out.atRoot = { dockerfile: r.atRoot.dockerfile, note: relabel(r.atRoot.note, req.pyprojectLabel), memberNote: relabel(r.atRoot.memberNote, req.pyprojectLabel) };
    return out;
  } catch (err) { rethrow(err, req.pyprojectLabel); }
}

export async function runProjectInfo(args: unknown[] | undefined, env: ScaffoldEnv): Promise<ProjectInfo> {
  const req = await request(parseArgs(args), env);
  try { return inspectProject(req); } catch (err) { rethrow(err, req.pyprojectLabel); }
}
