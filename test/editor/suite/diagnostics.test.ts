// (a) Opening a Dockerfile activates Docksmith and produces its diagnostics, each with the rule
// name as code and a documentation link (code.target).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, codeOf, docksmithDiagnostics, docsTargetOf, openFixture, waitFor, waitForCodes } from './docksmith';

describe('diagnostics', () => {
  it('activates the extension when a Dockerfile opens', async function () {
    this.timeout(30_000);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded (extensionDevelopmentPath wrong?)`);
    await openFixture('Dockerfile');
    await waitFor(`${EXTENSION_ID} to activate`, () => ext.isActive, { timeoutMs: 20_000 });
  });

  it('reports non-root-user, healthcheck and exec-form on a Dockerfile without USER/HEALTHCHECK and a shell-form CMD', async function () {
    this.timeout(30_000);
    const { doc } = await openFixture('Dockerfile');
    const expected = ['non-root-user', 'healthcheck', 'exec-form'];
    const found = await waitForCodes(doc.uri, expected);
    for (const [i, d] of found.entries()) {
      assert.strictEqual(d.source, 'docksmith');
      assert.ok(d.message.trim().length > 0, `${expected[i]} has an empty message`);
      const target = docsTargetOf(d);
      assert.ok(target instanceof vscode.Uri,
        `${expected[i]}: code should be { value, target } with a documentation link, got ${JSON.stringify(d.code)}`);
      assert.ok(target.toString().length > 0);
    }
    const cmdLine = doc.getText().split('\n').findIndex((l) => l.startsWith('CMD '));
    const execForm = found[2];
    assert.ok(execForm.range.start.line <= cmdLine && cmdLine <= execForm.range.end.line,
      `exec-form should point at the CMD line ${cmdLine + 1}, got lines ${execForm.range.start.line + 1}-${execForm.range.end.line + 1}`);
  });

  it('gives every docksmith diagnostic a documentation target', async function () {
    this.timeout(30_000);
    const { doc } = await openFixture('Dockerfile');
    await waitForCodes(doc.uri, ['non-root-user']);
    const missing = docksmithDiagnostics(doc.uri).filter((d) => !(docsTargetOf(d) instanceof vscode.Uri));
    assert.deepStrictEqual(missing.map((d) => `${codeOf(d) ?? '(no code)'}: ${JSON.stringify(d.code)}`), []);
  });
});
