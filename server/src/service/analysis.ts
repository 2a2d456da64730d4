// Facts about one Dockerfile version that several rules need (the server invocation, what each
// RUN installs, where a new instruction goes). Computed on first use and shared by all rules.

import { DockerfileModel, Instr, Stage } from './model';
import { instrAt } from './pragmas';
import { DepInstall, PackageOp, UserAdd, depInstall, findProgram, innerCommands, packageOp, requirementWordName, userAdd } from './commands';
import { SimpleCommand } from './shell';
import { DocWord, Invocation, Option, envValue, findInvocation, parseOptions, splitArgsValue } from './gunicorn';
import { ASGI_FRAMEWORKS, WSGI_FRAMEWORKS } from './standard';
import { OffsetEdit, ProjectFacts, Standard } from './types';
import { GunicornConfig, GunicornSetting } from './project/types';

export interface RunFacts {
  installs: DepInstall[];
  packages: PackageOp[];
  users: UserAdd[];
}

/** RUN texts that cannot contain anything the rules look for are not tokenized at all. */
const INTERESTING_RUN = /pip|uv|poetry|pdm|conda|mamba|apt|apk|yum|dnf|useradd|adduser|addgroup|fastapi|flask/;

export interface GunicornSettings {
  /** Command line options, then GUNICORN_CMD_ARGS options (lower precedence). */
  cli: Map<string, Option[]>;
  envArgs: Map<string, Option[]>;
  /** WEB_CONCURRENCY (inline or ENV). */
  webConcurrency?: DocWord;
  /** A config file may set what the command line does not show. */
  configFile?: string;
  /** The `-c` option that names it (for findings), when the command line names one. */
  configOption?: Option;
  /** That file as read from the project (literal assignments), when Docksmith found it. */
  config?: NonNullable<ProjectFacts['gunicornConfigs']>[number];
  /** A config file is in play and Docksmith cannot see all it sets (not found, or a value computed at run time). */
  configHidden: boolean;
}

/** A config file with a setting Docksmith cannot read (a variable, a condition): what it leaves out may be set there. */
export function hasDynamic(file: { config: GunicornConfig }): boolean {
  for (const s of file.config.settings.values()) if (s.kind === 'dynamic') return true;
  return file.config.problems.length > 0;
}

/** gunicorn's command-line names and the gunicorn.conf.py names of the settings the standard cares about. */
export const CONFIG_NAME: Record<string, string> = { bind: 'bind', workers: 'workers', 'worker-class': 'worker_class', timeout: 'timeout', 'graceful-timeout': 'graceful_timeout' };

export class Analysis {
  private runCache = new Map<Instr, RunFacts>();
  private inv?: Invocation | null;
  private gs?: GunicornSettings | null;
  private eol?: string;
  private app?: { asgi: boolean; evidence: 'declared' | 'dependencies' | 'dockerfile' | 'assumed' };

  constructor(readonly model: DockerfileModel, readonly standard: Standard, readonly facts: ProjectFacts) {}

  get final(): Stage | undefined {
    return this.model.finalStage;
  }

  run(instr: Instr): RunFacts {
    let f = this.runCache.get(instr);
    if (!f) {
      f = { installs: [], packages: [], users: [] };
      const raw = this.model.text.slice(instr.argsStart, instr.end);
      if (INTERESTING_RUN.test(raw)) {
        this.visit(f, this.model.runCommands(instr), false);
        // `pip install pdm nodeenv cython && pdm install`: a pip install that brings the tool the RUN
        // then installs with is its bootstrap, whatever else it brings along
        if (f.installs.length > 1) {
          const tools = new Set<string>(f.installs.filter((i) => !i.toolOnly && ['poetry', 'pdm', 'pipenv'].includes(i.kind)).map((i) => i.kind));
          if (tools.size) {
            for (const i of f.installs) {
              if (i.kind === 'pip' && !i.toolOnly && !i.needsManifest && !i.needsSource
                && i.args.some((w) => tools.has(requirementWordName(w.value)))) i.toolOnly = true;
            }
          }
        }
      }
      this.runCache.set(instr, f);
    }
    return f;
  }

  /** What the commands install and create; the commands inside `sh -c "…"` and `$(…)` too. */
  private visit(f: RunFacts, cmds: readonly SimpleCommand[], nested: boolean): void {
    for (let k = 0; k < cmds.length; k++) {
      const cmd = cmds[k];
      const prog = findProgram(cmd) ?? null; // once per command, for the three questions below
      const d = depInstall(cmd, cmds[k - 1], prog);
      if (d) { if (nested) d.nested = true; f.installs.push(d); }
      const p = packageOp(cmd, prog);
      if (p) f.packages.push(p);
      const u = userAdd(cmd, prog);
      if (u) f.users.push(u);
      let inside = false;
      for (const w of cmd.words) if (w.inner || (w.expands && (w.value.includes('$(') || w.value.includes('`')))) { inside = true; break; }
      if (inside) {
        const inner = innerCommands(cmd, 0, prog);
        if (inner.length) this.visit(f, inner, true);
      }
    }
  }

