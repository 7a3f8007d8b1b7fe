#!/bin/sh
# Nothing to install: the fixture uses the host's python3 (peers/README.md: exit 0 = ready).
python3 -c 'import pickle' || { echo "python3 cannot import pickle" >&2; exit 77; }
echo "tinypy: ready"
