#!/bin/bash
# Install real-editor test deps on a fresh Debian 12 / Node 20 machine (npm registry + apt only).
# Usage: install-code-server.sh <dir>   (installs code-server 4.100.3 + playwright-core into <dir>)
set -euo pipefail
DIR=${1:-./.editor-test}
mkdir -p "$DIR" && DIR=$(cd "$DIR" && pwd)   # absolute: TMPDIR must stay valid after `cd "$DIR"` below
CS_VERSION=4.100.3          # last code-server whose engines.node is 20 (VS Code 1.100.3)
RG_PKG_VERSION=1.15.11      # @vscode/ripgrep version in code-server's lib/vscode shrinkwrap
RG_TAG=v13.0.0-10           # ripgrep-prebuilt tag that @vscode/ripgrep@1.15.11 downloads
export DEBIAN_FRONTEND=noninteractive
t0=$SECONDS
# 1) system packages: chromium (browser host), libkrb5-dev (kerberos native module), ripgrep (replaces GitHub download)
if ! command -v chromium >/dev/null || ! command -v rg >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ]; then
  apt-get update -qq
  apt-get install -y -qq chromium libkrb5-dev ripgrep >/dev/null
fi
echo "apt done at $((SECONDS-t0))s"
mkdir -p "$DIR/tmp"
export TMPDIR="$DIR/tmp"
# 2) feed @vscode/ripgrep's postinstall a cached "download" built from Debian's rg
mkdir -p "$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION" "$TMPDIR/rg"
cp /usr/bin/rg "$TMPDIR/rg/rg"
tar -czf "$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION/ripgrep-$RG_TAG-x86_64-unknown-linux-musl.tar.gz" -C "$TMPDIR/rg" rg
# 3) code-server + playwright-core in their own prefix (keeps the project's own node_modules clean)
cd "$DIR"
[ -f package.json ] || echo '{"name":"editor-e2e","private":true}' > package.json
#   --unsafe-perm: code-server's postinstall.sh refuses to run as root without npm_config_unsafe_perm=true
#   npm_config_yes: node-pty's postinstall runs `npx node-gyp ...`, which otherwise aborts non-interactively
npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund \
  "code-server@$CS_VERSION" playwright-core@1 2>&1 | grep -vE 'gyp info|unsafe-perm' | tail -n 15
echo "npm done at $((SECONDS-t0))s"
# sanity: postinstall really ran (npm 11.19 already warns that install scripts are "not yet covered by allowScripts")
VS=node_modules/code-server/lib/vscode/node_modules
for f in "$VS/@vscode/ripgrep/bin/rg" "$VS/@vscode/spdlog/build/Release/spdlog.node" "$VS/node-pty/build/Release/pty.node"; do
  [ -e "$f" ] || { echo "MISSING $f (code-server postinstall did not complete)"; exit 1; }
done
XDG_CONFIG_HOME="$TMPDIR" XDG_DATA_HOME="$TMPDIR" node_modules/.bin/code-server --version
