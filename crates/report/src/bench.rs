//! Benchmark data (the history and baseline documents `picklejar-bench` writes), the
//! statistics the regression gate and the page share, and the bench page
//! (`reports/bench/index.html`).
//!
//! Times are per operation (one `load` or `dump` of a whole workload file), in nanoseconds,
//! with a confidence interval for the mean. Throughput is the workload file's size divided
//! by that time, for every codec and both directions, so numbers compare across codecs.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::svg::{Point, Series, line_chart, sparkline};
use crate::{ReportError, render};

/// Schema of `reports/bench/history.json`.
pub const HISTORY_SCHEMA: &str = "picklejar-bench-history/1";
/// Schema of `reports/bench/baseline.json`.
pub const BASELINE_SCHEMA: &str = "picklejar-bench-baseline/1";

/// Every recorded run, oldest first.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct History {
    /// [`HISTORY_SCHEMA`].
    pub schema: String,
    /// The runs.
    pub records: Vec<Record>,
}

impl Default for History {
    fn default() -> Self {
        History {
            schema: HISTORY_SCHEMA.to_owned(),
            records: Vec::new(),
        }
    }
}

/// The saved baseline: one record the gate compares against.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Baseline {
    /// [`BASELINE_SCHEMA`].
    pub schema: String,
    /// The run saved as the baseline.
    pub record: Record,
}

/// One benchmark run.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Record {
    /// `<date>-<short commit>`: unique enough to name a run.
    pub id: String,
    /// When it ran (UTC, RFC 3339).
    pub date: String,
    /// The git commit measured (`unknown` outside a checkout).
    pub commit: String,
    /// Whether the working tree had uncommitted changes.
    #[serde(default)]
    pub dirty: bool,
    /// Where it ran.
    pub machine: Machine,
    /// Who wrote the workload files: `cpython-3.13.0`, or `rust-fallback`.
    pub workloads_generator: String,
    /// The workload files.
    pub workloads: Vec<WorkloadInfo>,
    /// Every measurement.
    pub measurements: Vec<Measurement>,
    /// Anything worth knowing about the run (fallbacks, codecs that could not load a
    /// workload, …).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// The machine a run was on. Runs compare only on the same `id`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Machine {
    /// A stable key: hostname, CPU model and core count.
    pub id: String,
    /// Hostname.
    pub hostname: String,
    /// CPU model name.
    pub cpu: String,
    /// Logical cores.
    pub cores: usize,
    /// OS and architecture.
    pub os: String,
    /// `rustc --version`.
    #[serde(default)]
    pub rustc: String,
    /// The CPython used for the CPython codecs (`3.13.0 /path/to/python`), if any.
    #[serde(default)]
    pub python: String,
}

/// A workload file.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct WorkloadInfo {
    /// Workload name (`ints_1m`).
    pub name: String,
    /// Pickle protocol.
    pub protocol: u8,
    /// File size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file.
    #[serde(default)]
    pub sha256: String,
    /// One line.
    #[serde(default)]
    pub description: String,
}

/// One codec's time for one operation on one workload file.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Measurement {
    /// Workload name.
    pub workload: String,
    /// Protocol of the workload file (for dumps: the protocol written).
    pub protocol: u8,
    /// `load` or `dump`.
    pub op: String,
    /// `picklejar`, `serde-pickle`, `cpython-c-3.13`, `cpython-py-3.13`, …
    pub codec: String,
    /// Mean time per operation, ns.
    pub mean_ns: f64,
    /// Lower bound of the confidence interval of the mean, ns.
    pub ci_low_ns: f64,
    /// Upper bound, ns.
    pub ci_high_ns: f64,
    /// Confidence level of the interval (0.95).
    pub confidence: f64,
    /// Workload file size: the throughput basis.
    pub bytes: u64,
    /// `bytes` ÷ mean time, MiB/s (recorded for convenience; [`Measurement::mib_per_s`]
    /// recomputes it).
    #[serde(default)]
    pub throughput_mib_s: f64,
    /// Samples behind the estimate.
    #[serde(default)]
    pub samples: u64,
    /// `criterion` or `bench_cpython.py`.
    #[serde(default)]
    pub source: String,
}

