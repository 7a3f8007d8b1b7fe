// picklejar kit for JavaScript (Node 16+): canon (docs/CANON.md) of JS values; adapter protocol 2
// (docs/ADAPTERS.md). See README.md.  kit.serve((data, options) => value or Promise); throw
// new kit.Reject(kind, message) to reject: any other exception is a crash.
// Values: null/undefined -> none, boolean, bigint -> int, number -> float, string, Uint8Array ->
// bytes, Array -> list, Map or plain object -> dict, Set -> set, and kit.Tuple, FrozenSet, ByteArray,
// Global, Obj, Reduce, PersId, Buffer. Values thousands deep: node --stack-size=4000.
"use strict";
const fs = require("fs");
const readline = require("readline");

class Reject extends Error { constructor(kind, message = "") { super(message); this.kind = kind; } }
class Tuple { constructor(items = []) { this.items = items; } }
class FrozenSet { constructor(items = []) { this.items = items; } }
class ByteArray { constructor(bytes) { this.bytes = bytes; } }
class Global { constructor(module, name) { this.module = module; this.name = name; } }
class PersId { constructor(pid) { this.pid = pid; } }
class Buffer_ { constructor(index, readonly, data) { Object.assign(this, { index, readonly, data }); } }
// cls.__new__(cls, *args, **kwargs) / callable(*args); then state, items, dictitems ([k, v] arrays), setter
class Obj { constructor(cls, args = [], kwargs = []) {
  Object.assign(this, { cls, args, kwargs, state: null, items: [], dictitems: [], setter: null }); } }
class Reduce extends Obj {}

