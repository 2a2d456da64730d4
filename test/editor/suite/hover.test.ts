// (b) Hovering the USER keyword explains the standard's UID.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { openFixture, waitFor } from './docksmith';

function hoverText(hovers: vscode.Hover[] | undefined): string {
  const parts: string[] = [];
  for (const h of hovers ?? []) {
    for (const c of h.contents) {
      if (typeof c === 'string') parts.push(c);
      else parts.push(c.value);  // MarkdownString or { language, value }
    }
  }
  return parts.join('\n---\n');
}

describe('hover', () => {
  it('explains USER 1000 with the UID of the standard', async function () {
    this.timeout(30_000);
    const { doc } = await openFixture('hover/Dockerfile');
    const line = doc.getText().split('\n').findIndex((l) => /^USER 1000\s*$/.test(l));
    assert.ok(line >= 0, 'fixture hover/Dockerfile has no USER 1000 line');
    const onKeyword = new vscode.Position(line, 1);  // inside "USER"
    let last = '';
    const text = await waitFor('a hover on USER mentioning UID', async () => {
      last = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, onKeyword));
      return /\bUID\b/.test(last) ? last : undefined;
    }, { state: () => `last hover text: ${JSON.stringify(last.slice(0, 300)) || '(none)'}` });
    console.log(`      hover: ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
  });
});
