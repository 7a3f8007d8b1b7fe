//! The corpus model: `corpus/<category>/<case>/case.yaml` and the pickles beside it.
//!
//! `generators/make.py` writes the corpus; this module reads it (with serde_yaml), checks
//! its structure, and answers the questions the runner asks: which variants exist, which
//! load options they are read with, and what CPython's reference reader got.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use picklejar_codec::compress::{self, Compression};
use picklejar_codec::{Canon, DecodeErrors, Encoding, ErrorKind, ImportEvent, LoadOptions};
use serde::Deserialize;

use crate::ids::{DATA_ONLY_REFERENCE, Family, ImplId, REFERENCE};

/// The most bytes a compressed variant may decompress to: 256 MiB. A variant that
/// decompresses to more is refused with `limit-exceeded` (for every codec: the runner
/// decompresses before any codec sees the bytes).
pub const MAX_DECOMPRESSED: usize = 256 << 20;

/// How a compressed variant file is stored (`compression:` in `case.yaml`), by its magic
/// bytes: a compressed stream (gzip, bz2, xz, zstd: [`picklejar_codec::compress`]), `zip`,
/// a PyTorch-style zip checkpoint (`PK\x03\x04`) whose pickle is its single
/// `<prefix>/data.pkl` member, read by [`picklejar_container::torch_zip_pickle`], or
/// `zlib`, one zlib stream (a `78` byte and a valid RFC 1950 header), as joblib compresses
/// a file by default.
///
/// Zip and zlib are corpus packings, not the codec's stream formats: `picklejar-codec`
/// cannot depend on `picklejar-container` (which depends on it), so they are handled here,
/// where the runner reads corpus files.
///
/// ```
/// use picklejar_codec::compress::Compression;
/// use picklejar_runner::corpus::CompressionMethod;
///
/// assert_eq!(CompressionMethod::detect(b"PK\x03\x04\x14\x00"), Some(CompressionMethod::Zip));
/// assert_eq!(CompressionMethod::detect(b"\x1f\x8b\x08"), Some(CompressionMethod::Stream(Compression::Gzip)));
/// assert_eq!(CompressionMethod::from_name("zip"), Some(CompressionMethod::Zip));
/// assert_eq!(CompressionMethod::detect(b"x\x9c\x01"), Some(CompressionMethod::Zlib));
/// assert_eq!(CompressionMethod::detect(b"x\x9d\x01"), None); // not a zlib header
/// assert_eq!(CompressionMethod::Stream(Compression::Xz).name(), "xz");
/// assert_eq!(CompressionMethod::detect(b"\x80\x04N."), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompressionMethod {
    /// A compressed stream, decompressed whole by [`compress::decompress`].
    Stream(Compression),
    /// A PyTorch-style zip checkpoint: its `<prefix>/data.pkl` member.
    Zip,
    /// One zlib stream (joblib's `compress=3`).
    Zlib,
}

impl CompressionMethod {
    /// The zip local-file-header magic a zip variant starts with.
    pub const ZIP_MAGIC: &'static [u8] = b"PK\x03\x04";

    /// The method `data` starts with, by its magic bytes; `None` for a plain pickle.
    pub fn detect(data: &[u8]) -> Option<CompressionMethod> {
        if data.starts_with(Self::ZIP_MAGIC) {
            return Some(CompressionMethod::Zip);
        }
        if compress::is_zlib_header(data) {
            return Some(CompressionMethod::Zlib);
        }
        compress::detect(data).map(CompressionMethod::Stream)
    }

    /// Its name in `case.yaml`: `gzip`, `bz2`, `xz`, `zstd`, `zip` or `zlib`.
    pub fn name(self) -> &'static str {
        match self {
            CompressionMethod::Stream(c) => c.name(),
            CompressionMethod::Zip => "zip",
            CompressionMethod::Zlib => "zlib",
        }
    }

    /// Parses a name as [`CompressionMethod::name`] spells it.
    pub fn from_name(name: &str) -> Option<CompressionMethod> {
        match name {
            "zip" => return Some(CompressionMethod::Zip),
            "zlib" => return Some(CompressionMethod::Zlib),
            _ => {}
        }
        Compression::from_name(name).map(CompressionMethod::Stream)
    }
}

