// A small LSP client for the protocol tests: starts dist/server.js as a child process over stdio
// or Node IPC, answers the server's requests (workspace/configuration, client/registerCapability),
// and records every publishDiagnostics with a sequence number so a test can wait for the first
// publication after an action.

import { ChildProcess, fork, spawn } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  IPCMessageReader, IPCMessageWriter, MessageConnection, StreamMessageReader, StreamMessageWriter, createMessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities, CodeAction, Command, ConfigurationItem, Diagnostic, Hover, InitializeResult, Position, Range,
  TextDocumentContentChangeEvent, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const SERVER = path.resolve(__dirname, '../../../dist/server.js');

export type Transport = 'stdio' | 'ipc';

export interface Publication { seq: number; at: number; uri: string; version?: number; diagnostics: Diagnostic[] }
export interface LogEntry { type: number; message: string }

export interface StartOptions {
  /** Send workspace.workspaceEdit.documentChanges (versioned edits) in the capabilities. */
  documentChanges?: boolean;
  /** Announce workspace.configuration (default true); without it the server uses pushed settings. */
  configuration?: boolean;
  /** initializationOptions.clientCommands: the client-side commands the client implements (as the VS Code client announces). */
  clientCommands?: string[];
}

export class LspClient {
  readonly publications: Publication[] = [];
  readonly logs: LogEntry[] = [];
  readonly shownMessages: LogEntry[] = [];
  /** `docksmith/status` notifications (what configuration applies to a Dockerfile). */
  readonly statuses: Record<string, unknown>[] = [];
  readonly configurationRequests: ConfigurationItem[][] = [];
  readonly registrations: unknown[] = [];
  /** What `workspace/configuration` answers for each item (the `docksmith` section). */
  configuration: (item: ConfigurationItem) => unknown = () => ({});
  stderr = '';
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private seq = 0;
  private waiters: Array<() => void> = [];

