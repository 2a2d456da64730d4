// Entry point VS Code calls in the extension host (extensionTestsPath): runs every
// *.test.js next to this file with mocha and prints the plain closing line
// "N passed, N failed" that the runners and scripts/test-editor.sh read.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { READY_MS, extensionReady } from './docksmith';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd', color: false, reporter: 'spec', timeout: 30_000,
    // before any test: the extension is active, its commands registered, its server publishing
    // (polled; a failure here fails the run with its first cause instead of a test's timeout)
    rootHooks: { beforeAll: async function (this: Mocha.Context) { this.timeout(READY_MS + 10_000); await extensionReady(); } },
  });
  const grep = process.env.DOCKSMITH_TEST_GREP;
  if (grep) mocha.grep(grep);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      const failed = Math.max(runner.stats?.failures ?? 0, failures);
      console.log(`${passed} passed, ${failed} failed`);
      // the desktop runner (@vscode/test-electron) cannot read this process's console: it reads this file
      const resultFile = process.env.DOCKSMITH_TEST_RESULT;
      if (resultFile) fs.writeFileSync(resultFile, JSON.stringify({ passed, failed }));
      if (failed > 0) reject(new Error(`${failed} editor test(s) failed`));
      else if (passed === 0) reject(new Error(`no editor test ran (files: ${files.join(', ') || 'none'})`));
      else resolve();
    });
  });
}