impl std::fmt::Display for CompressionMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The pickle a variant file holds: the file itself when it is plain (borrowed), else its
/// content decompressed as its magic bytes say, to at most [`MAX_DECOMPRESSED`] bytes (for
/// a zip, the `<prefix>/data.pkl` member). Errors are `truncated`, `bad-compression` or
/// `limit-exceeded`.
///
/// ```
/// use picklejar_codec::ErrorKind;
/// use picklejar_runner::corpus::unpack;
///
/// assert_eq!(&*unpack(b"\x80\x04N.")?, b"\x80\x04N.");
/// assert_eq!(unpack(b"PK\x03\x04").unwrap_err().kind(), ErrorKind::BadCompression);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn unpack(raw: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, picklejar_codec::Error> {
    match CompressionMethod::detect(raw) {
        None => Ok(std::borrow::Cow::Borrowed(raw)),
        Some(CompressionMethod::Stream(c)) => {
            compress::decompress_as(raw, c, MAX_DECOMPRESSED).map(std::borrow::Cow::Owned)
        }
        Some(CompressionMethod::Zip) => {
            picklejar_container::torch_zip_pickle(raw, MAX_DECOMPRESSED)
                .map(std::borrow::Cow::Owned)
                .map_err(|e| {
                    let message = match e.member() {
                        Some(m) => format!("zip: {} (member {m})", e.message()),
                        None => format!("zip: {}", e.message()),
                    };
                    picklejar_codec::Error::new(e.kind(), message)
                })
        }
        Some(CompressionMethod::Zlib) => picklejar_container::Compression::Zlib
            .decompress(raw, MAX_DECOMPRESSED)
            .map(std::borrow::Cow::Owned)
            .map_err(|e| picklejar_codec::Error::new(e.kind(), e.message())),
    }
}

/// What a variant file is besides a (possibly compressed) pickle (`container:` in
/// `case.yaml`).
///
/// ```
/// use picklejar_runner::corpus::Container;
///
/// assert_eq!(Container::from_name("joblib"), Some(Container::Joblib));
/// assert_eq!(Container::Joblib.name(), "joblib");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    /// A `joblib.dump` file: each numpy array's bytes are in the stream after its
    /// `NumpyArrayWrapper`'s BUILD (the variant's `cut`); the rest is the pickle.
    Joblib,
}

impl Container {
    /// Its name in `case.yaml`.
    pub fn name(self) -> &'static str {
        match self {
            Container::Joblib => "joblib",
        }
    }

    /// Parses a name as [`Container::name`] spells it.
    pub fn from_name(name: &str) -> Option<Container> {
        (name == "joblib").then_some(Container::Joblib)
    }
}

/// `data` without the byte ranges `cut` (sorted, disjoint, within `data`: the corpus
/// checks that when it is read): a joblib file's pickle.
///
/// ```
/// use picklejar_runner::corpus::apply_cut;
///
/// assert_eq!(apply_cut(b"\x80\x04(RAWx.", &[3..6]), b"\x80\x04(x.");
/// assert_eq!(apply_cut(b"abc", &[]), b"abc");
/// ```
pub fn apply_cut(data: &[u8], cut: &[std::ops::Range<usize>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut pos = 0;
    for r in cut {
        out.extend_from_slice(data.get(pos..r.start).unwrap_or_default());
        pos = r.end;
    }
    out.extend_from_slice(data.get(pos..).unwrap_or_default());
    out
}

/// Why a variant's pickle bytes could not be had.
#[derive(Debug, thiserror::Error)]
pub enum VariantError {
    /// The file could not be read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The file is compressed and does not decompress: kind `truncated`,
    /// `bad-compression`, or `limit-exceeded` past [`MAX_DECOMPRESSED`]. This is the
    /// trial's outcome, for every codec.
    #[error(transparent)]
    Decompress(#[from] picklejar_codec::Error),
}

/// A problem with the corpus itself.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A `case.yaml` did not parse or does not follow the schema.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Whether CPython accepts or rejects a case (`expect:` in `case.yaml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Acceptance {
    /// CPython loads it.
    Accept,
    /// CPython refuses it.
    Reject,
}

/// Load options as the corpus spells them (`encoding`, `errors`, `fix_imports`,
/// `extensions`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LoadSpec {
    /// `encoding=` for Python 2 `str`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// `errors=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<String>,
    /// `fix_imports=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_imports: Option<bool>,
    /// The copyreg extension registry: code → `[module, name]`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, (String, String)>,
    /// Whether readers resolve persistent ids (to the canon `persid` node); without it
    /// CPython refuses PERSID/BINPERSID.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub persistent_load: bool,
}

impl LoadSpec {
    /// `self` with the members of `over` that are set.
    pub fn merged(&self, over: &LoadSpec) -> LoadSpec {
        let mut ext = self.extensions.clone();
        ext.extend(over.extensions.clone());
        LoadSpec {
            encoding: over.encoding.clone().or_else(|| self.encoding.clone()),
            errors: over.errors.clone().or_else(|| self.errors.clone()),
            fix_imports: over.fix_imports.or(self.fix_imports),
            extensions: ext,
            persistent_load: self.persistent_load || over.persistent_load,
        }
    }

    /// Whether every member is at its default.
    pub fn is_default(&self) -> bool {
        self == &LoadSpec::default()
    }

