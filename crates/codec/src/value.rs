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
//!
//! ```
//! use picklejar_codec::{DumpOptions, Graph, Node, Profile, Value, dump, load};
//!
//! // l = [1]; [l, l]: one list node, referenced twice.
//! let mut g = Graph::new();
//! let inner = g.value(Node::List(vec![Value::Int(1)]));
//! let outer = g.value(Node::List(vec![inner, inner]));
//! g.set_root(outer);
//! let bytes = dump(&g, 2, &DumpOptions::new(Profile::Py38))?.bytes;
//!
//! let back = load(&bytes)?;
//! let Some(Node::List(items)) = back.deref(back.root()) else { panic!() };
//! assert_eq!(items[0], items[1], "the same NodeId: identity survived");
//! # Ok::<(), picklejar_codec::Error>(())
//! ```

use crate::payload::Payload;
use num_bigint::BigInt;

/// Index of a node in a [`Graph`]; the same id is the same Python object.
///
/// ```
/// use picklejar_codec::{Graph, Node};
///
/// let mut g = Graph::new();
/// let id = g.add(Node::List(Vec::new()));
/// assert_eq!(g.node(id), &Node::List(Vec::new()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The position of the node in [`Graph::nodes`].
    ///
    /// ```
    /// use picklejar_codec::{Graph, Node};
    ///
    /// let mut g = Graph::new();
    /// g.add(Node::Tuple(Vec::new()));
    /// let id = g.add(Node::List(Vec::new()));
    /// assert_eq!(id.index(), 1);
    /// assert_eq!(g.nodes()[id.index()], Node::List(Vec::new()));
    /// ```
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A value: an inline scalar or a reference to a node.
///
/// `Float` keeps the exact bits of the pickle (the sign and payload of a NaN survive).
///
/// ```
/// use picklejar_codec::{Value, load};
///
/// assert_eq!(load(b"\x80\x02N.")?.root(), Value::None);
/// assert_eq!(load(b"\x80\x02J\xff\xff\xff\xff.")?.root(), Value::Int(-1));
/// assert_eq!(load(b"\x80\x02G?\xf8\x00\x00\x00\x00\x00\x00.")?.root(), Value::Float(1.5));
/// assert!(matches!(load(b"\x80\x02]q\x00.")?.root(), Value::Node(_)));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
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

/// A Python `str` value as CPython holds it: a sequence of code points that may include
/// lone surrogates. ("Text" in this crate always means a Python `str`; the canon *text
/// rendering* is [`Canon::to_text`](crate::Canon::to_text).)
///
/// Stored as UTF-8, except that surrogate code points (U+D800–U+DFFF) are encoded on their
/// own as three bytes each, exactly what `str.encode('utf-8', 'surrogatepass')` gives.
/// [`Text::as_str`] succeeds whenever there is no surrogate.
///
/// ```
/// use picklejar_codec::Text;
///
/// let t = Text::from_code_points([0x61, 0xd800]).unwrap(); // 'a\ud800'
/// assert_eq!(t.as_str(), None);
/// assert_eq!(t.as_bytes(), b"a\xed\xa0\x80");
/// assert_eq!(Text::new("é").as_str(), Some("é"));
/// ```
///
/// Up to 22 bytes are held inline, so most strs of a pickle (dict keys, names, short
/// values) cost no allocation of their own; a `Text` is 24 bytes either way. (Not a
/// small-string crate: the loader fills an inline text with one fixed-size copy of the
/// 22 input bytes at the str, where `compact_bytes` copied exactly its length through a
/// `memcpy` call; on 100k short dict keys that was 11% of the load.)
#[derive(Clone)]
pub struct Text(TextRepr);

/// How many bytes a [`Text`] holds without an allocation of its own.
pub(crate) const TEXT_INLINE: usize = 22;

