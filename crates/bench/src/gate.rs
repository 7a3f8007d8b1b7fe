//! The regression gate: the latest record against the saved baseline of the same mode.
//!
//! * Wall times (`full`, `quick` records) compare by confidence intervals
//!   ([`crate::stats::compare`]), never by a bare ratio of means, and only when the two
//!   records are comparable ([`comparable_with`]: the same mode, neither from a loaded
//!   machine). Otherwise the gate says "not comparable" and judges nothing.
//! * Instruction counts (`instructions` records, callgrind) are deterministic: they compare
//!   by their ratio at a small threshold (1%), whatever the machine's load. Where valgrind
//!   exists this is what can gate a shared 2-core machine.
//!
//! Advisory by default (prints, succeeds); strict on request (fails on any regression, on
//! a baseline measurement the run no longer made, on a dump that was not the workload file,
//! and when nothing could be judged: no baseline, another machine's, or not comparable). A
//! run that measured nothing is refused in both modes: a gate that compares nothing must
//! not pass.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::history::{Count, Measurement, Mode, Record, Subject, comparable_with};
use crate::stats::{Change, Ratio, Trend, compare};

/// Gate settings.
#[derive(Clone, Debug)]
pub struct GateOptions {
    /// Relative change of a wall time the whole interval must exceed (0.05 = 5%).
    pub threshold: f64,
    /// Relative change of an instruction count that is a regression (0.01 = 1%).
    pub instructions_threshold: f64,
    /// Codecs the gate judges (others are reported, not judged).
    pub codecs: Vec<String>,
    /// Fail (non-zero exit) on problems instead of only printing them.
    pub strict: bool,
}

impl Default for GateOptions {
    fn default() -> Self {
        GateOptions {
            threshold: 0.05,
            instructions_threshold: 0.01,
            codecs: vec!["picklejar".into()],
            strict: false,
        }
    }
}

impl GateOptions {
    /// The threshold for records of `mode`.
    pub fn threshold_for(&self, mode: Mode) -> f64 {
        if mode == Mode::Instructions {
            self.instructions_threshold
        } else {
            self.threshold
        }
    }
}

/// One judged comparison.
#[derive(Clone, Debug)]
pub struct Finding {
    /// `workload pP op codec`.
    pub label: String,
    /// The change (for instruction counts, the ratio of the counts: an interval of one
    /// point).
    pub change: Change,
    /// The change as the gate prints it (`time +8.0% [+5.9%, +10.2%]`,
    /// `instructions +3.1% (1,000 → 1,031)`).
    pub detail: String,
}

/// What the gate found for one record.
#[derive(Clone, Debug, Default)]
pub struct GateReport {
    /// The record judged.
    pub record: String,
    /// Its mode.
    pub mode: Mode,
    /// The baseline it was held against.
    pub baseline: Option<String>,
    /// Comparisons made.
    pub compared: usize,
    /// Significant slowdowns beyond the threshold, largest first.
    pub regressions: Vec<Finding>,
    /// Significant speed-ups beyond the threshold, largest first.
    pub improvements: Vec<Finding>,
    /// Judged measurements in the baseline that the run did not make.
    pub missing: Vec<String>,
    /// Judged measurements of the run the baseline does not hold (labels): not judged, not a
    /// problem (e.g. `stream` counts against a baseline recorded before they were counted).
    pub no_baseline: Vec<String>,
    /// [`GateReport::no_baseline`] counted by operation, in the run's order.
    pub no_baseline_ops: Vec<(String, usize)>,
    /// Things that make the comparison unreliable or impossible.
    pub warnings: Vec<String>,
    /// The record's errors: measurements not made because the output was wrong (a dump
    /// that was not the workload file) or the codec failed.
    pub errors: Vec<String>,
    /// Why the run was not compared with the baseline at all (another mode, a loaded
    /// machine): "not comparable", never "regressed".
    pub not_comparable: Option<String>,
    /// Why the run itself is refused (nothing measured).
    pub refused: Option<String>,
}

