//! Canon: the codec-neutral value form that the runner compares (`docs/CANON.md`).
//!
//! [`to_canon`] turns a [`Graph`] into a [`Canon`] tree: set elements sorted, shared and
//! recursive nodes anchored, reductions described as `object`/`reduce`. The tree
//! serializes to the canon JSON ([`Canon::to_json_string`]), parses back from it
//! ([`Canon::from_json`]), and renders to the text form that diffs are made of
//! ([`Canon::to_text`]).
//!
//! ```
//! use picklejar_codec::{Canon, load, to_canon};
//!
//! // pickle.dumps({1.5, -2}, protocol=4): a set, sorted in canon by its elements' JSON.
//! let g = load(b"\x80\x04\x95\x13\x00\x00\x00\x00\x00\x00\x00\x8f\x94(G?\xf8\x00\x00\x00\x00\x00\x00J\xfe\xff\xff\xff\x90.")?;
//! let canon = to_canon(&g)?;
//! assert_eq!(
//!     canon.to_json_string(),
//!     r#"{"t":"set","v":[{"t":"float","v":"1.5"},{"t":"int","v":"-2"}]}"#
//! );
//! assert_eq!(Canon::from_json(&canon.to_json_string())?, canon);
//! # Ok::<(), picklejar_codec::Error>(())
//! ```

mod bigint;
mod float;
mod graph;
mod json;
mod render;
mod text;

use std::collections::HashMap;

pub use float::py_float_repr;
pub use json::MAX_JSON_DEPTH;
pub use render::{Elision, Format, RenderOptions, Rendered, render, render_with};

use render::{Plan, member_items, member_pairs};

use crate::error::{Error, ErrorKind, Result};
use crate::value::{Graph, Node, NodeId, Text, Value};

/// A `[key, value]` pair of a dict or of `kwargs`/`dictitems`.
///
/// ```
/// use picklejar_codec::Canon;
/// use picklejar_codec::canon::Pair;
///
/// let p: Pair = (Canon::Int("1".into()), Canon::None);
/// assert_eq!(Canon::Dict(vec![p]).tag(), "dict");
/// ```
pub type Pair = (Canon, Canon);

/// A canon node: one value of `docs/CANON.md`, tagged as its JSON `"t"` member.
///
/// ```
/// use picklejar_codec::{Canon, Text};
///
/// let c = Canon::Tuple(vec![Canon::Str(Text::new("a")), Canon::Bool(false)]);
/// assert_eq!(c.to_json_string(), r#"{"t":"tuple","v":[{"t":"str","v":"a"},{"t":"bool","v":false}]}"#);
/// assert_eq!(c.to_text(), "tuple\n  str \"a\"\n  bool False\n");
/// ```
#[derive(Debug, Default, Eq)]
pub enum Canon {
    /// `none`
    #[default]
    None,
    /// `bool`
    Bool(bool),
    /// `int`, as a canonical decimal string.
    Int(String),
    /// `float`, as Python's `repr`.
    Float(String),
    /// `str`
    Str(Text),
    /// `bytes`
    Bytes(Vec<u8>),
    /// `bytearray`
    ByteArray(Vec<u8>),
    /// `list`
    List(Vec<Canon>),
    /// `tuple`
    Tuple(Vec<Canon>),
    /// `dict`
    Dict(Vec<Pair>),
    /// `set` (sorted)
    Set(Vec<Canon>),
    /// `frozenset` (sorted)
    FrozenSet(Vec<Canon>),
    /// `global`
    Global {
        /// Module.
        module: String,
        /// Qualified name.
        name: String,
    },
    /// `object`
    Object(Box<CanonObject>),
    /// `reduce`
    Reduce(Box<CanonReduce>),
    /// `persid`
    PersId(Box<Canon>),
    /// `buffer`
    Buffer {
        /// Position among the out-of-band buffers.
        index: u64,
        /// Whether it is read-only.
        readonly: bool,
        /// Contents, when known.
        data: Option<Vec<u8>>,
    },
    /// A node carrying an anchor (`"id": N`).
    Anchor(u32, Box<Canon>),
    /// `ref` to an anchor. `Ref(0)` is the anchorless cycle marker of set sort keys.
    Ref(u32),
}

