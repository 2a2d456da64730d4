// The language server: a thin adapter between LSP and the pure core. It keeps one lint result
// per document version, loads project facts and settings, and guards every handler so that an
// error is logged and answered with an empty result instead of taking the server down.

import * as fs from 'fs';
import { performance } from 'perf_hooks';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeAction, CodeActionKind, CodeActionParams, Connection, Diagnostic as LspDiagnostic, DiagnosticSeverity,
  DidChangeConfigurationNotification, Hover, InitializeParams, InitializeResult, MarkupKind, TextDocumentEdit,
  CreateFile, LSPErrorCodes, ResponseError, TextDocumentSyncKind, TextDocuments, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText, LintResult } from './service/linter';
import { RequestedFinding, fixAllEdit, quickFixes } from './service/actions';
import { hover } from './service/hover';
import { readSettings } from './service/config';
import { RULE_NAMES } from './service/rules';
import { makeStandard } from './service/standard';
import { Diagnostic, FileEdit, LintContext, OffsetEdit, Severity } from './service/types';
import { ProjectLoader } from './project';
import { PROJECT_INFO_COMMAND, SCAFFOLD_COMMAND, ScaffoldEnv, runProjectInfo, runScaffold } from './scaffold';

export const FIX_ALL_KIND = 'source.fixAll.docksmith';
/** The client's command that asks the user's questions and writes the scaffold (offered on `multi-stage`). */
export const CREATE_DOCKERFILE_COMMAND = 'docksmith.createDockerfile';
/** The client's command that opens a rule's documentation page. */
export const SHOW_RULE_DOCS_COMMAND = 'docksmith.showRuleDocs';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint,
};

