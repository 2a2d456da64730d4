// The `docksmith` command line, as CI and pre-commit run it: `node dist/cli.js` in a child process
// (the bundle is what is tested), on temporary copies of fixture projects.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync, spawnSync } from 'child_process';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { RULES } from '../../server/src/service/rules';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const PROJECTS = path.join(ROOT, 'test/fixtures/projects');
const SARIF_SCHEMA = path.join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

interface Run { code: number | null; stdout: string; stderr: string }

function run(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tmpRoot: string;
let n = 0;
/** A fresh copy of a fixture project (or an empty folder) under the temp root. */
function copy(fixture?: string): string {
  const dir = path.join(tmpRoot, `p${n++}`);
  if (fixture) fs.cpSync(path.join(PROJECTS, fixture), dir, { recursive: true });
  else fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const BAD = 'FROM python:3.11-slim\nRUN pip install -r requirements.txt\nCOPY . .\nCMD gunicorn app.main:app --bind 127.0.0.1:8000\n';

/** The compliant fixture with a full (not slim) runtime image: warnings only. */
function warningsOnly(): string {
  const dir = copy('deploy-compliant');
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('FROM python:3.11-slim AS runtime', 'FROM python:3.11 AS runtime'));
  return dir;
}

before(() => {
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'docksmith-cli-'));
  // npm test builds dist/ first; a lone `node --test` run builds it when it is missing
  if (!fs.existsSync(CLI)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
});
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

