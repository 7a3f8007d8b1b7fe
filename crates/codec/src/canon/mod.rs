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

mod float;
mod graph;
mod json;
mod text;

use std::collections::HashMap;

pub use float::py_float_repr;
pub use json::MAX_JSON_DEPTH;

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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

/// Converts a graph's root to canon, with the default depth limit
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
    to_canon_with_depth(g, crate::Limits::DEFAULT.max_depth)
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
    let mut b = Builder {
        g,
        max_depth,
        counts: vec![0; g.nodes().len()],
        anchors: HashMap::new(),
        next_anchor: 1,
        set_order: HashMap::new(),
        key_budget: SORT_KEY_BUDGET.saturating_add(g.nodes().len().saturating_mul(8)),
    };
    let root = g.root();
    b.count(root, 0)?;
    b.emit(root, 0)
}

/// Whether a node takes part in identity (section 8).
fn has_identity(n: &Node) -> bool {
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

struct Builder<'g> {
    g: &'g Graph,
    max_depth: usize,
    counts: Vec<u32>,
    anchors: HashMap<NodeId, u32>,
    next_anchor: u32,
    set_order: HashMap<NodeId, Vec<Value>>,
    key_budget: usize,
}

/// Nodes all set sort keys of one conversion may expand, on top of eight per graph node.
/// Sort keys expand shared nodes, so a hostile DAG inside a set could otherwise take
/// exponential time; a set of distinct values expands each node once.
const SORT_KEY_BUDGET: usize = 1 << 16;

fn too_deep(max: usize) -> Error {
    Error::new(
        ErrorKind::LimitExceeded,
        format!("value nested deeper than {max} levels"),
    )
}

fn dangling(id: NodeId) -> Error {
    Error::new(
        ErrorKind::BadArgument,
        format!("node {} is not in the graph", id.index()),
    )
}

