// installed-server with uv workspaces: `uv sync --package <member>` installs that member's closure in
// the root's uv.lock, not the root project's dependencies.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lint, makeStandard } from '../../server/src/service/index';
import { uvLockPackages } from '../../server/src/service/project/lock';
import { LintContext } from '../../server/src/service/types';
import { PythonFacts } from '../../server/src/service/project/types';

// the root project `platform` depends on gunicorn; its members `orders` (gunicorn + uvicorn-worker) and `billing` (uvicorn only)
const LOCK = [
  'version = 1', '',
  '[[package]]', 'name = "platform"', 'version = "1"', 'source = { editable = "." }', 'dependencies = [{ name = "gunicorn" }]', '',
  '[[package]]', 'name = "orders"', 'version = "1"', 'source = { editable = "services/orders" }', 'dependencies = [{ name = "gunicorn" }, { name = "uvicorn-worker" }]', '',
  '[[package]]', 'name = "billing"', 'version = "1"', 'source = { editable = "services/billing" }', 'dependencies = [{ name = "uvicorn" }]', '',
  '[[package]]', 'name = "gunicorn"', 'version = "23.0.0"', '',
  '[[package]]', 'name = "uvicorn"', 'version = "0.32.1"', '',
  '[[package]]', 'name = "uvicorn-worker"', 'version = "0.3.0"', 'dependencies = [{ name = "gunicorn" }, { name = "uvicorn" }]', '',
].join('\n');

function ctx(lock: boolean): LintContext {
  const python: PythonFacts = {
    dependencies: [{ name: 'gunicorn', spec: 'gunicorn>=23', group: 'main', file: 'pyproject.toml' }],
    ...(lock ? { lock: { file: 'uv.lock', packages: uvLockPackages(LOCK, 'platform') } } : {}),
    frameworks: [], apps: [], routes: [], routesComplete: true, unknown: [], notes: [],
  };
  return { standard: makeStandard({ settings: { vcpu: 2 } }), facts: { hasUvLock: lock, python } };
}

const dockerfile = (sync: string, worker: string) => [
  'FROM python:3.11-slim AS builder', 'COPY --from=ghcr.io/astral-sh/uv:0.9.5 /uv /bin/', 'WORKDIR /app', 'COPY . .',
  `RUN uv sync --locked --no-dev ${sync}`, '', 'FROM python:3.11-slim', 'COPY --from=builder /app /app', 'USER 1000',
  `CMD ["gunicorn", "svc.main:app", "--workers", "2", "--worker-class", "${worker}", "--bind", "0.0.0.0:8000", "--timeout", "120", "--graceful-timeout", "30"]`, '',
].join('\n');
const found = (doc: string, c: LintContext) => lint(doc, c, ['installed-server']).map((d) => d.message);

describe('installed-server and uv sync --package', () => {
  it('a member that brings the server: nothing to report', () => {
    assert.deepEqual(found(dockerfile('--package orders', 'uvicorn_worker.UvicornWorker'), ctx(true)), []);
  });
  it('a member without gunicorn: reported although the root project lists it (the root is not installed), naming the member, with no edit', () => {
    const doc = dockerfile('--package billing', 'uvicorn.workers.UvicornWorker');
    const d = lint(doc, ctx(true), ['installed-server']);
    assert.equal(d.length, 1, JSON.stringify(d.map((x) => x.message)));
    assert.match(d[0].message, /`gunicorn`.*workspace member the Dockerfile installs \(`--package billing`\)/);
    assert.equal(d[0].fix, undefined);
  });
  it('--all-packages installs every member and the root: gunicorn is there', () => {
    assert.deepEqual(found(dockerfile('--all-packages', 'uvicorn.workers.UvicornWorker'), ctx(true)), []);
  });
  it('without a lock a member\'s dependencies cannot be seen: no finding', () => {
    assert.deepEqual(found(dockerfile('--package billing', 'uvicorn.workers.UvicornWorker'), ctx(false)), []);
  });
  it('control: the root project synced as usual is judged by its own dependencies', () => {
    assert.deepEqual(found(dockerfile('', 'uvicorn.workers.UvicornWorker'), ctx(true)).length, 1);
  });
});