    /// A short label for trial names: `encoding=bytes`, `fix_imports=false`.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if let Some(e) = &self.encoding {
            parts.push(format!("encoding={e}"));
        }
        if let Some(e) = &self.errors {
            parts.push(format!("errors={e}"));
        }
        if let Some(f) = self.fix_imports {
            parts.push(format!("fix_imports={f}"));
        }
        parts.join(",")
    }

    /// The codec options these mean, with `buffers` attached.
    pub fn to_options(&self, buffers: Option<Vec<Vec<u8>>>) -> Result<LoadOptions, String> {
        let mut o = LoadOptions::default();
        if let Some(e) = &self.encoding {
            o.encoding = Encoding::from_name(e).ok_or_else(|| format!("unknown encoding {e:?}"))?;
        }
        if let Some(e) = &self.errors {
            o.errors = DecodeErrors::from_name(e).ok_or_else(|| format!("unknown errors {e:?}"))?;
        }
        o.fix_imports = self.fix_imports != Some(false);
        for (code, (m, n)) in &self.extensions {
            let c: i32 = code
                .parse()
                .map_err(|_| format!("bad extension code {code:?}"))?;
            o.extensions.insert(c, (m.clone(), n.clone()));
        }
        o.buffers = buffers;
        Ok(o)
    }
}

/// What a reader got: a canon tree, or an error.
#[derive(Clone, Debug, PartialEq)]
pub enum ReaderOutcome {
    /// It loaded; the canon CPython computed.
    Canon(Canon),
    /// It raised.
    Error {
        /// Codec-neutral kind.
        kind: ErrorKind,
        /// Exception type.
        exception: String,
        /// Exception message.
        message: String,
    },
}

/// One group of readers that got the same outcome with the same options.
#[derive(Clone, Debug)]
pub struct ResultGroup {
    /// Extra options on top of the case's `load`.
    pub options: LoadSpec,
    /// Reader ids (`cpython-3.13`, `cpython-3.13-py`, …).
    pub readers: Vec<ImplId>,
    /// What they got.
    pub outcome: ReaderOutcome,
    /// What CPython imported and called on the way, in order, as far as it got
    /// (`imports:`, `docs/CORPUS.md` section 3, *Imports*); empty when nothing.
    pub imports: Vec<ImportEvent>,
}

/// One distinct pickle of a case.
#[derive(Clone, Debug)]
pub struct Variant {
    /// File name within the case directory.
    pub file: String,
    /// The protocol the stream declares (its PROTO opcode; 0 when there is none).
    pub protocol: u8,
    /// The pickler protocols that wrote exactly these bytes (protocols 0 and 1 declare
    /// no PROTO, so this tells them apart).
    pub written_at: Vec<u8>,
    /// SHA-256 of the file, lowercase hex (of the file as it is on disk, compressed or not).
    pub sha256: String,
    /// File size (on disk).
    pub size: u64,
    /// The compression the file is stored with (`compression:` in `case.yaml`), `None` for
    /// a plain pickle. The runner detects compression by magic bytes; the corpus test
    /// checks that this says the same.
    pub compression: Option<CompressionMethod>,
    /// What the file is besides a pickle (`container:`), `None` for a pickle.
    pub container: Option<Container>,
    /// The byte ranges of the (decompressed) file that are not pickle (`cut:`): a joblib
    /// file's arrays. [`Case::read_variant`] leaves them out.
    pub cut: Vec<std::ops::Range<usize>>,
    /// Producers that wrote exactly these bytes.
    pub producers: Vec<ImplId>,
    /// Out-of-band buffer files, in order.
    pub buffers: Vec<String>,
    /// What every reader got.
    pub results: Vec<ResultGroup>,
    /// Whether the variant resolves with the real library in each library reader
    /// (`numpy-3.12`, …): `resolves:` in `case.yaml`, only in variants of `libraries/`
    /// cases (`docs/CORPUS.md` section 7); empty elsewhere.
    pub resolves: Vec<ResolveGroup>,
}

impl Variant {
    /// Whether a real-library producer (`numpy-X.Y`, …, `joblib-X.Y`) wrote it: its pickle
    /// names a real library's classes, which the corpus's CPython readers read with the
    /// libraries unimportable.
    ///
    /// ```
    /// use picklejar_runner::corpus::Variant;
    ///
    /// let mut v = Variant {
    ///     file: "p2-0.pkl".into(), protocol: 2, written_at: vec![2], sha256: String::new(),
    ///     size: 0, compression: None, container: None, cut: vec![],
    ///     producers: vec!["cpython-3.12".parse()?], buffers: vec![], results: vec![],
    ///     resolves: vec![],
    /// };
    /// assert!(!v.real_library());
    /// v.producers = vec!["numpy-3.12".parse()?];
    /// assert!(v.real_library());
    /// # Ok::<(), picklejar_runner::ids::IdError>(())
    /// ```
    pub fn real_library(&self) -> bool {
        self.producers.iter().any(|p| p.library().is_some())
    }
}

/// Library readers that got the same outcome loading a variant with the real library.
#[derive(Clone, Debug)]
pub struct ResolveGroup {
    /// Library reader ids (`numpy-2.7`, `pandas-3.13`, …).
    pub readers: Vec<ImplId>,
    /// What they got.
    pub outcome: Resolved,
}

/// Whether a library reader loaded a variant with the real classes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// `pickle.loads` returned.
    Ok,
    /// It raised.
    Error {
        /// The codec-neutral error kind.
        kind: ErrorKind,
        /// The exception type (`ImportError`, `AttributeError`, …).
        exception: String,
        /// Its message.
        message: String,
    },
}

