//! Compressed pickles: gzip, bzip2, xz and zstd, recognised by their magic bytes (never by
//! a file name) and decompressed strictly, within an allocation limit.
//!
//! * [`detect`] looks at the first bytes: gzip `1f 8b`, bzip2 `BZh`, xz
//!   `fd 37 7a 58 5a 00`, zstd `28 b5 2f fd`. Anything else is not compressed.
//! * [`decompress`] decompresses the *whole* input, as Python's `gzip.decompress`,
//!   `bz2.decompress`, `lzma.decompress` and `compression.zstd.decompress` do: every gzip
//!   member (with the zero padding between members skipped), every concatenated bzip2, xz
//!   or zstd stream. Like Python, data after the last bzip2 or xz stream that is not a
//!   stream is ignored; after gzip and zstd it is an error. Input that is not compressed
//!   is handed back borrowed, as is.
//! * [`compress`] writes the formats deterministically (gzip with mtime 0 and no file
//!   name), for `picklejar dump --compress`.
//!
//! Errors are [`Error`]s: [`ErrorKind::Truncated`] when the input ends before an
//! end-of-stream marker, [`ErrorKind::BadCompression`] for corrupt data (a bad header,
//! invalid compressed data, a CRC or checksum mismatch) and [`ErrorKind::LimitExceeded`]
//! when the output would pass the limit. Their offset is how far the compressed input had
//! been read, and their message names the format.
//!
//! # Memory
//!
//! A decompression bomb costs one chunk of memory, never its output: decompression runs
//! twice. The first pass checks the whole stream and counts its output against the limit
//! through a [`CHUNK`]-byte scratch buffer, keeping none of it; the second writes into a
//! buffer of exactly the counted size. Output is therefore never allocated past the limit,
//! and a stream that passes it is refused after inflating `limit` bytes, with only the
//! scratch chunk and the decoder's state in memory.
//!
//! The decoders' own state is bounded by the larger of the limit and
//! [`DECODER_MEMORY_FLOOR`] (128 MiB): the zstd window (to the largest power of two within
//! that) and the xz decoder's memory, mostly its dictionary. A stream whose header asks for
//! more is `limit-exceeded`. The floor is zstd's own default window maximum and more than
//! any xz preset needs (`xz -9`: 65 MiB), so what the standard tools write at their
//! presets decodes under any limit. gzip needs about 45 KiB of state, bzip2 at most about 3.7 MiB.
//!
//! ```
//! use picklejar_codec::compress::{Compression, compress, decompress};
//! use picklejar_codec::load;
//!
//! // A gzipped pickle loads like a plain one once decompressed; a plain one passes through.
//! let plain = b"\x80\x04K\x2a.";
//! for input in [compress(plain, Compression::Gzip)?, plain.to_vec()] {
//!     let bytes = decompress(&input, 1 << 20)?;
//!     assert_eq!(load(&bytes)?.root(), picklejar_codec::Value::Int(42));
//! }
//! # Ok::<(), picklejar_codec::Error>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::io::Write;

use crate::error::{Error, ErrorKind, Result};

/// The size of the scratch buffer decompression writes through: the memory a
/// decompression bomb costs besides the decoder's state.
///
/// ```
/// assert_eq!(picklejar_codec::compress::CHUNK, 32 * 1024);
/// ```
pub const CHUNK: usize = 32 * 1024;

/// The decoders' own memory (the zstd window, the xz dictionary) may reach the larger of
/// the limit and this: 128 MiB, zstd's default window maximum.
///
/// ```
/// use picklejar_codec::compress::{Compression, DECODER_MEMORY_FLOOR, compress, decompress};
///
/// // A small limit still reads what the standard tools write at their presets.
/// let xz = compress(b"\x80\x04N.", Compression::Xz)?;
/// assert!(DECODER_MEMORY_FLOOR > 64 << 20);
/// assert_eq!(&*decompress(&xz, 16)?, b"\x80\x04N.");
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub const DECODER_MEMORY_FLOOR: usize = 128 << 20;

/// A compression format picklejar reads and writes.
///
/// ```
/// use picklejar_codec::compress::Compression;
///
/// let c: Vec<&str> = Compression::ALL.iter().map(|c| c.name()).collect();
/// assert_eq!(c, ["gzip", "bz2", "xz", "zstd"]);
/// assert_eq!(Compression::Zstd.to_string(), "zstd");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Compression {
    /// gzip (RFC 1952), one or more members: Python's `gzip`.
    Gzip,
    /// bzip2, one or more streams: Python's `bz2`.
    Bz2,
    /// xz, one or more streams: Python's `lzma`.
    Xz,
    /// Zstandard, one or more frames: Python's `compression.zstd`.
    Zstd,
}