#[derive(Clone)]
enum TextRepr {
    /// `buf[..len]`; the bytes past `len` are whatever was copied with them (the loader
    /// copies a fixed-size window of its input) and are never read.
    Inline { len: u8, buf: [u8; TEXT_INLINE] },
    /// Longer texts: owned, or (from [`Loader::load_shared`](crate::Loader::load_shared),
    /// [`SHARE_MIN`](crate::SHARE_MIN) bytes and more) a slice of the input, as payloads are.
    Heap(Payload),
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Text {}

impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_bytes(), f)
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Text {
    /// Text from a Rust string.
    ///
    /// ```
    /// use picklejar_codec::Text;
    ///
    /// assert_eq!(Text::new("abc"), Text::from("abc"));
    /// ```
    pub fn new(s: &str) -> Text {
        Text::from_slice_unchecked(s.as_bytes())
    }

    /// Text from surrogatepass UTF-8 bytes (what `str.encode('utf-8', 'surrogatepass')`
    /// gives); `None` if they are not well formed.
    ///
    /// ```
    /// use picklejar_codec::Text;
    ///
    /// let t = Text::from_surrogatepass(b"\xed\xb0\x80").unwrap(); // '\udc00'
    /// assert_eq!(t.code_points().collect::<Vec<_>>(), [0xdc00]);
    /// assert_eq!(Text::from_surrogatepass(b"\xff"), None);
    /// ```
    pub fn from_surrogatepass(bytes: &[u8]) -> Option<Text> {
        if std::str::from_utf8(bytes).is_ok() || crate::text::valid_surrogatepass(bytes) {
            Some(Text::from_slice_unchecked(bytes))
        } else {
            None
        }
    }

    /// Text from code points (each `<= 0x10FFFF`; surrogates allowed); `None` if one is
    /// out of range.
    ///
    /// ```
    /// use picklejar_codec::Text;
    ///
    /// assert_eq!(Text::from_code_points([0x63, 0xe9]).unwrap().as_str(), Some("cé"));
    /// assert_eq!(Text::from_code_points([0x110000]), None);
    /// ```
    pub fn from_code_points(cps: impl IntoIterator<Item = u32>) -> Option<Text> {
        let mut out = Vec::new();
        for cp in cps {
            crate::text::push_code_point(&mut out, cp)?;
        }
        Some(Text::from_vec_unchecked(out))
    }

    /// Text from bytes already checked to be surrogatepass UTF-8 (copied; inline when short).
    #[inline]
    pub(crate) fn from_slice_unchecked(b: &[u8]) -> Text {
        if b.len() <= TEXT_INLINE {
            let mut buf = [0u8; TEXT_INLINE];
            buf[..b.len()].copy_from_slice(b);
            Text::inline_unchecked(buf, b.len())
        } else {
            Text(TextRepr::Heap(b.into()))
        }
    }

    /// Text of a payload already checked to be surrogatepass UTF-8: kept as it is (shared
    /// with the input when it is), or copied inline when short.
    pub(crate) fn from_payload_unchecked(p: Payload) -> Text {
        if p.len() <= TEXT_INLINE {
            Text::from_slice_unchecked(&p)
        } else {
            Text(TextRepr::Heap(p))
        }
    }

    /// Whether the text's bytes are a slice of a buffer shared with others (the input of
    /// [`Loader::load_shared`](crate::Loader::load_shared), for strs of
    /// [`SHARE_MIN`](crate::SHARE_MIN) bytes and more), not owned by this text.
    ///
    /// ```
    /// use picklejar_codec::{Loader, Node, Text};
    ///
    /// let long = "é".repeat(200); // 400 bytes of UTF-8
    /// let mut p = vec![0x80, 4, b'X'];
    /// p.extend_from_slice(&(long.len() as u32).to_le_bytes());
    /// p.extend_from_slice(long.as_bytes());
    /// p.push(b'.');
    /// let text = |g: &picklejar_codec::Graph| match g.deref(g.root()) {
    ///     Some(Node::Str { text, .. }) => text.clone(),
    ///     other => panic!("{other:?}"),
    /// };
    /// let shared = text(&Loader::new().load_shared(bytes::Bytes::from(p.clone()))?.graph);
    /// let copied = text(&Loader::new().load(&p)?.graph);
    /// assert!(shared.is_shared() && !copied.is_shared());
    /// assert_eq!(shared.as_str(), Some(&long[..]));
    /// assert_eq!(shared, copied);
    /// assert!(!Text::new(&long).is_shared());
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn is_shared(&self) -> bool {
        matches!(&self.0, TextRepr::Heap(p) if p.is_shared())
    }

    /// Text of the first `len` bytes of `window` (already checked to be surrogatepass
    /// UTF-8; `len <= TEXT_INLINE`): the whole window is copied, a fixed-size move instead
    /// of a call to copy `len` bytes.
    #[inline(always)]
    pub(crate) fn inline_unchecked(window: [u8; TEXT_INLINE], len: usize) -> Text {
        debug_assert!(len <= TEXT_INLINE);
        Text(TextRepr::Inline {
            len: len.min(TEXT_INLINE) as u8,
            buf: window,
        })
    }

    /// The inline form's whole window and the text's length (`Some` for texts of up to
    /// [`TEXT_INLINE`] bytes): a writer can copy the fixed-size window and cut it to the
    /// length, a fixed-size move instead of a call to copy `len` bytes.
    #[inline(always)]
    pub(crate) fn inline_window(&self) -> Option<(&[u8; TEXT_INLINE], usize)> {
        match &self.0 {
            TextRepr::Inline { len, buf } => Some((buf, usize::from(*len))),
            TextRepr::Heap(_) => None,
        }
    }

    pub(crate) fn from_vec_unchecked(v: Vec<u8>) -> Text {
        if v.len() <= TEXT_INLINE {
            Text::from_slice_unchecked(&v)
        } else {
            Text(TextRepr::Heap(v.into()))
        }
    }

    /// The text as `&str`, if it holds no surrogate.
    ///
    /// ```
    /// use picklejar_codec::Text;
    ///
    /// assert_eq!(Text::new("ok").as_str(), Some("ok"));
    /// assert_eq!(Text::from_code_points([0xd800]).unwrap().as_str(), None);
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.as_bytes()).ok()
    }

    /// The surrogatepass UTF-8 bytes.
    ///
    /// ```
    /// use picklejar_codec::Text;
    ///
    /// assert_eq!(Text::new("é").as_bytes(), b"\xc3\xa9");
    /// ```
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            TextRepr::Inline { len, buf } => buf.get(..usize::from(*len)).unwrap_or(buf),
            TextRepr::Heap(b) => b.as_bytes(),
        }
    }

    /// Whether the text is empty.
    ///
    /// ```
    /// use picklejar_codec::Text;
    ///
    /// assert!(Text::new("").is_empty() && !Text::new("a").is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The length of its surrogatepass UTF-8 bytes.
    ///
    /// ```
    /// use picklejar_codec::Text;
    ///
    /// assert_eq!((Text::new("é").len(), Text::new(&"x".repeat(40)).len()), (2, 40));
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        match &self.0 {
            TextRepr::Inline { len, .. } => usize::from(*len),
            TextRepr::Heap(b) => b.len(),
        }
    }

    /// The code points, surrogates included.
    ///
    /// ```
    /// use picklejar_codec::Text;
    ///
    /// assert_eq!(Text::new("a€").code_points().collect::<Vec<_>>(), [0x61, 0x20ac]);
    /// ```
    pub fn code_points(&self) -> impl Iterator<Item = u32> + '_ {
        crate::text::CodePoints::new(self.as_bytes())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::from_vec_unchecked(s.into_bytes())
    }
}

