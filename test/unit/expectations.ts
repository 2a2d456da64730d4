// Annotation parser, matcher and report formatter for the rule fixture corpus (test/fixtures/rules).
// Pure: no file system, no linter. Used by fixtures.test.ts; tested by expectations.test.ts.
//
// Annotation format (own-line comments; Dockerfiles have no trailing comments):
//   # expect: <rule> ["message substring"] [severity=<sev>] [fix=none|"title substring"]
//       a finding of <rule> must start on the next line that is neither blank nor a comment.
//   # expect-line: <rule> ...
//       same, but the finding is on the line directly below (for findings on comment lines, e.g. invalid-pragma).
// Headers (before the first instruction, after any parser directives):
//   # facts: {json}      ProjectFacts
//   # standard: {json}   StandardInput for the settings layer of makeStandard
//   # only: rule-a,rule-b  (pragmas folder only) the rules whose findings are matched exhaustively
//   # context: {"files": ["src/app.py", ".env"], "dockerignore": ".git\n"}  a build context (build-context rule)
//   # taskdef: {"containerDefinitions": [...]}  an ECS task definition (one line of JSON)
//   # gunicorn-conf: "workers = 9\ntimeout = 60\n"  gunicorn.conf.py (a JSON string), named gunicorn.conf.py
//   # project: {"pyproject.toml": "…", "src/app/main.py": "…"}  a Python project (dependencies, routes) read by pythonFacts

export type Severity = 'error' | 'warning' | 'info' | 'hint';
const SEVERITIES: readonly string[] = ['error', 'warning', 'info', 'hint'];

export interface Expectation {
  rule: string;
  /** 0-based line where the finding must start. */
  line: number;
  /** 0-based line of the annotation comment. */
  annotationLine: number;
  /** The finding's message must contain this. */
  substring?: string;
  /** The finding's severity must be this. */
  severity?: Severity;
  /** undefined: not checked; null: the finding must have no fix; string: the fix title must contain it. */
  fix?: string | null;
}

export interface ActualFinding {
  rule: string;
  /** 0-based start line. */
  line: number;
  message: string;
  severity?: string;
  fixTitle?: string;
}

export interface ParsedFixture {
  facts: Record<string, unknown>;
  standard: Record<string, unknown>;
  only?: string[];
  /** A build context for the build-context rule: the files in it and the .dockerignore text. */
  context?: { files: string[]; dockerignore?: string };
  /** An ECS task definition (its JSON text, pretty-printed from the one-line header). */
  taskdef?: string;
  /** gunicorn.conf.py text. */
  gunicornConf?: string;
  /** A Python project (file → text) read by pythonFacts, with its pyproject.toml as the project's. */
  project?: Record<string, string>;
  expectations: Expectation[];
  /** Malformed annotations or headers; a fixture with errors must fail. */
  errors: string[];
}

export interface MatchResult {
  ok: boolean;
  matched: Array<{ expectation: Expectation; finding: ActualFinding }>;
  missing: Expectation[];
  unexpected: ActualFinding[];
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n/);
}

export function toCrlf(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n');
}

export function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

const EXPECT_RE = /^\s*#\s*expect(-line)?:\s*(.*)$/;
const HEADER_RE = /^\s*#\s*(facts|standard|only|context|taskdef|gunicorn-conf|project):\s*(.*)$/;

function isInstructionLine(line: string): boolean {
  const t = line.trim();
  return t !== '' && !t.startsWith('#');
}

/** Tokenises the rest of an expect line: `"json string"` or `key=value` / `key="json string"` or a bare word. */
function tokenize(rest: string): { tokens: Array<{ key?: string; value: string; quoted: boolean }>; error?: string } {
  const tokens: Array<{ key?: string; value: string; quoted: boolean }> = [];
  let i = 0;
  const readQuoted = (): string | undefined => {
    // JSON string starting at rest[i] === '"'
    let j = i + 1;
    while (j < rest.length) {
      if (rest[j] === '\\') { j += 2; continue; }
      if (rest[j] === '"') break;
      j++;
    }
    if (j >= rest.length) return undefined;
    const raw = rest.slice(i, j + 1);
    i = j + 1;
    try { return JSON.parse(raw) as string; } catch { return undefined; }
  };
  while (i < rest.length) {
    if (/\s/.test(rest[i])) { i++; continue; }
    if (rest[i] === '"') {
      const v = readQuoted();
      if (v === undefined) return { tokens, error: `unterminated or invalid string in: ${rest}` };
      tokens.push({ value: v, quoted: true });
      continue;
    }
    const m = /^([A-Za-z-]+)=/.exec(rest.slice(i));
    if (m) {
      i += m[0].length;
      if (rest[i] === '"') {
        const v = readQuoted();
        if (v === undefined) return { tokens, error: `unterminated or invalid string in: ${rest}` };
        tokens.push({ key: m[1], value: v, quoted: true });
      } else {
        const w = /^\S*/.exec(rest.slice(i))![0];
        i += w.length;
        tokens.push({ key: m[1], value: w, quoted: false });
      }
      continue;
    }
    const w = /^\S+/.exec(rest.slice(i))![0];
    i += w.length;
    tokens.push({ value: w, quoted: false });
  }
  return { tokens };
}

