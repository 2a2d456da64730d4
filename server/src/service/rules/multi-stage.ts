import { defineRule } from './rule';

export default defineRule({
  meta: {
    name: 'multi-stage',
    severity: 'warning',
    fix: 'none',
    docs: {
      summary: 'Install dependencies in a builder stage; the runtime stage only copies the virtualenv.',
      whatItDoes: 'Reports a dependency install (uv, pip, Poetry, PDM, Pipenv, conda; also inside `if`, `sh -c` and `$(…)`) in the runtime stage, whether the Dockerfile has one stage or the runtime stage installs again instead of copying the builder\'s `.venv`; and a runtime stage built FROM an earlier stage that installs the dependencies (`FROM builder`, `FROM base`) instead of starting fresh from the slim Python image.',
      why: 'A builder stage keeps compilers, caches and uv out of the shipped image: images are 50-70% smaller and have less attack surface.',
      example: 'FROM python:3.11-slim\nCOPY . .\nRUN pip install -r requirements.txt',
      useInstead: 'FROM python:3.11-slim AS builder\n…\nRUN uv sync --locked --no-dev\n\nFROM python:3.11-slim AS runtime\nCOPY --from=builder --chown=1000:1000 /app /app',
    },
  },
  check({ a, report }) {
    const stage = a.final;
    if (!stage) return;
    const single = a.model.stages.length === 1;
    if (stage.parent) {
      // Built FROM an earlier stage: everything that stage installed ships, caches and compilers included.
      const installing = a.model.chain(stage).filter((s) => s !== stage && a.runs(s).some((r) => a.depInstalls(r).length > 0));
      if (installing.length) {
        const names = installing.map((s) => (s.name ? `\`${s.name}\`` : `#${s.index + 1}`)).join(', ');
        report({ start: stage.from.start, end: stage.from.end,
          message: `The runtime stage is built FROM \`${stage.parent.name}\`, and ${names} install${installing.length === 1 ? 's' : ''} the dependencies: the image ships the installer, its caches and any build tools. Start the runtime FROM a fresh \`python:${a.standard.python.value}-slim\` and copy the virtualenv (\`COPY --from=builder /app/.venv /app/.venv\`).` });
      }
    }
    for (const r of a.runs(stage)) {
      const inst = a.depInstalls(r)[0];
      if (!inst) continue;
      report({ start: r.start, end: r.end,
        message: single
          ? 'This single-stage Dockerfile installs Python dependencies in the image it ships: build tools and caches stay in production. Install in a builder stage and copy the virtualenv into a fresh python:*-slim runtime stage.'
          : 'The runtime stage installs Python dependencies itself instead of copying the builder\'s virtualenv (`COPY --from=builder /app/.venv /app/.venv`): install everything in the builder.' });
      return;
    }
  },
});
