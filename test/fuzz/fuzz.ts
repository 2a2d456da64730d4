// Seeded fuzzing of the core as the language server drives it: documents mutated from the fixture
// corpus (lines deleted, duplicated, swapped, truncated, two files spliced, random bytes, quotes,
// backslashes, heredoc openers, backticks) are linted, hovered on every line, asked for quick fixes
// and fixed with fix-all. Each document must give no exception, only ranges inside the document,
// and a fix-all that is idempotent: fixAll(fixAll(x)) === fixAll(x).
//
// Used by test/unit/fuzz.test.ts (a short run in `npm test`) and scripts/fuzz.mjs (`npm run fuzz`).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintText } from '../../server/src/service/linter';
import { fixAll } from '../../server/src/service/fixes';
import { fixAllEdit, quickFixes } from '../../server/src/service/actions';
import { hover } from '../../server/src/service/hover';
import { applyEdits } from '../../server/src/service/text';
import { makeStandard } from '../../server/src/service/standard';
import { LintContext } from '../../server/src/service/types';

export const FIXTURES = path.join(__dirname, '../../../test/fixtures');
/** Saved failing inputs: every file here is a regression fixture (test/unit/fuzz.test.ts runs them all). */
export const REGRESSIONS = path.join(FIXTURES, 'fuzz');

export type FailureKind = 'exception' | 'range' | 'idempotence';
export interface Failure { kind: FailureKind; what: string; ctx: number; doc: string }

/** The contexts every document is checked under: the standard with and without project facts. */
export const CONTEXTS: LintContext[] = [
  { standard: makeStandard({ settings: { vcpu: 4 } }), facts: { hasUvLock: true, dependencies: ['fastapi'] } },
  { standard: makeStandard({}), facts: {} },
  { standard: makeStandard({ settings: { vcpu: 1, port: 8080, healthPath: '/healthz', python: '3.12', rules: { healthcheck: 'error' } } }),
    facts: { hasUvLock: false, dependencies: ['flask'], hasGunicornConfig: true } },
];

/** mulberry32: small, fast, and the same sequence for a seed on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every Dockerfile fixture in the repository: the seeds of the mutations. */
export function corpus(dir = FIXTURES): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Dockerfile/.test(e.name)) out.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

const SNIPPETS = ['"', "'", '`', '\\', '\\\n', '<<EOF', '<<-EOF\n', 'EOF\n', '$(', '${', '}', '[', ']', '#', '\r', '\r\n', '\t', ' && ', '|', ';',
  '\u0000', '\uFEFF', '\uD800', '\u00e9', '--', '=', 'FROM ', 'AS ', 'USER ', 'CMD ', 'RUN ', 'COPY --from=', 'HEALTHCHECK ', 'ENTRYPOINT [',
  '# docksmith ignore=', '# escape=`\n', 'gunicorn ', '--workers ', '--bind ', 'uv sync', 'pip install '];

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** One random mutation of `text` (`other` is a second corpus file for splicing). */
export function mutate(r: Rand, text: string, other: string): string {
  const lines = text.split('\n');
  const at = Math.floor(r() * (lines.length + 1));
  switch (Math.floor(r() * 9)) {
    case 0: lines.splice(at, 1 + Math.floor(r() * 3)); return lines.join('\n');
    case 1: { const l = lines[Math.min(at, lines.length - 1)] ?? ''; lines.splice(at, 0, l); return lines.join('\n'); }
    case 2: { const b = Math.floor(r() * lines.length); const a = Math.min(at, lines.length - 1); [lines[a], lines[b]] = [lines[b], lines[a]]; return lines.join('\n'); }
    case 3: return text.slice(0, Math.floor(r() * text.length));
    case 4: { const o = other.split('\n'); const cut = Math.floor(r() * o.length); return [...lines.slice(0, at), ...o.slice(cut)].join('\n'); }
    case 5: {
      let s = '';
      for (let n = 1 + Math.floor(r() * 8); n > 0; n--) s += String.fromCharCode(Math.floor(r() * (r() < 0.8 ? 128 : 0x10000)));
      const pos = Math.floor(r() * (text.length + 1));
      return text.slice(0, pos) + s + text.slice(pos);
    }
    case 6: case 7: {
      const pos = Math.floor(r() * (text.length + 1));
      return text.slice(0, pos) + pick(r, SNIPPETS) + text.slice(pos);
    }
    default: {
      // delete a random span inside a line (half-typed edits)
      const pos = Math.floor(r() * text.length);
      return text.slice(0, pos) + text.slice(pos + 1 + Math.floor(r() * 12));
    }
  }
}

