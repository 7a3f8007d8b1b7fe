//! The bench page rendered from a small history and baseline.

use picklejar_report::bench::{
    BenchPageOptions, History, Machine, Measurement, Record, WorkloadInfo, bench_html,
};

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
            m("ints_1m", "load", "cpython-c-3.13", 4.0e6),
            m("ints_1m", "load", "serde-pickle", 2.0e6),
            m("unicode_100k", "load", "picklejar", 1.0e6),
            m("unicode_100k", "load", "cpython-c-3.13", 2.0e6),
            m("ints_1m", "dump", "cpython-c-3.13", 3.0e6),
        ],
        notes: vec!["a note about the run".into()],
    }
}

fn page() -> String {
    let mut h = History::default();
    h.records.push(rec("a", 1.0e6));
    h.records.push(rec("bb", 1.3e6)); // ints_1m 30% slower than the baseline "a"
    let base = h.records[0].clone();
    bench_html(&h, Some(&base), &BenchPageOptions::default()).expect("renders")
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
    assert!(t.contains("picklejar load vs cpython-c-3.13"));
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
    let html =
        bench_html(&History::default(), None, &BenchPageOptions::default()).expect("renders");
    assert!(html.contains("No benchmark run recorded yet"));
}