impl Variant {
    /// The file name without its extension: the variant's part of trial names.
    pub fn stem(&self) -> &str {
        self.file.strip_suffix(".pkl").unwrap_or(&self.file)
    }

    /// The option sets this variant was read with (the plain read first).
    pub fn option_sets(&self) -> Vec<LoadSpec> {
        let mut out: Vec<LoadSpec> = Vec::new();
        for r in &self.results {
            if !out.contains(&r.options) {
                out.push(r.options.clone());
            }
        }
        out.sort_by_key(|o| (!o.is_default(), o.label()));
        out
    }

    /// The expected outcome for a codec: [`Variant::reference`], except that a data-only
    /// codec is held to the [`DATA_ONLY_REFERENCE`]'s canon where the reference reader only
    /// failed to resolve or construct (and the corpus has that reading).
    pub fn reference_for(
        &self,
        options: &LoadSpec,
        data_only: bool,
    ) -> Option<(ImplId, &ReaderOutcome)> {
        self.expected_for(REFERENCE, options, data_only)
    }

    /// The expected outcome for a codec that implements `reader` (a codec's declared
    /// reference, `docs/ADAPTERS.md`): for [`REFERENCE`], [`Variant::reference`]; for any
    /// other reader, what that reader recorded with these options (`None` when it did not
    /// read the variant with them: no trial). Where the reader only failed to resolve or
    /// construct, a data-only codec is held to a data-only reading instead: the one of the
    /// reader's own Python (`cpython-2.7-dataonly` for `cpython-2.7` and `cpython-2.7-py`)
    /// when the variant has it, else the [`DATA_ONLY_REFERENCE`]'s.
    ///
    /// ```
    /// use picklejar_codec::{Canon, ErrorKind};
    /// use picklejar_runner::Variant;
    /// use picklejar_runner::corpus::{LoadSpec, ReaderOutcome, ResultGroup};
    ///
    /// // a dill pickle: CPython cannot import dill; two data-only readings describe it
    /// let group = |readers: &[&str], outcome| ResultGroup {
    ///     options: LoadSpec::default(),
    ///     readers: readers.iter().map(|r| r.parse().expect("an id")).collect(),
    ///     outcome,
    ///     imports: vec![],
    /// };
    /// let unresolved = ReaderOutcome::Error {
    ///     kind: ErrorKind::Unresolved, exception: "ImportError".into(), message: "dill".into(),
    /// };
    /// let v = Variant {
    ///     file: "p2-0.pkl".into(), protocol: 2, written_at: vec![2], sha256: String::new(),
    ///     size: 0, compression: None, container: None, cut: vec![], producers: vec![], buffers: vec![], resolves: vec![],
    ///     results: vec![
    ///         group(&["cpython-2.7", "cpython-3.13"], unresolved),
    ///         group(&["cpython-2.7-dataonly"], ReaderOutcome::Canon(Canon::Bytes(b"py2".to_vec()))),
    ///         group(&["cpython-3.13-dataonly"], ReaderOutcome::Canon(Canon::Str("py3".into()))),
    ///     ],
    /// };
    /// let spec = LoadSpec::default();
    /// let (from, _) = v.expected_for("cpython-2.7".parse()?, &spec, true).expect("read");
    /// assert_eq!(from.to_string(), "cpython-2.7-dataonly");
    /// let (from, _) = v.expected_for("cpython-3.13".parse()?, &spec, true).expect("read");
    /// assert_eq!(from.to_string(), "cpython-3.13-dataonly");
    /// let (from, _) = v.expected_for("cpython-2.7".parse()?, &spec, false).expect("read");
    /// assert_eq!(from.to_string(), "cpython-2.7"); // not data-only: held to the error
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// ```
    /// use picklejar_runner::Corpus;
    /// use picklejar_runner::corpus::{LoadSpec, ReaderOutcome};
    /// let corpus = Corpus::open(picklejar_corpus::cached()?)?;
    /// let case = corpus.cases.iter().find(|c| c.id == "scalars/int_small").expect("case");
    /// let p5 = case.variants.iter().find(|v| v.protocol == 5).expect("protocol 5");
    /// let py27 = "cpython-2.7".parse()?;
    /// let (reader, outcome) = p5.expected_for(py27, &LoadSpec::default(), true).expect("read");
    /// assert_eq!(reader, py27);
    /// assert!(matches!(outcome, ReaderOutcome::Error { .. })); // 2.7 has no protocol 5
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expected_for(
        &self,
        reader: ImplId,
        options: &LoadSpec,
        data_only: bool,
    ) -> Option<(ImplId, &ReaderOutcome)> {
        let reference = if reader == REFERENCE {
            self.reference(options)?
        } else {
            let g = self
                .results
                .iter()
                .find(|g| &g.options == options && g.readers.contains(&reader))?;
            (reader, &g.outcome)
        };
        let resolve_phase =
            matches!(reference.1, ReaderOutcome::Error { kind, .. } if kind.is_resolve_phase());
        if !(data_only && resolve_phase) {
            return Some(reference);
        }
        let reading = |r: ImplId| {
            self.results
                .iter()
                .find(|g| &g.options == options && g.readers.contains(&r))
                .map(|g| (r, &g.outcome))
        };
        reference
            .0
            .data_only_reading()
            .and_then(reading)
            .or_else(|| reading(DATA_ONLY_REFERENCE))
            .or(Some(reference))
    }