export function parseFixture(text: string): ParsedFixture {
  const lines = splitLines(text);
  const result: ParsedFixture = { facts: {}, standard: {}, expectations: [], errors: [] };
  const seenHeaders = new Set<string>();
  let sawInstruction = false;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (isInstructionLine(line)) { sawInstruction = true; continue; }

    const h = HEADER_RE.exec(line);
    if (h) {
      const [, key, value] = h;
      const where = `line ${i + 1}`;
      if (sawInstruction) { result.errors.push(`${where}: "# ${key}:" must come before the first instruction`); continue; }
      if (seenHeaders.has(key)) { result.errors.push(`${where}: duplicate "# ${key}:" header`); continue; }
      seenHeaders.add(key);
      if (key === 'only') {
        result.only = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
        if (result.only.length === 0) result.errors.push(`${where}: empty "# only:" header`);
        continue;
      }
      if (key === 'taskdef' || key === 'gunicorn-conf') {
        // the file's text: a JSON object written on one line (taskdef), or a JSON string (gunicorn-conf)
        try {
          const parsed: unknown = JSON.parse(value);
          if (key === 'taskdef') result.taskdef = JSON.stringify(parsed, null, 2);
          else if (typeof parsed === 'string') result.gunicornConf = parsed;
          else throw new Error('not a string');
        } catch (e) {
          result.errors.push(`${where}: "# ${key}:" is not valid: ${value} (${(e as Error).message})`);
        }
        continue;
      }
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        if (key === 'facts') result.facts = parsed as Record<string, unknown>;
        else if (key === 'project') result.project = parsed as Record<string, string>;
        else if (key === 'context') result.context = parsed as ParsedFixture['context'];
        else result.standard = parsed as Record<string, unknown>;
      } catch (e) {
        result.errors.push(`${where}: "# ${key}:" is not a JSON object: ${value} (${(e as Error).message})`);
      }
      continue;
    }

    const m = EXPECT_RE.exec(line);
    if (!m) continue;
    const exact = m[1] === '-line';
    const where = `line ${i + 1}`;
    const { tokens, error } = tokenize(m[2]);
    if (error) { result.errors.push(`${where}: ${error}`); continue; }
    const first = tokens.shift();
    if (!first || first.key !== undefined || first.quoted || !/^[a-z][a-z0-9-]*$/.test(first.value)) {
      result.errors.push(`${where}: expected a rule name after "# expect:": ${line.trim()}`);
      continue;
    }
    const exp: Expectation = { rule: first.value, line: -1, annotationLine: i };
    let bad = false;
    for (const t of tokens) {
      if (t.key === undefined && t.quoted && exp.substring === undefined) { exp.substring = t.value; continue; }
      if (t.key === 'severity' && SEVERITIES.includes(t.value)) { exp.severity = t.value as Severity; continue; }
      if (t.key === 'fix') { exp.fix = !t.quoted && t.value === 'none' ? null : t.value; continue; }
      result.errors.push(`${where}: cannot understand "${t.key !== undefined ? `${t.key}=` : ''}${t.value}" in: ${line.trim()}`);
      bad = true;
    }
    if (bad) continue;
    if (exact) {
      if (i + 1 >= lines.length || lines[i + 1].trim() === '') {
        result.errors.push(`${where}: "# expect-line:" must be directly above a non-blank line`);
        continue;
      }
      exp.line = i + 1;
    } else {
      let j = i + 1;
      while (j < lines.length && !isInstructionLine(lines[j])) j++;
      if (j >= lines.length) { result.errors.push(`${where}: "# expect:" has no instruction below it`); continue; }
      exp.line = j;
    }
    result.expectations.push(exp);
  }
  return result;
}

function satisfies(e: Expectation, f: ActualFinding): boolean {
  if (e.rule !== f.rule || e.line !== f.line) return false;
  if (e.substring !== undefined && !f.message.includes(e.substring)) return false;
  if (e.severity !== undefined && f.severity !== e.severity) return false;
  if (e.fix === null && f.fixTitle !== undefined) return false;
  if (typeof e.fix === 'string' && (f.fixTitle === undefined || !f.fixTitle.includes(e.fix))) return false;
  return true;
}

