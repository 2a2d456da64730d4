// Rules whose verdict depends on the project around the Dockerfile: requires-python against the
// base image, the stage that ships (target), and the declared kind of app (framework).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixAll, lint, makeStandard } from '../../server/src/service/index';
import { readPyproject, readSettings } from '../../server/src/service/config';
import { RULE_NAMES } from '../../server/src/service/rules';
import { LintContext } from '../../server/src/service/types';
import { hoverAt } from '../../server/src/service/hover';
import { parseTaskDefinition } from '../../server/src/service/project/taskdef';

const ctx = (layers: Parameters<typeof makeStandard>[0] = {}, facts = {}): LintContext => ({ standard: makeStandard(layers), facts });

describe('requires-python against the base image', () => {
  it('an image Python that requires-python excludes is an error, with a fix to the project\'s minor', () => {
    const c = ctx({ requiresPython: '>=3.12' });
    const d = lint('FROM python:3.11-slim\n', c).find((x) => x.rule === 'base-image')!;
    assert.equal(d.severity, 'error');
    assert.match(d.message, /requires-python ">=3\.12" excludes it/);
    assert.equal(d.fix?.title, 'Use Python 3.12 (python:3.12-slim)');
    assert.equal(fixAll('FROM python:3.11-slim\n', c, { safeOnly: false, only: ['base-image'] }), 'FROM python:3.12-slim\n');
  });
  it('a minor requires-python allows but that is not the project\'s is a warning', () => {
    const d = lint('FROM python:3.12-slim\n', ctx({ requiresPython: '>=3.10' })).find((x) => x.rule === 'base-image')!;
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /the project's Python is 3\.11/);
  });
  it('an upper bound with a pre-release marker is read correctly (>=3.12,<3.13.0a1 is 3.12)', () => {
    const s = makeStandard({ requiresPython: '>=3.12,<3.13.0a1' });
    assert.equal(s.python.value, '3.12');
    assert.deepEqual(s.pythonAllowed?.minors, ['3.12']);
    assert.equal(lint('FROM python:3.12-slim-bookworm\n', { standard: s, facts: {} }).filter((x) => x.rule === 'base-image').length, 0);
  });
  it('[tool.docksmith] python wins over requires-python', () => {
    const d = lint('FROM python:3.12-slim\n', ctx({ pyproject: { python: '3.13' }, requiresPython: '>=3.12' })).find((x) => x.rule === 'base-image')!;
    assert.match(d.message, /the project's Python is 3\.13/);
  });
});

describe('target: the stage that ships', () => {
  const doc = 'FROM python:3.11-slim AS runtime\nUSER 1000\nCMD ["gunicorn", "m:app"]\nFROM runtime AS test\nUSER root\nCMD ["pytest"]\n';
  it('without a target the last stage is judged, whatever its name', () => {
    const rules = lint(doc, ctx()).map((d) => d.rule);
    assert.ok(rules.includes('non-root-user'));
    assert.ok(rules.includes('gunicorn-server'), 'the test runner that ships is reported');
  });
  it('a target from [tool.docksmith] or the setting selects the stage', () => {
    for (const layers of [{ pyproject: { target: 'runtime' } }, { settings: { target: 'runtime' } }]) {
      const rules = lint(doc, ctx(layers)).map((d) => d.rule);
      assert.ok(!rules.includes('non-root-user') && !rules.includes('gunicorn-server'), JSON.stringify(rules));
    }
  });
  it('a target that names no stage is an information note, and the last stage is judged', () => {
    const d = lint(doc, ctx({ settings: { target: 'prod' } }));
    const note = d.find((x) => x.rule === 'invalid-config')!;
    assert.equal(note.severity, 'info');
    assert.match(note.message, /target "prod" \(setting docksmith\.target\) names no stage of this Dockerfile \(its stages: runtime, test\)/);
    assert.ok(d.some((x) => x.rule === 'non-root-user'));
  });
  it('target and framework are read and validated from pyproject.toml and settings', () => {
    const p = readPyproject('[tool.docksmith]\ntarget = "Runtime"\nframework = "wsgi"\n', RULE_NAMES);
    assert.deepEqual([p.input.target, p.input.framework, p.problems.length], ['runtime', 'wsgi', 0]);
    const bad = readPyproject('[tool.docksmith]\ntarget = 3\nframework = "rsgi"\n', RULE_NAMES);
    assert.equal(bad.problems.length, 2);
    assert.match(bad.problems[1].message, /framework = "rsgi" is invalid/);
    const s = readSettings({ target: 'x y', framework: 'auto', syntax: 'sometimes' }, RULE_NAMES);
    assert.equal(s.input.target, undefined);
    assert.equal(s.input.framework, undefined);
    assert.equal(s.problems.length, 2);
  });
});

describe('framework: the kind of app gunicorn serves', () => {
  const cmd = 'FROM python:3.11-slim\nUSER 1000\nCMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]\n';
  it('declared WSGI in pyproject.toml silences worker-class even for a FastAPI dependency', () => {
    assert.ok(!lint(cmd, ctx({ pyproject: { framework: 'wsgi' } }, { dependencies: ['fastapi'] })).some((d) => d.rule === 'worker-class'));
  });
  it('Flask or Django in the dependencies: sync workers are right', () => {
    assert.ok(!lint(cmd, ctx({}, { dependencies: ['django'] })).some((d) => d.rule === 'worker-class'));
  });
  it('no evidence: the standard\'s FastAPI assumption, a warning whose fix is for review', () => {
    const d = lint(cmd, ctx()).find((x) => x.rule === 'worker-class')!;
    assert.equal(d.severity, 'warning');
    assert.equal(d.fix?.safe, false);
    assert.match(d.message, /framework = "wsgi"/);
  });
  it('a FastAPI dependency: the worker-class fix is safe', () => {
    assert.equal(lint(cmd, ctx({}, { dependencies: ['fastapi'] })).find((x) => x.rule === 'worker-class')?.fix?.safe, true);
  });
});

describe('hovers say what the task definition says', () => {
  it('USER, HEALTHCHECK and CMD mention the task definition that overrides them', () => {
    const def = parseTaskDefinition(JSON.stringify({ containerDefinitions: [{ name: 'api', image: 'api:1', user: 'root', portMappings: [{ containerPort: 8000 }] }] }))!;
    const c: LintContext = { standard: makeStandard(), facts: { taskDefinition: { path: '/w/ecs/task-definition.json', label: 'ecs/task-definition.json', def } } };
    const doc = 'FROM python:3.11-slim\nUSER 1000\nHEALTHCHECK CMD ["python", "-c", "print(1)"]\nCMD ["gunicorn", "app:app"]\n';
    assert.match(hoverAt(doc, { line: 1, character: 1 }, c) ?? '', /ecs\/task-definition\.json \(container "api"\) sets `"user": "root"`, which overrides this USER/);
    assert.match(hoverAt(doc, { line: 2, character: 1 }, c) ?? '', /has no healthCheck: ECS will not run this one/);
    assert.match(hoverAt(doc, { line: 3, character: 1 }, c) ?? '', /no stopTimeout \(ECS waits 30 s\), containerPort 8000/);
    assert.ok(!/\/w\//.test(hoverAt(doc, { line: 1, character: 1 }, c) ?? ''), 'no absolute path');
  });
});
