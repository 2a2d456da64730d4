// Explains the line under the cursor in terms of the standard: stage roles on FROM, the
// effective UID on USER, what a HEALTHCHECK checks, each gunicorn flag, and rule names in pragmas.

import { Analysis } from './analysis';
import { DockerfileModel, Instr, Stage, isPythonImage, parseImageRef } from './model';
import { instrAt, readPragmas } from './pragmas';
import { RULES, RULE_NAMES } from './rules';
import { judgePythonTag } from './rules/base-image';
import { effectiveHealthcheck, isNone } from './rules/health';
import { effectiveUser, uidOfUser } from './rules/user';
import { DocWord, Option, envValue, optionValue, splitArgsValue, parseOptions } from './gunicorn';
import { ASGI_WORKERS, WORKER_CLASS, workersFor } from './standard';
import { LintContext, Position } from './types';
import { serviceContainer } from './rules/task-definition';

export function hoverAt(text: string, position: Position, ctx: LintContext): string | undefined {
  const model = new DockerfileModel(text, { target: ctx.standard.target?.value });
  return hover(new Analysis(model, ctx.standard, ctx.facts), model.offset(position));
}

export function hover(a: Analysis, offset: number): string | undefined {
  const m = a.model;
  const pragma = readPragmas(m, RULE_NAMES).names.find((n) => offset >= n.start && offset <= n.end);
  if (pragma) return ruleHover(pragma.name);
  const instr = instrAt(m, offset);
  if (!instr || offset > instr.end) return undefined;
  // Before the first FROM an instruction belongs to no stage: the model has no stage to explain it by.
  if (!instr.stage) return preambleHover(instr);
  switch (instr.keyword) {
    case 'FROM': return fromHover(a, instr.stage);
    case 'USER': return userHover(a, instr, instr.stage);
    case 'HEALTHCHECK': return healthHover(a, instr, instr.stage);
    case 'CMD': case 'ENTRYPOINT': case 'ENV': return serverHover(a, instr, offset);
    default: return undefined;
  }
}

