// Generator of realistic Dockerfiles for a Python FastAPI service, for scripts/bench.mjs.
//
// Ported to ESM from the generator of the project's performance anchors (gen.js). The generated text
// is byte-for-byte the anchors', so the sizes (40 / 410 / 4,032 / 40,020 lines; 40,010 single stage)
// and the dockerfile-ast / dockerfile-utils numbers stay comparable with the first measurements.
// Its builder stages mix Python 3.10, 3.11 and 3.12: base-image reports those (one minor in every
// stage), and the benchmark counts them as expected findings.
//
//   generate(targetLines, { singleStage }) -> string ('\n' line endings, trailing newline)
//
// - targetLines <= ~45: the "typical" file (2 stages: builder + runtime), exactly as a
//   human would write it.
// - larger targets: the typical header, then N extra builder stages (one per "service",
//   varied names / python versions / apt packages / ENV / ARG / LABEL / comments /
//   multi-line RUNs), then a runtime stage that COPY --from's a sample of those stages.
//   With {singleStage:true} the repeated material is RUN/ENV/ARG/LABEL blocks inside ONE
//   builder stage instead (to separate "lines" from "stages" in the scaling check).
// All generated files are valid: dockerfile-utils validate() returns 0 diagnostics
// (scripts/bench.mjs checks this before it measures anything).
//
// CLI: node scripts/gen-dockerfile.mjs <lines> [--single-stage]  > Dockerfile

import { pathToFileURL } from 'node:url';

const SERVICES = ['orders', 'billing', 'inventory', 'users', 'search', 'notify', 'audit',
  'payments', 'catalog', 'shipping', 'reports', 'gateway', 'auth', 'media', 'pricing'];
const PY = ['3.11', '3.12', '3.10', '3.11'];
const APT = [
  ['gcc', 'g++'],
  ['gcc', 'g++', 'libpq-dev'],
  ['gcc', 'g++', 'libffi-dev', 'libssl-dev'],
  ['build-essential', 'libxml2-dev', 'libxslt1-dev'],
  ['gcc', 'g++', 'libjpeg62-turbo-dev', 'zlib1g-dev'],
];

function typicalHeader() {
  return [
    '# syntax=docker/dockerfile:1.7',
    '# FastAPI service image: dependencies resolved with uv in a builder stage,',
    '# served by gunicorn + uvicorn workers from a slim runtime stage.',
    'ARG APP_VERSION=0.0.0',
    '',
  ];
}

function typicalBuilder() {
  return [
    '# ---------- builder ----------',
    'FROM python:3.11-slim AS builder',
    'ENV PYTHONDONTWRITEBYTECODE=1 \\',
    '    PYTHONUNBUFFERED=1 \\',
    '    UV_COMPILE_BYTECODE=1 \\',
    '    UV_LINK_MODE=copy',
    'WORKDIR /app',
    'RUN apt-get update \\',
    '    && apt-get install -y --no-install-recommends \\',
    '        gcc \\',
    '        g++ \\',
    '    && rm -rf /var/lib/apt/lists/*',
    'COPY --from=ghcr.io/astral-sh/uv /uv /bin/',
    'COPY pyproject.toml uv.lock ./',
    'RUN --mount=type=cache,target=/root/.cache/uv \\',
    '    uv sync --frozen --no-install-project --no-dev',
    '',
  ];
}

function runtimeStage(copyFrom) {
  const lines = [
    '# ---------- runtime ----------',
    'FROM python:3.11-slim AS runtime',
    'ARG APP_VERSION',
    'LABEL org.opencontainers.image.title="fastapi-service" \\',
    '      org.opencontainers.image.version="${APP_VERSION}" \\',
    '      org.opencontainers.image.source="https://example.com/acme/fastapi-service"',
    '# unprivileged user; numeric UID so k8s runAsNonRoot can verify it',
    'RUN useradd --uid 1000 --create-home --shell /usr/sbin/nologin app',
    'WORKDIR /app',
    'COPY --from=builder /app/.venv /app/.venv',
  ];
  for (const s of copyFrom) lines.push(`COPY --from=${s} /srv/${s}/.venv /opt/venvs/${s}`);
  lines.push(
    'ENV PATH="/app/.venv/bin:$PATH" \\',
    '    PYTHONUNBUFFERED=1',
    'COPY src ./src',
    'USER 1000',
    'EXPOSE 8000',
    'HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\',
    '    CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen(\'http://127.0.0.1:8000/health\', timeout=3).status == 200 else 1)"',
    'CMD ["gunicorn", "src.main:app", "--workers", "4", "--worker-class", "uvicorn.workers.UvicornWorker", "--bind", "0.0.0.0:8000", "--timeout", "120", "--graceful-timeout", "30"]',
  );
  return lines;
}

