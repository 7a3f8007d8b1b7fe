"""LONG text with and without the L suffix, negative, huge."""
FEATURES = ["int", "text-number"]

DATA = b"(L1L\nL-5\nL0\nL123456789012345678901234567890L\nl."