    /// What `reader` recorded that loading this variant with these extra options imports
    /// and calls, with the reader it comes from: `reader`'s own record, else the
    /// [`REFERENCE`] reader's (or the newest Python 3 C reader's, as for
    /// [`Variant::reference`]). `None` when no CPython reader read it with these options.
    pub fn imports_for(
        &self,
        reader: ImplId,
        options: &LoadSpec,
    ) -> Option<(ImplId, &[ImportEvent])> {
        let group = |r: ImplId| {
            self.results
                .iter()
                .find(|g| &g.options == options && g.readers.contains(&r))
        };
        if reader.family != Family::DataOnly
            && let Some(g) = group(reader)
        {
            return Some((reader, &g.imports));
        }
        let (r, _) = self.reference(options)?;
        group(r).map(|g| (r, g.imports.as_slice()))
    }

    /// The [`REFERENCE`] reader's outcome with these extra options, falling back to the
    /// newest Python 3 C reader that read it.
    pub fn reference(&self, options: &LoadSpec) -> Option<(ImplId, &ReaderOutcome)> {
        let groups: Vec<&ResultGroup> = self
            .results
            .iter()
            .filter(|r| &r.options == options)
            .collect();
        for g in &groups {
            if g.readers.contains(&REFERENCE) {
                return Some((REFERENCE, &g.outcome));
            }
        }
        groups
            .iter()
            .flat_map(|g| g.readers.iter().map(move |r| (*r, &g.outcome)))
            .filter(|(r, _)| r.is_c3())
            .max_by_key(|(r, _)| r.version)
    }
}

/// A case: one object (or one malformed input) written by every producer.
#[derive(Clone, Debug)]
pub struct Case {
    /// `category/name`, the directory under `corpus/`.
    pub id: String,
    /// One line.
    pub description: String,
    /// Features from `corpus/features.yaml`.
    pub features: Vec<String>,
    /// Accepted or rejected by CPython.
    pub expect: Acceptance,
    /// For rejects: the codec-neutral error kind.
    pub error: Option<ErrorKind>,
    /// The Python source of the case.
    pub source: String,
    /// Load options every reader used.
    pub load: LoadSpec,
    /// The distinct pickles.
    pub variants: Vec<Variant>,
    /// The case directory.
    pub dir: PathBuf,
}

impl Case {
    /// The category: the first path component of the id.
    pub fn category(&self) -> &str {
        self.id.split('/').next().unwrap_or(&self.id)
    }
}

