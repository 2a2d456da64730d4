// The packaged extension, as a user gets it: installs the VSIX that `npm run package` built with
// `code-server --install-extension` into a fresh extensions folder, starts code-server with that
// folder and WITHOUT a development extension, opens the fixture Dockerfile and waits for Docksmith's
// non-root-user row in the Problems panel, then checks the row links to the rule's page inside the
// installed extension (the server finds docs/rules/ next to its bundle).
//
// Usage: node test/editor/ui-vsix.js [file.vsix]   (default: docksmith-<version>.vsix in the repository)
// Env: SHOTS_DIR (default .editor-test/shots), KEEP_TMP=1, TEST_TIMEOUT_MS
// Screenshots: <SHOTS_DIR>/vsix-*.png.
// Prints "N passed, N failed"; exit 0 only when every check passed.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const h = require('./code-server');
const { uiSession } = require('./ui-session');

const pkg = JSON.parse(fs.readFileSync(path.join(h.REPO, 'package.json'), 'utf8'));
const extId = `${pkg.publisher}.${pkg.name}`;
const vsix = path.resolve(process.argv[2] || path.join(h.REPO, `${pkg.name}-${pkg.version}.vsix`));
const CHECKS = ['VSIX installed into a fresh extensions folder', 'Problems panel row from the installed extension',
  'the row links to the rule page inside the installed extension'];
const ui = uiSession({ label: 'ui-vsix', checks: CHECKS, shotPrefix: 'vsix-', runDirPrefix: 'docksmith-vsix-' });
const { lap, shot, check, norm } = ui;
let extDir;
let runDir;

function install(dir) {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist: build it with npm run package`);
  const exts = path.join(dir, 'extensions');
  fs.mkdirSync(exts, { recursive: true });
  // the same folders startCodeServer() gives the server, so the server sees what was installed here
  const r = spawnSync(path.join(h.EDITOR_DIR, 'node_modules', '.bin', 'code-server'),
    ['--extensions-dir', exts, '--user-data-dir', path.join(dir, 'user-data'), '--install-extension', vsix],
    { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir }, timeout: 120000 });
  const out = `${r.stdout}${r.stderr}`.trim();
  lap(`  code-server --install-extension: ${out.replace(/\s+/g, ' ').slice(0, 200)}`);
  if (r.status !== 0) throw new Error(`--install-extension exited ${r.status ?? r.signal}: ${out.slice(0, 500)}`);
  return exts;
}

async function setup(dir) {
  runDir = dir;
  const exts = install(dir);
  extDir = fs.readdirSync(exts).map((d) => path.join(exts, d)).find((d) => path.basename(d).toLowerCase().startsWith(`${extId}-`));
  // only the top-level Dockerfile (as in ui-e2e.js), and no extensionDevelopmentPath: the installed
  // extension is the only Docksmith there is
  const ws = h.copyWorkspace(path.join(dir, 'workspace'), (rel) => /^(deploy-ecs|fixall|fixall-action|hover|poetry|quickfix)(\/|$)/.test(rel));
  await ui.openWorkbench({ runDir: dir, ws, devPath: undefined, userSettings: { 'workbench.editor.enablePreview': false }, explorerRow: 'Dockerfile' });
  await ui.openFile('Dockerfile', 'FROM');
  await ui.waitForDiagnostics('non-root-user');
}

async function body() {
  const page = ui.page;
  await check(CHECKS[0], async () => {
    if (!extDir) throw new Error(`no ${extId}-* folder in ${path.dirname(path.dirname(runDir))}`);
    const installed = JSON.parse(fs.readFileSync(path.join(extDir, 'package.json'), 'utf8'));
    if (installed.version !== pkg.version) throw new Error(`installed version ${installed.version}, package.json has ${pkg.version}`);
    if (path.basename(extDir) !== `${extId}-${pkg.version}`) throw new Error(`installed as ${path.basename(extDir)}`);
    for (const f of ['dist/client.js', 'dist/server.js', 'docs/rules/non-root-user.md', 'images/icon.png']) {
      if (!fs.existsSync(path.join(extDir, f))) throw new Error(`${f} missing from ${extDir}`);
    }
    for (const f of ['node_modules', 'out', 'test', 'dist/server.js.map']) {
      if (fs.existsSync(path.join(extDir, f))) throw new Error(`${f} shipped in ${extDir}`);
    }
    lap(`  installed: ${path.basename(extDir)} (version ${installed.version})`);
  });

  await check(CHECKS[1], async () => {
    await ui.showProblems();
    const row = ui.problemRow('non-root-user');
    await row.waitFor({ timeout: 15000 });
    lap('  problems row: ' + norm(await row.innerText()).replace(/\s+/g, ' '));
    // no development extension in this workbench: the row comes from the installed one
    if (/extensionDevelopmentPath/.test(decodeURIComponent(page.url()))) throw new Error('the workbench was opened with a development extension');
    lap(`  extension host: ${ui.extensionLog().slice(0, 200)}`);
    await shot('1-problems');
  });

  await check(CHECKS[2], async () => {
    // the diagnostic's code is a link (codeDescription.href) to docs/rules/<rule>.md: the server
    // resolved it next to its bundle, which exists only if the VSIX shipped the docs
    const link = ui.problemRow('non-root-user').locator('a, .monaco-link, [role="link"]').filter({ hasText: 'non-root-user' }).first();
    await link.waitFor({ timeout: 15000 });
    const target = `${await link.getAttribute('href') || ''} ${await link.getAttribute('title') || ''} ${await link.getAttribute('aria-label') || ''}`;
    lap(`  code link: ${target.trim().slice(0, 200)}`);
    const page = 'docs/rules/non-root-user.md';
    // (real path: .editor-test may be a symbolic link, the server reports the resolved folder)
    if (!decodeURIComponent(target).includes(fs.realpathSync(path.join(extDir, page)))) throw new Error(`the code link does not point into the installed extension's ${page}: ${target.trim()}`);
  });
}

ui.run({ setup, body });
