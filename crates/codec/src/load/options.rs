//! Load options: the ones CPython's `Unpickler` has, plus the limits it lacks.

use std::collections::HashMap;

/// How Python 2 `str` opcodes (`STRING`, `BINSTRING`, `SHORT_BINSTRING`) load, like the
/// `encoding` argument of CPython's `Unpickler`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Decode as ASCII (CPython's default).
    #[default]
    Ascii,
    /// Decode as Latin-1: every byte is a code point, so nothing fails.
    Latin1,
    /// Decode as UTF-8.
    Utf8,
    /// Keep them as `bytes` (`encoding="bytes"`).
    Bytes,
    /// Any other codec, decoded by `encoding_rs` (the WHATWG definitions). For `cp1252`
    /// the five bytes Python leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are errors,
    /// as in Python.
    Other(&'static encoding_rs::Encoding),
}

impl Encoding {
    /// Parses a Python codec name (`ASCII`, `latin1`, `latin-1`, `iso-8859-1`, `utf-8`,
    /// `utf8`, `bytes`), case-insensitively.
    pub fn from_name(name: &str) -> Option<Encoding> {
        let n = name.to_ascii_lowercase().replace('_', "-");
        Some(match n.as_str() {
            "ascii" | "us-ascii" | "646" => Encoding::Ascii,
            "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" | "l1" | "8859" | "cp819" => {
                Encoding::Latin1
            }
            "utf-8" | "utf8" | "u8" => Encoding::Utf8,
            "bytes" => Encoding::Bytes,
            _ => Encoding::Other(encoding_rs::Encoding::for_label(n.as_bytes())?),
        })
    }

    /// The name CPython uses for it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Ascii => "ASCII",
            Encoding::Latin1 => "latin1",
            Encoding::Utf8 => "utf-8",
            Encoding::Bytes => "bytes",
            Encoding::Other(e) => e.name(),
        }
    }
}

/// The `errors` argument for decoding Python 2 `str`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DecodeErrors {
    /// Fail with [`ErrorKind::BadEncoding`](crate::ErrorKind::BadEncoding).
    #[default]
    Strict,
    /// Replace undecodable bytes with U+FFFD.
    Replace,
    /// Drop undecodable bytes.
    Ignore,
    /// Map each undecodable byte `b` to the lone surrogate U+DC00 + `b`.
    SurrogateEscape,
    /// Replace each undecodable byte with `\xNN`.
    BackslashReplace,
}

impl DecodeErrors {
    /// Parses a Python error handler name.
    pub fn from_name(name: &str) -> Option<DecodeErrors> {
        Some(match name {
            "strict" => DecodeErrors::Strict,
            "replace" => DecodeErrors::Replace,
            "ignore" => DecodeErrors::Ignore,
            "surrogateescape" => DecodeErrors::SurrogateEscape,
            "backslashreplace" => DecodeErrors::BackslashReplace,
            _ => return None,
        })
    }
}

/// Limits that keep hostile input from exhausting the machine. CPython has none of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting: open MARKs while loading, and container depth for every recursive
    /// walk of the graph (canon, dump).
    pub max_depth: usize,
    /// Most memo entries (PUT/BINPUT/LONG_BINPUT/MEMOIZE) one pickle may set.
    pub max_memo: usize,
    /// Total bytes the loader may allocate for nodes, payloads, stack and memo (an
    /// estimate that errs high).
    pub max_alloc: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 1_000,
            max_memo: 1 << 28,
            max_alloc: 4 << 30,
        }
    }
}

/// Options for [`Loader`](crate::Loader), mirroring `pickle.Unpickler(…)`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LoadOptions {
    /// How Python 2 `str` loads (`encoding=`).
    pub encoding: Encoding,
    /// How decoding errors are handled (`errors=`).
    pub errors: DecodeErrors,
    /// Turn off the Python 2 → 3 name mapping (`fix_imports=False`).
    pub no_fix_imports: bool,
    /// Out-of-band buffers for `NEXT_BUFFER` (`buffers=`); `None` means none were given,
    /// and NEXT_BUFFER fails.
    pub buffers: Option<Vec<Vec<u8>>>,
    /// The copyreg extension registry: code → (module, name), for EXT1/EXT2/EXT4.
    pub extensions: HashMap<i32, (String, String)>,
    /// Resource limits.
    pub limits: Limits,
}

impl LoadOptions {
    /// Whether `fix_imports` is on.
    pub fn fix_imports(&self) -> bool {
        !self.no_fix_imports
    }
}