// ----- YAML shape ---------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: String,
    description: String,
    #[serde(default)]
    features: Vec<String>,
    expect: Acceptance,
    #[serde(default, deserialize_with = "optional_kind")]
    error: Option<ErrorKind>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    load: LoadSpec,
    variants: Vec<RawVariant>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariant {
    file: String,
    protocol: u8,
    #[serde(default)]
    written_at: Vec<u8>,
    sha256: String,
    size: u64,
    #[serde(default)]
    compression: Option<String>,
    #[serde(default)]
    container: Option<String>,
    #[serde(default)]
    cut: Vec<(usize, usize)>,
    producers: Vec<ImplId>,
    #[serde(default)]
    buffers: Vec<String>,
    results: Vec<RawResult>,
    #[serde(default)]
    resolves: Vec<RawResolve>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResolve {
    readers: Vec<ImplId>,
    #[serde(default)]
    ok: Option<bool>,
    #[serde(default)]
    error: Option<RawError>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResult {
    #[serde(default)]
    options: LoadSpec,
    readers: Vec<ImplId>,
    #[serde(default)]
    canon: Option<serde_yaml::Value>,
    #[serde(default)]
    error: Option<RawError>,
    /// What the readers imported and called: `[find, M, N]` and `[call, M, N, VIA]`.
    #[serde(default)]
    imports: Vec<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawError {
    #[serde(deserialize_with = "kind")]
    kind: ErrorKind,
    #[serde(rename = "type", default)]
    exception: String,
    #[serde(default)]
    message: String,
}

/// An error kind by its `docs/CANON.md` name.
fn kind<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ErrorKind, D::Error> {
    let name = String::deserialize(d)?;
    name.parse().map_err(serde::de::Error::custom)
}

fn optional_kind<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<ErrorKind>, D::Error> {
    kind(d).map(Some)
}

/// A canon as the YAML holds it: a JSON string (deeply nested trees), or inline.
fn canon_of(v: serde_yaml::Value) -> Result<Canon, String> {
    match v {
        serde_yaml::Value::String(s) => Canon::from_json(&s).map_err(|e| e.to_string()),
        other => {
            let j = serde_json::to_value(&other).map_err(|e| e.to_string())?;
            Canon::from_json_value(&j).map_err(|e| e.to_string())
        }
    }
}

impl Case {
    /// Reads and checks one `case.yaml`.
    pub fn read(path: &Path) -> Result<Case, CorpusError> {
        let text = std::fs::read_to_string(path).map_err(|source| CorpusError::Io {
            path: path.to_owned(),
            source,
        })?;
        let invalid = |message: String| CorpusError::Invalid {
            path: path.to_owned(),
            message,
        };
        let raw: RawCase = serde_yaml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut variants = Vec::with_capacity(raw.variants.len());
        for v in raw.variants {
            let mut results = Vec::with_capacity(v.results.len());
            for r in v.results {
                let outcome = match (r.canon, r.error) {
                    (Some(c), None) => ReaderOutcome::Canon(
                        canon_of(c).map_err(|e| invalid(format!("{}: canon: {e}", v.file)))?,
                    ),
                    (None, Some(e)) => ReaderOutcome::Error {
                        kind: e.kind,
                        exception: e.exception,
                        message: e.message,
                    },
                    _ => {
                        return Err(invalid(format!(
                            "{}: a result needs exactly one of canon or error",
                            v.file
                        )));
                    }
                };
                let imports = r
                    .imports
                    .iter()
                    .map(|e| {
                        ImportEvent::from_strings(e).ok_or_else(|| {
                            invalid(format!("{}: imports: not an event: {e:?}", v.file))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                results.push(ResultGroup {
                    options: r.options,
                    readers: r.readers,
                    outcome,
                    imports,
                });
            }
            let compression = match &v.compression {
                None => None,
                Some(name) => Some(CompressionMethod::from_name(name).ok_or_else(|| {
                    invalid(format!(
                        "{}: unknown compression {name:?} (gzip, bz2, xz, zstd, zip or zlib)",
                        v.file
                    ))
                })?),
            };
            let container = match &v.container {
                None => None,
                Some(name) => Some(Container::from_name(name).ok_or_else(|| {
                    invalid(format!("{}: unknown container {name:?} (joblib)", v.file))
                })?),
            };
            let ordered =
                v.cut.iter().all(|&(a, b)| a <= b) && v.cut.windows(2).all(|w| w[0].1 <= w[1].0);
            if !ordered || (container.is_none() && !v.cut.is_empty()) {
                return Err(invalid(format!(
                    "{}: cut is sorted disjoint [start, end] ranges of a joblib container",
                    v.file
                )));
            }
            let cut = v.cut.iter().map(|&(a, b)| a..b).collect();
            let mut resolves = Vec::with_capacity(v.resolves.len());
            for r in v.resolves {
                let outcome = match (r.ok, r.error) {
                    (Some(true), None) => Resolved::Ok,
                    (None, Some(e)) => Resolved::Error {
                        kind: e.kind,
                        exception: e.exception,
                        message: e.message,
                    },
                    _ => {
                        return Err(invalid(format!(
                            "{}: a resolves group needs exactly one of `ok: true` or error",
                            v.file
                        )));
                    }
                };
                resolves.push(ResolveGroup {
                    readers: r.readers,
                    outcome,
                });
            }
            variants.push(Variant {
                written_at: if v.written_at.is_empty() {
                    vec![v.protocol]
                } else {
                    v.written_at
                },
                file: v.file,
                protocol: v.protocol,
                sha256: v.sha256,
                size: v.size,
                compression,
                container,
                cut,
                producers: v.producers,
                buffers: v.buffers,
                results,
                resolves,
            });
        }
        Ok(Case {
            id: raw.id,
            description: raw.description,
            features: raw.features,
            expect: raw.expect,
            error: raw.error,
            source: raw.source,
            load: raw.load,
            variants,
            dir,
        })
    }

    /// The pickle bytes of a variant: its file, decompressed when it starts with a gzip,
    /// bzip2, xz or zstd magic (to at most [`MAX_DECOMPRESSED`] bytes), or its
    /// `<prefix>/data.pkl` member when it is a zip ([`unpack`]). Every codec the runner
    /// decompresses for is given these bytes; a file that does not decompress is a
    /// [`VariantError::Decompress`].
    pub fn read_variant(&self, v: &Variant) -> Result<Vec<u8>, VariantError> {
        let raw = self.read_variant_file(v)?;
        let plain = if CompressionMethod::detect(&raw).is_none() {
            raw
        } else {
            unpack(&raw)?.into_owned()
        };
        if v.cut.is_empty() {
            return Ok(plain);
        }
        if v.cut.last().is_some_and(|r| r.end > plain.len()) {
            return Err(VariantError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: its cut runs past its {} bytes", v.file, plain.len()),
            )));
        }
        Ok(apply_cut(&plain, &v.cut))
    }

    /// The bytes of a variant's file as they are on disk (compressed or not): what its
    /// `sha256` and `size` describe.
    pub fn read_variant_file(&self, v: &Variant) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.dir.join(&v.file))
    }

    /// The out-of-band buffers of a variant (`None` when it has none).
    pub fn read_buffers(&self, v: &Variant) -> std::io::Result<Option<Vec<Vec<u8>>>> {
        if v.buffers.is_empty() {
            return Ok(None);
        }
        v.buffers
            .iter()
            .map(|b| std::fs::read(self.dir.join(b)))
            .collect::<Result<_, _>>()
            .map(Some)
    }
}

/// The whole corpus.
#[derive(Clone, Debug)]
pub struct Corpus {
    /// The `corpus/` directory.
    pub root: PathBuf,
    /// Every case, sorted by id.
    pub cases: Vec<Case>,
}

impl Corpus {
    /// Reads every `case.yaml` under `root`, in id order.
    pub fn open(root: impl AsRef<Path>) -> Result<Corpus, CorpusError> {
        let root = root.as_ref().to_path_buf();
        let mut cases = Vec::new();
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.map_err(|e| CorpusError::Io {
                path: e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.clone()),
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("walk error")),
            })?;
            if entry.file_name() == "case.yaml" {
                cases.push(Case::read(entry.path())?);
            }
        }
        cases.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Corpus { root, cases })
    }

    /// Where the corpus comes from when none is named: `$PICKLEJAR_CORPUS`, else the
    /// `corpus/` of the picklejar checkout the current directory is in (an ancestor holding
    /// `corpus/manifest.yaml` and `generators/make.py`), else the corpus embedded in this
    /// build ([`picklejar_corpus`], unpacked once into a cache directory). Never a path baked
    /// in at build time.
    ///
    /// ```
    /// use picklejar_runner::corpus::{Corpus, CorpusSource};
    /// let source = Corpus::locate()?;
    /// assert!(source.path().join("manifest.yaml").is_file());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn locate() -> std::io::Result<CorpusSource> {
        if let Some(p) = std::env::var_os("PICKLEJAR_CORPUS") {
            return Ok(CorpusSource::Given(PathBuf::from(p)));
        }
        let cwd = std::env::current_dir()?;
        for dir in cwd.ancestors() {
            if dir.join("corpus/manifest.yaml").is_file()
                && dir.join("generators/make.py").is_file()
            {
                return Ok(CorpusSource::Checkout(dir.join("corpus")));
            }
        }
        Ok(CorpusSource::Embedded(picklejar_corpus::cached()?))
    }

    /// This corpus's id: `picklejar-corpus VERSION sha256:HEX`, where HEX is the listing
    /// digest of its directory ([`picklejar_corpus::digest_dir`]; equal to the embedded
    /// corpus's [`picklejar_corpus::SHA256`] when the files are the same).
    ///
    /// ```
    /// use picklejar_runner::Corpus;
    /// let corpus = Corpus::open(picklejar_corpus::cached()?)?;
    /// assert_eq!(corpus.id()?, picklejar_corpus::id());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id(&self) -> std::io::Result<String> {
        Ok(format!(
            "picklejar-corpus {} sha256:{}",
            picklejar_corpus::VERSION,
            picklejar_corpus::digest_dir(&self.root)?
        ))
    }

    /// Checks every variant file (and buffer file) against `case.yaml`: present, of the
    /// recorded size, with the recorded SHA-256. Returns what is damaged, empty when nothing
    /// is. A damaged corpus says nothing about a codec: callers stop before any trial.
    ///
    /// ```
    /// use picklejar_runner::Corpus;
    /// let corpus = Corpus::open(picklejar_corpus::cached()?)?;
    /// assert!(corpus.verify().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self) -> Vec<Damage> {
        use sha2::{Digest, Sha256};
        let mut out = Vec::new();
        for case in &self.cases {
            for v in &case.variants {
                let path = case.dir.join(&v.file);
                let problem = match std::fs::read(&path) {
                    Err(e) => Some(format!("cannot be read ({e})")),
                    Ok(data) if data.len() as u64 != v.size => Some(format!(
                        "is {} bytes, case.yaml says {}",
                        data.len(),
                        v.size
                    )),
                    Ok(data) => {
                        let hex: String = Sha256::digest(&data)
                            .iter()
                            .map(|b| format!("{b:02x}"))
                            .collect();
                        (hex != v.sha256)
                            .then(|| format!("has sha256 {hex}, case.yaml says {}", v.sha256))
                    }
                };
                if let Some(problem) = problem {
                    out.push(Damage {
                        case: case.id.clone(),
                        path: path.clone(),
                        problem,
                    });
                }
                for b in &v.buffers {
                    let path = case.dir.join(b);
                    if !path.is_file() {
                        out.push(Damage {
                            case: case.id.clone(),
                            path,
                            problem: "is missing (an out-of-band buffer)".into(),
                        });
                    }
                }
            }
        }
        out
    }
}

