// Rule fixture corpus: test/fixtures/rules/<rule>/*.Dockerfile (annotated, see expectations.ts),
// goldens <name>.fixed.Dockerfile, the pragma folder, and the standard's reference Dockerfile(s).
//
// UPDATE_FIXTURES=1    rewrite existing goldens from the actual fixAll output (review them by hand!)
// UPDATE_FIXTURES=all  also create goldens for positive fixtures whose every finding has a fix
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerfileModel, fixAll, lint, makeStandard, RULES } from '../../server/src/service/index';
import { snapshotContext } from '../../server/src/service/project/context';
import { parseTaskDefinition } from '../../server/src/service/project/taskdef';
import { parseGunicornConfig } from '../../server/src/service/project/gunicorn-conf';
import { pythonFacts } from '../../server/src/service/project/python';
import { memoryFiles } from '../../server/src/service/scaffold/files';
import {
  ActualFinding,
  formatReport,
  lineDiff,
  matchFindings,
  parseFixture,
  ParsedFixture,
  toCrlf,
  toLf,
} from './expectations';

type Ctx = Parameters<typeof lint>[1];
type StandardLayers = NonNullable<Parameters<typeof makeStandard>[0]>;
type Diag = ReturnType<typeof lint>[number];

const FIXTURES = path.join(__dirname, '../../../test/fixtures');
const RULES_DIR = path.join(FIXTURES, 'rules');
const STANDARD_DIR = path.join(FIXTURES, 'standard');
const PRAGMAS = 'pragmas';
const INVALID_PRAGMA = 'invalid-pragma';
const UPDATE = process.env.UPDATE_FIXTURES;
/** Goldens may write the uv version the fix inserts as this placeholder. */
const UV_PLACEHOLDER = '{{uvVersion}}';

const isGolden = (f: string): boolean => f.endsWith('.fixed.Dockerfile');
const isFixture = (f: string): boolean => f.endsWith('.Dockerfile') && !isGolden(f);
const goldenPath = (file: string): string => file.replace(/\.Dockerfile$/, '.fixed.Dockerfile');

function listDirs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

function listFixtures(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter(isFixture).sort() : [];
}

/** Fixtures are kept with LF endings; normalise in case a checkout converted them. */
function read(file: string): string {
  return toLf(fs.readFileSync(file, 'utf8'));
}

