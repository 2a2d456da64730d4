import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readPyproject, readSettings, taskDefinitionVcpu, normalizeName } from '../../server/src/service/config';
import { makeStandard, pythonForRequires, pythonForRequiresDetailed } from '../../server/src/service/standard';
import { RULE_NAMES } from '../../server/src/service/rules';

describe('readPyproject', () => {
  it('reads [tool.docksmith], dependencies of every kind and requires-python', () => {
    const info = readPyproject([
      '[project]', 'name = "x"', 'requires-python = ">=3.12"',
      'dependencies = ["FastAPI>=0.1", "uvicorn[standard]"]',
      '[project.optional-dependencies]', 'db = ["psycopg2"]',
      '[dependency-groups]', 'dev = ["pytest"]',
      '[tool.docksmith]', 'vcpu = 4', 'uid = 1001', 'port = 8080', 'health-path = "/healthz"', 'python = "3.12"',
      'rules = { "use-uv" = "off", healthcheck = "error" }',
    ].join('\n'), RULE_NAMES);
    assert.deepEqual(info.problems, []);
    assert.deepEqual(info.input, { vcpu: 4, uid: 1001, port: 8080, healthPath: '/healthz', python: '3.12', rules: { 'use-uv': 'off', healthcheck: 'error' } });
    assert.deepEqual(info.dependencies.sort(), ['fastapi', 'psycopg2', 'pytest', 'uvicorn']);
    assert.equal(info.requiresPython, '>=3.12');
  });

  it('reports malformed TOML with line and column, and keeps nothing', () => {
    const info = readPyproject('[project]\nname = "x"\n[tool.docksmith]\nvcpu = = 4\n', RULE_NAMES);
    assert.equal(info.malformed, true);
    assert.equal(info.problems.length, 1);
    assert.equal(info.problems[0].line, 3);
    assert.match(info.problems[0].message, /line 4, column 8/);
    assert.deepEqual(info.input, {});
  });

  it('names the key and its line for bad values and keeps the valid ones', () => {
    const text = '[tool.docksmith]\nvcpu = "four"\nuid = -1\nport = 8080\nrules = { "no-such-rule" = "off", "use-uv" = "loud", healthcheck = "info" }\nbogus = 1\n';
    const info = readPyproject(text, RULE_NAMES);
    assert.deepEqual(info.input, { vcpu: undefined, uid: undefined, port: 8080, rules: { healthcheck: 'info' } });
    const byKey = Object.fromEntries(info.problems.map((p) => [p.key, p]));
    assert.equal(byKey.vcpu.line, 1);
    assert.match(byKey.vcpu.message, /vcpu = "four" is invalid/);
    assert.equal(byKey.uid.line, 2);
    assert.match(byKey['no-such-rule'].message, /unknown rule "no-such-rule"/);
    assert.match(byKey['use-uv'].message, /"use-uv" = "loud" is invalid/);
    assert.match(byKey.bogus.message, /unknown key "bogus"/);
  });

  it('reads Poetry dependencies when there is no [project]', () => {
    const info = readPyproject('[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "^0.110"\n', RULE_NAMES);
    assert.ok(info.dependencies.includes('fastapi'));
  });
});

describe('readSettings', () => {
  it('validates editor settings and reports what it drops', () => {
    const r = readSettings({ vcpu: 2, uid: 0, port: 70000, healthPath: 'health', python: '3.12', rules: { healthcheck: 'off', nope: 'off' }, enable: false }, RULE_NAMES);
    assert.deepEqual(r.input, { vcpu: 2, python: '3.12', rules: { healthcheck: 'off' } });
    assert.equal(r.enable, false);
    assert.equal(r.problems.length, 4);
  });
  it('treats null and missing values as unset', () => {
    assert.deepEqual(readSettings({ vcpu: null }, RULE_NAMES), { input: {}, enable: true, problems: [] });
    assert.deepEqual(readSettings(undefined, RULE_NAMES).input, {});
  });
});

