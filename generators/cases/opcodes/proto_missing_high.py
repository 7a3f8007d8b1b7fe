"""Protocol-4 opcodes with no PROTO at all (readers decode by opcode, not version)."""
FEATURES = ["proto", "set"]

DATA = b"\x8f(K\x01\x90."
