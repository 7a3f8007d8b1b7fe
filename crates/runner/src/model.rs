//! Value models: what a codec's host language can represent, and how the runner compares a
//! codec that cannot tell some Python values apart.
//!
//! A JavaScript reader has no tuple and one number type; a Go reader's maps have no order;
//! many readers keep no object identity. Such a codec declares its **value model** in its
//! adapter manifest (`docs/ADAPTERS.md`), and every load trial is then compared *modulo* that
//! model: [`ValueModel::relax`] rewrites both the expected canon and the codec's canon into
//! the coarser form the model can hold, and the two are compared after that. A declared
//! model is shown beside the codec in the summary, the results and the report.
//!
//! | flag | the codec cannot tell apart | both sides are rewritten so that |
//! |---|---|---|
//! | `tuple-as-list` | tuple and list | every `tuple` is a `list` |
//! | `int-float-merged` | int and float (one number type) | every `int` is the `float` nearest to it |
//! | `dict-unordered` | dicts in different orders | dict items (and `kwargs`, `dictitems`) are sorted by their key's JSON |
//! | `frozenset-as-set` | frozenset and set | every `frozenset` is a `set` |
//! | `bytearray-as-bytes` | bytearray and bytes | every `bytearray` is `bytes` |
//! | `no-identity` | one object reached twice and two equal objects | shared objects are written out at every place they are reached (cycles keep their anchor) |
//!
//! After the rewrite, anchors, identity and set order are computed again as `docs/CANON.md`
//! says (picklejar-codec's own canon conversion), so a rewritten element sorts where its new
//! form sorts.
//!
//! ```
//! use picklejar_codec::Canon;
//! use picklejar_runner::model::{ModelFlag, ValueModel};
//!
//! let model: ValueModel = "tuple-as-list+int-float-merged".parse()?;
//! let python = Canon::from_json(r#"{"t":"tuple","v":[{"t":"int","v":"1"}]}"#)?;
//! let js = Canon::from_json(r#"{"t":"list","v":[{"t":"float","v":"1.0"}]}"#)?;
//! assert_ne!(python, js);
//! assert_eq!(model.relax(&python), model.relax(&js));
//! assert!(model.contains(ModelFlag::TupleAsList));
//! assert_eq!(model.to_string(), "tuple-as-list, int-float-merged");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use picklejar_codec::canon::{Pair, py_float_repr};
use picklejar_codec::{Canon, to_canon};
use serde::{Deserialize, Serialize};

/// One way a codec's values are coarser than Python's (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelFlag {
    /// Tuples load as lists.
    TupleAsList,
    /// Ints and floats are one number type.
    IntFloatMerged,
    /// Dicts keep no order.
    DictUnordered,
    /// Frozensets load as sets.
    FrozensetAsSet,
    /// Bytearrays load as bytes.
    BytearrayAsBytes,
    /// No object identity: shared objects load as copies.
    NoIdentity,
}

/// A value-model flag that is not one of [`ModelFlag::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown value-model flag {0:?}: use tuple-as-list, int-float-merged, dict-unordered, \
     frozenset-as-set, bytearray-as-bytes or no-identity (docs/ADAPTERS.md, \"Value models\")"
)]
pub struct UnknownFlag(pub String);

impl ModelFlag {
    /// Every flag, in the order they are applied and listed.
    pub const ALL: [ModelFlag; 6] = [
        ModelFlag::TupleAsList,
        ModelFlag::IntFloatMerged,
        ModelFlag::DictUnordered,
        ModelFlag::FrozensetAsSet,
        ModelFlag::BytearrayAsBytes,
        ModelFlag::NoIdentity,
    ];

