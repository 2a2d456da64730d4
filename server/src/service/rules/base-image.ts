import { RuleContext, defineRule } from './rule';
import { Stage, isPythonImage, parseImageRef } from '../model';
import { Analysis } from '../analysis';
import { OffsetEdit } from '../types';
import { BUILD_TOOL, packageName } from '../commands';


export interface TagVerdict { problem: string; fixedTag?: (raw: string) => string | undefined; keepsVersion?: boolean }

/** Judge a resolved python image tag; undefined when it follows the standard. */
export function judgePythonTag(tag: string | undefined, digest: boolean, python: string): TagVerdict | undefined {
  if (tag === undefined) {
    if (digest) return undefined;
    return { problem: 'untagged (it means `latest`: whatever Python is newest, on the ~1 GB full image)', fixedTag: () => `${python}-slim` };
  }
  if (tag === 'latest') return { problem: '`latest`: unpinned, and the ~1 GB full image', fixedTag: () => `${python}-slim` };
  const m = /^(\d+)(?:\.(\d+))?(?:\.\d+)?(?:(?:a|b|rc)\d+)?(-.*)?$/.exec(tag);
  if (!m) {
    // variant-only tags: `slim`, `alpine`, `bookworm`…
    return { problem: `\`${tag}\` without a Python version (it follows the newest Python)`, fixedTag: () => `${python}-slim` };
  }
  const variant = m[3] ?? '';
  const version = tag.slice(0, tag.length - variant.length);
  if (!m[2]) return { problem: `major-only \`${tag}\` (the Python minor changes under you)`, fixedTag: () => `${python}-slim` };
  if (/^-alpine/.test(variant)) return { problem: '`alpine` (musl: no manylinux wheels, slow and fragile builds)', fixedTag: () => `${version}-slim`, keepsVersion: true };
  if (/^-(windowsservercore|nanoserver)/.test(variant)) return undefined;
  if (/(^|-)slim(-|$)/.test(variant.slice(1))) return undefined; // -slim, -slim-bookworm, -bookworm-slim
  return { problem: `the full image \`${tag}\` (~1 GB with compilers)`, fixedTag: () => `${version}-slim${variant}`, keepsVersion: true };
}

function fixEdit(a: Analysis, stage: Stage, fixed: string, keepsVersion: boolean, literalOnly = false): OffsetEdit | undefined {
  // Edit the literal text of the FROM's image: tag part when it is written out, else append.
  const from = stage.from;
  const raw = stage.imageRaw;
  const at = a.model.text.indexOf(raw, from.argsStart);
  if (at < 0 || at > from.end) return undefined;
  const digest = raw.indexOf('@');
  const ref = digest < 0 ? raw : raw.slice(0, digest);
  const colon = ref.lastIndexOf(':');
  const hasTag = colon > ref.lastIndexOf('/');
  const rawTag = hasTag ? ref.slice(colon + 1) : undefined;
  // the whole reference is a variable (`FROM ${BASE_IMAGE}`): its ARG default is where to change it
  if (rawTag === undefined) return ref.includes('$') ? undefined : { start: at + ref.length, end: at + ref.length, newText: `:${fixed}` };
  const tagStart = at + colon + 1;
  if (!rawTag.includes('$')) return { start: tagStart, end: tagStart + rawTag.length, newText: fixed };
  if (literalOnly) return undefined; // the version comes from an ARG: its default is where to change it
  // ARG-built tag: keep the variable, adjust the literal variant (`${PY}` → `${PY}-slim`, `${PY}-alpine` → `${PY}-slim`).
  if (!keepsVersion) return undefined;
  const lit = /^(\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*)(.*)$/.exec(rawTag);
  if (!lit || lit[2].includes('$')) return undefined;
  const variant = fixed.replace(/^[0-9.]+/, '');
  if (!variant.startsWith('-slim')) return undefined;
  return { start: tagStart + lit[1].length, end: tagStart + rawTag.length, newText: variant };
}

/**
 * A stage that installs Python dependencies but no compilers may rely on the full image's gcc:
 * switching it to slim is then a change to review, not a fix to apply on save.
 */
function mayNeedCompilers(a: Analysis, stage: Stage): boolean {
  const runs = a.runs(stage);
  const installsDeps = runs.some((r) => a.depInstalls(r).length > 0);
  const installsCompilers = runs.some((r) => a.run(r).packages.some((p) => p.action === 'install' && p.packages.some((w) => BUILD_TOOL.test(packageName(w.value)))));
  return installsDeps && !installsCompilers;
}