/// Where a corpus was found ([`Corpus::locate`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorpusSource {
    /// Named by `--corpus` or `$PICKLEJAR_CORPUS`.
    Given(PathBuf),
    /// The `corpus/` of the picklejar checkout the current directory is in.
    Checkout(PathBuf),
    /// The corpus embedded in this build, unpacked in the cache.
    Embedded(PathBuf),
}

impl CorpusSource {
    /// The corpus directory.
    ///
    /// ```
    /// use picklejar_runner::corpus::CorpusSource;
    /// let s = CorpusSource::Given("my/corpus".into());
    /// assert_eq!(s.path(), std::path::Path::new("my/corpus"));
    /// ```
    pub fn path(&self) -> &Path {
        match self {
            CorpusSource::Given(p) | CorpusSource::Checkout(p) | CorpusSource::Embedded(p) => p,
        }
    }

    /// How it was found, for the terminal: `given`, `checkout` or `embedded`.
    ///
    /// ```
    /// use picklejar_runner::corpus::CorpusSource;
    /// assert_eq!(CorpusSource::Embedded("x".into()).how(), "embedded");
    /// ```
    pub fn how(&self) -> &'static str {
        match self {
            CorpusSource::Given(_) => "given",
            CorpusSource::Checkout(_) => "checkout",
            CorpusSource::Embedded(_) => "embedded",
        }
    }
}

