"""STACK_GLOBAL whose names come from the memo, BINPUT and MEMOIZE mixed so that counting MEMOIZEs from 0 reads safe names: imports os.system.

Technique: memo confusion. A scanner that tracks the memo by MEMOIZE only thinks memo[0]
and memo[1] hold "torch._utils" and "_rebuild_tensor_v2"; BINPUT put "os" and "system"
there, and MEMOIZE stores at the next free index (2, 3). Published as picklescan issue
#14 ("Dangerous global detection bypass with memo dict confusion", 2023,
https://github.com/mmaitre314/picklescan/issues/14).
"""
FEATURES = ["evasion", "global", "memo", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x04"
        b"\x8c\x02os" b"q\x00" b"0"                          # memo[0] = "os"; POP
        b"\x8c\x06system" b"q\x01" b"0"                      # memo[1] = "system"; POP
        b"\x8c\x0ctorch._utils" b"\x94" b"0"                 # MEMOIZE: memo[2]
        b"\x8c\x12_rebuild_tensor_v2" b"\x94" b"0"           # MEMOIZE: memo[3]
        b"h\x00" b"h\x01" b"\x93"                            # STACK_GLOBAL os system
        b"\x8c\x0eecho picklejar" b"\x85" b"R"               # os.system("echo picklejar")
        b".")