function makeCtx(parsed: ParsedFixture): Ctx {
  const facts = { ...(parsed.facts as Ctx['facts']) };
  const c = parsed.context;
  if (c) {
    const di = c.dockerignore;
    facts.context = snapshotContext(memoryFiles(Object.fromEntries(c.files.map((f) => [f, '']))), {
      label: '.', dir: '/fixture', dockerignore: di === undefined ? undefined : { file: '/fixture/.dockerignore', label: '.dockerignore', text: di },
    });
  }
  if (parsed.taskdef !== undefined) {
    const def = parseTaskDefinition(parsed.taskdef);
    if (def) facts.taskDefinition = { path: '/fixture/task-definition.json', label: 'task-definition.json', def };
  }
  if (parsed.gunicornConf !== undefined) {
    facts.gunicornConfigs = [{ path: '/fixture/gunicorn.conf.py', label: 'gunicorn.conf.py', name: 'gunicorn.conf.py', config: parseGunicornConfig(parsed.gunicornConf) }];
    facts.hasGunicornConfig = true;
  }
  if (parsed.project) {
    facts.python = pythonFacts(memoryFiles(parsed.project));
    if (parsed.project['pyproject.toml'] !== undefined) { facts.pyprojectPath = '/fixture/pyproject.toml'; facts.pyprojectText = parsed.project['pyproject.toml']; }
  }
  facts.dockerfilePath = '/fixture/Dockerfile';
  return { standard: makeStandard({ settings: parsed.standard as StandardLayers['settings'] }), facts };
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Findings point at the exact token (a flag on a continuation line, say); annotations name the
 * instruction. A finding counts for the start line of the instruction it lies in (or its own
 * line when it is outside any instruction, e.g. on a pragma comment).
 */
function toActual(d: Diag, model: DockerfileModel): ActualFinding {
  const instr = model.instrs.find((i) => i.start <= d.start && d.start <= i.end);
  return { rule: d.rule, line: instr ? instr.line : d.range.start.line, message: d.message, severity: d.severity, fixTitle: d.fix?.title };
}

function actuals(diags: Diag[], text: string): ActualFinding[] {
  const model = new DockerfileModel(text);
  return diags.map((d) => toActual(d, model));
}

function uvVersion(ctx: Ctx): string {
  const v = (ctx.standard as { uvVersion?: string }).uvVersion;
  assert.ok(v, `golden uses ${UV_PLACEHOLDER} but the standard has no uvVersion`);
  return v;
}

interface Case {
  folder: string;
  file: string;
  rel: string;
  text: string;
  parsed: ParsedFixture;
  /** Rules whose findings are matched exhaustively; undefined = all. */
  rules?: string[];
  /** Passed to lint/fixAll as `only`. */
  only?: string[];
}

function loadCase(folder: string, name: string): Case {
  const file = path.join(RULES_DIR, folder, name);
  const text = read(file);
  const parsed = parseFixture(text);
  const rel = path.relative(FIXTURES, file);
  if (folder === PRAGMAS) {
    const rules = parsed.only ? [...parsed.only, INVALID_PRAGMA] : undefined;
    return { folder, file, rel, text, parsed, rules, only: undefined };
  }
  return { folder, file, rel, text, parsed, rules: [folder], only: [folder] };
}

/** Problems with the fixture itself (not the linter). */
function checkFixtureShape(c: Case): void {
  assert.deepEqual(c.parsed.errors, [], `${c.rel}: malformed annotations:\n${c.parsed.errors.join('\n')}`);
  const valid = path.basename(c.file).startsWith('valid-');
  if (c.folder !== PRAGMAS) {
    assert.equal(c.parsed.only, undefined, `${c.rel}: "# only:" is for the ${PRAGMAS} folder`);
    const foreign = c.parsed.expectations.filter((e) => e.rule !== c.folder);
    assert.deepEqual(foreign.map((e) => `${e.rule} (line ${e.annotationLine + 1})`), [], `${c.rel}: annotations for another rule would be ignored`);
  } else if (c.rules) {
    const foreign = c.parsed.expectations.filter((e) => !c.rules!.includes(e.rule));
    assert.deepEqual(foreign.map((e) => e.rule), [], `${c.rel}: annotated rule not listed in "# only:"`);
  }
  if (valid) assert.equal(c.parsed.expectations.length, 0, `${c.rel}: valid-* fixtures must not expect findings`);
  else if (c.folder !== PRAGMAS) assert.ok(c.parsed.expectations.length > 0, `${c.rel}: positive fixture without "# expect:" (name it valid-* if it is a negative)`);
}

function lintCase(c: Case, text: string, ctx: Ctx): Diag[] {
  const diags = lint(text, ctx, c.only);
  return c.rules ? diags.filter((d) => c.rules!.includes(d.rule)) : diags;
}

function checkFindings(c: Case, text: string, ctx: Ctx, label: string): void {
  const diags = lintCase(c, text, ctx);
  for (const d of diags) {
    assert.equal(
      lineOf(text, d.start),
      d.range.start.line,
      `${c.rel}${label}: ${d.rule} offset ${d.start} is on line ${lineOf(text, d.start) + 1} but its range starts on line ${d.range.start.line + 1}`,
    );
  }
  const result = matchFindings(c.parsed.expectations, actuals(diags, text));
  if (!result.ok) {
    const lintCall = c.only ? `only: [${c.only.join(', ')}]` : c.rules ? `all rules, matching ${c.rules.join(', ')}` : 'all rules';
    assert.fail(formatReport(text, result, `${c.rel}${label} (${lintCall})`));
  }
}

function checkGolden(c: Case, ctx: Ctx, crlf: boolean): void {
  const gPath = goldenPath(c.file);
  const hasGolden = fs.existsSync(gPath);
  // Goldens are per rule (`only: [rule]`); the pragma folder lints with all rules and has none.
  if (c.folder === PRAGMAS || (!hasGolden && UPDATE !== 'all')) return;
  const label = crlf ? ' (CRLF)' : '';
  const input = crlf ? toCrlf(c.text) : c.text;
  const actual = fixAll(input, ctx, { safeOnly: false, only: c.only });

  if (!crlf && (UPDATE === '1' || UPDATE === 'all')) {
    const all = lintCase(c, c.text, ctx);
    const fixable = all.length > 0 && all.every((d) => d.fix !== undefined);
    if (hasGolden || (fixable && actual !== c.text)) {
      let out = actual;
      const v = (ctx.standard as { uvVersion?: string }).uvVersion;
      const literal = v ? `ghcr.io/astral-sh/uv:${v} ` : undefined;
      const previous = hasGolden ? read(gPath) : '';
      if (literal && previous.includes(UV_PLACEHOLDER) && !c.text.includes(literal)) {
        out = out.split(literal).join(`ghcr.io/astral-sh/uv:${UV_PLACEHOLDER} `);
      }
      fs.writeFileSync(gPath, out);
    }
  }
  if (!fs.existsSync(gPath)) return;

  let golden = read(gPath);
  if (golden.includes(UV_PLACEHOLDER)) golden = golden.split(UV_PLACEHOLDER).join(uvVersion(ctx));
  const expected = crlf ? toCrlf(golden) : golden;
  if (actual !== expected) {
    assert.fail(`${c.rel}${label}: fixAll output differs from ${path.basename(gPath)}\n${lineDiff(expected, actual)}`);
  }
  // The fixed text must not trigger the rule again.
  const again = lintCase(c, expected, ctx);
  if (again.length > 0) {
    const r = matchFindings([], actuals(again, expected));
    assert.fail(formatReport(expected, r, `${path.relative(FIXTURES, gPath)}${label}: the fixed text still has findings`));
  }
}

const ruleFolders = fs.existsSync(RULES_DIR) ? listDirs(RULES_DIR) : [];

for (const folder of ruleFolders) {
  describe(`fixtures: ${folder}`, () => {
    for (const name of listFixtures(path.join(RULES_DIR, folder))) {
      it(name, () => {
        const c = loadCase(folder, name);
        checkFixtureShape(c);
        const ctx = makeCtx(c.parsed);
        checkFindings(c, c.text, ctx, '');
        checkGolden(c, ctx, false);
      });
      it(`${name} (CRLF)`, () => {
        const c = loadCase(folder, name);
        checkFixtureShape(c);
        const ctx = makeCtx(c.parsed);
        checkFindings(c, toCrlf(c.text), ctx, ' (CRLF)');
        checkGolden(c, ctx, true);
      });
    }
  });
}

describe('fixtures: standard (must lint clean with every rule)', () => {
  const files = listFixtures(STANDARD_DIR);
  it('has the reference Dockerfile', () => {
    assert.ok(files.includes('reference.Dockerfile'), `missing ${path.join(STANDARD_DIR, 'reference.Dockerfile')}`);
  });
  for (const name of files) {
    for (const crlf of [false, true]) {
      it(`${name}${crlf ? ' (CRLF)' : ''} has zero findings and nothing to fix`, () => {
        const file = path.join(STANDARD_DIR, name);
        const lf = read(file);
        const text = crlf ? toCrlf(lf) : lf;
        const parsed = parseFixture(lf);
        assert.deepEqual(parsed.errors, []);
        assert.deepEqual(parsed.expectations, [], 'standard fixtures must not expect findings');
        const ctx = makeCtx(parsed);
        const diags = lint(text, ctx);
        if (diags.length > 0) {
          assert.fail(formatReport(text, matchFindings([], actuals(diags, text)), `${path.relative(FIXTURES, file)} (all rules)`));
        }
        const fixed = fixAll(text, ctx, { safeOnly: false });
        if (fixed !== text) assert.fail(`${name}: fixAll changed a clean file\n${lineDiff(text, fixed)}`);
      });
    }
  }
});

describe('fixtures: coverage', () => {
  it('every rule has a fixture folder with a positive and a valid-* fixture', () => {
    const problems: string[] = [];
    for (const rule of RULES) {
      const files = listFixtures(path.join(RULES_DIR, rule.name));
      if (files.length === 0) { problems.push(`${rule.name}: no folder test/fixtures/rules/${rule.name} or no *.Dockerfile in it`); continue; }
      if (!files.some((f) => f.startsWith('valid-'))) problems.push(`${rule.name}: no valid-*.Dockerfile`);
      if (!files.some((f) => !f.startsWith('valid-'))) problems.push(`${rule.name}: no positive fixture`);
    }
    assert.deepEqual(problems, []);
  });

  it('every fixture folder names a rule (or is the pragma folder)', () => {
    const names = new Set(RULES.map((r) => r.name));
    assert.deepEqual(ruleFolders.filter((f) => f !== PRAGMAS && !names.has(f)), []);
    assert.ok(ruleFolders.includes(PRAGMAS), 'missing test/fixtures/rules/pragmas');
  });

  it('every golden has its fixture', () => {
    const orphans: string[] = [];
    for (const folder of ruleFolders) {
      for (const f of fs.readdirSync(path.join(RULES_DIR, folder)).filter(isGolden)) {
        if (!fs.existsSync(path.join(RULES_DIR, folder, f.replace(/\.fixed\.Dockerfile$/, '.Dockerfile')))) orphans.push(`${folder}/${f}`);
      }
    }
    assert.deepEqual(orphans, []);
  });
});
