"""A protocol-2 stream that starts with BYTEARRAY8 (a protocol-5 opcode) before calling os.system: CPython 3.8+ run the payload, 3.6 and 3.7 stop at the opcode they do not know.

Technique class: a parser differential between CPython versions (and between CPython and a
scanner's parser, e.g. pickletools of an older Python): CPython 3 takes any opcode it knows
whatever protocol the stream declares. The recorded imports differ by reader.
"""
FEATURES = ["evasion", "bytearray", "reduce", "reader-disagreement"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = (b"\x80\x02"
        b"\x96\x00\x00\x00\x00\x00\x00\x00\x00" b"0"       # BYTEARRAY8 bytearray(); POP
        b"cos\nsystem\nX\x0e\x00\x00\x00echo picklejar\x85R"
        b".")
