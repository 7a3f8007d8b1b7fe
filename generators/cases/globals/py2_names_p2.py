"""The same Python 2 names at protocol 2 (fix_imports still applies)."""
FEATURES = ["global", "global-renamed", "fix-imports"]
EXTRA_READS = [{"fix_imports": False}]

NAMES = [(b"__builtin__", b"xrange"), (b"__builtin__", b"unicode"), (b"__builtin__", b"long"),
         (b"__builtin__", b"basestring"), (b"__builtin__", b"reduce"), (b"copy_reg", b"_reconstructor"),
         (b"exceptions", b"StandardError"), (b"exceptions", b"ValueError"), (b"UserDict", b"UserDict"),
         (b"__builtin__", b"set"), (b"Queue", b"Queue"), (b"itertools", b"izip")]

DATA = b"\x80\x02]" + b"".join(b"c" + m + b"\n" + n + b"\na" for m, n in NAMES) + b"."
