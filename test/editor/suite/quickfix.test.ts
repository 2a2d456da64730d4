// (c) The non-root-user quick fix "Add USER 1000" edits the document and clears the diagnostic.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeActions, describeDiagnostics, isCodeAction, openFixture, waitForCodeGone, waitForCodes } from './docksmith';

describe('quick fix', () => {
  it('"Add USER 1000" adds the USER line and the non-root-user diagnostic goes away', async function () {
    this.timeout(40_000);
    const { doc } = await openFixture('quickfix/Dockerfile');
    const [diag] = await waitForCodes(doc.uri, ['non-root-user']);
    const actions = await codeActions(doc.uri, diag.range);
    const titles = actions.map((a) => a.title);
    const action = actions.find((a) => a.title === 'Add USER 1000');
    assert.ok(action, `no action titled "Add USER 1000" at the non-root-user range; got ${JSON.stringify(titles)}`);
    assert.ok(isCodeAction(action), 'the fix should be a CodeAction (with an edit), not a bare command');
    assert.ok(action.kind && vscode.CodeActionKind.QuickFix.contains(action.kind),
      `"Add USER 1000" should be a quickfix, kind is ${action.kind?.value}`);
    assert.ok(action.edit, '"Add USER 1000" has no workspace edit');
    assert.strictEqual(await vscode.workspace.applyEdit(action.edit), true, 'applyEdit refused the edit');
    assert.match(doc.getText(), /^USER 1000[ \t]*$/m, `document after the fix:\n${doc.getText()}`);
    await waitForCodeGone(doc.uri, 'non-root-user');
    console.log(`      after fix: ${describeDiagnostics(doc.uri)}`);
  });
});
