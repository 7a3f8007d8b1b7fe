#!/bin/sh
# Installs fickling 0.1.12 (pinned) into .deps/venv on a CPython 3.12 (../pip-venv.sh).
cd "$(dirname "$0")" || exit 1
exec sh ../pip-venv.sh fickling-scan fickling 0.1.12
