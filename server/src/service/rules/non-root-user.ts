import { defineRule } from './rule';
import { effectiveUser, unknownBaseUser } from './user';

export default defineRule({
  meta: {
    name: 'non-root-user',
    severity: 'error',
    fix: 'safe',
    docs: {
      summary: 'The runtime stage must not run as root.',
      whatItDoes: 'Checks that the final stage (following `FROM <stage>` inheritance) ends with a `USER` that is not `root`/`0`.',
      why: 'ECS security policy requires containers to run as UID 1000; a process running as root turns any code-execution bug into control of the container. Builder stages may stay root: only the image that ships matters.',
      example: 'FROM python:3.11-slim\nCOPY --from=builder /app /app\nCMD ["gunicorn", "src.main:app"]',
      useInstead: 'FROM python:3.11-slim\nCOPY --from=builder --chown=1000:1000 /app /app\nUSER 1000\nCMD ["gunicorn", "src.main:app"]',
    },
  },
  check({ a, report }) {
    const stage = a.final;
    if (!stage) return;
    const u = effectiveUser(a, stage);
    if (!u.isRoot) return;
    const uid = a.standard.uid.value;
    const fix = { title: `Add USER ${uid}`, safe: true, edits: [a.insertInStage(stage, `USER ${uid}`, u.instr?.stage === stage ? u.instr : undefined)] };
    if (u.instr) {
      report({ start: u.instr.start, end: u.instr.end, fix,
        message: `The runtime stage ends as ${u.value}: ECS requires a non-root user (UID ${uid}). Switch to \`USER ${uid}\` before the command.` });
      return;
    }
    const uncertain = unknownBaseUser(a, stage);
    report({
      start: stage.from.start, end: stage.from.end, fix, uncertain,
      message: uncertain
        ? `No USER in the runtime stage; its base image ${a.model.rootImage(stage) ?? ''} may set one, which Docksmith cannot see. The standard is an explicit \`USER ${uid}\`.`
        : `The runtime stage runs as root (no USER instruction): ECS requires UID ${uid}. Add \`USER ${uid}\` before CMD.`,
    });
  },
});
