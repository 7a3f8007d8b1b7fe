//! Canon straight from the graph: the plan (identity counts, set orders, sort keys) that
//! every canon conversion shares, and the streaming text and JSON renderings, written as the
//! walk goes and never held whole.
//!
//! A rendering is measured before it is written: [`render`] walks the graph once to plan
//! and size the output against the allocation budget, so a rendering that would pass the
//! limit is `limit-exceeded` before a byte is written, and [`Rendered::write_to`] then
//! writes exactly [`Rendered::len`] bytes. A str or bytes reached through many references
//! is printed once per reference (canon has no identity for them) but held once, in the
//! graph.
//!
//! # Elided payloads
//!
//! [`render_with`] can print long payloads cut, with their length and SHA-256
//! ([`RenderOptions::elide`], off by default; [`render`] prints everything). The printed
//! forms, text and JSON, are specified on [`Elision`], the public home of this option.

use std::collections::HashMap;
use std::io::{self, Write};
use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::{float::py_float_repr, grow, has_identity, state_value};
use crate::error::{Error, ErrorKind, Result};
use crate::value::{Graph, Node, NodeId, Value};

/// Which canon rendering [`render`] writes.
///
/// ```
/// use picklejar_codec::canon::Format;
///
/// assert_ne!(Format::Text, Format::Json);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The text rendering of `docs/CANON.md` section 9 (what [`Canon::to_text`] writes).
    ///
    /// [`Canon::to_text`]: crate::Canon::to_text
    Text,
    /// Compact canon JSON and a newline (what [`Canon::to_json_string`] writes, plus the
    /// newline).
    ///
    /// [`Canon::to_json_string`]: crate::Canon::to_json_string
    Json,
}

/// How [`render_with`] prints long payloads cut ([`RenderOptions::elide`]; off by default,
/// and [`render`] prints everything).
///
/// A str, bytes, bytearray or buffer whose payload is longer than [`Elision::threshold`]
/// bytes (a str counted in UTF-8) is printed as its first [`Elision::head`] characters or
/// bytes and a marker with its length and SHA-256, so the output costs what it prints; the
/// budget counts the printed form. Elision is a way of printing, not canon:
/// [`Canon::from_json`](crate::Canon::from_json) refuses elided JSON, and the runner never
/// renders with it.
///
/// The text rendering writes the head as it would write the whole payload, then
/// `…<elided: …>`:
///
/// ```text
/// str "aaaa…a"…<elided: 100,000 chars, 100,000 bytes UTF-8, sha256 6a3c…; --full prints it>
/// bytes b"\x00\x00…"…<elided: 28,311,552 bytes, sha256 ab12…>
/// bytearray b"xyz…"…<elided: 5,000 bytes, sha256 …> #2
/// buffer 0 readonly b"…"…<elided: 8,192 bytes, sha256 …>
/// ```
///
/// (the text after `;` is [`Elision::note`], when set). The JSON rendering stays valid JSON
/// and marks each elided value with `"elided":true`; `len` is the length in Python's terms
/// (characters for a str, bytes otherwise), `sha256` the lowercase hex digest of the
/// payload (a str's UTF-8, surrogates as `surrogatepass` encodes them), `head` the first
/// characters or bytes in the canon escape of the unelided form (a str with surrogates has
/// `head_hex` instead, as canon writes such strs in `hex`):
///
/// ```text
/// {"t":"str","elided":true,"len":100000,"utf8_len":100000,"sha256":"6a3c…","head":"aaaa…"}
/// {"t":"bytes","elided":true,"len":28311552,"sha256":"ab12…","head":"\\x00…"}
/// {"t":"bytearray","id":2,"elided":true,"len":5000,"sha256":"…","head":"xyz…"}
/// {"t":"buffer","elided":true,"len":8192,"sha256":"…","head":"…","index":0,"readonly":true}
/// ```
///
/// ```
/// use picklejar_codec::canon::{Elision, Format, RenderOptions, render_with};
/// use picklejar_codec::{Limits, load};
///
/// // pickle.dumps(b'x' * 5000, 4)
/// let mut data = b"\x80\x04B\x88\x13\x00\x00".to_vec();
/// data.extend_from_slice(&[b'x'; 5000]);
/// data.push(b'.');
/// let g = load(&data)?;
/// let opts = RenderOptions { elide: Some(Elision::default()) };
/// let mut r = render_with(&g, Format::Json, &Limits::DEFAULT, &opts)?;
/// let mut out = Vec::new();
/// r.write_to(&mut out)?;
/// let v: serde_json::Value = serde_json::from_slice(&out)?;
/// assert_eq!(v["elided"], true);
/// assert_eq!(v["len"], 5000);
/// assert_eq!(v["head"].as_str().map(str::len), Some(64));
/// assert_eq!(r.elided(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The fields:
///
/// ```
/// use picklejar_codec::canon::Elision;
///
/// let e = Elision::default();
/// assert_eq!((e.threshold, e.head), (4096, 64));
/// let e = Elision { note: Some("--full prints it".into()), ..Elision::default() };
/// assert!(e.note.is_some());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elision {
    /// Payloads longer than this many bytes (a str's UTF-8) are elided.
    pub threshold: usize,
    /// How much of an elided payload is printed: characters of a str, bytes otherwise.
    pub head: usize,
    /// Words appended to the text marker after `; ` (`--full prints it`); not in JSON.
    pub note: Option<String>,
}

impl Elision {
    /// The default [`Elision::threshold`]: 4 KiB.
    ///
    /// ```
    /// assert_eq!(picklejar_codec::canon::Elision::THRESHOLD, 4096);
    /// ```
    pub const THRESHOLD: usize = 4096;
    /// The default [`Elision::head`]: 64 characters or bytes.
    ///
    /// ```
    /// assert_eq!(picklejar_codec::canon::Elision::HEAD, 64);
    /// ```
    pub const HEAD: usize = 64;
}

impl Default for Elision {
    /// Payloads over [`Elision::THRESHOLD`] bytes cut to [`Elision::HEAD`], no note.
    ///
    /// ```
    /// use picklejar_codec::canon::Elision;
    ///
    /// assert_eq!(Elision::default().note, None);
    /// ```
    fn default() -> Elision {
        Elision {
            threshold: Elision::THRESHOLD,
            head: Elision::HEAD,
            note: None,
        }
    }
}

/// Options of [`render_with`]; the default prints everything, as [`render`] does.
///
/// ```
/// use picklejar_codec::canon::{Elision, RenderOptions};
///
/// assert_eq!(RenderOptions::default().elide, None);
/// let cut = RenderOptions { elide: Some(Elision::default()) };
/// assert!(cut.elide.is_some());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Print payloads longer than the threshold cut, with their length and SHA-256.
    pub elide: Option<Elision>,
}

/// What an elided payload's marker says: its SHA-256, and for a str its length in
/// characters.
struct Digest {
    sha256: [u8; 32],
    chars: u64,
}

/// Bytes a conversion may still allocate; past them, `limit-exceeded`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    left: usize,
    limit: usize,
}

impl Budget {
    pub(crate) fn new(limit: usize) -> Budget {
        Budget { left: limit, limit }
    }

    pub(crate) fn charge(&mut self, n: usize, what: &str) -> Result<()> {
        match self.left.checked_sub(n) {
            Some(l) => {
                self.left = l;
                Ok(())
            }
            None => Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "{what} would pass the allocation limit of {} bytes",
                    self.limit
                ),
            )),
        }
    }

    pub(crate) fn refund(&mut self, n: usize) {
        self.left = self.left.saturating_add(n).min(self.limit);
    }

    pub(crate) fn left(&self) -> usize {
        self.left
    }
}

