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
const { uiSession } = require('./ui-session');

const devPath = path.resolve(process.argv[2] || h.REPO);
const EXAMPLE = path.join(h.REPO, 'examples', 'fastapi-service');
const CHECKS = ['palette command writes Dockerfile + .dockerignore, Problems panel empty', 'existing Dockerfile: diff, Cancel writes nothing'];
const ui = uiSession({ label: 'ui-scaffold', checks: CHECKS, shotPrefix: 'scaffold-', runDirPrefix: 'docksmith-scaffold-' });
const { lap, shot, check, norm } = ui;
const COMMAND = 'docksmith.createDockerfile';
const TITLE = 'Docksmith: Create Dockerfile from pyproject.toml';
let page;
let ws; let dockerfile; let ignore;

/** Polls `pred` (a file-system fact; 100 ms is the poll interval) until it holds; throws after `ms`. */
async function waitFor(pred, what, ms = 30000) {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
}

/** Visible notification toasts, for failure messages (the command reports its errors there). */
const toasts = async () => norm((await page.locator('.notifications-toasts .notification-toast').allInnerTexts().catch(() => [])).join(' | ')).replace(/\s+/g, ' ') || 'none';

/** Command palette → the create command → the vCPU quick pick (returns the focused row's text). */
async function runCreateCommand() {
  await ui.runCommand(TITLE);
  // running the command activates the extension (if it is not yet) and asks the server for the project
  try {
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'vCPU' }).first().waitFor({ timeout: h.READY_MS });
  } catch {
    throw new Error(`${COMMAND} ran but no vCPU pick appeared within ${h.READY_MS / 1000} s (notifications: ${await toasts()}); extension host: ${ui.extensionLog()}`);
  }
  await page.locator('.quick-input-list .monaco-list-row.focused').first().waitFor({ timeout: 15000 });
  return norm(await page.locator('.quick-input-list .monaco-list-row.focused').first().innerText()).replace(/\s+/g, ' ');
}

async function setup(runDir) {
  ws = path.join(runDir, 'orders-api');
  fs.cpSync(EXAMPLE, ws, { recursive: true, filter: (src) => !/(^|\/)(Dockerfile|\.dockerignore)$/.test(path.relative(EXAMPLE, src)) });
  dockerfile = path.join(ws, 'Dockerfile');
  ignore = path.join(ws, '.dockerignore');
  await ui.openWorkbench({ runDir, ws, devPath, userSettings: { 'workbench.editor.enablePreview': false }, explorerRow: 'pyproject.toml' });
  page = ui.page;
  if (fs.existsSync(dockerfile)) throw new Error('the workspace copy already has a Dockerfile');
  // no Dockerfile is open, so nothing activates the extension before the command does: wait until
  // the workbench has registered the development extension's command (polled in the palette)
  await ui.waitForCommand(COMMAND, TITLE);
}

async function body() {
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
    await ui.showProblems();
    // An empty panel proves nothing until the server has linted this text. Control first: without
    // USER 1000 the server reports non-root-user here; with the written text back, that row leaving
    // the panel is the server's publication for the restored version. A publication carries all of a
    // version's findings at once (pyproject.toml's are published before it), so the panel must then
    // be empty: any finding on the written Dockerfile (or its pyproject.toml) would still be a row.
    fs.writeFileSync(dockerfile, text.replace(/^USER 1000\n/m, ''));
    await ui.problemRow('non-root-user').waitFor({ timeout: 30000 });
    lap('  control: without USER 1000 the Problems panel shows non-root-user');
    fs.writeFileSync(dockerfile, text);
    await ui.problemRow('non-root-user').waitFor({ state: 'detached', timeout: 30000 });
    lap('  written text restored: the non-root-user row left the panel');
    const rows = await page.locator('.markers-panel .monaco-list-row').count();
    const message = norm(await page.locator('.markers-panel .markers-panel-container .message-box-container, .markers-panel .message-box-container').first().innerText().catch(() => ''));
    lap(`  Problems panel: ${rows} row(s); message: ${message.trim() || '(none)'}`);
    if (rows !== 0) throw new Error(`Problems panel has ${rows} row(s): ${norm(await page.locator('.markers-panel').first().innerText()).replace(/\s+/g, ' ')}`);
    if (!/No problems/i.test(message)) throw new Error('Problems panel shows no "No problems" message');
    await shot('2-written');
  });

  await check(CHECKS[1], async () => {
    const before = '# hand-written\nFROM python:3.11\nCOPY . .\nRUN pip install .\nCMD gunicorn orders_api.main:app\n';
    fs.writeFileSync(dockerfile, before);
    fs.rmSync(ignore, { force: true });  // written by the first check, unless that one failed
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
    // the command closes the diff after the choice and before it would write anything
    await diff.waitFor({ state: 'detached', timeout: 15000 });
    // Nothing is written on Cancel, and "nothing happened" has no event of its own. What marks the
    // end of the cancelled run: the extension host runs one piece of JavaScript at a time, and the
    // cancelled run, having seen the diff close, returns (or would start its writes) before the host
    // handles anything newer. A second run of the command answered up to its vCPU pick (palette →
    // extension host → file search → server → quick pick) comes after that; Escape cancels it in turn.
    await runCreateCommand();
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'vCPU' }).first().waitFor({ state: 'hidden', timeout: 15000 });
    lap('  a second run reached its vCPU pick (the cancelled run is over) and was dismissed');
    if (fs.readFileSync(dockerfile, 'utf8') !== before) throw new Error('Cancel changed the Dockerfile');
    if (fs.statSync(dockerfile).mtimeMs !== mtime) throw new Error('Cancel touched the Dockerfile');
    if (fs.existsSync(ignore)) throw new Error('Cancel wrote a .dockerignore');
    if (fs.existsSync(path.join(ws, 'Dockerfile.docksmith'))) throw new Error('Cancel wrote Dockerfile.docksmith');
    lap('  Cancel: Dockerfile unchanged, nothing written, diff closed');
  });
}

ui.run({ setup, body });
