import { defineRule } from './rule';
import { Analysis } from '../analysis';
import { DepInstall, requirementWordName } from '../commands';
import { optionValue } from '../gunicorn';
import { confString, programSpan } from './server-edits';
import { FileEdit } from '../types';
import { addDependenciesEdit, addDependenciesTitle } from '../project/edits';
import { normalizeName } from '../config';

export default defineRule({
  meta: {
    name: 'installed-server',
    severity: 'error',
    fix: 'unsafe',
    docs: {
      summary: 'The image must install the server its command runs: gunicorn, and the package of its worker class.',
      whatItDoes: 'When the stage that ships runs gunicorn, checks that the project brings it: `[project].dependencies` (and the groups and extras the Dockerfile installs: `uv sync` installs the dev group unless `--no-dev`, `--extra`/`--group` add theirs, and `--package <member>` installs that uv workspace member and what uv.lock resolves for it instead of the root project), requirements files the Dockerfile installs, what uv.lock resolves for those groups, or a package the Dockerfile installs by name. The same for the worker class: `uvicorn.workers.UvicornWorker` needs uvicorn, `uvicorn_worker.UvicornWorker` the uvicorn-worker package. The quick fix adds the package to `[project].dependencies` in pyproject.toml; run `uv lock` afterwards. Without a pyproject.toml or requirements file Docksmith cannot tell, and says nothing.',
      why: 'Projects run uvicorn or `fastapi run` in development and seldom list gunicorn. An image whose CMD runs gunicorn without it installed exits at once with "executable file not found": the deployment never becomes healthy.',
      example: '# pyproject.toml: dependencies = ["fastapi"]\nCMD ["gunicorn", "app.main:app", "--worker-class", "uvicorn.workers.UvicornWorker"]',
      useInstead: '# pyproject.toml: dependencies = ["fastapi", "gunicorn", "uvicorn"]\nCMD ["gunicorn", "app.main:app", "--worker-class", "uvicorn.workers.UvicornWorker"]',
    },
  },
  check({ a, report }) {
    const py = a.facts.python;
    const inv = a.invocation();
    const stage = a.final;
    if (!py || !inv || inv.kind !== 'gunicorn' || !stage) return;
    if (!py.dependencies.length && !py.lock) return; // nothing declared anywhere: no basis to judge
    const installs = a.model.stages.filter((s) => a.feedsImage(s)).flatMap((s) => a.runs(s).flatMap((r) => a.depInstalls(r)));
    if (!installs.length) return; // the image installs nothing Docksmith can see: the server may come from the base image
    // a workspace member's dependencies are in its own pyproject.toml: only the lock tells what it brings
    const members = workspacePackages(installs);
    if (!py.lock && members.length) return;
    const groups = installedGroups(installs, members);
    const named = new Set(installs.flatMap((i) => i.args.map((w) => requirementWordName(w.value).replace(/[-_.]+/g, '-'))));
    const has = (pkg: string) => named.has(pkg)
      || py.dependencies.some((d) => d.name === pkg && groups(d.group))
      || !!py.lock?.packages.some((p) => p.name === pkg && p.groups.some(groups));
    const wanted: { pkg: string; why: string }[] = [];
    if (!has('gunicorn')) wanted.push({ pkg: 'gunicorn', why: 'the command runs gunicorn' });
    const wc = a.gunicornSetting('worker-class');
    const cls = wc.option ? optionValue(wc.option) : confString(wc.conf);
    if (cls?.startsWith('uvicorn_worker.') && !has('uvicorn-worker')) wanted.push({ pkg: 'uvicorn-worker', why: `the worker class ${cls} comes from it` });
    else if (cls?.startsWith('uvicorn.workers.') && !has('uvicorn')) wanted.push({ pkg: 'uvicorn', why: `the worker class ${cls} comes from it` });
    if (!wanted.length) return;
    const names = wanted.map((w) => w.pkg);
    const declared = a.facts.pyprojectPath ? 'pyproject.toml' : 'the requirements';
    const what = `The image runs gunicorn, but nothing installs ${names.map((n) => `\`${n}\``).join(' or ')} (${wanted.map((w) => w.why).join('; ')})`;
    report({
      ...programSpan(inv),
      // the workspace member's pyproject.toml is not the one beside the Dockerfile: no edit to guess
      fix: members.length ? undefined : addDependencies(a, names),
      message: members.length
        ? `${what}: the lock does not bring ${names.length > 1 ? 'them' : 'it'} for the workspace member${members.length > 1 ? 's' : ''} the Dockerfile installs (\`--package ${members.join('`, `--package ')}\`), so the container exits at start. Add ${names.join(' and ')} to the [project].dependencies of ${members.join(' or ')} and run \`uv lock\`.`
        : `${what}: ${declared}${py.lock ? ' and the lock do' : ' does'} not bring ${names.length > 1 ? 'them' : 'it'} for what the Dockerfile installs, so the container exits at start. Add ${names.join(' and ')} to [project].dependencies and run \`uv lock\`.`,
    });
  },
});

