#!/bin/sh
# Installs picklescan 1.0.5 (pinned) into .deps/venv on a CPython 3.12 (../pip-venv.sh).
cd "$(dirname "$0")" || exit 1
exec sh ../pip-venv.sh picklescan picklescan 1.0.5
