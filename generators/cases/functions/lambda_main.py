"""A lambda defined in __main__, pickled by value: dill and cloudpickle write its code object, globals and name as reductions.

The case runs as the producer's __main__ module (pjrun), so its functions are pickled by
value, as a script's are; the code objects' co_filename is this file's path relative to
the repository, so the bytes do not depend on the checkout. Readers load it with CPython's
own unpicklers, where dill and cloudpickle cannot be imported.
"""
FEATURES = ["dill", "cloudpickle", "by-value"]
NEEDS = ["dill", "cloudpickle"]
PROTOCOLS = [0, 2, 4, 5]

obj = lambda x, y=2: x * y + 1  # noqa: E731
