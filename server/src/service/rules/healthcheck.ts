import { defineRule } from './rule';
import { effectiveHealthcheck, isNone, standardHealthcheck, healthPathFor } from './health';

export default defineRule({
  meta: {
    name: 'healthcheck',
    severity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'The runtime stage needs a HEALTHCHECK against the service\'s health endpoint.',
      whatItDoes: 'Checks that the final stage (or a stage it is built FROM) has a `HEALTHCHECK` and that it is not `HEALTHCHECK NONE`.',
      why: 'Orchestrators route only to healthy containers. ECS itself acts on the task definition\'s `healthCheck`, not the image\'s, but the Dockerfile `HEALTHCHECK` is what local runs and Compose use and where the task definition copies its command from.',
      example: 'FROM python:3.11-slim\nUSER 1000\nCMD ["gunicorn", "src.main:app"]',
      useInstead: 'FROM python:3.11-slim\nUSER 1000\nHEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\\n  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(\'http://localhost:8000/health\', timeout=4)"]\nCMD ["gunicorn", "src.main:app"]',
      references: [{ title: 'Amazon ECS: container health checks (ECS does not monitor a Docker HEALTHCHECK that is not in the task definition)', url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/healthcheck.html' }],
    },
  },
  check({ a, report }) {
    const stage = a.final;
    if (!stage) return;
    const hc = effectiveHealthcheck(a, stage);
    const text = standardHealthcheck(a, stage);
    const url = `http://localhost:${a.standard.port.value}${healthPathFor(a)}`;
    if (hc && isNone(a, hc)) {
      report({ start: hc.start, end: hc.end, fix: { title: 'Replace with a urllib HEALTHCHECK', safe: false, edits: [{ start: hc.start, end: hc.end, newText: text }] },
        message: `HEALTHCHECK NONE disables health checks: the standard checks ${url} from inside the container.` });
      return;
    }
    if (hc) return;
    report({
      start: stage.from.start, end: stage.from.end,
      fix: { title: 'Add HEALTHCHECK', safe: false, edits: [a.insertInStage(stage, text)] },
      message: `The runtime stage has no HEALTHCHECK: add one that requests ${url} with Python's urllib. (ECS itself runs only the task definition's healthCheck: use the same command there.)`,
    });
  },
});
