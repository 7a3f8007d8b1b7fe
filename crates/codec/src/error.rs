//! Errors: every failure is an [`Error`] with an [`ErrorKind`], and, when it happened while
//! reading a pickle, the opcode being executed and its byte offset.
//!
//! ```
//! use picklejar_codec::{ErrorKind, load};
//!
//! // A BININT1 whose argument byte is missing.
//! let e = load(b"\x80\x02K").unwrap_err();
//! assert_eq!(e.kind(), ErrorKind::Truncated);
//! assert_eq!((e.offset(), e.opcode()), (Some(2), Some("BININT1")));
//! ```

use std::fmt;
use std::str::FromStr;

/// What went wrong, independent of the message: the one vocabulary of error kinds of the
/// whole project.
///
/// The kebab-case names ([`ErrorKind::as_str`], [`Display`](fmt::Display),
/// [`FromStr`]) are the codec-neutral kinds of `docs/CANON.md` section 10: the corpus's
/// `error:` field and the adapter protocol use the same strings. Each variant says which
/// CPython exception maps to it.
///
/// ```
/// use picklejar_codec::ErrorKind;
///
/// let k: ErrorKind = "stack-underflow".parse()?;
/// assert_eq!(k, ErrorKind::StackUnderflow);
/// assert_eq!(k.to_string(), "stack-underflow");
/// assert!(ErrorKind::Unresolved.is_resolve_phase());
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `truncated`: the input ended inside an argument, before STOP, or was empty; or
    /// compressed input ended before its end-of-stream marker. CPython: `EOFError`
    /// ("pickle data was truncated"; decompressing, "… ended before the end-of-stream
    /// marker was reached").
    Truncated,
    /// `stack-underflow`: an opcode needed more stack items than there were, or DICT /
    /// SETITEMS got an odd count. CPython: `UnpicklingError` "unpickling stack underflow",
    /// "odd number of items".
    StackUnderflow,
    /// `bad-mark`: a MARK was missing, or found where an object was needed. CPython:
    /// `UnpicklingError` "could not find MARK", "unexpected MARK found".
    BadMark,
    /// `unknown-opcode`: a byte that is not an opcode. CPython: `UnpicklingError`
    /// "invalid load key".
    UnknownOpcode,
    /// `bad-memo`: a GET of a memo index that was never set, or a negative PUT index.
    /// CPython: `UnpicklingError` "Memo value not found" (`KeyError` up to 3.8),
    /// `ValueError` "negative PUT argument".
    BadMemo,
    /// `unsupported-protocol`: PROTO with a protocol above 5. CPython: `ValueError`
    /// "unsupported pickle protocol".
    UnsupportedProtocol,
    /// `bad-utf8`: invalid UTF-8 in a text opcode or a global name. CPython:
    /// `UnicodeDecodeError` from the `'utf-8'` codec.
    BadUtf8,
    /// `bad-encoding`: a Python 2 `str` that the chosen `encoding`/`errors` cannot decode.
    /// CPython: `UnicodeDecodeError` from the other codecs.
    BadEncoding,
    /// `bad-literal`: a malformed protocol-0 text argument (number, float, quoted STRING,
    /// raw-unicode-escape, non-ASCII persistent id). CPython: `ValueError`,
    /// `UnpicklingError` "must be quoted", `UnicodeDecodeError` ('rawunicodeescape').
    BadLiteral,
    /// `bad-argument`: an operand of the wrong type (REDUCE arguments that are not a
    /// tuple, an unhashable dict key, …). CPython: `TypeError`, `UnpicklingError`
    /// "NEWOBJ class argument isn't a type object", "STACK_GLOBAL requires str".
    BadArgument,
    /// `missing-buffer`: NEXT_BUFFER without enough out-of-band buffers. CPython:
    /// `UnpicklingError` "pickle stream refers to out-of-band data but no *buffers*
    /// argument was given", "not enough out-of-band buffers".
    MissingBuffer,
    /// `unknown-extension`: an EXT code that is not in the extension registry, or is not
    /// positive. CPython: `ValueError` "unregistered extension code", `UnpicklingError`
    /// "EXT specifies code <= 0".
    UnknownExtension,
    /// `limit-exceeded`: a limit of the loader (depth, memo size, allocation) was exceeded,
    /// or compressed input decompresses to more than the allocation limit. CPython:
    /// `MemoryError`, `RecursionError`, `OverflowError`.
    LimitExceeded,
    /// `bad-compression`: compressed input (gzip, bzip2, xz, zstd) that is corrupt: a bad
    /// header, invalid compressed data, or a CRC or checksum that does not match. CPython:
    /// `gzip.BadGzipFile`, `zlib.error`, `OSError` "Invalid data stream" (bz2),
    /// `lzma.LZMAError`, `compression.zstd.ZstdError`.
    BadCompression,
    /// `unresolved` (resolve phase): CPython could not import a global. CPython:
    /// `ModuleNotFoundError`, `ImportError`, `AttributeError`. This codec never imports,
    /// so it never returns this kind; other readers (CPython itself) do.
    Unresolved,
    /// `construct` (resolve phase): class code raised while CPython built an object (a
    /// `__setstate__`, a constructor given Python 2 data). CPython: any exception from
    /// outside the unpickler. This codec runs no class code, so it never returns this
    /// kind; other readers do.
    Construct,
    /// `unpicklable`: a value that cannot be pickled (dumping only). CPython:
    /// `PicklingError`, `TypeError` "cannot pickle … object". Not in `docs/CANON.md`'s
    /// table: no reader reports it.
    Unpicklable,
    /// `bad-canon`: a canon document that does not follow `docs/CANON.md` (canon input
    /// only). No CPython exception: `pjcanon.py` writes canon, it never reads it. Not in
    /// `docs/CANON.md`'s table: no reader reports it.
    BadCanon,
}

