// What the editor tests share: opening workspace fixtures, reading Docksmith's diagnostics
// (code may be a string or { value, target }), and polling with a deadline instead of sleeping.
import * as assert from 'assert';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'docksmith.docksmith';
export const SOURCE = 'docksmith';
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('docksmith');

/** Polls `probe` until it returns something other than undefined/false/null; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: { timeoutMs?: number; intervalMs?: number; state?: () => string } = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 50 } = opts;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const state = opts.state ? `; state: ${opts.state()}` : '';
      const err = lastError ? `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}` : '';
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${state}${err}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function fixtureUri(relPath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open (the runner opens a copy of test/editor/workspace)');
  return vscode.Uri.joinPath(folder.uri, relPath);
}

export async function openFixture(relPath: string): Promise<{ doc: vscode.TextDocument; editor: vscode.TextEditor }> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(relPath));
  const editor = await vscode.window.showTextDocument(doc);
  assert.strictEqual(doc.languageId, 'dockerfile', `${relPath} did not open as a dockerfile document`);
  return { doc, editor };
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

export function docsTargetOf(d: vscode.Diagnostic): vscode.Uri | undefined {
  return typeof d.code === 'object' ? d.code.target : undefined;
}

export function docksmithDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

export function describeDiagnostics(uri: vscode.Uri): string {
  const all = vscode.languages.getDiagnostics(uri);
  if (all.length === 0) return 'no diagnostics at all';
  return all.map((d) => `[${d.source ?? '-'}:${codeOf(d) ?? '-'} L${d.range.start.line + 1}] ${d.message.slice(0, 80)}`).join(' | ');
}

/** Waits until a docksmith diagnostic with each of `codes` is present; returns them in that order. */
export async function waitForCodes(uri: vscode.Uri, codes: string[], timeoutMs = 20_000): Promise<vscode.Diagnostic[]> {
  return waitFor(`docksmith diagnostics ${codes.join(', ')} on ${vscode.workspace.asRelativePath(uri)}`, () => {
    const diags = docksmithDiagnostics(uri);
    const found = codes.map((c) => diags.find((d) => codeOf(d) === c));
    return found.every((d) => d !== undefined) ? (found as vscode.Diagnostic[]) : undefined;
  }, { timeoutMs, state: () => describeDiagnostics(uri) });
}

export async function waitForCodeGone(uri: vscode.Uri, code: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`docksmith diagnostic ${code} to disappear from ${vscode.workspace.asRelativePath(uri)}`,
    () => !docksmithDiagnostics(uri).some((d) => codeOf(d) === code), { timeoutMs, state: () => describeDiagnostics(uri) });
}

export type ActionOrCommand = vscode.CodeAction | vscode.Command;

export function isCodeAction(a: ActionOrCommand): a is vscode.CodeAction {
  return typeof (a as vscode.CodeAction).title === 'string' && typeof (a as vscode.Command).command !== 'string';
}

export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: vscode.CodeActionKind): Promise<ActionOrCommand[]> {
  // resolve every item: a server may fill in `edit` lazily (codeAction/resolve)
  return (await vscode.commands.executeCommand<ActionOrCommand[]>(
    'vscode.executeCodeActionProvider', uri, range, kind?.value, 100)) ?? [];
}

export function fullRange(doc: vscode.TextDocument): vscode.Range {
  return new vscode.Range(new vscode.Position(0, 0), doc.lineAt(doc.lineCount - 1).range.end);
}

/** The instruction starting with `keyword` (first match), continuation lines joined. */
export function instruction(text: string, keyword: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => new RegExp(`^\\s*${keyword}\\b`, 'i').test(l));
  if (start < 0) return undefined;
  let out = '';
  for (let i = start; i < lines.length; i++) {
    const l = lines[i];
    if (/\\\s*$/.test(l)) out += l.replace(/\\\s*$/, ' ');
    else { out += l; break; }
  }
  return out.trim();
}
