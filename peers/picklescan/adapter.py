"""picklescan as a codec: the globals its scanner lists, as imports events (docs/ADAPTERS.md, Imports).

Every global picklescan reports (innocuous, suspicious and dangerous alike) is a find; it never
loads a pickle. It reads the bytes the way `picklescan --path FILE.pkl` does (scan_bytes: a ZIP
or 7z archive is opened, anything else scanned as a sequence of pickles). Its "unknown" globals
(a STACK_GLOBAL whose names it could not follow) are reported as it spells them.
"""
import io, json, logging, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "kits", "python"))
import picklejar_kit as kit
from picklescan import scanner

logging.disable(logging.CRITICAL)  # its findings come back as values, not log lines
with open(os.path.join(HERE, "..", "..", "kits", "compat_tables.json")) as f:
    TABLES = json.load(f)

def fix(module, name, options):
    """The name CPython's find_class looks up: fix_imports for streams of protocol 0-2."""
    if options.get("protocol", 0) >= 3 or options.get("fix_imports") is False:
        return module, name
    mapped = TABLES["name_mapping"].get(module, {}).get(name)
    return tuple(mapped) if mapped else (TABLES["import_mapping"].get(module, module), name)

def scan(data, options):
    result = scanner.scan_bytes(io.BytesIO(data), "trial.pkl", file_ext=".pkl")
    return [["find", *fix(g.module, g.name, options)] for g in result.globals]

kit.serve(None, imports=scan)
