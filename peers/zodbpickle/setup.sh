#!/bin/sh
# Installs zodbpickle 4.5 (pinned) into .deps/venv on CPython 3.12, as its reference reader
# is cpython-3.12 (../pip-venv.sh).
cd "$(dirname "$0")" || exit 1
exec sh ../pip-venv.sh zodbpickle zodbpickle 4.5
