// DockerfileModel: the parsed Dockerfile as the rules see it. Parsed once per document version;
// everything derived (stages, logical text, shell scripts, flags) is computed lazily and cached,
// so rules share the work instead of re-walking the file.

import { DockerfileParser, Dockerfile, Instruction, Run, Copy, Env, Arg } from 'dockerfile-ast';
import { Source, endOffset, lineStarts, logicalSource, offsetAt, positionAt } from './text';
import { SimpleCommand, Word, parseJsonArray, parseShell } from './shell';
import { isShellProgram } from './commands';

export interface Flag { name: string; value: string; start: number; end: number }

export interface Instr {
  keyword: string;
  /** Document offsets of the whole instruction, keyword to last character. */
  start: number;
  end: number;
  /** Document offset where the arguments begin. */
  argsStart: number;
  line: number;
  ast: Instruction;
  stage?: Stage;
  /** Per-instruction caches of the model that owns this instruction (see DockerfileModel). */
  cache: InstrCache;
}

interface InstrCache {
  logical?: Source;
  flags?: { flags: Flag[]; rest: number };
  script?: SimpleCommand[];
  memo?: Map<string, unknown>;
}

export interface Stage {
  index: number;
  /** `AS` name, lower-case. */
  name?: string;
  from: Instr;
  /** Image reference as written and with ARG defaults substituted (undefined when unresolvable). */
  imageRaw: string;
  image?: string;
  /** The earlier stage this one is built FROM, if any. */
  parent?: Stage;
  /** The first stage of this stage's FROM chain (itself when it starts from an image). */
  root: Stage;
  /** Instructions after FROM, up to the next FROM. */
  instrs: Instr[];
  /** The runtime stage: the image that ships (the last stage, or the configured target). */
  isFinal: boolean;
}

/** Variable values by name (a Map works too). */
export interface VarScope { get(name: string): string | undefined }

export interface ImageRef { name: string; tag?: string; digest: boolean }

/** Split an image reference into name, tag and whether it is pinned by digest. */
export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf('@');
  const ref = at < 0 ? image : image.slice(0, at);
  const colon = ref.lastIndexOf(':');
  const hasTag = colon > ref.lastIndexOf('/');
  return { name: hasTag ? ref.slice(0, colon) : ref, tag: hasTag ? ref.slice(colon + 1) : undefined, digest: at >= 0 };
}

/** Names under which Docker Hub's official python image is pulled. */
const PYTHON_IMAGE = /^(?:(?:docker\.io\/|index\.docker\.io\/|public\.ecr\.aws\/docker\/|mirror\.gcr\.io\/)?library\/)?python$/;

export function isPythonImage(name: string): boolean {
  return PYTHON_IMAGE.test(name);
}

export interface ModelOptions {
  /** The stage that ships (`docker build --target`); default: the last stage. */
  target?: string;
}


export class DockerfileModel {
  readonly text: string;
  readonly ast: Dockerfile;
  readonly instrs: Instr[] = [];
  readonly stages: Stage[] = [];
  readonly escape: string;
  /** ARGs declared before the first FROM, with their defaults. */
  readonly globalArgs = new Map<string, string | undefined>();
  private starts?: number[];

