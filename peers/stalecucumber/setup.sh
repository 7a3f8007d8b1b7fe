#!/bin/sh
# stalecucumber (Go) from Debian's golang-github-hydrogen18-stalecucumber-dev (the Go module proxy
# is not reachable here): the package's source is copied into .deps/stalecucumber (with a go.mod)
# and the adapter built as .deps/adapter. Idempotent. Exit 77: cannot be set up here.
set -eu
cd "$(dirname "$0")"
PKG=golang-github-hydrogen18-stalecucumber-dev
VERSION=0.0~git20180226.6de214d-1
SRC=/usr/share/gocode/src/github.com/hydrogen18/stalecucumber
command -v go >/dev/null 2>&1 || { echo "stalecucumber: 'go' is not installed" >&2; exit 77; }
installed=$(dpkg-query -W -f '${Version}' "$PKG" 2>/dev/null || true)
if [ "$installed" != "$VERSION" ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "stalecucumber: needs the Debian package $PKG=$VERSION (apt-get install, as root)" >&2
    exit 77
  fi
  echo "stalecucumber: installing the Debian package $PKG=$VERSION with apt-get (system-wide)" >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$PKG=$VERSION" >&2; then
    echo "stalecucumber: apt-get install $PKG=$VERSION failed" >&2
    exit 77
  fi
fi
[ -d "$SRC" ] || { echo "stalecucumber: $SRC is missing after installing $PKG" >&2; exit 77; }
mkdir -p .deps
if [ ! -f .deps/stalecucumber/.version ] || [ "$(cat .deps/stalecucumber/.version)" != "$VERSION" ]; then
  rm -rf .deps/stalecucumber
  cp -r "$SRC" .deps/stalecucumber
  printf 'module github.com/hydrogen18/stalecucumber\n\ngo 1.12\n' > .deps/stalecucumber/go.mod
  echo "$VERSION" > .deps/stalecucumber/.version
fi
if [ ! -x .deps/adapter ] || [ -n "$(find adapter.go go.mod ../../kits/go/kit.go -newer .deps/adapter)" ]; then
  if ! GOFLAGS=-mod=mod GOPROXY=off go build -o .deps/adapter . >&2; then
    echo "stalecucumber: go build of the adapter failed" >&2
    exit 1
  fi
fi
