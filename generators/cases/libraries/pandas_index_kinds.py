"""Real pandas Series under six index kinds: integer, DatetimeIndex, PeriodIndex, IntervalIndex, CategoricalIndex and a two-level MultiIndex.

Float, string and timedelta indexes pickle as the integer and datetime ones do (and would
cost the corpus another megabyte).
"""
FEATURES = ["pandas"]
NEEDS = ["pandas"]

import pandas as pd

values = [1.0, 2.0]
obj = [
    pd.Series(values, index=pd.Index([10, 20])),
    pd.Series(values, index=pd.date_range("2020-01-01", periods=2, freq="D")),
    pd.Series(values, index=pd.period_range("2020-01", periods=2, freq="M")),
    pd.Series(values, index=pd.IntervalIndex.from_breaks([0, 1, 2])),
    pd.Series(values, index=pd.CategoricalIndex([u"x", u"y"])),
    pd.Series(values, index=pd.MultiIndex.from_tuples([(u"a", 1), (u"b", 2)], names=[u"k", u"n"])),
]