impl<'g> Builder<'g> {
    fn node(&self, id: NodeId) -> Result<&'g Node> {
        let g: &'g Graph = self.g;
        g.get(id).ok_or_else(|| dangling(id))
    }

    /// The children of a node in canon order, with sets sorted.
    fn children(&mut self, id: NodeId, depth: usize) -> Result<Vec<Value>> {
        let g = self.g;
        let node = self.node(id)?;
        Ok(match node {
            Node::List(v) | Node::Tuple(v) => v.clone(),
            Node::Set(_) | Node::FrozenSet(_) => self.sorted(id, depth)?,
            Node::Dict(p) => p.iter().flat_map(|(k, v)| [*k, *v]).collect(),
            Node::Object(o) => {
                let mut c = vec![o.class];
                c.extend(member_items(g, o.args)?);
                c.extend(
                    member_pairs(g, o.kwargs)?
                        .iter()
                        .flat_map(|(k, v)| [*k, *v]),
                );
                if let Some(s) = state_value(g, o.state) {
                    c.push(s);
                }
                c.extend(o.items.iter().copied());
                c.extend(o.dictitems.iter().flat_map(|(k, v)| [*k, *v]));
                c.extend(o.setter);
                c
            }
            Node::Reduce(r) => {
                let mut c = vec![r.callable];
                c.extend(member_items(g, Some(r.args))?);
                if let Some(s) = state_value(g, r.state) {
                    c.push(s);
                }
                c.extend(r.items.iter().copied());
                c.extend(r.dictitems.iter().flat_map(|(k, v)| [*k, *v]));
                c.extend(r.setter);
                c
            }
            Node::PersId(v) => vec![*v],
            _ => Vec::new(),
        })
    }

    fn sorted(&mut self, id: NodeId, depth: usize) -> Result<Vec<Value>> {
        if let Some(v) = self.set_order.get(&id) {
            return Ok(v.clone());
        }
        let items = match self.node(id)? {
            Node::Set(v) | Node::FrozenSet(v) => v.clone(),
            _ => Vec::new(),
        };
        let mut keyed = Vec::with_capacity(items.len());
        for v in items {
            let mut path = vec![id];
            let key = self.plain(v, &mut path, depth + 1)?.to_json_string();
            keyed.push((key, v));
        }
        keyed.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let order: Vec<Value> = keyed.into_iter().map(|(_, v)| v).collect();
        self.set_order.insert(id, order.clone());
        Ok(order)
    }

    /// Pass 1: count how often each identity node is reached.
    fn count(&mut self, v: Value, depth: usize) -> Result<()> {
        grow(|| self.count_inner(v, depth))
    }

    fn count_inner(&mut self, v: Value, depth: usize) -> Result<()> {
        let Value::Node(id) = v else { return Ok(()) };
        if depth > self.max_depth {
            return Err(too_deep(self.max_depth));
        }
        if has_identity(self.node(id)?) {
            let c = &mut self.counts[id.index()];
            *c += 1;
            if *c > 1 {
                return Ok(());
            }
        }
        for child in self.children(id, depth)? {
            self.count(child, depth + 1)?;
        }
        Ok(())
    }

    /// Pass 2: build the tree, anchoring nodes reached more than once.
    fn emit(&mut self, v: Value, depth: usize) -> Result<Canon> {
        grow(|| self.emit_inner(v, depth))
    }

    fn emit_inner(&mut self, v: Value, depth: usize) -> Result<Canon> {
        let id = match v {
            Value::None => return Ok(Canon::None),
            Value::Bool(b) => return Ok(Canon::Bool(b)),
            Value::Int(i) => return Ok(Canon::Int(i.to_string())),
            Value::Float(f) => return Ok(Canon::Float(py_float_repr(f))),
            Value::Node(id) => id,
        };
        if depth > self.max_depth {
            return Err(too_deep(self.max_depth));
        }
        let shared = has_identity(self.node(id)?) && self.counts[id.index()] > 1;
        if shared {
            if let Some(&a) = self.anchors.get(&id) {
                return Ok(Canon::Ref(a));
            }
            let a = self.next_anchor;
            self.next_anchor += 1;
            self.anchors.insert(id, a);
            let inner = self.emit_node(id, depth, &mut Mode::Emit)?;
            return Ok(Canon::Anchor(a, Box::new(inner)));
        }
        self.emit_node(id, depth, &mut Mode::Emit)
    }

    /// A node's canon without identity, for set sort keys: an ancestor on `path` becomes
    /// the cycle marker `Ref(0)`.
    fn plain(&mut self, v: Value, path: &mut Vec<NodeId>, depth: usize) -> Result<Canon> {
        grow(|| self.plain_inner(v, path, depth))
    }

    fn plain_inner(&mut self, v: Value, path: &mut Vec<NodeId>, depth: usize) -> Result<Canon> {
        let id = match v {
            Value::Node(id) => id,
            other => return self.emit(other, depth),
        };
        if depth > self.max_depth {
            return Err(too_deep(self.max_depth));
        }
        if path.contains(&id) {
            return Ok(Canon::Ref(0));
        }
        self.key_budget = self.key_budget.checked_sub(1).ok_or_else(|| {
            Error::new(
                ErrorKind::LimitExceeded,
                "set sort keys expand too many shared nodes",
            )
        })?;
        path.push(id);
        let r = self.emit_node(id, depth, &mut Mode::Plain(path));
        path.pop();
        r
    }

    fn child(&mut self, v: Value, depth: usize, mode: &mut Mode<'_>) -> Result<Canon> {
        match mode {
            Mode::Emit => self.emit(v, depth + 1),
            Mode::Plain(path) => self.plain(v, path, depth + 1),
        }
    }

    fn list(&mut self, vs: &[Value], depth: usize, mode: &mut Mode<'_>) -> Result<Vec<Canon>> {
        vs.iter().map(|v| self.child(*v, depth, mode)).collect()
    }

    fn pairs(
        &mut self,
        ps: &[(Value, Value)],
        depth: usize,
        mode: &mut Mode<'_>,
    ) -> Result<Vec<Pair>> {
        ps.iter()
            .map(|(k, v)| Ok((self.child(*k, depth, mode)?, self.child(*v, depth, mode)?)))
            .collect()
    }

    fn emit_node(&mut self, id: NodeId, depth: usize, mode: &mut Mode<'_>) -> Result<Canon> {
        let g = self.g;
        let node = self.node(id)?;
        Ok(match node {
            Node::Int(b) => Canon::Int(b.to_string()),
            Node::Str { text, .. } => Canon::Str(text.clone()),
            Node::Bytes { data, .. } => Canon::Bytes(data.to_vec()),
            Node::ByteArray(b) => Canon::ByteArray(b.clone()),
            Node::List(v) => Canon::List(self.list(v, depth, mode)?),
            Node::Tuple(v) => Canon::Tuple(self.list(v, depth, mode)?),
            Node::Dict(p) => Canon::Dict(self.pairs(p, depth, mode)?),
            Node::Set(_) | Node::FrozenSet(_) => {
                let order = self.sorted(id, depth)?;
                let items = self.list(&order, depth, mode)?;
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
                let class = self.child(o.class, depth, mode)?;
                let args = self.list(&member_items(g, o.args)?, depth, mode)?;
                let kwargs = self.pairs(&member_pairs(g, o.kwargs)?, depth, mode)?;
                let state = match state_value(g, o.state) {
                    Some(s) => Some(self.child(s, depth, mode)?),
                    None => None,
                };
                let items = self.list(&o.items, depth, mode)?;
                let dictitems = self.pairs(&o.dictitems, depth, mode)?;
                let setter = match o.setter {
                    Some(s) => Some(self.child(s, depth, mode)?),
                    None => None,
                };
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
                let callable = self.child(r.callable, depth, mode)?;
                let args = self.list(&member_items(g, Some(r.args))?, depth, mode)?;
                let state = match state_value(g, r.state) {
                    Some(s) => Some(self.child(s, depth, mode)?),
                    None => None,
                };
                let items = self.list(&r.items, depth, mode)?;
                let dictitems = self.pairs(&r.dictitems, depth, mode)?;
                let setter = match r.setter {
                    Some(s) => Some(self.child(s, depth, mode)?),
                    None => None,
                };
                Canon::Reduce(Box::new(CanonReduce {
                    callable,
                    args,
                    state,
                    items,
                    dictitems,
                    setter,
                }))
            }
            Node::PersId(v) => Canon::PersId(Box::new(self.child(*v, depth, mode)?)),
            Node::Buffer {
                index,
                readonly,
                data,
            } => Canon::Buffer {
                index: *index as u64,
                readonly: *readonly,
                data: data.as_ref().map(|d| d.to_vec()),
            },
        })
    }
}

