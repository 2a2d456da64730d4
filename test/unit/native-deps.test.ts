// The native-dependency table for the scaffold: every entry is well-formed and found by its own
// name, known projects give the Debian (trixie) packages written out literally below, requirement
// strings parse as PEP 508 says, the unions are deduplicated and sorted, and a runtime stage that
// installs every runtime package passes Docksmith's build-tools-in-runtime rule.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NATIVE_DEPS, nativeDepsFor, normalizeProject, requirementName } from '../../server/src/service/scaffold/native-deps';
import { BUILD_TOOL } from '../../server/src/service/commands';
import { lintText } from '../../server/src/service/linter';
import { makeStandard } from '../../server/src/service/standard';
import { LintContext } from '../../server/src/service/types';

const projects = (reqs: string[]) => nativeDepsFor(reqs).deps.map((d) => d.project);
const DEBIAN_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const BUILD_TOOLS = new Set(['gcc', 'g++', 'build-essential', 'make', 'cmake', 'pkg-config', 'pkgconf', 'cpp', 'clang']);
const looksLikeBuildTool = (p: string) => p.endsWith('-dev') || BUILD_TOOLS.has(p) || /^(gcc|g\+\+|clang|cpp)-\d+$/.test(p) || BUILD_TOOL.test(p);

describe('native-deps table: every entry', () => {
  it('has a unique, normalized project name', () => {
    const names = NATIVE_DEPS.map((d) => d.project);
    assert.equal(new Set(names).size, names.length);
  });

  for (const d of NATIVE_DEPS) {
    describe(d.project, () => {
      it('is PEP 503-normalized', () => assert.equal(normalizeProject(d.project), d.project));
      it('is found by its own name, alone and among unrelated requirements', () => {
        assert.ok(projects([d.project]).includes(d.project));
        assert.ok(projects(['fastapi>=0.110', `${d.project.toUpperCase().replace(/-/g, '_')} >= 1`, 'uvicorn[standard]']).includes(d.project));
      });
      it('gives exactly its own packages when required alone', () => {
        const r = nativeDepsFor([d.project]);
        assert.deepEqual(r.build, [...new Set(d.build)].sort());
        assert.deepEqual(r.runtime, [...new Set(d.runtime)].sort());
      });
      it('lists Debian package names, each once', () => {
        for (const p of [...d.build, ...d.runtime]) assert.match(p, DEBIAN_NAME);
        assert.equal(new Set(d.build).size, d.build.length);
        assert.equal(new Set(d.runtime).size, d.runtime.length);
      });
      it('installs no build tool at run time', () => {
        for (const p of d.runtime) assert.ok(!looksLikeBuildTool(p), `${p} is a build tool`);
      });
      it('does not repeat the standard builder\'s compilers (gcc g++ are always installed)', () => {
        for (const p of d.build) assert.ok(!['gcc', 'g++', 'libc6-dev', 'build-essential'].includes(p), p);
      });
      it('explains itself in one short sentence that names the project', () => {
        assert.ok(d.why.length > 20 && d.why.length <= 200, d.why);
        assert.ok(d.why.endsWith('.'), 'the scaffold appends more sentences after it');
        assert.ok(!/\.\s+[A-Z]/.test(d.why.slice(0, -1)), `one sentence: ${d.why}`);
        const words = d.why.toLowerCase();
        assert.ok(words.includes(d.project) || words.includes(d.project.split('-')[0]), `names ${d.project}: ${d.why}`);
      });
      it('refers only to table projects in extras and unless', () => {
        const known = new Set(NATIVE_DEPS.map((e) => e.project));
        const referenced = [...(d.unless ?? []), ...Object.values(d.extras ?? {}).flat()];
        for (const p of referenced) {
          assert.equal(normalizeProject(p), p);
          assert.ok(known.has(p) || p.endsWith('-binary'), `${p} is a table project or a bundling -binary distribution`);
        }
      });
    });
  }
});