  constructor(text: string, opts: ModelOptions = {}) {
    this.text = text;
    this.ast = DockerfileParser.parse(text);
    this.escape = this.ast.getEscapeCharacter() || '\\';
    let stage: Stage | undefined;
    const byName = new Map<string, Stage>();
    for (const ast of this.ast.getInstructions()) {
      const r = ast.getRange();
      const kw = ast.getInstructionRange();
      const start = this.offset(r.start);
      const end = this.offset(r.end);
      let argsStart = this.offset(kw.end);
      while (argsStart < end && (text[argsStart] === ' ' || text[argsStart] === '\t')) argsStart++;
      const instr: Instr = { keyword: ast.getKeyword(), start, end, argsStart, line: r.start.line, ast, cache: {} };
      this.instrs.push(instr);
      if (instr.keyword === 'FROM') {
        // FROM [--platform=…] image [AS name], read from the logical text (cheaper than the AST's argument objects)
        const words = this.logical(instr).text.split(/\s+/).filter((w) => w && !w.startsWith('--'));
        const imageRaw = words[0] ?? '';
        // ARG defaults may name other ARGs (`ARG BASE=python:${PY}-slim`): resolve a few levels deep
        let image = this.resolve(imageRaw, this.globalArgs);
        for (let depth = 0; image !== undefined && image.includes('$') && depth < 4; depth++) image = this.resolve(image, this.globalArgs);
        const name = words.length >= 3 && words[1].toUpperCase() === 'AS' ? words[2].toLowerCase() : undefined;
        const parent = image !== undefined ? byName.get(image.toLowerCase()) : undefined;
        const created: Omit<Stage, 'root'> & { root?: Stage } = { index: this.stages.length, name, from: instr, imageRaw, image, parent, instrs: [], isFinal: false };
        created.root = parent ? parent.root : (created as Stage);
        stage = created as Stage;
        instr.stage = stage;
        this.stages.push(stage);
        if (name) byName.set(name, stage);
      } else if (stage) {
        instr.stage = stage;
        stage.instrs.push(instr);
      } else if (instr.keyword === 'ARG') {
        // `ARG A=1 B=2`, also continued over lines with comments between: every name counts
        for (const p of this.properties(instr)) this.globalArgs.set(p.name, p.value ?? undefined);
      }
    }
    // The runtime is the stage that ships: the last one, whatever its name, unless a target names another.
    const target = opts.target?.toLowerCase();
    this.runtime = (target && byName.get(target)) || this.stages[this.stages.length - 1];
    this.targetMissing = !!target && !byName.has(target);
    if (this.runtime) this.runtime.isFinal = true;
  }

  /** A configured target names no stage of this file (the last stage is judged instead). */
  readonly targetMissing: boolean;

  /** The runtime stage (see Stage.isFinal). */
  private runtime?: Stage;

  get finalStage(): Stage | undefined {
    return this.runtime;
  }


  private chainCache = new Map<Stage, { stages: Stage[]; instrs?: Instr[] }>();

  private chainOf(stage: Stage): { stages: Stage[]; instrs?: Instr[] } {
    let c = this.chainCache.get(stage);
    if (!c) {
      // A parent is always an earlier stage (looked up before the stage's own name is known): no cycles.
      const stages: Stage[] = [];
      for (let s: Stage | undefined = stage; s; s = s.parent) stages.push(s);
      c = { stages: stages.reverse() };
      this.chainCache.set(stage, c);
    }
    return c;
  }

  /** The stage and its ancestors, root first (shared: do not modify). O(depth): for a few stages, not for every stage. */
  chain(stage: Stage): readonly Stage[] {
    return this.chainOf(stage).stages;
  }

  /** Instructions of the stage and its ancestors, in build order, FROMs excluded (shared: do not modify). */
  chainInstrs(stage: Stage): readonly Instr[] {
    if (!stage.parent) return stage.instrs;
    const c = this.chainOf(stage);
    if (!c.instrs) {
      const all: Instr[] = [];
      for (const s of c.stages) for (const i of s.instrs) all.push(i);
      c.instrs = all;
    }
    return c.instrs;
  }

  /**
   * Fold over every stage's chain in one linear pass: `state(stage)` is `step(copy(state(parent)), stage)`,
   * computed once per stage in document order (a parent always comes first). For rules that need
   * what holds at the end of each stage, inherited state included, without walking each chain again.
   */
  foldStages<T>(start: () => T, copy: (t: T) => T, step: (state: T, stage: Stage) => void): Map<Stage, T> {
    const out = new Map<Stage, T>();
    for (const s of this.stages) {
      const inherited = s.parent ? out.get(s.parent) : undefined;
      const state = inherited ? copy(inherited) : start();
      step(state, s);
      out.set(s, state);
    }
    return out;
  }