    /// The spelling in manifests and results: `tuple-as-list`, ….
    ///
    /// ```
    /// use picklejar_runner::model::ModelFlag;
    /// assert_eq!(ModelFlag::NoIdentity.as_str(), "no-identity");
    /// assert_eq!("no-identity".parse::<ModelFlag>(), Ok(ModelFlag::NoIdentity));
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ModelFlag::TupleAsList => "tuple-as-list",
            ModelFlag::IntFloatMerged => "int-float-merged",
            ModelFlag::DictUnordered => "dict-unordered",
            ModelFlag::FrozensetAsSet => "frozenset-as-set",
            ModelFlag::BytearrayAsBytes => "bytearray-as-bytes",
            ModelFlag::NoIdentity => "no-identity",
        }
    }

    /// The rewrite of this flag alone, without recomputing anchors and set order (which
    /// [`ValueModel::relax`] does once after all of its flags).
    ///
    /// ```
    /// use picklejar_codec::Canon;
    /// use picklejar_runner::model::ModelFlag;
    /// let c = Canon::ByteArray(b"x".to_vec());
    /// assert_eq!(ModelFlag::BytearrayAsBytes.rewrite(c), Canon::Bytes(b"x".to_vec()));
    /// ```
    pub fn rewrite(self, c: Canon) -> Canon {
        match self {
            ModelFlag::TupleAsList => tuple_as_list(c),
            ModelFlag::IntFloatMerged => int_float_merged(c),
            ModelFlag::DictUnordered => dict_unordered(c),
            ModelFlag::FrozensetAsSet => frozenset_as_set(c),
            ModelFlag::BytearrayAsBytes => bytearray_as_bytes(c),
            ModelFlag::NoIdentity => no_identity(c),
        }
    }
}

impl fmt::Display for ModelFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ModelFlag {
    type Err = UnknownFlag;

    fn from_str(s: &str) -> Result<ModelFlag, UnknownFlag> {
        ModelFlag::ALL
            .into_iter()
            .find(|f| f.as_str() == s.trim())
            .ok_or_else(|| UnknownFlag(s.trim().to_owned()))
    }
}

/// The set of [`ModelFlag`]s a codec declares; empty is the exact model (Python's own).
///
/// Serialized as a list of flag names; parsed from `a+b` or `a, b`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ValueModel(BTreeSet<ModelFlag>);

impl ValueModel {
    /// The exact model: every value compared as CPython loaded it.
    pub fn exact() -> ValueModel {
        ValueModel::default()
    }

    /// A model of these flags.
    pub fn new(flags: impl IntoIterator<Item = ModelFlag>) -> ValueModel {
        ValueModel(flags.into_iter().collect())
    }

    /// Whether no flag is set.
    pub fn is_exact(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `flag` is set.
    pub fn contains(&self, flag: ModelFlag) -> bool {
        self.0.contains(&flag)
    }

    /// The flags, in [`ModelFlag::ALL`] order.
    pub fn flags(&self) -> impl Iterator<Item = ModelFlag> + '_ {
        self.0.iter().copied()
    }

    /// The flag names (what results documents store).
    pub fn names(&self) -> Vec<String> {
        self.flags().map(|f| f.as_str().to_owned()).collect()
    }

    /// `c` as this model sees it: every flag's rewrite, then identity anchors and set order
    /// computed again. The exact model returns `c` unchanged.
    ///
    /// ```
    /// use picklejar_codec::Canon;
    /// use picklejar_runner::model::{ModelFlag, ValueModel};
    ///
    /// // a = [1]; [a, a] as CPython loads it, and as a reader without identity loads it
    /// let shared = Canon::from_json(r#"{"t":"list","v":[{"t":"list","id":1,"v":[{"t":"int","v":"1"}]},{"t":"ref","v":1}]}"#)?;
    /// let copies = Canon::from_json(r#"{"t":"list","v":[{"t":"list","v":[{"t":"int","v":"1"}]},{"t":"list","v":[{"t":"int","v":"1"}]}]}"#)?;
    /// let m = ValueModel::new([ModelFlag::NoIdentity]);
    /// assert_eq!(m.relax(&shared), copies);
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn relax(&self, c: &Canon) -> Canon {
        if self.is_exact() {
            return c.clone();
        }
        let mut out = c.clone();
        for flag in self.flags().filter(|f| *f != ModelFlag::NoIdentity) {
            out = flag.rewrite(out);
        }
        let unshare = self.contains(ModelFlag::NoIdentity);
        let reordered = match reanchor(out.clone(), unshare) {
            Some(r) => r,
            // too large to write out without sharing: compared with its sharing
            None => reanchor(out.clone(), false).unwrap_or(out),
        };
        canonical(reordered)
    }
}

