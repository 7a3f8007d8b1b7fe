"""fickling as a codec: the imports of its decompiled program, as imports events (docs/ADAPTERS.md, Imports).

fickling reads a file as `fickling --check-safety` does (StackedPickle.load with
fail_on_decode_error=False: every pickle in the bytes, each up to an undecodable opcode),
symbolically interprets each into a Python AST, and its analyses read `Pickled.properties.imports`:
every `from MODULE import NAME` there (GLOBAL, STACK_GLOBAL, INST) is a find. EXT opcodes
become `import copyreg, sys` plus a computed getattr: no name. Bytes in which no opcode decodes
(EmptyPickleError, "failed to parse") have no imports, as picklescan reports for them. Any
other exception (an opcode fickling does not support, the interpreter failing) is a crash: its
CLI stops with a traceback, or its analyses report "malformed opcode sequences". A zip is read
as loader.scan_zip_archive reads it: each member named .pkl, .pickle or .bin.
"""
import contextlib, io, json, os, sys, ast, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "kits", "python"))
import picklejar_kit as kit
from fickling.fickle import EmptyPickleError, StackedPickle

with open(os.path.join(HERE, "..", "..", "kits", "compat_tables.json")) as f:
    TABLES = json.load(f)

def fix(module, name, options):
    """The name CPython's find_class looks up: fix_imports for streams of protocol 0-2."""
    if options.get("protocol", 0) >= 3 or options.get("fix_imports") is False:
        return module, name
    mapped = TABLES["name_mapping"].get(module, {}).get(name)
    return tuple(mapped) if mapped else (TABLES["import_mapping"].get(module, module), name)

def scan(data, options):
    if zipfile.is_zipfile(io.BytesIO(data)):  # loader.scan_zip_archive: members named .pkl, .pickle, .bin
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [z.read(n) for n in z.namelist() if n.lower().endswith((".pkl", ".pickle", ".bin"))]
        return [e for m in members for e in scan(m, options)]
    events = []
    with contextlib.redirect_stdout(sys.stderr):  # fickling prints warnings on stdout
        try:
            stacked = StackedPickle.load(data, fail_on_decode_error=False)
        except EmptyPickleError:  # "No pickle files detected": not one opcode decodes
            return []
        for pickled in stacked:
            for node in pickled.properties.imports:
                if isinstance(node, ast.ImportFrom):
                    events += [["find", *fix(node.module, a.name, options)] for a in node.names]
    return events

kit.serve(None, imports=scan)
