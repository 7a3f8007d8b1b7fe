//! The value graph: an arena of nodes addressed by [`NodeId`], with scalars inline.
//!
//! Pickle is a graph language: the memo makes shared and recursive references. The loader
//! therefore produces a [`Graph`] in which every object that has identity in Python
//! (containers, strings, bytes, tuples, instances, …) is a [`Node`] in an arena, and a
//! reference that the pickle shares is the same [`NodeId`]. Scalars that CPython never
//! memoizes (None, bool, ints that fit in `i64`, floats) are stored inline in [`Value`].
//!
//! A graph can also be built by hand with [`Graph::add`] and then dumped or rendered as
//! canon.

use num_bigint::BigInt;
use std::collections::HashMap;

/// Index of a node in a [`Graph`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The position of the node in [`Graph::nodes`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A value: an inline scalar or a reference to a node.
///
/// `Float` keeps the exact bits of the pickle (the sign and payload of a NaN survive).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An int that fits in `i64` (larger ints are [`Node::Int`]).
    Int(i64),
    /// A float.
    Float(f64),
    /// Everything else.
    Node(NodeId),
}

/// Text as CPython holds it: a sequence of code points that may include lone surrogates.
///
/// Stored as UTF-8, except that surrogate code points (U+D800–U+DFFF) are encoded on their
/// own as three bytes each, exactly what `str.encode('utf-8', 'surrogatepass')` gives.
/// [`Text::as_str`] succeeds whenever there is no surrogate.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(Box<[u8]>);

impl Text {
    /// Text from a Rust string.
    pub fn new(s: &str) -> Text {
        Text(s.as_bytes().into())
    }

    /// Text from surrogatepass UTF-8 bytes; `None` if they are not well formed.
    pub fn from_surrogatepass(bytes: &[u8]) -> Option<Text> {
        if std::str::from_utf8(bytes).is_ok() || crate::text::valid_surrogatepass(bytes) {
            Some(Text(bytes.into()))
        } else {
            None
        }
    }

    /// Text from code points (each `<= 0x10FFFF`; surrogates allowed).
    pub fn from_code_points(cps: impl IntoIterator<Item = u32>) -> Option<Text> {
        let mut out = Vec::new();
        for cp in cps {
            crate::text::push_code_point(&mut out, cp)?;
        }
        Some(Text(out.into()))
    }

    pub(crate) fn from_vec_unchecked(v: Vec<u8>) -> Text {
        Text(v.into())
    }

    /// The text as `&str`, if it holds no surrogate.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The surrogatepass UTF-8 bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The code points, surrogates included.
    pub fn code_points(&self) -> impl Iterator<Item = u32> + '_ {
        crate::text::CodePoints::new(&self.0)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(s.into_bytes().into_boxed_slice())
    }
}

/// A name reference: `module.name`, what GLOBAL, STACK_GLOBAL, INST, OBJ and EXT load.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Global {
    /// The module (`builtins`, `collections`, …), after `fix_imports` mapping.
    pub module: String,
    /// The qualified name within the module; dotted for nested names.
    pub name: String,
    /// How the stream spelled it; kept so that a dump can write it the same way.
    pub form: GlobalForm,
    /// The Python 2 `(module, name)` the stream had, when `fix_imports` renamed it (the
    /// mapping cannot always be reversed: `__builtin__.str` and `__builtin__.unicode` both
    /// become `builtins.str`).
    pub py2_name: Option<Box<(String, String)>>,
}

impl Global {
    /// A global written by name.
    pub fn new(module: impl Into<String>, name: impl Into<String>) -> Global {
        Global {
            module: module.into(),
            name: name.into(),
            form: GlobalForm::Name,
            py2_name: None,
        }
    }
}

/// How a [`Global`] was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum GlobalForm {
    /// GLOBAL, INST, OBJ, EXT, or built by hand.
    #[default]
    Name,
    /// STACK_GLOBAL, with the str nodes it took the module and name from (a dump writes
    /// those nodes, so memo hits on them come out the same).
    Stack {
        /// The module str node.
        module: NodeId,
        /// The name str node.
        name: NodeId,
    },
    /// `getattr(parent, 'name')` with its argument tuple memoized: CPython ≤ 3.12's form for
    /// nested names, and every version's for bound methods.
    Getattr,
    /// `getattr(parent, 'name')` with an unmemoized tuple: CPython 3.13's nested names.
    GetattrChain,
}

/// How an instance node was written; kept so that a dump can reproduce the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ObjectForm {
    /// `NEWOBJ` (`copyreg.__newobj__`), the protocol ≥ 2 form.
    #[default]
    NewObj,
    /// `NEWOBJ_EX` (`copyreg.__newobj_ex__`), protocol ≥ 4.
    NewObjEx,
    /// `functools.partial(cls.__new__, cls, *args, **kwargs)` + `()` + REDUCE: how
    /// protocols 2–3 write `__newobj_ex__`.
    Partial,
    /// `copyreg._reconstructor(cls, object, None)`, the protocol 0–1 form.
    Reconstructor,
    /// Python 2 old-style instance, `INST` (protocol 0).
    Inst,
    /// Python 2 old-style instance, `OBJ` (protocol ≥ 1).
    Obj,
}

