import { defineRule } from './rule';
import { CommandInstr, effectiveCommands, isShellDashC, readCommandInstr } from '../gunicorn';
import { ASSIGNMENT, findProgram } from '../commands';
import { Script, parseShell } from '../shell';
import { OffsetEdit } from '../types';
import { Source, applyEdits, endOffset } from '../text';
import { Analysis } from '../analysis';
import { DockerfileModel, Instr } from '../model';
import { parseJsonArray } from '../shell';

export default defineRule({
  meta: {
    name: 'exec-form',
    severity: 'warning',
    fix: 'safe',
    docs: {
      summary: 'CMD and ENTRYPOINT must use exec form so the server is PID 1 and receives SIGTERM.',
      whatItDoes: 'Checks the final stage\'s CMD/ENTRYPOINT: shell form (`CMD gunicorn …`) or `sh -c "…"` whose last command is not `exec`-prefixed.',
      why: 'In shell form `/bin/sh` is PID 1 and does not forward SIGTERM: on deploy the server never hears it, the graceful timeout never happens, and ECS kills in-flight requests after stopTimeout.',
      example: 'CMD gunicorn src.main:app --bind 0.0.0.0:8000',
      useInstead: 'CMD ["gunicorn", "src.main:app", "--bind", "0.0.0.0:8000"]',
    },
  },
  check({ a, report }) {
    const stage = a.final;
    if (!stage) return;
    const { entry, cmd } = effectiveCommands(a.model, stage);
    const e = entry ? readCommandInstr(a.model, entry) : undefined;
    const targets: CommandInstr[] = [];
    if (e) targets.push(e);
    if (cmd && (!e || e.exec)) targets.push(readCommandInstr(a.model, cmd));
    for (const ci of targets) {
      const kw = ci.instr.keyword;
      if (!ci.exec) {
        const script = ci.script!;
        if (/^\s*\[/.test(script.src.text)) {
          // Looks like exec form but is not valid JSON (single quotes, trailing text): Docker runs it through /bin/sh.
          report({ start: ci.instr.start, end: ci.instr.end,
            message: `${kw} looks like exec form but is not a valid JSON array (double quotes only, nothing after \`]\`), so Docker runs it through /bin/sh as PID 1, which does not forward SIGTERM. Fix the JSON.` });
          continue;
        }
        if (!script.commands.length || lastIsExec(script)) continue;
        let fix;
        const only = script.commands.length === 1 && !script.usesShell ? script.commands[0] : undefined;
        const edits = only && !ASSIGNMENT.test(only.words[0]?.value ?? '') && !a.hasInnerComment(ci.instr.argsStart, ci.instr.end)
          ? toJsonEdits(a, ci.instr, script.src, only.words) : undefined;
        if (edits) {
          fix = { title: 'Convert to exec form', safe: true, edits };
        } else {
          const edit = execPrefixEdit({ source: script.src, commands: script.commands, usesShell: script.usesShell });
          if (edit) fix = { title: 'Prefix the command with exec', safe: true, edits: [edit] };
        }
        report({ start: ci.instr.start, end: ci.instr.end, fix,
          message: `${kw} in shell form runs under /bin/sh as PID 1, which does not forward SIGTERM: the server never shuts down gracefully. Use exec form (${kw} ["…", "…"]).` });
        continue;
      }
      const prog = findProgram(ci.words as never);
      // Exec form runs no shell: `"${WORKERS}"` reaches the program as those characters
      if (!prog || !isShellDashC(ci.words, prog.index)) {
        const literal = a.model.argsInclude(ci.instr, '$') ? ci.words.find((w) => /\$(\{[A-Za-z_][A-Za-z0-9_]*(:?[-+=?][^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)/.test(w.value)) : undefined;
        // (a CMD after an ENTRYPOINT is that program's arguments: a wrapper script may expand them itself)
        if (literal && !literal.noEdit && (kw === 'ENTRYPOINT' || !e)) {
          report({ start: literal.start, end: literal.end, severity: 'error',
            message: `${kw} is in exec form, which runs no shell: \`${literal.value}\` reaches the program as those characters, not the variable's value. Write the value, or run the command through \`sh -c "exec …"\`.` });
        }
        continue;
      }
      const scriptWord = ci.words[prog.index + 2];
      if (!scriptWord?.inner) continue;
      const parsed = parseShell(scriptWord.inner);
      if (!parsed.commands.length || lastIsExec(parsed)) continue;
      const edit = execPrefixEdit(parsed);
      report({ start: ci.instr.start, end: ci.instr.end, fix: edit && { title: 'Prefix the command with exec', safe: true, edits: [edit] },
        message: `${kw} runs the server through \`sh -c\` without exec: the shell stays PID 1 and does not forward SIGTERM. Start the last command with \`exec\`.` });
    }
  },
});

function lastIsExec(script: Pick<Script, 'commands'>): boolean {
  const last = script.commands[script.commands.length - 1];
  return !!last && !!findProgram(last)?.exec;
}

/** Insert `exec ` before the program of the last command of a `&&`/`;`/newline list. */
function execPrefixEdit(script: Script): OffsetEdit | undefined {
  const cmds = script.commands;
  const last = cmds[cmds.length - 1];
  if (cmds.slice(0, -1).some((c) => !['&&', ';', '\n'].includes(c.next)) || last.next !== '' || cmds.some((c) => c.next === '(' || c.prev === ')')) return undefined;
  let k = 0;
  while (k < last.words.length && ASSIGNMENT.test(last.words[k].value)) k++;
  const w = last.words[k];
  if (!w) return undefined;
  const at = script.source.at(w.start);
  return { start: at, end: at, newText: 'exec ' };
}

/**
 * Rewrite shell words in place as a JSON array, keeping line continuations between them. The
 * result is checked: it must parse as exec form with the same words, or no fix is offered.
 */
function toJsonEdits(a: Analysis, instr: Instr, src: Source, words: { value: string; start: number; end: number }[]): OffsetEdit[] | undefined {
  const edits = words.map((w, i) => ({
    start: src.at(w.start),
    end: endOffset(src, w.end),
    newText: (i === 0 ? '[' : '') + JSON.stringify(w.value) + (i === words.length - 1 ? ']' : ','),
  }));
  const rewritten = applyEdits(a.model.text.slice(instr.argsStart, instr.end), edits.map((e) => ({ ...e, start: e.start - instr.argsStart, end: e.end - instr.argsStart })));
  const directive = a.model.escape === '\\' ? '' : `# escape=${a.model.escape}\n`;
  const model = new DockerfileModel(`${directive}CMD ${rewritten}\n`);
  const check = model.instrs[0] && parseJsonArray(model.logical(model.instrs[0]));
  if (!check || check.items.length !== words.length || check.items.some((it, i) => it.value !== words[i].value)) return undefined;
  return edits;
}
