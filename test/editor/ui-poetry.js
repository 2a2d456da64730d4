// UI test through the code-server workbench in headless Chromium: a Poetry project's builder stage
// (test/editor/workspace/poetry/) runs `poetry install --no-root --only main`; the Problems panel shows
// Docksmith's use-uv row naming the uv equivalent, the Ctrl+. menu on that line offers "Replace with
// uv sync …", and applying it rewrites the command (and copies uv into the stage) in the editor, after
// which the row leaves the panel while the file's healthcheck row (the control) stays.
// Starts its own code-server (own process group) on a throwaway copy of the poetry/ fixture as the
// workspace root (one Dockerfile, the nearest pyproject.toml is Poetry's, no uv.lock).
//
// Usage: node test/editor/ui-poetry.js [extensionDevelopmentPath]
// Env: SHOTS_DIR (default .editor-test/shots), KEEP_TMP=1, TEST_TIMEOUT_MS
// Screenshots: <SHOTS_DIR>/poetry-*.png (poetry-2-quickfix-menu.png is docs/images/poetry-quick-fix.png).
// Prints "N passed, N failed"; exit 0 only when every check passed.
'use strict';
const fs = require('fs');
const path = require('path');
const h = require('./code-server');
const { uiSession } = require('./ui-session');

const devPath = path.resolve(process.argv[2] || h.REPO);
const FIXTURE = path.join(h.FIXTURE_WORKSPACE, 'poetry');
const INSTALL = 'RUN poetry install --no-root --only main';
const UV_SYNC = 'uv sync --locked --no-install-project --no-dev';
const FIX_TITLE = `Replace with ${UV_SYNC}`;   // the menu entry goes on: " (after migrating to uv.lock)"
const COPY_UV = /^COPY --from=ghcr\.io\/astral-sh\/uv:[0-9.]+ \/uv \/uvx \/bin\/$/;
// 1-based line of the install in the fixture: the Problems row and the cursor must be on it
const INSTALL_LINE = fs.readFileSync(path.join(FIXTURE, 'Dockerfile'), 'utf8').split(/\r?\n/).indexOf(INSTALL) + 1;

const CHECKS = ['Problems panel row for poetry install', 'quick-fix menu offers Replace with uv sync', 'Replace with uv sync rewrites the install'];
const ui = uiSession({ label: 'ui-poetry', checks: CHECKS, shotPrefix: 'poetry-', runDirPrefix: 'docksmith-poetry-' });
const { lap, shot, check, norm } = ui;
let page;

/** Docksmith's use-uv row for the poetry install (its message names the uv command). */
const installRow = () => ui.page.locator('.markers-panel .monaco-list-row', { hasText: 'use-uv' })
  .filter({ hasText: 'docksmith' }).filter({ hasText: UV_SYNC }).first();

