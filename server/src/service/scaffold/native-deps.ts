// Python packages that need a compiler or system libraries in a python:*-slim image, and the
// Debian packages that satisfy them: the builder stage installs `build`, the runtime stage
// installs `runtime`. Pure data and string functions, no I/O.
//
// Debian release: the names are for Debian 13 "trixie", the base of the official
// `python:3.11-slim` (and 3.12/3.13-slim) images since August 2025, when the docker-library
// images moved their unsuffixed `-slim` tags from bookworm to trixie. Checked against trixie's
// amd64 and arm64 package indexes (trixie, trixie-updates, trixie-security; Debian 13.8) with
// `apt-cache policy`/`apt-cache show`, the contents of the .deb files (pg_config in libpq-dev,
// krb5-config in libkrb5-dev, mysql_config/mariadb_config, the graphviz plugins in libgvc6),
// Debian's own binary packages of the same modules (python3-psycopg2 → libpq5, python3-ldap →
// libldap2, python3-mysqldb → libmariadb3, python3-gssapi → libgssapi-krb5-2, python3-pyodbc →
// libodbc2, python3-magic → libmagic1t64, python3-pylibmc → libmemcached11t64, python3-gdal →
// libgdal36, python3-pygraphviz → graphviz libcgraph6 libgvc6), and an `apt-get install -s` of
// every build and runtime list together on both architectures.
//
// On bookworm (`python:3.11-slim-bookworm`) these runtime names differ: libldap2 is
// libldap-2.5-0, libmagic1t64 is libmagic1, libmemcached11t64 is libmemcached11, libgdal36 is
// libgdal32. All other names here exist under the same name in both releases.
//
// What is in the table: a project is listed only when installing it on CPython 3.11-3.13,
// x86_64 and aarch64, needs something python:*-slim lacks: a source build (no manylinux wheel
// is published, so headers and -dev packages are needed), or a system library or program that
// even its wheel or pure-Python code loads at run time. Projects whose manylinux wheels bundle
// what they need are deliberately absent (a wrong entry makes every image bigger): lxml, Pillow,
// psycopg2-binary, psycopg-binary, pymssql (static FreeTDS), xmlsec (≥1.3.16 wheels bundle
// libxmlsec1; matching lxml's libxml2 is a version-pinning matter, not a system package),
// python-snappy (≥0.7 is a shim over cramjam), cryptography, numpy, ...
// mariadb (Connector/Python) is absent too: its 1.1 release workflow now publishes manylinux
// wheels with Connector/C bundled, which could not be confirmed release by release.
//
// `build` lists what compiling needs on top of the standard builder stage, which always installs
// `gcc g++` (g++ brings libc6-dev and libstdc++-dev): headers, -dev packages and tools such as
// pkgconf. The compilers are not repeated here. python:*-slim carries its own Python headers
// (/usr/local/include/python3.X), so python3-dev is never needed (and would pull in Debian's
// Python). `runtime` lists shared libraries and programs only, never -dev packages or compilers.

export interface NativeDep {
  /** PyPI project name, PEP 503-normalized (lower-case, runs of -_. → -). */
  project: string;
  /** Debian packages the builder stage installs to compile it (headers, -dev packages, tools). */
  build: string[];
  /** Debian packages the runtime stage needs (shared libraries only, never -dev/compilers). */
  runtime: string[];
  /** One short sentence for the user, e.g. "psycopg2 compiles against libpq." (ends with a period: the scaffold appends more sentences). */
  why: string;
  /**
   * Extras of this project that install other projects (normalized extra → normalized project
   * names), so that `psycopg[c]` counts as a requirement on psycopg-c and `psycopg[binary]` as one
   * on psycopg-binary. Read for every required project of the table, whether or not the entry
   * itself then applies.
   */
  extras?: Readonly<Record<string, readonly string[]>>;
  /**
   * The entry does not apply when any of these projects is required as well (directly, or
   * through an extra listed in some entry's `extras`): pure-Python psycopg loads the system libpq
   * only when neither psycopg-c nor psycopg-binary is installed.
   */
  unless?: readonly string[];
}

