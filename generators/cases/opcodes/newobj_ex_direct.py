"""NEWOBJ_EX with args and kwargs written by hand."""
FEATURES = ["newobj-ex", "instance"]

DATA = b"\x80\x04\x8c\npjfixtures\x8c\tNewArgsEx\x93K\x01\x85}\x8c\x01yK\x02s\x92."
