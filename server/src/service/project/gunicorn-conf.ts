// gunicorn.conf.py read as text, never executed: the module-level assignments of settings
// (`workers = 2`, `bind = ["0.0.0.0:8000"]`), each classified as a literal, a formula of the
// machine's CPU count, or something only running the file could tell. Pure; linear time; never
// throws.
//
// A small Python tokenizer (strings with prefixes and triple quotes, comments, brackets, backslash
// continuations) groups the text into logical lines; indentation tells module level from blocks.

import { Positions, withoutBom } from './positions';
import type { FileProblem, GunicornConfig, GunicornSetting } from './types';

/** At most this many problems are reported (junk input would otherwise yield one per line). */
const MAX_PROBLEMS = 20;

/**
 * Reads gunicorn.conf.py. Settings are module-level assignments to a lowercase name not starting
 * with `_` (`workers`, `bind`, `worker_class`, any other setting gunicorn may know); the last
 * assignment wins. `span` covers the statement, `valueSpan` the expression.
 *
 * - `kind: 'literal'`: an int or float (also negative, with `_`), True/False, a string (any quotes,
 *   implicit concatenation, an f-string without placeholders), a list or tuple of strings
 *   (`value: string[]`); parentheses around any of these are fine.
 * - `kind: 'cpu-formula'`: the expression mentions `cpu_count`, `process_cpu_count` or
 *   `sched_getaffinity`, or a name (a variable or a function defined at module level) whose value
 *   or body does.
 * - `kind: 'dynamic'` with the expression's text: anything else (environment lookups, names, calls,
 *   f-strings with placeholders, conditional expressions, `None`); an augmented assignment
 *   (`workers += 1`) with the statement's text; and any assignment inside an
 *   if/elif/else/except/for/while/match block at module level, with `conditional: true`. Bodies of
 *   `try`, `finally` and `with` count as module level. Assignments inside def/class are ignored.
 *
 * Problems (at the opening position): an unterminated string, a bracket never closed, a closing
 * bracket that does not match (at the opener) or has no opener. The statement with the problem is
 * not read; the rest of the file still is. Text with a NUL or U+FFFD (a bad decode) yields one
 * problem "not UTF-8 text" and no settings. A leading byte order mark is not counted in positions.
 */
