//! The bench page rendered from a small history and baseline.

use picklejar_bench::gate::{self, GateOptions};
use picklejar_bench::history::{
    Baseline, Count, History, LoadAverage, Machine, Measurement, Mode, Record, WorkloadInfo,
};
use picklejar_report::bench::{BenchPageOptions, bench_html};

fn m(workload: &str, op: &str, codec: &str, mean_ns: f64) -> Measurement {
    Measurement {
        workload: workload.into(),
        protocol: 4,
        op: op.into(),
        codec: codec.into(),
        mean_ns,
        ci_low_ns: mean_ns * 0.99,
        ci_high_ns: mean_ns * 1.01,
        confidence: 0.95,
        bytes: 1 << 20,
        samples: 20,
        source: "test".into(),
        throughput_mib_s: 0.0,
    }
}

fn rec(id: &str, pj_ints: f64) -> Record {
    Record {
        id: id.into(),
        date: format!("2026-01-0{}T00:00:00Z", id.len()),
        commit: format!("{id}0123456789"),
        dirty: false,
        machine: Machine {
            id: "m".into(),
            hostname: "h".into(),
            cpu: "Test CPU".into(),
            cores: 2,
            os: "linux".into(),
            rustc: "rustc 1.95.0".into(),
            python: "3.13.0".into(),
        },
        workloads_generator: "cpython-3.13.0".into(),
        workloads: vec![
            WorkloadInfo {
                name: "ints_1m".into(),
                protocol: 4,
                bytes: 1 << 20,
                sha256: String::new(),
                description: "list(range(1_000_000))".into(),
            },
            WorkloadInfo {
                name: "unicode_100k".into(),
                protocol: 4,
                bytes: 1 << 20,
                sha256: String::new(),
                description: "short strings".into(),
            },
        ],
        measurements: vec![
            // 1 MiB in pj_ints ns; CPython C 4x slower, serde-pickle 2x slower
            m("ints_1m", "load", "picklejar", pj_ints),
            m("ints_1m", "load", "cpython-3.13", 4.0e6),
            m("ints_1m", "load", "serde-pickle", 2.0e6),
            m("unicode_100k", "load", "picklejar", 1.0e6),
            m("unicode_100k", "load", "cpython-3.13", 2.0e6),
            m("ints_1m", "dump", "cpython-3.13", 3.0e6),
        ],
        notes: vec!["a note about the run".into()],
        ..Record::default()
    }
}

/// The baselines file holding `r`.
fn bl(r: &Record) -> Baseline {
    let mut b = Baseline::default();
    b.set(r.clone());
    b
}

fn page() -> String {
    let mut h = History::default();
    h.records.push(rec("a", 1.0e6));
    h.records.push(rec("bb", 1.3e6)); // ints_1m 30% slower than the baseline "a"
    let base = h.records[0].clone();
    bench_html(&h, &bl(&base), &BenchPageOptions::default()).expect("renders")
}

#[test]
fn rows_show_throughput_ratios_and_change_against_the_baseline() {
    let html = page();
    let row = &html[html
        .find("<td title=\"list(range(1_000_000))\">ints_1m</td><td>4</td><td>load</td>")
        .expect("ints row")..];
    let row = &row[..row.find("</tr>").expect("end")];
    // 1 MiB / 1.3 ms = 769.2 MiB/s; CPython 4 ms -> 3.08x; serde 2 ms -> 1.54x
    assert!(row.contains(">769.2</td>"), "{row}");
    assert!(row.contains(">3.08×</td>"), "{row}");
    assert!(row.contains(">1.54×</td>"), "{row}");
    assert!(row.contains("title=\"regressed; interval"), "{row}");
    assert!(row.contains("+30.0%"), "{row}");
    assert!(row.contains("<svg class=\"spark\""), "history sparkline");
    // the regression is listed; unicode did not change
    assert!(html.contains("1 regressed"));
    assert!(html.contains("ints_1m p4 load: time +30.0%"));
    assert!(!html.contains("unicode_100k p4 load: time"));
}

#[test]
fn targets_count_the_workloads_meeting_them() {
    let html = page();
    let t = &html[html.find("id=\"targets\"").expect("targets")..];
    let t = &t[..t.find("</table>").expect("end")];
    // vs CPython (target 3x): ints 3.08x meets it, unicode 2.00x misses
    assert!(t.contains("picklejar load vs cpython-3.13"));
    assert!(t.contains(">1/2</td>"), "{t}");
    assert!(t.contains("unicode_100k p4 (2.00×)"), "{t}");
    // vs serde-pickle (target 5x): ints 1.54x misses
    assert!(t.contains("ints_1m p4 (1.54×)"), "{t}");
}

