"""A real pandas Categorical (ordered, with an unused category and a missing value) and a Series of category dtype.
"""
FEATURES = ["pandas"]
NEEDS = ["pandas"]

import pandas as pd

cat = pd.Categorical([u"lo", u"hi", None, u"lo"], categories=[u"lo", u"mid", u"hi"], ordered=True)
obj = [cat, pd.Series(cat, name=u"level")]
