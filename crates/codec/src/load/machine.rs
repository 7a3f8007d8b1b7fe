//! The unpickler: one pass over the bytes, a value stack, a mark stack and a memo, like
//! CPython's C `Unpickler`, building a [`Graph`] instead of running code.
//!
//! Stack discipline follows `_pickle.c`: marks live on their own stack, the topmost mark is a
//! fence that pops may not cross, and popping across it is "unexpected MARK found" when any
//! mark is set, "stack underflow" otherwise.

use num_bigint::BigInt;

use super::literal::{self, IntLiteral};
use super::normalize;
use super::options::{DecodeErrors, Encoding, LoadOptions};
use super::record::Recorder;
use super::scratch::{self, Scratch};
use super::{Loaded, PersistentLoad};
use crate::error::{Error, ErrorKind, Result};
use crate::imports::Via;
use crate::opcode::Opcode;
use crate::payload::{self, Payload};
use crate::text;
use crate::value::{
    Global, Graph, Node, Object, ObjectForm, Reduce, ReduceForm, TEXT_INLINE, Text, Value,
};

use super::source::{Short, Slice, Source};

/// Bytes charged per node on top of its payload and its arena slot (the arena's growth is
/// charged as it happens), and per stack/memo/item slot.
const NODE_COST: usize = 64;
/// One arena slot.
const ARENA_SLOT: usize = std::mem::size_of::<Node>();
const SLOT_COST: usize = 16;
/// An APPENDS/ADDITEMS batch this large into an empty container takes over the stack's
/// buffer.
const BIG_BATCH: usize = 1 << 16;
/// Inputs this long and longer start with room for a few marks.
const MARKS_FROM: usize = 16;
/// How far past the dense memo table an index may land and still grow it.
const DENSE_SLACK: usize = 1 << 16;
/// Largest memo index accepted (`i32::MAX`).
const MAX_MEMO_INDEX: usize = i32::MAX as usize;
/// Bytes charged per recorded import event, on top of its names.
const EVENT_COST: usize = 64;
/// The shortest str [`Machine::add_str_arg`] converts to Latin-1 as it reads it, when it
/// is `_codecs.encode`'s argument: shorter ones are converted by the REDUCE, a byte at a
/// time, for less than the vector path's setup.
const LATIN1_AHEAD_MIN: usize = 64;

/// The loop's dispatch on the opcode byte, expanded from the opcode table
/// (`opcode_table!(hot_dispatch [machine, cursor, byte, { other bytes }])`): a `match` on the byte
/// with an arm for each of the table's `hot` opcodes, which calls [`Machine::exec`] with that
/// opcode as a constant (so each gets its own inlined copy of its `exec` arm), and the given
/// block for every other byte. The rows are taken one at a time, keeping the `hot` ones.
macro_rules! hot_dispatch {
    ([$m:ident, $c:ident, $byte:ident, $other:block] $($rows:tt)*) => {
        hot_dispatch!(@arms [$m, $c, $byte, $other] [] $($rows)*)
    };
    (@arms [$m:ident, $c:ident, $byte:ident, $other:block] [$($arms:tt)*]
        $variant:ident $name:ident = $code:literal, $arg:ident, $proto:literal,
        [$($before:ident),*] -> [$($after:ident),*], hot; $($rest:tt)*
    ) => {
        hot_dispatch!(@arms [$m, $c, $byte, $other]
            [$($arms)* $code => $m.exec_or_sync(&mut $c, Opcode::$variant)?,] $($rest)*)
    };
    (@arms [$m:ident, $c:ident, $byte:ident, $other:block] [$($arms:tt)*]
        $variant:ident $name:ident = $code:literal, $arg:ident, $proto:literal,
        [$($before:ident),*] -> [$($after:ident),*], cold; $($rest:tt)*
    ) => {
        hot_dispatch!(@arms [$m, $c, $byte, $other] [$($arms)*] $($rest)*)
    };
    (@arms [$m:ident, $c:ident, $byte:ident, $other:block] [$($arms:tt)*]) => {
        match $byte {
            $($arms)*
            // Every byte, listed, rather than `_`: with a `_` arm LLVM (rustc 1.95) widens
            // the switch to 32 bits and guards its jump table with a range check it folds
            // to a constant but does not remove (`xor r, r` … `test r, r; jne`): two
            // instructions every opcode. Listed, the match has no default, and the jump
            // table (every byte) no check. (`0x00..=0xff` is `_` again.) The hot bytes are
            // matched above.
            #[allow(unreachable_patterns, clippy::manual_range_patterns)]
            0x00 | 0x01 | 0x02 | 0x03 | 0x04 | 0x05 | 0x06 | 0x07 | 0x08 | 0x09 | 0x0a | 0x0b |
            0x0c | 0x0d | 0x0e | 0x0f | 0x10 | 0x11 | 0x12 | 0x13 | 0x14 | 0x15 | 0x16 | 0x17 |
            0x18 | 0x19 | 0x1a | 0x1b | 0x1c | 0x1d | 0x1e | 0x1f | 0x20 | 0x21 | 0x22 | 0x23 |
            0x24 | 0x25 | 0x26 | 0x27 | 0x28 | 0x29 | 0x2a | 0x2b | 0x2c | 0x2d | 0x2e | 0x2f |
            0x30 | 0x31 | 0x32 | 0x33 | 0x34 | 0x35 | 0x36 | 0x37 | 0x38 | 0x39 | 0x3a | 0x3b |
            0x3c | 0x3d | 0x3e | 0x3f | 0x40 | 0x41 | 0x42 | 0x43 | 0x44 | 0x45 | 0x46 | 0x47 |
            0x48 | 0x49 | 0x4a | 0x4b | 0x4c | 0x4d | 0x4e | 0x4f | 0x50 | 0x51 | 0x52 | 0x53 |
            0x54 | 0x55 | 0x56 | 0x57 | 0x58 | 0x59 | 0x5a | 0x5b | 0x5c | 0x5d | 0x5e | 0x5f |
            0x60 | 0x61 | 0x62 | 0x63 | 0x64 | 0x65 | 0x66 | 0x67 | 0x68 | 0x69 | 0x6a | 0x6b |
            0x6c | 0x6d | 0x6e | 0x6f | 0x70 | 0x71 | 0x72 | 0x73 | 0x74 | 0x75 | 0x76 | 0x77 |
            0x78 | 0x79 | 0x7a | 0x7b | 0x7c | 0x7d | 0x7e | 0x7f | 0x80 | 0x81 | 0x82 | 0x83 |
            0x84 | 0x85 | 0x86 | 0x87 | 0x88 | 0x89 | 0x8a | 0x8b | 0x8c | 0x8d | 0x8e | 0x8f |
            0x90 | 0x91 | 0x92 | 0x93 | 0x94 | 0x95 | 0x96 | 0x97 | 0x98 | 0x99 | 0x9a | 0x9b |
            0x9c | 0x9d | 0x9e | 0x9f | 0xa0 | 0xa1 | 0xa2 | 0xa3 | 0xa4 | 0xa5 | 0xa6 | 0xa7 |
            0xa8 | 0xa9 | 0xaa | 0xab | 0xac | 0xad | 0xae | 0xaf | 0xb0 | 0xb1 | 0xb2 | 0xb3 |
            0xb4 | 0xb5 | 0xb6 | 0xb7 | 0xb8 | 0xb9 | 0xba | 0xbb | 0xbc | 0xbd | 0xbe | 0xbf |
            0xc0 | 0xc1 | 0xc2 | 0xc3 | 0xc4 | 0xc5 | 0xc6 | 0xc7 | 0xc8 | 0xc9 | 0xca | 0xcb |
            0xcc | 0xcd | 0xce | 0xcf | 0xd0 | 0xd1 | 0xd2 | 0xd3 | 0xd4 | 0xd5 | 0xd6 | 0xd7 |
            0xd8 | 0xd9 | 0xda | 0xdb | 0xdc | 0xdd | 0xde | 0xdf | 0xe0 | 0xe1 | 0xe2 | 0xe3 |
            0xe4 | 0xe5 | 0xe6 | 0xe7 | 0xe8 | 0xe9 | 0xea | 0xeb | 0xec | 0xed | 0xee | 0xef |
            0xf0 | 0xf1 | 0xf2 | 0xf3 | 0xf4 | 0xf5 | 0xf6 | 0xf7 | 0xf8 | 0xf9 | 0xfa | 0xfb |
            0xfc | 0xfd | 0xfe | 0xff => $other
        }
    };
}

/// The unpickler; `REC` is whether it keeps the import log ([`Machine::recording`]): a
/// constant, so that a plain load compiles without any of the logging.
pub(crate) struct Machine<'a, S: Source = Slice<'a>, const REC: bool = false> {
    src: S,
    /// Offset of the opcode being executed; errors report it and its opcode (the opcode
    /// is read back from the input, so the hot loop stores nothing else).
    op_start: usize,
    graph: Graph,
    stack: Vec<Value>,
    marks: Vec<usize>,
    /// The topmost mark (0 without one): the fence pops may not cross, kept apart from
    /// `marks` because every pop checks it.
    fence: usize,
    /// `opts.limits.max_depth`, here for MARK's check without a load through `opts`.
    max_marks: usize,
    memo: Vec<Option<Value>>,
    /// Memo entries far past the dense table ([`Self::memo_put_any`]); made on the first
    /// one, so that loads without any cost nothing to make and drop.
    sparse: Option<std::collections::HashMap<usize, Value>>,
    // `memo_count`, `last_put` and `put_next` are stored only out of sequence (`seq_end`
    // 0); in sequence they are `memo.len()`, `memo.len() - 1` (wrapping) and `memo.len()`,
    // and the fast paths store none of them ([`Self::settle_memo`] writes them out).
    /// How many memo entries there are.
    memo_count: usize,
    /// The value the last REDUCE pushed and the offset just after it (state setters).
    last_reduce: Option<(Value, usize)>,
    /// The memo index the last PUT/MEMOIZE stored at (`usize::MAX` before any): its
    /// entry is the value it stored, as every later store to the memo is a PUT too
    /// ([`Self::last_put`]). An index, not the value: one register store.
    last_put: usize,
    /// The memo index a PUT numbering in sequence would use next.
    put_next: usize,
    /// How many memo entries the limits allow and the most a MEMOIZE can number
    /// (`max_memo` and [`MAX_MEMO_INDEX`] + 1), whichever is lower.
    memo_limit: usize,
    /// `memo_limit` while the memo is in sequence (`memo_count` and `put_next` both
    /// `memo.len()` and `last_put` the last entry: every entry at its own index from 0,
    /// none skipped, overwritten or sparse), else 0:
    /// a store at `memo.len()` below it is the next in sequence under both limits, one
    /// compare for [`Self::memo_put`] and [`Self::memoize_top`]'s common case.
    seq_end: usize,
    proto: u8,
    max_proto: u8,
    opts: &'a LoadOptions,
    hook: Option<&'a mut PersistentLoad<'a>>,
    /// The import log (`Some` exactly when `REC`).
    rec: Option<&'a mut Recorder>,
    budget: usize,
    next_buffer: usize,
    /// The input as shared bytes ([`Machine::sharing`]): payloads of
    /// [`SHARE_MIN`](crate::SHARE_MIN) bytes and more are slices of it, not copies.
    owner: Option<&'a bytes::Bytes>,
    /// A str argument of `_codecs.encode` or `bytearray` already converted to Latin-1 (the
    /// str's value and its bytes; see [`Self::add_str_arg`]), for the REDUCE that folds the
    /// call into bytes or a bytearray to take instead of converting the str again. At most
    /// one, no larger than its str, and charged while it waits ([`Self::keep_ahead`]).
    latin1_ahead: Option<(Value, Vec<u8>)>,
    /// What `latin1_ahead` is charged (0 when none is), refunded when the REDUCE takes it
    /// (its node is charged for it then) or another replaces it.
    ahead_charged: usize,
}

