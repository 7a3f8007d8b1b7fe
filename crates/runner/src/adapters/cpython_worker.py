# picklejar's CPython codec worker: a long-lived process that loads pickles with CPython's
# C or pure-Python unpickler and answers with the canon of what it loaded.
#
# Protocol: one JSON object per line on stdin,
#   {"impl": "c"|"py", "data": <base64>, "protocol": N, "opts": {...}, "buffers": [<base64>],
#    "libraries": bool}
# ("libraries": a real library's pickle, read with the libraries unimportable, as the
# corpus's readers read it: pjrun.library_block)
# and one JSON object per line on stdout: {"canon": "<canon JSON text>"} or
# {"error": {"kind", "type", "message"}} or {"canon_failure": "..."}.
# The first line written is a hello: {"python": "3.13.0", "impl_ok": true}.
# argv[1] is picklejar's generators/ directory (pjrun, pjcanon, pjfixtures live there).
import base64
import json
import sys

sys.path.insert(0, sys.argv[1])
import pjrun  # noqa: E402


def main():
    out = sys.stdout
    hello = {"python": "%d.%d.%d" % sys.version_info[:3]}
    out.write(json.dumps(hello) + "\n")
    out.flush()
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        req = json.loads(line)
        data = base64.b64decode(req["data"])
        bufs = req.get("buffers")
        if bufs is not None:
            bufs = [base64.b64decode(b) for b in bufs]
        block = pjrun.library_block() if req.get("libraries") else None
        if block is not None:
            block.__enter__()
        try:
            res = pjrun.read_one(req["impl"], data, req["protocol"], req.get("opts") or {}, bufs)
        except Exception as e:  # a bug in the worker, not in the pickle
            res = {"canon_failure": "%s: %s" % (type(e).__name__, e)}
        finally:
            if block is not None:
                block.__exit__(None, None, None)
        if "canon" in res and not isinstance(res["canon"], str):
            res["canon"] = res["canon"].decode("utf-8") if isinstance(res["canon"], bytes) else res["canon"]
        out.write(json.dumps(res) + "\n")
        out.flush()


main()
