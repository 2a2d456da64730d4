// Code actions as plain data: the quick fixes and "ignore" pragmas offered for findings, and the
// fix-all edit. The language server turns them into LSP code actions; the fuzz test and other
// front ends call them directly.

import { fixAllDetailed } from './fixes';
import { LintResult } from './linter';
import { instrAt } from './pragmas';
import { Diagnostic, FileEdit, LintContext, OffsetEdit } from './types';
import { eolOf } from './text';

/** A finding as the client sends it back with a code-action request. */
export interface RequestedFinding { rule: string; start: number; message: string }

export interface QuickFix {
  title: string;
  edits: OffsetEdit[];
  /** The finding it is offered for (index into the request). */
  request: number;
  /** An "ignore" pragma rather than the finding's own fix. */
  ignore: boolean;
  /** The finding's own fix, safe to apply without review. */
  preferred: boolean;
  finding: Diagnostic;
  /** Edits to other files (a .dockerignore, pyproject.toml). */
  otherFiles?: FileEdit[];
}

/** The quick fixes for the findings of a request: each finding's fix, then "Ignore <rule> for this instruction". */
export function quickFixes(result: LintResult, text: string, requested: readonly RequestedFinding[]): QuickFix[] {
  const out: QuickFix[] = [];
  const seen = new Set<string>();
  requested.forEach((req, request) => {
    // Several findings can share a rule and a start (both missing gunicorn timeouts): the message tells them apart.
    const finding = result.diagnostics.find((d) => d.rule === req.rule && d.start === req.start && d.message === req.message)
      ?? result.diagnostics.find((d) => d.rule === req.rule && d.start === req.start);
    if (!finding) return;
    if (finding.fix && !seen.has(finding.fix.title + finding.start)) {
      seen.add(finding.fix.title + finding.start);
      out.push({ title: finding.fix.title, edits: finding.fix.edits, otherFiles: finding.fix.otherFiles, request, ignore: false, preferred: finding.fix.safe, finding });
    }
    const ignore = ignoreEdit(result, text, finding);
    if (ignore && !seen.has('ignore:' + finding.rule + ignore.start)) {
      seen.add('ignore:' + finding.rule + ignore.start);
      out.push({ title: `Ignore ${finding.rule} for this instruction`, edits: [ignore], request, ignore: true, preferred: false, finding });
    }
  });
  return out;
}

/** The one edit that applies every safe fix that converges (see fixAll), or undefined when there is none. */
export function fixAllEdit(text: string, ctx: LintContext, result?: LintResult): OffsetEdit | undefined {
  const fixed = fixAllDetailed(text, ctx, { safeOnly: true, first: result?.diagnostics }).text;
  return fixed === text ? undefined : minimalEdit(text, fixed);
}

/** One edit covering the changed region between two texts (keeps cursors and folding stable). */
export function minimalEdit(before: string, after: string): OffsetEdit {
  let s = 0;
  const max = Math.min(before.length, after.length);
  while (s < max && before.charCodeAt(s) === after.charCodeAt(s)) s++;
  let e = 0;
  while (e < max - s && before.charCodeAt(before.length - 1 - e) === after.charCodeAt(after.length - 1 - e)) e++;
  return { start: s, end: before.length - e, newText: after.slice(s, after.length - e) };
}

/** `# docksmith ignore=<rule>` above the finding's instruction, merged into an existing pragma there. */
export function ignoreEdit(result: LintResult, text: string, finding: Diagnostic): OffsetEdit | undefined {
  const model = result.model;
  if (!model || finding.rule === 'invalid-pragma' || finding.rule === 'file-too-large' || finding.rule === 'not-a-dockerfile' || finding.rule === 'invalid-config') return undefined;
  const instr = instrAt(model, finding.start);
  if (!instr) return undefined;
  const starts = model.lineStarts();
  const lineStart = starts[instr.line];
  if (instr.line > 0) {
    const prevStart = starts[instr.line - 1];
    const prev = text.slice(prevStart, lineStart).replace(/\r?\n$/, '');
    const m = /^([ \t]*#[ \t]*docksmith[ \t]+ignore[ \t]*=[ \t]*)([^#\r\n]*?)([ \t]*(#.*)?)$/.exec(prev);
    if (m) {
      const at = prevStart + m[1].length + m[2].length;
      return { start: at, end: at, newText: `,${finding.rule}` };
    }
  }
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const nl = eolOf(text);
  return { start: lineStart, end: lineStart, newText: `${indent}# docksmith ignore=${finding.rule}${nl}` };
}
