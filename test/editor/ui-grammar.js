// UI test of the pragma injection grammar (syntaxes/docksmith-pragma.tmLanguage.json) in the real
// code-server workbench (headless Chromium): a Dockerfile with `# docksmith ignore=…` and
// `# docksmith global ignore=…` pragmas is opened with the repository as development extension, and
//   1) the rendered tokens of a pragma line get their own colours (the rule names and the
//      `docksmith` keyword differ from the comment around them) while ordinary comments, and a
//      capitalised `# Docksmith ignore=` that the server does not read as a pragma, stay one colour;
//   2) "Developer: Inspect Editor Tokens and Scopes" on a rule name, on `docksmith` and on `global`
//      lists the grammar's scopes, stacked under the Dockerfile grammar's comment scope.
// Starts its own code-server (own process group) on a throwaway workspace.
//
// Usage: node test/editor/ui-grammar.js [extensionDevelopmentPath]
// Env: SHOTS_DIR (default .editor-test/shots), KEEP_TMP=1, TEST_TIMEOUT_MS
// Screenshots: <SHOTS_DIR>/grammar-*.png (grammar-inspect-rule.png is the one in docs/images).
// Prints "N passed, N failed" last; exit 0 only when every check passed.
'use strict';
const fs = require('fs');
const path = require('path');
const h = require('./code-server');
const { uiSession } = require('./ui-session');

const devPath = path.resolve(process.argv[2] || h.REPO);
const DOCKERFILE = [
  '# syntax=docker/dockerfile:1',
  '# docksmith global ignore=use-uv',
  'FROM python:3.11-slim',
  '# an ordinary comment that mentions docksmith ignore=exec-form',
  '# Docksmith ignore=healthcheck',
  '# docksmith ignore=exec-form,gunicorn-timeouts',
  'CMD gunicorn src.main:app --workers 4',
  '',
].join('\n');
const PRAGMA_LINE = '# docksmith ignore=exec-form,gunicorn-timeouts';
const GLOBAL_LINE = '# docksmith global ignore=use-uv';
const PLAIN_LINE = '# an ordinary comment that mentions docksmith ignore=exec-form';
const CAPITAL_LINE = '# Docksmith ignore=healthcheck';
const CHECKS = ['pragma tokens coloured apart from the comment', 'other comments stay plain',
  'inspector: rule name scopes', 'inspector: docksmith keyword scopes', 'inspector: global modifier scopes'];
const ui = uiSession({ label: 'ui-grammar', checks: CHECKS, shotPrefix: 'grammar-', runDirPrefix: 'docksmith-grammar-' });
const { lap, shot, check, norm } = ui;
let page;

/** The rendered tokens of the editor line whose text is `line`: [{ text, cls, color }], or null. */
const lineTokens = (line) => page.evaluate((want) => {
  const n = (s) => (s || '').replace(/\u00a0/g, ' ');
  for (const el of document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')) {
    if (n(el.textContent) !== want) continue;
    return [...el.querySelectorAll('span > span')].map((s) => ({ text: n(s.textContent), cls: s.className, color: getComputedStyle(s).color }));
  }
  return null;
}, line);

const show = (tokens) => tokens.map((t) => `${JSON.stringify(t.text)}=${t.color}`).join(' ');

/** Puts the cursor inside `word` on the editor line whose text is `line` (a click on its token). */
async function clickWord(line, word) {
  const box = await page.evaluate(([want, w]) => {
    const n = (s) => (s || '').replace(/\u00a0/g, ' ');
    for (const el of document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')) {
      if (n(el.textContent) !== want) continue;
      const span = [...el.querySelectorAll('span > span')].find((sp) => n(sp.textContent) === w);
      if (!span) return null;
      const r = span.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }
    return null;
  }, [line, word]);
  if (!box || !box.width) throw new Error(`token "${word}" not visible on "${line}"`);
  await page.mouse.click(box.x + Math.min(box.width / 2, 12), box.y + box.height / 2);
}

/** Runs "Developer: Inspect Editor Tokens and Scopes" at the cursor; returns the widget's text. */
async function inspect(word) {
  const widget = page.locator('.token-inspect-widget');
  if (await widget.count()) { await page.keyboard.press('Escape'); await widget.waitFor({ state: 'detached', timeout: 5000 }).catch(() => {}); }
  await page.keyboard.press('F1');
  await page.waitForFunction(() => !!document.activeElement?.closest('.quick-input-widget'), null, { timeout: 10000 });
  await page.keyboard.type('Inspect Editor Tokens and Scopes');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Inspect Editor Tokens and Scopes' }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await widget.waitFor({ timeout: 15000 });
  // the widget fills in once the token information is computed
  await page.waitForFunction((w) => (document.querySelector('.token-inspect-widget')?.textContent || '').includes(w)
    && /textmate scopes/i.test(document.querySelector('.token-inspect-widget')?.textContent || ''), word, { timeout: 15000 });
  return norm(await widget.innerText());
}

function assertScopes(text, want, word) {
  const missing = want.filter((s) => !text.includes(s));
  if (missing.length) throw new Error(`inspector on "${word}" lacks ${missing.join(', ')}; it shows: ${text.replace(/\s+/g, ' ')}`);
  // the injected scope sits above the comment scope (the inspector lists innermost first)
  if (text.indexOf(want[0]) > text.indexOf('comment.line.number-sign.dockerfile')) throw new Error(`"${want[0]}" is not inside the comment scope: ${text.replace(/\s+/g, ' ')}`);
}

