// picklejar adapter (protocol 2, raw output) for jpickle 0.4.1 (npm), with the JS kit.
// jpickle resolves globals through its `emulated` registry only (module.name -> constructor); like
// examples/adapters/dataonly, every name it does not emulate itself gets an inert stand-in: calling
// one (REDUCE) is a reduction, `new` (OBJ) an object; attributes set on them (BUILD, SETITEM) are
// their state, `push` (APPEND, APPENDS) their items.
"use strict";
const path = require("path");
const kit = require(path.join(__dirname, "../../kits/js/picklejar_kit.js"));
const jpickle = require(path.join(__dirname, ".deps/node_modules/jpickle"));

const stub = new WeakMap(); // stand-in -> {kind, cls, args, state, items}
function standin(kind, cls, args) {
  const rec = { kind, cls, args, state: new Map(), items: [] };
  const p = new Proxy(function () {}, {
    apply: (t, self, [args]) => { // jpickle calls func(argtuple)
      if (!Array.isArray(args)) throw new TypeError("REDUCE: the arguments are not a tuple");
      return standin("reduce", p, args);
    },
    construct: () => standin("object", p, []),
    get: (t, k) => k === "push" ? (...xs) => rec.items.push(...xs)
      : typeof k === "string" && rec.state.has(k) ? rec.state.get(k) : Reflect.get(t, k),
    set: (t, k, v) => (rec.state.set(String(k), v), true),
  });
  stub.set(p, rec);
  return p;
}
let pickle = ""; // the pickle being read: GLOBAL's module and name, from the key jpickle looks up
Object.setPrototypeOf(jpickle.emulated, new Proxy({}, {
  get: (t, key) => {
    if (typeof key !== "string") return undefined;
    let at = key.lastIndexOf(".");
    if (at <= 0 || at === key.length - 1) return undefined; // no name Python could import: not emulated
    for (let i = key.indexOf("."); i >= 0; i = key.indexOf(".", i + 1)) {
      if (pickle.includes(`c${key.slice(0, i)}\n${key.slice(i + 1)}\n`)) { at = i; break; }
    }
    return standin("global", new kit.Global(key.slice(0, at), key.slice(at + 1)), []);
  },
}));

// An array reached as a dict key or set element (or inside one) was a tuple in Python: written as
// kit.Tuple (the same modulo tuple-as-list) so that the runner can re-read the raw tree.
const SETS = new Set(["set", "frozenset"]);
function hashables(root) {
  const keyed = new Set(), seen = new Set(), todo = [[root, false]];
  while (todo.length) {
    const [x, key] = todo.pop();
    if (x === null || typeof x !== "object" && typeof x !== "function") continue;
    if ((key ? keyed : seen).has(x)) continue;
    (key ? keyed : seen).add(x);
    const rec = stub.get(x), kids = (xs, k) => { for (const e of xs) todo.push([e, k]); };
    if (Array.isArray(x)) kids(x, key);
    else if (rec) {
      const c = rec.cls && stub.get(rec.cls);
      if (rec.kind === "reduce" && c && c.kind === "global" && SETS.has(c.cls.name) && Array.isArray(rec.args[0])) {
        kids(rec.args[0], true);
      }
      kids(rec.args, false); kids(rec.items, false); kids(rec.state.values(), false); todo.push([rec.cls, false]);
    } else if (!(x instanceof Date)) kids(Object.values(x), false);
  }
  return keyed;
}
function convert(x, seen, keyed) { // jpickle's value -> kit values, identity kept
  if (x === null || typeof x !== "object" && typeof x !== "function") return x;
  if (seen.has(x)) return seen.get(x);
  const put = (y) => (seen.set(x, y), y), c = (v) => convert(v, seen, keyed), rec = stub.get(x);
  if (Array.isArray(x)) {
    const a = put(keyed.has(x) ? new kit.Tuple([]) : []);
    for (const e of x) (a.items || a).push(c(e));
    return a;
  }
  if (x instanceof Date) return put(isNaN(x) ? "Invalid Date" : x.toISOString()); // its datetime.datetime
  if (rec && rec.kind === "global") return put(rec.cls);
  if (rec) {
    const o = put(rec.kind === "object" ? new kit.Obj(null) : new kit.Reduce(null));
    o.cls = c(rec.cls);
    o.args = rec.args.map(c);
    o.items = rec.items.map(c);
    if (rec.state.size) o.state = new Map([...rec.state].map(([k, v]) => [k, c(v)]));
    return o;
  }
  if (typeof x === "function") { // one of jpickle's own emulations, named by its registry key
    const key = Object.keys(jpickle.emulated).find((k) => jpickle.emulated[k] === x) || ".?";
    return put(new kit.Global(key.slice(0, key.lastIndexOf(".")), key.slice(key.lastIndexOf(".") + 1)));
  }
  const m = put(new Map()); // a dict: a plain object, keys as strings
  for (const [k, v] of Object.entries(x)) m.set(k, c(v));
  return m;
}

kit.serve((data) => {
  pickle = data.toString("binary");
  let value;
  try {
    value = jpickle.loads(pickle);
  } catch (e) { // jpickle reports bad or unsupported input by throwing strings; Errors are crashes
    if (typeof e === "string") throw new kit.Reject("rejected", e);
    throw e;
  }
  return convert(value, new Map(), hashables(value));
});
