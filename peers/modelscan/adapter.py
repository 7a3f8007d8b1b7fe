"""modelscan as a codec: the globals its pickle scanner lists, as imports events (docs/ADAPTERS.md, Imports).

modelscan's PickleUnsafeOpScan runs tools.picklescanner.scan_pickle_bytes, which lists every global
with _list_globals (a fork of picklescan's genops walker) and then keeps the blocklisted ones; the
adapter reports the whole list. A parse error (GenOpsError) keeps the globals of the pickles
before the broken one, as scan_pickle_bytes does; any other exception aborts modelscan's scan
of the file and is a crash here. A zip is scanned as ModelScan does: each member whose name
PickleUnsafeOpScan takes (a PyTorch checkpoint's data.pkl) as a pickle of its own.
"""
import io, json, logging, os, sys, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "kits", "python"))
import picklejar_kit as kit
import modelscan.scanners  # first: modelscan.tools.picklescanner alone is a circular import
from modelscan.model import Model
from modelscan.tools import picklescanner

logging.disable(logging.CRITICAL)
with open(os.path.join(HERE, "..", "..", "kits", "compat_tables.json")) as f:
    TABLES = json.load(f)

def fix(module, name, options):
    """The name CPython's find_class looks up: fix_imports for streams of protocol 0-2."""
    if options.get("protocol", 0) >= 3 or options.get("fix_imports") is False:
        return module, name
    mapped = TABLES["name_mapping"].get(module, {}).get(name)
    return tuple(mapped) if mapped else (TABLES["import_mapping"].get(module, module), name)

PICKLE_NAMES = (".pkl", ".pickle", ".joblib", ".dill", ".dat", ".data")  # PickleUnsafeOpScan's

def scan(data, options):
    streams = [data]
    if zipfile.is_zipfile(io.BytesIO(data)):  # ModelScan._iterate_models: each member as a file
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            streams = [z.read(n) for n in z.namelist() if n.endswith(PICKLE_NAMES)]
    found = []
    for stream in streams:
        try:
            found += picklescanner._list_globals(Model("trial.pkl", io.BytesIO(stream)).get_stream(0), multiple_pickles=True)
        except picklescanner.GenOpsError as e:
            found += e.globals or ()
    return [["find", *fix(m, n, options)] for m, n in found]

kit.serve(None, imports=scan)
