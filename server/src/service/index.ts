// The pure core's public surface: what the language server, the tests and the benchmark use.
import { fixAll as fixAllImpl, FixAllOptions } from './fixes';
import { lintText } from './linter';
import { RULES as RULE_LIST } from './rules';
import { Diagnostic, LintContext, RuleMeta } from './types';

export { makeStandard, DEFAULTS } from './standard';
export type { StandardInput, StandardLayers } from './standard';
export { lintText, lintModel } from './linter';
export { DockerfileModel } from './model';
export { applyEdits, nonOverlapping } from './fixes';
export { hoverAt } from './hover';
export * from './types';

export const RULES: RuleMeta[] = RULE_LIST.map((r) => r.meta);

export function lint(text: string, ctx: LintContext, only?: string[]): Diagnostic[] {
  return lintText(text, ctx, only).diagnostics;
}

export function fixAll(text: string, ctx: LintContext, opts?: FixAllOptions): string {
  return fixAllImpl(text, ctx, opts);
}
