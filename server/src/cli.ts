// `docksmith`: the command line for CI and pre-commit. Same core and same configuration as the
// language server: each Dockerfile gets the ProjectLoader context the server builds (pyproject.toml
// [tool.docksmith], task definitions, gunicorn configs, the build context), then lintText /
// fixAllDetailed. Exit codes: 0 clean, 1 findings at or above --fail-on (or nothing written by
// scaffold), 2 usage errors (bad option, unreadable path).

import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { pathToFileURL } from 'url';
import { lintText } from './service/linter';
import { fixAllDetailed } from './service/fixes';
import { readSettings } from './service/config';
import { RULES, RULE_NAMES } from './service/rules';
import { makeStandard } from './service/standard';
import { Diagnostic, LintContext, OffsetEdit, Position, RuleSetting, Severity } from './service/types';
import { ProjectLoader } from './project';
import { ScaffoldResponse, runScaffold } from './scaffold';
import { placedAtRoot } from './service/scaffold/placement';
import { expandGlob, findDockerfiles, hasGlob } from './cli/files';
import { FormatEnv, Report, Reported, atLeast, github, json, sarif, stylish } from './cli/format';

class UsageError extends Error {}

const FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;
type Format = typeof FORMATS[number];
const FAIL_ON = ['error', 'warning', 'info'] as const;
const LEVELS = new Set(['off', 'hint', 'info', 'warning', 'error']);

/** The package folder (dist/.. when bundled; found upwards from the compiled file otherwise). */
function packageRoot(): string | undefined {
  for (let d = __dirname, i = 0; i < 6; i++) {
    const pj = path.join(d, 'package.json');
    try { if (JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'docksmith') return d; } catch { /* keep looking */ }
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return undefined;
}

function version(root = packageRoot()): string {
  try { return JSON.parse(fs.readFileSync(path.join(root!, 'package.json'), 'utf8')).version; } catch { return '0.0.0'; }
}

const HELP = `docksmith: checks Dockerfiles of Python services against the container standard.

Usage:
  docksmith check [paths or globs…] [options]   lint Dockerfiles (default: every Dockerfile below .)
  docksmith scaffold [pyproject.toml] [options]   write the standard Dockerfile for a project
  docksmith rules [name]                          list the rules, or print one rule's documentation
  docksmith --version | --help | <command> --help

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error.
`;

const CHECK_HELP = `Usage: docksmith check [paths or globs…] [options]

With no path, lints every Dockerfile, Dockerfile.*, *.Dockerfile and *.dockerfile below the
current folder (skipping .git, node_modules and .venv). A folder is searched the same way; a file
is linted whatever its name; a quoted glob (*, **, ?, [..], {a,b}) is matched relative to the
current folder. Each file gets the configuration the editor would use: [tool.docksmith] of the
nearest pyproject.toml, the ECS task definition, gunicorn configs and the build context.

Options:
  --format stylish|json|sarif|github   output format (default: stylish)
  --fail-on error|warning|info         lowest severity that fails the run (default: warning)
  --fix                                apply the safe fixes, write the files, report what changed
  --rule <name>=<level>                override a rule: off, hint, info, warning, error (repeatable)
  --vcpu <N>                           the task's vCPU count (overrides pyproject.toml and task definitions)
  --quiet                              report errors only (and fail only on them)
  -h, --help                           this help

Exit codes: 0 no finding at or above --fail-on, 1 such findings, 2 usage error (unknown option,
bad value, a path that does not exist, a glob that matches nothing).
`;

const SCAFFOLD_HELP = `Usage: docksmith scaffold [pyproject.toml] [options]

Writes the standard multi-stage Dockerfile for the project (and a .dockerignore when there is
none), non-interactively. Notes about the result and the edits the project needs are printed on
stderr; nothing but the Dockerfile and .dockerignore is written.

Options:
  --vcpu <N>          the task's vCPU count (gunicorn workers); default: [tool.docksmith] vcpu or the task definition's
  --app <mod:attr>    the app gunicorn serves, when several are found
  --out <file>|-      where to write the Dockerfile (default: Dockerfile beside pyproject.toml; - for stdout)
  --at-root           a uv workspace member: write Dockerfile.<member> at the workspace root instead (built with -f there)
  --force             replace an existing file
  -h, --help          this help

Exit codes: 0 written, 1 nothing written (the file exists, or the project cannot be scaffolded),
2 usage error (including several apps and no --app).
`;

const RULES_HELP = `Usage: docksmith rules [name]

Without a name: every rule with its default severity, fix kind and summary.
With a name: the rule's documentation.
`;

interface Out { stdout: string[]; stderr: string[] }

function parseOptions(args: string[], spec: Record<string, 'flag' | 'value' | 'list'>): { positional: string[]; opts: Record<string, string | string[] | boolean> } {
  const positional: string[] = [];
  const opts: Record<string, string | string[] | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { positional.push(...args.slice(i + 1)); break; }
    if (a === '-h') { opts.help = true; continue; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const kind = spec[name];
      if (!kind) throw new UsageError(`unknown option --${name}`);
      if (kind === 'flag') {
        if (eq > 0) throw new UsageError(`--${name} takes no value`);
        opts[name] = true;
        continue;
      }
      let value: string;
      if (eq > 0) value = a.slice(eq + 1);
      else {
        if (i + 1 >= args.length) throw new UsageError(`--${name} needs a value`);
        value = args[++i];
      }
      if (kind === 'list') opts[name] = [...((opts[name] as string[] | undefined) ?? []), value];
      else opts[name] = value;
      continue;
    }
    if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    positional.push(a);
  }
  return { positional, opts };
}

