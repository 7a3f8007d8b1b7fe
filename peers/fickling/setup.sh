#!/bin/sh
# Installs fickling (pinned) into .deps/venv. Idempotent; exit 77 when it cannot be set up here.
# Python 3.10 or 3.11 preferred: on 3.12+ the kit's json.dumps fails on canon nested a few thousand
# levels deep (CPython's C recursion limit). On 3.10/3.11 fickling 0.1.12 imports typing_extensions
# without declaring it, so it is installed beside it.
cd "$(dirname "$0")" || exit 1
VERSION=0.1.12
if .deps/venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('fickling') != '$VERSION')" 2>/dev/null; then
    exit 0
fi
PY= NEW=
for p in python3 $(ls -d /root/.pyenv/versions/3.1[0-9]*/bin/python 2>/dev/null); do
    v=$("$p" -c 'import sys; print(sys.version_info[1] if sys.version_info[0] == 3 else 0)' 2>/dev/null) || continue
    if [ "$v" = 10 ] || [ "$v" = 11 ]; then PY=$p; break; fi
    if [ -z "$NEW" ] && [ "$v" -ge 12 ] 2>/dev/null; then NEW=$p; fi
done
PY=${PY:-$NEW}
[ -n "$PY" ] || { echo "fickling: needs Python 3.10 or newer" >&2; exit 77; }
rm -rf .deps/venv
"$PY" -m venv .deps/venv || { echo "fickling: cannot make a venv with $PY" >&2; exit 77; }
.deps/venv/bin/python -m pip install -q "fickling==$VERSION" typing_extensions ||
    { echo "fickling: pip cannot install fickling==$VERSION" >&2; exit 77; }
