import { defineRule } from './rule';
import { Analysis } from '../analysis';
import { Instr } from '../model';
import { ContainerDefinition, Span } from '../project/types';
import { effectiveHealthcheck, isNone } from './health';
import { effectiveUser } from './user';
import { optionValue } from '../gunicorn';
import { packageName } from '../commands';
import { Finding, Range } from '../types';
import { confNumber, confStrings } from './server-edits';

/** Images of containers that run beside the service (log routers, agents, proxies), not the service itself. */
const SIDECAR = /datadog|fluent|firelens|envoy|xray|otel|opentelemetry|cloudwatch-agent|appmesh|log-router|aws-for-fluent-bit|newrelic|splunk/i;

/** Margin ECS needs after gunicorn's graceful timeout before SIGKILL: the standard asks for 5 s. */
const STOP_MARGIN = 5;

export default defineRule({
  meta: {
    name: 'task-definition',
    severity: 'warning',
    fix: 'none',
    docs: {
      summary: 'The ECS task definition must agree with the image: user, stop timeout, health check and port.',
      whatItDoes: 'Reads the service\'s ECS task definition (JSON, found beside the project as for `vcpu`) as text and reports, on the JSON file itself with a link to the Dockerfile line it contradicts: a `user` of root/0 or another UID than the standard\'s, which overrides `USER 1000`; a `stopTimeout` shorter than gunicorn\'s graceful timeout plus 5 s, or none (ECS then waits 30 s); a `healthCheck` that uses curl/wget the image lacks, probes another port or path than the image\'s HEALTHCHECK, or is missing while the Dockerfile has one (ECS ignores the image\'s HEALTHCHECK); a `containerPort` other than gunicorn\'s bind port. Invalid JSON and malformed values get one clear diagnostic where they are. With several containers, the service is the one that is not a known sidecar (log router, agent, proxy); when that is ambiguous, nothing is reported.',
      why: 'ECS runs what the task definition says, not what the Dockerfile says: its `user` overrides USER, only its `healthCheck` decides whether a task is healthy, and its `stopTimeout` decides when in-flight requests are cut off with SIGKILL. A Dockerfile that follows the standard can still be deployed against it.',
      example: '"user": "root",\n"stopTimeout": 20,\n"portMappings": [{ "containerPort": 80 }]',
      useInstead: '"stopTimeout": 35,\n"portMappings": [{ "containerPort": 8000 }],\n"healthCheck": { "command": ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen(\'http://localhost:8000/health\', timeout=4)"] }',
      references: [
        { title: 'Amazon ECS: container health checks', url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/healthcheck.html' },
        { title: 'Amazon ECS task definition parameters (user, stopTimeout, portMappings)', url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html' },
      ],
    },
  },
  check({ a, report }) {
    const td = a.facts.taskDefinition;
    const stage = a.final;
    if (!td || !stage) return;
    const at = (instr: Instr | undefined) => (instr ? { start: instr.start, end: instr.end } : { start: stage.from.start, end: stage.from.end });
    const on = (span: Span, anchor: Instr | undefined, f: Omit<Finding, 'rule' | 'start' | 'end' | 'external'>) =>
      report({ ...at(anchor), ...f, external: { path: td.path, label: td.label, range: span as Range }, related: anchor ? [...(f.related ?? []), dockerfileLine(a, anchor)] : f.related });
    for (const p of td.def.problems) on(p.span, undefined, { severity: td.def.malformed ? 'error' : 'warning', message: `${td.label}: ${p.message}` });
    if (td.def.malformed) return;
    const c = serviceContainer(td.def.containers);
    if (!c) return;
    const name = c.name?.value ? `container "${c.name.value}"` : 'the container';
    checkUser(a, c, name, on);
    checkStop(a, c, name, on);
    checkHealth(a, c, name, on);
    checkPort(a, c, name, on);
  },
});

type On = (span: Span, anchor: Instr | undefined, f: Omit<Finding, 'rule' | 'start' | 'end' | 'external'>) => void;

function dockerfileLine(a: Analysis, instr: Instr) {
  const start = a.model.position(instr.start);
  const end = a.model.position(instr.end);
  return { path: a.facts.dockerfilePath ?? 'Dockerfile', range: { start, end }, message: `Dockerfile: ${a.model.text.slice(instr.start, instr.end).split(/\r?\n/)[0]}` };
}

/** The service's container: the only one, else the only one that is not a known sidecar (with ports, if that decides it). */
export function serviceContainer(containers: ContainerDefinition[]): ContainerDefinition | undefined {
  if (containers.length === 1) return containers[0];
  const app = containers.filter((c) => !SIDECAR.test(c.image?.value ?? '') && !SIDECAR.test(c.name?.value ?? ''));
  if (app.length === 1) return app[0];
  const withPorts = app.filter((c) => c.portMappings.length);
  return withPorts.length === 1 ? withPorts[0] : undefined;
}

function checkUser(a: Analysis, c: ContainerDefinition, name: string, on: On): void {
  if (!c.user) return;
  const want = String(a.standard.uid.value);
  const user = c.user.value.split(':')[0].trim();
  const anchor = a.final ? effectiveUser(a, a.final).instr : undefined;
  if (user === 'root' || user === '0') {
    on(c.user.span, anchor, { severity: 'error', message: `${name} runs as ${c.user.value}: the task definition's user overrides the image's USER, so the service runs as root. Remove "user" (the image sets UID ${want}) or set it to "${want}".` });
  } else if (/^\d+$/.test(user) && user !== want) {
    on(c.user.span, anchor, { message: `${name} runs as UID ${user}, overriding the image's USER: the standard UID is ${want}. Remove "user" or set it to "${want}".` });
  }
}

function checkStop(a: Analysis, c: ContainerDefinition, name: string, on: On): void {
  const g = a.gunicorn();
  if (!g) return;
  // gunicorn's graceful timeout: the command line, else a literal in gunicorn.conf.py, else gunicorn's default 30 s
  let grace = 30;
  const o = a.gunicornOption('graceful-timeout');
  const cli = o ? Number(optionValue(o)) : NaN;
  const conf = confNumber(a.gunicorn()?.config?.config.settings.get('graceful_timeout')) ?? NaN;
  if (cli > 0) grace = cli;
  else if (conf > 0) grace = conf;
  const need = grace + STOP_MARGIN;
  const anchor = a.invocation()?.instr;
  if (!c.stopTimeout) {
    on(c.keySpan, anchor, { message: `${name} has no stopTimeout, so ECS sends SIGKILL 30 s after SIGTERM: gunicorn's graceful timeout is ${grace} s, which leaves no margin for in-flight requests. Set "stopTimeout": ${need} (Fargate allows up to 120).` });
  } else if (c.stopTimeout.value < need) {
    on(c.stopTimeout.span, anchor, { message: `stopTimeout ${c.stopTimeout.value} s: ECS kills ${name} ${c.stopTimeout.value} s after SIGTERM, before gunicorn's ${grace} s graceful timeout plus a ${STOP_MARGIN} s margin. Set it to ${need} or more (Fargate allows up to 120).` });
  }
}

function urlOf(text: string): { port?: string; path: string } | undefined {
  const m = /https?:\/\/[^/\s'"]+?(?::(\d+))?(\/[^\s'")]*)?(?=[\s'")]|$)/.exec(text);
  return m ? { port: m[1], path: m[2] ?? '/' } : undefined;
}

