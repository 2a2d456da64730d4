// Output formats of `docksmith check`: stylish (people), json (scripts), sarif (code scanning),
// github (workflow command annotations). All take the same findings; paths are made relative by
// the caller's `rel` (the current folder) or `repoRel` (the repository root: SARIF, GitHub).

import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { RULES } from '../service/rules';
import { Position, Range, Related, Severity } from '../service/types';

export interface CliEdit { start: Position; end: Position; newText: string }

export interface Reported {
  /** Absolute path of the file the finding is on (a task definition for external findings). */
  file: string;
  /** Absolute path of the Dockerfile whose lint found it. */
  dockerfile: string;
  rule: string;
  severity: Severity;
  message: string;
  range: Range;
  fix?: { title: string; safe: boolean; changes: { file: string; edits: CliEdit[] }[] };
  related?: Related[];
}

export interface Applied { file: string; rule: string; title: string; line: number }

export interface Report {
  findings: Reported[];
  fixed: Applied[];
  /** Files linted (absolute). */
  files: string[];
}

export interface FormatEnv {
  rel: (abs: string) => string;
  repoRel: (abs: string) => string;
  repoRoot: string;
  color: boolean;
  version: string;
  /** Folder of the bundled docs/rules pages, when present. */
  docsDir?: string;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

export function atLeast(sev: Severity, level: Severity): boolean {
  return RANK[sev] >= RANK[level];
}

function counts(findings: Reported[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function stylish(report: Report, env: FormatEnv): string {
  const paint = (code: string) => (s: string) => (env.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const red = paint('31'), yellow = paint('33'), blue = paint('34'), dim = paint('2'), bold = paint('1'), green = paint('32');
  const sevColor: Record<Severity, (s: string) => string> = { error: red, warning: yellow, info: blue, hint: dim };
  const lines: string[] = [];
  if (report.fixed.length) {
    const byFile = group(report.fixed, (a) => a.file);
    for (const [file, list] of byFile) {
      lines.push(`${bold(env.rel(file))} ${green(`fixed ${plural(list.length, 'problem')}`)}`);
      for (const a of list) lines.push(`  ${dim(`${a.line}`)}  ${a.rule}: ${a.title}`);
    }
    lines.push('');
  }
  const byFile = group(report.findings, (f) => f.file);
  for (const [file, list] of byFile) {
    lines.push(bold(env.rel(file)));
    const rows = list.map((f) => [`${f.range.start.line + 1}:${f.range.start.character + 1}`, f.severity, f.message.replace(/\s*\n\s*/g, ' '), f.rule]);
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    for (const [i, r] of rows.entries()) {
      const via = list[i].file !== list[i].dockerfile ? dim(` (from ${env.rel(list[i].dockerfile)})`) : '';
      lines.push(`  ${dim(r[0].padEnd(w0))}  ${sevColor[list[i].severity](r[1].padEnd(w1))}  ${r[2]}  ${dim(r[3])}${via}`);
    }
    lines.push('');
  }
  const c = counts(report.findings);
  const total = report.findings.length;
  if (total) {
    const parts = [plural(c.error, 'error'), plural(c.warning, 'warning'), `${c.info} info`];
    if (c.hint) parts.push(plural(c.hint, 'hint'));
    const fixable = report.findings.filter((f) => f.fix?.safe && f.file === f.dockerfile).length;
    const colour = c.error ? red : c.warning ? yellow : blue;
    lines.push(colour(bold(`✖ ${plural(total, 'problem')} (${parts.join(', ')}) in ${plural(report.files.length, 'file')}`)));
    if (fixable) lines.push(dim(`  ${fixable} of them with a safe fix: run with --fix`));
  } else {
    lines.push(green(`✔ ${plural(report.files.length, 'file')} checked, no problems`));
  }
  return lines.join('\n') + '\n';
}

function group<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) { const k = key(it); const l = m.get(k); if (l) l.push(it); else m.set(k, [it]); }
  return m;
}

export function json(report: Report, env: FormatEnv): string {
  const c = counts(report.findings);
  const out = {
    tool: { name: 'docksmith', version: env.version },
    findings: report.findings.map((f) => ({
      file: env.rel(f.file),
      line: f.range.start.line + 1, column: f.range.start.character + 1,
      endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1,
      rule: f.rule, severity: f.severity, message: f.message,
      ...(f.file !== f.dockerfile ? { dockerfile: env.rel(f.dockerfile) } : {}),
      ...(f.fix ? { fix: { title: f.fix.title, safe: f.fix.safe } } : {}),
    })),
    fixed: report.fixed.map((a) => ({ file: env.rel(a.file), line: a.line, rule: a.rule, title: a.title })),
    files: report.files.map(env.rel),
    summary: { files: report.files.length, errors: c.error, warnings: c.warning, info: c.info, hints: c.hint, fixed: report.fixed.length },
  };
  return JSON.stringify(out, null, 2) + '\n';
}

/** GitHub workflow command escapes: data (%, CR, LF) and property values (also : and ,). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function github(report: Report, env: FormatEnv): string {
  const cmd: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };
  const lines = report.findings.map((f) => {
    const props = [
      `file=${escapeProperty(env.repoRel(f.file))}`,
      `line=${f.range.start.line + 1}`, `col=${f.range.start.character + 1}`,
      `endLine=${f.range.end.line + 1}`, `endColumn=${f.range.end.character + 1}`,
      `title=${escapeProperty(`docksmith ${f.rule}`)}`,
    ];
    return `::${cmd[f.severity]} ${props.join(',')}::${escapeData(f.message)}`;
  });
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Rules that are not in the registry but can be reported. */
const EXTRA_RULES: Record<string, { summary: string; severity: Severity }> = {
  'config': { summary: 'An invalid value in [tool.docksmith] of pyproject.toml (or malformed TOML): Docksmith uses its defaults for it.', severity: 'warning' },
  'invalid-pragma': { summary: 'A `# docksmith ignore=` pragma names a rule that does not exist.', severity: 'warning' },
  'invalid-config': { summary: 'The configured target names no stage of the Dockerfile.', severity: 'info' },
  'file-too-large': { summary: 'The file is too large to lint.', severity: 'info' },
  'not-a-dockerfile': { summary: 'The file is not a Dockerfile (binary data).', severity: 'info' },
};

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

function uriOf(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

export function sarif(report: Report, env: FormatEnv): string {
  const artifact = (abs: string) => ({ uri: uriOf(env.repoRel(abs)), uriBaseId: 'SRCROOT' });
  const region = (r: Range) => ({ startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 });
  const rules: Record<string, unknown>[] = [];
  const index = new Map<string, number>();
  for (const r of RULES) {
    const m = r.meta;
    const doc = env.docsDir ? path.join(env.docsDir, `${m.name}.md`) : undefined;
    const hasDoc = !!doc && fs.existsSync(doc);
    index.set(m.name, rules.length);
    rules.push({
      id: m.name, name: m.name,
      shortDescription: { text: m.docs.summary.replace(/`/g, '') },
      fullDescription: { text: m.docs.whatItDoes.replace(/`/g, '') },
      ...(hasDoc ? { helpUri: pathToFileURL(doc!).toString() } : {}),
      help: { text: `${m.docs.summary}\n\n${m.docs.why}`, markdown: `${m.docs.summary}\n\n**Why:** ${m.docs.why}\n\n**Use instead:** ${m.docs.useInstead}` },
      defaultConfiguration: { level: SARIF_LEVEL[m.severity] },
      properties: { fix: m.fix },
    });
  }
  for (const f of report.findings) {
    if (index.has(f.rule)) continue;
    const extra = EXTRA_RULES[f.rule] ?? { summary: f.rule, severity: 'warning' as Severity };
    index.set(f.rule, rules.length);
    rules.push({ id: f.rule, name: f.rule, shortDescription: { text: extra.summary }, fullDescription: { text: extra.summary }, defaultConfiguration: { level: SARIF_LEVEL[extra.severity] } });
  }
  const results = report.findings.map((f) => {
    const result: Record<string, unknown> = {
      ruleId: f.rule, ruleIndex: index.get(f.rule), level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: artifact(f.file), region: region(f.range) } }],
    };
    if (f.related?.length) {
      result.relatedLocations = f.related.map((r, id) => ({ id, message: { text: r.message }, physicalLocation: { artifactLocation: artifact(r.path), region: region(r.range) } }));
    }
    if (f.fix) {
      result.fixes = [{
        description: { text: f.fix.safe ? f.fix.title : `${f.fix.title} (review before applying: changes behaviour)` },
        artifactChanges: f.fix.changes.map((c) => ({
          artifactLocation: artifact(c.file),
          replacements: c.edits.map((e) => ({ deletedRegion: region({ start: e.start, end: e.end }), insertedContent: { text: e.newText } })),
        })),
      }];
    }
    return result;
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'docksmith', version: env.version, semanticVersion: env.version, rules } },
      originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(env.repoRoot + path.sep).toString() } },
      invocations: [{ executionSuccessful: true }],
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
