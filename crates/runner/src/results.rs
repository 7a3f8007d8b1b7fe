//! The results document: one JSON schema (`picklejar-results/1`) that the terminal summary
//! and the HTML report both render. Documented in `docs/RESULTS.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::codec::CodecInfo;
use crate::expect::Status;
use crate::ids::ImplId;
use crate::trial::TrialKind;

/// The schema identifier written into every document.
pub const SCHEMA: &str = "picklejar-results/1";

/// A whole run: every codec's trials.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Results {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// picklejar's version.
    pub picklejar_version: String,
    /// The corpus directory and its size.
    pub corpus: CorpusInfo,
    /// One entry per codec, in the order given.
    pub codecs: Vec<CodecRun>,
    /// Codecs that could not run here, with the reason.
    pub skipped_codecs: Vec<SkippedCodec>,
    /// Whether every codec passed its gate.
    pub gate_ok: bool,
}

/// The corpus a run used.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CorpusInfo {
    /// Where it is.
    pub path: String,
    /// How many cases.
    pub cases: usize,
    /// How many variants.
    pub variants: usize,
}

/// A codec that was asked for but is not available.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SkippedCodec {
    /// The `--codec` spec.
    pub name: String,
    /// Why it was skipped.
    pub reason: String,
}

/// One codec's run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CodecRun {
    /// Name, version, capabilities.
    pub codec: CodecInfoDoc,
    /// The expectations file used, if any.
    pub expectations: Option<String>,
    /// Wall time of this codec's trials, in milliseconds.
    pub duration_ms: u64,
    /// Counts per status.
    pub counts: BTreeMap<Status, usize>,
    /// Counts per category, then per status.
    #[serde(default)]
    pub by_category: BTreeMap<String, BTreeMap<Status, usize>>,
    /// Why the gate failed (empty when it passed).
    pub gate_problems: Vec<String>,
    /// Every trial that ran (or was skipped).
    pub trials: Vec<TrialRecord>,
}

/// [`CodecInfo`] as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CodecInfoDoc {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Data-only.
    pub data_only: bool,
    /// Dumps.
    pub dumps: bool,
    /// Description.
    pub description: String,
}

impl From<&CodecInfo> for CodecInfoDoc {
    fn from(i: &CodecInfo) -> Self {
        CodecInfoDoc {
            name: i.name.clone(),
            version: i.version.clone(),
            data_only: i.data_only,
            dumps: i.dumps,
            description: i.description.clone(),
        }
    }
}

/// One trial's result.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrialRecord {
    /// `load/<case>/<variant>[@options]` or `dump/<case>/<variant>`.
    pub name: String,
    /// Load or dump.
    pub kind: TrialKind,
    /// The case id.
    pub case: String,
    /// The case's category.
    pub category: String,
    /// The variant file.
    pub variant: String,
    /// Its protocol.
    pub protocol: u8,
    /// Who wrote those bytes.
    pub producers: Vec<ImplId>,
    /// The reader the expectation comes from.
    pub reference: ImplId,
    /// Final status.
    pub status: Status,
    /// Why (failures, skips, expected failures: the reason from the expectations file).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// For non-passes: expected text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// For non-passes: actual text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// For non-passes: unified diff of canon texts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// For non-passes: disassembly (load) or disassembly diff (dump).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dis: Option<String>,
    /// Time the codec took, in microseconds.
    pub micros: u64,
}
