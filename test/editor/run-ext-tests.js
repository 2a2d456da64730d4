// Runs the mocha suite (out/test/editor/suite/index.js) inside code-server's Node extension host,
// with the repository loaded as a development extension and a throwaway copy of
// test/editor/workspace/ as the folder. A headless Chromium page hosts the workbench; the
// workbench calls window.codeAutomationLog(type, args) for extension-host console output and
// window.codeAutomationExit(code) when the tests finish.
//
// Usage: node test/editor/run-ext-tests.js [extensionDevelopmentPath] [extensionTestsPath]
// Env: TEST_TIMEOUT_MS (default 300000), READY_TIMEOUT_MS (default 120000), DOCKSMITH_TEST_GREP (mocha grep), KEEP_TMP=1
// Exit: 0 only if the suite reported "N passed, 0 failed" with N > 0.
'use strict';
const fs = require('fs');
const path = require('path');
const util = require('util');
const h = require('./code-server');

const devPath = path.resolve(process.argv[2] || h.REPO);
const testsPath = path.resolve(process.argv[3] || path.join(h.REPO, 'out', 'test', 'editor', 'suite', 'index.js'));
const TIMEOUT = +(process.env.TEST_TIMEOUT_MS || 300000);
const t0 = Date.now();
const ms = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
// workbench/extension-host chatter that says nothing about the tests
const NOISE = /^(Resolving|Resolved|Creating a socket|Updating additional|\[Service Worker\]|ChatSessionStore|getaddrinfo ENOTFOUND|    at )/;

for (const [what, p] of [['extension', path.join(devPath, 'package.json')], ['extension main', path.join(devPath, 'dist', 'client.js')], ['tests', testsPath]]) {
  if (!fs.existsSync(p)) { console.error(`[runner] ${what} not found: ${p} (run npm run build && npx tsc -p .)`); process.exit(2); }
}

const runDir = h.makeRunDir('docksmith-ext-');
const ws = h.copyWorkspace(path.join(runDir, 'workspace'));
let server; let browser; let done = false; let summary;

async function finish(code, why) {
  if (done) return; done = true;
  let exit = code;
  if (code === 0 && !summary) { exit = 7; why += '; but the suite printed no "N passed, N failed" line'; }
  else if (code === 0 && summary.passed === 0) { exit = 7; why += '; but no test passed (did the suite run at all?)'; }
  else if (code === 0 && summary.failed > 0) { exit = 1; why += `; but ${summary.failed} test(s) failed`; }
  else if (code !== 0 && exit === 0) exit = 1;
  console.log(`[runner] ${why} -> exit ${exit} (${ms()}); code-server log: ${server ? server.logPath : '(not started)'}`);
  if (exit !== 0) console.log(`[runner] extension host log about the extension: ${h.extensionLog(runDir)}`);
  try { if (browser) await browser.close(); } catch { /* closing anyway */ }
  try { if (server) await server.stop(); } catch { /* best effort */ }
  if (exit === 0 && !process.env.KEEP_TMP) fs.rmSync(runDir, { recursive: true, force: true });
  else console.log(`[runner] run directory kept: ${runDir}`);
  process.exit(exit);
}
process.on('SIGINT', () => finish(130, 'interrupted'));
process.on('SIGTERM', () => finish(143, 'terminated'));

(async () => {
  server = await h.startCodeServer({ runDir, onExit: (c) => finish(6, `code-server exited early (${c})`) });
  console.log(`[runner] code-server up on ${server.host} (${ms()}); workspace copy: ${ws}`);
  browser = await h.launchChromium();
  const page = await browser.newPage();
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = util.format(...args);  // mocha logs printf-style
    for (const line of text.split('\n')) {
      const m = h.SUMMARY.exec(line.trim());
      if (m) summary = { passed: +m[1], failed: +m[2] };
    }
    if (NOISE.test(text)) return;
    (type === 'error' ? console.error : console.log)(text);
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish(code, `tests finished with code ${code}`));
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  setTimeout(() => finish(4, `timeout after ${TIMEOUT}ms (extension host crashed or a test hung)`), TIMEOUT);
  await page.goto(h.workbenchUrl(server.host, ws, { devPath, testsPath }));
  console.log(`[runner] workbench loading (${ms()})`);
})().catch((e) => { console.error(e); finish(5, 'runner error'); });