/// A name reference: `module.name`, what GLOBAL, STACK_GLOBAL, INST, OBJ and EXT load.
///
/// ```
/// use picklejar_codec::{GlobalForm, Loader};
///
/// // Protocol 2 (Python 2): GLOBAL '__builtin__ set', renamed by fix_imports.
/// let l = Loader::new().load(b"\x80\x02c__builtin__\nset\nq\x00.")?;
/// let g = l.graph.as_global(l.graph.root()).unwrap();
/// assert_eq!((g.module.as_str(), g.name.as_str()), ("builtins", "set"));
/// assert_eq!(g.form, GlobalForm::Name);
/// assert_eq!(g.py2_name.as_deref(), Some(&("__builtin__".to_owned(), "set".to_owned())));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
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
    ///
    /// ```
    /// use picklejar_codec::{Global, GlobalForm};
    ///
    /// let g = Global::new("collections", "OrderedDict");
    /// assert_eq!((g.form, g.py2_name), (GlobalForm::Name, None));
    /// ```
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
///
/// ```
/// use picklejar_codec::{GlobalForm, load};
///
/// // Protocol 4: SHORT_BINUNICODE 'builtins', SHORT_BINUNICODE 'len', STACK_GLOBAL.
/// let g = load(b"\x80\x04\x8c\x08builtins\x8c\x03len\x93.")?;
/// let form = g.as_global(g.root()).unwrap().form;
/// assert!(matches!(form, GlobalForm::Stack { .. }));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
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
///
/// ```
/// use picklejar_codec::{Node, ObjectForm, load};
///
/// // Protocol 2: GLOBAL 'm C', EMPTY_TUPLE, NEWOBJ.
/// let g = load(b"\x80\x02cm\nC\n)\x81.")?;
/// let Some(Node::Object(o)) = g.deref(g.root()) else { panic!() };
/// assert_eq!(o.form, ObjectForm::NewObj);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
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
///
/// ```
/// use picklejar_codec::{Node, load};
///
/// // Protocol 2: GLOBAL 'm C', EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, BUILD.
/// let g = load(b"\x80\x02cm\nC\n)\x81}b.")?;
/// let Some(Node::Object(o)) = g.deref(g.root()) else { panic!() };
/// assert_eq!(g.as_global(o.class).unwrap().name, "C");
/// assert!(o.state.is_some());
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
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
    ///
    /// ```
    /// use picklejar_codec::{Graph, Node, Object, ObjectForm, to_canon};
    ///
    /// let mut g = Graph::new();
    /// let class = g.global("fractions", "Fraction");
    /// let args = g.value(Node::Tuple(vec![]));
    /// let obj = Object::new(class, Some(args), None, ObjectForm::NewObj);
    /// let root = g.value(Node::Object(Box::new(obj)));
    /// g.set_root(root);
    /// let text = to_canon(&g)?.to_text();
    /// assert!(text.starts_with("object\n  class:\n    global fractions Fraction\n"));
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
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
///
/// ```
/// use picklejar_codec::{Node, load};
///
/// // Protocol 2: GLOBAL 'm f', BININT1 1, TUPLE1, REDUCE.
/// let g = load(b"\x80\x02cm\nf\nK\x01\x85R.")?;
/// let Some(Node::Reduce(r)) = g.deref(g.root()) else { panic!() };
/// assert_eq!(g.as_global(r.callable).unwrap().name, "f");
/// assert_eq!(g.as_tuple(r.args).map(<[_]>::len), Some(1));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
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
    ///
    /// ```
    /// use picklejar_codec::{Graph, Node, Reduce, Value};
    ///
    /// let mut g = Graph::new();
    /// let f = g.global("operator", "add");
    /// let args = g.value(Node::Tuple(vec![Value::Int(1), Value::Int(2)]));
    /// let r = Reduce::new(f, args);
    /// assert!(r.state.is_none() && r.items.is_empty());
    /// ```
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
///
/// ```
/// use picklejar_codec::{Graph, Node, Reduce, ReduceForm};
///
/// let mut g = Graph::new();
/// let (f, args) = (g.global("m", "f"), g.value(Node::Tuple(vec![])));
/// assert_eq!(Reduce::new(f, args).form, ReduceForm::Reduce);
/// ```
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

