"""builtins.getattr(importlib.import_module("os"), "system")("echo picklejar").

Technique: importlib.import_module imports a module named by a string; with getattr it
reaches any function. Reported to modelscan in issue #331 (2025,
https://github.com/protectai/modelscan/issues/331) and to picklescan in issue #66.
"""
FEATURES = ["evasion", "global", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x04"
        b"\x8c\x08builtins\x8c\x07getattr\x93"
        b"\x8c\timportlib\x8c\rimport_module\x93\x8c\x02os\x85R"
        b"\x8c\x06system\x86R"
        b"\x8c\x0eecho picklejar\x85R"
        b".")
