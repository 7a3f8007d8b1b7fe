//! The raw form: a value as an adapter read it off the stream, normalised by the runner.
//!
//! An adapter that declares `output: raw` (`docs/ADAPTERS.md`) writes canon JSON without the
//! two things that take most code to get right, and the runner does them, with
//! picklejar-codec's own loader:
//!
//! * **no `fix_imports`**: globals (and `INST`/`OBJ` classes, extension-registry names)
//!   are written as the stream spells them (`__builtin__.set`, `copy_reg._reconstructor`);
//! * **reductions unfolded**: every `REDUCE` is a `reduce` node with its callable and
//!   arguments, including the plain-value encodings of `docs/CANON.md` section 7
//!   (`builtins.set(list)`, `_codecs.encode(str, 'latin1')`, `bytearray(bytes)`,
//!   `copyreg._reconstructor(cls, object, None)`, `getattr(m.a, 'b')`,
//!   `functools.partial(cls.__new__, cls, …)()`).
//!
//! Everything else is as in canon: `NEWOBJ`/`NEWOBJ_EX`/`INST`/`OBJ` are `object` nodes,
//! `BUILD` sets `state`, `APPEND(S)`/`SETITEM(S)` onto an object fill `items`/`dictitems`,
//! shared objects carry `id`/`ref`. Anchor numbering and set order need not be canonical:
//! they are computed again.
//!
//! [`normalize`] turns raw into canon by dumping the tree with picklejar's pickler
//! (globals as written, no name mapping) and loading the bytes back with picklejar's
//! loader and the trial's options. The loader is where the section 7 rewrites
//! (`load/normalize.rs`) and CPython's `_compat_pickle` tables (`fix_imports`, for
//! streams of protocol 0–2) live, so a raw adapter is normalised by exactly the rules
//! picklejar's own codec is held to; nothing is written twice. The tables are also shipped
//! as data for adapters that write canon themselves: `kits/compat_tables.json`.
//!
//! A [`Normalizer`] does the same by the rules of the reader the codec is compared with
//! (`reference: cpython-2.7` reads with Python 2's, [`crate::emulate`]) and for its value
//! model (a `tuple-as-list` codec's lists where Python needs a hashable value are tuples
//! again). Adapters normalise with their manifest's.
//!
//! ```
//! use picklejar_codec::Canon;
//! use picklejar_runner::corpus::LoadSpec;
//! use picklejar_runner::raw::normalize;
//!
//! // protocol 2: c__builtin__\nset\n( ... ) R — as read off the stream
//! let raw = Canon::from_json(r#"{"t":"reduce","callable":{"t":"global","module":"__builtin__","name":"set"},
//!     "args":[{"t":"list","v":[{"t":"int","v":"1"}]}]}"#)?;
//! let canon = normalize(&raw, 2, &LoadSpec::default())?;
//! assert_eq!(canon.to_json_string(), r#"{"t":"set","v":[{"t":"int","v":"1"}]}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashSet;

use picklejar_codec::{
    Canon, DumpOptions, Graph, Loader, Node, NodeId, Profile, Value, dump, to_canon,
};

use crate::corpus::LoadSpec;
use crate::emulate;
use crate::ids::{ImplId, REFERENCE};
use crate::model::{ModelFlag, ValueModel};

/// Why a raw tree could not be normalised.
#[derive(Debug, thiserror::Error)]
#[error(
    "raw output could not be normalised ({0}); check it against docs/ADAPTERS.md, \"The raw form\""
)]
pub struct RawError(String);

/// The canon of a raw tree read from a stream that declares `protocol`, loaded with
/// `spec`'s options (`fix_imports=false` keeps Python 2 names), for a codec of the exact
/// model compared with CPython 3.13: [`Normalizer::default`].
pub fn normalize(raw: &Canon, protocol: u8, spec: &LoadSpec) -> Result<Canon, RawError> {
    Normalizer::default().normalize(raw, protocol, spec)
}

