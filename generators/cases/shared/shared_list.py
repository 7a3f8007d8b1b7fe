"""The same list twice: the memo makes a DAG (GET/BINGET), canon anchors it."""
FEATURES = ["shared", "list"]

a = [1]
obj = [a, a]