/** The value of the option at `args[k]`: `--opt=value` or `--opt value`. */
function flagValue(args: string[], k: number): string | undefined {
  return args[k].includes('=') ? args[k].slice(args[k].indexOf('=') + 1) : args[k + 1];
}

/** The workspace members `uv sync --package <name>` installs instead of the root project. */
function workspacePackages(installs: DepInstall[]): string[] {
  const out = new Set<string>();
  for (const i of installs) {
    if (i.kind !== 'uv-sync') continue;
    const args = i.args.map((w) => w.value);
    args.forEach((x, k) => { if (/^--package(=|$)/.test(x)) { const v = flagValue(args, k); if (v) out.add(v); } });
  }
  return [...out];
}

/** Which dependency groups the Dockerfile's installs bring (`main` always, unless only workspace members are installed). */
function installedGroups(installs: DepInstall[], packages: string[]): (group: string) => boolean {
  const groups = new Set<string>(['main']);
  let all = false;
  let allPackages = false;
  for (const i of installs) {
    const args = i.args.map((w) => w.value);
    if (i.kind === 'uv-sync') {
      // uv sync installs the default groups (dev) unless told otherwise
      if (!args.some((x) => /^--(no-dev|only-group|no-default-groups)$/.test(x))) groups.add('group:dev');
      args.forEach((x, k) => {
        if (/^--extra(=|$)/.test(x)) groups.add(`extra:${flagValue(args, k)}`);
        if (/^--(group|only-group)(=|$)/.test(x)) groups.add(`group:${flagValue(args, k)}`);
        if (x === '--all-extras' || x === '--all-groups') all = true;
        if (x === '--all-packages') allPackages = true;
      });
    } else if (i.kind === 'pip' || i.kind === 'uv-pip') {
      // `-r requirements-dev.txt` brings that file's group; `.[extra]` its extras
      args.forEach((x, k) => {
        if (x === '-r' || x === '--requirement') { const f = args[k + 1] ?? ''; const m = /(dev|test|lint|doc)/i.exec(f); if (m) groups.add(`group:${m[1].toLowerCase()}`); }
        const extra = /^\.?\[([^\]]+)\]$/.exec(x.replace(/^\.\//, '.'));
        if (extra) extra[1].split(',').forEach((e) => groups.add(`extra:${e.trim()}`));
      });
    } else {
      all = true; // poetry/pdm/pipenv/conda: their own group flags; do not guess a narrower set
    }
  }
  // `uv sync --package <member>` installs that member and its closure instead of the root project:
  // the root's dependencies, extras and groups do not count then (--all-packages installs them all)
  const members = packages.map((m) => `package:${normalizeName(m)}`);
  if (members.length && !allPackages) return (g) => all || members.includes(g);
  return (g) => all || groups.has(g) || (allPackages && g.startsWith('package:'));
}

/** `"gunicorn",` added to [project].dependencies of the pyproject.toml (the array created when there is none). */
function addDependencies(a: Analysis, names: string[]): { title: string; safe: boolean; edits: []; otherFiles: FileEdit[] } | undefined {
  const path = a.facts.pyprojectPath;
  const text = a.facts.pyprojectText;
  if (!path || text === undefined) return undefined;
  const edit = addDependenciesEdit(path, text, names);
  return edit ? { title: addDependenciesTitle(names), safe: false, edits: [], otherFiles: [edit] } : undefined;
}
