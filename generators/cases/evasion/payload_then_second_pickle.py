"""A pickle that calls os.system("echo picklejar"), followed by a second, harmless pickle in the same bytes.

Technique class: pickle.load reads one pickle and stops at its STOP; a file can hold
several (torch's legacy format reads a sequence of them), and a scanner that looks at one
of them only, or at the whole file as one, sees the wrong one. Readers here read the
first, so its events are recorded.
"""
FEATURES = ["evasion", "global", "reduce", "stack"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"cos\nsystem\n(S'echo picklejar'\ntR."          # the first pickle: the payload
        b"\x80\x04\x95\x0a\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01a\x94K\x01s.")   # {"a": 1}
