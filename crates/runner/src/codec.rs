//! The one trait every codec under test implements, in process or through an adapter.

use picklejar_codec::{Canon, ImportEvent};

use crate::corpus::LoadSpec;
use crate::ids::{ImplId, REFERENCE};
use crate::model::ValueModel;

/// What a trial asks a codec to load.
#[derive(Clone, Copy, Debug)]
pub struct LoadRequest<'a> {
    /// The pickle bytes.
    pub data: &'a [u8],
    /// Load options (encoding, fix_imports, extensions).
    pub spec: &'a LoadSpec,
    /// Out-of-band buffers, when the variant has them.
    pub buffers: Option<&'a [Vec<u8>]>,
    /// The protocol the stream declares.
    pub protocol: u8,
    /// Whether the variant pickles a real library's objects (numpy, pandas, scikit-learn,
    /// joblib: a `libraries/` case). The corpus's CPython readers read those with the
    /// libraries unimportable (so CPython records `unresolved`); a codec that imports what
    /// a pickle names (the CPython workers) must do the same to be judged alike.
    pub real_library: bool,
}

/// What a codec did with a pickle.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// It loaded; its value as canon.
    Loaded(Canon),
    /// It refused the input cleanly.
    Rejected {
        /// The codec-neutral error kind (`docs/CANON.md` section 10), or the codec's own word
        /// for it when it has no mapping.
        kind: String,
        /// The codec's message.
        message: String,
    },
    /// It crashed (panic, signal, unexpected exit status, unparsable output).
    Crashed(String),
    /// It did not answer within the time limit.
    TimedOut,
    /// The adapter between the runner and the codec failed (adapter protocol 2: exit status
    /// 3, or an `adapter_error` reply), as opposed to the codec: judged a crash, and
    /// recorded as an adapter error.
    AdapterError(String),
}

/// How compressed corpus variants reach a codec.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CompressedInput {
    /// The runner decompresses them and hands the codec the pickle (a corrupt one is
    /// judged as the codec's rejection): the built-in codecs and protocol-1 commands.
    #[default]
    Runner,
    /// The codec is given the compressed bytes and decompresses them itself.
    Codec,
    /// The codec does not decompress: compressed variants are not applicable to it
    /// (verdict `skip`; they never pass).
    NotApplicable,
}

/// What a codec says about itself.
///
/// Build one with `..CodecInfo::default()` so that fields added later keep their defaults:
///
/// ```
/// use picklejar_runner::CodecInfo;
/// let info = CodecInfo { name: "my-codec".into(), version: "1.0".into(), ..CodecInfo::default() };
/// assert!(info.model.is_exact() && info.error_kinds);
/// assert_eq!(info.reference.to_string(), "cpython-3.13");
/// ```
#[derive(Clone, Debug, serde::Serialize)]
pub struct CodecInfo {
    /// Name used in trial results and expectation file names.
    pub name: String,
    /// Version, where known.
    pub version: String,
    /// Whether it only describes objects (never imports or runs code). Data-only codecs are
    /// expected to *load* pickles whose globals CPython cannot import.
    pub data_only: bool,
    /// Whether it implements [`Codec::dump`].
    pub dumps: bool,
    /// Whether it implements [`Codec::redump`].
    pub redumps: bool,
    /// One line for reports.
    pub description: String,
    /// The reader whose outcomes it is compared with ([`REFERENCE`], CPython 3.13's C
    /// unpickler, unless it implements another: `cpython-2.7`, `cpython-3.9-py`, …).
    pub reference: ImplId,
    /// The values it can represent ([`ValueModel`]): trials compare canon modulo this.
    pub model: ValueModel,
    /// How compressed variants reach it.
    pub compressed: CompressedInput,
    /// Whether its rejections name an error kind (`docs/CANON.md` section 10). When not,
    /// a rejection of a pickle the reference rejects passes whatever its kind.
    pub error_kinds: bool,
    /// Whether it reports what loading a pickle would import and call
    /// ([`Codec::imports`]): its `imports/…` trials are planned only then.
    pub imports: bool,
    /// Whether it loads values (`false`: a scanner, which only reports imports: no load,
    /// dump or redump trials are planned for it).
    pub loads: bool,
}

impl Default for CodecInfo {
    /// No name, exact model, compared with [`REFERENCE`], decompressed for by the runner,
    /// error kinds graded, data-only, no dumps.
    fn default() -> CodecInfo {
        CodecInfo {
            name: String::new(),
            version: String::new(),
            data_only: true,
            dumps: false,
            redumps: false,
            description: String::new(),
            reference: REFERENCE,
            model: ValueModel::exact(),
            compressed: CompressedInput::Runner,
            error_kinds: true,
            imports: false,
            loads: true,
        }
    }
}

/// A codec under test.
///
/// Implement this for an in-process Rust codec and hand it to
/// [`Harness`](crate::Harness); other languages speak the adapter protocol through the
/// `command` adapter (`docs/ADAPTERS.md`).
pub trait Codec: Send + Sync {
    /// Name, version and capabilities.
    fn info(&self) -> CodecInfo;

    /// Loads a pickle and reports its value as canon.
    fn load(&self, req: &LoadRequest<'_>) -> Outcome;

    /// Dumps a value given as canon at `protocol`; `None` when the codec cannot dump this
    /// value (or at all), `Some(Err)` when it tried and failed.
    fn dump(&self, canon: &Canon, protocol: u8) -> Option<Result<Vec<u8>, String>> {
        let _ = (canon, protocol);
        None
    }

    /// Loads a pickle and dumps the value again at `protocol` as the CPython pickler
    /// `producer` names (`cpython-3.8`, `cpython-3.13-py`, `cpython-2.7`) would write it;
    /// `None` when the codec cannot. The runner compares the bytes with the original.
    fn redump(
        &self,
        req: &LoadRequest<'_>,
        protocol: u8,
        producer: ImplId,
    ) -> Option<Result<Vec<u8>, String>> {
        let _ = (req, protocol, producer);
        None
    }

    /// What loading the pickle would make CPython import and call, in order, as far as the
    /// load gets (`docs/CORPUS.md` section 3, *Imports*): the `find_class` lookups and the
    /// calls. `None` when the codec does not report imports (then [`CodecInfo::imports`] is
    /// false), `Some(Err)` when it failed to answer (a crash).
    ///
    /// ```
    /// use picklejar_runner::{Codec, LoadRequest, adapters::Picklejar, corpus::LoadSpec};
    /// use picklejar_codec::ImportEvent;
    ///
    /// // GLOBAL 'os system', (, 'true', TUPLE, REDUCE, STOP
    /// let data = b"cos\nsystem\n(S'true'\ntR.";
    /// let spec = LoadSpec::default();
    /// let req = LoadRequest { data, spec: &spec, buffers: None, protocol: 0, real_library: false };
    /// let events = Picklejar.imports(&req).unwrap().unwrap();
    /// let lines: Vec<String> = events.iter().map(ImportEvent::to_string).collect();
    /// assert_eq!(lines, ["find os.system", "call os.system via reduce"]);
    /// ```
    fn imports(&self, req: &LoadRequest<'_>) -> Option<Result<Vec<ImportEvent>, String>> {
        let _ = req;
        None
    }
}
