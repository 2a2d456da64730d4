import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixAll, lint, makeStandard, lintText } from '../../server/src/service/index';
import { RULES } from '../../server/src/service/rules';
import { parseJsonArray, parseShell } from '../../server/src/service/shell';
import { Source, logicalSource } from '../../server/src/service/text';
import { hoverAt } from '../../server/src/service/hover';
import { applyEdits, nonOverlapping } from '../../server/src/service/fixes';
import { LintContext } from '../../server/src/service/types';

const ctx = (settings = {}, facts = {}): LintContext => ({ standard: makeStandard({ settings: { vcpu: 4, ...settings } }), facts: { hasUvLock: true, dependencies: ['fastapi'], ...facts } });

describe('text and shell scanners', () => {
  it('joins continuations, drops comment lines inside them, and maps back to document offsets', () => {
    const doc = 'RUN a \\\n  # note\n  b \\\r\n\r\n  c';
    const src = logicalSource(doc, 4, doc.length, '\\');
    assert.equal(src.text.replace(/\s+/g, ' ').trim(), 'a b c');
    const c = src.text.indexOf('c');
    assert.equal(doc[src.offsets[c]], 'c');
  });
  it('maps every logical character, and every slice of it, back to the same document character', () => {
    const docs = [
      'RUN a \\\n  # note\n  b \\\r\n\r\n  c',
      'RUN apt-get update \\\n    && apt-get install -y gcc \\\n    && rm -rf /var/lib/apt/lists/*',
      'RUN <<EOF\nset -e\r\necho one \\\n  two\nEOF',
      'CMD ["gunicorn", "x:y"]',
    ];
    for (const doc of docs) {
      const src = logicalSource(doc, 4, doc.length, '\\');
      for (let i = 0; i < src.text.length; i++) {
        const ch = src.text[i];
        // a kept line break maps to the document's \r or \n
        if (ch === '\n') assert.ok(doc[src.at(i)] === '\n' || doc[src.at(i)] === '\r', `${JSON.stringify(doc)} @${i}`);
        else assert.equal(doc[src.at(i)], ch, `${JSON.stringify(doc)} @${i}`);
        assert.equal(src.offsets[i], src.at(i));
      }
      for (let from = 0; from < src.text.length; from += 3) {
        const part = src.slice(from, from + 5);
        for (let i = 0; i < part.text.length; i++) assert.equal(part.at(i), src.at(from + i));
      }
    }
  });
  it('honours the backtick escape directive', () => {
    const doc = 'RUN a `\n  b';
    assert.equal(logicalSource(doc, 4, doc.length, '`').text.replace(/\s+/g, ' ').trim(), 'a b');
  });
  it('splits commands on operators and keeps quoted words whole', () => {
    const s = parseShell(text('cd /app && FOO="a b" exec gunicorn x:y | tee log; echo "$(nproc)" # trailing comment'));
    assert.deepEqual(s.commands.map((c) => c.words.map((w) => w.value)), [['cd', '/app'], ['FOO=a b', 'exec', 'gunicorn', 'x:y'], ['tee', 'log'], ['echo', '$(nproc)']]);
    assert.deepEqual(s.commands.map((c) => c.next), ['&&', '|', ';', '']);
    assert.equal(s.usesShell, true);
  });
  it('records heredoc redirections per command', () => {
    const s = parseShell(text("cat <<EOF > /x && bash <<-'EOS'"));
    assert.deepEqual(s.commands.map((c) => c.heredocs), [['EOF'], ['EOS']]);
  });
  it('parses exec-form arrays with escapes and rejects what Docker treats as shell form', () => {
    const a = parseJsonArray(text('["sh", "-c", "echo \\"hi\\" && exec x"]'))!;
    assert.deepEqual(a.items.map((i) => i.value), ['sh', '-c', 'echo "hi" && exec x']);
    assert.equal(parseJsonArray(text("['gunicorn', 'x']")), undefined);
    assert.equal(parseJsonArray(text('["a", "b"] extra')), undefined);
    assert.equal(parseJsonArray(text('["a", 1]')), undefined);
  });
});

function text(t: string) {
  return new Source(t);
}

