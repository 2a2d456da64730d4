// Edits on server command lines, shared by the gunicorn/uvicorn rules: set an option's value in
// place, or append new options after the last word, each in the syntax it lands in.

import { Invocation, Option, appendWords, encodeWord } from '../gunicorn';
import { Finding, OffsetEdit, Range, Severity } from '../types';
import { Analysis, GunicornSettings } from '../analysis';
import { GunicornSetting, Span } from '../project/types';

/** Replace the value of an option occurrence (`-w 9`, `--workers=9`, `-w9`). */
export function setOptionEdit(o: Option, value: string): OffsetEdit | undefined {
  if (o.inline !== undefined) {
    if (o.flag.noEdit) return undefined;
    const v = o.flag.value;
    const text = v.startsWith('--') ? `${v.slice(0, v.indexOf('='))}=${value}` : `${v.slice(0, 2)}${value}`;
    return { start: o.flag.start, end: o.flag.end, newText: encodeWord(text, o.flag.ctx) };
  }
  if (!o.value || o.value.noEdit) return undefined;
  return { start: o.value.start, end: o.value.end, newText: encodeWord(value, o.value.ctx) };
}

/** Append options after the last word of the server command. */
export function addOptionsEdit(inv: Invocation, words: string[]): OffsetEdit | undefined {
  const last = inv.last;
  if (last.noEdit) return undefined;
  return { start: last.end, end: last.end, newText: appendWords(words, last.ctx) };
}

/** Where a finding about the whole server command points: the program word. */
export function programSpan(inv: Invocation): { start: number; end: number } {
  return { start: inv.words[0].start, end: inv.words[0].end };
}

/** Where a finding about an option points: flag through value. */
export function optionSpan(o: Option): { start: number; end: number } {
  return { start: o.flag.start, end: (o.value ?? o.flag).end };
}

/**
 * What a rule says about a setting in gunicorn.conf.py: the finding is shown on the config file's
 * line, and points back at the server command in the Dockerfile.
 */
export function onConfig(a: Analysis, inv: Invocation, file: NonNullable<GunicornSettings['config']>, span: Span, f: { message: string; severity?: Severity }): Omit<Finding, 'rule'> {
  const instr = inv.instr;
  return {
    start: instr.start, end: instr.end, severity: f.severity,
    message: `${file.label}: ${f.message}`,
    external: { path: file.path, label: file.label, range: span as Range },
    related: [{ path: a.facts.dockerfilePath ?? 'Dockerfile', range: { start: a.model.position(instr.start), end: a.model.position(instr.end) }, message: 'The server command that reads this file' }],
  };
}

/** A literal number in gunicorn.conf.py, or undefined. */
export function confNumber(s: GunicornSetting | undefined): number | undefined {
  return s?.kind === 'literal' && typeof s.value === 'number' ? s.value : undefined;
}

/** A literal string in gunicorn.conf.py, or undefined. */
export function confString(s: GunicornSetting | undefined): string | undefined {
  return s?.kind === 'literal' && typeof s.value === 'string' ? s.value : undefined;
}

/** A literal value as a list of strings (`bind = ["a", "b"]` or `bind = "a"`); [] when not literal. */
export function confStrings(s: GunicornSetting | undefined): string[] {
  return s?.kind === 'literal' ? (Array.isArray(s.value) ? s.value : [String(s.value)]) : [];
}
