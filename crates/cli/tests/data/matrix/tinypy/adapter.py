"""The matrix test's fake peer: CPython's unpickler refusing every global, with the Python kit
(docs/ADAPTERS.md), and two planted bugs."""
import io
import os
import pickle
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("PICKLEJAR_KITS") or os.path.join(HERE, "../../../../../../kits/python"))
import picklejar_kit as kit  # noqa: E402


class Reader(pickle.Unpickler):
    def find_class(self, module, name):  # no globals: a missing feature, not a bug
        raise kit.Reject("unresolved", "no globals: %s.%s" % (module, name))


def load(data, options):
    r = Reader(io.BytesIO(data), encoding=options.get("encoding", "ASCII"),
               errors=options.get("errors", "strict"))
    try:
        value = r.load()
    except (pickle.UnpicklingError, EOFError) as e:
        raise kit.Reject("rejected", str(e))
    if value is True:  # planted bug: a lone True crashes
        raise RuntimeError("planted crash on a lone True")
    if isinstance(value, list) and value and value[0] == -1:  # planted bug: -1 loses its sign
        value[0] = 1
    return value


kit.serve(load)
