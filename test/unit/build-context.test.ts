// The build-context rule over in-memory build contexts: sources that do not exist or that
// .dockerignore excludes, wildcards that match nothing, and what `COPY .` takes along.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lint, makeStandard } from '../../server/src/service/index';
import { snapshotContext } from '../../server/src/service/project/context';
import { memoryFiles } from '../../server/src/service/scaffold/files';
import { Diagnostic, LintContext } from '../../server/src/service/types';

const TREE = {
  'pyproject.toml': '[project]\nname = "svc"\n', 'uv.lock': '', 'README.md': '',
  'src/svc/__init__.py': '', 'src/svc/main.py': 'app = None\n', 'src/svc/__pycache__/main.cpython-311.pyc': '',
  'requirements.txt': '', 'requirements-dev.txt': '', '.env': 'SECRET=1\n', '.env.example': 'SECRET=\n',
  '.git/HEAD': 'ref: refs/heads/main\n', '.venv/bin/python': '', 'certs/server.pem': '', 'gunicorn.conf.py': 'timeout = 120\n',
};

function ctxFor(dockerignore?: string, tree: Record<string, string> = TREE): LintContext {
  const files = memoryFiles(tree);
  const context = snapshotContext(files, { label: 'services/svc', dir: '/ws/services/svc',
    dockerignore: dockerignore === undefined ? undefined : { file: '/ws/services/svc/.dockerignore', label: '.dockerignore', text: dockerignore } });
  return { standard: makeStandard({ settings: { vcpu: 2 } }), facts: { hasUvLock: true, dependencies: ['fastapi'], context } };
}

const found = (doc: string, c: LintContext): Diagnostic[] => lint(doc, c, ['build-context']);

describe('build-context: sources', () => {
  it('a source that does not exist is an error on that source', () => {
    const doc = 'FROM python:3.11-slim\nCOPY pyproject.toml uv.lock ./\nCOPY app/ ./app/\n';
    const d = found(doc, ctxFor('.git\n'));
    assert.equal(d.length, 1);
    assert.equal(doc.slice(d[0].start, d[0].end), 'app/');
    assert.equal(d[0].severity, 'error');
    assert.match(d[0].message, /`app\/` is not in the build context \(services\/svc\)/);
  });
  it('a source .dockerignore excludes is an error naming the line, with related information', () => {
    const doc = 'FROM python:3.11-slim\nCOPY src/ ./src/\n';
    const d = found(doc, ctxFor('# keep it small\n.git\nsrc\n'));
    assert.equal(d.length, 1);
    assert.match(d[0].message, /excluded by \.dockerignore \(line 3: `src`\)/);
    assert.deepEqual(d[0].related?.[0].range, { start: { line: 2, character: 0 }, end: { line: 2, character: 3 } });
  });
  it('a later `!` line re-includes, and a parent directory pattern excludes what is below it', () => {
    assert.equal(found('FROM python:3.11-slim\nCOPY src/svc/main.py ./\n', ctxFor('src\n!src/svc\n')).length, 0);
    assert.equal(found('FROM python:3.11-slim\nCOPY src/svc/main.py ./\n', ctxFor('src\n')).length, 1);
  });
  it('a wildcard that matches nothing is a note only when no other source of the COPY matches (BuildKit copies nothing and goes on)', () => {
    assert.equal(found('FROM python:3.11-slim\nCOPY requirements*.txt ./\n', ctxFor('')).length, 0);
    assert.equal(found('FROM python:3.11-slim\nCOPY pyproject.toml poetry.lock* ./\n', ctxFor('')).length, 0);
    const d = found('FROM python:3.11-slim\nCOPY *.lock.json ./\n', ctxFor(''));
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, 'info');
  });
  it('COPY --from, URLs, variables and heredocs are not judged', () => {
    const doc = 'FROM python:3.11-slim AS b\nFROM python:3.11-slim\nCOPY --from=b /app /app\nADD https://example.com/x.tgz /x\nCOPY $SRC ./\nCOPY <<EOF /x\nhi\nEOF\n';
    assert.deepEqual(found(doc, ctxFor('')), []);
  });
  it('an incomplete snapshot (a huge tree) reports no missing file', () => {
    const files = memoryFiles(TREE);
    const context = snapshotContext(files, { label: 'x', dir: '/x', maxEntries: 3 });
    assert.equal(context.complete, false);
    assert.deepEqual(lint('FROM python:3.11-slim\nCOPY nothere ./\n', { standard: makeStandard(), facts: { context } }, ['build-context']), []);
  });
});

