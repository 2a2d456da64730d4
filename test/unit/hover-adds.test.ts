// Hovers add to a finding, they do not repeat it: VS Code shows the diagnostic's message in the same
// hover box, so a sentence of the message that the hover says again is read twice. Every finding of
// the field and rule fixtures (with 2 vCPU configured) is hovered at its start; no sentence of 40 or
// more characters of its message may appear in the hover.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintText, makeStandard } from '../../server/src/service/index';
import { hover } from '../../server/src/service/hover';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');

/** Sentences of at least 40 characters, lower-cased, without markdown marks. */
function sentences(text: string): string[] {
  return text.replace(/[`*✓✗]/g, '').split(/(?<=[.:;])\s+|\n+/).map((s) => s.trim().toLowerCase()).filter((s) => s.length >= 40);
}

function dockerfiles(): string[] {
  const dirs = [path.join(FIXTURES, 'field'), ...fs.readdirSync(path.join(FIXTURES, 'rules')).map((d) => path.join(FIXTURES, 'rules', d))];
  return dirs.flatMap((d) => fs.readdirSync(d).map((f) => path.join(d, f))).filter((f) => fs.statSync(f).isFile() && !/\.(json|md)$/.test(f));
}

describe('hover adds to the finding under it', () => {
  it('no hover over a finding repeats a sentence of its message (field and rule fixtures)', () => {
    let hovered = 0;
    const repeats: string[] = [];
    for (const file of dockerfiles()) {
      const r = lintText(fs.readFileSync(file, 'utf8'), { standard: makeStandard({ settings: { vcpu: 2 } }), facts: {} });
      if (!r.analysis) continue;
      for (const d of r.diagnostics) {
        const h = hover(r.analysis, r.analysis.model.offset(d.range.start) + 1);
        if (!h) continue;
        hovered++;
        const hs = sentences(h);
        const shared = sentences(d.message).filter((m) => hs.some((x) => x.includes(m) || m.includes(x)));
        if (shared.length) repeats.push(`${path.relative(FIXTURES, file)}:${d.range.start.line + 1} ${d.rule}: "${shared[0]}"`);
      }
    }
    // the check has something to judge: hundreds of findings sit under a hover
    assert.ok(hovered > 500, `only ${hovered} findings had a hover`);
    assert.deepEqual(repeats, []);
  });

  it('the check catches a repeat (control: a hover that quotes the message)', () => {
    const msg = 'Base image python:3.11-alpine is `alpine` (musl: no manylinux wheels, slow and fragile builds).';
    assert.ok(sentences(msg).some((m) => sentences(`**Stage** ✗ ${msg}`).some((x) => x.includes(m))));
  });
});
