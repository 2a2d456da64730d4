// `# docksmith ignore=rule-a,rule-b` (silences the next instruction) and
// `# docksmith global ignore=rule-a` (silences the whole file). Unknown names are findings too.

import { DockerfileModel } from './model';
import { Finding } from './types';

export interface PragmaName { name: string; start: number; end: number; global: boolean }

export interface Pragmas {
  global: Set<string>;
  /** Instruction start offset → silenced rules. */
  byInstr: Map<number, Set<string>>;
  names: PragmaName[];
  problems: Finding[];
}

const PRAGMA = /^[ \t]*#[ \t]*docksmith[ \t]+(global[ \t]+)?ignore[ \t]*=[ \t]*([^\r\n]*)/gm;

export function readPragmas(model: DockerfileModel, known: ReadonlySet<string>): Pragmas {
  const result: Pragmas = { global: new Set(), byInstr: new Map(), names: [], problems: [] };
  const text = model.text;
  if (!text.includes('docksmith')) return result;
  PRAGMA.lastIndex = 0;
  let m: RegExpExecArray | null;
  let next = 0; // index into model.instrs, advanced monotonically
  while ((m = PRAGMA.exec(text))) {
    const lineStart = m.index;
    const global = !!m[1];
    // A comment inside an instruction (heredoc body, continuation) is not a pragma.
    while (next < model.instrs.length && model.instrs[next].end <= lineStart) next++;
    const instr = model.instrs[next];
    if (instr && instr.start < lineStart) continue;
    const listStart = m.index + m[0].length - m[2].length;
    const list = m[2].replace(/[ \t]+#.*$/, '');
    let pos = 0;
    const names: string[] = [];
    for (const part of list.split(',')) {
      const name = part.trim();
      const at = listStart + pos + part.indexOf(name);
      pos += part.length + 1;
      if (!name) continue;
      const entry = { name, start: at, end: at + name.length, global };
      result.names.push(entry);
      if (!known.has(name)) {
        result.problems.push({ rule: 'invalid-pragma', start: entry.start, end: entry.end, severity: 'warning',
          message: `Unknown rule "${name}" in docksmith pragma: it silences nothing. Known rules: ${[...known].sort().join(', ')}.` });
        continue;
      }
      names.push(name);
    }
    if (global) names.forEach((n) => result.global.add(n));
    else if (instr) {
      const set = result.byInstr.get(instr.start) ?? new Set<string>();
      names.forEach((n) => set.add(n));
      result.byInstr.set(instr.start, set);
    }
  }
  return result;
}

/** Is the finding silenced? Findings belong to the instruction their start offset lies in. */
export function isSilenced(p: Pragmas, model: DockerfileModel, f: Finding): boolean {
  if (p.global.has(f.rule)) return true;
  if (!p.byInstr.size) return false;
  const instr = instrAt(model, f.start);
  return !!instr && !!p.byInstr.get(instr.start)?.has(f.rule);
}

export function instrAt(model: DockerfileModel, offset: number) {
  const list = model.instrs;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].end < offset) lo = mid + 1;
    else if (list[mid].start > offset) hi = mid - 1;
    else return list[mid];
  }
  return undefined;
}
