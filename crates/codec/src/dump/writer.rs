//! The output buffer with protocol-4 framing, as `_Pickler_Write`, `_Pickler_CommitFrame`,
//! `_Pickler_OpcodeBoundary` and `_Pickler_write_bytes` do it.

use crate::opcode::op;

/// FRAME and its 8-byte length.
const HEADER: usize = 9;
/// A frame is committed at the first save() boundary after it reaches this size.
pub(crate) const FRAME_SIZE_TARGET: usize = 64 * 1024;
/// Frames smaller than this are written without a header.
const FRAME_SIZE_MIN: usize = 4;
/// In a dump in parts, the graph's payloads of this size and more that go inside a frame
/// are kept aside too (a copy of them costs more than a segment).
pub(crate) const ASIDE_MIN: usize = 1024;

pub(crate) struct Writer<'g> {
    pub(crate) buf: Vec<u8>,
    /// With `Some` (a dump in parts), the graph's payloads that go outside frames are
    /// not copied into `buf`: each is kept as (the length of `buf` where it goes, the
    /// payload), as CPython's pickler hands such a payload to a file's `write` whole; so
    /// are those of [`ASIDE_MIN`] bytes and more inside frames.
    pub(crate) segments: Option<Vec<(usize, &'g [u8])>>,
    framing: bool,
    frame_start: Option<usize>,
    /// The bytes of the open frame kept aside in [`Self::segments`], not in `buf`: part
    /// of the frame's length, and already taken off [`Self::frame_limit`].
    frame_aside: usize,
    /// Whether the next write opens a frame (`framing` with no frame open): one flag for
    /// the hot paths to test.
    need_frame: bool,
    /// The buffer length at which an opcode boundary commits the open frame (its start,
    /// header and [`FRAME_SIZE_TARGET`]), `usize::MAX` with no frame open: one compare
    /// per `save()`.
    frame_limit: usize,
    /// CPython 3.6: every frame gets a header, and large payloads stay inside frames.
    legacy36: bool,
}

impl<'g> Writer<'g> {
    /// A writer whose buffer starts at `capacity` bytes (a guess at the output size, so
    /// small pickles are written without growing the buffer); `parts`: whether the
    /// graph's large payloads are kept aside rather than copied ([`Self::segments`]).
    pub(crate) fn new(legacy36: bool, capacity: usize, parts: bool) -> Writer<'g> {
        Writer {
            buf: Vec::with_capacity(capacity),
            segments: parts.then(|| Vec::with_capacity(2)),
            framing: false,
            frame_start: None,
            frame_aside: 0,
            need_frame: false,
            frame_limit: usize::MAX,
            legacy36,
        }
    }

    pub(crate) fn start_framing(&mut self) {
        self.set_framing(true);
    }

    fn set_framing(&mut self, on: bool) {
        self.framing = on;
        self.need_frame = on && self.frame_start.is_none();
    }

    /// Opens a frame if the next bytes need one; then `buf` may be written directly.
    #[inline(always)]
    pub(crate) fn ready(&mut self) {
        if self.need_frame {
            self.open_frame();
        }
    }

    #[inline(always)]
    pub(crate) fn write(&mut self, data: &[u8]) {
        self.ready();
        self.buf.extend_from_slice(data);
    }

    #[inline(always)]
    pub(crate) fn byte(&mut self, b: u8) {
        self.ready();
        self.buf.push(b);
    }

    /// Reserves a frame header (filled in or removed by `commit_frame`).
    #[cold]
    fn open_frame(&mut self) {
        let start = self.buf.len();
        self.frame_start = Some(start);
        self.frame_limit = start + HEADER + FRAME_SIZE_TARGET;
        self.need_frame = false;
        self.buf.extend_from_slice(&[0; HEADER]);
    }

    pub(crate) fn commit_frame(&mut self) {
        let Some(start) = self.frame_start.take() else {
            return;
        };
        self.frame_limit = usize::MAX;
        self.need_frame = self.framing;
        let len = self.buf.len() - start - HEADER + std::mem::take(&mut self.frame_aside);
        if len >= FRAME_SIZE_MIN || self.legacy36 {
            self.buf[start] = op::FRAME;
            self.buf[start + 1..start + HEADER].copy_from_slice(&(len as u64).to_le_bytes());
        } else {
            self.buf.drain(start..start + HEADER);
        }
    }

    /// Called at the start of every save(): commits a frame that has reached the target.
    #[inline(always)]
    pub(crate) fn opcode_boundary(&mut self) {
        if self.buf.len() >= self.frame_limit {
            self.commit_full_frame();
        }
    }

    /// How many bytes can still be written before an opcode boundary would commit the
    /// open frame (at least 1 right after [`Self::opcode_boundary`]; `usize::MAX` less
    /// the buffer's length with no frame open).
    #[inline(always)]
    pub(crate) fn room(&self) -> usize {
        self.frame_limit.saturating_sub(self.buf.len()).max(1)
    }

    #[cold]
    #[inline(never)]
    fn commit_full_frame(&mut self) {
        self.commit_frame();
    }

    /// [`Self::write_large`] of a payload of the graph: in a dump in parts, one that goes
    /// outside any frame, or of [`ASIDE_MIN`] bytes and more, is kept aside in
    /// [`Self::segments`] instead of copied.
    #[inline]
    pub(crate) fn write_large_graph(&mut self, header: &[u8], data: &'g [u8]) {
        if self.segments.is_none() || data.len() < ASIDE_MIN {
            return self.write_large(header, data);
        }
        if data.len() >= FRAME_SIZE_TARGET && !self.legacy36 {
            return self.keep_aside(header, data);
        }
        self.keep_aside_here(header, data);
    }

    /// The opcode's header written, its payload kept aside where it stands, inside the
    /// open frame if there is one: the frame's limit comes down by the payload's size, and
    /// its length goes up by it when committed, as if the payload were in `buf`.
    #[cold]
    fn keep_aside_here(&mut self, header: &[u8], data: &'g [u8]) {
        self.write(header);
        let at = self.buf.len();
        if let Some(segments) = self.segments.as_mut() {
            segments.push((at, data));
        }
        if self.frame_start.is_some() {
            self.frame_aside += data.len();
            self.frame_limit = self.frame_limit.saturating_sub(data.len());
        }
    }

    #[cold]
    fn keep_aside(&mut self, header: &[u8], data: &'g [u8]) {
        self.commit_frame();
        let framing = self.framing;
        self.set_framing(false);
        self.write(header);
        let at = self.buf.len();
        if let Some(segments) = self.segments.as_mut() {
            segments.push((at, data));
        }
        self.set_framing(framing);
    }

    /// An opcode with a payload: payloads of 64 KiB or more go outside any frame.
    pub(crate) fn write_large(&mut self, header: &[u8], data: &[u8]) {
        // Room for the whole opcode at once (the buffer's first guess can be small).
        self.buf.reserve(HEADER + header.len() + data.len());
        if data.len() >= FRAME_SIZE_TARGET && !self.legacy36 {
            self.commit_frame();
            let framing = self.framing;
            self.set_framing(false);
            self.write(header);
            self.write(data);
            self.set_framing(framing);
        } else {
            self.write(header);
            self.write(data);
        }
    }
}