impl Compression {
    /// Every format, in declaration order.
    ///
    /// ```
    /// use picklejar_codec::compress::Compression;
    ///
    /// assert_eq!(Compression::ALL.len(), 4);
    /// ```
    pub const ALL: &'static [Compression] = &[
        Compression::Gzip,
        Compression::Bz2,
        Compression::Xz,
        Compression::Zstd,
    ];

    /// The name used on the command line and in `case.yaml`: `gzip`, `bz2`, `xz`, `zstd`.
    ///
    /// ```
    /// use picklejar_codec::compress::Compression;
    ///
    /// assert_eq!(Compression::Bz2.name(), "bz2");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Bz2 => "bz2",
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
        }
    }

    /// Parses a name as [`Compression::name`] spells it; `None` for anything else.
    ///
    /// ```
    /// use picklejar_codec::compress::Compression;
    ///
    /// assert_eq!(Compression::from_name("xz"), Some(Compression::Xz));
    /// assert_eq!(Compression::from_name("lzma"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Compression> {
        Compression::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// The bytes every stream of this format starts with.
    ///
    /// ```
    /// use picklejar_codec::compress::Compression;
    ///
    /// assert_eq!(Compression::Gzip.magic(), b"\x1f\x8b");
    /// ```
    pub fn magic(self) -> &'static [u8] {
        match self {
            Compression::Gzip => b"\x1f\x8b",
            Compression::Bz2 => b"BZh",
            Compression::Xz => b"\xfd7zXZ\x00",
            Compression::Zstd => b"\x28\xb5\x2f\xfd",
        }
    }

    fn truncated(self, data: &[u8]) -> Error {
        Error::at(
            ErrorKind::Truncated,
            data.len() as u64,
            None,
            format!("{self}: compressed data ended before the end-of-stream marker was reached"),
        )
    }

    fn bad(self, at: usize, what: impl fmt::Display) -> Error {
        Error::at(
            ErrorKind::BadCompression,
            at as u64,
            None,
            format!("{self}: {what}"),
        )
    }

    fn limit(self, at: usize, what: impl fmt::Display) -> Error {
        Error::at(
            ErrorKind::LimitExceeded,
            at as u64,
            None,
            format!("{self}: {what}"),
        )
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether `data` starts with a zlib (RFC 1950) header as joblib's default compressor
/// writes it: a `78` byte (deflate, 32 KiB window) and a flag byte that makes the pair a
/// multiple of 31. zlib has no magic, only this check; no pickle opcode is `x`, so no
/// pickle starts so. The codec does not decompress zlib ([`detect`] does not name it):
/// `picklejar-container` reads joblib files compressed so.
///
/// ```
/// use picklejar_codec::compress::is_zlib_header;
///
/// assert!(is_zlib_header(b"x\x9c\x01"));
/// assert!(!is_zlib_header(b"x\x9d\x01"));
/// assert!(!is_zlib_header(b"\x80\x04N."));
/// ```
pub fn is_zlib_header(data: &[u8]) -> bool {
    matches!(*data, [0x78, flg, ..] if (0x7800 + u16::from(flg)) % 31 == 0)
}

/// The compression format `data` starts with, by its magic bytes; `None` for anything else
/// (a plain pickle).
///
/// ```
/// use picklejar_codec::compress::{Compression, detect};
///
/// assert_eq!(detect(b"\x1f\x8b\x08\x00"), Some(Compression::Gzip));
/// assert_eq!(detect(b"\x80\x04K\x01."), None);
/// ```
pub fn detect(data: &[u8]) -> Option<Compression> {
    Compression::ALL
        .iter()
        .copied()
        .find(|c| data.starts_with(c.magic()))
}

/// Decompresses `data` if [`detect`] recognises it, to at most `limit` bytes; anything
/// else comes back borrowed, as is.
///
/// The whole input is decompressed and checked (every member or stream, every CRC)
/// before any output is kept; see the module documentation for what is accepted and how
/// memory stays bounded.
///
/// ```
/// use picklejar_codec::ErrorKind;
/// use picklejar_codec::compress::{Compression, compress, decompress};
///
/// let pickle = b"\x80\x04K\x01.";
/// let gz = compress(pickle, Compression::Gzip)?;
/// assert_eq!(&*decompress(&gz, 1 << 20)?, pickle);
/// assert_eq!(decompress(&gz, 3).unwrap_err().kind(), ErrorKind::LimitExceeded);
/// assert_eq!(decompress(&gz[..gz.len() - 1], 1 << 20).unwrap_err().kind(), ErrorKind::Truncated);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn decompress(data: &[u8], limit: usize) -> Result<Cow<'_, [u8]>> {
    match detect(data) {
        None => Ok(Cow::Borrowed(data)),
        Some(format) => decompress_as(data, format, limit).map(Cow::Owned),
    }
}