describe('native-deps: known projects (Debian 13 trixie names)', () => {
  const expect = (reqs: string[], build: string[], runtime: string[]) => {
    const r = nativeDepsFor(reqs);
    for (const p of build) assert.ok(r.build.includes(p), `${reqs} builds with ${p}: ${r.build}`);
    for (const p of runtime) assert.ok(r.runtime.includes(p), `${reqs} runs with ${p}: ${r.runtime}`);
    return r;
  };
  it('psycopg2 builds against libpq-dev and runs with libpq5', () => {
    const r = expect(['psycopg2>=2.9'], ['libpq-dev'], ['libpq5']);
    assert.deepEqual(r.runtime, ['libpq5']);
    assert.deepEqual(projects(['psycopg2']), ['psycopg2']);
  });
  it('psycopg2-binary and psycopg-binary bundle libpq: nothing', () => {
    assert.deepEqual(nativeDepsFor(['psycopg2-binary==2.9.10']), { deps: [], build: [], runtime: [] });
    assert.deepEqual(nativeDepsFor(['psycopg-binary']), { deps: [], build: [], runtime: [] });
  });
  it('psycopg (3) without extras is pure Python that loads the system libpq: runtime libpq5, no build', () => {
    assert.deepEqual(nativeDepsFor(['psycopg>=3.2']), { deps: [NATIVE_DEPS.find((d) => d.project === 'psycopg')], build: [], runtime: ['libpq5'] });
    assert.deepEqual(nativeDepsFor(['psycopg[pool]>=3.2']).runtime, ['libpq5']);
  });
  it('psycopg[binary] ships its own libpq: nothing', () => {
    assert.deepEqual(nativeDepsFor(['psycopg[binary]>=3.2']), { deps: [], build: [], runtime: [] });
    assert.deepEqual(nativeDepsFor(['psycopg[binary,pool]']).deps, []);
    assert.deepEqual(nativeDepsFor(['psycopg', 'psycopg-binary']).deps, [], 'the extra spelled as its own requirement');
    assert.deepEqual(nativeDepsFor(['psycopg', 'psycopg[binary]']).deps, [], 'extras of the same project add up');
  });
  it('psycopg[c] compiles psycopg-c against libpq-dev and runs with libpq5', () => {
    for (const reqs of [['psycopg[c]'], ['psycopg[c,pool]>=3.2'], ['psycopg', 'psycopg-c'], ['psycopg-c'], ['psycopg[binary,c]'], ['Psycopg[C]']]) {
      const r = nativeDepsFor(reqs);
      assert.deepEqual(r.deps.map((d) => d.project), ['psycopg-c'], String(reqs));
      assert.deepEqual(r.build, ['libpq-dev']);
      assert.deepEqual(r.runtime, ['libpq5']);
    }
  });
  it('an extra of a project that is not in the table, or an unknown extra, adds nothing', () => {
    assert.deepEqual(nativeDepsFor(['fastapi[c]', 'uvicorn[binary]']).deps, []);
    assert.deepEqual(nativeDepsFor(['psycopg[unknown]']).runtime, ['libpq5']);
  });
  it('mysqlclient needs pkg-config and the MariaDB client headers, and libmariadb3 at run time', () => {
    const r = expect(['mysqlclient'], ['default-libmysqlclient-dev', 'pkgconf'], ['libmariadb3']);
    assert.ok(!r.build.includes('pkg-config'), 'pkg-config is a transitional package on trixie: pkgconf');
  });
  it('python-ldap uses the trixie soname package libldap2 (libldap-2.5-0 is bookworm)', () => {
    const r = expect(['python-ldap'], ['libldap-dev', 'libsasl2-dev'], ['libldap2']);
    assert.ok(!r.runtime.includes('libldap-2.5-0'));
    assert.ok(!r.build.includes('libldap2-dev'), 'libldap2-dev is transitional on trixie');
  });
  it('pyodbc wheels need only the unixODBC driver manager at run time', () => {
    assert.deepEqual(nativeDepsFor(['pyodbc']), { deps: [NATIVE_DEPS.find((d) => d.project === 'pyodbc')], build: [], runtime: ['libodbc2'] });
  });
  it('python-magic and file-magic load libmagic1t64 (the trixie name of libmagic1)', () => {
    assert.deepEqual(nativeDepsFor(['python-magic']).runtime, ['libmagic1t64']);
    assert.deepEqual(nativeDepsFor(['file-magic']).runtime, ['libmagic1t64']);
    assert.deepEqual(nativeDepsFor(['python-magic', 'file-magic']).runtime, ['libmagic1t64']);
  });
  it('WeasyPrint needs Pango and HarfBuzz at run time and nothing to build', () => {
    assert.deepEqual(nativeDepsFor(['weasyprint>=62']), { deps: [NATIVE_DEPS.find((d) => d.project === 'weasyprint')], build: [], runtime: ['libharfbuzz-subset0', 'libpango-1.0-0', 'libpangoft2-1.0-0'] });
  });
  it('cairo: pycairo compiles, cairocffi and CairoSVG only load libcairo2', () => {
    expect(['pycairo'], ['libcairo2-dev', 'pkgconf'], ['libcairo2']);
    assert.deepEqual(nativeDepsFor(['cairocffi', 'CairoSVG']).build, []);
    assert.deepEqual(nativeDepsFor(['cairocffi', 'CairoSVG']).runtime, ['libcairo2']);
  });
  it('Kerberos bindings build with libkrb5-dev', () => {
    expect(['gssapi'], ['libkrb5-dev'], ['libgssapi-krb5-2']);
    expect(['pykerberos'], ['libkrb5-dev'], ['libgssapi-krb5-2']);
    expect(['kerberos'], ['libkrb5-dev'], ['libgssapi-krb5-2']);
    expect(['krb5'], ['libkrb5-dev'], ['libkrb5-3']);
  });
  it('the rest of the table', () => {
    expect(['pygraphviz'], ['libgraphviz-dev'], ['libcgraph6', 'libgvc6']);
    expect(['GDAL==3.10.3'], ['libgdal-dev'], ['libgdal36']);
    expect(['pylibmc'], ['libmemcached-dev', 'zlib1g-dev'], ['libmemcached11t64']);
    expect(['pysaml2'], [], ['xmlsec1']);
    expect(['pdf2image'], [], ['poppler-utils']);
    expect(['pytesseract'], [], ['tesseract-ocr']);
    assert.deepEqual(projects(['uWSGI', 'netifaces']), ['uwsgi', 'netifaces']);
    assert.deepEqual(nativeDepsFor(['uwsgi', 'netifaces']).build, [], 'the builder\'s gcc is all they need');
  });
  it('packages whose manylinux wheels bundle what they need are not in the table', () => {
    const wheels = ['lxml', 'pillow', 'numpy', 'cryptography', 'psycopg2-binary', 'psycopg-binary', 'pymssql', 'xmlsec', 'python-snappy', 'mariadb', 'grpcio', 'uvloop', 'orjson', 'pydantic-core', 'bcrypt', 'pyyaml', 'shapely', 'pyproj', 'confluent-kafka'];
    assert.deepEqual(nativeDepsFor(wheels), { deps: [], build: [], runtime: [] });
  });
  it('uses no bookworm-only soname package', () => {
    const all = NATIVE_DEPS.flatMap((d) => [...d.build, ...d.runtime]);
    for (const old of ['libldap-2.5-0', 'libmagic1', 'libmemcached11', 'libgdal32', 'libxmlsec1', 'pkg-config', 'libldap2-dev']) assert.ok(!all.includes(old), old);
  });
});

