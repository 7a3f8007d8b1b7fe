//! The bench page (`reports/bench/index.html`), rendered from the history and baseline
//! documents of `picklejar-bench` ([`picklejar_bench::history`]). The statistics are that
//! crate's ([`picklejar_bench::stats`]), and the change columns are the gate's own
//! comparisons ([`picklejar_bench::gate::compare_runs`], [`compare_counts`]) at the gate's
//! thresholds, after the gate's comparability check ([`comparable_with`]: a quick run or a
//! run from a loaded machine is "not comparable", never "regressed"), so the page and
//! `picklejar bench gate` agree.

use std::collections::{BTreeMap, BTreeSet};

use picklejar_bench::gate::{GateOptions, compare_counts, compare_runs, thousands};
use picklejar_bench::history::{
    Baseline, History, Machine, Measurement, Record, WorkloadInfo, comparable_with, mib_per_s,
};
use picklejar_bench::instructions::OPS;
use picklejar_bench::stats::{Change, Trend, speedup};
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
    /// The gate's wall-time threshold (relative): the change column flags what the gate
    /// flags.
    pub threshold: f64,
    /// The gate's instruction-count threshold.
    pub instructions_threshold: f64,
}

impl BenchPageOptions {
    /// The page for what the gate judges: its thresholds, and its first codec as the
    /// subject.
    pub fn for_gate(gate: &GateOptions) -> BenchPageOptions {
        BenchPageOptions {
            threshold: gate.threshold,
            instructions_threshold: gate.instructions_threshold,
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
        let g = GateOptions::default();
        BenchPageOptions {
            subject: "picklejar".into(),
            cpython: "cpython-3.13".into(),
            peer: "serde-pickle".into(),
            cpython_target: 3.0,
            peer_target: 5.0,
            threshold: g.threshold,
            instructions_threshold: g.instructions_threshold,
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
struct Badge {
    class: String,
    text: String,
}

#[derive(Serialize)]
struct WorkloadChart {
    workload: String,
    protocol: u8,
    svg: String,
}

#[derive(Serialize)]
struct CountRow {
    workload: String,
    protocol: u8,
    op: String,
    bytes: String,
    subject: String,
    cpython: String,
    ratio: String,
    per_byte: String,
    change: ChangeView,
    spark: String,
}

/// One operation's ratios in the instructions section: CPython's count ÷ the subject's over
/// the workload files both counted.
#[derive(Serialize)]
struct OpRatios {
    op: String,
    /// What the operation is (one sentence).
    what: String,
    files: usize,
    geomean: String,
    lowest: String,
}

#[derive(Serialize)]
struct InstructionsSection {
    record_id: String,
    date: String,
    commit: String,
    dirty: bool,
    notes: Vec<String>,
    errors: Vec<String>,
    baseline: Option<String>,
    not_comparable: Option<String>,
    other_machine: bool,
    threshold_pct: String,
    rows: Vec<CountRow>,
    /// Whether the record has `stream` counts (records before them do not).
    has_stream: bool,
    ops: Vec<OpRatios>,
    regressions: Vec<String>,
    improvements: Vec<String>,
    changed_files: Vec<String>,
    /// How many of the subject's counts the baseline does not hold, by operation
    /// (`37 stream`): not judged.
    no_baseline: Vec<String>,
    history_len: usize,
}

/// What each counted operation is, as the page says it.
fn op_meaning(op: &str) -> &'static str {
    match op {
        "load" => "the file's bytes to objects (pickle.loads)",
        "dump" => {
            "the objects to one bytes object (pickle.dumps): a large payload is copied \
                   into it, by both codecs"
        }
        "stream" => {
            "the objects written out to a file-like sink (pickle.Pickler(file).dump; \
                     picklejar's dump_parts): neither codec copies a payload of 64 KiB or \
                     more (the 64 MiB of bytes_64m, bytearray_64m), which a dump copies; \
                     picklejar borrows those of 1 KiB or more too, which CPython copies \
                     into its frame"
        }
        _ => "",
    }
}

#[derive(Serialize)]
struct BenchPage {
    has_record: bool,
    record_id: String,
    mode: String,
    date: String,
    commit: String,
    dirty: bool,
    machine: Machine,
    generator: String,
    notes: Vec<String>,
    errors: Vec<String>,
    load: String,
    comparable: bool,
    comparable_note: String,
    baseline: Option<String>,
    baseline_other_machine: bool,
    not_comparable: Option<String>,
    badge: Option<Badge>,
    codecs: Vec<String>,
    subject: String,
    cpython: String,
    peer: String,
    rows: Vec<Row>,
    targets: Vec<TargetSummary>,
    regressions: Vec<String>,
    improvements: Vec<String>,
    chart: String,
    workload_charts: Vec<WorkloadChart>,
    history_len: usize,
    threshold_pct: String,
    changed_files: Vec<String>,
    instructions: Option<InstructionsSection>,
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

/// Findings as lines, largest change first.
fn by_size(mut v: Vec<(f64, String)>) -> Vec<String> {
    v.sort_by(|a, b| b.0.ln().abs().total_cmp(&a.0.ln().abs()));
    v.into_iter().map(|(_, l)| l).collect()
}

fn change_view(ch: Change, point: bool) -> ChangeView {
    ChangeView {
        present: true,
        text: fmt_pct(ch.time_ratio.value),
        interval: if point {
            String::new()
        } else {
            format!(
                "{} … {}",
                fmt_pct(ch.time_ratio.low),
                fmt_pct(ch.time_ratio.high)
            )
        },
        verdict: ch.trend.as_str().into(),
    }
}

fn no_change(verdict: &str) -> ChangeView {
    ChangeView {
        present: false,
        text: String::new(),
        interval: String::new(),
        verdict: verdict.into(),
    }
}

/// `2026-01-02 abcdef0123`.
fn run_label(r: &Record) -> String {
    format!(
        "{} {}",
        r.date.get(..10).unwrap_or(&r.date),
        short(&r.commit)
    )
}

/// The measurement `(workload, protocol, op, codec)` of `r` as a chart point at `x`.
fn throughput_point(r: &Record, x: usize, key: (&str, u8, &str, &str)) -> Option<Point> {
    r.measurements
        .iter()
        .find(|m| {
            m.workload == key.0
                && m.protocol == key.1
                && m.op == key.2
                && m.codec == key.3
                && m.is_valid()
        })
        .map(|m| Point {
            x: x as f64,
            y: m.mib_per_s(),
            low: mib_per_s(m.bytes, m.ci_high_ns),
            high: mib_per_s(m.bytes, m.ci_low_ns),
            faded: !r.comparable,
        })
}

/// Renders the bench page: the latest wall-time record of `history` (per workload: each
/// codec's throughput, the subject's speed-up over CPython and over the peer measured in
/// the same run, the change against the baseline of the same mode — or "not comparable" —
/// and a history sparkline), a chart of the geometric-mean throughput over the history,
/// per-workload history charts (load and dump, the subject against CPython), and the
/// latest instruction counts against their baseline.
pub fn bench_html(
    history: &History,
    baselines: &Baseline,
    o: &BenchPageOptions,
) -> Result<String, ReportError> {
    let instructions = instructions_section(history, baselines, o);
    let Some(latest) = history.latest_time() else {
        let mut page = empty_page(o);
        page.badge = instructions.as_ref().and_then(|i| {
            if !i.regressions.is_empty() {
                Some(Badge {
                    class: "bad".into(),
                    text: format!("{} regressed", i.regressions.len()),
                })
            } else if i.baseline.is_some() && i.not_comparable.is_none() {
                Some(Badge {
                    class: "ok".into(),
                    text: "no regression".into(),
                })
            } else {
                None
            }
        });
        page.instructions = instructions;
        return render("bench.html", &page);
    };
    let same_machine: Vec<&Record> = history
        .records
        .iter()
        .filter(|r| r.mode.is_time() && r.machine.id == latest.machine.id)
        .collect();
    let cur = index(latest);
    let baseline = baselines.for_record(latest.mode);
    let not_comparable = baseline.and_then(|b| comparable_with(latest, b).err());
    // the gate's comparison of the subject, at the gate's threshold, when comparable
    let cmp = baseline
        .filter(|_| not_comparable.is_none())
        .map(|b| compare_runs(latest, b, o.threshold, std::slice::from_ref(&o.subject)));
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
                    Trend::Regressed => regressions.push((ch.time_ratio.value, line)),
                    Trend::Improved => improvements.push((ch.time_ratio.value, line)),
                    Trend::Unchanged => {}
                }
                change_view(ch, false)
            }
            None if not_comparable.is_some() => no_change("not comparable"),
            None if changed_files.contains(&format!("{} p{}", key.0, key.1)) => {
                no_change("file changed since the baseline")
            }
            None => no_change(""),
        };
        // history of the subject's throughput on this machine
        let points: Vec<Point> = same_machine
            .iter()
            .enumerate()
            .filter_map(|(i, r)| throughput_point(r, i, (&key.0, key.1, &key.2, &o.subject)))
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
            spark: sparkline(&points, same_machine.len().max(2), 120, 26, "MiB/s"),
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
    let labels: Vec<String> = same_machine.iter().map(|r| run_label(r)).collect();
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
                    faded: !r.comparable,
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
    let chart = line_chart(
        &series,
        &labels,
        900,
        280,
        "geometric-mean load throughput, MiB/s (log scale)",
        "MiB/s",
    );
    let short_labels: Vec<String> = same_machine.iter().map(|r| short7(&r.commit)).collect();
    let workload_charts = workload_charts(latest, &same_machine, &short_labels, o);

    let regressions = by_size(regressions);
    let improvements = by_size(improvements);
    let instr_regressions = instructions.as_ref().map_or(0, |i| i.regressions.len());
    let instr_judged = instructions
        .as_ref()
        .is_some_and(|i| i.baseline.is_some() && i.not_comparable.is_none());
    let badge = if !regressions.is_empty() || instr_regressions > 0 {
        Some(Badge {
            class: "bad".into(),
            text: format!("{} regressed", regressions.len() + instr_regressions),
        })
    } else if (baseline.is_some() && not_comparable.is_none()) || instr_judged {
        Some(Badge {
            class: "ok".into(),
            text: "no regression".into(),
        })
    } else if not_comparable.is_some() {
        Some(Badge {
            class: "muted".into(),
            text: "not comparable".into(),
        })
    } else {
        None
    };
    let page = BenchPage {
        has_record: true,
        record_id: latest.id.clone(),
        mode: latest.mode.to_string(),
        date: latest.date.clone(),
        commit: latest.commit.clone(),
        dirty: latest.dirty,
        machine: latest.machine.clone(),
        generator: latest.workloads_generator.clone(),
        notes: latest.notes.clone(),
        errors: latest.errors.clone(),
        load: latest
            .load_average
            .map(|l| {
                format!(
                    "load average {:.2} → {:.2} (at most {:.2}) on {} cores",
                    l.start,
                    l.end,
                    l.max(),
                    latest.machine.cores
                )
            })
            .unwrap_or_default(),
        comparable: latest.comparable,
        comparable_note: latest.comparable_note.clone(),
        baseline: baseline
            .map(|b| format!("{} ({} run, {} {})", b.id, b.mode, b.date, short(&b.commit))),
        baseline_other_machine: baseline.is_some_and(|b| b.machine.id != latest.machine.id),
        not_comparable,
        badge,
        codecs,
        subject: o.subject.clone(),
        cpython: o.cpython.clone(),
        peer: o.peer.clone(),
        rows,
        targets,
        regressions,
        improvements,
        chart,
        workload_charts,
        history_len: same_machine.len(),
        threshold_pct: threshold_pct(o.threshold),
        changed_files,
        instructions,
    };
    render("bench.html", &page)
}

/// Per workload: its history on this machine, load and dump, the subject against CPython, at
/// protocol 4 (else the workload's first protocol in the latest record).
fn workload_charts(
    latest: &Record,
    runs: &[&Record],
    labels: &[String],
    o: &BenchPageOptions,
) -> Vec<WorkloadChart> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for w in &latest.workloads {
        if seen.contains(&w.name) {
            continue;
        }
        seen.push(w.name.clone());
        let protocol = if latest.workload(&w.name, 4).is_some() {
            4
        } else {
            w.protocol
        };
        let mut series = Vec::new();
        for op in ["load", "dump"] {
            for codec in [&o.subject, &o.cpython] {
                let points: Vec<Point> = runs
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| throughput_point(r, i, (&w.name, protocol, op, codec)))
                    .collect();
                if !points.is_empty() {
                    series.push(Series {
                        name: format!("{codec} {op}"),
                        points,
                    });
                }
            }
        }
        if series.is_empty() {
            continue;
        }
        out.push(WorkloadChart {
            workload: w.name.clone(),
            protocol,
            svg: line_chart(
                &series,
                labels,
                560,
                230,
                &format!("{} p{protocol}: MiB/s (log scale)", w.name),
                "MiB/s",
            ),
        });
    }
    out
}