/// A node of the graph: every value that has identity in Python.
///
/// ```
/// use picklejar_codec::{Node, load};
///
/// // Protocol 3: {'a': b'\x00'}.
/// let g = load(b"\x80\x03}q\x00X\x01\x00\x00\x00aq\x01C\x01\x00q\x02s.")?;
/// let Some(Node::Dict(pairs)) = g.deref(g.root()) else { panic!() };
/// assert_eq!(g.as_str(pairs[0].0), Some("a"));
/// let value = g.deref(pairs[0].1);
/// assert!(matches!(value, Some(Node::Bytes { data, py2: false }) if &data[..] == b"\x00"));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// An int outside `i64`.
    Int(Box<BigInt>),
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
        /// The bytes (owned, or shared with the input: [`Payload`]).
        data: Payload,
        /// Whether it was a Python 2 `str`.
        py2: bool,
    },
    /// A bytearray (its bytes owned, or shared with the input: [`Payload`]).
    ByteArray(Payload),
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
    Global(Box<Global>),
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

/// An arena of nodes and the root value: what [`load`](crate::load) returns and
/// [`dump`](crate::dump) writes.
///
/// ```
/// use picklejar_codec::{Graph, Node, Value, to_canon};
///
/// let mut g = Graph::new();
/// let s = g.str("hi");
/// let t = g.value(Node::Tuple(vec![s, Value::Bool(true)]));
/// g.set_root(t);
/// assert_eq!(to_canon(&g)?.to_text(), "tuple\n  str \"hi\"\n  bool True\n");
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    nodes: Vec<Node>,
    root: Option<Value>,
    memo_skip: Option<u32>,
    /// Bytes nodes folded from `_codecs.encode(str, 'latin1')` → that str node, sorted by
    /// bytes node (a map; the loader adds them in order, so at the end). A vector costs
    /// nothing to make and drop while empty, as it is in most graphs.
    latin1_sources: Vec<(NodeId, NodeId)>,
    /// Whether a str or bytes node was handed out mutably since, so that a pair of
    /// `latin1_sources` may no longer match.
    text_touched: Touched,
    /// The length of the pickle the graph was loaded from (0 for a graph built
    /// otherwise): the dump's first guess at its output size. No part of the value.
    loaded_from: SizeHint,
}