/** Every check on one document under one context; the first failure, or undefined. */
export function checkDocument(doc: string, ctxIndex: number): Failure | undefined {
  const ctx = CONTEXTS[ctxIndex];
  const fail = (kind: FailureKind, what: string): Failure => ({ kind, what, ctx: ctxIndex, doc });
  let step = 'lint';
  try {
    const result = lintText(doc, ctx);
    const len = doc.length;
    const lines = doc.split(/\r\n|\r|\n/);
    const validPos = (p: { line: number; character: number }) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
    for (const d of result.diagnostics) {
      if (!(d.start >= 0 && d.start <= d.end && d.end <= len)) return fail('range', `${d.rule}: offsets ${d.start}-${d.end} outside 0-${len}`);
      if (!validPos(d.range.start) || !validPos(d.range.end)) return fail('range', `${d.rule}: range ${JSON.stringify(d.range)} outside the document`);
      for (const e of d.fix?.edits ?? []) {
        if (!(e.start >= 0 && e.start <= e.end && e.end <= len)) return fail('range', `${d.rule}: fix edit ${e.start}-${e.end} outside 0-${len}`);
      }
    }
    step = 'hover';
    if (result.analysis) {
      const starts = result.model!.lineStarts();
      for (let l = 0; l < starts.length; l++) {
        const s = starts[l];
        const e = l + 1 < starts.length ? starts[l + 1] - 1 : len;
        for (const off of [s, (s + e) >> 1, e]) hover(result.analysis, off);
      }
    }
    step = 'quick fixes';
    for (const q of quickFixes(result, doc, result.diagnostics.map((d) => ({ rule: d.rule, start: d.start, message: d.message })))) {
      for (const e of q.edits) if (!(e.start >= 0 && e.start <= e.end && e.end <= len)) return fail('range', `quick fix "${q.title}": edit ${e.start}-${e.end} outside 0-${len}`);
    }
    step = 'fix-all';
    const edit = fixAllEdit(doc, ctx, result);
    const once = edit ? applyEdits(doc, [edit]) : doc;
    step = 'fix-all of the fixed text';
    const twice = fixAll(once, ctx);
    if (twice !== once) return fail('idempotence', `a second fix-all changed the text (${once.length} → ${twice.length} characters)`);
    return undefined;
  } catch (err) {
    return fail('exception', `${step}: ${err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 3).join(' | ') : String(err)}`);
  }
}

export interface FuzzOptions {
  count: number;
  seed: number;
  /** Where failing inputs are saved (default: the regression folder). Undefined: REGRESSIONS; null: not saved. */
  saveDir?: string | null;
  log?: (line: string) => void;
}

export interface FuzzReport {
  documents: number;
  checks: number;
  ms: number;
  exceptions: number;
  outOfRange: number;
  nonIdempotent: number;
  failures: Failure[];
  saved: string[];
}

/** Mutate, check, report. Deterministic for a seed and corpus. */
export function runFuzz(opts: FuzzOptions): FuzzReport {
  const seeds = corpus();
  const r = rng(opts.seed);
  const report: FuzzReport = { documents: 0, checks: 0, ms: 0, exceptions: 0, outOfRange: 0, nonIdempotent: 0, failures: [], saved: [] };
  const t0 = Date.now();
  for (let i = 0; i < opts.count; i++) {
    let doc = pick(r, seeds);
    for (let n = 1 + Math.floor(r() * 4); n > 0; n--) doc = mutate(r, doc, pick(r, seeds));
    if (r() < 0.3) doc = doc.replace(/\r?\n/g, '\r\n');
    const ctxIndex = i % CONTEXTS.length;
    report.documents++;
    report.checks++;
    const f = checkDocument(doc, ctxIndex);
    if (!f) continue;
    if (f.kind === 'exception') report.exceptions++;
    else if (f.kind === 'range') report.outOfRange++;
    else report.nonIdempotent++;
    report.failures.push(f);
    opts.log?.(`FAIL #${i} (seed ${opts.seed}, context ${ctxIndex}) ${f.kind}: ${f.what}\n--- input (JSON) ---\n${JSON.stringify(doc)}\n---`);
    const dir = opts.saveDir === undefined ? REGRESSIONS : opts.saveDir;
    if (dir) report.saved.push(saveFailure(dir, f, opts.seed, i));
  }
  report.ms = Date.now() - t0;
  return report;
}

/** Save a failing input as a regression fixture: the document as is, and what failed beside it. */
export function saveFailure(dir: string, f: Failure, seed: number, index: number): string {
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `fuzz-${seed}-${index}`);
  fs.writeFileSync(`${base}.Dockerfile`, f.doc);
  fs.writeFileSync(`${base}.json`, JSON.stringify({ kind: f.kind, what: f.what, context: f.ctx, seed, index }, null, 2) + '\n');
  return `${base}.Dockerfile`;
}
