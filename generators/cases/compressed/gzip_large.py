"""A 65 KiB str pickled into a gzip file at protocols 4 and 5: a frame, the str outside any frame, a second frame.

pickle.dump into gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=buf,
mtime=0). At protocol 4+ the picklers end the current frame before a payload of 64 KiB or
more and write the payload straight to the file (3.6 places the second frame differently).
"""
FEATURES = ["compressed", "gzip", "framing", "large", "str", "list"]
COMPRESS = "gzip"
PROTOCOLS = [4, 5]

obj = [u"start", u"compressed pickle " * 3700, u"end"]
