// Test adapter for picklejar_kit.js (run by crates/runner/tests/kits.rs; not an example).
//
// Its "codec" reads canon JSON instead of a pickle and builds the JS values it describes, so
// the kit's writer is checked on every canon value of the corpus; a few inputs ask for the
// other outcomes: `reject:KIND`, `crash`, `exit:N`, `sleep`, `unwritable`, `options`.
"use strict";
const kit = require("./picklejar_kit");

function unescape(s) {
  const out = [];
  for (let i = 0; i < s.length;) {
    if (s[i] !== "\\") out.push(s.charCodeAt(i++));
    else if (s[i + 1] === "\\") { out.push(0x5c); i += 2; }
    else { out.push(parseInt(s.slice(i + 2, i + 4), 16)); i += 4; }
  }
  return Uint8Array.from(out);
}

// surrogatepass UTF-8 -> a JS string (lone surrogates kept)
function fromWtf8(hex) {
  const b = Buffer.from(hex, "hex");
  let s = "";
  for (let i = 0; i < b.length;) {
    let c = b[i], n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    c = n === 1 ? c : c & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) c = (c << 6) | (b[i + k] & 63);
    s += String.fromCodePoint(c);
    i += n;
  }
  return s;
}

function decode(tree) {
  const anchors = new Map();
  const d = (n) => {
    switch (n.t) {
      case "ref": return anchors.get(n.v);
      case "none": return null;
      case "bool": return n.v;
      case "int": return BigInt(n.v);
      case "float": return n.v === "nan" ? NaN : n.v === "inf" ? Infinity : n.v === "-inf" ? -Infinity : Number(n.v);
      case "str": return "hex" in n ? fromWtf8(n.hex) : n.v;
      case "bytes": return unescape(n.v);
      case "global": return new kit.Global(n.module, n.name);
      case "buffer": return new kit.Buffer(n.index, n.readonly, "v" in n ? unescape(n.v) : null);
    }
    const make = {
      list: () => [], tuple: () => new kit.Tuple(), dict: () => new Map(), set: () => new Set(),
      frozenset: () => new kit.FrozenSet(), bytearray: () => new kit.ByteArray(unescape(n.v)),
      persid: () => new kit.PersId(null), object: () => new kit.Obj(null), reduce: () => new kit.Reduce(null),
    }[n.t];
    const v = make();
    if ("id" in n) anchors.set(n.id, v);
    const pairs = (ps) => (ps || []).map(([k, x]) => [d(k), d(x)]);
    if (n.t === "list") for (const e of n.v) v.push(d(e));
    else if (n.t === "tuple" || n.t === "frozenset") v.items = n.v.map(d);
    else if (n.t === "dict") for (const [k, x] of pairs(n.v)) v.set(k, x);
    else if (n.t === "set") for (const e of n.v) v.add(d(e));
    else if (n.t === "persid") v.pid = d(n.v);
    else if (n.t === "object" || n.t === "reduce") {
      v.cls = d(n.class || n.callable);
      v.args = (n.args || []).map(d);
      v.kwargs = pairs(n.kwargs);
      v.state = "state" in n ? d(n.state) : null;
      v.items = (n.items || []).map(d);
      v.dictitems = pairs(n.dictitems);
      v.setter = "setter" in n ? d(n.setter) : null;
    }
    return v;
  };
  return d(tree);
}

kit.serve((data, options) => {
  const text = data.toString("utf8");
  if (text.startsWith("reject:")) throw new kit.Reject(text.slice(7), "asked to reject");
  if (text === "crash") throw new RangeError("asked to crash");
  if (text.startsWith("exit:")) process.exit(Number(text.slice(5)));
  if (text === "sleep") return new Promise((resolve) => setTimeout(resolve, 60000));
  if (text === "unwritable") return new Date();
  if (text === "options") {
    const o = { ...options, buffers: (options.buffers || []).map((b) => b.toString("hex")) };
    return JSON.stringify(Object.fromEntries(Object.entries(o).sort()));
  }
  return decode(JSON.parse(text));
});
