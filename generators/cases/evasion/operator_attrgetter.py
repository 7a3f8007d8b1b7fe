"""operator.attrgetter("system")(builtins.__import__("os"))("echo picklejar").

Technique: operator.attrgetter turns a string into an attribute lookup on any object;
picklescan added it to its blocklist with this example (pull request #25, 2024,
https://github.com/mmaitre314/picklescan/pull/25) and later _operator and methodcaller
(GHSA-955r-x9j8-7rhh, GHSA-m273-6v24-x4m4).
"""
FEATURES = ["evasion", "global", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x02"
        b"coperator\nattrgetter\nX\x06\x00\x00\x00system\x85R"   # attrgetter("system")
        b"cbuiltins\n__import__\nX\x02\x00\x00\x00os\x85R\x85R"  # (__import__("os"))
        b"X\x0e\x00\x00\x00echo picklejar\x85R"                  # ("echo picklejar")
        b".")
