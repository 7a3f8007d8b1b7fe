"""The same persistent object twice: two persistent ids, never memoized."""
FEATURES = ["persistent-id", "shared"]
LOAD = {"persistent_load": True}

import pjfixtures
r = pjfixtures.PersRef("same")
obj = [r, r]