/// Runs a recursive step, first moving to a fresh heap-allocated stack segment if less
/// than 64 KiB of stack is left, so deep graphs cannot overflow the thread's stack.
pub(crate) fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}

enum Mode<'p> {
    Emit,
    Plain(&'p mut Vec<NodeId>),
}

/// The elements of an `args` member (a tuple node, or nothing).
fn member_items(g: &Graph, v: Option<Value>) -> Result<Vec<Value>> {
    match v {
        None | Some(Value::None) => Ok(Vec::new()),
        Some(v) => g.as_tuple(v).map(<[Value]>::to_vec).ok_or_else(|| {
            Error::new(
                ErrorKind::BadArgument,
                "object/reduce args must be a tuple node",
            )
        }),
    }
}

/// The pairs of a `kwargs` member (a dict node, or nothing).
fn member_pairs(g: &Graph, v: Option<Value>) -> Result<Vec<(Value, Value)>> {
    match v {
        None | Some(Value::None) => Ok(Vec::new()),
        Some(v) => match g.deref(v) {
            Some(Node::Dict(p)) => Ok(p.clone()),
            _ => Err(Error::new(
                ErrorKind::BadArgument,
                "object kwargs must be a dict node",
            )),
        },
    }
}

/// An object's state, unless it is None or an empty dict.
fn state_value(g: &Graph, s: Option<Value>) -> Option<Value> {
    match s? {
        Value::None => None,
        v => match g.deref(v) {
            Some(Node::Dict(d)) if d.is_empty() => None,
            _ => Some(v),
        },
    }
}
