"""pkgutil.resolve_name("os:system")("echo picklejar"): one unlisted function that reaches every listed one.

Technique: a universal blocklist bypass, picklescan advisory GHSA-vvpj-8cmc-gx39 (2026,
fixed in picklescan 1.0.4; see https://github.com/mmaitre314/picklescan/issues/66).
"""
FEATURES = ["evasion", "global", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x04"
        b"\x8c\x07pkgutil\x8c\x0cresolve_name\x93\x8c\tos:system\x85R"
        b"\x8c\x0eecho picklejar\x85R"
        b".")
