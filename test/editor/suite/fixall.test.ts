// (d) Fix-all: through editor.codeActionsOnSave (workspace .vscode/settings.json asks for
// source.fixAll.docksmith on explicit saves) and through the code action provider.
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  FIX_ALL_KIND, codeActions, fullRange, instruction, isCodeAction, openFixture, waitForCodeGone, waitForCodes,
} from './docksmith';

/**
 * The fixall fixtures are a uv builder on python:3.11-slim and a runtime stage on the full `python:3.11`
 * with `CMD gunicorn main:app --bind 0.0.0.0:8000`. 3.11 is the workspace's Python (requires-python
 * >=3.11) and the runtime installs nothing (it copies the builder's venv), so its full image -> slim fix
 * is safe and in fix-all (another minor, or a stage that installs dependencies without compilers, would
 * be a fix to review, which fix-all leaves alone).
 */
function assertFixed(text: string): void {
  // the runtime stage's FROM (the last one): the builder's is slim from the start
  const from = text.split(/\r?\n/).filter((l) => /^\s*FROM\b/i.test(l)).pop();
  assert.ok(from && /^FROM\s+python:3\.11-slim(\s|$)/i.test(from), `the runtime's FROM should become python:3.11-slim, got ${from}\n--- text:\n${text}`);
  const cmd = instruction(text, 'CMD');
  assert.ok(cmd, `no CMD left in:\n${text}`);
  const json = cmd.replace(/^CMD\s+/i, '');
  let argv: unknown;
  try { argv = JSON.parse(json); } catch { assert.fail(`CMD should be exec form (a JSON array), got: ${cmd}`); }
  assert.ok(Array.isArray(argv) && argv.every((a) => typeof a === 'string'), `CMD is not a JSON array of strings: ${cmd}`);
  const args = argv as string[];
  assert.strictEqual(args[0], 'gunicorn', `CMD: ${cmd}`);
  assert.ok(args.includes('main:app'), `CMD lost the app module: ${cmd}`);
  const bind = args.indexOf('--bind');
  assert.ok(bind >= 0 && args[bind + 1] === '0.0.0.0:8000', `CMD lost --bind 0.0.0.0:8000: ${cmd}`);
}

describe('fix-all', () => {
  it('codeActionsOnSave source.fixAll.docksmith fixes the file on save', async function () {
    this.timeout(40_000);
    const onSave = vscode.workspace.getConfiguration('editor').get<Record<string, unknown>>('codeActionsOnSave');
    assert.deepStrictEqual(onSave?.['source.fixAll.docksmith'], 'explicit', 'workspace settings lack the codeActionsOnSave entry');
    const { doc, editor } = await openFixture('fixall/Dockerfile');
    await waitForCodes(doc.uri, ['exec-form']);  // the server has linted the file: its code actions are available
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# edited by the editor test\n')), 'edit refused');
    assert.ok(doc.isDirty, 'document should be dirty after the edit');
    assert.strictEqual(await doc.save(), true, 'save() reported failure');
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(doc.uri));
    assert.strictEqual(onDisk, doc.getText(), 'the saved file differs from the document');
    assert.match(onDisk, /^# edited by the editor test$/m, 'the test edit was not saved');
    assertFixed(onDisk);
    await waitForCodeGone(doc.uri, 'exec-form');
  });

  it('vscode.executeCodeActionProvider offers source.fixAll.docksmith and its edit fixes the file', async function () {
    this.timeout(40_000);
    const { doc } = await openFixture('fixall-action/Dockerfile');
    await waitForCodes(doc.uri, ['exec-form']);
    const actions = await codeActions(doc.uri, fullRange(doc), FIX_ALL_KIND);
    const fixAll = actions.filter(isCodeAction).find((a) => a.kind && FIX_ALL_KIND.contains(a.kind));
    assert.ok(fixAll, `no ${FIX_ALL_KIND.value} action; got ${JSON.stringify(actions.map((a) => [a.title, isCodeAction(a) ? a.kind?.value : 'command']))}`);
    assert.ok(fixAll.edit, 'the fix-all action has no edit');
    assert.strictEqual(await vscode.workspace.applyEdit(fixAll.edit), true, 'applyEdit refused the fix-all edit');
    assertFixed(doc.getText());
    await waitForCodeGone(doc.uri, 'exec-form');
  });

  it('fix-all is idempotent: a second fix-all changes nothing', async function () {
    this.timeout(40_000);
    const { doc } = await openFixture('fixall-action/Dockerfile');  // already fixed by the previous test
    assertFixed(doc.getText());
    await waitForCodeGone(doc.uri, 'exec-form');
    const before = doc.getText();
    const actions = (await codeActions(doc.uri, fullRange(doc), FIX_ALL_KIND)).filter(isCodeAction);
    for (const a of actions) if (a.edit) await vscode.workspace.applyEdit(a.edit);
    assert.strictEqual(doc.getText(), before, 'a second fix-all changed the text again');
  });
});
