//! The results document: one JSON schema (`picklejar-results/1`) that the terminal summary
//! and the HTML report both render. Documented in `docs/RESULTS.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::codec::{CodecInfo, CompressedInput};
use crate::expect::Status;
use crate::ids::ImplId;
use crate::trial::{TrialKind, Verdict};

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
    /// The `--filter` globs of a partial run; empty for a run of every trial.
    #[serde(default)]
    pub filters: Vec<String>,
}

/// The corpus a run used.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CorpusInfo {
    /// Which corpus: its name, version and content hash
    /// (`picklejar-corpus 0.1.0 sha256:ab12…`; see [`Corpus::id`](crate::Corpus::id)).
    #[serde(default)]
    pub id: String,
    /// Where it is (relative to the working directory when it is below it).
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
    /// The reader its trials are compared with (absent in documents written before
    /// adapter protocol 2, which always compared with `cpython-3.13`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<ImplId>,
    /// The value model it declared (`docs/ADAPTERS.md`): flag names such as
    /// `tuple-as-list`; empty for the exact model.
    #[serde(default)]
    pub model: Vec<String>,
    /// How compressed variants reached it: `runner` (decompressed for it), `codec`, or
    /// `not-applicable` (skipped). Absent in older documents (`runner`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compressed: Option<CompressedInput>,
    /// Whether its rejections were graded by error kind (false: accept/reject only).
    #[serde(default = "yes")]
    pub error_kinds: bool,
    /// Whether it reported imports (it has `imports/…` trials). Absent in older documents
    /// (false).
    #[serde(default)]
    pub imports: bool,
    /// Whether it loaded values; false for a scanner, graded on its imports only. Absent in
    /// older documents (true).
    #[serde(default = "yes")]
    pub loads: bool,
}

fn yes() -> bool {
    true
}

impl From<&CodecInfo> for CodecInfoDoc {
    fn from(i: &CodecInfo) -> Self {
        CodecInfoDoc {
            name: i.name.clone(),
            version: i.version.clone(),
            data_only: i.data_only,
            dumps: i.dumps,
            description: i.description.clone(),
            reference: Some(i.reference),
            model: i.model.names(),
            compressed: Some(i.compressed),
            error_kinds: i.error_kinds,
            imports: i.imports,
            loads: i.loads,
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
    /// Final status (the verdict judged against the expectations file).
    pub status: Status,
    /// What the trial did before expectations were applied: `pass`, `fail`, `crash`,
    /// `timeout`, `skip` (not run or not applicable).
    #[serde(default = "not_run")]
    pub verdict: Verdict,
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
    /// Whether the verdict `crash` was the adapter's failure (adapter protocol 2's
    /// reserved exit status 3 or `adapter_error` reply), not the codec's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub adapter_error: bool,
}

fn not_run() -> Verdict {
    Verdict::Skip
}

/// How long a text field of a trial may be in a results document before
/// [`Results::elide`] cuts it (the default of `picklejar conformance` without `--full`).
pub const ELIDE_OVER: usize = 2048;

impl Results {
    /// Makes the document small enough to keep and diff: drops `expected` and `actual`
    /// where a `diff` holds them (a unified diff of the two canon texts), and cuts every
    /// other trial text field (`expected`, `actual`, `diff`, `dis`, `message`) longer than
    /// `max` bytes to its first `max / 2` bytes (on a character boundary) and a note with
    /// its full length and SHA-256, so one huge value repeated in many failing trials
    /// cannot make a document of gigabytes. Returns how many fields were cut.
    ///
    /// ```
    /// use picklejar_runner::Results;
    /// let mut r: Results = serde_json::from_str(r#"{"schema": "picklejar-results/1",
    ///   "picklejar_version": "0", "corpus": {"path": "corpus", "cases": 1, "variants": 1},
    ///   "codecs": [{"codec": {"name": "x", "version": "", "data_only": true, "dumps": false,
    ///     "description": ""}, "expectations": null, "duration_ms": 0, "counts": {},
    ///     "gate_problems": [], "trials": [{"name": "load/a/b/p0", "kind": "load",
    ///     "case": "a/b", "category": "a", "variant": "p0.pkl", "protocol": 0,
    ///     "producers": [], "reference": "cpython-3.13", "status": "fail", "micros": 1}]}],
    ///   "skipped_codecs": [], "gate_ok": false}"#)?;
    /// r.codecs[0].trials[0].actual = Some("x".repeat(10_000));
    /// assert_eq!(r.elide(100), 1);
    /// let cut = r.codecs[0].trials[0].actual.as_deref().unwrap_or("");
    /// assert!(cut.len() < 300 && cut.contains("10000 bytes"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn elide(&mut self, max: usize) -> usize {
        let mut cut = 0;
        for c in &mut self.codecs {
            for t in &mut c.trials {
                if t.diff.is_some() {
                    t.expected = None;
                    t.actual = None;
                }
                for field in [&mut t.expected, &mut t.actual, &mut t.diff, &mut t.dis] {
                    if let Some(text) = field
                        && text.len() > max
                    {
                        *text = elided(text, max / 2);
                        cut += 1;
                    }
                }
                if t.message.len() > max {
                    t.message = elided(&t.message, max / 2);
                    cut += 1;
                }
            }
        }
        cut
    }
}

fn elided(text: &str, keep: usize) -> String {
    use sha2::{Digest, Sha256};
    let mut end = keep.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let hex: String = Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "{}\n… [elided: {} bytes in all, sha256 {hex}…; run with --full for the whole text]\n",
        &text[..end],
        text.len()
    )
}

