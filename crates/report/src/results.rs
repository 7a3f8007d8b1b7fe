//! The runner's results document (`picklejar-results/1`, `docs/RESULTS.md`), as this crate
//! reads it.
//!
//! These types mirror the JSON schema, not the runner's Rust types: the report depends on
//! the document only. Fields the report does not need are ignored; optional fields default,
//! so a document with extra (added) fields still renders.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The schema prefix this crate renders.
pub const RESULTS_SCHEMA: &str = "picklejar-results/1";

/// A whole conformance run.
#[derive(Clone, Debug, Deserialize)]
pub struct ResultsDoc {
    /// `picklejar-results/1`.
    pub schema: String,
    /// picklejar's version.
    #[serde(default)]
    pub picklejar_version: String,
    /// The corpus the run used.
    pub corpus: CorpusInfo,
    /// Whether every codec passed its gate.
    #[serde(default)]
    pub gate_ok: bool,
    /// Codecs asked for that could not run.
    #[serde(default)]
    pub skipped_codecs: Vec<SkippedCodec>,
    /// One entry per codec.
    pub codecs: Vec<CodecRun>,
}

/// The corpus of a run.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CorpusInfo {
    /// Its directory, as the runner saw it.
    #[serde(default)]
    pub path: String,
    /// Number of cases.
    #[serde(default)]
    pub cases: usize,
    /// Number of variants.
    #[serde(default)]
    pub variants: usize,
}

/// A codec that was not run.
#[derive(Clone, Debug, Deserialize)]
pub struct SkippedCodec {
    /// Its spec.
    pub name: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// One codec's run.
#[derive(Clone, Debug, Deserialize)]
pub struct CodecRun {
    /// Name, version, capabilities.
    pub codec: CodecInfo,
    /// The expectations file, if any.
    #[serde(default)]
    pub expectations: Option<String>,
    /// Wall time of the codec's trials.
    #[serde(default)]
    pub duration_ms: u64,
    /// Why the gate failed.
    #[serde(default)]
    pub gate_problems: Vec<String>,
    /// Counts per status, as the runner computed them.
    #[serde(default)]
    pub counts: BTreeMap<String, usize>,
    /// Every trial.
    #[serde(default)]
    pub trials: Vec<Trial>,
}

/// What a codec is.
#[derive(Clone, Debug, Deserialize)]
pub struct CodecInfo {
    /// Name (`picklejar`, `cpython-c-3.13`, …).
    pub name: String,
    /// Version.
    #[serde(default)]
    pub version: String,
    /// Whether it loads data only.
    #[serde(default)]
    pub data_only: bool,
    /// Whether it dumps.
    #[serde(default)]
    pub dumps: bool,
    /// One line.
    #[serde(default)]
    pub description: String,
}

/// One trial.
#[derive(Clone, Debug, Deserialize)]
pub struct Trial {
    /// `load/<case>/<variant>[@options]` or `dump/…`.
    pub name: String,
    /// `load` or `dump`.
    pub kind: String,
    /// The case id.
    pub case: String,
    /// Its category.
    #[serde(default)]
    pub category: String,
    /// The variant file.
    #[serde(default)]
    pub variant: String,
    /// The protocol the variant declares.
    #[serde(default)]
    pub protocol: u8,
    /// Who wrote the variant's bytes.
    #[serde(default)]
    pub producers: Vec<String>,
    /// The reader the expectation comes from.
    #[serde(default)]
    pub reference: String,
    /// `pass`, `fail`, `expected-fail`, `unexpected-pass`, `crash`, `timeout`, `skip`.
    pub status: String,
    /// Why.
    #[serde(default)]
    pub message: String,
    /// Unified diff of the canon texts (non-passes).
    #[serde(default)]
    pub diff: Option<String>,
    /// Disassembly (load) or disassembly diff (dump).
    #[serde(default)]
    pub dis: Option<String>,
    /// Codec time.
    #[serde(default)]
    pub micros: u64,
}

/// The statuses the runner writes, in display order.
pub const STATUSES: [&str; 7] = [
    "pass",
    "fail",
    "expected-fail",
    "unexpected-pass",
    "crash",
    "timeout",
    "skip",
];

/// How bad a status is, for colouring a cell by its worst trial: crash > timeout > fail >
/// unexpected-pass > expected-fail > skip > pass; unknown statuses rank with `fail`.
pub fn severity(status: &str) -> u8 {
    match status {
        "pass" => 0,
        "skip" => 1,
        "expected-fail" => 2,
        "unexpected-pass" => 3,
        "fail" => 4,
        "timeout" => 5,
        "crash" => 6,
        _ => 4,
    }
}

/// Whether a status fails the gate.
pub fn is_gate_failure(status: &str) -> bool {
    !matches!(status, "pass" | "skip" | "expected-fail")
}
