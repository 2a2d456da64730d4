// The deployment checks on whole projects, through the real ProjectLoader: every
// test/fixtures/projects/deploy-*/ folder is copied into a temporary directory (so the loader's
// caches, paths and directory listings are real, and nothing is written into the repository),
// loaded with `ProjectLoader.load(dockerfile, projectRoot)`, and its Dockerfile is linted with the
// LintContext server/src/server.ts builds (makeStandard with the loader's layers, settings {}).
//
// Findings are grouped by the file they are shown on: without `external`, the Dockerfile (line =
// range.start.line + 1); with `external`, that file (line = external.range.start.line + 1, path
// relative to the project). Each folder's deploy.json holds the judged truth, written from the rule
// docs and docs/standard.md, not from running the code:
//
//   { "dockerfile": "Dockerfile", "findings": { "<file>": ["rule@line", …] },
//     "knownDifferences": { "<file>": ["rule@line", …] }, "why": "…" }
//
// and the test applies   actual == findings ± knownDifferences   (multisets of `rule@line`): a known
// difference that is in `findings` is a known miss (the code does not report it), one that is not is a
// known false positive (the code reports it, the judgement says it should not). Fixing the code makes
// the test fail until the entry is removed. The file is deploy.json, not expect.json, because
// scaffold.test.ts treats every project folder with an expect.json as a scaffold golden test.
//
// Rules that may not exist yet (installed-server, health-path): while RULES has no rule of that name,
// its expected entries are skipped with a note; once it exists, they must match.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProjectLoader } from '../../server/src/project';
import { readSettings } from '../../server/src/service/config';
import { lintText } from '../../server/src/service/linter';
import { RULES, RULE_NAMES } from '../../server/src/service/rules';
import { makeStandard } from '../../server/src/service/standard';
import { Diagnostic, LintContext } from '../../server/src/service/types';

const ROOT = path.resolve(__dirname, '../../..');
const PROJECTS = path.join(ROOT, 'test/fixtures/projects');
const NAMES = fs.readdirSync(PROJECTS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name.startsWith('deploy-')).map((e) => e.name).sort();

/** Rules the deploy projects expect that may not be written yet. */
const FUTURE_RULES = ['installed-server', 'health-path'];
const PRESENT = new Set(RULES.map((r) => r.meta.name));
/** Findings that are not rules (pragma problems, configuration notes): allowed in deploy.json too. */
const OTHER_CODES = ['invalid-pragma', 'invalid-config', 'file-too-large', 'not-a-dockerfile'];

type ByFile = Record<string, string[]>;
interface DeployExpect {
  description?: string;
  dockerfile: string;
  findings: ByFile;
  knownDifferences?: ByFile;
  why?: string | Record<string, string>;
}

const TMP = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'docksmith-deploy-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

/** A fresh copy of the project in the temporary directory. */
function copyProject(name: string, tag: string): string {
  const dest = path.join(TMP, `${tag}`, name);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(path.join(PROJECTS, name), dest, { recursive: true });
  return dest;
}

interface Linted { diagnostics: Diagnostic[]; byFile: ByFile; errors: string[] }

/** What the server does for an open Dockerfile: load the project, build the context, lint. */
function lintProject(loader: ProjectLoader, dir: string, dockerfile: string): Linted {
  const file = path.join(dir, dockerfile);
  const proj = loader.load(file, dir);
  const settings = readSettings({}, RULE_NAMES);
  const errors: string[] = [];
  const ctx: LintContext = {
    standard: makeStandard({ ...proj.layers, settings: settings.input }),
    facts: proj.facts,
    onRuleError: (rule, err) => errors.push(`${rule}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`),
  };
  const diagnostics = lintText(fs.readFileSync(file, 'utf8'), ctx).diagnostics;
  const byFile: ByFile = {};
  for (const d of diagnostics) {
    const [where, line] = d.external
      ? [path.relative(dir, d.external.path).split(path.sep).join('/'), d.external.range.start.line + 1]
      : [dockerfile, d.range.start.line + 1];
    (byFile[where] ??= []).push(`${d.rule}@${line}`);
  }
  for (const k of Object.keys(byFile)) byFile[k].sort();
  return { diagnostics, byFile, errors };
}

