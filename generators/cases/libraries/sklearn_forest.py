"""A real fitted scikit-learn RandomForestClassifier of two depth-2 trees (random_state 0) on eight points: estimators, Tree objects and their node arrays.
"""
FEATURES = ["sklearn"]
NEEDS = ["sklearn"]

import numpy as np
from sklearn.ensemble import RandomForestClassifier

X = np.array([[0, 0], [1, 0], [0, 1], [1, 1], [2, 2], [3, 2], [2, 3], [3, 3]], dtype=np.float64)
y = np.array([0, 0, 0, 1, 1, 1, 1, 0])
obj = RandomForestClassifier(n_estimators=2, max_depth=2, random_state=0).fit(X, y)
