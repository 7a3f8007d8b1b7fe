"""Enum, IntEnum and IntFlag members: reduce (cls, (value,))."""
FEATURES = ["stdlib", "enum", "reduce"]
PYTHONS = ["3.6+"]

import pjfixtures
obj = [pjfixtures.Color.RED, pjfixtures.Color.GREEN, pjfixtures.Level.HIGH, pjfixtures.Perm.R | pjfixtures.Perm.W]
