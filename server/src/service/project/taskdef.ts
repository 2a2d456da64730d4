// An ECS task definition (JSON) read with exact positions: the input of `aws ecs
// register-task-definition` (containerDefinitions at the top level) or the output of
// `describe-task-definition` (under `taskDefinition`). Pure: text in, facts out; never throws.

import { parseTree, printParseErrorCode } from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';
import { Positions, withoutBom } from './positions';
import type { ContainerDefinition, FileProblem, Located, Span, TaskDefinition } from './types';

/** At most this many problems are reported (a generated file could otherwise yield one per element). */
const MAX_PROBLEMS = 50;

/** Deeper JSON is not read (jsonc-parser recurses per level; task definitions nest about 6 deep). */
export const MAX_JSON_DEPTH = 200;

/**
 * Reads a task definition. Undefined when the text is valid JSON but not a task definition (no
 * `containerDefinitions` array at the top level or under `taskDefinition`).
 *
 * Spans are those of the value of each key; `keys` maps each key of an object to the span of the
 * quoted key. A leading byte order mark is not counted in positions (editors hide it).
 *
 * Invalid JSON yields a TaskDefinition with `malformed: true` and one problem at the first error,
 * plus whatever the tree holds before it (containers, cpu), without any other problem. Otherwise
 * problems are: a container definition without `name` (at its `{`), a value of the wrong type
 * (at the value), a `cpu` that is not a CPU value (at the value; `cpu` then undefined).
 */
export function parseTaskDefinition(text: string): TaskDefinition | undefined {
  try {
    return read(withoutBom(String(text)));
  } catch (e) {
    return { containers: [], problems: [{ message: `The task definition could not be read (${e instanceof Error ? e.message : String(e)}).`, span: zero() }], malformed: true };
  }
}

function zero(): Span { return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }; }

function read(text: string): TaskDefinition | undefined {
  const pos = new Positions(text);
  const tooDeep = nestingBeyond(text, MAX_JSON_DEPTH);
  if (tooDeep >= 0) {
    return { containers: [], problems: [{ message: `The JSON nests more than ${MAX_JSON_DEPTH} levels deep here; it was not read as a task definition.`, span: pos.span(tooDeep, tooDeep + 1) }], malformed: true };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const malformed = errors.length > 0;

  let task: Node | undefined;
  if (root?.type === 'object') {
    const top = properties(root);
    const inner = top.get('taskDefinition')?.value;
    if (top.get('containerDefinitions')?.value?.type === 'array') task = root;
    else if (inner?.type === 'object' && properties(inner).get('containerDefinitions')?.value?.type === 'array') task = inner;
    else if (malformed) task = inner?.type === 'object' ? inner : root;
  }
  if (!task && !malformed) return undefined;

  const r = new Reader(text, pos);
  const td: TaskDefinition = { containers: [], problems: [] };
  if (task) readTask(r, task, td);
  if (malformed) {
    td.problems = [syntaxProblem(text, pos, errors[0])];
    td.malformed = true;
  } else {
    td.problems = r.problems.sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.character - b.span.start.character);
  }
  return td;
}

function readTask(r: Reader, task: Node, td: TaskDefinition): void {
  const props = properties(task);
  td.span = r.span(task);
  td.keys = keySpans(r, props);
  const family = r.string(props.get('family')?.value, 'family');
  if (family) td.family = family;
  const cpu = r.cpu(props.get('cpu')?.value);
  if (cpu) td.cpu = cpu;
  const defs = props.get('containerDefinitions')?.value;
  if (defs?.type !== 'array') return;
  (defs.children ?? []).forEach((c, i) => {
    const path = `containerDefinitions[${i}]`;
    if (c.type !== 'object') { r.wrongType(c, path, 'an object'); return; }
    td.containers.push(readContainer(r, c, path));
  });
}