/** Multiset difference a - b. */
function minus(a: string[], b: string[]): string[] {
  const rest = a.slice();
  for (const x of b) {
    const i = rest.indexOf(x);
    if (i >= 0) rest.splice(i, 1);
  }
  return rest;
}

const ruleOf = (entry: string) => entry.slice(0, entry.lastIndexOf('@'));

/** Drop empty lists and sort, so that `{ "Dockerfile": [] }` and `{}` compare equal. */
function normalize(m: ByFile): ByFile {
  const out: ByFile = {};
  for (const k of Object.keys(m).sort()) if (m[k].length) out[k] = m[k].slice().sort();
  return out;
}

/** Everything a front end shows, for the cache-consistency comparison. */
function shown(ds: Diagnostic[]): unknown[] {
  return ds.map((d) => ({ rule: d.rule, severity: d.severity, message: d.message, range: d.range, external: d.external, related: d.related }));
}

function readExpect(name: string): DeployExpect {
  return JSON.parse(fs.readFileSync(path.join(PROJECTS, name, 'deploy.json'), 'utf8')) as DeployExpect;
}

describe('deploy projects: ProjectLoader + lint on test/fixtures/projects/deploy-*', () => {
  // one loader for every project, as the server has: a cache that leaks between projects shows here
  const loader = new ProjectLoader(RULE_NAMES);

  it('has the projects of every deployment check, each with a well-formed deploy.json', () => {
    for (const want of [
      'deploy-compliant', 'deploy-taskdef-root-user', 'deploy-taskdef-stop-timeout', 'deploy-taskdef-no-stop-timeout',
      'deploy-taskdef-healthcheck-curl', 'deploy-taskdef-missing-healthcheck', 'deploy-taskdef-port', 'deploy-taskdef-malformed',
      'deploy-gunicorn-conf-literals', 'deploy-gunicorn-conf-formula', 'deploy-gunicorn-conf-dynamic', 'deploy-gunicorn-conf-not-copied',
      'deploy-gunicorn-conf-syntax-error', 'deploy-context-ignored-src', 'deploy-context-missing-file', 'deploy-context-secrets',
      'deploy-no-gunicorn-dependency', 'deploy-health-path-mismatch', 'deploy-no-health-route', 'deploy-dynamic-prefix',
    ]) assert.ok(NAMES.includes(want), `missing project ${want}`);
    const known = new Set([...RULE_NAMES, ...FUTURE_RULES, ...OTHER_CODES]);
    for (const name of NAMES) {
      const dir = path.join(PROJECTS, name);
      assert.ok(fs.existsSync(path.join(dir, 'deploy.json')), `${name}: no deploy.json`);
      assert.ok(!fs.existsSync(path.join(dir, 'expect.json')), `${name}: expect.json would make scaffold.test.ts treat it as a scaffold golden`);
      const exp = readExpect(name);
      assert.ok(fs.existsSync(path.join(dir, exp.dockerfile)), `${name}: ${exp.dockerfile} does not exist`);
      for (const [key, map] of [['findings', exp.findings], ['knownDifferences', exp.knownDifferences ?? {}]] as const) {
        for (const [file, entries] of Object.entries(map)) {
          assert.ok(fs.existsSync(path.join(dir, file)), `${name}: ${key} names ${file}, which is not in the project`);
          for (const e of entries) {
            assert.match(e, /^[a-z][a-z-]*@[1-9]\d*$/, `${name}: ${key}["${file}"] entry "${e}" is not rule@line`);
            assert.ok(known.has(ruleOf(e)), `${name}: ${key}["${file}"] names an unknown rule: ${e}`);
          }
        }
      }
      if (Object.values(exp.knownDifferences ?? {}).some((l) => l.length)) {
        assert.ok(exp.why && (typeof exp.why === 'string' ? exp.why.trim() : Object.keys(exp.why).length), `${name}: knownDifferences need a "why"`);
      }
    }
  });

  for (const name of NAMES) {
    it(name, (t) => {
      const exp = readExpect(name);
      const dir = copyProject(name, 'main');
      const first = lintProject(loader, dir, exp.dockerfile);
      assert.deepEqual(first.errors, [], `${name}: a rule threw`);
      // messages name files relative to the workspace, never by absolute path
      for (const d of first.diagnostics) {
        for (const text of [d.message, ...(d.related ?? []).map((r) => r.message)]) assert.ok(!text.includes(TMP), `${name}: ${d.rule} message carries an absolute path: ${text}`);
      }

      // the judged truth ± known differences; entries of rules that do not exist yet are skipped
      const skipped: string[] = [];
      const keep = (file: string, entries: string[]) => entries.filter((e) => {
        if (PRESENT.has(ruleOf(e)) || !FUTURE_RULES.includes(ruleOf(e))) return true;
        skipped.push(`${file}: ${e}`);
        return false;
      });
      const want: ByFile = {};
      for (const [file, entries] of Object.entries(exp.findings)) want[file] = keep(file, entries);
      for (const [file, entries] of Object.entries(exp.knownDifferences ?? {})) {
        let list = want[file] ?? [];
        for (const e of keep(file, entries)) list = list.includes(e) ? minus(list, [e]) : [...list, e];
        want[file] = list;
      }
      if (skipped.length) {
        t.diagnostic(`${name}: not checked, the rule does not exist yet: ${[...new Set(skipped)].join(', ')}`);
      }

      const actual = normalize(first.byFile);
      const expected = normalize(want);
      const files = [...new Set([...Object.keys(actual), ...Object.keys(expected)])].sort();
      const diff = files.flatMap((f) => {
        const extra = minus(actual[f] ?? [], expected[f] ?? []);
        const missing = minus(expected[f] ?? [], actual[f] ?? []);
        return extra.length || missing.length ? [`  ${f}\n    unexpected: ${extra.join(' ') || '-'}\n    missing:    ${missing.join(' ') || '-'}`] : [];
      });
      const messages = first.diagnostics.map((d) => {
        const file = d.external ? path.relative(dir, d.external.path) : exp.dockerfile;
        const line = (d.external ? d.external.range : d.range).start.line + 1;
        return `    ${file}:${line} ${d.rule} (${d.severity}) ${d.message}`;
      });
      assert.deepEqual(actual, expected,
        `${name}: findings differ from deploy.json (findings ± knownDifferences)\n${diff.join('\n')}\n  what the code reports:\n${messages.join('\n') || '    (nothing)'}\n` +
        '  (if the code was fixed, remove the entry from knownDifferences in deploy.json)');
    });

    it(`${name}: linting again gives the same result (the loader's caches: recent answer, after clear(), a fresh loader)`, () => {
      const exp = readExpect(name);
      const dir = copyProject(name, 'again');
      const a = lintProject(loader, dir, exp.dockerfile);
      const b = lintProject(loader, dir, exp.dockerfile); // the loader's recent answer
      loader.clear();
      const c = lintProject(loader, dir, exp.dockerfile); // files re-read, snapshots re-taken
      const d = lintProject(new ProjectLoader(RULE_NAMES), dir, exp.dockerfile);
      for (const x of [a, b, c, d]) assert.deepEqual(x.errors, [], `${name}: a rule threw`);
      assert.deepEqual(shown(b.diagnostics), shown(a.diagnostics), `${name}: second lint with the same loader differs`);
      assert.deepEqual(shown(c.diagnostics), shown(a.diagnostics), `${name}: lint after loader.clear() differs`);
      assert.deepEqual(shown(d.diagnostics), shown(a.diagnostics), `${name}: lint with a fresh loader differs`);
    });
  }
});
