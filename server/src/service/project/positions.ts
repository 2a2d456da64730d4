// Offsets in a file's text → 0-based line / UTF-16 character positions (LSP), for the parsers of
// deployment files. Line breaks are \n, \r\n and a lone \r, as LSP counts them.

import { lineStarts, positionAt } from '../text';
import type { Pos, Span } from './types';

/** Positions of one text: build once (linear), then each lookup is a binary search. */
export class Positions {
  private readonly starts: number[];

  constructor(private readonly text: string) {
    this.starts = lineStarts(text);
  }

  /** The position of an offset (clamped to the text; an offset between \r and \n is the \r's). */
  pos(offset: number): Pos {
    let o = Number.isFinite(offset) ? Math.max(0, Math.min(Math.trunc(offset), this.text.length)) : 0;
    if (o > 0 && this.text.charCodeAt(o) === 10 && this.text.charCodeAt(o - 1) === 13) o--;
    return positionAt(this.starts, o);
  }

  /** The span of [start, end) (end clamped to be at least start). */
  span(start: number, end: number): Span {
    return { start: this.pos(start), end: this.pos(Math.max(start, end)) };
  }
}

/** Removes a leading byte order mark: editors do not show it, so positions do not count it. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
