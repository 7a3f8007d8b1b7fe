//! The regression gate can fail: on a planted regression (strict), and on a run that
//! measured nothing (always); it never judges runs that are not comparable (another mode, a
//! loaded machine), and judges instruction counts at their own threshold. Checked on the
//! library; `crates/cli/tests/bench.rs` checks the `picklejar bench gate` command and its
//! exit codes.

use picklejar_bench::gate::{self, EXIT_EMPTY, EXIT_OK, EXIT_REGRESSION, GateOptions};
use picklejar_bench::history::{Count, LoadAverage, Mode, Record};
use picklejar_bench::stats::Trend;

#[path = "support/records.rs"]
mod records;
use records::{baseline, m, rec, regressed};

#[test]
fn a_planted_regression_fails_the_strict_gate_and_only_warns_by_default() {
    let strict = GateOptions {
        strict: true,
        ..GateOptions::default()
    };
    let report = gate::check(&regressed(), Some(&baseline()), &strict);
    assert_eq!(report.compared, 2, "picklejar's two measurements");
    assert_eq!(report.regressions.len(), 1);
    assert_eq!(report.regressions[0].label, "ints_1m p4 load picklejar");
    assert!(report.missing.is_empty() && report.warnings.is_empty());
    assert_eq!(report.exit_code(&strict), EXIT_REGRESSION);
    assert!(
        report
            .summary(&strict)
            .contains("REGRESSED ints_1m p4 load picklejar: time +30.0%")
    );
    let advisory = GateOptions::default();
    let report = gate::check(&regressed(), Some(&baseline()), &advisory);
    assert_eq!(report.exit_code(&advisory), EXIT_OK);
    assert!(report.summary(&advisory).contains("advisory only"));
}

#[test]
fn noise_within_the_intervals_passes_even_strictly() {
    let strict = GateOptions {
        strict: true,
        ..GateOptions::default()
    };
    // +20% in the mean, but intervals of ±25%: not significant
    let b = rec("b", vec![m("ints_1m", "picklejar", 10.0e6, 2.5e6)]);
    let c = rec("c", vec![m("ints_1m", "picklejar", 12.0e6, 2.5e6)]);
    let report = gate::check(&c, Some(&b), &strict);
    assert_eq!((report.compared, report.regressions.len()), (1, 0));
    assert_eq!(report.exit_code(&strict), EXIT_OK);
}

#[test]
fn an_empty_run_is_refused_in_every_mode() {
    for strict in [false, true] {
        let o = GateOptions {
            strict,
            ..GateOptions::default()
        };
        let empty = gate::check(&rec("empty", vec![]), Some(&baseline()), &o);
        assert!(empty.refused.is_some());
        assert_eq!(empty.exit_code(&o), EXIT_EMPTY);
        // measurements that are not numbers count as nothing
        let nan = gate::check(
            &rec("nan", vec![m("ints_1m", "picklejar", f64::NAN, 1.0)]),
            Some(&baseline()),
            &o,
        );
        assert_eq!(nan.exit_code(&o), EXIT_EMPTY);
        // only other codecs measured: nothing the gate judges
        let other = gate::check(
            &rec("other", vec![m("ints_1m", "serde-pickle", 1e6, 1e3)]),
            Some(&baseline()),
            &o,
        );
        assert_eq!(other.exit_code(&o), EXIT_EMPTY);
    }
}

#[test]
fn strict_fails_on_a_missing_measurement_or_baseline() {
    let strict = GateOptions {
        strict: true,
        ..GateOptions::default()
    };
    let partial = rec(
        "p",
        vec![m("ints_1m", "picklejar", 10_000_000.0, 100_000.0)],
    );
    let report = gate::check(&partial, Some(&baseline()), &strict);
    assert_eq!(report.missing, vec!["unicode_100k p4 load picklejar"]);
    assert_eq!(report.exit_code(&strict), EXIT_REGRESSION);
    let report = gate::check(&partial, None, &strict);
    assert_eq!(report.exit_code(&strict), EXIT_REGRESSION, "no baseline");
    assert_eq!(report.exit_code(&GateOptions::default()), EXIT_OK);
}