/// How a codec's raw trees are normalised: by the rules of the reader it is compared with,
/// knowing what its value model cannot hold.
///
/// * **`reference`**: the raw tree is re-read with the options picklejar's loader uses to
///   read as that reader does ([`emulate::load_spec`]): for `cpython-2.7` (Jython's
///   cPickle, …) Python 2's rules, under which `fix_imports` always applies to the canon
///   (a case's `fix_imports=False` is a Python 3 option) and a Python 2 `str` is bytes.
/// * **`model`**: a codec that loads tuples as lists (`tuple-as-list`) writes lists where
///   the pickle had tuples, also where Python needs a hashable value: dict keys (and
///   `dictitems` keys), set and frozenset members, the elements a `set(…)`/`frozenset(…)`
///   reduction is built from. There a list can only have been a tuple, and it is made one
///   again (with every list inside it) before the tree is re-read, which would otherwise
///   refuse it as unhashable; `frozenset-as-set` makes sets there frozensets the same way.
///   The trial compares modulo the model ([`ValueModel::relax`]), which turns them back.
///
/// ```
/// use picklejar_codec::Canon;
/// use picklejar_runner::corpus::LoadSpec;
/// use picklejar_runner::raw::Normalizer;
///
/// // {(1, 2): 3} as a JavaScript reader (tuple-as-list) reads it: a list key
/// let raw = Canon::from_json(r#"{"t":"dict","v":[[{"t":"list","v":[{"t":"int","v":"1"},{"t":"int","v":"2"}]},{"t":"int","v":"3"}]]}"#)?;
/// let js = Normalizer { model: "tuple-as-list".parse()?, ..Normalizer::default() };
/// let canon = js.normalize(&raw, 2, &LoadSpec::default())?;
/// assert!(canon.to_json_string().starts_with(r#"{"t":"dict","v":[[{"t":"tuple""#));
/// assert!(Normalizer::default().normalize(&raw, 2, &LoadSpec::default()).is_err()); // unhashable
///
/// // protocol 0 `c__builtin__\nxrange\n.` read with fix_imports=False
/// let raw = Canon::from_json(r#"{"t":"global","module":"__builtin__","name":"xrange"}"#)?;
/// let off = LoadSpec { fix_imports: Some(false), ..LoadSpec::default() };
/// let jython = Normalizer { reference: "cpython-2.7".parse()?, ..Normalizer::default() };
/// assert_eq!(jython.normalize(&raw, 0, &off)?.to_json_string(), r#"{"t":"global","module":"builtins","name":"range"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Normalizer {
    /// The codec's value model.
    pub model: ValueModel,
    /// The reader the codec is compared with.
    pub reference: ImplId,
}

impl Default for Normalizer {
    /// The exact model, compared with [`REFERENCE`] (CPython 3.13).
    fn default() -> Normalizer {
        Normalizer {
            model: ValueModel::exact(),
            reference: REFERENCE,
        }
    }
}

impl Normalizer {
    /// The canon of a raw tree read from a stream that declares `protocol`, with the
    /// trial's options `spec` (as the [`Normalizer`]'s reference reads with them).
    pub fn normalize(&self, raw: &Canon, protocol: u8, spec: &LoadSpec) -> Result<Canon, RawError> {
        let err = |e: picklejar_codec::Error| RawError(e.to_string());
        let mut graph = raw.to_graph().map_err(err)?;
        self.hashable_again(&mut graph);
        let mut dump_opts = DumpOptions::new(Profile::Py313);
        dump_opts.fix_imports = false;
        // fix_imports applies to streams of protocol 0–2: re-read at 2 (GLOBAL, and every
        // section 7 encoding) or at 5 (buffers, STACK_GLOBAL names as written).
        let at = if protocol < 3 { 2 } else { 5 };
        let dumped = dump(&graph, at, &dump_opts).map_err(err)?;
        let buffers = (!dumped.buffers.is_empty()).then_some(dumped.buffers);
        let spec = emulate::load_spec(self.reference, spec);
        let mut options = spec.to_options(buffers).map_err(RawError)?;
        options.extensions.clear();
        let loaded = Loader::with_options(options)
            .load(&dumped.bytes)
            .map_err(err)?;
        to_canon(&loaded.graph).map_err(err)
    }

