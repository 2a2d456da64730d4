// The pre-commit hook installs from a git tag, as pre-commit does it: a repository snapshot of this
// working tree (tracked and new files, no build output: dist/ is not committed) tagged like a
// release, a project whose .pre-commit-config.yaml points at it, `pre-commit run --all-files`.
// pre-commit's node language clones the tag, runs `npm install` in it (dev dependencies included:
// `prepare` builds dist/cli.js with esbuild), `npm pack` (.npmignore: dist/cli.js and the rule
// pages), and `npm install -g` of that tarball into its own environment; the `docksmith` bin runs.
// Needs Debian's pre-commit (.ci/run and scripts/test-all.sh install it as root) and the npm registry.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync, spawnSync } from 'child_process';

const ROOT = path.resolve(__dirname, '../../..');
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'docksmith test', GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'docksmith test', GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
};
const BAD = 'FROM python:3.11-slim\nRUN pip install -r requirements.txt\nCOPY . .\nCMD gunicorn app.main:app --bind 127.0.0.1:8000\n';

let tmp: string;
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });

before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docksmith-pre-commit-')); });
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

it('pre-commit installs the hook from a tag and `docksmith check` fails the commit on a root runtime', { timeout: 600_000 }, () => {
  const version = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0, 'pre-commit is not installed: apt-get install pre-commit (Debian) or pip install pre-commit');

  // the hook repository: this working tree as committed files would be (dist/, node_modules/ and
  // everything else .gitignore names left out), one commit, a tag
  const hooks = path.join(tmp, 'docksmith');
  const files = git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0')
    .filter((f) => f && !/^\.editor-test(\/|$)/.test(f) && fs.existsSync(path.join(ROOT, f)) && !fs.lstatSync(path.join(ROOT, f)).isDirectory());
  assert.ok(files.includes('package.json') && files.includes('.pre-commit-hooks.yaml'));
  assert.ok(!files.some((f) => f.startsWith('dist/')), 'dist/ must not be committed: the hook builds it');
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(hooks, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(hooks, f));
  }
  git(hooks, 'init', '-q');
  git(hooks, 'add', '-A');
  git(hooks, 'commit', '-q', '-m', 'snapshot');
  git(hooks, 'tag', 'v0.0.0-test');

  // a project that uses the hook
  const project = path.join(tmp, 'service');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'Dockerfile'), BAD);
  fs.writeFileSync(path.join(project, 'README.md'), 'not a Dockerfile\n');
  fs.writeFileSync(path.join(project, '.pre-commit-config.yaml'),
    `repos:\n  - repo: ${hooks}\n    rev: v0.0.0-test\n    hooks:\n      - id: docksmith\n`);
  git(project, 'init', '-q');
  git(project, 'add', '-A');

  const r = spawnSync('pre-commit', ['run', '--all-files', '--color', 'never'], {
    cwd: project, encoding: 'utf8', timeout: 540_000,
    // its own cache (the hook environment is built from scratch), no user npm config
    env: { ...process.env, ...GIT_ENV, PRE_COMMIT_HOME: path.join(tmp, 'cache'), NO_COLOR: '1' },
  });
  const out = `${r.stdout}${r.stderr}`;
  const log = (() => { try { return fs.readFileSync(path.join(tmp, 'cache', 'pre-commit.log'), 'utf8').slice(-3000); } catch { return ''; } })();
  assert.equal(r.status, 1, `pre-commit exited ${r.status ?? r.signal}\n${out}\n${log}`);
  assert.match(out, /^docksmith\.+Failed$/m, out);
  assert.match(out, /non-root-user/, out);
  assert.match(out, /Dockerfile/, out);

  // the same hook passes once the runtime has a user (and the installed environment is reused)
  fs.writeFileSync(path.join(project, 'Dockerfile'), fs.readFileSync(path.join(ROOT, 'test/fixtures/projects/deploy-compliant/Dockerfile')));
  for (const f of fs.readdirSync(path.join(ROOT, 'test/fixtures/projects/deploy-compliant'))) {
    fs.cpSync(path.join(ROOT, 'test/fixtures/projects/deploy-compliant', f), path.join(project, f), { recursive: true });
  }
  git(project, 'add', '-A');
  const ok = spawnSync('pre-commit', ['run', '--all-files', '--color', 'never'], {
    cwd: project, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...GIT_ENV, PRE_COMMIT_HOME: path.join(tmp, 'cache'), NO_COLOR: '1' },
  });
  assert.equal(ok.status, 0, `${ok.stdout}${ok.stderr}`);
  assert.match(ok.stdout, /^docksmith\.+Passed$/m);
});
