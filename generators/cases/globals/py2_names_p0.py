"""Python 2 module and class names in GLOBAL at protocol 0: fix_imports maps them to Python 3 names."""
FEATURES = ["global", "global-renamed", "fix-imports"]
EXTRA_READS = [{"fix_imports": False}]

NAMES = [(b"__builtin__", b"xrange"), (b"__builtin__", b"unicode"), (b"__builtin__", b"long"),
         (b"__builtin__", b"basestring"), (b"__builtin__", b"reduce"), (b"copy_reg", b"_reconstructor"),
         (b"exceptions", b"StandardError"), (b"exceptions", b"ValueError"), (b"UserDict", b"UserDict"),
         (b"__builtin__", b"set"), (b"Queue", b"Queue"), (b"itertools", b"izip")]

DATA = b"(l" + b"".join(b"c" + m + b"\n" + n + b"\na" for m, n in NAMES) + b"."