    /// Makes the lists (and, with `frozenset-as-set`, the sets) in hashable positions
    /// tuples (frozensets) again, where the model says the codec could not tell them
    /// apart.
    fn hashable_again(&self, g: &mut Graph) {
        let tuples = self.model.contains(ModelFlag::TupleAsList);
        let frozensets = self.model.contains(ModelFlag::FrozensetAsSet);
        if !tuples && !frozensets {
            return;
        }
        let mut queue: Vec<Value> = Vec::new();
        for node in g.nodes() {
            match node {
                Node::Dict(pairs) => queue.extend(pairs.iter().map(|(k, _)| *k)),
                Node::Set(items) | Node::FrozenSet(items) => queue.extend(items.iter().copied()),
                Node::Object(o) => queue.extend(o.dictitems.iter().map(|(k, _)| *k)),
                Node::Reduce(r) => {
                    queue.extend(r.dictitems.iter().map(|(k, _)| *k));
                    queue.extend(set_members(g, r.callable, r.args));
                }
                _ => {}
            }
        }
        // Breadth-first through what a hash of the key descends into (tuples, and lists
        // about to be tuples); each node once.
        let mut seen: HashSet<NodeId> = HashSet::new();
        while let Some(v) = queue.pop() {
            let Value::Node(id) = v else { continue };
            if !seen.insert(id) {
                continue;
            }
            let node = g.node_mut(id);
            match node {
                Node::List(items) if tuples => {
                    let items = std::mem::take(items);
                    queue.extend(items.iter().copied());
                    *node = Node::Tuple(items);
                }
                Node::Set(items) if frozensets => {
                    *node = Node::FrozenSet(std::mem::take(items));
                }
                Node::Tuple(items) => queue.extend(items.iter().copied()),
                _ => {}
            }
        }
    }
}

