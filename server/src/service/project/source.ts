// Python source read as text, never executed: bounded reading, a statement scanner (logical lines
// with brackets, strings, comments and continuations handled; the block each statement is in), and
// the few expression shapes the facts need (calls, literals, names). Linear in the file size.

import { ProjectFiles } from '../scaffold/files';
import { lineAt, lineStarts as lineStartsOf } from '../text';
import { withoutBom } from './positions';

/** Files larger than this are not read (generated code, vendored bundles). */
export const MAX_SOURCE_BYTES = 512 * 1024;

/** UTF-8 byte length of a string, without Buffer (the core stays platform-free). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n++;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; } else n += 3;
  }
  return n;
}

/** Why a text is not read as source, or undefined when it is fine. */
export function unreadable(text: string, maxBytes = MAX_SOURCE_BYTES): string | undefined {
  if (text.length > maxBytes || (text.length * 3 > maxBytes && utf8Length(text) > maxBytes)) return `it is over ${Math.round(maxBytes / 1024)} KiB`;
  if (text.includes('\0')) return 'it contains NUL bytes (a binary file)';
  if (text.includes('\uFFFD')) return 'it is not valid UTF-8';
  return undefined;
}

/** Bounded, cached reading with one note per skipped file. */
export class Reader {
  private cache = new Map<string, string | undefined>();
  readonly notes: string[] = [];
  readonly skipped: string[] = [];

  constructor(readonly files: ProjectFiles, readonly show: (file: string) => string = (f) => f) {}

  read(file: string, maxBytes = MAX_SOURCE_BYTES): string | undefined {
    if (this.cache.has(file)) return this.cache.get(file);
    let text: string | undefined;
    try { text = this.files.read(file); } catch { text = undefined; }
    if (typeof text !== 'string') text = undefined;
    if (text !== undefined) {
      const why = unreadable(text, maxBytes);
      if (why) {
        this.notes.push(`${this.show(file)} was not read: ${why}.`);
        this.skipped.push(file);
        text = undefined;
      } else text = withoutBom(text);
    }
    this.cache.set(file, text);
    return text;
  }

  list(dir: string): string[] | undefined {
    try { const l = this.files.list(dir); return Array.isArray(l) ? l : undefined; } catch { return undefined; }
  }
}

// ---------------------------------------------------------------------------------------------
// Statements

export type BlockKind = 'def' | 'class' | 'if' | 'elif' | 'else' | 'for' | 'while' | 'try' | 'except' | 'finally' | 'with' | 'match' | 'case';

export interface Block {
  kind: BlockKind;
  /** The header as written, up to its colon (`if settings.DEBUG`). */
  head: string;
  line: number;
  indent: number;
  /** def/class name. */
  name?: string;
}

export interface Stmt {
  /** Offsets of the statement in the (line-break normalised) text. */
  start: number;
  end: number;
  /** The statement's code: comments blanked, strings kept. */
  text: string;
  /** 0-based line of its first character. */
  line: number;
  indent: number;
  /** Enclosing blocks, outermost first. */
  blocks: readonly Block[];
  /** The block this statement opens (def, class, if, …). */
  opens?: Block;
  /** Decorators of a def/class. */
  decorators?: Stmt[];
  /** Scope key, set when the module is indexed ('' = module level). */
  scope?: string;
}

export interface Source {
  /** Line-break normalised text with comments blanked (same length and lines as the file). */
  code: string;
  stmts: Stmt[];
  lineStarts: number[];
  /** Things the scanner had to recover from (an unclosed bracket). */
  problems: string[];
}

const NO_BLOCKS: readonly Block[] = [];
/** Characters the statement scanner acts on: newline, #, quotes, brackets, backslash, semicolon. */
const SPECIAL = new Uint8Array(128);
for (const c of '\n#"\'()[]{}\\;') SPECIAL[c.charCodeAt(0)] = 1;
const HEAD = /^(?:async\s+)?(def|class|if|elif|else|for|while|try|except|finally|with|match|case)\b/;
const TOP_LEVEL_RESTART = /^(?:def |class |async def |@[A-Za-z_]|import |from [\w.]+ import )/;