#[test]
fn the_history_chart_and_notes_are_inline() {
    let html = page();
    assert!(html.contains("<svg class=\"chart\""));
    assert!(html.contains("2 run(s) on this machine"));
    assert!(html.contains("a note about the run"));
    assert!(!html.contains("<script src") && !html.contains("<link"));
}

#[test]
fn an_empty_history_renders_a_hint() {
    let html = bench_html(
        &History::default(),
        &Baseline::default(),
        &BenchPageOptions::default(),
    )
    .expect("renders");
    assert!(html.contains("No wall-time benchmark run recorded yet"));
}

/// The `ints_1m p4 load` row's change cell.
fn change_cell(html: &str) -> &str {
    let row = &html[html
        .find("<td title=\"list(range(1_000_000))\">ints_1m</td><td>4</td><td>load</td>")
        .expect("ints row")..];
    let row = &row[..row.find("</tr>").expect("end")];
    // the last numeric cell (the sparkline's cell follows it)
    let cell = &row[row.rfind("<td class=\"num").expect("change cell")..];
    &cell[..cell.find("</td>").expect("cell end")]
}

#[test]
fn the_page_flags_what_the_gate_flags_at_the_gates_threshold() {
    // ints_1m +8% with ±1% intervals: the interval of the ratio is about [1.058, 1.102]
    let mut h = History::default();
    h.records.push(rec("a", 1.0e6));
    h.records.push(rec("bb", 1.08e6));
    let base = h.records[0].clone();
    for (threshold, regressed) in [(0.05, true), (0.075, false), (0.10, false)] {
        let gate_options = GateOptions {
            threshold,
            ..GateOptions::default()
        };
        let report = gate::check(&h.records[1], Some(&base), &gate_options);
        assert_eq!(
            report.regressions.len(),
            usize::from(regressed),
            "{threshold}"
        );
        let page = BenchPageOptions::for_gate(&gate_options);
        assert_eq!(page.threshold, threshold);
        let html = bench_html(&h, &bl(&base), &page).expect("renders");
        let cell = change_cell(&html);
        assert!(cell.contains("+8.0%"), "{cell}");
        if regressed {
            assert!(cell.contains("title=\"regressed;"), "{threshold}: {cell}");
            assert!(html.contains("1 regressed"));
            assert!(html.contains(&report.regressions[0].label.replace(" picklejar", ":")));
        } else {
            assert!(cell.contains("title=\"unchanged;"), "{threshold}: {cell}");
            assert!(!html.contains("regressed</span>"));
        }
        let shown = if threshold == 0.075 {
            "±7.5%"
        } else if regressed {
            "±5%"
        } else {
            "±10%"
        };
        assert!(
            html.contains(shown),
            "the page states the threshold {shown}"
        );
    }
}

#[test]
fn a_workload_file_changed_since_the_baseline_shows_no_change() {
    let mut h = History::default();
    let mut a = rec("a", 1.0e6);
    a.workloads[0].sha256 = "old".into();
    let mut b = rec("bb", 1.3e6);
    b.workloads[0].sha256 = "new".into();
    h.records.push(a);
    h.records.push(b);
    let base = h.records[0].clone();
    let html = bench_html(&h, &bl(&base), &BenchPageOptions::default()).expect("renders");
    let cell = change_cell(&html);
    assert!(
        cell.contains("title=\"file changed since the baseline\""),
        "{cell}"
    );
    assert!(!html.contains("1 regressed"));
    assert!(
        html.contains("Not compared: workload files that changed since the baseline (ints_1m p4)")
    );
    let report = gate::check(&h.records[1], Some(&base), &GateOptions::default());
    assert!(report.regressions.is_empty());
}

#[test]
fn a_quick_run_against_a_full_baseline_says_not_comparable_in_grey() {
    let mut h = History::default();
    h.records.push(rec("a", 1.0e6));
    let mut quick = rec("bb", 1.3e6); // 30% slower, but a quick run
    quick.mode = Mode::Quick;
    h.records.push(quick);
    let base = h.records[0].clone();
    let html = bench_html(&h, &bl(&base), &BenchPageOptions::default()).expect("renders");
    assert!(html.contains("<span class=\"badge muted\">not comparable</span>"));
    assert!(!html.contains("regressed"), "nothing is judged");
    assert!(html.contains("<b>Not comparable</b> with the baseline a"));
    assert!(html.contains("is a quick run and the baseline a a full run"));
    let cell = change_cell(&html);
    assert!(cell.contains("title=\"not comparable\""), "{cell}");
}