describe('docksmith check: exit codes', () => {
  it('0 on a compliant project (task definition, gunicorn.conf.py, build context all read)', () => {
    const r = run(['check'], copy('deploy-compliant'));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 file checked, no problems/);
  });

  it('1 on findings, reported under the file they are on (a task definition), relative to the current folder', () => {
    const dir = copy('deploy-taskdef-root-user');
    const r = run(['check', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    const f = out.findings.find((x: { rule: string }) => x.rule === 'task-definition');
    assert.ok(f, r.stdout);
    assert.equal(f.file, '.aws/task-definition.json');
    assert.equal(f.dockerfile, 'Dockerfile');
    // from the parent folder, paths carry the folder
    const up = run(['check', '--format', 'json', path.basename(dir)], path.dirname(dir));
    assert.equal(JSON.parse(up.stdout).findings[0].file, `${path.basename(dir)}/.aws/task-definition.json`);
  });

  it('--fail-on decides which severities fail; --rule and --quiet change what is reported', () => {
    const dir = warningsOnly();
    const plain = run(['check', '--format', 'json'], dir);
    assert.equal(plain.code, 1, plain.stdout);
    const findings = JSON.parse(plain.stdout).findings as { rule: string; severity: string }[];
    assert.ok(findings.length && findings.every((f) => f.severity === 'warning'), plain.stdout);
    assert.equal(run(['check', '--fail-on', 'error'], dir).code, 0);
    assert.equal(run(['check', '--fail-on=warning'], dir).code, 1);
    const rules = [...new Set(findings.map((f) => f.rule))];
    const asInfo = rules.flatMap((r) => ['--rule', `${r}=info`]);
    assert.equal(run(['check', ...asInfo], dir).code, 0);
    assert.equal(run(['check', ...asInfo, '--fail-on', 'info'], dir).code, 1);
    const off = run(['check', '--format', 'json', ...rules.flatMap((r) => ['--rule', `${r}=off`])], dir);
    assert.equal(off.code, 0);
    assert.deepEqual(JSON.parse(off.stdout).findings, []);
    const quiet = run(['check', '--quiet', '--format', 'json'], dir);
    assert.equal(quiet.code, 0);
    assert.deepEqual(JSON.parse(quiet.stdout).findings, []);
  });

  it('--vcpu overrides the configured vCPU (workers-match-vcpu)', () => {
    const dir = copy();
    fs.writeFileSync(path.join(dir, 'Dockerfile'), BAD.replace('--bind 127.0.0.1:8000', '--workers 4'));
    const with2 = JSON.parse(run(['check', '--format', 'json', '--vcpu', '2'], dir).stdout).findings.map((f: { rule: string }) => f.rule);
    const with4 = JSON.parse(run(['check', '--format', 'json', '--vcpu', '4'], dir).stdout).findings.map((f: { rule: string }) => f.rule);
    assert.ok(with2.includes('workers-match-vcpu'), with2.join());
    assert.ok(!with4.includes('workers-match-vcpu'), with4.join());
  });

  it('2 on usage errors', () => {
    const dir = copy('deploy-compliant');
    const cases = [
      ['check', '--nope'], ['check', '--format', 'xml'], ['check', '--fail-on', 'hint'], ['check', '--rule', 'no-such-rule=off'],
      ['check', '--rule', 'use-uv=loud'], ['check', '--rule', 'use-uv'], ['check', '--vcpu', 'four'], ['check', '--format'],
      ['check', 'missing/Dockerfile'], ['check', 'nothing/**/Dockerfile'], ['frobnicate'], [],
      ['rules', 'no-such-rule'], ['scaffold', 'missing/pyproject.toml'],
    ];
    for (const args of cases) {
      const r = run(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      if (args.length) assert.match(r.stderr, /docksmith: /, args.join(' '));
    }
  });

  it('a malformed pyproject.toml is a config finding on that file, and linting goes on with the defaults', () => {
    const dir = copy('deploy-compliant');
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[project\nname = "x"\n');
    const r = run(['check', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    const config = out.findings.find((f: { rule: string }) => f.rule === 'config');
    assert.equal(config.file, 'pyproject.toml');
    assert.match(config.message, /not valid TOML/);
  });
});

describe('docksmith check: which files', () => {
  function tree(): string {
    const dir = copy();
    const files = ['Dockerfile', 'a/Dockerfile.prod', 'a/Dockerfile.dockerignore', 'b/api.Dockerfile', 'b/c/worker.dockerfile', 'b/notes.txt',
      'node_modules/pkg/Dockerfile', '.git/Dockerfile', '.venv/lib/Dockerfile', 'svc/.venv/Dockerfile'];
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), f.endsWith('.txt') || f.endsWith('.dockerignore') ? 'x\n' : BAD);
    }
    return dir;
  }
  const filesOf = (r: Run) => JSON.parse(r.stdout).files as string[];

  it('with no path: Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, not in .git, node_modules or .venv', () => {
    const dir = tree();
    assert.deepEqual(filesOf(run(['check', '--format', 'json'], dir)), ['Dockerfile', 'a/Dockerfile.prod', 'b/api.Dockerfile', 'b/c/worker.dockerfile']);
    // a folder is searched the same way
    assert.deepEqual(filesOf(run(['check', '--format', 'json', 'b'], dir)), ['b/api.Dockerfile', 'b/c/worker.dockerfile']);
  });

  it('explicit globs and files', () => {
    const dir = tree();
    assert.deepEqual(filesOf(run(['check', '--format', 'json', 'b/**/*.{Dockerfile,dockerfile}'], dir)), ['b/api.Dockerfile', 'b/c/worker.dockerfile']);
    assert.deepEqual(filesOf(run(['check', '--format', 'json', '*/Dockerfile.prod'], dir)), ['a/Dockerfile.prod']);
    assert.deepEqual(filesOf(run(['check', '--format', 'json', '**/Dockerfile'], dir)), ['Dockerfile']);
    // a pattern that names a skipped folder enters it
    assert.deepEqual(filesOf(run(['check', '--format', 'json', 'node_modules/**/Dockerfile'], dir)), ['node_modules/pkg/Dockerfile']);
    // a file named on the command line is linted whatever its name; duplicates once
    assert.deepEqual(filesOf(run(['check', '--format', 'json', 'b/notes.txt', './b/notes.txt', 'Dockerfile'], dir)), ['Dockerfile', 'b/notes.txt']);
  });
});

describe('docksmith check: formats', () => {
  it('json: findings with file, 1-based positions, rule, severity, message, fix; summary', () => {
    const dir = copy();
    fs.writeFileSync(path.join(dir, 'Dockerfile'), BAD);
    const r = run(['check', '--format', 'json'], dir);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.tool.name, 'docksmith');
    assert.equal(out.tool.version, JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    const bind = out.findings.find((f: { rule: string }) => f.rule === 'bind-address');
    assert.deepEqual({ ...bind, message: undefined }, {
      file: 'Dockerfile', line: 4, column: 27, endLine: 4, endColumn: 48, rule: 'bind-address', severity: 'error', message: undefined,
      fix: { title: 'Bind to 0.0.0.0:8000', safe: true },
    });
    for (const f of out.findings) {
      assert.deepEqual(Object.keys(f).filter((k) => !['fix', 'dockerfile'].includes(k)).sort(), ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'rule', 'severity']);
    }
    assert.equal(out.summary.errors + out.summary.warnings + out.summary.info + out.summary.hints, out.findings.length);
    assert.deepEqual(out.files, ['Dockerfile']);
  });

  it('github: one workflow command per finding, properties escaped', () => {
    const dir = copy();
    const sub = path.join(dir, 'a,b:c');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'Dockerfile'), BAD);
    const r = run(['check', '--format', 'github'], dir);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.length > 3);
    for (const l of lines) assert.match(l, /^::(error|warning|notice) file=a%2Cb%3Ac\/Dockerfile,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=docksmith [a-z-]+::[^\r\n]+$/, l);
    assert.ok(lines.some((l) => l.startsWith('::error file=a%2Cb%3Ac/Dockerfile,line=4,col=27,endLine=4,endColumn=48,title=docksmith bind-address::')), r.stdout);
  });

  it('a reader that stops early (| head): no EPIPE crash, the exit code still tells the result', () => {
    const dir = copy();
    for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(dir, `s${i}.Dockerfile`), BAD);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" check --format json | head -c 10 >/dev/null; echo "rc=\${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.stdout.trim(), 'rc=1', r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
  });

  it('stylish: no colour when stdout is not a terminal', () => {
    const dir = copy();
    fs.writeFileSync(path.join(dir, 'Dockerfile'), BAD);
    const r = run(['check'], dir, { NO_COLOR: '' });
    assert.doesNotMatch(r.stdout, /\u001b\[/);
    assert.match(r.stdout, /^Dockerfile\n {2}1:1 /);
    assert.match(r.stdout, /^ {2}4:27 +error +gunicorn binds 127\.0\.0\.1:8000.* {2}bind-address$/m);
  });

  it('stylish: colour on a terminal unless NO_COLOR is set', { skip: !fs.existsSync('/usr/bin/script') && 'no script(1) to give it a terminal' }, () => {
    const dir = copy();
    fs.writeFileSync(path.join(dir, 'Dockerfile'), BAD);
    const onTty = (env: Record<string, string>) => spawnSync('/usr/bin/script', ['-qec', `"${process.execPath}" "${CLI}" check`, '/dev/null'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', ...env } }).stdout;
    assert.match(onTty({}), /\u001b\[31merror/);
    assert.doesNotMatch(onTty({ NO_COLOR: '1' }), /\u001b\[/);
  });

  it('sarif: valid against the SARIF 2.1.0 schema, repository-relative locations, rules, fixes', () => {
    const dir = copy('deploy-taskdef-root-user');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), BAD);
    // a repository: locations are relative to its root, whatever the current folder
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const sub = path.join(dir, 'svc');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'Dockerfile'), BAD);
    const r = run(['check', '--format', 'sarif', '.'], sub);
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, 'utf8')));
    const valid = validate(JSON.parse(r.stdout));
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    assert.equal(log.version, '2.1.0');
    const runObj = log.runs[0];
    const driver = runObj.tool.driver;
    assert.equal(driver.name, 'docksmith');
    assert.equal(driver.version, JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    for (const rule of RULES) {
      const d = driver.rules.find((x: { id: string }) => x.id === rule.meta.name);
      assert.ok(d?.shortDescription?.text && d.fullDescription?.text, rule.meta.name);
      assert.match(d.helpUri, new RegExp(`^file:.*/docs/rules/${rule.meta.name}\\.md$`));
      assert.ok(!/^https?:/.test(d.helpUri));
    }
    const bind = runObj.results.find((x: { ruleId: string }) => x.ruleId === 'bind-address');
    assert.equal(bind.level, 'error');
    assert.deepEqual(bind.locations[0].physicalLocation, {
      artifactLocation: { uri: 'svc/Dockerfile', uriBaseId: 'SRCROOT' },
      region: { startLine: 4, startColumn: 27, endLine: 4, endColumn: 48 },
    });
    assert.equal(driver.rules[bind.ruleIndex].id, 'bind-address');
    assert.deepEqual(bind.fixes[0].artifactChanges, [{
      artifactLocation: { uri: 'svc/Dockerfile', uriBaseId: 'SRCROOT' },
      replacements: [{ deletedRegion: { startLine: 4, startColumn: 34, endLine: 4, endColumn: 48 }, insertedContent: { text: '0.0.0.0:8000' } }],
    }]);
    assert.ok(runObj.results.every((x: { level: string }) => ['error', 'warning', 'note'].includes(x.level)));
  });
});

