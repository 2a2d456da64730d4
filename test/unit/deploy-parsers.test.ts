// The parsers of deployment files around a Dockerfile: the ECS task definition (JSON) and
// gunicorn.conf.py (Python read as text). Exact positions, bad input, junk, size.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTaskDefinition, MAX_JSON_DEPTH } from '../../server/src/service/project/taskdef';
import { parseGunicornConfig } from '../../server/src/service/project/gunicorn-conf';
import { Positions } from '../../server/src/service/project/positions';
import { taskDefinitionVcpu } from '../../server/src/service/config';
import type { GunicornSetting, Span } from '../../server/src/service/project/types';
import { rng } from '../fuzz/fuzz';

// ---------------------------------------------------------------------------------------------
// Helpers (independent of the code under test: a naive line split)

const S = (l1: number, c1: number, l2: number, c2: number): Span => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

/** The span of the nth occurrence of `needle` in `text`, counted naively. */
function find(text: string, needle: string, nth = 0): Span {
  let at = -1;
  for (let k = 0; k <= nth; k++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `${JSON.stringify(needle)} #${nth} not in the text`);
  }
  const pos = (o: number) => {
    const before = text.slice(0, o).split(/\r\n|\r|\n/);
    return { line: before.length - 1, character: before[before.length - 1].length };
  };
  return { start: pos(at), end: pos(at + needle.length) };
}

/** Every span in a result lies inside the text (and starts before it ends). */
function assertSpansInside(text: string, result: unknown): void {
  const lines = text.split(/\r\n|\r|\n/);
  const inside = (p: { line: number; character: number }) =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Map) { for (const x of v.values()) walk(x); return; }
    const o = v as Record<string, unknown>;
    if (o.start && o.end && typeof o.start === 'object' && 'line' in (o.start as object)) {
      const s = o.start as { line: number; character: number };
      const e = o.end as { line: number; character: number };
      assert.ok(inside(s) && inside(e), `span ${JSON.stringify(o)} outside the text`);
      assert.ok(s.line < e.line || (s.line === e.line && s.character <= e.character), `span ${JSON.stringify(o)} ends before it starts`);
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(o)) walk(x);
  };
  walk(result);
}

const PIECES = ['"', "'", '"""', "'''", '(', ')', '[', ']', '{', '}', ',', ':', ';', '=', '\\', '\n', '\r\n', '\r', '#', ' ', '    ', '\t', '0', '9', '-', '.', 'e', 'f', 'r', 'b', 'if ', 'def ', 'try:', '\u00e9', '\ud83d\ude80', 'true', 'null', 'cpu_count()', '//', '/*', '*/', '\\u00', '\uFEFF'];

function mutate(text: string, rand: () => number): string {
  let t = text;
  const steps = 1 + Math.floor(rand() * 4);
  for (let s = 0; s < steps; s++) {
    const at = Math.floor(rand() * (t.length + 1));
    const op = Math.floor(rand() * 5);
    if (op === 0) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rand() * 8));
    else if (op === 1) t = t.slice(0, at) + PIECES[Math.floor(rand() * PIECES.length)] + t.slice(at);
    else if (op === 2) t = t.slice(0, at);
    else if (op === 3) { const from = Math.floor(rand() * t.length); t = t.slice(0, at) + t.slice(from, from + Math.floor(rand() * 40)) + t.slice(at); }
    else t = t.slice(0, at) + String.fromCharCode(Math.floor(rand() * 0x3000)) + t.slice(at + 1);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Positions

describe('Positions', () => {
  it('counts \\n, \\r\\n and a lone \\r as line breaks, characters in UTF-16 units', () => {
    const p = new Positions('ab\ncd\r\nef\rg\ud83d\ude80h');
    assert.deepEqual(p.pos(0), { line: 0, character: 0 });
    assert.deepEqual(p.pos(3), { line: 1, character: 0 });
    assert.deepEqual(p.pos(5), { line: 1, character: 2 });
    assert.deepEqual(p.pos(6), { line: 1, character: 2 }, 'between \\r and \\n: the \\r');
    assert.deepEqual(p.pos(7), { line: 2, character: 0 });
    assert.deepEqual(p.pos(10), { line: 3, character: 0 });
    assert.deepEqual(p.pos(14), { line: 3, character: 4 });
    assert.deepEqual(p.pos(99), { line: 3, character: 4 }, 'clamped to the end');
    assert.deepEqual(p.pos(-5), { line: 0, character: 0 });
    assert.deepEqual(p.span(4, 1), S(1, 1, 1, 1));
  });
});

// ---------------------------------------------------------------------------------------------
// ECS task definition

const TASK = `{
  "family": "orders-api",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "1024",
  "memory": "2048",
  "executionRoleArn": "arn:aws:iam::111122223333:role/orders-execution",
  "containerDefinitions": [
    {
      "name": "api",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders-api:1.4.2",
      "essential": true,
      "user": "1000",
      "stopTimeout": 30,
      "entryPoint": ["/app/.venv/bin/gunicorn"],
      "command": ["-c", "gunicorn.conf.py", "orders_api.main:app"],
      "portMappings": [{ "containerPort": 8000, "protocol": "tcp" }],
      "environment": [
        { "name": "WORKERS", "value": "1" },
        { "name": "LOG_LEVEL", "value": "info" }
      ],
      "secrets": [{ "name": "DB_URL", "valueFrom": "arn:aws:ssm:eu-west-1:111122223333:parameter/orders/db" }],
      "healthCheck": {
        "command": ["CMD-SHELL", "curl -fsS http://localhost:8000/health || exit 1"],
        "interval": 30,
        "timeout": 5,
        "retries": 3,
        "startPeriod": 10
      },
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": { "awslogs-group": "/ecs/orders-api", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "api" }
      }
    },
    {
      "name": "log-router",
      "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
      "essential": false
    }
  ]
}
`;

