//! Where the loader's bytes come from: a slice holding the whole pickle ([`Slice`]), or a
//! reader streamed through a small window ([`Stream`]: a decompressor's output, loaded as
//! it is inflated, never held whole).
//!
//! The machine reads through [`Source`] only. A slice hands out borrowed bytes and compiles
//! to the same loads and compares as indexing the slice directly; a stream hands out owned
//! copies and keeps only the current opcode and what it has read ahead.

use std::io::{self, Read};
use std::ops::Deref;

/// Why a read came up short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Short {
    /// The input ends first, with this many bytes left.
    Ends(usize),
    /// A streamed read this large would pass the allocation limit before it could be
    /// checked against the end of the input.
    TooBig,
}

/// The loader's input.
pub(crate) trait Source {
    /// Bytes handed out by [`Source::take`] and [`Source::line`].
    type Bytes: Deref<Target = [u8]>;
    /// The offset of the next byte.
    fn pos(&self) -> usize;
    /// About how long the input is (for first allocations; 0 when unknown).
    fn size_hint(&self) -> usize;
    /// An opcode starts at [`Source::pos`]: its byte stays readable by
    /// [`Source::op_byte`] until the next one starts.
    fn begin_op(&mut self);
    /// The byte at `at`, if it is still held (always the current opcode's).
    fn op_byte(&self, at: usize) -> Option<u8>;
    /// How many bytes are left, as far as is known: exact at the end of the input.
    fn left(&self) -> usize;
    /// The next byte.
    fn u8(&mut self) -> Option<u8>;
    /// The next `N` bytes (borrowed: the caller copies them).
    fn take_array<const N: usize>(&mut self) -> Option<&[u8; N]>;
    /// The next `n` bytes.
    fn take(&mut self, n: usize) -> Result<Self::Bytes, Short>;
    /// The next `n` bytes (`n <= N`) as the first `n` of a copy of the next `N`, taking
    /// only `n`: a fixed-size copy for short payloads. `None` (nothing taken) when fewer
    /// than `N` bytes are at hand; [`Source::take`] then takes them.
    #[inline(always)]
    fn take_window<const N: usize>(&mut self, n: usize) -> Option<&[u8; N]> {
        let _ = n;
        None
    }
    /// The next `n` bytes, owned.
    fn take_vec(&mut self, n: usize) -> Result<Vec<u8>, Short>;
    /// Whether `n` more bytes are there, without taking them.
    fn ahead(&mut self, n: u64) -> Result<(), Short>;
    /// The bytes up to the next newline, which is taken too; `Ends` when there is none.
    fn line(&mut self) -> Result<Self::Bytes, Short>;

    /// The loop's own copy of the read position, kept in a local so that it lives in
    /// registers: a [`Slice`] is its own cursor (the bytes and the offset); a [`Stream`]
    /// has none (`()`: its reads go to the stream). Reads through a cursor are
    /// [`Source::cur_u8`], [`Source::cur_array`] and [`Source::cur_window`]; every other read
    /// goes to the source after [`Source::set_cursor`], and [`Source::cursor`] picks the
    /// position up again.
    type Cursor: Copy;
    /// The cursor at the source's position.
    fn cursor(&self) -> Self::Cursor;
    /// Moves the source to the cursor's position.
    fn set_cursor(&mut self, c: Self::Cursor);
    /// The offset of the cursor's next byte.
    fn cur_pos(&self, c: &Self::Cursor) -> usize;
    /// [`Source::u8`] through the cursor.
    fn cur_u8(&mut self, c: &mut Self::Cursor) -> Option<u8>;
    /// [`Source::take_array`] through the cursor.
    fn cur_array<const N: usize>(&mut self, c: &mut Self::Cursor) -> Option<[u8; N]>;
    /// [`Source::take_window`] through the cursor.
    fn cur_window<const N: usize>(&mut self, c: &mut Self::Cursor, n: usize) -> Option<[u8; N]>;
    /// The next `N` bytes at the cursor, not taken; `None` when fewer are at hand (always
    /// for a stream, whose reads may block or fail).
    fn cur_peek<const N: usize>(&self, c: &Self::Cursor) -> Option<[u8; N]>;
    /// Takes `n` bytes that [`Source::cur_peek`] has just shown.
    fn cur_skip(&mut self, c: &mut Self::Cursor, n: usize);
}