/// Node expansions all set sort keys of one conversion may make on top of what the graph
/// holds. A shared node that is on no cycle has its key built once and reused; what is
/// expanded again and again is a node on a cycle, whose key depends on the path to it.
const KEY_EXPANSIONS: usize = 1 << 16;

/// The part of a canon conversion that does not depend on the output form: how often each
/// identity node is reached, the order of every set, and the sort keys behind that order.
pub(crate) struct Plan<'g> {
    pub(crate) g: &'g Graph,
    pub(crate) max_depth: usize,
    pub(crate) budget: Budget,
    counts: Vec<u32>,
    set_order: HashMap<NodeId, Rc<[Value]>>,
    /// References to each node over canon edges (computed when a set is first sorted).
    indeg: Vec<u32>,
    key_cache: HashMap<NodeId, Rc<[u8]>>,
    key_expansions: usize,
    /// Bytes sort keys may take: a multiple of what the graph holds.
    key_bytes: usize,
    /// Decimal text of big ints, made once each.
    ints: HashMap<NodeId, Rc<str>>,
    /// Whether a long str holds no surrogate (it is printed per reference; checked once).
    utf8: FxHashMap<NodeId, bool>,
    /// Digests of elided payloads, made once (the measuring walk and the writing walk, and
    /// every reference, share them).
    digests: FxHashMap<NodeId, Rc<Digest>>,
    counted: bool,
}

impl<'g> Plan<'g> {
    pub(crate) fn new(g: &'g Graph, max_depth: usize, max_alloc: usize) -> Result<Plan<'g>> {
        let mut budget = Budget::new(max_alloc);
        budget.charge(g.nodes().len().saturating_mul(4), "canon identity counts")?;
        Ok(Plan {
            g,
            max_depth,
            budget,
            counts: vec![0; g.nodes().len()],
            set_order: HashMap::new(),
            indeg: Vec::new(),
            key_cache: HashMap::new(),
            key_expansions: KEY_EXPANSIONS.saturating_add(g.nodes().len().saturating_mul(8)),
            key_bytes: 0,
            ints: HashMap::new(),
            utf8: FxHashMap::default(),
            digests: FxHashMap::default(),
            counted: false,
        })
    }

    pub(crate) fn node(&self, id: NodeId) -> Result<&'g Node> {
        let g: &'g Graph = self.g;
        g.get(id).ok_or_else(|| {
            Error::new(
                ErrorKind::BadArgument,
                format!("node {} is not in the graph", id.index()),
            )
        })
    }

    /// Whether the node is rendered with an anchor (reached more than once).
    pub(crate) fn shared(&self, id: NodeId, node: &Node) -> bool {
        has_identity(node) && self.counts.get(id.index()).is_some_and(|&c| c > 1)
    }

    /// Pass 1: count how often each identity node is reached from the root.
    pub(crate) fn count_root(&mut self) -> Result<()> {
        if !self.counted {
            self.counted = true;
            self.count(self.g.root(), 0)?;
        }
        Ok(())
    }

    fn count(&mut self, v: Value, depth: usize) -> Result<()> {
        match v {
            Value::Node(_) => grow(|| self.count_inner(v, depth)),
            _ => Ok(()),
        }
    }

    fn count_inner(&mut self, v: Value, depth: usize) -> Result<()> {
        let Value::Node(id) = v else { return Ok(()) };
        if depth > self.max_depth {
            return Err(super::too_deep(self.max_depth));
        }
        let node = self.node(id)?;
        if has_identity(node) {
            let c = &mut self.counts[id.index()];
            *c = c.saturating_add(1);
            if *c > 1 {
                return Ok(());
            }
        }
        match node {
            Node::Set(_) | Node::FrozenSet(_) => {
                let order = self.sorted(id, depth)?;
                for &c in order.iter() {
                    self.count(c, depth + 1)?;
                }
                Ok(())
            }
            _ => {
                let g = self.g;
                for_each_child(g, node, |c| self.count(c, depth + 1))
            }
        }
    }

    /// The elements of a set node in canon order (sorted by sort key), made once.
    pub(crate) fn sorted(&mut self, id: NodeId, depth: usize) -> Result<Rc<[Value]>> {
        if let Some(v) = self.set_order.get(&id) {
            return Ok(v.clone());
        }
        let items: &'g [Value] = match self.node(id)? {
            Node::Set(v) | Node::FrozenSet(v) => v,
            _ => &[],
        };
        self.budget
            .charge(items.len().saturating_mul(16), "set order")?;
        // A single element is keyed too: a key that cannot be built (an exponential DAG)
        // is refused wherever it stands, as CPython's hash of it never returns.
        let order: Rc<[Value]> = if items.is_empty() {
            items.into()
        } else {
            self.prepare_keys()?;
            let mut keyed: Vec<(Vec<u8>, Value)> = Vec::with_capacity(items.len());
            let mut held = items.len().saturating_mul(40);
            self.budget.charge(held, "set sort keys")?;
            let result = (|| {
                for &v in items {
                    let mut key = Vec::new();
                    super::render::plain_key(self, id, v, depth + 1, &mut key)?;
                    self.charge_key_bytes(key.len())?;
                    held += key.len();
                    keyed.push((key, v));
                }
                Ok::<(), Error>(())
            })();
            // The keys are dropped when the order is known.
            self.budget.refund(held);
            result?;
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            let total: usize = keyed.iter().map(|k| k.0.len()).sum();
            self.key_bytes = self.key_bytes.saturating_add(total);
            keyed.into_iter().map(|(_, v)| v).collect()
        };
        self.set_order.insert(id, order.clone());
        Ok(order)
    }

    /// Charges `n` bytes of sort keys against both the budget and the key cap.
    fn charge_key_bytes(&mut self, n: usize) -> Result<()> {
        self.key_bytes = self.key_bytes.checked_sub(n).ok_or_else(|| {
            Error::new(
                ErrorKind::LimitExceeded,
                "set sort keys expand too many shared nodes",
            )
        })?;
        self.budget.charge(n, "set sort keys")
    }

    /// Before the first set is sorted: each node's canon in-degree (which nodes are worth
    /// caching a key for) and the cap on key bytes, a multiple of the graph's size.
    fn prepare_keys(&mut self) -> Result<()> {
        if !self.indeg.is_empty() || self.g.nodes().is_empty() {
            return Ok(());
        }
        let g = self.g;
        let n = g.nodes().len();
        self.budget
            .charge(n.saturating_mul(4), "canon in-degrees")?;
        let mut indeg = vec![0u32; n];
        let mut payload = 0usize;
        for node in g.nodes() {
            payload = payload.saturating_add(match node {
                Node::Str { text, .. } => text.as_bytes().len(),
                Node::Bytes { data, .. } => data.len(),
                Node::ByteArray(b) => b.len(),
                Node::Int(b) => (b.bits() / 3) as usize,
                _ => 8,
            });
            // A malformed member (args not a tuple) is reported by the walk itself.
            let _ = for_each_child(g, node, |c| {
                if let Value::Node(id) = c
                    && let Some(d) = indeg.get_mut(id.index())
                {
                    *d = d.saturating_add(1);
                }
                Ok(())
            });
        }
        self.indeg = indeg;
        self.key_bytes = (64usize << 20)
            .saturating_add(payload.saturating_mul(32))
            .saturating_add(n.saturating_mul(512));
        Ok(())
    }

    pub(crate) fn cacheable(&self, id: NodeId) -> bool {
        self.indeg.get(id.index()).is_some_and(|&d| d > 1)
    }

    pub(crate) fn cached_key(&self, id: NodeId) -> Option<Rc<[u8]>> {
        self.key_cache.get(&id).cloned()
    }

    pub(crate) fn cache_key(&mut self, id: NodeId, key: &[u8]) -> Result<()> {
        self.charge_key_bytes(key.len().saturating_add(64))?;
        self.key_cache.insert(id, key.into());
        Ok(())
    }

    pub(crate) fn expand(&mut self) -> Result<()> {
        self.key_expansions = self.key_expansions.checked_sub(1).ok_or_else(|| {
            Error::new(
                ErrorKind::LimitExceeded,
                "set sort keys expand too many shared nodes",
            )
        })?;
        Ok(())
    }

    /// Whether a str node holds no surrogate (is UTF-8), checked once for long ones.
    pub(crate) fn is_utf8(&mut self, id: NodeId, t: &crate::value::Text) -> bool {
        let b = t.as_bytes();
        if b.len() < 64 {
            return t.as_str().is_some();
        }
        *self
            .utf8
            .entry(id)
            .or_insert_with(|| simdutf8::basic::from_utf8(b).is_ok())
    }

    /// The SHA-256 (and character count, for a str) of an elided payload, made once.
    fn digest(&mut self, id: NodeId, b: &[u8], str: bool) -> Rc<Digest> {
        self.digests
            .entry(id)
            .or_insert_with(|| {
                use sha2::Digest as _;
                let sha256: [u8; 32] = sha2::Sha256::digest(b).into();
                let chars = if str { utf8_chars(b) } else { b.len() as u64 };
                Rc::new(Digest { sha256, chars })
            })
            .clone()
    }

    /// The canon text of a big int node (decimal, or hex past `bigint::HEX_BITS`),
    /// converted once; its length is charged before the conversion.
    pub(crate) fn int_text(&mut self, id: NodeId, b: &num_bigint::BigInt) -> Result<Rc<str>> {
        if let Some(s) = self.ints.get(&id) {
            return Ok(s.clone());
        }
        self.budget.charge(
            super::bigint::canon_text_len(b).saturating_mul(2),
            "int to text",
        )?;
        let s: Rc<str> = super::bigint::to_canon_text(b).into();
        self.ints.insert(id, s.clone());
        Ok(s)
    }
}

