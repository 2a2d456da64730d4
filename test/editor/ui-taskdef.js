// UI test through the code-server workbench in headless Chromium: an ECS-deployed service
// (test/editor/workspace/deploy-ecs/: a compliant Dockerfile, pyproject.toml, uv.lock, src/ and
// ecs/task-definition.json whose service container has "user": "root" and no stopTimeout). Opening
// the Dockerfile lints it; the Problems panel then lists Docksmith's task-definition findings under
// the JSON file (not under the Dockerfile): the root-user error, with its related information pointing
// back at the Dockerfile's USER line, and the missing-stopTimeout warning. Typing "1000" over "root" in
// the open JSON (not saved) re-lints the Dockerfile as you type: the root-user row leaves the panel
// while the stopTimeout row (the control) stays under the JSON file.
// Starts its own code-server (own process group) on a throwaway copy of the deploy-ecs/ fixture as the
// workspace root.
//
// Usage: node test/editor/ui-taskdef.js [extensionDevelopmentPath]
// Env: SHOTS_DIR (default .editor-test/shots), KEEP_TMP=1, TEST_TIMEOUT_MS
// Screenshots: <SHOTS_DIR>/taskdef-*.png (taskdef-2-json-open.png is docs/images/task-definition-problems.png).
// Prints "N passed, N failed"; exit 0 only when every check passed.
'use strict';
const fs = require('fs');
const path = require('path');
const h = require('./code-server');
const { uiSession } = require('./ui-session');

const devPath = path.resolve(process.argv[2] || h.REPO);
const FIXTURE = path.join(h.FIXTURE_WORKSPACE, 'deploy-ecs');
const TASKDEF_REL = 'ecs/task-definition.json';
const TASKDEF_NAME = path.basename(TASKDEF_REL);
const ROOT_MSG = 'runs as root: the task definition\'s user overrides the image\'s USER';
const STOP_MSG = 'has no stopTimeout, so ECS sends SIGKILL 30 s after SIGTERM';
const USER_LINE = 'USER 1000';
const fixtureLines = (rel) => fs.readFileSync(path.join(FIXTURE, rel), 'utf8').split(/\r?\n/);
// 1-based lines in the fixtures: the root-user finding is on the JSON's "user" line, its related
// information on the Dockerfile's USER line
const JSON_USER_LINE = fixtureLines(TASKDEF_REL).findIndex((l) => /"user":\s*"root"/.test(l)) + 1;
const DOCKER_USER_LINE = fixtureLines('Dockerfile').indexOf(USER_LINE) + 1;

const CHECKS = [
  'task-definition rows listed under the JSON file, not the Dockerfile',
  'root-user row links back to the Dockerfile USER line',
  'typing 1000 over root in the JSON removes the root row, stopTimeout row stays',
];
const ui = uiSession({ label: 'ui-taskdef', checks: CHECKS, shotPrefix: 'taskdef-', runDirPrefix: 'docksmith-taskdef-' });
const { lap, shot, check, norm } = ui;
let page;
let ws;

const tdRow = (msg) => ui.page.locator('.markers-panel .monaco-list-row', { hasText: msg }).filter({ hasText: 'docksmith' }).first();
const panelText = async () => norm(await page.locator('.markers-panel').first().innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 500);

/**
 * The Problems panel's rows in list order (rows are positioned by `top`, so DOM order is not list
 * order: data-index is), each with its tree level (1 = file, 2 = marker, 3 = related information).
 */
const panelRows = () => page.evaluate(() => [...document.querySelectorAll('.markers-panel .monaco-list-row')]
  .map((el) => ({ index: +(el.getAttribute('data-index') ?? -1), level: +(el.getAttribute('aria-level') ?? 0),
    label: el.getAttribute('aria-label') || '', text: (el.innerText || '').replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim() }))
  .sort((a, b) => a.index - b.index));