/// Decompresses `data` as `format` (whatever its first bytes say), to at most `limit`
/// bytes. Input that is not in that format is [`ErrorKind::BadCompression`].
///
/// ```
/// use picklejar_codec::ErrorKind;
/// use picklejar_codec::compress::{Compression, compress, decompress_as};
///
/// let bz = compress(b"\x80\x04N.", Compression::Bz2)?;
/// assert_eq!(decompress_as(&bz, Compression::Bz2, 1 << 20)?, b"\x80\x04N.");
/// let e = decompress_as(b"\x80\x04N.", Compression::Gzip, 1 << 20).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::BadCompression);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn decompress_as(data: &[u8], format: Compression, limit: usize) -> Result<Vec<u8>> {
    let mut chunk = vec![0u8; CHUNK];
    // First pass: check everything, count the output, keep none of it.
    let mut count = Sink::new(format, limit);
    let end = run(format, data, &mut count, &mut chunk)?;
    let total = count.len;
    // Second pass: the same input (up to where the first pass stopped) into a buffer of
    // exactly the counted size.
    let mut out = Vec::new();
    out.try_reserve_exact(total)
        .map_err(|_| format.limit(end, format_args!("cannot allocate {total} bytes")))?;
    let mut write = Sink {
        limit: total,
        buf: Some(&mut out),
        ..Sink::new(format, limit)
    };
    let input = data.get(..end).unwrap_or(data);
    run(format, input, &mut write, &mut chunk)?;
    if out.len() != total {
        return Err(format.bad(
            end,
            format_args!("decompressed to {} bytes, then to {total} bytes", out.len()),
        ));
    }
    Ok(out)
}

/// The first `n` bytes `data` decompresses to as `format` (fewer when the stream is
/// shorter), without decompressing the rest: what a caller looks at before committing to a
/// whole stream (a bomb of zeros costs `n` bytes and one chunk here).
///
/// ```
/// use picklejar_codec::compress::{Compression, compress, peek};
///
/// let gz = compress(&vec![0u8; 1 << 20], Compression::Gzip)?;
/// assert_eq!(peek(&gz, Compression::Gzip, 16)?, [0u8; 16]);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn peek(data: &[u8], format: Compression, n: usize) -> Result<Vec<u8>> {
    let mut chunk = vec![0u8; CHUNK];
    let mut out = Vec::new();
    let mut sink = Sink {
        limit: usize::MAX,
        stop_at: n.max(1),
        buf: Some(&mut out),
        ..Sink::new(format, 0)
    };
    match run(format, data, &mut sink, &mut chunk) {
        Ok(_) => {}
        Err(_) if sink.stopped => {}
        Err(e) => return Err(e),
    }
    out.truncate(n);
    Ok(out)
}

/// Decompresses `data` as `format` in one pass, to at most `limit` bytes: half the work of
/// [`decompress_as`], which counts first and so never holds a refused bomb's output; here a
/// stream past the limit is refused having held `limit` bytes. For callers that count the
/// output against their own budget anyway.
///
/// ```
/// use picklejar_codec::ErrorKind;
/// use picklejar_codec::compress::{Compression, compress, decompress_one_pass};
///
/// let xz = compress(b"\x80\x04N.", Compression::Xz)?;
/// assert_eq!(decompress_one_pass(&xz, Compression::Xz, 100)?, b"\x80\x04N.");
/// assert_eq!(decompress_one_pass(&xz, Compression::Xz, 3).unwrap_err().kind(), ErrorKind::LimitExceeded);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn decompress_one_pass(data: &[u8], format: Compression, limit: usize) -> Result<Vec<u8>> {
    let mut chunk = vec![0u8; CHUNK];
    let mut out = Vec::new();
    let mut sink = Sink {
        buf: Some(&mut out),
        ..Sink::new(format, limit)
    };
    run(format, data, &mut sink, &mut chunk)?;
    Ok(out)
}

/// How much of a compressed stream [`decompress_pickle`] decompresses before it decides
/// whether the stream holds a pickle.
pub const PEEK: usize = 64 * 1024;

