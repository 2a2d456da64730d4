// Facts about the deployment around a Dockerfile, read as text and never executed: the Python
// project (dependencies, apps, routes), the ECS task definition, gunicorn.conf.py, the build
// context. Pure data: the language server and the CLI read the files, the core judges them.

/** 0-based line and UTF-16 character in a file (LSP positions). */
export interface Pos { line: number; character: number }
export interface Span { start: Pos; end: Pos }
export interface Located<T> { value: T; span: Span }

/** Something in a file that could not be read as meant: reported once, where it is. */
export interface FileProblem { message: string; span: Span }

// ---------------------------------------------------------------------------------------------
// The Python project

/** Where a dependency is declared, and for which installs it counts. */
export interface Dependency {
  /** PEP 503 normalised name (`uvicorn-worker`). */
  name: string;
  /** The requirement as written (`gunicorn>=22`). */
  spec: string;
  /**
   * Which installs bring it: `main` ([project].dependencies, poetry main group, a requirements file
   * without dev/test in its name), `extra:<name>` (optional-dependencies), `group:<name>`
   * (dependency-groups, uv dev-dependencies as group:dev, poetry groups, requirements-dev.txt).
   */
  group: string;
  /** Project-relative file that declares it, and the 0-based line when known. */
  file: string;
  line?: number;
}

/** A package the lock resolves, and the groups through which it is reached. */
export interface LockedPackage { name: string; version?: string; groups: string[] }

export type Framework = 'fastapi' | 'starlette' | 'litestar' | 'quart' | 'flask' | 'django' | 'sanic' | 'falcon' | 'pyramid' | 'bottle';

export type AppKind = 'fastapi' | 'starlette' | 'litestar' | 'flask' | 'quart' | 'django' | 'django-asgi' | 'factory';

export interface AppCandidate {
  /** gunicorn's `module:attribute` (a factory as `module:create_app()`). */
  target: string;
  kind: AppKind;
  /** Project-relative file and 0-based line of the assignment or def. */
  file: string;
  line: number;
  /** Higher is likelier to be what ships: module-level app object > factory called by an entry point > CLI helper. */
  rank: number;
  /** Why it was ranked so (for the pick list and notes). */
  why: string;
  /** How it is served: a module-level object, a factory gunicorn calls (`module:create_app()`), or either in a CLI module (ranked last). */
  form?: 'object' | 'factory' | 'cli';
  /** A factory with parameters that have no default: gunicorn cannot call it as `create_app()`. */
  needsArguments?: boolean;
}

export interface Route {
  /** The full path with every prefix composed (`/api/v1/health`); path parameters as written (`/items/{id}`). */
  path: string;
  methods?: string[];
  framework: Framework;
  /** Project-relative file and 0-based line of the decorator / path() call. */
  file: string;
  line: number;
  /** Added under a condition or in a loop (`if settings.DEBUG:`): not always served. */
  conditional?: boolean;
  /** Targets of the app candidates that serve it (`orders_api.main:app`, `svc:create_app()`), when known. */
  apps?: string[];
}

/** A path prefix served by something whose routes are not listed: StaticFiles, the Django admin, a mounted app Docksmith cannot read. */
export interface OpaquePrefix {
  /** The composed prefix (`/static`). */
  path: string;
  /** What serves it (`StaticFiles`, `the Django admin`, `include("debug_toolbar.urls")`). */
  what: string;
  file: string;
  line: number;
}