function parseVcpu(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!v.trim() || !Number.isFinite(n) || n < 0.25 || n > 192) throw new UsageError(`--vcpu ${v}: expected a number of vCPUs from 0.25 to 192`);
  return n;
}

function repoRootOf(cwd: string): string {
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    if (top) return fs.realpathSync(top);
  } catch { /* not a repository, or no git */ }
  return cwd;
}

function realpath(p: string): string {
  try { return fs.realpathSync(p); } catch { return p; }
}

const within = (p: string, root: string) => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
const slash = (p: string) => p.split(path.sep).join('/');

/** Position of a document offset (LSP lines: \n, \r\n and \r end a line; UTF-16 characters). */
function positionsOf(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) { if (text.charCodeAt(i + 1) === 10) i++; starts.push(i + 1); }
  }
  return (offset) => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= offset) lo = mid; else hi = mid - 1; }
    return { line: lo, character: offset - starts[lo] };
  };
}

function check(args: string[], out: Out): number {
  const { positional, opts } = parseOptions(args, { format: 'value', 'fail-on': 'value', fix: 'flag', rule: 'list', vcpu: 'value', quiet: 'flag', help: 'flag' });
  if (opts.help) { out.stdout.push(CHECK_HELP); return 0; }
  const format = (opts.format as string | undefined) ?? 'stylish';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format}: expected one of ${FORMATS.join(', ')}`);
  const failOn = (opts['fail-on'] as string | undefined) ?? 'warning';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on ${failOn}: expected one of ${FAIL_ON.join(', ')}`);
  const overrides: Record<string, RuleSetting> = {};
  for (const r of (opts.rule as string[] | undefined) ?? []) {
    const m = /^([^=]+)=(.*)$/.exec(r);
    if (!m) throw new UsageError(`--rule ${r}: expected <name>=<level>, e.g. --rule use-uv=off`);
    const [name, level] = [m[1].trim(), m[2].trim()];
    if (!RULE_NAMES.has(name)) throw new UsageError(`--rule ${r}: unknown rule "${name}" (docksmith rules lists them)`);
    if (!LEVELS.has(level)) throw new UsageError(`--rule ${r}: unknown level "${level}": use off, hint, info, warning or error`);
    overrides[name] = level as RuleSetting;
  }
  const vcpu = parseVcpu(opts.vcpu as string | undefined);
  const quiet = !!opts.quiet;
  const fix = !!opts.fix;

  const cwd = realpath(process.cwd());
  const files = new Set<string>();
  if (!positional.length) for (const f of findDockerfiles(cwd)) files.add(realpath(f));
  for (const arg of positional) {
    const abs = path.resolve(cwd, arg);
    let st: fs.Stats | undefined;
    try { st = fs.statSync(abs); } catch { st = undefined; }
    if (st?.isDirectory()) { for (const f of findDockerfiles(abs)) files.add(realpath(f)); continue; }
    if (st?.isFile()) {
      try { fs.accessSync(abs, fs.constants.R_OK); } catch { throw new UsageError(`${arg}: cannot be read`); }
      files.add(realpath(abs));
      continue;
    }
    if (st) throw new UsageError(`${arg}: not a file or folder`);
    if (!hasGlob(arg)) throw new UsageError(`${arg}: no such file or folder`);
    const matched = expandGlob(arg, cwd);
    if (!matched.length) throw new UsageError(`${arg}: no file matches`);
    for (const f of matched) files.add(realpath(f));
  }

  const repoRoot = repoRootOf(cwd);
  const loader = new ProjectLoader(RULE_NAMES);
  const settings = readSettings({ vcpu: null }, RULE_NAMES).input;
  const report: Report = { findings: [], fixed: [], files: [...files].sort() };
  const seen = new Set<string>();
  const configShown = new Set<string>();
  const push = (f: Reported) => {
    if (quiet && f.severity !== 'error') return;
    // one task definition read by several Dockerfiles: its finding is reported once
    const key = `${f.file}\0${f.rule}\0${f.message}\0${f.range.start.line}:${f.range.start.character}`;
    if (f.file !== f.dockerfile && seen.has(key)) return;
    seen.add(key);
    report.findings.push(f);
  };
  let errors = 0;
  for (const file of report.files) {
    let raw: string;
    try { raw = fs.readFileSync(file, 'utf8'); } catch (err) {
      out.stderr.push(`docksmith: ${slash(path.relative(cwd, file))}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})\n`);
      errors++;
      continue;
    }
    // the workspace folder the server would have: the repository, else the current folder
    const root = within(file, repoRoot) ? repoRoot : within(file, cwd) ? cwd : undefined;
    const proj = loader.load(file, root);
    if (proj.pyproject && !configShown.has(proj.pyproject.path)) {
      configShown.add(proj.pyproject.path);
      for (const p of proj.pyproject.problems) {
        const pos = { line: p.line, character: p.character };
        push({ file: proj.pyproject.path, dockerfile: proj.pyproject.path, rule: 'config', severity: 'warning', message: p.message, range: { start: pos, end: pos } });
      }
    }
    const standard = makeStandard({ ...proj.layers, settings });
    if (vcpu !== undefined) standard.vcpu = { value: vcpu, source: '--vcpu' };
    Object.assign(standard.rules, overrides);
    const ctx: LintContext = { standard, facts: proj.facts, onRuleError: (rule, err) => out.stderr.push(`docksmith: rule ${rule} failed on ${slash(path.relative(cwd, file))}: ${err instanceof Error ? err.message : String(err)}\n`) };
    const bom = raw.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
    let text = bom ? raw.slice(1) : raw;
    let diags: Diagnostic[] = lintText(text, ctx).diagnostics;
    if (fix && diags.some((d) => d.fix?.safe)) {
      const result = fixAllDetailed(text, ctx, { safeOnly: true, first: diags });
      if (result.text !== text) {
        writeAtomic(file, bom + result.text);
        const pos = positionsOf(text);
        for (const d of result.applied) report.fixed.push({ file, rule: d.rule, title: d.fix!.title, line: pos(d.start).line + 1 });
        text = result.text;
        diags = [...result.diagnostics];
      }
    }
    const pos = positionsOf(text);
    const toPos = (e: OffsetEdit) => ({ start: pos(e.start), end: pos(e.end), newText: e.newText });
    for (const d of diags) {
      const target = d.external ? d.external.path : file;
      push({
        file: target, dockerfile: file, rule: d.rule, severity: d.severity, message: d.message,
        range: d.external ? d.external.range : d.range,
        related: d.related,
        fix: d.fix ? {
          title: d.fix.title, safe: d.fix.safe,
          changes: [
            ...(d.fix.edits.length ? [{ file, edits: d.fix.edits.map(toPos) }] : []),
            ...(d.fix.otherFiles ?? []).map((o) => ({ file: o.path, edits: o.edits })),
          ],
        } : undefined,
      });
    }
  }
  if (!report.files.length && !positional.length) out.stderr.push('docksmith: no Dockerfile found below the current folder\n');

  const root = packageRoot();
  const docsDir = root ? path.join(root, 'docs', 'rules') : undefined;
  const env: FormatEnv = {
    rel: (abs) => slash(path.relative(cwd, abs)) || '.',
    repoRel: (abs) => slash(path.relative(within(abs, repoRoot) ? repoRoot : cwd, abs)),
    repoRoot, version: version(root), docsDir,
    color: format === 'stylish' && !!process.stdout.isTTY && !process.env.NO_COLOR,
  };
  const render = { stylish, json, sarif, github }[format as Format];
  const text = render(report, env);
  if (format !== 'stylish' && report.fixed.length) {
    // machine formats own stdout: what --fix changed goes to stderr as well
    for (const a of report.fixed) out.stderr.push(`fixed ${env.rel(a.file)}:${a.line} ${a.rule}: ${a.title}\n`);
  }
  out.stdout.push(text);
  if (errors) return 2;
  return report.findings.some((f) => atLeast(f.severity, failOn as Severity)) ? 1 : 0;
}