/// A pickle that may be compressed, as a command reads it: plain input comes back
/// borrowed; compressed input is first peeked at ([`PEEK`] bytes), and refused at once when
/// what it holds is compressed again, or fails to load within those bytes (a bomb of zeros,
/// a text file: the same error loading all of it would give, without inflating all of
/// it); only then is it decompressed, in one pass, within `options.limits.max_alloc`.
///
/// ```
/// use picklejar_codec::compress::{Compression, compress, decompress_pickle};
/// use picklejar_codec::{ErrorKind, LoadOptions};
///
/// let opts = LoadOptions::default();
/// let gz = compress(b"\x80\x04N.", Compression::Gzip)?;
/// assert_eq!(&*decompress_pickle(&gz, &opts)?, b"\x80\x04N.");
///
/// // 64 MiB of zeros: refused after the first chunk, not after 64 MiB.
/// let bomb = compress(&vec![0u8; 64 << 20], Compression::Zstd)?;
/// let e = decompress_pickle(&bomb, &opts).unwrap_err();
/// assert_eq!((e.kind(), e.offset()), (ErrorKind::UnknownOpcode, Some(0)));
///
/// // gzip of gzip
/// let twice = compress(&gz, Compression::Gzip)?;
/// assert_eq!(decompress_pickle(&twice, &opts).unwrap_err().kind(), ErrorKind::BadCompression);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn decompress_pickle<'d>(
    data: &'d [u8],
    options: &crate::LoadOptions,
) -> Result<Cow<'d, [u8]>> {
    let Some(format) = detect(data) else {
        return Ok(Cow::Borrowed(data));
    };
    check_head(data, format, options)?;
    decompress_one_pass(data, format, options.limits.max_alloc).map(Cow::Owned)
}
/// The first [`PEEK`] bytes of a compressed stream, checked before the rest is inflated:
/// compressed again, or not a pickle (an error within them is the error the whole stream
/// gives, as loading is one pass; running out of them only means the pickle is longer).
fn check_head(data: &[u8], format: Compression, options: &crate::LoadOptions) -> Result<()> {
    let head = peek(data, format, PEEK)?;
    if let Some(inner) = detect(&head) {
        return Err(Error::new(
            ErrorKind::BadCompression,
            format!(
                "{format}-compressed data that holds {inner}-compressed data: the file was compressed twice; decompress the outer {format} layer (for example with the {format} tool) and load the result"
            ),
        ));
    }
    // An error within the first bytes is the error the whole stream gives (loading is one
    // pass): report it now. Running out of them only means the pickle is longer.
    if let Err(e) = crate::Loader::with_options(options.clone()).load(&head)
        && e.kind() != ErrorKind::Truncated
    {
        let at = e.offset().unwrap_or(0);
        let what = crate::sniff::identify(&head, Some(at))
            .map(|w| format!("; {w}"))
            .unwrap_or_default();
        return Err(Error::at(
            e.kind(),
            at,
            e.opcode(),
            format!("{} (in the {format}-decompressed data){what}", e.message()),
        ));
    }
    Ok(())
}

/// How many bytes after a streamed pickle's STOP [`load_pickle`] keeps (in
/// [`Streamed::after`]) to say what follows it.
pub const AFTER: usize = 1 << 20;

/// A pickle loaded by [`load_pickle`], and what its input was.
#[derive(Debug)]
pub struct Streamed {
    /// The load.
    pub loaded: crate::Loaded,
    /// The input's compression (`None`: it was a plain pickle).
    pub format: Option<Compression>,
    /// The input's length, decompressed.
    pub len: usize,
    /// The first bytes after the pickle's STOP (at most [`AFTER`] of them).
    pub after: Vec<u8>,
}

impl Streamed {
    /// What follows the pickle: [`crate::sniff::following`] on the bytes after its STOP,
    /// at the input's offsets (past [`AFTER`] bytes, the rest counts as not read).
    ///
    /// ```
    /// use picklejar_codec::Loader;
    /// use picklejar_codec::compress::{Compression, compress, load_pickle};
    ///
    /// let gz = compress(b"\x80\x04K\x01.\x80\x04K\x02.", Compression::Gzip)?;
    /// let s = load_pickle(&gz, &mut Loader::new())?;
    /// let t = s.trailing();
    /// assert_eq!((t.pickles, t.starts), (1, vec![5]));
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn trailing(&self) -> crate::sniff::Trailing {
        let end = self.loaded.end;
        let mut t = crate::sniff::following(&self.after, 0);
        for s in &mut t.starts {
            *s += end;
        }
        let kept_end = end + self.after.len();
        if let Some((at, _)) = &mut t.other {
            *at += end;
        }
        if self.len > kept_end {
            let at = t.other.map_or(kept_end, |(at, _)| at);
            t.other = Some((at, self.len - at));
        }
        t
    }
}

/// [`load_pickle`] of input held as [`Bytes`](bytes::Bytes): a plain pickle is loaded
/// with [`Loader::load_shared`](crate::Loader::load_shared), its long payloads shared with
/// `data` instead of copied (what `picklejar load` does with a file it has read); a
/// compressed one as [`load_pickle`] loads it.
///
/// ```
/// use picklejar_codec::bytes::Bytes;
/// use picklejar_codec::compress::load_pickle_shared;
/// use picklejar_codec::{Loader, Node};
///
/// let mut p = b"\x80\x04B\x00\x01\x00\x00".to_vec(); // BINBYTES of 256 bytes
/// p.extend([1u8; 256]);
/// p.extend(b".K\x01.");
/// let s = load_pickle_shared(&Bytes::from(p), &mut Loader::new())?;
/// let Some(Node::Bytes { data, .. }) = s.loaded.graph.deref(s.loaded.graph.root()) else { panic!() };
/// assert!(data.is_shared());
/// assert_eq!((s.format, s.trailing().pickles), (None, 1));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn load_pickle_shared(data: &bytes::Bytes, loader: &mut crate::Loader<'_>) -> Result<Streamed> {
    match detect(data) {
        None => loader.load_shared(data.clone()).map(|l| plain(l, data)),
        Some(_) => load_pickle(data, loader),
    }
}

/// A plain pickle's load as a [`Streamed`].
fn plain(loaded: crate::Loaded, data: &[u8]) -> Streamed {
    let after = data[loaded.end.min(data.len())..]
        .iter()
        .take(AFTER)
        .copied()
        .collect();
    Streamed {
        loaded,
        format: None,
        len: data.len(),
        after,
    }
}

