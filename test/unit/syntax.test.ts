// The `syntax` rule: what its fixtures (test/fixtures/rules/syntax) cannot express — the setting
// that turns it off, files without instructions, exact ranges, fix-all, the rest of the corpus.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixAll, lint, makeStandard, RULES } from '../../server/src/service/index';
import { LintContext } from '../../server/src/service/types';
import { editDistance } from '../../server/src/service/rules/syntax';

const FIXTURES = path.join(__dirname, '../../../test/fixtures');
const ctx = (settings: Record<string, unknown> = {}): LintContext => ({ standard: makeStandard({ settings }), facts: {} });
const syntax = (text: string, c = ctx()) => lint(text, c, ['syntax']);
const spans = (text: string, c = ctx()) => syntax(text, c).map((d) => text.slice(d.start, d.end));

/** One mistake of every kind the rule reports. */
const BROKEN = [
  'LABEL team=payments',
  'FROM python:3.11-slim AS builder',
  'RUNN uv sync --locked',
  'FROM python:3.11-slim AS builder',
  'COPY --from=buidler /app /app',
  'COPY --from=busybox /bin/busybox /bin/busybox',
  'COPY --from=later /x /x',
  'COPY --from=7 /x /x',
  'RUN --mount=type=bind,from=later,target=/x true',
  'FROM python:3.11-slim AS later',
  'RUN apt-get update \\',
  '',
].join('\n');

