// Runs every enabled rule once over a shared model and analysis, then applies configured
// severities and pragmas in one place.

import { Analysis } from './analysis';
import { DockerfileModel } from './model';
import { Pragmas, isSilenced, readPragmas } from './pragmas';
import { RULES, RULE_NAMES } from './rules';
import { Diagnostic, Finding, LintContext, Severity } from './types';

const ORDER: Severity[] = ['hint', 'info', 'warning', 'error'];

/** Documents longer than this (UTF-16 code units, ~4 MB of text) are not linted: a clear note instead of a stalled server. */
export const MAX_LINT_CHARS = 4 * 1024 * 1024;

export interface LintResult {
  diagnostics: Diagnostic[];
  model?: DockerfileModel;
  analysis?: Analysis;
  pragmas?: Pragmas;
}

export function lintModel(model: DockerfileModel, ctx: LintContext, only?: string[]): LintResult {
  const analysis = new Analysis(model, ctx.standard, ctx.facts);
  const pragmas = readPragmas(model, RULE_NAMES);
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const name = rule.meta.name;
    if (only && !only.includes(name)) continue;
    if (ctx.standard.rules[name] === 'off') continue;
    if (name === 'syntax' && !ctx.standard.syntax) continue;
    try {
      rule.check({ a: analysis, report: (f) => findings.push({ ...f, rule: name }) });
    } catch (err) {
      ctx.onRuleError?.(name, err);
    }
  }
  if (!only || only.includes('invalid-pragma')) for (const p of pragmas.problems) findings.push(p);
  const target = ctx.standard.target;
  if (model.targetMissing && target && model.finalStage && (!only || only.includes('invalid-config'))) {
    const names = model.stages.map((s) => s.name).filter(Boolean);
    const from = model.finalStage.from;
    findings.push({ rule: 'invalid-config', start: from.start, end: from.end, severity: 'info',
      message: `target "${target.value}" (${target.source}) names no stage of this Dockerfile${names.length ? ` (its stages: ${names.join(', ')})` : ''}: the runtime rules judge the last stage instead.` });
  }
  const diagnostics: Diagnostic[] = [];
  for (const f of findings) {
    if (isSilenced(pragmas, model, f)) continue;
    const severity = severityOf(f, ctx);
    if (!severity) continue;
    diagnostics.push({ ...f, severity, range: { start: model.position(f.start), end: model.position(f.end) } });
  }
  diagnostics.sort((x, y) => x.start - y.start || x.rule.localeCompare(y.rule));
  return { diagnostics, model, analysis, pragmas };
}

function severityOf(f: Finding, ctx: LintContext): Severity | undefined {
  const configured = ctx.standard.rules[f.rule];
  if (configured === 'off') return undefined;
  const meta = RULES.find((r) => r.meta.name === f.rule)?.meta;
  let sev: Severity = configured ?? f.severity ?? meta?.severity ?? 'warning';
  if (f.uncertain && ORDER.indexOf(sev) > ORDER.indexOf('info')) sev = 'info';
  return sev;
}

export function lintText(text: string, ctx: LintContext, only?: string[]): LintResult {
  if (text.length > MAX_LINT_CHARS) {
    return {
      diagnostics: [{
        rule: 'file-too-large', start: 0, end: 0, severity: 'info', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: `Docksmith skipped this file: it has ${(text.length / 1048576).toFixed(1)} million characters, over the ${MAX_LINT_CHARS / 1048576} million it lints.`,
      }],
    };
  }
  const binary = binaryReason(text);
  if (binary) {
    return {
      diagnostics: [{
        rule: 'not-a-dockerfile', start: 0, end: 0, severity: 'info', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: `Docksmith skipped this file: it is not a Dockerfile (${binary}).`,
      }],
    };
  }
  return lintModel(new DockerfileModel(text, { target: ctx.standard.target?.value }), ctx, only);
}

/** Why the text is not a Dockerfile at all (binary data), or undefined. Dockerfiles are text: a NUL byte never appears in one. */
export function binaryReason(text: string): string | undefined {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    return `it contains a NUL byte on line ${line}: binary data`;
  }
  const head = text.slice(0, 2048);
  if (!/[\u0001-\u0008\u000e-\u001f\ufffd]/.test(head)) return undefined; // the common case, in native code
  let odd = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) odd++;
  }
  return head.length >= 64 && odd / head.length > 0.1 ? `${Math.round((odd / head.length) * 100)}% of its first characters are control characters: binary data` : undefined;
}
