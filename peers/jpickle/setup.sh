#!/bin/sh
# Installs jpickle 0.4.1 (npm) into .deps/; idempotent. Exit 77: cannot be set up here.
set -eu
cd "$(dirname "$0")"
VERSION=0.4.1
for c in node npm; do
  command -v "$c" >/dev/null 2>&1 || { echo "jpickle: '$c' is not installed" >&2; exit 77; }
done
if [ -f .deps/node_modules/jpickle/package.json ] &&
   node -e "process.exit(require('./.deps/node_modules/jpickle/package.json').version === '$VERSION' ? 0 : 1)"; then
  exit 0
fi
mkdir -p .deps
[ -f .deps/package.json ] || echo '{"private": true}' > .deps/package.json
if ! npm install --prefix .deps --no-audit --no-fund --no-save --ignore-scripts "jpickle@$VERSION" >&2; then
  echo "jpickle: npm install jpickle@$VERSION failed (registry unreachable?)" >&2
  exit 77
fi
