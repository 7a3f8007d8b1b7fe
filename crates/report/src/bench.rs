//! The bench page (`reports/bench/index.html`), rendered from the history and baseline
//! documents of `picklejar-bench` ([`picklejar_bench::history`]). The statistics are that
//! crate's ([`picklejar_bench::stats`]), and the change column is the gate's own comparison
//! ([`picklejar_bench::gate::compare_runs`]) at the gate's threshold, so the page and
//! `picklejar bench gate` agree.

use std::collections::{BTreeMap, BTreeSet};

use picklejar_bench::gate::{GateOptions, compare_runs};
use picklejar_bench::history::{History, Machine, Measurement, Record, WorkloadInfo, mib_per_s};
use picklejar_bench::stats::{Trend, speedup};
use serde::Serialize;

use crate::svg::{Point, Series, line_chart, sparkline};
use crate::{ReportError, render};

/// Options for [`bench_html`].
#[derive(Clone, Debug)]
pub struct BenchPageOptions {
    /// The codec the page is about (ratios and changes are computed for it).
    pub subject: String,
    /// The CPython codec ratios are taken against (`cpython-3.13`).
    pub cpython: String,
    /// The other Rust codec (`serde-pickle`).
    pub peer: String,
    /// Target speed-up over `cpython`.
    pub cpython_target: f64,
    /// Target speed-up over `peer`.
    pub peer_target: f64,
    /// The gate's threshold (relative): the change column flags what the gate flags.
    pub threshold: f64,
}

impl BenchPageOptions {
    /// The page for what the gate judges: its threshold, and its first codec as the
    /// subject.
    pub fn for_gate(gate: &GateOptions) -> BenchPageOptions {
        BenchPageOptions {
            threshold: gate.threshold,
            subject: gate
                .codecs
                .first()
                .cloned()
                .unwrap_or_else(|| BenchPageOptions::default().subject),
            ..BenchPageOptions::default()
        }
    }
}

impl Default for BenchPageOptions {
    fn default() -> Self {
        BenchPageOptions {
            subject: "picklejar".into(),
            cpython: "cpython-3.13".into(),
            peer: "serde-pickle".into(),
            cpython_target: 3.0,
            peer_target: 5.0,
            threshold: GateOptions::default().threshold,
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
    changed_files: Vec<String>,
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

/// `5%`, `7.5%`.
fn threshold_pct(t: f64) -> String {
    let v = (t * 1000.0).round() / 10.0;
    if v.fract() == 0.0 {
        format!("{v:.0}%")
    } else {
        format!("{v:.1}%")
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
    } else if c.starts_with("cpython-") && !c.ends_with("-py") {
        3
    } else if c.starts_with("cpython-") {
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
    // the gate's comparison of the subject, at the gate's threshold
    let cmp =
        baseline.map(|b| compare_runs(latest, b, o.threshold, std::slice::from_ref(&o.subject)));
    let changed_files = cmp
        .as_ref()
        .map(|c| c.changed_files.clone())
        .unwrap_or_default();
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
        let change = match cmp
            .as_ref()
            .and_then(|c| c.change_of(&key.0, key.1, &key.2, &o.subject))
        {
            Some(ch) => {
                let line = format!(
                    "{label}: time {} [{}, {}]",
                    fmt_pct(ch.time_ratio.value),
                    fmt_pct(ch.time_ratio.low),
                    fmt_pct(ch.time_ratio.high)
                );
                match ch.trend {
                    Trend::Regressed => regressions.push(line),
                    Trend::Improved => improvements.push(line),
                    Trend::Unchanged => {}
                }
                ChangeView {
                    present: true,
                    text: fmt_pct(ch.time_ratio.value),
                    interval: format!(
                        "{} … {}",
                        fmt_pct(ch.time_ratio.low),
                        fmt_pct(ch.time_ratio.high)
                    ),
                    verdict: ch.trend.as_str().into(),
                }
            }
            None => ChangeView {
                present: false,
                text: String::new(),
                interval: String::new(),
                verdict: if changed_files.contains(&format!("{} p{}", key.0, key.1)) {
                    "file changed since the baseline".into()
                } else {
                    String::new()
                },
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
        threshold_pct: threshold_pct(o.threshold),
        changed_files,
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
        threshold_pct: threshold_pct(o.threshold),
        changed_files: Vec::new(),
    }
}