  lineStarts(): number[] {
    return (this.starts ??= lineStarts(this.text));
  }

  offset(pos: { line: number; character: number }): number {
    return offsetAt(this.lineStarts(), this.text.length, pos);
  }

  position(offset: number): { line: number; character: number } {
    return positionAt(this.lineStarts(), offset);
  }

  /**
   * Does the instruction's text (from its arguments, at most `limit` characters) contain `needle`?
   * (A bounded search: `indexOf` from the arguments would scan the rest of the file on a miss.)
   */
  argsInclude(instr: Instr, needle: string, limit = Infinity): boolean {
    return this.text.substring(instr.argsStart, Math.min(instr.end, instr.argsStart + limit)).includes(needle);
  }

  /** Compute something about an instruction once per model (shared by rules and hovers). */
  memo<T>(kind: string, instr: Instr, compute: () => T): T {
    const m = (instr.cache.memo ??= new Map());
    if (m.has(kind)) return m.get(kind) as T;
    const v = compute();
    m.set(kind, v);
    return v;
  }

  /** Logical text of the instruction's arguments (continuations joined, inner comment lines dropped). */
  logical(instr: Instr): Source {
    return (instr.cache.logical ??= logicalSource(this.text, instr.argsStart, instr.end, this.escape));
  }

  /** Leading `--name=value` flags of RUN/COPY/ADD/FROM/HEALTHCHECK, and where the rest begins (logical index). */
  flags(instr: Instr): { flags: Flag[]; rest: number } {
    let f = instr.cache.flags;
    if (!f) {
      const src = this.logical(instr);
      const t = src.text;
      const flags: Flag[] = [];
      const blank = (k: number) => { const c = t.charCodeAt(k); return c === 32 || c === 9 || c === 10 || c === 13; };
      let i = 0;
      for (;;) {
        while (i < t.length && blank(i)) i++;
        if (t.charCodeAt(i) !== 45 || t.charCodeAt(i + 1) !== 45) break;
        let j = i;
        while (j < t.length && !blank(j)) j++;
        const word = t.slice(i + 2, j);
        const eq = word.indexOf('=');
        flags.push({ name: (eq < 0 ? word : word.slice(0, eq)).toLowerCase(), value: eq < 0 ? '' : word.slice(eq + 1), start: i, end: j });
        i = j;
      }
      f = { flags, rest: i };
      instr.cache.flags = f;
    }
    return f;
  }

  flag(instr: Instr, name: string): Flag | undefined {
    return this.flags(instr).flags.find((f) => f.name === name);
  }

  /**
   * Shell commands a RUN executes: the command line plus the bodies of heredocs that a shell reads
   * (`RUN <<EOF`, `RUN bash <<EOF`); heredocs fed to other programs (`python3 <<EOF`, `cat <<EOF > f`) are data.
   */
  runCommands(instr: Instr): SimpleCommand[] {
    let cmds = instr.cache.script;
    if (cmds) return cmds;
    const src = this.logical(instr);
    const rest = this.flags(instr).rest;
    const body = src.slice(rest);
    if (!body.text.includes('<<')) {
      cmds = parseShell(body).commands;
    } else {
      const nl = body.text.indexOf('\n');
      const first = nl < 0 ? body : body.slice(0, nl);
      cmds = parseShell(first).commands;
      const shellDocs = new Set<string>();
      for (const c of cmds) {
        if (!c.heredocs) continue;
        const prog = c.words[0]?.value;
        if (!prog || isShellProgram(prog)) shellDocs.add(c.heredocs[0]);
      }
      const heredocs = (instr.ast as Run).getHeredocs?.() ?? [];
      for (const h of heredocs) {
        const range = h.getContentRange();
        if (!range || !shellDocs.has(h.getName())) continue;
        const hs = logicalSource(this.text, this.offset(range.start), this.offset(range.end), this.escape);
        cmds = cmds.concat(parseShell(hs).commands);
      }
    }
    instr.cache.script = cmds;
    return cmds;
  }

