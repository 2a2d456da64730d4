// UI test of "Docksmith: Create Dockerfile from pyproject.toml" in the real code-server workbench
// (headless Chromium), on a throwaway copy of examples/fastapi-service without its Dockerfile:
//   1) the command, run from the command palette, offers the Fargate vCPU sizes with the project's
//      configured 2 vCPU preselected, writes Dockerfile + .dockerignore next to pyproject.toml, opens
//      the Dockerfile, and the Problems panel stays empty;
//   2) with a different Dockerfile already there, the command opens a diff against the proposal and
//      asks Replace / Save as Dockerfile.docksmith / Cancel; Cancel writes nothing and closes the diff.
//
// Usage: node test/editor/ui-scaffold.js [extensionDevelopmentPath]
// Env: SHOTS_DIR (default .editor-test/shots), KEEP_TMP=1, TEST_TIMEOUT_MS
// Screenshots: <SHOTS_DIR>/scaffold-*.png (scaffold-1-vcpu-pick.png is the one in docs/images).
// Prints "N passed, N failed" last; exit 0 only when every check passed.
'use strict';
const fs = require('fs');
const path = require('path');
const h = require('./code-server');

const devPath = path.resolve(process.argv[2] || h.REPO);
const SHOTS = path.resolve(process.env.SHOTS_DIR || path.join(h.EDITOR_DIR, 'shots'));
const EXAMPLE = path.join(h.REPO, 'examples', 'fastapi-service');
const CHECKS = ['palette command writes Dockerfile + .dockerignore, Problems panel empty', 'existing Dockerfile: diff, Cancel writes nothing'];
const norm = (s) => (s || '').replace(/\u00a0/g, ' ');
const t0 = Date.now();
const lap = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(2)}s] ${m}`);
let passed = 0; let failed = 0;
let page; let server; let browser;

async function emergencyStop() {
  try { if (browser) await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 3000))]); } catch { /* closing anyway */ }
  try { if (server) process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
}

async function shot(name) {
  if (!page) return;
  try { await page.screenshot({ path: path.join(SHOTS, `scaffold-${name}.png`) }); } catch (e) { lap(`  (screenshot ${name} failed: ${e.message})`); }
}

async function check(name, fn) {
  try { await fn(); passed++; lap(`PASS ${name}`); }
  catch (e) {
    failed++; lap(`FAIL ${name}: ${e.message.split('\n')[0]}`);
    await shot(`fail-${name.replace(/[^a-z0-9]+/gi, '-')}`);
  }
}

async function waitFor(pred, what, ms = 30000) {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Command palette → the create command → the vCPU quick pick (returns the focused row's text). */
async function runCreateCommand() {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+P');
  await page.waitForFunction(() => !!document.activeElement?.closest('.quick-input-widget'));
  await page.keyboard.type('Docksmith: Create Dockerfile from pyproject.toml');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Create Dockerfile from pyproject.toml' }).first();
  await row.waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'vCPU' }).first().waitFor({ timeout: 30000 });
  await page.locator('.quick-input-list .monaco-list-row.focused').first().waitFor({ timeout: 10000 });
  return norm(await page.locator('.quick-input-list .monaco-list-row.focused').first().innerText()).replace(/\s+/g, ' ');
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const runDir = h.makeRunDir('docksmith-scaffold-');
  const ws = path.join(runDir, 'orders-api');
  fs.cpSync(EXAMPLE, ws, { recursive: true, filter: (src) => !/(^|\/)(Dockerfile|\.dockerignore)$/.test(path.relative(EXAMPLE, src)) });
  const dockerfile = path.join(ws, 'Dockerfile');
  const ignore = path.join(ws, '.dockerignore');
  try {
    server = await h.startCodeServer({ runDir, userSettings: { 'workbench.editor.enablePreview': false } });
    lap(`code-server up on ${server.host}; workspace: ${ws}`);
    browser = await h.launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => console.log('  [page error]', e.message.slice(0, 200)));
    await page.goto(h.workbenchUrl(server.host, ws, { devPath }));
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row[aria-label*="pyproject.toml"]', { timeout: 60000 });
    lap('workbench up, explorer shows pyproject.toml');
    if (fs.existsSync(dockerfile)) throw new Error('the workspace copy already has a Dockerfile');
  } catch (e) {
    lap(`FATAL setup: ${e.message.split('\n')[0]}`);
    await shot('fail-setup');
    failed = CHECKS.length;
  }

  if (!failed) {
    await check(CHECKS[0], async () => {
      const focused = await runCreateCommand();
      lap(`  vCPU pick, focused row: ${focused}`);
      if (!/^2 vCPU/.test(focused) || !/configured: \[tool\.docksmith\]/.test(focused)) throw new Error(`expected the configured 2 vCPU preselected, got "${focused}"`);
      await shot('1-vcpu-pick');
      await page.keyboard.press('Enter');
      await waitFor(() => fs.existsSync(dockerfile) && fs.existsSync(ignore), 'Dockerfile and .dockerignore on disk');
      const text = fs.readFileSync(dockerfile, 'utf8');
      for (const want of ['FROM python:3.11-slim AS builder', 'COPY README.md ./', 'COPY src/orders_api/ ./src/orders_api/', '"orders_api.main:app", "--workers", "2"', 'USER 1000']) {
        if (!text.includes(want)) throw new Error(`written Dockerfile lacks ${want}`);
      }
      if (!fs.readFileSync(ignore, 'utf8').split('\n').includes('.venv')) throw new Error('.dockerignore lacks .venv');
      lap(`  wrote Dockerfile (${text.split('\n').length} lines) and .dockerignore`);
      // the command opens the Dockerfile: its tab becomes active and the server lints it
      await page.locator('.tabs-container .tab.active', { hasText: 'Dockerfile' }).first().waitFor({ timeout: 15000 });
      await page.waitForFunction(() => /gunicorn/.test(document.querySelector('.editor-instance .monaco-editor .view-lines')?.textContent || ''), null, { timeout: 15000 });
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel').first().waitFor({ timeout: 15000 });
      // give the server time to publish (a finding would show as a row); then the panel must still be empty
      await new Promise((r) => setTimeout(r, 3000));
      const rows = await page.locator('.markers-panel .monaco-list-row').count();
      const message = norm(await page.locator('.markers-panel .markers-panel-container .message-box-container, .markers-panel .message-box-container').first().innerText().catch(() => ''));
      lap(`  Problems panel: ${rows} row(s); message: ${message.trim() || '(none)'}`);
      if (rows !== 0) throw new Error(`Problems panel has ${rows} row(s): ${norm(await page.locator('.markers-panel').first().innerText())}`);
      if (!/No problems/i.test(message)) throw new Error('Problems panel shows no "No problems" message');
      await shot('2-written');
      // the panel is empty because the file is clean, not because nothing lints it: drop USER and a row appears
      fs.writeFileSync(dockerfile, text.replace(/^USER 1000\n/m, ''));
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'non-root-user' }).first().waitFor({ timeout: 20000 });
      lap('  control: without USER 1000 the Problems panel shows non-root-user');
    });

    await check(CHECKS[1], async () => {
      const before = '# hand-written\nFROM python:3.11\nCOPY . .\nRUN pip install .\nCMD gunicorn orders_api.main:app\n';
      fs.writeFileSync(dockerfile, before);
      fs.rmSync(ignore);
      const mtime = fs.statSync(dockerfile).mtimeMs;
      await runCreateCommand();
      await page.keyboard.press('Enter');
      const diff = page.locator('.tabs-container .tab', { hasText: 'Docksmith proposal' }).first();
      await diff.waitFor({ timeout: 30000 });
      await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 15000 });
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'already exists' }).first();
      await toast.waitFor({ timeout: 15000 });
      const buttons = (await toast.locator('.monaco-button').allInnerTexts()).map((b) => norm(b).trim());
      lap(`  diff open; notification buttons: ${buttons.join(' | ')}`);
      for (const b of ['Replace', 'Save as Dockerfile.docksmith', 'Cancel']) if (!buttons.includes(b)) throw new Error(`no "${b}" button (${buttons})`);
      await shot('3-diff');
      await toast.locator('.monaco-button', { hasText: /^Cancel$/ }).first().click();
      await diff.waitFor({ state: 'detached', timeout: 15000 });
      await new Promise((r) => setTimeout(r, 1500));
      if (fs.readFileSync(dockerfile, 'utf8') !== before) throw new Error('Cancel changed the Dockerfile');
      if (fs.statSync(dockerfile).mtimeMs !== mtime) throw new Error('Cancel touched the Dockerfile');
      if (fs.existsSync(ignore)) throw new Error('Cancel wrote a .dockerignore');
      if (fs.existsSync(path.join(ws, 'Dockerfile.docksmith'))) throw new Error('Cancel wrote Dockerfile.docksmith');
      lap('  Cancel: Dockerfile unchanged, nothing written, diff closed');
    });
  }

  await shot('4-final');
  try { if (browser) await browser.close(); } catch { /* closing anyway */ }
  if (server) await server.stop();
  if (!failed && !process.env.KEEP_TMP) fs.rmSync(runDir, { recursive: true, force: true });
  else lap(`run directory kept: ${runDir}${server ? ` (code-server log: ${server.logPath})` : ''}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || passed === 0 ? 1 : 0);
}

const overall = setTimeout(async () => { console.log(`TIMEOUT: ui-scaffold did not finish in time\n${passed} passed, ${CHECKS.length - passed} failed`); await emergencyStop(); process.exit(4); },
  +(process.env.TEST_TIMEOUT_MS || 180000));
overall.unref();
main().catch(async (e) => { console.error('FATAL', e); console.log(`${passed} passed, ${CHECKS.length - passed} failed`); await emergencyStop(); process.exit(2); });
