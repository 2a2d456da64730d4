// Field corpus: Dockerfiles of Python web services written for this project as composites of the patterns
// a field study of public Dockerfiles found (test/fixtures/field/*.Dockerfile, each with a `# field:` first
// line naming its patterns; no third-party text), linted with every rule under the contexts of expected.json.
//
// For every file and context:
//   - lint must not throw (and no rule may throw: onRuleError fails the test);
//   - fixAll (safe only, and all fixes) must not throw, must keep every comment line, must not lose instructions,
//     must be a fixpoint (fixAll(fixAll(x)) === fixAll(x)) and re-linting the result must leave no safe fix;
//   - the CRLF version must give the same findings;
//   - the findings must equal the hand-judged truth in expected.json, adjusted by the known issues:
//       actual == expected + knownFalsePositives - knownMisses   (as multisets of `rule@line`, 1-based lines)
//     so an engine fix makes this test fail until the matching known-issue entry is removed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerfileModel, fixAll, lint, makeStandard } from '../../server/src/service/index';

type Ctx = Parameters<typeof lint>[1];
type StandardLayers = NonNullable<Parameters<typeof makeStandard>[0]>;

interface ContextDef { settings: StandardLayers['settings']; facts: Ctx['facts'] }
interface Judged {
  expected: string[];
  knownFalsePositives?: string[];
  knownMisses?: string[];
  notes?: Record<string, string>;
}
interface Expectations {
  contexts: Record<string, ContextDef>;
  files: Record<string, Record<string, Judged>>;
}

const DIR = path.join(__dirname, '../../../test/fixtures/field');
const EXPECTED: Expectations = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8'));
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith('.Dockerfile')).sort();

function makeCtx(def: ContextDef, errors: string[]): Ctx {
  return {
    standard: makeStandard({ settings: def.settings }),
    facts: def.facts,
    onRuleError: (rule, error) => errors.push(`${rule}: ${error instanceof Error ? error.stack : String(error)}`),
  };
}

/** `rule@line` with the 1-based start line of the instruction the finding lies in (a flag on a continuation line counts for its instruction). */
function findings(text: string, ctx: Ctx): string[] {
  const model = new DockerfileModel(text);
  return lint(text, ctx).map((d) => {
    const instr = model.instrs.find((i) => i.start <= d.start && d.start <= i.end);
    return `${d.rule}@${(instr ? instr.line : d.range.start.line) + 1}`;
  }).sort();
}

/** Own-line comments, trimmed (parser directives included). */
function commentLines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.startsWith('#'));
}

/** Multiset difference a - b. */
function minus(a: string[], b: string[]): string[] {
  const rest = a.slice();
  for (const x of b) {
    const i = rest.indexOf(x);
    if (i >= 0) rest.splice(i, 1);
  }
  return rest;
}

describe('field corpus', () => {
  it('has between 30 and 60 Dockerfiles, each with a `# field:` line and an expected.json entry', () => {
    assert.ok(FILES.length >= 30 && FILES.length <= 60, `found ${FILES.length} files`);
    for (const f of FILES) {
      const first = fs.readFileSync(path.join(DIR, f), 'utf8').split(/\r?\n/, 1)[0];
      assert.match(first, /^# field: \S.{10,}/, `${f}: first line must be "# field: <the patterns this file stands for>"`);
      assert.ok(EXPECTED.files[f], `${f}: missing from expected.json`);
      for (const c of Object.keys(EXPECTED.contexts)) assert.ok(EXPECTED.files[f][c], `${f}: no "${c}" entry in expected.json`);
    }
    for (const f of Object.keys(EXPECTED.files)) assert.ok(FILES.includes(f), `expected.json names ${f}, which does not exist`);
  });

  // Multisets: `use-uv@7` expected once and listed once as a known false positive means the linter reports it twice
  // (e.g. a pip self-upgrade and the real install in one RUN), so an expected entry may also be a known false positive.
  it('known-issue entries are consistent (known misses are expected entries; nothing is both a miss and a false positive; every issue has a note)', () => {
    for (const [f, byCtx] of Object.entries(EXPECTED.files)) {
      for (const [c, j] of Object.entries(byCtx)) {
        const misses = j.knownMisses ?? [];
        const fps = j.knownFalsePositives ?? [];
        assert.deepEqual(minus(misses, j.expected), [], `${f} [${c}]: every known miss must also be listed in expected (as often as it is missed)`);
        for (const fp of fps) assert.ok(!misses.includes(fp), `${f} [${c}]: ${fp} is both a known miss and a known false positive`);
        for (const k of [...misses, ...fps]) assert.ok(j.notes?.[k], `${f} [${c}]: known issue ${k} needs a notes entry saying why`);
      }
    }
  });

  for (const file of FILES) {
    describe(file, () => {
      const text = fs.readFileSync(path.join(DIR, file), 'utf8');
      for (const [ctxName, def] of Object.entries(EXPECTED.contexts)) {
        it(`[${ctxName}] findings match the judged truth (+ known false positives - known misses)`, () => {
          const errors: string[] = [];
          const actual = findings(text, makeCtx(def, errors));
          assert.deepEqual(errors, [], 'a rule threw');
          const judged = EXPECTED.files[file]?.[ctxName];
          assert.ok(judged, `no expected.json entry for ${file} [${ctxName}]`);
          const want = minus([...judged.expected, ...(judged.knownFalsePositives ?? [])], judged.knownMisses ?? []).sort();
          assert.deepEqual(
            actual,
            want,
            `${file} [${ctxName}]\n  unexpected: ${minus(actual, want).join(' ') || '-'}\n  missing:    ${minus(want, actual).join(' ') || '-'}\n` +
              '  (if the engine was fixed, remove the entry from knownFalsePositives/knownMisses in expected.json)',
          );
        });

        it(`[${ctxName}] CRLF gives the same findings`, () => {
          const errors: string[] = [];
          const ctx = makeCtx(def, errors);
          assert.deepEqual(findings(text.replace(/\r?\n/g, '\r\n'), ctx), findings(text, ctx));
          assert.deepEqual(errors, []);
        });

        for (const safeOnly of [true, false]) {
          const mode = safeOnly ? 'safe fixes' : 'all fixes';
          it(`[${ctxName}] fixAll (${mode}) keeps comments and instructions, and is idempotent`, () => {
            const errors: string[] = [];
            const ctx = makeCtx(def, errors);
            const opts = safeOnly ? undefined : { safeOnly: false };
            const fixed = fixAll(text, ctx, opts);

            const before = commentLines(text);
            const after = commentLines(fixed);
            assert.deepEqual(minus(before, after), [], 'comment lines lost by the fix');

            const n0 = new DockerfileModel(text).instrs.length;
            const n1 = new DockerfileModel(fixed).instrs.length;
            assert.ok(n1 >= n0, `instructions went from ${n0} to ${n1}`);

            assert.equal(fixAll(fixed, ctx, opts), fixed, 'fixAll is not a fixpoint');
            const again = lint(fixed, ctx).filter((d) => d.fix?.safe);
            assert.deepEqual(
              again.map((d) => `${d.rule}@${d.range.start.line + 1} ${d.fix?.title}`),
              [],
              'safe fixes still offered after fixAll',
            );
            assert.deepEqual(errors, [], 'a rule threw');
          });
        }
      }
    });
  }
});