export function parseGunicornConfig(text: string): GunicornConfig {
  try {
    return parse(withoutBom(String(text)));
  } catch (e) {
    const zero = { line: 0, character: 0 };
    return { settings: new Map(), problems: [{ message: `gunicorn.conf.py could not be read (${e instanceof Error ? e.message : String(e)}).`, span: { start: zero, end: zero } }] };
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens: one logical line at a time, in reused typed arrays (no object per token, no string per
// name: a 1 MB file allocates little beyond the settings it returns).

const enum T { Name = 1, Number, String, Op, Open, Close }

class Toks {
  n = 0;
  kind = new Uint8Array(256);
  /** Offsets [s, e) in the text. */
  s = new Int32Array(256);
  e = new Int32Array(256);
  /** Bracket depth within the logical line: before an opener, after a closer. */
  d = new Int32Array(256);
  /** Strings: where the body between the quotes is. */
  bs = new Int32Array(256);
  be = new Int32Array(256);

  constructor(readonly text: string) {}

  push(kind: T, s: number, e: number, d: number, bs = 0, be = 0): number {
    if (this.n === this.kind.length) this.grow();
    const k = this.n++;
    this.kind[k] = kind; this.s[k] = s; this.e[k] = e; this.d[k] = d; this.bs[k] = bs; this.be[k] = be;
    return k;
  }

  private grow(): void {
    const size = this.kind.length * 2;
    const g = <A extends Uint8Array | Int32Array>(a: A, b: A): A => { b.set(a); return b; };
    this.kind = g(this.kind, new Uint8Array(size));
    this.s = g(this.s, new Int32Array(size));
    this.e = g(this.e, new Int32Array(size));
    this.d = g(this.d, new Int32Array(size));
    this.bs = g(this.bs, new Int32Array(size));
    this.be = g(this.be, new Int32Array(size));
  }

  /** The token's text. */
  str(k: number): string { return this.text.slice(this.s[k], this.e[k]); }
  /** Whether token k is of this kind and reads `str` (without slicing the text). */
  is(k: number, kind: T, str: string): boolean {
    return k >= 0 && k < this.n && this.kind[k] === kind && this.e[k] - this.s[k] === str.length && this.text.startsWith(str, this.s[k]);
  }
  /** An operator at bracket depth 0. */
  top(k: number, op: string): boolean { return this.d[k] === 0 && this.is(k, T.Op, op); }
  /** A string token's prefix in lower case (`f`, `rb`, ''). */
  prefix(k: number): string {
    let q = this.s[k];
    while (q < this.bs[k] && this.text.charCodeAt(q) !== 34 && this.text.charCodeAt(q) !== 39) q++;
    return this.text.slice(this.s[k], q).toLowerCase();
  }
}

const KEYWORDS = new Set(['and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);
const STRING_PREFIX = /^(?:r|u|b|f|br|rb|fr|rf)$/i;
const CPU_NAMES = new Set(['cpu_count', 'process_cpu_count', 'sched_getaffinity']);
const CLOSER: Record<number, number> = { 40: 41, 91: 93, 123: 125 };

type BlockKind = 'def' | 'cond' | 'plain';
interface Block { indent: number; kind: BlockKind; name?: string }

const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 128 && c !== 0xa0 && c !== 0xfeff && c !== 0x2028 && c !== 0x2029);
const isDigit = (c: number) => c >= 48 && c <= 57;

// Runs of characters are scanned with sticky regular expressions (`test` moves `lastIndex` and
// allocates nothing): compiled to machine code, they are fast from the first call.
const IDENT_REST = /[A-Za-z0-9_\u0080-\u009f\u00a1-\u2027\u202a-\ufefe\uff00-\uffff]*/y;
const COMMENT = /[^\r\n]*/y;
const BLANKS = /[ \t\f]*/y;
const NUMBER_REST = /(?:[A-Za-z0-9_.\u0080-\uffff]|(?<=[eE])[+-])*/y;
const HEX_REST = /[A-Za-z0-9_.\u0080-\uffff]*/y;
/** String bodies: up to the closing quote, a line break (single quotes) or the end. */
const BODY_1 = /(?:[^"\\\r\n]|\\(?:\r\n|[\s\S]))*/y;
const BODY_1S = /(?:[^'\\\r\n]|\\(?:\r\n|[\s\S]))*/y;
const BODY_3 = /(?:[^"\\]|\\(?:\r\n|[\s\S])|"(?!""))*/y;
const BODY_3S = /(?:[^'\\]|\\(?:\r\n|[\s\S])|'(?!''))*/y;

/** The end of the run that `re` matches from `at`. */
function runEnd(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  return re.test(text) ? re.lastIndex : at;
}

function parse(text: string): GunicornConfig {
  const pos = new Positions(text);
  const problems: FileProblem[] = [];

  const bad = /[\u0000\uFFFD]/.exec(text);
  if (bad) {
    return { settings: new Map(), problems: [{ message: 'not UTF-8 text: the file has a NUL character or bytes that do not decode as UTF-8, so its settings were not read.', span: pos.span(bad.index, bad.index + 1) }] };
  }

  const problem = (message: string, start: number, end: number) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ message, span: pos.span(start, end) });
  };
  const unterminated = (start: number) => {
    problem(str.triple ? 'Unterminated triple-quoted string: it is never closed.' : 'Unterminated string: it is not closed on this line.', start, str.bs);
  };

  const toks = new Toks(text);
  const lines = new LineReader(text, pos, toks);
  const n = text.length;
  let i = 0;
  let lineStart = 0;
  let indent = 0;
  let broken = false;
  let openStringAtEnd = false;
  /** Token indices of the open brackets. */
  const stack: number[] = [];

  const flush = () => {
    if (toks.n > 0) lines.line(indent, broken);
    toks.n = 0;
    broken = false;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      lineStart = i;
      if (stack.length === 0) flush();
      continue;
    }
    if (c === 32 || c === 9 || c === 12) { i = runEnd(BLANKS, text, i + 1); continue; }
    if (c === 35) { i = runEnd(COMMENT, text, i + 1); continue; } // # comment to the end of the line
    if (c === 92) { // \ line continuation
      const d = text.charCodeAt(i + 1);
      if (d === 10 || d === 13) { i += d === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 2; lineStart = i; continue; }
      if (i + 1 >= n) { i++; continue; }
    }
    if (toks.n === 0 && stack.length === 0) indent = i - lineStart;
    const start = i;

    if (isIdentStart(c)) {
      i = runEnd(IDENT_REST, text, i + 1);
      const q = text.charCodeAt(i);
      if ((q === 34 || q === 39) && i - start <= 2 && STRING_PREFIX.test(text.slice(start, i))) {
        readString(text, i);
        toks.push(T.String, start, str.end, stack.length, str.bs, str.be);
        if (str.unterminated) { broken = true; openStringAtEnd = str.end >= n; unterminated(start); }
        i = str.end;
        continue;
      }
      toks.push(T.Name, start, i, stack.length);
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      const hex = c === 48 && (text.charCodeAt(i + 1) | 32) === 120;
      i = runEnd(hex ? HEX_REST : NUMBER_REST, text, i + 1);
      toks.push(T.Number, start, i, stack.length);
      continue;
    }
    if (c === 34 || c === 39) {
      readString(text, i);
      toks.push(T.String, start, str.end, stack.length, str.bs, str.be);
      if (str.unterminated) { broken = true; openStringAtEnd = str.end >= n; unterminated(start); }
      i = str.end;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) { // ( [ {
      stack.push(toks.push(T.Open, i, i + 1, stack.length));
      i++;
      continue;
    }
    if (c === 41 || c === 93 || c === 125) { // ) ] }
      const open = stack.pop();
      if (open === undefined) {
        broken = true;
        problem(`Unmatched '${text[i]}': no bracket is open here.`, i, i + 1);
      } else {
        const o = text.charCodeAt(toks.s[open]);
        if (CLOSER[o] !== c) {
          broken = true;
          problem(`'${text[toks.s[open]]}' is closed by '${text[i]}' (line ${pos.pos(i).line + 1}) instead of '${String.fromCharCode(CLOSER[o])}'.`, toks.s[open], toks.e[open]);
        }
      }
      toks.push(T.Close, i, i + 1, stack.length);
      i++;
      continue;
    }
    const len = opLength(c, text.charCodeAt(i + 1), text.charCodeAt(i + 2));
    toks.push(T.Op, i, i + len, stack.length);
    i += len;
  }
  if (stack.length > 0) {
    // A string left open at the end already says why the bracket is (it may be closed inside the string).
    const open = stack[0];
    if (!openStringAtEnd) problem(`'${text[toks.s[open]]}' is never closed.`, toks.s[open], toks.e[open]);
    broken = true;
  }
  flush();
  return { settings: lines.settings(), problems };
}

/** Length of the operator starting with c (then c2, c3): Python's 3- and 2-character operators, else 1. */
function opLength(c: number, c2: number, c3: number): number {
  // ** // >> << (and their augmented forms), ...
  if (c2 === c && (c === 42 || c === 47 || c === 62 || c === 60)) return c3 === 61 ? 3 : 2;
  if (c === 46) return c2 === 46 && c3 === 46 ? 3 : 1;
  // += -= *= /= %= &= |= ^= @= == != <= >= :=
  if (c2 === 61 && (c === 43 || c === 45 || c === 42 || c === 47 || c === 37 || c === 38 || c === 124 || c === 94 || c === 64 || c === 61 || c === 33 || c === 60 || c === 62 || c === 58)) return 2;
  if (c === 45 && c2 === 62) return 2; // ->
  return 1;
}

/** The last string read (one object, reused: strings are common). */
const str = { end: 0, bs: 0, be: 0, triple: false, unterminated: false };

/** Reads the string literal whose (first) quote is at `q` into `str`: where it ends and where its body is. */
function readString(text: string, q: number): void {
  const n = text.length;
  const quote = text.charCodeAt(q);
  const triple = text.charCodeAt(q + 1) === quote && text.charCodeAt(q + 2) === quote;
  const bs = q + (triple ? 3 : 1);
  str.bs = bs;
  str.triple = triple;
  // A backslash escapes the next character, also a line break (in raw strings too).
  const body = quote === 34 ? (triple ? BODY_3 : BODY_1) : (triple ? BODY_3S : BODY_1S);
  const j = Math.min(runEnd(body, text, bs), n);
  const closed = triple ? j + 2 < n : j < n && text.charCodeAt(j) === quote;
  str.be = j;
  str.end = closed ? j + (triple ? 3 : 1) : j;
  str.unterminated = !closed;
}

// ---------------------------------------------------------------------------------------------
// Logical lines → statements → settings

/**
 * The last assignment of a setting, as offsets: spans and texts are made once, at the end, for the
 * assignment that wins (a file may assign the same name thousands of times).
 */
interface Assignment {
  kind: GunicornSetting['kind'];
  value: Literal | undefined;
  conditional: boolean;
  /** Statement start, value start, text start (the statement's for `+=`), end. */
  stmt: number;
  from: number;
  textFrom: number;
  to: number;
}

class LineReader {
  private readonly blocks: Block[] = [];
  /** Names whose value (or, for functions, body) depends on the CPU count. */
  private readonly cpuNames = new Set<string>();
  /** Lengths of the names in cpuNames and CPU_NAMES (a name of another length is not looked up). */
  private readonly cpuLengths = new Set<number>([...CPU_NAMES].map((x) => x.length));
  private readonly assignments = new Map<string, Assignment>();

  constructor(private readonly text: string, private readonly pos: Positions, private readonly toks: Toks) {}

  /** The settings, once every line is read. */
  settings(): Map<string, GunicornSetting> {
    const out = new Map<string, GunicornSetting>();
    for (const [name, a] of this.assignments) {
      const span = this.pos.span(a.stmt, a.to);
      const valueSpan = this.pos.span(a.from, a.to);
      const text = this.text.slice(a.textFrom, a.to);
      out.set(name,
        a.kind === 'literal' ? { kind: 'literal', value: a.value!, span, valueSpan }
          : a.kind === 'cpu-formula' ? { kind: 'cpu-formula', text, span, valueSpan }
            : a.conditional ? { kind: 'dynamic', text, span, valueSpan, conditional: true } : { kind: 'dynamic', text, span, valueSpan });
    }
    return out;
  }

  private record(name: string, kind: GunicornSetting['kind'], value: Literal | undefined, conditional: boolean, stmt: number, from: number, textFrom: number, to: number): void {
    const a = this.assignments.get(name);
    if (!a) { this.assignments.set(name, { kind, value, conditional, stmt, from, textFrom, to }); return; }
    a.kind = kind; a.value = value; a.conditional = conditional; a.stmt = stmt; a.from = from; a.textFrom = textFrom; a.to = to;
  }

  /** The logical line in `toks` (indented by `indent` characters). */
  line(indent: number, broken: boolean): void {
    const toks = this.toks;
    while (this.blocks.length > 0 && this.blocks[this.blocks.length - 1].indent >= indent) this.blocks.pop();
    if (indent > 0 && this.blocks.length === 0) return; // unexpected indentation: Python would not run this
    let inDef = false;
    let conditional = false;
    for (const b of this.blocks) { inDef ||= b.kind === 'def'; conditional ||= b.kind === 'cond'; }

    let from = 0;
    const header = headerKind(toks);
    if (header) {
      let colon = -1;
      for (let k = 0; k < toks.n; k++) if (toks.top(k, ':')) { colon = k; break; }
      if (colon < 0) return; // a decorator or a half-typed header
      const block: Block = { indent, kind: header };
      if (header === 'def') {
        const name = toks.is(0, T.Name, 'async') ? 2 : 1;
        if (name < toks.n && toks.kind[name] === T.Name) block.name = toks.str(name);
      }
      this.blocks.push(block);
      inDef ||= header === 'def';
      conditional ||= header === 'cond';
      from = colon + 1;
    }
    if (inDef) {
      // Settings are not assigned in functions, but a helper that counts CPUs makes its callers formulas.
      if (this.mentionsCpu(0, toks.n)) {
        for (const b of this.blocks) if (b.kind === 'def' && b.name) { this.cpuNames.add(b.name); this.cpuLengths.add(b.name.length); }
      }
      return;
    }
    if (broken) return;
    // Statements separated by ';' at bracket depth 0.
    let s = from;
    for (let k = from; k <= toks.n; k++) {
      if (k === toks.n || toks.top(k, ';')) {
        if (k > s) this.statement(s, k, conditional);
        s = k + 1;
      }
    }
  }

  private statement(from: number, to: number, conditional: boolean): void {
    const toks = this.toks;
    if (toks.kind[from] !== T.Name) return;

    // Annotated: `name: type = value`.
    if (to - from >= 2 && toks.is(from + 1, T.Op, ':')) {
      let eq = -1;
      for (let k = from + 2; k < to; k++) if (toks.top(k, '=')) { eq = k; break; }
      if (eq < 0 || eq + 1 >= to) return;
      this.assign([from], from, eq + 1, to, conditional);
      return;
    }
    // Augmented: `workers += 1`.
    if (to - from >= 3 && augmented(toks, from + 1)) {
      const name = toks.str(from);
      if (isSettingName(name)) this.record(name, 'dynamic', undefined, conditional, toks.s[from], toks.s[from + 2], toks.s[from], toks.e[to - 1]);
      if (!conditional) this.cpuNames.delete(name);
      return;
    }
    // Plain, possibly chained: `a = b = value`. An '=' after `lambda` belongs to its parameters.
    const targets: number[] = [];
    let seg = from;
    for (let k = from; k < to; k++) {
      if (toks.d[k] !== 0) continue;
      if (toks.is(k, T.Name, 'lambda')) break;
      if (toks.is(k, T.Op, '=')) {
        targets.push(k === seg + 1 && toks.kind[seg] === T.Name ? seg : -1);
        seg = k + 1;
      }
    }
    if (targets.length === 0 || seg >= to) return;
    this.assign(targets, from, seg, to, conditional);
  }

  /**
   * Assigns toks[from, to) to the target names (token indices; -1: not a simple name) of the
   * statement that starts at token `stmt`.
   */
  private assign(targets: number[], stmt: number, from: number, to: number, conditional: boolean): void {
    const toks = this.toks;
    const cpu = this.mentionsCpu(from, to);
    let kind: GunicornSetting['kind'] | undefined;
    let value: Literal | undefined;
    for (const t of targets) {
      if (t < 0) continue;
      const name = toks.str(t);
      if (KEYWORDS.has(name)) continue;
      if (cpu) { this.cpuNames.add(name); this.cpuLengths.add(name.length); }
      else if (!conditional && this.cpuNames.size > 0) this.cpuNames.delete(name);
      if (!isSettingName(name)) continue;
      if (!kind) {
        value = conditional || cpu ? undefined : literal(toks, from, to);
        kind = conditional ? 'dynamic' : cpu ? 'cpu-formula' : value === undefined ? 'dynamic' : 'literal';
      }
      this.record(name, kind, value, conditional, toks.s[stmt], toks.s[from], toks.s[from], toks.e[to - 1]);
    }
  }

  /** Whether toks[from, to) names the CPU count, or a name bound to it (not an attribute of something else). */
  private mentionsCpu(from: number, to: number): boolean {
    const toks = this.toks;
    for (let k = from; k < to; k++) {
      if (toks.kind[k] !== T.Name) continue;
      if (!this.cpuLengths.has(toks.e[k] - toks.s[k])) continue;
      const name = toks.str(k);
      if (CPU_NAMES.has(name)) return true;
      if (this.cpuNames.has(name) && !(k > from && toks.is(k - 1, T.Op, '.'))) return true;
    }
    return false;
  }
}

/** Whether token k is an augmented assignment operator (`+=`, `//=`, …; not `==`, `<=`, `>=`, `!=`, `:=`). */
function augmented(toks: Toks, k: number): boolean {
  const len = toks.e[k] - toks.s[k];
  if (toks.kind[k] !== T.Op || len < 2 || toks.text.charCodeAt(toks.e[k] - 1) !== 61) return false;
  if (len === 3) return true; // **= //= >>= <<=
  const c = toks.text.charCodeAt(toks.s[k]);
  return c !== 61 && c !== 60 && c !== 62 && c !== 33 && c !== 58;
}

function isSettingName(name: string): boolean {
  return /^[a-z][a-z0-9_]*$/.test(name) && !KEYWORDS.has(name);
}

/** The block a compound statement's header opens, or undefined when the line is not a header. */
function headerKind(toks: Toks): BlockKind | undefined {
  if (toks.is(0, T.Op, '@')) return 'def'; // a decorator: no colon, so no block
  if (toks.kind[0] !== T.Name || toks.e[0] - toks.s[0] > 7) return undefined;
  switch (toks.str(0)) {
    case 'def': case 'class': return 'def';
    case 'async': return toks.is(1, T.Name, 'def') ? 'def' : toks.is(1, T.Name, 'for') ? 'cond' : 'plain';
    case 'if': case 'elif': case 'else': case 'except': case 'for': case 'while': return 'cond';
    case 'try': case 'finally': case 'with': return 'plain';
    case 'match': case 'case': {
      // Soft keywords: `match = 1`, `match.x = 1` and `match(x)` are not headers.
      if (toks.n < 2 || (toks.kind[1] === T.Op && !toks.is(1, T.Op, '-') && !toks.is(1, T.Op, '*'))) return undefined;
      for (let k = 1; k < toks.n; k++) if (toks.top(k, ':')) return 'cond';
      return undefined;
    }
    default: return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Literals

type Literal = string | number | boolean | string[];

/** The value of toks[from, to) when it is a literal gunicorn setting value, else undefined. */
function literal(toks: Toks, from: number, to: number): Literal | undefined {
  if (to - from === 1) { // the common case, without the bracket table
    if (toks.kind[from] === T.Number) return number(toks.str(from));
    if (toks.kind[from] === T.Name) return toks.is(from, T.Name, 'True') ? true : toks.is(from, T.Name, 'False') ? false : undefined;
    return stringValue(toks, from, to);
  }
  // Matching brackets, once (linear), so stripping nested parentheses stays linear.
  const match = new Int32Array(to - from).fill(-1);
  const open: number[] = [];
  for (let k = from; k < to; k++) {
    if (toks.kind[k] === T.Open) open.push(k);
    else if (toks.kind[k] === T.Close) { const o = open.pop(); if (o !== undefined) match[o - from] = k; }
  }
  const closes = (k: number, end: number) => toks.kind[k] === T.Open && match[k - match0] === end;
  const match0 = from;
  const paren = (k: number) => toks.is(k, T.Open, '(');
  let parens = false;
  while (to - from >= 2 && paren(from) && closes(from, to - 1)) { from++; to--; parens = true; }
  if (from >= to) return parens ? [] : undefined; // `()`
  if (to - from === 1) return literal(toks, from, to);
  const items = splitCommas(toks, from, to);
  if (items.length > 1 || (toks.is(from, T.Open, '[') && closes(from, to - 1))) {
    let list = items;
    if (items.length === 1) { // [ ... ]
      if (to - from === 2) return [];
      list = splitCommas(toks, from + 1, to - 1);
    }
    const out: string[] = [];
    for (let k = 0; k < list.length; k++) {
      let [a, b] = list[k];
      if (a === b) { if (k === list.length - 1 && k > 0) continue; return undefined; } // trailing comma only
      while (b - a >= 2 && paren(a) && closes(a, b - 1)) { a++; b--; }
      const s = stringValue(toks, a, b);
      if (s === undefined) return undefined;
      out.push(s);
    }
    return out;
  }
  if (to - from === 2 && (toks.is(from, T.Op, '-') || toks.is(from, T.Op, '+')) && toks.kind[from + 1] === T.Number) {
    const v = number(toks.str(from + 1));
    return v === undefined ? undefined : toks.is(from, T.Op, '-') ? -v : v;
  }
  return stringValue(toks, from, to);
}

/** Items of toks[from, to) separated by commas at its own bracket level: [start, end) pairs. */
function splitCommas(toks: Toks, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  const base = toks.kind[from] === T.Close ? toks.d[from] + 1 : toks.d[from];
  let s = from;
  for (let k = from; k < to; k++) {
    if (toks.d[k] === base && toks.is(k, T.Op, ',')) { out.push([s, k]); s = k + 1; }
  }
  out.push([s, to]);
  return out;
}

/** One string literal or several adjacent ones (implicit concatenation); not bytes, no placeholders. */
function stringValue(toks: Toks, from: number, to: number): string | undefined {
  if (from >= to) return undefined;
  let out = '';
  for (let k = from; k < to; k++) {
    if (toks.kind[k] !== T.String) return undefined;
    const prefix = toks.prefix(k);
    if (prefix.includes('b')) return undefined;
    let body = toks.text.slice(toks.bs[k], toks.be[k]);
    if (prefix.includes('f')) {
      if (/\{(?!\{)/.test(body.replace(/\{\{/g, ''))) return undefined;
      body = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
    }
    out += prefix.includes('r') ? body : unescape(body);
  }
  return out;
}

function number(s: string): number | undefined {
  if (/^\d{1,15}$/.test(s)) return parseInt(s, 10); // the common case
  const t = s.replace(/_/g, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[oO][0-7]+$/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[bB][01]+$/.test(t)) return parseInt(t.slice(2), 2);
  if (s.includes('__') || s.endsWith('_')) return undefined;
  if (!/^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Python's backslash escapes in a non-raw string body; an unknown escape stays as written. */
function unescape(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(/\\(\r\n|\n|\r|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (m, e: string) => {
    if (e === '\n' || e === '\r\n' || e === '\r') return '';
    if (e.length > 1 && (e[0] === 'x' || e[0] === 'u' || e[0] === 'U')) {
      const cp = parseInt(e.slice(1), 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return SIMPLE_ESCAPES[e] ?? m;
  });
}
