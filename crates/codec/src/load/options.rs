//! Load options: the ones CPython's `Unpickler` has, plus the limits it lacks.

use rustc_hash::FxHashMap;

/// How Python 2 `str` opcodes (`STRING`, `BINSTRING`, `SHORT_BINSTRING`) load, like the
/// `encoding` argument of CPython's `Unpickler`.
///
/// ```
/// use picklejar_codec::{Encoding, Loader, Node};
///
/// // Python 2: pickle.dumps('caf\xe9', 2), a BINSTRING-family str.
/// let data = b"\x80\x02U\x04caf\xe9q\x00.";
/// let as_text = Loader::new().encoding(Encoding::Latin1).load(data)?;
/// assert_eq!(as_text.graph.as_str(as_text.graph.root()), Some("café"));
///
/// let as_bytes = Loader::new().encoding(Encoding::Bytes).load(data)?;
/// let root = as_bytes.graph.deref(as_bytes.graph.root());
/// assert!(matches!(root, Some(Node::Bytes { data, py2: true }) if &data[..] == b"caf\xe9"));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
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
    /// Any other codec, by the WHATWG definitions (for `cp1252` the five bytes Python
    /// leaves undefined, 0x81, 0x8D, 0x8F, 0x90 and 0x9D, are errors, as in Python).
    /// Made by [`Encoding::from_name`].
    Other(&'static OtherEncoding),
}

