"""fractions.Fraction (its reduce changed in 3.11)."""
FEATURES = ["stdlib", "reduce"]

import fractions
obj = fractions.Fraction(-1, 3)
