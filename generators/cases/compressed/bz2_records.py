"""Records pickled straight into a bz2 file (bz2.open(buf, "wb", compresslevel=9)), every producer and protocol.

pjrun writes it as `pickle.dump(obj, f, protocol)` into bz2.open(buf, "wb",
compresslevel=9); Python 2.7 writes through bz2.BZ2File(temporary file, "w",
compresslevel=9), whose constructor takes only a file name.
Readers decompress the whole file, then load it: the expected value is the uncompressed
canon.
"""
FEATURES = ["compressed", "bz2", "dict", "list", "str", "int", "float"]
COMPRESS = "bz2"

obj = {
    u"columns": [u"id", u"name", u"score", u"tags"],
    u"rows": [[i, u"user%03d" % i, i * 0.25, [u"a", u"b"][: i % 3]] for i in range(40)],
    u"meta": {u"source": u"picklejar", u"version": 3, u"ok": True, u"missing": None},
}