impl Measurement {
    /// Fills [`Measurement::throughput_mib_s`] from the size and the mean.
    pub fn with_throughput(mut self) -> Measurement {
        self.throughput_mib_s = self.mib_per_s();
        self
    }

    /// Throughput in MiB/s at the mean.
    pub fn mib_per_s(&self) -> f64 {
        mib_per_s(self.bytes, self.mean_ns)
    }

    /// `(workload, protocol, op, codec)`: what identifies a measurement across runs.
    pub fn key(&self) -> (String, u8, String, String) {
        (
            self.workload.clone(),
            self.protocol,
            self.op.clone(),
            self.codec.clone(),
        )
    }

    /// Whether the numbers are usable (finite, positive, ordered interval).
    pub fn is_valid(&self) -> bool {
        self.mean_ns.is_finite()
            && self.mean_ns > 0.0
            && self.ci_low_ns.is_finite()
            && self.ci_high_ns.is_finite()
            && self.ci_low_ns > 0.0
            && self.ci_low_ns <= self.mean_ns
            && self.mean_ns <= self.ci_high_ns
    }
}

fn mib_per_s(bytes: u64, ns: f64) -> f64 {
    if ns <= 0.0 {
        return 0.0;
    }
    (bytes as f64) / (1024.0 * 1024.0) / (ns * 1e-9)
}

/// A ratio with an interval.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Ratio {
    /// Point estimate.
    pub value: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// How many times faster `subject` is than `reference` (reference time ÷ subject time),
/// with the interval obtained by dividing the interval bounds crosswise. With two
/// independent 95% intervals the true ratio lies in it with probability ≥ 0.95² ≈ 0.90.
pub fn speedup(reference: &Measurement, subject: &Measurement) -> Ratio {
    Ratio {
        value: reference.mean_ns / subject.mean_ns,
        low: reference.ci_low_ns / subject.ci_high_ns,
        high: reference.ci_high_ns / subject.ci_low_ns,
    }
}

/// What the gate concludes for one measurement.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Slower than the baseline beyond the threshold, with the whole interval.
    Regressed,
    /// Faster beyond the threshold, with the whole interval.
    Improved,
    /// The interval includes changes within the threshold (or straddles it).
    Unchanged,
}

/// The change of `current` against `baseline`.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Change {
    /// current time ÷ baseline time, with its interval (> 1: slower).
    pub time_ratio: Ratio,
    /// The verdict at the threshold used.
    pub verdict: Verdict,
}

/// Compares two measurements of the same thing using their confidence intervals, not the
/// bare ratio of means: the time ratio's interval is
/// `[current.low / baseline.high, current.high / baseline.low]`; the change is a regression
/// only when the whole interval lies above `1 + threshold`, an improvement only when it
/// lies below `1 - threshold`.
pub fn compare(baseline: &Measurement, current: &Measurement, threshold: f64) -> Change {
    let r = Ratio {
        value: current.mean_ns / baseline.mean_ns,
        low: current.ci_low_ns / baseline.ci_high_ns,
        high: current.ci_high_ns / baseline.ci_low_ns,
    };
    let verdict = if r.low > 1.0 + threshold {
        Verdict::Regressed
    } else if r.high < 1.0 - threshold {
        Verdict::Improved
    } else {
        Verdict::Unchanged
    };
    Change {
        time_ratio: r,
        verdict,
    }
}

/// Options for [`bench_html`].
#[derive(Clone, Debug)]
pub struct BenchPageOptions {
    /// The codec the page is about (ratios and changes are computed for it).
    pub subject: String,
    /// The CPython codec ratios are taken against (`cpython-c-3.13`).
    pub cpython: String,
    /// The other Rust codec (`serde-pickle`).
    pub peer: String,
    /// Target speed-up over `cpython`.
    pub cpython_target: f64,
    /// Target speed-up over `peer`.
    pub peer_target: f64,
    /// Gate threshold (relative), for the change column.
    pub threshold: f64,
}

