"""OBJ with a global class and an argument: the call os.system("echo picklejar") made by OBJ, not REDUCE.

Technique class: OBJ calls the class below its arguments (cls(*args)); scanners that only
treat REDUCE as a call miss it.
"""
FEATURES = ["evasion", "global", "old-style"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"(cos\nsystem\nS'echo picklejar'\no."