/// Calls `f` on each canon child of `node` in canon order (section 9), except set elements,
/// which are in the set's sorted order (see [`Plan::sorted`]).
pub(crate) fn for_each_child(
    g: &Graph,
    node: &Node,
    mut f: impl FnMut(Value) -> Result<()>,
) -> Result<()> {
    match node {
        Node::List(v) | Node::Tuple(v) | Node::Set(v) | Node::FrozenSet(v) => {
            for &c in v {
                f(c)?;
            }
        }
        Node::Dict(p) => {
            for &(k, v) in p {
                f(k)?;
                f(v)?;
            }
        }
        Node::Object(o) => {
            f(o.class)?;
            for &c in member_items(g, o.args)? {
                f(c)?;
            }
            for &(k, v) in member_pairs(g, o.kwargs)? {
                f(k)?;
                f(v)?;
            }
            if let Some(s) = state_value(g, o.state) {
                f(s)?;
            }
            for &c in &o.items {
                f(c)?;
            }
            for &(k, v) in &o.dictitems {
                f(k)?;
                f(v)?;
            }
            if let Some(s) = o.setter {
                f(s)?;
            }
        }
        Node::Reduce(r) => {
            f(r.callable)?;
            for &c in member_items(g, Some(r.args))? {
                f(c)?;
            }
            if let Some(s) = state_value(g, r.state) {
                f(s)?;
            }
            for &c in &r.items {
                f(c)?;
            }
            for &(k, v) in &r.dictitems {
                f(k)?;
                f(v)?;
            }
            if let Some(s) = r.setter {
                f(s)?;
            }
        }
        Node::PersId(v) => f(*v)?,
        _ => {}
    }
    Ok(())
}

/// The elements of an `args` member (a tuple node, or nothing).
pub(crate) fn member_items(g: &Graph, v: Option<Value>) -> Result<&[Value]> {
    match v {
        None | Some(Value::None) => Ok(&[]),
        Some(v) => g.as_tuple(v).ok_or_else(|| {
            Error::new(
                ErrorKind::BadArgument,
                "object/reduce args must be a tuple node",
            )
        }),
    }
}

/// The pairs of a `kwargs` member (a dict node, or nothing).
pub(crate) fn member_pairs(g: &Graph, v: Option<Value>) -> Result<&[(Value, Value)]> {
    match v {
        None | Some(Value::None) => Ok(&[]),
        Some(v) => match g.deref(v) {
            Some(Node::Dict(p)) => Ok(p),
            _ => Err(Error::new(
                ErrorKind::BadArgument,
                "object kwargs must be a dict node",
            )),
        },
    }
}

// ----- sinks ------------------------------------------------------------------------------

/// Where a walk writes.
pub(crate) trait Sink {
    fn put(&mut self, b: &[u8]) -> Result<()>;

    /// What has been written, when the sink keeps it (sort keys).
    fn written(&self) -> Option<&[u8]> {
        None
    }

    /// A JSON string (quotes included) of UTF-8 text.
    fn json_str(&mut self, s: &[u8], _id: Option<NodeId>) -> Result<()> {
        escape_json(s, |b| self.put(b))
    }

    /// Bytes in the canon escape (section 5), JSON-escaped when `json`.
    fn bytes_escaped(&mut self, b: &[u8], json: bool, _id: Option<NodeId>) -> Result<()> {
        escape_canon_bytes(b, json, |x| self.put(x))
    }

    /// Lowercase hex.
    fn hex(&mut self, b: &[u8], _id: Option<NodeId>) -> Result<()> {
        let mut buf = [0u8; 4096];
        for chunk in b.chunks(buf.len() / 2) {
            for (i, &c) in chunk.iter().enumerate() {
                buf[2 * i] = HEX[usize::from(c >> 4)];
                buf[2 * i + 1] = HEX[usize::from(c & 15)];
            }
            self.put(&buf[..2 * chunk.len()])?;
        }
        Ok(())
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Counts bytes against a cap instead of writing them (payload escapes are measured, not
/// made, and remembered per node).
struct Measure {
    n: u64,
    cap: u64,
    lens: FxHashMap<(NodeId, u8), u64>,
}

impl Measure {
    fn add(&mut self, n: u64) -> Result<()> {
        self.n = self.n.saturating_add(n);
        if self.n > self.cap {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "the rendering would pass the allocation limit ({} bytes left)",
                    self.cap
                ),
            ));
        }
        Ok(())
    }

    fn payload(
        &mut self,
        id: Option<NodeId>,
        kind: u8,
        size: usize,
        measure: impl FnOnce() -> u64,
    ) -> Result<()> {
        let n = match id.filter(|_| size >= 32) {
            Some(id) => match self.lens.get(&(id, kind)) {
                Some(&n) => n,
                None => {
                    let n = measure();
                    self.lens.insert((id, kind), n);
                    n
                }
            },
            None => measure(),
        };
        self.add(n)
    }
}

impl Sink for Measure {
    fn put(&mut self, b: &[u8]) -> Result<()> {
        self.add(b.len() as u64)
    }

    fn json_str(&mut self, s: &[u8], id: Option<NodeId>) -> Result<()> {
        self.payload(id, 0, s.len(), || json_str_len(s))
    }

