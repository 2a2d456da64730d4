// Text edits to a pyproject.toml, shared by the installed-server quick fix and the scaffold (which
// returns them as data: neither writes anything).

import { FileEdit } from '../types';
import { eolOf, tomlKeyLine } from '../text';

/**
 * `"gunicorn",` added to [project].dependencies of the pyproject.toml at `path` (the array created
 * when there is none). Undefined when the text has no [project] table.
 */
export function addDependenciesEdit(path: string, text: string, names: string[]): FileEdit | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  const nl = eolOf(text);
  const header = lines.findIndex((l) => /^\s*\[\s*project\s*\]\s*(#.*)?$/.test(l));
  if (header < 0) return undefined;
  let end = lines.length;
  for (let k = header + 1; k < lines.length; k++) if (/^\s*\[/.test(lines[k])) { end = k; break; }
  const quoted = names.map((n) => `"${n}"`);
  for (let k = header + 1; k < end; k++) {
    const m = /^(\s*dependencies\s*=\s*\[)(.*)$/.exec(lines[k]);
    if (!m) continue;
    const rest = m[2];
    const at = { line: k, character: m[1].length };
    // one-line array (`dependencies = ["fastapi"]`) or the first line of a multi-line one
    const newText = /^\s*\]/.test(rest) ? quoted.join(', ') : /^\s*$/.test(rest) ? `${nl}    ${quoted.join(`,${nl}    `)},` : `${quoted.join(', ')}, `;
    return { path, edits: [{ start: at, end: at, newText }] };
  }
  const at = { line: header, character: lines[header].length };
  return { path, edits: [{ start: at, end: at, newText: `${nl}dependencies = [${quoted.join(', ')}]` }] };
}

/**
 * Sets `key = value` (value already TOML) under [tool.docksmith]: after its header, or in a new table
 * at the end. Undefined when the key is already set or the table is written inline (`docksmith = {…}`).
 */
export function setDocksmithKeyEdit(path: string, text: string, key: string, value: string): FileEdit | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  const nl = eolOf(text);
  if (/^\s*docksmith\s*=/m.test(text) || /^\s*tool\.docksmith\s*=/m.test(text)) return undefined;
  const header = lines.findIndex((l) => /^\s*\[\s*tool\s*\.\s*docksmith\s*\]\s*(#.*)?$/.test(l));
  if (header >= 0) {
    const keyRe = tomlKeyLine(key);
    for (let k = header + 1; k < lines.length && !/^\s*\[/.test(lines[k]); k++) if (keyRe.test(lines[k])) return undefined;
    const at = { line: header, character: lines[header].length };
    return { path, edits: [{ start: at, end: at, newText: `${nl}${key} = ${value}` }] };
  }
  const last = lines.length - 1;
  const at = { line: last, character: lines[last].length };
  const lead = lines[last] === '' ? (last > 0 && lines[last - 1].trim() !== '' ? nl : '') : nl + nl;
  return { path, edits: [{ start: at, end: at, newText: `${lead}[tool.docksmith]${nl}${key} = ${value}${nl}` }] };
}

/** The title of that edit, as quick fixes and the scaffold show it. */
export function addDependenciesTitle(names: string[]): string {
  return `Add ${names.join(' and ')} to [project].dependencies`;
}
