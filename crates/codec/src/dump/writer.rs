//! The output buffer with protocol-4 framing, as `_Pickler_Write`, `_Pickler_CommitFrame`,
//! `_Pickler_OpcodeBoundary` and `_Pickler_write_bytes` do it.

use crate::opcode::op;

/// FRAME and its 8-byte length.
const HEADER: usize = 9;
/// A frame is committed at the first save() boundary after it reaches this size.
pub(crate) const FRAME_SIZE_TARGET: usize = 64 * 1024;
/// Frames smaller than this are written without a header.
const FRAME_SIZE_MIN: usize = 4;

pub(crate) struct Writer {
    pub(crate) buf: Vec<u8>,
    framing: bool,
    frame_start: Option<usize>,
    /// CPython 3.6: every frame gets a header, and large payloads stay inside frames.
    legacy36: bool,
}

impl Writer {
    /// A writer whose buffer starts at `capacity` bytes (a guess at the output size, so
    /// small pickles are written without growing the buffer).
    pub(crate) fn new(legacy36: bool, capacity: usize) -> Writer {
        Writer {
            buf: Vec::with_capacity(capacity),
            framing: false,
            frame_start: None,
            legacy36,
        }
    }

    pub(crate) fn start_framing(&mut self) {
        self.framing = true;
    }

    #[inline(always)]
    pub(crate) fn write(&mut self, data: &[u8]) {
        if self.framing && self.frame_start.is_none() {
            self.open_frame();
        }
        self.buf.extend_from_slice(data);
    }

    #[inline(always)]
    pub(crate) fn byte(&mut self, b: u8) {
        if self.framing && self.frame_start.is_none() {
            self.open_frame();
        }
        self.buf.push(b);
    }

    /// Reserves a frame header (filled in or removed by `commit_frame`).
    #[cold]
    fn open_frame(&mut self) {
        self.frame_start = Some(self.buf.len());
        self.buf.extend_from_slice(&[0; HEADER]);
    }

    pub(crate) fn commit_frame(&mut self) {
        let Some(start) = self.frame_start.take() else {
            return;
        };
        let len = self.buf.len() - start - HEADER;
        if len >= FRAME_SIZE_MIN || self.legacy36 {
            self.buf[start] = op::FRAME;
            self.buf[start + 1..start + HEADER].copy_from_slice(&(len as u64).to_le_bytes());
        } else {
            self.buf.drain(start..start + HEADER);
        }
    }

    /// Called at the start of every save(): commits a frame that has reached the target.
    #[inline]
    pub(crate) fn opcode_boundary(&mut self) {
        if let Some(start) = self.frame_start
            && self.buf.len() - start - HEADER >= FRAME_SIZE_TARGET
        {
            self.commit_frame();
        }
    }

    /// An opcode with a payload: payloads of 64 KiB or more go outside any frame.
    pub(crate) fn write_large(&mut self, header: &[u8], data: &[u8]) {
        if data.len() >= FRAME_SIZE_TARGET && !self.legacy36 {
            self.commit_frame();
            let framing = self.framing;
            self.framing = false;
            self.write(header);
            self.write(data);
            self.framing = framing;
        } else {
            self.write(header);
            self.write(data);
        }
    }
}
