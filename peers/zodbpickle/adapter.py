"""picklejar adapter (docs/ADAPTERS.md) for zodbpickle's unpickler, a full unpickler: it imports
and calls what a pickle names, as its reference reader cpython-3.12 (pickle.loads) does. Its loads
run as the corpus's CPython readers run theirs (../full_unpickler.py: their environment, safety
gate and canon)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from full_unpickler import kit, loader  # noqa: E402
from zodbpickle import pickle as zpickle  # noqa: E402

# without out-of-band buffers; a SystemError is an interpreter-level bug of the C unpickler: a crash
kit.serve(loader(zpickle.Unpickler, "c", buffers=False, crashes=(SystemError,)))