impl fmt::Display for ValueModel {
    /// `exact`, or the flags separated by `, `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_exact() {
            return f.write_str("exact");
        }
        let names: Vec<&str> = self.flags().map(ModelFlag::as_str).collect();
        f.write_str(&names.join(", "))
    }
}

impl FromStr for ValueModel {
    type Err = UnknownFlag;

    /// `tuple-as-list+dict-unordered`, `tuple-as-list, dict-unordered`; `exact` or an empty
    /// string is the exact model.
    ///
    /// ```
    /// use picklejar_runner::model::ValueModel;
    /// assert!("exact".parse::<ValueModel>().is_ok_and(|m| m.is_exact()));
    /// let e = "tuples".parse::<ValueModel>().unwrap_err();
    /// assert!(e.to_string().contains("tuple-as-list"));
    /// ```
    fn from_str(s: &str) -> Result<ValueModel, UnknownFlag> {
        if matches!(s.trim(), "" | "exact") {
            return Ok(ValueModel::exact());
        }
        s.split(['+', ','])
            .filter(|p| !p.trim().is_empty())
            .map(str::parse)
            .collect::<Result<BTreeSet<_>, _>>()
            .map(ValueModel)
    }
}

// ----- one rewrite per flag --------------------------------------------------------------

fn tuple_as_list(c: Canon) -> Canon {
    bottom_up(c, &|n| match n {
        Canon::Tuple(v) => Canon::List(v),
        other => other,
    })
}

fn frozenset_as_set(c: Canon) -> Canon {
    bottom_up(c, &|n| match n {
        Canon::FrozenSet(v) => Canon::Set(v),
        other => other,
    })
}

fn bytearray_as_bytes(c: Canon) -> Canon {
    bottom_up(c, &|n| match n {
        Canon::ByteArray(b) => Canon::Bytes(b),
        other => other,
    })
}

/// An int becomes the float nearest to it (as `float(i)`; past the float range, `inf`).
fn int_float_merged(c: Canon) -> Canon {
    bottom_up(c, &|n| match n {
        Canon::Int(s) => match s.parse::<f64>() {
            Ok(x) => Canon::Float(py_float_repr(x)),
            Err(_) => Canon::Int(s),
        },
        other => other,
    })
}

/// Dict items, `kwargs` and `dictitems` sorted by their key's compact JSON (anchors
/// dropped from the key text; a `ref` inside a key sorts by its number).
fn dict_unordered(c: Canon) -> Canon {
    fn sort(pairs: &mut [Pair]) {
        pairs.sort_by_cached_key(|(k, _)| key_text(k));
    }
    bottom_up(c, &|n| match n {
        Canon::Dict(mut p) => {
            sort(&mut p);
            Canon::Dict(p)
        }
        Canon::Object(mut o) => {
            sort(&mut o.kwargs);
            sort(&mut o.dictitems);
            Canon::Object(o)
        }
        Canon::Reduce(mut r) => {
            sort(&mut r.dictitems);
            Canon::Reduce(r)
        }
        other => other,
    })
}

fn no_identity(c: Canon) -> Canon {
    reanchor(c.clone(), true).unwrap_or(c)
}

fn key_text(k: &Canon) -> String {
    bottom_up(k.clone(), &|n| match n {
        Canon::Anchor(_, inner) => *inner,
        other => other,
    })
    .to_json_string()
}

