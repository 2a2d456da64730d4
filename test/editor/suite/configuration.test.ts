// (e) docksmith.rules changes apply without a reload.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, describeDiagnostics, docksmithDiagnostics, openFixture, waitFor, waitForCodeGone, waitForCodes } from './docksmith';

async function setRules(value: Record<string, string> | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('docksmith').update('rules', value, vscode.ConfigurationTarget.Workspace);
}

describe('configuration', () => {
  let original: Record<string, string> | undefined;
  before(() => {
    original = vscode.workspace.getConfiguration('docksmith').inspect<Record<string, string>>('rules')?.workspaceValue;
  });
  afterEach(async () => { await setRules(original); });

  it('docksmith.rules { healthcheck: "off" } removes the healthcheck diagnostic, and restoring brings it back', async function () {
    this.timeout(45_000);
    const { doc } = await openFixture('Dockerfile');
    await waitForCodes(doc.uri, ['healthcheck', 'non-root-user']);
    await setRules({ ...(original ?? {}), healthcheck: 'off' });
    await waitForCodeGone(doc.uri, 'healthcheck');
    assert.ok(docksmithDiagnostics(doc.uri).some((d) => codeOf(d) === 'non-root-user'),
      `turning healthcheck off should keep the other rules: ${describeDiagnostics(doc.uri)}`);
    await setRules(original);
    await waitForCodes(doc.uri, ['healthcheck']);
  });

  it('docksmith.rules { healthcheck: "info" } changes the severity', async function () {
    this.timeout(45_000);
    const { doc } = await openFixture('Dockerfile');
    await waitForCodes(doc.uri, ['healthcheck']);
    await setRules({ ...(original ?? {}), healthcheck: 'info' });
    await waitFor('healthcheck with severity Information', () =>
      docksmithDiagnostics(doc.uri).some((d) => codeOf(d) === 'healthcheck' && d.severity === vscode.DiagnosticSeverity.Information),
    { state: () => docksmithDiagnostics(doc.uri).map((d) => `${codeOf(d)}=${vscode.DiagnosticSeverity[d.severity]}`).join(', ') });
  });
});