function readContainer(r: Reader, obj: Node, path: string): ContainerDefinition {
  const props = properties(obj);
  const v = (key: string) => props.get(key)?.value;
  const at = (key: string) => `${path}.${key}`;
  const keySpan = r.span(obj, 1);
  const c: ContainerDefinition = { span: r.span(obj), portMappings: [], environment: new Map(), keySpan, keys: keySpans(r, props) };
  const name = r.string(v('name'), at('name'));
  if (name) c.name = name;
  else if (!v('name') || v('name')?.type === 'null') r.problem(`${path} has no "name".`, keySpan);
  set(c, 'image', r.string(v('image'), at('image')));
  set(c, 'essential', r.boolean(v('essential'), at('essential')));
  set(c, 'user', r.string(v('user'), at('user')));
  set(c, 'stopTimeout', r.integer(v('stopTimeout'), at('stopTimeout'), 'a whole number of seconds'));
  set(c, 'entryPoint', r.strings(v('entryPoint'), at('entryPoint')));
  set(c, 'command', r.strings(v('command'), at('command')));

  const hc = v('healthCheck');
  if (hc && hc.type !== 'null') {
    if (hc.type !== 'object') r.wrongType(hc, at('healthCheck'), 'an object');
    else {
      const hp = properties(hc);
      const h: NonNullable<ContainerDefinition['healthCheck']> = { span: r.span(hc), keys: keySpans(r, hp) };
      const hv = (key: string) => hp.get(key)?.value;
      const hat = (key: string) => `${at('healthCheck')}.${key}`;
      set(h, 'command', r.strings(hv('command'), hat('command')));
      for (const k of ['interval', 'timeout', 'retries', 'startPeriod'] as const) {
        set(h, k, r.integer(hv(k), hat(k), k === 'retries' ? 'a whole number' : 'a whole number of seconds'));
      }
      c.healthCheck = h;
    }
  }

  const pm = r.array(v('portMappings'), at('portMappings'));
  pm?.forEach((m, i) => {
    const mp = `${at('portMappings')}[${i}]`;
    if (m.type !== 'object') { r.wrongType(m, mp, 'an object'); return; }
    const port = r.integer(properties(m).get('containerPort')?.value, `${mp}.containerPort`, 'a port number');
    if (port) c.portMappings.push({ containerPort: port, span: r.span(m) });
  });

  const env = r.nameValues(v('environment'), at('environment'), 'value');
  if (env) c.environment = env;
  const secrets = r.nameValues(v('secrets'), at('secrets'), 'valueFrom');
  if (secrets) c.secrets = secrets;
  return c;
}

/** Sets an optional field only when there is a value (keeps objects free of `undefined` keys). */
function set<T extends object, K extends keyof T>(o: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) o[key] = value;
}

interface Property { key: Node; value?: Node }

/** The properties of an object node by name; a key written twice: the last one, as JSON.parse does. */
function properties(obj: Node): Map<string, Property> {
  const m = new Map<string, Property>();
  for (const p of obj.children ?? []) {
    const key = p.children?.[0];
    if (p.type !== 'property' || !key || typeof key.value !== 'string') continue;
    m.set(key.value, { key, value: p.children?.[1] });
  }
  return m;
}

function keySpans(r: Reader, props: Map<string, Property>): Map<string, Span> {
  const m = new Map<string, Span>();
  for (const [k, p] of props) m.set(k, r.span(p.key));
  return m;
}

/** Converts nodes to located values, collecting a problem for each value of the wrong type. */
class Reader {
  readonly problems: FileProblem[] = [];
  constructor(private readonly text: string, private readonly pos: Positions) {}

  span(n: Node, length = n.length): Span { return this.pos.span(n.offset, n.offset + length); }
  problem(message: string, span: Span): void { if (this.problems.length < MAX_PROBLEMS) this.problems.push({ message, span }); }

  wrongType(n: Node, path: string, expected: string): void {
    if (this.problems.length >= MAX_PROBLEMS) return;
    this.problem(`${path} must be ${expected}, not ${describe(n, this.text)}.`, this.span(n));
  }

  /** A present, non-null value; `null` counts as absent. */
  private present(n: Node | undefined): n is Node { return !!n && n.type !== 'null'; }

  string(n: Node | undefined, path: string): Located<string> | undefined {
    if (!this.present(n)) return undefined;
    if (n.type !== 'string') { this.wrongType(n, path, 'a string'); return undefined; }
    return { value: n.value as string, span: this.span(n) };
  }

  boolean(n: Node | undefined, path: string): Located<boolean> | undefined {
    if (!this.present(n)) return undefined;
    if (n.type !== 'boolean') { this.wrongType(n, path, 'true or false'); return undefined; }
    return { value: n.value as boolean, span: this.span(n) };
  }

  integer(n: Node | undefined, path: string, expected: string): Located<number> | undefined {
    if (!this.present(n)) return undefined;
    if (n.type !== 'number' || !Number.isInteger(n.value)) { this.wrongType(n, path, expected); return undefined; }
    return { value: n.value as number, span: this.span(n) };
  }

  array(n: Node | undefined, path: string): Node[] | undefined {
    if (!this.present(n)) return undefined;
    if (n.type !== 'array') { this.wrongType(n, path, 'an array'); return undefined; }
    return n.children ?? [];
  }