// ----- tree walks -------------------------------------------------------------------------

fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}

/// Rebuilds `c` with `f` applied to each child, in the member order of `docs/CANON.md`
/// section 9.
fn map_children(c: Canon, f: &mut dyn FnMut(Canon) -> Canon) -> Canon {
    let items = |v: Vec<Canon>, f: &mut dyn FnMut(Canon) -> Canon| -> Vec<Canon> {
        v.into_iter().map(&mut *f).collect()
    };
    fn pairs(v: Vec<Pair>, f: &mut dyn FnMut(Canon) -> Canon) -> Vec<Pair> {
        v.into_iter().map(|(k, x)| (f(k), f(x))).collect()
    }
    match c {
        Canon::List(v) => Canon::List(items(v, f)),
        Canon::Tuple(v) => Canon::Tuple(items(v, f)),
        Canon::Set(v) => Canon::Set(items(v, f)),
        Canon::FrozenSet(v) => Canon::FrozenSet(items(v, f)),
        Canon::Dict(p) => Canon::Dict(pairs(p, f)),
        Canon::Object(mut o) => {
            o.class = f(std::mem::take(&mut o.class));
            o.args = items(std::mem::take(&mut o.args), f);
            o.kwargs = pairs(std::mem::take(&mut o.kwargs), f);
            o.state = o.state.take().map(&mut *f);
            o.items = items(std::mem::take(&mut o.items), f);
            o.dictitems = pairs(std::mem::take(&mut o.dictitems), f);
            o.setter = o.setter.take().map(&mut *f);
            Canon::Object(o)
        }
        Canon::Reduce(mut r) => {
            r.callable = f(std::mem::take(&mut r.callable));
            r.args = items(std::mem::take(&mut r.args), f);
            r.state = r.state.take().map(&mut *f);
            r.items = items(std::mem::take(&mut r.items), f);
            r.dictitems = pairs(std::mem::take(&mut r.dictitems), f);
            r.setter = r.setter.take().map(&mut *f);
            Canon::Reduce(r)
        }
        Canon::PersId(p) => Canon::PersId(Box::new(f(*p))),
        Canon::Anchor(a, inner) => Canon::Anchor(a, Box::new(f(*inner))),
        leaf => leaf,
    }
}

/// Calls `f` on each child of `c`, in the order of [`map_children`].
fn for_each_child(c: &Canon, f: &mut dyn FnMut(&Canon)) {
    let pairs = |p: &[Pair], f: &mut dyn FnMut(&Canon)| {
        for (k, v) in p {
            f(k);
            f(v);
        }
    };
    match c {
        Canon::List(v) | Canon::Tuple(v) | Canon::Set(v) | Canon::FrozenSet(v) => {
            v.iter().for_each(f)
        }
        Canon::Dict(p) => pairs(p, f),
        Canon::Object(o) => {
            f(&o.class);
            o.args.iter().for_each(&mut *f);
            pairs(&o.kwargs, f);
            o.state.iter().for_each(&mut *f);
            o.items.iter().for_each(&mut *f);
            pairs(&o.dictitems, f);
            o.setter.iter().for_each(&mut *f);
        }
        Canon::Reduce(r) => {
            f(&r.callable);
            r.args.iter().for_each(&mut *f);
            r.state.iter().for_each(&mut *f);
            r.items.iter().for_each(&mut *f);
            pairs(&r.dictitems, f);
            r.setter.iter().for_each(&mut *f);
        }
        Canon::PersId(p) => f(p),
        Canon::Anchor(_, inner) => f(inner),
        _ => {}
    }
}

/// Applies `f` to every node, children first.
fn bottom_up(c: Canon, f: &dyn Fn(Canon) -> Canon) -> Canon {
    grow(|| {
        let c = map_children(c, &mut |x| bottom_up(x, f));
        f(c)
    })
}

/// The most nodes [`reanchor`] writes out when it unshares (beyond that, a value shared
/// exponentially often is compared with its sharing).
const UNSHARE_BUDGET: usize = 2_000_000;

