import { defineRule } from './rule';
import { effectiveHealthcheck, isNone, pythonExe, urllibCmd } from './health';
import { packageName } from '../commands';
import { parseJsonArray, parseShell } from '../shell';
import { Source } from '../text';

export default defineRule({
  meta: {
    name: 'healthcheck-tool',
    severity: 'error',
    fix: 'safe',
    docs: {
      summary: 'The HEALTHCHECK must use a tool the image has: slim images have no curl or wget.',
      whatItDoes: 'Checks whether the final stage\'s HEALTHCHECK runs `curl` or `wget` on a `-slim` or distroless base (or `curl` on an alpine base, which has only BusyBox\'s wget) that never installs it.',
      why: '`python:*-slim` ships without curl and wget, so such a health check fails every time and the container is marked unhealthy. Python itself is always there: `urllib` does the same request.',
      example: 'FROM python:3.11-slim\nHEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1',
      useInstead: 'FROM python:3.11-slim\nHEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(\'http://localhost:8000/health\', timeout=4)"]',
      references: [{ title: 'Amazon ECS: container health checks', url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/healthcheck.html' }],
    },
  },
  check({ a, report }) {
    const stage = a.final;
    if (!stage) return;
    const hc = effectiveHealthcheck(a, stage);
    if (!hc || isNone(a, hc)) return;
    const image = a.model.rootImage(stage) ?? '';
    // slim and distroless have neither curl nor wget; alpine has BusyBox's wget but no curl
    const alpine = /alpine/.test(image);
    if (!/-slim|distroless/.test(image) && !alpine) return;
    const src = a.model.logical(hc);
    if (!/curl|wget/.test(src.text)) return;
    const rest = a.model.flags(hc).rest;
    const lead = /^\s*(CMD\s+)?/i.exec(src.text.slice(rest))![0];
    const cmdIndex = rest + lead.length - lead.trimStart().length;
    const body = src.slice(rest + lead.length);
    const arr = parseJsonArray(body);
    const words = arr ? arr.items.map((i) => i.value) : parseShell(body).commands.flatMap((c) => c.words.map((w) => w.value));
    // exec form `["CMD-SHELL", "curl …"]` and `["sh", "-c", "curl …"]` carry a script in one item
    const scriptWords = words.flatMap((w) => (/\s/.test(w) ? parseShell(new Source(w)).commands.flatMap((c) => c.words.map((x) => x.value)) : [w]));
    const tool = scriptWords.map((w) => w.slice(w.lastIndexOf('/') + 1)).find((w) => w === 'curl' || (w === 'wget' && !alpine));
    if (!tool) return;
    for (const s of a.model.chain(stage)) {
      for (const i of s.instrs) {
        if (i.keyword === 'RUN' && a.run(i).packages.some((p) => p.action === 'install' && p.packages.some((w) => packageName(w.value) === tool))) return;
        // A static binary copied in (`COPY --from=curlimages/curl /usr/bin/curl /usr/bin/curl`) counts as installed.
        if ((i.keyword === 'COPY' || i.keyword === 'ADD') && a.model.copyArgs(i).some((w) => w.value.replace(/\/+$/, '').split('/').pop() === tool)) return;
      }
    }
    const rawUrl = scriptWords.find((w) => /^https?:\/\//.test(w));
    // Exec form expands no variables: `$PORT` must be resolved now, or there is no fix.
    const url = rawUrl && (rawUrl.includes('$') ? a.model.resolve(rawUrl, a.model.variables(stage, hc.start)) : rawUrl);
    const timeoutFlag = a.model.flag(hc, 'timeout');
    const secs = timeoutFlag ? durationSeconds(timeoutFlag.value) : undefined;
    const timeout = secs ? Math.max(1, Math.round(secs) - 1) : 4;
    const fix = url && !a.hasInnerComment(src.at(cmdIndex), hc.end) ? {
      title: 'Use Python urllib for the health check', safe: true,
      edits: [{ start: src.at(cmdIndex), end: hc.end, newText: urllibCmd(pythonExe(a, stage), url, timeout) }],
    } : undefined;
    report({
      start: hc.start, end: hc.end, fix,
      message: `HEALTHCHECK runs ${tool}, which ${image} does not have and this Dockerfile never installs: the check would always fail. Use Python's urllib${rawUrl ? ` against ${rawUrl}` : ''}.`,
    });
  },
});

function durationSeconds(v: string): number | undefined {
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let m: RegExpExecArray | null;
  let any = false;
  while ((m = re.exec(v))) {
    any = true;
    const n = parseFloat(m[1]);
    total += m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : n * 3600;
  }
  return any ? total : undefined;
}