/// A source borrowed: the caller keeps it (and what it read ahead) after the load.
impl<T: Source> Source for &mut T {
    type Bytes = T::Bytes;
    #[inline(always)]
    fn pos(&self) -> usize {
        (**self).pos()
    }
    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }
    #[inline(always)]
    fn begin_op(&mut self) {
        (**self).begin_op();
    }
    fn op_byte(&self, at: usize) -> Option<u8> {
        (**self).op_byte(at)
    }
    fn left(&self) -> usize {
        (**self).left()
    }
    #[inline(always)]
    fn u8(&mut self) -> Option<u8> {
        (**self).u8()
    }
    #[inline(always)]
    fn take_array<const N: usize>(&mut self) -> Option<&[u8; N]> {
        (**self).take_array()
    }
    #[inline(always)]
    fn take(&mut self, n: usize) -> Result<T::Bytes, Short> {
        (**self).take(n)
    }
    #[inline(always)]
    fn take_window<const N: usize>(&mut self, n: usize) -> Option<&[u8; N]> {
        (**self).take_window(n)
    }
    fn take_vec(&mut self, n: usize) -> Result<Vec<u8>, Short> {
        (**self).take_vec(n)
    }
    fn ahead(&mut self, n: u64) -> Result<(), Short> {
        (**self).ahead(n)
    }
    fn line(&mut self) -> Result<T::Bytes, Short> {
        (**self).line()
    }
    type Cursor = T::Cursor;
    #[inline(always)]
    fn cursor(&self) -> T::Cursor {
        (**self).cursor()
    }
    #[inline(always)]
    fn set_cursor(&mut self, c: T::Cursor) {
        (**self).set_cursor(c);
    }
    #[inline(always)]
    fn cur_pos(&self, c: &T::Cursor) -> usize {
        (**self).cur_pos(c)
    }
    #[inline(always)]
    fn cur_u8(&mut self, c: &mut T::Cursor) -> Option<u8> {
        (**self).cur_u8(c)
    }
    #[inline(always)]
    fn cur_array<const N: usize>(&mut self, c: &mut T::Cursor) -> Option<[u8; N]> {
        (**self).cur_array(c)
    }
    #[inline(always)]
    fn cur_window<const N: usize>(&mut self, c: &mut T::Cursor, n: usize) -> Option<[u8; N]> {
        (**self).cur_window(c, n)
    }
    #[inline(always)]
    fn cur_peek<const N: usize>(&self, c: &T::Cursor) -> Option<[u8; N]> {
        (**self).cur_peek(c)
    }
    #[inline(always)]
    fn cur_skip(&mut self, c: &mut T::Cursor, n: usize) {
        (**self).cur_skip(c, n);
    }
}

/// The whole input in memory; its own [`Source::Cursor`].
#[derive(Clone, Copy)]
pub(crate) struct Slice<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Slice<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Slice<'a> {
        Slice { data, pos: 0 }
    }
}

impl<'a> Source for Slice<'a> {
    type Bytes = &'a [u8];

    #[inline(always)]
    fn pos(&self) -> usize {
        self.pos
    }

    fn size_hint(&self) -> usize {
        self.data.len()
    }

    #[inline(always)]
    fn begin_op(&mut self) {}

    fn op_byte(&self, at: usize) -> Option<u8> {
        self.data.get(at).copied()
    }

    fn left(&self) -> usize {
        self.data.len() - self.pos
    }

    #[inline(always)]
    fn u8(&mut self) -> Option<u8> {
        let b = *self.data.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    #[inline(always)]
    fn take_array<const N: usize>(&mut self) -> Option<&[u8; N]> {
        let pos = self.pos;
        let end = pos.checked_add(N)?;
        let a: &[u8; N] = self.data.get(pos..end)?.try_into().ok()?;
        self.pos = end;
        Some(a)
    }

    #[inline(always)]
    fn take_window<const N: usize>(&mut self, n: usize) -> Option<&[u8; N]> {
        if n > N {
            return None;
        }
        let data = self.data;
        let w = data.get(self.pos..)?.first_chunk::<N>()?;
        self.pos += n;
        Some(w)
    }

    #[inline(always)]
    fn take(&mut self, n: usize) -> Result<&'a [u8], Short> {
        let data = self.data;
        match data.get(self.pos..).and_then(|rest| rest.get(..n)) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => Err(Short::Ends(self.left())),
        }
    }

    fn take_vec(&mut self, n: usize) -> Result<Vec<u8>, Short> {
        self.take(n).map(<[u8]>::to_vec)
    }

    fn ahead(&mut self, n: u64) -> Result<(), Short> {
        let left = self.left();
        if n > left as u64 {
            return Err(Short::Ends(left));
        }
        Ok(())
    }

    fn line(&mut self) -> Result<&'a [u8], Short> {
        let data = self.data;
        let rest = &data[self.pos..];
        match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                self.pos += i + 1;
                Ok(&rest[..i])
            }
            None => Err(Short::Ends(rest.len())),
        }
    }

    type Cursor = Slice<'a>;
    #[inline(always)]
    fn cursor(&self) -> Slice<'a> {
        *self
    }
    #[inline(always)]
    fn set_cursor(&mut self, c: Slice<'a>) {
        self.pos = c.pos;
    }
    #[inline(always)]
    fn cur_pos(&self, c: &Slice<'a>) -> usize {
        c.pos
    }
    #[inline(always)]
    fn cur_u8(&mut self, c: &mut Slice<'a>) -> Option<u8> {
        c.u8()
    }
    #[inline(always)]
    fn cur_array<const N: usize>(&mut self, c: &mut Slice<'a>) -> Option<[u8; N]> {
        c.take_array::<N>().copied()
    }
    #[inline(always)]
    fn cur_window<const N: usize>(&mut self, c: &mut Slice<'a>, n: usize) -> Option<[u8; N]> {
        c.take_window::<N>(n).copied()
    }
    #[inline(always)]
    fn cur_peek<const N: usize>(&self, c: &Slice<'a>) -> Option<[u8; N]> {
        c.data.get(c.pos..)?.first_chunk::<N>().copied()
    }
    #[inline(always)]
    fn cur_skip(&mut self, c: &mut Slice<'a>, n: usize) {
        c.pos += n;
    }
}

