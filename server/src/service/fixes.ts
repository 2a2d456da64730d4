// Applying fixes: non-overlapping edits per pass, re-linting between passes, so that fixes whose
// edits touch the same place still all land (fix-all) and no pass ever applies conflicting edits.

import { lintText } from './linter';
import { Fix, LintContext, OffsetEdit } from './types';
import { applyEdits } from './text';

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
  const picked: Fix[] = [];
  const taken: OffsetEdit[] = [];
  for (const f of fixes) {
    if (f.edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    picked.push(f);
    taken.push(...f.edits);
  }
  return picked;
}

export interface FixAllOptions {
  /** Only safe fixes (fix-all on save). Default true. */
  safeOnly?: boolean;
  only?: string[];
  maxPasses?: number;
}

/** Apply all (safe) fixes until none is left or the passes run out. */
export function fixAll(text: string, ctx: LintContext, opts: FixAllOptions = {}): string {
  const safeOnly = opts.safeOnly ?? true;
  let current = text;
  for (let pass = 0; pass < (opts.maxPasses ?? 10); pass++) {
    const { diagnostics } = lintText(current, ctx, opts.only);
    const fixes = diagnostics.map((d) => d.fix).filter((f): f is Fix => !!f && (f.safe || !safeOnly));
    const chosen = nonOverlapping(fixes);
    if (!chosen.length) break;
    const next = applyEdits(current, chosen.flatMap((f) => f.edits));
    if (next === current) break;
    current = next;
  }
  return current;
}