/// A size that is no part of a graph's value: every two compare equal.
#[derive(Clone, Copy, Debug, Default)]
struct SizeHint(usize);

impl PartialEq for SizeHint {
    fn eq(&self, _: &SizeHint) -> bool {
        true
    }
}

/// A flag that is no part of a graph's value: every two compare equal.
#[derive(Clone, Copy, Debug, Default)]
struct Touched(bool);

impl PartialEq for Touched {
    fn eq(&self, _: &Touched) -> bool {
        true
    }
}

impl Graph {
    /// An empty graph (its root is `None` until set).
    ///
    /// ```
    /// use picklejar_codec::{Graph, Value};
    ///
    /// let g = Graph::new();
    /// assert_eq!((g.root(), g.nodes().len()), (Value::None, 0));
    /// ```
    pub fn new() -> Graph {
        Graph::default()
    }

    /// Adds a node and returns its id.
    ///
    /// # Panics
    ///
    /// Panics if the graph already holds `u32::MAX` nodes.
    ///
    /// ```
    /// use picklejar_codec::{Graph, Node, Value};
    ///
    /// let mut g = Graph::new();
    /// let id = g.add(Node::Set(vec![Value::Int(1)]));
    /// g.set_root(Value::Node(id));
    /// ```
    pub fn add(&mut self, node: Node) -> NodeId {
        let id = u32::try_from(self.nodes.len()).expect("graph holds at most u32::MAX nodes");
        self.nodes.push(node);
        NodeId(id)
    }

    /// An empty graph with room for `n` nodes (the loader sizes the arena from its input).
    pub(crate) fn with_node_capacity(n: usize) -> Graph {
        Graph {
            nodes: Vec::with_capacity(n),
            ..Graph::default()
        }
    }

    /// Makes room for `additional` more nodes.
    pub(crate) fn reserve_nodes(&mut self, additional: usize) {
        self.nodes.reserve(additional);
    }

    /// Records the length of the pickle the graph was loaded from.
    pub(crate) fn set_loaded_from(&mut self, len: usize) {
        self.loaded_from = SizeHint(len);
    }

    /// The length of the pickle the graph was loaded from, if it was loaded.
    pub(crate) fn loaded_from(&self) -> Option<usize> {
        Some(self.loaded_from.0).filter(|&n| n > 0)
    }

    /// How many nodes the arena holds before it grows.
    pub(crate) fn node_capacity(&self) -> usize {
        self.nodes.capacity()
    }

    #[inline]
    pub(crate) fn push_node(&mut self, node: Node) -> NodeId {
        // The loader bounds the node count through its allocation limit, far below u32::MAX.
        let id = self.nodes.len() as u32;
        self.nodes.push(node);
        NodeId(id)
    }

    /// Adds a node and returns a value referring to it (`Value::Node(self.add(node))`).
    ///
    /// ```
    /// use picklejar_codec::{Graph, Node, Value};
    ///
    /// let mut g = Graph::new();
    /// let v = g.value(Node::List(vec![]));
    /// assert!(matches!(v, Value::Node(_)));
    /// ```
    pub fn value(&mut self, node: Node) -> Value {
        Value::Node(self.add(node))
    }

    /// Adds a `str` node.
    ///
    /// ```
    /// use picklejar_codec::Graph;
    ///
    /// let mut g = Graph::new();
    /// let v = g.str("abc");
    /// assert_eq!(g.as_str(v), Some("abc"));
    /// ```
    pub fn str(&mut self, s: &str) -> Value {
        self.value(Node::Str {
            text: Text::new(s),
            py2: false,
        })
    }

    /// Adds a `bytes` node.
    ///
    /// ```
    /// use picklejar_codec::{Graph, Node};
    ///
    /// let mut g = Graph::new();
    /// let v = g.bytes(b"\x00\x01");
    /// assert!(matches!(g.deref(v), Some(Node::Bytes { py2: false, .. })));
    /// ```
    pub fn bytes(&mut self, b: &[u8]) -> Value {
        self.value(Node::Bytes {
            data: b.into(),
            py2: false,
        })
    }

