"""builtins.getattr(builtins.__import__("os"), "system")("echo picklejar"): the function called is computed, no global names it.

Technique: attribute chains through builtins.getattr reach any function from a module
object, so a blocklist of callables never sees os.system. Discussed as the remaining bypass
class in picklescan issue #66 (2026, https://github.com/mmaitre314/picklescan/issues/66);
the last call is recorded as [call, "?", "?", reduce].
"""
FEATURES = ["evasion", "global", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x02"
        b"cbuiltins\ngetattr\n"
        b"cbuiltins\n__import__\nX\x02\x00\x00\x00os\x85R"     # __import__("os")
        b"X\x06\x00\x00\x00system\x86R"                        # getattr(<os>, "system")
        b"X\x0e\x00\x00\x00echo picklejar\x85R"                # (...)("echo picklejar")
        b".")
