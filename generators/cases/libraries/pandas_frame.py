"""A real pandas DataFrame with int, float, str, bool and datetime columns under a RangeIndex: a BlockManager of per-dtype blocks.
"""
FEATURES = ["pandas"]
NEEDS = ["pandas"]

import pandas as pd

obj = pd.DataFrame({
    "i": [1, 2, 3],
    "f": [0.5, float("nan"), 2.5],
    "s": [u"a", u"b", None],
    "b": [True, False, True],
    "t": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03"]),
})