#[test]
fn the_threshold_decides_what_regressed() {
    // ints_1m +8% with tight intervals: a regression at 5%, not at 10%
    let b = rec("b", vec![m("ints_1m", "picklejar", 10.0e6, 1e3)]);
    let c = rec("c", vec![m("ints_1m", "picklejar", 10.8e6, 1e3)]);
    for (threshold, regressed) in [(0.05, 1), (0.10, 0)] {
        let o = GateOptions {
            threshold,
            strict: true,
            ..GateOptions::default()
        };
        let report = gate::check(&c, Some(&b), &o);
        assert_eq!(report.regressions.len(), regressed, "threshold {threshold}");
        let cmp = gate::compare_runs(&c, &b, threshold, &o.codecs);
        let trend = cmp
            .change_of("ints_1m", 4, "load", "picklejar")
            .map(|c| c.trend);
        let expected = if regressed == 1 {
            Trend::Regressed
        } else {
            Trend::Unchanged
        };
        assert_eq!(trend, Some(expected));
    }
}

#[test]
fn a_workload_file_that_changed_since_the_baseline_is_not_compared() {
    let with_sha = |id: &str, sha: &str, mean: f64| {
        let mut r = rec(id, vec![m("ints_1m", "picklejar", mean, 1e3)]);
        r.workloads[0].sha256 = sha.into();
        r
    };
    let strict = GateOptions {
        strict: true,
        ..GateOptions::default()
    };
    // 30% slower, but on other bytes: not a regression, and the strict gate asks for a
    // new baseline
    let report = gate::check(
        &with_sha("c", "bbbb", 13e6),
        Some(&with_sha("b", "aaaa", 10e6)),
        &strict,
    );
    assert_eq!((report.compared, report.regressions.len()), (0, 0));
    assert!(
        report.warnings.iter().any(|w| w.contains("ints_1m p4")),
        "{:?}",
        report.warnings
    );
    assert_eq!(report.exit_code(&strict), EXIT_REGRESSION);
    // the same bytes compare
    let report = gate::check(
        &with_sha("c", "aaaa", 13e6),
        Some(&with_sha("b", "aaaa", 10e6)),
        &strict,
    );
    assert_eq!(report.regressions.len(), 1);
}

fn strict() -> GateOptions {
    GateOptions {
        strict: true,
        ..GateOptions::default()
    }
}

#[test]
fn a_quick_run_is_not_comparable_with_a_full_baseline() {
    let mut quick = regressed();
    quick.mode = Mode::Quick;
    let report = gate::check(&quick, Some(&baseline()), &strict());
    let why = report.not_comparable.as_deref().expect("not comparable");
    assert!(
        why.contains("quick run") && why.contains("full run"),
        "{why}"
    );
    assert!(
        report.regressions.is_empty(),
        "a quick run is never 'regressed'"
    );
    assert_eq!(report.compared, 0);
    let text = report.summary(&GateOptions::default());
    assert!(text.contains("not comparable"), "{text}");
    assert!(
        !text.contains("REGRESSED") && !text.contains("regressed,"),
        "{text}"
    );
    // strict: nothing could be judged, so it fails (but says why, not "regressed")
    assert_eq!(report.exit_code(&strict()), EXIT_REGRESSION);
    assert_eq!(report.exit_code(&GateOptions::default()), EXIT_OK);
    // against a quick baseline it is judged
    let mut quick_base = baseline();
    quick_base.mode = Mode::Quick;
    let report = gate::check(&quick, Some(&quick_base), &strict());
    assert!(report.not_comparable.is_none());
    assert_eq!(report.regressions.len(), 1);
}