  strings(n: Node | undefined, path: string): Located<string[]> | undefined {
    const items = this.array(n, path);
    if (!items || !n) return undefined;
    const bad = items.findIndex((x) => x.type !== 'string');
    if (bad >= 0) { this.wrongType(items[bad], `${path}[${bad}]`, 'a string'); return undefined; }
    return { value: items.map((x) => x.value as string), span: this.span(n) };
  }

  /** `[{ "name": …, "<valueKey>": … }]` → name → value (the value's span); a name twice: the last. */
  nameValues(n: Node | undefined, path: string, valueKey: string): Map<string, Located<string>> | undefined {
    const items = this.array(n, path);
    if (!items) return undefined;
    const m = new Map<string, Located<string>>();
    items.forEach((e, i) => {
      const ep = `${path}[${i}]`;
      if (e.type !== 'object') { this.wrongType(e, ep, 'an object with "name" and "' + valueKey + '"'); return; }
      const props = properties(e);
      const name = this.string(props.get('name')?.value, `${ep}.name`);
      const value = this.string(props.get(valueKey)?.value, `${ep}.${valueKey}`);
      if (name && value) m.set(name.value, value);
    });
    return m;
  }

  /** Task-level `cpu` in vCPU: units (1024 or "1024") or "1 vCPU" / "0.5 vcpu". */
  cpu(n: Node | undefined): Located<number> | undefined {
    if (!this.present(n)) return undefined;
    const fail = () => {
      this.problem(`cpu must be CPU units ("1024") or vCPU ("1 vCPU"), not ${describe(n, this.text)}.`, this.span(n));
      return undefined;
    };
    let vcpu: number | undefined;
    if (n.type === 'number') vcpu = (n.value as number) / 1024;
    else if (n.type === 'string') {
      const s = (n.value as string).trim();
      const v = /^(\d+(?:\.\d*)?|\.\d+)\s*vcpus?$/i.exec(s);
      if (v) vcpu = parseFloat(v[1]);
      else if (/^\d+$/.test(s)) vcpu = parseInt(s, 10) / 1024;
    }
    if (vcpu === undefined || !Number.isFinite(vcpu) || vcpu <= 0) return fail();
    return { value: vcpu, span: this.span(n) };
  }
}

/** A value in words for messages: `the string "30"`, `a number (1.5)`, `an object`. */
function describe(n: Node, text: string): string {
  switch (n.type) {
    case 'string': {
      const s = JSON.stringify(n.value);
      return `the string ${s.length > 40 ? s.slice(0, 37) + '…"' : s}`;
    }
    case 'number': return `the number ${text.slice(n.offset, n.offset + Math.min(n.length, 30))}`;
    case 'boolean': return String(n.value);
    case 'null': return 'null';
    case 'array': return 'an array';
    case 'object': return 'an object';
    default: return 'that';
  }
}

const ERROR_WORDS: Record<string, string> = {
  InvalidSymbol: 'unexpected text',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after the property name",
  CommaExpected: 'expected a comma',
  CloseBraceExpected: "expected '}' to close the object",
  CloseBracketExpected: "expected ']' to close the array",
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'incomplete number',
  InvalidUnicode: 'invalid \\u escape in a string',
  InvalidEscapeCharacter: 'invalid escape in a string',
  InvalidCharacter: 'control character in a string (it must be escaped)',
};

function syntaxProblem(text: string, pos: Positions, e: ParseError): FileProblem {
  const name = printParseErrorCode(e.error);
  let words = ERROR_WORDS[name] ?? 'invalid JSON';
  let start = e.offset;
  let end = e.offset + Math.max(0, e.length);
  const token = text.slice(start, end);
  if (name === 'InvalidSymbol' && token.length > 0 && token.length <= 30 && !/[\r\n]/.test(token)) words = `unexpected ${JSON.stringify(token)}`;
  if (text.length === 0 || /^\s*$/.test(text)) words = 'the file is empty';
  // A trailing comma: jsonc-parser reports the bracket after it; the comma is the mistake.
  if ((name === 'PropertyNameExpected' || name === 'ValueExpected') && (text[start] === '}' || text[start] === ']')) {
    let j = start - 1;
    while (j >= 0 && /\s/.test(text[j])) j--;
    if (text[j] === ',') { words = 'a trailing comma is not allowed in JSON'; start = j; end = j + 1; }
  }
  if (start >= text.length && text.length > 0) words += ' (the file ends here)';
  return { message: `Invalid JSON: ${words}.`, span: pos.span(start, end) };
}

/** Offset of the first bracket that opens level `limit + 1` (strings and comments skipped), or -1. */
function nestingBeyond(text: string, limit: number): number {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // "
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22 || d === 10 || d === 13) break;
      }
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) { // //
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) { // /*
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 1;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    }
  }
  return -1;
}