    fn bytes_escaped(&mut self, b: &[u8], json: bool, id: Option<NodeId>) -> Result<()> {
        self.payload(id, 1 + u8::from(json), b.len(), || canon_bytes_len(b, json))
    }

    fn hex(&mut self, b: &[u8], _id: Option<NodeId>) -> Result<()> {
        self.add((b.len() as u64).saturating_mul(2))
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, b: &[u8]) -> Result<()> {
        self.extend_from_slice(b);
        Ok(())
    }

    fn written(&self) -> Option<&[u8]> {
        Some(self)
    }
}

/// Writes to an `io::Write`, keeping the first I/O error (the walk stops on it).
struct IoSink<'w> {
    w: &'w mut dyn Write,
    err: Option<io::Error>,
    /// Long strs known to need no escape, written as they are (a str printed once per
    /// reference is scanned once).
    clean: FxHashMap<NodeId, bool>,
    scratch: Vec<u8>,
    buf: Vec<u8>,
}

impl IoSink<'_> {
    /// The buffer's size: small writes gather here, large ones go straight through.
    const BUF: usize = 1 << 20;

    fn write_through(&mut self, b: &[u8]) -> Result<()> {
        match self.w.write_all(b) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.err = Some(e);
                Err(Error::new(ErrorKind::LimitExceeded, "write failed"))
            }
        }
    }

    fn flush_buf(&mut self) -> Result<()> {
        let buf = std::mem::take(&mut self.buf);
        let r = self.write_through(&buf);
        self.buf = buf;
        self.buf.clear();
        r
    }
}

impl Sink for IoSink<'_> {
    #[inline]
    fn put(&mut self, b: &[u8]) -> Result<()> {
        if self.buf.len() + b.len() <= Self::BUF {
            self.buf.extend_from_slice(b);
            return Ok(());
        }
        self.flush_buf()?;
        if b.len() >= Self::BUF / 16 {
            self.write_through(b)
        } else {
            self.buf.extend_from_slice(b);
            Ok(())
        }
    }

    fn json_str(&mut self, s: &[u8], id: Option<NodeId>) -> Result<()> {
        let Some(id) = id.filter(|_| s.len() >= 32) else {
            return escape_json(s, |b| self.put(b));
        };
        let clean = *self
            .clean
            .entry(id)
            .or_insert_with(|| next_escape(s, 0) == s.len());
        if clean {
            self.put(b"\"")?;
            self.put(s)?;
            self.put(b"\"")
        } else {
            escape_json(s, |b| self.put(b))
        }
    }

    fn bytes_escaped(&mut self, b: &[u8], json: bool, _id: Option<NodeId>) -> Result<()> {
        let mut scratch = std::mem::take(&mut self.scratch);
        let r = escape_canon_bytes_with(b, json, &mut scratch, |x| self.put(x));
        self.scratch = scratch;
        r
    }
}

/// JSON escape lengths per byte (serde_json's and Python's `json.dumps`: `"`, `\` and
/// control characters; `\b \f \n \r \t` short, the rest `\u00XX`).
const fn json_len_table() -> [u8; 256] {
    let mut t = [1u8; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = 6;
        c += 1;
    }
    t[0x08] = 2;
    t[0x0c] = 2;
    t[b'\n' as usize] = 2;
    t[b'\r' as usize] = 2;
    t[b'\t' as usize] = 2;
    t[b'"' as usize] = 2;
    t[b'\\' as usize] = 2;
    t
}
static JSON_LEN: [u8; 256] = json_len_table();

/// Canon bytes escape lengths (section 5), plain (`text`) and JSON-escaped.
const fn bytes_len_table(json: bool) -> [u8; 256] {
    let mut t = [4u8; 256];
    let mut c = 0x20;
    while c <= 0x7e {
        t[c] = 1;
        c += 1;
    }
    t[b'\\' as usize] = 2;
    if json {
        let mut c = 0;
        while c < 256 {
            if t[c] == 4 {
                t[c] = 5;
            }
            c += 1;
        }
        t[b'\\' as usize] = 4;
        t[b'"' as usize] = 2;
    }
    t
}
static BYTES_TEXT_LEN: [u8; 256] = bytes_len_table(false);
static BYTES_JSON_LEN: [u8; 256] = bytes_len_table(true);

fn table_sum(b: &[u8], t: &[u8; 256]) -> u64 {
    let mut n = 0u64;
    for chunk in b.chunks(1 << 16) {
        n += chunk
            .iter()
            .map(|&c| u64::from(t[usize::from(c)]))
            .sum::<u64>();
    }
    n
}

fn json_str_len(s: &[u8]) -> u64 {
    2 + table_sum(s, &JSON_LEN)
}

fn canon_bytes_len(b: &[u8], json: bool) -> u64 {
    table_sum(
        b,
        if json {
            &BYTES_JSON_LEN
        } else {
            &BYTES_TEXT_LEN
        },
    )
}

/// The position of the first byte at or after `from` that JSON escapes (`"`, `\`, a
/// control character), eight bytes at a time.
fn next_escape(s: &[u8], mut from: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    while let Some(chunk) = s.get(from..from + 8) {
        let mut a = [0u8; 8];
        a.copy_from_slice(chunk);
        let x = u64::from_le_bytes(a);
        // Bytes below 0x20 (0x80 and up do not count), '"' and '\'.
        let control = x.wrapping_sub(LO * 0x20) & !x & HI;
        let hit = control | zero(x ^ (LO * u64::from(b'"'))) | zero(x ^ (LO * u64::from(b'\\')));
        if hit != 0 {
            break;
        }
        from += 8;
    }
    while from < s.len() && JSON_LEN[usize::from(s[from])] == 1 {
        from += 1;
    }
    from
}

/// Writes a JSON string: runs that need no escape as they are, escapes in between.
fn escape_json(s: &[u8], mut put: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
    put(b"\"")?;
    let mut start = 0;
    let mut i = 0;
    while i < s.len() {
        i = next_escape(s, i);
        let Some(&c) = s.get(i) else { break };
        if start < i {
            put(&s[start..i])?;
        }
        start = i + 1;
        let short: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            _ => b"",
        };
        if short.is_empty() {
            put(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 15)],
            ])?;
        } else {
            put(short)?;
        }
        i += 1;
    }
    if start < s.len() {
        put(&s[start..])?;
    }
    put(b"\"")
}

/// The canon bytes escape of each byte (section 5), plain or JSON-escaped: up to five
/// bytes, and how many of them count.
struct EscTable {
    seq: [[u8; 5]; 256],
    len: [u8; 256],
}

const fn esc_table(json: bool) -> EscTable {
    let mut seq = [[0u8; 5]; 256];
    let mut len = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let hi = HEX[(c >> 4) & 15];
        let lo = HEX[c & 15];
        let (s, n): ([u8; 5], u8) = if b == b'\\' {
            if json {
                (*b"\\\\\\\\\0", 4)
            } else {
                (*b"\\\\\0\0\0", 2)
            }
        } else if b == b'"' && json {
            (*b"\\\"\0\0\0", 2)
        } else if b >= 0x20 && b <= 0x7e {
            ([b, 0, 0, 0, 0], 1)
        } else if json {
            ([b'\\', b'\\', b'x', hi, lo], 5)
        } else {
            ([b'\\', b'x', hi, lo, 0], 4)
        };
        seq[c] = s;
        len[c] = n;
        c += 1;
    }
    EscTable { seq, len }
}

static ESC_TEXT: EscTable = esc_table(false);
static ESC_JSON: EscTable = esc_table(true);

