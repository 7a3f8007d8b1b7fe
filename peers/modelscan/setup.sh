#!/bin/sh
# Installs modelscan (pinned) into .deps/venv on a CPython 3.12. Idempotent; exit 77 when it
# cannot be set up here (no Python 3.12, no venv, or pip cannot install it).
cd "$(dirname "$0")" || exit 1
PKG=modelscan
VERSION=0.8.8
if .deps/venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('$PKG') != '$VERSION')" 2>/dev/null; then
    exit 0
fi
PY=
for p in $(ls -d /root/.pyenv/versions/3.12*/bin/python 2>/dev/null) python3.12; do
    if "$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    echo "modelscan: needs CPython 3.12 (python3.12 on PATH or a pyenv 3.12)" >&2
    exit 77
fi
rm -rf .deps/venv
"$PY" -m venv .deps/venv || { echo "modelscan: cannot make a venv with $PY" >&2; exit 77; }
.deps/venv/bin/python -m pip install -q --disable-pip-version-check "$PKG==$VERSION" ||
    { echo "modelscan: pip cannot install $PKG==$VERSION" >&2; rm -rf .deps/venv; exit 77; }
