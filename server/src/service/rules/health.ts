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

export function standardHealthcheck(a: Analysis, stage: Stage): string {
  const url = `http://localhost:${a.standard.port.value}${a.standard.healthPath.value}`;
  return `HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 ${a.model.escape}${a.newline}  ${urllibCmd(pythonExe(a, stage), url, 4)}`;
}