/** The file row (level 1) that the first row containing `text` is listed under, with that row. */
async function groupOf(text) {
  const rows = await panelRows();
  const i = rows.findIndex((r) => r.level > 1 && r.text.includes(text));
  if (i < 0) return undefined;
  let g = i - 1;
  while (g >= 0 && rows[g].level !== 1) g--;
  return { row: rows[i], file: g >= 0 ? rows[g] : undefined, rows };
}

const editorLines = () => page.evaluate(() => [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')]
  .map((el) => ({ top: parseFloat(el.style.top) || 0, text: (el.textContent || '').replace(/\u00a0/g, ' ') }))
  .sort((a, b) => a.top - b.top).map((l) => l.text));

async function setup(runDir) {
  if (JSON_USER_LINE === 0) throw new Error(`${FIXTURE}/${TASKDEF_REL} has no "user": "root" line`);
  if (DOCKER_USER_LINE === 0) throw new Error(`${FIXTURE}/Dockerfile has no line "${USER_LINE}"`);
  if (/stopTimeout/.test(fixtureLines(TASKDEF_REL).join('\n'))) throw new Error(`${FIXTURE}/${TASKDEF_REL} must not set stopTimeout (its warning is the control)`);
  ws = path.join(runDir, 'workspace');
  fs.cpSync(FIXTURE, ws, { recursive: true });
  await ui.openWorkbench({ runDir, ws, devPath, explorerRow: 'Dockerfile', userSettings: {
    // autoSave off: the re-lint must come from the typed text, never from a save
    'workbench.editor.enablePreview': false, 'editor.minimap.enabled': false, 'files.autoSave': 'off',
  } });
  page = ui.page;
  // opening the Dockerfile activates the extension and lints it; the lint reads the task definition
  await ui.openFile('Dockerfile', 'USER\\s+1000');
  const t = Date.now();
  await ui.showProblems();
  try {
    await tdRow(ROOT_MSG).waitFor({ timeout: h.READY_MS });
  } catch {
    throw new Error(`no Docksmith task-definition row "${ROOT_MSG}" ${Math.round((Date.now() - t) / 1000)} s after opening the Dockerfile (Problems panel: ${await panelText() || 'empty'}); extension host: ${ui.extensionLog()}`);
  }
  lap(`task-definition finding in the Problems panel (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

async function body() {
  await check(CHECKS[0], async () => {
    await ui.showProblems();
    try {
      await tdRow(STOP_MSG).waitFor({ timeout: 15000 });
    } catch {
      throw new Error(`no stopTimeout row "${STOP_MSG}" in the Problems panel (it shows: ${await panelText() || 'nothing'})`);
    }
    const rows = await panelRows();
    for (const r of rows) lap(`  row L${r.level} #${r.index}: ${r.text.slice(0, 160)}  [aria: ${r.label.slice(0, 120)}]`);
    for (const msg of [ROOT_MSG, STOP_MSG]) {
      const g = await groupOf(msg);
      if (!g) throw new Error(`no marker row with "${msg}" (rows: ${rows.map((r) => `L${r.level} ${r.text.slice(0, 60)}`).join(' | ')})`);
      if (!g.file) throw new Error(`the row "${msg}" is under no file row`);
      if (!g.file.text.startsWith(TASKDEF_NAME) || !g.file.text.includes('ecs')) throw new Error(`the row "${msg}" is listed under "${g.file.text}", not under ${TASKDEF_REL}`);
      if (!g.row.text.includes('task-definition')) throw new Error(`the row does not name the rule task-definition: ${g.row.text}`);
    }
    // the Dockerfile is compliant: nothing of Docksmith's is listed under it
    const files = rows.filter((r) => r.level === 1).map((r) => r.text);
    if (files.some((f) => /^Dockerfile\b/.test(f))) throw new Error(`the Problems panel lists the Dockerfile too (files: ${files.join(' | ')})`);
    const root = (await groupOf(ROOT_MSG)).row.text;
    if (!root.includes(`Ln ${JSON_USER_LINE},`)) throw new Error(`the root-user row is not on line ${JSON_USER_LINE} of the JSON ("user"): ${root}`);
    lap(`  under ${TASKDEF_REL}: ${root}`);
    await shot('1-problems');
  });

  await check(CHECKS[1], async () => {
    const g = await groupOf(ROOT_MSG);
    if (!g) throw new Error('the root-user row left the Problems panel');
    const i = g.rows.indexOf(g.row);
    const related = g.rows.slice(i + 1).filter((r, k, a) => r.level > g.row.level && a.slice(0, k).every((x) => x.level > g.row.level));
    const link = related.find((r) => r.text.includes(USER_LINE));
    if (!link) throw new Error(`no related-information row quoting "${USER_LINE}" under the root-user row (children: ${related.map((r) => r.text).join(' | ') || 'none'})`);
    if (!/Dockerfile/.test(link.text) || !link.text.includes(`[Ln ${DOCKER_USER_LINE},`)) throw new Error(`the related information does not point at Dockerfile line ${DOCKER_USER_LINE}: ${link.text}`);
    lap(`  related: ${link.text}`);
  });

  await check(CHECKS[2], async () => {
    await ui.openFile(TASKDEF_NAME, '"user":\\s*"root"');
    await shot('2-json-open');
    // select "root" with the find widget, close it (the match stays selected), then type over it
    await page.keyboard.press('Control+F');
    await page.waitForFunction(() => !!document.activeElement?.closest('.find-widget'), null, { timeout: 10000 });
    await page.keyboard.type('root');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !!document.activeElement?.closest('.editor-instance .monaco-editor'), null, { timeout: 10000 });
    await page.keyboard.type('1000');
    try {
      await page.waitForFunction(() => [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')]
        .some((el) => /"user":\s*"1000"/.test((el.textContent || '').replace(/\u00a0/g, ' '))), null, { timeout: 10000 });
    } catch {
      throw new Error(`the editor never showed "user": "1000" (lines: ${(await editorLines()).join(' | ')})`);
    }
    const lines = await editorLines();
    if (lines.some((l) => /"root"/.test(l))) throw new Error(`the editor still shows "root" (lines: ${lines.join(' | ')})`);
    lap('  editor shows "user": "1000"');
    try {
      await tdRow(ROOT_MSG).waitFor({ state: 'detached', timeout: 15000 });
    } catch {
      throw new Error(`the root-user row stayed in the Problems panel after typing "1000" (it shows: ${await panelText()})`);
    }
    // control: the JSON's other finding is still listed under it (the panel shows the new findings,
    // it did not just empty)
    const g = await groupOf(STOP_MSG);
    if (!g || !await tdRow(STOP_MSG).isVisible()) throw new Error(`the stopTimeout row left the Problems panel too (it shows: ${await panelText()})`);
    if (!g.file?.text.startsWith(TASKDEF_NAME)) throw new Error(`the stopTimeout row is now under "${g.file?.text}"`);
    const left = await page.locator('.markers-panel .monaco-list-row', { hasText: 'runs as root' }).count();
    if (left) throw new Error(`${left} root-user row(s) still listed`);
    // typed, not saved: the tab is dirty and the file on disk still says root, so the server read the editor's text
    if (!/"user":\s*"root"/.test(fs.readFileSync(path.join(ws, TASKDEF_REL), 'utf8'))) throw new Error(`${TASKDEF_REL} changed on disk: the edit was saved`);
    if (!await page.locator('.tabs-container .tab.dirty', { hasText: TASKDEF_NAME }).count()) throw new Error(`the ${TASKDEF_NAME} tab is not marked dirty (unsaved)`);
    lap('  root-user row left the Problems panel; stopTimeout row still listed under ' + TASKDEF_NAME + '; the tab is dirty and the disk still says "root"');
    await shot('3-after-edit');
  });
}

ui.run({ setup, body });
