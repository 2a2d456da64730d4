// Shared plumbing for the real-editor tests: a code-server (VS Code 1.100.3 web build, installed by
// install-code-server.sh into .editor-test/) in its own process group, Debian's chromium driven by
// playwright-core, and throwaway copies of the fixture workspace (code-server edits files in place).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const EDITOR_DIR = path.resolve(process.env.EDITOR_TEST_DIR || path.join(REPO, '.editor-test'));
const FIXTURE_WORKSPACE = path.join(__dirname, 'workspace');
const CODE_SERVER = process.env.CODE_SERVER || path.join(EDITOR_DIR, 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
/** Upper bound for code-server to answer /healthz (a loaded machine needs more than an idle one). */
const START_MS = 120000;
/**
 * Upper bound for the development extension to show up (commands in the palette, first diagnostics):
 * every test polls for that fact and goes on as soon as it holds; only a failure waits this long.
 */
const READY_MS = +(process.env.READY_TIMEOUT_MS || 120000);

function loadPlaywright() {
  // playwright-core lives next to code-server, not in the extension's own node_modules
  const resolved = require.resolve('playwright-core', { paths: [path.join(EDITOR_DIR, 'node_modules'), REPO] });
  return require(resolved);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/** A fresh run directory under $TMPDIR (the test script points TMPDIR into .editor-test/tmp). */
function makeRunDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies the fixture workspace to `dest`; `skip(relPath)` can leave entries out. */
function copyWorkspace(dest, skip = () => false) {
  fs.cpSync(FIXTURE_WORKSPACE, dest, {
    recursive: true,
    filter: (src) => !skip(path.relative(FIXTURE_WORKSPACE, src)),
  });
  return dest;
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
  // run dirs live under .editor-test/ inside the project's git repository: keep git out of it
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

const healthy = (port) => new Promise((resolve) => {
  http.get(`http://127.0.0.1:${port}/healthz`, (res) => { res.resume(); resolve(res.statusCode === 200); })
    .on('error', () => resolve(false));
});

/**
 * Starts code-server detached (own process group: its extension host, file watcher and language
 * server children die with it) and waits for /healthz. Records the group id in
 * $EDITOR_TEST_PIDS (if set) so scripts/test-editor.sh can kill leftovers of a crashed runner.
 */
async function startCodeServer({ runDir, userSettings = {}, onExit }) {
  if (!fs.existsSync(CODE_SERVER)) {
    throw new Error(`code-server not found at ${CODE_SERVER}; run: bash test/editor/install-code-server.sh .editor-test`);
  }
  const port = await freePort();
  const ud = path.join(runDir, 'user-data');
  const exts = path.join(runDir, 'extensions');
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.mkdirSync(exts, { recursive: true });
  fs.writeFileSync(path.join(ud, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...userSettings }, null, 2));
  const logPath = path.join(runDir, 'code-server.log');
  const log = fs.openSync(logPath, 'a');
  const cs = spawn(CODE_SERVER, ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', ud, '--extensions-dir', exts, '--config', path.join(runDir, 'config.yaml'),
    ...(process.env.CS_EXTRA_ARGS || '').split(/\s+/).filter(Boolean)],
  { env: { ...process.env, XDG_CONFIG_HOME: runDir, XDG_DATA_HOME: runDir }, stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  const pidFile = process.env.EDITOR_TEST_PIDS ? path.join(process.env.EDITOR_TEST_PIDS, String(cs.pid)) : undefined;
  if (pidFile) { fs.mkdirSync(path.dirname(pidFile), { recursive: true }); fs.writeFileSync(pidFile, `${cs.pid}\n`); }
  let exited = false;
  const exit = new Promise((resolve) => cs.on('exit', (code, sig) => { exited = true; if (onExit) onExit(code ?? sig); resolve(); }));
  const stop = async () => {
    if (!exited) {
      try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* already gone */ }
      // waits for the exit event; the 3 s bound is only SIGTERM's grace period before the SIGKILL below
      let grace;
      await Promise.race([exit, new Promise((r) => { grace = setTimeout(r, 3000); })]);
      clearTimeout(grace);
    }
    // the group may outlive its leader (extension host, language server): make sure it is gone
    try { process.kill(-cs.pid, 'SIGKILL'); } catch { /* already gone */ }
    if (pidFile) fs.rmSync(pidFile, { force: true });
  };
  // polls /healthz (100 ms is the poll interval, not a wait for something to happen)
  const deadline = Date.now() + START_MS;
  while (!(await healthy(port))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`code-server ${exited ? 'exited before answering' : `did not answer /healthz within ${START_MS / 1000} s`} (log: ${logPath})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, host: `127.0.0.1:${port}`, pid: cs.pid, logPath, stop };
}

async function launchChromium() {
  const { chromium } = loadPlaywright();
  // launch() always uses a fresh temp profile under $TMPDIR; --user-data-dir in args is rejected
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Workbench URL; `devPath`/`testsPath` are absolute paths on this machine (= the "remote"). */
function workbenchUrl(host, folder, { devPath, testsPath } = {}) {
  const remote = (p) => `vscode-remote://${host}${p}`;
  const payload = [['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
  if (devPath) payload.push(['extensionDevelopmentPath', remote(devPath)]);
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  return `http://${host}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * What the remote extension host under `runDir` logged about extension `extId` (activation and its
 * errors) and the tail of the extension's own output-channel log files: the first cause to put in a
 * failure message when the extension never showed up. Tolerates missing logs.
 */
function extensionLog(runDir, extId = 'docksmith.docksmith') {
  const out = [];
  const ls = (d) => { try { return fs.readdirSync(d); } catch { return []; } };
  const read = (f) => { try { return fs.readFileSync(f, 'utf8'); } catch { return ''; } };
  const logs = path.join(runDir, 'user-data', 'logs');
  for (const session of ls(logs)) {
    for (const host of ls(path.join(logs, session)).filter((d) => d.startsWith('exthost'))) {
      const dir = path.join(logs, session, host);
      const lines = read(path.join(dir, 'remoteexthost.log')).split('\n');
      lines.forEach((l, i) => {
        if (!l.includes(extId)) return;
        out.push(l.replace(/^\S+ \S+ /, '').slice(0, 300));
        if (/\[error\]/.test(l) && lines[i + 1]) out.push(lines[i + 1].replace(/^\S+ \S+ /, '').slice(0, 300));
      });
      for (const f of ls(path.join(dir, extId))) {
        const tail = read(path.join(dir, extId, f)).trim().split('\n').slice(-5);
        out.push(...tail.filter(Boolean).map((l) => `${f}: ${l.replace(/^\S+ \S+ /, '').slice(0, 300)}`));
      }
    }
  }
  return out.length ? out.join(' | ') : `the extension host log never mentions ${extId} (never activated)`;
}

const SUMMARY = /^(\d+) passed, (\d+) failed$/;

module.exports = {
  REPO, EDITOR_DIR, FIXTURE_WORKSPACE, READY_MS, SUMMARY,
  copyWorkspace, extensionLog, launchChromium, makeRunDir, startCodeServer, workbenchUrl,
};