export interface PythonFacts {
  /** Direct dependencies from pyproject.toml, requirements*.txt, Pipfile. */
  dependencies: Dependency[];
  /** What the lock resolves (uv.lock, pdm.lock, poetry.lock), when there is one. */
  lock?: { file: string; packages: LockedPackage[] };
  /** Frameworks the dependencies imply. */
  frameworks: Framework[];
  /** 'asgi' or 'wsgi' as the dependencies imply; undefined when they say nothing or both. */
  kind?: 'asgi' | 'wsgi';
  /** App objects and factories, best first. */
  apps: AppCandidate[];
  /** Routes found in the code, with prefixes composed. */
  routes: Route[];
  /**
   * Whether `routes` is the whole truth. False when a prefix, a route or an include could not be
   * read (a variable prefix, a route added in a loop or under a condition): rules then stay quiet.
   */
  routesComplete: boolean;
  /**
   * Prefixes served by something whose routes are not listed. Static files and the Django admin
   * leave `routesComplete` true (they serve no endpoint of the app); anything else here also makes it false.
   */
  opaque?: OpaquePrefix[];
  /** Django's root URLconf files (ROOT_URLCONF, else urls.py beside settings): where a health view goes. */
  urlconfs?: string[];
  /** What could not be determined, in words ("the prefix of include_router in app/main.py:12 is a variable"). */
  unknown: string[];
  /** Files skipped (too large, not UTF-8) and other remarks, in words. */
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// The ECS task definition (JSON, `aws ecs register-task-definition` input or `describe-task-definition` output)

export interface ContainerDefinition {
  /** The whole container object. */
  span: Span;
  name?: Located<string>;
  image?: Located<string>;
  essential?: Located<boolean>;
  user?: Located<string>;
  stopTimeout?: Located<number>;
  /** `healthCheck` object, and its `command` array (`["CMD-SHELL", "curl -f …"]`). */
  healthCheck?: { span: Span; command?: Located<string[]>; interval?: Located<number>; timeout?: Located<number>; retries?: Located<number>; startPeriod?: Located<number>; keys?: Map<string, Span> };
  portMappings: { containerPort: Located<number>; span: Span }[];
  entryPoint?: Located<string[]>;
  command?: Located<string[]>;
  /** `environment` name → value. */
  environment: Map<string, Located<string>>;
  /**
   * The key `containerDefinitions[i]` itself (for findings about a missing key): the `{` that opens
   * the container object, as VS Code's JSON validation marks a missing property.
   */
  keySpan: Span;
  /**
   * Where each key of the container object is written: the quoted key (`"user"`), last occurrence,
   * by its name as written (`user`, `stopTimeout`, `healthCheck`, also keys not modelled here).
   * For findings "on the offending key"; the value's span is the field's own `span`.
   */
  keys?: Map<string, Span>;
  /** `secrets` name → `valueFrom`. */
  secrets?: Map<string, Located<string>>;
}

export interface TaskDefinition {
  /** Task-level CPU in vCPU (`"1024"`, `1024`, `"1 vCPU"`). */
  cpu?: Located<number>;
  containers: ContainerDefinition[];
  /** Invalid JSON, a container definition without a name, `cpu` that is not a CPU value. */
  problems: FileProblem[];
  /** `family`. */
  family?: Located<string>;
  /** The task definition object (the top level, or `taskDefinition` in describe-task-definition output). */
  span?: Span;
  /** Where each key of the task definition object is written (the quoted key), as in ContainerDefinition.keys. */
  keys?: Map<string, Span>;
  /**
   * The text is not valid JSON (or nests too deeply to read): `problems` then holds that one
   * problem, and what could be read before it is kept.
   */
  malformed?: boolean;
}

// ---------------------------------------------------------------------------------------------
// gunicorn.conf.py (Python, read as text: literal assignments only)

export type GunicornSetting =
  /** `timeout = 120`, `bind = "0.0.0.0:8000"`, `bind = ["0.0.0.0:8000"]`, `worker_class = "uvicorn_worker.UvicornWorker"`. */
  | { kind: 'literal'; value: string | number | boolean | string[]; span: Span; valueSpan: Span }
  /** `workers = multiprocessing.cpu_count() * 2 + 1` and the like: depends on the machine's CPU count. */
  | { kind: 'cpu-formula'; text: string; span: Span; valueSpan: Span }
  /** Anything else: an environment lookup, a function call, a conditional, a name defined elsewhere. */
  | {
    kind: 'dynamic'; text: string; span: Span; valueSpan: Span;
    /**
     * Set when the assignment is inside an `if`/`else`/`except`/`for`/`while`/`match` block (or
     * on the line of such a header): it may or may not apply, whatever its expression.
     */
    conditional?: boolean;
  };

export interface GunicornConfig {
  /** Settings by gunicorn's setting name (`bind`, `workers`, `worker_class`, `timeout`, `graceful_timeout`, …); the last assignment wins. */
  settings: Map<string, GunicornSetting>;
  /** Unbalanced brackets or quotes, a file that is not UTF-8: what was read up to there still counts. */
  problems: FileProblem[];
}

// ---------------------------------------------------------------------------------------------
// The build context (what `docker build` sends): the Dockerfile's folder, or `context` configured

export interface DockerignoreLine { pattern: string; line: number }

export interface BuildContext {
  /** The context folder as shown in messages (relative to the workspace when possible). */
  label: string;
  /** Absolute path of the context folder (for edits to its .dockerignore). */
  dir: string;
  /** Files and folders in the context, from a cached, bounded snapshot. */
  exists(rel: string): 'file' | 'dir' | undefined;
  /** Context-relative files and folders a COPY source pattern (`*.txt`, `src/**` and the like) matches. */
  glob(pattern: string): string[];
  /** The .dockerignore that applies (`<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's). */
  dockerignore?: { file: string; label: string; text: string; lines: DockerignoreLine[] };
  /** Context-relative paths that must not reach an image (`.env*`, `.git`, `.venv`, `*.pem`, `id_rsa`, `__pycache__`), bounded. */
  sensitive: string[];
  /** The snapshot covered the whole context (a huge tree is cut short: then missing files are not reported). */
  complete: boolean;
}
