"""pydoc.locate("os.system")("echo picklejar"): a string that names a function, resolved at load time.

Technique class: pydoc.locate (like pkgutil.resolve_name) imports any module and returns
any attribute from one string, so no global of the stream names the function called.
"""
FEATURES = ["evasion", "global", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x02"
        b"cpydoc\nlocate\nX\t\x00\x00\x00os.system\x85R"
        b"X\x0e\x00\x00\x00echo picklejar\x85R"
        b".")
