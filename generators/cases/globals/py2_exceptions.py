"""Every Python 2 exceptions.X name that Python 3 renames (StandardError -> Exception, EnvironmentError -> OSError, ...)."""
FEATURES = ["global", "global-renamed", "fix-imports"]
EXTRA_READS = [{"fix_imports": False}]

NAMES = [b"StandardError", b"EnvironmentError", b"IOError", b"WindowsError", b"ArithmeticError", b"ImportError"]
DATA = b"\x80\x02]" + b"".join(b"cexceptions\n" + n + b"\na" for n in NAMES) + b"."
