// LSP protocol tests: dist/server.js as a child process, over stdio and over Node IPC.
// Build first: `npm run build && npx tsc -p .`, then `node --test out/test/protocol/`.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import type { CodeAction, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, Publication, SERVER, Transport, applyEdits, codes, editsFor, positionOf, uriOf, wholeRange } from './lsp-client';

const PYPROJECT = (vcpu: number) => `[project]
name = "svc"
version = "0.1.0"
dependencies = ["fastapi", "gunicorn", "uvicorn"]

[tool.docksmith]
vcpu = ${vcpu}
`;

/** Breaks four rules: uv sync without --locked (safe fix), no USER (safe), no HEALTHCHECK (unsafe), loopback bind (safe). */
const BAD = `# syntax=docker/dockerfile:1
FROM python:3.11-slim AS builder
COPY --from=ghcr.io/astral-sh/uv:0.9.5 /uv /uvx /bin/
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --no-install-project --no-dev
COPY src/ ./src/
RUN uv sync --locked --no-dev

FROM python:3.11-slim AS runtime
ENV PATH="/app/.venv/bin:$PATH"
WORKDIR /app
COPY --from=builder /app /app
EXPOSE 8000
CMD ["gunicorn", "src.main:app", "--workers", "4", "--worker-class", "uvicorn.workers.UvicornWorker", "--bind", "127.0.0.1:8000", "--timeout", "120", "--graceful-timeout", "30"]
`;

const BAD_CODES = ['use-uv', 'non-root-user', 'healthcheck', 'bind-address'];

/** The reference Dockerfile of the standard (docs/standard.md): no finding from any rule. */
const REFERENCE = `# syntax=docker/dockerfile:1
FROM python:3.11-slim AS builder
RUN apt-get update \\
 && apt-get install -y --no-install-recommends gcc g++ \\
 && rm -rf /var/lib/apt/lists/*
COPY --from=ghcr.io/astral-sh/uv:0.9.5 /uv /uvx /bin/
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=0
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \\
    uv sync --locked --no-install-project --no-dev
COPY src/ ./src/
RUN --mount=type=cache,target=/root/.cache/uv \\
    uv sync --locked --no-dev

FROM python:3.11-slim AS runtime
ENV PYTHONUNBUFFERED=1 PATH="/app/.venv/bin:$PATH"
RUN useradd --create-home --uid 1000 app
WORKDIR /app
COPY --from=builder --chown=1000:1000 /app /app
USER 1000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health', timeout=4)"]
CMD ["gunicorn", "src.main:app", "--workers", "4", "--worker-class", "uvicorn.workers.UvicornWorker", "--bind", "0.0.0.0:8000", "--timeout", "120", "--graceful-timeout", "30"]
`;

const HEALTHCHECK = `HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health', timeout=4)"]
`;

/** A large multi-stage file: builder stages of ARG/ENV/RUN-with-continuations/COPY, then a runtime stage. */
function bigDockerfile(lines: number): string {
  const out = ['# syntax=docker/dockerfile:1', 'ARG APP_VERSION=0.0.0'];
  for (let i = 0; out.length < lines - 12; i++) {
    if (i % 25 === 0) out.push(`FROM python:3.11-slim AS build-${i}`, 'WORKDIR /app', 'COPY pyproject.toml uv.lock ./');
    out.push(
      `# step ${i}: vendor plugin ${i}`,
      `ARG PLUGIN_${i}_VERSION=1.${i % 50}.${i % 7}`,
      `ENV PLUGIN_${i}_HOME=/opt/plugins/p${i} \\`,
      `    PLUGIN_${i}_ENABLED=1`,
      'RUN set -eux; \\',
      `    mkdir -p "$PLUGIN_${i}_HOME"; \\`,
      `    echo "\${PLUGIN_${i}_VERSION}" > "$PLUGIN_${i}_HOME/version"`,
      `COPY plugins/p${i}/config.yaml /etc/plugins/p${i}.yaml`,
      '',
    );
  }
  out.push(...REFERENCE.split('\n').slice(15));
  return out.join('\n');
}

