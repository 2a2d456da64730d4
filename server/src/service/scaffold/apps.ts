// App discovery moved to ../project/apps.ts (shared with the linter's project facts); this module
// keeps the scaffold's import path.

export { findApps, isAppTarget, moduleOf } from '../project/apps';
export type { AppCandidate, AppKind } from '../project/types';
