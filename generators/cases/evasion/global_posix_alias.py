"""GLOBAL posix.system: the os module's platform twin (nt on Windows), the same function under a name blocklists of "os" miss.

Technique class: os.system is posix.system; picklescan's and modelscan's blocklists list
posix and nt besides os for this reason.
"""
FEATURES = ["evasion", "global", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"cposix\nsystem\n(S'echo picklejar'\ntR."
