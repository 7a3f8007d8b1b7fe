"""A Python 2 str with high bytes loaded with encoding="latin1" by every reader."""
FEATURES = ["py2-str", "encoding"]
PYTHONS = ["2.7"]
LOAD = {"encoding": "latin1"}

obj = {b"key": b"\xe9t\xe9"}