// One extra builder stage, ~38 lines.
function serviceStage(i) {
  const svc = `${SERVICES[i % SERVICES.length]}-${i}`;
  const stage = `build-${svc}`;
  const py = PY[i % PY.length];
  const pk = APT[i % APT.length];
  const lines = [
    `# ---- stage ${i}: wheels + venv for service "${svc}" ----`,
    `FROM python:${py}-slim AS ${stage}`,
    `ARG SERVICE_NAME=${svc}`,
    `ARG UV_EXTRA_INDEX=https://pypi.internal.example.com/simple/${svc}`,
    'ENV PYTHONDONTWRITEBYTECODE=1 \\',
    '    PYTHONUNBUFFERED=1 \\',
    '    UV_COMPILE_BYTECODE=1 \\',
    '    UV_LINK_MODE=copy \\',
    `    APP_HOME=/srv/${stage}`,
    `LABEL com.example.service="${svc}" \\`,
    '      com.example.stage="builder" \\',
    `      com.example.build-index="${i}"`,
    'WORKDIR ${APP_HOME}',
    'RUN apt-get update \\',
    '    && apt-get install -y --no-install-recommends \\',
  ];
  for (const p of pk) lines.push(`        ${p} \\`);
  lines.push(
    '    && rm -rf /var/lib/apt/lists/*',
    'COPY --from=ghcr.io/astral-sh/uv /uv /uvx /bin/',
    `COPY services/${svc}/pyproject.toml services/${svc}/uv.lock ./`,
    '# resolve deps first so the layer is cached across source edits',
    'RUN --mount=type=cache,target=/root/.cache/uv \\',
    `    --mount=type=bind,source=services/${svc}/uv.lock,target=uv.lock \\`,
    '    uv sync --frozen --no-install-project --no-dev \\',
    '        --extra-index-url "${UV_EXTRA_INDEX}"',
    `COPY services/${svc}/src ./src`,
    '# compile bytecode and strip test packages to keep the layer small',
    'RUN set -eux; \\',
    '    python -m compileall -q ./src; \\',
    '    find "${APP_HOME}/.venv" -type d -name tests -prune -exec rm -rf {} +; \\',
    '    echo "built ${SERVICE_NAME}" > /tmp/build-info.txt',
    '',
  );
  return lines;
}

// A block of repeated material inside a single stage, ~20 lines.
function runBlock(i) {
  const svc = `${SERVICES[i % SERVICES.length]}-${i}`;
  return [
    `# step ${i}: vendor plugin "${svc}"`,
    `ARG PLUGIN_${i}_VERSION=1.${i % 50}.${i % 7}`,
    `ENV PLUGIN_${i}_HOME=/opt/plugins/${svc} \\`,
    `    PLUGIN_${i}_ENABLED=1`,
    `LABEL com.example.plugin.${i}="${svc}"`,
    'RUN set -eux; \\',
    `    mkdir -p "$PLUGIN_${i}_HOME"; \\`,
    `    pip download --no-deps --dest /tmp/${svc} "${svc}==\${PLUGIN_${i}_VERSION}"; \\`,
    `    python -m zipfile -e /tmp/${svc}/*.whl "$PLUGIN_${i}_HOME"; \\`,
    `    rm -rf /tmp/${svc}`,
    `COPY plugins/${svc}/config.yaml /etc/plugins/${svc}.yaml`,
    'RUN --mount=type=cache,target=/root/.cache/uv \\',
    `    uv pip install --python /app/.venv/bin/python "$PLUGIN_${i}_HOME" \\`,
    '        --no-deps \\',
    '        --compile-bytecode',
    '',
  ];
}

export function generate(target, opts = {}) {
  let out = typicalHeader().concat(typicalBuilder());
  const runtimeLen = runtimeStage([]).length;
  if (target <= 45) {
    out = out.concat(runtimeStage([]));
    return out.join('\n') + '\n';
  }
  const stages = [];
  if (opts.singleStage) {
    out.push('# ---- plugin vendoring (single long stage) ----');
    out.push('WORKDIR /app');
    for (let i = 0; out.length < target - runtimeLen; i++) out.push(...runBlock(i));
  } else {
    for (let i = 0; out.length < target - runtimeLen - 1; i++) {
      const s = serviceStage(i);
      stages.push(s[1].split(' AS ')[1]);
      out.push(...s);
    }
  }
  // runtime copies a (bounded) sample of the service stages
  const pick = stages.filter((_, k) => k % Math.max(1, Math.ceil(stages.length / 8)) === 0);
  out.push(...runtimeStage(pick));
  return out.join('\n') + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = parseInt(process.argv[2] || '40', 10);
  process.stdout.write(generate(n, { singleStage: process.argv.includes('--single-stage') }));
}