describe('docksmith check --fix', () => {
  it('applies the safe fixes atomically, reports each, and a second run changes nothing', () => {
    const dir = copy();
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, BAD);
    fs.chmodSync(file, 0o640);
    const ino = fs.statSync(file).ino;
    const r = run(['check', '--fix'], dir);
    const fixed = fs.readFileSync(file, 'utf8');
    assert.notEqual(fixed, BAD);
    assert.match(fixed, /USER 1000/);
    assert.match(fixed, /"0\.0\.0\.0:8000"/);
    assert.match(r.stdout, /^Dockerfile fixed \d+ problems?$/m);
    assert.match(r.stdout, /^ {2}\d+ {2}non-root-user: Add USER 1000$/m);
    assert.match(r.stdout, /bind-address: Bind to 0\.0\.0\.0:8000/);
    // written through a temporary file renamed over the original: a new inode, the mode kept, no leftovers
    assert.notEqual(fs.statSync(file).ino, ino);
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(fs.readdirSync(dir), ['Dockerfile']);
    // what is left is reported and decides the exit code (here: warnings)
    assert.doesNotMatch(r.stdout, /non-root-user\n/);
    const again = run(['check', '--fix', '--format', 'json'], dir);
    assert.equal(fs.readFileSync(file, 'utf8'), fixed);
    assert.deepEqual(JSON.parse(again.stdout).fixed, []);
    assert.equal(again.stderr, '');
  });

  it('json: what changed is in "fixed" (and on stderr); CRLF and a BOM survive', () => {
    const dir = copy();
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, '\ufeff' + BAD.replace(/\n/g, '\r\n'));
    const r = run(['check', '--fix', '--format', 'json'], dir);
    const out = JSON.parse(r.stdout);
    assert.ok(out.fixed.some((a: { rule: string; title: string; file: string }) => a.rule === 'bind-address' && a.title === 'Bind to 0.0.0.0:8000' && a.file === 'Dockerfile'), r.stdout);
    assert.match(r.stderr, /fixed Dockerfile:4 bind-address: Bind to 0\.0\.0\.0:8000/);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.startsWith('\ufeffFROM'));
    assert.doesNotMatch(text.replace(/\r\n/g, ''), /\n/);
    assert.ok(!out.findings.some((f: { rule: string }) => f.rule === 'bind-address'));
  });
});