/// Loads the pickle in `data`, which may be compressed, with `loader`: a plain pickle
/// loads from the slice; a compressed one is first checked at its head (as
/// [`decompress_pickle`] does: compressed twice, or not a pickle, is refused after
/// [`PEEK`] bytes), then decompressed on a second thread and loaded *as it is inflated*,
/// through the loader's window ([`crate::Loader::load_reader`]), so the decompressed
/// pickle is never held whole. The whole stream is still decompressed and checked (a bad
/// checksum after the pickle's STOP fails the load, as decompressing first would), within
/// `max_alloc` bytes of output.
///
/// ```
/// use picklejar_codec::compress::{Compression, compress, load_pickle};
/// use picklejar_codec::{ErrorKind, Loader, Value};
///
/// let xz = compress(b"\x80\x04K\x2a.", Compression::Xz)?;
/// let s = load_pickle(&xz, &mut Loader::new())?;
/// assert_eq!((s.loaded.graph.root(), s.format, s.len), (Value::Int(42), Some(Compression::Xz), 5));
///
/// // 64 MiB of zeros: refused at byte 0, having inflated one peek.
/// let bomb = compress(&vec![0u8; 64 << 20], Compression::Zstd)?;
/// let e = load_pickle(&bomb, &mut Loader::new()).unwrap_err();
/// assert_eq!((e.kind(), e.offset()), (ErrorKind::UnknownOpcode, Some(0)));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn load_pickle(data: &[u8], loader: &mut crate::Loader<'_>) -> Result<Streamed> {
    let Some(format) = detect(data) else {
        return loader.load(data).map(|l| plain(l, data));
    };
    let options = loader.options().clone();
    check_head(data, format, &options)?;
    let limit = options.limits.max_alloc;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
    std::thread::scope(|scope| {
        let inflate = scope.spawn(move || {
            let mut chunk = vec![0u8; CHUNK];
            let mut sink = Sink {
                send: Some(tx),
                ..Sink::new(format, limit)
            };
            let r = run(format, data, &mut sink, &mut chunk).map(|_| sink.len);
            (r, sink.stopped)
        });
        let mut reader = Chunks {
            rx,
            cur: Vec::new(),
            at: 0,
        };
        let (result, mut after) = loader.load_stream(&mut reader, data.len().saturating_mul(4));
        if let Err(e) = result {
            // Refused: stop inflating now (a bomb costs what was loaded, not its size). When
            // the stream itself failed first (cut, corrupt), its error is the cause.
            drop(reader);
            return match inflate.join() {
                Ok((Err(own), false)) => Err(own),
                _ => Err(e),
            };
        }
        // The rest of the stream: decompressed to its end (so that its checksum is
        // checked), kept up to AFTER bytes for what follows the pickle.
        after.truncate(AFTER);
        let mut buf = vec![0u8; CHUNK];
        while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
            if n == 0 {
                break;
            }
            let keep = n.min(AFTER - after.len());
            after.extend_from_slice(&buf[..keep]);
        }
        drop(reader);
        let (inflated, _) = inflate.join().map_err(|_| {
            Error::new(
                ErrorKind::BadCompression,
                format!("the {format} decoder stopped"),
            )
        })?;
        // A loaded pickle in a stream that then fails its checksum (or passes the limit)
        // fails, as decompressing all of it first would.
        let len = inflated?;
        let loaded = result?;
        Ok(Streamed {
            loaded,
            format: Some(format),
            len,
            after,
        })
    })
}

/// The decompressor's chunks as a reader.
struct Chunks {
    rx: std::sync::mpsc::Receiver<Vec<u8>>,
    cur: Vec<u8>,
    at: usize,
}