describe('syntax rule', () => {
  it('is registered as an error rule without fixes', () => {
    const meta = RULES.find((r) => r.name === 'syntax');
    assert.ok(meta, 'syntax is in RULES');
    assert.equal(meta.severity, 'error');
    assert.equal(meta.fix, 'none');
  });

  it('reports every kind of mistake in one file', () => {
    const found = syntax(BROKEN);
    assert.equal(found.length, 9, found.map((d) => d.message).join('\n'));
  });

  it('is silent when docksmith.syntax is off (the Docker extension reports syntax), in settings or pyproject', () => {
    assert.deepEqual(syntax(BROKEN, { standard: makeStandard({ settings: { syntax: 'off' } }), facts: {} }), []);
    assert.deepEqual(syntax(BROKEN, { standard: makeStandard({ pyproject: { syntax: 'off' } }), facts: {} }), []);
    assert.deepEqual(lint(BROKEN, { standard: makeStandard({ settings: { syntax: 'off' } }), facts: {} }).filter((d) => d.rule === 'syntax'), []);
    assert.ok(syntax(BROKEN, { standard: makeStandard({ settings: { syntax: 'on' } }), facts: {} }).length > 0);
  });

  it('is silent when the rule is configured off or ignored by a pragma', () => {
    assert.deepEqual(syntax(BROKEN, ctx({ rules: { syntax: 'off' } })), []);
    assert.deepEqual(syntax(`# docksmith global ignore=syntax\n${BROKEN}`), []);
  });

  it('gives no finding for a file without instructions', () => {
    for (const text of ['', '\n\n', '   \n\t\n', '# only a comment\n', '# syntax=docker/dockerfile:1\n# escape=`\n# notes\n', '# a comment ending in a backslash \\\n']) {
      assert.deepEqual(syntax(text), [], JSON.stringify(text));
    }
  });

  it('fix-all of syntax findings changes nothing, and no finding carries a fix', () => {
    assert.ok(syntax(BROKEN).every((d) => d.fix === undefined));
    assert.equal(fixAll(BROKEN, ctx(), { safeOnly: false, only: ['syntax'] }), BROKEN);
    assert.equal(fixAll(BROKEN, ctx(), { only: ['syntax'] }), BROKEN);
  });

  it('points at the keyword, the stage name, the --from value and the last line', () => {
    assert.deepEqual(spans('FROM x\n  RUNN echo hi\n'), ['RUNN']);
    assert.deepEqual(spans('USER 1000\nFROM x\n'), ['USER']);
    assert.deepEqual(spans('ARG A=1\nENV B=2\n'), ['ARG']);
    assert.deepEqual(spans('FROM x AS b\nFROM --platform=linux/amd64 y AS B\n'), ['B']);
    assert.deepEqual(spans('FROM x AS builder\nFROM y\nCOPY --chown=1000 --from=buidler /a /b\n'), ['buidler']);
    assert.deepEqual(spans('FROM x AS builder\nFROM y\nCOPY \\\n  --from=buidler /a /b\n'), ['buidler']);
    assert.deepEqual(spans('FROM x AS wheels\nRUN --mount=type=cache,target=/c --mount=target=/w,from=wheel pip\n'), ['wheel']);
    assert.deepEqual(spans('FROM x\nRUN a \\\n    b \\   \n\n'), ['b \\']);
  });

  it('uses the line numbers of the file in its messages', () => {
    const [d] = syntax('FROM x AS b\n\n\nFROM y AS b\n');
    assert.match(d.message, /on line 1\./);
    assert.equal(d.severity, 'warning');
  });

  it('suggests an instruction only when it is close (at most 2 edits, fewer than half the word)', () => {
    assert.equal(editDistance('RUNN', 'RUN'), 1);
    assert.equal(editDistance('LABLE', 'LABEL'), 1, 'a transposition is one edit');
    assert.match(syntax('FROM x\nENTRYPONT ["a"]\n')[0].message, /did you mean `ENTRYPOINT`\?/);
    assert.match(syntax('FROM x\nExpose 80\nEXPOSED 80\n')[0].message, /did you mean `EXPOSE`\?/);
    for (const word of ['APT', 'XYZ', 'COPYING']) {
      assert.doesNotMatch(syntax(`FROM x\n${word} a\n`)[0].message, /did you mean/, word);
    }
  });

  it('accepts every instruction in any case', () => {
    const all = ['RUN a', 'CMD a', 'LABEL a=b', 'MAINTAINER a', 'EXPOSE 1', 'ENV a=b', 'ADD a b', 'COPY a b', 'ENTRYPOINT a',
      'VOLUME /a', 'USER a', 'WORKDIR /a', 'ARG a', 'ONBUILD RUN a', 'STOPSIGNAL SIGTERM', 'HEALTHCHECK NONE', 'SHELL ["sh"]'];
    const text = ['FROM x', ...all, ...all.map((l) => l.toLowerCase()), 'fRoM y'].join('\n');
    assert.deepEqual(syntax(text), []);
  });

  it('reads a file with no FROM once, and does not also report each instruction as before FROM', () => {
    const found = syntax('hello world\nRUN echo\n');
    assert.deepEqual(found.map((d) => d.message.split(':')[0]), ['Unknown instruction `hello`', 'This Dockerfile has no FROM instruction']);
  });

  it('treats a line holding only the escape character as a continuation, not an instruction', () => {
    assert.deepEqual(syntax('FROM x\n\\\nRUN a\n'), []);
    assert.deepEqual(syntax('# escape=`\nFROM x\n`\nRUN a\n'), []);
    assert.equal(syntax('FROM x\n\\\n').length, 1, 'at the end of the file it is the cut-short continuation');
    assert.match(syntax('FROM x\n\\ foo\n')[0].message, /Unknown instruction/);
  });

  it('follows Docker on the last line: escaped escapes, trailing blanks, CRLF and comments', () => {
    assert.equal(syntax('FROM x\r\nRUN a \\\r\n').length, 1);
    assert.equal(syntax('FROM x\nRUN a \\ \t\n\n  \n').length, 1, 'blanks after the backslash still continue');
    assert.deepEqual(syntax('FROM x\nRUN a \\\\\n'), [], 'an escaped backslash does not continue');
    assert.deepEqual(syntax('FROM x\nRUN a \\\n# the last line, commented out\n'), [], 'a last comment line is not continued');
    assert.deepEqual(syntax('# escape=`\nFROM x\nWORKDIR C:\\app\\\n'), [], 'with the backtick escape a backslash is literal');
    assert.deepEqual(syntax('FROM x\nRUN <<EOF\necho \\\n'), [], 'an unterminated heredoc body is not a continuation');
  });

  it('follows BuildKit on --from: earlier stages, forward references, cycles through FROM, indexes', () => {
    assert.deepEqual(syntax('FROM x AS a\nFROM y\nCOPY --from=A /a /a\nCOPY --from=0 /a /a\n'), []);
    const cycle = syntax('FROM x AS one\nCOPY --from=two /a /a\nFROM one AS two\n');
    assert.equal(cycle.length, 1);
    assert.match(cycle[0].message, /depends on this stage: Docker stops with a circular dependency/);
    assert.equal(cycle[0].severity, 'error');
    const forward = syntax('FROM x AS one\nCOPY --from=two /a /a\nFROM y AS two\n');
    assert.equal(forward[0].severity, 'warning');
    const index = syntax('FROM x\nCOPY --from=1 /a /a\nFROM y\n');
    assert.equal(index[0].severity, 'warning');
    assert.match(index[0].message, /refers to stage 1, defined later on line 3\. BuildKit resolves it, but the classic builder rejects the index of a later stage/);
    assert.match(syntax('FROM x\nCOPY --from=-1 /a /a\n')[0].message, /there is no stage -1\. This Dockerfile has one stage \(0\)/);
  });

  it('stays quiet on --from values it cannot judge', () => {
    const quiet = ['$STAGE', '${STAGE}', '"builder"', 'python:3.11', 'ghcr.io/astral-sh/uv:0.9.5', 'nginx@sha256:abc', 'my.registry/x', 'library/busybox', ''];
    for (const v of quiet) assert.deepEqual(syntax(`FROM x AS builder\nFROM y\nCOPY --from=${v} /a /a\n`), [], v);
    assert.deepEqual(syntax('FROM x AS builder\nFROM y\nONBUILD COPY --from=buidler /a /a\n'), [], 'ONBUILD triggers run in another build');
    assert.deepEqual(syntax('FROM x AS $NAME\nFROM y AS $NAME\n'), [], 'variable stage names are Docker\'s error, not a duplicate');
  });

  it('keeps messages short for absurd words', () => {
    const word = 'X'.repeat(5000);
    const [d] = syntax(`FROM x\n${word} a\n`);
    assert.ok(d.message.length < 400, `${d.message.length} characters`);
    assert.equal(d.end - d.start, word.length);
  });

  it('is linear enough for 10,000 stages that copy from the one before', () => {
    let doc = 'FROM python:3.11 AS s0\n';
    for (let i = 1; i < 10000; i++) doc += `FROM python:3.11 AS s${i}\nCOPY --from=s${i - 1} /a /a\n`;
    const t = Date.now();
    assert.deepEqual(syntax(doc), []);
    assert.ok(Date.now() - t < 5000, `${Date.now() - t} ms`);
  });
});

