"""Special floats: nan, inf, -inf, -0.0 and the smallest subnormal 5e-324."""
FEATURES = ["float", "list"]

obj = [float("nan"), float("inf"), float("-inf"), -0.0, 5e-324]
