// Applying fixes. Fix-all converges by construction: a pass of non-overlapping fixes is applied
// only if re-linting its result shows that every finding it fixed is gone and that it created no
// new finding of the same rules. A fix that fails the check (it inserted text the parser cannot
// see, e.g. inside an unclosed heredoc or backtick) is left out of fix-all; it stays a quick fix.

import { lintText } from './linter';
import { Diagnostic, Fix, LintContext, OffsetEdit } from './types';
import { applyEdits, pushAll } from './text';

export { applyEdits };

function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  const aInsert = a.start === a.end;
  const bInsert = b.start === b.end;
  // Insertions at one point go in together, in the order the fixes were picked (options appended
  // after one word, lines added before one CMD) — unless they are the same text (one uv COPY, not two).
  if (aInsert && bInsert && a.start === b.start) return a.newText === b.newText;
  // Otherwise touching edits conflict: an insertion at the edge of a replaced range would land on
  // an arbitrary side of it. They wait for the next pass.
  return a.start <= b.end && b.start <= a.end;
}

/** Pick fixes whose edits do not overlap any already picked (first come, first served). */
export function nonOverlapping(fixes: Fix[]): Fix[] {
  return pickNonOverlapping(fixes, (f) => f);
}

function pickNonOverlapping<T>(items: T[], fixOf: (t: T) => Fix): T[] {
  const picked: T[] = [];
  const taken: OffsetEdit[] = [];
  for (const item of items) {
    const edits = fixOf(item).edits;
    if (edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    picked.push(item);
    for (const e of edits) taken.push(e);
  }
  return picked;
}

export interface FixAllOptions {
  /** Only safe fixes (fix-all on save). Default true. */
  safeOnly?: boolean;
  only?: string[];
  maxPasses?: number;
  /** The lint result of `text` when the caller has it (the server's cache): saves the first lint. */
  first?: readonly Diagnostic[];
}

export interface FixAllResult {
  text: string;
  /** The findings whose fixes were applied, in the order of the passes. */
  applied: Diagnostic[];
  /** Fixes offered on the final text that fix-all left out because their result still had the finding. */
  rejected: Diagnostic[];
  /** The findings on the final text (of the rules in `only`, when given): fix-all linted it already. */
  diagnostics: readonly Diagnostic[];
}

/** How many times one fix-all may lint: a bound on the work, whatever the document. */
const MAX_LINTS = 100;

type Fixable = Diagnostic & { fix: Fix };

/** Apply all (safe) fixes until none is left that passes the check. */
export function fixAll(text: string, ctx: LintContext, opts: FixAllOptions = {}): string {
  return fixAllDetailed(text, ctx, opts).text;
}

export function fixAllDetailed(text: string, ctx: LintContext, opts: FixAllOptions = {}): FixAllResult {
  const safeOnly = opts.safeOnly ?? true;
  let lints = 0;
  const lint = (t: string) => { lints++; return lintText(t, ctx, opts.only).diagnostics; };
  let current = text;
  let diags = opts.first ?? lint(current);
  const applied: Diagnostic[] = [];
  /** Fixes whose result failed the check, by finding and title; tried again once the text has changed. */
  const excluded = new Map<string, Diagnostic>();
  let changedSinceExcluded = false;
  type Outcome = { text: string; diags: readonly Diagnostic[]; fixes: Fixable[] };
  /** Apply `group` to the current text: the outcome when it passes the check. */
  const attempt = (group: Fixable[]): Outcome | undefined => {
    const edits: OffsetEdit[] = [];
    for (const f of group) for (const e of f.fix.edits) edits.push(e);
    const next = applyEdits(current, edits);
    if (next === current) return undefined;
    const after = lint(next);
    return converges(diags, after, group) ? { text: next, diags: after, fixes: group } : undefined;
  };
  /** Split a failing group until the fixes that fail alone are found; the passing parts' outcomes. */
  const bisect = (group: Fixable[]): Outcome[] => {
    if (group.length === 1) { excluded.set(fixKey(group[0]), group[0]); return []; }
    const mid = group.length >> 1;
    const out: Outcome[] = [];
    for (const half of [group.slice(0, mid), group.slice(mid)]) {
      if (lints >= MAX_LINTS) break;
      const r = attempt(half);
      if (r) out.push(r); else pushAll(out, bisect(half));
    }
    return out;
  };
  for (let pass = 0; pass < (opts.maxPasses ?? 20) && lints < MAX_LINTS; pass++) {
    // fixes that edit other files (a .dockerignore, pyproject.toml) are quick fixes only
    const fixable = diags.filter((d): d is Fixable => !!d.fix && (d.fix.safe || !safeOnly) && !d.fix.otherFiles?.length && !excluded.has(fixKey(d as Fixable)));
    const chosen = pickNonOverlapping(fixable, (d) => d.fix);
    if (!chosen.length) {
      // Excluded fixes failed on an earlier text: give them one more chance on this one, so that a
      // second fix-all finds nothing left to do.
      if (excluded.size && changedSinceExcluded) { excluded.clear(); changedSinceExcluded = false; continue; }
      break;
    }
    let outcome = attempt(chosen);
    if (!outcome) {
      const parts = chosen.length > 1 ? bisect(chosen) : (excluded.set(fixKey(chosen[0]), chosen[0]), []);
      if (!parts.length) continue;
      const good = parts.flatMap((p) => p.fixes);
      outcome = (parts.length > 1 && lints < MAX_LINTS && attempt(good)) || parts[0];
    }
    for (const d of outcome.fixes) applied.push(d);
    current = outcome.text;
    diags = outcome.diags;
    changedSinceExcluded = excluded.size > 0;
  }
  const rejected = diags.filter((d): d is Fixable => !!d.fix && excluded.has(fixKey(d as Fixable)));
  return { text: current, applied, rejected, diagnostics: diags };
}

function fixKey(d: Fixable): string {
  return `${key(d)}\0${d.fix.title}`;
}

/** A finding's identity across an edit: its rule and message (line numbers in messages move with edits). */
function key(d: Diagnostic): string {
  return `${d.rule}\0${d.message.replace(/\bline \d+/g, 'line #')}`;
}

/**
 * Did applying `fixed` remove each fixed finding, without adding a finding of the same rules?
 * Per rule of the pass: every finding after must be one of the findings before that were not fixed.
 */
export function converges(before: readonly Diagnostic[], after: readonly Diagnostic[], fixed: readonly Diagnostic[]): boolean {
  const rules = new Set(fixed.map((d) => d.rule));
  const left = new Map<string, number>();
  for (const d of before) if (rules.has(d.rule)) left.set(key(d), (left.get(key(d)) ?? 0) + 1);
  for (const d of fixed) left.set(key(d), (left.get(key(d)) ?? 0) - 1);
  for (const d of after) {
    if (!rules.has(d.rule)) continue;
    const n = left.get(key(d)) ?? 0;
    if (n <= 0) return false;
    left.set(key(d), n - 1);
  }
  return true;
}
