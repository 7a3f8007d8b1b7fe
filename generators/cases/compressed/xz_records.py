"""Records pickled straight into an xz file (lzma.open(buf, "wb")), every producer and protocol.

pjrun writes it as `pickle.dump(obj, f, protocol)` into lzma.open(buf, "wb") with its
defaults (FORMAT_XZ, CHECK_CRC64, preset 6); Python 2.7 has no lzma module and writes no
variant.
Readers decompress the whole file, then load it: the expected value is the uncompressed
canon.
"""
FEATURES = ["compressed", "xz", "dict", "list", "str", "int", "float"]
COMPRESS = "xz"

obj = {
    u"columns": [u"id", u"name", u"score", u"tags"],
    u"rows": [[i, u"user%03d" % i, i * 0.25, [u"a", u"b"][: i % 3]] for i in range(40)],
    u"meta": {u"source": u"picklejar", u"version": 3, u"ok": True, u"missing": None},
}