/** Write through a temporary file in the same folder, then rename: readers never see half a file. */
/**
 * Writes `text` to `file` through a temporary file and a rename, so that a reader never sees half a
 * file. A symbolic link is followed (the link stays); a target that is not a regular file (a device
 * such as /dev/null, a FIFO) is written in place: renaming over it would replace it.
 */
function writeAtomic(file: string, text: string): void {
  try { file = fs.realpathSync(file); } catch { /* new file */ }
  let existing: fs.Stats | undefined;
  try { existing = fs.statSync(file); } catch { /* new file */ }
  if (existing && !existing.isFile()) { fs.writeFileSync(file, text, 'utf8'); return; }
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.docksmith-${process.pid}-${Date.now().toString(36)}.tmp`);
  let mode: number | undefined;
  try { mode = fs.statSync(file).mode & 0o7777; } catch { /* new file */ }
  try {
    fs.writeFileSync(tmp, text, { encoding: 'utf8', mode: mode ?? 0o644 });
    if (mode !== undefined) fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (err) {
    try { fs.unlinkSync(tmp); } catch { /* gone */ }
    throw err;
  }
}

async function scaffoldCommand(args: string[], out: Out): Promise<number> {
  const { positional, opts } = parseOptions(args, { vcpu: 'value', app: 'value', out: 'value', force: 'flag', 'at-root': 'flag', help: 'flag' });
  if (opts.help) { out.stdout.push(SCAFFOLD_HELP); return 0; }
  if (positional.length > 1) throw new UsageError(`scaffold takes one pyproject.toml, got ${positional.length} paths`);
  const cwd = process.cwd();
  let pyproject = path.resolve(cwd, positional[0] ?? 'pyproject.toml');
  try { if (fs.statSync(pyproject).isDirectory()) pyproject = path.join(pyproject, 'pyproject.toml'); } catch { /* reported below */ }
  if (!fs.existsSync(pyproject)) throw new UsageError(`${slash(path.relative(cwd, pyproject))}: no such file`);
  const vcpu = parseVcpu(opts.vcpu as string | undefined);
  const app = opts.app as string | undefined;
  if (app !== undefined && !/^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(\(.*\))?$/.test(app)) throw new UsageError(`--app ${app}: expected module:attribute, e.g. orders_api.main:app`);
  const dir = path.dirname(pyproject);
  const outArg = opts.out as string | undefined;
  const toStdout = outArg === '-';
  const rel = (p: string) => slash(path.relative(cwd, p)) || '.';
  const exists = (target: string | undefined) => {
    if (!target || !fs.existsSync(target) || opts.force) return false;
    out.stderr.push(`docksmith: ${rel(target)} exists: not overwritten (use --force to replace it, or --out <file> / --out -)\n`);
    return true;
  };
  // (checked before scaffolding when the place is known, so that a refusal costs nothing)
  if (!opts['at-root'] && exists(toStdout ? undefined : path.resolve(cwd, outArg ?? path.join(dir, 'Dockerfile')))) return 1;
  const loader = new ProjectLoader(RULE_NAMES);
  let result: ScaffoldResponse;
  try {
    result = await runScaffold([{ pyproject: pathToFileURL(pyproject).toString(), vcpu, app }], {
      settings: async () => ({}),
      taskDefinitionVcpu: (d) => loader.load(path.join(d, 'Dockerfile'), d).layers.taskDefinitionVcpu,
    });
  } catch (err) {
    const e = err as { message?: string; data?: { code?: string; candidates?: { target: string; file?: string; line?: number; why?: string }[] } };
    out.stderr.push(`docksmith: ${e.message ?? String(err)}\n`);
    if (e.data?.code === 'needs-app') {
      for (const c of e.data.candidates ?? []) out.stderr.push(`  --app ${c.target}${c.file ? `  (${c.file}${c.line !== undefined ? `:${c.line + 1}` : ''})` : ''}${c.why ? `  ${c.why}` : ''}\n`);
      return 2;
    }
    if (e.data?.code === 'bad-argument') return 2;
    return 1;
  }
  // a workspace member's Dockerfile at the root: another file name, another note, no context edit
  const atRoot = opts['at-root'] ? result.atRoot : undefined;
  if (opts['at-root'] && !atRoot) throw new UsageError(`--at-root: ${rel(pyproject)} is not a member of a uv workspace`);
  if (atRoot) result = placedAtRoot(result);
  const target = toStdout ? undefined : path.resolve(cwd, outArg ?? path.join(dir, atRoot ? atRoot.dockerfile : 'Dockerfile'));
  if (atRoot && exists(target)) return 1;
  if (toStdout) out.stdout.push(result.dockerfile);
  else {
    fs.mkdirSync(path.dirname(target!), { recursive: true });
    writeAtomic(target!, result.dockerfile);
    out.stderr.push(`docksmith: wrote ${rel(target!)}\n`);
    // a workspace member is built from the root: its ignore file (root-relative paths) goes beside the
    // Dockerfile as <Dockerfile>.dockerignore, which BuildKit reads instead of the root's .dockerignore
    const ignore = result.buildContext !== undefined || atRoot ? `${target!}.dockerignore` : path.join(path.dirname(target!), '.dockerignore');
    // (not beside a device or FIFO: `--out /dev/null` writes no /dev/.dockerignore)
    if (result.dockerignore && fs.statSync(target!).isFile() && !fs.existsSync(ignore)) {
      writeAtomic(ignore, result.dockerignore);
      out.stderr.push(`docksmith: wrote ${rel(ignore)}\n`);
    }
  }
  for (const n of result.notes) out.stderr.push(`note: ${n}\n`);
  const showEdit = (title: string, file: string, edits: { start: Position; end: Position; newText: string }[]) => {
    out.stderr.push(`edit (not applied): ${title} — ${rel(path.resolve(dir, file))}\n`);
    for (const e of edits) {
      const where = e.start.line === e.end.line && e.start.character === e.end.character
        ? `insert at line ${e.start.line + 1}, column ${e.start.character + 1}`
        : `replace lines ${e.start.line + 1}:${e.start.character + 1}-${e.end.line + 1}:${e.end.character + 1} with`;
      out.stderr.push(`  ${where}:\n${e.newText.split('\n').map((l) => `    | ${l}`).join('\n')}\n`);
    }
  };
  for (const pe of result.projectEdits ?? []) showEdit(pe.title, pe.path, pe.edits);
  if (result.healthEndpoint) {
    const h = result.healthEndpoint;
    if (h.edit) showEdit(`add a ${h.path} endpoint (${h.framework})`, h.edit.path, h.edit.edits);
    else out.stderr.push(`note: no health route found: add ${h.path} to the ${h.framework} app\n`);
  }
  if (result.buildContext !== undefined) {
    out.stderr.push(`note: build from ${rel(path.resolve(dir, result.buildContext))}: docker build -f ${target ? rel(target) : 'Dockerfile'} ${rel(path.resolve(dir, result.buildContext))}\n`);
  }
  return 0;
}

function rulesCommand(args: string[], out: Out): number {
  const { positional, opts } = parseOptions(args, { help: 'flag' });
  if (opts.help) { out.stdout.push(RULES_HELP); return 0; }
  if (positional.length > 1) throw new UsageError('rules takes at most one rule name');
  if (!positional.length) {
    const rows = RULES.map((r) => [r.meta.name, r.meta.severity, r.meta.fix, r.meta.docs.summary.replace(/`/g, '')]);
    const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['rule', 'default', 'fix'][i].length));
    const line = (r: string[]) => `${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`;
    out.stdout.push([line(['rule', 'default', 'fix', 'summary']), ...rows.map(line)].join('\n') + '\n');
    return 0;
  }
  const name = positional[0];
  const rule = RULES.find((r) => r.meta.name === name);
  if (!rule) throw new UsageError(`unknown rule "${name}" (docksmith rules lists them)`);
  const root = packageRoot();
  const page = root ? path.join(root, 'docs', 'rules', `${name}.md`) : undefined;
  if (page && fs.existsSync(page)) { out.stdout.push(fs.readFileSync(page, 'utf8')); return 0; }
  const m = rule.meta;
  const d = m.docs;
  out.stdout.push(`# ${m.name}\n\n> ${d.summary}\n\nDefault severity: ${m.severity} · Fix: ${m.fix}\n\n## What it does\n\n${d.whatItDoes}\n\n## Why\n\n${d.why}\n\n## Example\n\n${d.example}\n\n## Use instead\n\n${d.useInstead}\n`);
  return 0;
}

