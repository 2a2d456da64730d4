// Shared by non-root-user and user-uid: the effective USER of the final stage and what is known
// about the UID behind it.

import { Analysis } from '../analysis';
import { Instr, Stage, parseImageRef } from '../model';

export interface EffectiveUser {
  instr?: Instr;
  /** The USER value with variables resolved (undefined: unresolvable). */
  value?: string;
  user?: string;
  isRoot: boolean;
}

export function effectiveUser(a: Analysis, stage: Stage): EffectiveUser {
  let last: Instr | undefined;
  for (const i of a.model.chainInstrs(stage)) if (i.keyword === 'USER') last = i;
  if (!last) return { isRoot: true };
  const raw = a.model.logical(last).text.trim();
  const value = /\$/.test(raw) ? a.model.resolve(raw, a.model.variables(stage, last.start)) : raw;
  if (value === undefined) return { instr: last, isRoot: false };
  const user = value.split(':')[0];
  return { instr: last, value, user, isRoot: user === 'root' || user === '0' };
}

/** Is the stage chain's root image one whose default user we cannot know (not an official image)? */
export function unknownBaseUser(a: Analysis, stage: Stage): boolean {
  const image = a.model.rootImage(stage);
  if (image === undefined) return true;
  const { name } = parseImageRef(image);
  if (name === 'scratch') return false;
  // Official images: `python`, `library/python`, `docker.io/library/python`, `public.ecr.aws/docker/library/x`.
  return !(/^[a-z0-9._-]+$/.test(name) || /(^|\/)library\/[a-z0-9._-]+$/.test(name));
}

/** UID given to a named user by useradd/adduser in the stage chain (undefined: not seen). */
export function uidOfUser(a: Analysis, stage: Stage, user: string): { created: boolean; uid?: string; system: boolean } {
  let created = false;
  let uid: string | undefined;
  let system = false;
  for (const s of a.model.chain(stage)) {
    for (const r of a.runs(s)) {
      for (const u of a.run(r).users) {
        if (u.name === user) {
          created = true;
          system = u.system;
          uid = u.uid ? a.model.resolve(u.uid, a.model.variables(s, r.start)) ?? u.uid : undefined;
        }
      }
    }
  }
  return { created, uid, system };
}
