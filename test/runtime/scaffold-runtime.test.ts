// The scaffolded image's COMMAND, worker class, bind and HEALTHCHECK, run for real without Docker.
//
// Scaffolds examples/fastapi-service as the "Create Dockerfile" command does, reads the result with
// the project's own DockerfileModel (the runtime stage's exec-form CMD, WORKDIR, ENV, USER and
// HEALTHCHECK with its --start-period/--interval/--timeout), and then:
//   1. starts the CMD with Debian's gunicorn, python3-uvicorn and python3-fastapi in a temp copy of
//      what the builder stage copies into WORKDIR;
//   2. runs the HEALTHCHECK's own command until it exits 0, failing unless that happens within the
//      start period (plus a bounded margin), and checks that the route it probes returns 200 and is
//      a declared route of the app;
//   3. sends SIGTERM to gunicorn's master and checks that it exits 0 within the CMD's
//      --graceful-timeout (plus a small margin), leaving no process of its group behind.
//
// Only what cannot exist outside the image is replaced (each replacement is commented where it is
// made): the venv's programs by Debian's, the installed project by PYTHONPATH, /app by a temp
// directory, and the bind 0.0.0.0:8000 by 127.0.0.1:<a free port> so that all traffic stays on
// loopback. Everything else (the app target, worker count, worker class, timeouts, the probe's
// code) is the scaffold's own text.
//
// Needs (as root: apt-get install -y gunicorn python3-uvicorn python3-fastapi; .ci/run does it).
// Without them the test FAILS (it does not skip): CI installs them, so a missing package is a bug.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { scaffold } from '../../server/src/service/scaffold';
import { diskFiles } from '../../server/src/scaffold';
import { DockerfileModel, Instr, Stage } from '../../server/src/service/model';
import { parseJsonArray } from '../../server/src/service/shell';

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLE = path.join(ROOT, 'examples/fastapi-service');

// Debian's interpreter (the one its python3-* packages install into); not whatever `python3` is
// first on PATH (pyenv, a venv, …), which would not see the packages.
const DEBIAN_PYTHON = '/usr/bin/python3';
const DEBIAN_GUNICORN = '/usr/bin/gunicorn';
const APT_HINT = 'apt-get install -y gunicorn python3-uvicorn python3-fastapi   (as root; .ci/run installs them in CI)';

/** The two spellings of the same ASGI worker: uvicorn's own module, and its split-out package. */
const UVICORN_WORKERS = ['uvicorn.workers.UvicornWorker', 'uvicorn_worker.UvicornWorker'];

// Bounds: nothing here waits longer than these, whatever the Dockerfile says.
const MAX_START_MS = 60_000;
const MAX_GRACEFUL_MS = 60_000;
const START_MARGIN_MAX_MS = 5_000;
const GRACEFUL_MARGIN_MS = 3_000;
const PROBE_SPACING_MAX_MS = 200;

// ---------------------------------------------------------------------------------------------
// The scaffolded Dockerfile, read with the project's model

interface HealthCheck { cmd: string[]; intervalMs: number; timeoutMs: number; startPeriodMs: number; retries: number }

interface Image {
  text: string;
  cmd: string[];
  workdir: string;
  env: Map<string, string>;
  user?: string;
  expose: string[];
  health: HealthCheck;
  /** What the build copies into the runtime WORKDIR: the builder's COPYs from the build context. */
  contextCopies: { sources: string[]; dest: string }[];
  builderWorkdir: string;
}

/** Docker's duration syntax (Go's time.ParseDuration): 10s, 1m30s, 500ms, 1.5s. */
function durationMs(text: string): number {
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = text;
  const re = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/;
  for (let m = re.exec(rest); m; m = re.exec(rest)) { total += parseFloat(m[1]) * unit[m[2]]; rest = rest.slice(m[0].length); }
  assert.ok(rest === '' && text !== '', `not a Docker duration: ${JSON.stringify(text)}`);
  return total;
}

function last(stage: Stage, keyword: string): Instr | undefined {
  return [...stage.instrs].reverse().find((i) => i.keyword === keyword);
}