/// What changed between two runs of the same codecs ([`compare`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Per codec present in both runs.
    pub codecs: Vec<CodecChanges>,
    /// Codecs in only one of the runs.
    pub unmatched: Vec<String>,
}

/// One codec's changes between two runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodecChanges {
    /// The codec's name.
    pub codec: String,
    /// Versions (old, new).
    pub versions: (String, String),
    /// Passed before, do not now (trial name, old verdict, new verdict).
    pub newly_failing: Vec<(String, Verdict, Verdict)>,
    /// Did not pass before, pass now.
    pub newly_passing: Vec<String>,
    /// Crash or timeout now, not before.
    pub new_crashes: Vec<String>,
    /// Failed before and now, but differently (fail ↔ crash ↔ timeout).
    pub changed: Vec<(String, Verdict, Verdict)>,
    /// Trials only in the new run / only in the old one.
    pub added: usize,
    /// Trials only in the old run.
    pub removed: usize,
    /// Per category: (newly failing, newly passing).
    pub by_category: BTreeMap<String, (usize, usize)>,
}

impl CodecChanges {
    /// Whether the new run is worse: a trial that passed no longer does, or a new crash.
    pub fn regressed(&self) -> bool {
        !self.newly_failing.is_empty() || !self.new_crashes.is_empty()
    }
}

/// Compares two results documents trial by trial, on the raw verdicts (what each codec
/// did, before expectations), so a release-to-release diff does not depend on how the
/// expectations files changed in between.
///
/// ```
/// use picklejar_runner::results::{Results, compare};
/// let doc = |verdict: &str| -> Results {
///     serde_json::from_str(&format!(r#"{{"schema": "picklejar-results/1",
///       "picklejar_version": "0", "corpus": {{"path": "c", "cases": 1, "variants": 1}},
///       "codecs": [{{"codec": {{"name": "x", "version": "1", "data_only": true,
///         "dumps": false, "description": ""}}, "expectations": null, "duration_ms": 0,
///         "counts": {{}}, "gate_problems": [], "trials": [{{"name": "load/a/b/p0",
///         "kind": "load", "case": "a/b", "category": "a", "variant": "p0.pkl",
///         "protocol": 0, "producers": [], "reference": "cpython-3.13", "status": "pass",
///         "verdict": "{verdict}", "micros": 1}}]}}],
///       "skipped_codecs": [], "gate_ok": true}}"#)).unwrap()
/// };
/// let c = compare(&doc("pass"), &doc("crash"));
/// assert!(c.codecs[0].regressed());
/// assert_eq!(c.codecs[0].new_crashes, ["load/a/b/p0"]);
/// ```
pub fn compare(old: &Results, new: &Results) -> Comparison {
    use std::collections::HashMap;
    let mut out = Comparison::default();
    for n in &new.codecs {
        let Some(o) = old.codecs.iter().find(|o| o.codec.name == n.codec.name) else {
            out.unmatched
                .push(format!("{} (only in the new run)", n.codec.name));
            continue;
        };
        let before: HashMap<&str, &TrialRecord> =
            o.trials.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut ch = CodecChanges {
            codec: n.codec.name.clone(),
            versions: (o.codec.version.clone(), n.codec.version.clone()),
            ..CodecChanges::default()
        };
        let mut seen = 0;
        for t in &n.trials {
            let Some(b) = before.get(t.name.as_str()) else {
                ch.added += 1;
                continue;
            };
            seen += 1;
            let (was, now) = (b.verdict, t.verdict);
            if was == now || now == Verdict::Skip || was == Verdict::Skip {
                continue;
            }
            let cat = ch.by_category.entry(t.category.clone()).or_default();
            if now == Verdict::Pass {
                ch.newly_passing.push(t.name.clone());
                cat.1 += 1;
            } else if was == Verdict::Pass {
                ch.newly_failing.push((t.name.clone(), was, now));
                cat.0 += 1;
                if matches!(now, Verdict::Crash | Verdict::Timeout) {
                    ch.new_crashes.push(t.name.clone());
                }
            } else {
                if matches!(now, Verdict::Crash | Verdict::Timeout)
                    && !matches!(was, Verdict::Crash | Verdict::Timeout)
                {
                    ch.new_crashes.push(t.name.clone());
                }
                ch.changed.push((t.name.clone(), was, now));
            }
        }
        ch.removed = o.trials.len() - seen;
        out.codecs.push(ch);
    }
    for o in &old.codecs {
        if !new.codecs.iter().any(|n| n.codec.name == o.codec.name) {
            out.unmatched
                .push(format!("{} (only in the old run)", o.codec.name));
        }
    }
    out
}