impl Default for BenchPageOptions {
    fn default() -> Self {
        BenchPageOptions {
            subject: "picklejar".into(),
            cpython: "cpython-c-3.13".into(),
            peer: "serde-pickle".into(),
            cpython_target: 3.0,
            peer_target: 5.0,
            threshold: 0.05,
        }
    }
}

#[derive(Serialize)]
struct CodecCell {
    codec: String,
    present: bool,
    mib_s: String,
    time: String,
    ci: String,
}

#[derive(Serialize)]
struct RatioView {
    present: bool,
    text: String,
    interval: String,
    meets: bool,
}

#[derive(Serialize)]
struct ChangeView {
    present: bool,
    text: String,
    interval: String,
    verdict: String,
}

#[derive(Serialize)]
struct Row {
    workload: String,
    protocol: u8,
    op: String,
    bytes: String,
    description: String,
    cells: Vec<CodecCell>,
    vs_cpython: RatioView,
    vs_peer: RatioView,
    change: ChangeView,
    spark: String,
}

#[derive(Serialize)]
struct TargetSummary {
    label: String,
    target: String,
    geomean: String,
    met: usize,
    total: usize,
    misses: Vec<String>,
}

#[derive(Serialize)]
struct BenchPage {
    has_record: bool,
    record_id: String,
    date: String,
    commit: String,
    dirty: bool,
    machine: Machine,
    generator: String,
    notes: Vec<String>,
    baseline: Option<String>,
    baseline_other_machine: bool,
    codecs: Vec<String>,
    subject: String,
    cpython: String,
    peer: String,
    rows: Vec<Row>,
    targets: Vec<TargetSummary>,
    regressions: Vec<String>,
    improvements: Vec<String>,
    chart: String,
    history_len: usize,
    threshold_pct: String,
}

/// Human time: `812 ns`, `3.41 µs`, `12.0 ms`, `1.23 s`.
pub fn fmt_time(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.3} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.3} ms", ns / 1e6)
    } else {
        format!("{:.3} s", ns / 1e9)
    }
}

fn fmt_bytes(b: u64) -> String {
    let b = b as f64;
    if b < 1024.0 {
        format!("{b} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.1} KiB", b / 1024.0)
    } else {
        format!("{:.1} MiB", b / 1024.0 / 1024.0)
    }
}

fn fmt_pct(r: f64) -> String {
    format!("{:+.1}%", (r - 1.0) * 100.0)
}

