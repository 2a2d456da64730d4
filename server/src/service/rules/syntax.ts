// A small set of syntax checks: the mistakes that stop `docker build` (or silently change what it
// builds) and that the rules of the standard would otherwise misread. Not a full validator: the
// Docker extension does that, and `docksmith.syntax` turns this rule off where it runs.
//
// Behaviour follows BuildKit (the default builder since Docker 23): its parser for continuations,
// its resolution of `COPY --from` after all stages are known, and `RUN --mount` that needs a stage
// defined before it.

import { DockerfileModel, Flag, Instr, Stage } from '../model';
import { Report, defineRule } from './rule';

const INSTRUCTIONS = [
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER',
  'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
];
const KNOWN = new Set(INSTRUCTIONS);

/** Shell commands written as if they were instructions, and what to write instead. */
const SHELL_WORDS = new Map<string, string>([
  ['cd', 'use WORKDIR to change the directory, or write `RUN cd … && …`'],
  ['export', 'use ENV to set an environment variable'],
  ['source', 'use ENV for environment variables, or write `RUN . file && …`'],
]);
for (const w of ['apt-get', 'apt', 'apk', 'yum', 'dnf', 'microdnf', 'pip', 'pip3', 'uv', 'poetry', 'python', 'python3',
  'mkdir', 'echo', 'cp', 'mv', 'rm', 'chmod', 'chown', 'curl', 'wget', 'ln', 'touch', 'sed', 'tar', 'git', 'make',
  'useradd', 'groupadd', 'adduser', 'addgroup', 'sh', 'bash', 'npm']) {
  SHELL_WORDS.set(w, `write \`RUN ${w} …\` to run it`);
}

/** The escape character as shown in a message (a backtick cannot be quoted in backticks). */
function escName(esc: string): string {
  return esc === '`' ? 'the escape character ` (backtick)' : `\`${esc}\``;
}

/** A word as shown in a message: at most 40 characters. */
function show(word: string): string {
  return word.length > 40 ? `${word.slice(0, 39)}…` : word;
}

/** A word of the file quoted in a message: in backticks, or in double quotes when it holds a backtick. */
function code(word: string): string {
  return word.includes('`') ? `"${show(word)}"` : `\`${show(word)}\``;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-sensitive. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3; // callers only care about ≤ 2
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) { d[i].push(j); continue; }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i].push(v);
    }
  }
  return d[a.length][b.length];
}

/** `a` is a likely typo of `b`: at most 2 edits, and fewer than half the longer word (so `CP` is not "close" to `COPY`). */
function isClose(a: string, b: string): boolean {
  const d = editDistance(a, b);
  return d > 0 && d <= 2 && d * 2 < Math.max(a.length, b.length);
}

/** The closest of `candidates` to `word`, if one is close. */
function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    if (!isClose(word, c)) continue;
    const d = editDistance(word, c);
    if (d < bestD) { best = c; bestD = d; }
  }
  return best;
}

