#!/bin/bash
# Real-editor tests (npm run test:editor):
#   1) the mocha suite test/editor/suite inside code-server's Node extension host (real vscode API,
#      real language client + server),
#   2) UI checks through the workbench in headless Chromium: ui-e2e.js (Problems panel, quick fix,
#      hover), ui-poetry.js (a poetry install in a builder: its use-uv row, the "Replace with uv sync"
#      quick fix applied, the row gone), ui-taskdef.js (an ECS task definition's findings listed
#      under the JSON file and linked back to the Dockerfile line; typing in the open JSON re-lints),
#      ui-grammar.js (pragma highlighting, token inspector),
#      ui-scaffold.js (the Create Dockerfile command from the palette, the existing-Dockerfile diff
#      and Cancel), ui-vsix.js (the VSIX of `npm run package` installed with --install-extension
#      into a fresh extensions folder, code-server without a development extension: its Problems row
#      and the rule page link inside the installed folder).
# Installs code-server 4.100.3 + playwright-core into .editor-test/ when missing, builds, runs
# them all (the build step also packages the VSIX; with SKIP_BUILD=1 it must exist), kills every
# code-server process group it started, prints "N passed, N failed" (total) last and exits non-zero if anything failed or did not run.
# Nothing sleeps to "give it time": each step first polls until the extension is up (suite: a root
# hook waits for isActive, every contributed command in vscode.commands.getCommands and the first
# diagnostics; ui-e2e/ui-poetry/ui-taskdef/ui-grammar: a Docksmith row in the Problems panel; ui-scaffold: the
# command in the palette, reopened until listed), then every check waits for the fact it asserts. A step that
# never sees the extension fails with that first cause and the extension host's log about it.
# Env: SKIP_BUILD=1, EXT_DIR=<other extension folder>, TEST_TIMEOUT_MS (whole step, default 300000),
#      READY_TIMEOUT_MS (bound for the extension to show up, default 120000), DOCKSMITH_TEST_GREP, KEEP_TMP=1.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ED="$ROOT/.editor-test"
# code-server process groups started by this run are recorded in pids/<this shell's pid>/ (by
# test/editor/code-server.js); a concurrent run keeps its own folder and is left alone
PIDS_ROOT="$ED/tmp/pids"
export EDITOR_TEST_DIR="$ED" TMPDIR="$ED/tmp" EDITOR_TEST_PIDS="$PIDS_ROOT/$$"
mkdir -p "$TMPDIR" "$EDITOR_TEST_PIDS"
t_all=$SECONDS

kill_groups_in() {  # kills the recorded process groups that are still alive, then forgets them
  local f pid
  for f in "$1"/*; do
    [ -e "$f" ] || continue
    pid=$(basename "$f")
    kill -KILL -- "-$pid" 2>/dev/null && echo "[test-editor] killed leftover code-server group $pid"
    rm -f "$f"
  done
  rmdir "$1" 2>/dev/null || true
}
# leftovers of earlier runs whose test-editor.sh is gone (crashed or killed)
for d in "$PIDS_ROOT"/*/; do
  d=${d%/}; owner=$(basename "$d")
  [ "$owner" != "$$" ] && ! kill -0 "$owner" 2>/dev/null && kill_groups_in "$d"
done
trap 'kill_groups_in "$EDITOR_TEST_PIDS"' EXIT

if [ ! -x "$ED/node_modules/.bin/code-server" ] || [ ! -d "$ED/node_modules/playwright-core" ] || ! command -v chromium >/dev/null; then
  echo "== installing code-server + playwright-core into .editor-test (once)"
  bash test/editor/install-code-server.sh "$ED" || { echo "code-server install failed"; echo "0 passed, 1 failed"; exit 1; }
fi

EXT=${EXT_DIR:-$ROOT}   # extension under test (unpackaged); EXT_DIR is for harness debugging only
if [ "${SKIP_BUILD:-}" != 1 ]; then
  echo "== build"
  t=$SECONDS
  if ! npm run -s build; then echo "npm run build failed"; echo "0 passed, 1 failed"; exit 1; fi
  if ! npx tsc -p .; then echo "tsc -p . failed"; echo "0 passed, 1 failed"; exit 1; fi
  # the VSIX for ui-vsix.js (npm run package puts the development bundles back into dist/)
  if ! npm run -s package >/dev/null; then echo "npm run package failed"; echo "0 passed, 1 failed"; exit 1; fi
  echo "   (build $((SECONDS-t))s)"
fi

TOTAL_PASSED=0 TOTAL_FAILED=0 STATUS=0
# run_step NAME CMD...: streams the output, adds the step's last "N passed, N failed" line to the
# totals; a step that exits non-zero without reporting failures counts as one failure.
run_step() {
  local name=$1; shift
  local log="$TMPDIR/$name.log" t=$SECONDS rc p=0 f=0 line
  echo "== $name"
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  if [ -n "$line" ]; then p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}; fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "[test-editor] $name exited $rc without a failed test in its summary: counted as 1 failure"; fi
  if [ "$rc" -eq 0 ] && [ "$p" -eq 0 ]; then f=$((f+1)); echo "[test-editor] $name reported no passing test: counted as 1 failure"; fi
  [ "$f" -gt 0 ] && STATUS=1
  TOTAL_PASSED=$((TOTAL_PASSED+p)) TOTAL_FAILED=$((TOTAL_FAILED+f))
  echo "   ($name: $((SECONDS-t))s, exit $rc)"
}

run_step extension-host node test/editor/run-ext-tests.js "$EXT"
run_step ui-e2e node test/editor/ui-e2e.js "$EXT"
run_step ui-poetry node test/editor/ui-poetry.js "$EXT"
run_step ui-taskdef node test/editor/ui-taskdef.js "$EXT"
run_step ui-grammar node test/editor/ui-grammar.js "$EXT"
run_step ui-scaffold node test/editor/ui-scaffold.js "$EXT"
run_step ui-vsix node test/editor/ui-vsix.js
kill_groups_in "$EDITOR_TEST_PIDS"
echo "== editor tests took $((SECONDS-t_all))s; screenshots in .editor-test/shots/"
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit $STATUS
