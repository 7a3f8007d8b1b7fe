"""GLOBAL __builtin__.__import__ in a protocol-0 stream: fix_imports makes it builtins.__import__ on Python 3, which imports os.

Technique class: the Python 2 module names (__builtin__, copy_reg, exceptions, ...) that
CPython 3 maps with fix_imports, missed by blocklists that only list "builtins". Read
with fix_imports=False too: then CPython 3 looks up __builtin__ itself.
"""
FEATURES = ["evasion", "global", "global-renamed", "fix-imports", "reduce"]
EXTRA_READS = [{"fix_imports": False}]
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"c__builtin__\n__import__\n(S'os'\ntR."
