"""STACK_GLOBAL names spelled with escapes: UNICODE raw-unicode-escape for the module and a Python 2 STRING with hex escapes for the name: imports os.system.

Technique class: names built on the stack from text opcodes whose bytes do not contain the
name ("\u006f\u0073" is "os", 'sy\x73tem' is "system"), so a byte search or a scanner that
only reads SHORT_BINUNICODE arguments misses them.
"""
FEATURES = ["evasion", "global", "p0-escapes", "py2-str", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x04"
        b"V\\u006f\\u0073\n"                 # UNICODE "os"
        b"S'sy\\x73tem'\n"                   # STRING 'system' (ASCII: a str in Python 3)
        b"\x93"                              # STACK_GLOBAL os system
        b"\x8c\x0eecho picklejar\x85R"       # os.system("echo picklejar")
        b".")