/// A codec other than ASCII, Latin-1 and UTF-8 for Python 2 `str` ([`Encoding::Other`]):
/// one of the WHATWG encodings (the Windows code pages, the ISO 8859 family, KOI8, Shift
/// JIS, EUC, GBK, Big5, …). Obtained from [`Encoding::from_name`].
///
/// ```
/// use picklejar_codec::Encoding;
///
/// let Some(Encoding::Other(cp)) = Encoding::from_name("cp1252") else { panic!() };
/// assert_eq!(cp.name(), "windows-1252");
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct OtherEncoding(&'static encoding_rs::Encoding);

impl OtherEncoding {
    /// The WHATWG name of the codec (`windows-1252`, `KOI8-R`, `Shift_JIS`, …).
    ///
    /// ```
    /// use picklejar_codec::Encoding;
    ///
    /// assert_eq!(Encoding::from_name("koi8_r").map(Encoding::name), Some("KOI8-R"));
    /// ```
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The `encoding_rs` codec that does the decoding.
    pub(crate) fn codec(&self) -> &'static encoding_rs::Encoding {
        self.0
    }

    fn for_codec(codec: &'static encoding_rs::Encoding) -> Option<&'static OtherEncoding> {
        OTHER_ENCODINGS.iter().find(|o| std::ptr::eq(o.0, codec))
    }
}

/// One [`OtherEncoding`] per `encoding_rs` codec, so that [`Encoding`] stays `Copy` and
/// holds no `encoding_rs` type.
static OTHER_ENCODINGS: [OtherEncoding; 40] = [
    OtherEncoding(&encoding_rs::BIG5_INIT),
    OtherEncoding(&encoding_rs::EUC_JP_INIT),
    OtherEncoding(&encoding_rs::EUC_KR_INIT),
    OtherEncoding(&encoding_rs::GBK_INIT),
    OtherEncoding(&encoding_rs::IBM866_INIT),
    OtherEncoding(&encoding_rs::ISO_2022_JP_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_10_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_13_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_14_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_15_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_16_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_2_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_3_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_4_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_5_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_6_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_7_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_8_INIT),
    OtherEncoding(&encoding_rs::ISO_8859_8_I_INIT),
    OtherEncoding(&encoding_rs::KOI8_R_INIT),
    OtherEncoding(&encoding_rs::KOI8_U_INIT),
    OtherEncoding(&encoding_rs::SHIFT_JIS_INIT),
    OtherEncoding(&encoding_rs::UTF_16BE_INIT),
    OtherEncoding(&encoding_rs::UTF_16LE_INIT),
    OtherEncoding(&encoding_rs::UTF_8_INIT),
    OtherEncoding(&encoding_rs::GB18030_INIT),
    OtherEncoding(&encoding_rs::MACINTOSH_INIT),
    OtherEncoding(&encoding_rs::REPLACEMENT_INIT),
    OtherEncoding(&encoding_rs::WINDOWS_1250_INIT),
    OtherEncoding(&encoding_rs::WINDOWS_1251_INIT),
    OtherEncoding(&encoding_rs::WINDOWS_1252_INIT),
    OtherEncoding(&encoding_rs::WINDOWS_1253_INIT),
    OtherEncoding(&encoding_rs::WINDOWS_1254_INIT),
    OtherEncoding(&encoding_rs::WINDOWS_1255_INIT),
    OtherEncoding(&encoding_rs::WINDOWS_1256_INIT),
    OtherEncoding(&encoding_rs::WINDOWS_1257_INIT),
    OtherEncoding(&encoding_rs::WINDOWS_1258_INIT),
    OtherEncoding(&encoding_rs::WINDOWS_874_INIT),
    OtherEncoding(&encoding_rs::X_MAC_CYRILLIC_INIT),
    OtherEncoding(&encoding_rs::X_USER_DEFINED_INIT),
];

impl Encoding {
    /// Parses a Python codec name (`ASCII`, `latin1`, `latin-1`, `iso-8859-1`, `utf-8`,
    /// `utf8`, `bytes`, or any WHATWG label such as `cp1252` or `koi8_r`),
    /// case-insensitively; `None` for a name no codec has.
    ///
    /// ```
    /// use picklejar_codec::Encoding;
    ///
    /// assert_eq!(Encoding::from_name("Latin-1"), Some(Encoding::Latin1));
    /// assert_eq!(Encoding::from_name("bytes"), Some(Encoding::Bytes));
    /// assert!(matches!(Encoding::from_name("cp1251"), Some(Encoding::Other(_))));
    /// assert_eq!(Encoding::from_name("klingon"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Encoding> {
        let n = name.to_ascii_lowercase().replace('_', "-");
        Some(match n.as_str() {
            "ascii" | "us-ascii" | "646" => Encoding::Ascii,
            "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" | "l1" | "8859" | "cp819" => {
                Encoding::Latin1
            }
            "utf-8" | "utf8" | "u8" => Encoding::Utf8,
            "bytes" => Encoding::Bytes,
            _ => Encoding::Other(OtherEncoding::for_codec(encoding_rs::Encoding::for_label(
                n.as_bytes(),
            )?)?),
        })
    }

    /// The name CPython uses for it (for [`Encoding::Other`], the WHATWG name).
    ///
    /// ```
    /// use picklejar_codec::Encoding;
    ///
    /// assert_eq!(Encoding::default().name(), "ASCII");
    /// assert_eq!(Encoding::Latin1.name(), "latin1");
    /// ```
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
///
/// ```
/// use picklejar_codec::{DecodeErrors, Encoding, Loader};
///
/// // Python 2: pickle.dumps('caf\xe9', 2) read with encoding='ascii', errors='replace'.
/// let data = b"\x80\x02U\x04caf\xe9q\x00.";
/// let l = Loader::new().encoding(Encoding::Ascii).errors(DecodeErrors::Replace).load(data)?;
/// assert_eq!(l.graph.as_str(l.graph.root()), Some("caf\u{fffd}"));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
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
    /// Parses a Python error handler name (`strict`, `replace`, `ignore`,
    /// `surrogateescape`, `backslashreplace`).
    ///
    /// ```
    /// use picklejar_codec::DecodeErrors;
    ///
    /// assert_eq!(DecodeErrors::from_name("ignore"), Some(DecodeErrors::Ignore));
    /// assert_eq!(DecodeErrors::from_name("xmlcharrefreplace"), None);
    /// ```
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
///
/// Every field is a plain bound, with no special values: [`Limits::DEFAULT`] (also
/// `Limits::default()`) holds the defaults, and the `with_*` methods change one.
///
/// ```
/// use picklejar_codec::{ErrorKind, Limits, Loader};
///
/// let shallow = Limits::DEFAULT.with_max_depth(2);
/// // Three MARKs: the third would be the third open one.
/// let e = Loader::new().limits(shallow).load(b"(((").unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::LimitExceeded);
/// assert_eq!(Limits::default(), Limits::DEFAULT);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting: open MARKs while loading, and container depth for every recursive
    /// walk of the graph (canon, dump). Default 100 000: ten times what CPython 3.13's
    /// `pickle.dumps` can write (4 999 nested lists or dicts, 9 999 tuples); the walks
    /// grow their stack on the heap, so only memory bounds it.
    pub max_depth: usize,
    /// Most memo entries (PUT/BINPUT/LONG_BINPUT/MEMOIZE) one pickle may set. Default
    /// 2<sup>28</sup>.
    pub max_memo: usize,
    /// Total bytes a load may hold: the loader's nodes, arena, payloads, stack and memo (an
    /// estimate that errs high), and, where a caller counts them against the same budget,
    /// decompressed input and the canon rendering (`picklejar load` does). Default 4 GiB.
    pub max_alloc: usize,
}