/// The members of the set a raw `set(iterable)` or `frozenset(iterable)` reduction (names
/// as written or as mapped) builds: the iterable's items.
fn set_members(g: &Graph, callable: Value, args: Value) -> Vec<Value> {
    let is_set = g.as_global(callable).is_some_and(|gl| {
        matches!(gl.module.as_str(), "builtins" | "__builtin__")
            && matches!(gl.name.as_str(), "set" | "frozenset")
    });
    let iterable = match g.as_tuple(args) {
        Some([it]) if is_set => *it,
        _ => return Vec::new(),
    };
    match g.deref(iterable) {
        Some(Node::List(v) | Node::Tuple(v) | Node::Set(v) | Node::FrozenSet(v)) => v.clone(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(json: &str) -> Canon {
        Canon::from_json(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    fn g(module: &str, name: &str) -> String {
        format!(r#"{{"t":"global","module":"{module}","name":"{name}"}}"#)
    }

    #[test]
    fn section_7_encodings_and_fix_imports() {
        let s = |v: &str| format!(r#"{{"t":"str","v":"{v}"}}"#);
        let table: Vec<(u8, String, &str)> = vec![
            (
                2,
                format!(
                    r#"{{"t":"reduce","callable":{},"args":[{},{}]}}"#,
                    g("_codecs", "encode"),
                    s("ab"),
                    s("latin1")
                ),
                r#"{"t":"bytes","v":"ab"}"#,
            ),
            (
                1,
                format!(
                    r#"{{"t":"reduce","callable":{},"args":[{},{},{{"t":"none"}}]}}"#,
                    g("copy_reg", "_reconstructor"),
                    g("m", "C"),
                    g("__builtin__", "object")
                ),
                r#"{"t":"object","class":{"t":"global","module":"m","name":"C"}}"#,
            ),
            (
                2,
                format!(
                    r#"{{"t":"reduce","callable":{},"args":[{},{}]}}"#,
                    g("__builtin__", "getattr"),
                    g("m", "A"),
                    s("B")
                ),
                r#"{"t":"global","module":"m","name":"A.B"}"#,
            ),
            (
                0,
                g("__builtin__", "xrange"),
                r#"{"t":"global","module":"builtins","name":"range"}"#,
            ),
            // protocol 3+: no name mapping
            (
                4,
                g("__builtin__", "xrange"),
                r#"{"t":"global","module":"__builtin__","name":"xrange"}"#,
            ),
            (
                5,
                format!(
                    r#"{{"t":"reduce","callable":{},"args":[{{"t":"bytes","v":"x"}}]}}"#,
                    g("builtins", "bytearray")
                ),
                r#"{"t":"bytearray","v":"x"}"#,
            ),
        ];
        for (protocol, raw, want) in table {
            let got = normalize(&c(&raw), protocol, &LoadSpec::default())
                .unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(got, c(want), "{raw}");
        }
    }

    #[test]
    fn fix_imports_false_keeps_python_2_names() {
        let spec = LoadSpec {
            fix_imports: Some(false),
            ..LoadSpec::default()
        };
        let got = normalize(&c(&g("copy_reg", "dispatch_table")), 2, &spec).ok();
        assert_eq!(got, Some(c(&g("copy_reg", "dispatch_table"))));
    }

    fn int(i: i64) -> String {
        format!(r#"{{"t":"int","v":"{i}"}}"#)
    }

    fn seq(t: &str, items: &[String]) -> String {
        format!(r#"{{"t":"{t}","v":[{}]}}"#, items.join(","))
    }

    /// A tuple-as-list (and frozenset-as-set) codec's raw tree with lists (sets) where
    /// Python needs a hashable value: normalised, and equal to CPython's canon modulo the
    /// model, as the trial compares them. The exact model refuses each (unhashable).
    #[test]
    fn lists_in_hashable_positions_of_a_tuple_as_list_codec() {
        let (l12, t12) = (
            seq("list", &[int(1), int(2)]),
            seq("tuple", &[int(1), int(2)]),
        );
        let pair = |k: &str, v: &str| format!("[{k},{v}]");
        let table: Vec<(&str, String, String)> = vec![
            // {(1, 2): 3}
            (
                "dict key",
                format!(r#"{{"t":"dict","v":[{}]}}"#, pair(&l12, &int(3))),
                format!(r#"{{"t":"dict","v":[{}]}}"#, pair(&t12, &int(3))),
            ),
            // {((1, 2), 3): None}: every list inside the key
            (
                "nested key",
                format!(
                    r#"{{"t":"dict","v":[{}]}}"#,
                    pair(&seq("list", &[l12.clone(), int(3)]), r#"{"t":"none"}"#)
                ),
                format!(
                    r#"{{"t":"dict","v":[{}]}}"#,
                    pair(&seq("tuple", &[t12.clone(), int(3)]), r#"{"t":"none"}"#)
                ),
            ),
            // {(1, 2)} at protocol 4 (EMPTY_SET, ADDITEMS)
            (
                "set member",
                seq("set", std::slice::from_ref(&l12)),
                seq("set", std::slice::from_ref(&t12)),
            ),
            (
                "frozenset member",
                seq("frozenset", &[l12.clone(), int(0)]),
                seq("frozenset", &[int(0), t12.clone()]),
            ),
            // protocol 2: set([(1, 2)]) as read off the stream
            (
                "set(list) reduction",
                format!(
                    r#"{{"t":"reduce","callable":{},"args":[{}]}}"#,
                    g("__builtin__", "set"),
                    seq("list", std::slice::from_ref(&l12))
                ),
                seq("set", std::slice::from_ref(&t12)),
            ),
            // SETITEM onto an instance: a dictitems key
            (
                "dictitems key",
                format!(
                    r#"{{"t":"object","class":{},"dictitems":[{}]}}"#,
                    g("m", "D"),
                    pair(&l12, &int(3))
                ),
                format!(
                    r#"{{"t":"object","class":{},"dictitems":[{}]}}"#,
                    g("m", "D"),
                    pair(&t12, &int(3))
                ),
            ),
            // t = (1, 2); [t, {t: 0}]: the shared list is one tuple in both places
            (
                "shared with a value",
                seq(
                    "list",
                    &[
                        r#"{"t":"list","id":4,"v":[{"t":"int","v":"1"}]}"#.into(),
                        format!(r#"{{"t":"dict","v":[[{{"t":"ref","v":4}},{}]]}}"#, int(0)),
                    ],
                ),
                seq(
                    "list",
                    &[
                        r#"{"t":"tuple","id":1,"v":[{"t":"int","v":"1"}]}"#.into(),
                        format!(r#"{{"t":"dict","v":[[{{"t":"ref","v":1}},{}]]}}"#, int(0)),
                    ],
                ),
            ),
            // {frozenset({1}): 2} from a codec without frozenset
            (
                "set as a key (frozenset-as-set)",
                format!(
                    r#"{{"t":"dict","v":[{}]}}"#,
                    pair(&seq("set", &[int(1)]), &int(2))
                ),
                format!(
                    r#"{{"t":"dict","v":[{}]}}"#,
                    pair(&seq("frozenset", &[int(1)]), &int(2))
                ),
            ),
        ];
        let model: ValueModel = "tuple-as-list+frozenset-as-set".parse().unwrap_or_default();
        let js = Normalizer {
            model: model.clone(),
            ..Normalizer::default()
        };
        for (what, raw, cpython) in table {
            let raw = c(&raw);
            let got = js
                .normalize(&raw, 2, &LoadSpec::default())
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(got, c(&cpython), "{what}");
            // what the trial compares: both sides relaxed
            assert_eq!(model.relax(&got), model.relax(&c(&cpython)), "{what}");
            let exact = normalize(&raw, 2, &LoadSpec::default());
            assert!(exact.is_err(), "{what}: the exact model loads {exact:?}");
        }
    }

    #[test]
    fn lists_elsewhere_stay_lists() {
        // [[1], {"k": [2]}]: no hashable position, nothing to change
        let raw = c(&seq(
            "list",
            &[
                seq("list", &[int(1)]),
                format!(
                    r#"{{"t":"dict","v":[[{{"t":"str","v":"k"}},{}]]}}"#,
                    seq("list", &[int(2)])
                ),
            ],
        ));
        let js = Normalizer {
            model: ValueModel::new([ModelFlag::TupleAsList]),
            ..Normalizer::default()
        };
        let got = js.normalize(&raw, 4, &LoadSpec::default()).ok();
        assert_eq!(got, Some(raw));
    }

    /// A codec compared with `cpython-2.7` is normalised with Python 2's rules: a case's
    /// `fix_imports=False` is a Python 3 option, and 2.7's canon maps the names.
    #[test]
    fn a_python_2_reference_reads_with_python_2_rules() {
        let off = LoadSpec {
            fix_imports: Some(false),
            ..LoadSpec::default()
        };
        let py27 = Normalizer {
            reference: "cpython-2.7".parse().unwrap_or(REFERENCE),
            ..Normalizer::default()
        };
        let xrange = c(&g("__builtin__", "xrange"));
        let range = c(&g("builtins", "range"));
        // (normaliser, options, raw, canon)
        let table: [(&Normalizer, &LoadSpec, &Canon, &Canon); 4] = [
            (&py27, &off, &xrange, &range),
            (&Normalizer::default(), &off, &xrange, &xrange),
            (&py27, &LoadSpec::default(), &xrange, &range),
            (
                &Normalizer::default(),
                &LoadSpec::default(),
                &xrange,
                &range,
            ),
        ];
        for (n, spec, raw, want) in table {
            let got = n.normalize(raw, 0, spec).ok();
            assert_eq!(got.as_ref(), Some(want), "{} {spec:?}", n.reference);
        }
        // a Python 2 str the adapter wrote as bytes stays bytes (2.7's canon)
        let s = c(r#"{"t":"bytes","v":"caf\\xe9"}"#);
        assert_eq!(py27.normalize(&s, 1, &LoadSpec::default()).ok(), Some(s));
    }

    #[test]
    fn identity_survives_and_anchors_are_renumbered() {
        // ids 7 and a ref: any numbering is accepted
        let raw = c(r#"{"t":"list","v":[{"t":"list","id":7,"v":[]},{"t":"ref","v":7}]}"#);
        let got = normalize(&raw, 4, &LoadSpec::default()).ok();
        assert_eq!(
            got,
            Some(c(
                r#"{"t":"list","v":[{"t":"list","id":1,"v":[]},{"t":"ref","v":1}]}"#
            ))
        );
    }
}
