//! `picklejar bench gate|baseline|report|run|instructions` as a user runs them: the gate
//! exits non-zero on a planted regression (strict) and on a run that measured nothing
//! (always), an empty run cannot become the baseline, the page flags what the gate flags at
//! the same `--threshold`, a quick run is "not comparable" with a full baseline, `run`
//! refuses to time a dump that is not the workload file and records locally unless
//! `--record`, `instructions` skips without valgrind, and the committed history and
//! baseline gate green.

use std::path::{Path, PathBuf};
use std::process::Command;

use picklejar_bench::gate::{EXIT_EMPTY, EXIT_OK, EXIT_REGRESSION};
use picklejar_bench::history::{self, History, Mode, Record};

#[path = "../../bench/tests/support/records.rs"]
mod records;
use records::{baseline, m, rec, regressed};

struct Files {
    history: PathBuf,
    local: PathBuf,
    baseline: PathBuf,
    html: PathBuf,
}

fn files(dir: &Path, h: &History, base: &Record) -> Files {
    let f = Files {
        history: dir.join("history.json"),
        local: dir.join("local-history.json"),
        baseline: dir.join("baseline.json"),
        html: dir.join("index.html"),
    };
    history::write_json(&f.history, h).expect("history");
    let _ = std::fs::remove_file(&f.baseline);
    history::save_baseline(&f.baseline, base).expect("baseline");
    f
}

/// `picklejar bench <cmd> --history … --local-history … --baseline … [args]`: exit code and
/// output.
fn bench(cmd: &str, f: &Files, args: &[&str]) -> (i32, String) {
    bench_env(cmd, f, args, &[])
}