impl<'a, S: Source> Machine<'a, S, false> {
    pub(crate) fn new(
        src: S,
        opts: &'a LoadOptions,
        hook: Option<&'a mut PersistentLoad<'a>>,
    ) -> Self {
        Self::with_log(src, opts, hook, None)
    }
}

impl<'a, S: Source> Machine<'a, S, true> {
    /// A machine keeping the import log in `rec`.
    pub(crate) fn recording(
        src: S,
        opts: &'a LoadOptions,
        hook: Option<&'a mut PersistentLoad<'a>>,
        rec: &'a mut Recorder,
    ) -> Self {
        Self::with_log(src, opts, hook, Some(rec))
    }
}

impl<'a, S: Source, const REC: bool> Drop for Machine<'a, S, REC> {
    /// Keeps the stack, marks and memo buffers for the thread's next load.
    fn drop(&mut self) {
        Scratch {
            stack: std::mem::take(&mut self.stack),
            marks: std::mem::take(&mut self.marks),
            memo: std::mem::take(&mut self.memo),
        }
        .give();
    }
}

/// `items` in a vector of their length: out of line, so that its allocation is inlined
/// into it whatever the size of the loop that calls it (inlined into `run`, it was not, and
/// cost twice as much).
#[inline(never)]
fn values_of(items: &[Value]) -> Vec<Value> {
    items.to_vec()
}

impl<'a, S: Source, const REC: bool> Machine<'a, S, REC> {
    /// A machine; `rec` is `Some` exactly when `REC`.
    fn with_log(
        src: S,
        opts: &'a LoadOptions,
        hook: Option<&'a mut PersistentLoad<'a>>,
        rec: Option<&'a mut Recorder>,
    ) -> Self {
        // Most pickles make about one node and one memo entry per 4–16 input bytes; sizing
        // both up front saves the first rounds of regrowth (capped: a 64 MiB bytes payload
        // is one node).
        let guess = (src.size_hint() / 8).clamp(8, 8192);
        let graph = Graph::with_node_capacity(guess);
        // Batches of up to 1000 items (2000 values for a dict) sit on the stack, each at
        // least one byte of input (most two to five); a small pickle's biggest batch fits
        // in its first block.
        // A power of two, so that loads of pickles of about the same size start with the
        // same capacity and reuse the thread's kept stack ([`Scratch`]).
        let stack_cap = (src.size_hint() / 2)
            .clamp(32, scratch::KEEP_STACK)
            .next_power_of_two();
        // Any pickle with a container of more than three items has a MARK; a first block
        // for a few costs less than the first push's growth (only the tiniest pickles go
        // without, which hardly ever mark).
        let marks = if src.size_hint() >= MARKS_FROM { 8 } else { 0 };
        let Scratch { stack, marks, memo } = Scratch::take(stack_cap, guess, marks);
        // The first arena, memo table and stack; all small next to any limit in use.
        let first = graph.node_capacity() * ARENA_SLOT + (guess + stack_cap) * SLOT_COST;
        Machine {
            src,
            op_start: 0,
            graph,
            stack,
            marks,
            fence: 0,
            max_marks: opts.limits.max_depth,
            memo,
            sparse: None,
            memo_count: 0,
            last_reduce: None,
            last_put: usize::MAX,
            put_next: 0,
            memo_limit: opts.limits.max_memo.min(MAX_MEMO_INDEX + 1),
            seq_end: opts.limits.max_memo.min(MAX_MEMO_INDEX + 1),
            proto: 0,
            max_proto: 0,
            opts,
            hook,
            rec,
            budget: opts.limits.max_alloc.saturating_sub(first),
            next_buffer: 0,
            owner: None,
            latin1_ahead: None,
            ahead_charged: 0,
        }
    }

    /// Shares payloads with `owner`, which must be the bytes the source reads (a payload
    /// that is not a slice of `owner` is copied). Set in place: a machine is too big to
    /// move around cheaply.
    pub(crate) fn sharing(&mut self, owner: &'a bytes::Bytes) {
        self.owner = Some(owner);
    }
}

impl<'a, S: Source, const REC: bool> Machine<'a, S, REC> {
    // ----- import log ----------------------------------------------------------------
    // Called only when `REC`; each charges the allocation budget for what it adds.

    /// A find returned `v` (GLOBAL, STACK_GLOBAL, INST).
    #[cold]
    #[inline(never)]
    fn record_find(&mut self, v: Value, module: &str, name: &str) -> Result<()> {
        self.charge(EVENT_COST + module.len() + name.len())?;
        if let Some(rec) = self.rec.as_deref_mut() {
            rec.find(v, module, name);
        }
        Ok(())
    }

    /// `callable` was called `via` the current opcode and returned `v`.
    #[cold]
    #[inline(never)]
    fn record_call(&mut self, callable: Value, v: Value, via: Via) -> Result<()> {
        self.charge(EVENT_COST)?;
        if let Some(rec) = self.rec.as_deref_mut()
            && let Some(e) = rec.call(callable, via)
        {
            rec.made(v, e);
        }
        Ok(())
    }

    /// BUILD gives `state` to `target`.
    #[cold]
    #[inline(never)]
    fn record_build(&mut self, target: Value, state: Value) -> Result<()> {
        self.charge(EVENT_COST)?;
        if let Some(rec) = self.rec.as_deref_mut() {
            rec.build(&self.graph, target, state);
        }
        Ok(())
    }

    /// An EXT opcode of `code` pushed `v`: a find the first time (names after
    /// `fix_imports`, which `find_class` applies to registry names too), then copyreg's
    /// cache.
    #[cold]
    #[inline(never)]
    fn record_extension(&mut self, v: Value, code: i64) -> Result<()> {
        let Some(Node::Global(g)) = self.graph.deref(v) else {
            return Ok(());
        };
        let (m, n) = if self.proto < 3 && self.opts.fix_imports {
            let (m, n) = super::compat::fix_import(&g.module, &g.name);
            (m.to_owned(), n.to_owned())
        } else {
            (g.module.clone(), g.name.clone())
        };
        self.charge(EVENT_COST + m.len() + n.len())?;
        if let Some(rec) = self.rec.as_deref_mut() {
            rec.extension(v, code, || (m, n));
        }
        Ok(())
    }

    // ----- errors ---------------------------------------------------------------------

    /// The opcode at `op_start`: the one executing (`None` at the end of the input or on
    /// an unknown byte, as before it was decoded).
    fn cur_op(&self) -> Option<Opcode> {
        self.src.op_byte(self.op_start).and_then(Opcode::from_byte)
    }

    #[cold]
    #[inline(never)]
    fn err(&self, kind: ErrorKind, msg: impl Into<String>) -> Error {
        Error::at(
            kind,
            self.op_start as u64,
            self.cur_op().map(Opcode::name),
            msg,
        )
    }

    #[cold]
    #[inline(never)]
    fn underflow(&self) -> Error {
        if self.marks.is_empty() {
            self.err(ErrorKind::StackUnderflow, "unpickling stack underflow")
        } else {
            self.err(ErrorKind::BadMark, "unexpected MARK found")
        }
    }

    #[cold]
    #[inline(never)]
    fn truncated(&self, need: usize) -> Error {
        let left = self.src.left();
        self.err(
            ErrorKind::Truncated,
            format!("pickle data was truncated: need {need} bytes, {left} left"),
        )
    }

    #[inline(always)]
    fn charge(&mut self, n: usize) -> Result<()> {
        match self.budget.checked_sub(n) {
            Some(b) => {
                self.budget = b;
                Ok(())
            }
            None => Err(self.over_budget()),
        }
    }

    #[cold]
    #[inline(never)]
    fn over_budget(&self) -> Error {
        self.err(
            ErrorKind::LimitExceeded,
            format!(
                "allocation limit of {} bytes exceeded",
                self.opts.limits.max_alloc
            ),
        )
    }

    // ----- input ----------------------------------------------------------------------

    // Every read takes the loop's cursor `c` (`Source::Cursor`): the fixed-size reads of
    // the hot opcodes go through it (the position stays in a register); the others move
    // the source to it, read, and move it to where the read left the source ([`Self::synced`]).

    /// Runs `f` with the source at the cursor, then the cursor where `f` left the source.
    #[inline(always)]
    fn synced<T>(&mut self, c: &mut S::Cursor, f: impl FnOnce(&mut Self) -> T) -> T {
        self.src.set_cursor(*c);
        let r = f(self);
        *c = self.src.cursor();
        r
    }

    #[inline(always)]
    fn take(&mut self, c: &mut S::Cursor, n: usize) -> Result<S::Bytes> {
        self.synced(c, |m| m.src.take(n).map_err(|s| m.short(n as u64, s)))
    }

    #[inline(always)]
    fn take_array<const N: usize>(&mut self, c: &mut S::Cursor) -> Result<[u8; N]> {
        match self.src.cur_array::<N>(c) {
            Some(a) => Ok(a),
            None => Err(self.truncated_at(*c, N)),
        }
    }

    #[inline(always)]
    fn u8(&mut self, c: &mut S::Cursor) -> Result<u8> {
        match self.src.cur_u8(c) {
            Some(b) => Ok(b),
            None => Err(self.truncated_at(*c, 1)),
        }
    }

    /// [`Self::truncated`] with the source moved to the cursor first.
    #[cold]
    #[inline(never)]
    fn truncated_at(&mut self, c: S::Cursor, need: usize) -> Error {
        self.src.set_cursor(c);
        self.truncated(need)
    }

    /// A short read as an error: truncation, or (streamed input only) a read longer than
    /// the allocation limit.
    #[cold]
    #[inline(never)]
    fn short(&self, need: u64, s: Short) -> Error {
        match s {
            Short::Ends(_) => self.truncated(usize::try_from(need).unwrap_or(usize::MAX)),
            Short::TooBig => self.too_big(need),
        }
    }

    #[cold]
    #[inline(never)]
    fn too_big(&self, len: u64) -> Error {
        self.err(
            ErrorKind::LimitExceeded,
            format!(
                "length {len} exceeds the allocation limit of {}",
                self.opts.limits.max_alloc
            ),
        )
    }

    /// A length prefix, checked against the remaining input before anything is allocated.
    #[inline(always)]
    fn len_prefixed(&mut self, c: &mut S::Cursor, len: u64) -> Result<S::Bytes> {
        self.len_prefixed_from(c, len, false)
    }

