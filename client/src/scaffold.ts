// "Docksmith: Create Dockerfile from pyproject.toml": the UI around the server's docksmith.scaffold.
// Asks only what the project cannot tell (vCPU, the app when ambiguous), shows the result, and never
// overwrites an existing Dockerfile without the user choosing Replace in front of a diff.

import * as path from 'path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, ResponseError } from 'vscode-languageclient/node';
import { isAppTarget } from '../../server/src/service/scaffold/apps';
import { placedAtRoot } from '../../server/src/service/scaffold/placement';
import type { ProjectInfo } from '../../server/src/service/scaffold';
import type { ScaffoldResponse } from '../../server/src/scaffold';
import type { AppCandidate } from '../../server/src/service/project/types';

export const CREATE_COMMAND = 'docksmith.createDockerfile';
const PROPOSAL_SCHEME = 'docksmith-proposal';
const FARGATE_VCPU = [1, 2, 4, 8, 16];

/** Edits to the project the image needs (gunicorn in [project].dependencies, a build context); absolute paths. */
type ProjectEdit = NonNullable<ScaffoldResponse['projectEdits']>[number];

/** Test hook: what the last run did (written files, choice, notes). */
export interface ScaffoldOutcome {
  status: 'written' | 'replaced' | 'saved-as' | 'cancelled' | 'unchanged' | 'failed'; files: string[]; notes: string[]; message?: string;
  /** Titles of the project edits offered after writing (applied only when the user picks Apply). */
  offered?: string[];
}

