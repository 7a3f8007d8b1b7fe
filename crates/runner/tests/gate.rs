//! The gate can fail, in each of the ways it promises to: an unlisted failure, a listed
//! failure that passes, an entry that matches nothing, a run of zero trials. And a
//! faithful codec passes it.

use std::path::Path;

use picklejar_codec::Canon;
use picklejar_runner::adapters::Picklejar;
use picklejar_runner::engine::{Filter, RunOptions, run_codec};
use picklejar_runner::{
    Codec, CodecInfo, Corpus, Entry, EntryStatus, Expectations, ExpectationsFile, LoadRequest,
    Outcome, Status,
};

fn corpus() -> Corpus {
    Corpus::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")).expect("corpus")
}

/// picklejar, but every int it loads comes out one larger: a planted bug.
struct OffByOne;

fn bump(c: Canon) -> Canon {
    match c {
        Canon::Int(s) => Canon::Int(s.parse::<i128>().map(|v| (v + 1).to_string()).unwrap_or(s)),
        Canon::List(v) => Canon::List(v.into_iter().map(bump).collect()),
        Canon::Tuple(v) => Canon::Tuple(v.into_iter().map(bump).collect()),
        Canon::Anchor(a, inner) => Canon::Anchor(a, Box::new(bump(*inner))),
        other => other,
    }
}

impl Codec for OffByOne {
    fn info(&self) -> CodecInfo {
        CodecInfo {
            name: "off-by-one".into(),
            ..Picklejar.info()
        }
    }
    fn load(&self, req: &LoadRequest<'_>) -> Outcome {
        match Picklejar.load(req) {
            Outcome::Loaded(c) => Outcome::Loaded(bump(c)),
            other => other,
        }
    }
}

fn exp(entries: &[(&str, EntryStatus)]) -> Expectations {
    Expectations::new(ExpectationsFile {
        codec: "x".into(),
        entries: entries
            .iter()
            .map(|(g, s)| Entry {
                glob: (*g).into(),
                status: *s,
                reason: "test".into(),
            })
            .collect(),
    })
    .expect("valid expectations")
}

fn run(
    codec: &dyn Codec,
    e: &Expectations,
    filter: &[&str],
) -> picklejar_runner::results::CodecRun {
    let f =
        Filter::new(&filter.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()).expect("filter");
    run_codec(
        &corpus(),
        codec,
        e,
        None,
        &RunOptions {
            filter: &f,
            on_trial: None,
            keep_passes: false,
            reloader: None,
        },
    )
}

const SCALARS: &str = "load/scalars/int32_edges/*";

#[test]
fn a_faithful_codec_passes_the_gate() {
    let r = run(&Picklejar, &Expectations::default(), &[SCALARS]);
    assert!(r.gate_problems.is_empty(), "{:?}", r.gate_problems);
    assert!(r.counts.get(&Status::Pass).copied().unwrap_or(0) > 0);
}

#[test]
fn an_unlisted_failure_fails_the_gate_with_a_diff() {
    let r = run(&OffByOne, &Expectations::default(), &[SCALARS]);
    assert!(r.counts.get(&Status::Fail).copied().unwrap_or(0) > 0);
    assert!(
        r.gate_problems
            .iter()
            .any(|p| p.contains("fails and is not listed")),
        "{:?}",
        r.gate_problems
    );
    let t = r
        .trials
        .iter()
        .find(|t| t.status == Status::Fail)
        .expect("a failure");
    let diff = t.diff.as_deref().expect("a diff");
    assert!(diff.contains("-") && diff.contains("+"), "{diff}");
}

#[test]
fn listed_failures_are_expected_and_keep_the_gate_green() {
    let e = exp(&[("load/scalars/int32_edges/*", EntryStatus::Fail)]);
    let r = run(&OffByOne, &e, &[SCALARS]);
    assert!(r.gate_problems.is_empty(), "{:?}", r.gate_problems);
    assert!(r.counts.get(&Status::ExpectedFail).copied().unwrap_or(0) > 0);
}

#[test]
fn a_listed_failure_that_passes_fails_the_gate() {
    let e = exp(&[("load/scalars/int32_edges/*", EntryStatus::Fail)]);
    let r = run(&Picklejar, &e, &[SCALARS]);
    assert!(r.counts.get(&Status::UnexpectedPass).copied().unwrap_or(0) > 0);
    assert!(
        r.gate_problems
            .iter()
            .any(|p| p.contains("passes but is listed")),
        "{:?}",
        r.gate_problems
    );
}

#[test]
fn an_entry_matching_nothing_fails_the_gate() {
    let e = exp(&[("load/no_such_category/**", EntryStatus::Fail)]);
    let r = run(&Picklejar, &e, &[SCALARS]);
    assert!(
        r.gate_problems
            .iter()
            .any(|p| p.contains("matches no trial")),
        "{:?}",
        r.gate_problems
    );
}

#[test]
fn a_run_of_zero_trials_fails_the_gate() {
    let r = run(
        &Picklejar,
        &Expectations::default(),
        &["load/this-matches-nothing/*"],
    );
    assert!(r.trials.is_empty());
    assert!(
        r.gate_problems.iter().any(|p| p.contains("no trial ran")),
        "{:?}",
        r.gate_problems
    );
}

#[test]
fn skip_entries_do_not_run_the_trials() {
    let e = exp(&[("load/scalars/int32_edges/*", EntryStatus::Skip)]);
    let r = run(&OffByOne, &e, &[SCALARS]);
    assert!(r.trials.iter().all(|t| t.status == Status::Skip));
    assert!(r.gate_problems.iter().any(|p| p.contains("no trial ran")));
}
