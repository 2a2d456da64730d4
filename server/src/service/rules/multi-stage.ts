import { defineRule } from './rule';

export default defineRule({
  meta: {
    name: 'multi-stage',
    severity: 'warning',
    fix: 'none',
    docs: {
      summary: 'Install dependencies in a builder stage; the runtime stage only copies the virtualenv.',
      whatItDoes: 'Reports a dependency install (`uv sync`, `uv pip install`, `pip install`, `poetry install`) in the final stage, whether the Dockerfile has one stage or the runtime stage installs again instead of copying the builder\'s `.venv`.',
      why: 'A builder stage keeps compilers, caches and uv out of the shipped image: images are 50-70% smaller and have less attack surface.',
      example: 'FROM python:3.11-slim\nCOPY . .\nRUN pip install -r requirements.txt',
      useInstead: 'FROM python:3.11-slim AS builder\n…\nRUN uv sync --locked --no-dev\n\nFROM python:3.11-slim AS runtime\nCOPY --from=builder --chown=1000:1000 /app /app',
    },
  },
  check({ a, report }) {
    const stage = a.final;
    if (!stage) return;
    for (const r of a.runs(stage)) {
      const inst = a.depInstalls(r)[0];
      if (!inst) continue;
      const single = a.model.stages.length === 1;
      report({ start: r.start, end: r.end,
        message: single
          ? 'This single-stage Dockerfile installs Python dependencies in the image it ships: build tools and caches stay in production. Install in a builder stage and copy the virtualenv into a fresh python:*-slim runtime stage.'
          : 'The runtime stage installs Python dependencies itself instead of copying the builder\'s virtualenv (`COPY --from=builder /app/.venv /app/.venv`): install everything in the builder.' });
      return;
    }
  },
});