/** Index after the string literal starting at `k` (a quote character); unterminated single-line strings end at the line. */
export function skipString(t: string, k: number): number {
  const q = t.charCodeAt(k);
  const n = t.length;
  if (t.charCodeAt(k + 1) === q && t.charCodeAt(k + 2) === q) {
    let m = k + 3;
    while (m < n) {
      const c = t.charCodeAt(m);
      if (c === 92) { m += 2; continue; }
      if (c === q && t.charCodeAt(m + 1) === q && t.charCodeAt(m + 2) === q) return m + 3;
      m++;
    }
    return n;
  }
  let m = k + 1;
  while (m < n) {
    const c = t.charCodeAt(m);
    if (c === 92) { m += 2; continue; }
    if (c === q) return m + 1;
    if (c === 10) return m;
    m++;
  }
  return n;
}

export interface ScanOptions {
  /**
   * Whether to keep the statements of a function body (`header` is the `def` statement, `body` the
   * body's code). Bodies that cannot matter are dropped: most of a file's statements, and memory.
   */
  keepBody?: (header: string, body: string) => boolean;
}

/** Split a Python file into statements with their blocks. Never throws; linear time. */
export function scanPython(input: string, opts: ScanOptions = {}): Source {
  const text = input.indexOf('\r') >= 0 ? input.replace(/\r\n?/g, '\n') : input;
  const n = text.length;
  const problems: string[] = [];
  /** Statements as (start, end, indent) triples: no object per statement until it is kept. */
  const raw: number[] = [];
  const comments: number[] = [];
  const lineStarts = lineStartsOf(text);

  let i = 0;
  while (i < n) {
    let indent = 0;
    let j = i;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 32) indent++;
      else if (c === 9) indent += 8 - (indent % 8);
      else if (c !== 12) break;
      j++;
    }
    if (j >= n) break;
    const c = text.charCodeAt(j);
    if (c === 10) { i = j + 1; continue; }
    if (c === 35) { const e = text.indexOf('\n', j); const ce = e < 0 ? n : e; comments.push(j, ce); i = ce; continue; }
    if (c === 92 && text.charCodeAt(j + 1) === 10) { i = j + 2; continue; }
    let k = j;
    let depth = 0;
    let stmtStart = j;
    let end = -1;
    while (k < n) {
      const ch = text.charCodeAt(k);
      // most characters are nothing to the scanner: one table lookup
      if (ch >= 128 || SPECIAL[ch] === 0) { k++; continue; }
      if (ch === 10) {
        if (depth === 0) { end = k; break; }
        // Recovery: a new top-level statement inside an unclosed bracket ends it (the file does not parse anyway).
        const next = text.charCodeAt(k + 1);
        if ((next === 100 || next === 99 || next === 97 || next === 64 || next === 105 || next === 102) && TOP_LEVEL_RESTART.test(text.slice(k + 1, k + 60))) {
          problems.push(`an unclosed bracket before line ${lineAt(lineStarts, k) + 1}`);
          end = k;
          break;
        }
        k++;
        continue;
      }
      if (ch === 35) { const e = text.indexOf('\n', k); const ce = e < 0 ? n : e; comments.push(k, ce); k = ce; continue; }
      if (ch === 34 || ch === 39) { k = skipString(text, k); continue; }
      if (ch === 40 || ch === 91 || ch === 123) depth++;
      else if (ch === 41 || ch === 93 || ch === 125) { if (depth > 0) depth--; }
      else if (ch === 92 && text.charCodeAt(k + 1) === 10) { k += 2; continue; }
      else if (ch === 59 && depth === 0) {
        raw.push(stmtStart, k, indent);
        k++;
        while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
        stmtStart = k;
        continue;
      }
      k++;
    }
    if (end < 0) {
      end = n;
      if (depth > 0) problems.push(`an unclosed bracket in the statement at line ${lineAt(lineStarts, stmtStart) + 1}`);
    }
    if (end > stmtStart) raw.push(stmtStart, end, indent);
    i = end;
  }

  // Blank the comments (same length: offsets and lines stay).
  let code = text;
  if (comments.length) {
    const parts: string[] = [];
    let pos = 0;
    for (let c = 0; c < comments.length; c += 2) {
      parts.push(text.slice(pos, comments[c]), ' '.repeat(comments[c + 1] - comments[c]));
      pos = comments[c + 1];
    }
    parts.push(text.slice(pos));
    code = parts.join('');
  }

  const stmts: Stmt[] = [];
  const stack: Block[] = [];
  let snapshot: Block[] | undefined = [];
  let decorators: Stmt[] = [];
  const push = (st: Stmt) => {
    while (stack.length && stack[stack.length - 1].indent >= st.indent) { stack.pop(); snapshot = undefined; }
    st.blocks = snapshot ??= stack.slice();
    stmts.push(st);
  };
  for (let ri = 0; ri < raw.length; ri += 3) {
    const rStart = raw[ri];
    const rIndent = raw[ri + 2];
    const body = code.slice(rStart, raw[ri + 1]).trimEnd();
    if (!body) continue;
    // every field set at creation: one hidden class, in-object properties (a third of the memory)
    const st: Stmt = { start: rStart, end: rStart + body.length, text: body, line: lineAt(lineStarts, rStart), indent: rIndent, blocks: NO_BLOCKS, opens: undefined, decorators: undefined, scope: undefined };
    push(st);
    if (body.charCodeAt(0) === 64) { decorators.push(st); continue; }
    const h = HEAD.exec(body);
    let oneLiner: Stmt | undefined;
    if (h) {
      const colon = topColon(body);
      const kind = h[1] as BlockKind;
      const soft = kind === 'match' || kind === 'case';
      if (colon >= 0 && (!soft || (body.slice(colon + 1).trim() === '' && !/^(?:match|case)\s*[=.([]/.test(body)))) {
        const block: Block = { kind, head: body.slice(0, colon).trim(), line: st.line, indent: rIndent, name: undefined };
        if (kind === 'def' || kind === 'class') {
          block.name = /^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/.exec(body)?.[1];
          if (decorators.length) { st.decorators = decorators; decorators = []; }
        }
        st.opens = block;
        stack.push(block);
        snapshot = undefined;
        const rest = body.slice(colon + 1);
        const lead = rest.length - rest.trimStart().length;
        if (rest.trim()) {
          const start = rStart + colon + 1 + lead;
          oneLiner = { start, end: st.end, text: rest.trim(), line: lineAt(lineStarts, start), indent: rIndent + 1, blocks: NO_BLOCKS, opens: undefined, decorators: undefined, scope: undefined };
        } else if (kind === 'def' && opts.keepBody) {
          // the body: the statements indented deeper; dropped unread when it cannot matter
          let j = ri + 3;
          while (j < raw.length && raw[j + 2] > rIndent) j += 3;
          if (j > ri + 3 && !opts.keepBody(body, code.slice(raw[ri + 3], raw[j - 2]))) ri = j - 3;
        }
      }
    }
    if (decorators.length) decorators = [];
    if (oneLiner) push(oneLiner);
  }
  return { code, stmts, lineStarts, problems };
}

// ---------------------------------------------------------------------------------------------
// Expressions

/** Calls `visit(index, char)` for every character outside strings at bracket depth 0; stop by returning true. */
export function scanTop(text: string, visit: (i: number, c: number) => boolean | void, from = 0): void {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) { i = skipString(text, i) - 1; continue; }
    if (c === 40 || c === 91 || c === 123) { depth++; continue; }
    if (c === 41 || c === 93 || c === 125) { if (depth > 0) depth--; continue; }
    if (depth === 0 && visit(i, c)) return;
  }
}

