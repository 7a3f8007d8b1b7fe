// picklejar adapter (protocol 2, raw output) for pickleparser 0.2.1 (npm), with the JS kit.
// Parser options: dicts as Map, sets as Set (pickleparser's faithful modes), persistent ids and
// EXT codes resolved to stand-ins, out-of-band buffers given as the `buffers` iterator.
"use strict";
const path = require("path");
const kit = require(path.join(__dirname, "../../kits/js/picklejar_kit.js"));
const { Parser, NameRegistry } = require(path.join(__dirname, ".deps/node_modules/pickleparser"));
const names = new NameRegistry(); // its default resolver: a stub class per name

// pickleparser's default name resolver gives a stub class per global (`PObject`): `new` (NEWOBJ,
// INST, OBJ) makes an instance, a call (REDUCE) a `PFunction` instance; both keep `args` and have
// `__module__`/`__name__` on their prototype; BUILD assigns the state's entries onto the instance.
const isStub = (x) => typeof x === "function" && x.prototype && "__module__" in x.prototype;
const SETS = new Set(["set", "frozenset"]);
const stubProto = (x) => { const p = Object.getPrototypeOf(x); return p && "__module__" in p ? p : null; };
// An array or Set reached as a dict key or set element (or inside one) was hashable in Python: a
// tuple or a frozenset. Such are written as kit.Tuple / kit.FrozenSet (equal modulo the model), so
// that the runner can re-read the raw tree.
function hashables(root) {
  const keyed = new Set(), seen = new Set(), todo = [[root, false]];
  while (todo.length) {
    const [x, key] = todo.pop();
    if (x === null || typeof x !== "object" || x instanceof Uint8Array) continue;
    const tag = key ? keyed : seen;
    if (tag.has(x)) continue;
    tag.add(x);
    const kids = (xs, k) => { for (const e of xs) todo.push([e, k]); };
    if (Array.isArray(x)) kids(x, key);
    else if (x instanceof Set) kids(x, true);
    else if (x instanceof Map) for (const [k, v] of x) todo.push([k, true], [v, false]);
    else if (x instanceof kit.PersId) todo.push([x.pid, false]);
    else {
      const p = stubProto(x);
      if (p && SETS.has(p.__name__) && x.args && Array.isArray(x.args[0])) kids(x.args[0], true);
      kids(x.args || [], false);
      if (x.kwargs) kids(x.kwargs, false);
      kids(Object.values(x), false);
    }
  }
  return keyed;
}
function convert(x, seen, keyed) { // the codec's value -> kit values, identity kept
  if (x === null || typeof x !== "object" && typeof x !== "function") return x;
  if (x instanceof Uint8Array) return x;
  if (seen.has(x)) return seen.get(x);
  const put = (y) => (seen.set(x, y), y), c = (v) => convert(v, seen, keyed);
  if (isStub(x)) return put(new kit.Global(x.prototype.__module__, x.prototype.__name__));
  if (Array.isArray(x) && keyed.has(x)) { const t = put(new kit.Tuple([])); for (const e of x) t.items.push(c(e)); return t; }
  if (Array.isArray(x)) { const a = put([]); for (const e of x) a.push(c(e)); return a; }
  if (x instanceof Map) { const m = put(new Map()); for (const [k, v] of x) m.set(c(k), c(v)); return m; }
  if (x instanceof Set && keyed.has(x)) { const f = put(new kit.FrozenSet([])); for (const e of x) f.items.push(c(e)); return f; }
  if (x instanceof Set) { const s = put(new Set()); for (const e of x) s.add(c(e)); return s; }
  if (x instanceof kit.PersId) return put(new kit.PersId(c(x.pid)));
  const proto = stubProto(x);
  if (proto) { // a stub instance: NEWOBJ/INST/OBJ (PObject) or REDUCE (PFunction)
    const cls = new kit.Global(proto.__module__, proto.__name__);
    const o = put("__setnewargs_ex__" in proto ? new kit.Obj(cls) : new kit.Reduce(cls));
    o.args = (x.args || []).map(c);
    if (x.kwargs && x.kwargs[0] instanceof Map) o.kwargs = [...x.kwargs[0]].map(([k, v]) => [c(k), c(v)]);
    const own = Object.entries(x); // what BUILD assigned
    if (own.length) o.state = new Map(own.map(([k, v]) => [k, c(v)]));
    return o;
  }
  if (proto === Object.prototype || proto === null) { // a plain object (a BUILD on a Map assigns keys)
    const m = put(new Map()); for (const [k, v] of Object.entries(x)) m.set(k, c(v)); return m;
  }
  return x; // anything else: the kit says it cannot write it (an adapter error)
}

kit.serve((data, options) => {
  const ext = options.extensions || {};
  const parser = new Parser({
    unpicklingTypeOfDictionary: "Map",
    unpicklingTypeOfSet: "Set",
    persistentResolver: { resolve: (pid) => new kit.PersId(pid) },
    extensionResolver: { resolve: (code) => {
      if (!(String(code) in ext)) throw new Error(`Unregistered extension code: \`${code}\`.`);
      return names.resolve(...ext[String(code)]);
    } },
    ...(options.buffers && { buffers: options.buffers[Symbol.iterator]() }),
  });
  let value;
  try {
    value = parser.parse(data);
  } catch (e) { // pickleparser reports bad input with plain Errors; TypeError, RangeError, ...: crashes
    if (e && e.constructor === Error) throw new kit.Reject("rejected", e.message);
    throw e;
  }
  return convert(value, new Map(), hashables(value));
});
