#!/bin/sh
# Installs one pinned PyPI package into the calling peer's .deps/venv on a CPython 3.12:
#   sh ../pip-venv.sh NAME PACKAGE VERSION     (run from the peer's folder, by its setup.sh)
# Idempotent; exit 77 when it cannot be set up here (no Python 3.12, no venv, pip fails).
NAME=$1 PKG=$2 VERSION=$3
if .deps/venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('$PKG') != '$VERSION')" 2>/dev/null; then
    exit 0
fi
PY=
for p in $(ls -d /root/.pyenv/versions/3.12*/bin/python 2>/dev/null) python3.12; do
    if "$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    echo "$NAME: needs CPython 3.12 (python3.12 on PATH or a pyenv 3.12)" >&2
    exit 77
fi
rm -rf .deps/venv
"$PY" -m venv .deps/venv || { echo "$NAME: cannot make a venv with $PY" >&2; exit 77; }
.deps/venv/bin/python -m pip install -q --disable-pip-version-check "$PKG==$VERSION" ||
    { echo "$NAME: pip cannot install $PKG==$VERSION" >&2; rm -rf .deps/venv; exit 77; }