/// Exit status: success.
pub const EXIT_OK: i32 = 0;
/// Exit status: the strict gate failed.
pub const EXIT_REGRESSION: i32 = 1;
/// Exit status: the run measured nothing (refused in every mode).
pub const EXIT_EMPTY: i32 = 2;

/// One judged measurement (a [`Measurement`] or a [`Count`]) of a run set against the
/// baseline's.
#[derive(Clone, Copy, Debug)]
pub struct Compared<'r, M = Measurement> {
    /// The run's measurement.
    pub current: &'r M,
    /// The baseline's measurement of the same workload file, op and codec.
    pub baseline: &'r M,
    /// The change, judged at the threshold (for counts: `current ÷ baseline`, a point
    /// interval).
    pub change: Change,
}

/// One instruction count set against the baseline's.
pub type ComparedCount<'r> = Compared<'r, Count>;

/// A run against the baseline, for the judged codecs: what [`check`] gates on and what the
/// bench page shows in its change column, so the two cannot disagree. `M` is
/// [`Measurement`] (timings, [`compare_runs`]) or [`Count`] (instruction counts,
/// [`compare_counts`]).
#[derive(Clone, Debug)]
pub struct Comparison<'r, M = Measurement> {
    /// Measurements made in both, in the baseline's order.
    pub compared: Vec<Compared<'r, M>>,
    /// Valid judged baseline measurements the run did not make.
    pub missing: Vec<&'r M>,
    /// Workload files (`name pP`) whose SHA-256 differs between the run and the baseline:
    /// their measurements are not compared (the baseline timed other bytes).
    pub changed_files: Vec<String>,
    /// Valid judged measurements of the run the baseline does not hold (a workload or an
    /// operation new since the baseline, e.g. `stream` counts against a baseline recorded
    /// before they were counted): "no baseline", not judged, never a regression.
    pub no_baseline: Vec<&'r M>,
}

/// Instruction counts of a run against the baseline's, for the judged codecs.
pub type CountComparison<'r> = Comparison<'r, Count>;

impl<M> Default for Comparison<'_, M> {
    fn default() -> Self {
        Comparison {
            compared: Vec::new(),
            missing: Vec::new(),
            changed_files: Vec::new(),
            no_baseline: Vec::new(),
        }
    }
}

impl<M: Subject> Comparison<'_, M> {
    /// The change of the run's measurement `(workload, protocol, op, codec)`, if compared.
    pub fn change_of(&self, workload: &str, protocol: u8, op: &str, codec: &str) -> Option<Change> {
        self.compared
            .iter()
            .find(|c| c.current.subject() == (workload, protocol, op, codec))
            .map(|c| c.change)
    }
}

/// Whether the workload file `name pP` has another SHA-256 in `current` than in `baseline`.
fn file_changed(current: &Record, baseline: &Record, name: &str, protocol: u8) -> bool {
    match (
        current.workload(name, protocol),
        baseline.workload(name, protocol),
    ) {
        (Some(c), Some(b)) => !c.sha256.is_empty() && !b.sha256.is_empty() && c.sha256 != b.sha256,
        _ => false,
    }
}

/// Pairs the `judged` measurements of `current` with the baseline's by [`Subject::key`],
/// skipping workload files that changed since the baseline; `change` judges each pair
/// `(baseline, current)`.
fn pair<'r, M: Subject>(
    (current, cur): (&'r Record, &'r [M]),
    (baseline, base): (&'r Record, &'r [M]),
    judged: impl Fn(&M) -> bool,
    change: impl Fn(&M, &M) -> Change,
) -> Comparison<'r, M> {
    let mut out = Comparison::default();
    let base_keys: BTreeSet<_> = base.iter().filter(|m| judged(m)).map(|m| m.key()).collect();
    out.no_baseline = cur
        .iter()
        .filter(|m| judged(m) && !base_keys.contains(&m.key()))
        .collect();
    let cur: BTreeMap<_, &M> = cur
        .iter()
        .filter(|m| judged(m))
        .map(|m| (m.key(), m))
        .collect();
    for b in base.iter().filter(|m| judged(m)) {
        let (workload, protocol, _, _) = b.subject();
        match cur.get(&b.key()) {
            None => out.missing.push(b),
            Some(_) if file_changed(current, baseline, workload, protocol) => {
                let f = format!("{workload} p{protocol}");
                if !out.changed_files.contains(&f) {
                    out.changed_files.push(f);
                }
            }
            Some(c) => out.compared.push(Compared {
                current: c,
                baseline: b,
                change: change(b, c),
            }),
        }
    }
    out
}