/// Writes bytes in the canon escape: chunks that stand for themselves as they are, the
/// rest escaped through `scratch`.
fn escape_canon_bytes_with(
    b: &[u8],
    json: bool,
    scratch: &mut Vec<u8>,
    mut put: impl FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let t = if json { &ESC_JSON } else { &ESC_TEXT };
    for chunk in b.chunks(8192) {
        if chunk.iter().all(|&c| t.len[usize::from(c)] == 1) {
            put(chunk)?;
            continue;
        }
        scratch.clear();
        scratch.resize(chunk.len() * 5 + 5, 0);
        let mut pos = 0;
        for &c in chunk {
            let i = usize::from(c);
            if let Some(dst) = scratch.get_mut(pos..pos + 5) {
                dst.copy_from_slice(&t.seq[i]);
            }
            pos += usize::from(t.len[i]);
        }
        put(&scratch[..pos])?;
    }
    Ok(())
}

fn escape_canon_bytes(b: &[u8], json: bool, put: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
    let mut scratch = Vec::new();
    escape_canon_bytes_with(b, json, &mut scratch, put)
}

/// Characters in UTF-8 (or surrogatepass UTF-8): the bytes that start one.
fn utf8_chars(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c & 0xc0 != 0x80).count() as u64
}

/// The byte length of the first `chars` characters of UTF-8 text.
fn char_boundary(b: &[u8], chars: usize) -> usize {
    let mut seen = 0usize;
    for (i, &c) in b.iter().enumerate() {
        if c & 0xc0 != 0x80 {
            if seen == chars {
                return i;
            }
            seen += 1;
        }
    }
    b.len()
}

/// `28311552` as `28,311,552`.
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A SHA-256 in lowercase hex.
fn hex32(d: &[u8; 32]) -> String {
    let mut s = String::with_capacity(64);
    for &c in d {
        s.push(char::from(HEX[usize::from(c >> 4)]));
        s.push(char::from(HEX[usize::from(c & 15)]));
    }
    s
}

// ----- the walk -------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fmt {
    Text,
    Json,
    /// A set sort key: JSON without identity, ancestors on the path as `{"t":"ref"}`.
    Plain,
}

struct Walk<'p, 'g, S: Sink> {
    plan: &'p mut Plan<'g>,
    sink: &'p mut S,
    fmt: Fmt,
    anchors: HashMap<NodeId, u32>,
    next_anchor: u32,
    /// Plain keys: the nodes on the path, their positions, and for each the lowest path
    /// position a cycle reference inside it went back to.
    path: Vec<NodeId>,
    path_pos: HashMap<NodeId, usize>,
    lows: Vec<usize>,
    /// How long payloads are cut (never in sort keys).
    elide: Option<&'p Elision>,
    /// Payloads printed elided so far.
    elided: u64,
}

/// The sort key of `v`, an element of set `set`, appended to `out`.
pub(crate) fn plain_key(
    plan: &mut Plan<'_>,
    set: NodeId,
    v: Value,
    depth: usize,
    out: &mut Vec<u8>,
) -> Result<()> {
    let mut w = Walk {
        plan,
        sink: out,
        fmt: Fmt::Plain,
        anchors: HashMap::new(),
        next_anchor: 1,
        path: vec![set],
        path_pos: HashMap::from([(set, 0)]),
        lows: vec![usize::MAX],
        elide: None,
        elided: 0,
    };
    w.value(v, depth, 0)
}

