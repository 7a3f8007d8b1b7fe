"""os.system("echo picklejar") at the start of a stream that is garbage afterwards: CPython runs the REDUCE before it meets the bad opcode.

Technique: a broken pickle still runs what comes before the break, while a scanner that
gives up on a stream it cannot parse reports nothing. ReversingLabs' "nullifAI" models on
Hugging Face (February 2025) put the payload at the start of a pickle whose serialization
breaks right after it. The recorded imports keep the events before the error.
"""
FEATURES = ["evasion", "global", "reduce", "unknown-opcode"]
EXPECT = "reject"
ERROR = "unknown-opcode"

DATA = b"\x80\x02cos\nsystem\nX\x0e\x00\x00\x00echo picklejar\x85R\xff\xfe garbage"
