#!/bin/sh
# Installs zodbpickle (pinned) into .deps/venv, on CPython 3.12 (its reference reader is
# cpython-3.12). Idempotent; exit 77 when it cannot be set up here.
cd "$(dirname "$0")" || exit 1
VERSION=4.5
if .deps/venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('zodbpickle') != '$VERSION')" 2>/dev/null; then
    exit 0
fi
PY=
for p in $(ls -d /root/.pyenv/versions/3.12*/bin/python 2>/dev/null) python3.12 python3; do
    if "$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    echo "zodbpickle: needs CPython 3.12 (python3.12 on PATH or a pyenv 3.12): its reference reader is cpython-3.12" >&2
    exit 77
fi
rm -rf .deps/venv
"$PY" -m venv .deps/venv || { echo "zodbpickle: cannot make a venv with $PY" >&2; exit 77; }
.deps/venv/bin/python -m pip install -q "zodbpickle==$VERSION" || { echo "zodbpickle: pip cannot install zodbpickle==$VERSION" >&2; exit 77; }
