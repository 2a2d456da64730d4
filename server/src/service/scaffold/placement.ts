// A uv workspace member's Dockerfile can go in the member folder or at the workspace root
// (`Dockerfile.<member>`, built with -f there). The scaffold answers for the member folder and says
// what changes at the root (`atRoot`); this turns an answer into the root placement's, for every
// front end (the VS Code command, the CLI's --at-root). Pure: no file system, no vscode.

interface Placeable {
  notes: string[];
  projectEdits?: { placement?: 'member' }[];
  buildContext?: string;
  atRoot?: { dockerfile: string; note: string; memberNote: string };
}

/**
 * The result for the Dockerfile at the workspace root: its note instead of the member folder's, no
 * member-only edits (the [tool.docksmith] context), no build context to name (the root is the
 * Dockerfile's own folder). The result itself when it has no root placement.
 */
export function placedAtRoot<T extends Placeable>(result: T): T {
  const atRoot = result.atRoot;
  if (!atRoot) return result;
  const out: T = { ...result, notes: result.notes.map((n) => (n === atRoot.memberNote ? atRoot.note : n)) };
  if (result.projectEdits) out.projectEdits = result.projectEdits.filter((e) => e.placement !== 'member');
  delete out.buildContext;
  return out;
}
