//! `picklejar bench gate|baseline|report` as a user runs them: the gate exits non-zero on a
//! planted regression (strict) and on a run that measured nothing (always), an empty run
//! cannot become the baseline, and the page flags what the gate flags at the same
//! `--threshold`.

use std::path::{Path, PathBuf};
use std::process::Command;

use picklejar_bench::gate::{EXIT_EMPTY, EXIT_OK, EXIT_REGRESSION};
use picklejar_bench::history::{self, History, Machine, Measurement, Record, WorkloadInfo};

fn m(workload: &str, codec: &str, mean: f64, half: f64) -> Measurement {
    Measurement {
        workload: workload.into(),
        protocol: 4,
        op: "load".into(),
        codec: codec.into(),
        mean_ns: mean,
        ci_low_ns: mean - half,
        ci_high_ns: mean + half,
        confidence: 0.95,
        bytes: 4_871_352,
        samples: 20,
        source: "criterion".into(),
        throughput_mib_s: 0.0,
    }
}

fn rec(id: &str, measurements: Vec<Measurement>) -> Record {
    Record {
        id: id.into(),
        date: "2026-01-01T00:00:00Z".into(),
        commit: "0123456789abcdef".into(),
        dirty: false,
        machine: Machine {
            id: "host/cpu/2".into(),
            hostname: "host".into(),
            cpu: "cpu".into(),
            cores: 2,
            os: "linux-x86_64".into(),
            rustc: String::new(),
            python: String::new(),
        },
        workloads_generator: "picklejar-codec/3.13".into(),
        workloads: vec![WorkloadInfo {
            name: "ints_1m".into(),
            protocol: 4,
            bytes: 4_871_352,
            sha256: String::new(),
            description: "list(range(1_000_000))".into(),
        }],
        measurements,
        notes: vec![],
    }
}

fn baseline() -> Record {
    rec(
        "base",
        vec![
            m("ints_1m", "picklejar", 10_000_000.0, 100_000.0),
            m("unicode_100k", "picklejar", 4_000_000.0, 50_000.0),
            m("ints_1m", "cpython-3.13", 40_000_000.0, 2_000_000.0),
        ],
    )
}

/// ints_1m got 30% slower with tight intervals; unicode unchanged; CPython (not judged)
/// got slower too.
fn regressed() -> Record {
    rec(
        "head",
        vec![
            m("ints_1m", "picklejar", 13_000_000.0, 100_000.0),
            m("unicode_100k", "picklejar", 4_010_000.0, 50_000.0),
            m("ints_1m", "cpython-3.13", 60_000_000.0, 2_000_000.0),
        ],
    )
}

struct Files {
    history: PathBuf,
    baseline: PathBuf,
    html: PathBuf,
}

fn files(dir: &Path, h: &History, base: &Record) -> Files {
    let f = Files {
        history: dir.join("history.json"),
        baseline: dir.join("baseline.json"),
        html: dir.join("index.html"),
    };
    history::write_json(&f.history, h).expect("history");
    history::write_baseline(&f.baseline, base).expect("baseline");
    f
}

/// `picklejar bench <cmd> --history … --baseline … [args]`: exit code and output.
fn bench(cmd: &str, f: &Files, args: &[&str]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_picklejar"));
    c.args(["bench", cmd])
        .arg("--history")
        .arg(&f.history)
        .arg("--baseline")
        .arg(&f.baseline)
        .args(args);
    if cmd == "report" {
        c.arg("--html").arg(&f.html);
    }
    let out = c.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn the_gate_command_exits_non_zero_on_a_planted_regression_and_an_empty_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = History::default();
    h.records.push(baseline());
    h.records.push(regressed());
    let f = files(dir.path(), &h, &baseline());
    let (code, out) = bench("gate", &f, &["--strict"]);
    assert_eq!(code, EXIT_REGRESSION, "{out}");
    assert!(out.contains("REGRESSED ints_1m p4 load picklejar"), "{out}");
    let (code, out) = bench("gate", &f, &[]);
    assert_eq!(code, EXIT_OK, "{out}");
    assert!(out.contains("advisory only"), "{out}");

    // the same history with the regression removed passes strictly
    h.records.push(rec("fixed", baseline().measurements));
    let f = files(dir.path(), &h, &baseline());
    let (code, out) = bench("gate", &f, &["--strict"]);
    assert_eq!(code, EXIT_OK, "{out}");

    h.records.push(rec("empty", vec![]));
    let f = files(dir.path(), &h, &baseline());
    let (code, out) = bench("gate", &f, &[]);
    assert_eq!(code, EXIT_EMPTY, "{out}");
    assert!(out.contains("measured nothing"), "{out}");

    // and an empty record cannot become the baseline
    let target = Files {
        baseline: dir.path().join("new-baseline.json"),
        ..f
    };
    let (code, out) = bench("baseline", &target, &[]);
    assert_ne!(code, EXIT_OK, "{out}");
    assert!(!target.baseline.exists());
}

#[test]
fn the_page_and_the_gate_agree_at_the_same_threshold() {
    // ints_1m 8% slower with ±1% intervals: the ratio's interval is about [1.059, 1.102]
    let dir = tempfile::tempdir().expect("tempdir");
    let base = rec("base", vec![m("ints_1m", "picklejar", 10.0e6, 0.1e6)]);
    let head = rec("head", vec![m("ints_1m", "picklejar", 10.8e6, 0.108e6)]);
    let mut h = History::default();
    h.records.push(base.clone());
    h.records.push(head);
    let f = files(dir.path(), &h, &base);
    for (threshold, regressed) in [("0.05", true), ("0.1", false)] {
        let (code, out) = bench("gate", &f, &["--strict", "--threshold", threshold]);
        assert_eq!(
            code,
            if regressed { EXIT_REGRESSION } else { EXIT_OK },
            "{threshold}: {out}"
        );
        assert_eq!(
            out.contains("REGRESSED ints_1m p4 load"),
            regressed,
            "{out}"
        );
        let (code, out) = bench("report", &f, &["--threshold", threshold]);
        assert_eq!(code, EXIT_OK, "{out}");
        let html = std::fs::read_to_string(&f.html).expect("page");
        assert_eq!(
            html.contains("1 regressed</span>"),
            regressed,
            "{threshold}"
        );
        assert_eq!(
            html.contains("title=\"regressed; interval"),
            regressed,
            "{threshold}: the change column"
        );
        let stated = if regressed { "±5%" } else { "±10%" };
        assert!(
            html.contains(stated),
            "{threshold}: the page states {stated}"
        );
    }
}