/// Moves every anchored node to the first place the walk reaches it (a rewrite such as
/// sorting dict items may have put a `ref` before its anchor), numbering anchors in walk
/// order. With `unshare`, every place a shared node is reached gets its own copy instead,
/// and only cycles keep an anchor; `None` when that would write more than
/// [`UNSHARE_BUDGET`] nodes.
fn reanchor(c: Canon, unshare: bool) -> Option<Canon> {
    let mut table = HashMap::new();
    let root = detach(c, &mut table);
    let mut counts = HashMap::new();
    count(&root, &table, &mut counts);
    let mut e = Emit {
        table: &table,
        counts: &counts,
        ids: HashMap::new(),
        path: HashMap::new(),
        next: 1,
        unshare,
        budget: UNSHARE_BUDGET,
    };
    e.emit(root)
}

/// Replaces every `Anchor(n, x)` by `Ref(n)` and files `x` under `n`.
fn detach(c: Canon, table: &mut HashMap<u32, Canon>) -> Canon {
    grow(|| match c {
        Canon::Anchor(n, inner) => {
            let inner = detach(*inner, table);
            table.insert(n, inner);
            Canon::Ref(n)
        }
        other => map_children(other, &mut |x| detach(x, table)),
    })
}

/// How often the walk reaches each anchored node (descending into it on the first visit).
fn count(c: &Canon, table: &HashMap<u32, Canon>, counts: &mut HashMap<u32, u32>) {
    grow(|| match c {
        Canon::Ref(n) => {
            let k = counts.entry(*n).or_insert(0);
            *k += 1;
            if *k == 1
                && let Some(t) = table.get(n)
            {
                count(t, table, counts);
            }
        }
        other => for_each_child(other, &mut |x| count(x, table, counts)),
    })
}

struct Emit<'a> {
    table: &'a HashMap<u32, Canon>,
    counts: &'a HashMap<u32, u32>,
    /// Old anchor → new anchor, once written (sharing mode).
    ids: HashMap<u32, u32>,
    /// Anchors being written out, with the new anchor of this copy once a cycle needs it
    /// (unsharing mode).
    path: HashMap<u32, Option<u32>>,
    next: u32,
    unshare: bool,
    budget: usize,
}

impl Emit<'_> {
    fn fresh(&mut self) -> u32 {
        let id = self.next;
        self.next += 1;
        id
    }

    /// Writes out a detached tree, following each `Ref` into the node it names.
    fn emit(&mut self, c: Canon) -> Option<Canon> {
        grow(|| {
            if self.unshare {
                self.budget = self.budget.checked_sub(1)?;
            }
            let n = match c {
                Canon::Ref(n) => n,
                other => {
                    let mut failed = false;
                    let out = map_children(other, &mut |x| {
                        self.emit(x).unwrap_or_else(|| {
                            failed = true;
                            Canon::None
                        })
                    });
                    return (!failed).then_some(out);
                }
            };
            let table = self.table;
            let Some(content) = table.get(&n) else {
                return Some(Canon::Ref(n)); // dangling: left for the comparison to show
            };
            if self.unshare {
                if let Some(slot) = self.path.get(&n).copied() {
                    let id = match slot {
                        Some(id) => id,
                        None => {
                            let id = self.fresh();
                            self.path.insert(n, Some(id));
                            id
                        }
                    };
                    return Some(Canon::Ref(id));
                }
                self.path.insert(n, None);
                let inner = self.emit(content.clone());
                let id = self.path.remove(&n).flatten();
                let inner = inner?;
                return Some(match id {
                    Some(id) => Canon::Anchor(id, Box::new(inner)),
                    None => inner,
                });
            }
            if let Some(id) = self.ids.get(&n) {
                return Some(Canon::Ref(*id));
            }
            if self.counts.get(&n).copied().unwrap_or(0) > 1 {
                let id = self.fresh();
                self.ids.insert(n, id);
                let inner = self.emit(content.clone())?;
                Some(Canon::Anchor(id, Box::new(inner)))
            } else {
                self.emit(content.clone())
            }
        })
    }
}

