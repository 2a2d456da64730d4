// One parser for the server invocation of the final stage: exec and shell form, ENTRYPOINT + CMD,
// `sh -c "exec gunicorn …"`, wrappers, GUNICORN_CMD_ARGS, WEB_CONCURRENCY — and the option
// tables of gunicorn, uvicorn and hypercorn, so that rules read settings instead of tokens.

import { DockerfileModel, Instr, Stage } from './model';
import { Source, endOffset } from './text';
import { SimpleCommand, Word, parseJsonArray, parseShell } from './shell';
import { Program, findProgram, isShellProgram, programName } from './commands';

/** A word with document offsets and the syntax it sits in (for re-encoding edits). */
export interface DocWord {
  value: string;
  start: number;
  end: number;
  /** 'json': an exec-form array item (edits are JSON strings); 'shell': a shell word. */
  ctx: 'json' | 'shell';
  expands: boolean;
  inner?: Source;
  /** The offsets are not exact (value read through quoting we do not map): never edit it. */
  noEdit?: boolean;
}

export function docWord(src: Source, w: Word, ctx: 'json' | 'shell'): DocWord {
  return { value: w.value, start: src.at(w.start), end: endOffset(src, w.end), ctx, expands: w.expands, inner: w.inner };
}

/** Text for a new word in the given syntax. */
export function encodeWord(value: string, ctx: 'json' | 'shell'): string {
  if (ctx === 'json') return JSON.stringify(value);
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Text that appends words after a word of the given syntax. */
export function appendWords(values: string[], ctx: 'json' | 'shell'): string {
  return ctx === 'json' ? values.map((v) => `, ${JSON.stringify(v)}`).join('') : values.map((v) => ` ${encodeWord(v, 'shell')}`).join('');
}

export interface CommandInstr {
  instr: Instr;
  exec: boolean;
  /** Exec-form items, or the words of a shell-form script. */
  words: DocWord[];
  script?: ParsedScript;
}

export interface ParsedScript {
  src: Source;
  commands: SimpleCommand[];
  usesShell: boolean;
  ctx: 'json' | 'shell';
  /** For `sh -c "…"`: the exec-form instruction holding the string. */
  wrapped?: boolean;
}

/** The effective ENTRYPOINT and CMD of a stage, following FROM-stage inheritance. */
export function effectiveCommands(model: DockerfileModel, stage: Stage): { entry?: Instr; cmd?: Instr } {
  let entry: Instr | undefined;
  let cmd: Instr | undefined;
  for (const s of model.chain(stage)) {
    let cmdHere = false;
    for (const i of s.instrs) {
      if (i.keyword === 'CMD') { cmd = i; cmdHere = true; }
      else if (i.keyword === 'ENTRYPOINT') {
        entry = i;
        // Setting ENTRYPOINT resets a CMD inherited from the parent image.
        if (!cmdHere) cmd = undefined;
      }
    }
  }
  return { entry, cmd };
}

export function readCommandInstr(model: DockerfileModel, instr: Instr): CommandInstr {
  return model.memo('command', instr, () => scanCommandInstr(model, instr));
}

function scanCommandInstr(model: DockerfileModel, instr: Instr): CommandInstr {
  const src = model.logical(instr);
  const arr = parseJsonArray(src);
  if (arr) return { instr, exec: true, words: arr.items.map((w) => docWord(src, w, 'json')) };
  const parsed = parseShell(src);
  const script: ParsedScript = { src, commands: parsed.commands, usesShell: parsed.usesShell, ctx: 'shell' };
  return { instr, exec: false, words: parsed.commands.flatMap((c) => c.words.map((w) => docWord(src, w, 'shell'))), script };
}

/** `python` is a Python file or module run directly (`python app.py`, `python -m app`): whatever it serves, not gunicorn. */
export type ServerKind = 'gunicorn' | 'uvicorn' | 'hypercorn' | 'fastapi' | 'flask' | 'django' | 'granian' | 'daphne' | 'uwsgi' | 'waitress' | 'litestar' | 'python';

export interface Option { flag: DocWord; value?: DocWord; /** `--workers=4` or `-w4` in one word. */ inline?: string }

export interface Invocation {
  kind: ServerKind;
  /** Instruction holding the program word. */
  instr: Instr;
  entry?: CommandInstr;
  cmd?: CommandInstr;
  /** The program word and the words after it (for `python -m X`, X onward). */
  words: DocWord[];
  /** Options by canonical name (last wins; bind collects all). */
  options: Map<string, Option[]>;
  positionals: DocWord[];
  /** Inline environment (`VAR=x gunicorn …`). */
  env: Map<string, DocWord>;
  /** The script the server runs in, when there is a shell (shell form or sh -c). */
  script?: ParsedScript;
  /** Index of the server command inside script.commands. */
  commandIndex?: number;
  /** The ENTRYPOINT holds the program and CMD the arguments. */
  split: boolean;
  /** Where to add options: after this word, in its syntax. */
  last: DocWord;
}

/** Options that take a value (the next word), per server. Long names are canonical (without dashes). */
const GUNICORN_VALUED: Record<string, string> = {
  '-c': 'config', '-b': 'bind', '-w': 'workers', '-k': 'worker-class', '-t': 'timeout', '-e': 'env', '-p': 'pid',
  '-u': 'user', '-g': 'group', '-m': 'umask', '-n': 'name', '-D': '', '-R': '',
};
const GUNICORN_LONG_VALUED = new Set(['config', 'bind', 'backlog', 'workers', 'worker-class', 'threads', 'worker-connections',
  'max-requests', 'max-requests-jitter', 'timeout', 'graceful-timeout', 'keep-alive', 'limit-request-line', 'limit-request-fields',
  'limit-request-field_size', 'chdir', 'env', 'pid', 'worker-tmp-dir', 'user', 'group', 'umask', 'forwarded-allow-ips',
  'access-logfile', 'access-logformat', 'error-logfile', 'log-file', 'log-level', 'logger-class', 'log-config', 'log-config-json',
  'log-syslog-to', 'log-syslog-prefix', 'log-syslog-facility', 'statsd-host', 'statsd-prefix', 'dogstatsd-tags', 'name', 'pythonpath',
  'paste', 'paster', 'proxy-allow-from', 'keyfile', 'certfile', 'ssl-version', 'cert-reqs', 'ca-certs', 'ciphers', 'reload-engine',
  'reload-extra-file', 'worker-class', 'header-map', 'raw-paste-global-conf', 'root-path', 'permit-unconventional-http-method']);
const UVICORN_LONG_VALUED = new Set(['host', 'port', 'uds', 'fd', 'workers', 'loop', 'http', 'ws', 'ws-max-size', 'ws-max-queue',
  'ws-ping-interval', 'ws-ping-timeout', 'ws-per-message-deflate', 'lifespan', 'interface', 'env-file', 'log-config', 'log-level',
  'root-path', 'limit-concurrency', 'backlog', 'limit-max-requests', 'timeout-keep-alive', 'timeout-graceful-shutdown', 'ssl-keyfile',
  'ssl-certfile', 'ssl-keyfile-password', 'ssl-version', 'ssl-cert-reqs', 'ssl-ca-certs', 'ssl-ciphers', 'header', 'forwarded-allow-ips',
  'reload-dir', 'reload-include', 'reload-exclude', 'reload-delay', 'app-dir', 'h11-max-incomplete-event-size']);
const HYPERCORN_VALUED: Record<string, string> = { '-b': 'bind', '-w': 'workers', '-k': 'worker-class', '-c': 'config' };

const SERVERS: Record<string, ServerKind> = {
  gunicorn: 'gunicorn', uvicorn: 'uvicorn', hypercorn: 'hypercorn', fastapi: 'fastapi', flask: 'flask', granian: 'granian', daphne: 'daphne',
  'django-admin': 'django', 'manage.py': 'django', uwsgi: 'uwsgi', 'waitress-serve': 'waitress', litestar: 'litestar',
};

/** Modules that are tools, not the app (`python -m pip`, `python -m alembic upgrade`): never taken for the server. */
const NOT_A_SERVER = /^(pip|venv|ensurepip|compileall|pytest|alembic|celery|rq|dramatiq|http\.server|json\.tool|site|unittest|coverage|playwright|spacy|nltk|scripts?\b.*)$/;

function serverKind(prog: Program, words: DocWord[] | Word[]): ServerKind | undefined {
  const k = SERVERS[prog.name];
  if (k) return k;
  // `python manage.py runserver`
  if (prog.name === 'python' && words[prog.index + 1] && programName(words[prog.index + 1].value) === 'manage.py') return 'django';
  return undefined;
}

/** `python app.py` / `python -m app`: a Python program run directly, or undefined. */
function pythonProgram(prog: Program, words: DocWord[] | Word[]): string | undefined {
  const at = (k: number) => words[k]?.value ?? '';
  if (prog.name === 'python') {
    let j = prog.index + 1;
    while (j < words.length && /^-[^m-]/.test(at(j))) j++;
    const file = at(j);
    return /\.py$/.test(file) && programName(file) !== 'manage.py' ? `python ${file}` : undefined;
  }
  // findProgram resolves `python -m X` to X: the word before is `-m` (or `-mX`)
  const before = at(prog.index - 1);
  if ((before === '-m' || (prog.index === words.length || true) && at(prog.index).startsWith('-m')) && !SERVERS[prog.name] && !NOT_A_SERVER.test(prog.name)) {
    if (before === '-m' || /^-m./.test(at(prog.index))) return `python -m ${prog.name}`;
  }
  return undefined;
}

/** Parse options of a server command line (words after the program). */
export function parseOptions(kind: ServerKind, args: DocWord[]): { options: Map<string, Option[]>; positionals: DocWord[] } {
  const options = new Map<string, Option[]>();
  const positionals: DocWord[] = [];
  const add = (name: string, o: Option) => {
    const list = options.get(name) ?? [];
    list.push(o);
    options.set(name, list);
  };
  const shortTable = kind === 'gunicorn' ? GUNICORN_VALUED : kind === 'hypercorn' ? HYPERCORN_VALUED : {};
  const longValued = kind === 'uvicorn' || kind === 'fastapi' ? UVICORN_LONG_VALUED : GUNICORN_LONG_VALUED;
  for (let i = 0; i < args.length; i++) {
    const w = args[i];
    const v = w.value;
    if (v.startsWith('--') && v.length > 2) {
      const eq = v.indexOf('=');
      const name = (eq < 0 ? v.slice(2) : v.slice(2, eq)).replace(/_/g, '-').replace('limit-request-field-size', 'limit-request-field_size');
      if (eq >= 0) { add(name, { flag: w, inline: v.slice(eq + 1) }); continue; }
      if (longValued.has(name) && i + 1 < args.length) { add(name, { flag: w, value: args[i + 1] }); i++; continue; }
      add(name, { flag: w });
      continue;
    }
    if (/^-[A-Za-z]/.test(v)) {
      const short = v.slice(0, 2);
      // `"-w 1"` as one exec-form item: argparse reads the rest of the word as the value.
      const name = shortTable[short];
      if (name) {
        if (v.length > 2) add(name, { flag: w, inline: v.slice(2).replace(/^=/, '').trim() });
        else if (i + 1 < args.length) { add(name, { flag: w, value: args[i + 1] }); i++; }
        else add(name, { flag: w });
      } else add(short.slice(1), { flag: w });
      continue;
    }
    positionals.push(w);
  }
  return { options, positionals };
}

/** The value of an option occurrence. */
export function optionValue(o: Option): string | undefined {
  return o.inline ?? o.value?.value;
}

/** Find the server the final stage runs, or undefined (no command, or a script / something else). */
export function findInvocation(model: DockerfileModel, stage: Stage): Invocation | undefined {
  const { entry, cmd } = effectiveCommands(model, stage);
  const e = entry ? readCommandInstr(model, entry) : undefined;
  const c = cmd ? readCommandInstr(model, cmd) : undefined;
  let argv: DocWord[];
  let split = false;
  if (e && e.exec) {
    argv = e.words.concat(c?.exec ? c.words : []);
    split = !!c?.exec && c.words.length > 0;
  } else if (e) {
    return fromScript(e.script!, e.instr, e, undefined);
  } else if (c && !c.exec) {
    return fromScript(c.script!, c.instr, undefined, c);
  } else if (c) {
    argv = c.words;
  } else return undefined;
  const prog = findProgram(argv as unknown as Word[]);
  if (!prog) return undefined;
  // sh -c "…": the script inside the string is what runs.
  if (isShellDashC(argv, prog.index)) {
    const scriptWord = argv[prog.index + 2];
    if (!scriptWord?.inner) return undefined;
    const parsed = parseShell(scriptWord.inner);
    const holder = scriptWord.start >= (c?.instr.start ?? Infinity) ? c! : (e ?? c)!;
    return fromScript({ src: scriptWord.inner, commands: parsed.commands, usesShell: parsed.usesShell, ctx: scriptWord.ctx, wrapped: true }, holder.instr, e, c);
  }
  let kind = serverKind(prog, argv) ?? (pythonProgram(prog, argv) ? 'python' : undefined);
  if (!kind || !isServing(kind, argv.slice(prog.index).map((w) => w.value))) {
    // `ENTRYPOINT ["/entrypoint.sh"]` + `CMD ["gunicorn", …]`: the script usually ends with exec "$@".
    // Only where the server clearly starts a command line of its own: the first word of CMD after an
    // exec-form ENTRYPOINT, or the word after `--` (wait-for-it host:port -- gunicorn …).
    const cmdStart = e && e.exec && c?.exec ? e.words.length : -1;
    const later = argv.findIndex((w, k) => k > prog.index && SERVERS[programName(w.value)] !== undefined && (k === cmdStart || argv[k - 1].value === '--'));
    if (later < 0) return undefined;
    const p2 = findProgram(argv as unknown as Word[], later);
    if (!p2) return undefined;
    kind = serverKind(p2, argv);
    if (!kind || !isServing(kind, argv.slice(p2.index).map((w) => w.value))) return undefined;
    prog.index = p2.index;
  }
  const words = argv.slice(prog.index);
  const holder = e && argv[prog.index].start < e.instr.end ? e.instr : c!.instr;
  const env = new Map<string, DocWord>();
  for (const [k, w] of prog.env) env.set(k, w as unknown as DocWord);
  return build(kind, holder, words, env, e, c, undefined, undefined, split && holder === e?.instr);
}

/** Is this invocation actually serving (not `manage.py migrate`, `flask db upgrade`, `fastapi --help`)? */
function isServing(kind: ServerKind, words: string[]): boolean {
  const rest = words.slice(1).filter((w) => !w.startsWith('-'));
  if (kind === 'django') return words.includes('runserver');
  if (kind === 'flask') return rest.includes('run');
  if (kind === 'fastapi') return rest[0] === 'run' || rest[0] === 'dev';
  if (kind === 'litestar') return rest.includes('run');
  return true;
}

export function isShellDashC(argv: { value: string }[], index: number): boolean {
  return isShellProgram(argv[index]?.value ?? '') && /^-[a-z]*c[a-z]*$/.test(argv[index + 1]?.value ?? '');
}

function fromScript(script: ParsedScript, instr: Instr, e?: CommandInstr, c?: CommandInstr): Invocation | undefined {
  // A known server anywhere in the script; failing that, a Python program the script ends with
  // (`python manage.py migrate && python app.py`), never a helper run before the server.
  const lastIndex = script.commands.length - 1;
  for (let k = 0; k < script.commands.length; k++) {
    const cmd = script.commands[k];
    const prog = findProgram(cmd);
    if (!prog) continue;
    const kind = serverKind(prog, cmd.words) ?? (k === lastIndex && pythonProgram(prog, cmd.words) ? 'python' : undefined);
    if (!kind) continue;
    if (!isServing(kind, cmd.words.slice(prog.index).map((w) => w.value))) continue;
    const words = cmd.words.slice(prog.index).map((w) => docWord(script.src, w, 'shell'));
    const env = new Map<string, DocWord>();
    for (const [name, w] of prog.env) env.set(name, docWord(script.src, w, 'shell'));
    return build(kind, instr, words, env, e, c, script, k, false);
  }
  return undefined;
}

function build(kind: ServerKind, instr: Instr, words: DocWord[], env: Map<string, DocWord>, entry: CommandInstr | undefined,
  cmd: CommandInstr | undefined, script: ParsedScript | undefined, commandIndex: number | undefined, split: boolean): Invocation {
  // `python -m uvicorn` and `python manage.py runserver` leave the program word first.
  const args = words.slice(1);
  const { options, positionals } = parseOptions(kind, args);
  return { kind, instr, entry, cmd, words, options, positionals, env, script, commandIndex, split, last: words[words.length - 1] };
}

/** Values from an ENV in the stage chain (last wins), as words with document offsets. */
export function envValue(model: DockerfileModel, stage: Stage, name: string): DocWord | undefined {
  let found: DocWord | undefined;
  for (const i of model.chainInstrs(stage)) {
    if (i.keyword !== 'ENV') continue;
    const src = model.logical(i);
    // ENV NAME=value … or legacy ENV NAME value
    const words = model.memo('env-words', i, () => parseShell(src).commands.flatMap((c) => c.words));
    for (let k = 0; k < words.length; k++) {
      const w = words[k];
      const raw = src.text.slice(w.start, w.end);
      if (k === 0 && !raw.includes('=') && w.value === name) {
        // legacy form: the rest of the line is the value
        const rest = words.slice(1);
        if (rest.length) found = { value: rest.map((r) => r.value).join(' '), start: src.at(rest[0].start), end: endOffset(src, rest[rest.length - 1].end), ctx: 'shell', expands: false };
        break;
      }
      if (raw.startsWith(name + '=')) {
        const valueStart = w.start + name.length + 1;
        const inner: Source | undefined = w.inner ?? (raw.slice(name.length + 1).match(/^"[^"\\]*"$|^'[^']*'$/)
          ? src.slice(valueStart + 1, w.end - 1) : undefined);
        found = { value: w.value.slice(name.length + 1), start: src.at(Math.min(valueStart, src.text.length - 1)), end: endOffset(src, w.end), ctx: 'shell', expands: w.expands, inner };
      }
    }
  }
  return found;
}

/** Split a GUNICORN_CMD_ARGS value (shlex-like) into document words. */
export function splitArgsValue(w: DocWord): DocWord[] {
  const exact = w.inner ?? (w.value.length === w.end - w.start ? new Source(w.value, undefined, w.start) : undefined);
  const src = exact ?? new Source(w.value, new Int32Array(w.value.length).fill(w.start));
  const parsed = parseShell(src);
  return parsed.commands.flatMap((c) => c.words.map((x) => ({ ...docWord(src, x, 'shell'), noEdit: !exact || w.noEdit })));
}