  /** The stage's ENV and ARG values visible before `before` (document offset), following the chain. Looked up on demand. */
  variables(stage: Stage, before: number): VarScope {
    return { get: (name) => this.variable(stage, before, name) };
  }

  private variable(stage: Stage, before: number, name: string): string | undefined {
    // The last definition before `before` wins: walk back through the stage, then its ancestors.
    for (let s: Stage | undefined = stage; s; s = s.parent) {
      for (let k = s.instrs.length - 1; k >= 0; k--) {
        const i = s.instrs[k];
        if (i.start >= before) continue;
        if (i.keyword !== 'ENV' && i.keyword !== 'ARG') continue;
        const props = this.properties(i);
        for (let j = props.length - 1; j >= 0; j--) {
          if (props[j].name !== name) continue;
          return props[j].value ?? (i.keyword === 'ENV' ? '' : this.globalArgs.get(name));
        }
      }
    }
    return undefined;
  }

  /** The `name=value` pairs of an ENV or ARG (dockerfile-ast builds them anew on every call: read once). */
  properties(instr: Instr): { name: string; value: string | null }[] {
    return this.memo('properties', instr, () => {
      if (instr.keyword === 'ARG') {
        // `NAME` or `NAME=value` words (quotes removed): read from the logical text, cheaper than the AST's property objects
        return parseShell(this.logical(instr)).commands.flatMap((c) => c.words).map((w) => {
          const eq = w.value.indexOf('=');
          return eq < 0 ? { name: w.value, value: null } : { name: w.value.slice(0, eq), value: w.value.slice(eq + 1) };
        });
      }
      return ((instr.ast as Env | Arg).getProperties() as { getName(): string; getValue(): string | null }[]).map((p) => ({ name: p.getName(), value: p.getValue() }));
    });
  }

  /** Substitute $VAR / ${VAR} / ${VAR:-default} from `vars`; undefined when something cannot be resolved. */
  resolve(text: string, vars: VarScope): string | undefined {
    let ok = true;
    const out = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced, op, arg, bare) => {
      const name = braced ?? bare;
      const v = vars.get(name);
      if (op === ':-' || op === '-') {
        if (v === undefined || (op === ':-' && v === '')) return arg;
        return v;
      }
      if (op === ':+' || op === '+') return v ? arg : '';
      if (v === undefined) { ok = false; return ''; }
      return v;
    });
    return ok ? out : undefined;
  }

  /** The base image at the root of the stage's chain (the external image it really starts from). */
  rootImage(stage: Stage): string | undefined {
    return stage.root.image;
  }

  /** Words of a COPY/ADD after its flags (sources and destination). */
  copyArgs(instr: Instr): Word[] {
    return this.memo('copy-args', instr, () => {
      const src = this.logical(instr);
      const rest = this.flags(instr).rest;
      const body = src.slice(rest);
      // `COPY ["a b", "./"]` (JSON form, for paths with spaces)
      const json = body.text.trimStart().startsWith('[') ? parseJsonArray(body) : undefined;
      if (json) return json.items;
      return parseShell(body).commands.flatMap((c) => c.words);
    });
  }

  /** COPY/ADD words (sources and destination) with document offsets. */
  copyWords(instr: Instr): { value: string; start: number; end: number }[] {
    return this.memo('copy-words', instr, () => {
      // copyArgs' offsets are relative to this same slice of the logical text
      const body = this.logical(instr).slice(this.flags(instr).rest);
      return this.copyArgs(instr).map((w) => ({ value: w.value, start: body.at(w.start), end: endOffset(body, w.end) }));
    });
  }

  isHeredocCopy(instr: Instr): boolean {
    if (!this.text.slice(instr.argsStart, instr.end).includes('<<')) return false;
    return ((instr.ast as Copy).getHeredocs?.() ?? []).length > 0;
  }
}
