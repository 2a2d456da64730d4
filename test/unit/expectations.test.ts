import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ActualFinding,
  formatReport,
  lineDiff,
  matchFindings,
  parseFixture,
  toCrlf,
  toLf,
} from './expectations';

const FIXTURE = [
  '# syntax=docker/dockerfile:1',
  '# facts: {"hasUvLock": true, "dependencies": ["fastapi"]}',
  '# standard: {"vcpu": 4}',
  '# expect: base-image',
  'FROM python:3.12 AS builder',
  'RUN pip install \\',
  '    # a comment inside the continuation',
  '    -r requirements.txt',
  '',
  '# expect: exec-form "shell form" severity=warning',
  '# another comment between annotation and instruction',
  '',
  'CMD gunicorn app:app',
  '',
].join('\n');

const finding = (rule: string, line: number, message = 'msg', extra: Partial<ActualFinding> = {}): ActualFinding => ({
  rule,
  line,
  message,
  severity: 'warning',
  ...extra,
});

describe('parseFixture', () => {
  it('reads headers and resolves annotations to the next instruction line', () => {
    const p = parseFixture(FIXTURE);
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.facts, { hasUvLock: true, dependencies: ['fastapi'] });
    assert.deepEqual(p.standard, { vcpu: 4 });
    assert.deepEqual(
      p.expectations.map((e) => [e.rule, e.line, e.substring, e.severity]),
      [
        ['base-image', 4, undefined, undefined],
        ['exec-form', 12, 'shell form', 'warning'],
      ],
    );
  });

  it('gives the same result for CRLF text', () => {
    assert.deepEqual(parseFixture(toCrlf(FIXTURE)), parseFixture(FIXTURE));
  });

  it('parses fix=none, fix="title" and expect-line', () => {
    const p = parseFixture([
      '# expect-line: invalid-pragma',
      '# docksmith ignore=nope',
      '# expect: deps-before-source fix=none',
      '# expect: use-uv fix="Install with uv"',
      'COPY . .',
    ].join('\n'));
    assert.deepEqual(p.errors, []);
    assert.deepEqual(
      p.expectations.map((e) => [e.rule, e.line, e.fix]),
      [
        ['invalid-pragma', 1, undefined],
        ['deps-before-source', 4, null],
        ['use-uv', 4, 'Install with uv'],
      ],
    );
  });

  it('reports malformed annotations and headers', () => {
    const p = parseFixture([
      '# facts: {not json}',
      '# expect:',
      '# expect: healthcheck bogus=1',
      'FROM python:3.11-slim',
      '# standard: {"vcpu": 2}',
      '# expect: healthcheck',
    ].join('\n'));
    assert.equal(p.errors.length, 5, p.errors.join('\n'));
  });

  it('does not treat ordinary comments as annotations', () => {
    const p = parseFixture('# expected to be fine\n# expectations: none\nFROM python:3.11-slim\n');
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.expectations, []);
  });
});

describe('matchFindings', () => {
  const exps = parseFixture(FIXTURE).expectations;

  it('accepts exactly the annotated findings', () => {
    const r = matchFindings(exps, [finding('base-image', 4), finding('exec-form', 12, 'CMD in shell form')]);
    assert.equal(r.ok, true);
    assert.equal(r.matched.length, 2);
  });

  it('detects a missing finding', () => {
    const r = matchFindings(exps, [finding('exec-form', 12, 'CMD in shell form')]);
    assert.equal(r.ok, false);
    assert.deepEqual(r.missing.map((e) => e.rule), ['base-image']);
    assert.deepEqual(r.unexpected, []);
  });

  it('detects an extra finding', () => {
    const r = matchFindings(exps, [
      finding('base-image', 4),
      finding('base-image', 4),
      finding('exec-form', 12, 'CMD in shell form'),
    ]);
    assert.equal(r.ok, false);
    assert.equal(r.unexpected.length, 1);
  });

  it('detects a finding on the wrong line', () => {
    const r = matchFindings(exps, [finding('base-image', 5), finding('exec-form', 12, 'CMD in shell form')]);
    assert.equal(r.ok, false);
    assert.equal(r.missing.length, 1);
    assert.equal(r.unexpected.length, 1);
  });

  it('checks message substring, severity and fix', () => {
    assert.equal(matchFindings(exps, [finding('base-image', 4), finding('exec-form', 12, 'other')]).ok, false);
    assert.equal(
      matchFindings(exps, [finding('base-image', 4), finding('exec-form', 12, 'shell form', { severity: 'error' })]).ok,
      false,
    );
    const fixExps = parseFixture('# expect: a fix=none\n# expect: b fix="Add"\nRUN x\n').expectations;
    assert.equal(matchFindings(fixExps, [finding('a', 2), finding('b', 2, 'm', { fixTitle: 'Add USER 1000' })]).ok, true);
    assert.equal(matchFindings(fixExps, [finding('a', 2, 'm', { fixTitle: 'X' }), finding('b', 2, 'm', { fixTitle: 'Add' })]).ok, false);
    assert.equal(matchFindings(fixExps, [finding('a', 2), finding('b', 2)]).ok, false);
  });

  it('finds the one-to-one assignment whatever the annotation order', () => {
    const loose = parseFixture('# expect: r\n# expect: r "timeout"\n# expect: r "graceful"\nCMD x\n').expectations;
    const r = matchFindings(loose, [
      finding('r', 3, 'graceful timeout'),
      finding('r', 3, 'the timeout'),
      finding('r', 3, 'something else'),
    ]);
    assert.equal(r.ok, true);
  });
});

describe('formatReport', () => {
  it('interleaves expected and actual findings with the fixture lines', () => {
    const r = matchFindings(parseFixture(FIXTURE).expectations, [
      finding('exec-form', 12, 'CMD in shell form'),
      finding('exec-form', 12, 'surplus'),
      finding('base-image', 40, 'far away'),
    ]);
    const report = formatReport(FIXTURE, r, 'rules/x/y.Dockerfile');
    const lines = report.split('\n');
    const fromIdx = lines.findIndex((l) => l.includes('| FROM python:3.12 AS builder'));
    assert.match(lines[fromIdx + 1], /MISSING\s+base-image/);
    const cmdIdx = lines.findIndex((l) => l.includes('| CMD gunicorn app:app'));
    assert.match(lines[cmdIdx + 1], /ok\s+exec-form/);
    assert.match(lines[cmdIdx + 2], /UNEXPECTED\s+exec-form .*"surplus"/);
    assert.match(report, /UNEXPECTED\s+base-image .*outside the file/);
    assert.match(report, /^rules\/x\/y\.Dockerfile/);
  });
});

describe('helpers', () => {
  it('converts line endings both ways', () => {
    assert.equal(toCrlf('a\nb\r\nc\n'), 'a\r\nb\r\nc\r\n');
    assert.equal(toLf('a\r\nb\r\n'), 'a\nb\n');
  });

  it('diffs goldens line by line', () => {
    const d = lineDiff('a\nb\nc\n', 'a\nX\nc\n');
    assert.match(d, /^- b$/m);
    assert.match(d, /^\+ X$/m);
    assert.match(d, /^ {2}a$/m);
    assert.match(lineDiff('a\r\n', 'a\n'), /␍/);
  });
});
