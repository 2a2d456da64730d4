import { OffsetEdit } from './types';

// Source text with a map back to document offsets.
//
// Docker joins continuation lines and drops comment lines inside them before it parses an
// instruction; shell and JSON scanners then work on that "logical" text. Every character of a
// Source remembers its document offset so that findings and fixes land on the real text.

export interface Source {
  text: string;
  /** Document offset of each character of `text`. */
  offsets: Int32Array;
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

export function positionAt(starts: number[], offset: number): { line: number; character: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
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
  const esc = escape.charCodeAt(0);
  let out = '';
  const offs = new Int32Array(Math.max(0, end - start));
  let n = 0;
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
    for (let p = i; p < stop; p++) offs[n++] = p;
    if (!cont) {
      if (le < end) {
        // A real line break inside the range (heredoc bodies): keep it as a newline.
        out += '\n';
        offs[n++] = le;
        i = skipBreak(doc, le);
        continued = false;
        continue;
      }
      break;
    }
    continued = true;
    i = skipBreak(doc, le);
  }
  return { text: out, offsets: offs.subarray(0, n) };
}

/** Where the line holding `offset` ends: the offset after its line break (text end when none) and the break itself. */
export function lineBreakAfter(text: string, offset: number): { next: number; eol: string } {
  const le = lineEnd(text, offset, text.length);
  if (le >= text.length) return { next: text.length, eol: '' };
  const next = skipBreak(text, le);
  return { next, eol: text.slice(le, next) };
}

/** A sub-range of a source as its own source. */
export function slice(src: Source, from: number, to: number): Source {
  return { text: src.text.slice(from, to), offsets: src.offsets.subarray(from, to) };
}

/** Document offset just after character `index - 1` of the source (end of a token). */
export function endOffset(src: Source, index: number): number {
  if (index <= 0) return src.offsets.length ? src.offsets[0] : 0;
  return src.offsets[index - 1] + 1;
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