/// The members of an `object` node (`docs/CANON.md` section 7).
///
/// ```
/// use picklejar_codec::{Canon, load, to_canon};
///
/// // Protocol 2: GLOBAL 'm C', EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, 'x', 1, SETITEM, BUILD.
/// let g = load(b"\x80\x02cm\nC\n)\x81}X\x01\x00\x00\x00xK\x01sb.")?;
/// let Canon::Object(o) = to_canon(&g)? else { panic!() };
/// assert_eq!(o.class, Canon::Global { module: "m".into(), name: "C".into() });
/// assert!(o.args.is_empty() && o.state.is_some());
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CanonObject {
    /// `class`
    pub class: Canon,
    /// `args` (absent when empty)
    pub args: Vec<Canon>,
    /// `kwargs` (absent when empty)
    pub kwargs: Vec<Pair>,
    /// `state`
    pub state: Option<Canon>,
    /// `items`
    pub items: Vec<Canon>,
    /// `dictitems`
    pub dictitems: Vec<Pair>,
    /// `setter`
    pub setter: Option<Canon>,
}

/// The members of a `reduce` node (`docs/CANON.md` section 7).
///
/// ```
/// use picklejar_codec::{Canon, load, to_canon};
///
/// // Protocol 2: GLOBAL 'm f', BININT1 1, TUPLE1, REDUCE.
/// let Canon::Reduce(r) = to_canon(&load(b"\x80\x02cm\nf\nK\x01\x85R.")?)? else { panic!() };
/// assert_eq!(r.args, [Canon::Int("1".into())]);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CanonReduce {
    /// `callable`
    pub callable: Canon,
    /// `args` (always present)
    pub args: Vec<Canon>,
    /// `state`
    pub state: Option<Canon>,
    /// `items`
    pub items: Vec<Canon>,
    /// `dictitems`
    pub dictitems: Vec<Pair>,
    /// `setter`
    pub setter: Option<Canon>,
}

impl Canon {
    /// The tag (`"list"`, `"ref"`, …); an anchored node reports its inner tag.
    ///
    /// ```
    /// use picklejar_codec::Canon;
    ///
    /// assert_eq!(Canon::List(vec![]).tag(), "list");
    /// assert_eq!(Canon::Anchor(1, Box::new(Canon::Dict(vec![]))).tag(), "dict");
    /// ```
    pub fn tag(&self) -> &'static str {
        match self {
            Canon::None => "none",
            Canon::Bool(_) => "bool",
            Canon::Int(_) => "int",
            Canon::Float(_) => "float",
            Canon::Str(_) => "str",
            Canon::Bytes(_) => "bytes",
            Canon::ByteArray(_) => "bytearray",
            Canon::List(_) => "list",
            Canon::Tuple(_) => "tuple",
            Canon::Dict(_) => "dict",
            Canon::Set(_) => "set",
            Canon::FrozenSet(_) => "frozenset",
            Canon::Global { .. } => "global",
            Canon::Object(_) => "object",
            Canon::Reduce(_) => "reduce",
            Canon::PersId(_) => "persid",
            Canon::Buffer { .. } => "buffer",
            Canon::Anchor(_, inner) => inner.tag(),
            Canon::Ref(_) => "ref",
        }
    }
}

/// Converts a graph's root to canon, with the default limits
/// ([`Limits::DEFAULT`](crate::Limits::DEFAULT)): set elements sorted, nodes reached twice
/// anchored (`"id"`) and referenced (`ref`).
///
/// ```
/// use picklejar_codec::{load, to_canon};
///
/// // l = []; pickle.dumps([l, l], 2)
/// let g = load(b"\x80\x02]q\x00(]q\x01h\x01e.")?;
/// assert_eq!(to_canon(&g)?.to_text(), "list\n  list #1\n  ref #1\n");
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn to_canon(g: &Graph) -> Result<Canon> {
    to_canon_with_limits(g, &crate::Limits::DEFAULT)
}

