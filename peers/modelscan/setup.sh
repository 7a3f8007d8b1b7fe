#!/bin/sh
# Installs modelscan 0.8.8 (pinned) into .deps/venv on a CPython 3.12 (../pip-venv.sh).
cd "$(dirname "$0")" || exit 1
exec sh ../pip-venv.sh modelscan modelscan 0.8.8