interface Entry { version: number; ctx: LintContext; result: LintResult }

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const project = new ProjectLoader(RULE_NAMES);
  const lintCache = new Map<string, Entry>();
  const settingsCache = new Map<string, Promise<unknown>>();
  const pending = new Map<string, NodeJS.Timeout>();
  /** Dockerfile URI → the pyproject.toml URI its configuration came from. */
  const pyprojectOf = new Map<string, string>();
  /** pyproject.toml URI → the diagnostics last published on it (JSON), to publish only changes. */
  const publishedPyproject = new Map<string, string>();
  const shownSettingProblems = new Set<string>();
  const loggedNotes = new Set<string>();
  let hasConfigurationCapability = false;
  let hasDynamicConfig = false;
  let versionedEdits = false;
  let createFiles = false;
  /** Commands the client implements and announced (initializationOptions.clientCommands): only those are offered. */
  let clientCommands = new Set<string>();
  let pushedSettings: unknown = {};
  let workspaceRoots: string[] = [];
  const docsDir = path.resolve(__dirname, '..', 'docs', 'rules');
  const docPages = new Set<string>(fs.existsSync(docsDir) ? fs.readdirSync(docsDir) : []);

  const log = (msg: string) => connection.console.log(`[docksmith] ${msg}`);
  const logError = (what: string, err: unknown) => connection.console.error(`[docksmith] ${what}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);

  function runSafe<T>(what: string, fallback: T, fn: () => T | Promise<T>): Promise<T> {
    return Promise.resolve().then(fn).catch((err) => { logError(what, err); return fallback; });
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    hasConfigurationCapability = !!caps.workspace?.configuration;
    hasDynamicConfig = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    versionedEdits = !!caps.workspace?.workspaceEdit?.documentChanges;
    createFiles = !!caps.workspace?.workspaceEdit?.resourceOperations?.includes('create');
    const announced = (params.initializationOptions as { clientCommands?: unknown } | undefined)?.clientCommands;
    clientCommands = new Set(Array.isArray(announced) ? announced.filter((c): c is string => typeof c === 'string') : []);
    workspaceRoots = (params.workspaceFolders ?? []).map((f) => filePath(f.uri)).filter((p): p is string => !!p);
    if (!workspaceRoots.length && params.rootUri) { const p = filePath(params.rootUri); if (p) workspaceRoots.push(p); }
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        executeCommandProvider: { commands: [SCAFFOLD_COMMAND, PROJECT_INFO_COMMAND] },
      },
      serverInfo: { name: 'docksmith' },
    };
  });

  connection.onInitialized(() => {
    if (hasDynamicConfig) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'docksmith' });
  });

  function filePath(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try { return fileURLToPath(uri); } catch { return undefined; }
  }

  function settingsFor(uri: string): Promise<unknown> {
    if (!hasConfigurationCapability) return Promise.resolve((pushedSettings as Record<string, unknown>)?.docksmith ?? {});
    let p = settingsCache.get(uri);
    if (!p) {
      p = connection.workspace.getConfiguration({ scopeUri: uri, section: 'docksmith' }).then((v) => v ?? {}, () => ({}));
      settingsCache.set(uri, p);
    }
    return p;
  }

  async function contextFor(doc: TextDocument): Promise<{ ctx: LintContext; enabled: boolean }> {
    const raw = await settingsFor(doc.uri);
    const settings = readSettings(raw, RULE_NAMES);
    for (const problem of settings.problems) {
      if (shownSettingProblems.has(problem)) continue;
      shownSettingProblems.add(problem);
      void connection.window.showWarningMessage(`Docksmith: ${problem}`);
    }
    const file = filePath(doc.uri);
    const root = file ? workspaceRoots.find((r) => file.startsWith(r + path.sep)) : undefined;
    const proj = file ? project.load(file, root, settings.input.context) : undefined;
    if (proj?.pyproject) {
      const uri = pathToFileURL(proj.pyproject.path).toString();
      pyprojectOf.set(doc.uri, uri);
      publishPyprojectProblems(uri, proj.pyproject.problems);
    } else pyprojectOf.delete(doc.uri);
    reconcilePyprojectDiagnostics();
    // what the project scan skipped or could not read: said once in the output channel
    for (const note of [...(proj?.facts.python?.notes ?? []), ...(proj?.facts.python?.unknown ?? [])]) {
      if (loggedNotes.has(note)) continue;
      if (loggedNotes.size > 500) loggedNotes.clear();
      loggedNotes.add(note);
      log(note);
    }
    const standard = makeStandard({ ...(proj?.layers ?? {}), settings: settings.input });
    return {
      ctx: { standard, facts: proj?.facts ?? {}, onRuleError: (rule, err) => logError(`rule ${rule} failed on ${doc.uri}`, err) },
      enabled: settings.enable,
    };
  }

  function publishPyprojectProblems(uri: string, problems: { line: number; character: number; key?: string; message: string }[]): void {
    const diagnostics: LspDiagnostic[] = problems.map((p) => ({
      range: { start: { line: p.line, character: p.character }, end: { line: p.line, character: p.character + 1000 } },
      severity: DiagnosticSeverity.Warning, source: 'docksmith', code: 'config', message: p.message,
    }));
    const json = JSON.stringify(diagnostics);
    if ((publishedPyproject.get(uri) ?? '[]') === json) return;
    if (diagnostics.length) publishedPyproject.set(uri, json); else publishedPyproject.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics });
  }

  /** Clear problems published on pyproject.toml files no open Dockerfile uses any more (deleted, moved, closed). */
  function reconcilePyprojectDiagnostics(): void {
    const used = new Set(pyprojectOf.values());
    for (const uri of [...publishedPyproject.keys()]) {
      if (!used.has(uri)) publishPyprojectProblems(uri, []);
    }
  }

  /** The lint result for the document's current version (computed at most once per version). */
  async function lintFor(doc: TextDocument): Promise<Entry | undefined> {
    // BuildKit's <Dockerfile>.dockerignore matches the dockerfile language's `Dockerfile.*` pattern: not a Dockerfile
    if (/\.dockerignore$/i.test(doc.uri)) return undefined;
    const hit = lintCache.get(doc.uri);
    if (hit && hit.version === doc.version) return hit;
    const { ctx, enabled } = await contextFor(doc);
    if (!enabled) { lintCache.delete(doc.uri); return undefined; }
    // Documents are updated in place: read text and version together, after the await.
    const current = documents.get(doc.uri);
    if (!current) return undefined;
    const again = lintCache.get(doc.uri);
    if (again && again.version === current.version) return again;
    const t0 = performance.now();
    const result = lintText(current.getText(), ctx);
    const ms = performance.now() - t0;
    const entry = { version: current.version, ctx, result };
    lintCache.set(doc.uri, entry);
    reportStatus(current, ctx, result.diagnostics.length, ms);
    return entry;
  }

  /**
   * What configuration applies to a Dockerfile: sent to the client (`docksmith/status`, for the language
   * status item) and, with `docksmith.trace.server` on, traced to the output channel with the lint time.
   */
  function reportStatus(doc: TextDocument, ctx: LintContext, findings: number, ms: number): void {
    const st = ctx.standard;
    const rel = (p?: string) => {
      if (!p) return undefined;
      const root = workspaceRoots.find((r) => p.startsWith(r + path.sep));
      return (root ? path.relative(root, p) : path.basename(p)).split(path.sep).join('/');
    };
    const status = {
      uri: doc.uri,
      pyproject: rel(ctx.facts.pyprojectPath),
      taskDefinition: ctx.facts.taskDefinition?.label,
      vcpu: st.vcpu ? { value: st.vcpu.value, source: st.vcpu.source } : undefined,
      python: { value: st.python.value, source: st.python.source },
      target: st.target?.value,
      rulesOff: Object.entries(st.rules).filter(([, v]) => v === 'off').map(([k]) => k).sort(),
      findings,
    };
    void connection.sendNotification('docksmith/status', status);
    connection.tracer.log(`lint ${rel(filePath(doc.uri)) ?? doc.uri} v${doc.version}: ${findings} finding(s) in ${ms.toFixed(1)} ms`,
      `pyproject: ${status.pyproject ?? 'none'}; vCPU: ${status.vcpu ? `${status.vcpu.value} (${status.vcpu.source})` : 'unknown'}; Python ${status.python.value} (${status.python.source}); target: ${status.target ?? 'the last stage'}; task definition: ${status.taskDefinition ?? 'none'}; rules off: ${status.rulesOff.join(', ') || 'none'}`);
  }

  function toLsp(d: Diagnostic): LspDiagnostic {
    const diag: LspDiagnostic = {
      range: d.range, severity: SEVERITY[d.severity], source: 'docksmith', code: d.rule, message: d.message,
      data: { rule: d.rule, start: d.start },
    };
    if (docPages.has(`${d.rule}.md`)) diag.codeDescription = { href: pathToFileURL(path.join(docsDir, `${d.rule}.md`)).toString() };
    if (d.related?.length) diag.relatedInformation = d.related.map((r) => ({ location: { uri: pathToFileURL(r.path).toString(), range: r.range }, message: r.message }));
    return diag;
  }

  /** Findings on other files (a task definition, gunicorn.conf.py), per file and per Dockerfile that found them. */
  const external = new Map<string, Map<string, LspDiagnostic[]>>();
  const publishedExternal = new Map<string, string>();

  function setExternal(dockerUri: string, findings: Diagnostic[]): void {
    const byFile = new Map<string, LspDiagnostic[]>();
    for (const d of findings) {
      const uri = pathToFileURL(d.external!.path).toString();
      const list = byFile.get(uri) ?? [];
      list.push({ ...toLsp(d), range: d.external!.range, data: { rule: d.rule, dockerfile: dockerUri } });
      byFile.set(uri, list);
    }
    const touched = new Set<string>(byFile.keys());
    for (const [uri, per] of external) if (per.has(dockerUri)) { per.delete(dockerUri); touched.add(uri); }
    for (const [uri, list] of byFile) {
      const per = external.get(uri) ?? new Map<string, LspDiagnostic[]>();
      per.set(dockerUri, list);
      external.set(uri, per);
    }
    for (const uri of touched) {
      // several Dockerfiles may read one task definition: the same finding is shown once
      const all = [...(external.get(uri)?.values() ?? [])].flat();
      const unique = [...new Map(all.map((d) => [`${d.code}|${d.message}|${JSON.stringify(d.range)}`, d])).values()];
      const json = JSON.stringify(unique);
      if ((publishedExternal.get(uri) ?? '[]') === json) continue;
      if (unique.length) publishedExternal.set(uri, json); else { publishedExternal.delete(uri); external.delete(uri); }
      void connection.sendDiagnostics({ uri, diagnostics: unique });
    }
  }

  async function validate(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    const entry = await lintFor(doc);
    const now = documents.get(uri);
    if (!now || (entry && entry.version !== now.version)) return; // a newer version is on its way
    const all = entry ? entry.result.diagnostics : [];
    setExternal(uri, all.filter((d) => d.external));
    await connection.sendDiagnostics({ uri, version: now.version, diagnostics: all.filter((d) => !d.external).map(toLsp) });
  }

  /** Documents in the selector that are not Dockerfiles: task definitions and other project files the client syncs. */
  function isProjectFile(doc: TextDocument): boolean {
    return /^(json|jsonc|python|toml|ignore|plaintext)$/.test(doc.languageId);
  }

  /** An open project file changed: read its text instead of the disk, and lint the Dockerfiles again. */
  function projectFileChanged(doc: TextDocument, closed = false): void {
    const file = filePath(doc.uri);
    if (!file) return;
    project.setOverlay(file, doc.version, closed ? undefined : doc.getText());
    project.clear();
    lintCache.clear();
    documents.all().filter((d) => !isProjectFile(d)).forEach(schedule);
  }

  function schedule(doc: TextDocument): void {
    if (isProjectFile(doc)) return;
    const uri = doc.uri;
    clearTimeout(pending.get(uri));
    // Small files are linted at once; very large ones wait for typing to pause.
    const delay = doc.getText().length > 200_000 ? 300 : 0;
    pending.set(uri, setTimeout(() => { pending.delete(uri); void runSafe(`lint ${uri}`, undefined, () => validate(uri)); }, delay));
  }

  function relintAll(): void {
    lintCache.clear();
    documents.all().forEach(schedule);
  }

  documents.onDidOpen((e) => (isProjectFile(e.document) ? projectFileChanged(e.document) : schedule(e.document)));
  documents.onDidChangeContent((e) => (isProjectFile(e.document) ? projectFileChanged(e.document) : schedule(e.document)));
  documents.onDidClose((e) => {
    if (isProjectFile(e.document)) { projectFileChanged(e.document, true); return; }
    setExternal(e.document.uri, []);
    lintCache.delete(e.document.uri);
    pyprojectOf.delete(e.document.uri);
    reconcilePyprojectDiagnostics();
    settingsCache.delete(e.document.uri);
    clearTimeout(pending.get(e.document.uri));
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onDidChangeConfiguration((change) => {
    pushedSettings = change.settings ?? {};
    settingsCache.clear();
    shownSettingProblems.clear();
    relintAll();
  });

  connection.onDidChangeWatchedFiles(() => {
    project.clear();
    relintAll();
  });

  connection.onHover((params) => runSafe<Hover | null>('hover', null, async () => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || isProjectFile(doc)) return null;
    const entry = await lintFor(doc);
    if (!entry?.result.analysis) return null;
    const md = hover(entry.result.analysis, doc.offsetAt(params.position));
    return md ? { contents: { kind: MarkupKind.Markdown, value: md } } : null;
  }));

  const scaffoldEnv: ScaffoldEnv = {
    settings: async (uri) => readSettings(await settingsFor(uri), RULE_NAMES).input,
    taskDefinitionVcpu: (dir) => project.load(path.join(dir, 'Dockerfile'), dir).layers.taskDefinitionVcpu,
  };

  connection.onExecuteCommand(async (params) => {
    try {
      if (params.command === SCAFFOLD_COMMAND) return await runScaffold(params.arguments, scaffoldEnv);
      if (params.command === PROJECT_INFO_COMMAND) return await runProjectInfo(params.arguments, scaffoldEnv);
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      logError(params.command, err);
      throw new ResponseError(LSPErrorCodes.RequestFailed, `Docksmith could not run ${params.command}: ${err instanceof Error ? err.message : String(err)}`);
    }
    throw new ResponseError(LSPErrorCodes.RequestFailed, `Unknown command ${params.command}.`);
  });

  connection.onCodeAction((params) => runSafe<CodeAction[]>('codeAction', [], () => codeActions(params)));

  /** The edit of a fix: this document, and other files (a .dockerignore, pyproject.toml); undefined when the client cannot apply it. */
  function wholeEdit(doc: TextDocument, edits: OffsetEdit[], otherFiles: FileEdit[] = []): WorkspaceEdit | undefined {
    const textEdits = edits.map((e) => TextEdit.replace({ start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, e.newText));
    const others = otherFiles.map((f) => ({ uri: pathToFileURL(f.path).toString(), create: !!f.create, edits: f.edits.map((e) => TextEdit.replace({ start: e.start, end: e.end }, e.newText)) }));
    if (versionedEdits) {
      if (others.some((o) => o.create) && !createFiles) return undefined;
      const changes: WorkspaceEdit['documentChanges'] = [];
      if (textEdits.length) changes.push(TextDocumentEdit.create({ uri: doc.uri, version: doc.version }, textEdits));
      for (const o of others) {
        if (o.create) changes.push(CreateFile.create(o.uri, { ignoreIfExists: true }));
        changes.push(TextDocumentEdit.create({ uri: o.uri, version: null }, o.edits));
      }
      return { documentChanges: changes };
    }
    if (others.some((o) => o.create)) return undefined;
    const changes: Record<string, TextEdit[]> = {};
    if (textEdits.length) changes[doc.uri] = textEdits;
    for (const o of others) changes[o.uri] = o.edits;
    return { changes };
  }

  async function codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || isProjectFile(doc)) return [];
    const version = doc.version;
    const entry = await lintFor(doc);
    // The request's ranges and diagnostics belong to `version`: answer nothing if the text moved on.
    if (!entry || entry.version !== version || doc.version !== version) return [];
    const only = params.context.only;
    const wantsFixAll = only?.some((k) => k === FIX_ALL_KIND || FIX_ALL_KIND.startsWith(k + '.') || k === CodeActionKind.Source);
    const wantsQuickFix = !only || only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k + '.') || k === CodeActionKind.Empty);
    const actions: CodeAction[] = [];
    const text = doc.getText();
    if (wantsFixAll) {
      // the cached lint of this version is fix-all's first pass
      const edit = fixAllEdit(text, entry.ctx, entry.result);
      if (edit) actions.push({ title: 'Fix all safe Docksmith problems', kind: FIX_ALL_KIND, edit: wholeEdit(doc, [edit]) });
    }
    if (!wantsQuickFix) return actions;
    const ours = params.context.diagnostics.filter((d) => d.source === 'docksmith');
    const requested: RequestedFinding[] = ours.map((d) => {
      const data = d.data as { rule?: string; start?: number } | undefined;
      return { rule: data?.rule ?? String(d.code ?? ''), start: data?.start ?? doc.offsetAt(d.range.start), message: typeof d.message === 'string' ? d.message : d.message.value };
    });
    let scaffoldOffered = false;
    for (const q of quickFixes(entry.result, text, requested)) {
      const lspDiag = ours[q.request];
      const pyproject = pyprojectOf.get(doc.uri);
      // the scaffold goes after the finding's own fix and before its "ignore"
      if (q.ignore && q.finding.rule === 'multi-stage' && pyproject && !scaffoldOffered && clientCommands.has(CREATE_DOCKERFILE_COMMAND)) {
        scaffoldOffered = true;
        actions.push({ title: 'Create the standard Dockerfile from pyproject.toml…', kind: CodeActionKind.QuickFix, diagnostics: [lspDiag],
          command: { title: 'Create the standard Dockerfile from pyproject.toml', command: CREATE_DOCKERFILE_COMMAND, arguments: [pyproject] } });
      }
      const edit = wholeEdit(doc, q.edits, q.otherFiles);
      if (edit) actions.push({ title: q.title, kind: CodeActionKind.QuickFix, diagnostics: [lspDiag], isPreferred: q.ignore ? undefined : q.preferred, edit });
      // after the finding's own actions: its documentation, where the client can open it
      if (q.ignore && clientCommands.has(SHOW_RULE_DOCS_COMMAND) && docPages.has(`${q.finding.rule}.md`)) {
        actions.push({ title: `Show documentation for ${q.finding.rule}`, kind: CodeActionKind.QuickFix, diagnostics: [lspDiag],
          command: { title: `Show documentation for ${q.finding.rule}`, command: SHOW_RULE_DOCS_COMMAND, arguments: [pathToFileURL(path.join(docsDir, `${q.finding.rule}.md`)).toString()] } });
      }
    }
    return actions;
  }

  documents.listen(connection);
  log('server started');
}
