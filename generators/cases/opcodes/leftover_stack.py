"""Items left under the result at STOP are ignored: NN. is None."""
FEATURES = ["stack"]

DATA = b"K\x01K\x02."
