import { defineRule } from './rule';
import { Instr } from '../model';
import { Analysis } from '../analysis';
import { BuildContext, DockerignoreLine } from '../project/types';
import { exclusionOf } from '../scaffold/dockerignore';
import { FileEdit, Finding, Related } from '../types';
import { eolOf } from '../text';

/** Files that must not reach an image, and the .dockerignore pattern that keeps each out. */
const SENSITIVE: { test: (base: string) => boolean; pattern: string; what: string }[] = [
  { test: (b) => b === '.git', pattern: '.git', what: 'version control history' },
  { test: (b) => b === '.venv' || b === 'venv', pattern: '.venv', what: 'a local virtualenv' },
  { test: (b) => /^\.env($|\.)/.test(b) && !/\.(example|sample|template|dist|defaults?)$/.test(b), pattern: '**/.env*', what: 'environment secrets' },
  { test: (b) => /\.(pem|key)$/.test(b) || /^id_(rsa|ed25519|ecdsa|dsa)$/.test(b), pattern: '**/*.pem', what: 'keys' },
  { test: (b) => b === '__pycache__', pattern: '**/__pycache__', what: 'bytecode caches' },
];

export default defineRule({
  meta: {
    name: 'build-context',
    severity: 'error',
    fix: 'unsafe',
    docs: {
      summary: 'Everything COPY and ADD take from the build context must be there, and nothing secret may ride along.',
      whatItDoes: 'Checks every COPY/ADD source (not `--from`, not URLs, not heredocs) against the build context: the Dockerfile\'s folder, or `context` in `[tool.docksmith]` (relative to pyproject.toml) / `docksmith.context` (relative to the workspace folder). A source that does not exist, or that `.dockerignore` excludes (Docker\'s own pattern rules, the last matching line wins, `!` re-includes; a `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context\'s), is an error naming the .dockerignore line. `COPY .` (or a folder) is a warning when there is no .dockerignore, or when the copied tree holds `.env*`, `.git`, `.venv`, keys (`*.pem`, `id_rsa`) or `__pycache__` that .dockerignore does not exclude; the quick fix adds the entries to .dockerignore. Files are only listed, never read or run.',
      why: 'A missing or ignored source fails `docker build` with "not found" only in CI, after the push. Copying the whole context without a .dockerignore puts `.git`, local virtualenvs and `.env` secrets into a layer of the image, where anyone who can pull it can read them.',
      example: '# .dockerignore: src\nCOPY src/ ./src/\nCOPY . .',
      useInstead: '# .dockerignore: .git .venv **/.env* **/__pycache__\nCOPY pyproject.toml uv.lock ./\nCOPY src/ ./src/',
      references: [{ title: 'Docker: .dockerignore files', url: 'https://docs.docker.com/build/concepts/context/#dockerignore-files' }],
    },
  },
  check({ a, report }) {
    const ctx = a.facts.context;
    if (!ctx) return;
    const copies = a.model.instrs.filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.stage
      && !a.model.flag(i, 'from') && !a.model.isHeredocCopy(i));
    // literal sources of every COPY: a .dockerignore entry the fix adds must not exclude one of them
    const sources = copies.map((instr) => sourcesOf(a, instr));
    const literals: string[] = [];
    for (const ws of sources) for (const w of ws) if (!/[*?[]/.test(w.value)) literals.push(clean(w.value));
    copies.forEach((instr, k) => checkCopy(a, ctx, instr, sources[k], literals, report));
  },
});

/** The source words of a COPY/ADD (all but the destination). */
function sourcesOf(a: Analysis, instr: Instr) {
  const words = a.model.copyWords(instr);
  return words.length < 2 ? [] : words.slice(0, -1).filter((w) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(w.value) && !w.value.startsWith('git@') && !w.value.includes('$'));
}