/// An instance of a class: `cls.__new__(cls, *args, **kwargs)`, then state and items.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    /// The class (normally a [`Node::Global`]).
    pub class: Value,
    /// Arguments to `__new__`: a tuple node, or `None` when there are none.
    pub args: Option<Value>,
    /// Keyword arguments: a dict node, or `None`.
    pub kwargs: Option<Value>,
    /// The BUILD argument.
    pub state: Option<Value>,
    /// Items appended to the object (APPEND/APPENDS onto it).
    pub items: Vec<Value>,
    /// Items set on the object (SETITEM/SETITEMS onto it).
    pub dictitems: Vec<(Value, Value)>,
    /// The state setter (protocol-5 reductions' sixth item), applied as
    /// `setter(obj, state)`.
    pub setter: Option<Value>,
    /// How it was written.
    pub form: ObjectForm,
}

impl Object {
    /// An instance of `class` built with `args`/`kwargs` (tuple and dict nodes), with no
    /// state or items yet.
    pub fn new(
        class: Value,
        args: Option<Value>,
        kwargs: Option<Value>,
        form: ObjectForm,
    ) -> Object {
        Object {
            class,
            args,
            kwargs,
            state: None,
            items: Vec::new(),
            dictitems: Vec::new(),
            setter: None,
            form,
        }
    }
}

/// A reduction that is not an instance creation: `callable(*args)`, then state and items.
#[derive(Clone, Debug, PartialEq)]
pub struct Reduce {
    /// What is called (normally a [`Node::Global`]).
    pub callable: Value,
    /// The arguments: a tuple node.
    pub args: Value,
    /// The BUILD argument.
    pub state: Option<Value>,
    /// Items appended to the result.
    pub items: Vec<Value>,
    /// Items set on the result.
    pub dictitems: Vec<(Value, Value)>,
    /// The state setter, applied as `setter(obj, state)`.
    pub setter: Option<Value>,
    /// How it was written.
    pub form: ReduceForm,
}

impl Reduce {
    /// `callable(*args)` with no state or items yet.
    pub fn new(callable: Value, args: Value) -> Reduce {
        Reduce {
            callable,
            args,
            state: None,
            items: Vec::new(),
            dictitems: Vec::new(),
            setter: None,
            form: ReduceForm::Reduce,
        }
    }
}

/// How a [`Reduce`] was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReduceForm {
    /// REDUCE.
    #[default]
    Reduce,
    /// A Python 2 old-style instance with `__getinitargs__`, INST (protocol 0).
    Inst,
    /// The same, OBJ (protocol ≥ 1).
    Obj,
}

/// A node of the graph.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// An int outside `i64`.
    Int(BigInt),
    /// Text. `py2` is set when it came from a Python 2 `str` opcode (`STRING`,
    /// `BINSTRING`, `SHORT_BINSTRING`) decoded with the load's `encoding`.
    Str {
        /// The text.
        text: Text,
        /// Whether it was a Python 2 `str`.
        py2: bool,
    },
    /// Bytes. `py2` is set when it came from a Python 2 `str` loaded with
    /// `encoding="bytes"`.
    Bytes {
        /// The bytes.
        data: Box<[u8]>,
        /// Whether it was a Python 2 `str`.
        py2: bool,
    },
    /// A bytearray.
    ByteArray(Vec<u8>),
    /// A list.
    List(Vec<Value>),
    /// A tuple.
    Tuple(Vec<Value>),
    /// A dict, in stream order. Keys are not deduplicated: a data-only loader cannot hash
    /// arbitrary objects the way Python does.
    Dict(Vec<(Value, Value)>),
    /// A set, in stream order.
    Set(Vec<Value>),
    /// A frozenset, in stream order.
    FrozenSet(Vec<Value>),
    /// A name reference.
    Global(Global),
    /// An instance.
    Object(Box<Object>),
    /// Any other reduction.
    Reduce(Box<Reduce>),
    /// An unresolved persistent id.
    PersId(Value),
    /// A protocol-5 out-of-band buffer.
    Buffer {
        /// Its position among the out-of-band buffers.
        index: usize,
        /// Whether READONLY_BUFFER was applied.
        readonly: bool,
        /// The contents, when buffers were supplied to the loader.
        data: Option<Box<[u8]>>,
    },
}

/// An arena of nodes and the root value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    nodes: Vec<Node>,
    root: Option<Value>,
    memo_skip: Option<u32>,
    /// Bytes nodes folded from `_codecs.encode(str, 'latin1')` → that str node.
    latin1_sources: HashMap<NodeId, NodeId>,
}