/// A corpus file that is missing or differs from what `case.yaml` records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damage {
    /// The case it belongs to.
    pub case: String,
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub problem: String,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "corpus damaged: {} {}; restore it (git checkout -- corpus/{}) or regenerate the case (python3 generators/make.py --only '{}')",
            self.path.display(),
            self.problem,
            self.case,
            self.case
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(readers: &[&str], outcome: ReaderOutcome) -> ResultGroup {
        ResultGroup {
            options: LoadSpec::default(),
            readers: readers
                .iter()
                .map(|r| r.parse().unwrap_or_else(|e| panic!("{r}: {e}")))
                .collect(),
            outcome,
            imports: Vec::new(),
        }
    }

    fn error(kind: ErrorKind) -> ReaderOutcome {
        ReaderOutcome::Error {
            kind,
            exception: "E".into(),
            message: String::new(),
        }
    }

    fn variant(results: Vec<ResultGroup>) -> Variant {
        Variant {
            file: "p2-0.pkl".into(),
            protocol: 2,
            written_at: vec![2],
            sha256: String::new(),
            size: 0,
            compression: None,
            container: None,
            cut: Vec::new(),
            producers: Vec::new(),
            buffers: Vec::new(),
            results,
            resolves: Vec::new(),
        }
    }

    /// Which reading a data-only codec is held to, by the reader it implements and the
    /// readings the variant has.
    #[test]
    fn data_only_codecs_prefer_the_data_only_reading_of_their_readers_python() {
        let unresolved = || error(ErrorKind::Unresolved);
        let canon = |s: &str| ReaderOutcome::Canon(Canon::Str(s.into()));
        let both = || {
            variant(vec![
                group(
                    &["cpython-2.7", "cpython-2.7-py", "cpython-3.13"],
                    unresolved(),
                ),
                group(&["cpython-2.7-dataonly"], canon("2.7")),
                group(&["cpython-3.13-dataonly"], canon("3.13")),
            ])
        };
        let only_313 = || {
            variant(vec![
                group(&["cpython-2.7", "cpython-3.13"], unresolved()),
                group(&["cpython-3.13-dataonly"], canon("3.13")),
            ])
        };
        let none = || variant(vec![group(&["cpython-2.7", "cpython-3.13"], unresolved())]);
        // 3.13 did not read it: the reference falls back to 3.12, and to 3.12's reading
        let fallback = || {
            variant(vec![
                group(&["cpython-3.12"], unresolved()),
                group(&["cpython-3.12-dataonly"], canon("3.12")),
                group(&["cpython-3.13-dataonly"], canon("3.13")),
            ])
        };
        let stream_error = || {
            variant(vec![
                group(
                    &["cpython-2.7", "cpython-3.13"],
                    error(ErrorKind::Truncated),
                ),
                group(
                    &["cpython-2.7-dataonly", "cpython-3.13-dataonly"],
                    canon("x"),
                ),
            ])
        };
        // (variant, reader, data-only codec, the reading expected)
        let table: Vec<(Variant, &str, bool, &str)> = vec![
            (both(), "cpython-2.7", true, "cpython-2.7-dataonly"),
            (both(), "cpython-2.7-py", true, "cpython-2.7-dataonly"),
            (both(), "cpython-3.13", true, "cpython-3.13-dataonly"),
            (both(), "cpython-2.7", false, "cpython-2.7"),
            (only_313(), "cpython-2.7", true, "cpython-3.13-dataonly"),
            (none(), "cpython-2.7", true, "cpython-2.7"),
            (fallback(), "cpython-3.13", true, "cpython-3.12-dataonly"),
            (stream_error(), "cpython-2.7", true, "cpython-2.7"),
        ];
        for (v, reader, data_only, want) in table {
            let r: ImplId = reader.parse().unwrap_or(REFERENCE);
            let got = v.expected_for(r, &LoadSpec::default(), data_only);
            assert_eq!(
                got.map(|(id, _)| id.to_string()).as_deref(),
                Some(want),
                "{reader} data_only={data_only}"
            );
        }
        // the outcome is that reading's
        let v = both();
        let got = v.expected_for(ImplId::cpython(2, 7), &LoadSpec::default(), true);
        assert_eq!(got.map(|(_, o)| o), Some(&canon("2.7")));
    }
}