/** Context-relative form of a source (`./src/` → `src`, `.` → ''). */
function clean(v: string): string {
  return v.replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

function checkCopy(a: Analysis, ctx: BuildContext, instr: Instr, sources: ReturnType<typeof sourcesOf>, literals: string[], report: (f: Omit<Finding, 'rule'>) => void): void {
  const ignore = ctx.dockerignore;
  const lines: readonly DockerignoreLine[] = ignore?.lines ?? [];
  const where = `the build context (${ctx.label})`;
  const globMisses: typeof sources = [];
  let globHits = 0;
  for (const w of sources) {
    const rel = clean(w.value);
    const doc = { start: w.start, end: w.end };
    if (/[*?[]/.test(rel)) {
      const hits = ctx.glob(rel).filter((m) => !exclusionOf(lines, m));
      if (hits.length) globHits++; else globMisses.push(w);
      continue;
    }
    if (rel !== '') {
      const kind = ctx.exists(rel);
      const excluding = kind ? exclusionOf(lines, rel) : undefined;
      if (!kind) {
        if (ctx.complete) report({ ...doc, message: `\`${w.value}\` is not in ${where}: \`docker build\` fails with "not found". Check the path, or build with the context that holds it.` });
        continue;
      }
      if (excluding && ignore) {
        report({ ...doc, related: [{ path: ignore.file, range: lineRange(excluding.line, ignore.text), message: `This line excludes ${rel}` }],
          message: `\`${w.value}\` is excluded by ${ignore.label} (line ${excluding.line + 1}: \`${excluding.pattern}\`): Docker leaves it out of the context and the build fails with "not found". Remove that line or re-include the path with \`!${rel}\`.` });
        continue;
      }
      if (kind !== 'dir') continue;
    }
    // COPY . or a folder: what rides along
    checkSensitive(a, ctx, instr, rel, doc, literals, report);
  }
  // A wildcard that matches nothing copies nothing: BuildKit accepts it (the optional-file idiom
  // `COPY poetry.lock* ./`), the legacy builder fails. Worth a note only when the whole COPY is empty.
  if (globMisses.length && globMisses.length === sources.length && globHits === 0 && ctx.complete) {
    const w = globMisses[0];
    report({ start: w.start, end: w.end, severity: 'info',
      message: `\`${globMisses.map((g) => g.value).join(' ')}\` matches nothing in ${where}${ignore ? ` that ${ignore.label} lets through` : ''}: this COPY copies nothing (BuildKit accepts that; the legacy builder fails with "no source files were specified"). Check the pattern.` });
  }
}

function checkSensitive(a: Analysis, ctx: BuildContext, instr: Instr, rel: string, doc: { start: number; end: number }, literals: string[],
  report: (f: Omit<Finding, 'rule'>) => void): void {
  const ignore = ctx.dockerignore;
  const lines = ignore?.lines ?? [];
  const under = ctx.sensitive.filter((s) => (rel === '' || s === rel || s.startsWith(rel + '/')) && !exclusionOf(lines, s));
  const what = rel === '' ? `\`${a.model.text.slice(instr.start, instr.end).split(/\r?\n/)[0]}\` copies the whole build context` : `\`${rel}/\` is copied whole`;
  if (!ignore && rel === '') {
    report({ ...doc, severity: 'warning', fix: ignoreFix(ctx, under, literals),
      message: `${what} and there is no .dockerignore: ${under.length ? `${list(under)} go into the image` : '.git, virtualenvs and .env files would go into the image'}. Add a .dockerignore.` });
    return;
  }
  if (!under.length) return;
  const kinds = [...new Set(under.map((s) => SENSITIVE.find((k) => k.test(base(s)))?.what).filter(Boolean))];
  report({ ...doc, severity: 'warning', fix: ignoreFix(ctx, under, literals),
    message: `${what}, including ${list(under)} (${kinds.join(', ')}), which ${ignore ? `${ignore.label} does not exclude` : 'no .dockerignore excludes'}. Add them to .dockerignore.` });
}

function base(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function list(paths: string[]): string {
  const shown = paths.slice(0, 4).map((p) => `\`${p}\``).join(', ');
  return paths.length > 4 ? `${shown} and ${paths.length - 4} more` : shown;
}

function lineRange(line: number, text: string): Related['range'] {
  const l = text.split(/\r\n|\r|\n/)[line] ?? '';
  return { start: { line, character: 0 }, end: { line, character: l.length } };
}

/** Add the patterns that keep the found files out, unless one would exclude a file the Dockerfile copies by name. */
function ignoreFix(ctx: BuildContext, found: string[], literals: string[]) {
  const patterns: string[] = [];
  for (const s of found) {
    const kind = SENSITIVE.find((k) => k.test(base(s)));
    const pattern = kind?.pattern === '**/*.pem' ? (/\.key$/.test(s) ? '**/*.key' : /^id_/.test(base(s)) ? '**/id_*' : '**/*.pem') : kind?.pattern;
    if (!pattern || patterns.includes(pattern)) continue;
    if (literals.some((l) => l && exclusionOf([{ pattern }], l))) continue;
    patterns.push(pattern);
  }
  if (!patterns.length && ctx.dockerignore) return undefined;
  if (!patterns.length) patterns.push('.git', '.venv', '**/.env*', '**/__pycache__');
  const ignore = ctx.dockerignore;
  const path = ignore?.file ?? `${ctx.dir.replace(/[\\/]+$/, '')}/.dockerignore`;
  let edit: FileEdit;
  if (ignore) {
    const text = ignore.text;
    const lines = text.split(/\r\n|\r|\n/);
    const nl = eolOf(text);
    const last = lines.length - 1;
    const endsWithNewline = lines[last] === '';
    const at = { line: last, character: lines[last].length };
    edit = { path, edits: [{ start: at, end: at, newText: (endsWithNewline ? '' : nl) + patterns.join(nl) + nl }] };
  } else {
    edit = { path, create: true, edits: [{ start: { line: 0, character: 0 }, end: { line: 0, character: 0 }, newText: `# Keep secrets, VCS history and local environments out of the image.\n${patterns.join('\n')}\n` }] };
  }
  return { title: `Add ${patterns.join(', ')} to .dockerignore`, safe: false, edits: [], otherFiles: [edit] };
}