    /// Like [`Self::len_prefixed`]; with `alloc_first` a length beyond the allocation
    /// limit is reported as such before truncation is checked, as CPython's C unpickler
    /// does for BINBYTES8 and BYTEARRAY8 (it allocates the object, then reads into it).
    #[inline(always)]
    fn len_prefixed_from(
        &mut self,
        c: &mut S::Cursor,
        len: u64,
        alloc_first: bool,
    ) -> Result<S::Bytes> {
        self.synced(c, |m| m.len_prefixed_here(len, alloc_first))
    }

    /// [`Self::len_prefixed_from`] at the source's own position.
    fn len_prefixed_here(&mut self, len: u64, alloc_first: bool) -> Result<S::Bytes> {
        self.check_len(len, alloc_first)?;
        let n = usize::try_from(len).unwrap_or(usize::MAX);
        self.src.take(n).map_err(|s| self.short_len(len, s))
    }

    /// [`Self::len_prefixed_from`], owned (a payload that becomes a node's own bytes).
    fn len_prefixed_vec(&mut self, len: u64, alloc_first: bool) -> Result<Vec<u8>> {
        self.check_len(len, alloc_first)?;
        let n = usize::try_from(len).unwrap_or(usize::MAX);
        self.src.take_vec(n).map_err(|s| self.short_len(len, s))
    }

    /// A bytes payload of `len` bytes ([`Self::len_prefixed_from`]): a slice of the input
    /// when the machine shares it and the payload is long enough, else a copy.
    #[inline(always)]
    fn payload(&mut self, c: &mut S::Cursor, len: u64, alloc_first: bool) -> Result<Payload> {
        self.synced(c, |m| m.payload_here(len, alloc_first))
    }

    /// [`Self::payload`] at the source's own position.
    fn payload_here(&mut self, len: u64, alloc_first: bool) -> Result<Payload> {
        if self.owner.is_some() && len >= crate::SHARE_MIN as u64 {
            let b = self.len_prefixed_here(len, alloc_first)?;
            let shared = self.owner.and_then(|o| payload::share(o, &b));
            return Ok(shared.unwrap_or_else(|| Payload::from(&b[..])));
        }
        self.len_prefixed_vec(len, alloc_first).map(Payload::from)
    }

    #[inline(always)]
    fn check_len(&self, len: u64, alloc_first: bool) -> Result<()> {
        if alloc_first && len > i64::MAX as u64 {
            return Err(self.oversize(len));
        }
        if alloc_first && len > self.opts.limits.max_alloc as u64 {
            return Err(self.too_big(len));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn short_len(&self, len: u64, s: Short) -> Error {
        match s {
            Short::Ends(left) => self.err(
                ErrorKind::Truncated,
                format!("pickle data was truncated: length {len}, {left} bytes left"),
            ),
            Short::TooBig => self.too_big(len),
        }
    }

    #[cold]
    #[inline(never)]
    fn oversize(&self, len: u64) -> Error {
        let name = self.cur_op().map_or("length", Opcode::name);
        self.err(
            ErrorKind::LimitExceeded,
            format!(
                "{name} exceeds system's maximum size of {} bytes (length {len})",
                i64::MAX
            ),
        )
    }

    /// A protocol-0 line, without its newline. Lines shorter than the C unpickler allows
    /// (`min` bytes including the newline) are truncation errors, as in `_pickle.c`.
    #[inline(always)]
    fn line(&mut self, c: &mut S::Cursor, min: usize) -> Result<S::Bytes> {
        self.synced(c, |m| m.line_here(min))
    }

    /// [`Self::line`] at the source's own position.
    fn line_here(&mut self, min: usize) -> Result<S::Bytes> {
        match self.src.line() {
            Ok(l) if l.len() + 1 >= min => Ok(l),
            Ok(_) => Err(self.err(
                ErrorKind::Truncated,
                "pickle data was truncated (empty line)",
            )),
            Err(Short::Ends(_)) => Err(self.err(
                ErrorKind::Truncated,
                "pickle data was truncated: no newline",
            )),
            Err(Short::TooBig) => Err(self.err(
                ErrorKind::LimitExceeded,
                "a line longer than the allocation limit",
            )),
        }
    }

    // ----- stack ----------------------------------------------------------------------

    #[inline(always)]
    fn fence(&self) -> usize {
        self.fence
    }

    /// Pops the topmost mark, moving the fence down to the one below it.
    #[inline(always)]
    fn pop_mark(&mut self) -> Option<usize> {
        let m = self.marks.pop()?;
        self.fence = self.marks.last().copied().unwrap_or(0);
        Some(m)
    }

    #[inline(always)]
    fn push(&mut self, v: Value) -> Result<()> {
        if self.stack.len() == self.stack.capacity() {
            self.grow_stack()?;
        }
        self.stack.push(v);
        Ok(())
    }

    /// Charges for the stack's next growth and grows it (the growth `push` would make).
    #[cold]
    #[inline(never)]
    fn grow_stack(&mut self) -> Result<()> {
        self.charge(self.stack.len() * SLOT_COST)?;
        self.stack.reserve(1);
        Ok(())
    }

    #[inline(always)]
    fn pop(&mut self) -> Result<Value> {
        if self.stack.len() <= self.fence() {
            return Err(self.underflow());
        }
        match self.stack.pop() {
            Some(v) => Ok(v),
            None => Err(self.underflow()),
        }
    }

    #[inline(always)]
    fn top(&self) -> Result<Value> {
        if self.stack.len() <= self.fence() {
            return Err(self.underflow());
        }
        match self.stack.last() {
            Some(&v) => Ok(v),
            None => Err(self.underflow()),
        }
    }

    /// Pops the topmost mark and returns the stack position it marked.
    #[inline(always)]
    fn marker(&mut self) -> Result<usize> {
        match self.pop_mark() {
            Some(m) => Ok(m),
            None => Err(self.no_mark()),
        }
    }

    #[cold]
    #[inline(never)]
    fn no_mark(&self) -> Error {
        self.err(ErrorKind::BadMark, "could not find MARK")
    }

    /// Pops the last `n` items (not crossing the fence).
    #[inline(always)]
    fn pop_n(&mut self, n: usize) -> Result<Vec<Value>> {
        let len = self.stack.len();
        if len < n || len - n < self.fence() {
            return Err(self.underflow());
        }
        Ok(self.stack.split_off(len - n))
    }

    // ----- nodes ----------------------------------------------------------------------

    #[inline(always)]
    fn add(&mut self, node: Node, payload: usize) -> Result<Value> {
        self.charge(NODE_COST + payload)?;
        // A full arena is charged for its growth first, out of line with the node: the
        // push that follows here then has room (its own check folds into this one) and
        // the node can be written where it goes.
        if self.graph.nodes().len() == self.graph.node_capacity() {
            return self.grow_arena_add(node).map(Value::Node);
        }
        Ok(Value::Node(self.graph.push_node(node)))
    }

    /// [`Self::add`], then [`Self::push`] of the node: what most opcodes that make a node
    /// do. The node's id goes straight onto the stack; through [`Self::add`]'s `Result`
    /// the value would be built in memory and copied over.
    #[inline(always)]
    fn add_push(&mut self, node: Node, payload: usize) -> Result<Value> {
        self.charge(NODE_COST + payload)?;
        let id = if self.graph.nodes().len() == self.graph.node_capacity() {
            self.grow_arena_add(node)?
        } else {
            self.graph.push_node(node)
        };
        self.push(Value::Node(id))?;
        Ok(Value::Node(id))
    }

    /// Charges for the arena's next growth, grows it (the doubling a push would make)
    /// and adds `node`.
    #[cold]
    #[inline(never)]
    fn grow_arena_add(&mut self, node: Node) -> Result<crate::value::NodeId> {
        let len = self.graph.nodes().len();
        self.charge(len.max(8) * ARENA_SLOT)?;
        self.graph.reserve_nodes(len.max(8));
        Ok(self.graph.push_node(node))
    }

    #[inline(always)]
    fn add_str(&mut self, bytes: &[u8], py2: bool) -> Result<Value> {
        if !text::valid_utf8_or_surrogatepass(bytes) {
            return Err(self.bad_utf8());
        }
        self.add(
            Node::Str {
                text: Text::from_slice_unchecked(bytes),
                py2,
            },
            bytes.len(),
        )
    }

    /// Pushes a str argument of `n` bytes, and memoizes it if a MEMOIZE or PUT follows
    /// ([`Self::memoize_next`]): held inline from one fixed-size copy of the input window
    /// when it is short and the window is there, else read as its opcode reads it
    /// (`prefixed`: a 4-byte length, checked as [`Self::len_prefixed`] checks it).
    #[inline(always)]
    fn push_str_arg(&mut self, c: &mut S::Cursor, n: usize, prefixed: bool) -> Result<()> {
        if let Some(w) = self.src.cur_window::<TEXT_INLINE>(c, n) {
            let v = self.push_inline_str(w, n)?;
            self.memoize_next(c, v);
            return Ok(());
        }
        let b = if prefixed {
            self.len_prefixed(c, n as u64)?
        } else {
            self.take(c, n)?
        };
        let v = self.add_str_arg(&b)?;
        self.push(v)?;
        self.memoize_next(c, v);
        Ok(())
    }

    /// [`Self::add_str`] of a str read whole from the input (`BINUNICODE`,
    /// `BINUNICODE8`): a slice of the input, as payloads are ([`Self::payload`]), when the
    /// machine shares its input and the str is long enough; else a copy. Out of line: the
    /// short strs of the loop's hot path are held inline ([`Self::push_inline_str`]).
    #[inline(never)]
    fn add_str_arg(&mut self, b: &[u8]) -> Result<Value> {
        // The str argument of protocol 2's bytes (`_codecs.encode(str, 'latin1')`, the
        // callable pushed just before it; or of `bytearray(str, 'latin-1')`): converted
        // now, which validates it too, so it is read once rather than validated here and
        // converted by the REDUCE.
        let latin1 = if b.len() >= LATIN1_AHEAD_MIN && self.encode_on_top() {
            text::utf8_to_latin1(b)
        } else {
            None
        };
        if latin1.is_none() && !text::valid_utf8_or_surrogatepass(b) {
            return Err(self.bad_utf8());
        }
        let shared = match self.owner {
            Some(o) if b.len() >= crate::SHARE_MIN => payload::share(o, b),
            _ => None,
        };
        let text = match shared {
            Some(p) => Text::from_payload_unchecked(p),
            None => Text::from_slice_unchecked(b),
        };
        let v = self.add(Node::Str { text, py2: false }, b.len())?;
        if let Some(l) = latin1 {
            self.keep_ahead(v, l);
        }
        Ok(v)
    }

    /// Keeps `latin1`, the Latin-1 of str `v`, as [`Self::latin1_ahead`] for the REDUCE
    /// that folds it, in place of any kept before (refunded). It is charged while it waits;
    /// if the budget cannot take it, it is dropped, and the REDUCE converts the str as it
    /// would have (so the limits give the verdicts they gave without it).
    fn keep_ahead(&mut self, v: Value, latin1: Vec<u8>) {
        self.budget += std::mem::take(&mut self.ahead_charged);
        self.latin1_ahead = match self.budget.checked_sub(latin1.len()) {
            Some(rest) => {
                self.budget = rest;
                self.ahead_charged = latin1.len();
                Some((v, latin1))
            }
            None => None,
        };
    }

    /// Whether the stack's top is a global that makes bytes of a str and its encoding:
    /// `_codecs.encode` (protocol 2's `bytes`) or `builtins.bytearray` (its `bytearray`
    /// from Python 3.7 on).
    fn encode_on_top(&self) -> bool {
        self.stack.last().is_some_and(|&v| {
            normalize::is_global(&self.graph, v, "_codecs", "encode")
                || normalize::is_global(&self.graph, v, "builtins", "bytearray")
        })
    }

    /// Pushes a str of the first `n` bytes of `window` (`n <= TEXT_INLINE`), held inline.
    #[inline(always)]
    fn push_inline_str(&mut self, window: [u8; TEXT_INLINE], n: usize) -> Result<Value> {
        match window.get(..n) {
            Some(b) if text::valid_utf8_or_surrogatepass(b) => {}
            _ => return Err(self.bad_utf8()),
        }
        self.add_push(
            Node::Str {
                text: Text::inline_unchecked(window, n),
                py2: false,
            },
            n,
        )
    }

    #[cold]
    #[inline(never)]
    fn bad_utf8(&self) -> Error {
        self.err(ErrorKind::BadUtf8, "'utf-8' codec can't decode bytes")
    }

    /// A bytes node that takes `b` as its payload.
    fn add_payload(&mut self, b: Payload) -> Result<Value> {
        let n = b.len();
        self.add(
            Node::Bytes {
                data: b,
                py2: false,
            },
            n,
        )
    }

    #[inline(always)]
    fn add_bytes(&mut self, b: &[u8]) -> Result<Value> {
        self.add(
            Node::Bytes {
                data: b.into(),
                py2: false,
            },
            b.len(),
        )
    }

    #[inline(always)]
    fn add_tuple(&mut self, items: Vec<Value>) -> Result<Value> {
        let n = items.len() * SLOT_COST;
        self.add(Node::Tuple(items), n)
    }

    fn global(&mut self, module: &str, name: &str) -> Result<Value> {
        self.global_form(module, name, crate::value::GlobalForm::Name)
    }

    fn global_form(
        &mut self,
        module: &str,
        name: &str,
        form: crate::value::GlobalForm,
    ) -> Result<Value> {
        let (m, n) = if self.proto < 3 && self.opts.fix_imports {
            super::compat::fix_import(module, name)
        } else {
            (module, name)
        };
        // Unchanged, `fix_import` hands back the strs it was given: a pointer compare
        // settles most names (a table entry may still spell the same name).
        let same = |a: &str, b: &str| std::ptr::eq(a, b) || a == b;
        let py2_name = (!same(m, module) || !same(n, name))
            .then(|| Box::new((module.to_owned(), name.to_owned())));
        let (m, n) = (m.to_owned(), n.to_owned());
        let len = m.len() + n.len();
        if REC {
            let (rm, rn) = (m.clone(), n.clone());
            let v = self.add(
                Node::Global(Box::new(Global {
                    module: m,
                    name: n,
                    form,
                    py2_name,
                })),
                len,
            )?;
            self.record_find(v, &rm, &rn)?;
            return Ok(v);
        }
        self.add(
            Node::Global(Box::new(Global {
                module: m,
                name: n,
                form,
                py2_name,
            })),
            len,
        )
    }

    fn utf8_name<'b>(&self, b: &'b [u8]) -> Result<&'b str> {
        std::str::from_utf8(b).map_err(|e| {
            self.err(
                ErrorKind::BadUtf8,
                format!("'utf-8' codec can't decode global name: {e}"),
            )
        })
    }

