// UI test of "Docksmith: Create Dockerfile from pyproject.toml" in the real code-server workbench
// (headless Chromium), on a throwaway copy of examples/fastapi-service without its Dockerfile:
//   1) the command, run from the command palette, offers the Fargate vCPU sizes with the project's
//      configured 2 vCPU preselected, writes Dockerfile + .dockerignore next to pyproject.toml, opens
//      the Dockerfile, and the Problems panel stays empty;
//   2) with a different Dockerfile already there, the command opens a diff against the proposal and
//      asks Replace / Save as Dockerfile.docksmith / Cancel; Cancel writes nothing and closes the diff;
//   3) a second project in the workspace whose [project].dependencies lack gunicorn (a copy of the
//      scaffold-no-gunicorn fixture): after writing, the command offers the project edit; before Apply
//      the Problems panel shows installed-server, Apply adds gunicorn and uvicorn-worker to
//      pyproject.toml (every other line kept), the row leaves the panel, and `uv lock` is offered;
//   4) a uv workspace member (a copy of the scaffold-uv-workspace fixture): the command asks where
//      the Dockerfile goes; "at the workspace root" writes Dockerfile.payments and
//      Dockerfile.payments.dockerignore at the root, nothing in the member folder, and opens it.
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
const CHECKS = ['palette command writes Dockerfile + .dockerignore, Problems panel empty', 'existing Dockerfile: diff, Cancel writes nothing',
  'project without gunicorn: Apply adds it to pyproject.toml and installed-server clears',
  'workspace member: asked where, "at the workspace root" writes Dockerfile.payments there'];
const WORKSPACE = path.join(h.REPO, 'test', 'fixtures', 'projects', 'scaffold-uv-workspace');
const NO_GUNICORN = path.join(h.REPO, 'test', 'fixtures', 'projects', 'scaffold-no-gunicorn');
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

/** The create command with several projects: picks the one `typed` selects (its row shows `row`), then the preselected 2 vCPU. */
async function createFor(typed, row) {
  await ui.runCommand(TITLE);
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'which project' }).first().waitFor({ timeout: h.READY_MS });
  await page.keyboard.type(typed);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: row }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'vCPU' }).first().waitFor({ timeout: h.READY_MS });
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: '2 vCPU' }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
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
    if (!fs.readFileSync(ignore, 'utf8').split('\n').includes('**/.venv')) throw new Error('.dockerignore lacks **/.venv');
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

  await check(CHECKS[2], async () => {
    const proj = path.join(ws, 'inventory');
    fs.cpSync(NO_GUNICORN, proj, { recursive: true, filter: (src) => path.basename(src) !== 'expect.json' });
    const pyproject = path.join(proj, 'pyproject.toml');
    const before = fs.readFileSync(pyproject, 'utf8');
    if (/gunicorn/.test(before.split('[dependency-groups]')[0])) throw new Error('the fixture already lists gunicorn');
    // two pyproject.toml files now: the command asks which project first
    await createFor('inventory/pyproject', 'inventory');
    const written = path.join(proj, 'Dockerfile');
    await waitFor(() => fs.existsSync(written), 'inventory/Dockerfile on disk');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'the image needs changes to the project' }).first();
    await toast.waitFor({ timeout: 30000 });
    const buttons = (await toast.locator('.monaco-button').allInnerTexts()).map((b) => norm(b).trim());
    lap(`  wrote inventory/Dockerfile; offer: ${norm(await toast.innerText()).replace(/\s+/g, ' ').slice(0, 160)} [${buttons.join(' | ')}]`);
    if (!buttons.includes('Apply')) throw new Error(`no Apply button (${buttons})`);
    if (fs.readFileSync(pyproject, 'utf8') !== before) throw new Error('pyproject.toml changed before Apply');
    // control: the written Dockerfile is open and linted, and without the edit installed-server reports it
    await ui.showProblems();
    // the Problems panel is a virtualized list and the first check's Dockerfile has a dozen rows
    // above this one: the panel's own filter keeps only installed-server rows
    const filter = page.getByPlaceholder(/^Filter \(e\.g\./).first();
    await filter.fill('installed-server');
    lap('  Problems panel filtered to installed-server');
    await ui.problemRow('installed-server').waitFor({ timeout: 30000 });
    lap('  before Apply: the Problems panel shows installed-server');
    await shot('4-project-edit-offer');
    await toast.locator('.monaco-button', { hasText: /^Apply$/ }).first().click();
    await waitFor(() => /"gunicorn/.test(fs.readFileSync(pyproject, 'utf8').split('[dependency-groups]')[0]), 'gunicorn in [project].dependencies on disk');
    const after = fs.readFileSync(pyproject, 'utf8');
    const lost = before.split('\n').filter((l) => l.trim() && !after.split('\n').includes(l));
    if (lost.length) throw new Error(`Apply changed or removed lines of pyproject.toml: ${lost.join(' / ')}`);
    if (!/uvicorn-worker/.test(after.split('[dependency-groups]')[0])) throw new Error('uvicorn-worker not added to [project].dependencies');
    lap(`  Apply: pyproject.toml gained ${after.split('\n').length - before.split('\n').length} line(s), no line lost`);
    await ui.problemRow('installed-server').waitFor({ state: 'detached', timeout: 30000 });
    lap('  after Apply: the installed-server row left the panel');
    // at most three toasts show at once (the write, the notes and the offer may still be up): the
    // notification center lists every notification
    await ui.runCommand('Notifications: Show Notifications');
    await page.locator('.notifications-center .notification-list-item', { hasText: 'uv.lock is out of date' }).first().waitFor({ timeout: 15000 });
    lap('  notification center: uv.lock is out of date, Run uv lock offered');
    await shot('5-project-edit-applied');
  });

  await check(CHECKS[3], async () => {
    const root = path.join(ws, 'monorepo');
    fs.cpSync(WORKSPACE, root, { recursive: true, filter: (src) => path.basename(src) !== 'expect.json' });
    const member = path.join(root, 'services', 'payments');
    // [tool.docksmith] vcpu = 2 in the member: preselected
    await createFor('services/payments/pyproject', 'payments');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Where does its Dockerfile go' }).first().waitFor({ timeout: h.READY_MS });
    const rows = norm((await page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).join(' | ')).replace(/\s+/g, ' ');
    lap(`  placement asked: ${rows.slice(0, 200)}`);
    if (!/in the member folder/.test(rows) || !/at the workspace root/.test(rows)) throw new Error(`placement rows: ${rows}`);
    await shot('6-placement-pick');
    await page.keyboard.type('Dockerfile.payments');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'at the workspace root' }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    const written = path.join(root, 'Dockerfile.payments');
    await waitFor(() => fs.existsSync(written) && fs.existsSync(`${written}.dockerignore`), 'Dockerfile.payments and its .dockerignore at the workspace root');
    if (fs.existsSync(path.join(member, 'Dockerfile')) || fs.existsSync(path.join(member, 'Dockerfile.dockerignore'))) throw new Error('the member folder got a Dockerfile too');
    if (!/uv sync --locked --package payments/.test(fs.readFileSync(written, 'utf8'))) throw new Error('Dockerfile.payments does not sync --package payments');
    await page.locator('.tabs-container .tab.active', { hasText: 'Dockerfile.payments' }).first().waitFor({ timeout: 15000 });
    lap('  wrote monorepo/Dockerfile.payments + Dockerfile.payments.dockerignore, opened it; the member folder is untouched');
  });
}

ui.run({ setup, body });