impl<'p, S: Sink> Walk<'p, '_, S> {
    fn put(&mut self, b: &[u8]) -> Result<()> {
        self.sink.put(b)
    }

    fn indent(&mut self, n: usize) -> Result<()> {
        const SPACES: &[u8; 128] = &[b' '; 128];
        let mut left = n.saturating_mul(2);
        while left > 0 {
            let k = left.min(SPACES.len());
            self.sink.put(&SPACES[..k])?;
            left -= k;
        }
        Ok(())
    }

    /// A text line's start: indentation and the head.
    fn head(&mut self, indent: usize, head: &[u8]) -> Result<()> {
        self.indent(indent)?;
        self.put(head)
    }

    fn anchor_text(&mut self, anchor: Option<u32>) -> Result<()> {
        if let Some(a) = anchor {
            self.put(format!(" #{a}").as_bytes())?;
        }
        Ok(())
    }

    /// `{"t":"tag"` and the id.
    fn json_open(&mut self, tag: &str, anchor: Option<u32>) -> Result<()> {
        self.put(b"{\"t\":\"")?;
        self.put(tag.as_bytes())?;
        self.put(b"\"")?;
        if let Some(a) = anchor {
            self.put(format!(",\"id\":{a}").as_bytes())?;
        }
        Ok(())
    }

    fn value(&mut self, v: Value, depth: usize, indent: usize) -> Result<()> {
        // Scalars do not recurse: no stack check for them.
        match v {
            Value::Node(_) => grow(|| self.value_inner(v, depth, indent)),
            _ => self.value_inner(v, depth, indent),
        }
    }

    fn value_inner(&mut self, v: Value, depth: usize, indent: usize) -> Result<()> {
        let text = self.fmt == Fmt::Text;
        let id = match v {
            Value::None => {
                return if text {
                    self.head(indent, b"none\n")
                } else {
                    self.put(b"{\"t\":\"none\"}")
                };
            }
            Value::Bool(b) => {
                return match (text, b) {
                    (true, true) => self.head(indent, b"bool True\n"),
                    (true, false) => self.head(indent, b"bool False\n"),
                    (false, true) => self.put(b"{\"t\":\"bool\",\"v\":true}"),
                    (false, false) => self.put(b"{\"t\":\"bool\",\"v\":false}"),
                };
            }
            Value::Int(i) => return self.int(itoa::Buffer::new().format(i), indent),
            Value::Float(f) => {
                let s = py_float_repr(f);
                return if text {
                    self.head(indent, b"float ")?;
                    self.put(s.as_bytes())?;
                    self.put(b"\n")
                } else {
                    self.put(b"{\"t\":\"float\",\"v\":\"")?;
                    self.put(s.as_bytes())?;
                    self.put(b"\"}")
                };
            }
            Value::Node(id) => id,
        };
        if depth > self.plan.max_depth {
            return Err(super::too_deep(self.plan.max_depth));
        }
        let node = self.plan.node(id)?;
        if self.fmt == Fmt::Plain {
            return self.plain_node(id, node, depth, indent);
        }
        let anchor = if self.plan.shared(id, node) {
            if let Some(&a) = self.anchors.get(&id) {
                return if text {
                    self.head(indent, format!("ref #{a}\n").as_bytes())
                } else {
                    self.put(format!("{{\"t\":\"ref\",\"v\":{a}}}").as_bytes())
                };
            }
            let a = self.next_anchor;
            self.next_anchor += 1;
            self.anchors.insert(id, a);
            Some(a)
        } else {
            None
        };
        self.node(id, node, anchor, depth, indent)
    }

    fn plain_node(&mut self, id: NodeId, node: &Node, depth: usize, indent: usize) -> Result<()> {
        if let Some(&pos) = self.path_pos.get(&id) {
            if let Some(low) = self.lows.last_mut() {
                *low = (*low).min(pos);
            }
            return self.put(b"{\"t\":\"ref\"}");
        }
        let leaf = matches!(
            node,
            Node::Int(_)
                | Node::Str { .. }
                | Node::Bytes { .. }
                | Node::Global(_)
                | Node::Buffer { .. }
        );
        if leaf {
            return self.node(id, node, None, depth, indent);
        }
        if let Some(key) = self.plan.cached_key(id) {
            return self.put(&key);
        }
        self.plan.expand()?;
        let pos = self.path.len();
        self.path.push(id);
        self.path_pos.insert(id, pos);
        self.lows.push(usize::MAX);
        let start = self.sink_len();
        let r = self.node(id, node, None, depth, indent);
        self.path.pop();
        self.path_pos.remove(&id);
        let low = self.lows.pop().unwrap_or(usize::MAX);
        if let Some(parent) = self.lows.last_mut() {
            *parent = (*parent).min(low);
        }
        r?;
        // On no cycle (no reference inside went back to it or above): its key is the same
        // wherever it is reached.
        if low > pos
            && self.plan.cacheable(id)
            && let Some(start) = start
        {
            let key = self.sink_since(start);
            self.plan.cache_key(id, &key)?;
        }
        Ok(())
    }

    fn sink_len(&self) -> Option<usize> {
        self.sink.written().map(<[u8]>::len)
    }

    fn sink_since(&self, start: usize) -> Vec<u8> {
        self.sink
            .written()
            .and_then(|v| v.get(start..))
            .map(<[u8]>::to_vec)
            .unwrap_or_default()
    }

    fn int(&mut self, s: &str, indent: usize) -> Result<()> {
        if self.fmt == Fmt::Text {
            self.head(indent, b"int ")?;
            self.put(s.as_bytes())?;
            self.put(b"\n")
        } else {
            self.put(b"{\"t\":\"int\",\"v\":\"")?;
            self.put(s.as_bytes())?;
            self.put(b"\"}")
        }
    }

    fn children(&mut self, vs: &[Value], depth: usize, indent: usize) -> Result<()> {
        if self.fmt != Fmt::Text {
            return self.json_children(vs, depth, indent);
        }
        for &c in vs {
            self.value(c, depth + 1, indent)?;
        }
        Ok(())
    }

    /// JSON children, comma-separated; a `None` or a bool (a list of 10⁸ `None`s is one
    /// of the edges) is written with its comma in one piece, without the general walk.
    fn json_children(&mut self, vs: &[Value], depth: usize, indent: usize) -> Result<()> {
        const NONE: &[u8] = b",{\"t\":\"none\"}";
        const TRUE: &[u8] = b",{\"t\":\"bool\",\"v\":true}";
        const FALSE: &[u8] = b",{\"t\":\"bool\",\"v\":false}";
        for (i, &c) in vs.iter().enumerate() {
            let comma = usize::from(i == 0);
            match c {
                Value::None => self.put(&NONE[comma..])?,
                Value::Bool(true) => self.put(&TRUE[comma..])?,
                Value::Bool(false) => self.put(&FALSE[comma..])?,
                _ => {
                    if i > 0 {
                        self.put(b",")?;
                    }
                    self.value(c, depth + 1, indent)?;
                }
            }
        }
        Ok(())
    }

    fn pairs(&mut self, ps: &[(Value, Value)], depth: usize, indent: usize) -> Result<()> {
        let text = self.fmt == Fmt::Text;
        for (i, &(k, v)) in ps.iter().enumerate() {
            if text {
                self.head(indent, b"key:\n")?;
                self.value(k, depth + 1, indent + 1)?;
                self.head(indent, b"value:\n")?;
                self.value(v, depth + 1, indent + 1)?;
            } else {
                self.put(if i > 0 { b",[" } else { b"[" })?;
                self.value(k, depth + 1, indent)?;
                self.put(b",")?;
                self.value(v, depth + 1, indent)?;
                self.put(b"]")?;
            }
        }
        Ok(())
    }

    /// A member of `object`/`reduce`: `name:` and its nodes (text), `,"name":[…]` (JSON).
    fn member_list(
        &mut self,
        name: &str,
        vs: &[Value],
        always: bool,
        depth: usize,
        indent: usize,
    ) -> Result<()> {
        if vs.is_empty() && !always {
            return Ok(());
        }
        if self.fmt == Fmt::Text {
            self.head(indent, name.as_bytes())?;
            self.put(b":\n")?;
            self.children(vs, depth, indent + 1)
        } else {
            self.put(format!(",\"{name}\":[").as_bytes())?;
            self.children(vs, depth, indent)?;
            self.put(b"]")
        }
    }

    fn member_one(
        &mut self,
        name: &str,
        v: Option<Value>,
        depth: usize,
        indent: usize,
    ) -> Result<()> {
        let Some(v) = v else { return Ok(()) };
        if self.fmt == Fmt::Text {
            self.head(indent, name.as_bytes())?;
            self.put(b":\n")?;
            self.value(v, depth + 1, indent + 1)
        } else {
            self.put(format!(",\"{name}\":").as_bytes())?;
            self.value(v, depth + 1, indent)
        }
    }

    fn member_pairs(
        &mut self,
        name: &str,
        ps: &[(Value, Value)],
        depth: usize,
        indent: usize,
    ) -> Result<()> {
        if ps.is_empty() {
            return Ok(());
        }
        if self.fmt == Fmt::Text {
            self.head(indent, name.as_bytes())?;
            self.put(b":\n")?;
            self.pairs(ps, depth, indent + 1)
        } else {
            self.put(format!(",\"{name}\":[").as_bytes())?;
            self.pairs(ps, depth, indent)?;
            self.put(b"]")
        }
    }

    /// A container's head: `tag #N` (text) or `{"t":"tag","id":N,"v":[` (JSON).
    fn open_seq(
        &mut self,
        tag: &str,
        anchor: Option<u32>,
        indent: usize,
        member: &str,
    ) -> Result<()> {
        if self.fmt == Fmt::Text {
            self.head(indent, tag.as_bytes())?;
            self.anchor_text(anchor)?;
            self.put(b"\n")
        } else {
            self.json_open(tag, anchor)?;
            if member.is_empty() {
                Ok(())
            } else {
                self.put(format!(",\"{member}\":[").as_bytes())
            }
        }
    }

    fn node(
        &mut self,
        id: NodeId,
        node: &Node,
        anchor: Option<u32>,
        depth: usize,
        indent: usize,
    ) -> Result<()> {
        let text = self.fmt == Fmt::Text;
        let g = self.plan.g;
        match node {
            Node::Int(b) => {
                let s = self.plan.int_text(id, b)?;
                self.int(&s, indent)
            }
            Node::Str { text: t, .. } if self.elision(t.as_bytes().len()).is_some() => {
                let utf8 = self.plan.is_utf8(id, t);
                self.elided_str(id, t.as_bytes(), utf8, indent)
            }
            Node::Str { text: t, .. } => match self.plan.is_utf8(id, t) {
                true => {
                    if text {
                        self.head(indent, b"str ")?;
                        self.sink.json_str(t.as_bytes(), Some(id))?;
                        self.put(b"\n")
                    } else {
                        self.put(b"{\"t\":\"str\",\"v\":")?;
                        self.sink.json_str(t.as_bytes(), Some(id))?;
                        self.put(b"}")
                    }
                }
                false => {
                    if text {
                        self.head(indent, b"str hex:")?;
                        self.sink.hex(t.as_bytes(), Some(id))?;
                        self.put(b"\n")
                    } else {
                        self.put(b"{\"t\":\"str\",\"hex\":\"")?;
                        self.sink.hex(t.as_bytes(), Some(id))?;
                        self.put(b"\"}")
                    }
                }
            },
            Node::Bytes { data, .. } => self.bytes_node("bytes", data, None, id, indent),
            Node::ByteArray(b) => self.bytes_node("bytearray", b, anchor, id, indent),
            Node::List(v) | Node::Tuple(v) => {
                let tag = if matches!(node, Node::List(_)) {
                    "list"
                } else {
                    "tuple"
                };
                self.open_seq(tag, anchor, indent, "v")?;
                self.children(v, depth, indent + 1)?;
                if text { Ok(()) } else { self.put(b"]}") }
            }
            Node::Set(_) | Node::FrozenSet(_) => {
                let tag = if matches!(node, Node::Set(_)) {
                    "set"
                } else {
                    "frozenset"
                };
                let order = self.plan.sorted(id, depth)?;
                self.open_seq(tag, anchor, indent, "v")?;
                self.children(&order, depth, indent + 1)?;
                if text { Ok(()) } else { self.put(b"]}") }
            }
            Node::Dict(p) => {
                self.open_seq("dict", anchor, indent, "v")?;
                self.pairs(p, depth, indent + 1)?;
                if text { Ok(()) } else { self.put(b"]}") }
            }
            Node::Global(gl) => {
                if text {
                    self.head(indent, b"global ")?;
                    self.put(gl.module.as_bytes())?;
                    self.put(b" ")?;
                    self.put(gl.name.as_bytes())?;
                    self.put(b"\n")
                } else {
                    self.put(b"{\"t\":\"global\",\"module\":")?;
                    self.sink.json_str(gl.module.as_bytes(), None)?;
                    self.put(b",\"name\":")?;
                    self.sink.json_str(gl.name.as_bytes(), None)?;
                    self.put(b"}")
                }
            }
            Node::Object(o) => {
                let args = member_items(g, o.args)?;
                let kwargs = member_pairs(g, o.kwargs)?;
                self.open_seq("object", anchor, indent, "")?;
                self.member_one("class", Some(o.class), depth, indent + 1)?;
                self.member_list("args", args, false, depth, indent + 1)?;
                self.member_pairs("kwargs", kwargs, depth, indent + 1)?;
                self.member_one("state", state_value(g, o.state), depth, indent + 1)?;
                self.member_list("items", &o.items, false, depth, indent + 1)?;
                self.member_pairs("dictitems", &o.dictitems, depth, indent + 1)?;
                self.member_one("setter", o.setter, depth, indent + 1)?;
                if text { Ok(()) } else { self.put(b"}") }
            }
            Node::Reduce(r) => {
                let args = member_items(g, Some(r.args))?;
                self.open_seq("reduce", anchor, indent, "")?;
                self.member_one("callable", Some(r.callable), depth, indent + 1)?;
                self.member_list("args", args, true, depth, indent + 1)?;
                self.member_one("state", state_value(g, r.state), depth, indent + 1)?;
                self.member_list("items", &r.items, false, depth, indent + 1)?;
                self.member_pairs("dictitems", &r.dictitems, depth, indent + 1)?;
                self.member_one("setter", r.setter, depth, indent + 1)?;
                if text { Ok(()) } else { self.put(b"}") }
            }
            Node::PersId(v) => {
                if text {
                    self.open_seq("persid", anchor, indent, "")?;
                    self.value(*v, depth + 1, indent + 1)
                } else {
                    self.json_open("persid", anchor)?;
                    self.put(b",\"v\":")?;
                    self.value(*v, depth + 1, indent)?;
                    self.put(b"}")
                }
            }
            Node::Buffer {
                index,
                readonly,
                data,
            } => {
                if let Some(d) = data
                    && self.elision(d.len()).is_some()
                {
                    let rw = if *readonly { "readonly" } else { "writable" };
                    return if text {
                        self.head(indent, format!("buffer {index} {rw} b\"").as_bytes())?;
                        self.elided_bytes(id, d, None)?;
                        self.put(b"\n")
                    } else {
                        self.put(b"{\"t\":\"buffer\"")?;
                        self.elided_bytes(id, d, None)?;
                        self.put(format!(",\"index\":{index},\"readonly\":{readonly}}}").as_bytes())
                    };
                }
                if text {
                    let rw = if *readonly { "readonly" } else { "writable" };
                    self.head(indent, format!("buffer {index} {rw}").as_bytes())?;
                    if let Some(d) = data {
                        self.put(b" b\"")?;
                        self.sink.bytes_escaped(d, false, Some(id))?;
                        self.put(b"\"")?;
                    }
                    self.put(b"\n")
                } else {
                    self.put(b"{\"t\":\"buffer\"")?;
                    if let Some(d) = data {
                        self.put(b",\"v\":\"")?;
                        self.sink.bytes_escaped(d, true, Some(id))?;
                        self.put(b"\"")?;
                    }
                    self.put(format!(",\"index\":{index},\"readonly\":{readonly}}}").as_bytes())
                }
            }
        }
    }

    /// The elision that applies to a payload of `len` bytes: none in sort keys, none when
    /// not asked for, none for payloads up to the threshold.
    fn elision(&self, len: usize) -> Option<&'p Elision> {
        self.elide
            .filter(|e| self.fmt != Fmt::Plain && len > e.threshold)
    }

    /// The marker's words after the head: `…<elided: N bytes, sha256 H; note>`.
    fn marker(&mut self, what: &str, d: &Digest) -> Result<()> {
        let note = self
            .elide
            .and_then(|e| e.note.as_deref())
            .map(|n| format!("; {n}"))
            .unwrap_or_default();
        self.put(format!("…<elided: {what}, sha256 {}{note}>", hex32(&d.sha256)).as_bytes())
    }

    /// An elided bytes-like payload after its head's opening (`b"` in text, `{"t":"bytes"`
    /// and the id in JSON): the head, the closing quote and the marker (text), or the
    /// `elided`, `len`, `sha256` and `head` members (JSON; the caller closes the object).
    fn elided_bytes(&mut self, id: NodeId, data: &[u8], anchor: Option<u32>) -> Result<()> {
        let head = self.elide.map_or(0, |e| e.head).min(data.len());
        let d = self.plan.digest(id, data, false);
        self.elided += 1;
        if self.fmt == Fmt::Text {
            self.sink.bytes_escaped(&data[..head], false, None)?;
            self.put(b"\"")?;
            self.marker(&format!("{} bytes", group_digits(data.len() as u64)), &d)?;
            self.anchor_text(anchor)
        } else {
            self.put(
                format!(
                    ",\"elided\":true,\"len\":{},\"sha256\":\"{}\",\"head\":\"",
                    data.len(),
                    hex32(&d.sha256)
                )
                .as_bytes(),
            )?;
            self.sink.bytes_escaped(&data[..head], true, None)?;
            self.put(b"\"")
        }
    }

    /// An elided str: `str "head"…<elided: …>` (text), `{"t":"str","elided":true,…}`
    /// (JSON); a str with surrogates has its head in hex, as canon writes it.
    fn elided_str(&mut self, id: NodeId, b: &[u8], utf8: bool, indent: usize) -> Result<()> {
        let chars = self.elide.map_or(0, |e| e.head);
        let head = &b[..char_boundary(b, chars)];
        let d = self.plan.digest(id, b, true);
        self.elided += 1;
        if self.fmt == Fmt::Text {
            if utf8 {
                self.head(indent, b"str ")?;
                self.sink.json_str(head, None)?;
            } else {
                self.head(indent, b"str hex:")?;
                self.sink.hex(head, None)?;
            }
            let what = format!(
                "{} chars, {} bytes UTF-8",
                group_digits(d.chars),
                group_digits(b.len() as u64)
            );
            self.marker(&what, &d)?;
            self.put(b"\n")
        } else {
            self.put(
                format!(
                    "{{\"t\":\"str\",\"elided\":true,\"len\":{},\"utf8_len\":{},\"sha256\":\"{}\",",
                    d.chars,
                    b.len(),
                    hex32(&d.sha256)
                )
                .as_bytes(),
            )?;
            if utf8 {
                self.put(b"\"head\":")?;
                self.sink.json_str(head, None)?;
            } else {
                self.put(b"\"head_hex\":\"")?;
                self.sink.hex(head, None)?;
                self.put(b"\"")?;
            }
            self.put(b"}")
        }
    }

    fn bytes_node(
        &mut self,
        tag: &str,
        data: &[u8],
        anchor: Option<u32>,
        id: NodeId,
        indent: usize,
    ) -> Result<()> {
        if self.elision(data.len()).is_some() {
            return if self.fmt == Fmt::Text {
                self.head(indent, tag.as_bytes())?;
                self.put(b" b\"")?;
                self.elided_bytes(id, data, anchor)?;
                self.put(b"\n")
            } else {
                self.json_open(tag, anchor)?;
                self.elided_bytes(id, data, None)?;
                self.put(b"}")
            };
        }
        if self.fmt == Fmt::Text {
            self.head(indent, tag.as_bytes())?;
            self.put(b" b\"")?;
            self.sink.bytes_escaped(data, false, Some(id))?;
            self.put(b"\"")?;
            self.anchor_text(anchor)?;
            self.put(b"\n")
        } else {
            self.json_open(tag, anchor)?;
            self.put(b",\"v\":\"")?;
            self.sink.bytes_escaped(data, true, Some(id))?;
            self.put(b"\"}")
        }
    }
}

