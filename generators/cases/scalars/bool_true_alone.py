"""True alone at top level."""
FEATURES = ["bool"]

obj = True
