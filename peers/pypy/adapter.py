"""picklejar adapter (docs/ADAPTERS.md) for PyPy's pickle module (PyPy 3.9: pure Python, pickle.py,
no _pickle), a full unpickler: it imports and calls what a pickle names, as its reference reader
cpython-3.9-py (CPython 3.9's pickle._Unpickler) does. Its loads run as the corpus's CPython readers
run theirs (../full_unpickler.py: their environment, safety gate and canon), each in a fresh fork."""
import json
import os
import pickle
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from full_unpickler import kit, loader  # noqa: E402


def in_a_fork(answer):
    """Each request in a fresh fork of the warmed-up worker, so that no load sees what an earlier
    one left behind: PyPy's instance dicts follow the attribute order of the first instance of a
    class the process made (its maps), which would make a trial depend on the ones before it."""
    def forked(*args):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            with os.fdopen(w, "w") as f:
                f.write(json.dumps(answer(*args)))
            os._exit(0)
        os.close(w)
        with os.fdopen(r) as f:
            text = f.read()
        status = os.waitpid(pid, 0)[1]
        return json.loads(text) if text else {"crash": "the load's process died (status %d)" % status}
    return forked


kit.answer = in_a_fork(kit.answer)
kit.serve(loader(pickle.Unpickler, "py"))
