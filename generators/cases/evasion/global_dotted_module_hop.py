"""GLOBAL with a dotted name at protocol 4 that walks from a harmless module to another: tempfile._os.system is os.system.

Technique class: CPython's find_class resolves dotted names attribute by attribute from
protocol 4 on (also for the protocol-0 GLOBAL opcode), so the module a scanner sees
(tempfile, which imports os as _os) is not the module of the function called.
"""
FEATURES = ["evasion", "global", "nested-qualname", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x04"
        b"ctempfile\n_os.system\n"           # GLOBAL tempfile _os.system
        b"\x8c\x0eecho picklejar\x85R"       # (os.system)("echo picklejar")
        b".")