async function setup(runDir) {
  const ws = path.join(runDir, 'workspace');
  fs.mkdirSync(ws, { recursive: true });
  fs.writeFileSync(path.join(ws, 'Dockerfile'), DOCKERFILE);
  await ui.openWorkbench({ runDir, ws, devPath, explorerRow: 'Dockerfile', userSettings: {
    // the checks compare colours within the active theme (code-server's default), none is hard-coded
    'editor.minimap.enabled': false, 'workbench.editor.enablePreview': false, 'editor.hover.enabled': false,
  } });
  page = ui.page;
  await ui.openFile('Dockerfile', 'docksmith');
  // the extension is active once its server has published the file's findings (no USER: non-root-user);
  // then the Problems panel closes again so the editor keeps its full height for the screenshots
  await ui.waitForDiagnostics('non-root-user');
  await page.keyboard.press('Control+J');
  await page.locator('.part.panel').first().waitFor({ state: 'hidden', timeout: 15000 });
}

async function body() {
  await check(CHECKS[0], async () => {
    // tokenization is asynchronous: wait until the pragma line shows the rule name as a token of its
    // own (the injection grammar has applied); if it never does, the checks below say what is wrong
    await page.waitForFunction((want) => {
      const n = (s) => (s || '').replace(/\u00a0/g, ' ');
      const line = [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')].find((el) => n(el.textContent) === want);
      return !!line && [...line.querySelectorAll('span > span')].some((sp) => n(sp.textContent) === 'exec-form');
    }, PRAGMA_LINE, { timeout: 30000 }).catch(() => lap('  the pragma line never got an exec-form token within 30 s'));
    const tokens = await lineTokens(PRAGMA_LINE);
    if (!tokens) throw new Error('pragma line not rendered');
    lap(`  ${show(tokens)}`);
    const by = (w) => tokens.find((t) => t.text === w);
    const hash = tokens.find((t) => t.text.startsWith('#'));
    for (const w of ['exec-form', 'gunicorn-timeouts', 'docksmith', 'ignore']) if (!by(w)) throw new Error(`"${w}" is not a token of its own: ${show(tokens)}`);
    const commentColor = hash.color;
    for (const w of ['exec-form', 'gunicorn-timeouts', 'docksmith']) {
      if (by(w).color === commentColor) throw new Error(`"${w}" has the comment colour ${commentColor}: ${show(tokens)}`);
    }
    if (by('docksmith').color === by('exec-form').color) throw new Error('keyword and rule names share a colour');
    const global = await lineTokens(GLOBAL_LINE);
    lap(`  ${show(global || [])}`);
    const g = (w) => (global || []).find((t) => t.text === w);
    if (!g('global') || !g('use-uv') || g('use-uv').color === commentColor || g('global').color === commentColor) throw new Error(`global pragma not highlighted: ${show(global || [])}`);
    await shot('1-colours');
  });

  await check(CHECKS[1], async () => {
    // the comment colour of this theme: the `# syntax=` directive line is an ordinary comment
    const syntax = await lineTokens('# syntax=docker/dockerfile:1');
    if (!syntax || !syntax.length) throw new Error('first line not rendered');
    const commentColor = syntax[0].color;
    for (const line of ['# syntax=docker/dockerfile:1', PLAIN_LINE, CAPITAL_LINE]) {
      const tokens = await lineTokens(line);
      if (!tokens) throw new Error(`line not rendered: ${line}`);
      const other = tokens.filter((t) => t.color !== commentColor);
      if (other.length) throw new Error(`"${line}" has non-comment tokens: ${show(tokens)}`);
    }
    lap(`  ordinary and capitalised comments are all ${commentColor}`);
  });

  await check(CHECKS[2], async () => {
    await clickWord(PRAGMA_LINE, 'exec-form');
    const text = await inspect('exec-form');
    lap(`  inspector:\n${text.split('\n').map((l) => `      ${l}`).join('\n')}`);
    assertScopes(text, ['entity.name.tag.rule.docksmith', 'meta.rule-list.docksmith', 'meta.pragma.docksmith', 'comment.line.number-sign.dockerfile', 'source.dockerfile'], 'exec-form');
    if (!/\bComment\b/.test(text)) throw new Error('standard token type is not Comment');
    const widget = await page.locator('.token-inspect-widget').boundingBox();
    const editor = await page.locator('.editor-instance').first().boundingBox();
    const clip = widget && editor ? {
      x: editor.x, y: editor.y,
      width: Math.min(editor.width, Math.max(widget.x + widget.width - editor.x + 40, 700)),
      height: Math.min(editor.height, widget.y + widget.height - editor.y + 30),
    } : undefined;
    await shot('inspect-rule', clip ? { clip } : {});
  });

  await check(CHECKS[3], async () => {
    await clickWord(PRAGMA_LINE, 'docksmith');
    const text = await inspect('docksmith');
    lap(`  inspector: ${text.replace(/\s+/g, ' ').slice(0, 400)}`);
    assertScopes(text, ['keyword.control.directive.pragma.docksmith', 'meta.pragma.docksmith', 'comment.line.number-sign.dockerfile', 'source.dockerfile'], 'docksmith');
    await shot('inspect-keyword');
  });

  await check(CHECKS[4], async () => {
    await clickWord(GLOBAL_LINE, 'global');
    const text = await inspect('global');
    lap(`  inspector: ${text.replace(/\s+/g, ' ').slice(0, 400)}`);
    assertScopes(text, ['storage.modifier.global.docksmith', 'meta.pragma.docksmith', 'comment.line.number-sign.dockerfile', 'source.dockerfile'], 'global');
    await shot('inspect-global');
  });
}

ui.run({ setup, body });