describe('syntax rule over the rest of the fixture corpus', () => {
  const walk = (dir: string, out: string[] = []): string[] => {
    if (!fs.existsSync(dir)) return out;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, out);
      else if (e.name.endsWith('.Dockerfile')) out.push(p);
    }
    return out.sort();
  };
  const listFindings = (file: string, text: string) => syntax(text).map((d) => `${path.relative(FIXTURES, file)}:${d.range.start.line + 1} [${d.severity}] ${d.message}`);

  it('the standard fixtures and the example service have no syntax finding', () => {
    const example = path.join(FIXTURES, '../../examples/fastapi-service/Dockerfile');
    const files = [...walk(path.join(FIXTURES, 'standard')), ...(fs.existsSync(example) ? [example] : [])];
    assert.ok(files.length > 1);
    const found: string[] = [];
    for (const f of files) found.push(...listFindings(f, fs.readFileSync(f, 'utf8')));
    assert.deepEqual(found, []);
  });

  it('the other rules\' fixtures raise nothing above a note', () => {
    // A rule fixture may be a fragment (a runtime stage copying from a builder it leaves out): at most the
    // information note that `--from=<word>` is read as an image.
    const files = walk(path.join(FIXTURES, 'rules')).filter((f) => !f.includes(`${path.sep}syntax${path.sep}`));
    assert.ok(files.length > 100);
    const found: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      for (const d of syntax(text)) {
        if (d.severity === 'info' && d.uncertain && /^No stage is named/.test(d.message)) continue;
        found.push(...listFindings(f, text).filter((l) => l.includes(d.message)));
      }
    }
    assert.deepEqual(found, []);
  });
});
