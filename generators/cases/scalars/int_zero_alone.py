"""The int 0 alone (I0 vs 3.6's L0L at protocol 0)."""
FEATURES = ["int"]

obj = 0