/// How much a stream reads at a time.
const READ: usize = 64 * 1024;

/// A reader, read through a window that holds the current opcode and what has been read
/// ahead of it. Payloads longer than the window are read straight into their own buffer.
/// At most `cap` bytes are held for one read (a FRAME looked ahead, a line, a payload).
/// The reader's first error ends the input and is kept in `err` for the caller.
pub(crate) struct Stream<'e, R> {
    r: R,
    buf: Vec<u8>,
    /// The next byte's index in `buf`.
    start: usize,
    /// The offset of `buf[0]`.
    base: usize,
    /// The current opcode's offset (kept in the window).
    op: usize,
    /// The current opcode's byte, once a long payload has moved the window past it.
    op_saved: Option<u8>,
    eof: bool,
    err: &'e mut Option<io::Error>,
    cap: usize,
    hint: usize,
}

impl<'e, R: Read> Stream<'e, R> {
    pub(crate) fn new(r: R, err: &'e mut Option<io::Error>, cap: usize, hint: usize) -> Self {
        Stream {
            r,
            buf: Vec::with_capacity(READ),
            start: 0,
            base: 0,
            op: 0,
            op_saved: None,
            eof: false,
            err,
            cap,
            hint,
        }
    }

    /// What the window holds past the current position: the read-ahead, which the reader
    /// no longer has.
    pub(crate) fn read_ahead(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Reads until `n` bytes are held from `start`, or the input ends. Returns whether
    /// they are.
    fn fill(&mut self, n: usize) -> bool {
        while self.buf.len() - self.start < n {
            if self.eof {
                return false;
            }
            // Drop what is behind both the position and the current opcode, once that is
            // worth a move.
            let keep = self.start.min(self.op.saturating_sub(self.base));
            if keep >= READ || keep == self.buf.len() {
                self.buf.drain(..keep);
                self.base += keep;
                self.start -= keep;
            }
            let old = self.buf.len();
            let want = (n - (old - self.start)).max(READ);
            self.buf.resize(old + want, 0);
            let got = read_some(&mut self.r, &mut self.buf[old..]);
            match got {
                Ok(0) => self.eof = true,
                Ok(k) => self.buf.truncate(old + k),
                Err(e) => {
                    *self.err = Some(e);
                    self.eof = true;
                }
            }
            if self.eof {
                self.buf.truncate(old);
            }
        }
        true
    }

    fn held(&self) -> usize {
        self.buf.len() - self.start
    }

    /// A read longer than the limit fails either way; which way is what a slice would say:
    /// truncated when the input ends first (counted, not held), else too big.
    fn skip(&mut self, n: usize) -> Short {
        let mut seen = self.held();
        self.start = self.buf.len();
        let mut scratch = vec![0u8; READ];
        while seen < n {
            match read_some(&mut self.r, &mut scratch) {
                Ok(0) => return Short::Ends(seen),
                Ok(k) => seen += k,
                Err(e) => {
                    *self.err = Some(e);
                    return Short::Ends(seen);
                }
            }
        }
        Short::TooBig
    }
}

/// One `read`, retried when interrupted.
fn read_some(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

impl<R: Read> Source for Stream<'_, R> {
    type Bytes = Vec<u8>;

    fn pos(&self) -> usize {
        self.base + self.start
    }

    fn size_hint(&self) -> usize {
        self.hint
    }

    fn begin_op(&mut self) {
        self.op = self.base + self.start;
        self.op_saved = None;
    }

    fn op_byte(&self, at: usize) -> Option<u8> {
        match at.checked_sub(self.base).and_then(|i| self.buf.get(i)) {
            Some(&b) => Some(b),
            None => self.op_saved.filter(|_| at == self.op),
        }
    }

    fn left(&self) -> usize {
        self.held()
    }

    #[inline]
    fn u8(&mut self) -> Option<u8> {
        if self.start >= self.buf.len() && !self.fill(1) {
            return None;
        }
        let b = *self.buf.get(self.start)?;
        self.start += 1;
        Some(b)
    }

    fn take_array<const N: usize>(&mut self) -> Option<&[u8; N]> {
        if !self.fill(N) {
            return None;
        }
        let start = self.start;
        self.start += N;
        self.buf.get(start..)?.first_chunk::<N>()
    }

    fn take(&mut self, n: usize) -> Result<Vec<u8>, Short> {
        if n > self.cap {
            return Err(self.skip(n));
        }
        if n <= READ || self.held() >= n {
            if !self.fill(n) {
                return Err(Short::Ends(self.held()));
            }
            let v = self.buf[self.start..self.start + n].to_vec();
            self.start += n;
            return Ok(v);
        }
        // Longer than the window: what it holds, then the rest straight from the reader,
        // growing with what arrives (a length the input does not have costs nothing).
        let have = self.held();
        let mut v = Vec::with_capacity(n.min(have + (16 << 20)));
        v.extend_from_slice(&self.buf[self.start..self.start + have]);
        self.start += have;
        while v.len() < n {
            if self.eof {
                let got = v.len();
                // Put the bytes back for the error's "left": they are what was left.
                self.buf.splice(self.start..self.start, v);
                return Err(Short::Ends(got));
            }
            let old = v.len();
            let step = (n - old).min(old.max(READ));
            v.resize(old + step, 0);
            let mut filled = old;
            while filled < old + step {
                match read_some(&mut self.r, &mut v[filled..]) {
                    Ok(0) => {
                        self.eof = true;
                        break;
                    }
                    Ok(k) => filled += k,
                    Err(e) => {
                        *self.err = Some(e);
                        self.eof = true;
                        break;
                    }
                }
            }
            v.truncate(filled);
        }
        // The window is all behind the position now: start it afresh there, keeping the
        // opcode's byte for errors.
        self.op_saved = self.op_byte(self.op);
        self.base += self.start + (n - have);
        self.buf.clear();
        self.start = 0;
        Ok(v)
    }

    fn take_vec(&mut self, n: usize) -> Result<Vec<u8>, Short> {
        self.take(n)
    }

    fn ahead(&mut self, n: u64) -> Result<(), Short> {
        // Past the limit the bytes cannot be held to be looked at: held up to it, the
        // input either ends first (truncated, as a slice says) or the read is too big.
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if !self.fill(n.min(self.cap.saturating_add(1))) {
            return Err(Short::Ends(self.held()));
        }
        if n > self.cap {
            return Err(Short::TooBig);
        }
        Ok(())
    }

    fn line(&mut self) -> Result<Vec<u8>, Short> {
        // How much past `start` has been searched (indices move when the window does).
        let mut scanned = 0;
        loop {
            let from = self.start + scanned;
            if let Some(i) = self.buf[from..].iter().position(|&b| b == b'\n') {
                let end = from + i;
                let v = self.buf[self.start..end].to_vec();
                self.start = end + 1;
                return Ok(v);
            }
            scanned = self.held();
            if scanned >= self.cap {
                return Err(Short::TooBig);
            }
            if !self.fill(scanned + 1) {
                return Err(Short::Ends(self.held()));
            }
        }
    }

    type Cursor = ();
    #[inline(always)]
    fn cursor(&self) {}
    #[inline(always)]
    fn set_cursor(&mut self, _: ()) {}
    #[inline(always)]
    fn cur_pos(&self, _: &()) -> usize {
        self.pos()
    }
    #[inline(always)]
    fn cur_u8(&mut self, _: &mut ()) -> Option<u8> {
        self.u8()
    }
    #[inline(always)]
    fn cur_array<const N: usize>(&mut self, _: &mut ()) -> Option<[u8; N]> {
        self.take_array::<N>().copied()
    }
    #[inline(always)]
    fn cur_window<const N: usize>(&mut self, _: &mut (), n: usize) -> Option<[u8; N]> {
        self.take_window::<N>(n).copied()
    }
    #[inline(always)]
    fn cur_peek<const N: usize>(&self, _: &()) -> Option<[u8; N]> {
        None
    }
    #[inline(always)]
    fn cur_skip(&mut self, _: &mut (), _: usize) {}
}
