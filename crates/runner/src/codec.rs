//! The one trait every codec under test implements, in process or through an adapter.

use picklejar_codec::Canon;

use crate::corpus::LoadSpec;
use crate::ids::ImplId;

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
}

/// What a codec says about itself.
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
}