describe('requirementName', () => {
  const cases: [string, string | undefined][] = [
    ['psycopg2', 'psycopg2'],
    ["psycopg2>=2.9; python_version<'3.13'", 'psycopg2'],
    ['psycopg2 >= 2.9 , < 3', 'psycopg2'],
    ['psycopg2 (>=2.9)', 'psycopg2'],
    ['psycopg[binary,pool]>=3.1', 'psycopg'],
    ['psycopg [ c ] ; sys_platform == "linux"', 'psycopg'],
    ['pkg @ https://example.com/pkg-1.0-py3-none-any.whl#sha256=abc', 'pkg'],
    ['pkg@git+https://example.com/pkg.git@main', 'pkg'],
    ['pkg[extra] @ file:///wheels/pkg.whl ; python_version >= "3.11"', 'pkg'],
    ['  \tPyYAML==6.0.1  ', 'pyyaml'],
    ['Python_LDAP', 'python-ldap'],
    ['zope.interface>=6', 'zope-interface'],
    ['Foo__Bar..baz--qux', 'foo-bar-baz-qux'],
    ['A', 'a'],
    ['mysqlclient  # MySQL driver', 'mysqlclient'],
    ['mysqlclient==2.2.4 --hash=sha256:0123abcd', 'mysqlclient'],
    ['requests~=2.31', 'requests'],
    ['requests!=2.0', 'requests'],
    ['requests===2.31.0', 'requests'],
    ['requests;python_version>"3"', 'requests'],
    ['', undefined],
    ['   ', undefined],
    ['# just a comment', undefined],
    ['-r requirements-base.txt', undefined],
    ['-e .', undefined],
    ['--index-url https://example.com/simple', undefined],
    ['./local/package', undefined],
    ['https://example.com/pkg.whl', undefined],
    ['git+https://github.com/org/pkg.git#egg=pkg', undefined],
    ['==1.0', undefined],
    ['[extra]', undefined],
    ['pkg[unclosed', undefined],
    ['pkg[bad extra]', undefined],
    ['two words', undefined],
    ['-pkg', undefined],
    ['pkg-', undefined],
    ['pkg @', undefined],
    ['!!!', undefined],
    ['pkg, other', undefined],
  ];
  for (const [req, name] of cases) {
    it(`${JSON.stringify(req)} → ${name ?? 'undefined'}`, () => assert.equal(requirementName(req), name));
  }
});