/// The latest instruction-count record against the instructions baseline.
fn instructions_section(
    history: &History,
    baselines: &Baseline,
    o: &BenchPageOptions,
) -> Option<InstructionsSection> {
    let latest = history.latest_instructions()?;
    let runs: Vec<&Record> = history
        .records
        .iter()
        .filter(|r| r.mode == latest.mode && r.machine.id == latest.machine.id)
        .collect();
    let baseline = baselines.for_record(latest.mode);
    let not_comparable = baseline.and_then(|b| comparable_with(latest, b).err());
    let cmp = baseline.filter(|_| not_comparable.is_none()).map(|b| {
        compare_counts(
            latest,
            b,
            o.instructions_threshold,
            std::slice::from_ref(&o.subject),
        )
    });
    let find = |r: &Record, w: &str, p: u8, op: &str, codec: &str| {
        r.instructions
            .iter()
            .find(|c| c.workload == w && c.protocol == p && c.op == op && c.codec == codec)
            .map(|c| c.instructions)
    };
    let mut rows = Vec::new();
    let mut ops = Vec::new();
    let mut regressions = Vec::new();
    let mut improvements = Vec::new();
    for op in OPS.map(|o| o.name) {
        let mut ratios: Vec<(f64, String)> = Vec::new();
        for w in &latest.workloads {
            let subject = find(latest, &w.name, w.protocol, op, &o.subject);
            let cpython = find(latest, &w.name, w.protocol, op, &o.cpython);
            if subject.is_none() && cpython.is_none() {
                continue;
            }
            if let (Some(s), Some(c)) = (subject, cpython)
                && s > 0
            {
                ratios.push((c as f64 / s as f64, format!("{} p{}", w.name, w.protocol)));
            }
            let change = match cmp
                .as_ref()
                .and_then(|c| c.change_of(&w.name, w.protocol, op, &o.subject))
            {
                Some(ch) => {
                    let line = format!(
                        "{} p{} {op}: instructions {} ({} → {})",
                        w.name,
                        w.protocol,
                        fmt_pct(ch.time_ratio.value),
                        baseline
                            .and_then(|b| find(b, &w.name, w.protocol, op, &o.subject))
                            .map_or_else(String::new, thousands),
                        subject.map_or_else(String::new, thousands)
                    );
                    match ch.trend {
                        Trend::Regressed => regressions.push((ch.time_ratio.value, line)),
                        Trend::Improved => improvements.push((ch.time_ratio.value, line)),
                        Trend::Unchanged => {}
                    }
                    change_view(ch, true)
                }
                None if not_comparable.is_some() => no_change("not comparable"),
                None if subject.is_some()
                    && baseline.is_some_and(|b| {
                        find(b, &w.name, w.protocol, op, &o.subject).is_none()
                    }) =>
                {
                    no_change("no baseline")
                }
                None => no_change(""),
            };
            let points: Vec<Point> = runs
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let v = find(r, &w.name, w.protocol, op, &o.subject)? as f64;
                    Some(Point {
                        x: i as f64,
                        y: v,
                        low: v,
                        high: v,
                        faded: false,
                    })
                })
                .collect();
            rows.push(CountRow {
                workload: w.name.clone(),
                protocol: w.protocol,
                op: op.into(),
                bytes: fmt_bytes(w.bytes),
                subject: subject.map_or_else(String::new, thousands),
                cpython: cpython.map_or_else(String::new, thousands),
                ratio: match (subject, cpython) {
                    (Some(s), Some(c)) if s > 0 => format!("{:.2}×", c as f64 / s as f64),
                    _ => String::new(),
                },
                per_byte: match subject {
                    Some(s) if w.bytes > 0 => format!("{:.1}", s as f64 / w.bytes as f64),
                    _ => String::new(),
                },
                change,
                spark: sparkline(&points, runs.len().max(2), 120, 26, "instructions"),
            });
        }
        if !ratios.is_empty() {
            let values: Vec<f64> = ratios.iter().map(|r| r.0).collect();
            let lowest = ratios.iter().min_by(|a, b| a.0.total_cmp(&b.0));
            ops.push(OpRatios {
                op: op.into(),
                what: op_meaning(op).into(),
                files: ratios.len(),
                geomean: geomean(&values).map_or_else(String::new, |g| format!("{g:.2}×")),
                lowest: lowest.map_or_else(String::new, |(x, w)| format!("{x:.2}× ({w})")),
            });
        }
    }
    let mut no_baseline: Vec<(String, usize)> = Vec::new();
    for c in cmp.iter().flat_map(|c| &c.no_baseline) {
        match no_baseline.iter_mut().find(|(op, _)| op == &c.op) {
            Some((_, n)) => *n += 1,
            None => no_baseline.push((c.op.clone(), 1)),
        }
    }
    let has_stream = rows.iter().any(|r| r.op == "stream");
    Some(InstructionsSection {
        record_id: latest.id.clone(),
        date: latest.date.clone(),
        commit: latest.commit.clone(),
        dirty: latest.dirty,
        notes: latest.notes.clone(),
        errors: latest.errors.clone(),
        baseline: baseline.map(|b| format!("{} ({} {})", b.id, b.date, short(&b.commit))),
        not_comparable,
        other_machine: baseline.is_some_and(|b| b.machine.id != latest.machine.id),
        threshold_pct: threshold_pct(o.instructions_threshold),
        rows,
        regressions: by_size(regressions),
        improvements: by_size(improvements),
        changed_files: cmp.map(|c| c.changed_files).unwrap_or_default(),
        no_baseline: no_baseline
            .into_iter()
            .map(|(op, n)| format!("{n} {op}"))
            .collect(),
        has_stream,
        ops,
        history_len: runs.len(),
    })
}

fn short(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

fn short7(commit: &str) -> String {
    commit.get(..7).unwrap_or(commit).to_owned()
}

fn empty_page(o: &BenchPageOptions) -> BenchPage {
    BenchPage {
        has_record: false,
        record_id: String::new(),
        mode: String::new(),
        date: String::new(),
        commit: String::new(),
        dirty: false,
        machine: Machine::default(),
        generator: String::new(),
        notes: Vec::new(),
        errors: Vec::new(),
        load: String::new(),
        comparable: true,
        comparable_note: String::new(),
        baseline: None,
        baseline_other_machine: false,
        not_comparable: None,
        badge: None,
        codecs: Vec::new(),
        subject: o.subject.clone(),
        cpython: o.cpython.clone(),
        peer: o.peer.clone(),
        rows: Vec::new(),
        targets: Vec::new(),
        regressions: Vec::new(),
        improvements: Vec::new(),
        chart: String::new(),
        workload_charts: Vec::new(),
        history_len: 0,
        threshold_pct: threshold_pct(o.threshold),
        changed_files: Vec::new(),
        instructions: None,
    }
}
