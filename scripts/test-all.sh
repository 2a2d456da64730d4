#!/usr/bin/env bash
# npm test: every test. Installs npm packages when missing, builds, then runs
#   1. the generated-docs check (docs/rules and the README rule table match the rules' metadata),
#      then `npm run package`: the VSIX (test/package checks it, the editor tests install it)
#   2. unit + fixture tests, the package tests (the VSIX; pre-commit installing the hook from a tag,
#      which needs Debian's pre-commit and the npm registry), LSP protocol tests and the scaffold
#      runtime test (node --test; the runtime test needs Debian's gunicorn, python3-uvicorn,
#      python3-fastapi: .ci/run installs them)
#   3. `npm start` smoke (the quick-start command serves the example with the extension)
#   4. real-editor tests in code-server + Chromium (installs them into .editor-test/ on first run)
# Exits non-zero when anything fails or did not run; the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
passed=0; failed=0
step() { echo; echo "== $1"; }
fail() { echo "FAILED: $1"; failed=$((failed + 1)); }

if [ ! -d node_modules/dockerfile-ast ] || [ ! -d node_modules/esbuild ]; then
  step "npm ci"
  npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# The runtime test needs Debian's gunicorn/uvicorn/fastapi, the Neovim test needs nvim, the hook
# install test (test/package/pre-commit) needs pre-commit. As root with
# apt-get (a fresh machine, like CI) they are installed here too, so `npm test` alone is enough;
# otherwise those tests fail and say which package to install.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  if [ ! -x /usr/bin/gunicorn ] || ! /usr/bin/python3 -c 'import uvicorn.workers, fastapi' >/dev/null 2>&1 || ! command -v nvim >/dev/null \
    || ! command -v pre-commit >/dev/null; then
    step "apt-get install gunicorn python3-uvicorn python3-fastapi neovim pre-commit"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gunicorn python3-uvicorn python3-fastapi neovim pre-commit >/dev/null \
      || echo "apt-get install failed: the runtime and Neovim tests will say what is missing"
  fi
fi

step "build (esbuild bundles + tsc)"
if ! npm run -s build || ! npx tsc -p .; then echo "build failed"; echo "0 passed, 1 failed"; exit 1; fi

step "generated docs are current"
if node scripts/gen-docs.mjs --check; then passed=$((passed + 1)); else fail "docs check"; fi

step "package the VSIX (npm run package)"
# vsce's output goes to test/package (no warnings); npm run package leaves the dev bundles in dist/
VSCE_LOG=$(mktemp)
trap 'rm -f "$LOG" "$VSCE_LOG"' EXIT
if npm run -s package > "$VSCE_LOG" 2>&1; then tail -n 3 "$VSCE_LOG"; passed=$((passed + 1)); else cat "$VSCE_LOG"; fail "npm run package"; fi
export DOCKSMITH_VSCE_LOG="$VSCE_LOG"

step "unit, fixture, package, protocol and runtime tests (node --test)"
suites=(out/test/unit/)
[ -d out/test/package ] && suites+=(out/test/package/)
[ -d out/test/protocol ] && suites+=(out/test/protocol/)
[ -d out/test/runtime ] && suites+=(out/test/runtime/)
[ -d out/test/editors ] && suites+=(out/test/editors/)
node --test "${suites[@]}" > "$LOG" 2>&1
# failures in full (TAP blocks), then node's own closing summary
grep -q 'not ok' "$LOG" && grep -E -A40 '^\s*not ok' "$LOG" | head -n 400
grep -E '^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$LOG"
p=$(grep -E '^# pass ' "$LOG" | tail -1 | awk '{print $3}')
f=$(grep -E '^# fail ' "$LOG" | tail -1 | awk '{print $3}')
if [ -z "$p" ] || [ "${p:-0}" = 0 ]; then fail "node --test ran no test"; else passed=$((passed + p)); failed=$((failed + ${f:-0})); fi

step "npm start smoke"
if PORT=${START_SMOKE_PORT:-18080} bash scripts/start.sh --smoke; then passed=$((passed + 1)); else fail "npm start smoke"; fi

step "real-editor tests"
SKIP_BUILD=1 bash scripts/test-editor.sh 2>&1 | tee "$LOG"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$LOG" | tail -1)
if [ -z "$line" ]; then fail "editor tests printed no result"; else
  passed=$((passed + $(echo "$line" | awk '{print $1}'))); failed=$((failed + $(echo "$line" | awk '{print $3}')))
fi

echo
echo "== all tests: node --test, docs check, start smoke, real editor"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