/// `c` with its anchors, identity and set order computed as `docs/CANON.md` says, and its
/// floats in Python's spelling (picklejar-codec's canon → graph → canon); `c` itself when it
/// does not convert (a `ref` before its anchor). This is how adapter protocol 2 reads an
/// adapter's canon: anchors may have any numbers and stand on nodes reached once, sets may
/// be in any order, floats in any spelling that reads back as the same double.
///
/// ```
/// use picklejar_codec::Canon;
/// use picklejar_runner::model::canonical;
/// let loose = Canon::from_json(r#"{"t":"set","id":7,"v":[{"t":"float","v":"1E16"},{"t":"int","v":"1"}]}"#)?;
/// let strict = Canon::from_json(r#"{"t":"set","v":[{"t":"float","v":"1e+16"},{"t":"int","v":"1"}]}"#)?;
/// assert_eq!(canonical(loose), strict);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn canonical(c: Canon) -> Canon {
    match c.to_graph().and_then(|g| to_canon(&g)) {
        Ok(x) => x,
        Err(_) => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(json: &str) -> Canon {
        Canon::from_json(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    /// One row per flag: a value that needs the relaxation, and what both sides become.
    #[test]
    fn each_flag_rewrites_what_it_names_and_nothing_else() {
        let table: &[(ModelFlag, &str, &str)] = &[
            (
                ModelFlag::TupleAsList,
                r#"{"t":"tuple","v":[{"t":"tuple","v":[]},{"t":"list","v":[]}]}"#,
                r#"{"t":"list","v":[{"t":"list","v":[]},{"t":"list","v":[]}]}"#,
            ),
            (
                ModelFlag::IntFloatMerged,
                r#"{"t":"list","v":[{"t":"int","v":"1"},{"t":"int","v":"18446744073709551617"},{"t":"float","v":"2.5"},{"t":"bool","v":true}]}"#,
                r#"{"t":"list","v":[{"t":"float","v":"1.0"},{"t":"float","v":"1.8446744073709552e+19"},{"t":"float","v":"2.5"},{"t":"bool","v":true}]}"#,
            ),
            (
                ModelFlag::DictUnordered,
                r#"{"t":"dict","v":[[{"t":"str","v":"b"},{"t":"none"}],[{"t":"str","v":"a"},{"t":"bool","v":true}]]}"#,
                r#"{"t":"dict","v":[[{"t":"str","v":"a"},{"t":"bool","v":true}],[{"t":"str","v":"b"},{"t":"none"}]]}"#,
            ),
            (
                ModelFlag::FrozensetAsSet,
                r#"{"t":"frozenset","v":[{"t":"str","v":"1"}]}"#,
                r#"{"t":"set","v":[{"t":"str","v":"1"}]}"#,
            ),
            (
                ModelFlag::BytearrayAsBytes,
                r#"{"t":"list","v":[{"t":"bytearray","v":"ab"},{"t":"bytes","v":"c"}]}"#,
                r#"{"t":"list","v":[{"t":"bytes","v":"ab"},{"t":"bytes","v":"c"}]}"#,
            ),
            (
                ModelFlag::NoIdentity,
                r#"{"t":"list","v":[{"t":"dict","id":1,"v":[]},{"t":"ref","v":1}]}"#,
                r#"{"t":"list","v":[{"t":"dict","v":[]},{"t":"dict","v":[]}]}"#,
            ),
        ];
        for (flag, input, want) in table {
            let m = ValueModel::new([*flag]);
            assert_eq!(m.relax(&canon(input)), canon(want), "{flag}");
            // the other flags leave this input alone
            for other in ModelFlag::ALL.iter().filter(|f| *f != flag) {
                let o = ValueModel::new([*other]);
                assert_eq!(
                    o.relax(&canon(input)),
                    canon(input),
                    "{other} on the {flag} row"
                );
            }
        }
    }

    #[test]
    fn sorting_dicts_moves_anchors_to_the_first_visit() {
        // {'b': x, 'a': x} with x = [] shared: after sorting, 'a' holds the anchor
        let go = canon(
            r#"{"t":"dict","v":[[{"t":"str","v":"b"},{"t":"list","id":1,"v":[]}],[{"t":"str","v":"a"},{"t":"ref","v":1}]]}"#,
        );
        let python = canon(
            r#"{"t":"dict","v":[[{"t":"str","v":"a"},{"t":"list","id":1,"v":[]}],[{"t":"str","v":"b"},{"t":"ref","v":1}]]}"#,
        );
        let m = ValueModel::new([ModelFlag::DictUnordered]);
        assert_eq!(m.relax(&go), m.relax(&python));
        assert_eq!(m.relax(&python), python);
    }

    #[test]
    fn relaxed_elements_are_sorted_again() {
        // {(1,), [0]}-like: a set of a tuple and a frozenset; rewritten, their order changes
        let c = canon(
            r#"{"t":"set","v":[{"t":"frozenset","v":[{"t":"int","v":"2"}]},{"t":"tuple","v":[{"t":"int","v":"1"}]}]}"#,
        );
        let m = ValueModel::new([ModelFlag::TupleAsList, ModelFlag::FrozensetAsSet]);
        assert_eq!(
            m.relax(&c),
            canon(
                r#"{"t":"set","v":[{"t":"list","v":[{"t":"int","v":"1"}]},{"t":"set","v":[{"t":"int","v":"2"}]}]}"#
            )
        );
    }

    #[test]
    fn unsharing_keeps_cycles_and_gives_each_copy_its_anchor() {
        // l = []; l.append(l); [l, l]
        let c = canon(
            r#"{"t":"list","v":[{"t":"list","id":1,"v":[{"t":"ref","v":1}]},{"t":"ref","v":1}]}"#,
        );
        let got = ValueModel::new([ModelFlag::NoIdentity]).relax(&c);
        assert_eq!(
            got,
            canon(
                r#"{"t":"list","v":[{"t":"list","id":1,"v":[{"t":"ref","v":1}]},{"t":"list","id":2,"v":[{"t":"ref","v":2}]}]}"#
            )
        );
    }

    #[test]
    fn an_exponential_dag_is_compared_with_its_sharing() {
        // 30 levels of x = [x', x']: 2**30 copies would not fit the budget
        let mut json = r#"{"t":"list","v":[]}"#.to_owned();
        for i in 1..=30 {
            json = format!(
                r#"{{"t":"list","v":[{},{{"t":"ref","v":{i}}}]}}"#,
                json.replacen(r#"{"t":"list","#, &format!(r#"{{"t":"list","id":{i},"#), 1)
            );
        }
        let c = canon(&json);
        let got = ValueModel::new([ModelFlag::NoIdentity]).relax(&c);
        let canonical = ValueModel::new([ModelFlag::BytearrayAsBytes]).relax(&c);
        assert_eq!(got, canonical);
        assert!(got.to_json_string().len() < 10_000);
    }

    #[test]
    fn spellings_round_trip() {
        for f in ModelFlag::ALL {
            assert_eq!(f.as_str().parse::<ModelFlag>(), Ok(f));
            let json = serde_json::to_string(&f).unwrap_or_default();
            assert_eq!(json, format!("\"{f}\""));
        }
        let m: ValueModel = "dict-unordered, tuple-as-list".parse().unwrap_or_default();
        assert_eq!(m.names(), ["tuple-as-list", "dict-unordered"]);
        assert_eq!(
            serde_json::to_string(&m).unwrap_or_default(),
            r#"["tuple-as-list","dict-unordered"]"#
        );
    }
}