impl Graph {
    /// An empty graph (its root is `None` until set).
    pub fn new() -> Graph {
        Graph::default()
    }

    /// Adds a node and returns its id.
    ///
    /// # Panics
    ///
    /// Panics if the graph already holds `u32::MAX` nodes.
    pub fn add(&mut self, node: Node) -> NodeId {
        let id = u32::try_from(self.nodes.len()).expect("graph holds at most u32::MAX nodes");
        self.nodes.push(node);
        NodeId(id)
    }

    /// Makes room for `additional` more nodes (the loader sizes the arena from its input).
    pub(crate) fn reserve_nodes(&mut self, additional: usize) {
        self.nodes.reserve(additional);
    }

    #[inline]
    pub(crate) fn push_node(&mut self, node: Node) -> NodeId {
        // The loader bounds the node count through its allocation limit, far below u32::MAX.
        let id = self.nodes.len() as u32;
        self.nodes.push(node);
        NodeId(id)
    }

    /// Adds a node and returns a value referring to it.
    pub fn value(&mut self, node: Node) -> Value {
        Value::Node(self.add(node))
    }

    /// Adds a `str` node.
    pub fn str(&mut self, s: &str) -> Value {
        self.value(Node::Str {
            text: Text::new(s),
            py2: false,
        })
    }

    /// Adds a `bytes` node.
    pub fn bytes(&mut self, b: &[u8]) -> Value {
        self.value(Node::Bytes {
            data: b.into(),
            py2: false,
        })
    }

    /// Adds a global node.
    pub fn global(&mut self, module: &str, name: &str) -> Value {
        self.value(Node::Global(Global::new(module, name)))
    }

    /// An int value: inline when it fits in `i64`, else a node.
    pub fn int(&mut self, i: BigInt) -> Value {
        match i64::try_from(&i) {
            Ok(v) => Value::Int(v),
            Err(_) => self.value(Node::Int(i)),
        }
    }

    /// The node with this id.
    ///
    /// # Panics
    ///
    /// Panics if the id does not belong to this graph.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// The node with this id, if it belongs to this graph.
    pub fn get(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.index())
    }

    /// The node with this id, mutably.
    ///
    /// # Panics
    ///
    /// Panics if the id does not belong to this graph.
    pub fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id.index()]
    }

    /// All nodes, in creation order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The root value (what the pickle's STOP returned); `None` for an empty graph.
    pub fn root(&self) -> Value {
        self.root.unwrap_or(Value::None)
    }

    /// Sets the root value.
    pub fn set_root(&mut self, v: Value) {
        self.root = Some(v);
    }

    /// The first memo index the stream's PUTs stepped over, if they ever did (the memo
    /// slot Python 2.7 `pickle.py`'s `_keep_alive` takes the first time an instance's
    /// `__getinitargs__` or `__getstate__` result is kept alive). A loaded graph records
    /// it so that the 2.7 profile numbers its memo as the producer did; the CPython 3
    /// picklers never skip one.
    pub fn memo_skip(&self) -> Option<u32> {
        self.memo_skip
    }

    /// Records the memo index a re-dump with the 2.7 profile must step over.
    pub fn set_memo_skip(&mut self, index: Option<u32>) {
        self.memo_skip = index;
    }

    /// The `str` node a bytes node was folded from, when it was loaded as the protocol 0–2
    /// reduce `_codecs.encode(str, 'latin1')`. The str object can be shared (CPython's
    /// one-character strings are singletons, so a field name `'b'` and the text of
    /// `b'b'` are one memo entry); a re-dump writes that node so the sharing survives.
    pub fn latin1_source(&self, bytes: NodeId) -> Option<NodeId> {
        self.latin1_sources.get(&bytes).copied()
    }

    /// Records the `str` node a bytes node was folded from (see [`Graph::latin1_source`]).
    pub fn set_latin1_source(&mut self, bytes: NodeId, text: NodeId) {
        self.latin1_sources.insert(bytes, text);
    }

    /// If `v` is a node, that node.
    pub fn deref(&self, v: Value) -> Option<&Node> {
        match v {
            Value::Node(id) => self.get(id),
            _ => None,
        }
    }

    /// If `v` is a `str` node holding valid UTF-8, its text.
    pub fn as_str(&self, v: Value) -> Option<&str> {
        match self.deref(v)? {
            Node::Str { text, .. } => text.as_str(),
            _ => None,
        }
    }

    /// If `v` is a tuple node, its items.
    pub fn as_tuple(&self, v: Value) -> Option<&[Value]> {
        match self.deref(v)? {
            Node::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// If `v` is a global node, the global.
    pub fn as_global(&self, v: Value) -> Option<&Global> {
        match self.deref(v)? {
            Node::Global(g) => Some(g),
            _ => None,
        }
    }
}
