//! The regression gate: the latest record against the saved baseline, by confidence
//! intervals ([`crate::stats::compare`]), never by a bare ratio of means.
//!
//! Advisory by default (prints, succeeds); strict on request (fails on any regression, on
//! a baseline measurement the run no longer made, on a missing baseline or one from
//! another machine). A run that measured nothing is refused in both modes: a gate that
//! compares nothing must not pass.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::history::{Measurement, Record};
use crate::stats::{Change, Trend, compare};

/// Gate settings.
#[derive(Clone, Debug)]
pub struct GateOptions {
    /// Relative change the whole interval must exceed (0.05 = 5%).
    pub threshold: f64,
    /// Codecs the gate judges (others are reported, not judged).
    pub codecs: Vec<String>,
    /// Fail (non-zero exit) on problems instead of only printing them.
    pub strict: bool,
}

impl Default for GateOptions {
    fn default() -> Self {
        GateOptions {
            threshold: 0.05,
            codecs: vec!["picklejar".into()],
            strict: false,
        }
    }
}

/// One judged comparison.
#[derive(Clone, Debug)]
pub struct Finding {
    /// `workload pP op codec`.
    pub label: String,
    /// The change.
    pub change: Change,
}

/// What the gate found.
#[derive(Clone, Debug, Default)]
pub struct GateReport {
    /// Comparisons made.
    pub compared: usize,
    /// Significant slowdowns beyond the threshold.
    pub regressions: Vec<Finding>,
    /// Significant speed-ups beyond the threshold.
    pub improvements: Vec<Finding>,
    /// Judged measurements in the baseline that the run did not make.
    pub missing: Vec<String>,
    /// Things that make the comparison unreliable or impossible.
    pub warnings: Vec<String>,
    /// Why the run itself is refused (nothing measured).
    pub refused: Option<String>,
}

/// Exit status: success.
pub const EXIT_OK: i32 = 0;
/// Exit status: the strict gate failed.
pub const EXIT_REGRESSION: i32 = 1;
/// Exit status: the run measured nothing (refused in every mode).
pub const EXIT_EMPTY: i32 = 2;

/// One judged measurement of a run set against the baseline's.
#[derive(Clone, Copy, Debug)]
pub struct Compared<'r> {
    /// The run's measurement.
    pub current: &'r Measurement,
    /// The baseline's measurement of the same workload file, op and codec.
    pub baseline: &'r Measurement,
    /// The change, judged at the threshold.
    pub change: Change,
}

/// A run against the baseline, for the judged codecs: what [`check`] gates on and what the
/// bench page shows in its change column, so the two cannot disagree.
#[derive(Clone, Debug, Default)]
pub struct Comparison<'r> {
    /// Measurements made in both, in the baseline's order.
    pub compared: Vec<Compared<'r>>,
    /// Valid judged baseline measurements the run did not make.
    pub missing: Vec<&'r Measurement>,
    /// Workload files (`name pP`) whose SHA-256 differs between the run and the baseline:
    /// their measurements are not compared (the baseline timed other bytes).
    pub changed_files: Vec<String>,
}

impl Comparison<'_> {
    /// The change of the run's measurement `(workload, protocol, op, codec)`, if compared.
    pub fn change_of(&self, workload: &str, protocol: u8, op: &str, codec: &str) -> Option<Change> {
        self.compared
            .iter()
            .find(|c| {
                let m = c.current;
                m.workload == workload && m.protocol == protocol && m.op == op && m.codec == codec
            })
            .map(|c| c.change)
    }
}

/// Compares the valid measurements of `codecs` in `current` with the baseline's, at
/// `threshold` ([`compare`]), skipping workload files that changed since the baseline.
pub fn compare_runs<'r>(
    current: &'r Record,
    baseline: &'r Record,
    threshold: f64,
    codecs: &[String],
) -> Comparison<'r> {
    let judged = |m: &&Measurement| m.is_valid() && codecs.iter().any(|c| c == &m.codec);
    let cur: BTreeMap<_, &Measurement> = current
        .measurements
        .iter()
        .filter(judged)
        .map(|m| (m.key(), m))
        .collect();
    let mut out = Comparison::default();
    for b in baseline.measurements.iter().filter(judged) {
        let file_changed = match (
            current.workload(&b.workload, b.protocol),
            baseline.workload(&b.workload, b.protocol),
        ) {
            (Some(c), Some(bw)) => {
                !c.sha256.is_empty() && !bw.sha256.is_empty() && c.sha256 != bw.sha256
            }
            _ => false,
        };
        match cur.get(&b.key()) {
            None => out.missing.push(b),
            Some(_) if file_changed => {
                let f = format!("{} p{}", b.workload, b.protocol);
                if !out.changed_files.contains(&f) {
                    out.changed_files.push(f);
                }
            }
            Some(c) => out.compared.push(Compared {
                current: c,
                baseline: b,
                change: compare(b, c, threshold),
            }),
        }
    }
    out
}

