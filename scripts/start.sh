#!/usr/bin/env bash
# npm start: open the bundled example service in VS Code with Docksmith loaded.
#   desktop VS Code (`code --extensionDevelopmentPath`) when `code` is on PATH,
#   otherwise code-server on 127.0.0.1 (installed into .editor-test/ on first use); the URL is printed.
#   PORT=8080 picks the port; `npm start -- --smoke` starts, checks the workbench answers, and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SMOKE=0; [ "${1:-}" = "--smoke" ] && SMOKE=1

[ -d node_modules/dockerfile-ast ] || npm ci --no-audit --no-fund
npm run --silent build

# Work on a scratch copy: fixes and on-save edits must not change the example in the repo.
WS=$(mktemp -d "${TMPDIR:-/tmp}/docksmith-example-XXXX")/fastapi-service
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
PORT=${PORT:-8080}
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

if [ $SMOKE = 1 ]; then
  setsid "$ED/node_modules/.bin/code-server" "${ARGS[@]}" > "$ED/tmp/start/code-server.log" 2>&1 < /dev/null &
  CS=$!
  trap 'kill -TERM -- -$CS 2>/dev/null || true' EXIT
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
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
exec "$ED/node_modules/.bin/code-server" "${ARGS[@]}"
