"""Python 2 str and unicode side by side: STRING vs UNICODE opcodes."""
FEATURES = ["py2-str", "str", "list"]
PYTHONS = ["2.7"]

obj = [b"abc", u"abc", b"", u""]