export function registerScaffold(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, output: vscode.LogOutputChannel): void {
  const proposals = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(changed, vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, {
    onDidChange: changed.event,
    provideTextDocumentContent: (uri) => proposals.get(uri.toString()) ?? '',
  }));

  async function exec<T>(command: string, args: object): Promise<T> {
    const c = client();
    if (!c) throw new Error('the Docksmith language server is not running (Docksmith: Restart Language Server)');
    return (await c.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args] })) as T;
  }

  async function run(target?: vscode.Uri | string): Promise<ScaffoldOutcome> {
    const pyproject = await pickPyproject(target);
    if (!pyproject) return { status: 'cancelled', files: [], notes: [] };
    // the server reads pyproject.toml from disk: unsaved edits would be ignored
    const openPyproject = vscode.workspace.textDocuments.find((d) => d.uri.toString() === pyproject.toString());
    if (openPyproject?.isDirty && !await openPyproject.save()) throw new Error('pyproject.toml has unsaved changes that could not be saved.');
    const info = await exec<ProjectInfo>('docksmith.projectInfo', { pyproject: pyproject.toString() });
    const vcpu = await pickVcpu(info);
    if (vcpu === undefined) return { status: 'cancelled', files: [], notes: [] };
    const app = info.app ?? await pickApp(info.candidates);
    if (app === null) return { status: 'cancelled', files: [], notes: [] };
    const answer = await exec<ScaffoldResponse>('docksmith.scaffold', { pyproject: pyproject.toString(), vcpu, app });
    const placed = await pickPlacement(pyproject, info.name, answer);
    if (!placed) return { status: 'cancelled', files: [], notes: [] };
    const { result } = placed;
    const outcome = await write(placed.dockerfile, info.name, result);
    outcome.notes = result.notes;
    if (outcome.status !== 'cancelled' && outcome.status !== 'unchanged' && outcome.status !== 'failed') {
      const offered = projectEditsOf(result);
      outcome.offered = offered.map((e) => e.title);
      // the offer first (it decides whether the image starts); every note goes to the output channel,
      // and those the offered edits answer get no toast of their own
      if (offered.length) void offerProjectEdits(pyproject, offered);
      void showNotes(pyproject, result.notes, (n) => offered.some((e) => e.answers(n)));
    }
    return outcome;
  }

  async function write(dockerfile: vscode.Uri, name: string, result: ScaffoldResponse): Promise<ScaffoldOutcome> {
    const dir = vscode.Uri.joinPath(dockerfile, '..');
    const base = path.posix.basename(dockerfile.path);
    const saveAs = `${base}.docksmith`;
    const files: string[] = [];
    const existing = await readText(dockerfile);
    let target = dockerfile;
    let status: ScaffoldOutcome['status'] = 'written';
    if (existing !== undefined) {
      if (normalize(existing) === normalize(result.dockerfile)) {
        void vscode.window.showInformationMessage(`Docksmith: ${vscode.workspace.asRelativePath(dockerfile)} already is the standard Dockerfile for ${name}.`);
        return { status: 'unchanged', files, notes: [] };
      }
      const proposal = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: dockerfile.path + '.proposal', query: String(Date.now()) });
      proposals.set(proposal.toString(), result.dockerfile);
      await vscode.commands.executeCommand('vscode.diff', dockerfile, proposal, `Dockerfile ↔ Docksmith proposal (${name})`, { preview: true });
      const choice = await vscode.window.showWarningMessage(
        `Docksmith: ${vscode.workspace.asRelativePath(dockerfile)} already exists. The diff shows what the standard Dockerfile for ${name} would change.`,
        'Replace', `Save as ${saveAs}`, 'Cancel');
      await closeProposal(proposal);
      proposals.delete(proposal.toString());
      if (choice === 'Replace') {
        status = 'replaced';
        if (!await replaceContent(dockerfile, result.dockerfile)) return { status: 'failed', files, notes: [], message: 'could not replace the Dockerfile' };
      } else if (choice === `Save as ${saveAs}`) {
        status = 'saved-as';
        target = vscode.Uri.joinPath(dir, saveAs);
        if (await readText(target) !== undefined) {
          const again = await vscode.window.showWarningMessage(`Docksmith: ${saveAs} exists too. Replace it with the new proposal?`, { modal: true }, 'Replace');
          if (again !== 'Replace') return { status: 'cancelled', files, notes: [] };
        }
        await vscode.workspace.fs.writeFile(target, Buffer.from(result.dockerfile, 'utf8'));
      } else {
        return { status: 'cancelled', files, notes: [] };
      }
    } else {
      await vscode.workspace.fs.writeFile(dockerfile, Buffer.from(result.dockerfile, 'utf8'));
    }
    files.push(target.fsPath);
    // A new Dockerfile gets a .dockerignore when there is none; "Save as" keeps the user's Dockerfile
    // (and its build context) in charge, so it writes only the proposal. A workspace member is built
    // from the root: its ignore file (root-relative paths) is <Dockerfile>.dockerignore beside the
    // Dockerfile (in the member or at the root), which BuildKit reads instead of the context's .dockerignore.
    const ignore = vscode.Uri.joinPath(dir, result.buildContext !== undefined || base !== 'Dockerfile' ? `${base}.dockerignore` : '.dockerignore');
    if (status !== 'saved-as' && await readText(ignore) === undefined) {
      await vscode.workspace.fs.writeFile(ignore, Buffer.from(result.dockerignore, 'utf8'));
      files.push(ignore.fsPath);
    }
    await vscode.window.showTextDocument(target, { preview: false });
    const what = files.map((f) => path.basename(f)).join(' and ');
    void vscode.window.showInformationMessage(`Docksmith: ${status === 'replaced' ? 'replaced' : 'wrote'} ${what} for ${name}.`);
    return { status, files, notes: [] };
  }

  async function showNotes(pyproject: vscode.Uri, notes: string[], answered: (note: string) => boolean = () => false): Promise<void> {
    if (!notes.length) return;
    output.info(`Create Dockerfile from ${pyproject.fsPath}:`);
    notes.forEach((n) => output.info(`  - ${n}`));
    const lock = notes.find((n) => n.startsWith('No uv.lock'));
    if (lock) {
      void vscode.window.showWarningMessage(`Docksmith: ${lock}`, 'Run uv lock').then((pick) => {
        if (pick === 'Run uv lock') runUvLock(pyproject);
      });
    }
    const others = notes.filter((n) => n !== lock && !answered(n));
    if (others.length) {
      const pick = await vscode.window.showInformationMessage(`Docksmith: ${others[0]}${others.length > 1 ? ` (+${others.length - 1} more)` : ''}`, 'Show all notes');
      if (pick) output.show(true);
    }
  }

  /**
   * Asks before changing the project: one message lists the edits, Apply makes them one undoable
   * workspace edit and saves those files. A file with unsaved changes is left alone (the edits were
   * computed from the saved text), and so is one whose lines no longer reach the edit's range.
   */
  async function offerProjectEdits(pyproject: vscode.Uri, offered: OfferedEdit[]): Promise<void> {
    const what = offered.map((e) => e.title).join('; ');
    const pick = await vscode.window.showWarningMessage(`Docksmith: the image needs changes to the project: ${what}. Apply them?`, 'Apply', 'Not now');
    if (pick !== 'Apply') {
      output.info(`Create Dockerfile: project edits not applied (${what}).`);
      if (offered.some((e) => e.starts)) {
        void vscode.window.showWarningMessage(`Docksmith: the Dockerfile is written, but the container will not start until you ${offered.filter((e) => e.starts).map((e) => e.title.replace(/^Add /, 'add ')).join(' and ')} (Create Dockerfile offers the edit again).`);
      }
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    const docs: vscode.TextDocument[] = [];
    const skipped: string[] = [];
    for (const e of offered) {
      const uri = vscode.Uri.file(e.path);
      let doc: vscode.TextDocument;
      try { doc = await vscode.workspace.openTextDocument(uri); } catch { skipped.push(`${e.title} (${vscode.workspace.asRelativePath(uri)} cannot be opened)`); continue; }
      if (doc.isDirty) { skipped.push(`${e.title} (${vscode.workspace.asRelativePath(uri)} has unsaved changes)`); continue; }
      const lastLine = doc.lineCount - 1;
      if (e.edits.some((t) => t.start.line > lastLine || t.end.line > lastLine + 1)) { skipped.push(`${e.title} (${vscode.workspace.asRelativePath(uri)} changed since)`); continue; }
      for (const t of e.edits) edit.replace(uri, new vscode.Range(t.start.line, t.start.character, t.end.line, t.end.character), t.newText);
      docs.push(doc);
    }
    if (skipped.length) void vscode.window.showWarningMessage(`Docksmith: not applied: ${skipped.join('; ')}. Save the file and run Create Dockerfile again.`);
    if (!docs.length) return;
    if (!await vscode.workspace.applyEdit(edit)) { void vscode.window.showErrorMessage('Docksmith: the project edits could not be applied.'); return; }
    for (const doc of docs) await doc.save();
    output.info(`Create Dockerfile: applied ${offered.filter((e) => docs.some((d) => d.uri.fsPath === vscode.Uri.file(e.path).fsPath)).map((e) => e.title).join('; ')}.`);
    if (docs.some((d) => d.uri.fsPath === pyproject.fsPath) && await readText(vscode.Uri.joinPath(pyproject, '..', 'uv.lock')) !== undefined) {
      const lock = await vscode.window.showInformationMessage('Docksmith: pyproject.toml changed, so uv.lock is out of date: `uv sync --locked` in the image fails until `uv lock` runs.', 'Run uv lock');
      if (lock === 'Run uv lock') runUvLock(pyproject);
    }
  }

  /**
   * Where the Dockerfile goes: beside pyproject.toml, or for a uv workspace member, asked: in the
   * member folder, or at the workspace root as Dockerfile.<member> (built with -f there). At the
   * root the member-only edit (the [tool.docksmith] context) and its note do not apply.
   */
  async function pickPlacement(pyproject: vscode.Uri, name: string, result: ScaffoldResponse): Promise<{ dockerfile: vscode.Uri; result: ScaffoldResponse } | undefined> {
    const member = vscode.Uri.joinPath(pyproject, '..', 'Dockerfile');
    const atRoot = result.atRoot;
    if (!atRoot) return { dockerfile: member, result };
    const rootFile = vscode.Uri.joinPath(pyproject, '..', atRoot.dockerfile);
    const rootName = path.posix.basename(rootFile.path);
    const memberRel = path.posix.relative(path.posix.dirname(rootFile.path), member.path);
    const items = [
      { label: vscode.workspace.asRelativePath(member), description: 'in the member folder', detail: `Built from the workspace root: docker build -f ${memberRel} .`, root: false },
      { label: vscode.workspace.asRelativePath(rootFile), description: 'at the workspace root', detail: `Built there: docker build -f ${rootName} .`, root: true },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `Docksmith: ${name} is a uv workspace member. Where does its Dockerfile go?`, ignoreFocusOut: true });
    if (!pick) return undefined;
    if (!pick.root) return { dockerfile: member, result };
    return { dockerfile: rootFile, result: placedAtRoot(result) };
  }

  context.subscriptions.push(vscode.commands.registerCommand(CREATE_COMMAND, async (target?: vscode.Uri | string): Promise<ScaffoldOutcome> => {
    try {
      return await run(target);
    } catch (err) {
      const message = err instanceof ResponseError || err instanceof Error ? err.message : String(err);
      output.error(`Create Dockerfile: ${message}`);
      void vscode.window.showErrorMessage(`Docksmith: ${message}`);
      return { status: 'failed', files: [], notes: [], message };
    }
  }));
}

