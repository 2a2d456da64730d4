// Runs the same mocha suite (out/test/editor/suite/index.js) in desktop VS Code through
// @vscode/test-electron. Desktop VS Code has to be downloaded from update.code.visualstudio.com,
// which machines without general network access cannot reach: then this fails loudly, it never
// reports a pass. `npm run test:desktop`; not part of scripts/test-editor.sh.
//
// Env: VSCODE_VERSION (default "stable"; the extension needs >= 1.100), VSCODE_EXECUTABLE (use an
// installed VS Code instead of downloading), KEEP_TMP=1. On Linux without a display, run under xvfb-run.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const extensionDevelopmentPath = REPO;
const extensionTestsPath = path.join(REPO, 'out', 'test', 'editor', 'suite', 'index.js');

function fail(message, code = 1) {
  console.error(message);
  console.log('0 passed, 1 failed');
  process.exit(code);
}

(async () => {
  let testElectron;
  try { testElectron = require('@vscode/test-electron'); } catch (e) {
    fail(`@vscode/test-electron is not installed (npm install): ${e.message}`, 2);
  }
  for (const p of [path.join(REPO, 'dist', 'client.js'), extensionTestsPath]) {
    if (!fs.existsSync(p)) fail(`${p} not found: run npm run build && npx tsc -p . first`, 2);
  }

  let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
  if (!vscodeExecutablePath) {
    const version = process.env.VSCODE_VERSION || 'stable';
    try {
      vscodeExecutablePath = await testElectron.downloadAndUnzipVSCode({ version, timeout: 30_000 });
    } catch (e) {
      fail(`desktop VS Code could not be downloaded: ${e && e.message ? e.message : String(e)}\n` +
        'No desktop test ran. This machine cannot reach update.code.visualstudio.com; use ' +
        '`npm run test:editor` (code-server) here, or set VSCODE_EXECUTABLE to an installed VS Code.', 3);
    }
  }

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docksmith-desktop-'));
  const workspace = path.join(runDir, 'workspace');
  fs.cpSync(path.join(__dirname, 'workspace'), workspace, { recursive: true });
  const resultFile = path.join(runDir, 'result.json');
  let exitCode;
  try {
    exitCode = await testElectron.runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath,
      extensionTestsPath,
      extensionTestsEnv: { DOCKSMITH_TEST_RESULT: resultFile },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome',
        '--skip-release-notes', '--user-data-dir', path.join(runDir, 'user-data'),
        '--extensions-dir', path.join(runDir, 'extensions')],
    });
  } catch (e) {
    // runTests rejects with "Test run failed with code N" or a launch error
    exitCode = undefined;
    console.error(`desktop test run failed: ${e && e.message ? e.message : String(e)}`);
  }
  let result;
  try { result = JSON.parse(fs.readFileSync(resultFile, 'utf8')); } catch { /* suite never finished */ }
  if (!result) fail(`the suite did not report a result (exit code ${exitCode}); run directory: ${runDir}`);
  console.log(`${result.passed} passed, ${result.failed} failed`);
  const ok = exitCode === 0 && result.failed === 0 && result.passed > 0;
  if (ok && !process.env.KEEP_TMP) fs.rmSync(runDir, { recursive: true, force: true });
  else console.log(`run directory kept: ${runDir}`);
  process.exit(ok ? 0 : 1);
})();