describe('build-context: what COPY . takes along', () => {
  it('no .dockerignore: a warning naming what goes into the image, with a fix that creates one', () => {
    const d = found('FROM python:3.11-slim\nCOPY . .\n', ctxFor(undefined));
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, 'warning');
    assert.match(d[0].message, /there is no \.dockerignore/);
    assert.match(d[0].message, /`\.env`/);
    assert.ok(!/\.env\.example/.test(d[0].message), '.env.example is not a secret');
    const edit = d[0].fix!.otherFiles![0];
    assert.equal(edit.create, true);
    assert.equal(edit.path, '/ws/services/svc/.dockerignore');
    for (const p of ['.git', '.venv', '**/.env*', '**/__pycache__', '**/*.pem']) assert.ok(edit.edits[0].newText.split('\n').includes(p), p);
  });
  it('a .dockerignore that misses some: only those are named, and the fix appends them', () => {
    const text = '.git\n.venv\n**/__pycache__';
    const d = found('FROM python:3.11-slim\nCOPY . .\n', ctxFor(text));
    assert.equal(d.length, 1);
    assert.match(d[0].message, /including `\.env`, `certs\/server\.pem`/);
    const e = d[0].fix!.otherFiles![0];
    assert.equal(e.create, undefined);
    assert.deepEqual(e.edits[0].start, { line: 2, character: 14 });
    assert.equal(e.edits[0].newText, '\n**/.env*\n**/*.pem\n');
  });
  it('a folder copied whole is judged by what is under it', () => {
    assert.equal(found('FROM python:3.11-slim\nCOPY src/ ./src/\n', ctxFor('.git\n')).length, 1, 'src/svc/__pycache__');
    assert.equal(found('FROM python:3.11-slim\nCOPY src/ ./src/\n', ctxFor('**/__pycache__\n')).length, 0);
  });
  it('the fix never adds a pattern that would exclude a file the Dockerfile copies by name', () => {
    const d = found('FROM python:3.11-slim\nCOPY .env.production ./\nCOPY . .\n', ctxFor('', { ...TREE, '.env.production': '' }));
    const copyAll = d.find((x) => /whole build context/.test(x.message))!;
    assert.ok(!copyAll.fix!.otherFiles![0].edits[0].newText.includes('.env'), copyAll.fix!.otherFiles![0].edits[0].newText);
  });
  it('a clean context with a complete .dockerignore gives nothing', () => {
    assert.deepEqual(found('FROM python:3.11-slim\nCOPY . .\n', ctxFor('.git\n.venv\n**/.env*\n**/*.pem\n**/__pycache__\n')), []);
  });
});

describe('build-context: the context named in messages', () => {
  it('a context outside the workspace folder is named relative to the Dockerfile, never by absolute path', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const os = require('node:os') as typeof import('node:os');
    const path = require('node:path') as typeof import('node:path');
    const { ProjectLoader } = require('../../server/src/project') as typeof import('../../server/src/project');
    const { RULE_NAMES } = require('../../server/src/service/rules') as typeof import('../../server/src/service/rules');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docksmith-ctx-'));
    try {
      // the workspace folder open in the editor is repo/services/svc; the context is repo (two up)
      const svc = path.join(tmp, 'repo', 'services', 'svc');
      fs.mkdirSync(svc, { recursive: true });
      fs.writeFileSync(path.join(svc, 'pyproject.toml'), '[project]\nname = "svc"\nversion = "1"\ndependencies = ["fastapi"]\n\n[tool.docksmith]\ncontext = "../.."\n');
      const dockerfile = path.join(svc, 'Dockerfile');
      const doc = 'FROM python:3.11-slim\nCOPY services/svc/pyproject.toml ./\nCOPY services/svc/app/ ./app/\n';
      fs.writeFileSync(dockerfile, doc);
      const proj = new ProjectLoader(RULE_NAMES).load(dockerfile, svc);
      const d = lint(doc, { standard: makeStandard(proj.layers), facts: proj.facts }, ['build-context']);
      const missing = d.find((x) => doc.slice(x.start, x.end) === 'services/svc/app/');
      assert.ok(missing, JSON.stringify(d.map((x) => x.message)));
      assert.match(missing.message, /in the build context \(\.\.\/\.\.\)/);
      for (const x of d) assert.ok(!x.message.includes(tmp), x.message);
    } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
  });
});