impl std::io::Read for Chunks {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.cur.len() {
            match self.rx.recv() {
                Ok(c) => {
                    self.cur = c;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.cur.len() - self.at);
        out[..n].copy_from_slice(&self.cur[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Compresses `data` as `format`, deterministically: gzip at level 9 with mtime 0, no file
/// name and OS "unknown" (255); bzip2 at level 9; xz at preset 6 with a CRC64 check (as
/// Python's `lzma.compress`); zstd at level 3 with a content checksum.
///
/// ```
/// use picklejar_codec::compress::{Compression, compress, detect};
///
/// for &c in Compression::ALL {
///     assert_eq!(detect(&compress(b"\x80\x04N.", c)?), Some(c));
/// }
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn compress(data: &[u8], format: Compression) -> Result<Vec<u8>> {
    let failed = |e: std::io::Error| {
        Error::new(
            ErrorKind::BadCompression,
            format!("{format}: compressing failed: {e}"),
        )
    };
    match format {
        Compression::Gzip => {
            let mut w = flate2::GzBuilder::new()
                .mtime(0)
                .operating_system(255)
                .write(Vec::new(), flate2::Compression::best());
            w.write_all(data).map_err(failed)?;
            w.finish().map_err(failed)
        }
        Compression::Bz2 => {
            let mut w = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
            w.write_all(data).map_err(failed)?;
            w.finish().map_err(failed)
        }
        Compression::Xz => {
            let mut w = liblzma::write::XzEncoder::new(Vec::new(), 6);
            w.write_all(data).map_err(failed)?;
            w.finish().map_err(failed)
        }
        Compression::Zstd => {
            let mut c = zstd::bulk::Compressor::new(3).map_err(failed)?;
            c.include_checksum(true).map_err(failed)?;
            c.compress(data).map_err(failed)
        }
    }
}

/// Where decompressed bytes go: counted against the limit, and kept when there is a buffer.
struct Sink<'a> {
    format: Compression,
    /// The most output this pass may produce.
    limit: usize,
    /// Stop (successfully) once this much output is kept: [`peek`].
    stop_at: usize,
    stopped: bool,
    /// What the decoders' own memory (xz, zstd) may reach.
    decoder_limit: usize,
    len: usize,
    buf: Option<&'a mut Vec<u8>>,
    /// Where each chunk goes when the output is streamed to a loader ([`load_pickle`]).
    send: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
}

impl Sink<'_> {
    /// A sink that counts up to `limit` bytes and keeps nothing, with the decoders' memory
    /// bounded by the larger of `limit` and [`DECODER_MEMORY_FLOOR`].
    fn new(format: Compression, limit: usize) -> Self {
        Sink {
            format,
            limit,
            stop_at: usize::MAX,
            stopped: false,
            decoder_limit: limit.max(DECODER_MEMORY_FLOOR),
            len: 0,
            buf: None,
            send: None,
        }
    }

    /// Takes `bytes` of output, produced having read the input up to `consumed`.
    fn put(&mut self, bytes: &[u8], consumed: usize) -> Result<()> {
        if bytes.len() > self.limit - self.len {
            return Err(self.format.limit(
                consumed,
                format_args!(
                    "decompressed data exceeds the limit of {} bytes",
                    self.limit
                ),
            ));
        }
        self.len += bytes.len();
        if let Some(b) = self.buf.as_deref_mut() {
            b.extend_from_slice(bytes);
        }
        if let Some(tx) = &self.send
            && !bytes.is_empty()
            && tx.send(bytes.to_vec()).is_err()
        {
            // The loader is gone (it only goes having read everything, or on a panic).
            self.stopped = true;
            return Err(self.format.limit(consumed, "stopped"));
        }
        if self.len >= self.stop_at {
            self.stopped = true;
            return Err(self.format.limit(consumed, "stopped"));
        }
        Ok(())
    }
}

/// Decompresses all of `data` into `sink`; returns how much of `data` was used (less than
/// all of it only when trailing data is ignored, as Python ignores it after bzip2 and xz
/// streams).
fn run(format: Compression, data: &[u8], sink: &mut Sink<'_>, chunk: &mut [u8]) -> Result<usize> {
    match format {
        Compression::Gzip => gunzip(data, sink, chunk),
        Compression::Bz2 => streams(data, sink, chunk, bz2_stream),
        Compression::Xz => streams(data, sink, chunk, xz_stream),
        Compression::Zstd => unzstd(data, sink, chunk),
    }
}

/// `(before, after)` of a decoder's running totals, as `usize` deltas.
fn delta(before: u64, after: u64) -> usize {
    usize::try_from(after.saturating_sub(before)).unwrap_or(usize::MAX)
}

// ----- gzip -----------------------------------------------------------------------------

const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;

/// Every member, as Python 3.12's `gzip.decompress`: zero bytes after a member are padding;
/// anything else must be another member.
fn gunzip(data: &[u8], sink: &mut Sink<'_>, chunk: &mut [u8]) -> Result<usize> {
    let mut pos = 0;
    loop {
        pos = gzip_member(data, pos, sink, chunk)?;
        while data.get(pos) == Some(&0) {
            pos += 1;
        }
        if pos >= data.len() {
            return Ok(data.len());
        }
    }
}

fn gzip_member(data: &[u8], start: usize, sink: &mut Sink<'_>, chunk: &mut [u8]) -> Result<usize> {
    let g = Compression::Gzip;
    let truncated = || g.truncated(data);
    let take = |pos: usize, n: usize| -> Result<&[u8]> {
        pos.checked_add(n)
            .and_then(|end| data.get(pos..end))
            .ok_or_else(truncated)
    };
    if data.get(start..start + 2) != Some(g.magic()) {
        return Err(g.bad(start, "trailing data that is not a gzip member"));
    }
    let head = take(start + 2, 8)?;
    let (method, flags) = match head {
        [m, f, ..] => (*m, *f),
        _ => return Err(truncated()),
    };
    if method != 8 {
        return Err(g.bad(
            start + 2,
            format_args!("unknown compression method {method}"),
        ));
    }
    let mut pos = start + 10;
    if flags & FEXTRA != 0 {
        let n = match take(pos, 2)? {
            [a, b] => usize::from(u16::from_le_bytes([*a, *b])),
            _ => return Err(truncated()),
        };
        take(pos + 2, n)?;
        pos += 2 + n;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let rest = data.get(pos..).unwrap_or_default();
            let nul = rest.iter().position(|&b| b == 0).ok_or_else(truncated)?;
            pos += nul + 1;
        }
    }
    if flags & FHCRC != 0 {
        // Python reads the header CRC and does not check it; neither do we.
        take(pos, 2)?;
        pos += 2;
    }

    let mut inflate = flate2::Decompress::new(false);
    let mut crc = flate2::Crc::new();
    let mut size: u64 = 0;
    loop {
        let input = data.get(pos..).unwrap_or_default();
        let (in0, out0) = (inflate.total_in(), inflate.total_out());
        let status = inflate
            .decompress(input, chunk, flate2::FlushDecompress::None)
            .map_err(|e| g.bad(pos, format_args!("invalid deflate data ({e})")))?;
        let consumed = delta(in0, inflate.total_in());
        let produced = delta(out0, inflate.total_out()).min(chunk.len());
        pos += consumed;
        let out = chunk.get(..produced).unwrap_or_default();
        crc.update(out);
        size += produced as u64;
        sink.put(out, pos)?;
        if status == flate2::Status::StreamEnd {
            break;
        }
        if consumed == 0 && produced == 0 {
            return Err(if pos >= data.len() {
                truncated()
            } else {
                g.bad(pos, "the deflate decoder made no progress")
            });
        }
    }
    let (stored_crc, stored_size) = match take(pos, 8)? {
        [a, b, c, d, e, f, h, i] => (
            u32::from_le_bytes([*a, *b, *c, *d]),
            u32::from_le_bytes([*e, *f, *h, *i]),
        ),
        _ => return Err(truncated()),
    };
    if stored_crc != crc.sum() {
        return Err(g.bad(
            pos,
            format_args!(
                "CRC check failed (stored {stored_crc:#010x}, computed {:#010x})",
                crc.sum()
            ),
        ));
    }
    if u64::from(stored_size) != size & 0xffff_ffff {
        return Err(g.bad(
            pos + 4,
            format_args!("incorrect length of data produced (stored {stored_size}, got {size})"),
        ));
    }
    Ok(pos + 8)
}

// ----- bzip2 and xz: concatenated streams ---------------------------------------------

/// Stream after stream until the input is used up, as Python's `bz2.decompress` and
/// `lzma.decompress`: a corrupt *first* stream is an error; after at least one stream,
/// data that is not a valid stream is ignored (its output dropped), but one that is cut
/// short is still truncated.
fn streams(
    data: &[u8],
    sink: &mut Sink<'_>,
    chunk: &mut [u8],
    stream: fn(&[u8], usize, &mut Sink<'_>, &mut [u8]) -> Result<usize>,
) -> Result<usize> {
    let mut pos = 0;
    let mut first = true;
    while first || pos < data.len() {
        let mark = sink.len;
        match stream(data, pos, sink, chunk) {
            Ok(end) => pos = end,
            Err(e) if !first && e.kind() == ErrorKind::BadCompression => {
                sink.len = mark;
                if let Some(b) = sink.buf.as_deref_mut() {
                    b.truncate(mark);
                }
                break;
            }
            Err(e) => return Err(e),
        }
        first = false;
    }
    Ok(pos)
}

fn bz2_stream(data: &[u8], start: usize, sink: &mut Sink<'_>, chunk: &mut [u8]) -> Result<usize> {
    let b = Compression::Bz2;
    let mut d = bzip2::Decompress::new(false);
    let mut pos = start;
    loop {
        let input = data.get(pos..).unwrap_or_default();
        let (in0, out0) = (d.total_in(), d.total_out());
        let status = d.decompress(input, chunk).map_err(|e| match e {
            bzip2::Error::DataMagic => b.bad(pos, "invalid data stream (no bzip2 header)"),
            bzip2::Error::Data => b.bad(
                pos,
                "invalid data stream (corrupt compressed data or a CRC mismatch)",
            ),
            other => b.bad(pos, format_args!("decoder error ({other:?})")),
        })?;
        let consumed = delta(in0, d.total_in());
        let produced = delta(out0, d.total_out()).min(chunk.len());
        pos += consumed;
        sink.put(chunk.get(..produced).unwrap_or_default(), pos)?;
        match status {
            bzip2::Status::StreamEnd => return Ok(pos),
            bzip2::Status::MemNeeded => {
                return Err(b.limit(pos, "out of memory for the decoder"));
            }
            _ => {}
        }
        if consumed == 0 && produced == 0 {
            return Err(if pos >= data.len() {
                b.truncated(data)
            } else {
                b.bad(pos, "the decoder made no progress")
            });
        }
    }
}

fn xz_stream(data: &[u8], start: usize, sink: &mut Sink<'_>, chunk: &mut [u8]) -> Result<usize> {
    let x = Compression::Xz;
    let memlimit = u64::try_from(sink.decoder_limit.max(1)).unwrap_or(u64::MAX);
    let lzma_error = |pos: usize, e: liblzma::stream::Error| match e {
        liblzma::stream::Error::MemLimit => x.limit(
            pos,
            format_args!("the stream needs more than {memlimit} bytes of decoder memory"),
        ),
        liblzma::stream::Error::Mem => x.limit(pos, "out of memory for the decoder"),
        liblzma::stream::Error::Format => x.bad(pos, "input format not supported by decoder"),
        liblzma::stream::Error::Data => x.bad(
            pos,
            "corrupt input data (invalid compressed data or a check mismatch)",
        ),
        liblzma::stream::Error::Options => x.bad(pos, "invalid or unsupported options"),
        other => x.bad(pos, format_args!("decoder error ({other})")),
    };
    // The auto decoder, as Python's lzma.decompress (FORMAT_AUTO): a stream after the first
    // may also be a legacy .lzma one.
    let mut d =
        liblzma::stream::Stream::new_auto_decoder(memlimit, 0).map_err(|e| lzma_error(start, e))?;
    let mut pos = start;
    loop {
        let input = data.get(pos..).unwrap_or_default();
        let (in0, out0) = (d.total_in(), d.total_out());
        let status = d
            .process(input, chunk, liblzma::stream::Action::Run)
            .map_err(|e| lzma_error(pos, e))?;
        let consumed = delta(in0, d.total_in());
        let produced = delta(out0, d.total_out()).min(chunk.len());
        pos += consumed;
        sink.put(chunk.get(..produced).unwrap_or_default(), pos)?;
        if status == liblzma::stream::Status::StreamEnd {
            return Ok(pos);
        }
        if consumed == 0 && produced == 0 {
            return Err(if pos >= data.len() {
                x.truncated(data)
            } else {
                x.bad(pos, "the decoder made no progress")
            });
        }
    }
}

// ----- zstd -------------------------------------------------------------------------------

/// The largest zstd window (log2) a decoder may allocate under `limit`: the largest power of
/// two not above it, within zstd's bounds (2^10 to 2^30).
fn zstd_window_log(limit: usize) -> u32 {
    let floor_log2 = usize::BITS - 1 - limit.max(1).leading_zeros();
    floor_log2.clamp(10, 30)
}

/// Frame after frame until the input is used up, as Python's `compression.zstd.decompress`:
/// anything after a frame must be another frame (or a skippable frame).
fn unzstd(data: &[u8], sink: &mut Sink<'_>, chunk: &mut [u8]) -> Result<usize> {
    use zstd::zstd_safe::{self, DCtx, DParameter, InBuffer, OutBuffer, zstd_sys::ZSTD_ErrorCode};
    let z = Compression::Zstd;
    let window_log = zstd_window_log(sink.decoder_limit);
    let zstd_error = |pos: usize, code: zstd_safe::ErrorCode| {
        if zstd_safe::is_error_kind(
            code,
            ZSTD_ErrorCode::ZSTD_error_frameParameter_windowTooLarge,
        ) {
            z.limit(
                pos,
                format_args!("the frame needs a window larger than 2^{window_log} bytes"),
            )
        } else if zstd_safe::is_error_kind(code, ZSTD_ErrorCode::ZSTD_error_memory_allocation) {
            z.limit(pos, "out of memory for the decoder")
        } else {
            z.bad(pos, zstd_safe::get_error_name(code))
        }
    };
    let mut dctx = DCtx::try_create().ok_or_else(|| z.limit(0, "cannot allocate a decoder"))?;
    dctx.set_parameter(DParameter::WindowLogMax(window_log))
        .map_err(|c| zstd_error(0, c))?;
    let mut pos = 0;
    loop {
        let mut input = InBuffer::around(data.get(pos..).unwrap_or_default());
        let mut output = OutBuffer::around(&mut *chunk);
        let hint = dctx
            .decompress_stream(&mut output, &mut input)
            .map_err(|c| zstd_error(pos, c))?;
        let produced = output.pos();
        let consumed = input.pos();
        pos += consumed;
        sink.put(chunk.get(..produced).unwrap_or_default(), pos)?;
        // 0: a frame ended and everything it holds has been flushed.
        if hint == 0 && pos >= data.len() {
            return Ok(data.len());
        }
        if consumed == 0 && produced == 0 {
            return Err(if pos >= data.len() {
                z.truncated(data)
            } else {
                z.bad(pos, "the decoder made no progress")
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_magics_are_distinct() {
        for &c in Compression::ALL {
            assert_eq!(Compression::from_name(c.name()), Some(c));
            assert_eq!(detect(c.magic()), Some(c));
        }
        assert_eq!(Compression::from_name("gz"), None);
    }

    #[test]
    fn zstd_window_follows_the_limit() {
        for (limit, log) in [
            (0, 10),
            (1 << 20, 20),
            ((1 << 20) + 1, 20),
            ((1 << 21) - 1, 20),
            (256 << 20, 28),
            (usize::MAX, 30),
        ] {
            assert_eq!(zstd_window_log(limit), log, "limit {limit}");
        }
    }
}