/** The editor's lines in document order (view-line divs are positioned by `top`, not by DOM order). */
const editorLines = () => page.evaluate(() => [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')]
  .map((el) => ({ top: parseFloat(el.style.top) || 0, text: (el.textContent || '').replace(/\u00a0/g, ' ') }))
  .sort((a, b) => a.top - b.top).map((l) => l.text));

async function setup(runDir) {
  if (INSTALL_LINE === 0) throw new Error(`${FIXTURE}/Dockerfile has no line "${INSTALL}"`);
  const ws = path.join(runDir, 'workspace');
  fs.cpSync(FIXTURE, ws, { recursive: true });
  await ui.openWorkbench({ runDir, ws, devPath, explorerRow: 'Dockerfile', userSettings: {
    'workbench.editor.enablePreview': false, 'editor.minimap.enabled': false,
  } });
  page = ui.page;
  await ui.openFile('Dockerfile', 'poetry\\s+install');  // a RegExp on the DOM text (spaces are U+00A0 there)
  // the server has published this file's findings once the runtime's healthcheck row is listed
  await ui.waitForDiagnostics('healthcheck');
}

async function body() {
  await check(CHECKS[0], async () => {
    await ui.showProblems();
    try {
      await installRow().waitFor({ timeout: 30000 });
    } catch {
      const panel = norm(await page.locator('.markers-panel').first().innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 400);
      throw new Error(`no use-uv row naming "${UV_SYNC}" in the Problems panel (it shows: ${panel || 'nothing'})`);
    }
    const text = norm(await installRow().innerText()).replace(/\s+/g, ' ');
    lap('  problems row: ' + text);
    if (!text.includes('poetry install --no-root --only main')) throw new Error(`the row does not quote the poetry install: ${text}`);
    if (!text.includes(`Ln ${INSTALL_LINE},`)) throw new Error(`the row is not on line ${INSTALL_LINE} (the install): ${text}`);
    await shot('1-problems');
  });

  await check(CHECKS[1], async () => {
    const before = await editorLines();
    if (!before.includes(INSTALL)) throw new Error(`the editor does not show "${INSTALL}" (lines: ${before.join(' | ')})`);
    if (!await installRow().count()) throw new Error('no use-uv row for the poetry install to go to from the Problems panel');
    // Enter on the Problems row puts the cursor at the finding and focuses the editor
    await installRow().click();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !!document.activeElement?.closest('.editor-instance .monaco-editor'), null, { timeout: 10000 });
    const position = page.locator('[id="status.editor.selection"]');
    try {
      await position.filter({ hasText: `Ln ${INSTALL_LINE},` }).waitFor({ timeout: 10000 });
    } catch {
      throw new Error(`the cursor is not on line ${INSTALL_LINE} (status bar: ${norm(await position.innerText().catch(() => '?'))})`);
    }
    lap(`  cursor on line ${INSTALL_LINE}: ${norm(await position.innerText())}`);
    const menu = await ui.openQuickFixMenu(FIX_TITLE);
    lap('  menu: ' + norm(await menu.innerText()).replace(/\s+/g, ' ').slice(0, 300));
    await shot('2-quickfix-menu');
  });

  await check(CHECKS[2], async () => {
    await ui.pickQuickFix(FIX_TITLE);
    const wanted = `RUN ${UV_SYNC}`;
    try {
      await page.waitForFunction(({ wanted, install }) => {
        const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')]
          .map((el) => (el.textContent || '').replace(/\u00a0/g, ' '));
        return lines.includes(wanted) && !lines.includes(install);
      }, { wanted, install: INSTALL }, { timeout: 15000 });
    } catch {
      throw new Error(`the editor never showed "${wanted}" in place of the install (lines: ${(await editorLines()).join(' | ')})`);
    }
    const lines = await editorLines();
    const copy = lines.findIndex((l) => COPY_UV.test(l));
    const sync = lines.indexOf(wanted);
    const runtime = lines.findIndex((l, i) => i > 0 && /^FROM /.test(l));
    if (copy < 0 || copy > sync || (runtime >= 0 && copy > runtime)) throw new Error(`no COPY of uv into the builder above the uv sync (lines: ${lines.join(' | ')})`);
    lap(`  editor: line ${copy + 1} "${lines[copy]}", line ${sync + 1} "${lines[sync]}"`);
    try {
      await installRow().waitFor({ state: 'detached', timeout: 15000 });
    } catch {
      throw new Error('the use-uv row for the poetry install stayed in the Problems panel after the fix');
    }
    // control: the same file's other finding is still listed (the panel shows this file's new findings,
    // it did not just close or empty)
    if (!await ui.problemRow('healthcheck').isVisible()) throw new Error('the healthcheck row left the Problems panel too');
    const left = await page.locator('.markers-panel .monaco-list-row', { hasText: 'use-uv' }).count();
    if (left) throw new Error(`${left} use-uv row(s) still listed after the fix`);
    lap('  use-uv row left the Problems panel; healthcheck row still listed');
    await shot('3-after-quickfix');
  });
}

ui.run({ setup, body });