/// Compares `current` with `baseline`.
pub fn check(current: &Record, baseline: Option<&Record>, o: &GateOptions) -> GateReport {
    let mut r = GateReport::default();
    let valid = current.measurements.iter().filter(|m| m.is_valid()).count();
    if valid == 0 {
        r.refused = Some(format!(
            "run {} measured nothing ({} measurements, none valid): refusing it",
            current.id,
            current.measurements.len()
        ));
        return r;
    }
    let judged = current
        .measurements
        .iter()
        .any(|m| m.is_valid() && o.codecs.iter().any(|c| c == &m.codec));
    if !judged {
        r.refused = Some(format!(
            "run {} has no measurement of {}: refusing it",
            current.id,
            o.codecs.join(", ")
        ));
        return r;
    }
    let Some(base) = baseline else {
        r.warnings
            .push("no baseline saved: nothing to compare with (`picklejar bench baseline`)".into());
        return r;
    };
    if base.machine.id != current.machine.id {
        r.warnings.push(format!(
            "the baseline was recorded on another machine ({} vs {}): timings do not compare",
            base.machine.id, current.machine.id
        ));
    }
    let cmp = compare_runs(current, base, o.threshold, &o.codecs);
    r.compared = cmp.compared.len();
    for c in &cmp.compared {
        let f = Finding {
            label: c.current.label(),
            change: c.change,
        };
        match c.change.trend {
            Trend::Regressed => r.regressions.push(f),
            Trend::Improved => r.improvements.push(f),
            Trend::Unchanged => {}
        }
    }
    r.missing = cmp.missing.iter().map(|m| m.label()).collect();
    if !cmp.changed_files.is_empty() {
        r.warnings.push(format!(
            "workload files changed since the baseline ({}): not compared \
             (`picklejar bench baseline` saves a run of the current files)",
            cmp.changed_files.join(", ")
        ));
    }
    if r.compared == 0 {
        r.warnings
            .push("the run and the baseline share no measurement: nothing compared".into());
    }
    r
}

impl GateReport {
    /// The exit status under these options.
    pub fn exit_code(&self, o: &GateOptions) -> i32 {
        if self.refused.is_some() {
            return EXIT_EMPTY;
        }
        let failed = !self.regressions.is_empty()
            || !self.missing.is_empty()
            || !self.warnings.is_empty()
            || self.compared == 0;
        if o.strict && failed {
            EXIT_REGRESSION
        } else {
            EXIT_OK
        }
    }

    /// A human summary.
    pub fn summary(&self, o: &GateOptions) -> String {
        let mut s = String::new();
        let pct = |x: f64| format!("{:+.1}%", (x - 1.0) * 100.0);
        if let Some(why) = &self.refused {
            let _ = writeln!(s, "gate: {why}");
            return s;
        }
        let _ = writeln!(
            s,
            "gate ({}, threshold {:.0}%, {}): {} compared, {} regressed, {} improved, {} missing",
            if o.strict { "strict" } else { "advisory" },
            o.threshold * 100.0,
            o.codecs.join(", "),
            self.compared,
            self.regressions.len(),
            self.improvements.len(),
            self.missing.len()
        );
        for w in &self.warnings {
            let _ = writeln!(s, "  warning: {w}");
        }
        for (tag, flagged) in [
            ("REGRESSED", &self.regressions),
            ("improved ", &self.improvements),
        ] {
            for f in flagged {
                let t = f.change.time_ratio;
                let _ = writeln!(
                    s,
                    "  {tag} {}: time {} [{}, {}]",
                    f.label,
                    pct(t.value),
                    pct(t.low),
                    pct(t.high)
                );
            }
        }
        for m in &self.missing {
            let _ = writeln!(s, "  missing   {m} (in the baseline, not measured now)");
        }
        let code = self.exit_code(o);
        if code != EXIT_OK {
            let _ = writeln!(s, "gate: FAILED");
        } else if !o.strict
            && (!self.regressions.is_empty()
                || !self.missing.is_empty()
                || !self.warnings.is_empty())
        {
            let _ = writeln!(s, "gate: advisory only (pass --strict to fail on this)");
        } else {
            let _ = writeln!(s, "gate: ok");
        }
        s
    }
}