function preambleHover(instr: Instr): string | undefined {
  if (instr.keyword === 'ARG') return '**Global ARG** (before the first FROM): usable in FROM lines; a stage sees it only after repeating `ARG <name>` inside the stage.';
  if (!['USER', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT', 'ENV'].includes(instr.keyword)) return undefined;
  return `**${instr.keyword}** before the first FROM belongs to no stage: Docker accepts only ARG (and parser directives) there and rejects the build. Move it into a stage.`;
}

function ruleHover(name: string): string {
  const meta = RULES.find((r) => r.meta.name === name)?.meta;
  if (!meta) return `**${name}**: not a Docksmith rule.`;
  return `**Docksmith rule \`${name}\`** (${meta.severity}${meta.fix !== 'none' ? `, ${meta.fix === 'unsafe' ? 'quick fix' : 'fixable'}` : ''})\n\n${meta.docs.summary}`;
}

const ok = (s: string) => `✓ ${s}`;
const bad = (s: string) => `✗ ${s}`;

function fromHover(a: Analysis, stage: Stage): string {
  const m = a.model;
  const users = m.stages.filter((s) => s !== stage && (s.parent === stage || s.instrs.some((i) => (i.keyword === 'COPY' || i.keyword === 'ADD')
    && stage.name && m.flag(i, 'from')?.value.toLowerCase() === stage.name)));
  const label = stage.name ? `\`${stage.name}\`` : `#${stage.index + 1}`;
  const runtime = m.finalStage;
  const target = a.standard.target;
  const role = stage.isFinal
    ? `the **runtime stage**: the image that ships${target ? ` (\`${target.value}\`, the target from ${target.source})` : ' (the last stage)'}. Runtime rules (user, health check, server command, build tools) judge it, following its FROM chain.`
    : runtime && stage.index > runtime.index
      ? `a stage **after the target** \`${runtime.name}\`: \`docker build --target ${runtime.name}\` does not build it, so runtime rules judge \`${runtime.name}\` instead.`
    : `a **builder stage**${users.length ? `, used by ${users.map((u) => (u.name ? `\`${u.name}\`` : `#${u.index + 1}`)).join(', ')}` : ' (nothing in the file uses it)'}. Build rules (layer order, uv) apply; runtime rules do not.`;
  const lines = [`**Stage ${label}** (${stage.index + 1} of ${m.stages.length}): ${role}`];
  if (stage.parent) lines.push(`Built FROM stage \`${stage.parent.name}\`: inherits its USER, ENV, HEALTHCHECK and CMD.`);
  else if (stage.image === undefined) lines.push(`Base image \`${stage.imageRaw}\` uses an ARG without a default: cannot be checked.`);
  else {
    const image = stage.image;
    const resolved = image !== stage.imageRaw ? ` (resolved from \`${stage.imageRaw}\`)` : '';
    const { name, tag, digest } = parseImageRef(image);
    if (isPythonImage(name)) {
      const v = judgePythonTag(tag, digest, a.standard.python.value);
      // the base-image finding says what is wrong; the hover says why the standard's image is better
      lines.push(v ? bad(`Base \`${image}\`${resolved} is not the standard's \`python:${a.standard.python.value}-slim\` (the base-image finding says why). Slim is Debian with glibc, so manylinux wheels install without compilers, at a fraction of the full image's size; the pinned minor keeps every build on the Python the service was tested with.`)
        : ok(`Base \`${image}\`${resolved} is a pinned slim Python image (standard: \`python:${a.standard.python.value}-slim\`).`));
    } else lines.push(`Base \`${image}\`${resolved} is not the official python image; the standard builds Python stages on \`python:${a.standard.python.value}-slim\`.`);
  }
  return lines.join('\n\n');
}

function userHover(a: Analysis, instr: Instr, stage: Stage): string {
  const want = a.standard.uid.value;
  const u = effectiveUser(a, stage);
  const isEffective = u.instr === instr && stage.isFinal;
  const raw = a.model.logical(instr).text.trim();
  const value = raw.includes('$') ? a.model.resolve(raw, a.model.variables(stage, instr.start)) : raw;
  const user = value?.split(':')[0];
  let uid: string;
  if (user === undefined) uid = 'unknown (a variable without a default)';
  else if (/^\d+$/.test(user)) uid = user;
  else if (user === 'root') uid = '0 (root)';
  else {
    const seen = uidOfUser(a, stage, user);
    uid = seen.uid ? `${seen.uid} (user \`${user}\`, created with --uid ${seen.uid})` : `unknown (user \`${user}\` ${seen.created ? 'is created without --uid' : 'is not created in this Dockerfile'})`;
  }
  const n = /^\d+/.exec(uid)?.[0];
  const verdict = n === String(want) ? ok(`UID ${uid}: the standard UID ${want}.`) : n === '0' ? bad(`UID 0: root. The standard is UID ${want}.`)
    : n ? bad(`UID ${uid}: the standard is UID ${want}.`) : `UID ${uid}. The standard is UID ${want}.`;
  const scope = isEffective ? 'The runtime stage runs as this user.' : stage.isFinal ? 'A later USER overrides this one.' : 'Builder stage: its user does not ship (only the final stage\'s USER matters).';
  return `**USER**: ${verdict}\n\n${scope} UID ${want} is ${a.standard.uid.source === 'the standard' ? 'the ECS security policy\'s requirement' : `set by ${a.standard.uid.source}`}.${taskDefinitionNote(a, 'user')}`;
}

function healthHover(a: Analysis, instr: Instr, stage: Stage): string {
  const ecs = 'ECS does not run the image\'s HEALTHCHECK: it acts only on the task definition\'s `healthCheck` (defaults: interval 30 s, timeout 5 s, retries 3). Copy this command there; Docker and Compose use it as is.';
  if (isNone(a, instr)) return `**HEALTHCHECK NONE** disables any health check inherited from the base image.\n\n${ecs}`;
  const src = a.model.logical(instr).text;
  const url = /https?:\/\/[^\s'")\]]+/.exec(src)?.[0];
  const tool = /\bcurl\b/.test(src) ? 'curl' : /\bwget\b/.test(src) ? 'wget' : /urllib|requests|httpx/.test(src) ? 'Python' : undefined;
  const flags = a.model.flags(instr).flags.map((f) => `${f.name} ${f.value}`).join(', ');
  const effective = effectiveHealthcheck(a, stage) === instr && stage.isFinal;
  const lines = [`**HEALTHCHECK**: ${url ? `requests \`${url}\`` : 'runs a command'}${tool ? ` with ${tool}` : ''}${flags ? ` (${flags})` : ''}.`];
  if (!effective) lines.push(stage.isFinal ? 'A later HEALTHCHECK replaces this one.' : 'In a builder stage: it does not ship.');
  const want = `http://localhost:${a.standard.port.value}${a.standard.healthPath.value}`;
  if (url && url !== want) lines.push(`The standard endpoint is \`${want}\`.`);
  lines.push(ecs);
  const td = taskDefinitionNote(a, 'healthCheck');
  if (td) lines.push(td.trim());
  return lines.join('\n\n');
}

const FLAG_DOCS: Record<string, (a: Analysis) => { meaning: string; standard: string }> = {
  workers: (a) => ({
    meaning: 'Number of worker processes.',
    standard: a.standard.vcpu
      ? `${workersFor(a.standard.vcpu.value)}: one per vCPU; the task has ${a.standard.vcpu.value} vCPU (from ${a.standard.vcpu.source}).`
      : 'one per vCPU of the task (not 2×CPU+1). The vCPU is unknown: set `vcpu` in `[tool.docksmith]` or `docksmith.vcpu`.',
  }),
  'worker-class': () => ({
    meaning: 'The worker type. The default `sync` speaks WSGI only.',
    standard: `\`${WORKER_CLASS}\` for ASGI apps (FastAPI). Current upstream: \`uvicorn_worker.UvicornWorker\` (the \`uvicorn-worker\` package; uvicorn 0.30 deprecated \`uvicorn.workers\`) or gunicorn's native \`asgi\` — both accepted.`,
  }),
  timeout: (a) => ({ meaning: 'Workers silent for longer than this many seconds are killed and restarted.', standard: `${a.standard.timeout}, matching the health-check budget.` }),
  'graceful-timeout': (a) => ({ meaning: 'After SIGTERM, seconds workers get to finish in-flight requests.', standard: `${a.standard.gracefulTimeout}. ECS kills after the task's stopTimeout (default 30 s, Fargate max 120 s): raise stopTimeout for margin.` }),
  bind: (a) => ({ meaning: 'Address to listen on. Default 127.0.0.1:8000 (or 0.0.0.0:$PORT when PORT is set).', standard: `\`0.0.0.0:${a.standard.port.value}\`: loopback is unreachable from outside the container.` }),
  config: () => ({ meaning: 'A gunicorn configuration file (Python). Command-line flags override it.', standard: 'Docksmith cannot read it: keep the standard flags on the command line where reviewers see them.' }),
  host: (a) => ({ meaning: 'uvicorn\'s listen address (default 127.0.0.1).', standard: `\`0.0.0.0\` (port ${a.standard.port.value}); the standard serves with gunicorn.` }),
  reload: () => ({ meaning: 'Restart on code changes: a development feature.', standard: 'never in an image.' }),
};

function serverHover(a: Analysis, instr: Instr, offset: number): string | undefined {
  const inv = a.invocation();
  let option: { name: string; o: Option } | undefined;
  let fromEnv: string | undefined;
  if (inv && instr === inv.instr || inv?.entry?.instr === instr || inv?.cmd?.instr === instr) {
    for (const [name, list] of inv!.options) for (const o of list) if (within(offset, o.flag, o.value)) option = { name, o };
    if (!option && within(offset, inv!.words[0])) return invocationSummary(a);
  }
  if (!option && instr.keyword === 'ENV' && a.final && instr.stage && a.model.chain(a.final).includes(instr.stage)) {
    for (const name of ['GUNICORN_CMD_ARGS', 'WEB_CONCURRENCY']) {
      const w = envValue(a.model, instr.stage, name);
      if (!w || w.start < instr.start || w.end > instr.end || !within(offset, w)) continue;
      if (name === 'WEB_CONCURRENCY') { option = { name: 'workers', o: { flag: w } }; fromEnv = name; break; }
      for (const [n, list] of parseOptions('gunicorn', splitArgsValue(w)).options) for (const o of list) if (within(offset, o.flag, o.value)) option = { name: n, o };
      fromEnv = name;
    }
  }
  if (!option) return instr.keyword === 'ENV' ? undefined : invocationSummary(a);
  const doc = FLAG_DOCS[option.name]?.(a);
  const value = fromEnv === 'WEB_CONCURRENCY' ? option.o.flag.value : optionValue(option.o);
  const head = `**${fromEnv ? `${fromEnv}: ` : ''}--${option.name}${value !== undefined ? ` ${value}` : ''}**`;
  if (!doc) return `${head}\n\nNot part of the standard.`;
  return `${head}: ${doc.meaning}\n\nStandard: ${doc.standard}`;
}

function within(offset: number, ...words: (DocWord | undefined)[]): boolean {
  const ws = words.filter((w): w is DocWord => !!w && !w.noEdit);
  return ws.length > 0 && offset >= ws[0].start && offset <= ws[ws.length - 1].end;
}

/** One table of the server's settings against the standard. */
function invocationSummary(a: Analysis): string | undefined {
  const inv = a.invocation();
  if (!inv) return undefined;
  if (inv.kind !== 'gunicorn') return `**${inv.kind}** serves the app. The standard is gunicorn with \`${WORKER_CLASS}\`.${taskDefinitionNote(a, 'command')}`;
  const g = a.gunicorn()!;
  const vcpu = a.standard.vcpu;
  const port = inv.env.get('PORT') ?? (a.final && envValue(a.model, a.final, 'PORT'));
  const row = (name: string, want: string, check: (v: string) => boolean | undefined) => {
    const o = a.gunicornOption(name);
    let v = o ? optionValue(o) : name === 'workers' ? g.webConcurrency?.value : undefined;
    if (v === undefined && name === 'bind' && port) v = `0.0.0.0:$PORT (PORT is set)`;
    const verdict = v === undefined ? undefined : check(v);
    const mark = v === undefined ? (g.configFile ? '?' : '✗') : verdict === undefined ? '?' : verdict ? '✓' : '✗';
    return `| --${name} | ${v ?? (g.configFile ? `not visible (${g.configFile})` : 'default')} | ${want} | ${mark} |`;
  };
  return ['**gunicorn** against the standard', '', '| setting | here | standard | |', '|---|---|---|---|',
    row('workers', vcpu ? `${workersFor(vcpu.value)} (vCPU from ${vcpu.source})` : '= vCPU (unknown)', (v) => (vcpu ? Number(v) === workersFor(vcpu.value) : undefined)),
    row('worker-class', WORKER_CLASS, (v) => ASGI_WORKERS.has(v)),
    row('bind', `0.0.0.0:${a.standard.port.value}`, (v) => !/^(127\.|localhost|\[::1\])/.test(v)),
    row('timeout', String(a.standard.timeout), (v) => Number(v) === a.standard.timeout),
    row('graceful-timeout', String(a.standard.gracefulTimeout), (v) => Number(v) === a.standard.gracefulTimeout),
  ].join('\n') + taskDefinitionNote(a, 'command');
}


/** What the service's ECS task definition says about the same thing (it wins over the image). */
function taskDefinitionNote(a: Analysis, what: 'user' | 'healthCheck' | 'command'): string {
  const td = a.facts.taskDefinition;
  const c = td && !td.def.malformed ? serviceContainer(td.def.containers) : undefined;
  if (!td || !c) return '';
  const where = `${td.label}${c.name ? ` (container "${c.name.value}")` : ''}`;
  if (what === 'user') {
    return c.user ? `\n\nThe task definition ${where} sets \`"user": "${c.user.value}"\`, which overrides this USER when ECS runs the task.` : `\n\nThe task definition ${where} sets no user: the image's USER applies.`;
  }
  if (what === 'healthCheck') {
    return c.healthCheck?.command ? `\n\nThe task definition ${where} runs \`${c.healthCheck.command.value.join(' ')}\`: that is the check ECS acts on.` : `\n\nThe task definition ${where} has no healthCheck: ECS will not run this one.`;
  }
  const parts = [c.stopTimeout ? `stopTimeout ${c.stopTimeout.value} s` : 'no stopTimeout (ECS waits 30 s)', ...c.portMappings.map((p) => `containerPort ${p.containerPort.value}`)];
  if (c.command || c.entryPoint) parts.push(`its own ${c.entryPoint ? 'entryPoint' : 'command'}, which replaces this one`);
  return `\n\nThe task definition ${where}: ${parts.join(', ')}.`;
}
