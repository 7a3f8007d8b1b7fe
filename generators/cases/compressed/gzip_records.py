"""Records pickled straight into a gzip file (what gzip.open(path, "wb") makes, mtime 0), every producer and protocol.

pjrun writes it as `pickle.dump(obj, gzip.GzipFile(filename="", mode="wb",
compresslevel=9, fileobj=buf, mtime=0), protocol)` (cPickle / pickle.Pickler on 2.7): the
header has no file name and mtime 0, so the bytes are the same on every run. Readers
decompress the whole file, then load it: the expected value is the uncompressed canon.
"""
FEATURES = ["compressed", "gzip", "dict", "list", "str", "int", "float"]
COMPRESS = "gzip"

obj = {
    u"columns": [u"id", u"name", u"score", u"tags"],
    u"rows": [[i, u"user%03d" % i, i * 0.25, [u"a", u"b"][: i % 3]] for i in range(40)],
    u"meta": {u"source": u"picklejar", u"version": 3, u"ok": True, u"missing": None},
}
