// The frame every workbench UI test (ui-e2e.js, ui-poetry.js, ui-taskdef.js, ui-grammar.js, ui-scaffold.js) runs in: a code-server
// in its own process group, headless Chromium on the workbench, named checks with a screenshot on
// failure, a final screenshot, cleanup, an overall timeout, and the "N passed, N failed" last line
// that scripts/test-editor.sh adds up (exit 0 only when every check passed).
'use strict';
const fs = require('fs');
const path = require('path');
const h = require('./code-server');

const norm = (s) => (s || '').replace(/\u00a0/g, ' ');

/**
 * @param {{ label: string, checks: string[], shotPrefix?: string, runDirPrefix: string }} opts
 *   shotPrefix: screenshot file names start with it (a run removes the earlier run's files with it).
 */
function uiSession({ label, checks, shotPrefix = '', runDirPrefix }) {
  const SHOTS = path.resolve(process.env.SHOTS_DIR || path.join(h.EDITOR_DIR, 'shots'));
  const t0 = Date.now();
  const s = { page: undefined, server: undefined, browser: undefined, passed: 0, failed: 0, norm };

  s.lap = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(2)}s] ${m}`);

  s.shot = async (name, opts = {}) => {
    if (!s.page) return;
    try { await s.page.screenshot({ path: path.join(SHOTS, `${shotPrefix}${name}.png`), ...opts }); } catch (e) { s.lap(`  (screenshot ${name} failed: ${e.message})`); }
  };

  s.check = async (name, fn) => {
    try { await fn(); s.passed++; s.lap(`PASS ${name}`); }
    catch (e) {
      s.failed++; s.lap(`FAIL ${name}: ${e.message.split('\n')[0]}`);
      await s.shot(`fail-${name.replace(/[^a-z0-9]+/gi, '-')}`);
    }
  };

  /** code-server on `ws` with the extension at `devPath`, Chromium on its workbench, until the explorer lists `explorerRow`. */
  s.openWorkbench = async ({ runDir, ws, devPath, userSettings = {}, explorerRow }) => {
    s.runDir = runDir;
    s.server = await h.startCodeServer({ runDir, userSettings });
    s.lap(`code-server up on ${s.server.host}; workspace: ${ws}`);
    s.browser = await h.launchChromium();
    s.page = await s.browser.newPage({ viewport: { width: 1400, height: 900 } });
    s.page.on('pageerror', (e) => console.log('  [page error]', e.message.slice(0, 200)));
    await s.page.goto(h.workbenchUrl(s.server.host, ws, { devPath }));
    await s.page.waitForSelector('.monaco-workbench', { timeout: h.READY_MS });
    // the explorer lists the file once the remote extension host / file system is connected
    await s.page.waitForSelector(`.explorer-folders-view .monaco-list-row[aria-label*="${explorerRow}"]`, { timeout: h.READY_MS });
    s.lap(`workbench up, explorer shows ${explorerRow}`);
  };

  /** Quick Open (Ctrl+P) `name`, then wait until the editor shows text matching `pattern` (a RegExp source). */
  s.openFile = async (name, pattern) => {
    const page = s.page;
    await page.keyboard.press('Control+P');
    await page.waitForFunction(() => !!document.activeElement?.closest('.quick-input-widget'));
    await page.keyboard.type(name);
    // the list first shows recently opened editors, then the file search's results: Enter only once
    // the focused (first) row is the file asked for
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor({ timeout: 30000 });
    await page.keyboard.press('Enter');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 30000 });
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('.editor-instance .monaco-editor .view-lines')?.textContent || ''), pattern, { timeout: 30000 });
    s.lap(`${name} open in the editor`);
  };

  /** Escape until no quick input (palette, quick pick) is open, then open the command palette and type `title`. */
  async function typeInPalette(title) {
    const page = s.page;
    const widget = page.locator('.quick-input-widget:visible');
    for (let i = 0; i < 5 && await widget.count(); i++) await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+P');
    await page.waitForFunction(() => !!document.activeElement?.closest('.quick-input-widget'), null, { timeout: 30000 });
    await page.keyboard.type(title);
    return page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  }

  /**
   * Polls the command palette until it lists `title` (the command `id` of the development extension).
   * Retrying is what makes this a poll: an open palette computes its list as the filter is typed and
   * does not add commands registered afterwards, and the workbench registers the development
   * extension's contributions some seconds after the explorer is up (later still on a busy machine).
   * Each attempt waits up to 5 s for the row, then closes the palette and opens it again.
   */
  s.waitForCommand = async (id, title) => {
    const t = Date.now();
    for (let attempt = 1; ; attempt++) {
      const row = await typeInPalette(title);
      try {
        await row.waitFor({ timeout: 5000 });
        await s.page.keyboard.press('Escape');
        s.lap(`command ${id} listed in the palette (attempt ${attempt}, ${((Date.now() - t) / 1000).toFixed(1)} s)`);
        return;
      } catch { /* not listed yet */ }
      if (Date.now() - t > h.READY_MS) {
        await s.page.keyboard.press('Escape');
        throw new Error(`command ${id} never registered ("${title}" not in the command palette after ${attempt} attempts, ${Math.round((Date.now() - t) / 1000)} s); extension host: ${s.extensionLog()}`);
      }
    }
  };

  /** Command palette → the row `title` → Enter (after waitForCommand it is listed at once). */
  s.runCommand = async (title) => {
    const row = await typeInPalette(title);
    try { await row.waitFor({ timeout: 15000 }); } catch { throw new Error(`"${title}" is not in the command palette (it was before)`); }
    await s.page.keyboard.press('Enter');
  };

  /** Shows the Problems panel (Ctrl+Shift+M toggles it: pressed only while the panel is not visible). */
  s.showProblems = async () => {
    const panel = s.page.locator('.markers-panel').first();
    if (!await panel.isVisible()) await s.page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible', timeout: 30000 });
  };

  /** The Problems panel row of Docksmith's finding `rule`. */
  s.problemRow = (rule) => s.page.locator('.markers-panel .monaco-list-row', { hasText: rule }).filter({ hasText: 'docksmith' }).first();

  /**
   * Opens the Problems panel and waits for Docksmith's `rule` finding on the open Dockerfile: the
   * language server has published diagnostics, so the extension is active (its activate() registers
   * the commands before it starts the client). Fails with the extension host's log as first cause.
   */
  s.waitForDiagnostics = async (rule, file = 'Dockerfile') => {
    const t = Date.now();
    await s.showProblems();
    try {
      await s.problemRow(rule).waitFor({ timeout: h.READY_MS });
    } catch {
      const panel = norm(await s.page.locator('.markers-panel').first().innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
      throw new Error(`no Docksmith ${rule} finding on ${file} ${Math.round((Date.now() - t) / 1000)} s after opening it: extension not active or its server publishes nothing (Problems panel: ${panel || 'empty'}); extension host: ${s.extensionLog()}`);
    }
    s.lap(`Docksmith diagnostics arrived: ${rule} in the Problems panel (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  };

  /**
   * Ctrl+. in the focused editor; waits until the quick-fix menu lists an entry containing `title`.
   * Returns the menu (for a screenshot or more checks) with the menu still open.
   */
  s.openQuickFixMenu = async (title) => {
    await s.page.keyboard.press('Control+.');
    const menu = s.page.locator('.action-widget');
    try {
      await menu.locator('.monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15000 });
    } catch {
      const listed = norm(await menu.innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
      throw new Error(`the quick-fix menu never listed "${title}" (it shows: ${listed || 'no menu'})`);
    }
    return menu;
  };

  /** Applies the entry `title` of the open quick-fix menu with the keyboard (clicking a row times out in this build). */
  s.pickQuickFix = async (title) => {
    const menu = s.page.locator('.action-widget');
    const rows = await menu.locator('.monaco-list-row').count();
    if (!rows) throw new Error(`no quick-fix menu is open to apply "${title}" from`);
    for (let i = 0; i <= rows; i++) {
      const focused = norm(await menu.locator('.monaco-list-row.focused').first().innerText().catch(() => ''));
      if (focused.includes(title)) break;
      if (i === rows) throw new Error(`could not focus "${title}" in the menu (focused: ${focused})`);
      await s.page.keyboard.press('ArrowDown');
    }
    await s.page.keyboard.press('Enter');
  };

  /** The extension host's log lines about Docksmith (activation, errors, its output channel): for failure messages. */
  s.extensionLog = () => (s.runDir ? h.extensionLog(s.runDir) : '(no run directory)');

  async function emergencyStop() {
    // the 3 s only bounds a browser that does not close; the process group is killed next anyway
    try { if (s.browser) await Promise.race([s.browser.close(), new Promise((r) => setTimeout(r, 3000))]); } catch { /* closing anyway */ }
    try { if (s.server) process.kill(-s.server.pid, 'SIGKILL'); } catch { /* gone */ }
  }

  /** Runs `setup(runDir)` (a failure fails every check), then `body()` (the checks), then cleans up and exits. */
  s.run = ({ setup, body }) => {
    const main = async () => {
      fs.mkdirSync(SHOTS, { recursive: true });
      for (const f of fs.readdirSync(SHOTS)) if (f.startsWith(shotPrefix)) fs.rmSync(path.join(SHOTS, f), { recursive: true, force: true });
      const runDir = h.makeRunDir(runDirPrefix);
      try {
        await setup(runDir);
      } catch (e) {
        s.lap(`FATAL setup: ${e.message.split('\n')[0]}`);
        await s.shot('fail-setup');
        s.failed = checks.length;
      }
      if (!s.failed) await body();
      await s.shot('final');
      try { if (s.browser) await s.browser.close(); } catch { /* closing anyway */ }
      if (s.server) await s.server.stop();
      if (!s.failed && !process.env.KEEP_TMP) fs.rmSync(runDir, { recursive: true, force: true });
      else s.lap(`run directory kept: ${runDir}${s.server ? ` (code-server log: ${s.server.logPath})` : ''}`);
      s.lap(`screenshots: ${SHOTS}/${shotPrefix}*.png`);
      console.log(`${s.passed} passed, ${s.failed} failed`);
      process.exit(s.failed || s.passed === 0 ? 1 : 0);
    };
    const overall = setTimeout(async () => {
      console.log(`TIMEOUT: ${label} did not finish in time\n${s.passed} passed, ${checks.length - s.passed} failed`);
      await emergencyStop();
      process.exit(4);
    }, +(process.env.TEST_TIMEOUT_MS || 300000));
    overall.unref();
    main().catch(async (e) => {
      console.error('FATAL', e);
      console.log(`${s.passed} passed, ${checks.length - s.passed} failed`);
      await emergencyStop();
      process.exit(2);
    });
  };

  return s;
}

module.exports = { uiSession, norm };
