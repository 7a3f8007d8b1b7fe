"""builtins.getattr(global, "name") at protocol 2: how protocols < 4 write nested names."""
FEATURES = ["global", "nested-qualname"]

DATA = b"\x80\x02c__builtin__\ngetattr\ncpjfixtures\nOuter\nX\x05\x00\x00\x00Inner\x86R."