// ----- the public rendering -------------------------------------------------------------

/// A canon rendering, planned and measured: [`Rendered::len`] bytes that
/// [`Rendered::write_to`] writes. Made by [`render`].
pub struct Rendered<'g> {
    plan: Plan<'g>,
    format: Format,
    len: u64,
    elide: Option<Elision>,
    elided: u64,
}

/// Plans and measures the canon rendering of a graph's root, within `limits`: nesting
/// deeper than `max_depth` and a rendering (with what planning it holds) larger than
/// `max_alloc` bytes are [`ErrorKind::LimitExceeded`], found before anything is written.
/// Nothing is built whole: the output is written straight from the graph, so a str or bytes
/// reached through many references costs what it prints and is held once.
///
/// ```
/// use picklejar_codec::canon::{Format, render};
/// use picklejar_codec::{ErrorKind, Limits, load, to_canon};
///
/// // s = 'abc'; pickle.dumps([s, s], 2): canon prints the str twice.
/// let g = load(b"\x80\x02]q\x00(X\x03\x00\x00\x00abcq\x01h\x01e.")?;
/// let mut r = render(&g, Format::Text, &Limits::DEFAULT)?;
/// let mut out = Vec::new();
/// r.write_to(&mut out)?;
/// assert_eq!(out, to_canon(&g)?.to_text().as_bytes());
/// assert_eq!(r.len(), out.len() as u64);
///
/// let tight = Limits::DEFAULT.with_max_alloc(20);
/// assert_eq!(render(&g, Format::Json, &tight).err().map(|e| e.kind()), Some(ErrorKind::LimitExceeded));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render<'g>(g: &'g Graph, format: Format, limits: &crate::Limits) -> Result<Rendered<'g>> {
    render_with(g, format, limits, &RenderOptions::default())
}