fn bench_env(cmd: &str, f: &Files, args: &[&str], env: &[(&str, &Path)]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_picklejar"));
    c.args(["bench", cmd])
        .arg("--history")
        .arg(&f.history)
        .arg("--local-history")
        .arg(&f.local)
        .arg("--baseline")
        .arg(&f.baseline)
        .args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    if matches!(cmd, "report" | "run" | "instructions") {
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

#[test]
fn a_quick_run_is_not_comparable_with_the_full_baseline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut quick = regressed();
    quick.mode = Mode::Quick;
    let mut h = History::default();
    h.records.push(baseline());
    h.records.push(quick);
    let f = files(dir.path(), &h, &baseline());
    let (code, out) = bench("gate", &f, &[]);
    assert_eq!(code, EXIT_OK, "{out}");
    assert!(
        out.contains("not comparable with the baseline base"),
        "{out}"
    );
    assert!(
        out.contains("is a quick run and the baseline base a full run"),
        "{out}"
    );
    assert!(
        !out.contains("REGRESSED") && !out.contains("regressed,"),
        "{out}"
    );
    // strict: nothing comparable was judged
    let (code, out) = bench("gate", &f, &["--strict"]);
    assert_eq!(code, EXIT_REGRESSION, "{out}");
    assert!(out.contains("nothing comparable was judged"), "{out}");
    // the page says so in grey, with no red
    let (code, out) = bench("report", &f, &[]);
    assert_eq!(code, EXIT_OK, "{out}");
    let html = std::fs::read_to_string(&f.html).expect("page");
    assert!(html.contains("<span class=\"badge muted\">not comparable</span>"));
    assert!(!html.contains("regressed"));
    // and the quick run becomes a quick baseline only when asked for by mode
    let (code, out) = bench("baseline", &f, &["--mode", "quick"]);
    assert_eq!(code, EXIT_OK, "{out}");
    let b = history::read_baseline(&f.baseline).expect("reads");
    assert_eq!(b.of(Mode::Quick).map(|r| r.id.as_str()), Some("head"));
    assert_eq!(b.of(Mode::Full).map(|r| r.id.as_str()), Some("base"));
    // quick against quick is judged (here the run against itself)
    let (code, out) = bench("gate", &f, &["--strict"]);
    assert_eq!(code, EXIT_OK, "{out}");
    assert!(
        out.contains("quick run head, threshold 5%, picklejar): 2 compared"),
        "{out}"
    );
}

/// A workloads directory whose one file (`odd`, protocol 2) loads but is not what the
/// pickler writes (BININT where CPython writes BININT1), and criterion estimates of its
/// picklejar load, planted where `bench run --no-criterion` reads them.
fn planted(dir: &Path) -> (PathBuf, PathBuf) {
    let w = dir.join("workloads");
    std::fs::create_dir_all(&w).expect("dir");
    let odd: &[u8] = b"\x80\x02]q\x00(K\x01J\x02\x00\x00\x00e.";
    std::fs::write(w.join("odd-p2.pkl"), odd).expect("file");
    let manifest = serde_json::json!({
        "schema": picklejar_bench::workloads::MANIFEST_SCHEMA,
        "version": picklejar_bench::workloads::WORKLOADS_VERSION,
        "generator": "test", "scale": 1.0,
        "workloads": [{"name": "odd", "protocol": 2, "file": "odd-p2.pkl",
                       "bytes": odd.len(), "sha256": "x", "description": "[1, 2]"}],
    });
    std::fs::write(w.join("manifest.json"), manifest.to_string()).expect("manifest");
    let home = dir.join("criterion");
    let new = home.join("pjbench-load/picklejar/odd-p2/new");
    std::fs::create_dir_all(&new).expect("dir");
    let j = |name: &str, v: serde_json::Value| {
        std::fs::write(new.join(name), v.to_string()).expect("json")
    };
    j(
        "benchmark.json",
        serde_json::json!({"group_id": "pjbench-load", "function_id": "picklejar",
                           "value_str": "odd-p2", "throughput": {"Bytes": odd.len()}}),
    );
    let e = serde_json::json!({"confidence_interval": {"confidence_level": 0.95,
        "lower_bound": 90.0, "upper_bound": 110.0}, "point_estimate": 100.0});
    j("estimates.json", serde_json::json!({"mean": e}));
    j("sample.json", serde_json::json!({"iters": [1.0, 2.0, 3.0]}));
    (w, home)
}

#[test]
fn run_never_times_a_wrong_dump_and_records_locally_unless_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = History::default();
    h.records.push(baseline());
    let f = files(dir.path(), &h, &baseline());
    let (w, home) = planted(dir.path());
    let env: [(&str, &Path); 2] = [("PICKLEJAR_BENCH_WORKLOADS", &w), ("CRITERION_HOME", &home)];
    let args = ["--no-criterion", "--no-cpython", "--quick"];
    let (code, out) = bench_env("run", &f, &args, &env);
    assert_eq!(code, EXIT_OK, "{out}");
    assert!(
        out.contains("error: picklejar dump odd p2: output differs from the workload file"),
        "{out}"
    );
    assert!(out.contains("first difference at byte 8"), "{out}");
    // the record went to the local history, with the error and its mode
    let committed = history::read_history(&f.history).expect("reads");
    assert_eq!(
        committed.records.len(),
        1,
        "the committed history is untouched"
    );
    let local = history::read_history(&f.local).expect("reads");
    let [r] = &local.records[..] else {
        panic!("one local record: {out}");
    };
    assert_eq!(r.mode, Mode::Quick);
    assert!(r.load_average.is_some(), "load average recorded");
    assert!(
        r.errors[0].starts_with("picklejar dump odd p2: output differs"),
        "{:?}",
        r.errors
    );
    assert!(
        r.measurements.iter().all(|m| m.op == "load"),
        "no dump timed"
    );
    assert!(
        out.contains("not comparable"),
        "a quick run vs the full baseline: {out}"
    );
    // --record appends to the committed history
    let (code, out) = bench_env("run", &f, &[&args[..], &["--record"]].concat(), &env);
    assert_eq!(code, EXIT_OK, "{out}");
    assert_eq!(
        history::read_history(&f.history)
            .expect("reads")
            .records
            .len(),
        2
    );
    assert_eq!(
        history::read_history(&f.local)
            .expect("reads")
            .records
            .len(),
        1
    );
    // and the page lists the error
    let html = std::fs::read_to_string(&f.html).expect("page");
    assert!(html.contains("id=\"errors\""), "the page shows the error");
    // strict fails on the wrong dump
    let (code, out) = bench_env(
        "run",
        &f,
        &[&args[..], &["--strict", "--no-record"]].concat(),
        &env,
    );
    assert_eq!(code, EXIT_REGRESSION, "{out}");
}