  private constructor(readonly transport: Transport, readonly proc: ChildProcess, readonly conn: MessageConnection) {
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        this.exit = { code, signal };
        this.notify();
        resolve(this.exit);
      });
    });
    proc.stderr?.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      this.publications.push({ seq: ++this.seq, at: Date.now(), uri: p.uri, version: p.version, diagnostics: p.diagnostics });
      this.notify();
    });
    conn.onNotification('window/logMessage', (p: LogEntry) => { this.logs.push(p); });
    conn.onNotification('docksmith/status', (p: Record<string, unknown>) => { this.statuses.push(p); });
    conn.onNotification('window/showMessage', (p: LogEntry) => { this.shownMessages.push(p); });
    conn.onRequest('window/showMessageRequest', (p: LogEntry) => { this.shownMessages.push(p); return null; });
    conn.onRequest('workspace/configuration', (p: { items: ConfigurationItem[] }) => {
      this.configurationRequests.push(p.items);
      return p.items.map((item) => this.configuration(item));
    });
    conn.onRequest('client/registerCapability', (p: { registrations: unknown[] }) => { this.registrations.push(...p.registrations); return null; });
    conn.onRequest('client/unregisterCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('workspace/diagnostic/refresh', () => null);
    conn.listen();
  }

  static start(transport: Transport, opts: StartOptions = {}): LspClient {
    let proc: ChildProcess;
    let conn: MessageConnection;
    if (transport === 'stdio') {
      proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    } else {
      proc = fork(SERVER, ['--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'], execArgv: [] });
      conn = createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
    }
    const client = new LspClient(transport, proc, conn);
    client.documentChanges = !!opts.documentChanges;
    client.workspaceConfiguration = opts.configuration ?? true;
    client.clientCommands = opts.clientCommands;
    return client;
  }

  documentChanges = false;
  workspaceConfiguration = true;
  clientCommands?: string[];

  capabilities(): ClientCapabilities {
    return {
      workspace: {
        configuration: this.workspaceConfiguration,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: false },
        workspaceEdit: { documentChanges: this.documentChanges },
        workspaceFolders: true,
      },
      textDocument: {
        synchronization: { dynamicRegistration: false, didSave: false },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } }, isPreferredSupport: true },
        publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
      },
    };
  }

  async initialize(rootDir: string): Promise<InitializeResult> {
    const rootUri = uriOf(rootDir);
    const result = await this.conn.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      clientInfo: { name: 'docksmith-protocol-test' },
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(rootDir) }],
      capabilities: this.capabilities(),
      ...(this.clientCommands ? { initializationOptions: { clientCommands: this.clientCommands } } : {}),
    });
    await this.conn.sendNotification('initialized', {});
    return result;
  }

  /** Sequence number of the last publication: wait for publications after it. */
  mark(): number {
    return this.seq;
  }

  /** First publication for `uri` after `after` that satisfies `pred`. */
  waitForDiagnostics(uri: string, after: number, pred: (p: Publication) => boolean = () => true, timeoutMs = 10_000): Promise<Publication> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.publications.find((p) => p.seq > after && p.uri === uri && pred(p));
        if (hit) { resolve(hit); return true; }
        if (this.exit) { reject(new Error(`server exited (${JSON.stringify(this.exit)}) while waiting for diagnostics of ${uri}; stderr: ${this.stderr.slice(-2000)}`)); return true; }
        return false;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.publications.filter((p) => p.seq > after && p.uri === uri).map((p) => `v${p.version}: ${codes(p).join(',')}`);
        reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms (publications since: ${seen.join(' | ') || 'none'})`));
      }, timeoutMs);
      const waiter = () => { if (check()) { clearTimeout(timer); this.waiters = this.waiters.filter((w) => w !== waiter); } };
      this.waiters.push(waiter);
    });
  }

  /** Resolves once no publication for `uri` arrived for `quietMs` (used to show that nothing more comes). */
  async settle(quietMs = 300): Promise<void> {
    let last = this.seq;
    for (;;) {
      await new Promise((r) => setTimeout(r, quietMs));
      if (this.seq === last) return;
      last = this.seq;
    }
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  open(uri: string, text: string, version = 1, languageId = 'dockerfile'): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): Promise<void> {
    return this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<(CodeAction | Command)[] | null> {
    return this.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
  }

  didChangeConfiguration(settings: unknown): Promise<void> {
    return this.conn.sendNotification('workspace/didChangeConfiguration', { settings });
  }

  didChangeWatchedFiles(changes: { uri: string; type: 1 | 2 | 3 }[]): Promise<void> {
    return this.conn.sendNotification('workspace/didChangeWatchedFiles', { changes });
  }

  /** shutdown + exit; resolves with the process's exit. */
  async shutdown(timeoutMs = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    await this.conn.sendRequest('shutdown');
    await this.conn.sendNotification('exit');
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`server did not exit within ${timeoutMs} ms after exit`)), timeoutMs).unref());
    const result = await Promise.race([this.exited, timeout]);
    this.conn.dispose();
    return result;
  }

  /** Last resort for a hung server (after a failed test). */
  kill(): void {
    try { this.conn.dispose(); } catch { /* already gone */ }
    if (!this.exit) this.proc.kill();
  }
}

export function uriOf(file: string): string {
  return pathToFileURL(path.resolve(file)).toString();
}

export function codes(p: Publication | { diagnostics: Diagnostic[] }): string[] {
  return p.diagnostics.map((d) => String(d.code));
}

/** The text edits of `edit` for `uri`, from `documentChanges` or `changes`. */
export function editsFor(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  if (edit.documentChanges) {
    const out: TextEdit[] = [];
    for (const dc of edit.documentChanges) {
      if ('textDocument' in dc && dc.textDocument.uri === uri) out.push(...(dc.edits as TextEdit[]));
    }
    return out;
  }
  return edit.changes?.[uri] ?? [];
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'dockerfile', 1, text), edits);
}

/** A range covering the whole of `text`. */
export function wholeRange(text: string): Range {
  const doc = TextDocument.create('file:///x', 'dockerfile', 1, text);
  return { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) };
}

/** Position of the first match of `re` in `text` (plus `delta` characters). */
export function positionOf(text: string, re: RegExp, delta = 0): Position {
  const m = re.exec(text);
  if (!m) throw new Error(`${re} not found`);
  const doc = TextDocument.create('file:///x', 'dockerfile', 1, text);
  return doc.positionAt(m.index + delta);
}