fn geomean(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    Some((v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp())
}

type Key = (String, u8, String);

fn index(r: &Record) -> BTreeMap<Key, BTreeMap<String, &Measurement>> {
    let mut m: BTreeMap<Key, BTreeMap<String, &Measurement>> = BTreeMap::new();
    for x in r.measurements.iter().filter(|x| x.is_valid()) {
        m.entry((x.workload.clone(), x.protocol, x.op.clone()))
            .or_default()
            .insert(x.codec.clone(), x);
    }
    m
}

/// Codec display order: the subject, the peer, CPython C, CPython pure-Python, others.
fn codec_order(o: &BenchPageOptions, c: &str) -> (u8, String) {
    let rank = if c == o.subject {
        0
    } else if c == o.peer {
        1
    } else if c == o.cpython {
        2
    } else if c.starts_with("cpython-c") {
        3
    } else if c.starts_with("cpython-py") {
        4
    } else {
        5
    };
    (rank, c.to_owned())
}

/// Renders the bench page: the latest record of `history` (per workload: each codec's
/// throughput, the subject's speed-up over CPython and over the peer measured in the same
/// run, the change against `baseline` with its interval, and a history sparkline), plus a
/// chart of the subject's geometric-mean throughput over the history.
pub fn bench_html(
    history: &History,
    baseline: Option<&Record>,
    o: &BenchPageOptions,
) -> Result<String, ReportError> {
    let Some(latest) = history.records.last() else {
        let page = empty_page(o);
        return render("bench.html", &page);
    };
    let same_machine: Vec<&Record> = history
        .records
        .iter()
        .filter(|r| r.machine.id == latest.machine.id)
        .collect();
    let cur = index(latest);
    let base = baseline.map(index);
    let descriptions: BTreeMap<(String, u8), &WorkloadInfo> = latest
        .workloads
        .iter()
        .map(|w| ((w.name.clone(), w.protocol), w))
        .collect();
    let mut codecs: Vec<String> = latest
        .measurements
        .iter()
        .map(|m| m.codec.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    codecs.sort_by_key(|c| codec_order(o, c));

    let mut rows = Vec::new();
    let mut regressions = Vec::new();
    let mut improvements = Vec::new();
    let mut vs_cpython_all = Vec::new();
    let mut vs_peer_all = Vec::new();
    let mut misses_cpython = Vec::new();
    let mut misses_peer = Vec::new();
    // load first, then dump; workloads in record order
    let mut keys: Vec<&Key> = cur.keys().collect();
    let order: BTreeMap<(String, u8), usize> = latest
        .workloads
        .iter()
        .enumerate()
        .map(|(i, w)| ((w.name.clone(), w.protocol), i))
        .collect();
    keys.sort_by_key(|k| {
        (
            k.2 != "load",
            order
                .get(&(k.0.clone(), k.1))
                .copied()
                .unwrap_or(usize::MAX),
            k.0.clone(),
            k.1,
        )
    });
    for key in keys {
        let by_codec = &cur[key];
        let label = format!("{} p{} {}", key.0, key.1, key.2);
        let bytes = by_codec.values().next().map(|m| m.bytes).unwrap_or(0);
        let cells = codecs
            .iter()
            .map(|c| match by_codec.get(c) {
                Some(m) => CodecCell {
                    codec: c.clone(),
                    present: true,
                    mib_s: format!("{:.1}", m.mib_per_s()),
                    time: fmt_time(m.mean_ns),
                    ci: format!("{} – {}", fmt_time(m.ci_low_ns), fmt_time(m.ci_high_ns)),
                },
                None => CodecCell {
                    codec: c.clone(),
                    present: false,
                    mib_s: String::new(),
                    time: String::new(),
                    ci: String::new(),
                },
            })
            .collect();
        let subject = by_codec.get(&o.subject);
        let ratio_view = |other: Option<&&Measurement>, target: f64| match (subject, other) {
            (Some(s), Some(r)) => {
                let x = speedup(r, s);
                RatioView {
                    present: true,
                    text: format!("{:.2}×", x.value),
                    interval: format!("{:.2}–{:.2}", x.low, x.high),
                    meets: x.value >= target,
                }
            }
            _ => RatioView {
                present: false,
                text: String::new(),
                interval: String::new(),
                meets: false,
            },
        };
        let vs_cpython = ratio_view(by_codec.get(&o.cpython), o.cpython_target);
        let vs_peer = ratio_view(by_codec.get(&o.peer), o.peer_target);
        if key.2 == "load"
            && let Some(s) = subject
        {
            if let Some(r) = by_codec.get(&o.cpython) {
                let x = speedup(r, s).value;
                vs_cpython_all.push(x);
                if x < o.cpython_target {
                    misses_cpython.push(format!("{} p{} ({x:.2}×)", key.0, key.1));
                }
            }
            if let Some(r) = by_codec.get(&o.peer) {
                let x = speedup(r, s).value;
                vs_peer_all.push(x);
                if x < o.peer_target {
                    misses_peer.push(format!("{} p{} ({x:.2}×)", key.0, key.1));
                }
            }
        }
        let change = match (
            subject,
            base.as_ref()
                .and_then(|b| b.get(key))
                .and_then(|m| m.get(&o.subject)),
        ) {
            (Some(s), Some(b)) => {
                let ch = compare(b, s, o.threshold);
                let v = match ch.verdict {
                    Verdict::Regressed => "regressed",
                    Verdict::Improved => "improved",
                    Verdict::Unchanged => "unchanged",
                };
                let line = format!(
                    "{label}: time {} [{}, {}]",
                    fmt_pct(ch.time_ratio.value),
                    fmt_pct(ch.time_ratio.low),
                    fmt_pct(ch.time_ratio.high)
                );
                match ch.verdict {
                    Verdict::Regressed => regressions.push(line),
                    Verdict::Improved => improvements.push(line),
                    Verdict::Unchanged => {}
                }
                ChangeView {
                    present: true,
                    text: fmt_pct(ch.time_ratio.value),
                    interval: format!(
                        "{} … {}",
                        fmt_pct(ch.time_ratio.low),
                        fmt_pct(ch.time_ratio.high)
                    ),
                    verdict: v.into(),
                }
            }
            _ => ChangeView {
                present: false,
                text: String::new(),
                interval: String::new(),
                verdict: String::new(),
            },
        };
        // history of the subject's throughput on this machine
        let points: Vec<Point> = same_machine
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.measurements
                    .iter()
                    .find(|m| {
                        m.codec == o.subject
                            && m.workload == key.0
                            && m.protocol == key.1
                            && m.op == key.2
                            && m.is_valid()
                    })
                    .map(|m| Point {
                        x: i as f64,
                        y: m.mib_per_s(),
                        low: mib_per_s(m.bytes, m.ci_high_ns),
                        high: mib_per_s(m.bytes, m.ci_low_ns),
                    })
            })
            .collect();
        rows.push(Row {
            workload: key.0.clone(),
            protocol: key.1,
            op: key.2.clone(),
            bytes: fmt_bytes(bytes),
            description: descriptions
                .get(&(key.0.clone(), key.1))
                .map(|w| w.description.clone())
                .unwrap_or_default(),
            cells,
            vs_cpython,
            vs_peer,
            change,
            spark: sparkline(&points, same_machine.len().max(2), 120, 26),
        });
    }

    let target = |label: &str, t: f64, all: &[f64], misses: Vec<String>| TargetSummary {
        label: label.to_owned(),
        target: format!("≥ {t:.0}×"),
        geomean: geomean(all)
            .map(|g| format!("{g:.2}×"))
            .unwrap_or_else(|| "—".into()),
        met: all.iter().filter(|x| **x >= t).count(),
        total: all.len(),
        misses,
    };
    let targets = vec![
        target(
            &format!("{} load vs {}", o.subject, o.cpython),
            o.cpython_target,
            &vs_cpython_all,
            misses_cpython,
        ),
        target(
            &format!("{} load vs {}", o.subject, o.peer),
            o.peer_target,
            &vs_peer_all,
            misses_peer,
        ),
    ];

    // chart: geometric-mean load throughput per codec, per run on this machine, over the
    // workloads every run of that codec measured
    let mut series = Vec::new();
    for c in &codecs {
        let points: Vec<Point> = same_machine
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let v: Vec<(f64, f64, f64)> = r
                    .measurements
                    .iter()
                    .filter(|m| &m.codec == c && m.op == "load" && m.is_valid())
                    .map(|m| {
                        (
                            m.mib_per_s(),
                            mib_per_s(m.bytes, m.ci_high_ns),
                            mib_per_s(m.bytes, m.ci_low_ns),
                        )
                    })
                    .collect();
                if v.is_empty() {
                    return None;
                }
                Some(Point {
                    x: i as f64,
                    y: geomean(&v.iter().map(|t| t.0).collect::<Vec<_>>())?,
                    low: geomean(&v.iter().map(|t| t.1).collect::<Vec<_>>())?,
                    high: geomean(&v.iter().map(|t| t.2).collect::<Vec<_>>())?,
                })
            })
            .collect();
        if !points.is_empty() {
            series.push(Series {
                name: c.clone(),
                points,
            });
        }
    }
    let labels: Vec<String> = same_machine
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r.date.get(..10).unwrap_or(&r.date),
                short(&r.commit)
            )
        })
        .collect();
    let chart = line_chart(
        &series,
        &labels,
        900,
        280,
        "geometric-mean load throughput, MiB/s (log scale)",
    );

    let page = BenchPage {
        has_record: true,
        record_id: latest.id.clone(),
        date: latest.date.clone(),
        commit: latest.commit.clone(),
        dirty: latest.dirty,
        machine: latest.machine.clone(),
        generator: latest.workloads_generator.clone(),
        notes: latest.notes.clone(),
        baseline: baseline.map(|b| format!("{} ({} {})", b.id, b.date, short(&b.commit))),
        baseline_other_machine: baseline.is_some_and(|b| b.machine.id != latest.machine.id),
        codecs,
        subject: o.subject.clone(),
        cpython: o.cpython.clone(),
        peer: o.peer.clone(),
        rows,
        targets,
        regressions,
        improvements,
        chart,
        history_len: same_machine.len(),
        threshold_pct: format!("{:.0}%", o.threshold * 100.0),
    };
    render("bench.html", &page)
}