describe('makeStandard', () => {
  it('prefers [tool.docksmith] over settings over defaults, per key and per rule, and says where values came from', () => {
    const s = makeStandard({
      pyproject: { port: 9000, rules: { healthcheck: 'error' } }, pyprojectLabel: '[tool.docksmith] in /p/pyproject.toml',
      settings: { port: 1, uid: 1234, vcpu: 8, rules: { healthcheck: 'off', 'use-uv': 'info' } },
    });
    assert.deepEqual(s.port, { value: 9000, source: '[tool.docksmith] in /p/pyproject.toml' });
    assert.deepEqual(s.uid, { value: 1234, source: 'setting docksmith.uid' });
    assert.deepEqual(s.vcpu, { value: 8, source: 'setting docksmith.vcpu' });
    assert.deepEqual(s.rules, { healthcheck: 'error', 'use-uv': 'info' });
    assert.equal(s.healthPath.value, '/health');
  });
  it('takes the vCPU from a task definition only when nothing sets it', () => {
    const td = { value: 2, source: 'ECS task definition ecs/taskdef.json' };
    assert.deepEqual(makeStandard({ taskDefinitionVcpu: td }).vcpu, td);
    assert.equal(makeStandard({ taskDefinitionVcpu: td, settings: { vcpu: 4 } }).vcpu?.value, 4);
    assert.equal(makeStandard().vcpu, undefined);
  });
  it('raises the Python minor when requires-python excludes 3.11', () => {
    assert.equal(makeStandard({ requiresPython: '>=3.12' }).python.value, '3.12');
    assert.equal(makeStandard({ requiresPython: '>=3.10' }).python.value, '3.11');
    assert.equal(makeStandard({ requiresPython: '>=3.12', pyproject: { python: '3.13' } }).python.value, '3.13');
  });
});

describe('pythonForRequires', () => {
  const cases: [string, string | undefined][] = [
    ['>=3.11', '3.11'], ['>=3.12', '3.12'], ['>=3.9,<3.11', '3.9'], ['~=3.12', '3.12'], ['==3.13.*', '3.13'],
    ['>3.11', '3.11'], ['>=3.11.4,<4', '3.11'], ['<3.11', '3.9'], ['!=3.11.*,>=3.10', '3.10'], ['banana', undefined],
    // one patch release pinned (seen in a large Django monorepo), or a window between two patches
    ['==3.13.13', '3.13'], ['>3.12.4,<3.12.6', '3.12'], ['==3.12.7,!=3.12.7', undefined],
  ];
  for (const [spec, want] of cases) it(`${spec} → ${want}`, () => assert.equal(pythonForRequires(spec), want));
  it('says so when the range excludes every supported minor', () => {
    const r = pythonForRequiresDetailed('>=4');
    assert.ok(r && typeof r === 'object' && /excludes every supported Python/.test(r.error));
  });
});

describe('taskDefinitionVcpu', () => {
  it('reads task-level cpu in units and as "N vCPU"', () => {
    assert.equal(taskDefinitionVcpu(JSON.stringify({ family: 'x', cpu: '2048', containerDefinitions: [] })), 2);
    assert.equal(taskDefinitionVcpu(JSON.stringify({ cpu: '1 vCPU', containerDefinitions: [] })), 1);
    assert.equal(taskDefinitionVcpu(JSON.stringify({ taskDefinition: { cpu: 512, containerDefinitions: [] } })), 0.5);
  });
  it('ignores JSON that is not a task definition', () => {
    assert.equal(taskDefinitionVcpu('{"cpu": "1024"}'), undefined);
    assert.equal(taskDefinitionVcpu('not json'), undefined);
  });
});

it('normalizeName follows PEP 503', () => {
  assert.equal(normalizeName('Flask_SQLAlchemy[async]>=3'), 'flask-sqlalchemy');
  assert.equal(normalizeName('zope.interface'), 'zope-interface');
});
