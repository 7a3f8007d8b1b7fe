//! The compressors joblib writes whole files with (zlib, gzip, bz2, lzma, xz, lz4; zstd
//! through the joblib-zstd plugin), recognised by joblib's own magic prefixes
//! (`joblib/compressor.py`) and undone within a byte limit, in two passes: the first
//! counts the output through a scratch chunk, the second writes into a buffer of exactly
//! that size, so a bomb is refused having held one chunk, never its output.

use std::fmt;
use std::io::Read;

use picklejar_codec::ErrorKind;
use picklejar_codec::compress::{self, CHUNK, DECODER_MEMORY_FLOOR};

use crate::error::{Error, Result};

/// A whole-file compression that joblib writes (`joblib.dump(..., compress=(name, level))`).
///
/// ```
/// use picklejar_container::Compression;
///
/// assert_eq!(Compression::detect(b"\x78\x9c\x01\x02"), Some(Compression::Zlib));
/// assert_eq!(Compression::detect(b"\x5d\x00\x00\x80\x00"), Some(Compression::Lzma));
/// assert_eq!(Compression::detect(b"\x80\x04N."), None);
/// assert_eq!(Compression::Lz4.to_string(), "lz4");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Compression {
    /// zlib (RFC 1950): joblib's default compressor, `BinaryZlibFile`. Prefix `78`.
    Zlib,
    /// gzip: `BinaryGzipFile`. Prefix `1f 8b`.
    Gzip,
    /// bzip2: `bz2.BZ2File`. Prefix `BZ`.
    Bz2,
    /// The legacy `.lzma` ("LZMA alone") format: `lzma.LZMAFile(format=FORMAT_ALONE)`.
    /// Prefix `5d 00`.
    Lzma,
    /// xz: `lzma.LZMAFile(format=FORMAT_XZ)`. Prefix `fd 37 7a 58 5a`.
    Xz,
    /// The LZ4 frame format: `lz4.frame.LZ4FrameFile`. Prefix `04 22 4d 18`.
    Lz4,
    /// Zstandard (the joblib-zstd plugin, and what the codec reads). Prefix `28 b5 2f fd`.
    Zstd,
}

