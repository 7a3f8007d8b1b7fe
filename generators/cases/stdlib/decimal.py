"""decimal.Decimal values, including -0, NaN and Infinity: (Decimal, (str,))."""
FEATURES = ["stdlib", "reduce", "list"]

import decimal
obj = [decimal.Decimal(s) for s in ["3.14", "-0", "NaN", "-Infinity", "1E+10", "0.000"]]