    /// A Python 2 `str` payload, decoded per the options.
    fn py2_str(&mut self, raw: &[u8]) -> Result<Value> {
        let enc = self.opts.encoding;
        if enc == Encoding::Bytes {
            return self.add(
                Node::Bytes {
                    data: raw.into(),
                    py2: true,
                },
                raw.len(),
            );
        }
        let decoded: Vec<u8> = match enc {
            Encoding::Latin1 => text::latin1_to_text(raw),
            Encoding::Ascii | Encoding::Utf8 => {
                if raw.is_ascii() || (enc == Encoding::Utf8 && std::str::from_utf8(raw).is_ok()) {
                    raw.to_vec()
                } else {
                    self.decode_with_errors(raw, enc)?
                }
            }
            Encoding::Other(codec) => self.decode_other(raw, codec.codec())?,
            Encoding::Bytes => {
                return self.add(
                    Node::Bytes {
                        data: raw.into(),
                        py2: true,
                    },
                    raw.len(),
                );
            }
        };
        let n = decoded.len();
        self.add(
            Node::Str {
                text: Text::from_vec_unchecked(decoded),
                py2: true,
            },
            n,
        )
    }

    /// Decodes with an `encoding_rs` codec; undecodable input follows `errors` (handlers
    /// other than strict and ignore replace with U+FFFD).
    fn decode_other(&self, raw: &[u8], codec: &'static encoding_rs::Encoding) -> Result<Vec<u8>> {
        // Bytes Python's cp1252 leaves undefined (WHATWG maps them to C1 controls).
        let undefined = |b: &u8| {
            codec == encoding_rs::WINDOWS_1252 && matches!(b, 0x81 | 0x8d | 0x8f | 0x90 | 0x9d)
        };
        let bad_at = raw.iter().position(undefined);
        let strict = codec.decode_without_bom_handling_and_without_replacement(raw);
        match (strict, bad_at, self.opts.errors) {
            (Some(s), None, _) => Ok(s.into_owned().into_bytes()),
            (_, _, DecodeErrors::Strict) => Err(self.err(
                ErrorKind::BadEncoding,
                format!(
                    "'{}' codec can't decode the string",
                    codec.name().to_ascii_lowercase()
                ),
            )),
            (_, _, DecodeErrors::Ignore) => {
                let kept: Vec<u8> = raw.iter().copied().filter(|b| !undefined(b)).collect();
                let (s, _) = codec.decode_without_bom_handling(&kept);
                Ok(s.replace('\u{fffd}', "").into_bytes())
            }
            _ => {
                let fixed: Vec<u8> = raw
                    .iter()
                    .map(|b| if undefined(b) { b'?' } else { *b })
                    .collect();
                Ok(codec
                    .decode_without_bom_handling(&fixed)
                    .0
                    .into_owned()
                    .into_bytes())
            }
        }
    }

