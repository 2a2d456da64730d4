// The shape of a rule: metadata (name, default severity, fix safety, docs) and a check that
// reports findings. Rules never see pragmas or configured severities: the linter applies those.

import { Analysis } from '../analysis';
import { Finding, RuleMeta } from '../types';

export type Report = Omit<Finding, 'rule'>;

export interface RuleContext {
  readonly a: Analysis;
  report(finding: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export const defineRule = (rule: Rule): Rule => rule;