impl ErrorKind {
    /// Every kind: the reader kinds in the order of `docs/CANON.md`'s table (stream kinds,
    /// then the resolve-phase kinds), then the kinds only picklejar reports (dumping and
    /// canon input).
    ///
    /// ```
    /// use picklejar_codec::ErrorKind;
    ///
    /// assert_eq!(ErrorKind::ALL.first(), Some(&ErrorKind::Truncated));
    /// assert!(ErrorKind::ALL.contains(&ErrorKind::Construct));
    /// ```
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::Truncated,
        ErrorKind::StackUnderflow,
        ErrorKind::BadMark,
        ErrorKind::UnknownOpcode,
        ErrorKind::BadMemo,
        ErrorKind::UnsupportedProtocol,
        ErrorKind::BadUtf8,
        ErrorKind::BadEncoding,
        ErrorKind::BadLiteral,
        ErrorKind::BadArgument,
        ErrorKind::MissingBuffer,
        ErrorKind::UnknownExtension,
        ErrorKind::LimitExceeded,
        ErrorKind::BadCompression,
        ErrorKind::Unresolved,
        ErrorKind::Construct,
        ErrorKind::Unpicklable,
        ErrorKind::BadCanon,
    ];

    /// The codec-neutral kebab-case name (`truncated`, `stack-underflow`, …), as the corpus
    /// spells it.
    ///
    /// ```
    /// use picklejar_codec::ErrorKind;
    ///
    /// assert_eq!(ErrorKind::LimitExceeded.as_str(), "limit-exceeded");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Truncated => "truncated",
            ErrorKind::StackUnderflow => "stack-underflow",
            ErrorKind::BadMark => "bad-mark",
            ErrorKind::UnknownOpcode => "unknown-opcode",
            ErrorKind::BadMemo => "bad-memo",
            ErrorKind::UnsupportedProtocol => "unsupported-protocol",
            ErrorKind::BadUtf8 => "bad-utf8",
            ErrorKind::BadEncoding => "bad-encoding",
            ErrorKind::BadLiteral => "bad-literal",
            ErrorKind::BadArgument => "bad-argument",
            ErrorKind::MissingBuffer => "missing-buffer",
            ErrorKind::UnknownExtension => "unknown-extension",
            ErrorKind::LimitExceeded => "limit-exceeded",
            ErrorKind::BadCompression => "bad-compression",
            ErrorKind::Unresolved => "unresolved",
            ErrorKind::Construct => "construct",
            ErrorKind::Unpicklable => "unpicklable",
            ErrorKind::BadCanon => "bad-canon",
        }
    }

    /// Parses a kebab-case name back into a kind; `None` for anything else. The same as
    /// `name.parse()` without an error value.
    ///
    /// ```
    /// use picklejar_codec::ErrorKind;
    ///
    /// assert_eq!(ErrorKind::from_name("bad-memo"), Some(ErrorKind::BadMemo));
    /// assert_eq!(ErrorKind::from_name("BadMemo"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    /// Whether this is a resolve-phase kind (`unresolved`, `construct`): the stream itself
    /// is sound and the failure came from importing a global or running class code. A
    /// data-only reader, which does neither, is expected to load such a pickle.
    ///
    /// ```
    /// use picklejar_codec::ErrorKind;
    ///
    /// assert!(ErrorKind::Construct.is_resolve_phase());
    /// assert!(!ErrorKind::Truncated.is_resolve_phase());
    /// ```
    pub const fn is_resolve_phase(self) -> bool {
        matches!(self, ErrorKind::Unresolved | ErrorKind::Construct)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses the kebab-case name; an unknown name is an [`Error`] of kind
/// [`ErrorKind::BadArgument`].
impl FromStr for ErrorKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<ErrorKind> {
        ErrorKind::from_name(s).ok_or_else(|| {
            Error::new(
                ErrorKind::BadArgument,
                format!("unknown error kind {s:?} (want one of docs/CANON.md section 10)"),
            )
        })
    }
}