fn short(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

fn empty_page(o: &BenchPageOptions) -> BenchPage {
    BenchPage {
        has_record: false,
        record_id: String::new(),
        date: String::new(),
        commit: String::new(),
        dirty: false,
        machine: Machine::default(),
        generator: String::new(),
        notes: Vec::new(),
        baseline: None,
        baseline_other_machine: false,
        codecs: Vec::new(),
        subject: o.subject.clone(),
        cpython: o.cpython.clone(),
        peer: o.peer.clone(),
        rows: Vec::new(),
        targets: Vec::new(),
        regressions: Vec::new(),
        improvements: Vec::new(),
        chart: String::new(),
        history_len: 0,
        threshold_pct: format!("{:.0}%", o.threshold * 100.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(mean: f64, half: f64) -> Measurement {
        Measurement {
            workload: "w".into(),
            protocol: 4,
            op: "load".into(),
            codec: "picklejar".into(),
            mean_ns: mean,
            ci_low_ns: mean - half,
            ci_high_ns: mean + half,
            confidence: 0.95,
            bytes: 1 << 20,
            samples: 20,
            source: "criterion".into(),
            throughput_mib_s: 0.0,
        }
    }

    #[test]
    fn a_clear_slowdown_is_a_regression() {
        let c = compare(&m(100.0, 1.0), &m(130.0, 1.0), 0.05);
        assert_eq!(c.verdict, Verdict::Regressed);
        assert!((c.time_ratio.value - 1.3).abs() < 1e-12);
        assert!((c.time_ratio.low - 129.0 / 101.0).abs() < 1e-12);
    }

    #[test]
    fn overlapping_noise_is_not_a_regression_even_with_a_large_mean_ratio() {
        // means differ by 30%, but the intervals are wide: not significant
        let c = compare(&m(100.0, 30.0), &m(130.0, 30.0), 0.05);
        assert_eq!(c.verdict, Verdict::Unchanged);
        // a significant but tiny change stays under the threshold
        let c = compare(&m(100.0, 0.1), &m(102.0, 0.1), 0.05);
        assert_eq!(c.verdict, Verdict::Unchanged);
        assert_eq!(
            compare(&m(100.0, 1.0), &m(70.0, 1.0), 0.05).verdict,
            Verdict::Improved
        );
    }

    #[test]
    fn speedup_divides_crosswise() {
        let r = speedup(&m(300.0, 30.0), &m(100.0, 10.0));
        assert!((r.value - 3.0).abs() < 1e-12);
        assert!((r.low - 270.0 / 110.0).abs() < 1e-12);
        assert!((r.high - 330.0 / 90.0).abs() < 1e-12);
        assert!((m(1.0, 0.0).mib_per_s() - 1e9).abs() < 1e-3);
    }
}