// psycopg (3) decisions: the `psycopg` distribution itself is pure Python and, when it is the
// only implementation installed, loads the system libpq (libpq.so.5) with ctypes at import time,
// so plain `psycopg` (or `psycopg[pool]`) needs libpq5 in the runtime stage and nothing to build.
// `psycopg[binary]` installs psycopg-binary, whose wheels bundle their own libpq: nothing at all.
// `psycopg[c]` installs psycopg-c, which is only published as an sdist: it compiles against
// libpq (pg_config from libpq-dev) and links libpq.so.5. When both c and binary are requested
// psycopg-c is built anyway (psycopg prefers it), so the psycopg-c entry applies.
export const NATIVE_DEPS: readonly NativeDep[] = [
  {
    project: 'psycopg2',
    build: ['libpq-dev'],
    runtime: ['libpq5'],
    why: 'psycopg2 has no Linux wheels: it compiles against libpq (pg_config from libpq-dev) and links libpq.so.5 at run time (psycopg2-binary bundles its own libpq instead).',
  },
  {
    project: 'psycopg',
    build: [],
    runtime: ['libpq5'],
    why: 'psycopg 3 without the [binary] or [c] extra is pure Python and loads the system libpq (libpq.so.5) at import time.',
    extras: { c: ['psycopg-c'], binary: ['psycopg-binary'] },
    unless: ['psycopg-c', 'psycopg-binary'],
  },
  {
    project: 'psycopg-c',
    build: ['libpq-dev'],
    runtime: ['libpq5'],
    why: 'psycopg[c] (psycopg-c) is only published as source: it compiles against libpq (pg_config from libpq-dev) and links libpq.so.5 at run time.',
  },
  {
    project: 'mysqlclient',
    build: ['default-libmysqlclient-dev', 'pkgconf'],
    runtime: ['libmariadb3'],
    why: 'mysqlclient has no Linux wheels: it finds the MySQL/MariaDB client library with pkg-config, compiles against it and links libmariadb.so.3 at run time.',
  },
  {
    project: 'python-ldap',
    build: ['libldap-dev', 'libsasl2-dev'],
    runtime: ['libldap2'],
    why: 'python-ldap has no Linux wheels: it compiles against OpenLDAP and Cyrus SASL and links libldap/liblber at run time.',
  },
  {
    project: 'uwsgi',
    build: [],
    runtime: [],
    why: 'uWSGI is only published as source: its C server is compiled with the builder\'s gcc.',
  },
  {
    project: 'netifaces',
    build: [],
    runtime: [],
    why: 'netifaces publishes no wheels for Python 3.11 or newer: its C extension is compiled with the builder\'s gcc.',
  },
  {
    project: 'pyodbc',
    build: [],
    runtime: ['libodbc2'],
    why: 'pyodbc\'s wheels leave out the unixODBC driver manager on purpose and load the system libodbc.so.2 (the database\'s ODBC driver is still yours to install).',
  },
  {
    project: 'python-magic',
    build: [],
    runtime: ['libmagic1t64'],
    why: 'python-magic is pure Python and loads the system libmagic (libmagic.so.1 and its magic database) at import time.',
  },
  {
    project: 'file-magic',
    build: [],
    runtime: ['libmagic1t64'],
    why: 'file-magic is pure Python and loads the system libmagic (libmagic.so.1 and its magic database) at import time.',
  },
  {
    project: 'pycairo',
    build: ['libcairo2-dev', 'pkgconf'],
    runtime: ['libcairo2'],
    why: 'pycairo has no Linux wheels: it compiles against cairo (found with pkg-config) and links libcairo.so.2 at run time.',
  },
  {
    project: 'cairocffi',
    build: [],
    runtime: ['libcairo2'],
    why: 'cairocffi is pure Python and loads the system libcairo.so.2 at import time.',
  },
  {
    project: 'cairosvg',
    build: [],
    runtime: ['libcairo2'],
    why: 'CairoSVG draws through cairocffi, which loads the system libcairo.so.2 at import time.',
  },
  {
    project: 'weasyprint',
    build: [],
    runtime: ['libharfbuzz-subset0', 'libpango-1.0-0', 'libpangoft2-1.0-0'],
    why: 'WeasyPrint is pure Python and loads Pango and HarfBuzz (pango, pangoft2, harfbuzz-subset) at import time; fontconfig brings the DejaVu fonts along.',
  },
  {
    project: 'pygraphviz',
    build: ['libgraphviz-dev'],
    runtime: ['graphviz', 'libcgraph6', 'libgvc6'],
    why: 'PyGraphviz has no Linux wheels: it compiles against Graphviz\'s cgraph/gvc libraries and uses them, and the Graphviz layout programs, at run time.',
  },
  {
    project: 'gssapi',
    build: ['libkrb5-dev'],
    runtime: ['libgssapi-krb5-2'],
    why: 'python-gssapi has no Linux wheels: it compiles against MIT Kerberos (krb5-config from libkrb5-dev) and links libgssapi_krb5.so.2 at run time.',
  },
  {
    project: 'kerberos',
    build: ['libkrb5-dev'],
    runtime: ['libgssapi-krb5-2'],
    why: 'kerberos (pykerberos) is only published as source: it compiles against MIT Kerberos (krb5-config from libkrb5-dev) and links its GSSAPI library at run time.',
  },
  {
    project: 'pykerberos',
    build: ['libkrb5-dev'],
    runtime: ['libgssapi-krb5-2'],
    why: 'pykerberos is only published as source: it compiles against MIT Kerberos (krb5-config from libkrb5-dev) and links its GSSAPI library at run time.',
  },
  {
    project: 'krb5',
    build: ['libkrb5-dev'],
    runtime: ['libkrb5-3'],
    why: 'krb5 (pykrb5) has no Linux wheels: it compiles against MIT Kerberos (krb5-config from libkrb5-dev) and links libkrb5.so.3 at run time.',
  },
  {
    project: 'gdal',
    build: ['libgdal-dev'],
    runtime: ['libgdal36'],
    why: 'GDAL\'s Python bindings are only published as source and compile against the system GDAL (3.10 on Debian 13): pin gdal to that version.',
  },
  {
    project: 'pylibmc',
    build: ['libmemcached-dev', 'zlib1g-dev'],
    runtime: ['libmemcached11t64'],
    why: 'pylibmc publishes no wheels for Python 3.11 or newer: it compiles against libmemcached and zlib and links libmemcached.so.11 at run time.',
  },
  {
    project: 'pysaml2',
    build: [],
    runtime: ['xmlsec1'],
    why: 'pysaml2 signs and verifies SAML messages by running the xmlsec1 program.',
  },
  {
    project: 'pdf2image',
    build: [],
    runtime: ['poppler-utils'],
    why: 'pdf2image runs Poppler\'s pdftoppm and pdfinfo programs.',
  },
  {
    project: 'pytesseract',
    build: [],
    runtime: ['tesseract-ocr'],
    why: 'pytesseract runs the tesseract program (tesseract-ocr brings the English and script-detection data).',
  },
];

