//! Errors: every failure has one of the codec's [`ErrorKind`]s (the project's one
//! vocabulary), a message that says what to do, and where it happened: a byte offset, the
//! opcode, and the archive member.

use std::fmt;

use picklejar_codec::ErrorKind;

/// A failure to read a container.
///
/// The kind is the codec's [`ErrorKind`]: `truncated`, `limit-exceeded`,
/// `bad-compression` (a corrupt archive or compressed stream), `bad-argument` (a member
/// path outside the archive, a joblib array whose size cannot be worked out), or whatever
/// the codec reported for a pickle inside. [`Error::offset`] is a byte offset in the
/// (decompressed) stream or in [`Error::member`] when there is one.
///
/// ```
/// use picklejar_codec::{ErrorKind, LoadOptions};
///
/// // A zip archive that ends after its first four bytes.
/// let e = picklejar_container::open(b"PK\x03\x04", &LoadOptions::default()).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::BadCompression);
/// assert!(e.to_string().starts_with("bad-compression: "));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    offset: Option<u64>,
    opcode: Option<&'static str>,
    member: Option<String>,
}

impl Error {
    /// An error with no position.
    ///
    /// ```
    /// use picklejar_codec::ErrorKind;
    /// use picklejar_container::Error;
    ///
    /// let e = Error::new(ErrorKind::Truncated, "no data.pkl");
    /// assert_eq!(e.to_string(), "truncated: no data.pkl");
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            offset: None,
            opcode: None,
            member: None,
        }
    }

    /// This error at a byte offset.
    ///
    /// ```
    /// use picklejar_codec::ErrorKind;
    /// use picklejar_container::Error;
    ///
    /// let e = Error::new(ErrorKind::Truncated, "array bytes missing").at(12);
    /// assert_eq!(e.offset(), Some(12));
    /// assert_eq!(e.to_string(), "truncated: array bytes missing (at byte 12)");
    /// ```
    #[must_use]
    pub fn at(mut self, offset: u64) -> Error {
        self.offset = Some(offset);
        self
    }

    /// This error, inside archive member `name` (its offset, if any, is in that member).
    ///
    /// ```
    /// use picklejar_codec::ErrorKind;
    /// use picklejar_container::Error;
    ///
    /// let e = Error::new(ErrorKind::Truncated, "cut short").at(3).in_member("archive/data.pkl");
    /// assert_eq!(e.member(), Some("archive/data.pkl"));
    /// assert_eq!(e.to_string(), "truncated: cut short (at byte 3 of member archive/data.pkl)");
    /// ```
    #[must_use]
    pub fn in_member(mut self, name: &str) -> Error {
        if self.member.is_none() {
            self.member = Some(name.to_owned());
        }
        self
    }

    /// A codec error from a pickle that starts `base` bytes into the stream: the offset is
    /// moved by `base`, the message is prefixed with `what` ("the main pickle", …).
    pub(crate) fn from_codec_at(e: picklejar_codec::Error, base: usize, what: &str) -> Error {
        Error {
            kind: e.kind(),
            message: if what.is_empty() {
                e.message().to_owned()
            } else {
                format!("{what}: {}", e.message())
            },
            offset: e.offset().map(|o| o.saturating_add(base as u64)),
            opcode: e.opcode(),
            member: None,
        }
    }

    /// This error with its kind replaced.
    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Error {
        self.kind = kind;
        self
    }

    /// This error with its offset replaced.
    pub(crate) fn with_offset(mut self, offset: u64) -> Error {
        self.offset = Some(offset);
        self
    }

    /// The kind of failure, in the codec's vocabulary.
    ///
    /// ```
    /// use picklejar_codec::{ErrorKind, LoadOptions};
    ///
    /// let e = picklejar_container::open(b"", &LoadOptions::default()).unwrap_err();
    /// assert_eq!(e.kind(), ErrorKind::Truncated);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without kind or position.
    ///
    /// ```
    /// use picklejar_codec::ErrorKind;
    /// use picklejar_container::Error;
    ///
    /// assert_eq!(Error::new(ErrorKind::BadArgument, "no").message(), "no");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Byte offset of the failure: in [`Error::member`] when there is one, else in the
    /// (decompressed) input.
    ///
    /// ```
    /// use picklejar_codec::{ErrorKind, LoadOptions};
    ///
    /// // PROTO 2, then an APPEND with nothing on the stack.
    /// let e = picklejar_container::open(b"\x80\x02a.", &LoadOptions::default()).unwrap_err();
    /// assert_eq!((e.kind(), e.offset()), (ErrorKind::StackUnderflow, Some(2)));
    /// ```
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }

    /// The opcode that failed, when a pickle failed to load.
    ///
    /// ```
    /// use picklejar_codec::LoadOptions;
    ///
    /// let e = picklejar_container::open(b"\x80\x02a.", &LoadOptions::default()).unwrap_err();
    /// assert_eq!(e.opcode(), Some("APPEND"));
    /// ```
    pub fn opcode(&self) -> Option<&'static str> {
        self.opcode
    }

    /// The archive member the failure is in (`archive/data.pkl`, `storages`, …).
    ///
    /// ```
    /// use picklejar_codec::ErrorKind;
    /// use picklejar_container::Error;
    ///
    /// assert_eq!(Error::new(ErrorKind::Truncated, "x").member(), None);
    /// ```
    pub fn member(&self) -> Option<&str> {
        self.member.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)?;
        match (self.offset, &self.member) {
            (Some(o), m) => {
                write!(f, " (at byte {o}")?;
                if let Some(m) = m {
                    write!(f, " of member {m}")?;
                }
                if let Some(op) = self.opcode {
                    write!(f, ", opcode {op}")?;
                }
                f.write_str(")")
            }
            (None, Some(m)) => write!(f, " (in member {m})"),
            (None, None) => Ok(()),
        }
    }
}

impl From<picklejar_codec::Error> for Error {
    fn from(e: picklejar_codec::Error) -> Error {
        Error::from_codec_at(e, 0, "")
    }
}

/// `Result` with this crate's [`Error`].
///
/// ```
/// fn kind(data: &[u8]) -> picklejar_container::Result<String> {
///     let c = picklejar_container::open(data, &picklejar_codec::LoadOptions::default())?;
///     Ok(c.kind.to_string())
/// }
/// assert_eq!(kind(b"\x80\x04N.")?, "pickle");
/// # Ok::<(), picklejar_container::Error>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;