/** `starts`: without this edit the container exits at start (a missing server), not just unhealthy or mislinted. */
interface OfferedEdit extends ProjectEdit { answers: (note: string) => boolean; starts: boolean }

/** The project edits a result offers: dependencies first, then the health endpoint. */
function projectEditsOf(result: ScaffoldResponse): OfferedEdit[] {
  const out: OfferedEdit[] = (result.projectEdits ?? []).map((e) => {
    const starts = /^Add .*\[project\]\.dependencies/.test(e.title);
    return { ...e, starts, answers: (n: string) => starts && /gunicorn|uvicorn-worker/.test(n) && /will not start/i.test(n) };
  });
  const health = result.healthEndpoint;
  if (health?.edit?.edits.length) {
    const file = vscode.workspace.asRelativePath(vscode.Uri.file(health.edit.path));
    out.push({ title: `Add a ${health.path} endpoint to ${file}`, path: health.edit.path, edits: health.edit.edits, starts: false, answers: (n: string) => / endpoint (?:next to the app object|in the root URLconf) comes with this result/.test(n) });
  }
  return out;
}

function runUvLock(pyproject: vscode.Uri): void {
  const term = vscode.window.createTerminal({ name: 'uv lock', cwd: vscode.Uri.joinPath(pyproject, '..') });
  term.show();
  term.sendText('uv lock');
}