    /// Adds a global node.
    ///
    /// ```
    /// use picklejar_codec::Graph;
    ///
    /// let mut g = Graph::new();
    /// let v = g.global("builtins", "print");
    /// assert_eq!(g.as_global(v).map(|gl| gl.name.as_str()), Some("print"));
    /// ```
    pub fn global(&mut self, module: &str, name: &str) -> Value {
        self.value(Node::Global(Box::new(Global::new(module, name))))
    }

    /// An int value: inline when it fits in `i64`, else a node.
    ///
    /// ```
    /// use num_bigint::BigInt;
    /// use picklejar_codec::{Graph, Node, Value};
    ///
    /// let mut g = Graph::new();
    /// assert_eq!(g.int(BigInt::from(5)), Value::Int(5));
    /// let big = g.int(BigInt::from(1u8) << 70);
    /// assert!(matches!(g.deref(big), Some(Node::Int(_))));
    /// ```
    pub fn int(&mut self, i: BigInt) -> Value {
        match i64::try_from(&i) {
            Ok(v) => Value::Int(v),
            Err(_) => self.value(Node::Int(Box::new(i))),
        }
    }

    /// The node with this id.
    ///
    /// # Panics
    ///
    /// Panics if the id does not belong to this graph.
    ///
    /// ```
    /// use picklejar_codec::{Graph, Node};
    ///
    /// let mut g = Graph::new();
    /// let id = g.add(Node::ByteArray(b"x".into()));
    /// assert_eq!(g.node(id), &Node::ByteArray(b"x".into()));
    /// ```
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// The node with this id, if it belongs to this graph.
    ///
    /// ```
    /// use picklejar_codec::{Graph, Node};
    ///
    /// let mut g = Graph::new();
    /// let id = g.add(Node::List(vec![]));
    /// assert!(g.get(id).is_some());
    /// assert!(Graph::new().get(id).is_none());
    /// ```
    pub fn get(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.index())
    }

    /// The node with this id, mutably.
    ///
    /// # Panics
    ///
    /// Panics if the id does not belong to this graph.
    ///
    /// ```
    /// use picklejar_codec::{Graph, Node, Value};
    ///
    /// let mut g = Graph::new();
    /// let id = g.add(Node::List(vec![]));
    /// if let Node::List(items) = g.node_mut(id) {
    ///     items.push(Value::Int(1));
    /// }
    /// assert_eq!(g.node(id), &Node::List(vec![Value::Int(1)]));
    /// ```
    pub fn node_mut(&mut self, id: NodeId) -> &mut Node {
        let node = &mut self.nodes[id.index()];
        if matches!(node, Node::Str { .. } | Node::Bytes { .. }) {
            self.text_touched = Touched(true);
        }
        node
    }

    /// All nodes, in creation order.
    ///
    /// ```
    /// // Protocol 2: ['a'] makes a list node, then a str node.
    /// let g = picklejar_codec::load(b"\x80\x02]q\x00X\x01\x00\x00\x00aq\x01a.")?;
    /// assert_eq!(g.nodes().len(), 2);
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The root value (what the pickle's STOP returned); `None` for an empty graph.
    ///
    /// ```
    /// let g = picklejar_codec::load(b"\x80\x02K\x05.")?;
    /// assert_eq!(g.root(), picklejar_codec::Value::Int(5));
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn root(&self) -> Value {
        self.root.unwrap_or(Value::None)
    }

    /// Sets the root value.
    ///
    /// ```
    /// use picklejar_codec::{Graph, Value};
    ///
    /// let mut g = Graph::new();
    /// g.set_root(Value::Float(0.5));
    /// assert_eq!(g.root(), Value::Float(0.5));
    /// ```
    pub fn set_root(&mut self, v: Value) {
        self.root = Some(v);
    }

    /// The first memo index the stream's PUTs stepped over, if they ever did (the memo
    /// slot Python 2.7 `pickle.py`'s `_keep_alive` takes the first time an instance's
    /// `__getinitargs__` or `__getstate__` result is kept alive). A loaded graph records
    /// it so that the 2.7 profile numbers its memo as the producer did; the CPython 3
    /// picklers never skip one.
    pub(crate) fn memo_skip(&self) -> Option<u32> {
        self.memo_skip
    }

    /// Records the memo index a re-dump with the 2.7 profile must step over.
    pub(crate) fn set_memo_skip(&mut self, index: Option<u32>) {
        self.memo_skip = index;
    }

    /// The `str` node a bytes node was folded from, when it was loaded as the protocol 0–2
    /// reduce `_codecs.encode(str, 'latin1')`. The str object can be shared (CPython's
    /// one-character strings are singletons, so a field name `'b'` and the text of
    /// `b'b'` are one memo entry); a re-dump writes that node so the sharing survives.
    pub(crate) fn latin1_source(&self, bytes: NodeId) -> Option<NodeId> {
        let i = self
            .latin1_sources
            .binary_search_by_key(&bytes, |&(b, _)| b)
            .ok()?;
        self.latin1_sources.get(i).map(|&(_, text)| text)
    }

    /// Whether every [`Graph::latin1_source`] pair still holds the str and the bytes it
    /// was recorded with (the bytes are the str's Latin-1 encoding, as the loader made
    /// them): no str or bytes node was handed out by [`Graph::node_mut`] since.
    pub(crate) fn latin1_sources_intact(&self) -> bool {
        !self.text_touched.0
    }

    /// Records the `str` node a bytes node was folded from (see [`Graph::latin1_source`]).
    pub(crate) fn set_latin1_source(&mut self, bytes: NodeId, text: NodeId) {
        match self
            .latin1_sources
            .binary_search_by_key(&bytes, |&(b, _)| b)
        {
            Ok(i) => {
                if let Some(pair) = self.latin1_sources.get_mut(i) {
                    pair.1 = text;
                }
            }
            Err(i) => self.latin1_sources.insert(i, (bytes, text)),
        }
    }

    /// If `v` is a node, that node; `None` for inline scalars and foreign ids.
    ///
    /// ```
    /// use picklejar_codec::{Graph, Node, Value};
    ///
    /// let mut g = Graph::new();
    /// let v = g.value(Node::Tuple(vec![]));
    /// assert_eq!(g.deref(v), Some(&Node::Tuple(vec![])));
    /// assert_eq!(g.deref(Value::Int(1)), None);
    /// ```
    pub fn deref(&self, v: Value) -> Option<&Node> {
        match v {
            Value::Node(id) => self.get(id),
            _ => None,
        }
    }

    /// If `v` is a `str` node with no lone surrogate, its text.
    ///
    /// ```
    /// use picklejar_codec::{Graph, Value};
    ///
    /// let mut g = Graph::new();
    /// let s = g.str("x");
    /// let b = g.bytes(b"x");
    /// assert_eq!((g.as_str(s), g.as_str(b), g.as_str(Value::None)), (Some("x"), None, None));
    /// ```
    pub fn as_str(&self, v: Value) -> Option<&str> {
        match self.deref(v)? {
            Node::Str { text, .. } => text.as_str(),
            _ => None,
        }
    }

    /// If `v` is a tuple node, its items.
    ///
    /// ```
    /// use picklejar_codec::{Graph, Node, Value};
    ///
    /// let mut g = Graph::new();
    /// let t = g.value(Node::Tuple(vec![Value::None]));
    /// assert_eq!(g.as_tuple(t), Some(&[Value::None][..]));
    /// ```
    pub fn as_tuple(&self, v: Value) -> Option<&[Value]> {
        match self.deref(v)? {
            Node::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// If `v` is a global node, the global.
    ///
    /// ```
    /// use picklejar_codec::Graph;
    ///
    /// let mut g = Graph::new();
    /// let v = g.global("datetime", "date");
    /// assert_eq!(g.as_global(v).map(|gl| gl.module.as_str()), Some("datetime"));
    /// ```
    pub fn as_global(&self, v: Value) -> Option<&Global> {
        match self.deref(v)? {
            Node::Global(g) => Some(g),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{DumpOptions, Node, Profile, Value, dump, load};

    /// Python 2.7 `pickle.py`, `[C(), 'x']` where `C` is an old-style class whose
    /// `__getstate__` returns a dict: `_keep_alive` takes memo slot 3 after the instance
    /// (2), so the state dict is memoized as 4 (protocol 2, made on 2.7.18).
    const KEEP_ALIVE_P2: &[u8] = b"\x80\x02]q\x00((c__main__\nC\nq\x01oq\x02}q\x04(U\x01aq\x05K\x01U\x03tagq\x06U\x01xq\x07ubh\x07e.";

    #[test]
    fn py27_keep_alive_slot_is_recorded() {
        let g = load(KEEP_ALIVE_P2).expect("loads");
        assert_eq!(g.memo_skip(), Some(3));
    }

    #[test]
    fn without_the_record_the_memo_is_numbered_densely() {
        let mut g = load(KEEP_ALIVE_P2).expect("loads");
        g.set_memo_skip(None);
        let out = dump(&g, 2, &DumpOptions::new(Profile::Py27)).expect("dumps");
        assert_ne!(out.bytes, KEEP_ALIVE_P2);
        assert!(
            out.bytes.windows(3).any(|w| w == b"}q\x03"),
            "state dict takes slot 3: {:?}",
            String::from_utf8_lossy(&out.bytes)
        );
    }

    #[test]
    fn contiguous_memos_record_no_skip() {
        // CPython 3 C pickler, protocol 2: [1, 'x', 'x'] memoizes 0 and 1 in sequence.
        let g = load(b"\x80\x02]q\x00(K\x01X\x01\x00\x00\x00xq\x01h\x01e.").expect("loads");
        assert_eq!(g.memo_skip(), None);
    }

    #[test]
    fn a_loaded_graph_keeps_its_pickle_length_outside_its_value() {
        // pickle.dumps(['a', 'b'], 4) on CPython 3.13.
        let data = b"\x80\x04\x95\r\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x01a\x94\x8c\x01b\x94e.";
        let g = load(data).expect("loads");
        assert_eq!(g.loaded_from(), Some(data.len()));
        let mut built = g.clone();
        built.set_loaded_from(0);
        assert_eq!(built.loaded_from(), None);
        // The same value either way, and the same dump; the loaded one's buffer is
        // allocated once, at the pickle's length and a little more.
        assert_eq!(g, built);
        let out = dump(&g, 4, &DumpOptions::new(Profile::Py313)).expect("dumps");
        assert_eq!(out.bytes, data);
        assert_eq!(out.bytes.capacity(), data.len() + 64);
        assert_eq!(
            dump(&built, 4, &DumpOptions::new(Profile::Py313))
                .expect("dumps")
                .bytes,
            data
        );
    }

    #[test]
    fn a_latin1_bytes_reduce_records_its_str() {
        // CPython 3.13, pickle.dumps([b'b', 'b'], 2).
        let g = load(b"\x80\x02]q\x00(c_codecs\nencode\nq\x01X\x01\x00\x00\x00bq\x02X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05h\x02e.").expect("loads");
        let Some(Node::List(items)) = g.deref(g.root()) else {
            panic!("a list")
        };
        let (Value::Node(bytes), Value::Node(text)) = (items[0], items[1]) else {
            panic!("two nodes")
        };
        assert_eq!(g.latin1_source(bytes), Some(text));
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;

    /// The arena's slot: every node is this big, so it bounds bytes per loaded object
    /// (issue 17: a str or container node was 72 bytes; CPython's objects are 28–56).
    #[test]
    fn text_holds_22_bytes_inline_and_compares_only_its_own() {
        assert_eq!(std::mem::size_of::<Text>(), 24);
        let window: [u8; TEXT_INLINE] = *b"key1\xffgarbage-of-input!";
        let a = Text::inline_unchecked(window, 4);
        let b = Text::new("key1");
        assert_eq!((a.as_bytes(), a.as_str()), (&b"key1"[..], Some("key1")));
        assert_eq!(a, b);
        let hash = |t: &Text| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            t.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&a), hash(&b));
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_eq!(a.cmp(&Text::new("key0")), std::cmp::Ordering::Greater);
        // Either side of the inline limit, from a slice, a vector and a string.
        for n in [0, 1, 21, 22, 23, 24, 100] {
            let s = "é".repeat(n / 2) + &"a".repeat(n % 2);
            let t = Text::new(&s);
            assert_eq!(t.as_str(), Some(s.as_str()), "{n}");
            assert_eq!(Text::from(s.clone()), t, "{n}");
            assert_eq!(t.is_empty(), n == 0);
            assert_eq!(t.code_points().count(), s.chars().count());
        }
        assert!(Text::inline_unchecked([0; TEXT_INLINE], 0).is_empty());
    }

    #[test]
    fn node_and_value_sizes() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
        assert!(
            std::mem::size_of::<Node>() <= 32,
            "{}",
            std::mem::size_of::<Node>()
        );
    }
}