impl Compression {
    /// Every format, in the order joblib tries their prefixes (zstd last).
    ///
    /// ```
    /// use picklejar_container::Compression;
    ///
    /// assert_eq!(Compression::ALL.len(), 7);
    /// ```
    pub const ALL: &'static [Compression] = &[
        Compression::Zlib,
        Compression::Gzip,
        Compression::Bz2,
        Compression::Lzma,
        Compression::Xz,
        Compression::Lz4,
        Compression::Zstd,
    ];

    /// The name joblib gives it (`zlib`, `gzip`, `bz2`, `lzma`, `xz`, `lz4`; `zstd`).
    ///
    /// ```
    /// use picklejar_container::Compression;
    ///
    /// assert_eq!(Compression::Xz.name(), "xz");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Compression::Zlib => "zlib",
            Compression::Gzip => "gzip",
            Compression::Bz2 => "bz2",
            Compression::Lzma => "lzma",
            Compression::Xz => "xz",
            Compression::Lz4 => "lz4",
            Compression::Zstd => "zstd",
        }
    }

    /// The prefix joblib recognises it by.
    ///
    /// ```
    /// use picklejar_container::Compression;
    ///
    /// assert_eq!(Compression::Bz2.magic(), b"BZ");
    /// ```
    pub fn magic(self) -> &'static [u8] {
        match self {
            Compression::Zlib => b"\x78",
            Compression::Gzip => b"\x1f\x8b",
            Compression::Bz2 => b"BZ",
            Compression::Lzma => b"\x5d\x00",
            Compression::Xz => b"\xfd\x37\x7a\x58\x5a",
            Compression::Lz4 => b"\x04\x22\x4d\x18",
            Compression::Zstd => b"\x28\xb5\x2f\xfd",
        }
    }

    /// The format `data` starts with, by joblib's prefixes; `None` for anything else.
    ///
    /// ```
    /// use picklejar_container::Compression;
    ///
    /// assert_eq!(Compression::detect(b"\x1f\x8b\x08"), Some(Compression::Gzip));
    /// ```
    pub fn detect(data: &[u8]) -> Option<Compression> {
        Compression::ALL
            .iter()
            .copied()
            .find(|c| data.starts_with(c.magic()))
    }

    /// Decompresses all of `data` as this format, to at most `limit` bytes: kinds
    /// `truncated` (the stream ends early), `bad-compression` (corrupt) and
    /// `limit-exceeded` (past `limit`; the bytes past it are counted, never kept).
    ///
    /// ```
    /// use picklejar_codec::ErrorKind;
    /// use picklejar_container::Compression;
    ///
    /// // zlib.compress(b"\x80\x04N.")
    /// let z = b"x\x9ck`\xf1\xd3\x03\x00\x02\xda\x01\x01";
    /// assert_eq!(Compression::Zlib.decompress(z, 1 << 20)?, b"\x80\x04N.");
    /// assert_eq!(Compression::Zlib.decompress(z, 2).unwrap_err().kind(), ErrorKind::LimitExceeded);
    /// assert_eq!(Compression::Zlib.decompress(&z[..6], 1 << 20).unwrap_err().kind(), ErrorKind::Truncated);
    /// # Ok::<(), picklejar_container::Error>(())
    /// ```
    pub fn decompress(self, data: &[u8], limit: usize) -> Result<Vec<u8>> {
        decompress(data, self, limit)
    }

    fn codec_format(self) -> Option<compress::Compression> {
        match self {
            Compression::Gzip => Some(compress::Compression::Gzip),
            Compression::Bz2 => Some(compress::Compression::Bz2),
            Compression::Xz => Some(compress::Compression::Xz),
            Compression::Zstd => Some(compress::Compression::Zstd),
            Compression::Zlib | Compression::Lzma | Compression::Lz4 => None,
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Decompresses all of `data` as `format`, to at most `limit` bytes.
pub(crate) fn decompress(data: &[u8], format: Compression, limit: usize) -> Result<Vec<u8>> {
    if let Some(f) = format.codec_format() {
        return compress::decompress_as(data, f, limit).map_err(Error::from);
    }
    // Pass one: count, keeping nothing.
    let mut total = 0usize;
    run(format, data, limit, &mut |chunk| {
        total = total.saturating_add(chunk.len());
        if total > limit {
            return Err(too_big(format, limit));
        }
        Ok(())
    })?;
    // Pass two: into a buffer of exactly that size.
    let mut out = Vec::new();
    out.try_reserve_exact(total).map_err(|_| {
        Error::new(
            ErrorKind::LimitExceeded,
            format!("{format}: cannot allocate {total} bytes for the decompressed data"),
        )
    })?;
    run(format, data, limit, &mut |chunk| {
        if out.len() + chunk.len() > total {
            return Err(Error::new(
                ErrorKind::BadCompression,
                format!("{format}: the data decompressed to different sizes twice"),
            ));
        }
        out.extend_from_slice(chunk);
        Ok(())
    })?;
    Ok(out)
}

/// The first `n` bytes `data` decompresses to (fewer if it is shorter), without
/// decompressing the rest; corrupt data within those bytes is an error.
pub(crate) fn peek(data: &[u8], format: Compression, n: usize) -> Result<Vec<u8>> {
    if let Some(f) = format.codec_format() {
        return compress::peek(data, f, n).map_err(Error::from);
    }
    let mut out = Vec::new();
    let r = run(format, data, usize::MAX, &mut |chunk| {
        let want = n.saturating_sub(out.len()).min(chunk.len());
        out.extend_from_slice(&chunk[..want]);
        if out.len() >= n {
            // Enough: stop the decoder (this error is never reported).
            return Err(Error::new(ErrorKind::LimitExceeded, "peeked"));
        }
        Ok(())
    });
    match r {
        Err(_) if out.len() >= n => Ok(out),
        Err(e) => Err(e),
        Ok(()) => Ok(out),
    }
}

fn too_big(format: Compression, limit: usize) -> Error {
    Error::new(
        ErrorKind::LimitExceeded,
        format!(
            "{format}-compressed data decompresses to more than the {limit} bytes left of the budget (raise --max-alloc if the file is trusted)"
        ),
    )
}

fn corrupt(format: Compression, at: usize, what: impl fmt::Display) -> Error {
    Error::new(ErrorKind::BadCompression, format!("{format}: {what}")).at(at as u64)
}

fn cut_short(format: Compression, data: &[u8]) -> Error {
    Error::new(
        ErrorKind::Truncated,
        format!("{format}: compressed data ended before the end-of-stream marker was reached"),
    )
    .at(data.len() as u64)
}

/// Runs the decoder for one of the formats the codec does not read, handing each piece
/// of output to `sink`.
fn run(
    format: Compression,
    data: &[u8],
    limit: usize,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let mut buf = vec![0u8; CHUNK];
    match format {
        Compression::Zlib => zlib(data, &mut buf, sink),
        Compression::Lzma => lzma_alone(data, limit, &mut buf, sink),
        Compression::Lz4 => lz4(data, &mut buf, sink),
        Compression::Gzip | Compression::Bz2 | Compression::Xz | Compression::Zstd => {
            Err(Error::new(
                ErrorKind::BadCompression,
                format!("{format}: not handled here"),
            ))
        }
    }
}

fn zlib(data: &[u8], buf: &mut [u8], sink: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
    use flate2::{Decompress, FlushDecompress, Status};
    let format = Compression::Zlib;
    let mut d = Decompress::new(true);
    loop {
        let (in0, out0) = (d.total_in() as usize, d.total_out());
        let input = data.get(in0..).unwrap_or_default();
        let status = d
            .decompress(input, buf, FlushDecompress::None)
            .map_err(|e| corrupt(format, in0, e))?;
        let produced = (d.total_out() - out0) as usize;
        sink(buf.get(..produced).unwrap_or_default())?;
        match status {
            Status::StreamEnd => return Ok(()),
            Status::Ok | Status::BufError => {
                if produced == 0 && d.total_in() as usize == in0 {
                    return Err(cut_short(format, data));
                }
            }
        }
    }
}

fn lzma_alone(
    data: &[u8],
    limit: usize,
    buf: &mut [u8],
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    use liblzma::stream::{Action, Error as LzmaError, Status, Stream};
    let format = Compression::Lzma;
    let memlimit = limit.max(DECODER_MEMORY_FLOOR) as u64;
    let mut s = Stream::new_lzma_decoder(memlimit).map_err(|e| corrupt(format, 0, e))?;
    loop {
        let (in0, out0) = (s.total_in() as usize, s.total_out());
        let input = data.get(in0..).unwrap_or_default();
        let status = s.process(input, buf, Action::Run).map_err(|e| match e {
            LzmaError::MemLimit => Error::new(
                ErrorKind::LimitExceeded,
                format!("{format}: the stream asks for more decoder memory than the budget allows"),
            )
            .at(in0 as u64),
            other => corrupt(format, in0, other),
        })?;
        let produced = (s.total_out() - out0) as usize;
        sink(buf.get(..produced).unwrap_or_default())?;
        match status {
            Status::StreamEnd => return Ok(()),
            _ => {
                if produced == 0 && s.total_in() as usize == in0 {
                    return Err(cut_short(format, data));
                }
            }
        }
    }
}

fn lz4(data: &[u8], buf: &mut [u8], sink: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
    let format = Compression::Lz4;
    let mut r = lz4_flex::frame::FrameDecoder::new(data);
    loop {
        match r.read(buf) {
            Ok(0) => return Ok(()),
            Ok(n) => sink(buf.get(..n).unwrap_or_default())?,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Err(cut_short(format, data));
            }
            Err(e) => return Err(corrupt(format, 0, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zlib_round_trip_and_limits() {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&[7u8; 100_000]).expect("write");
        let z = e.finish().expect("finish");
        assert_eq!(Compression::detect(&z), Some(Compression::Zlib));
        assert_eq!(
            decompress(&z, Compression::Zlib, 100_000).expect("fits"),
            vec![7u8; 100_000]
        );
        let err = decompress(&z, Compression::Zlib, 99_999).expect_err("too big");
        assert_eq!(err.kind(), ErrorKind::LimitExceeded);
        let err = decompress(&z[..z.len() - 5], Compression::Zlib, 1 << 20).expect_err("cut");
        assert_eq!(err.kind(), ErrorKind::Truncated);
        assert_eq!(
            peek(&z, Compression::Zlib, 10).expect("peek"),
            vec![7u8; 10]
        );
    }

    #[test]
    fn lz4_round_trip() {
        use std::io::Write;
        let mut e = lz4_flex::frame::FrameEncoder::new(Vec::new());
        e.write_all(b"\x80\x04N.").expect("write");
        let z = e.finish().expect("finish");
        assert_eq!(Compression::detect(&z), Some(Compression::Lz4));
        assert_eq!(
            decompress(&z, Compression::Lz4, 100).expect("ok"),
            b"\x80\x04N."
        );
        assert_eq!(
            decompress(&z, Compression::Lz4, 3)
                .expect_err("limit")
                .kind(),
            ErrorKind::LimitExceeded
        );
    }
}