/** PEP 503 normalization of a project name. */
export function normalizeProject(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

// A PEP 508 name: letters and digits, with . _ - inside (never at either end).
const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;

interface Requirement {
  name: string;
  extras: string[];
  /** The environment marker after `;`, when there is one. */
  marker?: string;
}

/** Strips a requirements-file comment: `#` at the start or after whitespace (a URL fragment stays). */
function stripComment(req: string): string {
  return req.replace(/(^|\s)#.*$/s, '');
}

function parseRequirement(req: string): Requirement | undefined {
  const text = stripComment(req).trim();
  const m = NAME.exec(text);
  if (!m) return undefined;
  let rest = text.slice(m[0].length).trimStart();
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return undefined;
    const inner = rest.slice(1, close).split(',').map((e) => e.trim()).filter(Boolean);
    if (inner.some((e) => !NAME.test(e) || NAME.exec(e)![0] !== e)) return undefined;
    extras = inner.map(normalizeProject);
    rest = rest.slice(close + 1).trimStart();
  }
  // What may follow the name: nothing, a version specifier (bare or in parentheses), a marker,
  // a URL, or a requirements-file option such as --hash.
  if (rest && !/^([<>=!~(;@]|--)/.test(rest)) return undefined;
  let marker: string | undefined;
  if (rest.startsWith('@')) {
    // PEP 508: in the URL form the marker follows whitespace and `;`.
    const semi = /\s;/.exec(rest);
    if (!rest.slice(1).trim()) return undefined;
    if (semi) marker = rest.slice(semi.index + 2);
  } else {
    const semi = rest.indexOf(';');
    if (semi >= 0) marker = rest.slice(semi + 1);
  }
  return { name: normalizeProject(m[1]), extras, marker: marker?.trim() || undefined };
}

/** Project name of a PEP 508 requirement string ("psycopg2>=2.9; python_version<'3.13'" → "psycopg2"; handles extras "pkg[extra]", URLs "pkg @ https://…", whitespace, comments), undefined when not a requirement. The name is PEP 503-normalized ("Python_LDAP" → "python-ldap"). */
export function requirementName(req: string): string | undefined {
  return parseRequirement(req)?.name;
}

// --- Environment markers -----------------------------------------------------------------------
// Just enough of PEP 508 markers to drop requirements that are never installed in a Linux image
// (`pywin32; sys_platform == "win32"`). Three-valued: a marker is dropped only when it is false for
// every platform the image may run on; anything unknown (python_version, extra, syntax this parser
// does not follow) keeps the requirement.

const PLATFORM: Readonly<Record<string, readonly string[]>> = {
  sys_platform: ['linux'],
  platform_system: ['Linux'],
  os_name: ['posix'],
  platform_machine: ['x86_64', 'aarch64'],
  platform_python_implementation: ['CPython'],
  implementation_name: ['cpython'],
};

type Truth = boolean | undefined;
type Operand = { values: readonly string[] } | undefined; // undefined: an unknown variable

function tokenize(marker: string): string[] | undefined {
  const tokens: string[] = [];
  const re = /\s*(?:(\(|\))|('[^']*'|"[^"]*")|(===|==|!=|<=|>=|~=|<|>)|([A-Za-z_][A-Za-z0-9_.]*))/y;
  let pos = 0;
  while (pos < marker.length) {
    if (!marker.slice(pos).trim()) break;
    re.lastIndex = pos;
    const m = re.exec(marker);
    if (!m) return undefined;
    tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
    pos = re.lastIndex;
  }
  return tokens;
}

/** false when the marker rules out every platform in PLATFORM, true when it holds on all, else undefined. */
function evaluateMarker(marker: string): Truth {
  const tokens = tokenize(marker);
  if (!tokens || !tokens.length) return undefined;
  let i = 0;
  const peek = () => tokens[i];
  const fail = Symbol('parse error');

  const operand = (): Operand => {
    const t = tokens[i++];
    if (t === undefined || t === '(' || t === ')') throw fail;
    if (t[0] === '"' || t[0] === "'") return { values: [t.slice(1, -1)] };
    if (/^(and|or|in|not)$/.test(t) || /^[<>=!~]/.test(t)) throw fail;
    const known = PLATFORM[t];
    return known ? { values: known } : undefined;
  };
  const compare = (op: string, a: string, b: string): Truth => {
    switch (op) {
      case '==': case '===': return a === b;
      case '!=': return a !== b;
      case 'in': return b.includes(a);
      case 'not in': return !b.includes(a);
      default: return undefined; // version comparisons: not evaluated here
    }
  };
  const comparison = (): Truth => {
    const left = operand();
    let op = tokens[i++];
    if (op === 'not') { if (tokens[i++] !== 'in') throw fail; op = 'not in'; }
    if (op === undefined || !/^(===|==|!=|<=|>=|~=|<|>|in|not in)$/.test(op)) throw fail;
    const right = operand();
    if (!left || !right) return undefined;
    let all = true; let none = true;
    for (const a of left.values) for (const b of right.values) {
      const r = compare(op, a, b);
      if (r === undefined) return undefined;
      if (r) none = false; else all = false;
    }
    return all ? true : none ? false : undefined;
  };
  const atom = (): Truth => {
    if (peek() === '(') {
      i++;
      const v = or();
      if (tokens[i++] !== ')') throw fail;
      return v;
    }
    return comparison();
  };
  const and = (): Truth => {
    let v = atom();
    while (peek() === 'and') { i++; const w = atom(); v = v === false || w === false ? false : v === true && w === true ? true : undefined; }
    return v;
  };
  function or(): Truth {
    let v = and();
    while (peek() === 'or') { i++; const w = and(); v = v === true || w === true ? true : v === false && w === false ? false : undefined; }
    return v;
  }
  try {
    const v = or();
    return i === tokens.length ? v : undefined;
  } catch (e) {
    if (e === fail) return undefined;
    throw e;
  }
}

/** The native dependencies among the requirements (each table entry once, in table order), and the union of their build and runtime packages (deduplicated, sorted). Requirements whose environment marker rules out Linux are skipped; extras count as the projects they install (see NativeDep.extras). */
export function nativeDepsFor(requirements: readonly string[]): { deps: NativeDep[]; build: string[]; runtime: string[] } {
  const projects = new Set<string>();
  const extras = new Map<string, Set<string>>();
  for (const req of requirements) {
    if (typeof req !== 'string') continue;
    const r = parseRequirement(req);
    if (!r || (r.marker !== undefined && evaluateMarker(r.marker) === false)) continue;
    projects.add(r.name);
    const set = extras.get(r.name) ?? new Set<string>();
    r.extras.forEach((e) => set.add(e));
    extras.set(r.name, set);
  }
  // Extras → the projects they install, until nothing new appears.
  for (let grew = true; grew;) {
    grew = false;
    for (const e of NATIVE_DEPS) {
      if (!e.extras || !projects.has(e.project)) continue;
      for (const extra of extras.get(e.project) ?? []) {
        for (const p of e.extras[extra] ?? []) if (!projects.has(p)) { projects.add(p); grew = true; }
      }
    }
  }
  const deps = NATIVE_DEPS.filter((e) => projects.has(e.project) && !(e.unless ?? []).some((p) => projects.has(p)));
  const union = (pick: (d: NativeDep) => readonly string[]) => [...new Set(deps.flatMap(pick))].sort();
  return { deps, build: union((d) => d.build), runtime: union((d) => d.runtime) };
}