/// Compares the valid measurements of `codecs` in `current` with the baseline's, at
/// `threshold` ([`compare`]), skipping workload files that changed since the baseline.
/// It does not check that the two records are comparable ([`comparable_with`]): [`check`]
/// and the page do.
pub fn compare_runs<'r>(
    current: &'r Record,
    baseline: &'r Record,
    threshold: f64,
    codecs: &[String],
) -> Comparison<'r> {
    pair(
        (current, &current.measurements),
        (baseline, &baseline.measurements),
        |m| m.is_valid() && codecs.iter().any(|c| c == &m.codec),
        |b, c| compare(b, c, threshold),
    )
}

/// The change of an instruction count: a regression when `current ÷ baseline` exceeds
/// `1 + threshold`, an improvement below `1 - threshold` (counts are deterministic: no
/// interval).
pub fn compare_count(baseline: u64, current: u64, threshold: f64) -> Change {
    let v = current as f64 / (baseline.max(1)) as f64;
    let trend = if v > 1.0 + threshold {
        Trend::Regressed
    } else if v < 1.0 - threshold {
        Trend::Improved
    } else {
        Trend::Unchanged
    };
    Change {
        time_ratio: Ratio {
            value: v,
            low: v,
            high: v,
        },
        trend,
    }
}

/// Compares the instruction counts of `codecs` in `current` with the baseline's.
pub fn compare_counts<'r>(
    current: &'r Record,
    baseline: &'r Record,
    threshold: f64,
    codecs: &[String],
) -> CountComparison<'r> {
    pair(
        (current, &current.instructions),
        (baseline, &baseline.instructions),
        |c| c.instructions > 0 && codecs.iter().any(|x| x == &c.codec),
        |b, c| compare_count(b.instructions, c.instructions, threshold),
    )
}

/// `+8.0%`.
pub fn pct(x: f64) -> String {
    format!("{:+.1}%", (x - 1.0) * 100.0)
}

/// `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Sorts findings by the size of the change, largest first.
fn by_size(v: &mut [Finding]) {
    v.sort_by(|a, b| {
        let size = |f: &Finding| f.change.time_ratio.value.ln().abs();
        size(b)
            .total_cmp(&size(a))
            .then_with(|| a.label.cmp(&b.label))
    });
}

/// Sets [`GateReport::no_baseline`] and [`GateReport::no_baseline_ops`] from a comparison's
/// [`Comparison::no_baseline`].
fn note_no_baseline<M: Subject>(r: &mut GateReport, unmatched: &[&M]) {
    for m in unmatched {
        let op = m.subject().2;
        match r.no_baseline_ops.iter_mut().find(|(o, _)| o == op) {
            Some((_, n)) => *n += 1,
            None => r.no_baseline_ops.push((op.to_owned(), 1)),
        }
        r.no_baseline.push(m.label());
    }
}