#[test]
fn a_run_on_a_loaded_machine_is_not_judged() {
    let mut busy = regressed();
    busy.machine.cores = 2;
    busy.set_load(Some(LoadAverage {
        start: 0.7,
        end: 3.34,
        peak: 3.34,
    }));
    assert!(!busy.comparable);
    let report = gate::check(&busy, Some(&baseline()), &strict());
    let why = report.not_comparable.as_deref().expect("not comparable");
    assert!(why.contains("loaded") && why.contains("3.34"), "{why}");
    assert!(report.regressions.is_empty());
    // nor is a calm run against a baseline from a loaded machine
    let mut busy_base = baseline();
    busy_base.machine.cores = 2;
    busy_base.set_load(Some(LoadAverage {
        start: 2.5,
        end: 1.0,
        peak: 2.5,
    }));
    let report = gate::check(&regressed(), Some(&busy_base), &strict());
    assert!(
        report
            .not_comparable
            .as_deref()
            .is_some_and(|w| w.starts_with("the baseline"))
    );
    // up to 1.0 per core is fine
    let mut calm = regressed();
    calm.machine.cores = 2;
    calm.set_load(Some(LoadAverage {
        start: 0.4,
        end: 1.9,
        peak: 1.9,
    }));
    assert_eq!(
        gate::check(&calm, Some(&baseline()), &strict())
            .regressions
            .len(),
        1
    );
}

#[test]
fn regressions_are_listed_largest_first() {
    let head = rec(
        "head",
        vec![
            m("ints_1m", "picklejar", 11_000_000.0, 10_000.0),
            m("unicode_100k", "picklejar", 8_000_000.0, 10_000.0),
        ],
    );
    let report = gate::check(&head, Some(&baseline()), &strict());
    let labels: Vec<&str> = report
        .regressions
        .iter()
        .map(|f| f.label.as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "unicode_100k p4 load picklejar",
            "ints_1m p4 load picklejar"
        ],
        "+100% before +10%"
    );
}

#[test]
fn a_record_with_a_wrong_dump_fails_the_strict_gate() {
    let mut r = baseline();
    r.id = "wrong".into();
    r.errors
        .push("picklejar dump ints_1m p4: output differs from the workload file".into());
    let report = gate::check(&r, Some(&baseline()), &strict());
    assert!(report.regressions.is_empty());
    assert_eq!(report.exit_code(&strict()), EXIT_REGRESSION);
    assert!(
        report
            .summary(&strict())
            .contains("ERROR picklejar dump ints_1m p4")
    );
}

fn counts(id: &str, pj_load: u64) -> Record {
    let c = |op: &str, codec: &str, n: u64| Count {
        workload: "ints_1m".into(),
        protocol: 4,
        op: op.into(),
        codec: codec.into(),
        instructions: n,
        bytes: 4_871_352,
        function: String::new(),
        vs_cpython: None,
    };
    Record {
        mode: Mode::Instructions,
        instructions: vec![
            c("load", "picklejar", pj_load),
            c("dump", "picklejar", 20_000_000),
            c("load", "cpython-3.13", 200_000_000),
        ],
        ..rec(id, vec![])
    }
}

#[test]
fn instruction_counts_are_judged_at_their_own_threshold_whatever_the_load() {
    let base = counts("base", 50_000_000);
    // +1.5%: beyond the 1% instructions threshold (far inside the 5% time threshold)
    let mut head = counts("head", 50_750_000);
    head.machine.cores = 2;
    head.set_load(Some(LoadAverage {
        start: 6.0,
        end: 6.0,
        peak: 6.0,
    }));
    assert!(head.comparable, "counts do not depend on the load");
    let report = gate::check(&head, Some(&base), &strict());
    assert_eq!(report.compared, 2, "picklejar's load and dump");
    assert_eq!(report.regressions.len(), 1);
    assert_eq!(
        report.regressions[0].detail,
        "instructions +1.5% (50,000,000 → 50,750,000)"
    );
    assert_eq!(report.exit_code(&strict()), EXIT_REGRESSION);
    // +0.5% is within it
    let report = gate::check(&counts("head", 50_250_000), Some(&base), &strict());
    assert_eq!((report.compared, report.regressions.len()), (2, 0));
    assert_eq!(report.exit_code(&strict()), EXIT_OK);
    // a count record is never held against a wall-time baseline
    let report = gate::check(&counts("head", 50_250_000), Some(&baseline()), &strict());
    assert!(report.not_comparable.is_some());
    // a count record without counts is refused
    let mut empty = counts("empty", 1);
    empty.instructions.clear();
    assert_eq!(
        gate::check(&empty, Some(&base), &strict()).exit_code(&strict()),
        EXIT_EMPTY
    );
}

