"""pickle.loads(<bytes of a pickle that calls os.system>): a pickle inside a pickle, whose own imports only the inner load would show.

Technique: a nested pickle hides its globals in a bytes argument; picklescan marked pickle
and _pickle as dangerous for it (pull request #25, 2024,
https://github.com/mmaitre314/picklescan/pull/25; GHSA-84r2-jw7c-4r5q). The recorded
imports are the outer pickle's: find and call of pickle.loads, nothing of the inner one.
"""
FEATURES = ["evasion", "global", "reduce", "bytes"]
EXPECT = "reject"
ERROR = "unresolved"

INNER = b"cos\nsystem\n(S'echo picklejar'\ntR."

DATA = (b"\x80\x03"
        b"cpickle\nloads\n"
        b"C" + bytes([len(INNER)]) + INNER + b"\x85R"
        b".")
