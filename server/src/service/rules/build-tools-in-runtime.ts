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
      whatItDoes: 'Reports a RUN in the final stage that installs `gcc`, `g++`, `build-essential`, `make`, `clang` or `*-dev` packages and does not remove them again in the same stage. Other stages and ONBUILD triggers do not count.',
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
    const installs: { start: number; end: number; tools: string[] }[] = [];
    for (const r of a.runs(stage)) {
      const tools: string[] = [];
      for (const op of a.run(r).packages) {
        const names = op.packages.map((w) => packageName(w.value));
        if (op.action === 'remove') names.forEach((n) => { removed.add(n); virtuals.get(n)?.forEach((p) => removed.add(p)); });
        else {
          if (op.virtual) virtuals.set(op.virtual.toLowerCase(), names);
          pushAll(tools, names.filter((n) => BUILD_TOOL.test(n)));
        }
      }
      if (tools.length) installs.push({ start: r.start, end: r.end, tools });
    }
    for (const i of installs) {
      const left = i.tools.filter((t) => !removed.has(t));
      if (!left.length) continue;
      report({ start: i.start, end: i.end,
        message: `The runtime stage installs build tools (${left.join(', ')}): compile in the builder stage and install only runtime libraries here (e.g. libpq5 instead of libpq-dev).` });
    }
  },
});