#[test]
fn the_combined_gate_passes_on_counts_when_wall_times_are_not_comparable() {
    let mut quick = baseline();
    quick.mode = Mode::Quick;
    let time = gate::check(&quick, Some(&baseline()), &strict());
    let instr = gate::check(
        &counts("head", 50_000_000),
        Some(&counts("base", 50_000_000)),
        &strict(),
    );
    assert!(time.not_comparable.is_some() && instr.judged());
    assert_eq!(gate::exit_code(&[time.clone(), instr], &strict()), EXIT_OK);
    // with a regressed count it fails
    let instr = gate::check(
        &counts("head", 60_000_000),
        Some(&counts("base", 50_000_000)),
        &strict(),
    );
    assert_eq!(
        gate::exit_code(&[time.clone(), instr], &strict()),
        EXIT_REGRESSION
    );
    // and with nothing comparable at all it fails strictly, not advisory
    assert_eq!(
        gate::exit_code(std::slice::from_ref(&time), &strict()),
        EXIT_REGRESSION
    );
    assert_eq!(gate::exit_code(&[time], &GateOptions::default()), EXIT_OK);
}

/// [`counts`] with picklejar's and CPython's `stream` counts too.
fn with_stream(mut r: Record, pj_stream: u64) -> Record {
    for (codec, n) in [("picklejar", pj_stream), ("cpython-3.13", 80_000_000)] {
        r.instructions.push(Count {
            op: "stream".into(),
            codec: codec.into(),
            instructions: n,
            ..r.instructions[0].clone()
        });
    }
    r
}

#[test]
fn stream_counts_are_gated_like_dumps_when_both_records_have_them() {
    let base = with_stream(counts("base", 50_000_000), 10_000_000);
    // +1.5% on the stream alone: a regression at the same 1% threshold
    let head = with_stream(counts("head", 50_000_000), 10_150_000);
    let report = gate::check(&head, Some(&base), &strict());
    assert_eq!(report.compared, 3, "picklejar's load, dump and stream");
    assert_eq!(report.regressions.len(), 1);
    assert_eq!(report.regressions[0].label, "ints_1m p4 stream picklejar");
    assert!(report.no_baseline.is_empty());
    assert_eq!(report.exit_code(&strict()), EXIT_REGRESSION);
    assert!(
        report
            .summary(&strict())
            .contains("REGRESSED ints_1m p4 stream picklejar: instructions +1.5%")
    );
    // -5%: an improvement
    let head = with_stream(counts("head", 50_000_000), 9_500_000);
    let report = gate::check(&head, Some(&base), &strict());
    assert_eq!(report.improvements.len(), 1);
    assert_eq!(report.exit_code(&strict()), EXIT_OK);
    // a run that no longer counts streams misses the baseline's
    let report = gate::check(&counts("head", 50_000_000), Some(&base), &strict());
    assert_eq!(report.missing, vec!["ints_1m p4 stream picklejar"]);
    assert_eq!(report.exit_code(&strict()), EXIT_REGRESSION);
}

#[test]
fn stream_counts_against_a_baseline_without_them_have_no_baseline_and_do_not_fail() {
    // the committed baselines were counted before `stream` was
    let base = counts("base", 50_000_000);
    let head = with_stream(counts("head", 50_000_000), 99_000_000);
    let report = gate::check(&head, Some(&base), &strict());
    assert_eq!(report.compared, 2, "load and dump");
    assert!(report.regressions.is_empty() && report.missing.is_empty());
    assert_eq!(report.no_baseline, vec!["ints_1m p4 stream picklejar"]);
    assert_eq!(report.no_baseline_ops, vec![("stream".to_string(), 1)]);
    assert_eq!(report.exit_code(&strict()), EXIT_OK);
    let text = report.summary(&strict());
    assert!(
        text.contains("no baseline for 1 of the run's measurements (1 stream): not judged"),
        "{text}"
    );
    assert!(text.contains("gate: ok"), "{text}");
    // CPython's stream is not judged, so it is not listed either
    assert!(!text.contains("cpython"), "{text}");
    // and an old record without streams against an old baseline says nothing of them
    let report = gate::check(&counts("head", 50_000_000), Some(&base), &strict());
    assert!(report.no_baseline.is_empty());
    assert!(!report.summary(&strict()).contains("no baseline"));
}