describe('docksmith scaffold', () => {
  it('writes the Dockerfile and .dockerignore, never overwrites without --force, --out - prints', () => {
    const dir = copy('fastapi-uv-lock');
    const r = run(['scaffold'], dir);
    assert.equal(r.code, 0, r.stderr);
    const dockerfile = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /orders_api\.main:app/);
    assert.ok(fs.existsSync(path.join(dir, '.dockerignore')));
    assert.match(r.stderr, /wrote Dockerfile/);
    // the result passes check in its project
    const checked = run(['check', '--format', 'json'], dir);
    assert.deepEqual(JSON.parse(checked.stdout).findings, [], checked.stdout);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), '# mine\n');
    const refused = run(['scaffold', 'pyproject.toml', '--vcpu', '4'], dir);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exists: not overwritten.*--force/);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), '# mine\n');
    const printed = run(['scaffold', '--vcpu', '4', '--out', '-'], dir);
    assert.equal(printed.code, 0);
    assert.match(printed.stdout, /^# syntax=docker\/dockerfile:1/);
    assert.match(printed.stdout, /"--workers", "4"|--workers 4|"-w", "4"/);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), '# mine\n');
    const forced = run(['scaffold', '--force', '--vcpu', '4'], dir);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), printed.stdout);
  });

  it('several apps rank alike: 2 with the candidates as --app options; --app chooses', () => {
    const dir = copy('scaffold-tied-apps');
    const r = run(['scaffold'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ {2}--app billing\.internal_api:app {2}\(src\/billing\/internal_api\.py:3\)/m);
    assert.match(r.stderr, /^ {2}--app billing\.public_api:app /m);
    assert.ok(!fs.existsSync(path.join(dir, 'Dockerfile')));
    const chosen = run(['scaffold', '--app', 'billing.public_api:app', '--out', '-'], dir);
    assert.equal(chosen.code, 0, chosen.stderr);
    assert.match(chosen.stdout, /billing\.public_api:app/);
  });

  it('a uv workspace member: Dockerfile.dockerignore beside the Dockerfile (root-relative paths), the root as context; check is clean', () => {
    const root = copy('scaffold-uv-workspace');
    const member = path.join(root, 'services', 'payments');
    const r = run(['scaffold'], member);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(member, 'Dockerfile')));
    assert.ok(fs.existsSync(path.join(member, 'Dockerfile.dockerignore')), r.stderr);
    assert.ok(!fs.existsSync(path.join(member, '.dockerignore')), 'a .dockerignore in the member folder is not read when the root is the context');
    assert.match(r.stderr, /docker build -f services\/payments\/Dockerfile/);
    const checked = run(['check', '--format', 'json', 'services/payments/Dockerfile'], root);
    assert.deepEqual(JSON.parse(checked.stdout).findings, [], checked.stdout);
  });

  it('a uv workspace member --at-root: Dockerfile.<member> and its ignore file at the root, no context edit; check is clean', () => {
    const root = copy('scaffold-uv-workspace');
    const member = path.join(root, 'services', 'payments');
    // the member's own context setting would not apply at the root: without it the edit is offered for the member placement only
    const py = path.join(member, 'pyproject.toml');
    fs.writeFileSync(py, fs.readFileSync(py, 'utf8').replace(/^context = .*$/m, ''));
    const inMember = run(['scaffold', '--out', '-'], member);
    assert.match(inMember.stderr, /edit \(not applied\): Set \[tool\.docksmith\] context/);
    const r = run(['scaffold', '--at-root'], member);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(root, 'Dockerfile.payments')), r.stderr);
    assert.ok(fs.existsSync(path.join(root, 'Dockerfile.payments.dockerignore')), r.stderr);
    assert.ok(!fs.existsSync(path.join(member, 'Dockerfile')));
    assert.doesNotMatch(r.stderr, /context =/);
    assert.match(r.stderr, /docker build -f Dockerfile\.payments \./);
    assert.ok(!r.stderr.includes(root) && !r.stderr.includes(fs.realpathSync(root)), 'no absolute path in the notes');
    const checked = run(['check', '--format', 'json', '--vcpu', '2', 'Dockerfile.payments'], root);
    assert.deepEqual(JSON.parse(checked.stdout).findings, [], checked.stdout);
    // never overwritten; and a project outside a workspace has no root to go to
    assert.equal(run(['scaffold', '--at-root'], member).code, 1);
    assert.equal(run(['scaffold', '--at-root', '--out', '-'], copy('fastapi-uv-lock')).code, 2);
  });

  it('--force through a symbolic link keeps the link; a FIFO (or a device such as /dev/null) is written in place, not replaced, and gets no ignore file beside it', async () => {
    const dir = copy('fastapi-uv-lock');
    const real = path.join(dir, 'real.Dockerfile');
    fs.writeFileSync(real, 'FROM scratch\n');
    fs.symlinkSync(real, path.join(dir, 'Dockerfile'));
    assert.equal(run(['scaffold', '--force'], dir).code, 0);
    assert.ok(fs.lstatSync(path.join(dir, 'Dockerfile')).isSymbolicLink(), 'the link is kept');
    assert.match(fs.readFileSync(real, 'utf8'), /^FROM python:3\.11-slim AS builder$/m);
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const outFile = path.join(dir, 'read.txt');
    const reader = require('child_process').spawn('sh', ['-c', `cat "${fifo}" > "${outFile}"`]);
    const done = new Promise((resolve) => reader.on('exit', resolve));
    const r = run(['scaffold', '--force', '--out', 'pipe'], dir);
    await done;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.statSync(fifo).isFIFO(), 'the FIFO is still a FIFO');
    assert.match(fs.readFileSync(outFile, 'utf8'), /^CMD \["gunicorn"/m);
  });

  it('a project the scaffold cannot serve: a message, nothing written', () => {
    const dir = copy('malformed-toml');
    const r = run(['scaffold'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /docksmith: /);
    assert.ok(!fs.existsSync(path.join(dir, 'Dockerfile')));
  });
});

