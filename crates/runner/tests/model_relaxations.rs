//! Value models on the corpus: a codec that cannot hold some Python values (no tuples, one
//! number type, unordered dicts, no frozensets, no bytearrays, no identity) fails the
//! cases that need them when graded exactly, and passes them when it declares the model.
//! The codecs are picklejar's own, with the loss planted.

use std::path::Path;

use picklejar_codec::Canon;
use picklejar_runner::adapters::Picklejar;
use picklejar_runner::engine::{Filter, RunOptions, run_codec};
use picklejar_runner::model::{ModelFlag, ValueModel};
use picklejar_runner::trial::Verdict;
use picklejar_runner::{Codec, CodecInfo, Corpus, Expectations, LoadRequest, Outcome};

fn corpus() -> Corpus {
    Corpus::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")).expect("corpus")
}

/// picklejar, but its values lose what `flag` names; graded with `model`.
struct Lossy {
    flag: ModelFlag,
    model: ValueModel,
}

/// Dict items in reverse order (a Go map's order is arbitrary).
fn reverse_dicts(c: Canon) -> Canon {
    let rec = |v: Vec<Canon>| v.into_iter().map(reverse_dicts).collect();
    match c {
        Canon::Dict(p) => Canon::Dict(
            p.into_iter()
                .rev()
                .map(|(k, v)| (reverse_dicts(k), reverse_dicts(v)))
                .collect(),
        ),
        Canon::List(v) => Canon::List(rec(v)),
        Canon::Tuple(v) => Canon::Tuple(rec(v)),
        Canon::Anchor(a, inner) => Canon::Anchor(a, Box::new(reverse_dicts(*inner))),
        other => other,
    }
}

impl Codec for Lossy {
    fn info(&self) -> CodecInfo {
        CodecInfo {
            name: format!("lossy-{}", self.flag),
            model: self.model.clone(),
            ..Picklejar.info()
        }
    }
    fn load(&self, req: &LoadRequest<'_>) -> Outcome {
        match Picklejar.load(req) {
            Outcome::Loaded(c) if self.flag == ModelFlag::DictUnordered => {
                Outcome::Loaded(reverse_dicts(c))
            }
            // what such a reader loads: the rewrite itself, and its own anchor numbering
            Outcome::Loaded(c) => Outcome::Loaded(self.flag.rewrite(c)),
            other => other,
        }
    }
}

fn verdicts(flag: ModelFlag, model: ValueModel, cases: &[&str]) -> (usize, usize) {
    let filter = Filter::new(
        &cases
            .iter()
            .map(|c| format!("load/{c}/**"))
            .collect::<Vec<_>>(),
    )
    .expect("filter");
    let run = run_codec(
        &corpus(),
        &Lossy { flag, model },
        &Expectations::default(),
        None,
        &RunOptions {
            filter: &filter,
            on_trial: None,
            keep_passes: false,
            reloader: None,
        },
    );
    let count = |v: Verdict| run.trials.iter().filter(|t| t.verdict == v).count();
    (
        count(Verdict::Pass),
        count(Verdict::Fail) + count(Verdict::Crash),
    )
}

#[test]
fn each_relaxation_turns_the_failures_that_need_it_into_passes() {
    let table: &[(ModelFlag, &[&str])] = &[
        (
            ModelFlag::TupleAsList,
            &["containers/tuple_3", "containers/set_of_tuples"],
        ),
        (
            ModelFlag::IntFloatMerged,
            &["containers/list_3", "scalars/int_negative"],
        ),
        (
            ModelFlag::DictUnordered,
            &["containers/dict_3", "containers/dict_mixed_keys"],
        ),
        (
            ModelFlag::FrozensetAsSet,
            &["containers/frozenset_small", "containers/frozenset_in_set"],
        ),
        (ModelFlag::BytearrayAsBytes, &["strings/bytearray_small"]),
        (
            ModelFlag::NoIdentity,
            &["shared/shared_list", "shared/dag_diamond"],
        ),
    ];
    for (flag, cases) in table {
        let (pass, fail) = verdicts(*flag, ValueModel::exact(), cases);
        assert!(
            fail > 0,
            "{flag}: graded exactly, {cases:?} should fail ({pass} passed)"
        );
        let (pass, fail) = verdicts(*flag, ValueModel::new([*flag]), cases);
        assert!(
            fail == 0 && pass > 0,
            "{flag}: declared, {cases:?} should pass ({pass} passed, {fail} failed)"
        );
    }
}

#[test]
fn a_model_does_not_hide_other_differences() {
    // tuples as lists, declared; an int off by one is still a failure
    struct Wrong;
    impl Codec for Wrong {
        fn info(&self) -> CodecInfo {
            CodecInfo {
                name: "wrong".into(),
                model: ValueModel::new([ModelFlag::TupleAsList]),
                ..Picklejar.info()
            }
        }
        fn load(&self, req: &LoadRequest<'_>) -> Outcome {
            match Picklejar.load(req) {
                Outcome::Loaded(Canon::Tuple(mut v)) => {
                    if let Some(Canon::Int(s)) = v.first_mut() {
                        s.push('0');
                    }
                    Outcome::Loaded(Canon::List(v))
                }
                other => other,
            }
        }
    }
    let filter = Filter::new(&["load/containers/tuple_3/**".to_owned()]).expect("filter");
    let run = run_codec(
        &corpus(),
        &Wrong,
        &Expectations::default(),
        None,
        &RunOptions {
            filter: &filter,
            on_trial: None,
            keep_passes: false,
            reloader: None,
        },
    );
    let failed: Vec<_> = run
        .trials
        .iter()
        .filter(|t| t.verdict == Verdict::Fail)
        .collect();
    assert!(!failed.is_empty());
    for t in failed {
        assert!(
            t.message.contains("compared as tuple-as-list"),
            "{}",
            t.message
        );
        let diff = t.diff.as_deref().unwrap_or_default();
        // the diff shows the int, not the tuple/list difference the model covers
        assert!(
            diff.contains("+  int 10") && !diff.contains("-tuple"),
            "{diff}"
        );
    }
    assert_eq!(run.codec.model, ["tuple-as-list"]);
}

#[test]
fn relaxing_what_is_not_there_changes_nothing_anywhere_in_the_corpus() {
    // every canon CPython recorded goes through the re-anchoring and canon conversion
    // unchanged when its flag finds nothing to rewrite
    let corpus = corpus();
    let mut checked = 0;
    for case in &corpus.cases {
        for v in &case.variants {
            for g in &v.results {
                let picklejar_runner::corpus::ReaderOutcome::Canon(c) = &g.outcome else {
                    continue;
                };
                let json = c.to_json_string();
                if json.contains(r#""t":"bytearray""#) {
                    continue;
                }
                let m = ValueModel::new([ModelFlag::BytearrayAsBytes]);
                assert!(m.relax(c) == *c, "{}: {}", case.id, v.file);
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}