  /** The project-dependency installs of a RUN (tool bootstraps such as `pip install uv` excluded). */
  depInstalls(instr: Instr): DepInstall[] {
    return this.run(instr).installs.filter((i) => !i.toolOnly);
  }

  /**
   * Does the stage feed the image that ships: the runtime stage, a stage of its FROM chain, or a
   * stage one of those copies from (`COPY --from`, `RUN --mount=…,from=`), transitively. Stages that
   * only serve development or tests (a `dev` or `test` stage beside the runtime) are not judged by
   * build rules. Without a runtime stage, every stage counts.
   */
  feedsImage(stage: Stage): boolean {
    if (this.model.stages.length === 1) return true;
    if (!this.shipping) {
      const set = new Set<Stage>();
      const stages = this.model.stages;
      const queue: Stage[] = this.final ? [this.final] : [...stages];
      while (queue.length) {
        const s = queue.pop()!;
        if (set.has(s)) continue;
        set.add(s);
        if (s.parent) queue.push(s.parent);
        for (const i of s.instrs) {
          if (i.keyword !== 'COPY' && i.keyword !== 'ADD' && i.keyword !== 'RUN') continue;
          if (!this.model.argsInclude(i, 'from', 400)) continue; // no --from, no mount from= (flags come first)
          const refs: string[] = [];
          const from = i.keyword === 'RUN' ? undefined : this.model.flag(i, 'from')?.value;
          if (from) refs.push(from);
          for (const f of this.model.flags(i).flags) if (f.name === 'mount') { const m = /(?:^|,)from=([^,]+)/.exec(f.value); if (m) refs.push(m[1]); }
          for (const r of refs) {
            const v = r.replace(/^["']|["']$/g, '').toLowerCase();
            let target: Stage | undefined;
            for (let k = stages.length - 1; k >= 0 && !target; k--) if (stages[k].name === v) target = stages[k];
            if (!target && /^\d+$/.test(v)) target = stages[Number(v)];
            if (target) queue.push(target);
          }
        }
      }
      this.shipping = set;
    }
    return this.shipping.has(stage);
  }

  private shipping?: Set<Stage>;

  /** RUN instructions of a stage (own instructions only). */
  runs(stage: Stage): Instr[] {
    return stage.instrs.filter((i) => i.keyword === 'RUN');
  }

  invocation(): Invocation | undefined {
    if (this.inv === undefined) this.inv = (this.final && findInvocation(this.model, this.final)) || null;
    return this.inv ?? undefined;
  }

  gunicorn(): GunicornSettings | undefined {
    if (this.gs !== undefined) return this.gs ?? undefined;
    const inv = this.invocation();
    if (!inv || inv.kind !== 'gunicorn' || !this.final) { this.gs = null; return undefined; }
    const envWord = (name: string) => inv.env.get(name) ? inlineEnvValue(inv.env.get(name)!, name) : envValue(this.model, this.final!, name);
    const cmdArgs = envWord('GUNICORN_CMD_ARGS');
    const envArgs = cmdArgs ? parseOptions('gunicorn', splitArgsValue(cmdArgs)).options : new Map<string, Option[]>();
    const config = inv.options.get('config')?.at(-1) ?? envArgs.get('config')?.at(-1);
    const named = config ? (config.inline ?? config.value?.value) : undefined;
    const configFile = config ? (named ?? 'a config file') : this.facts.hasGunicornConfig ? 'gunicorn.conf.py' : undefined;
    const file = configFile ? findConfig(this.facts.gunicornConfigs ?? [], named ?? 'gunicorn.conf.py') : undefined;
    this.gs = { cli: inv.options, envArgs, webConcurrency: envWord('WEB_CONCURRENCY'), configFile, configOption: config,
      config: file, configHidden: !!configFile && !(file && !hasDynamic(file)) };
    return this.gs;
  }

  /**
   * A setting as gunicorn will see it: the command line, then GUNICORN_CMD_ARGS, then the config
   * file's module-level assignment (read as text). `conf` is set only when neither of the first two has it.
   */
  gunicornSetting(name: string): { option?: Option; conf?: GunicornSetting; file?: GunicornSettings['config'] } {
    const option = this.gunicornOption(name);
    if (option) return { option };
    const g = this.gunicorn();
    const conf = g?.config?.config.settings.get(CONFIG_NAME[name] ?? name.replace(/-/g, '_'));
    return conf ? { conf, file: g!.config } : {};
  }

  /** The effective occurrence of a gunicorn option: command line first, then GUNICORN_CMD_ARGS. */
  gunicornOption(name: string): Option | undefined {
    const g = this.gunicorn();
    return g?.cli.get(name)?.at(-1) ?? g?.envArgs.get(name)?.at(-1);
  }

  /**
   * What kind of app gunicorn serves, and how Docksmith knows: declared in the configuration, from
   * the project's dependencies, from what the Dockerfile installs, or assumed (the standard is
   * written for FastAPI services, so without evidence an ASGI app is assumed).
   */
  appKind(): { asgi: boolean; evidence: 'declared' | 'dependencies' | 'dockerfile' | 'assumed' } {
    return this.app ??= this.findAppKind();
  }

  private findAppKind(): { asgi: boolean; evidence: 'declared' | 'dependencies' | 'dockerfile' | 'assumed' } {
    const declared = this.standard.framework?.value;
    if (declared) return { asgi: declared === 'asgi', evidence: 'declared' };
    const deps = this.facts.dependencies ?? [];
    if (deps.some((d) => ASGI_FRAMEWORKS.includes(d))) return { asgi: true, evidence: 'dependencies' };
    if (deps.some((d) => WSGI_FRAMEWORKS.includes(d))) return { asgi: false, evidence: 'dependencies' };
    let wsgi = false;
    for (const s of this.model.stages) {
      for (const r of this.runs(s)) {
        for (const inst of this.run(r).installs) {
          for (const arg of inst.args) {
            const name = requirementWordName(arg.value);
            if (ASGI_FRAMEWORKS.includes(name)) return { asgi: true, evidence: 'dockerfile' };
            if (WSGI_FRAMEWORKS.includes(name)) wsgi = true;
          }
        }
      }
    }
    if (wsgi) return { asgi: false, evidence: 'dockerfile' };
    // The module gunicorn serves says it too: Django's `mysite.wsgi:application` is a WSGI callable.
    const inv = this.invocation();
    const target = inv?.kind === 'gunicorn' ? inv.positionals[0]?.value : undefined;
    const module = target?.split(':')[0].split('.').pop();
    if (module === 'wsgi') return { asgi: false, evidence: 'dockerfile' };
    if (module === 'asgi') return { asgi: true, evidence: 'dockerfile' };
    return { asgi: true, evidence: 'assumed' };
  }

  /** The document's line ending. */
  get newline(): string {
    return (this.eol ??= /\r\n/.test(this.model.text.slice(0, 2000)) ? '\r\n' : '\n');
  }

  /**
   * An edit that adds `lines` as new instructions in the stage: before its first CMD/ENTRYPOINT
   * (and the comments directly above it), unless `after` comes later; otherwise after the stage's
   * last instruction.
   */
  insertInStage(stage: Stage, text: string, after?: Instr): OffsetEdit {
    const nl = this.newline;
    const anchor = stage.instrs.find((i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && (!after || i.start > after.start));
    if (anchor) {
      const at = this.commentBlockStart(anchor);
      return { start: at, end: at, newText: text + nl };
    }
    const last = stage.instrs.length ? stage.instrs[stage.instrs.length - 1] : stage.from;
    return { start: last.end, end: last.end, newText: nl + text };
  }

  /** Does document[start, end) contain a comment line (which a replacing edit would drop)? */
  hasInnerComment(start: number, end: number): boolean {
    return /[\r\n][ \t]*#/.test(this.model.text.slice(start, end));
  }

  /** Start of the line of the instruction, or of the run of comment lines directly above it. */
  commentBlockStart(instr: Instr): number {
    const starts = this.model.lineStarts();
    const text = this.model.text;
    let line = instr.line;
    while (line > 0) {
      const s = starts[line - 1];
      const e = starts[line];
      const content = text.slice(s, e).trim();
      if (!content.startsWith('#') || this.model.stages.length === 0) break;
      // do not climb into an earlier instruction (heredoc bodies and continuations)
      const prev = instrAt(this.model, s);
      if (prev && prev.start < starts[line] && prev.end > s) break;
      line--;
    }
    return starts[line];
  }
}

/** The value of an inline `NAME=value` word; exact offsets only when the value is unquoted. */
function inlineEnvValue(w: DocWord, name: string): DocWord {
  const value = w.value.slice(name.length + 1);
  const exact = w.end - w.start === w.value.length && !w.noEdit;
  return { ...w, value, start: w.start + name.length + 1, inner: undefined, noEdit: !exact };
}

/** The project's config file that `-c <name>` (a path, or `python:pkg.module`) names. */
function findConfig(configs: NonNullable<ProjectFacts['gunicornConfigs']>, named: string): GunicornSettings['config'] {
  const want = named.startsWith('python:') ? `${named.slice(7).replace(/\./g, '/')}.py` : named.replace(/^(\.\/)+/, '');
  const base = want.slice(want.lastIndexOf('/') + 1);
  // an absolute path in the image (`/app/gunicorn.conf.py`) matches the project file with the same tail
  const tail = (n: string) => want.endsWith(`/${n}`) || want === n || n.endsWith(`/${want}`);
  return configs.find((c) => tail(c.name)) ?? configs.find((c) => c.name.slice(c.name.lastIndexOf('/') + 1) === base);
}
