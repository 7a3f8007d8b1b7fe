//! Errors: every failure is a value with a kind, the opcode being executed and its byte
//! offset.

use std::fmt;

/// What went wrong, independent of the message.
///
/// The kebab-case names ([`ErrorKind::as_str`]) are the codec-neutral kinds of
/// `docs/CANON.md` section 10, shared with the corpus and the adapter protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended inside an argument, before STOP, or was empty; or compressed input
    /// ended before its end-of-stream marker.
    Truncated,
    /// An opcode needed more stack items than there were.
    StackUnderflow,
    /// A MARK was missing, or found where an object was needed.
    BadMark,
    /// A byte that is not an opcode.
    UnknownOpcode,
    /// A GET of a memo index that was never set, or a negative PUT index.
    BadMemo,
    /// PROTO with a protocol above 5.
    UnsupportedProtocol,
    /// Invalid UTF-8 in a text opcode or a global name.
    BadUtf8,
    /// A Python 2 `str` that the chosen encoding cannot decode.
    BadEncoding,
    /// A malformed protocol-0 text argument (number, float, quoted string, escape).
    BadLiteral,
    /// An operand of the wrong type (REDUCE arguments that are not a tuple, …).
    BadArgument,
    /// NEXT_BUFFER without enough out-of-band buffers.
    MissingBuffer,
    /// An EXT code that is not in the extension registry, or is not positive.
    UnknownExtension,
    /// A limit of the loader (depth, memo size, allocation) was exceeded, or compressed
    /// input decompresses to more than the allocation limit.
    LimitExceeded,
    /// Compressed input (gzip, bzip2, xz, zstd) that is corrupt: a bad header, invalid
    /// compressed data, or a CRC or checksum that does not match.
    BadCompression,
    /// A value that cannot be pickled (dumping only).
    Unpicklable,
    /// A canon document that does not follow `docs/CANON.md`.
    BadCanon,
}

impl ErrorKind {
    /// Every kind, in declaration order.
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
        ErrorKind::Unpicklable,
        ErrorKind::BadCanon,
    ];

    /// The codec-neutral kebab-case name (`truncated`, `stack-underflow`, …).
    pub fn as_str(self) -> &'static str {
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
            ErrorKind::Unpicklable => "unpicklable",
            ErrorKind::BadCanon => "bad-canon",
        }
    }

    /// Parses a kebab-case name back into a kind.
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from loading, dumping or canon conversion.
///
/// Loading errors carry the byte offset of the opcode that failed and its name; errors that
/// are not tied to a position in a pickle (dumping, canon) have neither.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct Error {
    kind: ErrorKind,
    offset: Option<u64>,
    opcode: Option<&'static str>,
    message: String,
}

impl Error {
    /// Makes an error with no position.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            offset: None,
            opcode: None,
            message: message.into(),
        }
    }

    /// Makes an error at a byte offset, while executing `opcode` (if known).
    pub fn at(
        kind: ErrorKind,
        offset: u64,
        opcode: Option<&'static str>,
        message: impl Into<String>,
    ) -> Error {
        Error {
            kind,
            offset: Some(offset),
            opcode,
            message: message.into(),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Byte offset of the opcode that failed (the offset of its opcode byte); for an error
    /// from decompressing input (the `compress` module), the offset in the compressed
    /// input: how far it was read.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }

    /// Name of the opcode that failed, as `pickletools` spells it.
    pub fn opcode(&self) -> Option<&'static str> {
        self.opcode
    }

    /// The human-readable message, without kind or position.
    pub fn message(&self) -> &str {
        &self.message
    }

    fn render(&self) -> String {
        let mut s = format!("{}: {}", self.kind, self.message);
        match (self.opcode, self.offset) {
            (Some(op), Some(off)) => s.push_str(&format!(" (at byte {off}, opcode {op})")),
            (None, Some(off)) => s.push_str(&format!(" (at byte {off})")),
            _ => {}
        }
        s
    }
}

/// `Result` with this crate's [`Error`].
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
