// The thin VS Code client: starts the Docksmith language server over IPC and forwards
// configuration and project-file changes. All Dockerfile knowledge lives in the server.
import * as path from 'path';
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { registerScaffold } from './scaffold';

let client: LanguageClient | undefined;

/** What the server says applies to a Dockerfile (`docksmith/status`). */
interface DocksmithStatus {
  uri: string;
  pyproject?: string;
  taskDefinition?: string;
  vcpu?: { value: number; source: string };
  python: { value: string; source: string };
  target?: string;
  rulesOff: string[];
  findings: number;
}

/** Files whose content changes what Docksmith reports for a Dockerfile. */
const PROJECT_FILES = '**/{pyproject.toml,uv.lock,pdm.lock,poetry.lock,Pipfile,Pipfile.lock,gunicorn.conf.py,*.py,requirements*.txt,.dockerignore,*.dockerignore,*task-def*.json,*taskdef*.json,*task_definition*.json}';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const output = vscode.window.createOutputChannel('Docksmith', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'untitled', language: 'dockerfile' },
      // ECS task definitions: their findings are shown on the JSON, and edits re-lint the Dockerfiles as you type
      { scheme: 'file', language: 'json', pattern: '**/*{task-def,taskdef,task_def,task-definition,task_definition}*.json' },
    ],
    synchronize: {
      configurationSection: 'docksmith',
      fileEvents: [
        vscode.workspace.createFileSystemWatcher(PROJECT_FILES),
        // the build context: files appearing or disappearing anywhere change what COPY finds
        vscode.workspace.createFileSystemWatcher('**/*', false, true, false),
      ],
    },
    outputChannel: output,
    // the commands this client implements: the server offers actions that run them only to clients that announce them
    initializationOptions: { clientCommands: ['docksmith.createDockerfile', 'docksmith.showRuleDocs'] },
    middleware: {
      workspace: {
        // Send only values the user actually set, so the server can tell "set in settings" from
        // "the standard's default" (and [tool.docksmith] can win over defaults).
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return params.items.map((item, i) => (item.section === 'docksmith' ? explicitSettings(item.scopeUri) : result[i]));
        },
      },
    },
  };
  client = new LanguageClient('docksmith', 'Docksmith', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('docksmith.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('docksmith.showOutput', () => output.show(true)),
    // a rule's page (docs/rules/<rule>.md, shipped with the extension) in the Markdown preview
    vscode.commands.registerCommand('docksmith.showRuleDocs', async (uri: string) => {
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.parse(uri));
    }),
    // fix-all on demand: the same action as on save (safe fixes that converge)
    vscode.commands.registerCommand('docksmith.fixAll', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.languageId !== 'dockerfile') {
        void vscode.window.showInformationMessage('Docksmith: open a Dockerfile to fix its problems.');
        return;
      }
      await vscode.commands.executeCommand('editor.action.sourceAction', { kind: 'source.fixAll.docksmith', apply: 'first' });
    }),
  );
  registerScaffold(context, () => client, output);
  // docksmith.syntax "auto" depends on which extensions are enabled: tell the server when that changes.
  let dockerExt = dockerExtensionEnabled();
  context.subscriptions.push(vscode.extensions.onDidChange(() => {
    const now = dockerExtensionEnabled();
    if (now === dockerExt || !client?.isRunning()) return;
    dockerExt = now;
    void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }));
  // The language status item on Dockerfiles: which configuration applies, with a link to the output channel
  const statusItem = vscode.languages.createLanguageStatusItem('docksmith.status', { language: 'dockerfile' });
  statusItem.name = 'Docksmith';
  statusItem.text = 'Docksmith';
  statusItem.command = { title: 'Show Output', command: 'docksmith.showOutput' };
  context.subscriptions.push(statusItem);
  const statusByUri = new Map<string, DocksmithStatus>();
  const showStatus = () => {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const st = uri ? statusByUri.get(uri) : undefined;
    if (!st) { statusItem.text = 'Docksmith'; statusItem.detail = 'not linted yet'; return; }
    statusItem.text = `Docksmith: ${st.vcpu ? `${st.vcpu.value} vCPU` : 'vCPU unknown'}`;
    statusItem.detail = [
      st.pyproject ? `config: ${st.pyproject}` : 'no pyproject.toml',
      st.vcpu ? `vCPU from ${st.vcpu.source}` : 'set vcpu in [tool.docksmith]',
      `Python ${st.python.value}`,
      st.taskDefinition ? `task definition: ${st.taskDefinition}` : undefined,
      st.rulesOff.length ? `off: ${st.rulesOff.join(', ')}` : undefined,
    ].filter(Boolean).join(' · ');
  };
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(showStatus));
  client.onNotification('docksmith/status', (st: DocksmithStatus) => {
    statusByUri.set(st.uri, st);
    showStatus();
  });
  await client.start();
}

const SETTING_KEYS = ['enable', 'vcpu', 'uid', 'port', 'healthPath', 'python', 'target', 'context', 'framework', 'syntax', 'rules'];

/** Extensions that already report Dockerfile syntax errors: with one enabled, "auto" turns Docksmith's off. */
const DOCKER_EXTENSIONS = ['ms-azuretools.vscode-docker', 'docker.docker'];

function dockerExtensionEnabled(): boolean {
  return DOCKER_EXTENSIONS.some((id) => vscode.extensions.getExtension(id) !== undefined);
}

function explicitSettings(scopeUri: string | undefined): Record<string, unknown> {
  const uri = scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
  const cfg = vscode.workspace.getConfiguration('docksmith', uri ? { uri, languageId: 'dockerfile' } : undefined);
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const i = cfg.inspect(key);
    if (!i) continue;
    // Most specific first; "[dockerfile]" language-scoped values beat plain ones at each level.
    const levels = [i.workspaceFolderLanguageValue, i.workspaceFolderValue, i.workspaceLanguageValue, i.workspaceValue, i.globalLanguageValue, i.globalValue];
    if (key === 'rules') {
      // Per-rule severities merge across levels (user rules stay when a workspace sets another rule).
      const merged = Object.assign({}, ...levels.filter((v) => v && typeof v === 'object').reverse());
      if (Object.keys(merged).length) out[key] = merged;
      continue;
    }
    const v = levels.find((x) => x !== undefined);
    if (v !== undefined) out[key] = v;
  }
  // The server never sees "auto": it gets what auto means in this window.
  if (out.syntax === undefined || out.syntax === 'auto') out.syntax = dockerExtensionEnabled() ? 'off' : 'on';
  return out;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
