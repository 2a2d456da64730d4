import { defineRule } from './rule';
import { effectiveUser, uidOfUser } from './user';

export default defineRule({
  meta: {
    name: 'user-uid',
    severity: 'warning',
    fix: 'unsafe',
    docs: {
      summary: 'The runtime user must have the standard UID (1000).',
      whatItDoes: 'Checks the UID of the final stage\'s `USER`: a number other than the configured UID, a named user created with another `--uid`, or one created as a system account (`useradd -r`/`--system`, `adduser --system`, BusyBox `adduser -S`), which gets a UID below 1000. A named user whose UID cannot be seen is reported at info level.',
      why: 'ECS task policies and volume permissions across services assume UID 1000; a different UID breaks file ownership of mounted volumes and fails the security policy. A numeric `USER` is also verifiable without reading /etc/passwd.',
      example: 'RUN useradd --uid 1001 app\nUSER app',
      useInstead: 'RUN useradd --uid 1000 app\nUSER 1000',
      references: [{ title: 'useradd(8): `-r` creates a system account, UID from SYS_UID_MIN to SYS_UID_MAX', url: 'https://man7.org/linux/man-pages/man8/useradd.8.html' }],
    },
  },
  check({ a, report }) {
    const stage = a.final;
    if (!stage) return;
    const u = effectiveUser(a, stage);
    if (u.isRoot || !u.instr || !u.user) return;
    const want = String(a.standard.uid.value);
    const instr = u.instr;
    const src = a.model.logical(instr);
    const fix = src.text.trim() && !a.model.text.slice(instr.argsStart, instr.end).includes('\n')
      ? { title: `Use USER ${want}`, safe: false, edits: [{ start: instr.argsStart, end: instr.end, newText: want }] }
      : undefined;
    if (/^\d+$/.test(u.user)) {
      if (u.user !== want) {
        report({ start: instr.start, end: instr.end, fix, message: `The runtime stage runs as UID ${u.user}; the standard UID is ${want} (ECS security policy). Use \`USER ${want}\`.` });
      }
      return;
    }
    const seen = uidOfUser(a, stage, u.user);
    if (seen.uid === want) return;
    if (seen.uid !== undefined && /^\d+$/.test(seen.uid)) {
      report({ start: instr.start, end: instr.end, fix, message: `User "${u.user}" is created with UID ${seen.uid}; the standard UID is ${want}. Create it with \`--uid ${want}\` or use \`USER ${want}\`.` });
      return;
    }
    if (seen.created && seen.system) {
      report({ start: instr.start, end: instr.end, fix,
        message: `User "${u.user}" is created as a system account (\`useradd -r\`, \`adduser --system\`/\`-S\`), which gets a UID below 1000, not ${want}. Create it with \`--uid ${want}\` or use \`USER ${want}\`.` });
      return;
    }
    report({
      start: instr.start, end: instr.end, fix, uncertain: true,
      message: seen.created
        ? `User "${u.user}" is created without an explicit UID, so Docksmith cannot tell whether it is ${want}. Create it with \`--uid ${want}\` or use \`USER ${want}\`.`
        : `User "${u.user}" is not created in this Dockerfile, so its UID cannot be checked against ${want}. Prefer a numeric \`USER ${want}\`.`,
    });
  },
});
