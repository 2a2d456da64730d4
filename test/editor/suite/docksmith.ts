// What the editor tests share: opening workspace fixtures, reading Docksmith's diagnostics
// (code may be a string or { value, target }), waiting for the extension to be up (extensionReady),
// and polling with a deadline instead of sleeping (the poll interval is the only setTimeout).
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

/** Upper bound for the extension to come up (a loaded machine needs far more than an idle one); polled, not waited. */
export const READY_MS = +(process.env.READY_TIMEOUT_MS || 120_000);

/**
 * Root hook of the suite (index.ts): opens the fixture Dockerfile, which is what activates the
 * extension (activationEvents: onLanguage:dockerfile), and polls until the extension is active, every
 * command its package.json contributes is registered, and the server has published its first
 * diagnostics on that file. Every test needs all three; a failure names the first one missing.
 */
export async function extensionReady(timeoutMs = READY_MS): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded (extensionDevelopmentPath wrong?)`);
  const contributed: string[] = (ext.packageJSON?.contributes?.commands ?? []).map((c: { command: string }) => c.command);
  assert.ok(contributed.length > 0, `${EXTENSION_ID}'s package.json contributes no commands`);
  const t0 = Date.now();
  const secs = () => Math.round((Date.now() - t0) / 1000);
  const { doc } = await openFixture('Dockerfile');
  let missing = contributed;
  try {
    await waitFor('the extension to be active with its commands', async () => {
      const all = new Set(await vscode.commands.getCommands(true));
      missing = contributed.filter((c) => !all.has(c));
      return ext.isActive && missing.length === 0;
    }, { timeoutMs, intervalMs: 100 });
  } catch {
    if (missing.length && !ext.isActive) throw new Error(`command ${missing[0]} never registered (extension not active after ${secs()} s)`);
    // isActive is also true after an activate() that threw: the runner prints the extension host's log
    if (missing.length) throw new Error(`command ${missing[0]} never registered, although ${EXTENSION_ID} was activated (${secs()} s): did activate() throw?`);
    throw new Error(`${EXTENSION_ID} registered its commands but activate() had not finished after ${secs()} s (language client not started?)`);
  }
  const active = secs();
  try {
    await waitFor('first diagnostics', () => docksmithDiagnostics(doc.uri).length > 0, { timeoutMs });
  } catch {
    throw new Error(`the language server published no docksmith diagnostic on Dockerfile ${secs()} s after opening it (the extension was active after ${active} s): ${describeDiagnostics(doc.uri)}`);
  }
  console.log(`      [ready] ${EXTENSION_ID} active with ${contributed.length} commands after ${active} s, first diagnostics after ${secs()} s`);
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
