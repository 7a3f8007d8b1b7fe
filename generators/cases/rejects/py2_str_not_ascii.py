"""A py2 SHORT_BINSTRING with a high byte, read with the default ASCII encoding."""
FEATURES = ["py2-str", "encoding"]
EXPECT = "reject"
ERROR = "bad-encoding"

DATA = b"\x80\x02U\x04caf\xe9."
