"""STACK_GLOBAL names stored with text PUTs out of order (2, 3 before 0, 1) in a stream with no PROTO: imports os.system.

Technique: a scanner that assumes memo indexes are assigned in order resolves GET 2 / GET 3
to the decoy names. Published as picklescan issue #22 and the fix in pull request #23
(2023, https://github.com/mmaitre314/picklescan/pull/23). Python 2.7 has no STACK_GLOBAL:
its readers stop at that byte before any import.
"""
FEATURES = ["evasion", "global", "memo", "text-number", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"Vos\np2\n0"                 # memo[2] = "os"
        b"Vsystem\np3\n0"             # memo[3] = "system"
        b"Vtorch\np0\n0"              # decoys at 0 and 1
        b"VLongStorage\np1\n0"
        b"g2\ng3\n\x93"               # STACK_GLOBAL os system
        b"(Vecho picklejar\ntR"       # os.system("echo picklejar")
        b".")
