import { defineRule } from './rule';
import { BUILD_TOOL, packageName } from '../commands';
import { pushAll } from '../text';


export default defineRule({
  meta: {
    name: 'build-tools-in-runtime',
    severity: 'warning',
    fix: 'none',
    docs: {
      summary: 'Compilers and `-dev` headers belong in the builder stage only.',
      whatItDoes: 'Reports a RUN that installs `gcc`, `g++`, `build-essential`, `make`, `clang` or `*-dev` packages into the runtime stage, or into an earlier stage the runtime is built FROM (`FROM builder`), and does not remove them again. Builder stages the runtime only copies from, and ONBUILD triggers, do not count.',
      why: 'Compilers in the shipped image add hundreds of MB and give an attacker a toolchain. The runtime needs only shared libraries (`libpq5`, not `libpq-dev`).',
      example: 'FROM python:3.11-slim AS runtime\nRUN apt-get update && apt-get install -y gcc libpq-dev',
      useInstead: 'FROM python:3.11-slim AS runtime\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*',
    },
  },
  check({ a, report }) {
    const stage = a.final;
    if (!stage) return;
    const removed = new Set<string>();
    const virtuals = new Map<string, string[]>();
    const installs: { start: number; end: number; tools: string[]; from?: string }[] = [];
    // the runtime ships whatever its FROM chain installed: earlier stages it is built FROM count too
    for (const r of a.model.chainInstrs(stage)) {
      if (r.keyword !== 'RUN') continue;
      const tools: string[] = [];
      for (const op of a.run(r).packages) {
        const names = op.packages.map((w) => packageName(w.value));
        if (op.action === 'remove') names.forEach((n) => { removed.add(n); virtuals.get(n)?.forEach((p) => removed.add(p)); });
        else {
          if (op.virtual) virtuals.set(op.virtual.toLowerCase(), names);
          pushAll(tools, names.filter((n) => BUILD_TOOL.test(n)));
        }
      }
      if (tools.length) installs.push({ start: r.start, end: r.end, tools, from: r.stage !== stage ? r.stage?.name ?? `#${(r.stage?.index ?? 0) + 1}` : undefined });
    }
    for (const i of installs) {
      const left = i.tools.filter((t) => !removed.has(t));
      if (!left.length) continue;
      report({ start: i.start, end: i.end,
        message: i.from
          ? `Stage \`${i.from}\` installs build tools (${left.join(', ')}) and the runtime stage is built FROM it, so they ship: start the runtime FROM a fresh python:*-slim image and copy only the virtualenv.`
          : `The runtime stage installs build tools (${left.join(', ')}): compile in the builder stage and install only runtime libraries here (e.g. libpq5 instead of libpq-dev).` });
    }
  },
});
