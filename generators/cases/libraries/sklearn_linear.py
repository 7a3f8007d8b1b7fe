"""A real fitted scikit-learn LinearRegression (coef_, intercept_, its _sklearn_version) on five points.

Through joblib.dump (make.py --with joblib), as scikit-learn's documentation says to save a
model: coef_'s bytes follow its NumpyArrayWrapper in the stream.
"""
FEATURES = ["sklearn", "joblib"]
NEEDS = ["sklearn", "joblib"]

import numpy as np
from sklearn.linear_model import LinearRegression

X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 3.0], [4.0, 2.0]])
y = np.array([1.0, 2.0, 4.0, 7.0, 7.5])
obj = LinearRegression().fit(X, y)