describe('docksmith rules, --version, --help', () => {
  it('rules lists every rule with severity, fix and summary; rules <name> prints its page', () => {
    const r = run(['rules'], tmpRoot);
    assert.equal(r.code, 0);
    for (const rule of RULES) assert.match(r.stdout, new RegExp(`^${rule.meta.name} +${rule.meta.severity} +${rule.meta.fix} +\\S`, 'm'));
    const one = run(['rules', 'exec-form'], tmpRoot);
    assert.equal(one.code, 0);
    assert.equal(one.stdout, fs.readFileSync(path.join(ROOT, 'docs/rules/exec-form.md'), 'utf8'));
  });

  it('--version and help', () => {
    assert.equal(run(['--version'], tmpRoot).stdout.trim(), JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    for (const args of [['--help'], ['check', '--help'], ['scaffold', '-h'], ['rules', '--help'], ['help', 'check']]) {
      const r = run(args, tmpRoot);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage/, args.join(' '));
    }
    assert.match(run(['check', '--help'], tmpRoot).stdout, /--fail-on/);
  });
});

describe('pre-commit hook', () => {
  it('.pre-commit-hooks.yaml: its entry on the files its pattern selects, as pre-commit passes them', () => {
    const yaml = fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
    const field = (k: string) => new RegExp(`^\\s+${k}: (.*)$`, 'm').exec(yaml)?.[1].trim();
    assert.equal(/^- id: (.*)$/m.exec(yaml)?.[1], 'docksmith');
    assert.equal(field('language'), 'node');
    const entry = field('entry')!.split(' ');
    assert.deepEqual(entry, ['docksmith', 'check']);
    const files = new RegExp(field('files')!);
    const exclude = new RegExp(field('exclude')!);
    const dir = copy('deploy-taskdef-root-user');
    fs.writeFileSync(path.join(dir, 'api.Dockerfile'), BAD);
    fs.writeFileSync(path.join(dir, 'Dockerfile.dockerignore'), '*\n');
    const all: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const rel = path.relative(dir, path.join(d, e.name)).split(path.sep).join('/');
        if (e.isDirectory()) walk(path.join(d, e.name)); else all.push(rel);
      }
    };
    walk(dir);
    const selected = all.filter((f) => files.test(f) && !exclude.test(f)).sort();
    assert.deepEqual(selected, ['Dockerfile', 'api.Dockerfile']);
    // `docksmith` is the package's bin: dist/cli.js
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.bin.docksmith, './dist/cli.js');
    assert.match(fs.readFileSync(CLI, 'utf8').split('\n')[0], /^#!\/usr\/bin\/env node$/);
    const r = run([...entry.slice(1), ...selected], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^\.aws\/task-definition\.json$/m);
    assert.match(r.stdout, /^api\.Dockerfile$/m);
    // a clean commit passes
    const clean = copy('deploy-compliant');
    assert.equal(run([...entry.slice(1), 'Dockerfile'], clean).code, 0);
  });
});