function normalize(text: string): string {
  return text.replace(/\r\n/g, '\n').trimEnd();
}

/** The file's text; undefined only when it does not exist (any other error is thrown, so nothing is overwritten blindly). */
async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Replace the whole Dockerfile as one undoable edit, then save (open editors keep their undo stack). */
async function replaceContent(uri: vscode.Uri, text: string): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text.replace(/\n/g, eol));
  if (!await vscode.workspace.applyEdit(edit)) return false;
  return doc.save();
}

async function closeProposal(proposal: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) =>
    t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === proposal.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

async function pickPyproject(target?: vscode.Uri | string): Promise<vscode.Uri | undefined> {
  if (target) {
    const uri = typeof target === 'string' ? vscode.Uri.parse(target) : target;
    if (path.basename(uri.path) === 'pyproject.toml') return uri;
    const beside = vscode.Uri.joinPath(uri, '..', 'pyproject.toml');
    if (await readText(beside) !== undefined) return beside;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && path.basename(active.path) === 'pyproject.toml') return active;
  const found = await vscode.workspace.findFiles('**/pyproject.toml', '**/{node_modules,.venv,venv,.git,.tox,.nox,site-packages,build,dist}/**', 200);
  if (!found.length) {
    throw new Error('no pyproject.toml in this workspace: the Dockerfile is built from one. Open the folder of a Python project (or create its pyproject.toml with `uv init`).');
  }
  if (found.length === 1) return found[0];
  found.sort((a, b) => a.path.split('/').length - b.path.split('/').length || a.path.localeCompare(b.path));
  const near = active ? found.filter((f) => active.path.startsWith(path.posix.dirname(f.path) + '/')).pop() : undefined;
  const items = found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }));
  const pick = await vscode.window.showQuickPick(near ? [items[found.indexOf(near)], ...items.filter((i) => i.uri !== near)] : items, {
    title: 'Docksmith: which project?', placeHolder: 'Several pyproject.toml files: pick the service to containerize', ignoreFocusOut: true,
  });
  return pick?.uri;
}

