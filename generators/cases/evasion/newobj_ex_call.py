"""NEWOBJ_EX of subprocess.Popen with arguments and keyword arguments: a call through cls.__new__ that no REDUCE shows.

Technique class: NEWOBJ and NEWOBJ_EX call cls.__new__(cls, *args, **kwargs) (not
__init__: for Popen nothing runs; a class whose __new__ acts would); scanners that only
treat REDUCE as a call miss the class and the call.
"""
FEATURES = ["evasion", "global", "newobj-ex"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x04"
        b"\x8c\nsubprocess\x8c\x05Popen\x93"                   # STACK_GLOBAL subprocess Popen
        b"]\x8c\x04echoa\x8c\tpicklejara\x85"                  # args: (["echo", "picklejar"],)
        b"}\x8c\x05shell\x89s"                                  # kwargs: {"shell": False}
        b"\x92"                                                 # NEWOBJ_EX
        b".")
