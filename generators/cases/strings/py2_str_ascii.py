"""Python 2 str (bytes) with ASCII content: STRING/SHORT_BINSTRING; py3 reads it as str, latin1 or bytes."""
FEATURES = ["py2-str"]
PYTHONS = ["2.7"]

obj = b"hello"