async function pickVcpu(info: ProjectInfo): Promise<number | undefined> {
  const configured = info.vcpu?.value;
  const values = configured !== undefined && !FARGATE_VCPU.includes(configured) ? [...FARGATE_VCPU, configured].sort((a, b) => a - b) : FARGATE_VCPU;
  const items = values.map((v) => ({
    label: `${v} vCPU`, value: v,
    description: `${Math.max(1, Math.floor(v))} gunicorn worker${Math.floor(v) > 1 ? 's' : ''}`,
    detail: v === configured ? `configured: ${info.vcpu!.source}` : undefined,
  }));
  const qp = vscode.window.createQuickPick<(typeof items)[number]>();
  qp.title = `Docksmith: vCPU of the ECS task running ${info.name}`;
  qp.placeholder = 'The standard runs one gunicorn worker per vCPU (Fargate sizes)';
  qp.items = items;
  qp.ignoreFocusOut = true;
  const pre = items.find((i) => i.value === configured);
  if (pre) qp.activeItems = [pre];
  return new Promise((resolve) => {
    let done = false;
    qp.onDidAccept(() => {
      // a typed count that is not a listed size (0.5, 3) is accepted as typed
      const typed = Number(qp.value.trim().replace(/\s*vcpu$/i, ''));
      const picked = qp.selectedItems[0]?.value ?? qp.activeItems[0]?.value ?? (qp.value.trim() && typed >= 0.25 && typed <= 192 ? typed : undefined);
      if (picked === undefined) { void vscode.window.showWarningMessage('Docksmith: pick a size or type a vCPU count (0.25 to 192).'); return; }
      done = true; resolve(picked); qp.hide();
    });
    qp.onDidHide(() => { if (!done) resolve(undefined); qp.dispose(); });
    qp.show();
  });
}

/** The app target; null when the user cancels. */
async function pickApp(candidates: AppCandidate[]): Promise<string | null> {
  if (candidates.length === 1) return candidates[0].target;
  if (candidates.length > 1) {
    const pick = await vscode.window.showQuickPick(candidates.map((c) => ({ label: c.target, description: c.kind, detail: `${c.file}, line ${c.line + 1}` })), {
      title: 'Docksmith: which app does gunicorn serve?', placeHolder: 'Several app objects found (set [tool.docksmith] app to skip this question)', ignoreFocusOut: true,
    });
    return pick?.label ?? null;
  }
  const typed = await vscode.window.showInputBox({
    title: 'Docksmith: which app does gunicorn serve?', prompt: 'No FastAPI(…), Flask(…) or Django application found. Give it as module:attribute.',
    placeHolder: 'my_service.main:app', ignoreFocusOut: true,
    validateInput: (v) => (isAppTarget(v.trim()) ? undefined : 'Expected module:attribute, e.g. my_service.main:app'),
  });
  return typed?.trim() || null;
}