describe('parseTaskDefinition', () => {
  it('reads a register-task-definition file with the span of every value', () => {
    const td = parseTaskDefinition(TASK)!;
    assert.ok(td);
    assert.deepEqual(td.problems, []);
    assert.equal(td.malformed, undefined);
    assert.deepEqual(td.cpu, { value: 1, span: S(4, 9, 4, 15) });
    assert.deepEqual(td.keys?.get('cpu'), S(4, 2, 4, 7));
    assert.deepEqual(td.family, { value: 'orders-api', span: S(1, 12, 1, 24) });
    assert.deepEqual(td.span, S(0, 0, 40, 1));
    assert.equal(td.containers.length, 2);

    const [api, router] = td.containers;
    assert.deepEqual(api.span, S(8, 4, 33, 5));
    assert.deepEqual(api.keySpan, S(8, 4, 8, 5), 'the { that opens the container');
    assert.deepEqual(api.name, { value: 'api', span: S(9, 14, 9, 19) });
    assert.deepEqual(api.keys?.get('name'), S(9, 6, 9, 12));
    assert.deepEqual(api.image?.value, '111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders-api:1.4.2');
    assert.deepEqual(api.essential, { value: true, span: S(11, 19, 11, 23) });
    assert.deepEqual(api.user, { value: '1000', span: S(12, 14, 12, 20) });
    assert.deepEqual(api.keys?.get('user'), S(12, 6, 12, 12));
    assert.deepEqual(api.stopTimeout, { value: 30, span: S(13, 21, 13, 23) });
    assert.deepEqual(api.keys?.get('stopTimeout'), S(13, 6, 13, 19));
    assert.deepEqual(api.entryPoint, { value: ['/app/.venv/bin/gunicorn'], span: S(14, 20, 14, 47) });
    assert.deepEqual(api.command, { value: ['-c', 'gunicorn.conf.py', 'orders_api.main:app'], span: find(TASK, '["-c", "gunicorn.conf.py", "orders_api.main:app"]') });
    assert.deepEqual(api.portMappings, [{ containerPort: { value: 8000, span: S(16, 42, 16, 46) }, span: S(16, 23, 16, 67) }]);
    assert.deepEqual([...api.environment], [
      ['WORKERS', { value: '1', span: S(18, 38, 18, 41) }],
      ['LOG_LEVEL', { value: 'info', span: find(TASK, '"info"') }],
    ]);
    assert.deepEqual(api.secrets?.get('DB_URL'), { value: 'arn:aws:ssm:eu-west-1:111122223333:parameter/orders/db', span: find(TASK, '"arn:aws:ssm:eu-west-1:111122223333:parameter/orders/db"') });
    const hc = api.healthCheck!;
    assert.deepEqual(hc.span, S(22, 21, 28, 7));
    assert.deepEqual(hc.command, { value: ['CMD-SHELL', 'curl -fsS http://localhost:8000/health || exit 1'], span: S(23, 19, 23, 84) });
    assert.deepEqual(hc.interval, { value: 30, span: S(24, 20, 24, 22) });
    assert.deepEqual(hc.timeout, { value: 5, span: S(25, 19, 25, 20) });
    assert.deepEqual(hc.retries, { value: 3, span: S(26, 19, 26, 20) });
    assert.deepEqual(hc.startPeriod, { value: 10, span: S(27, 23, 27, 25) });
    assert.deepEqual(hc.keys?.get('startPeriod'), S(27, 8, 27, 21));
    assert.ok(api.keys?.has('logConfiguration'), 'keys not modelled are still located');

    assert.equal(router.name?.value, 'log-router');
    assert.deepEqual(router.essential, { value: false, span: S(37, 19, 37, 24) });
    assert.equal(router.healthCheck, undefined);
    assert.deepEqual(router.portMappings, []);
    assert.equal(router.environment.size, 0);
  });

  it('reads describe-task-definition output (under taskDefinition) and cpu as a number of units', () => {
    const text = '{\n  "taskDefinition": {\n    "cpu": 512,\n    "containerDefinitions": [{ "name": "web", "user": "app" }]\n  },\n  "tags": []\n}';
    const td = parseTaskDefinition(text)!;
    assert.deepEqual(td.cpu, { value: 0.5, span: S(2, 11, 2, 14) });
    assert.deepEqual(td.span, S(1, 20, 4, 3));
    assert.deepEqual(td.containers[0].user, { value: 'app', span: S(3, 54, 3, 59) });
    assert.deepEqual(td.problems, []);
  });

  it('reads cpu as units, a numeric string or "N vCPU"; anything else is a problem at the value', () => {
    const cpu = (v: unknown) => parseTaskDefinition(JSON.stringify({ cpu: v, containerDefinitions: [] }))!;
    assert.equal(cpu(1024).cpu?.value, 1);
    assert.equal(cpu(256).cpu?.value, 0.25);
    assert.equal(cpu('4096').cpu?.value, 4);
    assert.equal(cpu(' 2048 ').cpu?.value, 2);
    assert.equal(cpu('1 vCPU').cpu?.value, 1);
    assert.equal(cpu('0.5 vcpu').cpu?.value, 0.5);
    assert.equal(cpu('2vCPU').cpu?.value, 2);
    assert.equal(cpu(null).cpu, undefined);
    assert.deepEqual(cpu(null).problems, []);
    for (const bad of ['fast', '1.5', '', '-1024', 0, -512, true, [1024], { units: 1024 }]) {
      const td = cpu(bad);
      assert.equal(td.cpu, undefined, JSON.stringify(bad));
      assert.equal(td.problems.length, 1, JSON.stringify(bad));
      assert.match(td.problems[0].message, /^cpu must be CPU units/);
    }
    const text = '{\n  "cpu": "fast",\n  "containerDefinitions": []\n}';
    const td = parseTaskDefinition(text)!;
    assert.deepEqual(td.problems, [{ message: 'cpu must be CPU units ("1024") or vCPU ("1 vCPU"), not the string "fast".', span: S(1, 9, 1, 15) }]);
  });

  it('is undefined for valid JSON that is not a task definition', () => {
    for (const text of ['{}', '{"cpu": "1024"}', '[1, 2]', '"text"', '42', 'null', '{"containerDefinitions": {}}', '{"taskDefinition": {"cpu": "1024"}}', '{"taskDefinition": {"containerDefinitions": "x"}}']) {
      assert.equal(parseTaskDefinition(text), undefined, text);
    }
    assert.ok(parseTaskDefinition('{"containerDefinitions": []}'));
  });

  it('reports invalid JSON once, at the first error, in words, and keeps what it could read', () => {
    const cases: [string, string, Span][] = [
      ['{\n  "cpu": "1024",\n  "containerDefinitions": [],\n}', 'Invalid JSON: a trailing comma is not allowed in JSON.', S(2, 28, 2, 29)],
      ['{\n  "cpu": "1024"\n  "containerDefinitions": []\n}', 'Invalid JSON: expected a comma.', S(2, 2, 2, 24)],
      ['{\n  // the API task\n  "containerDefinitions": []\n}', 'Invalid JSON: comments are not allowed in JSON.', S(1, 2, 1, 17)],
      ['{"containerDefinitions": [', "Invalid JSON: expected ']' to close the array (the file ends here).", S(0, 26, 0, 26)],
      ['{"cpu" "1024"}', "Invalid JSON: expected ':' after the property name.", S(0, 7, 0, 13)],
      ['not json', 'Invalid JSON: unexpected "not".', S(0, 0, 0, 3)],
      ['', 'Invalid JSON: the file is empty.', S(0, 0, 0, 0)],
      ['{"a": "x\ny"}', 'Invalid JSON: unterminated string.', S(0, 6, 0, 8)],
      ['{"cpu": 1024} {}', 'Invalid JSON: unexpected text after the end of the JSON value.', S(0, 14, 0, 15)],
    ];
    for (const [text, message, span] of cases) {
      const td = parseTaskDefinition(text);
      assert.ok(td, text);
      assert.equal(td.malformed, true, text);
      assert.deepEqual(td.problems, [{ message, span }], text);
    }
    // A truncated file: the containers before the cut are read, and only the syntax is reported.
    const cut = TASK.slice(0, TASK.indexOf('"log-router"') + 5);
    const td = parseTaskDefinition(cut)!;
    assert.equal(td.malformed, true);
    assert.equal(td.problems.length, 1);
    assert.equal(td.cpu?.value, 1);
    assert.equal(td.containers[0].name?.value, 'api');
    assert.deepEqual(td.containers[0].stopTimeout, { value: 30, span: S(13, 21, 13, 23) });
    assert.equal(taskDefinitionVcpu(cut), undefined, 'taskDefinitionVcpu reads only valid JSON');
  });

  it('reports a container without a name at its opening brace', () => {
    const text = '{"containerDefinitions": [\n  {"image": "x"},\n  {"name": null},\n  "web",\n  {"name": 5}\n]}';
    const td = parseTaskDefinition(text)!;
    assert.equal(td.containers.length, 3);
    assert.deepEqual(td.problems, [
      { message: 'containerDefinitions[0] has no "name".', span: S(1, 2, 1, 3) },
      { message: 'containerDefinitions[1] has no "name".', span: S(2, 2, 2, 3) },
      { message: 'containerDefinitions[2] must be an object, not the string "web".', span: S(3, 2, 3, 7) },
      { message: 'containerDefinitions[3].name must be a string, not the number 5.', span: S(4, 11, 4, 12) },
    ]);
  });

  it('reports values of the wrong type at the value and leaves the field out', () => {
    const text = [
      '{"containerDefinitions": [{',
      '  "name": "api",',
      '  "stopTimeout": "30",',
      '  "essential": "true",',
      '  "user": 1000,',
      '  "entryPoint": ["gunicorn", 1],',
      '  "command": "gunicorn app:app",',
      '  "healthCheck": {"command": "curl -f localhost", "interval": 1.5, "retries": 3},',
      '  "portMappings": [{"containerPort": "8000"}, {"containerPort": 9000}, 80],',
      '  "environment": [{"name": "WORKERS", "value": 2}, {"name": "A", "value": "b"}]',
      '}]}',
    ].join('\n');
    const td = parseTaskDefinition(text)!;
    const c = td.containers[0];
    assert.equal(c.stopTimeout, undefined);
    assert.equal(c.essential, undefined);
    assert.equal(c.user, undefined);
    assert.equal(c.entryPoint, undefined);
    assert.equal(c.command, undefined);
    assert.equal(c.healthCheck?.command, undefined);
    assert.equal(c.healthCheck?.interval, undefined);
    assert.equal(c.healthCheck?.retries?.value, 3);
    assert.deepEqual(c.portMappings.map((p) => p.containerPort.value), [9000]);
    assert.deepEqual([...c.environment.keys()], ['A']);
    assert.deepEqual(td.problems, [
      { message: 'containerDefinitions[0].stopTimeout must be a whole number of seconds, not the string "30".', span: S(2, 17, 2, 21) },
      { message: 'containerDefinitions[0].essential must be true or false, not the string "true".', span: S(3, 15, 3, 21) },
      { message: 'containerDefinitions[0].user must be a string, not the number 1000.', span: S(4, 10, 4, 14) },
      { message: 'containerDefinitions[0].entryPoint[1] must be a string, not the number 1.', span: S(5, 29, 5, 30) },
      { message: 'containerDefinitions[0].command must be an array, not the string "gunicorn app:app".', span: S(6, 13, 6, 31) },
      { message: 'containerDefinitions[0].healthCheck.command must be an array, not the string "curl -f localhost".', span: S(7, 29, 7, 48) },
      { message: 'containerDefinitions[0].healthCheck.interval must be a whole number of seconds, not the number 1.5.', span: S(7, 62, 7, 65) },
      { message: 'containerDefinitions[0].portMappings[0].containerPort must be a port number, not the string "8000".', span: S(8, 37, 8, 43) },
      { message: 'containerDefinitions[0].portMappings[2] must be an object, not the number 80.', span: S(8, 71, 8, 73) },
      { message: 'containerDefinitions[0].environment[0].value must be a string, not the number 2.', span: S(9, 47, 9, 48) },
    ]);
  });

  it('takes the last of a key written twice, as JSON.parse does', () => {
    const td = parseTaskDefinition('{"cpu": "256", "containerDefinitions": [{"name": "a", "user": "root", "user": "1000"}], "cpu": "2048"}')!;
    assert.equal(td.cpu?.value, 2);
    assert.deepEqual(td.containers[0].user, { value: '1000', span: S(0, 78, 0, 84) });
    assert.deepEqual(td.containers[0].keys?.get('user'), S(0, 70, 0, 76));
  });

  it('counts positions in CRLF files and without a byte order mark', () => {
    const crlf = TASK.replace(/\n/g, '\r\n');
    const td = parseTaskDefinition(crlf)!;
    assert.deepEqual(td.cpu?.span, S(4, 9, 4, 15));
    assert.deepEqual(td.containers[0].stopTimeout?.span, S(13, 21, 13, 23));
    assert.deepEqual(td.containers[0].healthCheck?.span, S(22, 21, 28, 7));
    const bom = parseTaskDefinition('\uFEFF{"cpu": "1 vCPU", "containerDefinitions": []}')!;
    assert.deepEqual(bom.cpu, { value: 1, span: S(0, 8, 0, 16) });
    assert.equal(taskDefinitionVcpu('\uFEFF{"cpu": "1 vCPU", "containerDefinitions": []}'), 1);
  });

  it('keeps taskDefinitionVcpu: a value only for a valid task definition with a usable cpu', () => {
    assert.equal(taskDefinitionVcpu(TASK), 1);
    assert.equal(taskDefinitionVcpu('{"cpu": "fast", "containerDefinitions": []}'), undefined);
    assert.equal(taskDefinitionVcpu('{"containerDefinitions": []}'), undefined);
    assert.equal(taskDefinitionVcpu('{"cpu": 2048}'), undefined);
  });

  it('never throws: junk, every truncation, huge arrays, deep nesting', () => {
    for (const junk of ['{', '}', '[', ']]]]', '"', '{"containerDefinitions": [{"name": "a", "healthCheck": {"command": [', '\u0000\uFFFD', '{"containerDefinitions":[{"name":"\\ud800"}]}', '{"containerDefinitions":[1e999, -0, {"stopTimeout": 1e400}]}']) {
      const td = parseTaskDefinition(junk);
      assertSpansInside(junk, td);
    }
    for (let cut = 0; cut <= TASK.length; cut++) {
      const text = TASK.slice(0, cut);
      const td = parseTaskDefinition(text);
      assert.ok(td === undefined || Array.isArray(td.problems));
      assertSpansInside(text, td);
    }
    // About 5 MB: a large valid array that is not a task definition, and many containers.
    const numbers = '[' + '1234,'.repeat(1_000_000) + '0]';
    assert.equal(parseTaskDefinition(numbers), undefined);
    const many = '{"cpu": "512", "containerDefinitions": [' + Array.from({ length: 30_000 }, (_, i) => `{"name": "c${i}", "image": "x"}`).join(',\n') + ']}';
    const td = parseTaskDefinition(many)!;
    assert.equal(td.containers.length, 30_000);
    assert.deepEqual(td.containers[29_999].name?.span, S(29_999, 9, 29_999, 17));
    const bad = '{"containerDefinitions": [' + '7,'.repeat(500_000) + '7]}';
    assert.equal(parseTaskDefinition(bad)!.problems.length, 50, 'problems are capped');
    // Deep nesting: refused before the recursive parser sees it.
    const deep = '{"containerDefinitions": [], "x": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    const d = parseTaskDefinition(deep)!;
    assert.equal(d.malformed, true);
    assert.deepEqual(d.problems, [{ message: `The JSON nests more than ${MAX_JSON_DEPTH} levels deep here; it was not read as a task definition.`, span: S(0, 33 + MAX_JSON_DEPTH, 0, 34 + MAX_JSON_DEPTH) }]);
    const justDeepEnough = '{"containerDefinitions": [], "x": ' + '['.repeat(MAX_JSON_DEPTH - 1) + ']'.repeat(MAX_JSON_DEPTH - 1) + '}';
    assert.deepEqual(parseTaskDefinition(justDeepEnough)!.problems, []);
    const unbalanced = '{"containerDefinitions": [' + '{"a":['.repeat(50_000);
    assert.equal(parseTaskDefinition(unbalanced)!.malformed, true);
  });

  it('survives 2,000 seeded random mutations of valid task definitions', () => {
    const seeds = [TASK, '{\r\n  "taskDefinition": {"cpu": "0.5 vCPU", "containerDefinitions": [{"name": "w", "environment": [{"name": "A", "value": "1"}]}]}\r\n}'];
    const rand = rng(20240611);
    for (let k = 0; k < 2000; k++) {
      const text = mutate(seeds[k % seeds.length], rand);
      let td;
      try { td = parseTaskDefinition(text); } catch (e) { assert.fail(`threw on ${JSON.stringify(text)}: ${e}`); }
      assertSpansInside(text.replace(/^\uFEFF/, ''), td);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// gunicorn.conf.py

const CONF = `"""gunicorn settings for orders-api (read by gunicorn -c)."""
import multiprocessing
import os

bind = ["0.0.0.0:8000"]  # the standard's port
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "uvicorn_worker.UvicornWorker"
timeout = 120; graceful_timeout = 30
keepalive: int = 5
wsgi_app = 'orders_api.main:app'
loglevel = os.environ.get("LOG_LEVEL", "info")
accesslog = "-"  # '#' in a string is not a comment
max_requests = (
    1000  # then recycle
)
max_requests_jitter = \\
    50
preload_app = True
`;

describe('parseGunicornConfig', () => {
  it('reads module-level settings with the span of the statement and of the value', () => {
    const c = parseGunicornConfig(CONF);
    assert.deepEqual(c.problems, []);
    const get = (k: string) => c.settings.get(k);
    assert.deepEqual(get('bind'), { kind: 'literal', value: ['0.0.0.0:8000'], span: S(4, 0, 4, 23), valueSpan: S(4, 7, 4, 23) });
    assert.deepEqual(get('workers'), { kind: 'cpu-formula', text: 'multiprocessing.cpu_count() * 2 + 1', span: S(5, 0, 5, 45), valueSpan: S(5, 10, 5, 45) });
    assert.deepEqual(get('worker_class'), { kind: 'literal', value: 'uvicorn_worker.UvicornWorker', span: S(6, 0, 6, 45), valueSpan: S(6, 15, 6, 45) });
    assert.deepEqual(get('timeout'), { kind: 'literal', value: 120, span: S(7, 0, 7, 13), valueSpan: S(7, 10, 7, 13) });
    assert.deepEqual(get('graceful_timeout'), { kind: 'literal', value: 30, span: S(7, 15, 7, 36), valueSpan: S(7, 34, 7, 36) });
    assert.deepEqual(get('keepalive'), { kind: 'literal', value: 5, span: S(8, 0, 8, 18), valueSpan: S(8, 17, 8, 18) });
    assert.deepEqual(get('wsgi_app'), { kind: 'literal', value: 'orders_api.main:app', span: S(9, 0, 9, 32), valueSpan: S(9, 11, 9, 32) });
    assert.deepEqual(get('loglevel'), { kind: 'dynamic', text: 'os.environ.get("LOG_LEVEL", "info")', span: S(10, 0, 10, 46), valueSpan: S(10, 11, 10, 46) });
    assert.deepEqual(get('accesslog'), { kind: 'literal', value: '-', span: S(11, 0, 11, 15), valueSpan: S(11, 12, 11, 15) });
    assert.deepEqual(get('max_requests'), { kind: 'literal', value: 1000, span: S(12, 0, 14, 1), valueSpan: S(12, 15, 14, 1) });
    assert.deepEqual(get('max_requests_jitter'), { kind: 'literal', value: 50, span: S(15, 0, 16, 6), valueSpan: S(16, 4, 16, 6) });
    assert.deepEqual(get('preload_app'), { kind: 'literal', value: true, span: S(17, 0, 17, 18), valueSpan: S(17, 14, 17, 18) });
    assert.deepEqual([...c.settings.keys()], ['bind', 'workers', 'worker_class', 'timeout', 'graceful_timeout', 'keepalive', 'wsgi_app', 'loglevel', 'accesslog', 'max_requests', 'max_requests_jitter', 'preload_app']);
  });

  it('gives the same spans with CRLF line endings and ignores a byte order mark', () => {
    const c = parseGunicornConfig(CONF.replace(/\n/g, '\r\n'));
    assert.deepEqual(c.problems, []);
    assert.deepEqual(c.settings.get('max_requests')?.span, S(12, 0, 14, 1));
    assert.deepEqual(c.settings.get('max_requests_jitter'), { kind: 'literal', value: 50, span: S(15, 0, 16, 6), valueSpan: S(16, 4, 16, 6) });
    assert.deepEqual(parseGunicornConfig('\uFEFFworkers = 2\n').settings.get('workers')?.span, S(0, 0, 0, 11));
  });

  it('reads literal forms: numbers, booleans, quotes, concatenation, lists and tuples', () => {
    const value = (expr: string) => {
      const s = parseGunicornConfig(`x = ${expr}\n`).settings.get('x');
      return s?.kind === 'literal' ? s.value : s?.kind;
    };
    assert.equal(value('4'), 4);
    assert.equal(value('-1'), -1);
    assert.equal(value('1_000'), 1000);
    assert.equal(value('0x10'), 16);
    assert.equal(value('2.5'), 2.5);
    assert.equal(value('1e3'), 1000);
    assert.equal(value('(120)'), 120);
    assert.equal(value('False'), false);
    assert.equal(value("'0.0.0.0:8000'"), '0.0.0.0:8000');
    assert.equal(value('"""0.0.0.0:8000"""'), '0.0.0.0:8000');
    assert.equal(value("'''gthread'''"), 'gthread');
    assert.equal(value('"0.0.0.0:" "8000"'), '0.0.0.0:8000');
    assert.equal(value('f"0.0.0.0:8000"'), '0.0.0.0:8000');
    assert.equal(value('r"a\\d"'), 'a\\d');
    assert.equal(value('"tab\\there \\u00e9"'), 'tab\there \u00e9');
    assert.deepEqual(value('["0.0.0.0:8000", "[::]:8000"]'), ['0.0.0.0:8000', '[::]:8000']);
    assert.deepEqual(value("('0.0.0.0:8000',)"), ['0.0.0.0:8000']);
    assert.deepEqual(value('"0.0.0.0:8000", "unix:/tmp/g.sock"'), ['0.0.0.0:8000', 'unix:/tmp/g.sock']);
    assert.deepEqual(value('[\n    "0.0.0.0:8000",\n]'), ['0.0.0.0:8000']);
    assert.deepEqual(value('[]'), []);
    for (const dynamic of ['None', '1j', 'b"x"', 'f"0.0.0.0:{PORT}"', '[1, 2]', '["a", PORT]', '2 * 60', '"a" + "b"', 'PORT', '-x', '4 if DEBUG else 2', '"%s:%s" % ("0.0.0.0", 8000)', 'lambda a=1: a']) {
      assert.equal(value(dynamic), 'dynamic', dynamic);
    }
  });

  it('classifies anything mentioning the CPU count as a cpu-formula, also through names and helpers', () => {
    const conf = [
      'import multiprocessing, os',
      'workers = os.cpu_count()',
      'threads = len(os.sched_getaffinity(0))',
      'backlog = int(os.environ.get("WORKERS", multiprocessing.cpu_count() * 2))',
      'CORES = multiprocessing.cpu_count()',
      'worker_connections = CORES * 2',
      'def default_workers():',
      '    return os.process_cpu_count() + 1',
      'max_requests = default_workers()',
      'settings = object()',
      'limit_request_line = settings.CORES',
      'CORES = 4',
      'limit_request_fields = CORES',
    ].join('\n');
    const c = parseGunicornConfig(conf);
    const kind = (k: string) => c.settings.get(k)?.kind;
    assert.equal(kind('workers'), 'cpu-formula');
    assert.deepEqual(c.settings.get('threads'), { kind: 'cpu-formula', text: 'len(os.sched_getaffinity(0))', span: S(2, 0, 2, 38), valueSpan: S(2, 10, 2, 38) });
    assert.equal(kind('backlog'), 'cpu-formula');
    assert.equal(kind('worker_connections'), 'cpu-formula');
    assert.equal(kind('max_requests'), 'cpu-formula');
    assert.equal(kind('limit_request_line'), 'dynamic', 'an attribute of another object is not the name');
    assert.equal(kind('limit_request_fields'), 'dynamic', 'CORES was rebound to a plain value');
  });

  it('reads the dynamic ones as their text', () => {
    const conf = [
      'import os',
      'workers = int(os.getenv("WEB_CONCURRENCY", "2"))',
      'bind = f"0.0.0.0:{os.getenv(\'PORT\', \'8000\')}"',
      'timeout = int(',
      '    os.environ.get("TIMEOUT", 120)  # seconds',
      ')',
      'accesslog = "-" if os.getenv("ACCESS_LOG") else None',
      'workers += 1',
    ].join('\n');
    const c = parseGunicornConfig(conf);
    assert.deepEqual(c.problems, []);
    assert.deepEqual(c.settings.get('bind'), { kind: 'dynamic', text: 'f"0.0.0.0:{os.getenv(\'PORT\', \'8000\')}"', span: S(2, 0, 2, 45), valueSpan: S(2, 7, 2, 45) });
    assert.deepEqual(c.settings.get('timeout'), { kind: 'dynamic', text: 'int(\n    os.environ.get("TIMEOUT", 120)  # seconds\n)', span: S(3, 0, 5, 1), valueSpan: S(3, 10, 5, 1) });
    assert.equal(c.settings.get('accesslog')?.kind, 'dynamic');
    assert.deepEqual(c.settings.get('workers'), { kind: 'dynamic', text: 'workers += 1', span: S(7, 0, 7, 12), valueSpan: S(7, 11, 7, 12) }, 'an augmented assignment: the statement');
  });

  it('marks assignments in if/else/except blocks as conditional, reads try/with bodies, ignores def/class', () => {
    const conf = [
      'import os',
      'workers = 2',
      'if os.environ.get("DEV"):',
      '    reload = True',
      '    workers = 1',
      'else:',
      '    loglevel = "warning"',
      'try:',
      '    import uvicorn_worker',
      '    worker_class = "uvicorn_worker.UvicornWorker"',
      'except ImportError:',
      '    worker_class = "uvicorn.workers.UvicornWorker"',
      'with open("/etc/hostname") as f:',
      '    proc_name = f.read()',
      'def on_starting(server):',
      '    timeout = 5',
      '    if True:',
      '        graceful_timeout = 1',
      'class Settings:',
      '    bind = "127.0.0.1:8000"',
      'if os.environ.get("CI"): keepalive = 2; threads = 4',
      'timeout = 120',
      '',
      '    # a comment indented anywhere does not end a block',
      'graceful_timeout = 30',
    ].join('\n');
    const c = parseGunicornConfig(conf);
    assert.deepEqual(c.problems, []);
    assert.deepEqual(c.settings.get('reload'), { kind: 'dynamic', text: 'True', span: S(3, 4, 3, 17), valueSpan: S(3, 13, 3, 17), conditional: true });
    assert.deepEqual(c.settings.get('workers'), { kind: 'dynamic', text: '1', span: S(4, 4, 4, 15), valueSpan: S(4, 14, 4, 15), conditional: true }, 'the last assignment wins, and it is conditional');
    assert.equal(c.settings.get('loglevel')?.kind, 'dynamic');
    assert.deepEqual(c.settings.get('worker_class'), { kind: 'dynamic', text: '"uvicorn.workers.UvicornWorker"', span: S(11, 4, 11, 50), valueSpan: S(11, 19, 11, 50), conditional: true });
    assert.deepEqual(c.settings.get('proc_name'), { kind: 'dynamic', text: 'f.read()', span: S(13, 4, 13, 24), valueSpan: S(13, 16, 13, 24) }, 'a with body always runs: not conditional');
    assert.deepEqual(c.settings.get('keepalive'), { kind: 'dynamic', text: '2', span: S(20, 25, 20, 38), valueSpan: S(20, 37, 20, 38), conditional: true });
    assert.deepEqual(c.settings.get('threads'), { kind: 'dynamic', text: '4', span: S(20, 40, 20, 51), valueSpan: S(20, 50, 20, 51), conditional: true });
    assert.deepEqual(c.settings.get('timeout'), { kind: 'literal', value: 120, span: S(21, 0, 21, 13), valueSpan: S(21, 10, 21, 13) });
    assert.deepEqual(c.settings.get('graceful_timeout'), { kind: 'literal', value: 30, span: S(24, 0, 24, 21), valueSpan: S(24, 19, 24, 21) });
    assert.equal(c.settings.get('bind'), undefined, 'a class attribute is not a setting');
    const tried = parseGunicornConfig('try:\n    workers = 3\nexcept Exception:\n    pass\n');
    assert.deepEqual(tried.settings.get('workers'), { kind: 'literal', value: 3, span: S(1, 4, 1, 15), valueSpan: S(1, 14, 1, 15) });
  });

  it('reads only simple lowercase names; the last assignment wins', () => {
    const conf = [
      'WORKERS = 4',
      '_port = 8000',
      'cfg.workers = 3',
      'settings["timeout"] = 1',
      'a, b = 1, 2',
      'workers = threads = 2',
      'print("timeout = 5")',
      'bind = "0.0.0.0:80"',
      'bind = "0.0.0.0:8000"',
      'if_ready = 1',
    ].join('\n');
    const c = parseGunicornConfig(conf);
    assert.deepEqual([...c.settings.keys()].sort(), ['bind', 'if_ready', 'threads', 'workers']);
    assert.deepEqual(c.settings.get('workers'), { kind: 'literal', value: 2, span: S(5, 0, 5, 21), valueSpan: S(5, 20, 5, 21) });
    assert.deepEqual(c.settings.get('threads'), c.settings.get('workers'));
    assert.deepEqual(c.settings.get('bind'), { kind: 'literal', value: '0.0.0.0:8000', span: S(8, 0, 8, 21), valueSpan: S(8, 7, 8, 21) });
  });

  it('reports unbalanced brackets and unterminated strings at the opening, and keeps the rest', () => {
    const unclosed = parseGunicornConfig('workers = 2\ntimeout = int(os.getenv("T", 30)\ngraceful_timeout = 10\n');
    assert.deepEqual(unclosed.problems, [{ message: "'(' is never closed.", span: S(1, 13, 1, 14) }]);
    assert.deepEqual([...unclosed.settings.keys()], ['workers'], 'what comes before counts; the open bracket swallows the rest');

    const mismatched = parseGunicornConfig('bind = ["0.0.0.0:8000")\nworkers = 2\n');
    assert.deepEqual(mismatched.problems, [{ message: "'[' is closed by ')' (line 1) instead of ']'.", span: S(0, 7, 0, 8) }]);
    assert.deepEqual([...mismatched.settings.keys()], ['workers']);

    const stray = parseGunicornConfig('workers = 2)\ntimeout = 30\n');
    assert.deepEqual(stray.problems, [{ message: "Unmatched ')': no bracket is open here.", span: S(0, 11, 0, 12) }]);
    assert.deepEqual([...stray.settings.keys()], ['timeout']);

    const string = parseGunicornConfig("bind = '0.0.0.0:8000\nworkers = 2\n");
    assert.deepEqual(string.problems, [{ message: 'Unterminated string: it is not closed on this line.', span: S(0, 7, 0, 8) }]);
    assert.deepEqual([...string.settings.keys()], ['workers']);

    const prefixed = parseGunicornConfig('workers = 2\nbind = f"0.0.0.0:{PORT}');
    assert.deepEqual(prefixed.problems, [{ message: 'Unterminated string: it is not closed on this line.', span: S(1, 7, 1, 9) }]);

    const triple = parseGunicornConfig('workers = 2\n"""docs\ntimeout = 30\n');
    assert.deepEqual(triple.problems, [{ message: 'Unterminated triple-quoted string: it is never closed.', span: S(1, 0, 1, 3) }]);
    assert.deepEqual([...triple.settings.keys()], ['workers']);

    const inBrackets = parseGunicornConfig('bind = ["0.0.0.0:8000\n');
    assert.equal(inBrackets.problems.length, 2);
    assert.deepEqual(inBrackets.problems[0].span, S(0, 8, 0, 9));
    assert.deepEqual(inBrackets.problems[1], { message: "'[' is never closed.", span: S(0, 7, 0, 8) });
  });

  it('does not read text that is not UTF-8', () => {
    for (const [text, span] of [['workers = 2\nbind = "\uFFFD"\n', S(1, 8, 1, 9)], ['workers = 2\u0000\n', S(0, 11, 0, 12)]] as const) {
      const c = parseGunicornConfig(text);
      assert.equal(c.settings.size, 0);
      assert.equal(c.problems.length, 1);
      assert.match(c.problems[0].message, /^not UTF-8 text/);
      assert.deepEqual(c.problems[0].span, span);
    }
  });

  it('handles an empty file, comments only, and Python 3 details (multi-line docstrings, escapes, backslash in raw strings)', () => {
    assert.deepEqual(parseGunicornConfig(''), { settings: new Map(), problems: [] });
    assert.equal(parseGunicornConfig('# workers = 2\n   # timeout = 1').settings.size, 0);
    const c = parseGunicornConfig('"""\nworkers = 99\n"""\nbind = r"\\"" \nlogconfig_dict = {\n  "version": 1,  # a dict\n}\nworkers = 3\n');
    assert.deepEqual(c.problems, []);
    assert.deepEqual(c.settings.get('workers'), { kind: 'literal', value: 3, span: S(7, 0, 7, 11), valueSpan: S(7, 10, 7, 11) });
    assert.deepEqual(c.settings.get('bind'), { kind: 'literal', value: '\\"', span: S(3, 0, 3, 12), valueSpan: S(3, 7, 3, 12) });
    assert.equal(c.settings.get('logconfig_dict')?.kind, 'dynamic');
  });

  it('never throws and stays linear on large and hostile input', () => {
    const big = Array.from({ length: 40_000 }, (_, i) => `setting_${i % 500} = ${i % 3 === 0 ? `"v${i}"` : i % 3 === 1 ? String(i) : 'os.environ.get("X", 1)'}  # note`).join('\n') + '\nworkers = 2\n';
    assert.ok(big.length > 1_000_000);
    const c = parseGunicornConfig(big);
    assert.deepEqual(c.problems, []);
    assert.equal(c.settings.size, 501);
    assert.deepEqual(c.settings.get('workers')?.span, S(40_000, 0, 40_000, 11));
    for (const hostile of [
      '('.repeat(1_000_000),
      ')'.repeat(1_000_000),
      '"'.repeat(1_000_001),
      "'''" + 'x'.repeat(1_000_000),
      'x = ' + '('.repeat(500_000) + '1' + ')'.repeat(500_000),
      'x = [' + '"a", '.repeat(200_000) + ']',
      '\\\n'.repeat(500_000),
      ('if x:\n' + ' '.repeat(4)).repeat(100_000),
      'a = 1; '.repeat(150_000),
    ]) {
      const r = parseGunicornConfig(hostile);
      assert.ok(r.problems.length <= 20);
      assertSpansInside(hostile, r);
    }
    assert.deepEqual(parseGunicornConfig('x = ' + '('.repeat(500_000) + '1' + ')'.repeat(500_000)).settings.get('x')?.kind, 'literal');
    assert.equal((parseGunicornConfig('bind = [' + '"a", '.repeat(200_000) + ']').settings.get('bind') as Extract<GunicornSetting, { kind: 'literal' }>).value.toString().length, 200_000 * 2 - 1);
  });

  it('survives 2,000 seeded random mutations of valid configs', () => {
    const seeds = [CONF, 'import os\r\nif os.getenv("DEV"):\r\n    workers = 1\r\nelse:\r\n    workers = int(os.getenv("W", 2))\r\nbind = f"0.0.0.0:{8000}"\r\n', "def f():\n    return 1\nclass A: pass\nworker_class = ('gthread')\nthreads = [\"a\", 'b', r'''c''']\n"];
    const rand = rng(7);
    for (let k = 0; k < 2000; k++) {
      const text = mutate(seeds[k % seeds.length], rand);
      let c;
      try { c = parseGunicornConfig(text); } catch (e) { assert.fail(`threw on ${JSON.stringify(text)}: ${e}`); }
      assert.ok(c.settings instanceof Map && Array.isArray(c.problems));
      assertSpansInside(text.replace(/^\uFEFF/, ''), c);
      for (const s of c.settings.values()) {
        if (s.kind !== 'literal') assert.equal(typeof s.text, 'string');
      }
    }
  });
});