/// Compares `current` with `baseline` (the baseline of the same mode, or another one, to
/// be told they are not comparable).
pub fn check(current: &Record, baseline: Option<&Record>, o: &GateOptions) -> GateReport {
    let mut r = GateReport {
        record: current.id.clone(),
        mode: current.mode,
        baseline: baseline.map(|b| b.id.clone()),
        errors: current.errors.clone(),
        ..GateReport::default()
    };
    let counts = current.mode == Mode::Instructions;
    let (made, judged) = if counts {
        let made = current
            .instructions
            .iter()
            .filter(|c| c.instructions > 0)
            .count();
        let judged = current
            .instructions
            .iter()
            .any(|c| c.instructions > 0 && o.codecs.iter().any(|x| x == &c.codec));
        (made, judged)
    } else {
        let made = current.measurements.iter().filter(|m| m.is_valid()).count();
        let judged = current
            .measurements
            .iter()
            .any(|m| m.is_valid() && o.codecs.iter().any(|c| c == &m.codec));
        (made, judged)
    };
    if made == 0 {
        r.refused = Some(format!(
            "run {} measured nothing ({} measurements, none valid): refusing it",
            current.id,
            if counts {
                current.instructions.len()
            } else {
                current.measurements.len()
            }
        ));
        return r;
    }
    if !judged {
        r.refused = Some(format!(
            "run {} has no measurement of {}: refusing it",
            current.id,
            o.codecs.join(", ")
        ));
        return r;
    }
    let Some(base) = baseline else {
        r.warnings.push(format!(
            "no {} baseline saved: nothing to compare with (`picklejar bench baseline --mode {}`)",
            current.mode, current.mode
        ));
        return r;
    };
    if let Err(why) = comparable_with(current, base) {
        r.not_comparable = Some(why);
        return r;
    }
    if base.machine.id != current.machine.id {
        r.warnings.push(format!(
            "the baseline was recorded on another machine ({} vs {}): {} do not compare",
            base.machine.id,
            current.machine.id,
            if counts {
                "instruction counts (compiler, libraries, CPU features)"
            } else {
                "timings"
            }
        ));
    }
    let threshold = o.threshold_for(current.mode);
    let (missing, changed_files) = if counts {
        let cmp = compare_counts(current, base, threshold, &o.codecs);
        r.compared = cmp.compared.len();
        for c in &cmp.compared {
            let f = Finding {
                label: c.current.label(),
                change: c.change,
                detail: format!(
                    "instructions {} ({} → {})",
                    pct(c.change.time_ratio.value),
                    thousands(c.baseline.instructions),
                    thousands(c.current.instructions)
                ),
            };
            match c.change.trend {
                Trend::Regressed => r.regressions.push(f),
                Trend::Improved => r.improvements.push(f),
                Trend::Unchanged => {}
            }
        }
        note_no_baseline(&mut r, &cmp.no_baseline);
        (
            cmp.missing.iter().map(|m| m.label()).collect(),
            cmp.changed_files,
        )
    } else {
        let cmp = compare_runs(current, base, threshold, &o.codecs);
        r.compared = cmp.compared.len();
        for c in &cmp.compared {
            let t = c.change.time_ratio;
            let f = Finding {
                label: c.current.label(),
                change: c.change,
                detail: format!("time {} [{}, {}]", pct(t.value), pct(t.low), pct(t.high)),
            };
            match c.change.trend {
                Trend::Regressed => r.regressions.push(f),
                Trend::Improved => r.improvements.push(f),
                Trend::Unchanged => {}
            }
        }
        note_no_baseline(&mut r, &cmp.no_baseline);
        (
            cmp.missing.iter().map(|m| m.label()).collect(),
            cmp.changed_files,
        )
    };
    by_size(&mut r.regressions);
    by_size(&mut r.improvements);
    r.missing = missing;
    if !changed_files.is_empty() {
        r.warnings.push(format!(
            "workload files changed since the baseline ({}): not compared \
             (`picklejar bench baseline` saves a run of the current files)",
            changed_files.join(", ")
        ));
    }
    if r.compared == 0 {
        r.warnings
            .push("the run and the baseline share no measurement: nothing compared".into());
    }
    r
}

impl GateReport {
    /// Whether the record was judged against a baseline (comparable, something compared).
    pub fn judged(&self) -> bool {
        self.refused.is_none() && self.not_comparable.is_none() && self.compared > 0
    }

    /// Whether a strict gate fails on this report alone.
    fn failed(&self) -> bool {
        !self.regressions.is_empty()
            || !self.missing.is_empty()
            || !self.warnings.is_empty()
            || !self.errors.is_empty()
            || !self.judged()
    }

    /// The exit status under these options.
    pub fn exit_code(&self, o: &GateOptions) -> i32 {
        exit_code(std::slice::from_ref(self), o)
    }