export async function main(argv: string[]): Promise<{ code: number; out: Out }> {
  const out: Out = { stdout: [], stderr: [] };
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      const topic = command === 'help' ? rest[0] : undefined;
      out.stdout.push(topic === 'check' ? CHECK_HELP : topic === 'scaffold' ? SCAFFOLD_HELP : topic === 'rules' ? RULES_HELP : HELP);
      return { code: command ? 0 : 2, out };
    }
    if (command === '--version' || command === '-v' || command === 'version') { out.stdout.push(`${version()}\n`); return { code: 0, out }; }
    if (command === 'check') return { code: check(rest, out), out };
    if (command === 'scaffold') return { code: await scaffoldCommand(rest, out), out };
    if (command === 'rules') return { code: rulesCommand(rest, out), out };
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    if (err instanceof UsageError) {
      out.stderr.push(`docksmith: ${err.message}\nRun docksmith --help for usage.\n`);
      return { code: 2, out };
    }
    out.stderr.push(`docksmith: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return { code: 2, out };
  }
}

if (require.main === module) {
  // a reader that stops early (`| head`): the exit code still tells the result
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw err; });
  }
  void main(process.argv.slice(2)).then(({ code, out }) => {
    // exitCode, not exit(): a piped stdout is flushed before the process ends
    if (out.stderr.length) process.stderr.write(out.stderr.join(''));
    if (out.stdout.length) process.stdout.write(out.stdout.join(''));
    process.exitCode = code;
  });
}