#[test]
fn a_run_from_a_loaded_machine_is_not_judged_and_drawn_hollow() {
    let mut h = History::default();
    h.records.push(rec("a", 1.0e6));
    let mut busy = rec("bb", 1.3e6);
    busy.set_load(Some(LoadAverage {
        start: 0.7,
        end: 3.34,
        peak: 3.34,
    }));
    h.records.push(busy);
    let base = h.records[0].clone();
    let html = bench_html(&h, &bl(&base), &BenchPageOptions::default()).expect("renders");
    assert!(html.contains(">not comparable</span>"));
    assert!(!html.contains("regressed"));
    assert!(html.contains("the machine was loaded"));
    assert!(
        html.contains("(not comparable)</title>"),
        "the loaded run's points are hollow"
    );
}

#[test]
fn regressions_are_listed_by_size() {
    let mut h = History::default();
    h.records.push(rec("a", 1.0e6));
    let mut b = rec("bb", 1.3e6); // ints +30%
    for m in &mut b.measurements {
        if m.workload == "unicode_100k" && m.codec == "picklejar" {
            *m = super_m(m, 2.0e6); // unicode +100%
        }
    }
    h.records.push(b);
    let base = h.records[0].clone();
    let html = bench_html(&h, &bl(&base), &BenchPageOptions::default()).expect("renders");
    assert!(html.contains("2 regressed</span>"));
    let uni = html
        .find("<li>unicode_100k p4 load: time +100.0%")
        .expect("listed");
    let ints = html
        .find("<li>ints_1m p4 load: time +30.0%")
        .expect("listed");
    assert!(uni < ints, "the larger regression first");
}

fn super_m(old: &Measurement, mean_ns: f64) -> Measurement {
    m(&old.workload, &old.op, &old.codec, mean_ns)
}

#[test]
fn every_workload_has_a_history_chart_of_load_and_dump_against_cpython() {
    let html = page();
    let at = html
        .find("<div id=\"chart-ints_1m\">")
        .expect("ints_1m chart");
    let chart = &html[at..];
    let chart = &chart[..chart.find("</svg>").expect("svg end")];
    assert!(chart.contains("ints_1m p4: MiB/s"), "{chart}");
    for series in ["picklejar load", "cpython-3.13 load", "cpython-3.13 dump"] {
        assert!(
            chart.contains(&format!(">{series}</text>")),
            "{series}: {chart}"
        );
    }
    assert!(html.contains("<div id=\"chart-unicode_100k\">"));
}

fn counts(id: &str, pj_load: u64) -> Record {
    let c = |op: &str, codec: &str, n: u64| Count {
        workload: "ints_1m".into(),
        protocol: 4,
        op: op.into(),
        codec: codec.into(),
        instructions: n,
        bytes: 1 << 20,
        function: String::new(),
        vs_cpython: None,
    };
    Record {
        mode: Mode::Instructions,
        date: format!("2026-02-0{}T00:00:00Z", id.len()),
        measurements: vec![],
        instructions: vec![
            c("load", "picklejar", pj_load),
            c("load", "cpython-3.13", 200_000_000),
            c("dump", "picklejar", 20_000_000),
        ],
        ..rec(id, 1.0)
    }
}

#[test]
fn instruction_counts_are_shown_against_cpython_and_their_baseline() {
    let mut h = History::default();
    h.records.push(rec("a", 1.0e6));
    h.records.push(counts("i", 50_000_000));
    h.records.push(counts("ii", 52_000_000)); // +4%
    let mut base = bl(&h.records[0]);
    base.set(h.records[1].clone());
    let html = bench_html(&h, &base, &BenchPageOptions::default()).expect("renders");
    let sec = &html[html.find("id=\"instructions\"").expect("section")..];
    assert!(sec.contains("<td class=\"num\">52,000,000</td><td class=\"num\">200,000,000</td><td class=\"num\">3.85×</td>"), "{sec}");
    assert!(sec.contains("ints_1m p4 load: instructions +4.0% (50,000,000 → 52,000,000)"));
    assert!(html.contains("1 regressed</span>"), "the badge counts it");
    // at a 5% instructions threshold it is no regression
    let o = BenchPageOptions {
        instructions_threshold: 0.05,
        ..BenchPageOptions::default()
    };
    let html = bench_html(&h, &base, &o).expect("renders");
    assert!(html.contains("no regression</span>"));
}

/// [`counts`] with picklejar's and CPython's `stream` counts of ints_1m p4.
fn with_stream(mut r: Record, pj_stream: u64) -> Record {
    for (codec, n) in [("picklejar", pj_stream), ("cpython-3.13", 90_000_000)] {
        r.instructions.push(Count {
            op: "stream".into(),
            codec: codec.into(),
            instructions: n,
            ..r.instructions[0].clone()
        });
    }
    r
}