    fn decode_with_errors(&self, raw: &[u8], enc: Encoding) -> Result<Vec<u8>> {
        let errors = self.opts.errors;
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            let (good, n) = if enc == Encoding::Utf8 {
                match std::str::from_utf8(&raw[i..]) {
                    Ok(s) => (s.len(), 0),
                    Err(e) => (
                        e.valid_up_to(),
                        e.error_len().unwrap_or(raw.len() - i - e.valid_up_to()),
                    ),
                }
            } else {
                let g = raw[i..].iter().take_while(|b| b.is_ascii()).count();
                (g, usize::from(i + g < raw.len()))
            };
            out.extend_from_slice(&raw[i..i + good]);
            i += good;
            if n == 0 {
                break;
            }
            let bad = &raw[i..i + n];
            match errors {
                DecodeErrors::Strict => {
                    return Err(self.err(
                        ErrorKind::BadEncoding,
                        format!(
                            "'{}' codec can't decode byte 0x{:02x} in position {i}",
                            enc.name().to_ascii_lowercase(),
                            bad[0]
                        ),
                    ));
                }
                DecodeErrors::Replace => out.extend_from_slice("\u{fffd}".as_bytes()),
                DecodeErrors::Ignore => {}
                DecodeErrors::SurrogateEscape => {
                    for &b in bad {
                        let _ = text::push_code_point(&mut out, 0xdc00 + u32::from(b));
                    }
                }
                DecodeErrors::BackslashReplace => {
                    for &b in bad {
                        out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
                    }
                }
            }
            i += n;
        }
        Ok(out)
    }

    // ----- memo -----------------------------------------------------------------------

    /// A PUT that is not the next index in sequence: the first time exactly one index is
    /// stepped over, the graph records it (pickle.py 2.7's keep-alive slot).
    #[cold]
    fn note_put_jump(&mut self, idx: usize) {
        if idx == self.put_next.wrapping_add(1)
            && self.graph.memo_skip().is_none()
            && let Ok(skip) = u32::try_from(self.put_next)
        {
            self.graph.set_memo_skip(Some(skip));
        }
    }

    /// Stores into the memo. The common case, the next index in sequence at the end of
    /// the dense table, is done here with the same effects [`Self::memo_put_any`] has.
    #[inline(always)]
    fn memo_put(&mut self, idx: usize, v: Value) -> Result<()> {
        if idx == self.memo.len() && self.memo_push_fits(idx) {
            self.budget -= SLOT_COST;
            self.memo.push(Some(v));
            return Ok(());
        }
        // Checked here, not returned as it is: the compiler then merges this call's
        // result (built in memory) with the fast path's, and checks it on that path too.
        self.memo_put_any(idx, v)?;
        Ok(())
    }

    /// Whether an entry at `idx` (`memo.len()`) can go on the memo's fast path: the memo in
    /// sequence and under its limits, room in the table without growing it, and budget
    /// for the slot (what [`Self::memo_put`], [`Self::memoize_top`] and
    /// [`Self::memoize_next`] check before pushing).
    #[inline(always)]
    fn memo_push_fits(&self, idx: usize) -> bool {
        idx < self.seq_end && idx != self.memo.capacity() && self.budget >= SLOT_COST
    }

    /// MEMOIZE: the top of the stack into the memo at the count of entries. In sequence
    /// (the common case) that count is `memo.len()` and the top is copied straight from
    /// the stack into the memo; otherwise [`Self::memo_put_any`] at the count.
    #[inline(always)]
    fn memoize_top(&mut self) -> Result<()> {
        let idx = self.memo.len();
        if self.memo_push_fits(idx)
            && self.stack.len() > self.fence()
            && let Some(&v) = self.stack.last()
        {
            self.budget -= SLOT_COST;
            self.memo.push(Some(v));
            return Ok(());
        }
        // Checked here, not returned as it is: the compiler then merges this call's
        // result (built in memory) with the fast path's, and checks it on that path too.
        self.memoize_any()?;
        Ok(())
    }

    /// After an opcode that made an object and pushed it (`v`, the value it pushed): a
    /// MEMOIZE, or a BINPUT or LONG_BINPUT at the next index in sequence, right after it
    /// (as picklers write them after nearly every object) is done here, storing `v`, on
    /// the memo's fast path where nothing can fail, without a trip round the loop.
    /// Anything else is left to the loop.
    #[inline(always)]
    fn memoize_next(&mut self, c: &mut S::Cursor, v: Value) {
        const MEMOIZE: u8 = Opcode::Memoize as u8;
        const BINPUT: u8 = Opcode::BinPut as u8;
        const LONG_BINPUT: u8 = Opcode::LongBinPut as u8;
        let idx = self.memo.len();
        if !self.memo_push_fits(idx) {
            return;
        }
        let n = match self.src.cur_peek::<1>(c) {
            Some([MEMOIZE]) => 1,
            Some([BINPUT]) => match self.src.cur_peek::<2>(c) {
                Some([_, i]) if usize::from(i) == idx => 2,
                _ => return,
            },
            Some([LONG_BINPUT]) => match self.src.cur_peek::<5>(c) {
                Some([_, a, b, x, y]) if u32::from_le_bytes([a, b, x, y]) as usize == idx => 5,
                _ => return,
            },
            _ => return,
        };
        self.src.cur_skip(c, n);
        self.budget -= SLOT_COST;
        self.memo.push(Some(v));
    }

    /// [`Self::memoize_top`] out of sequence (or at a limit, or on an empty stack).
    #[inline(never)]
    fn memoize_any(&mut self) -> Result<()> {
        self.settle_memo();
        let v = self.top()?;
        self.memo_put_any(self.memo_count, v)
    }

    /// Writes out `memo_count`, `last_put` and `put_next` if the memo is in sequence
    /// (where they are not kept up to date).
    fn settle_memo(&mut self) {
        if self.seq_end != 0 {
            let len = self.memo.len();
            self.memo_count = len;
            self.put_next = len;
            self.last_put = len.wrapping_sub(1);
        }
    }

    /// Stores into the memo. Indices near the end of the dense table grow it; far-off
    /// indices (hand-made pickles: `LONG_BINPUT 0x30303030`) go to a sparse map, so a
    /// 5-byte opcode cannot force a gigabyte table.
    #[inline(never)]
    fn memo_put_any(&mut self, idx: usize, v: Value) -> Result<()> {
        self.settle_memo();
        let r = self.memo_put_slow(idx, v);
        let len = self.memo.len();
        self.seq_end = if self.memo_count == len
            && self.put_next == len
            && self.last_put == len.wrapping_sub(1)
        {
            self.memo_limit
        } else {
            0
        };
        r
    }

    /// [`Self::memo_put_any`]'s store (it then works out `seq_end` again).
    fn memo_put_slow(&mut self, idx: usize, v: Value) -> Result<()> {
        self.last_put = idx;
        if idx != self.put_next {
            self.note_put_jump(idx);
        }
        self.put_next = self.put_next.max(idx.saturating_add(1));
        if idx > MAX_MEMO_INDEX {
            // CPython's C unpickler grows an array to twice the index and fails with
            // MemoryError up there; 32-bit builds reject these indices outright.
            return Err(self.err(
                ErrorKind::LimitExceeded,
                format!("memo index {idx} is too large"),
            ));
        }
        let fresh = if idx < self.memo.len() {
            self.memo[idx].replace(v).is_none()
        } else if idx - self.memo.len() < DENSE_SLACK {
            let grow = idx + 1 - self.memo.len();
            self.charge(grow * SLOT_COST)?;
            self.memo.resize(idx + 1, None);
            self.memo[idx] = Some(v);
            true
        } else {
            self.charge(SLOT_COST * 3)?;
            self.sparse.get_or_insert_default().insert(idx, v).is_none()
        };
        if fresh {
            self.memo_count += 1;
            if self.memo_count > self.opts.limits.max_memo {
                return Err(self.err(
                    ErrorKind::LimitExceeded,
                    format!("more than {} memo entries", self.opts.limits.max_memo),
                ));
            }
        }
        Ok(())
    }

    /// The value the last PUT/MEMOIZE stored, if any.
    fn last_put(&self) -> Option<Value> {
        let at = if self.seq_end != 0 {
            self.memo.len().wrapping_sub(1)
        } else {
            self.last_put
        };
        match self.memo.get(at) {
            Some(v) => *v,
            None => self.sparse.as_ref().and_then(|s| s.get(&at)).copied(),
        }
    }

    #[inline(always)]
    fn memo_get(&mut self, idx: usize) -> Result<()> {
        match self.memo.get(idx) {
            // Copied from the memo straight onto the stack when it has room (through a
            // local, as `push` takes it, the value goes through memory twice).
            Some(Some(v)) if self.stack.len() < self.stack.capacity() => {
                self.stack.push(*v);
                Ok(())
            }
            Some(Some(v)) => self.push(*v),
            Some(None) => Err(self.memo_missing(idx)),
            None => {
                // Checked here, not returned as it is (see `memo_put`).
                self.memo_get_sparse(idx)?;
                Ok(())
            }
        }
    }

    #[inline(never)]
    fn memo_get_sparse(&mut self, idx: usize) -> Result<()> {
        match self.sparse.as_ref().and_then(|s| s.get(&idx)).copied() {
            Some(v) => self.push(v),
            None => Err(self.memo_missing(idx)),
        }
    }

    #[cold]
    #[inline(never)]
    fn memo_missing(&self, idx: usize) -> Error {
        self.err(
            ErrorKind::BadMemo,
            format!("Memo value not found at index {idx}"),
        )
    }

    #[inline(always)]
    fn decimal_line(&mut self, c: &mut S::Cursor) -> Result<usize> {
        self.synced(c, Self::decimal_line_here)
    }

    /// [`Self::decimal_line`] at the source's own position.
    fn decimal_line_here(&mut self) -> Result<usize> {
        let line = self.line_here(1)?;
        match literal::parse_py_int(&line) {
            Some(v) => usize::try_from(&v).map_err(|_| {
                if v < BigInt::from(0) {
                    self.err(ErrorKind::BadMemo, "negative memo index")
                } else {
                    self.err(ErrorKind::LimitExceeded, "memo index too large")
                }
            }),
            None => Err(self.err(ErrorKind::BadLiteral, "invalid literal for int()")),
        }
    }

    // ----- the loop -------------------------------------------------------------------

    /// Runs the machine to STOP. It runs in place (the caller's machine is not moved
    /// into the call: a machine is a few hundred bytes, which a move copies).
    pub(crate) fn run(&mut self) -> Result<Loaded> {
        // The read position, in a local the loop keeps in registers (`Source::Cursor`); the
        // source itself is moved to it before anything else reads it (`step`, `stop`,
        // errors).
        let mut c = self.src.cursor();
        loop {
            self.op_start = self.src.cur_pos(&c);
            self.src.begin_op();
            let Some(byte) = self.src.cur_u8(&mut c) else {
                self.src.set_cursor(c);
                return Err(self.out_of_input());
            };
            // The table's hot opcodes are dispatched on the byte itself, each to its own
            // inlined copy of its `exec` arm; so are STOP and PROTO, which every pickle of
            // protocol 2 and up has once (a small one would spend a good part of its time
            // decoding them); the rest go through `step`.
            crate::opcode::opcode_table!(hot_dispatch[self, c, byte, {
                const STOP: u8 = Opcode::Stop as u8;
                const PROTO: u8 = Opcode::Proto as u8;
                self.src.set_cursor(c);
                match byte {
                    STOP => return self.stop(),
                    PROTO => self.step(Opcode::Proto)?,
                    _ => {
                        let Some(op) = Opcode::from_byte(byte) else {
                            return Err(self.unknown_opcode(byte));
                        };
                        self.step(op)?;
                    }
                }
                c = self.src.cursor();
            }]);
        }
    }

    /// STOP: the top of the stack is the result; the graph is taken out of the machine.
    fn stop(&mut self) -> Result<Loaded> {
        let root = self.pop()?;
        self.graph.set_root(root);
        self.graph.set_loaded_from(self.src.pos());
        Ok(Loaded {
            graph: std::mem::take(&mut self.graph),
            end: self.src.pos(),
            protocol: self.max_proto,
            allocated: self.opts.limits.max_alloc.saturating_sub(self.budget),
        })
    }

    #[cold]
    #[inline(never)]
    fn out_of_input(&self) -> Error {
        self.err(
            ErrorKind::Truncated,
            if self.src.pos() == 0 {
                "Ran out of input"
            } else {
                "pickle data was truncated"
            },
        )
    }

    #[cold]
    #[inline(never)]
    fn unknown_opcode(&self, byte: u8) -> Error {
        self.err(
            ErrorKind::UnknownOpcode,
            format!("invalid load key, '\\x{byte:02x}'."),
        )
    }

    /// [`Self::exec`] through the loop's cursor, the source moved to it when `exec` fails
    /// (so that whatever reads it next finds it where the error was).
    #[inline(always)]
    fn exec_or_sync(&mut self, c: &mut S::Cursor, op: Opcode) -> Result<()> {
        let r = self.exec(c, op);
        if r.is_err() {
            self.src.set_cursor(*c);
        }
        r
    }

    /// Executes one opcode (its argument not yet read), reading through the cursor `c`.
    /// The loop calls it with a constant opcode for the table's `hot` opcodes, so that
    /// each is inlined on its own; the others go through [`Self::step`].
    #[inline(always)]
    fn exec(&mut self, c: &mut S::Cursor, op: Opcode) -> Result<()> {
        use Opcode as O;
        match op {
            O::Frame => {
                let n = u64::from_le_bytes(self.take_array(c)?);
                match self.synced(c, |m| m.src.ahead(n)) {
                    Ok(()) => {}
                    Err(Short::Ends(left)) => {
                        return Err(self.err(
                            ErrorKind::Truncated,
                            format!(
                                "pickle exhausted before end of frame ({n} bytes, {left} left)"
                            ),
                        ));
                    }
                    Err(Short::TooBig) => return Err(self.too_big(n)),
                }
            }
            O::None => self.push(Value::None)?,
            O::NewTrue => self.push(Value::Bool(true))?,
            O::NewFalse => self.push(Value::Bool(false))?,
            O::BinInt => {
                let v = i32::from_le_bytes(self.take_array(c)?);
                self.push(Value::Int(i64::from(v)))?;
            }
            O::BinInt1 => {
                let v = self.u8(c)?;
                self.push(Value::Int(i64::from(v)))?;
            }
            O::BinInt2 => {
                let v = u16::from_le_bytes(self.take_array(c)?);
                self.push(Value::Int(i64::from(v)))?;
            }
            O::BinFloat => {
                let f = f64::from_be_bytes(self.take_array(c)?);
                self.push(Value::Float(f))?;
            }

            O::ShortBinUnicode => {
                let n = usize::from(self.u8(c)?);
                self.push_str_arg(c, n, false)?;
            }
            O::BinUnicode => {
                let n = u32::from_le_bytes(self.take_array(c)?) as usize;
                self.push_str_arg(c, n, true)?;
            }
            O::ShortBinBytes => {
                let n = self.u8(c)?;
                let b = self.take(c, usize::from(n))?;
                let v = self.add_bytes(&b)?;
                self.push(v)?;
                self.memoize_next(c, v);
            }
            O::EmptyList => {
                let v = self.add_push(Node::List(Vec::new()), 0)?;
                self.memoize_next(c, v);
            }
            O::EmptyTuple => {
                self.add_push(Node::Tuple(Vec::new()), 0)?;
            }
            O::EmptyDict => {
                let v = self.add_push(Node::Dict(Vec::new()), 0)?;
                self.memoize_next(c, v);
            }
            O::EmptySet => {
                let v = self.add_push(Node::Set(Vec::new()), 0)?;
                self.memoize_next(c, v);
            }
            O::Tuple => {
                let start = self.marker()?;
                let items = self.stack.split_off(start);
                let n = items.len() * SLOT_COST;
                let v = self.add_push(Node::Tuple(items), n)?;
                self.memoize_next(c, v);
            }
            O::Tuple1 | O::Tuple2 | O::Tuple3 => {
                let n = match op {
                    O::Tuple1 => 1,
                    O::Tuple2 => 2,
                    _ => 3,
                };
                let items = self.pop_n(n)?;
                let n = items.len() * SLOT_COST;
                let v = self.add_push(Node::Tuple(items), n)?;
                self.memoize_next(c, v);
            }
            O::Append => {
                let len = self.stack.len();
                // do_append(len - 1): the target sits at len - 2, above the fence.
                if len < 2 || len - 1 <= self.fence() {
                    return Err(self.underflow());
                }
                self.extend_items(len - 1)?;
            }
            O::Appends => {
                let start = self.marker()?;
                if start == 0 || start <= self.fence() {
                    return Err(self.underflow());
                }
                self.extend_items(start)?;
            }
            O::SetItem => {
                let len = self.stack.len();
                if len < 3 || len - 2 <= self.fence() {
                    return Err(self.underflow());
                }
                self.extend_dict(len - 2)?;
            }
            O::SetItems => {
                let start = self.marker()?;
                if start == 0 || start <= self.fence() {
                    return Err(self.underflow());
                }
                if !(self.stack.len() - start).is_multiple_of(2) {
                    return Err(self.err(
                        ErrorKind::StackUnderflow,
                        "odd number of items for SETITEMS",
                    ));
                }
                self.extend_dict(start)?;
            }

            O::Mark => {
                if self.marks.len() >= self.max_marks {
                    return Err(self.err(
                        ErrorKind::LimitExceeded,
                        format!("more than {} nested MARKs", self.opts.limits.max_depth),
                    ));
                }
                self.charge(SLOT_COST)?;
                self.fence = self.stack.len();
                self.marks.push(self.fence);
            }
            O::BinPut => {
                let idx = self.u8(c)?;
                let v = self.top()?;
                self.memo_put(usize::from(idx), v)?;
            }
            O::LongBinPut => {
                let idx = u32::from_le_bytes(self.take_array(c)?);
                let v = self.top()?;
                self.memo_put(idx as usize, v)?;
            }
            O::Memoize => self.memoize_top()?,
            O::BinGet => {
                let idx = self.u8(c)?;
                self.memo_get(usize::from(idx))?;
            }
            O::LongBinGet => {
                let idx = u32::from_le_bytes(self.take_array(c)?);
                self.memo_get(idx as usize)?;
            }

            O::NewObj if !REC => {
                let v = self.new_obj()?;
                self.memoize_next(c, v);
            }
            O::NewObj => {
                let args = self.pop()?;
                let cls = self.pop()?;
                self.check_class(cls, "NEWOBJ")?;
                if self.graph.as_tuple(args).is_none() {
                    return Err(self.err(ErrorKind::BadArgument, "NEWOBJ expected an arg tuple."));
                }
                let v = self.object(cls, Some(args), None, ObjectForm::NewObj)?;
                self.record_call(cls, v, Via::NewObj)?;
                self.push(v)?;
                self.memoize_next(c, v);
            }
            O::Build => {
                if REC {
                    let state = self.pop()?;
                    let target = self.top()?;
                    self.record_build(target, state)?;
                    self.build(target, state)?;
                } else {
                    self.build_top()?;
                }
            }

            // --- protocol and control
            O::Proto => {
                let p = self.u8(c)?;
                if p > crate::HIGHEST_PROTOCOL {
                    return Err(self.err(
                        ErrorKind::UnsupportedProtocol,
                        format!("unsupported pickle protocol: {p}"),
                    ));
                }
                self.proto = p;
                self.max_proto = self.max_proto.max(p);
            }
            O::Stop => return Err(self.err(ErrorKind::StackUnderflow, "STOP outside the loop")),

            // --- scalars
            O::Int => {
                let line = self.line(c, 2)?;
                let v = match literal::parse_int(&line) {
                    Some(IntLiteral::Bool(b)) => Value::Bool(b),
                    Some(IntLiteral::Small(i)) => Value::Int(i),
                    Some(IntLiteral::Big(b)) => {
                        let n = b.bits() as usize / 8;
                        self.add(Node::Int(Box::new(b)), n)?
                    }
                    None => {
                        return Err(self.err(
                            ErrorKind::BadLiteral,
                            literal::digit_limit_message(&line)
                                .unwrap_or_else(|| "could not convert string to int".into()),
                        ));
                    }
                };
                self.push(v)?;
            }
            O::Long => {
                let line = self.line(c, 2)?;
                let Some(b) = literal::parse_long(&line) else {
                    return Err(self.err(
                        ErrorKind::BadLiteral,
                        literal::digit_limit_message(&line)
                            .unwrap_or_else(|| "invalid literal for int()".into()),
                    ));
                };
                let v = self.long_value(b)?;
                self.push(v)?;
            }
            O::Long1 => {
                let n = self.u8(c)?;
                let b = self.take(c, usize::from(n))?;
                let v = self.long_le(&b)?;
                self.push(v)?;
            }
            O::Long4 => {
                let n = i32::from_le_bytes(self.take_array(c)?);
                if n < 0 {
                    return Err(
                        self.err(ErrorKind::BadLiteral, "LONG pickle has negative byte count")
                    );
                }
                let b = self.len_prefixed(c, n as u64)?;
                let v = self.long_le(&b)?;
                self.push(v)?;
            }
            O::Float => {
                let line = self.line(c, 2)?;
                let Some(f) = literal::parse_float(&line) else {
                    return Err(
                        self.err(ErrorKind::BadLiteral, "could not convert string to float")
                    );
                };
                self.push(Value::Float(f))?;
            }
            // --- text and bytes
            O::String => {
                let line = self.line(c, 1)?;
                let raw = literal::decode_string_literal(&line)
                    .map_err(|m| self.err(ErrorKind::BadLiteral, m))?;
                let v = self.py2_str(&raw)?;
                self.push(v)?;
            }
            O::BinString => {
                let n = u32::from_le_bytes(self.take_array(c)?);
                let raw = self.len_prefixed(c, u64::from(n))?;
                let v = self.py2_str(&raw)?;
                self.push(v)?;
            }
            O::ShortBinString => {
                let n = self.u8(c)?;
                let raw = self.take(c, usize::from(n))?;
                let v = self.py2_str(&raw)?;
                self.push(v)?;
            }
            O::Unicode => {
                let line = self.line(c, 1)?;
                let decoded = text::decode_raw_unicode_escape(&line).map_err(|m| {
                    self.err(
                        ErrorKind::BadLiteral,
                        format!("'rawunicodeescape' codec: {m}"),
                    )
                })?;
                let n = decoded.len();
                let v = self.add(
                    Node::Str {
                        text: Text::from_vec_unchecked(decoded),
                        py2: false,
                    },
                    n,
                )?;
                self.push(v)?;
            }
            O::BinUnicode8 => {
                let n = u64::from_le_bytes(self.take_array(c)?);
                // A length no str can have is the OverflowError CPython raises for all three
                // 8-byte lengths (BINBYTES8 and BYTEARRAY8 check the limit below as well).
                if n > i64::MAX as u64 {
                    return Err(self.oversize(n));
                }
                let b = self.len_prefixed(c, n)?;
                let v = self.add_str_arg(&b)?;
                self.push(v)?;
            }
            O::BinBytes => {
                let n = u32::from_le_bytes(self.take_array(c)?);
                let b = self.payload(c, u64::from(n), false)?;
                let v = self.add_payload(b)?;
                self.push(v)?;
            }
            O::BinBytes8 => {
                let n = u64::from_le_bytes(self.take_array(c)?);
                let b = self.payload(c, n, true)?;
                let v = self.add_payload(b)?;
                self.push(v)?;
            }
            O::ByteArray8 => {
                let n = u64::from_le_bytes(self.take_array(c)?);
                let b = self.payload(c, n, true)?;
                let n = b.len();
                let v = self.add(Node::ByteArray(b), n)?;
                self.push(v)?;
            }
            O::NextBuffer => {
                let index = self.next_buffer;
                let data = match &self.opts.buffers {
                    None => {
                        return Err(self.err(
                            ErrorKind::MissingBuffer,
                            "pickle stream refers to out-of-band data but no *buffers* argument was given",
                        ));
                    }
                    Some(bufs) => match bufs.get(index) {
                        Some(b) => b.as_slice(),
                        None => {
                            return Err(self
                                .err(ErrorKind::MissingBuffer, "not enough out-of-band buffers"));
                        }
                    },
                };
                self.next_buffer += 1;
                let n = data.len();
                let v = self.add(
                    Node::Buffer {
                        index,
                        readonly: false,
                        data: Some(data.into()),
                    },
                    n,
                )?;
                self.push(v)?;
            }
            O::ReadonlyBuffer => {
                let v = self.top()?;
                let ok = match v {
                    Value::Node(id) => match self.graph.node_mut(id) {
                        Node::Buffer { readonly, .. } => {
                            *readonly = true;
                            true
                        }
                        Node::Bytes { .. } => true,
                        _ => false,
                    },
                    _ => false,
                };
                if !ok {
                    return Err(self.err(
                        ErrorKind::BadArgument,
                        "READONLY_BUFFER needs a buffer or bytes object",
                    ));
                }
            }

            // --- containers
            O::List => {
                let start = self.marker()?;
                let items = self.stack.split_off(start);
                let n = items.len() * SLOT_COST;
                let v = self.add(Node::List(items), n)?;
                self.push(v)?;
            }
            O::Dict => {
                let start = self.marker()?;
                let items = self.stack.split_off(start);
                if !items.len().is_multiple_of(2) {
                    return Err(self.err(ErrorKind::StackUnderflow, "odd number of items for DICT"));
                }
                let n = items.len() * SLOT_COST;
                self.check_hashable(items.iter().step_by(2).copied())?;
                let pairs = pairs(items);
                let v = self.add(Node::Dict(pairs), n)?;
                self.push(v)?;
            }
            O::FrozenSet => {
                let start = self.marker()?;
                let items = self.stack.split_off(start);
                self.check_hashable(items.iter().copied())?;
                let n = items.len() * SLOT_COST;
                let v = self.add(Node::FrozenSet(items), n)?;
                self.push(v)?;
            }
            O::AddItems => {
                let start = self.marker()?;
                if start == 0 || start <= self.fence() {
                    return Err(self.underflow());
                }
                self.add_set_items(start)?;
            }
            // --- stack manipulation
            O::Pop => {
                if self.marks.last() == Some(&self.stack.len()) {
                    self.pop_mark();
                } else {
                    let v = self.pop()?;
                    self.apply_state_setter(v);
                }
            }
            O::PopMark => {
                let start = self.marker()?;
                self.stack.truncate(start);
            }
            O::Dup => {
                let v = self.top()?;
                self.push(v)?;
            }

            // --- memo
            O::Put => {
                let line = self.line(c, 1)?;
                let Some(idx) = literal::parse_py_int(&line) else {
                    return Err(self.err(ErrorKind::BadLiteral, "invalid literal for int()"));
                };
                if idx < BigInt::from(0) {
                    return Err(self.err(ErrorKind::BadMemo, "negative PUT argument"));
                }
                let idx = usize::try_from(&idx).unwrap_or(usize::MAX);
                let v = self.top()?;
                self.memo_put(idx, v)?;
            }
            O::Get => {
                let idx = self.decimal_line(c)?;
                self.memo_get(idx)?;
            }
            // --- names and objects
            O::Global => {
                let module = self.line(c, 2)?;
                let name = self.line(c, 2)?;
                let (module, name) = (self.utf8_name(&module)?, self.utf8_name(&name)?);
                let v = self.global(module, name)?;
                self.push(v)?;
            }
            O::StackGlobal => {
                let name = self.pop()?;
                let module = self.pop()?;
                let (Some(m), Some(n)) = (self.graph.as_str(module), self.graph.as_str(name))
                else {
                    return Err(self.err(ErrorKind::BadArgument, "STACK_GLOBAL requires str"));
                };
                let (m, n) = (m.to_owned(), n.to_owned());
                let form = match (module, name) {
                    (Value::Node(module), Value::Node(name)) => {
                        crate::value::GlobalForm::Stack { module, name }
                    }
                    _ => crate::value::GlobalForm::Name,
                };
                let v = self.global_form(&m, &n, form)?;
                self.push(v)?;
            }
            O::Ext1 | O::Ext2 | O::Ext4 => {
                let code: i64 = match op {
                    O::Ext1 => i64::from(self.u8(c)?),
                    O::Ext2 => i64::from(u16::from_le_bytes(self.take_array(c)?)),
                    _ => i64::from(i32::from_le_bytes(self.take_array(c)?)),
                };
                if code <= 0 {
                    return Err(self.err(ErrorKind::UnknownExtension, "EXT specifies code <= 0"));
                }
                let entry = i32::try_from(code)
                    .ok()
                    .and_then(|c| self.opts.extensions.get(&c));
                let Some((m, n)) = entry else {
                    return Err(self.err(
                        ErrorKind::UnknownExtension,
                        format!("unregistered extension code {code}"),
                    ));
                };
                let (m, n) = (m.clone(), n.clone());
                let len = m.len() + n.len();
                let v = self.add(Node::Global(Box::new(Global::new(m, n))), len)?;
                if REC {
                    self.record_extension(v, code)?;
                }
                self.push(v)?;
            }
            O::Reduce => {
                let args = self.pop()?;
                let callable = self.pop()?;
                let v = self.reduce(callable, args)?;
                self.last_reduce = Some((v, self.src.cur_pos(c)));
                self.push(v)?;
            }
            O::NewObjEx => {
                let kwargs = self.pop()?;
                let args = self.pop()?;
                let cls = self.pop()?;
                self.check_class(cls, "NEWOBJ_EX")?;
                if self.graph.as_tuple(args).is_none() {
                    return Err(self.err(
                        ErrorKind::BadArgument,
                        "NEWOBJ_EX args argument must be a tuple",
                    ));
                }
                if !matches!(self.graph.deref(kwargs), Some(Node::Dict(_))) {
                    return Err(self.err(
                        ErrorKind::BadArgument,
                        "NEWOBJ_EX kwargs argument must be a dict",
                    ));
                }
                let v = self.object(cls, Some(args), Some(kwargs), ObjectForm::NewObjEx)?;
                if REC {
                    self.record_call(cls, v, Via::NewObjEx)?;
                }
                self.push(v)?;
            }
            O::Inst => {
                let start = self.marker()?;
                let module = self.line(c, 2)?;
                let name = self.line(c, 2)?;
                let (module, name) = (self.utf8_name(&module)?, self.utf8_name(&name)?);
                let args = self.stack.split_off(start);
                let cls = self.global(module, name)?;
                let v = self.instantiate(cls, args, ObjectForm::Inst)?;
                if REC {
                    self.record_call(cls, v, Via::Inst)?;
                }
                self.push(v)?;
            }
            O::Obj => {
                let start = self.marker()?;
                if self.stack.len() <= start {
                    return Err(self.underflow());
                }
                let mut items = self.stack.split_off(start);
                let cls = items.remove(0);
                self.check_class(cls, "OBJ")?;
                let v = self.instantiate(cls, items, ObjectForm::Obj)?;
                if REC {
                    self.record_call(cls, v, Via::Obj)?;
                }
                self.push(v)?;
            }
            O::PersId => {
                let line = self.line(c, 1)?;
                if !line.is_ascii() {
                    return Err(self.err(
                        ErrorKind::BadLiteral,
                        "persistent IDs in protocol 0 must be ASCII strings",
                    ));
                }
                let pid = self.add_str(&line, false)?;
                let v = self.persistent(pid)?;
                self.push(v)?;
            }
            O::BinPersId => {
                let pid = self.pop()?;
                let v = self.persistent(pid)?;
                self.push(v)?;
            }
        }
        Ok(())
    }

    /// An opcode the loop does not inline: one shared copy of [`Self::exec`].
    #[inline(never)]
    fn step(&mut self, op: Opcode) -> Result<()> {
        let mut c = self.src.cursor();
        let r = self.exec(&mut c, op);
        self.src.set_cursor(c);
        r
    }

    fn int_value(&mut self, b: BigInt) -> Result<Value> {
        match i64::try_from(&b) {
            Ok(i) => Ok(Value::Int(i)),
            Err(_) => {
                let n = b.bits() as usize / 8;
                self.add(Node::Int(Box::new(b)), n)
            }
        }
    }

    /// A LONG/LONG1/LONG4 value. In a protocol 0–2 stream it may be a Python 2 `long`,
    /// which a Python 2 pickler writes differently from an `int` of the same value, so it is
    /// kept as a [`Node::Int`] even when small.
    fn long_value(&mut self, b: BigInt) -> Result<Value> {
        if self.proto >= 3 {
            return self.int_value(b);
        }
        let n = b.bits() as usize / 8;
        self.add(Node::Int(Box::new(b)), n)
    }

    fn long_le(&mut self, b: &[u8]) -> Result<Value> {
        if self.proto < 3 {
            return self.long_value(literal::decode_long_le(b));
        }
        match literal::small_long_le(b) {
            Some(i) => Ok(Value::Int(i)),
            None => {
                let n = b.len();
                self.add(Node::Int(Box::new(literal::decode_long_le(b))), n)
            }
        }
    }

    fn persistent(&mut self, pid: Value) -> Result<Value> {
        let v = match self.hook.as_mut() {
            Some(hook) => hook(&mut self.graph, pid).map_err(|m| {
                Error::at(
                    ErrorKind::BadArgument,
                    self.op_start as u64,
                    self.cur_op().map(Opcode::name),
                    m,
                )
            })?,
            None => self.add(Node::PersId(pid), 0)?,
        };
        if REC {
            // Recorded once the id loaded: a hook that fails is CPython without one.
            self.charge(EVENT_COST)?;
            if let Some(rec) = self.rec.as_deref_mut() {
                rec.persistent_load();
            }
        }
        Ok(v)
    }

    /// Whether `v` can stand for a class: a node that names or computes one.
    #[inline(always)]
    fn check_class(&self, v: Value, what: &str) -> Result<()> {
        match self.graph.deref(v) {
            Some(Node::Global(_) | Node::Reduce(_) | Node::Object(_) | Node::PersId(_)) => Ok(()),
            _ => Err(self.not_a_class(what)),
        }
    }

    #[cold]
    #[inline(never)]
    fn not_a_class(&self, what: &str) -> Error {
        self.err(
            ErrorKind::BadArgument,
            format!("{what} class argument isn't a type object"),
        )
    }

    #[inline(always)]
    fn object(
        &mut self,
        class: Value,
        args: Option<Value>,
        kwargs: Option<Value>,
        form: ObjectForm,
    ) -> Result<Value> {
        // The block first, then the object built in it: `Box::new(Object::new(..))` built
        // it on the stack and copied it over with a `memcpy` call (an `Object` is more
        // than 128 bytes), 54 instructions per instance.
        self.add(
            Node::Object(Box::write(
                Box::new_uninit(),
                Object::new(class, args, kwargs, form),
            )),
            std::mem::size_of::<Object>(),
        )
    }

    /// NEWOBJ without the import log: the class and the arguments (popped) are copied
    /// from the stack straight into the new instance (through locals, as [`Self::pop`]
    /// gives them, they go through memory twice more), which is added and pushed in one
    /// go (as [`Self::add_push`] does).
    #[inline(always)]
    fn new_obj(&mut self) -> Result<Value> {
        // Popping the arguments, then the class, neither crossing the fence.
        let len = self.stack.len();
        if len <= self.fence.saturating_add(1) {
            return Err(self.underflow());
        }
        let [cls, args] = &self.stack[len - 2..] else {
            return Err(self.underflow());
        };
        self.check_class(*cls, "NEWOBJ")?;
        if self.graph.as_tuple(*args).is_none() {
            return Err(self.err(ErrorKind::BadArgument, "NEWOBJ expected an arg tuple."));
        }
        // The block first, then the object built in it (see `object`).
        let object = Box::write(
            Box::new_uninit(),
            Object::new(*cls, Some(*args), None, ObjectForm::NewObj),
        );
        self.stack.truncate(len - 2);
        self.add_push(Node::Object(object), std::mem::size_of::<Object>())
    }

    /// INST/OBJ: with no arguments an instance of the class; with arguments a call.
    fn instantiate(&mut self, cls: Value, args: Vec<Value>, form: ObjectForm) -> Result<Value> {
        if args.is_empty() {
            return self.object(cls, None, None, form);
        }
        let args = self.add_tuple(args)?;
        let mut r = Reduce::new(cls, args);
        r.form = if form == ObjectForm::Inst {
            ReduceForm::Inst
        } else {
            ReduceForm::Obj
        };
        self.add(Node::Reduce(Box::new(r)), std::mem::size_of::<Reduce>())
    }

    fn reduce(&mut self, callable: Value, args: Value) -> Result<Value> {
        match self.graph.deref(callable) {
            Some(Node::Global(_) | Node::Reduce(_) | Node::Object(_) | Node::PersId(_)) => {}
            _ => {
                return Err(self.err(ErrorKind::BadArgument, "REDUCE callable is not callable"));
            }
        }
        if self.graph.as_tuple(args).is_none() {
            return Err(self.err(ErrorKind::BadArgument, "argument list must be a tuple"));
        }
        if REC {
            // The call happens here, whatever the rewrite below makes of its result.
            self.charge(EVENT_COST)?;
            let event = self
                .rec
                .as_deref_mut()
                .and_then(|rec| rec.call(callable, Via::Reduce));
            let v = self.reduce_node(callable, args)?;
            if let (Some(rec), Some(e)) = (self.rec.as_deref_mut(), event) {
                rec.made(v, e);
            }
            return Ok(v);
        }
        self.reduce_node(callable, args)
    }

    /// REDUCE's node, its operands checked: a rewrite (`normalize`) or a [`Reduce`].
    #[inline]
    fn reduce_node(&mut self, callable: Value, args: Value) -> Result<Value> {
        if let Some(mut node) =
            normalize::reduce(&mut self.graph, callable, args, &mut self.latin1_ahead)
        {
            // Latin-1 kept ahead and now taken: its charge passes to the node made of it.
            if self.ahead_charged != 0 && self.latin1_ahead.is_none() {
                self.budget += std::mem::take(&mut self.ahead_charged);
            }
            // Whether the arguments were memoized, asked only of a getattr (`normalize`
            // does not touch the memo, so the last PUT is still the one before it).
            if let Node::Global(g) = &mut node
                && g.form == crate::value::GlobalForm::Getattr
                && self.last_put() != Some(args)
            {
                g.form = crate::value::GlobalForm::GetattrChain;
            }
            if let Node::Set(items) | Node::FrozenSet(items) = &node {
                self.check_hashable(items.iter().copied())?;
            }
            let source = match node {
                Node::Bytes { .. } => self.text_arg(args),
                _ => None,
            };
            let n = normalize::payload(&node);
            let v = self.add(node, n)?;
            if let (Some(text), Value::Node(bytes)) = (source, v) {
                self.graph.set_latin1_source(bytes, text);
            }
            return Ok(v);
        }
        self.add(
            Node::Reduce(Box::write(Box::new_uninit(), Reduce::new(callable, args))),
            std::mem::size_of::<Reduce>(),
        )
    }

    /// The `str` node that is the first item of an argument tuple (the text a
    /// `_codecs.encode` reduce folded into bytes).
    fn text_arg(&self, args: Value) -> Option<crate::value::NodeId> {
        match self.graph.as_tuple(args)?.first()? {
            Value::Node(id) if matches!(self.graph.get(*id), Some(Node::Str { .. })) => Some(*id),
            _ => None,
        }
    }

    /// The container below `start` (which the caller checked is above the fence), and
    /// the node id it refers to.
    #[inline(always)]
    fn target_at(&self, start: usize, what: &str) -> Result<crate::value::NodeId> {
        match self.stack[start - 1] {
            Value::Node(id) => Ok(id),
            _ => Err(self.not_a_container(what)),
        }
    }

    #[cold]
    #[inline(never)]
    fn not_a_container(&self, what: &str) -> Error {
        self.err(
            ErrorKind::BadArgument,
            format!("{what} target is not a container"),
        )
    }

    /// APPEND/APPENDS: moves `stack[start..]` into the list (or list items of an object)
    /// at `stack[start - 1]`, without an intermediate vector.
    #[inline(always)]
    fn extend_items(&mut self, start: usize) -> Result<()> {
        self.extend_seq(start, false)
    }

    /// ADDITEMS: like [`Self::extend_items`] for sets (whose elements must be hashable).
    fn add_set_items(&mut self, start: usize) -> Result<()> {
        self.check_hashable(self.stack[start..].iter().copied())?;
        self.extend_seq(start, true)
    }

    /// Moves `stack[start..]` into the list (`set == false`) or set at `stack[start - 1]`,
    /// or into the items of an object or reduce there.
    #[inline(always)]
    fn extend_seq(&mut self, start: usize, set: bool) -> Result<()> {
        self.charge((self.stack.len() - start) * SLOT_COST)?;
        let what = if set { "ADDITEMS" } else { "APPEND" };
        let id = self.target_at(start, what)?;
        let items = &self.stack[start..];
        let target = match self.graph.node_mut(id) {
            Node::List(v) if !set => v,
            Node::Set(v) if set => v,
            Node::Object(o) => &mut o.items,
            Node::Reduce(r) => &mut r.items,
            _ => return Err(self.wrong_seq_target(set)),
        };
        if target.is_empty() && items.len() >= BIG_BATCH && start <= items.len() / 8 {
            // A batch that is most of the stack (hand-made: CPython batches by 1000): the
            // stack's buffer becomes the container's, instead of a copy of it.
            let n = items.len();
            let mut head = Vec::with_capacity(start.max(16));
            head.extend_from_slice(&self.stack[..start]);
            let mut moved = std::mem::replace(&mut self.stack, head);
            moved.drain(..start);
            *target = moved;
            self.budget = self.budget.saturating_add(n * SLOT_COST);
            return Ok(());
        }
        if target.is_empty() {
            // The first batch (most containers have one): one block of its size, without
            // the growth path's bookkeeping.
            *target = values_of(items);
        } else {
            target.extend_from_slice(items);
        }
        self.stack.truncate(start);
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn wrong_seq_target(&self, set: bool) -> Error {
        let (what, wants) = if set {
            ("ADDITEMS", "a set")
        } else {
            ("APPEND", "a list")
        };
        self.err(
            ErrorKind::BadArgument,
            format!("{what} target is not {wants}"),
        )
    }

    /// SETITEM/SETITEMS: moves the key/value pairs of `stack[start..]` into the dict (or
    /// dict items of an object) at `stack[start - 1]`.
    #[inline(always)]
    fn extend_dict(&mut self, start: usize) -> Result<()> {
        self.charge((self.stack.len() - start) * SLOT_COST)?;
        let id = self.target_at(start, "SETITEM")?;
        // The callers leave an even number of items (an odd one out would be left on
        // the stack).
        let (pairs, _) = self.stack[start..].as_chunks::<2>();
        self.check_hashable_pairs(pairs)?;
        let target = match self.graph.node_mut(id) {
            Node::Dict(d) => d,
            Node::Object(o) => &mut o.dictitems,
            Node::Reduce(r) => &mut r.dictitems,
            _ => return Err(self.err(ErrorKind::BadArgument, "SETITEM target is not a dict")),
        };
        // A dict filled by one SETITEMS (most instance states) gets exactly its size.
        if target.is_empty() {
            *target = Vec::with_capacity(pairs.len());
        }
        target.extend(pairs.iter().map(|&[k, v]| (k, v)));
        self.stack.truncate(start);
        Ok(())
    }

    /// Dict keys and set elements must be hashable: lists, dicts, sets and bytearrays (and
    /// tuples holding them) are not, and CPython raises TypeError for them. Instances may
    /// or may not be; a data-only loader cannot tell, so it accepts them.
    #[inline(always)]
    fn check_hashable(&self, keys: impl Iterator<Item = Value>) -> Result<()> {
        for k in keys {
            self.check_hashable_one(k)?;
        }
        Ok(())
    }

    /// [`Self::check_hashable`] of the keys of key/value pairs (a loop over the slice
    /// itself: through an iterator adapter each key is copied out to memory first).
    #[inline(always)]
    fn check_hashable_pairs(&self, pairs: &[[Value; 2]]) -> Result<()> {
        for [k, _] in pairs {
            // Matched in place: a copy of the key goes through memory.
            if let Value::Node(id) = *k
                && matches!(
                    self.graph.node(id),
                    Node::List(_)
                        | Node::Dict(_)
                        | Node::Set(_)
                        | Node::ByteArray(_)
                        | Node::Tuple(_)
                )
            {
                self.check_hashable_key(*k)?;
            }
        }
        Ok(())
    }

    #[inline(always)]
    fn check_hashable_one(&self, k: Value) -> Result<()> {
        // The common keys (scalars, str, bytes, globals) need no search.
        if let Value::Node(id) = k
            && matches!(
                self.graph.node(id),
                Node::List(_) | Node::Dict(_) | Node::Set(_) | Node::ByteArray(_) | Node::Tuple(_)
            )
        {
            return self.check_hashable_key(k);
        }
        Ok(())
    }

    /// A key that is, or may hold, an unhashable container.
    #[inline(never)]
    fn check_hashable_key(&self, k: Value) -> Result<()> {
        {
            // Tuples are searched breadth-first with a small budget: a shared DAG of tuples
            // must not cost exponential time. Past the budget the key is taken as hashable.
            let mut queue = std::collections::VecDeque::from([k]);
            let mut budget = 64;
            while let Some(v) = queue.pop_front() {
                let Value::Node(id) = v else { continue };
                let t = match self.graph.node(id) {
                    Node::List(_) => "list",
                    Node::Dict(_) => "dict",
                    Node::Set(_) => "set",
                    Node::ByteArray(_) => "bytearray",
                    Node::Tuple(items) => {
                        for &x in items {
                            if budget == 0 {
                                break;
                            }
                            budget -= 1;
                            queue.push_back(x);
                        }
                        continue;
                    }
                    _ => continue,
                };
                return Err(self.err(ErrorKind::BadArgument, format!("unhashable type: '{t}'")));
            }
        }
        Ok(())
    }

    /// `setter(obj, state)` REDUCE'd and at once POPped is how picklers write a state
    /// setter (a reduction's sixth item): the call exists only for its effect on `obj`, so
    /// the state and setter are attached to `obj`.
    fn apply_state_setter(&mut self, popped: Value) {
        let Some((last, end)) = self.last_reduce else {
            return;
        };
        if last != popped || end != self.op_start {
            return;
        }
        let Some(Node::Reduce(r)) = self.graph.deref(popped) else {
            return;
        };
        let (setter, args) = (r.callable, r.args);
        let Some(&[target, state]) = self.graph.as_tuple(args) else {
            return;
        };
        let Value::Node(tid) = target else { return };
        match self.graph.node_mut(tid) {
            Node::Object(o) if o.setter.is_none() => {
                o.state = Some(state);
                o.setter = Some(setter);
            }
            Node::Reduce(t) if t.setter.is_none() => {
                t.state = Some(state);
                t.setter = Some(setter);
            }
            _ => {}
        }
    }

    /// BUILD without the import log: [`Self::build`] of the top two items, the state
    /// (popped) copied from the stack straight into an instance (through locals, as
    /// [`Self::pop`] and [`Self::top`] give them, it goes through memory twice more).
    #[inline(always)]
    fn build_top(&mut self) -> Result<()> {
        // Popping the state and then reading the target below it, neither crossing the
        // fence.
        let len = self.stack.len();
        if len <= self.fence.saturating_add(1) {
            return Err(self.underflow());
        }
        let &[target, ref state] = &self.stack[len - 2..] else {
            return Err(self.underflow());
        };
        if let Value::Node(id) = target {
            let slot = match self.graph.node_mut(id) {
                Node::Object(o) => Some(&mut o.state),
                Node::Reduce(r) => Some(&mut r.state),
                _ => None,
            };
            if let Some(slot) = slot {
                *slot = Some(*state);
                self.stack.truncate(len - 1);
                return Ok(());
            }
        }
        let state = *state;
        self.stack.truncate(len - 1);
        self.build(target, state)
    }

    #[inline(always)]
    fn build(&mut self, target: Value, state: Value) -> Result<()> {
        let Value::Node(id) = target else {
            return Err(self.err(ErrorKind::BadArgument, "BUILD target cannot take state"));
        };
        match self.graph.node_mut(id) {
            Node::Object(o) => o.state = Some(state),
            Node::Reduce(r) => r.state = Some(state),
            _ => {
                // CPython skips an empty dict state on any object; anything else needs
                // an instance.
                let empty = match state {
                    Value::None => true,
                    Value::Node(s) => matches!(self.graph.node(s), Node::Dict(d) if d.is_empty()),
                    _ => false,
                };
                if !empty {
                    return Err(self.err(ErrorKind::BadArgument, "BUILD target cannot take state"));
                }
            }
        }
        Ok(())
    }
}

fn pairs(items: Vec<Value>) -> Vec<(Value, Value)> {
    let mut out = Vec::with_capacity(items.len() / 2);
    let mut it = items.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    out
}