/// Converts a graph's root to canon; containers nested deeper than `max_depth` are a
/// [`ErrorKind::LimitExceeded`] error.
///
/// ```
/// use picklejar_codec::{ErrorKind, load, to_canon_with_depth};
///
/// // [[[]]], protocol 2
/// let g = load(b"\x80\x02]q\x00]q\x01]q\x02aa.")?;
/// assert!(to_canon_with_depth(&g, 2).is_ok());
/// assert_eq!(to_canon_with_depth(&g, 1).unwrap_err().kind(), ErrorKind::LimitExceeded);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn to_canon_with_depth(g: &Graph, max_depth: usize) -> Result<Canon> {
    to_canon_with_limits(g, &crate::Limits::DEFAULT.with_max_depth(max_depth))
}

/// Converts a graph's root to canon within `limits`: nesting deeper than `max_depth`, and a
/// tree (with the planning behind it) of more than `max_alloc` bytes, are
/// [`ErrorKind::LimitExceeded`]. The tree holds a copy of every str and bytes per
/// reference; [`render`] writes the same canon without building it.
///
/// ```
/// use picklejar_codec::{ErrorKind, Limits, load, to_canon_with_limits};
///
/// // s = 'abc'; pickle.dumps([s, s], 2)
/// let g = load(b"\x80\x02]q\x00(X\x03\x00\x00\x00abcq\x01h\x01e.")?;
/// assert!(to_canon_with_limits(&g, &Limits::DEFAULT).is_ok());
/// let tight = Limits::DEFAULT.with_max_alloc(100);
/// assert_eq!(to_canon_with_limits(&g, &tight).unwrap_err().kind(), ErrorKind::LimitExceeded);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn to_canon_with_limits(g: &Graph, limits: &crate::Limits) -> Result<Canon> {
    let mut plan = Plan::new(g, limits.max_depth, limits.max_alloc)?;
    plan.count_root()?;
    let mut b = Builder {
        plan,
        anchors: HashMap::new(),
        next_anchor: 1,
    };
    let root = g.root();
    b.emit(root, 0)
}

/// Whether a node takes part in identity (section 8).
pub(crate) fn has_identity(n: &Node) -> bool {
    match n {
        Node::List(_)
        | Node::Dict(_)
        | Node::Set(_)
        | Node::ByteArray(_)
        | Node::Object(_)
        | Node::Reduce(_)
        | Node::PersId(_) => true,
        Node::Tuple(v) | Node::FrozenSet(v) => !v.is_empty(),
        _ => false,
    }
}

/// Builds the [`Canon`] tree on a [`Plan`], charging what the tree holds.
struct Builder<'g> {
    plan: Plan<'g>,
    anchors: HashMap<NodeId, u32>,
    next_anchor: u32,
}

/// What one canon tree node holds besides its payload.
const CANON_NODE: usize = std::mem::size_of::<Canon>() + 16;

pub(crate) fn too_deep(max: usize) -> Error {
    Error::new(
        ErrorKind::LimitExceeded,
        format!("value nested deeper than {max} levels"),
    )
}

