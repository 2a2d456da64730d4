// The snippets in snippets/dockerfile.json: valid JSON with prefix/body/description, tab stops
// numbered 1..N, and every snippet, expanded with its default placeholder values and placed in a
// realistic Dockerfile, lints with zero Docksmith findings. A small expander for VS Code's snippet
// syntax ($1, ${1:default}, ${1|a,b|}, nested placeholders, mirrors, $0, \$ \} \\ escapes) turns
// the bodies into text; changed placeholder values must flow into that text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { lintText } from '../../server/src/service/linter';
import { makeStandard } from '../../server/src/service/standard';
import { LintContext } from '../../server/src/service/types';

// ---------------------------------------------------------------------------------------------
// A VS Code snippet expander (the subset snippets here may use; variables and transforms throw)

type SnippetNode =
  | { kind: 'text'; value: string }
  | { kind: 'tabstop'; index: number; children?: SnippetNode[]; choices?: string[] };

function parseSnippet(src: string): SnippetNode[] {
  let pos = 0;
  // Parses until end of input, or until an unescaped `}` when inside a placeholder.
  function parseSeq(inPlaceholder: boolean): SnippetNode[] {
    const out: SnippetNode[] = [];
    let text = '';
    const flush = () => { if (text) { out.push({ kind: 'text', value: text }); text = ''; } };
    while (pos < src.length) {
      const c = src[pos];
      if (c === '\\' && pos + 1 < src.length && '$}\\'.includes(src[pos + 1])) { text += src[pos + 1]; pos += 2; continue; }
      if (c === '}' && inPlaceholder) { flush(); return out; }
      if (c === '$') {
        const node = parseDollar();
        if (node) { flush(); out.push(node); continue; }
        text += c; pos++; continue; // a `$` that starts nothing is literal text (as in VS Code)
      }
      text += c; pos++;
    }
    if (inPlaceholder) throw new Error(`unterminated placeholder in snippet: ${src}`);
    flush();
    return out;
  }
  function parseDollar(): SnippetNode | undefined {
    const rest = src.slice(pos);
    let m = /^\$(\d+)/.exec(rest);
    if (m) { pos += m[0].length; return { kind: 'tabstop', index: +m[1] }; }
    if (/^\$[_a-zA-Z]/.test(rest) || /^\$\{[_a-zA-Z]/.test(rest)) throw new Error(`snippet variable at "${rest.slice(0, 20)}": unsupported here (escape a literal $ as \\$)`);
    m = /^\$\{(\d+)/.exec(rest);
    if (!m) return undefined;
    const index = +m[1];
    const after = pos + m[0].length;
    const next = src[after];
    if (next === '}') { pos = after + 1; return { kind: 'tabstop', index }; }
    if (next === ':') {
      pos = after + 1;
      const children = parseSeq(true);
      pos++; // the closing }
      return { kind: 'tabstop', index, children };
    }
    if (next === '|') {
      pos = after + 1;
      const choices: string[] = [];
      let cur = '';
      while (pos < src.length) {
        const c = src[pos];
        if (c === '\\' && pos + 1 < src.length && ',|\\$}'.includes(src[pos + 1])) { cur += src[pos + 1]; pos += 2; continue; }
        if (c === ',') { choices.push(cur); cur = ''; pos++; continue; }
        if (c === '|' && src[pos + 1] === '}') { choices.push(cur); pos += 2; return { kind: 'tabstop', index, choices }; }
        cur += c; pos++;
      }
      throw new Error(`unterminated choice in snippet: ${src}`);
    }
    if (next === '/') throw new Error('snippet transforms are unsupported here');
    return undefined;
  }
  return parseSeq(false);
}

/** Every tab stop node, nested ones included, in document order. */
function tabstops(nodes: SnippetNode[], acc: Extract<SnippetNode, { kind: 'tabstop' }>[] = []) {
  for (const n of nodes) {
    if (n.kind !== 'tabstop') continue;
    acc.push(n);
    if (n.children) tabstops(n.children, acc);
  }
  return acc;
}

/**
 * The text VS Code inserts when every placeholder keeps its default (the first choice of a
 * choice), or the value in `values` for the tab stops given there. Like VS Code, the first
 * occurrence of an index that has a default defines the text of all its mirrors; $0 is empty.
 */
function expandSnippet(body: string | string[], values: Record<number, string> = {}): string {
  const nodes = parseSnippet(Array.isArray(body) ? body.join('\n') : body);
  const defs = new Map<number, Extract<SnippetNode, { kind: 'tabstop' }>>();
  for (const t of tabstops(nodes)) if ((t.children?.length || t.choices) && !defs.has(t.index)) defs.set(t.index, t);
  const render = (list: SnippetNode[], depth: number): string => {
    if (depth > 20) throw new Error('recursive placeholder');
    return list.map((n) => {
      if (n.kind === 'text') return n.value;
      if (n.index in values) return values[n.index];
      const def = defs.get(n.index);
      if (!def) return '';
      return def.choices ? def.choices[0] : render(def.children!, depth + 1);
    }).join('');
  };
  return render(nodes, 0);
}

describe('snippet expander', () => {
  it('expands tab stops, placeholders, choices, mirrors, nesting and escapes', () => {
    assert.equal(expandSnippet('a $1 b ${2} c$0'), 'a  b  c');
    assert.equal(expandSnippet('${1:x}-$1-${1}'), 'x-x-x');
    assert.equal(expandSnippet('$1 then ${1:late}'), 'late then late');
    assert.equal(expandSnippet('${1|one,two|} $1'), 'one one');
    assert.equal(expandSnippet('${1|a\\,b,c|}'), 'a,b');
    assert.equal(expandSnippet('${1:outer ${2:inner} end} / $2'), 'outer inner end / inner');
    assert.equal(expandSnippet('${1:outer ${2:inner} end}', { 2: 'X' }), 'outer X end');
    assert.equal(expandSnippet('${1:outer ${2:inner} end}', { 1: 'all' }), 'all');
    assert.equal(expandSnippet('\\$PATH \\} \\\\ ${1:a\\}b} $ 5 ${x'.replace('${x', '$ {x')), '$PATH } \\ a}b $ 5 $ {x');
    assert.equal(expandSnippet('${1:module:app}'), 'module:app');
    assert.equal(expandSnippet(['l1 ${1:a}', 'l2 $1']), 'l1 a\nl2 a');
    assert.throws(() => expandSnippet('$PATH'), /variable/);
    assert.throws(() => expandSnippet('${1:open'), /unterminated/);
  });
});

// ---------------------------------------------------------------------------------------------
// The snippets file

interface Snippet { prefix: string | string[]; body: string | string[]; description: string }

const FILE = path.join(__dirname, '../../../snippets/dockerfile.json');
const raw = fs.readFileSync(FILE, 'utf8');
const SNIPPETS: Record<string, Snippet> = JSON.parse(raw);

const ctx = (settings = {}): LintContext => ({
  standard: makeStandard({ settings: { vcpu: 4, ...settings } }),
  facts: { hasUvLock: true, dependencies: ['fastapi'] },
});

/** The snippet whose prefixes include `prefix`. */
function byPrefix(prefix: string): Snippet {
  const found = Object.values(SNIPPETS).filter((s) => ([] as string[]).concat(s.prefix).includes(prefix));
  assert.equal(found.length, 1, `exactly one snippet with prefix ${prefix}`);
  return found[0];
}
const expand = (prefix: string, values: Record<number, string> = {}) => expandSnippet(byPrefix(prefix).body, values);

function findings(text: string, c = ctx()) {
  return lintText(text, c).diagnostics.map((d) => `${d.rule} @${d.range.start.line + 1}: ${d.message}`);
}

// The reference Dockerfile of the standard (docs/standard.md), split in pieces the contexts below put together.
const REF_BUILDER = [
  '# syntax=docker/dockerfile:1',
  'FROM python:3.11-slim AS builder',
  'RUN apt-get update \\',
  ' && apt-get install -y --no-install-recommends gcc g++ \\',
  ' && rm -rf /var/lib/apt/lists/*',
  'COPY --from=ghcr.io/astral-sh/uv:0.9.5 /uv /uvx /bin/',
  'ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=0',
  'WORKDIR /app',
  'COPY pyproject.toml uv.lock ./',
  'RUN --mount=type=cache,target=/root/.cache/uv \\',
  '    uv sync --locked --no-install-project --no-dev',
  'COPY src/ ./src/',
  'RUN --mount=type=cache,target=/root/.cache/uv \\',
  '    uv sync --locked --no-dev',
  '',
].join('\n');
const RT_HEAD = ['FROM python:3.11-slim AS runtime', 'ENV PYTHONUNBUFFERED=1 PATH="/app/.venv/bin:$PATH"'].join('\n');
const RT_USER = ['RUN useradd --create-home --uid 1000 app', 'WORKDIR /app', 'COPY --from=builder --chown=1000:1000 /app /app', 'USER 1000'].join('\n');
const RT_EXPOSE = 'EXPOSE 8000';
const RT_HEALTH = ['HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\',
  '  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(\'http://localhost:8000/health\', timeout=4)"]'].join('\n');
const RT_CMD = 'CMD ["gunicorn", "src.main:app", "--workers", "4", "--worker-class", "uvicorn.workers.UvicornWorker", "--bind", "0.0.0.0:8000", "--timeout", "120", "--graceful-timeout", "30"]';
const join = (...parts: string[]) => parts.map((p) => p.replace(/\n$/, '')).join('\n') + '\n';
const REF_RUNTIME = join(RT_HEAD, RT_USER, RT_EXPOSE, RT_HEALTH, RT_CMD);

/** Where each snippet goes (a Dockerfile built around it) and what that Dockerfile reports without it. */
const CONTEXTS: Record<string, { build: (snippet: string) => string; without: string[] }> = {
  'docksmith-builder': { build: (s) => join(s, REF_RUNTIME), without: [] },
  'docksmith-runtime': { build: (s) => join(REF_BUILDER, s), without: [] },
  'docksmith-uv': {
    build: (s) => join('FROM python:3.11-slim AS builder', 'WORKDIR /app', s, REF_RUNTIME),
    without: [],
  },
  'docksmith-user': {
    build: (s) => join(REF_BUILDER, RT_HEAD, s, 'WORKDIR /app', 'COPY --from=builder --chown=1000:1000 /app /app', RT_EXPOSE, RT_HEALTH, RT_CMD),
    without: ['non-root-user'],
  },
  'docksmith-healthcheck': {
    build: (s) => join(REF_BUILDER, RT_HEAD, RT_USER, RT_EXPOSE, s, RT_CMD),
    without: ['healthcheck'],
  },
  'docksmith-cmd': {
    build: (s) => join(REF_BUILDER, RT_HEAD, RT_USER, RT_EXPOSE, RT_HEALTH, s),
    without: [],
  },
};

describe('snippets/dockerfile.json', () => {
  it('is valid JSON: an object of snippets with prefix, body and description', () => {
    assert.equal(typeof SNIPPETS, 'object');
    assert.ok(Object.keys(SNIPPETS).length >= 6);
    for (const [name, s] of Object.entries(SNIPPETS)) {
      const prefixes = ([] as unknown[]).concat(s.prefix);
      assert.ok(prefixes.length > 0 && prefixes.every((p) => typeof p === 'string' && /^docksmith-[a-z-]+$/.test(p)), `${name}: prefixes docksmith-*`);
      const body = ([] as unknown[]).concat(s.body);
      assert.ok(body.length > 0 && body.every((l) => typeof l === 'string'), `${name}: body is a string or an array of strings`);
      assert.ok(typeof s.description === 'string' && s.description.length >= 40, `${name}: a real description`);
    }
    const all = Object.values(SNIPPETS).flatMap((s) => ([] as string[]).concat(s.prefix));
    assert.equal(new Set(all).size, all.length, 'prefixes are unique');
  });

  it('every snippet parses, uses no variables, and numbers its tab stops 1..N (plus $0)', () => {
    for (const [name, s] of Object.entries(SNIPPETS)) {
      const stops = tabstops(parseSnippet(([] as string[]).concat(s.body).join('\n')));
      const used = [...new Set(stops.map((t) => t.index).filter((i) => i > 0))].sort((a, b) => a - b);
      assert.ok(used.length > 0, `${name}: has placeholders`);
      assert.deepEqual(used, used.map((_, i) => i + 1), `${name}: tab stops ${used.join(',')} are consecutive from 1`);
      // the first occurrence of each index carries its default, so tabbing shows the value
      const first = new Map<number, (typeof stops)[number]>();
      for (const t of stops) if (!first.has(t.index)) first.set(t.index, t);
      for (const [i, t] of first) if (i > 0) assert.ok(t.children?.length || t.choices, `${name}: first $${i} has a default`);
      assert.ok(stops.some((t) => t.index === 0), `${name}: ends at $0`);
    }
  });

  it('covers builder, runtime, uv, non-root user, HEALTHCHECK and gunicorn CMD', () => {
    for (const prefix of Object.keys(CONTEXTS)) byPrefix(prefix);
  });

  for (const [prefix, c] of Object.entries(CONTEXTS)) {
    it(`${prefix}: expands with defaults to text that lints clean in context`, () => {
      const text = expand(prefix);
      assert.doesNotMatch(text, /\$\{|\$\d/, 'no placeholder syntax left');
      assert.deepEqual(findings(c.build(text)), []);
      // the context really needs the snippet: without it, the expected rules report
      const bare = findings(c.build(''));
      for (const rule of c.without) assert.ok(bare.some((f) => f.startsWith(rule + ' ')), `${prefix}: context without the snippet reports ${rule} (got ${bare.join('; ') || 'nothing'})`);
    });
  }

  it('builder + runtime snippets alone make the reference Dockerfile of the standard', () => {
    const text = join(expand('docksmith-builder'), expand('docksmith-runtime'));
    assert.deepEqual(findings(text), []);
    assert.equal(text.replace(/\n+/g, '\n'), join(REF_BUILDER, REF_RUNTIME).replace(/\n+/g, '\n'));
    assert.match(text, /^ENV PYTHONUNBUFFERED=1 PATH="\/app\/\.venv\/bin:\$PATH"$/m, 'escaped \\$PATH stays literal');
  });

  it('changed placeholder values flow into the text (and the linter sees them)', () => {
    const cmd = expand('docksmith-cmd', { 2: '9' });
    assert.match(cmd, /"--workers", "9"/);
    const ctxCmd = CONTEXTS['docksmith-cmd'].build;
    assert.ok(findings(ctxCmd(cmd)).some((f) => f.startsWith('workers-match-vcpu ')), 'workers 9 on 4 vCPU is reported');
    assert.match(expand('docksmith-cmd', { 1: 'app.api:api', 4: '9000' }), /^CMD \["gunicorn", "app\.api:api", .*"--bind", "0\.0\.0\.0:9000"/);

    // runtime: the port mirrors into EXPOSE, the health URL and --bind; the uid into --chown and USER
    const rt = expand('docksmith-runtime', { 1: '3.12', 2: '1001', 4: '8080', 5: '/healthz', 7: '2' });
    assert.match(rt, /^FROM python:3\.12-slim AS runtime$/m);
    assert.match(rt, /--uid 1001 app/);
    assert.match(rt, /--chown=1001:1001 /);
    assert.match(rt, /^USER 1001$/m);
    assert.match(rt, /^EXPOSE 8080$/m);
    assert.match(rt, /http:\/\/localhost:8080\/healthz'/);
    assert.match(rt, /"0\.0\.0\.0:8080"/);
    assert.match(rt, /"--workers", "2"/);
    const custom = join(expand('docksmith-builder', { 1: '3.12' }), rt);
    assert.deepEqual(findings(custom, ctx({ uid: 1001, port: 8080, healthPath: '/healthz', vcpu: 2, python: '3.12' })), []);
    const rules = findings(custom).map((f) => f.split(' ')[0]);
    for (const r of ['user-uid', 'workers-match-vcpu', 'base-image']) assert.ok(rules.includes(r), `with the default settings ${r} is reported (got ${rules.join(',')})`);

    // the second choice of a choice placeholder is accepted too
    assert.deepEqual(findings(CONTEXTS['docksmith-cmd'].build(expand('docksmith-cmd', { 3: 'uvicorn_worker.UvicornWorker' }))), []);
    assert.match(expand('docksmith-user', { 1: '0' }), /^USER 0$/m);
    assert.ok(findings(CONTEXTS['docksmith-user'].build(expand('docksmith-user', { 1: '0' }))).some((f) => f.startsWith('non-root-user ')));
    assert.match(expand('docksmith-healthcheck', { 6: '/ready' }), /localhost:8000\/ready'/);
  });
});
