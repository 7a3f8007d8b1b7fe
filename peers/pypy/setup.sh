#!/bin/sh
# PyPy 3.9 7.3.11 is Debian 12's pypy3 package (7.3.11+dfsg-2+deb12u3): nothing goes into .deps/.
# Installs it with apt-get only when running as root and it is missing. Exit 77 when impossible.
PINNED=7.3.11
if ! command -v pypy3 >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "pypy: installing Debian's pypy3 package with apt-get (system-wide)" >&2
        apt-get install -y -q pypy3 >&2 || { echo "pypy: apt-get install pypy3 failed" >&2; exit 77; }
    else
        echo "pypy: needs pypy3 $PINNED (Debian package pypy3); not installed and not root" >&2
        exit 77
    fi
fi
v=$(pypy3 -c 'import sys; print("%d.%d.%d" % sys.pypy_version_info[:3])' 2>/dev/null)
if [ "$v" != "$PINNED" ]; then
    echo "pypy: found PyPy ${v:-?}, but this peer is pinned to PyPy $PINNED (Python 3.9; reference cpython-3.9-py)" >&2
    exit 77
fi
