// Just enough of POSIX shell and Dockerfile exec-form JSON to find commands and their words.
// Words keep their source indices so that rules can point at them and fixes can edit them.

import { Source, endOffset } from './text';

export interface Word {
  /** The word after quote removal; expansions ($X, $(…), `…`) are kept as written. */
  value: string;
  /** Index range in the source (raw text, quotes included). */
  start: number;
  end: number;
  /** Contains an unquoted or double-quoted expansion ($, `). */
  expands: boolean;
  /** For words that are a single quoted string: the source of the inside, for re-tokenizing (sh -c "…"). */
  inner?: Source;
}

export type Separator = '&&' | '||' | ';' | '|' | '&' | '\n' | '(' | ')' | '';

export interface SimpleCommand {
  words: Word[];
  /** The operator that ends this command ('' at the end of the script). */
  next: Separator;
  prev: Separator;
  /** Names of heredocs (`<<EOF`, `<<-'EOF'`) redirected into this command. */
  heredocs?: string[];
  /** The source the word indices refer to. */
  src: Source;
}

export interface Script {
  source: Source;
  commands: SimpleCommand[];
  /** The script uses features that need a shell (expansions, operators, redirections, globs). */
  usesShell: boolean;
}


/** Tokenize a shell script (logical text) into simple commands. Never throws. */
export function parseShell(src: Source): Script {
  const t = src.text;
  const commands: SimpleCommand[] = [];
  let words: Word[] = [];
  let heredocs: string[] | undefined;
  let prev: Separator = '';
  let usesShell = false;
  const push = (sep: Separator) => {
    if (words.length || heredocs || sep === '(' || sep === ')') commands.push({ words, next: sep, prev, heredocs, src });
    else if (commands.length && sep !== '\n') commands[commands.length - 1].next = sep;
    words = [];
    heredocs = undefined;
    prev = sep;
  };
  let i = 0;
  const n = t.length;
  while (i < n) {
    const c = t.charCodeAt(i);
    const d = i + 1 < n ? t.charCodeAt(i + 1) : 0;
    if (c === 32 || c === 9 || c === 13) { i++; continue; }
    if (c === 10) { push('\n'); i++; continue; }
    if (c === 35 /* # */) { // comment to end of line: only a shell drops it, so the script needs one
      usesShell = true;
      while (i < n && t.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 38 && d === 38) { push('&&'); usesShell = true; i += 2; continue; }
    if (c === 124 && d === 124) { push('||'); usesShell = true; i += 2; continue; }
    if (c === 59) { push(';'); usesShell = true; i += d === 59 ? 2 : 1; continue; }
    if (c === 124) { push('|'); usesShell = true; i++; continue; }
    if (c === 38 && d !== 62) { push('&'); usesShell = true; i++; continue; }
    if (c === 40 || c === 41) { push(c === 40 ? '(' : ')'); usesShell = true; i++; continue; }
    if (c === 60 || c === 62 || (c === 38 && d === 62) || (c >= 48 && c <= 57 && (d === 60 || d === 62))) {
      // Redirection: skip the operator and its target word; heredoc markers are skipped too.
      usesShell = true;
      const opStart = i;
      while (i < n && /[0-9&<>|-]/.test(t[i])) i++;
      const op = t.slice(opStart, i).replace(/^[0-9]/, '');
      const heredoc = op.startsWith('<<') && !op.includes('<<<');
      while (i < n && (t.charCodeAt(i) === 32 || t.charCodeAt(i) === 9)) i++;
      const w = readWord(src, i);
      if (heredoc && w.value) (heredocs ??= []).push(w.value);
      i = w.end;
      continue;
    }
    const w = readWord(src, i);
    if (w.end === i) { i++; continue; } // defensive: never loop forever
    if (w.expands || w.glob) usesShell = true;
    words.push(w);
    i = w.end;
  }
  push('');
  return { source: src, commands, usesShell };
}

/** Characters that end an unquoted word: blanks, line breaks and shell operators. */
function endsWord(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 59 || c === 38 || c === 124 || c === 40 || c === 41 || c === 60 || c === 62;
}

/** Read one shell word starting at `start` (plain runs are sliced, not built a character at a time). */
function readWord(src: Source, start: number): Word & { glob: boolean } {
  const t = src.text;
  const n = t.length;
  let i = start;
  let value = '';
  let expands = false;
  let glob = false;
  let quotedParts = 0;
  let unquotedChars = 0;
  let innerFrom = -1;
  let innerTo = -1;
  let run = i; // start of the plain text not yet copied into value
  while (i < n) {
    const c = t.charCodeAt(i);
    if (endsWord(c)) break;
    if (c === 39 /* ' */) {
      value += t.slice(run, i);
      const close = t.indexOf("'", i + 1);
      const j = close < 0 ? n : close;
      value += t.slice(i + 1, j);
      quotedParts++;
      innerFrom = i + 1; innerTo = j;
      i = Math.min(n, j + 1);
      run = i;
    } else if (c === 34 /* " */) {
      value += t.slice(run, i);
      let j = i + 1;
      let simple = true;
      let seg = j;
      while (j < n && t.charCodeAt(j) !== 34) {
        const cj = t.charCodeAt(j);
        if (cj === 92 && j + 1 < n && '"\\$`\n'.includes(t[j + 1])) { value += t.slice(seg, j) + t[j + 1]; j += 2; seg = j; simple = false; continue; }
        if (cj === 36 || cj === 96) { expands = true; j = skipExpansion(t, j); continue; }
        j++;
      }
      value += t.slice(seg, Math.min(j, n));
      quotedParts++;
      if (simple) { innerFrom = i + 1; innerTo = j; } else { innerFrom = -2; }
      i = Math.min(n, j + 1);
      run = i;
    } else if (c === 92 /* \ */) {
      value += t.slice(run, i) + (i + 1 < n ? t[i + 1] : '');
      unquotedChars++;
      i += 2;
      run = Math.min(i, n);
    } else if (c === 36 || c === 96) {
      expands = true;
      const e = skipExpansion(t, i);
      unquotedChars += e - i;
      i = e;
    } else {
      if (c === 42 || c === 63 || c === 126) glob = true;
      unquotedChars++;
      i++;
    }
  }
  const end = Math.min(i, n);
  value += t.slice(run, end);
  const word: Word & { glob: boolean } = { value, start, end, expands, glob };
  if (quotedParts === 1 && unquotedChars === 0 && innerFrom >= 0) word.inner = src.slice(innerFrom, innerTo);
  return word;
}

/** End index of an expansion starting at t[i] ('$' or '`'). */
function skipExpansion(t: string, i: number): number {
  const n = t.length;
  if (t[i] === '`') {
    const j = t.indexOf('`', i + 1);
    return j < 0 ? n : j + 1;
  }
  const c = t[i + 1];
  if (c === '(' || c === '{') {
    const open = c;
    const close = c === '(' ? ')' : '}';
    let depth = 0;
    for (let j = i + 1; j < n; j++) {
      if (t[j] === open) depth++;
      else if (t[j] === close) { depth--; if (depth === 0) return j + 1; }
      else if (t[j] === "'" && open === '(') { const q = t.indexOf("'", j + 1); if (q < 0) return n; j = q; }
    }
    return n;
  }
  let j = i + 1;
  if (j < n && /[@*#?$!0-9-]/.test(t[j])) return j + 1;
  while (j < n && /[A-Za-z0-9_]/.test(t[j])) j++;
  return j === i + 1 ? i + 1 : j;
}

export interface JsonArray {
  /** The strings of the array; `inner` maps each value character back to the source. */
  items: Word[];
  /** Source indices of '[' and ']' (close may be -1 when unterminated). */
  open: number;
  close: number;
}

/**
 * Parse a Dockerfile exec-form array (`["a", "b"]`). Returns undefined when the text is not a valid
 * JSON array of strings (Docker then falls back to shell form).
 */
export function parseJsonArray(src: Source): JsonArray | undefined {
  const t = src.text;
  const n = t.length;
  let i = 0;
  const isWs = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
  const ws = () => { while (i < n && isWs(t.charCodeAt(i))) i++; };
  const trailingOk = (closeIdx: number) => { for (let k = closeIdx + 1; k < n; k++) if (!isWs(t.charCodeAt(k))) return false; return true; };
  ws();
  if (t.charCodeAt(i) !== 91 /* [ */) return undefined;
  const open = i++;
  const items: Word[] = [];
  ws();
  if (t.charCodeAt(i) === 93 /* ] */) return trailingOk(i) ? { items, open, close: i } : undefined;
  for (;;) {
    ws();
    if (t.charCodeAt(i) !== 34 /* " */) return undefined;
    const start = i++;
    let value = '';
    let close = i;
    let escaped = false;
    while (close < n && t.charCodeAt(close) !== 34) {
      if (t.charCodeAt(close) === 92) { escaped = true; close += 2; } else close++;
    }
    if (!escaped) {
      // No escapes: the value is the text between the quotes, and so is its source.
      if (close >= n) return undefined;
      const value = t.slice(i, close);
      items.push({ value, start, end: close + 1, expands: false, inner: src.slice(i, close) });
      i = close + 1;
      ws();
      const c = t.charCodeAt(i);
      if (c === 44 /* , */) { i++; continue; }
      if (c === 93) return trailingOk(i) ? { items, open, close: i } : undefined;
      return undefined;
    }
    const map = new Int32Array(Math.max(0, Math.min(close, n) - i));
    let m = 0;
    let runStart = i;
    while (i < n && t.charCodeAt(i) !== 34) {
      if (t.charCodeAt(i) !== 92 /* \ */) { map[m++] = src.at(i); i++; continue; }
      value += t.slice(runStart, i);
      const e = t[i + 1];
      const simple = JSON_ESCAPES[e];
      if (simple !== undefined) { value += simple; map[m++] = src.at(i); i += 2; runStart = i; continue; }
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(t.slice(i + 2, i + 6), 16)); map[m++] = src.at(i); i += 6; runStart = i; continue;
      }
      return undefined;
    }
    if (i >= n) return undefined;
    value += t.slice(runStart, i);
    const end = ++i;
    items.push({ value, start, end, expands: false, inner: new Source(value, map.subarray(0, m)) });
    ws();
    const c = t.charCodeAt(i);
    if (c === 44 /* , */) { i++; continue; }
    if (c === 93) return trailingOk(i) ? { items, open, close: i } : undefined;
    return undefined;
  }
}

const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Document offsets of a word of a command. */
export function wordSpan(cmd: SimpleCommand, w: Word): { start: number; end: number } {
  return { start: cmd.src.at(w.start), end: endOffset(cmd.src, w.end) };
}