/** Index of the block colon of a compound statement header, or -1. */
export function topColon(text: string): number {
  let at = -1;
  scanTop(text, (i, c) => {
    if (c === 58 && text.charCodeAt(i + 1) !== 61) { at = i; return true; }
    return false;
  });
  return at;
}

/** Index of the `=` of an assignment statement (not `==`, `<=`, `:=`, `+=`), or -1. */
export function assignIndex(text: string): number {
  let at = -1;
  scanTop(text, (i, c) => {
    if (c !== 61) return false;
    if (text.charCodeAt(i + 1) === 61) return false;
    // `=` after an operator: a comparison, a walrus or an augmented assignment, not `name = value`
    if (i > 0 && '=!<>:+-*/%&|^@'.includes(text[i - 1])) return true;
    at = i;
    return true;
  });
  return at;
}

/** Index of the matching close bracket of the open bracket at `open`, or -1. */
export function matchClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) { i = skipString(text, i) - 1; continue; }
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) { depth--; if (depth === 0) return i; }
  }
  return -1;
}

export interface Part { text: string; offset: number }

/** Split at top-level commas (or another separator character); parts are trimmed, offsets relative to `text`, empty trailing parts dropped. */
export function splitTop(text: string, sep = 44): Part[] {
  const out: Part[] = [];
  let start = 0;
  const add = (end: number) => {
    const seg = text.slice(start, end);
    const lead = seg.length - seg.trimStart().length;
    const t = seg.trim();
    if (t) out.push({ text: t, offset: start + lead });
  };
  scanTop(text, (i, c) => { if (c === sep) { add(i); start = i + 1; } });
  add(text.length);
  return out;
}