/** A `--from` value that names an image (registry, path, tag or digest) rather than a stage. */
const IMAGE_LIKE = /[/:@.]/;
/** Values Docksmith cannot judge: variables, quotes, backticks. */
const OPAQUE = /[$"'`]/;

interface Ctx {
  m: DockerfileModel;
  report(r: Report): void;
  line(offset: number): number;
}

export default defineRule({
  meta: {
    name: 'syntax',
    severity: 'error',
    fix: 'none',
    docs: {
      summary: 'Syntax mistakes that stop `docker build` or make it build something else.',
      whatItDoes: 'Reports what Docker rejects as errors: an unknown instruction (suggesting the one it is close to, e.g. `RUNN` → `RUN`), an instruction other than ARG before the first FROM, a file with no FROM, a `COPY --from` / `RUN --mount=…,from=` naming its own stage, a stage index past the last stage, a mount from a later stage, a circular `--from`. As warnings: a stage name used twice, a `--from` one or two letters away from a stage name, a `COPY --from` to a later stage (BuildKit accepts it, the classic builder does not), and a last line that ends with a line continuation. A `--from=<word>` that is no stage and like no stage name gets an information note (it may be a Docker Hub image or a named build context); image references (`/`, `:`, `@`, `.`) and variables are not judged. It is deliberately small: full Dockerfile validation is the Docker extension\'s job, and the `docksmith.syntax` setting (`auto`) turns this rule off when that extension reports syntax.',
      why: 'Docker stops at these lines, or, worse, builds something else without a word: `COPY --from=buidler` pulls an image called `buidler` from Docker Hub instead of copying from the `builder` stage. The other rules also read such a file differently from Docker.',
      example: 'LABEL team=payments\nFROM python:3.11-slim AS builder\nRUNN uv sync --locked\n\nFROM python:3.11-slim AS runtime\nCOPY --from=buidler /app /app',
      useInstead: 'FROM python:3.11-slim AS builder\nRUN uv sync --locked\n\nFROM python:3.11-slim AS runtime\nLABEL team=payments\nCOPY --from=builder /app /app',
      references: [{ title: 'Dockerfile reference', url: 'https://docs.docker.com/reference/dockerfile/' }],
    },
  },
  check({ a, report }) {
    const m = a.model;
    if (m.instrs.length === 0) return;
    const ctx: Ctx = { m, report, line: (o) => m.position(o).line + 1 };
    const hasFrom = m.stages.length > 0;
    let first = true;
    for (const instr of m.instrs) {
      const known = KNOWN.has(instr.keyword) || KNOWN.has(instr.keyword.toUpperCase());
      const misplaced = hasFrom && known && !instr.stage && instr.keyword !== 'ARG';
      // the keyword's range costs a position lookup: only for an instruction there is something to say about
      if (known && !misplaced && (hasFrom || !first)) { first = false; continue; }
      const kw = keywordRange(m, instr);
      // A line holding only the escape character continues into the next line (Docker joins them).
      if (!known && !isLoneEscape(m, instr, kw)) report({ ...kw, message: unknownMessage(m, instr, kw) });
      if (!hasFrom) {
        if (first) {
          report({ ...kw, message: 'This Dockerfile has no FROM instruction: Docker cannot build it. Start the first stage with `FROM <image>` (only ARG may come before it).' });
        }
      } else if (misplaced) {
        const word = m.text.slice(kw.start, kw.end);
        report({ ...kw, message: `${code(word)} comes before the first FROM, where only ARG is allowed: Docker rejects the build. Move it into a stage, after its FROM.` });
      }
      first = false;
    }
    duplicateStages(ctx);
    stageReferences(ctx);
    trailingContinuation(ctx);
  },
});

/** A line holding only the escape character: Docker joins it with the next line, it is no instruction. */
function isLoneEscape(m: DockerfileModel, instr: Instr, kw: { start: number; end: number }): boolean {
  return instr.keyword === m.escape && m.text.slice(kw.end, instr.end).trim() === '';
}

function keywordRange(m: DockerfileModel, instr: Instr): { start: number; end: number } {
  const r = instr.ast.getInstructionRange();
  const start = Math.max(instr.start, Math.min(m.offset(r.start), instr.end));
  const end = Math.max(start, Math.min(m.offset(r.end), instr.end));
  return end > start ? { start, end } : { start: instr.start, end: instr.end };
}

function unknownMessage(m: DockerfileModel, instr: Instr, kw: { start: number; end: number }): string {
  const word = m.text.slice(kw.start, kw.end);
  const head = `Unknown instruction ${code(word)}`;
  const tail = 'Docker stops the build at this line.';
  const lineStart = m.lineStarts()[instr.line] ?? instr.start;
  const indented = kw.start > lineStart && /^[ \t]+$/.test(m.text.slice(lineStart, kw.start));
  if (indented || !/^[A-Za-z]/.test(word)) {
    return `${head}: ${tail} If this line continues the instruction above, end the line before it with ${escName(m.escape)}.`;
  }
  const shell = SHELL_WORDS.get(word.toLowerCase());
  if (shell) return `${head}: ${tail} It looks like a shell command: ${shell}.`;
  const upper = word.toUpperCase();
  const near = closest(upper, INSTRUCTIONS);
  if (near) {
    const suggestion = word === word.toLowerCase() ? near.toLowerCase() : near;
    return `${head}: did you mean \`${suggestion}\`? ${tail}`;
  }
  return `${head}: ${tail} Dockerfile instructions are ${INSTRUCTIONS.join(', ')}.`;
}

interface NameWord { stage: Stage; name: string; start: number; end: number }

/** The `AS name` word of each named stage, with its document range. */
function stageNameWords(m: DockerfileModel): NameWord[] {
  const out: NameWord[] = [];
  for (const stage of m.stages) {
    if (!stage.name) continue;
    const src = m.logical(stage.from);
    const words: Array<{ text: string; at: number }> = [];
    const re = /\S+/g;
    for (let w = re.exec(src.text); w; w = re.exec(src.text)) {
      if (!w[0].startsWith('--')) words.push({ text: w[0], at: w.index });
      if (words.length === 3) break;
    }
    const w = words[2];
    if (!w || words[1].text.toUpperCase() !== 'AS') continue;
    out.push({ stage, name: w.text.toLowerCase(), start: src.at(w.at), end: src.at(w.at + w.text.length - 1) + 1 });
  }
  return out;
}

function duplicateStages({ m, report, line }: Ctx): void {
  const seen = new Map<string, NameWord>();
  for (const w of stageNameWords(m)) {
    if (OPAQUE.test(w.name)) continue;
    const prev = seen.get(w.name);
    if (!prev) { seen.set(w.name, w); continue; }
    report({
      start: w.start, end: w.end, severity: 'warning',
      message: `Stage name ${code(w.name)} is already used by the stage on line ${line(prev.start)}. Docker builds it, but \`FROM ${show(w.name)}\` then means the stage defined most recently before it and \`COPY --from=${show(w.name)}\` the last one in the file: give each stage its own name.`,
    });
  }
}

interface Ref { instr: Instr; stage: Stage; value: string; start: number; end: number; mount: boolean }

/** `COPY --from=x` and `RUN --mount=…,from=x` of every stage, with the document range of x. */
function references(m: DockerfileModel): Ref[] {
  const refs: Ref[] = [];
  for (const stage of m.stages) {
    for (const instr of stage.instrs) {
      if (instr.keyword !== 'COPY' && instr.keyword !== 'RUN') continue;
      if (!m.argsInclude(instr, 'from=') && !m.argsInclude(instr, 'FROM=')) continue;
      const src = m.logical(instr);
      const at = (from: number, to: number) => ({ start: src.at(from), end: src.at(to - 1) + 1 });
      for (const f of m.flags(instr).flags) {
        const valueAt = f.start + 2 + f.name.length + 1;
        if (instr.keyword === 'COPY' && f.name === 'from') {
          if (f.end > valueAt) refs.push({ instr, stage, value: f.value, ...at(valueAt, f.end), mount: false });
        } else if (instr.keyword === 'RUN' && f.name === 'mount') {
          for (const field of mountFields(f, valueAt)) {
            if (field.key === 'from' && field.value) refs.push({ instr, stage, value: field.value, ...at(field.at, field.at + field.value.length), mount: true });
          }
        }
      }
    }
  }
  return refs;
}

/** key=value fields of a `--mount` value, with the logical index of each value. */
function mountFields(f: Flag, valueAt: number): Array<{ key: string; value: string; at: number }> {
  const out: Array<{ key: string; value: string; at: number }> = [];
  let pos = valueAt;
  for (const field of f.value.split(',')) {
    const eq = field.indexOf('=');
    if (eq > 0) out.push({ key: field.slice(0, eq).trim().toLowerCase(), value: field.slice(eq + 1), at: pos + eq + 1 });
    pos += field.length + 1;
  }
  return out;
}

function stageReferences({ m, report, line }: Ctx): void {
  const refs = references(m);
  if (refs.length === 0) return;
  const byName = new Map<string, Stage[]>();
  for (const s of m.stages) if (s.name) (byName.get(s.name) ?? byName.set(s.name, []).get(s.name)!).push(s);
  const names = [...byName.keys()];
  /** The stage a reference resolves to: the latest one of that name before it, else (BuildKit) the last one in the file. */
  const resolve = (r: Ref): Stage | undefined => {
    if (!r.mount && /^[+-]?\d+$/.test(r.value)) return m.stages[Number(r.value)];
    const all = byName.get(r.value.toLowerCase());
    if (!all) return undefined;
    let earlier: Stage | undefined;
    for (const s of all) if (s.index < r.stage.index) earlier = s;
    return earlier ?? all[all.length - 1];
  };
  let deps: Map<Stage, Stage[]> | undefined;
  /** Does `from` depend on `to` (FROM an earlier stage, COPY --from, RUN --mount from), directly or not? */
  const dependsOn = (from: Stage, to: Stage): boolean => {
    if (!deps) {
      deps = new Map();
      for (const s of m.stages) deps.set(s, s.parent ? [s.parent] : []);
      for (const r of refs) { const t = resolve(r); if (t) deps.get(r.stage)!.push(t); }
    }
    const seen = new Set<Stage>();
    const todo = [from];
    while (todo.length > 0) {
      const s = todo.pop()!;
      if (s === to) return true;
      if (seen.has(s)) continue;
      seen.add(s);
      for (const d of deps.get(s) ?? []) todo.push(d);
    }
    return false;
  };

  for (const r of refs) {
    const v = show(r.value);
    const shown = r.mount ? `from=${v}` : `--from=${v}`;
    const at = { start: r.start, end: r.end };
    if (OPAQUE.test(r.value)) continue;
    const numeric = /^[+-]?\d+$/.test(r.value);
    if (numeric && r.mount) {
      report({ ...at, severity: 'warning', message: `\`${shown}\`: RUN --mount takes a stage name, not an index, so Docker looks for an image called \`${v}\`. Name the stage (\`FROM … AS builder\`) and write \`from=builder\`.` });
      continue;
    }
    const target = resolve(r);
    if (numeric && !target) {
      const n = m.stages.length;
      report({ ...at, message: `\`${shown}\`: there is no stage ${v}. This Dockerfile has ${n === 1 ? 'one stage (0)' : `${n} stages (0 to ${n - 1})`}: Docker stops with "invalid stage index".` });
      continue;
    }
    if (target) {
      if (target.index < r.stage.index) continue;
      const what = numeric ? `stage ${v}` : `the stage ${code(target.name ?? r.value)}`;
      if (target === r.stage) {
        report({ ...at, message: `\`${shown}\` names this stage itself: a stage cannot ${r.mount ? 'mount' : 'copy from'} itself, and Docker stops with a circular dependency. ${r.mount ? 'Mount' : 'Copy from'} an earlier stage.` });
      } else if (r.mount) {
        report({ ...at, message: `\`${shown}\` refers to ${what}, defined later on line ${line(target.from.start)}: RUN --mount can only use a stage defined before it, and Docker stops the build. Move that stage above this one.` });
      } else if (dependsOn(target, r.stage)) {
        report({ ...at, message: `\`${shown}\` refers to ${what} on line ${line(target.from.start)}, which itself depends on this stage: Docker stops with a circular dependency.` });
      } else {
        const classic = numeric ? 'the classic builder rejects the index of a later stage' : `the classic builder reads \`${v}\` as an image name`;
        report({ ...at, severity: 'warning', message: `\`${shown}\` refers to ${what}, defined later on line ${line(target.from.start)}. BuildKit resolves it, but ${classic}: define the stage before the one that copies from it.` });
      }
      continue;
    }
    if (IMAGE_LIKE.test(r.value)) continue;
    const near = closest(r.value.toLowerCase(), names);
    if (near) {
      const s = byName.get(near)!;
      report({ ...at, severity: 'warning', message: `No stage is named \`${v}\`: did you mean ${code(near)} (line ${line(s[0].from.start)})? As written, Docker looks for an image called \`${v}\` on Docker Hub instead of using the stage.` });
    } else {
      report({ ...at, uncertain: true, message: `No stage is named \`${v}\`, so Docksmith reads \`${shown}\` as the image \`${v}\` from Docker Hub (or a build context passed with \`--build-context ${v}=…\`). If you meant a stage, check its \`AS\` name.` });
    }
  }
}

/**
 * The last line ends with the escape character: Docker's continuation (`\` or the `# escape=` one, not
 * itself escaped, trailing blanks allowed) with nothing left to continue into. A last line that is a
 * comment is not continued, and an unterminated heredoc body is Docker's error, not this one.
 */
function trailingContinuation({ m, report }: Ctx): void {
  const text = m.text;
  // the common case without line arithmetic: the file does not end with the escape character
  let tail = text.length;
  while (tail > 0 && /[\r\n \t]/.test(text[tail - 1])) tail--;
  if (tail === 0 || text[tail - 1] !== m.escape) return;
  const starts = m.lineStarts();
  const esc = m.escape;
  for (let k = starts.length - 1; k >= 0; k--) {
    const from = starts[k];
    let to = k + 1 < starts.length ? starts[k + 1] : text.length;
    while (to > from && /[\r\n \t]/.test(text[to - 1])) to--;
    let lead = from;
    while (lead < to && (text[lead] === ' ' || text[lead] === '\t')) lead++;
    if (lead === to) continue; // blank line
    if (text[lead] === '#') return;
    if (text[to - 1] !== esc) return;
    if (to - 1 > lead && text[to - 2] === esc) return; // an escaped escape character
    const instr = m.instrs.find((i) => i.start <= lead && lead <= i.end);
    if (instr && instr.start < from && hasHeredoc(m, instr)) return;
    report({
      start: lead, end: to, severity: 'warning',
      message: `The last line ends with ${escName(esc)}, a line continuation, but the file ends there: the instruction looks cut short. Docker builds it without the missing part: finish the instruction, or delete the continuation character.`,
    });
    return;
  }
}

function hasHeredoc(m: DockerfileModel, instr: Instr): boolean {
  if (!m.text.slice(instr.start, instr.end).includes('<<')) return false;
  const h = (instr.ast as unknown as { getHeredocs?: () => unknown[] }).getHeredocs?.();
  return !!h && h.length > 0;
}
