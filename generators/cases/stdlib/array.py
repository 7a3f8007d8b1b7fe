"""array.array of several typecodes (array._array_reconstructor at protocol 3+ on Python 3)."""
FEATURES = ["stdlib", "reduce", "list"]

import array
obj = [array.array("i", [1, -2, 3]), array.array("d", [0.5]), array.array("B", b"xyz")]
