"""os.system reached only through an extension code: EXT2 4242, registered as ("os", "system"), called twice (the second EXT comes from copyreg's cache without a lookup).

Technique: the stream names no module at all; the copyreg extension registry of the
loading process maps the code to the callable. Scanners that do not resolve EXT1/EXT2/EXT4
see no import (fixed in promptfoo/modelaudit pull request #623, "close pickle EXT opcode
bypass", 2026, https://github.com/promptfoo/modelaudit/pull/623). Harmless only as long as
no one registers such a code, which this case does for its readers.
"""
FEATURES = ["evasion", "extension", "reduce"]
LOAD = {"extensions": {"4242": ["os", "system"]}}
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x02"
        b"\x83\x92\x10" b"X\x0e\x00\x00\x00echo picklejar\x85R" b"0"   # EXT2 4242 (...); POP
        b"\x83\x92\x10" b"X\x04\x00\x00\x00true\x85R"                  # again, from the cache
        b".")
