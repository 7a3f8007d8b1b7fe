//! `save()` and friends: the byte choices of CPython's C pickler.

use num_bigint::BigInt;
use rustc_hash::FxHashMap;

use super::writer::{ASIDE_MIN, Writer};
use super::{DumpOptions, Dumped, DumpedParts, Profile};
use crate::canon::py_float_repr;
use crate::error::{Error, ErrorKind, Result};
use crate::load::py3_to_py2;
use crate::opcode::op;
use crate::text;
use crate::value::{
    GlobalForm, Graph, Node, NodeId, Object, ObjectForm, Reduce, ReduceForm, TEXT_INLINE, Text,
    Value,
};

const BATCHSIZE: usize = 1000;

/// What the memo is keyed by: object identity, which for a graph means the node, except
/// for objects CPython has exactly one of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key<'k> {
    /// A graph node.
    Node(NodeId),
    /// A class or function: one object per (module, qualname).
    Global(&'k str, &'k str),
    /// A string CPython interns (`'latin1'`, module names in STACK_GLOBAL).
    Interned(&'k str),
}

/// A value the pickler makes up on the way (reduce arguments CPython builds afresh).
enum Syn<'a> {
    /// A value of the graph.
    V(Value),
    /// A new str object (never shared).
    FreshStr(Vec<u8>),
    /// An interned str.
    Interned(&'a str),
    /// A global by name.
    Global(&'a str, &'a str),
    /// A global by name, written in a given form.
    GlobalForm(&'a str, &'a str, GlobalForm),
    /// A new list of graph values.
    List(Vec<Value>),
    /// A new tuple.
    Tuple(Vec<Syn<'a>>),
    /// A new bytes object.
    Bytes(Vec<u8>),
    /// A new Python 2 `str`.
    Py2Str(Vec<u8>),
}

/// A payload to write: the graph's own (which a dump in parts may keep aside, not
/// copy) or one the pickler made.
#[derive(Clone, Copy)]
enum Data<'t, 'g> {
    Graph(&'g [u8]),
    Made(&'t [u8]),
}

impl<'t, 'g: 't> Data<'t, 'g> {
    fn as_slice(self) -> &'t [u8] {
        match self {
            Data::Graph(d) => d,
            Data::Made(d) => d,
        }
    }
}

/// The memo, split by key kind so the hot lookups do not hash or allocate: graph nodes
/// in a vector indexed by node id (holding memo index + 1, 0 for none, so the vector
/// starts as zeroed memory the allocator need not fill), names in maps queried through
/// a scratch buffer.
struct Memo {
    nodes: Vec<u32>,
    names: Names,
    scratch: String,
}

/// How many nesting levels of `save` share one stack check (`canon::grow` keeps 64 KiB in
/// reserve; eight levels of the pickler's frames use far less).
const STACK_CHECK_EVERY: usize = 8;

/// The memo entries of names (globals, and strs interned as their module), by a key text
/// ([`Memo::name_key`]): a short list searched in order, then a hash map. A pickle names
/// few classes and modules; for those, comparing a few short strings costs less than
/// hashing and a table's first allocation (pyperformance's `DICT` at protocol 2 names two
/// globals, whose memo entries were a fifth of its dump).
#[derive(Default)]
struct Names {
    short: Vec<(Box<str>, u32)>,
    long: FxHashMap<Box<str>, u32>,
}

impl Names {
    /// Past this many names the list moves into the map.
    const SHORT: usize = 16;

    fn get(&self, key: &str) -> Option<u32> {
        if self.long.is_empty() {
            self.short
                .iter()
                .find(|(k, _)| k.len() == key.len() && **k == *key)
                .map(|&(_, idx)| idx)
        } else {
            self.long.get(key).copied()
        }
    }

    /// Sets `key`'s entry (a new key, or a new index for one already there).
    fn insert(&mut self, key: &str, idx: u32) {
        if self.long.is_empty() {
            if let Some(slot) = self.short.iter_mut().find(|(k, _)| **k == *key) {
                slot.1 = idx;
                return;
            }
            if self.short.len() < Self::SHORT {
                self.short.push((key.into(), idx));
                return;
            }
            self.long.extend(self.short.drain(..));
        }
        self.long.insert(key.into(), idx);
    }
}

impl Memo {
    fn new(nodes: usize) -> Memo {
        Memo {
            nodes: vec![0; nodes],
            names: Names::default(),
            scratch: String::new(),
        }
    }

    fn name_key(&mut self, k: &Key<'_>) {
        self.scratch.clear();
        match k {
            Key::Global(m, n) => {
                self.scratch.push('g');
                self.scratch.push_str(m);
                self.scratch.push('\n');
                self.scratch.push_str(n);
            }
            Key::Interned(s) => {
                self.scratch.push('i');
                self.scratch.push_str(s);
            }
            Key::Node(_) => {}
        }
    }

    /// The memo index of a graph node, if it has one.
    #[inline(always)]
    fn node(&self, id: NodeId) -> Option<u32> {
        self.nodes.get(id.index()).and_then(|&i| i.checked_sub(1))
    }

    #[inline]
    fn get(&mut self, k: &Key<'_>) -> Option<u32> {
        match k {
            Key::Node(id) => self.node(*id),
            _ => {
                self.name_key(k);
                self.names.get(&self.scratch)
            }
        }
    }

    /// Gives a graph node memo index `idx`.
    #[inline(always)]
    fn set_node(&mut self, id: NodeId, idx: u32) {
        // The pickler never reaches 2^32 - 1 memo entries (the graph's ids and the
        // pickle's LONG_BINPUT are 32-bit); were it to, the entry would read as absent.
        let stored = idx.wrapping_add(1);
        match self.nodes.get_mut(id.index()) {
            Some(slot) => *slot = stored,
            None => {
                self.nodes.resize(id.index() + 1, 0);
                self.nodes[id.index()] = stored;
            }
        }
    }

    /// Looks up a global without building a [`Key`].
    fn get_global(&mut self, module: &str, name: &str) -> Option<u32> {
        self.scratch.clear();
        self.scratch.push('g');
        self.scratch.push_str(module);
        self.scratch.push('\n');
        self.scratch.push_str(name);
        self.names.get(&self.scratch)
    }

    fn contains_key(&mut self, k: &Key<'_>) -> bool {
        self.get(k).is_some()
    }

    #[inline]
    fn insert(&mut self, k: Key<'_>, idx: u32) {
        match k {
            Key::Node(id) => {
                self.set_node(id, idx);
            }
            _ => {
                self.name_key(&k);
                self.names.insert(&self.scratch, idx);
            }
        }
    }

    /// Inserts unless the key is already there.
    fn insert_new(&mut self, k: Key<'_>, idx: u32) {
        if !self.contains_key(&k) {
            self.insert(k, idx);
        }
    }
}

pub(crate) struct Pickler<'g, 'o> {
    g: &'g Graph,
    /// `g`'s nodes, at hand (the hot lookups index them without going through `g`).
    nodes: &'g [Node],
    proto: u8,
    opts: &'o DumpOptions,
    out: Writer<'g>,
    memo: Memo,
    next_memo: u32,
    depth: usize,
    oob: Vec<Vec<u8>>,
    /// Whether pickle.py's keep-alive list already took its memo slot.
    kept_alive: bool,
    /// The Python 2 spelling of the global being written, when the graph kept one.
    py2_names: FxHashMap<(String, String), (String, String)>,
    /// Whether a str node takes [`Self::save_str_fast`]: BINUNICODE-family opcodes
    /// (protocol ≥ 1) and no Python 2 profile (whose strs and memo need more care).
    fast_str: bool,
    /// `opts.max_depth`, at hand.
    max_depth: usize,
    /// Whether memoizing is just the next index (not the 2.7 profile, whose pickle.py
    /// keep-alive list can step over one).
    plain_memo: bool,
}

/// Graphs of more nodes than this start the output buffer at [`BYTES_PER_NODE`] bytes a
/// node rather than walking every node for a closer guess (the walk costs more than
/// growing the buffer, and a payload of 64 KiB or more reserves its own room as it is
/// written).
const ESTIMATE_WALK_NODES: usize = 4096;
const BYTES_PER_NODE: usize = 8;
/// A dump in parts of a loaded graph whose pickle averages this many bytes a node or more
/// (mostly payloads, which the parts may keep aside) walks the graph for its estimate
/// rather than take the pickle's size.
const PARTS_WALK_BYTES_PER_NODE: usize = 4096;

/// A guess at the size of the pickle, so the output buffer is allocated once: for a
/// loaded graph the size of the pickle it came from (a dump is mostly about that size,
/// and the guess costs nothing); otherwise, for small graphs, payloads plus a few bytes
/// per node and per container item (protocol 0 text and escapes can still make it grow);
/// for large ones a few bytes a node. A dump in parts (`parts`) of a loaded graph of
/// [`PARTS_WALK_BYTES_PER_NODE`] or more takes the walk, without the payloads it keeps
/// aside.
fn output_estimate(g: &Graph, parts: bool) -> usize {
    if let Some(n) = g.loaded_from()
        && !(parts && n / g.nodes().len().max(1) >= PARTS_WALK_BYTES_PER_NODE)
    {
        return n.saturating_add(64);
    }
    if g.nodes().len() > ESTIMATE_WALK_NODES {
        return g
            .nodes()
            .len()
            .saturating_mul(BYTES_PER_NODE)
            .saturating_add(64);
    }
    // Payloads a dump in parts may keep aside count for their header only.
    let payload = |len: usize| {
        if parts && len >= ASIDE_MIN { 0 } else { len }
    };
    let mut n: usize = 64;
    for node in g.nodes() {
        n = n.saturating_add(match node {
            Node::Str { text, .. } => 8 + text.len(),
            Node::Bytes { data, .. } => 12 + payload(data.len()),
            Node::ByteArray(b) => 12 + payload(b.len()),
            Node::Buffer { data, .. } => 12 + data.as_ref().map_or(0, |d| d.len()),
            Node::List(v) | Node::Tuple(v) | Node::Set(v) | Node::FrozenSet(v) => 8 + 3 * v.len(),
            Node::Dict(pairs) => 8 + 6 * pairs.len(),
            _ => 16,
        });
    }
    n
}

/// `v`'s fewest little-endian two's-complement bytes (`BigInt::to_signed_bytes_le`): the
/// count and the eight bytes they start.
fn i64_le_minimal(v: i64) -> (usize, [u8; 8]) {
    let bytes = v.to_le_bytes();
    // Bits needed besides the sign, plus the sign bit, rounded up to whole bytes.
    let magnitude = if v < 0 { !v } else { v };
    let bits = 64 - magnitude.leading_zeros() as usize + 1;
    (bits.div_ceil(8), bytes)
}

fn unpicklable(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Unpicklable, msg)
}