/** Deterministic binary junk: NULs, control characters, lone surrogates, random BMP characters. */
function junk(n: number): string {
  let x = 0x2545f491;
  let s = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    const r = x % 10;
    s += r < 3 ? '\0' : r < 5 ? String.fromCharCode(x % 32) : r < 6 ? String.fromCharCode(0xd800 + (x % 0x800)) : String.fromCharCode(x % 0xfffe);
  }
  return s;
}

const has = (p: Publication, code: string) => p.diagnostics.some((d) => d.code === code);
const find = (p: Publication, code: string) => p.diagnostics.find((d) => d.code === code);
const message = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const md = (h: Hover | null): string => {
  assert.ok(h, 'expected a hover');
  const c = h.contents as MarkupContent;
  assert.equal(c.kind, 'markdown');
  assert.equal(typeof c.value, 'string');
  return c.value;
};

for (const transport of ['stdio', 'ipc'] as Transport[]) {
  // stdio announces versioned edits (documentChanges), IPC plain `changes`: both WorkspaceEdit shapes are covered.
  const documentChanges = transport === 'stdio';

  describe(`docksmith language server over ${transport}`, () => {
    let client: LspClient;
    let tmp: string;
    let proj: string;
    let init: Awaited<ReturnType<LspClient['initialize']>>;
    let n = 0;
    /** A fresh document URI in the project folder (next to pyproject.toml and uv.lock). */
    const docUri = (name = 'Dockerfile') => uriOf(path.join(proj, `${name}.${++n}`));
    async function openAndWait(uri: string, text: string, pred?: (p: Publication) => boolean, timeoutMs?: number): Promise<Publication> {
      const mark = client.mark();
      await client.open(uri, text);
      return client.waitForDiagnostics(uri, mark, pred, timeoutMs);
    }

    before(async () => {
      assert.ok(fs.existsSync(SERVER), `${SERVER} missing: run npm run build`);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `docksmith-lsp-${transport}-`));
      proj = path.join(tmp, 'svc');
      fs.mkdirSync(proj);
      fs.writeFileSync(path.join(proj, 'pyproject.toml'), PYPROJECT(4));
      fs.writeFileSync(path.join(proj, 'uv.lock'), 'version = 1\n');
      // what the Dockerfiles copy is there: the build context holds it
      fs.mkdirSync(path.join(proj, 'src'));
      fs.writeFileSync(path.join(proj, 'src', 'main.py'), 'from fastapi import FastAPI\napp = FastAPI()\n');
      // the ipc client announces the client-side commands, as the VS Code client does; the stdio one (any editor) does not
      client = LspClient.start(transport, { documentChanges, clientCommands: transport === 'ipc' ? ['docksmith.createDockerfile', 'docksmith.showRuleDocs'] : undefined });
      init = await client.initialize(tmp);
    });

    after(() => {
      client?.kill();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('initialize announces incremental sync, hover and the quickfix + fix-all code action kinds', () => {
      const caps = init.capabilities;
      assert.equal(caps.hoverProvider, true);
      assert.equal(caps.textDocumentSync, 2, 'incremental text sync');
      const cap = caps.codeActionProvider;
      assert.ok(cap && typeof cap === 'object', `codeActionProvider should list its kinds, got ${JSON.stringify(cap)}`);
      assert.ok(cap.codeActionKinds?.includes('quickfix'));
      assert.ok(cap.codeActionKinds?.includes('source.fixAll.docksmith'));
      assert.equal(init.serverInfo?.name, 'docksmith');
    });

    it('registers for configuration changes when the client allows dynamic registration', async () => {
      for (let i = 0; i < 50 && !client.registrations.length; i++) await new Promise((r) => setTimeout(r, 20));
      const methods = client.registrations.map((r) => (r as { method: string }).method);
      assert.ok(methods.includes('workspace/didChangeConfiguration'), `registrations: ${JSON.stringify(client.registrations)}`);
    });

    it('didOpen publishes docksmith diagnostics with rule codes and documentation links', async () => {
      const uri = docUri();
      const p = await openAndWait(uri, BAD);
      assert.equal(p.version, 1);
      for (const code of BAD_CODES) assert.ok(has(p, code), `expected ${code} in ${codes(p)}`);
      for (const d of p.diagnostics) {
        assert.equal(d.source, 'docksmith');
        assert.ok(d.codeDescription?.href, `${d.code} has no codeDescription.href`);
        const doc = fileURLToPath(d.codeDescription.href);
        assert.ok(fs.existsSync(doc), `${d.code}: ${doc} does not exist`);
        assert.equal(path.basename(doc), `${d.code}.md`);
      }
      assert.equal(find(p, 'non-root-user')!.severity, 1, 'non-root-user is an error');
      const bind = find(p, 'bind-address')!;
      assert.equal(bind.range.start.line, 14, 'bind-address points at the CMD line');
      // the settings were asked for this document, in the docksmith section
      assert.ok(client.configurationRequests.flat().some((i) => i.scopeUri === uri && i.section === 'docksmith'));
    });

    it('the reference Dockerfile of the standard gets an empty diagnostics list', async () => {
      const p = await openAndWait(docUri(), REFERENCE);
      assert.deepEqual(codes(p), []);
    });

    it('a <Dockerfile>.dockerignore (the dockerfile language\'s Dockerfile.* pattern matches it) gets no findings and no hover', async () => {
      const uri = uriOf(path.join(proj, `Dockerfile.payments.${++n}.dockerignore`));
      // control: the same text as a Dockerfile is reported (no FROM, no USER, ...)
      const control = await openAndWait(docUri(), '.venv\n.git\n**/__pycache__\n');
      assert.ok(control.diagnostics.length > 0, 'the ignore text linted as a Dockerfile has findings');
      const p = await openAndWait(uri, '.venv\n.git\n**/__pycache__\n');
      assert.deepEqual(codes(p), []);
      assert.equal(await client.hover(uri, { line: 0, character: 1 }), null);
    });

    it('hover explains FROM, USER and gunicorn flags in markdown', async () => {
      const bad = docUri();
      await openAndWait(bad, BAD);
      const from = md(await client.hover(bad, positionOf(BAD, /^FROM python:3\.11-slim AS runtime/m, 1)));
      assert.match(from, /\*\*runtime stage\*\*: the image that ships/);
      const workers = md(await client.hover(bad, positionOf(BAD, /"--workers"/, 3)));
      assert.match(workers, /--workers 4/);
      assert.match(workers, /4 vCPU/, 'the vCPU count from pyproject.toml');
      const bind = md(await client.hover(bad, positionOf(BAD, /"127\.0\.0\.1:8000"/, 3)));
      assert.match(bind, /0\.0\.0\.0:8000/);
      const ref = docUri();
      await openAndWait(ref, REFERENCE);
      const user = md(await client.hover(ref, positionOf(REFERENCE, /^USER 1000/m, 1)));
      assert.match(user, /UID 1000/);
      // a line without anything to explain
      assert.equal(await client.hover(ref, positionOf(REFERENCE, /^EXPOSE/m, 1)), null);
    });

    it('the non-root-user quick fix is "Add USER 1000" and inserts USER 1000 before CMD', async () => {
      const uri = docUri();
      const p = await openAndWait(uri, BAD);
      const diag = find(p, 'non-root-user')!;
      const actions = (await client.codeActions(uri, diag.range, [diag])) as CodeAction[];
      assert.ok(Array.isArray(actions));
      const fix = actions.find((a) => a.title === 'Add USER 1000');
      assert.ok(fix, `actions: ${actions.map((a) => a.title)}`);
      assert.equal(fix.kind, 'quickfix');
      assert.equal(fix.isPreferred, true);
      assert.equal(fix.diagnostics?.[0]?.code, 'non-root-user');
      if (documentChanges) {
        assert.ok(fix.edit?.documentChanges, 'versioned edit when the client supports documentChanges');
        const dc = fix.edit.documentChanges[0] as { textDocument: { version: number } };
        assert.equal(dc.textDocument.version, 1);
      } else {
        assert.ok(fix.edit?.changes?.[uri], 'plain changes when the client does not support documentChanges');
      }
      const fixed = applyEdits(BAD, editsFor(fix.edit, uri));
      assert.match(fixed, /^USER 1000$/m);
      assert.ok(fixed.indexOf('USER 1000') < fixed.indexOf('CMD ['), 'USER comes before CMD');
      assert.ok(fixed.indexOf('USER 1000') > fixed.indexOf('AS runtime'), 'USER lands in the runtime stage');
      // quick fixes for other diagnostics than the one asked for are not offered
      assert.ok(actions.every((a) => a.diagnostics?.every((d) => d.code === 'non-root-user')));
    });

    it('source.fixAll.docksmith returns one action whose result re-lints without the safe-fixable findings', async () => {
      const uri = docUri();
      const p = await openAndWait(uri, BAD);
      // safe-fixable = has a preferred quick fix
      const safe: string[] = [];
      for (const d of p.diagnostics) {
        const acts = (await client.codeActions(uri, d.range, [d], ['quickfix'])) as CodeAction[];
        if (acts.some((a) => a.isPreferred && a.edit)) safe.push(String(d.code));
      }
      assert.ok(safe.includes('non-root-user'), `safe-fixable: ${safe}`);
      assert.ok(!safe.includes('healthcheck'), 'the HEALTHCHECK fix is not safe');
      const actions = (await client.codeActions(uri, wholeRange(BAD), [], ['source.fixAll.docksmith'])) as CodeAction[];
      assert.equal(actions.length, 1, JSON.stringify(actions.map((a) => a.title)));
      assert.equal(actions[0].kind, 'source.fixAll.docksmith');
      const fixed = applyEdits(BAD, editsFor(actions[0].edit, uri));
      assert.notEqual(fixed, BAD);
      const mark = client.mark();
      await client.change(uri, 2, [{ text: fixed }]);
      const q = await client.waitForDiagnostics(uri, mark, (x) => x.version === 2);
      for (const code of safe) assert.ok(!has(q, code), `${code} still reported after fix-all: ${codes(q)}`);
      assert.ok(has(q, 'healthcheck'), 'unsafe fixes are not applied by fix-all');
      // nothing left to fix: no action
      const again = (await client.codeActions(uri, wholeRange(fixed), [], ['source.fixAll.docksmith'])) as CodeAction[];
      assert.deepEqual(again, []);
    });

    it('incremental didChange updates the diagnostics', async () => {
      const uri = docUri();
      await openAndWait(uri, BAD);
      // v2: insert a HEALTHCHECK before CMD
      const cmd = positionOf(BAD, /^CMD \[/m);
      let mark = client.mark();
      await client.change(uri, 2, [{ range: { start: cmd, end: cmd }, text: HEALTHCHECK }]);
      let p = await client.waitForDiagnostics(uri, mark, (x) => x.version === 2);
      assert.ok(!has(p, 'healthcheck'), `healthcheck after adding one: ${codes(p)}`);
      assert.ok(has(p, 'non-root-user'));
      const bind = find(p, 'bind-address')!;
      assert.equal(bind.range.start.line, 16, 'ranges follow the inserted lines');
      // v3: replace 127.0.0.1 by 0.0.0.0 inside the (moved) CMD line
      const text2 = BAD.replace(/^CMD \[/m, HEALTHCHECK + 'CMD [');
      const at = positionOf(text2, /127\.0\.0\.1/);
      mark = client.mark();
      await client.change(uri, 3, [{ range: { start: at, end: { line: at.line, character: at.character + '127.0.0.1'.length } }, text: '0.0.0.0' }]);
      p = await client.waitForDiagnostics(uri, mark, (x) => x.version === 3);
      assert.ok(!has(p, 'bind-address'), `bind-address after the edit: ${codes(p)}`);
      assert.deepEqual(codes(p).sort(), ['non-root-user', 'use-uv']);
    });

    it('workspace/configuration is honoured and re-read after didChangeConfiguration', async () => {
      const uri = docUri();
      const before = await openAndWait(uri, BAD);
      assert.ok(has(before, 'healthcheck'));
      const asked = client.configurationRequests.length;
      client.configuration = () => ({ rules: { healthcheck: 'off', 'bind-address': 'info' } });
      try {
        let mark = client.mark();
        await client.didChangeConfiguration({ docksmith: { rules: { healthcheck: 'off', 'bind-address': 'info' } } });
        const p = await client.waitForDiagnostics(uri, mark, (x) => !has(x, 'healthcheck'));
        assert.ok(client.configurationRequests.length > asked, 'settings were requested again');
        assert.ok(has(p, 'non-root-user'), 'other rules still run');
        assert.equal(find(p, 'bind-address')?.severity, 3, 'bind-address configured as info');
        client.configuration = () => ({});
        mark = client.mark();
        await client.didChangeConfiguration({ docksmith: {} });
        const q = await client.waitForDiagnostics(uri, mark, (x) => has(x, 'healthcheck'));
        assert.equal(find(q, 'bind-address')?.severity, 1, 'back to its default severity (error)');
      } finally {
        client.configuration = () => ({});
      }
    });

    it('a pyproject.toml change (didChangeWatchedFiles) re-lints with the new vcpu', async () => {
      const uri = docUri();
      const pyUri = uriOf(path.join(proj, 'pyproject.toml'));
      const p = await openAndWait(uri, BAD);
      assert.ok(!has(p, 'workers-match-vcpu'), '4 workers on 4 vCPU');
      try {
        fs.writeFileSync(path.join(proj, 'pyproject.toml'), PYPROJECT(2));
        let mark = client.mark();
        await client.didChangeWatchedFiles([{ uri: pyUri, type: 2 }]);
        const q = await client.waitForDiagnostics(uri, mark, (x) => has(x, 'workers-match-vcpu'));
        assert.match(message(find(q, 'workers-match-vcpu')!), /2 vCPU/);
        assert.match(md(await client.hover(uri, positionOf(BAD, /"--workers"/, 3))), /2 vCPU/);
        fs.writeFileSync(path.join(proj, 'pyproject.toml'), PYPROJECT(4));
        mark = client.mark();
        await client.didChangeWatchedFiles([{ uri: pyUri, type: 2 }]);
        await client.waitForDiagnostics(uri, mark, (x) => !has(x, 'workers-match-vcpu') && has(x, 'non-root-user'));
      } finally {
        fs.writeFileSync(path.join(proj, 'pyproject.toml'), PYPROJECT(4));
      }
    });

    it('a malformed pyproject.toml gets diagnostics naming the line, and the Dockerfile is still linted', async () => {
      const dir = path.join(tmp, 'broken');
      fs.mkdirSync(dir);
      const py = path.join(dir, 'pyproject.toml');
      fs.writeFileSync(py, '[project]\nname = "broken"\ndependencies = ["fastapi"]\n\n[tool.docksmith]\nvcpu = = 4\n');
      const pyUri = uriOf(py);
      const uri = uriOf(path.join(dir, 'Dockerfile'));
      const mark = client.mark();
      await client.open(uri, BAD);
      const pyDiags = await client.waitForDiagnostics(pyUri, mark, (x) => x.diagnostics.length > 0);
      const d = pyDiags.diagnostics[0];
      assert.equal(d.source, 'docksmith');
      assert.equal(d.range.start.line, 5, 'the line of `vcpu = = 4` (0-based)');
      assert.match(message(d), /line 6/);
      const docDiags = await client.waitForDiagnostics(uri, mark);
      assert.ok(has(docDiags, 'non-root-user'), `Dockerfile diagnostics: ${codes(docDiags)}`);
      // fixing the file clears its diagnostics
      fs.writeFileSync(py, PYPROJECT(4));
      const mark2 = client.mark();
      await client.didChangeWatchedFiles([{ uri: pyUri, type: 2 }]);
      await client.waitForDiagnostics(pyUri, mark2, (x) => x.diagnostics.length === 0);
    });

    it('CRLF and BOM documents get the same findings on the same lines as LF; the CRLF quick fix keeps CRLF', async () => {
      const lf = await openAndWait(docUri(), BAD);
      const byCode = (p: Publication) => p.diagnostics.map((d) => `${d.code}@${d.range.start.line}`).sort();
      const crlfText = BAD.replace(/\n/g, '\r\n');
      const crlfUri = docUri();
      const crlf = await openAndWait(crlfUri, crlfText);
      assert.deepEqual(byCode(crlf), byCode(lf));
      const bom = await openAndWait(docUri(), '\uFEFF' + BAD);
      assert.deepEqual(byCode(bom), byCode(lf));
      const diag = find(crlf, 'non-root-user')!;
      const acts = (await client.codeActions(crlfUri, diag.range, [diag])) as CodeAction[];
      const fix = acts.find((a) => a.title === 'Add USER 1000');
      assert.ok(fix);
      const fixed = applyEdits(crlfText, editsFor(fix.edit, crlfUri));
      assert.match(fixed, /USER 1000\r\n/);
      assert.ok(!/[^\r]\n/.test(fixed), 'no bare LF introduced into a CRLF file');
    });

    it('garbage documents (binary junk, empty, huge) do not crash the server', async (t) => {
      const junkUri = docUri('junk');
      const j = await openAndWait(junkUri, junk(20_000));
      assert.ok(Array.isArray(j.diagnostics));
      const empty = await openAndWait(docUri('empty'), '');
      assert.ok(Array.isArray(empty.diagnostics));
      assert.ok(!client.exit, 'server alive');

      const big = bigDockerfile(50_000);
      assert.ok(big.split('\n').length >= 50_000);
      const bigUri = docUri('big');
      const t0 = Date.now();
      const b = await openAndWait(bigUri, big, undefined, 60_000);
      const ms = Date.now() - t0;
      t.diagnostic(`${transport}: 50,000-line file (${(big.length / 1e6).toFixed(1)} MB) diagnostics after ${ms} ms (${b.diagnostics.length} findings: ${[...new Set(codes(b))].join(', ') || 'none'})`);
      assert.ok(ms < 20_000, `50k-line diagnostics took ${ms} ms`);
      assert.ok(!has(b, 'file-too-large'), 'a 2 MB file is linted, not skipped');

      // the server keeps answering: hover on junk, on the big file and on a normal document
      const h1 = await client.hover(junkUri, { line: 0, character: 3 });
      assert.ok(h1 === null || typeof h1 === 'object');
      const hb = md(await client.hover(bigUri, positionOf(big, /"--workers"/, 3)));
      assert.match(hb, /--workers 4/);
      const ok = docUri();
      await openAndWait(ok, REFERENCE);
      assert.match(md(await client.hover(ok, positionOf(REFERENCE, /^USER 1000/m, 1))), /UID 1000/);
      const fixJunk = await client.codeActions(junkUri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], ['source.fixAll.docksmith']);
      assert.ok(Array.isArray(fixJunk));
      assert.ok(!client.exit, 'server alive');
    });

    describe('workspace/executeCommand docksmith.scaffold', () => {
      const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
      const copyProject = (name: string): string => {
        const dest = path.join(tmp, `scaffold-${name}-${++n}`);
        fs.cpSync(path.join(FIXTURES, 'projects', name), dest, { recursive: true });
        return dest;
      };
      const exec = (args: unknown[]) => client.conn.sendRequest('workspace/executeCommand', { command: 'docksmith.scaffold', arguments: args });
      const failure = async (args: unknown[]): Promise<{ code: number; message: string; data?: { code?: string; candidates?: { target: string }[] } }> => {
        try { await exec(args); } catch (err) { return err as { code: number; message: string }; }
        throw new Error(`docksmith.scaffold ${JSON.stringify(args)} should have failed`);
      };

      it('is announced in executeCommandProvider', () => {
        assert.deepEqual(init.capabilities.executeCommandProvider?.commands?.includes('docksmith.scaffold'), true);
      });

      it('returns the golden Dockerfile, .dockerignore and notes, writes nothing, and the result lints clean in place', async () => {
        const dir = copyProject('fastapi-uv-lock');
        const before = fs.readdirSync(dir).sort();
        const r = await exec([{ pyproject: uriOf(path.join(dir, 'pyproject.toml')), vcpu: 2 }]) as { dockerfile: string; dockerignore: string; notes: string[] };
        assert.equal(r.dockerfile, fs.readFileSync(path.join(FIXTURES, 'scaffold', 'fastapi-uv-lock.Dockerfile'), 'utf8'));
        assert.equal(r.dockerignore, fs.readFileSync(path.join(FIXTURES, 'scaffold', 'fastapi-uv-lock.dockerignore'), 'utf8'));
        assert.ok(Array.isArray(r.notes) && r.notes.some((x) => x.includes('orders_api.main:app')), JSON.stringify(r.notes));
        assert.deepEqual(fs.readdirSync(dir).sort(), before, 'the server never writes');
        const p = await openAndWait(uriOf(path.join(dir, 'Dockerfile')), r.dockerfile);
        assert.deepEqual(p.diagnostics.map((d) => `${d.code}: ${message(d)}`), []);
      });

      it('answers bad input with readable LSP errors', async () => {
        const malformed = await failure([{ pyproject: uriOf(path.join(copyProject('malformed-toml'), 'pyproject.toml')) }]);
        assert.equal(malformed.code, -32803);
        assert.match(malformed.message, /pyproject\.toml: line 13, column 5: not valid TOML/);
        assert.match((await failure([{ pyproject: uriOf(path.join(copyProject('poetry-only'), 'pyproject.toml')) }])).message, /Poetry project.*uv/);
        const ambiguous = await failure([{ pyproject: uriOf(path.join(copyProject('scaffold-tied-apps'), 'pyproject.toml')), vcpu: 1 }]);
        assert.equal(ambiguous.data?.code, 'needs-app');
        assert.deepEqual(ambiguous.data?.candidates?.map((c) => c.target).sort(), ['billing.internal_api:app', 'billing.public_api:app']);
        assert.match((await failure([{ pyproject: uriOf(path.join(tmp, 'nowhere', 'pyproject.toml')) }])).message, /does not exist/);
        assert.match((await failure([{ pyproject: 'https://example.com/pyproject.toml' }])).message, /not a file URI/);
        assert.match((await failure([])).message, /expects one argument/);
        assert.match((await failure([{ pyproject: uriOf(path.join(proj, 'pyproject.toml')), vcpu: 'four' }])).message, /"vcpu" must be a number/);
      });

      it('tells the client which configuration applies (docksmith/status), with no absolute path', async () => {
        const uri = docUri();
        await openAndWait(uri, 'FROM python:3.11-slim\nUSER 1000\n');
        const st = [...client.statuses].reverse().find((x) => x.uri === uri) as { pyproject?: string; vcpu?: { value: number; source: string }; python: { value: string }; rulesOff: string[] } | undefined;
        assert.ok(st, 'a docksmith/status notification for the document');
        assert.equal(st.pyproject, 'svc/pyproject.toml');
        assert.equal(st.vcpu?.value, 4);
        assert.match(st.vcpu!.source, /^\[tool\.docksmith\] in svc\/pyproject\.toml$/);
        assert.equal(st.python.value, '3.11');
        assert.ok(!JSON.stringify({ ...st, uri: undefined }).includes(tmp), 'no absolute path in what is shown');
      });

      it('offers the client-side commands (scaffold, rule docs) only to a client that announces them', async () => {
        const uri = docUri();
        const p = await openAndWait(uri, 'FROM python:3.11-slim\nCOPY . .\nRUN pip install -r requirements.txt\n');
        const diag = find(p, 'multi-stage');
        assert.ok(diag, `multi-stage expected: ${codes(p)}`);
        const actions = (await client.codeActions(uri, diag.range, [diag])) as CodeAction[];
        const action = actions.find((a) => a.command?.command === 'docksmith.createDockerfile');
        const docs = actions.find((a) => a.command?.command === 'docksmith.showRuleDocs');
        if (transport === 'ipc') {
          assert.ok(action, `actions: ${actions.map((a) => a.title)}`);
          assert.deepEqual(action.command!.arguments, [uriOf(path.join(proj, 'pyproject.toml'))]);
          assert.equal(docs?.title, 'Show documentation for multi-stage');
          assert.match(String(docs?.command?.arguments?.[0]), /^file:.*docs\/rules\/multi-stage\.md$/);
        } else {
          assert.equal(action, undefined, 'a client that did not announce docksmith.createDockerfile cannot run it');
          assert.equal(docs, undefined);
          assert.ok(actions.some((a) => /^Ignore multi-stage/.test(a.title)), 'the other actions are still offered');
        }
      });
    });

    it('logged no handler or rule errors during the session', () => {
      const errors = client.logs.filter((l) => l.type === 1);
      assert.deepEqual(errors.map((e) => e.message.slice(0, 500)), []);
      assert.deepEqual(client.shownMessages.filter((m) => m.type === 1), []);
    });

    it('shutdown + exit ends the process with code 0', async () => {
      const res = await client.shutdown();
      assert.deepEqual(res, { code: 0, signal: null });
    });
  });
}

describe('docksmith language server with settings pushed by didChangeConfiguration (no workspace/configuration)', () => {
  let client: LspClient;
  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docksmith-lsp-push-'));
    fs.writeFileSync(path.join(tmp, 'pyproject.toml'), PYPROJECT(4));
    fs.writeFileSync(path.join(tmp, 'uv.lock'), 'version = 1\n');
    fs.mkdirSync(path.join(tmp, 'src'));
    fs.writeFileSync(path.join(tmp, 'src', 'main.py'), 'from fastapi import FastAPI\napp = FastAPI()\n');
    client = LspClient.start('stdio', { configuration: false });
    await client.initialize(tmp);
  });

  after(() => {
    client?.kill();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('uses the pushed docksmith section and never asks for workspace/configuration', async () => {
    const uri = uriOf(path.join(tmp, 'Dockerfile'));
    let mark = client.mark();
    await client.open(uri, BAD);
    const p = await client.waitForDiagnostics(uri, mark);
    assert.ok(has(p, 'healthcheck'));
    mark = client.mark();
    await client.didChangeConfiguration({ docksmith: { rules: { healthcheck: 'off' } } });
    const q = await client.waitForDiagnostics(uri, mark);
    assert.ok(!has(q, 'healthcheck'), `after push: ${codes(q)}`);
    assert.ok(has(q, 'non-root-user'));
    mark = client.mark();
    await client.didChangeConfiguration({ docksmith: { enable: false } });
    const r = await client.waitForDiagnostics(uri, mark);
    assert.deepEqual(codes(r), [], 'docksmith.enable = false clears the diagnostics');
    assert.equal(client.configurationRequests.length, 0);
    assert.deepEqual(await client.shutdown(), { code: 0, signal: null });
  });
});