impl Builder<'_> {
    fn charge(&mut self, n: usize) -> Result<()> {
        self.plan
            .budget
            .charge(n.saturating_add(CANON_NODE), "the canon tree")
    }

    fn emit(&mut self, v: Value, depth: usize) -> Result<Canon> {
        grow(|| self.emit_inner(v, depth))
    }

    fn emit_inner(&mut self, v: Value, depth: usize) -> Result<Canon> {
        self.charge(0)?;
        let id = match v {
            Value::None => return Ok(Canon::None),
            Value::Bool(b) => return Ok(Canon::Bool(b)),
            Value::Int(i) => return Ok(Canon::Int(i.to_string())),
            Value::Float(f) => return Ok(Canon::Float(py_float_repr(f))),
            Value::Node(id) => id,
        };
        if depth > self.plan.max_depth {
            return Err(too_deep(self.plan.max_depth));
        }
        let node = self.plan.node(id)?;
        if self.plan.shared(id, node) {
            if let Some(&a) = self.anchors.get(&id) {
                return Ok(Canon::Ref(a));
            }
            let a = self.next_anchor;
            self.next_anchor += 1;
            self.anchors.insert(id, a);
            let inner = self.emit_node(id, depth)?;
            return Ok(Canon::Anchor(a, Box::new(inner)));
        }
        self.emit_node(id, depth)
    }

    fn list(&mut self, vs: &[Value], depth: usize) -> Result<Vec<Canon>> {
        vs.iter().map(|v| self.emit(*v, depth + 1)).collect()
    }

    fn pairs(&mut self, ps: &[(Value, Value)], depth: usize) -> Result<Vec<Pair>> {
        ps.iter()
            .map(|(k, v)| Ok((self.emit(*k, depth + 1)?, self.emit(*v, depth + 1)?)))
            .collect()
    }

    fn opt(&mut self, v: Option<Value>, depth: usize) -> Result<Option<Canon>> {
        v.map(|v| self.emit(v, depth + 1)).transpose()
    }

    fn emit_node(&mut self, id: NodeId, depth: usize) -> Result<Canon> {
        let g = self.plan.g;
        let node = self.plan.node(id)?;
        Ok(match node {
            Node::Int(b) => {
                let s = self.plan.int_text(id, b)?;
                self.charge(s.len())?;
                Canon::Int(s.to_string())
            }
            Node::Str { text, .. } => {
                self.charge(text.as_bytes().len())?;
                Canon::Str(text.clone())
            }
            Node::Bytes { data, .. } => {
                self.charge(data.len())?;
                Canon::Bytes(data.to_vec())
            }
            Node::ByteArray(b) => {
                self.charge(b.len())?;
                Canon::ByteArray(b.to_vec())
            }
            Node::List(v) => Canon::List(self.list(v, depth)?),
            Node::Tuple(v) => Canon::Tuple(self.list(v, depth)?),
            Node::Dict(p) => Canon::Dict(self.pairs(p, depth)?),
            Node::Set(_) | Node::FrozenSet(_) => {
                let order = self.plan.sorted(id, depth)?;
                let items = self.list(&order, depth)?;
                if matches!(node, Node::Set(_)) {
                    Canon::Set(items)
                } else {
                    Canon::FrozenSet(items)
                }
            }
            Node::Global(gl) => Canon::Global {
                module: gl.module.clone(),
                name: gl.name.clone(),
            },
            Node::Object(o) => {
                let class = self.emit(o.class, depth + 1)?;
                let args = self.list(member_items(g, o.args)?, depth)?;
                let kwargs = self.pairs(member_pairs(g, o.kwargs)?, depth)?;
                let state = self.opt(state_value(g, o.state), depth)?;
                let items = self.list(&o.items, depth)?;
                let dictitems = self.pairs(&o.dictitems, depth)?;
                let setter = self.opt(o.setter, depth)?;
                Canon::Object(Box::new(CanonObject {
                    class,
                    args,
                    kwargs,
                    state,
                    items,
                    dictitems,
                    setter,
                }))
            }
            Node::Reduce(r) => {
                let callable = self.emit(r.callable, depth + 1)?;
                let args = self.list(member_items(g, Some(r.args))?, depth)?;
                let state = self.opt(state_value(g, r.state), depth)?;
                let items = self.list(&r.items, depth)?;
                let dictitems = self.pairs(&r.dictitems, depth)?;
                let setter = self.opt(r.setter, depth)?;
                Canon::Reduce(Box::new(CanonReduce {
                    callable,
                    args,
                    state,
                    items,
                    dictitems,
                    setter,
                }))
            }
            Node::PersId(v) => Canon::PersId(Box::new(self.emit(*v, depth + 1)?)),
            Node::Buffer {
                index,
                readonly,
                data,
            } => {
                self.charge(data.as_ref().map_or(0, |d| d.len()))?;
                Canon::Buffer {
                    index: *index as u64,
                    readonly: *readonly,
                    data: data.as_ref().map(|d| d.to_vec()),
                }
            }
        })
    }
}