    /// A human summary, closed by the verdict ([`verdict`]).
    pub fn summary(&self, o: &GateOptions) -> String {
        let mut s = self.findings(o);
        if self.refused.is_none() {
            let _ = writeln!(s, "{}", verdict(std::slice::from_ref(self), o));
        }
        s
    }

    /// What the gate found, without the verdict.
    pub fn findings(&self, o: &GateOptions) -> String {
        let mut s = String::new();
        if let Some(why) = &self.refused {
            let _ = writeln!(s, "gate: {why}");
            return s;
        }
        let threshold = (o.threshold_for(self.mode) * 1000.0).round() / 10.0;
        if let Some(why) = &self.not_comparable {
            let _ = writeln!(
                s,
                "gate ({} run {}): not comparable with the baseline{}: {why}; nothing judged",
                self.mode,
                self.record,
                self.baseline
                    .as_ref()
                    .map(|b| format!(" {b}"))
                    .unwrap_or_default()
            );
        } else {
            let _ = writeln!(
                s,
                "gate ({}, {} run {}, threshold {threshold}%, {}): {} compared, {} regressed, {} \
                 improved, {} missing",
                if o.strict { "strict" } else { "advisory" },
                self.mode,
                self.record,
                o.codecs.join(", "),
                self.compared,
                self.regressions.len(),
                self.improvements.len(),
                self.missing.len()
            );
        }
        for e in &self.errors {
            let _ = writeln!(s, "  ERROR {e}");
        }
        for w in &self.warnings {
            let _ = writeln!(s, "  warning: {w}");
        }
        for (tag, flagged) in [
            ("REGRESSED", &self.regressions),
            ("improved ", &self.improvements),
        ] {
            for f in flagged {
                let _ = writeln!(s, "  {tag} {}: {}", f.label, f.detail);
            }
        }
        for m in &self.missing {
            let _ = writeln!(s, "  missing   {m} (in the baseline, not measured now)");
        }
        if !self.no_baseline.is_empty() {
            let by_op: Vec<String> = self
                .no_baseline_ops
                .iter()
                .map(|(op, n)| format!("{n} {op}"))
                .collect();
            let _ = writeln!(
                s,
                "  no baseline for {} of the run's measurements ({}): not judged (`picklejar \
                 bench baseline --mode {}` saves a run that has them as the baseline)",
                self.no_baseline.len(),
                by_op.join(", "),
                self.mode
            );
        }
        s
    }
}

/// The exit status of a gate over several reports (the latest wall-time record and the
/// latest instruction counts): refused if any run measured nothing; strict fails on a
/// record's errors, on any problem of a judged report, and when no report could be judged
/// (a report that is not comparable does not fail the gate if another was judged).
pub fn exit_code(reports: &[GateReport], o: &GateOptions) -> i32 {
    if reports.iter().any(|r| r.refused.is_some()) {
        return EXIT_EMPTY;
    }
    let errors = reports.iter().any(|r| !r.errors.is_empty());
    let judged: Vec<&GateReport> = reports.iter().filter(|r| r.judged()).collect();
    let failed = errors || judged.is_empty() || judged.iter().any(|r| r.failed());
    if o.strict && failed {
        EXIT_REGRESSION
    } else {
        EXIT_OK
    }
}

/// The closing line of a gate over `reports`.
pub fn verdict(reports: &[GateReport], o: &GateOptions) -> String {
    let code = exit_code(reports, o);
    let problems = reports.iter().any(|r| {
        !r.regressions.is_empty()
            || !r.missing.is_empty()
            || !r.warnings.is_empty()
            || !r.errors.is_empty()
    });
    if code == EXIT_EMPTY {
        "gate: refused".into()
    } else if code != EXIT_OK {
        if reports.iter().all(|r| !r.judged()) {
            "gate: FAILED (nothing comparable was judged)".into()
        } else {
            "gate: FAILED".into()
        }
    } else if reports.iter().all(|r| !r.judged()) {
        "gate: nothing judged (not comparable or no baseline; pass --strict to fail on this)".into()
    } else if !o.strict && problems {
        "gate: advisory only (pass --strict to fail on this)".into()
    } else {
        "gate: ok".into()
    }
}
