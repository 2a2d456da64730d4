#!/usr/bin/env bash
# npm start: open the bundled example service in VS Code with Docksmith loaded.
#   desktop VS Code (`code --extensionDevelopmentPath`) when `code` is on PATH,
#   otherwise code-server on 127.0.0.1 (installed into .editor-test/ on first use); the URL is printed.
#   PORT=8080 picks the port (default: 8080, or a free one when 8080 is taken; a given PORT that is taken
#   fails before anything is printed); the scratch copy is removed on exit.
#   `npm start -- --smoke` starts, checks the workbench answers, and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SMOKE=0; [ "${1:-}" = "--smoke" ] && SMOKE=1

[ -d node_modules/dockerfile-ast ] || npm ci --no-audit --no-fund
npm run --silent build

# Work on a scratch copy: fixes and on-save edits must not change the example in the repo.
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/docksmith-example-XXXX")
WS=$SCRATCH/fastapi-service
cp -r examples/fastapi-service "$WS"

if [ $SMOKE = 0 ] && command -v code >/dev/null 2>&1; then
  echo "Opening $WS in VS Code with Docksmith from $ROOT"
  exec code --extensionDevelopmentPath="$ROOT" "$WS/Dockerfile" "$WS"
fi

ED="$ROOT/.editor-test"
if [ ! -x "$ED/node_modules/.bin/code-server" ]; then
  echo "code-server is not installed yet: installing it into .editor-test/ (about a minute; needs apt-get as root)"
  bash test/editor/install-code-server.sh "$ED"
fi
# The port: PORT if given (it must be free), else 8080 or, when that is taken, any free one. Checked
# before anything is printed, so a taken port fails with a message instead of a dead URL.
port_free() { node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close(()=>process.exit(0)))' "$1"; }
if [ -n "${PORT:-}" ]; then
  port_free "$PORT" || { echo "npm start: port $PORT on 127.0.0.1 is already in use. Stop what uses it, or run: PORT=<free port> npm start" >&2; rm -rf "$SCRATCH"; exit 1; }
else
  PORT=8080
  port_free "$PORT" || PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')
fi
export XDG_CONFIG_HOME="$ED/tmp/start" XDG_DATA_HOME="$ED/tmp/start"
UD="$ED/tmp/start/user-data"
mkdir -p "$UD/User"
cat > "$UD/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "security.workspace.trust.enabled": false, "telemetry.telemetryLevel": "off",
  "update.mode": "none", "extensions.autoCheckUpdates": false, "extensions.ignoreRecommendations": true,
  "[dockerfile]": { "editor.codeActionsOnSave": { "source.fixAll.docksmith": "explicit" } } }
JSON
payload=$(node -e 'process.stdout.write(encodeURIComponent(JSON.stringify([["extensionDevelopmentPath", `vscode-remote://127.0.0.1:${process.argv[1]}${process.argv[2]}`]])))' "$PORT" "$ROOT")
URL="http://127.0.0.1:$PORT/?folder=$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$WS")&payload=$payload"
ARGS=(--bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check --disable-workspace-trust
  --user-data-dir "$UD" --extensions-dir "$ED/tmp/start/extensions" --config "$ED/tmp/start/config.yaml")

# code-server in its own process group; on exit (Ctrl+C included) it is stopped and the scratch copy removed
setsid "$ED/node_modules/.bin/code-server" "${ARGS[@]}" > "$ED/tmp/start/code-server.log" 2>&1 < /dev/null &
CS=$!
trap 'kill -TERM -- -$CS 2>/dev/null || true; rm -rf "$SCRATCH"' EXIT
trap 'exit 130' INT TERM
up=0
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && { up=1; break; }; kill -0 $CS 2>/dev/null || break; sleep 0.1; done
[ $up = 1 ] || { echo "npm start: code-server did not start (log: $ED/tmp/start/code-server.log)" >&2; exit 1; }

if [ $SMOKE = 1 ]; then
  code=$(curl -s -o /dev/null -w '%{http_code}' "$URL")
  [ "$code" = 200 ] || { echo "npm start smoke: workbench answered $code"; exit 1; }
  echo "npm start smoke: code-server served the example workspace with Docksmith at 127.0.0.1:$PORT"
  exit 0
fi

echo
echo "Docksmith example: open this URL in a browser (Ctrl+C here stops code-server):"
echo
echo "  $URL"
echo
echo "Open Dockerfile, then the Problems panel (Ctrl+Shift+M); hover FROM, USER or a gunicorn flag; Ctrl+. on a finding."
wait $CS
