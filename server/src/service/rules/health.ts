// Shared by healthcheck and healthcheck-tool: the effective HEALTHCHECK and the standard's
// urllib command for it.

import { Analysis } from '../analysis';
import { Instr, Stage, isPythonImage, parseImageRef } from '../model';

export function effectiveHealthcheck(a: Analysis, stage: Stage): Instr | undefined {
  let last: Instr | undefined;
  for (const i of a.model.chainInstrs(stage)) if (i.keyword === 'HEALTHCHECK') last = i;
  return last;
}

export function isNone(a: Analysis, hc: Instr): boolean {
  const src = a.model.logical(hc);
  return /^NONE\s*$/i.test(src.text.slice(a.model.flags(hc).rest).trim());
}

/** Python of the image: `python` in python images, `python3` elsewhere (distroless). */
export function pythonExe(a: Analysis, stage: Stage): string {
  const image = a.model.rootImage(stage);
  return image !== undefined && isPythonImage(parseImageRef(image).name) ? 'python' : 'python3';
}

export function urllibCmd(python: string, url: string, timeout: number): string {
  return `CMD ["${python}", "-c", "import urllib.request; urllib.request.urlopen('${url.replace(/["'\\]/g, '')}', timeout=${timeout})"]`;
}

/** The path a new HEALTHCHECK probes: the configured one, else a health route the app serves, else the standard's. */
export function healthPathFor(a: Analysis): string {
  const hp = a.standard.healthPath;
  const py = a.facts.python;
  if (hp.source !== 'the standard' || !py?.routesComplete) return hp.value;
  const served = py.routes.find((r) => /(^|\/)(health|healthz|livez|ping)\/?$/i.test(r.path) && !/[{<]/.test(r.path) && !r.conditional);
  return served?.path ?? hp.value;
}

export function standardHealthcheck(a: Analysis, stage: Stage): string {
  const url = `http://localhost:${a.standard.port.value}${healthPathFor(a)}`;
  return `HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 ${a.model.escape}${a.newline}  ${urllibCmd(pythonExe(a, stage), url, 4)}`;
}