/**
 * Exhaustive one-to-one matching: every finding matches exactly one expectation and vice versa.
 * A maximum bipartite matching (Kuhn), so annotation order and overlapping substrings never matter.
 */
export function matchFindings(expectations: Expectation[], findings: ActualFinding[]): MatchResult {
  const owner = new Array<number>(findings.length).fill(-1); // finding -> expectation
  const candidates = expectations.map((e) => findings.map((f, k) => (satisfies(e, f) ? k : -1)).filter((k) => k >= 0));
  const tryAssign = (ei: number, seen: boolean[]): boolean => {
    for (const k of candidates[ei]) {
      if (seen[k]) continue;
      seen[k] = true;
      if (owner[k] < 0 || tryAssign(owner[k], seen)) { owner[k] = ei; return true; }
    }
    return false;
  };
  for (let ei = 0; ei < expectations.length; ei++) tryAssign(ei, new Array<boolean>(findings.length).fill(false));

  const matchedBy = new Map<number, number>();
  owner.forEach((ei, k) => { if (ei >= 0) matchedBy.set(ei, k); });
  const matched: MatchResult['matched'] = [];
  const missing: Expectation[] = [];
  expectations.forEach((e, ei) => {
    const k = matchedBy.get(ei);
    if (k === undefined) missing.push(e);
    else matched.push({ expectation: e, finding: findings[k] });
  });
  const unexpected = findings.filter((_, k) => owner[k] < 0);
  return { ok: missing.length === 0 && unexpected.length === 0, matched, missing, unexpected };
}

export function describeExpectation(e: Expectation): string {
  let s = e.rule;
  if (e.substring !== undefined) s += ` ${JSON.stringify(e.substring)}`;
  if (e.severity !== undefined) s += ` severity=${e.severity}`;
  if (e.fix === null) s += ' fix=none';
  else if (e.fix !== undefined) s += ` fix=${JSON.stringify(e.fix)}`;
  return s;
}

export function describeFinding(f: ActualFinding): string {
  return `${f.rule} [${f.severity ?? '?'}] ${JSON.stringify(f.message)}${f.fixTitle !== undefined ? ` (fix: ${f.fixTitle})` : ' (no fix)'}`;
}

/**
 * The fixture with expected and actual findings interleaved under the lines they point at:
 *    12 | CMD uvicorn app:app
 *       |   ok          exec-form [warning] "..."
 *       |   MISSING     exec-form "substring"   (annotated on line 11)
 *       |   UNEXPECTED  exec-form [warning] "..." (fix: Convert to exec form)
 */
export function formatReport(text: string, result: MatchResult, title?: string): string {
  const lines = splitLines(text);
  const width = String(lines.length).length;
  const gutter = ' '.repeat(width);
  const notes = new Map<number, string[]>();
  const add = (line: number, note: string): void => {
    const key = line >= 0 && line < lines.length ? line : -1;
    if (!notes.has(key)) notes.set(key, []);
    notes.get(key)!.push(key === -1 ? `${note} (on line ${line + 1}, outside the file)` : note);
  };
  for (const m of result.matched) add(m.expectation.line, `  ok          ${describeFinding(m.finding)}`);
  for (const e of result.missing) add(e.line, `  MISSING     ${describeExpectation(e)}   (annotated on line ${e.annotationLine + 1})`);
  for (const f of result.unexpected) add(f.line, `  UNEXPECTED  ${describeFinding(f)}`);

  const out: string[] = [];
  if (title) out.push(title);
  out.push(`${result.missing.length} missing, ${result.unexpected.length} unexpected, ${result.matched.length} matched`);
  lines.forEach((l, i) => {
    // The empty "line" after a final newline is noise unless something points at it.
    if (i === lines.length - 1 && l === '' && !notes.has(i)) return;
    out.push(`${String(i + 1).padStart(width)} | ${l}`);
    for (const n of notes.get(i) ?? []) out.push(`${gutter} |${n}`);
  });
  for (const n of notes.get(-1) ?? []) out.push(`${gutter} |${n}`);
  return out.join('\n');
}

/** A small line diff (LCS) for golden mismatches; `\r` is shown as `␍` so CRLF problems are visible. */
export function lineDiff(expected: string, actual: string): string {
  const show = (s: string): string => s.replace(/\r/g, '␍');
  const a = expected.split('\n');
  const b = actual.split('\n');
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  }
  const out: string[] = ['--- expected (golden)', '+++ actual (fixAll)'];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { out.push(`  ${show(a[i])}`); i++; j++; }
    else if (j < m && (i >= n || dp[i][j + 1] >= dp[i + 1][j])) { out.push(`+ ${show(b[j])}`); j++; }
    else { out.push(`- ${show(a[i])}`); i++; }
  }
  return out.join('\n');
}