describe('robustness', () => {
  const junk = Array.from({ length: 3000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
  const big = Array.from({ length: 50000 }, (_, i) => (i % 5 === 0 ? `RUN echo ${i} \\` : i % 5 === 4 ? `  && true` : `  && echo ${i} \\`)).join('\n');
  const inputs: [string, string][] = [
    ['empty', ''], ['whitespace', '\n\n  \n'], ['binary junk', junk], ['NULs', 'FROM python:3.11-slim\nRUN echo \u0000\u0007\n'],
    ['BOM', '\uFEFFFROM python:3.11-slim\nCMD gunicorn a:b\n'], ['CR only', 'FROM python:3.12\rCMD gunicorn a:b\r'],
    ['unterminated heredoc', 'FROM python:3.11-slim\nRUN <<EOF\npip install x\n'], ['unclosed JSON', 'FROM python:3.11-slim\nCMD ["gunicorn", "a:b"\n'],
    ['lone backslash', 'FROM python:3.11-slim\nRUN echo \\'], ['no FROM', 'RUN pip install x\nCMD uvicorn a:b\n'],
    ['50,000 lines', `FROM python:3.11-slim\n${big}\n`], ['unterminated quote', 'FROM python:3.11-slim\nCMD sh -c "gunicorn a:b\n'],
  ];
  for (const [name, input] of inputs) {
    it(`${name}: lint, hover and fix-all do not throw`, () => {
      const c = ctx();
      const diags = lint(input, c);
      assert.ok(Array.isArray(diags));
      for (const d of diags) assert.ok(d.start >= 0 && d.end <= input.length && d.start <= d.end, `${d.rule} range inside the text`);
      hoverAt(input, { line: 1, character: 1 }, c);
      const fixed = fixAll(input, c);
      assert.equal(typeof fixed, 'string');
    });
  }
  it('finds nothing in files without instructions', () => {
    assert.deepEqual(lint('', ctx()), []);
    assert.deepEqual(lint('# only a comment\n', ctx()), []);
  });
  it('a BOM does not hide the first instruction', () => {
    assert.ok(lint('\uFEFFFROM python:3.12\n', ctx()).some((d) => d.rule === 'base-image'));
  });
  it('skips files over the size limit with a note instead of linting them', () => {
    const r = lintText('RUN echo x\n'.repeat(500_000), ctx());
    assert.deepEqual(r.diagnostics.map((d) => d.rule), ['file-too-large']);
  });
  it('a rule that throws is reported to onRuleError and the other rules still report', () => {
    const victim = RULES.find((r) => r.meta.name === 'healthcheck')!;
    const original = victim.check;
    const errors: string[] = [];
    victim.check = () => { throw new Error('boom'); };
    try {
      const diags = lint('FROM python:3.12\nCMD gunicorn a:b\n', { ...ctx(), onRuleError: (rule) => errors.push(rule) });
      assert.deepEqual(errors, ['healthcheck']);
      assert.ok(!diags.some((d) => d.rule === 'healthcheck'));
      assert.ok(diags.some((d) => d.rule === 'non-root-user') && diags.some((d) => d.rule === 'base-image'));
    } finally {
      victim.check = original;
    }
  });
});

describe('severities and pragmas', () => {
  const df = 'FROM python:3.12\nCMD ["gunicorn", "a:b"]\n';
  it('configured severities override defaults; off removes the rule', () => {
    const d = lint(df, ctx({ rules: { 'base-image': 'error', 'non-root-user': 'off' } }));
    assert.equal(d.find((x) => x.rule === 'base-image')?.severity, 'error');
    assert.ok(!d.some((x) => x.rule === 'non-root-user'));
  });
  it('uncertain findings never go above info, whatever is configured', () => {
    const d = lint('FROM myco/base:1\nCMD ["gunicorn", "a:b"]\n', ctx({ rules: { 'non-root-user': 'error' } }));
    assert.equal(d.find((x) => x.rule === 'non-root-user')?.severity, 'info');
  });
  it('a pragma naming an unknown rule is reported where the name is', () => {
    const t = '# docksmith ignore=healthcheck,no-such-rule\nFROM python:3.11-slim\n';
    const bad = lint(t, ctx()).find((x) => x.rule === 'invalid-pragma')!;
    assert.equal(t.slice(bad.start, bad.end), 'no-such-rule');
    assert.ok(!lint(t, ctx()).some((x) => x.rule === 'healthcheck'));
  });
});

describe('fixes', () => {
  it('non-overlapping picks the first of conflicting fixes, touching ones included', () => {
    const f = (s: number, e: number, t = 'x') => ({ title: t, safe: true, edits: [{ start: s, end: e, newText: t }] });
    // b overlaps a; c touches a's end; d and e insert at one point (both go, in order); a second 'd' at 5 is a duplicate
    assert.deepEqual(nonOverlapping([f(0, 2, 'a'), f(1, 3, 'b'), f(2, 2, 'c'), f(5, 5, 'd'), f(5, 5, 'e'), f(5, 5, 'd')]).map((x) => x.title), ['a', 'd', 'e']);
    assert.equal(applyEdits('hello', [{ start: 5, end: 5, newText: '!' }, { start: 0, end: 1, newText: 'J' }]), 'Jello!');
  });
  it('fix-all on a file breaking most rules is idempotent and leaves no safe fix behind', () => {
    const t = 'FROM python:3.11\r\nWORKDIR /app\r\nCOPY . .\r\nRUN uv sync\r\nCMD gunicorn main:app -w 9 --bind 127.0.0.1:8000\r\n';
    const c = ctx();
    const once = fixAll(t, c);
    assert.equal(fixAll(once, c), once);
    assert.ok(!lint(once, c).some((d) => d.fix?.safe));
    assert.ok(!/[^\r]\n/.test(once), 'line endings stay CRLF');
    // full → slim is not applied on save here: the image installs dependencies without compilers
    assert.match(once, /^FROM python:3\.11\r\n/);
    assert.match(once, /USER 1000\r\nCMD \["gunicorn", "main:app", "-w", "4", "--bind", "0\.0\.0\.0:8000"/);
  });
});

describe('fix safety', () => {
  it('base-image: safe in the runtime stage and in builders that install their compilers; a quick fix only where a builder may rely on the full image\'s gcc', () => {
    const fixOf = (t: string, line: number) => lint(t, ctx()).find((d) => d.rule === 'base-image' && d.range.start.line === line)?.fix;
    const t = 'FROM python:3.11 AS build\nRUN pip install -r requirements.txt\nFROM python:3.11 AS tools\nRUN apt-get install -y gcc && pip install x\nFROM python:3.11\nCOPY --from=build /a /a\nCOPY --from=tools /b /b\n';
    assert.equal(fixOf(t, 0)?.safe, false);
    assert.equal(fixOf(t, 2)?.safe, true);
    assert.equal(fixOf(t, 4)?.safe, true);
    assert.match(fixAll(t, ctx()), /^FROM python:3\.11 AS build\n[\s\S]*FROM python:3\.11-slim AS tools\n[\s\S]*FROM python:3\.11-slim\n/);
    // a single-stage image that pip-installs without compilers may need the full image's gcc
    assert.equal(fixOf('FROM python:3.11\nRUN pip install -r requirements.txt\n', 0)?.safe, false);
    // alpine → slim changes the libc (apk lines break); latest and major-only tags change the Python version
    for (const from of ['FROM python:3.11-alpine\n', 'FROM python\n', 'FROM python:3\n', 'FROM python:latest\n']) assert.equal(fixOf(from, 0)?.safe, false, from);
    // a change of Python minor is never a fix to apply unseen
    assert.equal(fixOf('FROM python:3.12\n', 0)?.safe, false);
  });
});

describe('use-uv --locked safety', () => {
  it('adds --locked on save only when uv.lock is visibly in the stage', () => {
    const fixOf = (t: string) => lint(t, ctx()).find((d) => d.rule === 'use-uv')?.fix;
    assert.equal(fixOf('FROM python:3.11-slim\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --no-install-project\n')?.safe, true);
    assert.equal(fixOf('FROM python:3.11-slim\nRUN --mount=type=bind,source=uv.lock,target=uv.lock uv sync\n')?.safe, true);
    assert.equal(fixOf('FROM python:3.11-slim\nCOPY pyproject.toml ./\nRUN uv sync --no-install-project\n')?.safe, false);
  });
});

describe('hover', () => {
  const t = [
    '# docksmith ignore=exec-form',
    'FROM python:3.12 AS builder',
    'FROM python:3.11-slim',
    'RUN useradd --uid 1000 app',
    'USER app',
    'ENV GUNICORN_CMD_ARGS="--timeout 60"',
    'HEALTHCHECK CMD curl -f http://localhost:8000/health',
    'CMD ["gunicorn", "main:app", "--workers", "9"]',
  ].join('\n');
  const at = (line: number, word: string) => hoverAt(t, { line, character: t.split('\n')[line].indexOf(word) + 1 }, ctx()) ?? '';
  it('explains a rule name in a pragma', () => assert.match(at(0, 'exec-form'), /rule `exec-form`[\s\S]*exec form/));
  it('explains the stage role and base image on FROM', () => {
    assert.match(at(1, 'FROM'), /builder stage[\s\S]*✗ Base `python:3\.12`/);
    assert.match(at(2, 'FROM'), /runtime stage\*\*: the image that ships \(the last stage\)[\s\S]*✓/);
  });
  it('gives the effective UID on USER', () => assert.match(at(4, 'USER'), /✓ UID 1000 \(user `app`, created with --uid 1000\)/));
  it('says what a HEALTHCHECK checks and that ECS uses the task definition', () => assert.match(at(6, 'HEALTHCHECK'), /http:\/\/localhost:8000\/health[\s\S]*curl[\s\S]*task definition/));
  it('explains a gunicorn flag with the vCPU it was compared with and where it came from', () => {
    assert.match(at(7, '--workers'), /--workers 9[\s\S]*Standard: 4[\s\S]*setting docksmith\.vcpu/);
  });
  it('explains flags inside GUNICORN_CMD_ARGS', () => assert.match(at(5, '--timeout'), /GUNICORN_CMD_ARGS: --timeout 60[\s\S]*Standard: 120/));
  it('summarises the server command on the program word', () => assert.match(at(7, 'gunicorn'), /\| --workers \| 9 \| 4/));
  it('says nothing on lines it has nothing to say about', () => assert.equal(hoverAt('FROM python:3.11-slim\nWORKDIR /app\n', { line: 1, character: 2 }, ctx()), undefined));
});