function checkHealth(a: Analysis, c: ContainerDefinition, name: string, on: On): void {
  const stage = a.final!;
  const hc = effectiveHealthcheck(a, stage);
  const image = hc && !isNone(a, hc) ? hc : undefined;
  if (!c.healthCheck) {
    if (image) {
      on(c.keySpan, image, { message: `${name} has no healthCheck: ECS ignores the image's HEALTHCHECK and only runs the task definition's, so an unhealthy task is never replaced. Copy the Dockerfile's command into "healthCheck": { "command": ["CMD", …] }.` });
    }
    return;
  }
  const cmd = c.healthCheck.command;
  if (!cmd) return;
  const text = cmd.value.join(' ');
  const root = a.model.rootImage(stage) ?? '';
  const tool = /(^|[\s/])curl(\s|$)/.test(text) ? 'curl' : /(^|[\s/])wget(\s|$)/.test(text) ? 'wget' : undefined;
  if (tool && /-slim|distroless/.test(root) && !installs(a, tool)) {
    on(cmd.span, image, { severity: 'error', message: `${name}'s healthCheck runs ${tool}, which ${root} does not have and the Dockerfile never installs: the check always fails and ECS keeps replacing the task. Use Python's urllib, as the image's HEALTHCHECK does.` });
  }
  const theirs = urlOf(text);
  const ours = image ? urlOf(a.model.logical(image).text) : undefined;
  if (!theirs || !ours) return;
  const port = (u: { port?: string }) => u.port ?? '80';
  if (port(theirs) !== port(ours) || theirs.path !== ours.path) {
    on(cmd.span, image, { message: `${name}'s healthCheck probes port ${port(theirs)} ${theirs.path}, but the image's HEALTHCHECK probes port ${port(ours)} ${ours.path}: they disagree, and ECS only runs this one. Probe the same endpoint.` });
  }
}

function installs(a: Analysis, tool: string): boolean {
  return a.model.chainInstrs(a.final!).some((i) => i.keyword === 'RUN' && a.run(i).packages.some((p) => p.action === 'install' && p.packages.some((w) => packageName(w.value) === tool)));
}

function checkPort(a: Analysis, c: ContainerDefinition, name: string, on: On): void {
  const inv = a.invocation();
  if (!inv || !c.portMappings.length) return;
  const set = inv.kind === 'gunicorn' ? a.gunicornSetting('bind') : undefined;
  const conf = confStrings(set?.conf)[0];
  const value = set?.option ? optionValue(set.option) : conf;
  const served = value ? /:(\d+)$/.exec(value)?.[1] : undefined;
  if (!served) return;
  if (c.portMappings.some((p) => String(p.containerPort.value) === served)) return;
  const p = c.portMappings[0].containerPort;
  on(p.span, inv.instr, { message: `${name} maps containerPort ${p.value}, but gunicorn binds port ${served}${conf && !set?.option ? ' (gunicorn.conf.py)' : ''}: the load balancer sends traffic to a port nothing listens on. Use "containerPort": ${served}, or bind the port the task maps.` });
}
