// Plain data shared by the pure core, the language server and the tests.
import type { BuildContext, GunicornConfig, PythonFacts, TaskDefinition } from './project/types';
// Offsets are UTF-16 indices into the document text; ranges are LSP-style (0-based line/character).

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type RuleSetting = Severity | 'off';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

/** A text edit by document offsets (end exclusive). Converted to LSP ranges at the edge. */
export interface OffsetEdit { start: number; end: number; newText: string }

export interface Fix {
  /** Shown in the quick-fix menu, e.g. "Add USER 1000". */
  title: string;
  /** Safe fixes are applied by fix-all (source.fixAll.docksmith); unsafe ones only on request. */
  safe: boolean;
  edits: OffsetEdit[];
  /** Edits to other files (a .dockerignore, pyproject.toml): never applied by fix-all. */
  otherFiles?: FileEdit[];
}

/** An edit to another file, by absolute path; `create` when the file does not exist yet. */
export interface FileEdit { path: string; create?: boolean; edits: { start: Position; end: Position; newText: string }[] }

/** A place in another file that a finding refers to (LSP relatedInformation). */
export interface Related { path: string; range: Range; message: string }

export interface Finding {
  rule: string;
  /** Document offsets of what the finding points at. */
  start: number;
  end: number;
  message: string;
  /** Overrides the rule's default severity for this finding (e.g. a dev server is an error). */
  severity?: Severity;
  /** The tool cannot see everything it would need: never reported above 'info'. */
  uncertain?: boolean;
  fix?: Fix;
  /** Places in other files the finding contradicts or comes from. */
  related?: Related[];
  /**
   * The finding belongs to another file (an ECS task definition, gunicorn.conf.py): it is shown
   * there, at `range`; `start`/`end` point at the Dockerfile instruction it concerns.
   */
  external?: { path: string; label: string; range: Range };
}

/** A finding after severities and pragmas are applied: what front ends show. */
export interface Diagnostic extends Finding {
  severity: Severity;
  range: Range;
  /** Link to the rule documentation, when the front end knows where docs live. */
  docsUrl?: string;
}

/** Where a configured value came from, for hovers ("vcpu 4 from [tool.docksmith] in pyproject.toml"). */
export interface Sourced<T> { value: T; source: string }

/** The standard's numbers after merging [tool.docksmith], editor settings and defaults. */
export interface Standard {
  uid: Sourced<number>;
  port: Sourced<number>;
  healthPath: Sourced<string>;
  python: Sourced<string>;
  /** The Python minors `requires-python` allows (undefined: no requires-python, or not understood). */
  pythonAllowed?: { minors: string[]; spec: string };
  vcpu?: Sourced<number>;
  /** The stage that ships (`docker build --target`); undefined: the last stage. */
  target?: Sourced<string>;
  /** Declared kind of app: 'wsgi' (Flask, Django) or 'asgi'; undefined: inferred from the dependencies. */
  framework?: Sourced<'asgi' | 'wsgi'>;
  /** Report syntax problems (off where another extension already does). */
  syntax: boolean;
  rules: Record<string, RuleSetting>;
  timeout: number;
  gracefulTimeout: number;
  uvVersion: string;
}

/** What front ends found around the Dockerfile (the core never reads files). */
export interface ProjectFacts {
  /** Normalised (lower-case, `_`/`.` → `-`) names of the project's Python dependencies, when known. */
  dependencies?: string[];
  /** uv.lock sits beside the pyproject.toml. */
  hasUvLock?: boolean;
  /** A gunicorn.conf.py exists where gunicorn would read it by default. */
  hasGunicornConfig?: boolean;
  /** Path of the pyproject.toml the configuration came from, for messages. */
  pyprojectPath?: string;
  /** The text of that pyproject.toml (for fixes that edit it). */
  pyprojectText?: string;
  /** Absolute path of the Dockerfile (for findings on other files that point back at it). */
  dockerfilePath?: string;
  /** The build context, when the front end can see the disk. */
  context?: BuildContext;
  /** The ECS task definition of the service, read as text. */
  taskDefinition?: { path: string; label: string; def: TaskDefinition };
  /** gunicorn configuration files of the project (gunicorn.conf.py, the file `-c` names), read as text, never run. `name` is project-relative. */
  gunicornConfigs?: { path: string; label: string; name: string; config: GunicornConfig }[];
  /** Facts of the Python project: dependencies, lock, apps, routes. */
  python?: PythonFacts;
}

export interface LintContext {
  standard: Standard;
  facts: ProjectFacts;
  /** Called when a rule throws; the other rules still run. */
  onRuleError?: (rule: string, error: unknown) => void;
}

export interface RuleDocs {
  summary: string;
  whatItDoes: string;
  why: string;
  example: string;
  useInstead: string;
  /** Where the facts behind the rule are documented (title and URL). */
  references?: { title: string; url: string }[];
}

export interface RuleMeta {
  /** kebab-case, equal to the file stem; the id users type in pragmas and settings. */
  name: string;
  severity: Severity;
  fix: 'safe' | 'unsafe' | 'mixed' | 'none';
  docs: RuleDocs;
}