impl<'g, 'o> Pickler<'g, 'o> {
    /// `parts`: whether the graph's large payloads are kept aside rather than copied
    /// ([`Self::run_parts`]).
    pub(crate) fn new(
        g: &'g Graph,
        proto: u8,
        opts: &'o DumpOptions,
        parts: bool,
    ) -> Pickler<'g, 'o> {
        Pickler {
            g,
            nodes: g.nodes(),
            proto,
            opts,
            out: Writer::new(
                opts.profile == Profile::Py30To36,
                output_estimate(g, parts),
                parts,
            ),
            memo: Memo::new(g.nodes().len()),
            next_memo: 0,
            depth: 0,
            oob: Vec::new(),
            kept_alive: false,
            py2_names: FxHashMap::default(),
            fast_str: proto >= 1 && opts.profile != Profile::Py27,
            max_depth: opts.max_depth,
            plain_memo: opts.profile != Profile::Py27,
        }
    }

    pub(crate) fn run(mut self) -> Result<Dumped> {
        self.write_all()?;
        Ok(Dumped {
            bytes: self.out.buf,
            buffers: self.oob,
        })
    }

    /// The dump in parts (a pickler made with `parts`): its own bytes and, aside, the
    /// graph's payloads that go outside frames.
    pub(crate) fn run_parts(mut self) -> Result<DumpedParts<'g>> {
        self.write_all()?;
        Ok(DumpedParts {
            head: self.out.buf,
            payloads: self.out.segments.unwrap_or_default(),
            buffers: self.oob,
        })
    }

    fn write_all(&mut self) -> Result<()> {
        if self.proto >= 2 {
            self.out.write(&[op::PROTO, self.proto]);
        }
        if self.proto >= 4 {
            self.out.start_framing();
        }
        self.save(self.g.root())?;
        self.out.byte(op::STOP);
        self.out.commit_frame();
        Ok(())
    }

    fn node(&self, id: NodeId) -> Result<&'g Node> {
        let g: &'g Graph = self.g;
        g.get(id)
            .ok_or_else(|| unpicklable(format!("node {} is not in the graph", id.index())))
    }

    // ----- memo -----------------------------------------------------------------------

    #[inline]
    fn memoize(&mut self, key: Option<Key<'_>>) -> u32 {
        if !self.plain_memo && !self.kept_alive && self.g.memo_skip() == Some(self.next_memo) {
            // The loaded stream stepped over this index: pickle.py's keep-alive list took
            // it (for a `__getstate__` result, which the graph cannot otherwise show).
            self.kept_alive = true;
            self.next_memo += 1;
        }
        let idx = self.next_memo;
        self.next_memo += 1;
        if let Some(k) = key {
            self.memo.insert(k, idx);
        }
        if self.proto >= 4 {
            self.out.byte(op::MEMOIZE);
        } else {
            self.memo_opcode(idx, op::BINPUT, op::LONG_BINPUT, op::PUT);
        }
        idx
    }

    /// [`Self::memoize`] of a graph node: inline when memoizing is just the next index.
    #[inline(always)]
    fn memoize_node(&mut self, id: NodeId) {
        if !self.plain_memo {
            self.memoize(Some(Key::Node(id)));
            return;
        }
        let idx = self.next_memo;
        self.next_memo += 1;
        self.memo.set_node(id, idx);
        if self.proto >= 4 {
            self.out.byte(op::MEMOIZE);
        } else {
            self.memo_opcode(idx, op::BINPUT, op::LONG_BINPUT, op::PUT);
        }
    }

    /// A text opcode of protocol 0 (or Python 2): the opcode, then its argument text, which
    /// ends in a newline.
    fn text_op(&mut self, opcode: u8, arg: &str) {
        self.out.byte(opcode);
        self.out.write(arg.as_bytes());
    }

    #[inline(always)]
    fn get(&mut self, idx: u32) {
        self.memo_opcode(idx, op::BINGET, op::LONG_BINGET, op::GET);
    }

    /// A memo index operand: the 1-byte form, the 4-byte form, or protocol 0's text line
    /// (BINPUT/LONG_BINPUT/PUT, BINGET/LONG_BINGET/GET).
    #[inline]
    fn memo_opcode(&mut self, idx: u32, short: u8, long: u8, text: u8) {
        if self.proto == 0 {
            self.memo_text_op(idx, text);
        } else if idx < 256 {
            self.out.write(&[short, idx as u8]);
        } else {
            let [a, b, c, d] = idx.to_le_bytes();
            self.out.write(&[long, a, b, c, d]);
        }
    }

    #[cold]
    fn memo_text_op(&mut self, idx: u32, text: u8) {
        self.text_op(text, &format!("{idx}\n"));
    }

    fn memo_get(&mut self, key: &Key<'_>) -> bool {
        match self.memo.get(key) {
            Some(idx) => {
                self.get(idx);
                true
            }
            None => false,
        }
    }

    // ----- save -----------------------------------------------------------------------

    /// Runs `f`, one nesting level down, on a fresh stack segment when the stack is
    /// checked at this depth: every [`STACK_CHECK_EVERY`] levels, which leaves room for
    /// the frames in between (a check costs more than a save of a small node).
    #[inline(always)]
    fn nested<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        if self.depth.is_multiple_of(STACK_CHECK_EVERY) {
            crate::canon::grow(|| f(self))
        } else {
            f(self)
        }
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > self.opts.max_depth {
            return Err(unpicklable(format!(
                "maximum recursion depth ({}) exceeded while pickling",
                self.opts.max_depth
            )));
        }
        self.out.opcode_boundary();
        Ok(())
    }

    fn save(&mut self, v: Value) -> Result<()> {
        // Scalars do not recurse: no depth or stack bookkeeping.
        let id = match v {
            Value::Node(id) => id,
            Value::Int(i) => {
                self.out.opcode_boundary();
                self.save_i64(i);
                return Ok(());
            }
            Value::None => {
                self.out.opcode_boundary();
                self.out.byte(op::NONE);
                return Ok(());
            }
            Value::Bool(_) | Value::Float(_) => {
                self.out.opcode_boundary();
                return self.save_value(v);
            }
        };
        // The commonest nodes first, without the recursion's bookkeeping: a node already
        // in the memo (a GET) and a str (which holds nothing to recurse into). Past the
        // depth limit the general path reports the error.
        if self.depth < self.max_depth {
            return self.save_node_in_depth(id);
        }
        self.save_node_checked(id)
    }

    /// [`Self::save`] of a node below the depth limit that is not in the memo, past its
    /// opcode boundary.
    #[inline(always)]
    fn save_new_node(&mut self, id: NodeId) -> Result<()> {
        match self.nodes.get(id.index()) {
            Some(Node::Str { text, .. }) if self.fast_str && !text.is_empty() => {
                self.save_str_fast(id, text);
                Ok(())
            }
            // Not in the memo (just looked): the node's own save, minus that lookup.
            Some(node) if !matches!(node, Node::Global(_)) => self.nested(|p| {
                p.depth += 1;
                let r = p.save_node_body(id, node);
                p.depth -= 1;
                r
            }),
            _ => self.save_node_checked(id),
        }
    }

    /// The general path of [`Self::save`] for a node: globals, missing nodes and the
    /// depth limit's error.
    #[inline(never)]
    fn save_node_checked(&mut self, id: NodeId) -> Result<()> {
        self.nested(|p| p.save_node_at_depth(id))
    }

    /// [`Self::save`] of a container's item: an int, the commonest item, and a node
    /// already in the memo (a GET) are saved inline (a call to `save` costs more than
    /// either).
    #[inline(always)]
    fn save_item(&mut self, v: Value) -> Result<()> {
        if let Value::Int(i) = v {
            self.out.opcode_boundary();
            self.save_i64(i);
            return Ok(());
        }
        if let Value::Node(id) = v
            && self.depth < self.max_depth
        {
            return self.save_node_in_depth(id);
        }
        if let Value::None = v {
            self.out.opcode_boundary();
            self.out.byte(op::NONE);
            return Ok(());
        }
        self.save(v)
    }

    /// [`Self::save`] of a node below the depth limit: its opcode boundary, then a GET
    /// when it is in the memo, else its own save.
    #[inline(always)]
    fn save_node_in_depth(&mut self, id: NodeId) -> Result<()> {
        self.out.opcode_boundary();
        if let Some(idx) = self.memo.node(id) {
            self.get(idx);
            return Ok(());
        }
        self.save_new_node(id)
    }

    /// [`Self::save_item`] of each of `items`, the depth limit checked once for all
    /// (saving an item returns to the same depth).
    #[inline(always)]
    fn save_items(&mut self, items: &[Value]) -> Result<()> {
        if self.depth >= self.max_depth {
            for &x in items {
                self.save_item(x)?;
            }
            return Ok(());
        }
        for &x in items {
            match x {
                Value::Int(i) => {
                    self.out.opcode_boundary();
                    self.save_i64(i);
                }
                Value::Node(id) => self.save_node_in_depth(id)?,
                _ => self.save_item(x)?,
            }
        }
        Ok(())
    }

    /// [`Self::save_item`] of a dict's value, where floats are as common as ints.
    #[inline(always)]
    fn save_dict_value(&mut self, v: Value) -> Result<()> {
        if let Value::Float(f) = v
            && self.proto >= 1
        {
            self.out.opcode_boundary();
            let [a, b, c, d, e, f, g, h] = f.to_be_bytes();
            self.out.write(&[op::BINFLOAT, a, b, c, d, e, f, g, h]);
            return Ok(());
        }
        self.save_item(v)
    }

    /// A non-empty str node that is not in the memo, with [`Self::fast_str`]: what
    /// `save_node` writes for it (the text opcode, then its memo entry), in one go.
    #[inline]
    fn save_str_fast(&mut self, id: NodeId, text: &Text) {
        let idx = self.next_memo;
        self.next_memo += 1;
        self.memo.set_node(id, idx);
        if self.proto < 4 {
            if let Some((window, n)) = text.inline_window() {
                return self.str_window_binunicode(idx, window, n);
            }
            return self.save_str_binunicode(idx, text.as_bytes());
        }
        if let Some((window, n)) = text.inline_window() {
            // SHORT_BINUNICODE, the length, the whole inline window and MEMOIZE put
            // together in a fixed-size record (MEMOIZE right after the text's bytes), which
            // is appended whole (one fixed-size move) and cut to its length.
            let mut rec = [0u8; TEXT_INLINE + 3];
            rec[0] = op::SHORT_BINUNICODE;
            rec[1] = n as u8;
            rec[2..2 + TEXT_INLINE].copy_from_slice(window);
            if let Some(m) = rec.get_mut(2 + n) {
                *m = op::MEMOIZE;
            }
            self.out.ready();
            let buf = &mut self.out.buf;
            let keep = buf.len() + 3 + n;
            buf.extend_from_slice(&rec);
            buf.truncate(keep);
            return;
        }
        let utf8 = text.as_bytes();
        let n = utf8.len();
        if n <= 0xff {
            self.out.ready();
            let buf = &mut self.out.buf;
            buf.reserve(n + 3);
            buf.extend_from_slice(&[op::SHORT_BINUNICODE, n as u8]);
            buf.extend_from_slice(utf8);
            buf.push(op::MEMOIZE);
            return;
        }
        self.write_str(utf8);
        self.out.byte(op::MEMOIZE);
    }

    /// [`Self::save_str_fast`] below protocol 4 of an inline text (`window[..n]`):
    /// BINUNICODE with the whole window appended (a fixed-size move) and cut to the
    /// text's length, then BINPUT/LONG_BINPUT.
    #[inline(always)]
    fn str_window_binunicode(&mut self, idx: u32, window: &[u8; TEXT_INLINE], n: usize) {
        self.out.ready();
        let buf = &mut self.out.buf;
        buf.reserve(TEXT_INLINE + 10);
        let keep = buf.len() + 5 + n;
        buf.extend_from_slice(&[op::BINUNICODE, n as u8, 0, 0, 0]);
        buf.extend_from_slice(window);
        buf.truncate(keep);
        if idx < 256 {
            buf.extend_from_slice(&[op::BINPUT, idx as u8]);
        } else {
            let [a, b, c, d] = idx.to_le_bytes();
            buf.extend_from_slice(&[op::LONG_BINPUT, a, b, c, d]);
        }
    }

    /// [`Self::save_str_fast`] below protocol 4: BINUNICODE (frames do not exist there)
    /// and its BINPUT/LONG_BINPUT.
    #[inline(never)]
    fn save_str_binunicode(&mut self, idx: u32, utf8: &[u8]) {
        let Ok(n) = u32::try_from(utf8.len()) else {
            self.write_str(utf8);
            self.memo_opcode(idx, op::BINPUT, op::LONG_BINPUT, op::PUT);
            return;
        };
        let [a, b, c, d] = n.to_le_bytes();
        self.out.ready();
        let buf = &mut self.out.buf;
        buf.reserve(utf8.len() + 10);
        buf.extend_from_slice(&[op::BINUNICODE, a, b, c, d]);
        buf.extend_from_slice(utf8);
        if idx < 256 {
            buf.extend_from_slice(&[op::BINPUT, idx as u8]);
        } else {
            let [a, b, c, d] = idx.to_le_bytes();
            buf.extend_from_slice(&[op::LONG_BINPUT, a, b, c, d]);
        }
    }

    fn save_node_at_depth(&mut self, id: NodeId) -> Result<()> {
        self.enter()?;
        let r = self.save_node(id);
        self.depth -= 1;
        r
    }

    #[inline]
    fn save_value(&mut self, v: Value) -> Result<()> {
        match v {
            Value::None => self.out.byte(op::NONE),
            Value::Bool(b) => self.save_bool(b),
            Value::Int(i) => self.save_i64(i),
            Value::Float(f) => self.save_float(f),
            Value::Node(id) => return self.save_node(id),
        }
        Ok(())
    }

    fn save_syn(&mut self, s: &Syn<'_>) -> Result<()> {
        match s {
            Syn::V(v) => self.save(*v),
            other => self.nested(|p| {
                p.enter()?;
                let r = p.save_syn_inner(other);
                p.depth -= 1;
                r
            }),
        }
    }

    fn save_syn_inner(&mut self, s: &Syn<'_>) -> Result<()> {
        match s {
            Syn::V(v) => self.save_value(*v),
            Syn::FreshStr(t) => {
                let key = singleton_key(t);
                if let Some(k) = &key
                    && self.memo_get(k)
                {
                    return Ok(());
                }
                self.write_str(t);
                self.memoize(key);
                Ok(())
            }
            Syn::Interned(s) => {
                let key = Key::Interned(s);
                if self.memo_get(&key) {
                    return Ok(());
                }
                self.write_str(s.as_bytes());
                self.memoize(Some(key));
                Ok(())
            }
            Syn::Global(m, n) => self.save_global(m, n),
            Syn::GlobalForm(m, n, f) => self.save_global_form(m, n, *f),
            Syn::List(items) => {
                self.empty_list();
                self.memoize(None);
                if self.py2() {
                    self.batch_items(items)
                } else {
                    self.batch_list_exact(items)
                }
            }
            Syn::Tuple(items) => self.save_args_tuple(items),
            Syn::Bytes(b) => self.save_bytes_payload(Data::Made(b), None),
            Syn::Py2Str(b) => {
                self.save_py2_str(b, None);
                Ok(())
            }
        }
    }

    #[inline]
    fn save_bool(&mut self, b: bool) {
        if self.proto >= 2 {
            self.out.byte(if b { op::NEWTRUE } else { op::NEWFALSE });
        } else {
            self.text_op(op::INT, if b { "01\n" } else { "00\n" });
        }
    }

    #[inline(always)]
    fn save_i64(&mut self, v: i64) {
        if self.proto >= 1 {
            // As `int_run`: BININT1 (0..256), BININT2 (..65536), else BININT (any i32).
            if (v as u64) < 0x100 {
                self.out.write(&[op::BININT1, v as u8]);
                return;
            } else if (v as u64) < 0x1_0000 {
                self.out.write(&[op::BININT2, v as u8, (v >> 8) as u8]);
                return;
            } else if let Ok(small) = i32::try_from(v) {
                let [a, b, c, d] = small.to_le_bytes();
                self.out.write(&[op::BININT, a, b, c, d]);
                return;
            }
        }
        self.save_i64_text_or_long(v);
    }

    /// Ints that are not BININT/BININT1/BININT2: protocol-0 text, Python 2 INT text,
    /// and LONG1/LONG4 beyond 32 bits.
    #[cold]
    fn save_i64_text_or_long(&mut self, v: i64) {
        if i32::try_from(v).is_ok() {
            if self.opts.profile == Profile::Py30To36 {
                self.text_op(op::LONG, &format!("{v}L\n"));
            } else {
                self.text_op(op::INT, &format!("{v}\n"));
            }
            return;
        }
        if self.py2() {
            // A Python 2 int outside int32 (64-bit builds): INT text at every protocol.
            self.text_op(op::INT, &format!("{v}\n"));
            return;
        }
        if self.proto >= 2 {
            // LONG1 of the fewest little-endian two's-complement bytes (what
            // `save_long`'s `to_signed_bytes_le` gives), without a BigInt.
            let (n, bytes) = i64_le_minimal(v);
            self.out.write(&[op::LONG1, n as u8]);
            self.out.write(bytes.get(..n).unwrap_or(&bytes));
            return;
        }
        self.save_long(&BigInt::from(v));
    }

    fn py2(&self) -> bool {
        self.opts.profile == Profile::Py27
    }

    fn save_long(&mut self, v: &BigInt) {
        if !self.py2()
            && let Ok(small) = i64::try_from(v)
            && i32::try_from(small).is_ok()
        {
            return self.save_i64(small);
        }
        if self.proto >= 2 {
            let mut data = v.to_signed_bytes_le();
            // CPython: nbits/8 + 1 bytes, one fewer for a negative value whose top byte is
            // 0xff over a byte with its high bit set. to_signed_bytes_le is already minimal.
            // Python 2's encode_long writes 0 as no bytes at all.
            if data == [0] && self.py2() {
                data.clear();
            }
            if data.is_empty() && !self.py2() {
                data.push(0);
            }
            if data.len() < 256 {
                self.out.write(&[op::LONG1, data.len() as u8]);
            } else {
                self.out.byte(op::LONG4);
                self.out.write(&(data.len() as i32).to_le_bytes());
            }
            self.out.write(&data);
        } else {
            self.text_op(op::LONG, &format!("{v}L\n"));
        }
    }

    fn save_float(&mut self, f: f64) {
        if self.proto >= 1 {
            self.out.byte(op::BINFLOAT);
            self.out.write(&f.to_be_bytes());
        } else {
            self.text_op(op::FLOAT, &format!("{}\n", py_float_repr(f)));
        }
    }

    /// The text opcode of a str, without memoizing it.
    fn write_str(&mut self, utf8: &[u8]) {
        if self.proto == 0 {
            let legacy = matches!(self.opts.profile, Profile::Py30To36 | Profile::Py27);
            let t = Text::from_surrogatepass(utf8).unwrap_or_else(|| Text::new(""));
            let mut out = Vec::with_capacity(utf8.len() + 2);
            out.push(op::UNICODE);
            for cp in t.code_points() {
                let escape = cp >= 256
                    || cp == u32::from(b'\\')
                    || cp == u32::from(b'\n')
                    || (!legacy && (cp == 0 || cp == u32::from(b'\r') || cp == 0x1a));
                if cp >= 0x10000 {
                    out.extend_from_slice(format!("\\U{cp:08x}").as_bytes());
                } else if escape {
                    out.extend_from_slice(format!("\\u{cp:04x}").as_bytes());
                } else {
                    out.push(cp as u8);
                }
            }
            out.push(b'\n');
            self.out.write(&out);
            return;
        }
        let short = (self.proto >= 4).then_some(op::SHORT_BINUNICODE);
        self.write_sized(Data::Made(utf8), short, op::BINUNICODE, op::BINUNICODE8);
    }

    /// A length-prefixed payload: the one-byte-length opcode when there is one and the
    /// payload fits, else the four-byte one, else the eight-byte one.
    fn write_sized(&mut self, data: Data<'_, 'g>, short: Option<u8>, op4: u8, op8: u8) {
        let n = data.as_slice().len();
        match short {
            Some(short) if n <= 0xff => {
                self.out.write(&[short, n as u8]);
                self.out.write(data.as_slice());
            }
            _ if n <= 0xffff_ffff => {
                let [a, b, c, d] = (n as u32).to_le_bytes();
                self.write_large(&[op4, a, b, c, d], data);
            }
            _ => {
                let mut h = [op8; 9];
                h[1..].copy_from_slice(&(n as u64).to_le_bytes());
                self.write_large(&h, data);
            }
        }
    }

    /// [`Writer::write_large`], or for the graph's own payloads
    /// [`Writer::write_large_graph`].
    #[inline(always)]
    fn write_large(&mut self, header: &[u8], data: Data<'_, 'g>) {
        match data {
            Data::Graph(d) => self.out.write_large_graph(header, d),
            Data::Made(d) => self.out.write_large(header, d),
        }
    }

    fn empty_list(&mut self) {
        if self.proto >= 1 {
            self.out.byte(op::EMPTY_LIST);
        } else {
            self.out.write(&[op::MARK, op::LIST]);
        }
    }

    fn empty_dict(&mut self) {
        if self.proto >= 1 {
            self.out.byte(op::EMPTY_DICT);
        } else {
            self.out.write(&[op::MARK, op::DICT]);
        }
    }

    fn empty_tuple(&mut self) {
        if self.proto >= 1 {
            self.out.byte(op::EMPTY_TUPLE);
        } else {
            self.out.write(&[op::MARK, op::TUPLE]);
        }
    }

    fn tuple_opcode(&mut self, n: usize) {
        match (self.proto >= 2, n) {
            (true, 1) => self.out.byte(op::TUPLE1),
            (true, 2) => self.out.byte(op::TUPLE2),
            (true, 3) => self.out.byte(op::TUPLE3),
            _ => self.out.byte(op::TUPLE),
        }
    }

    fn save_node(&mut self, id: NodeId) -> Result<()> {
        let node = self.node(id)?;
        if let Node::Global(gl) = node {
            if let Some(orig) = &gl.py2_name
                && self.proto < 3
                && self.opts.fix_imports
            {
                self.py2_names
                    .insert((gl.module.clone(), gl.name.clone()), (**orig).clone());
                return self.save_global_form(&gl.module, &gl.name, gl.form);
            }
            // A class is one object per name, memoized by name; the node's id now finds
            // that entry too, so its next save is a GET without a lookup by name.
            if let Some(idx) = self.save_global_memo(&gl.module, &gl.name, gl.form)? {
                self.memo.set_node(id, idx);
            }
            return Ok(());
        }
        if self.memo_get(&Key::Node(id)) {
            return Ok(());
        }
        self.save_node_body(id, node)
    }

    /// [`Self::save_node`] of a node that is not a global and not in the memo.
    fn save_node_body(&mut self, id: NodeId, node: &'g Node) -> Result<()> {
        // CPython's empty and one-character Latin-1 strs are singletons: one object,
        // one memo entry, however many places hold them.
        if let Node::Str { text, .. } = node
            && text.is_empty()
            && let Some(k) = singleton_key(text.as_bytes())
            && let Some(idx) = self.memo.get(&k)
        {
            self.memo.insert(Key::Node(id), idx);
            self.get(idx);
            return Ok(());
        }
        match node {
            Node::Int(b) => self.save_long(b),
            Node::Str { text, py2: true } if self.py2() => {
                let raw = text::text_to_latin1(text).unwrap_or_else(|| text.as_bytes().to_vec());
                self.save_py2_str(&raw, Some(id));
            }
            Node::Bytes { data, .. } if self.py2() => self.save_py2_str(data, Some(id)),
            Node::List(items) if self.py2() => {
                self.empty_list();
                self.memoize(Some(Key::Node(id)));
                self.batch_items(items)?;
            }
            Node::Dict(pairs) if self.py2() => {
                self.empty_dict();
                self.memoize(Some(Key::Node(id)));
                self.batch_dictitems(pairs)?;
            }
            Node::Str { text, .. } => {
                let utf8 = text.as_bytes();
                self.write_str(utf8);
                self.memoize(Some(Key::Node(id)));
                if let Some(k) = singleton_key(utf8) {
                    let idx = self.next_memo - 1;
                    self.memo.insert_new(k, idx);
                }
            }
            Node::Bytes { data, .. } => self.save_bytes_payload(Data::Graph(data), Some(id))?,
            Node::ByteArray(b) => self.save_bytearray(b, id)?,
            Node::List(items) => {
                self.empty_list();
                self.memoize_node(id);
                self.batch_list_exact(items)?;
            }
            Node::Tuple(items) => self.save_tuple(items, id)?,
            Node::Dict(pairs) => {
                self.empty_dict();
                self.memoize_node(id);
                self.batch_dict_exact(pairs)?;
            }
            Node::Set(items) => {
                if self.proto >= 4 {
                    self.out.byte(op::EMPTY_SET);
                    self.memoize(Some(Key::Node(id)));
                    self.batch_set(items)?;
                } else {
                    let args = [Syn::List(items.clone())];
                    self.save_reduce_syn(Syn::Global("builtins", "set"), &args, id)?;
                }
            }
            Node::FrozenSet(items) => {
                if self.proto >= 4 {
                    self.out.byte(op::MARK);
                    for &x in items {
                        self.save(x)?;
                    }
                    if let Some(idx) = self.memo.get(&Key::Node(id)) {
                        self.out.byte(op::POP_MARK);
                        self.get(idx);
                        return Ok(());
                    }
                    self.out.byte(op::FROZENSET);
                    self.memoize(Some(Key::Node(id)));
                } else {
                    let args = [Syn::List(items.clone())];
                    self.save_reduce_syn(Syn::Global("builtins", "frozenset"), &args, id)?;
                }
            }
            Node::Global(_) => unreachable!("handled above"),
            Node::Object(o) => self.save_object(o, id)?,
            Node::Reduce(r) => self.save_reduce_node(r, id)?,
            Node::PersId(pid) => self.save_persid(*pid)?,
            Node::Buffer { readonly, data, .. } => {
                if self.proto < 5 {
                    return Err(unpicklable("out-of-band buffers need protocol 5"));
                }
                let data = data
                    .as_ref()
                    .ok_or_else(|| unpicklable("out-of-band buffer without contents"))?;
                self.oob.push(data.to_vec());
                self.out.byte(op::NEXT_BUFFER);
                if *readonly {
                    self.out.byte(op::READONLY_BUFFER);
                }
            }
        }
        Ok(())
    }

    fn save_persid(&mut self, pid: Value) -> Result<()> {
        if self.proto == 0 {
            let s = match self.g.deref(pid) {
                Some(Node::Str { text, .. }) => {
                    text.as_str().filter(|s| s.is_ascii() && !s.contains('\n'))
                }
                _ => None,
            };
            let s =
                s.ok_or_else(|| unpicklable("persistent IDs in protocol 0 must be ASCII strings"))?;
            self.text_op(op::PERSID, &format!("{s}\n"));
            return Ok(());
        }
        self.save(pid)?;
        self.out.byte(op::BINPERSID);
        Ok(())
    }

    fn save_bytes_payload(&mut self, payload: Data<'_, 'g>, id: Option<NodeId>) -> Result<()> {
        if self.proto >= 3 {
            self.write_sized(
                payload,
                Some(op::SHORT_BINBYTES),
                op::BINBYTES,
                op::BINBYTES8,
            );
            self.memoize(id.map(Key::Node));
            return Ok(());
        }
        // Protocols 0-2 have no bytes opcode: CPython writes a reduce.
        let data = payload.as_slice();
        if data.is_empty() {
            self.save_reduce_parts(&Syn::Global("builtins", "bytes"), &[], id)
        } else {
            // The loaded str object when the graph kept it (its sharing is part of the
            // stream), else a fresh one.
            // A loaded graph nobody changed holds the pairs as the loader made them: the
            // check (a pass over both payloads) is only needed after `node_mut`.
            let intact = self.g.latin1_sources_intact();
            let source =
                id.and_then(|b| self.g.latin1_source(b))
                    .filter(|&src| match self.g.get(src) {
                        Some(Node::Str { text, .. }) if intact => {
                            debug_assert!(text::is_latin1_text_of(text.as_bytes(), data));
                            true
                        }
                        Some(Node::Str { text, .. }) => {
                            text::is_latin1_text_of(text.as_bytes(), data)
                        }
                        _ => false,
                    });
            let text = match source {
                Some(src) => Syn::V(Value::Node(src)),
                None => Syn::FreshStr(text::latin1_to_text(data)),
            };
            let args = [text, Syn::Interned("latin1")];
            self.save_reduce_parts(&Syn::Global("_codecs", "encode"), &args, id)
        }
    }

    /// A Python 2 `str`: STRING (repr-quoted) at protocol 0, SHORT_BINSTRING/BINSTRING above.
    fn save_py2_str(&mut self, raw: &[u8], id: Option<NodeId>) {
        let key = if raw.is_empty() {
            Some(Key::Interned("\u{0}empty-py2-str"))
        } else {
            None
        };
        if let Some(k) = &key
            && self.memo_get(k)
        {
            if let Some(id) = id
                && let Some(idx) = self.memo.get(k)
            {
                self.memo.insert(Key::Node(id), idx);
            }
            return;
        }
        if self.proto >= 1 {
            if raw.len() < 256 {
                self.out.write(&[op::SHORT_BINSTRING, raw.len() as u8]);
            } else {
                self.out.byte(op::BINSTRING);
                self.out.write(&(raw.len() as u32).to_le_bytes());
            }
            self.out.write(raw);
        } else {
            let mut line = vec![op::STRING];
            // Python 2's repr() of a str is Python 3's repr() of bytes without the `b`.
            line.extend_from_slice(&text::py_repr_bytes(raw).as_bytes()[1..]);
            line.push(b'\n');
            self.out.write(&line);
        }
        self.memoize(id.map(Key::Node));
        if let Some(k) = key {
            let idx = self.next_memo - 1;
            self.memo.insert_new(k, idx);
        }
    }

    fn save_bytearray(&mut self, b: &'g [u8], id: NodeId) -> Result<()> {
        if self.py2() {
            // bytearray.__reduce__ on 2.7: (bytearray, (unicode_latin1, 'latin-1'), None)
            let args = [
                Syn::FreshStr(text::latin1_to_text(b)),
                Syn::Py2Str(b"latin-1".to_vec()),
            ];
            return self.save_reduce_parts(&Syn::Global("builtins", "bytearray"), &args, Some(id));
        }
        if self.proto >= 5 {
            let mut h = [op::BYTEARRAY8; 9];
            h[1..].copy_from_slice(&(b.len() as u64).to_le_bytes());
            self.out.write_large_graph(&h, b);
            self.memoize(Some(Key::Node(id)));
            return Ok(());
        }
        let legacy = matches!(self.opts.profile, Profile::Py30To36 | Profile::Py37);
        if legacy && self.proto < 3 {
            // bytearray.__reduce_ex__(proto < 3): (bytearray, (latin1_str, 'latin-1'), None)
            let args = [
                Syn::FreshStr(text::latin1_to_text(b)),
                Syn::FreshStr(b"latin-1".to_vec()),
            ];
            return self.save_reduce_parts(&Syn::Global("builtins", "bytearray"), &args, Some(id));
        }
        if b.is_empty() {
            return self.save_reduce_parts(&Syn::Global("builtins", "bytearray"), &[], Some(id));
        }
        let args = [Syn::Bytes(b.to_vec())];
        self.save_reduce_parts(&Syn::Global("builtins", "bytearray"), &args, Some(id))
    }

    fn save_tuple(&mut self, items: &[Value], id: NodeId) -> Result<()> {
        let n = items.len();
        if n == 0 {
            self.empty_tuple();
            return Ok(());
        }
        let small = self.proto >= 2 && n <= 3;
        if !small {
            self.out.byte(op::MARK);
        }
        self.save_items(items)?;
        if let Some(idx) = self.memo.node(id) {
            // Reached again through its own items: throw away what was pushed.
            if small {
                for _ in 0..n {
                    self.out.byte(op::POP);
                }
            } else if self.proto >= 1 {
                self.out.byte(op::POP_MARK);
            } else {
                for _ in 0..=n {
                    self.out.byte(op::POP);
                }
            }
            self.get(idx);
            return Ok(());
        }
        // TUPLE1-3 for the small ones (protocol >= 2), else TUPLE after the MARK.
        let close = match n {
            1 if small => op::TUPLE1,
            2 if small => op::TUPLE2,
            3 if small => op::TUPLE3,
            _ => op::TUPLE,
        };
        self.out.byte(close);
        self.memoize_node(id);
        Ok(())
    }

    fn batch_list_exact(&mut self, items: &[Value]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        if self.proto == 0 {
            for &x in items {
                self.save(x)?;
                self.out.byte(op::APPEND);
            }
            return Ok(());
        }
        if items.len() == 1 {
            self.save(items[0])?;
            self.out.byte(op::APPEND);
            return Ok(());
        }
        for chunk in items.chunks(BATCHSIZE) {
            self.marked(chunk, op::APPENDS)?;
        }
        Ok(())
    }

    /// `MARK items… close`: one APPENDS or ADDITEMS batch.
    fn marked(&mut self, items: &[Value], close: u8) -> Result<()> {
        self.out.byte(op::MARK);
        if self.proto == 0 || self.depth >= self.max_depth {
            for &x in items {
                self.save_item(x)?;
            }
            self.out.byte(close);
            return Ok(());
        }
        // As `save_items`, the depth limit checked once, and runs of ints in one go.
        let mut rest = items;
        while let Some((&x, tail)) = rest.split_first() {
            match x {
                Value::Int(i) => {
                    self.out.opcode_boundary();
                    self.save_i64(i);
                    // The ints that follow, in one run.
                    let n = self.int_run(tail);
                    rest = tail.get(n..).unwrap_or_default();
                    continue;
                }
                Value::Node(id) => self.save_node_in_depth(id)?,
                _ => self.save_item(x)?,
            }
            rest = tail;
        }
        self.out.byte(close);
        Ok(())
    }

    /// The BININT-family ints that start `items` (protocol >= 1), written without a
    /// boundary check each: as many as surely start before the open frame's limit (each
    /// is at most five bytes), so the checks skipped would have found nothing to commit.
    /// Returns how many were written (up to an item that is not an int, an int beyond 32
    /// bits, or the end of the run).
    fn int_run(&mut self, items: &[Value]) -> usize {
        self.out.opcode_boundary();
        self.out.ready();
        let count = ((self.out.room() - 1) / 5 + 1).min(items.len());
        let buf = &mut self.out.buf;
        buf.reserve(5 * count);
        for (i, &x) in items[..count].iter().enumerate() {
            let Value::Int(v) = x else {
                return i;
            };
            // One unsigned compare settles the commonest, BININT1 (0..256), then BININT2.
            if (v as u64) < 0x100 {
                buf.extend_from_slice(&[op::BININT1, v as u8]);
            } else if (v as u64) < 0x1_0000 {
                buf.extend_from_slice(&[op::BININT2, v as u8, (v >> 8) as u8]);
            } else if let Ok(small) = i32::try_from(v) {
                let [a, b, c, d] = small.to_le_bytes();
                buf.extend_from_slice(&[op::BININT, a, b, c, d]);
            } else {
                return i;
            }
        }
        count
    }

    fn batch_dict_exact(&mut self, pairs: &[(Value, Value)]) -> Result<()> {
        if pairs.is_empty() {
            return Ok(());
        }
        if self.proto == 0 {
            for &(k, v) in pairs {
                self.save(k)?;
                self.save(v)?;
                self.out.byte(op::SETITEM);
            }
            return Ok(());
        }
        if pairs.len() == 1 {
            self.save(pairs[0].0)?;
            self.save(pairs[0].1)?;
            self.out.byte(op::SETITEM);
            return Ok(());
        }
        // A do-while that goes on while a batch was full: a size that is a multiple of
        // 1000 ends with an empty MARK SETITEMS.
        let mut rest = pairs;
        loop {
            let take = rest.len().min(BATCHSIZE);
            self.out.byte(op::MARK);
            for &(k, v) in &rest[..take] {
                self.save_item(k)?;
                self.save_dict_value(v)?;
            }
            self.out.byte(op::SETITEMS);
            rest = &rest[take..];
            if take < BATCHSIZE {
                return Ok(());
            }
        }
    }

    fn batch_set(&mut self, items: &[Value]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let mut rest = items;
        loop {
            let take = rest.len().min(BATCHSIZE);
            self.marked(&rest[..take], op::ADDITEMS)?;
            rest = &rest[take..];
            if take < BATCHSIZE {
                return Ok(());
            }
        }
    }

    /// Items of a reduce or instance (an iterator in CPython): batches of 1000, a batch of
    /// one written as a single APPEND, no empty batch.
    fn batch_items(&mut self, items: &[Value]) -> Result<()> {
        if self.proto == 0 {
            for &x in items {
                self.save(x)?;
                self.out.byte(op::APPEND);
            }
            return Ok(());
        }
        for chunk in items.chunks(BATCHSIZE) {
            if chunk.len() == 1 {
                self.save(chunk[0])?;
                self.out.byte(op::APPEND);
            } else {
                self.marked(chunk, op::APPENDS)?;
            }
        }
        Ok(())
    }

    fn batch_dictitems(&mut self, pairs: &[(Value, Value)]) -> Result<()> {
        if self.proto == 0 {
            for &(k, v) in pairs {
                self.save(k)?;
                self.save(v)?;
                self.out.byte(op::SETITEM);
            }
            return Ok(());
        }
        for chunk in pairs.chunks(BATCHSIZE) {
            if chunk.len() == 1 {
                self.save(chunk[0].0)?;
                self.save(chunk[0].1)?;
                self.out.byte(op::SETITEM);
            } else {
                self.out.byte(op::MARK);
                for &(k, v) in chunk {
                    self.save(k)?;
                    self.save(v)?;
                }
                self.out.byte(op::SETITEMS);
            }
        }
        Ok(())
    }

    // ----- globals --------------------------------------------------------------------

    fn save_global(&mut self, module: &str, name: &str) -> Result<()> {
        self.save_global_form(module, name, GlobalForm::Name)
    }

    fn save_global_form(&mut self, module: &str, name: &str, form: GlobalForm) -> Result<()> {
        self.save_global_memo(module, name, form).map(drop)
    }

    /// [`Self::save_global_form`], giving the global's memo index (`None` for an
    /// extension code, which is not memoized).
    fn save_global_memo(
        &mut self,
        module: &str,
        name: &str,
        form: GlobalForm,
    ) -> Result<Option<u32>> {
        if let Some(idx) = self.memo.get_global(module, name) {
            self.get(idx);
            return Ok(Some(idx));
        }
        let key = Key::Global(module, name);
        if self.proto >= 2
            && !self.opts.extensions.is_empty()
            && let Some(&code) = self
                .opts
                .extensions
                .get(&(module.to_owned(), name.to_owned()))
        {
            if code <= 0xff {
                self.out.write(&[op::EXT1, code as u8]);
            } else if code <= 0xffff {
                self.out.write(&[op::EXT2, code as u8, (code >> 8) as u8]);
            } else {
                self.out.byte(op::EXT4);
                self.out.write(&code.to_le_bytes());
            }
            return Ok(None);
        }
        if form == GlobalForm::Getattr
            && self.proto >= 4
            && let Some((parent, last)) = name.rsplit_once('.')
        {
            // getattr(parent, 'last') with a memoized tuple: a bound method's reduction,
            // which CPython writes as a reduce at every protocol.
            return self
                .save_nested_global(module, parent, last, key, false)
                .map(Some);
        }
        if self.proto >= 4 {
            match form {
                GlobalForm::Stack { module: m, name: n } => {
                    self.save(Value::Node(m))?;
                    // Globals the loader folded away (a getattr's parent) had their module
                    // str from the same place: let them find it.
                    if let Some(idx) = self.memo.get(&Key::Node(m)) {
                        self.memo.insert_new(Key::Interned(module), idx);
                    }
                    self.save(Value::Node(n))?;
                }
                _ => {
                    // The module str of classes from one module is one object (their
                    // __module__); the qualname is the class's own.
                    self.save_syn(&Syn::Interned(module))?;
                    self.save_syn(&Syn::FreshStr(name.as_bytes().to_vec()))?;
                }
            }
            self.out.byte(op::STACK_GLOBAL);
            return Ok(Some(self.memoize(Some(key))));
        }
        if let Some((parent, last)) = name.rsplit_once('.') {
            let chain = match form {
                GlobalForm::GetattrChain => true,
                GlobalForm::Getattr => false,
                _ => self.opts.profile == Profile::Py313,
            };
            return self
                .save_nested_global(module, parent, last, key, chain)
                .map(Some);
        }
        self.write_global_opcode(module, name)?;
        Ok(Some(self.memoize(Some(key))))
    }

    /// `GLOBAL module\nname\n`, names mapped to Python 2 at protocols 0–2.
    fn write_global_opcode(&mut self, module: &str, name: &str) -> Result<()> {
        let kept = if self.py2_names.is_empty() {
            None
        } else {
            self.py2_names.remove(&(module.to_owned(), name.to_owned()))
        };
        let (m, n) = match &kept {
            Some((m, n)) => (m.as_str(), n.as_str()),
            None if self.proto < 3 && self.opts.fix_imports => py3_to_py2(module, name),
            None => (module, name),
        };
        if m.contains('\n') || n.contains('\n') || m.is_empty() || n.is_empty() {
            return Err(unpicklable(format!(
                "can't pickle global {module:?}.{name:?}: not a valid name"
            )));
        }
        if self.proto < 3 && !(m.is_ascii() && n.is_ascii()) {
            return Err(unpicklable(format!(
                "can't pickle global identifier '{module}.{name}' using pickle protocol {}",
                self.proto
            )));
        }
        // GLOBAL, then `module\nname\n`, written in place.
        self.out.byte(op::GLOBAL);
        self.out.write(m.as_bytes());
        self.out.byte(b'\n');
        self.out.write(n.as_bytes());
        self.out.byte(b'\n');
        Ok(())
    }

    /// A dotted qualname at protocols 0–3: `getattr(parent, last)`.
    fn save_nested_global(
        &mut self,
        module: &str,
        parent: &str,
        last: &str,
        key: Key<'_>,
        chain: bool,
    ) -> Result<u32> {
        if chain {
            // 3.13: getattr once per component (each followed by MARK at protocols 0-1),
            // the top-level GLOBAL unmemoized, then per component its name str, a tuple
            // and REDUCE; only the result is memoized.
            let parts: Vec<&str> = parent.split('.').chain(std::iter::once(last)).collect();
            for _ in 1..parts.len() {
                self.save_global("builtins", "getattr")?;
                if self.proto < 2 {
                    self.out.byte(op::MARK);
                }
            }
            self.write_global_opcode(module, parts[0])?;
            for part in &parts[1..] {
                self.save_syn(&Syn::FreshStr(part.as_bytes().to_vec()))?;
                if self.proto < 2 {
                    self.out.byte(op::TUPLE);
                } else {
                    self.out.byte(op::TUPLE2);
                }
                self.out.byte(op::REDUCE);
            }
            return Ok(self.memoize(Some(key)));
        }
        let parent_form = if parent.contains('.') {
            GlobalForm::Getattr
        } else {
            GlobalForm::Name
        };
        self.save_syn(&Syn::Global("builtins", "getattr"))?;
        let args = [
            Syn::GlobalForm(module, parent, parent_form),
            Syn::FreshStr(last.as_bytes().to_vec()),
        ];
        self.save_args_tuple(&args)?;
        self.out.byte(op::REDUCE);
        Ok(self.memoize(Some(key)))
    }

    // ----- reduce ---------------------------------------------------------------------

    /// `save_reduce(callable, args)` for a reduction CPython builds itself (bytes, set,
    /// frozenset, bytearray at low protocols); `id` is the object it stands for.
    fn save_reduce_parts(
        &mut self,
        callable: &Syn<'_>,
        args: &[Syn<'_>],
        id: Option<NodeId>,
    ) -> Result<()> {
        self.save_reduce_parts_key(callable, args, id.map(Key::Node))
    }

    fn save_reduce_parts_key(
        &mut self,
        callable: &Syn<'_>,
        args: &[Syn<'_>],
        key: Option<Key<'_>>,
    ) -> Result<()> {
        self.save_syn(callable)?;
        self.save_args_tuple(args)?;
        self.out.byte(op::REDUCE);
        self.memoize_result(key);
        Ok(())
    }

    /// After a REDUCE/NEWOBJ: if the object got memoized while its callable or arguments
    /// were written (it reached itself), drop the new one and fetch the memo copy (POP +
    /// GET) and report `false`; else memoize it and report `true`.
    fn memoize_result(&mut self, key: Option<Key<'_>>) -> bool {
        if let Some(Key::Node(id)) = key {
            // The common case (a node's own reduction), without the general key's match.
            if let Some(idx) = self.memo.node(id) {
                self.out.byte(op::POP);
                self.get(idx);
                return false;
            }
            self.memoize_node(id);
            return true;
        }
        if let Some(k) = &key
            && let Some(idx) = self.memo.get(k)
        {
            self.out.byte(op::POP);
            self.get(idx);
            return false;
        }
        self.memoize(key);
        true
    }

    fn save_reduce_syn(&mut self, callable: Syn<'_>, args: &[Syn<'_>], id: NodeId) -> Result<()> {
        self.save_reduce_parts(&callable, args, Some(id))
    }

    /// A fresh argument tuple (memoized unless empty, never looked up). CPython writes it
    /// with `save()`, so it starts at an opcode boundary.
    fn save_args_tuple(&mut self, args: &[Syn<'_>]) -> Result<()> {
        self.out.opcode_boundary();
        if args.is_empty() {
            self.empty_tuple();
            return Ok(());
        }
        let small = self.proto >= 2 && args.len() <= 3;
        if !small {
            self.out.byte(op::MARK);
        }
        for a in args {
            self.save_syn(a)?;
        }
        self.tuple_opcode(args.len());
        self.memoize(None);
        Ok(())
    }

    fn tuple_items(&self, v: Option<Value>) -> Result<&'g [Value]> {
        let g: &'g Graph = self.g;
        match v {
            None => Ok(&[]),
            Some(v) => g
                .as_tuple(v)
                .ok_or_else(|| unpicklable("arguments must be a tuple")),
        }
    }

    /// A Python 2 old-style instance: MARK, then `cls args… OBJ` (protocol ≥ 1) or
    /// `args… INST module name` (protocol 0); memoized; then its state and BUILD.
    fn save_inst(
        &mut self,
        class: Value,
        args: &[Value],
        state: Option<Value>,
        id: NodeId,
    ) -> Result<()> {
        if !args.is_empty() && !self.kept_alive {
            // pickle.py's _keep_alive(args, memo) takes a memo slot the first time.
            self.kept_alive = true;
            self.next_memo += 1;
        }
        self.out.byte(op::MARK);
        if self.proto >= 1 {
            self.save(class)?;
            for &a in args {
                self.save(a)?;
            }
            self.out.byte(op::OBJ);
        } else {
            for &a in args {
                self.save(a)?;
            }
            let g = self
                .g
                .as_global(class)
                .ok_or_else(|| unpicklable("INST needs a class given by name"))?;
            let (m, n) = match &g.py2_name {
                Some(orig) => (orig.0.as_str(), orig.1.as_str()),
                None => py3_to_py2(&g.module, &g.name),
            };
            self.text_op(op::INST, &format!("{m}\n{n}\n"));
        }
        self.memoize(Some(Key::Node(id)));
        if let Some(st) = state {
            self.save(st)?;
            self.out.byte(op::BUILD);
        }
        Ok(())
    }

    fn save_object(&mut self, o: &'g Object, id: NodeId) -> Result<()> {
        if self.py2() && matches!(o.form, ObjectForm::Inst | ObjectForm::Obj) {
            return self.save_inst(o.class, &[], o.state, id);
        }
        let has_kwargs = match o.kwargs.and_then(|k| self.g.deref(k)) {
            Some(Node::Dict(d)) => !d.is_empty() || o.form == ObjectForm::NewObjEx,
            _ => false,
        };
        if self.proto >= 2 {
            if has_kwargs && self.proto >= 4 {
                self.save(o.class)?;
                self.save_fresh_args(o.args)?;
                match o.kwargs {
                    Some(k) => self.save(k)?,
                    None => {
                        // save(kwargs) of a fresh empty dict.
                        self.out.opcode_boundary();
                        self.out.byte(op::EMPTY_DICT);
                        self.memoize(None);
                    }
                }
                self.out.byte(op::NEWOBJ_EX);
            } else if has_kwargs {
                self.save_partial_newobj_ex(o)?;
            } else {
                self.save(o.class)?;
                self.save_fresh_args(o.args)?;
                self.out.byte(op::NEWOBJ);
            }
        } else {
            // copyreg._reconstructor(cls, object, None)
            let args = [
                Syn::V(o.class),
                Syn::Global("builtins", "object"),
                Syn::V(Value::None),
            ];
            self.save_syn(&Syn::Global("copyreg", "_reconstructor"))?;
            self.save_args_tuple(&args)?;
            self.out.byte(op::REDUCE);
        }
        if !self.memoize_result(Some(Key::Node(id))) {
            return Ok(());
        }
        self.save_tail(&o.items, &o.dictitems, o.state, o.setter, id)
    }

    /// A reduction's argument tuple. CPython builds it afresh on every `__reduce__` call,
    /// so it is never found in the memo while being written (a reduction reached again
    /// through its own arguments writes a second tuple); but a tuple node that was already
    /// written elsewhere is the same object, and a GET.
    ///
    /// CPython writes it with `save()` (`save_reduce`: `save(argtup)`; for NEWOBJ the slice
    /// `argtup[1:]`, for NEWOBJ_EX `args`), so it starts at an opcode boundary like every
    /// `save()`, whether it is then written as EMPTY_TUPLE, fetched with a GET or built.
    fn save_fresh_args(&mut self, args: Option<Value>) -> Result<()> {
        self.out.opcode_boundary();
        let Some(args) = args else {
            self.empty_tuple();
            return Ok(());
        };
        let Value::Node(tid) = args else {
            return self.save(args);
        };
        let items = self.tuple_items(Some(args))?;
        if items.is_empty() {
            self.empty_tuple();
            return Ok(());
        }
        if self.memo_get(&Key::Node(tid)) {
            return Ok(());
        }
        self.nested(|p| {
            p.enter()?;
            let small = p.proto >= 2 && items.len() <= 3;
            if !small {
                p.out.byte(op::MARK);
            }
            for &x in items {
                p.save(x)?;
            }
            p.tuple_opcode(items.len());
            let key = (!p.memo.contains_key(&Key::Node(tid))).then_some(Key::Node(tid));
            p.memoize(key);
            p.depth -= 1;
            Ok(())
        })
    }

    /// Protocols 2–3 write `copyreg.__newobj_ex__(cls, args, kwargs)` as
    /// `functools.partial(cls.__new__, cls, *args, **kwargs)()`.
    fn save_partial_newobj_ex(&mut self, o: &'g Object) -> Result<()> {
        let Some(cls) = self.g.as_global(o.class).cloned() else {
            return Err(unpicklable("__newobj_ex__ needs a class given by name"));
        };
        let args = self.tuple_items(o.args)?;
        let new_name = format!("{}.__new__", cls.name);
        // partial.__reduce__: (partial, (func,), (func, (cls, *args), kwargs, None))
        self.save_syn(&Syn::Global("functools", "partial"))?;
        self.save_args_tuple(&[Syn::Global(&cls.module, &new_name)])?;
        self.out.byte(op::REDUCE);
        self.memoize(None);
        let mut pargs = vec![Syn::V(o.class)];
        pargs.extend(args.iter().map(|&a| Syn::V(a)));
        let kw = o.kwargs.map_or(Syn::V(Value::None), Syn::V);
        let state = [
            Syn::Global(&cls.module, &new_name),
            Syn::Tuple(pargs),
            kw,
            Syn::V(Value::None),
        ];
        self.save_args_tuple(&state)?;
        self.out.byte(op::BUILD);
        // save(()): the partial is called with no arguments.
        self.save_args_tuple(&[])?;
        self.out.byte(op::REDUCE);
        Ok(())
    }

    fn save_reduce_node(&mut self, r: &'g Reduce, id: NodeId) -> Result<()> {
        if self.py2() && r.form != ReduceForm::Reduce {
            let args = self.tuple_items(Some(r.args))?;
            return self.save_inst(r.callable, args, r.state, id);
        }
        self.save(r.callable)?;
        self.save_fresh_args(Some(r.args))?;
        self.out.byte(op::REDUCE);
        if !self.memoize_result(Some(Key::Node(id))) {
            return Ok(());
        }
        self.save_tail(&r.items, &r.dictitems, r.state, r.setter, id)
    }

    fn save_tail(
        &mut self,
        items: &[Value],
        dictitems: &[(Value, Value)],
        state: Option<Value>,
        setter: Option<Value>,
        id: NodeId,
    ) -> Result<()> {
        if !items.is_empty() {
            self.batch_items(items)?;
        }
        if !dictitems.is_empty() {
            self.batch_dictitems(dictitems)?;
        }
        if let Some(st) = state {
            match setter {
                Some(f) => {
                    // setter(obj, state) REDUCE'd and dropped
                    // _pickle.c writes TUPLE2 here at every protocol, and no memo entry.
                    self.save(f)?;
                    self.save(Value::Node(id))?;
                    self.save(st)?;
                    self.out.byte(op::TUPLE2);
                    self.out.byte(op::REDUCE);
                    self.out.byte(op::POP);
                }
                None => {
                    self.save(st)?;
                    self.out.byte(op::BUILD);
                }
            }
        }
        Ok(())
    }
}

/// The memo key of a str CPython keeps one object of: the empty str. (One-character
/// Latin-1 strs are cached too, but not every such str is the cached one, so those follow
/// the graph's identity.)
fn singleton_key(utf8: &[u8]) -> Option<Key<'static>> {
    utf8.is_empty().then_some(Key::Interned("\u{0}empty-str"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i64_le_minimal_is_bigints_signed_bytes() {
        let mut values = vec![0, 1, -1, i64::MIN, i64::MAX, 412_317_970_704];
        for shift in 0..63 {
            let p = 1i64 << shift;
            values.extend([p, p - 1, p + 1, -p, -p - 1, -p + 1]);
        }
        for v in values {
            let (n, bytes) = i64_le_minimal(v);
            assert_eq!(&bytes[..n], BigInt::from(v).to_signed_bytes_le(), "{v}");
        }
    }
}