/// [`render`] with options: with [`RenderOptions::elide`], payloads longer than the
/// threshold are printed cut, with their length and SHA-256 (the printed forms are
/// specified on [`Elision`]); the length measured and the budget count what is printed.
///
/// ```
/// use picklejar_codec::canon::{Elision, Format, RenderOptions, render_with};
/// use picklejar_codec::{Limits, load};
///
/// // pickle.dumps('é' * 3000, 4): 6000 bytes of UTF-8.
/// let mut data = b"\x80\x04X\x70\x17\x00\x00".to_vec();
/// for _ in 0..3000 {
///     data.extend_from_slice("é".as_bytes());
/// }
/// data.push(b'.');
/// let g = load(&data)?;
/// let opts = RenderOptions {
///     elide: Some(Elision { head: 3, note: Some("--full prints it".into()), ..Elision::default() }),
/// };
/// let mut r = render_with(&g, Format::Text, &Limits::DEFAULT, &opts)?;
/// let mut out = Vec::new();
/// r.write_to(&mut out)?;
/// let text = String::from_utf8(out)?;
/// assert!(text.starts_with("str \"ééé\"…<elided: 3,000 chars, 6,000 bytes UTF-8, sha256 "), "{text}");
/// assert!(text.ends_with("; --full prints it>\n"));
/// assert_eq!(r.len(), text.len() as u64);
/// assert_eq!(r.elided(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render_with<'g>(
    g: &'g Graph,
    format: Format,
    limits: &crate::Limits,
    options: &RenderOptions,
) -> Result<Rendered<'g>> {
    let mut plan = Plan::new(g, limits.max_depth, limits.max_alloc)?;
    plan.count_root()?;
    let mut m = Measure {
        n: 0,
        cap: 0,
        lens: FxHashMap::default(),
    };
    // Planning holds what it charged; the rest of the budget is the output's.
    m.cap = plan.budget.left() as u64;
    let elide = options.elide.clone();
    let elided = walk(&mut plan, &mut m, format, elide.as_ref())?;
    let len = m.n;
    Ok(Rendered {
        plan,
        format,
        len,
        elide,
        elided,
    })
}

/// Walks the root into `sink`; the number of payloads printed elided.
fn walk<S: Sink>(
    plan: &mut Plan<'_>,
    sink: &mut S,
    format: Format,
    elide: Option<&Elision>,
) -> Result<u64> {
    let mut w = Walk {
        plan,
        sink,
        fmt: match format {
            Format::Text => Fmt::Text,
            Format::Json => Fmt::Json,
        },
        anchors: HashMap::new(),
        next_anchor: 1,
        path: Vec::new(),
        path_pos: HashMap::new(),
        lows: Vec::new(),
        elide,
        elided: 0,
    };
    let root = w.plan.g.root();
    w.value(root, 0, 0)?;
    if format == Format::Json {
        w.put(b"\n")?;
    }
    Ok(w.elided)
}

impl Rendered<'_> {
    /// The exact number of bytes [`Rendered::write_to`] writes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// How many payloads the rendering prints elided (each reference to a payload counts),
    /// with [`RenderOptions::elide`]; 0 without.
    ///
    /// ```
    /// use picklejar_codec::canon::{Format, render};
    /// use picklejar_codec::{Limits, load};
    ///
    /// let g = load(b"\x80\x04K\x07.")?;
    /// assert_eq!(render(&g, Format::Text, &Limits::DEFAULT)?.elided(), 0);
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn elided(&self) -> u64 {
        self.elided
    }

    /// Whether the rendering is empty (it never is: every value prints something).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes the rendering, as the walk goes, through a 1 MiB buffer of its own (large
    /// payloads go straight through). Planning was done by [`render`]; writing can only
    /// fail on I/O.
    pub fn write_to(&mut self, w: &mut dyn Write) -> io::Result<()> {
        let mut sink = IoSink {
            w,
            err: None,
            clean: FxHashMap::default(),
            scratch: Vec::new(),
            buf: Vec::with_capacity(IoSink::BUF),
        };
        let elide = self.elide.as_ref();
        match walk(&mut self.plan, &mut sink, self.format, elide).and_then(|_| sink.flush_buf()) {
            Ok(()) => sink.w.flush(),
            Err(e) => Err(sink
                .err
                .take()
                .unwrap_or_else(|| io::Error::other(e.to_string()))),
        }
    }
}
