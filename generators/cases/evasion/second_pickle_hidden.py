"""A harmless first pickle (the int 1) followed by a second one that would call os.system("echo picklejar"): one load reads only the first.

Technique class: the payload sits after the first STOP, where pickle.loads never looks and
a loop of pickle.load calls (or a format that stores several pickles) does. The recorded
imports are those of the first pickle only: none.
"""
FEATURES = ["evasion", "int", "stack"]

DATA = (b"K\x01."                                        # 1
        b"cos\nsystem\n(S'echo picklejar'\ntR.")         # never read by one load
