"""copy_reg._reconstructor(cls, object, None) + BUILD at protocol 0, the py2 spelling."""
FEATURES = ["instance", "global-renamed"]

DATA = b"ccopy_reg\n_reconstructor\n(cpjfixtures\nPlain\nc__builtin__\nobject\nNtR(dVa\nI1\nsb."
