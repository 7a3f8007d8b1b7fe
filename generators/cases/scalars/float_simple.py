"""Finite floats: repr shortest round-trip, fixed vs scientific notation."""
FEATURES = ["float", "list"]

obj = [0.0, 1.5, 0.1, -2.5, 1e16, 1e15, 123456789012345.0, 1.2345678901234568e+17,
       1e-05, 0.0001, 1e100, 1e22, 1.7976931348623157e+308, 2.2250738585072014e-308]
