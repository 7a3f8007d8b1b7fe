"""A call hidden in BUILD: the first BUILD's slot state sets __setstate__ = os.system on a SimpleNamespace, the second BUILD calls it with "echo picklejar".

Technique: BUILD sets arbitrary attributes (slot state through setattr), and BUILD calls
whatever the object's __setstate__ attribute is. Attribute overwriting through BUILD's slot
state was published in modelscan issue #85 (2024,
https://github.com/protectai/modelscan/issues/85); calls routed through
BUILD/__setstate__ to avoid REDUCE in fickling's advisory GHSA-6ggj-6f2q-f7mx (fixed in
https://github.com/trailofbits/fickling/pull/302).
"""
FEATURES = ["evasion", "global", "getstate", "slots", "newobj"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x02"
        b"ctypes\nSimpleNamespace\n)\x81"                                 # SimpleNamespace()
        b"N}X\x0c\x00\x00\x00__setstate__cos\nsystem\ns\x86b"            # BUILD (None, {...})
        b"X\x0e\x00\x00\x00echo picklejarb"                               # BUILD: os.system(...)
        b".")