/// An error from loading, dumping, decompressing or canon conversion.
///
/// Loading errors carry the byte offset of the opcode that failed and its name; errors that
/// are not tied to a position in a pickle (dumping, canon) have neither. `Display` writes
/// the kind, the message and the position.
///
/// ```
/// use picklejar_codec::{ErrorKind, load};
///
/// // PROTO 2, then an APPEND with nothing on the stack.
/// let e = load(b"\x80\x02a.").unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::StackUnderflow);
/// assert_eq!(e.offset(), Some(2));
/// assert_eq!(e.opcode(), Some("APPEND"));
/// assert!(e.to_string().starts_with("stack-underflow: "));
/// assert!(e.to_string().ends_with("(at byte 2, opcode APPEND)"));
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct Error(Box<Inner>);

/// An [`Error`]'s contents, boxed: a `Result<T, Error>` is then `T` and one pointer, which
/// the loader's hot loop passes around in registers rather than through memory.
#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    offset: Option<u64>,
    opcode: Option<&'static str>,
    message: String,
}

/// As `#[derive(Debug)]` wrote it for the unboxed struct.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("offset", &self.0.offset)
            .field("opcode", &self.0.opcode)
            .field("message", &self.0.message)
            .finish()
    }
}

impl Error {
    /// Makes an error with no position, for code that reports failures in this crate's
    /// vocabulary (an adapter, a hook).
    ///
    /// ```
    /// use picklejar_codec::{Error, ErrorKind};
    ///
    /// let e = Error::new(ErrorKind::Unresolved, "No module named 'numpy'");
    /// assert_eq!(e.to_string(), "unresolved: No module named 'numpy'");
    /// assert_eq!(e.offset(), None);
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            offset: None,
            opcode: None,
            message: message.into(),
        }))
    }

    /// Makes an error at a byte offset, while executing `opcode` (if known).
    pub(crate) fn at(
        kind: ErrorKind,
        offset: u64,
        opcode: Option<&'static str>,
        message: impl Into<String>,
    ) -> Error {
        Error(Box::new(Inner {
            kind,
            offset: Some(offset),
            opcode,
            message: message.into(),
        }))
    }

    /// The kind of failure.
    ///
    /// ```
    /// use picklejar_codec::{ErrorKind, load};
    ///
    /// assert_eq!(load(b"").unwrap_err().kind(), ErrorKind::Truncated);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// Byte offset of the opcode that failed (the offset of its opcode byte); for an error
    /// from decompressing input (the `compress` module), the offset in the compressed
    /// input: how far it was read. `None` for errors with no position (dumping, canon).
    ///
    /// ```
    /// use picklejar_codec::load;
    ///
    /// // 0xff is not an opcode; it is the third byte.
    /// assert_eq!(load(b"\x80\x02\xff").unwrap_err().offset(), Some(2));
    /// ```
    pub fn offset(&self) -> Option<u64> {
        self.0.offset
    }

    /// Name of the opcode that failed, as `pickletools` spells it; `None` when there was no
    /// opcode (an unknown byte, the end of the input, no position).
    ///
    /// ```
    /// use picklejar_codec::load;
    ///
    /// assert_eq!(load(b"\x80\x09.").unwrap_err().opcode(), Some("PROTO"));
    /// ```
    pub fn opcode(&self) -> Option<&'static str> {
        self.0.opcode
    }

    /// The human-readable message, without kind or position.
    ///
    /// ```
    /// use picklejar_codec::{Error, ErrorKind};
    ///
    /// let e = Error::new(ErrorKind::BadCanon, "unknown tag \"x\"");
    /// assert_eq!(e.message(), "unknown tag \"x\"");
    /// ```
    pub fn message(&self) -> &str {
        &self.0.message
    }

    fn render(&self) -> String {
        let mut s = format!("{}: {}", self.0.kind, self.0.message);
        match (self.0.opcode, self.0.offset) {
            (Some(op), Some(off)) => s.push_str(&format!(" (at byte {off}, opcode {op})")),
            (None, Some(off)) => s.push_str(&format!(" (at byte {off})")),
            _ => {}
        }
        s
    }
}

/// `Result` with this crate's [`Error`].
///
/// ```
/// fn first_int(data: &[u8]) -> picklejar_codec::Result<i64> {
///     match picklejar_codec::load(data)?.root() {
///         picklejar_codec::Value::Int(i) => Ok(i),
///         _ => Ok(0),
///     }
/// }
/// assert_eq!(first_int(b"\x80\x04K\x07.")?, 7);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for &k in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_name(k.as_str()), Some(k));
        }
        assert_eq!(ErrorKind::from_name("nope"), None);
    }

    #[test]
    fn display_has_kind_offset_and_opcode() {
        let e = Error::at(
            ErrorKind::Truncated,
            7,
            Some("BINUNICODE"),
            "need 5 bytes, 2 left",
        );
        assert_eq!(
            e.to_string(),
            "truncated: need 5 bytes, 2 left (at byte 7, opcode BINUNICODE)"
        );
    }
}
