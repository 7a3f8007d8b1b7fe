#!/bin/sh
# Installs pickleparser 0.2.1 (npm) into .deps/; idempotent. Exit 77: cannot be set up here.
set -eu
cd "$(dirname "$0")"
VERSION=0.2.1
for c in node npm; do
  command -v "$c" >/dev/null 2>&1 || { echo "pickleparser: '$c' is not installed" >&2; exit 77; }
done
if [ -f .deps/node_modules/pickleparser/package.json ] &&
   node -e "process.exit(require('./.deps/node_modules/pickleparser/package.json').version === '$VERSION' ? 0 : 1)"; then
  exit 0
fi
mkdir -p .deps
[ -f .deps/package.json ] || echo '{"private": true}' > .deps/package.json
if ! npm install --prefix .deps --no-audit --no-fund --no-save --ignore-scripts "pickleparser@$VERSION" >&2; then
  echo "pickleparser: npm install pickleparser@$VERSION failed (registry unreachable?)" >&2
  exit 77
fi