describe('normalizeProject', () => {
  it('lower-cases and collapses runs of - _ . into one -', () => {
    assert.equal(normalizeProject('Python_LDAP'), 'python-ldap');
    assert.equal(normalizeProject('zope.interface'), 'zope-interface');
    assert.equal(normalizeProject('a-_.-b'), 'a-b');
    assert.equal(normalizeProject('PSYCOPG2'), 'psycopg2');
  });
});

describe('nativeDepsFor', () => {
  it('returns nothing for no requirements, garbage and pure-Python projects', () => {
    assert.deepEqual(nativeDepsFor([]), { deps: [], build: [], runtime: [] });
    assert.deepEqual(nativeDepsFor(['', '# comment', '-r other.txt', '!!!', 'fastapi', 'gunicorn', 'uvicorn[standard]']), { deps: [], build: [], runtime: [] });
  });
  it('lists each entry once, in table order, however often and in whatever order it is required', () => {
    const r = nativeDepsFor(['weasyprint', 'psycopg2>=2.9', 'PSYCOPG2', 'python-ldap', 'psycopg2 ; python_version >= "3.11"', 'mysqlclient']);
    const order = NATIVE_DEPS.map((d) => d.project);
    assert.deepEqual(r.deps.map((d) => d.project), ['psycopg2', 'mysqlclient', 'python-ldap', 'weasyprint'].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
  });
  it('unions build and runtime packages deduplicated and sorted', () => {
    const r = nativeDepsFor(['psycopg2', 'psycopg[c]', 'pycairo', 'cairocffi', 'weasyprint', 'mysqlclient', 'pylibmc', 'python-ldap']);
    assert.deepEqual(r.build, ['default-libmysqlclient-dev', 'libcairo2-dev', 'libldap-dev', 'libmemcached-dev', 'libpq-dev', 'libsasl2-dev', 'pkgconf', 'zlib1g-dev']);
    assert.deepEqual(r.runtime, ['libcairo2', 'libharfbuzz-subset0', 'libldap2', 'libmariadb3', 'libmemcached11t64', 'libpango-1.0-0', 'libpangoft2-1.0-0', 'libpq5']);
    for (const list of [r.build, r.runtime]) {
      assert.deepEqual(list, [...new Set(list)].sort());
    }
  });
  it('the union over the whole table is sorted, unique, and has no build tool at run time', () => {
    const r = nativeDepsFor(NATIVE_DEPS.map((d) => d.project));
    assert.deepEqual(r.build, [...new Set(NATIVE_DEPS.flatMap((d) => d.build))].sort());
    for (const p of r.runtime) assert.ok(!looksLikeBuildTool(p), p);
    // psycopg is suppressed by psycopg-c in the same list; every other entry applies.
    assert.deepEqual(r.deps.map((d) => d.project), NATIVE_DEPS.map((d) => d.project).filter((p) => p !== 'psycopg'));
  });
  it('skips requirements whose marker rules out Linux, keeps the ones it cannot rule out', () => {
    assert.deepEqual(projects(['python-magic; sys_platform == "win32"']), []);
    assert.deepEqual(projects(["pyodbc ; platform_system == 'Windows'"]), []);
    assert.deepEqual(projects(['psycopg2; os_name == "nt" or sys_platform == "darwin"']), []);
    assert.deepEqual(projects(['psycopg2; platform_machine == "arm64"']), [], 'macOS spelling of the architecture');
    assert.deepEqual(projects(['psycopg2; sys_platform != "win32"']), ['psycopg2']);
    assert.deepEqual(projects(['psycopg2; sys_platform == "linux" and python_version < "3.13"']), ['psycopg2']);
    assert.deepEqual(projects(['psycopg2; python_version < "3.13"']), ['psycopg2'], 'the Python version is not decided here');
    assert.deepEqual(projects(['psycopg2; platform_machine == "x86_64"']), ['psycopg2'], 'amd64 images');
    assert.deepEqual(projects(['psycopg2; sys_platform == "win32" and python_version < "3.13"']), []);
    assert.deepEqual(projects(['psycopg2; (sys_platform == "win32" or sys_platform == "linux") and extra == "pg"']), ['psycopg2']);
    assert.deepEqual(projects(['psycopg2; "linux" in sys_platform']), ['psycopg2']);
    assert.deepEqual(projects(['psycopg2; sys_platform not in "win32 cygwin"']), ['psycopg2']);
    assert.deepEqual(projects(['psycopg2; sys_platform in "win32 cygwin"']), []);
    assert.deepEqual(projects(['psycopg2; this is not a marker ((']), ['psycopg2'], 'unparsable markers keep the requirement');
    assert.deepEqual(projects(['pkg-with-native @ https://x/y.whl ; sys_platform == "win32"', 'python-magic @ https://x/m.whl ; sys_platform == "win32"']), []);
  });
  it('a Windows-only binary psycopg does not hide the Linux need for libpq', () => {
    assert.deepEqual(nativeDepsFor(['psycopg', 'psycopg-binary; sys_platform == "win32"']).runtime, ['libpq5']);
  });
  it('accepts the normalized names the scaffold and uv.lock use', () => {
    assert.deepEqual(projects(['psycopg', 'psycopg-binary', 'python-ldap', 'pyodbc']), ['python-ldap', 'pyodbc']);
  });
});

describe('native-deps against the linter', () => {
  const ctx: LintContext = { standard: makeStandard({ settings: { vcpu: 4 } }), facts: { hasUvLock: true, dependencies: ['fastapi'] } };
  const all = nativeDepsFor(NATIVE_DEPS.map((d) => d.project).concat('psycopg'));
  const dockerfile = (runtime: string[]) => [
    'FROM python:3.11-slim AS builder',
    `RUN apt-get update && apt-get install -y --no-install-recommends gcc g++ ${all.build.join(' ')} && rm -rf /var/lib/apt/lists/*`,
    'FROM python:3.11-slim AS runtime',
    `RUN apt-get update \\\n && apt-get install -y --no-install-recommends ${runtime.join(' ')} \\\n && rm -rf /var/lib/apt/lists/*`,
    'USER 1000',
    'CMD ["gunicorn", "app:app"]',
    '',
  ].join('\n');
  const rulesFired = (text: string) => lintText(text, ctx).diagnostics.map((d) => d.rule);

  it('a runtime stage installing every entry\'s runtime packages does not trigger build-tools-in-runtime', () => {
    assert.ok(all.runtime.length >= 15);
    assert.ok(!rulesFired(dockerfile(all.runtime)).includes('build-tools-in-runtime'));
  });
  for (const d of NATIVE_DEPS.filter((e) => e.runtime.length)) {
    it(`${d.project}: its runtime packages pass build-tools-in-runtime`, () => {
      assert.ok(!rulesFired(dockerfile(d.runtime)).includes('build-tools-in-runtime'));
    });
  }
  it('control: the same stage with the build packages does trigger it', () => {
    assert.ok(rulesFired(dockerfile([...all.runtime, ...all.build])).includes('build-tools-in-runtime'));
    assert.ok(rulesFired(dockerfile(['libpq-dev'])).includes('build-tools-in-runtime'));
  });
});
