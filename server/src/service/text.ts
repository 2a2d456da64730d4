import { OffsetEdit } from './types';

// Source text with a map back to document offsets.
//
// Docker joins continuation lines and drops comment lines inside them before it parses an
// instruction; shell and JSON scanners then work on that "logical" text. Every character of a
// Source remembers its document offset so that findings and fixes land on the real text.

export class Source {
  /**
   * Where each character of `text` is in the document, in one of three forms:
   * - `map`: the document offset of every character (decoded JSON strings);
   * - `segs`: runs of consecutive characters, flattened [logical index, document offset, …] pairs,
   *   read with `shift` added to the index (joined continuation lines: a few runs, no per-character array);
   * - neither: the text is a plain slice of the document starting at `base`.
   */
  constructor(
    readonly text: string,
    private map?: Int32Array,
    private readonly base = 0,
    private readonly segs?: readonly number[],
    private readonly shift = 0,
  ) {}

  /** Document offset of character `i`. */
  at(i: number): number {
    if (this.map) return this.map[i];
    const s = this.segs;
    if (!s) return this.base + i;
    const k = i + this.shift;
    let lo = 0;
    let hi = (s.length >> 1) - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid * 2] <= k) lo = mid;
      else hi = mid - 1;
    }
    return s[lo * 2 + 1] + (k - s[lo * 2]);
  }

  /** Document offset of each character (materialized on first use). */
  get offsets(): Int32Array {
    if (!this.map) {
      const m = new Int32Array(this.text.length);
      for (let i = 0; i < m.length; i++) m[i] = this.at(i);
      this.map = m;
    }
    return this.map;
  }

  /** Characters [from, to) as their own source. */
  slice(from: number, to = this.text.length): Source {
    const text = this.text.slice(from, to);
    if (this.map) return new Source(text, this.map.subarray(from, from + text.length));
    if (!this.segs) return new Source(text, undefined, this.base + from);
    return new Source(text, undefined, 0, this.segs, this.shift + from);
  }
}

/** Offsets of the start of each line (after \n, \r\n or a lone \r). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  if (!text.includes('\r')) {
    // The common case: jump from one \n to the next instead of testing every character.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** 0-based line of `offset`, given the line starts (binary search). */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function positionAt(starts: number[], offset: number): { line: number; character: number } {
  const line = lineAt(starts, offset);
  return { line, character: offset - starts[line] };
}

export function offsetAt(starts: number[], textLength: number, pos: { line: number; character: number }): number {
  if (pos.line >= starts.length) return textLength;
  if (pos.line < 0) return 0;
  return Math.min(starts[pos.line] + Math.max(0, pos.character), textLength);
}

const isBlank = (c: number) => c === 32 || c === 9;

/** End of the physical line starting at i (index of the line break, or text end). */
function lineEnd(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
    i++;
  }
  return end;
}

function skipBreak(text: string, i: number): number {
  if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) return i + 2;
  return i + 1;
}

/**
 * The logical text of document[start, end): continuation escapes and their line breaks removed,
 * comment lines and empty lines inside the continuation dropped (as Docker does).
 */
export function logicalSource(doc: string, start: number, end: number, escape: string): Source {
  // No line break in the range: nothing is joined or dropped, the text is a plain slice.
  // (the carriage return is looked for inside the range only: an LF document has none, and a search
  // to the end of the document for every instruction made linting quadratic in its length)
  const nl = doc.indexOf('\n', start);
  if (nl < 0 || nl >= end) {
    let cr = false;
    for (let k = start; k < end && !cr; k++) cr = doc.charCodeAt(k) === 13;
    if (!cr) return new Source(doc.slice(start, Math.max(start, end)), undefined, start);
  }
  const esc = escape.charCodeAt(0);
  let out = '';
  const segs: number[] = [];
  let n = 0;
  let runEnd = -1; // document offset just after the last run
  const take = (from: number, to: number) => {
    if (to <= from) return;
    if (from !== runEnd) segs.push(n, from);
    n += to - from;
    runEnd = to;
  };
  let i = start;
  let continued = false;
  while (i < end) {
    const le = lineEnd(doc, i, end);
    if (continued) {
      // Inside a continuation a comment line or an empty line is removed entirely.
      let j = i;
      while (j < le && isBlank(doc.charCodeAt(j))) j++;
      if (j === le || doc.charCodeAt(j) === 35 /* # */) {
        if (le >= end) break;
        i = skipBreak(doc, le);
        continue;
      }
    }
    // Does this line end with the escape character (ignoring trailing blanks)?
    let k = le - 1;
    while (k >= i && isBlank(doc.charCodeAt(k))) k--;
    const cont = k >= i && doc.charCodeAt(k) === esc && le < end;
    const stop = cont ? k : le;
    out += doc.slice(i, stop);
    take(i, stop);
    if (!cont) {
      if (le < end) {
        // A real line break inside the range (heredoc bodies): keep it as a newline.
        out += '\n';
        take(le, le + 1);
        i = skipBreak(doc, le);
        continued = false;
        continue;
      }
      break;
    }
    continued = true;
    i = skipBreak(doc, le);
  }
  if (!segs.length) segs.push(0, start);
  return new Source(out, undefined, 0, segs);
}

/** Where the line holding `offset` ends: the offset after its line break (text end when none) and the break itself. */
/** The line break a text uses for lines added to it: CRLF when it has one, else LF. */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export function lineBreakAfter(text: string, offset: number): { next: number; eol: string } {
  const le = lineEnd(text, offset, text.length);
  if (le >= text.length) return { next: text.length, eol: '' };
  const next = skipBreak(text, le);
  return { next, eol: text.slice(le, next) };
}

/** Document offset just after character `index - 1` of the source (end of a token). */
export function endOffset(src: Source, index: number): number {
  if (index <= 0) return src.text.length ? src.at(0) : 0;
  return src.at(index - 1) + 1;
}


/** Apply edits (sorted, non-overlapping) to text. */
export function applyEdits(text: string, edits: OffsetEdit[]): string {
  // Stable: insertions at one point keep the order they were given in.
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/** `s` as a literal inside a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A TOML `key =` line (bare, or the key quoted), leading whitespace allowed. */
export function tomlKeyLine(key: string, flags?: string): RegExp {
  return new RegExp(`^\\s*["']?${escapeRegExp(key)}["']?\\s*=`, flags);
}

/** Append every item (a loop: `push(...items)` throws RangeError past ~100k items). */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
