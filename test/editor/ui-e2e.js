// UI tests through the code-server workbench in headless Chromium: the Problems panel shows a
// Docksmith row, "Add USER 1000" from the Ctrl+. menu edits the text, and hovering the new USER
// keyword explains the UID. Starts its own code-server (own process group) on a throwaway copy of
// test/editor/workspace/ (top level only: one Dockerfile) with the repository as development extension.
//
// Usage: node test/editor/ui-e2e.js [extensionDevelopmentPath]
// Env: SHOTS_DIR (default .editor-test/shots), KEEP_TMP=1, TEST_TIMEOUT_MS
// Screenshots: <SHOTS_DIR>/e2e-*.png.
// Prints "N passed, N failed"; exit 0 only when every check passed.
'use strict';
const path = require('path');
const h = require('./code-server');
const { uiSession } = require('./ui-session');

const devPath = path.resolve(process.argv[2] || h.REPO);
const CHECKS = ['Problems panel row', 'quick fix Add USER 1000', 'hover on USER'];
const ui = uiSession({ label: 'ui-e2e', checks: CHECKS, shotPrefix: 'e2e-', runDirPrefix: 'docksmith-ui-' });
const { lap, shot, check, norm } = ui;
let page;

/** Text of the first editor's visible lines (the DOM uses non-breaking spaces). */
const editorText = () => page.evaluate(() => document.querySelector('.editor-instance .monaco-editor .view-lines')?.innerText || '')
  .then(norm);

async function setup(runDir) {
  // only the top-level Dockerfile: the subfolders are fixtures of the extension-host suite and of
  // ui-poetry.js / ui-taskdef.js (Quick Open "Dockerfile" must find one file)
  const ws = h.copyWorkspace(path.join(runDir, 'workspace'), (rel) => /^(deploy-ecs|fixall|fixall-action|hover|poetry|quickfix)(\/|$)/.test(rel));
  await ui.openWorkbench({ runDir, ws, devPath, userSettings: { 'editor.hover.delay': 100, 'workbench.editor.enablePreview': false }, explorerRow: 'Dockerfile' });
  page = ui.page;
  // opening the Dockerfile activates the extension (onLanguage:dockerfile); nothing below runs before
  // its server has published the file's diagnostics (polled in the Problems panel)
  await ui.openFile('Dockerfile', 'FROM');
  await ui.waitForDiagnostics('non-root-user');
}

async function body() {
  const problemRow = ui.problemRow;
  await check(CHECKS[0], async () => {
    await ui.showProblems();
    await problemRow('non-root-user').waitFor({ timeout: 15000 });
    lap('  problems row: ' + norm(await problemRow('non-root-user').innerText()).replace(/\s+/g, ' '));
    await shot('1-problems');
  });

  await check(CHECKS[1], async () => {
    const before = await editorText();
    if (/^USER 1000\s*$/m.test(before)) throw new Error('fixture already has USER 1000');
    // Enter on the Problems row moves the cursor into the diagnostic's range and focuses the editor
    await problemRow('non-root-user').click();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !!document.activeElement?.closest('.editor-instance .monaco-editor'), null, { timeout: 10000 });
    await ui.openQuickFixMenu('Add USER 1000');
    await shot('2-quickfix-menu');
    await ui.pickQuickFix('Add USER 1000');
    await page.waitForFunction(() => /^USER 1000\s*$/m.test((document.querySelector('.editor-instance .monaco-editor .view-lines')?.innerText || '').replace(/\u00a0/g, ' ')), null, { timeout: 15000 });
    lap('  editor now has a USER 1000 line');
    await problemRow('non-root-user').waitFor({ state: 'detached', timeout: 15000 });
    lap('  non-root-user row left the Problems panel');
    await shot('3-after-quickfix');
  });

  await check(CHECKS[2], async () => {
    await page.keyboard.press('Escape');
    const userLine = page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'USER 1000' }).first();
    await userLine.waitFor({ timeout: 10000 });
    const keyword = userLine.locator('span span', { hasText: /^USER$/ }).first();
    const target = (await keyword.count()) ? keyword : userLine;
    const box = await target.boundingBox();
    if (!box) throw new Error('USER keyword not visible');
    await page.mouse.move(box.x + 8, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:visible', { hasText: 'UID' }).first();
    await hover.waitFor({ timeout: 15000 });
    lap('  hover text: ' + norm(await hover.innerText()).replace(/\s+/g, ' ').slice(0, 200));
    await shot('4-hover');
  });
}

ui.run({ setup, body });
