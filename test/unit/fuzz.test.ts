// Robustness as the server drives the core: the regression fixtures of test/fixtures/fuzz/ (the
// minimal cases of issue reports and every input a fuzz run saved), specific assertions on the
// half-typed inputs that used to grow on every save, and a seeded fuzz run of 3,000 documents.
// `npm run fuzz -- --count 100000 --seed N` runs the long version.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTEXTS, REGRESSIONS, checkDocument, runFuzz } from '../fuzz/fuzz';
import { fixAll, fixAllDetailed } from '../../server/src/service/fixes';
import { hoverAt } from '../../server/src/service/hover';
import { lintText } from '../../server/src/service/linter';
import { quickFixes } from '../../server/src/service/actions';

const ctx = CONTEXTS[0];
const read = (name: string) => fs.readFileSync(path.join(REGRESSIONS, name), 'utf8');

describe('fuzz regression fixtures (test/fixtures/fuzz)', () => {
  const files = fs.readdirSync(REGRESSIONS).filter((f) => f.endsWith('.Dockerfile')).sort();
  it('has the minimal cases of the issue reports', () => {
    for (const f of ['unclosed-heredoc.Dockerfile', 'unmatched-backtick.Dockerfile', 'user-before-from.Dockerfile', 'healthcheck-before-from.Dockerfile']) assert.ok(files.includes(f), f);
  });
  for (const f of files) {
    it(f, () => {
      const doc = read(f);
      for (let c = 0; c < CONTEXTS.length; c++) {
        for (const variant of [doc, doc.replace(/\r?\n/g, '\r\n')]) {
          const failure = checkDocument(variant, c);
          assert.equal(failure, undefined, failure && `${failure.kind} (context ${c}): ${failure.what}`);
        }
      }
    });
  }
});

describe('fix-all converges on half-typed files', () => {
  it('an unclosed heredoc gets no USER inside its body, however often it is saved', () => {
    const doc = read('unclosed-heredoc.Dockerfile');
    let text = doc;
    for (let i = 0; i < 3; i++) text = fixAll(text, ctx, { maxPasses: 1 });
    assert.equal(text, doc, 'the USER fix would land inside the heredoc, where the parser cannot see it: not applied');
    const r = fixAllDetailed(doc, ctx);
    assert.ok(r.rejected.some((d) => d.rule === 'non-root-user'), 'the USER fix is reported as left out');
    // it stays available as a quick fix
    const result = lintText(doc, ctx);
    const d = result.diagnostics.find((x) => x.rule === 'non-root-user')!;
    assert.ok(quickFixes(result, doc, [d]).some((q) => /USER/.test(q.title)));
  });
  it('an unmatched backtick does not collect gunicorn flags on every save', () => {
    const doc = read('unmatched-backtick.Dockerfile');
    const once = fixAll(doc, ctx);
    assert.equal(fixAll(once, ctx), once);
    assert.equal((once.match(/--timeout/g) ?? []).length, 0, 'flags appended after the backtick are invisible to the model: not applied');
    assert.ok(/USER 1000/.test(once), 'the fixes that do converge still apply');
  });
  it('a pass never grows the text without removing the finding it fixed', () => {
    for (const name of ['unclosed-quote.Dockerfile', 'unmatched-backtick-exec.Dockerfile']) {
      const doc = read(name);
      const before = lintText(doc, ctx).diagnostics;
      const r = fixAllDetailed(doc, ctx);
      const after = lintText(r.text, ctx).diagnostics;
      for (const d of r.applied) {
        const left = after.filter((x) => x.rule === d.rule && x.message === d.message).length;
        const had = before.filter((x) => x.rule === d.rule && x.message === d.message).length;
        assert.ok(left < had, `${name}: ${d.rule} "${d.message}" is still there after its fix`);
      }
    }
  });
  it('a 1 MB gunicorn command line is fixed without a stack overflow', () => {
    const doc = `FROM python:3.11-slim\nUSER 1000\nCMD gunicorn m:app${' --bind 127.0.0.1:8000 --workers 9'.repeat(30000)}\n`;
    const once = fixAll(doc, ctx);
    assert.notEqual(once, doc);
    const left = lintText(once, ctx).diagnostics.map((d) => d.rule);
    assert.ok(!left.includes('bind-address') && !left.includes('workers-match-vcpu'), `the effective (last) --bind and --workers are fixed: ${left}`);
  });
});

describe('instructions before the first FROM', () => {
  for (const name of ['user-before-from.Dockerfile', 'healthcheck-before-from.Dockerfile']) {
    it(`hover explains ${name} instead of throwing`, () => {
      const md = hoverAt(read(name), { line: 0, character: 1 }, ctx);
      assert.match(md ?? '', /before the first FROM belongs to no stage/);
    });
  }
});

describe('linear in the number of stages', () => {
  it('a chain of 10,000 stages lints, and runtime rules follow it to the root image', () => {
    let doc = 'FROM python:3.11 AS s0\nRUN pip install fastapi\n';
    for (let i = 1; i < 10000; i++) doc += `FROM s${i - 1} AS s${i}\n`;
    const rules = lintText(doc, ctx).diagnostics.map((d) => d.rule);
    assert.ok(rules.includes('non-root-user'), 'the last stage inherits no USER');
    assert.ok(rules.includes('base-image'), 'the root image is judged once');
    assert.equal(rules.filter((r) => r === 'use-uv').length, 1, 'the pip install is reported on its own stage only');
  });
});

describe('seeded fuzz run', () => {
  it('3,000 mutated documents: no exception, every range inside the document, fix-all idempotent', () => {
    const lines: string[] = [];
    const r = runFuzz({ count: 3000, seed: 20261130, log: (l) => lines.push(l) });
    assert.equal(r.documents, 3000);
    assert.deepEqual({ exceptions: r.exceptions, outOfRange: r.outOfRange, nonIdempotent: r.nonIdempotent }, { exceptions: 0, outOfRange: 0, nonIdempotent: 0 },
      `${lines.slice(0, 5).join('\n')}\nsaved as regression fixtures: ${r.saved.join(', ')}`);
  });
});