function readImage(text: string): Image {
  const model = new DockerfileModel(text);
  const runtime = model.finalStage;
  assert.ok(runtime, 'the scaffolded Dockerfile has no stage');

  const cmdInstr = last(runtime, 'CMD');
  assert.ok(cmdInstr, 'the runtime stage has no CMD');
  const cmdArr = parseJsonArray(model.logical(cmdInstr));
  assert.ok(cmdArr, `CMD is not exec form: ${model.logical(cmdInstr).text}`);

  const wd = last(runtime, 'WORKDIR');
  assert.ok(wd, 'the runtime stage has no WORKDIR');
  const workdir = model.logical(wd).text.trim();
  assert.ok(workdir.startsWith('/'), `WORKDIR ${workdir} is not absolute`);

  const env = new Map<string, string>();
  for (const s of model.chain(runtime)) {
    for (const i of s.instrs) if (i.keyword === 'ENV') for (const p of model.properties(i)) env.set(p.name, p.value ?? '');
  }

  const hc = last(runtime, 'HEALTHCHECK');
  assert.ok(hc, 'the runtime stage has no HEALTHCHECK');
  const { flags, rest } = model.flags(hc);
  const src = model.logical(hc);
  const lead = /^\s*CMD\s+/i.exec(src.text.slice(rest));
  assert.ok(lead, `HEALTHCHECK has no CMD: ${src.text}`);
  const hcArr = parseJsonArray(src.slice(rest + lead[0].length));
  assert.ok(hcArr, `HEALTHCHECK CMD is not exec form: ${src.text}`);
  // Docker's defaults for flags that are not given
  const flag = (name: string, dflt: string) => flags.find((f) => f.name === name)?.value ?? dflt;
  const health: HealthCheck = {
    cmd: hcArr.items.map((w) => w.value),
    intervalMs: durationMs(flag('interval', '30s')),
    timeoutMs: durationMs(flag('timeout', '30s')),
    startPeriodMs: durationMs(flag('start-period', '0s')),
    retries: Number(flag('retries', '3')),
  };

  const user = last(runtime, 'USER') && model.logical(last(runtime, 'USER')!).text.trim();
  const expose = runtime.instrs.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => model.logical(i).text.trim().split(/\s+/));

  // The runtime's WORKDIR is filled by `COPY --from=<builder> <builder workdir> <workdir>`: find
  // that stage and what it copies from the build context.
  const fromBuilder = runtime.instrs.find((i) => i.keyword === 'COPY' && model.flag(i, 'from'));
  assert.ok(fromBuilder, 'the runtime stage copies nothing from a builder stage');
  const builderName = model.flag(fromBuilder, 'from')!.value.toLowerCase();
  const builder = model.stages.find((s) => s.name === builderName);
  assert.ok(builder, `no stage named ${builderName}`);
  const [copiedFrom, copiedTo] = model.copyArgs(fromBuilder).map((w) => w.value.replace(/(.)\/+$/, '$1'));
  assert.equal(copiedTo, workdir, 'the builder\'s output is copied into the runtime WORKDIR');
  const bwd = last(builder, 'WORKDIR');
  assert.ok(bwd, 'the builder stage has no WORKDIR');
  const builderWorkdir = model.logical(bwd).text.trim();
  assert.equal(copiedFrom, builderWorkdir, 'the runtime copies the builder\'s WORKDIR');
  const contextCopies = builder.instrs
    .filter((i) => i.keyword === 'COPY' && !model.flag(i, 'from'))
    .map((i) => { const w = model.copyArgs(i).map((x) => x.value); return { sources: w.slice(0, -1), dest: w[w.length - 1] }; });

  return { text, cmd: cmdArr.items.map((w) => w.value), workdir, env, user, expose, health, contextCopies, builderWorkdir };
}

/** `--name value` or `--name=value` in an argv; the index of the value word, or -1. */
function optionIndex(argv: string[], name: string): { index: number; inline: boolean } {
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === name) return { index: i + 1, inline: false };
    if (argv[i].startsWith(name + '=')) return { index: i, inline: true };
  }
  return { index: -1, inline: false };
}

function optionValue(argv: string[], name: string): string | undefined {
  const o = optionIndex(argv, name);
  if (o.index < 0 || o.index >= argv.length) return undefined;
  return o.inline ? argv[o.index].slice(name.length + 1) : argv[o.index];
}

function setOption(argv: string[], name: string, value: string): void {
  const o = optionIndex(argv, name);
  assert.ok(o.index > 0 && o.index < argv.length, `CMD has no ${name}`);
  argv[o.index] = o.inline ? `${name}=${value}` : value;
}

// ---------------------------------------------------------------------------------------------
// Outside the image

