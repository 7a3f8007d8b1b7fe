"""INT with empty text: the C unpickler calls it truncated, the Python one a bad literal."""
FEATURES = ["text-number", "truncated"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"I\n."