// Clone and PartialEq by hand: the derived ones recurse once per nesting level on the
// thread's own stack, and a canon tree is as deep as what CPython wrote (thousands of
// levels), compared and cloned on small worker-thread stacks. These grow the stack on the
// heap as the canon walks do.
impl Clone for Canon {
    fn clone(&self) -> Canon {
        grow(|| match self {
            Canon::None => Canon::None,
            Canon::Bool(b) => Canon::Bool(*b),
            Canon::Int(s) => Canon::Int(s.clone()),
            Canon::Float(s) => Canon::Float(s.clone()),
            Canon::Str(t) => Canon::Str(t.clone()),
            Canon::Bytes(b) => Canon::Bytes(b.clone()),
            Canon::ByteArray(b) => Canon::ByteArray(b.clone()),
            Canon::List(v) => Canon::List(v.clone()),
            Canon::Tuple(v) => Canon::Tuple(v.clone()),
            Canon::Dict(v) => Canon::Dict(v.clone()),
            Canon::Set(v) => Canon::Set(v.clone()),
            Canon::FrozenSet(v) => Canon::FrozenSet(v.clone()),
            Canon::Global { module, name } => Canon::Global {
                module: module.clone(),
                name: name.clone(),
            },
            Canon::Object(o) => Canon::Object(o.clone()),
            Canon::Reduce(r) => Canon::Reduce(r.clone()),
            Canon::PersId(p) => Canon::PersId(p.clone()),
            Canon::Buffer {
                index,
                readonly,
                data,
            } => Canon::Buffer {
                index: *index,
                readonly: *readonly,
                data: data.clone(),
            },
            Canon::Anchor(a, inner) => Canon::Anchor(*a, inner.clone()),
            Canon::Ref(r) => Canon::Ref(*r),
        })
    }
}

impl PartialEq for Canon {
    fn eq(&self, other: &Canon) -> bool {
        grow(|| match (self, other) {
            (Canon::None, Canon::None) => true,
            (Canon::Bool(a), Canon::Bool(b)) => a == b,
            (Canon::Int(a), Canon::Int(b)) | (Canon::Float(a), Canon::Float(b)) => a == b,
            (Canon::Str(a), Canon::Str(b)) => a == b,
            (Canon::Bytes(a), Canon::Bytes(b)) | (Canon::ByteArray(a), Canon::ByteArray(b)) => {
                a == b
            }
            (Canon::List(a), Canon::List(b))
            | (Canon::Tuple(a), Canon::Tuple(b))
            | (Canon::Set(a), Canon::Set(b))
            | (Canon::FrozenSet(a), Canon::FrozenSet(b)) => a == b,
            (Canon::Dict(a), Canon::Dict(b)) => a == b,
            (
                Canon::Global {
                    module: m1,
                    name: n1,
                },
                Canon::Global {
                    module: m2,
                    name: n2,
                },
            ) => m1 == m2 && n1 == n2,
            (Canon::Object(a), Canon::Object(b)) => a == b,
            (Canon::Reduce(a), Canon::Reduce(b)) => a == b,
            (Canon::PersId(a), Canon::PersId(b)) => a == b,
            (
                Canon::Buffer {
                    index: i1,
                    readonly: r1,
                    data: d1,
                },
                Canon::Buffer {
                    index: i2,
                    readonly: r2,
                    data: d2,
                },
            ) => i1 == i2 && r1 == r2 && d1 == d2,
            (Canon::Anchor(a1, x1), Canon::Anchor(a2, x2)) => a1 == a2 && x1 == x2,
            (Canon::Ref(a), Canon::Ref(b)) => a == b,
            _ => false,
        })
    }
}

/// Runs a recursive step, first moving to a fresh heap-allocated stack segment if less
/// than 64 KiB of stack is left, so deep graphs cannot overflow the thread's stack.
pub(crate) fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}

/// An object's state, unless it is None or an empty dict.
pub(crate) fn state_value(g: &Graph, s: Option<Value>) -> Option<Value> {
    match s? {
        Value::None => None,
        v => match g.deref(v) {
            Some(Node::Dict(d)) if d.is_empty() => None,
            _ => Some(v),
        },
    }
}