export default defineRule({
  meta: {
    name: 'base-image',
    severity: 'warning',
    fix: 'safe',
    docs: {
      summary: 'Python stages build FROM a pinned `python:3.X-slim` image.',
      whatItDoes: 'Checks every stage FROM the official python image (tags built from ARGs are resolved first): full images, `-alpine`, untagged, `latest` and major-only tags are reported, and so is a Python minor other than the project\'s (the standard\'s 3.11, else `python` in `[tool.docksmith]`, else the lowest minor `requires-python` allows when it excludes 3.11; an error when `requires-python` excludes the image\'s minor). Distro suffixes, patch pins and digests are fine. A runtime that does not start from the official image (uv\'s image, an OS image, distroless, tiangolo) is reported with what that base means. The fix is applied on save, except in a builder stage that installs Python dependencies without installing compilers itself: it may rely on the full image\'s gcc, so there the fix is a quick fix to review.',
      why: 'The full image is ~1 GB of compilers and tools; alpine uses musl, so manylinux wheels do not install and builds compile from source; untagged, `latest` and `3-slim` change Python under you on the next pull.',
      example: 'FROM python:3.11 AS builder',
      useInstead: 'FROM python:3.11-slim AS builder',
      references: [{ title: 'The official python image and its tags', url: 'https://hub.docker.com/_/python' }],
    },
  },
  check({ a, report }) {
    const want = a.standard.python.value;
    const runtimeRoot = a.final?.root;
    for (const stage of a.model.stages) {
      if (stage.parent || stage.image === undefined || !a.feedsImage(stage)) continue;
      const image = stage.image;
      const { name, tag, digest } = parseImageRef(image);
      if (!isPythonImage(name)) {
        if (stage === runtimeRoot) reportForeignRuntime(a, stage, name, tag, report);
        continue;
      }
      const verdict = judgePythonTag(tag, digest, want);
      // The Python minor, when the tag names one other than the project's
      const minor = tag !== undefined ? /^(\d+\.\d+)(?:[.\-]|$|a|b|rc)/.exec(tag)?.[1] : undefined;
      const wrongMinor = minor !== undefined && minor !== want ? minor : undefined;
      if (!verdict && !wrongMinor) continue;
      const allowed = a.standard.pythonAllowed;
      const excluded = !!wrongMinor && !!allowed && !allowed.minors.includes(wrongMinor);
      const minorWhy = wrongMinor && `Python ${wrongMinor}: ${excluded ? `requires-python "${allowed!.spec}" excludes it` : `the project's Python is ${want} (${a.standard.python.source})`}`;
      // One finding per FROM, one fix for everything wrong with the tag. A change of Python minor is for review.
      let fixedTag = verdict?.fixedTag?.(tag ?? '');
      if (wrongMinor) {
        const variant = (fixedTag ?? tag!).replace(/^\d+(\.\d+){0,2}((a|b|rc)\d+)?/, '');
        fixedTag = `${want}${/(^|-)slim(-|$)/.test(variant.slice(1)) ? variant : '-slim'}`;
      }
      const edit = fixedTag ? fixEdit(a, stage, fixedTag, !!verdict?.keepsVersion || !!wrongMinor, !!wrongMinor) : undefined;
      report({
        start: stage.from.start, end: stage.from.end, severity: excluded ? 'error' : undefined,
        // Safe on save only when the Python version and the libc stay what they were: full → slim of the same
        // version, where nothing is compiled. An unpinned, major-only or alpine tag changes more than the size.
        fix: edit && { title: wrongMinor ? `Use Python ${want} (${name}:${fixedTag})` : `Use ${name}:${fixedTag}`,
          safe: !wrongMinor && !!verdict?.keepsVersion && !/alpine/.test(tag ?? '') && !mayNeedCompilers(a, stage), edits: [edit] },
        message: verdict
          ? `Base image ${image} is ${verdict.problem}${minorWhy ? `; and ${minorWhy}` : ''}. The standard is a pinned slim image: \`${name}:${fixedTag ?? `${want}-slim`}\`.`
          : `${minorWhy}. Build on \`python:${want}-slim\`, the same minor in every stage.`,
      });
    }
  },
});

/** What to say about a runtime that does not start from the official python image. */
function reportForeignRuntime(a: Analysis, stage: Stage, name: string, tag: string | undefined, report: RuleContext['report']): void {
  const want = `python:${a.standard.python.value}-slim`;
  const at = { start: stage.from.start, end: stage.from.end };
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (/(^|\/)astral-sh\/uv$/.test(name)) {
    report({ ...at, message: `The runtime starts from uv's image (${tag ?? 'latest'}): uv and a python-build-standalone Python, not the official image. The standard runtime is \`${want}\`; uv belongs in the builder, and the runtime gets only the virtualenv.` });
  } else if (/^tiangolo\//.test(name)) {
    report({ ...at, message: `The runtime starts from ${name}, which its author has deprecated: the server command and its settings live in the image's /start.sh and gunicorn_conf.py, out of sight of reviewers. The standard is \`${want}\` with the gunicorn command in this Dockerfile.` });
  } else if (/distroless\/python/.test(name)) {
    report({ ...at, message: `The runtime starts from distroless Python: Debian's python3, whose minor follows the distroless release rather than the project, and no shell for HEALTHCHECK or debugging. The standard runtime is \`${want}\`.` });
  } else if (/^(debian|ubuntu|alpine|amazonlinux|rockylinux|almalinux|centos|fedora|redhat\/ubi\d*(-minimal)?|ubi\d*)$/.test(name.replace(/^(docker\.io\/|library\/)+/, ''))) {
    report({ ...at, message: `The runtime starts from the OS image ${base}${tag ? `:${tag}` : ''}: its Python comes from the distribution's packages, so its version follows the distro, not the project. The standard runtime is \`${want}\`.` });
  } else if (name !== 'scratch') {
    report({ ...at, uncertain: true, message: `The runtime starts from ${name}${tag ? `:${tag}` : ''}, not the official python image: Docksmith cannot see which Python it has. The standard runtime is \`${want}\`.` });
  }
}