/// The instructions table's row of `op` (from its `<tr>` to its `</tr>`).
fn count_row<'h>(html: &'h str, op: &str) -> Option<&'h str> {
    let sec = &html[html.find("id=\"instructions\"")?..];
    let at = sec.find(&format!("<td>ints_1m</td><td>4</td><td>{op}</td>"))?;
    let row = &sec[at..];
    Some(&row[..row.find("</tr>")?])
}

#[test]
fn stream_counts_have_rows_a_ratio_and_say_what_they_are() {
    let mut h = History::default();
    h.records.push(rec("a", 1.0e6));
    h.records
        .push(with_stream(counts("i", 50_000_000), 20_000_000));
    let mut base = bl(&h.records[0]);
    base.set(h.records[1].clone());
    let html = bench_html(&h, &base, &BenchPageOptions::default()).expect("renders");
    let row = count_row(&html, "stream").expect("a stream row");
    assert!(
        row.contains("<td class=\"num\">20,000,000</td><td class=\"num\">90,000,000</td><td class=\"num\">4.50×</td>"),
        "{row}"
    );
    // after the dump rows
    let sec = &html[html.find("id=\"instructions\"").expect("section")..];
    let table = &sec[sec.find("<th>workload</th>").expect("the counts table")..];
    let at = |op: &str| table.find(&format!("<td>{op}</td>")).expect(op);
    assert!(at("load") < at("dump") && at("dump") < at("stream"));
    // what stream is, in one sentence, and its line in the ratios table
    assert!(html.contains("Instructions of one load, one dump and one stream of each"));
    assert!(
        html.contains("<b>stream</b> is a dump written out to a file"),
        "{html}"
    );
    assert!(html.contains("64 MiB copy for both codecs"));
    assert!(
        sec.contains("<td>stream</td><td>the objects written out to a file-like sink"),
        "{sec}"
    );
    assert!(sec.contains("<td class=\"num\">4.50×</td><td class=\"num\">4.50× (ints_1m p4)</td>"));
    assert!(html.contains("no regression</span>"));
}

#[test]
fn stream_counts_against_a_baseline_without_them_say_no_baseline() {
    // a baseline recorded before streams were counted (as the committed one)
    let mut h = History::default();
    h.records.push(rec("a", 1.0e6));
    h.records.push(counts("i", 50_000_000));
    h.records
        .push(with_stream(counts("ii", 50_000_000), 20_000_000));
    let mut base = bl(&h.records[0]);
    base.set(h.records[1].clone());
    let html = bench_html(&h, &base, &BenchPageOptions::default()).expect("renders");
    let row = count_row(&html, "stream").expect("a stream row");
    assert!(row.contains(">no baseline</td>"), "{row}");
    assert!(
        !count_row(&html, "load")
            .expect("load")
            .contains("no baseline"),
        "the load has its baseline"
    );
    assert!(html.contains("No baseline for picklejar's 1 stream counts"));
    assert!(html.contains("no regression</span>"), "not a regression");
    assert!(!html.contains("regressed</span>"));

    // with streams in both, a stream regression is flagged like a dump's
    let mut h = History::default();
    h.records.push(rec("a", 1.0e6));
    h.records
        .push(with_stream(counts("i", 50_000_000), 20_000_000));
    h.records
        .push(with_stream(counts("ii", 50_000_000), 21_000_000)); // +5%
    let mut base = bl(&h.records[0]);
    base.set(h.records[1].clone());
    let html = bench_html(&h, &base, &BenchPageOptions::default()).expect("renders");
    assert!(html.contains("ints_1m p4 stream: instructions +5.0% (20,000,000 → 21,000,000)"));
    assert!(html.contains("1 regressed</span>"));
    assert!(!html.contains("No baseline for"));
}

#[test]
fn a_record_without_stream_counts_renders_without_stream_rows() {
    let mut h = History::default();
    h.records.push(rec("a", 1.0e6));
    h.records.push(counts("i", 50_000_000));
    let mut base = bl(&h.records[0]);
    base.set(h.records[1].clone());
    let html = bench_html(&h, &base, &BenchPageOptions::default()).expect("renders");
    assert!(count_row(&html, "load").is_some());
    assert!(count_row(&html, "stream").is_none());
    assert!(!html.contains("No baseline for"));
    assert!(
        !html.contains("<b>stream</b>"),
        "no sentence on what is not shown"
    );
    assert!(html.contains("Instructions of one load and one dump of each"));
    assert!(html.contains("no regression</span>"));
}