export interface Arg { name?: string; text: string; offset: number; star?: '*' | '**' }

export interface Call {
  /** Dotted callee as written, whitespace removed (`app.include_router`). */
  callee: string;
  args: Arg[];
  /** Offset of the callee and of the text after the closing parenthesis, relative to the parsed text. */
  offset: number;
  end: number;
}

const CALLEE = /^([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\(/;

/** A call at the start of `text` (after `await`); `whole` requires the call to be all of it. */
export function parseCall(text: string, whole = true): Call | undefined {
  const lead = text.length - text.trimStart().length;
  let t = text.slice(lead);
  let skip = lead;
  const aw = /^await\s+/.exec(t);
  if (aw) { t = t.slice(aw[0].length); skip += aw[0].length; }
  const m = CALLEE.exec(t);
  if (!m) return undefined;
  const open = m[0].length - 1;
  const close = matchClose(t, open);
  if (close < 0) return undefined;
  if (whole && t.slice(close + 1).trim()) return undefined;
  return { callee: m[1].replace(/\s+/g, ''), args: parseArgs(t.slice(open + 1, close), skip + open + 1), offset: skip, end: skip + close + 1 };
}

export function parseArgs(inner: string, base = 0): Arg[] {
  return splitTop(inner).map((p) => {
    const off = base + p.offset;
    if (p.text.startsWith('**')) return { text: p.text.slice(2).trim(), offset: off + 2, star: '**' as const };
    if (p.text.startsWith('*')) return { text: p.text.slice(1).trim(), offset: off + 1, star: '*' as const };
    const kw = /^([A-Za-z_]\w*)\s*=(?!=)\s*/.exec(p.text);
    if (kw) return { name: kw[1], text: p.text.slice(kw[0].length), offset: off + kw[0].length };
    return { text: p.text, offset: off };
  });
}

/** The argument at a position or with a keyword; `'spread'` when it may hide in *args/**kwargs. */
export function argOf(args: Arg[], index: number, name?: string): Arg | 'spread' | undefined {
  if (name) { const kw = args.find((a) => a.name === name); if (kw) return kw; }
  const positional = args.filter((a) => !a.name && !a.star);
  if (index >= 0 && index < positional.length) {
    // a *args before it shifts positions: not knowable
    const firstStar = args.findIndex((a) => a.star === '*');
    if (firstStar >= 0 && firstStar < args.indexOf(positional[index])) return 'spread';
    return positional[index];
  }
  if (args.some((a) => a.star === '**' || (a.star === '*' && index >= 0))) return 'spread';
  return undefined;
}

/** The value of string literals (adjacent ones concatenated); `fstring` when one has placeholders. */
export function stringLiteral(text: string): { value: string } | { fstring: true } | undefined {
  const t = text.trim();
  let i = 0;
  let value = '';
  let any = false;
  while (i < t.length) {
    while (i < t.length && /\s/.test(t[i])) i++;
    if (i >= t.length) break;
    const pm = /^([rRbBuUfF]{0,2})(['"])/.exec(t.slice(i, i + 3));
    if (!pm) return undefined;
    const prefix = pm[1].toLowerCase();
    if (prefix.length === 2 && !/^(?:rb|br|rf|fr)$/.test(prefix)) return undefined;
    const q = i + pm[1].length;
    const end = skipString(t, q);
    const triple = t.charCodeAt(q + 1) === t.charCodeAt(q) && t.charCodeAt(q + 2) === t.charCodeAt(q) && end - q >= 6;
    const ql = triple ? 3 : 1;
    if (end - q < 2 * ql || t[end - 1] !== t[q]) return undefined;
    let body = t.slice(q + ql, end - ql);
    const raw = prefix.includes('r');
    if (prefix.includes('f')) {
      if (/\{(?!\{)/.test(body.replace(/\{\{/g, ''))) return { fstring: true };
      body = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
    }
    if (!raw) body = body.replace(/\\(.)/gs, (_, ch: string) => ({ n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"', '\n': '' } as Record<string, string>)[ch] ?? `\\${ch}`);
    value += body;
    any = true;
    i = end;
  }
  return any ? { value } : undefined;
}

/** A dotted name (`settings.API_PREFIX`), whitespace removed, or undefined. */
export function dottedName(text: string): string | undefined {
  const t = text.trim();
  return /^[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*$/.test(t) ? t.replace(/\s+/g, '') : undefined;
}

/** Shorten an expression for a message. */
export function short(text: string, max = 60): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}