const hex2 = (c) => c.toString(16).padStart(2, "0");
function escapeBytes(b) { // section 5
  let s = "";
  for (const c of b) s += c === 0x5c ? "\\\\" : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "\\x" + hex2(c);
  return s;
}
function pyFloat(x) { // section 3: Python's repr(float)
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [m, e] = x.toExponential().split("e"); // shortest round-trip digits
  const exp = Number(e), sign = m[0] === "-" ? "-" : "", digits = m.replace(/[-.]/g, "");
  if (exp < -4 || exp >= 16) {
    const frac = digits.length > 1 ? "." + digits.slice(1) : "";
    return `${sign}${digits[0]}${frac}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  return `${sign}${int}.${digits.slice(exp + 1) || "0"}`;
}
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;
function str(s) { // section 4: lone surrogates -> hex of the surrogatepass UTF-8
  if (!LONE.test(s)) return { t: "str", v: s };
  let h = "";
  for (const ch of s) {
    const c = ch.codePointAt(0);
    const b = c < 0x80 ? [c] : c < 0x800 ? [0xc0 | (c >> 6), 0x80 | (c & 63)]
      : c < 0x10000 ? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)]
      : [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
    h += b.map(hex2).join("");
  }
  return { t: "str", hex: h };
}
const utf8Compare = (a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0]));
// mode "count" counts visits; "plain" writes set sort keys (no ids); else writes with anchors.
function walk(x, st) {
  if (x === null || x === undefined) return { t: "none" };
  if (typeof x === "boolean") return { t: "bool", v: x };
  if (typeof x === "bigint") return { t: "int", v: x.toString() };
  if (typeof x === "number") return { t: "float", v: pyFloat(x) };
  if (typeof x === "string") return str(x);
  if (x instanceof Uint8Array) return { t: "bytes", v: escapeBytes(x) };
  if (x instanceof Global) return { t: "global", module: x.module, name: x.name };
  if (x instanceof Buffer_) {
    return { t: "buffer", ...(x.data != null && { v: escapeBytes(x.data) }), index: x.index, readonly: x.readonly };
  }
  const empty = (x instanceof Tuple || x instanceof FrozenSet) && x.items.length === 0;
  if (!empty) { // section 8
    if (st.mode === "plain" && st.path.has(x)) return { t: "ref" };
    if (st.mode === "count") {
      st.counts.set(x, (st.counts.get(x) || 0) + 1);
      if (st.counts.get(x) > 1) return { t: "ref", v: 0 };
    } else if (st.ids.has(x)) return { t: "ref", v: st.ids.get(x) };
  }
  const n = { t: tag(x) };
  if (!empty && st.mode === "write" && st.counts.get(x) > 1) st.ids.set(x, n.id = st.ids.size + 1);
  st.path.add(x);
  fill(x, n, st);
  st.path.delete(x);
  return n;
}
function tag(x) {
  if (x instanceof Reduce) return "reduce";
  if (x instanceof Obj) return "object";
  for (const [c, t] of [[Array, "list"], [Tuple, "tuple"], [Map, "dict"], [Set, "set"], [FrozenSet, "frozenset"],
    [ByteArray, "bytearray"], [PersId, "persid"]]) if (x instanceof c) return t;
  if ([Object.prototype, null].includes(Object.getPrototypeOf(x))) return "dict";
  throw new TypeError(`no canon for ${x?.constructor?.name}: use the kit's Obj, Reduce or Global`);
}
function fill(x, n, st) {
  const w = (e) => walk(e, st), pairs = (ps) => ps.map(([k, v]) => [w(k), w(v)]);
  if (Array.isArray(x)) n.v = x.map(w);
  else if (x instanceof Tuple) n.v = x.items.map(w);
  else if (x instanceof Map) n.v = pairs([...x]);
  else if (x instanceof Set || x instanceof FrozenSet) { // section 6
    const keySt = () => st.mode === "plain" ? st : { mode: "plain", path: new Set(), ids: new Map() };
    const keyed = [...(x instanceof Set ? x : x.items)].map((e) => [JSON.stringify(walk(e, keySt())), e]);
    n.v = keyed.sort(utf8Compare).map(([, e]) => w(e));
  } else if (x instanceof ByteArray) n.v = escapeBytes(x.bytes);
  else if (x instanceof PersId) n.v = w(x.pid);
  else if (x instanceof Obj) { // section 7: members absent when empty (a state of {} too)
    n[x instanceof Reduce ? "callable" : "class"] = w(x.cls);
    if (x.args.length || x instanceof Reduce) n.args = x.args.map(w);
    if (x.kwargs.length) n.kwargs = pairs(x.kwargs);
    const s = x.state, emptyDict = s instanceof Map ? s.size === 0 : s?.constructor === Object && !Object.keys(s).length;
    if (s != null && !emptyDict) n.state = w(s);
    if (x.items.length) n.items = x.items.map(w);
    if (x.dictitems.length) n.dictitems = pairs(x.dictitems);
    if (x.setter != null) n.setter = w(x.setter);
  } else n.v = pairs(Object.entries(x));
}
function canon(value) { // the canon tree of a value, as JSON-ready objects
  const counts = new Map();
  walk(value, { mode: "count", counts, path: new Set() });
  return walk(value, { mode: "write", counts, ids: new Map(), path: new Set() });
}
async function answer(load, data, options) { // one request -> its reply (docs/ADAPTERS.md)
  let value;
  try { value = await load(data, options); } catch (e) {
    if (e instanceof Reject) return { error: e.kind, message: e.message };
    return { crash: `${e?.name}: ${e?.message}` }; // the codec failed: never a rejection
  }
  try { return { value: canon(value) }; } catch (e) { return { adapter_error: `cannot write canon: ${e.message}` }; }
}
async function serve(load) { // a request per line (PICKLEJAR_MODE=worker), else one pickle on stdin
  if (process.env.PICKLEJAR_MODE === "worker") {
    for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      const req = JSON.parse(line), b64 = (s) => Buffer.from(s, "base64");
      const options = { ...req.options, buffers: req.buffers ? req.buffers.map(b64) : null };
      process.stdout.write(JSON.stringify(await answer(load, b64(req.data), options)) + "\n");
    }
    return;
  }
  const options = JSON.parse(process.env.PICKLEJAR_OPTIONS || "{}");
  options.buffers = options.buffers ? options.buffers.map((p) => fs.readFileSync(p)) : null;
  const reply = await answer(load, fs.readFileSync(0), options);
  if ("value" in reply || "error" in reply) process.stdout.write(JSON.stringify(reply.value ?? reply));
  else process.stderr.write(reply.crash ?? reply.adapter_error);
  process.exitCode = "value" in reply ? 0 : "error" in reply ? 1 : "crash" in reply ? 2 : 3; // 3: adapter error
}

module.exports = { Reject, Tuple, FrozenSet, ByteArray, Global, PersId, Buffer: Buffer_, Obj, Reduce,
  canon, pyFloat, answer, serve };
