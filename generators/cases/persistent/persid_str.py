"""Objects replaced by str persistent ids (native str: py2 cPickle wants str at protocol 0) (PERSID at protocol 0, BINPERSID from 1)."""
FEATURES = ["persistent-id"]
LOAD = {"persistent_load": True}

import pjfixtures
obj = [pjfixtures.PersRef("alpha"), 1, pjfixtures.PersRef("beta")]