function pythonImports(modules: string): boolean {
  try { execFileSync(DEBIAN_PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore', timeout: 30_000 }); return true; } catch { return false; }
}

/** Debian's packages, or a failure that says what to install. */
function requireDebianPackages(): void {
  const missing: string[] = [];
  if (!fs.existsSync(DEBIAN_PYTHON)) missing.push(DEBIAN_PYTHON);
  else {
    if (!fs.existsSync(DEBIAN_GUNICORN) && !pythonImports('gunicorn')) missing.push('gunicorn');
    if (!pythonImports('uvicorn.workers')) missing.push('python3-uvicorn');
    if (!pythonImports('fastapi')) missing.push('python3-fastapi');
  }
  if (missing.length) assert.fail(`missing ${missing.join(', ')} — install: ${APT_HINT}`);
}

function versions(): string {
  const py = "import sys, gunicorn, uvicorn, fastapi, starlette; print(sys.version.split()[0], gunicorn.__version__, uvicorn.__version__, fastapi.__version__, starlette.__version__)";
  const [python, gunicorn, uvicorn, fastapi, starlette] = execFileSync(DEBIAN_PYTHON, ['-c', py], { encoding: 'utf8', timeout: 30_000 }).trim().split(' ');
  return `python ${python}, gunicorn ${gunicorn}, uvicorn ${uvicorn}, fastapi ${fastapi}, starlette ${starlette}`;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Process ids (and states) in a process group, from /proc. */
function groupMembers(pgid: number): { pid: number; state: string; cmd: string }[] {
  const out: { pid: number; state: string; cmd: string }[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try { stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8'); } catch { continue; }
    // pid (comm) state ppid pgrp …: comm may contain spaces and parentheses, so split after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    let cmd = '';
    try { cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(); } catch { /* gone */ }
    out.push({ pid: Number(name), state: fields[0], cmd });
  }
  return out;
}

/** Copy the build context's files as the builder's COPYs place them under its WORKDIR. */
function copyContext(image: Image, appDir: string): void {
  for (const { sources, dest } of image.contextCopies) {
    const destAbs = path.resolve(appDir, path.relative(image.builderWorkdir, path.resolve(image.builderWorkdir, dest)));
    assert.ok(destAbs === appDir || destAbs.startsWith(appDir + path.sep), `COPY destination ${dest} leaves WORKDIR`);
    const intoDir = dest.endsWith('/') || sources.length > 1;
    for (const s of sources) {
      const from = path.join(EXAMPLE, s);
      assert.ok(fs.existsSync(from), `the Dockerfile copies ${s}, which examples/fastapi-service lacks`);
      if (fs.statSync(from).isDirectory()) {
        // Docker copies a directory's contents into the destination
        fs.mkdirSync(destAbs, { recursive: true });
        fs.cpSync(from, destAbs, { recursive: true });
      } else {
        const to = intoDir ? path.join(destAbs, path.basename(s)) : destAbs;
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.copyFileSync(from, to);
      }
    }
  }
}

/** The directory under appDir that holds a top-level Python module or package (depth ≤ 3). */
function importRoot(appDir: string, top: string): string | undefined {
  const queue: [string, number][] = [[appDir, 0]];
  while (queue.length) {
    const [dir, depth] = queue.shift()!;
    if (fs.existsSync(path.join(dir, top, '__init__.py')) || fs.existsSync(path.join(dir, top + '.py'))) return dir;
    if (depth >= 3) continue;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && !e.name.startsWith('.')) queue.push([path.join(dir, e.name), depth + 1]);
  }
  return undefined;
}

function httpGet(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { if (body.length < 1 << 20) body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

interface ProbeResult { code: number | null; signal: string | null; output: string; ms: number }

function probe(argv: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; uid?: number; gid?: number; timeoutMs: number }): Promise<ProbeResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    // Docker kills a probe that runs longer than --timeout: so does this.
    execFile(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env, uid: opts.uid, gid: opts.gid, timeout: opts.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, output: (stdout + stderr).trim().slice(-2000), ms: Date.now() - t0 });
      });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait for `p`, at most `ms` (the timer does not outlive the wait). */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------

describe('scaffolded image of examples/fastapi-service, run with Debian\'s gunicorn (no Docker)', () => {
  it('CMD serves, the HEALTHCHECK passes within the start period, SIGTERM stops gunicorn within the graceful timeout', { timeout: 180_000 }, async (t) => {
    requireDebianPackages();
    t.diagnostic(versions());

    const r = scaffold({ pyprojectText: fs.readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8'), pyprojectLabel: path.join(EXAMPLE, 'pyproject.toml'), files: diskFiles(EXAMPLE) });
    // The example serves its own health route and is its own build context: the scaffold proposes
    // no endpoint to add and no other context (the copy below reads the example's folder).
    assert.equal(r.healthEndpoint, undefined, `the scaffold found no health route in the example and proposes one: ${JSON.stringify(r.healthEndpoint)}`);
    assert.equal(r.buildContext, undefined, 'the example is its own build context');
    // Dependencies the scaffold would add (gunicorn, uvicorn-worker) are Debian's packages here.
    if (r.projectEdits?.length) t.diagnostic(`project edits the scaffold proposes: ${r.projectEdits.map((e) => e.title).join('; ')}`);
    const image = readImage(r.dockerfile);

    // --- the CMD, as the scaffold wrote it
    const cmd = [...image.cmd];
    assert.equal(cmd[0], 'gunicorn', `CMD runs ${cmd[0]}, not gunicorn`);
    const target = cmd[1];
    assert.match(target, /^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/, `gunicorn's target ${target} is not module:attribute`);
    const workers = Number(optionValue(cmd, '--workers'));
    assert.ok(Number.isInteger(workers) && workers >= 1, `--workers ${optionValue(cmd, '--workers')}`);
    const workerClass = optionValue(cmd, '--worker-class') ?? optionValue(cmd, '-k');
    assert.ok(workerClass && UVICORN_WORKERS.includes(workerClass), `worker class ${workerClass} is not one of ${UVICORN_WORKERS.join(', ')}`);
    const bind = optionValue(cmd, '--bind');
    assert.equal(bind, '0.0.0.0:8000', 'the scaffold binds 0.0.0.0:8000');
    const bindPort = /:(\d+)$/.exec(bind!)![1];
    assert.ok(image.expose.includes(bindPort), `EXPOSE ${image.expose.join(' ')} does not name the bind port ${bindPort}`);
    const gracefulMs = Number(optionValue(cmd, '--graceful-timeout')) * 1000;
    assert.ok(gracefulMs > 0, `--graceful-timeout ${optionValue(cmd, '--graceful-timeout')}`);

    // --- the image's PATH: `gunicorn` and `python` are the venv's, which the builder creates in WORKDIR
    const imagePath = image.env.get('PATH') ?? '';
    const venvBin = path.posix.join(image.workdir, '.venv/bin');
    assert.ok(imagePath.split(':')[0] === venvBin, `ENV PATH ${imagePath} does not start with ${venvBin}`);

    // --- the HEALTHCHECK: the python urllib probe of a loopback URL on the bind port
    const hc = image.health;
    assert.equal(hc.cmd[0], 'python', `HEALTHCHECK runs ${hc.cmd[0]}`);
    const code = hc.cmd[hc.cmd.indexOf('-c') + 1];
    assert.ok(hc.cmd.includes('-c') && code, `HEALTHCHECK is not python -c: ${JSON.stringify(hc.cmd)}`);
    const urlMatch = /(https?):\/\/(localhost|127\.0\.0\.1|\[::1\])(?::(\d+))?(\/[^'"\s]*)?/.exec(code);
    assert.ok(urlMatch, `HEALTHCHECK probes no loopback URL: ${code}`);
    const [url, , , probePort = '80', healthPath = '/'] = urlMatch;
    assert.equal(probePort, bindPort, 'the HEALTHCHECK probes the port gunicorn binds');
    assert.ok(hc.startPeriodMs > 0 && hc.startPeriodMs <= MAX_START_MS, `--start-period ${hc.startPeriodMs} ms`);
    t.diagnostic(`CMD ${JSON.stringify(image.cmd)}`);
    t.diagnostic(`HEALTHCHECK ${JSON.stringify(hc.cmd)} interval ${hc.intervalMs} ms, timeout ${hc.timeoutMs} ms, start period ${hc.startPeriodMs} ms`);

    // --- stand-ins for what only exists in the image
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docksmith-runtime-'));
    let child: ChildProcess | undefined;
    let exit: Promise<void> | undefined;
    let exited: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
    let log = '';
    const tail = () => log.slice(-6000);
    try {
      // WORKDIR (/app) → <tmp>/app, holding exactly what the builder copies from the build context
      // (the image also has /app/.venv, which Debian's packages replace).
      const appDir = path.join(tmp, 'app');
      fs.mkdirSync(appDir);
      copyContext(image, appDir);
      // The image installs the project into /app/.venv with `uv sync` (editable: a .pth naming its
      // source directory); here PYTHONPATH names the copied source directory instead.
      const top = target.split(':')[0].split('.')[0];
      const pythonPath = importRoot(appDir, top);
      assert.ok(pythonPath, `module ${top} (gunicorn's target ${target}) is not in what the Dockerfile copies`);

      // USER: as root, run as the image's numeric UID (as the container does); otherwise as ourselves.
      const uid = process.getuid?.() === 0 && image.user && /^\d+$/.test(image.user) ? Number(image.user) : undefined;
      const home = path.join(tmp, 'home');
      fs.mkdirSync(home);
      if (uid !== undefined) {
        fs.chmodSync(tmp, 0o755);
        execFileSync('chown', ['-R', `${uid}:${uid}`, appDir, home]);
      }

      // The image's ENV, except PATH: /app/.venv/bin does not exist here; Debian's programs are in /usr/bin.
      const env: NodeJS.ProcessEnv = { LANG: 'C.UTF-8', HOME: home };
      for (const [k, v] of image.env) if (k !== 'PATH') env[k] = v;
      env.PATH = '/usr/bin:/bin';
      env.PYTHONPATH = pythonPath;

      // `gunicorn` (the venv's) → Debian's /usr/bin/gunicorn, or `python3 -m gunicorn` without it.
      const program = fs.existsSync(DEBIAN_GUNICORN) ? [DEBIAN_GUNICORN] : [DEBIAN_PYTHON, '-m', 'gunicorn'];
      // Bind 0.0.0.0:8000 → 127.0.0.1:<free port>: only loopback traffic, and no clash with anything on 8000.
      const port = await freeLoopbackPort();
      setOption(cmd, '--bind', `127.0.0.1:${port}`);
      // uvicorn_worker.UvicornWorker is the same worker as uvicorn.workers.UvicornWorker, moved to the
      // separate uvicorn-worker package, which Debian does not package: use uvicorn's own module then.
      if (workerClass === 'uvicorn_worker.UvicornWorker' && !pythonImports('uvicorn_worker')) {
        setOption(cmd, optionIndex(cmd, '--worker-class').index > 0 ? '--worker-class' : '-k', 'uvicorn.workers.UvicornWorker');
      }
      const argv = [...program, ...cmd.slice(1)];
      t.diagnostic(`running ${argv.join(' ')} in ${appDir}${uid !== undefined ? ` as uid ${uid}` : ''}`);

      // The probe: the HEALTHCHECK's argv with the venv's `python` → Debian's python3 and the URL's
      // port → the chosen one (the code is otherwise the scaffold's).
      const probeUrl = url.replace(/:(\d+)(?=\/|$)/, `:${port}`).replace(/^(https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\]))(?=\/|$)/, `$1:${port}`);
      const probeArgv = [DEBIAN_PYTHON, ...hc.cmd.slice(1).map((w) => w.split(url).join(probeUrl))];
      assert.ok(probeArgv.some((w) => w.includes(`:${port}/`) || w.endsWith(`:${port}`)), 'the probe URL was rewritten');

      const started = Date.now();
      // detached: gunicorn's master leads its own process group, so its workers can be found (and killed) by group
      child = spawn(argv[0], argv.slice(1), { cwd: appDir, env, uid, gid: uid, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const pgid = child.pid!;
      assert.ok(pgid, 'gunicorn did not start');
      const onData = (c: Buffer) => { log += c.toString('utf8'); if (log.length > 200_000) log = log.slice(-100_000); };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      exit = new Promise<void>((resolve) => child!.once('exit', (code, signal) => { exited = { code, signal, at: Date.now() }; resolve(); }));
      // A spawn that fails (no such program) has no 'exit': count it as one.
      child.once('error', (err) => { log += `\nspawn error: ${err.message}`; exited ??= { code: null, signal: null, at: Date.now() }; });

      // --- the HEALTHCHECK's command until it exits 0: within the start period, plus a margin for
      // this test's own probe spacing and a loaded machine (bounded by the HEALTHCHECK's interval:
      // Docker would not probe again sooner than that).
      const margin = Math.min(hc.intervalMs, START_MARGIN_MAX_MS);
      const deadline = started + Math.min(hc.startPeriodMs + margin, MAX_START_MS);
      const spacing = Math.min(hc.intervalMs, PROBE_SPACING_MAX_MS);
      let attempts = 0;
      let lastProbe: ProbeResult | undefined;
      let healthyAt: number | undefined;
      while (!healthyAt) {
        if (exited) assert.fail(`gunicorn exited (code ${exited.code}, signal ${exited.signal}) before the health check passed:\n${tail()}`);
        if (Date.now() > deadline) {
          assert.fail(`the HEALTHCHECK did not pass within ${deadline - started} ms (start period ${hc.startPeriodMs} ms + ${margin} ms); ${attempts} probes, last: exit ${lastProbe?.code} ${lastProbe?.output ?? ''}\ngunicorn:\n${tail()}`);
        }
        attempts++;
        lastProbe = await probe(probeArgv, { cwd: appDir, env, uid, gid: uid, timeoutMs: Math.min(hc.timeoutMs, deadline - Date.now() + 1000) });
        if (lastProbe.code === 0) healthyAt = Date.now();
        else await sleep(spacing);
      }
      t.diagnostic(`healthy after ${healthyAt - started} ms (${attempts} probes; start period ${hc.startPeriodMs} ms)`);
      assert.ok(healthyAt - started <= hc.startPeriodMs + margin, 'healthy within the start period');

      // gunicorn says what it serves with: the bind and worker class actually used
      assert.match(log, new RegExp(`Listening at: http://127\\.0\\.0\\.1:${port}\\b`), `gunicorn's log:\n${tail()}`);
      assert.match(log, /Using worker: uvicorn(?:\.workers|_worker)\.UvicornWorker/, `gunicorn's log:\n${tail()}`);

      // --- the route the HEALTHCHECK probes: 200, and a route the app declares (not a catch-all)
      const base = `http://127.0.0.1:${port}`;
      const health = await httpGet(base + healthPath, 10_000);
      assert.equal(health.status, 200, `GET ${healthPath}: ${health.status} ${health.body.slice(0, 200)}`);
      const openapi = await httpGet(base + '/openapi.json', 10_000);
      assert.equal(openapi.status, 200, 'GET /openapi.json');
      const paths = Object.keys((JSON.parse(openapi.body) as { paths?: Record<string, unknown> }).paths ?? {});
      assert.ok(paths.includes(healthPath), `the app declares no route ${healthPath} (its routes: ${paths.join(', ')})`);
      const missing = await httpGet(base + '/docksmith-no-such-route', 10_000);
      assert.equal(missing.status, 404, 'an undeclared route is 404');

      // --- the worker count is kept: the master and --workers workers in its group (waiting for
      // the fact, as workers boot one by one, bounded by the same start deadline)
      const bootDeadline = Math.max(deadline, Date.now() + 2000);
      let members = groupMembers(pgid).filter((p) => p.state !== 'Z');
      while (members.length < 1 + workers && Date.now() < bootDeadline) { await sleep(50); members = groupMembers(pgid).filter((p) => p.state !== 'Z'); }
      assert.equal(members.length, 1 + workers, `processes in gunicorn's group: ${JSON.stringify(members)}`);

      // --- SIGTERM to the master: exits 0 within --graceful-timeout (plus a margin), no worker left
      const graceful = Math.min(gracefulMs, MAX_GRACEFUL_MS) + GRACEFUL_MARGIN_MS;
      const termAt = Date.now();
      child.kill('SIGTERM');
      await within(exit, graceful);
      const stopped = exited as { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
      assert.ok(stopped, `gunicorn did not exit within ${graceful} ms of SIGTERM (--graceful-timeout ${gracefulMs} ms + ${GRACEFUL_MARGIN_MS} ms):\n${tail()}`);
      t.diagnostic(`exited ${stopped.at - termAt} ms after SIGTERM (code ${stopped.code}, signal ${stopped.signal}; --graceful-timeout ${gracefulMs} ms)`);
      assert.equal(stopped.signal, null, `gunicorn was killed by ${stopped.signal}:\n${tail()}`);
      assert.equal(stopped.code, 0, `gunicorn exited ${stopped.code}:\n${tail()}`);
      assert.match(log, /Handling signal: term/, 'gunicorn handled SIGTERM');
      const left = groupMembers(pgid);
      assert.deepEqual(left, [], 'no process of gunicorn\'s group is left');
    } finally {
      // Whatever happened: nothing of gunicorn's group survives the test. A master still running
      // (a failed assertion) first gets SIGINT, gunicorn's quick shutdown, so that it reaps its
      // workers; then the whole group gets SIGKILL.
      if (child?.pid) {
        if (!exited && exit) { try { child.kill('SIGINT'); } catch { /* gone */ } await within(exit, 3000); }
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