impl Limits {
    /// The default limits: depth 100 000, 2<sup>28</sup> memo entries, 4 GiB.
    ///
    /// ```
    /// use picklejar_codec::Limits;
    ///
    /// assert_eq!(Limits::DEFAULT.max_depth, 100_000);
    /// ```
    pub const DEFAULT: Limits = Limits {
        max_depth: 100_000,
        max_memo: 1 << 28,
        max_alloc: 4 << 30,
    };

    /// These limits with another [`max_depth`](Limits::max_depth).
    ///
    /// ```
    /// use picklejar_codec::Limits;
    ///
    /// assert_eq!(Limits::DEFAULT.with_max_depth(50).max_depth, 50);
    /// ```
    #[must_use]
    pub const fn with_max_depth(self, max_depth: usize) -> Limits {
        Limits { max_depth, ..self }
    }

    /// These limits with another [`max_memo`](Limits::max_memo).
    ///
    /// ```
    /// use picklejar_codec::{ErrorKind, Limits, Loader};
    ///
    /// // Two PUTs (protocol 0), but only one memo entry allowed.
    /// let data = b"(lp0\nI1\naI2\nap1\n.";
    /// let e = Loader::new().limits(Limits::DEFAULT.with_max_memo(1)).load(data).unwrap_err();
    /// assert_eq!(e.kind(), ErrorKind::LimitExceeded);
    /// ```
    #[must_use]
    pub const fn with_max_memo(self, max_memo: usize) -> Limits {
        Limits { max_memo, ..self }
    }

    /// These limits with another [`max_alloc`](Limits::max_alloc).
    ///
    /// ```
    /// use picklejar_codec::{ErrorKind, Limits, Loader};
    ///
    /// // SHORT_BINBYTES of 200 bytes, with a 100-byte budget.
    /// let mut data = b"\x80\x04C\xc8".to_vec();
    /// data.extend([0u8; 200]);
    /// data.push(b'.');
    /// let e = Loader::new().limits(Limits::DEFAULT.with_max_alloc(100)).load(&data);
    /// assert_eq!(e.unwrap_err().kind(), ErrorKind::LimitExceeded);
    /// ```
    #[must_use]
    pub const fn with_max_alloc(self, max_alloc: usize) -> Limits {
        Limits { max_alloc, ..self }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

/// Options for [`Loader`](crate::Loader), mirroring `pickle.Unpickler(…)`. The
/// [`Loader`](crate::Loader) builder methods set them one at a time.
///
/// ```
/// use picklejar_codec::{Encoding, LoadOptions, Loader};
///
/// let opts = LoadOptions {
///     encoding: Encoding::Latin1,
///     fix_imports: false,
///     ..LoadOptions::default()
/// };
/// // Protocol 2: GLOBAL '__builtin__ unicode', kept as written.
/// let l = Loader::with_options(opts).load(b"\x80\x02c__builtin__\nunicode\nq\x00.")?;
/// let g = l.graph.as_global(l.graph.root()).unwrap();
/// assert_eq!((g.module.as_str(), g.name.as_str()), ("__builtin__", "unicode"));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LoadOptions {
    /// How Python 2 `str` loads (`encoding=`). Default [`Encoding::Ascii`].
    pub encoding: Encoding,
    /// How decoding errors are handled (`errors=`). Default [`DecodeErrors::Strict`].
    pub errors: DecodeErrors,
    /// Map Python 2 names to Python 3 ones in protocol 0–2 streams (`fix_imports=`).
    /// Default `true`, as in CPython.
    pub fix_imports: bool,
    /// Transitional: `true` turns `fix_imports` off.
    /// Out-of-band buffers for `NEXT_BUFFER` (`buffers=`); `None` means none were given,
    /// and NEXT_BUFFER fails. Default `None`.
    pub buffers: Option<Vec<Vec<u8>>>,
    /// The copyreg extension registry: code → (module, name), for EXT1/EXT2/EXT4.
    /// Default empty. An `FxHashMap` (`rustc_hash`), whose hasher has no per-map seed: an
    /// empty one costs nothing to make and drop, where a `HashMap`'s `RandomState` costs
    /// a small load about 2% of its instructions.
    pub extensions: FxHashMap<i32, (String, String)>,
    /// Resource limits. Default [`Limits::DEFAULT`].
    pub limits: Limits,
}

impl Default for LoadOptions {
    /// CPython's defaults (`encoding="ASCII"`, `errors="strict"`, `fix_imports=True`, no
    /// buffers, no extensions) and [`Limits::DEFAULT`].
    #[allow(deprecated)]
    fn default() -> LoadOptions {
        LoadOptions {
            encoding: Encoding::Ascii,
            errors: DecodeErrors::Strict,
            fix_imports: true,
            buffers: None,
            extensions: FxHashMap::default(),
            limits: Limits::DEFAULT,
        }
    }
}