#[test]
fn instructions_skip_without_valgrind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = files(dir.path(), &History::default(), &baseline());
    let none = dir.path().join("no-valgrind");
    let (code, out) = bench_env("instructions", &f, &[], &[("PICKLEJAR_VALGRIND", &none)]);
    assert_eq!(code, EXIT_OK, "{out}");
    assert!(out.contains("valgrind not found"), "{out}");
    assert!(out.contains("skipped"), "{out}");
    assert!(!f.local.exists(), "nothing recorded");
}

#[test]
fn the_committed_history_and_baseline_gate_green() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Files {
        history: root.join("reports/bench/history.json"),
        local: dir.path().join("none.json"),
        baseline: root.join("reports/bench/baseline.json"),
        html: dir.path().join("index.html"),
    };
    let (code, out) = bench("gate", &f, &["--strict"]);
    assert_eq!(
        code, EXIT_OK,
        "the committed record against the committed baseline: {out}"
    );
    assert!(!out.contains("REGRESSED"), "{out}");
    let (code, out) = bench("report", &f, &[]);
    assert_eq!(code, EXIT_OK, "{out}");
    let html = std::fs::read_to_string(&f.html).expect("page");
    assert!(html.contains("<span class=\"badge ok\">no regression</span>"));
    assert!(!html.contains("regressed"), "no red on the committed page");
}

#[test]
fn a_run_with_stream_counts_gates_green_against_a_baseline_without_them() {
    // a baseline counted before `stream` was (the committed instructions record without its
    // streams, as records before 2026-12-07 are): a run that adds streams (the committed
    // record, with a stream per dump) is judged on its loads and dumps, and its streams
    // have "no baseline"
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let committed = history::read_history(&root.join("reports/bench/history.json")).expect("reads");
    let mut run = committed
        .latest_instructions()
        .expect("an instructions record")
        .clone();
    run.instructions.retain(|c| c.op != "stream");
    let mut before = run.clone();
    before.id = format!("{}-before-streams", run.id);
    let streams: Vec<_> = run
        .instructions
        .iter()
        .filter(|c| c.op == "dump")
        .map(|c| history::Count {
            op: "stream".into(),
            ..c.clone()
        })
        .collect();
    let n = streams
        .iter()
        .filter(|c| c.codec == "picklejar" && c.instructions > 0)
        .count();
    assert!(n > 0);
    run.instructions.extend(streams);
    run.id = format!("{}-stream", run.id);
    run.date = "2099-01-01T00:00:00Z".into();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Files {
        history: root.join("reports/bench/history.json"),
        local: dir.path().join("local.json"),
        baseline: dir.path().join("baseline.json"),
        html: dir.path().join("index.html"),
    };
    let mut base =
        history::read_baseline(&root.join("reports/bench/baseline.json")).expect("reads");
    base.set(before);
    history::write_baseline(&f.baseline, &base).expect("baseline");
    let mut local = History::default();
    local.records.push(run);
    history::write_json(&f.local, &local).expect("local history");
    let (code, out) = bench("gate", &f, &["--strict"]);
    assert_eq!(code, EXIT_OK, "{out}");
    assert!(
        out.contains(&format!(
            "no baseline for {n} of the run's measurements ({n} stream): not judged"
        )),
        "{out}"
    );
    let (code, out) = bench("report", &f, &[]);
    assert_eq!(code, EXIT_OK, "{out}");
    let html = std::fs::read_to_string(&f.html).expect("page");
    assert!(html.contains(">no baseline</td>"));
    assert!(html.contains(&format!("No baseline for picklejar's {n} stream counts")));
    assert!(!html.contains("regressed"), "no red");
}
