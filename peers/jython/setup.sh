#!/bin/sh
# Jython 2.7.3 (Debian's jython 2.7.3+repack1-1): its cPickle (org.python.modules.cPickle, Java).
# Installed system-wide with apt-get (root only), as Debian packages are; nothing goes into .deps/
# but a marker. Idempotent. Exit 77: cannot be set up here.
set -eu
cd "$(dirname "$0")"
PKG=jython
VERSION=2.7.3+repack1-1
command -v java >/dev/null 2>&1 || { echo "jython: 'java' is not installed" >&2; exit 77; }
installed=$(dpkg-query -W -f '${Version}' "$PKG" 2>/dev/null || true)
if [ "$installed" != "$VERSION" ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "jython: needs the Debian package $PKG=$VERSION (apt-get install, as root)" >&2
    exit 77
  fi
  echo "jython: installing the Debian package $PKG=$VERSION with apt-get (system-wide)" >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$PKG=$VERSION" >&2; then
    echo "jython: apt-get install $PKG=$VERSION failed" >&2
    exit 77
  fi
fi
command -v jython >/dev/null 2>&1 || { echo "jython: no 'jython' command after installing $PKG" >&2; exit 77; }
mkdir -p .deps
if [ ! -f .deps/ready ]; then # the first start compiles and caches the standard library
  jython -c "import cPickle, json, base64" >&2 || { echo "jython: jython does not start" >&2; exit 77; }
  echo "$VERSION" > .deps/ready
fi
