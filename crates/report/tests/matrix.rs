//! The peer matrix page and `peers/SUMMARY.md` rendered from two small results documents
//! (one peer passing its gate with listed bugs and a crash, one failing it) and a skipped
//! peer.

use picklejar_report::matrix::{AdapterFile, Matrix, PeerInfo, PeerRun, PeerState};
use picklejar_report::{matrix_html, matrix_markdown, read_results};
use picklejar_runner::{Entry, EntryStatus, Expectations, ExpectationsFile, Results};
use serde_json::json;

fn trial(name: &str, status: &str, verdict: &str) -> serde_json::Value {
    let mut parts = name.splitn(4, '/');
    let kind = parts.next().unwrap_or("load");
    let cat = parts.next().unwrap_or("");
    let case_name = parts.next().unwrap_or("");
    let variant = parts.next().unwrap_or("");
    json!({
        "name": name, "kind": kind, "case": format!("{cat}/{case_name}"), "category": cat,
        "variant": format!("{variant}.pkl"), "protocol": 2, "producers": ["cpython-3.13"],
        "reference": "cpython-3.13", "status": status, "verdict": verdict, "micros": 5,
        "message": if status == "pass" { "" } else { "canon differs from CPython's" }
    })
}

fn results(
    name: &str,
    version: &str,
    model: &[&str],
    trials: Vec<serde_json::Value>,
    gate_problems: &[&str],
) -> Results {
    let doc = json!({
        "schema": "picklejar-results/1",
        "picklejar_version": "0.1.0",
        "corpus": { "id": "picklejar-corpus 0.1.0 sha256:abcd", "path": "corpus", "cases": 5, "variants": 9 },
        "gate_ok": gate_problems.is_empty(),
        "skipped_codecs": [],
        "codecs": [{
            "codec": { "name": name, "version": version, "data_only": true, "dumps": false,
                       "description": "adapter protocol 2", "model": model },
            "expectations": format!("peers/{name}/expectations.yaml"),
            "duration_ms": 2500,
            "counts": {},
            "gate_problems": gate_problems,
            "trials": trials
        }]
    });
    read_results(&doc.to_string()).expect("a results document")
}

fn expectations(codec: &str, entries: &[(&str, EntryStatus, &str)]) -> Expectations {
    Expectations::new(ExpectationsFile {
        codec: codec.into(),
        entries: entries
            .iter()
            .map(|(g, s, r)| Entry {
                glob: (*g).into(),
                status: *s,
                reason: (*r).into(),
            })
            .collect(),
    })
    .expect("globs compile")
}

fn info(name: &str, language: &str) -> PeerInfo {
    PeerInfo {
        name: name.into(),
        language: language.into(),
        registry: "npm".into(),
        package: name.into(),
        version: "0.2.1".into(),
        homepage: "https://example.invalid/x".into(),
        requires: vec!["node".into()],
        notes: "A reader.".into(),
    }
}

/// `alpha` (JavaScript, tuple-as-list): passes its gate; two entries are bugs (one a crash),
/// one is a limit of its language. `beta` (Go): an unlisted failure fails its gate.
fn sample() -> Matrix {
    let alpha = results(
        "alpha",
        "alpha 0.2.1",
        &["tuple-as-list"],
        vec![
            trial("load/scalars/int/p2-a", "pass", "pass"),
            trial("load/scalars/neg/p2-b", "expected-fail", "fail"),
            trial("load/scalars/neg/p4-c", "expected-fail", "fail"),
            trial("load/containers/frozen/p4-d", "expected-fail", "fail"),
            trial("load/containers/list/p4-e", "pass", "pass"),
            trial("load/opcodes/deep/p4-f", "expected-fail", "crash"),
            trial("load/compressed/gz/p4-g", "skip", "skip"),
        ],
        &[],
    );
    let alpha_exp = expectations(
        "alpha",
        &[
            (
                "load/scalars/neg/**",
                EntryStatus::Fail,
                "bug: drops the sign of -1",
            ),
            (
                "load/containers/frozen/**",
                EntryStatus::Fail,
                "no frozenset in JavaScript",
            ),
            (
                "load/opcodes/deep/**",
                EntryStatus::Crash,
                "BUG: stack overflow on deep lists",
            ),
        ],
    );
    let beta = results(
        "beta",
        "v1.0.0",
        &[],
        vec![
            trial("load/scalars/int/p2-a", "pass", "pass"),
            trial("load/scalars/neg/p2-b", "fail", "fail"),
            trial("load/containers/list/p4-e", "pass", "pass"),
        ],
        &["load/scalars/neg/p2-b: fails and is not listed"],
    );
    let mut m = Matrix::new("0.1.0");
    m.date = "2026-05-01".into();
    m.commit = "e5de59c0ffee".into();
    m.corpus = Some(alpha.corpus.clone());
    m.duration_ms = 192_000;
    let mut a = PeerRun::ran(
        "alpha",
        info("alpha", "JavaScript"),
        &alpha.codecs[0],
        &alpha_exp,
    );
    a.adapter = vec![AdapterFile {
        path: "adapter.js".into(),
        lines: 48,
    }];
    a.report = Some("alpha/index.html".into());
    m.peers.push(a);
    m.peers.push(PeerRun::ran(
        "beta",
        info("beta", "Go"),
        &beta.codecs[0],
        &expectations("beta", &[]),
    ));
    m.peers.push(PeerRun::skipped(
        "gamma",
        info("gamma", "Java"),
        "requires java, mvn, not found on PATH",
    ));
    m
}

#[test]
fn real_bugs_are_the_listed_failures_whose_reason_starts_with_bug() {
    let m = sample();
    let a = &m.peers[0];
    assert_eq!(a.state, PeerState::Ran);
    assert!(a.gate_ok);
    assert_eq!(a.tally.pass, 2);
    assert_eq!(a.tally.fail, 3);
    assert_eq!(a.tally.crash, 1);
    assert_eq!(a.tally.skip, 1);
    assert_eq!(a.tally.graded(), 6);
    let bugs: Vec<(&str, usize)> = a
        .real_bugs
        .iter()
        .map(|b| (b.reason.as_str(), b.trials))
        .collect();
    assert_eq!(
        bugs,
        [
            ("bug: drops the sign of -1", 2),
            ("BUG: stack overflow on deep lists", 1)
        ]
    );
    assert_eq!(a.real_bugs[1].status, "crash");
    assert_eq!(a.by_category["scalars"].pass, 1);
    assert_eq!(a.by_category["scalars"].fail, 2);
    // the unlisted failure of beta is no real bug: it fails the gate instead
    let b = &m.peers[1];
    assert!(b.real_bugs.is_empty());
    assert!(!b.gate_ok);
    assert_eq!(b.gate_failing_trials, 1);
    assert!(!m.gate_ok());
    // a skipped peer fails nothing
    assert!(!m.peers[2].fails());
}

#[test]
fn the_page_has_the_peer_table_the_category_rates_the_bugs_and_the_skipped_peers() {
    let m = sample();
    let html = matrix_html(&m).expect("renders");
    let doc_start = html.find("<!doctype html>").expect("a document");
    assert_eq!(doc_start, 0);
    // header: gate, date, commit, corpus, run time
    assert!(
        html.contains("gate failed"),
        "the matrix gate failed (beta)"
    );
    assert!(html.contains("2026-05-01"));
    assert!(html.contains("<code id=\"commit\">e5de59c0ffee</code>"));
    assert!(html.contains("picklejar-corpus 0.1.0 sha256:abcd"));
    assert!(html.contains("total run time 3m 12s"), "{html}");
    // the peer table: language, package, reported version, model, adapter lines, link
    let row = section(&html, "<tr id=\"peer-alpha\"", "</tr>");
    for want in [
        "<a href=\"alpha/index.html\">alpha</a>",
        "JavaScript",
        "alpha 0.2.1",
        "<code>tuple-as-list</code>",
        ">48<",
        "<a href=\"#bugs-alpha\">2</a>",
        "(3 trials)",
        "badge ok",
        "(33.3%)",
    ] {
        assert!(row.contains(want), "{want:?} not in {row}");
    }
    assert!(
        row.contains("class=\"num crashes\">1<"),
        "the crash is red: {row}"
    );
    let beta = section(&html, "<tr id=\"peer-beta\"", "</tr>");
    assert!(beta.contains("badge bad"), "{beta}");
    assert!(
        beta.contains("<span class=\"muted\">exact</span>"),
        "{beta}"
    );
    assert!(html.contains("load/scalars/neg/p2-b: fails and is not listed"));
    // peer x category: columns are the corpus categories; the crash cell is red
    let rates = section(&html, "<table class=\"rates\">", "</table>");
    for cat in ["compressed", "containers", "opcodes", "scalars"] {
        assert!(rates.contains(&format!("<th>{cat}</th>")), "{cat}: {rates}");
    }
    assert!(rates.contains("class=\"r crash\""), "{rates}");
    assert!(rates.contains(">0/1<sup>✖1</sup>"), "{rates}");
    assert!(
        rates.contains("class=\"r r0\" title=\"1 pass, 2 fail\">1/3<"),
        "{rates}"
    );
    assert!(
        rates.contains("class=\"r na\" title=\"no trial graded (1 not applicable)\""),
        "{rates}"
    );
    // the bugs, and the limit of the language is not one
    let bugs = section(&html, "<section id=\"bugs\">", "</section>");
    assert!(bugs.contains("bug: drops the sign of -1"));
    assert!(bugs.contains("BUG: stack overflow on deep lists"));
    assert!(!bugs.contains("no frozenset"), "{bugs}");
    // skipped peers with their reasons
    let skipped = section(&html, "<section id=\"skipped\">", "</section>");
    assert!(skipped.contains("gamma"));
    assert!(skipped.contains("requires java, mvn, not found on PATH"));
}

#[test]
fn the_summary_is_a_small_markdown_table() {
    let m = sample();
    let md = matrix_markdown(&m);
    assert!(md.starts_with("# Peer matrix\n"), "{md}");
    assert!(
        md.contains("on 2026-05-01 with picklejar 0.1.0 at commit `e5de59c0ffee`"),
        "{md}"
    );
    assert!(md.contains("Matrix gate: **failed**"), "{md}");
    assert!(
        md.contains("| alpha | JavaScript | alpha 0.2.1 | 2 | 3 | 1 | 1 | 2 (3 trials) | ok |"),
        "{md}"
    );
    assert!(
        md.contains("| beta | Go | v1.0.0 | 2 | 1 | 0 | 0 | 0 | **failed** |"),
        "{md}"
    );
    assert!(
        md.contains("| gamma | Java | 0.2.1 | – | – | – | – | – | skipped: requires java, mvn, not found on PATH |"),
        "{md}"
    );
    // the JSON form reads back
    let json = serde_json::to_string(&m).expect("serializes");
    let back: Matrix = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back.peers.len(), 3);
    assert_eq!(back.peers[0].real_bugs, m.peers[0].real_bugs);
}

/// The text from the first `start` to the next `end` after it.
fn section<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in the page"));
    let j = html[i..].find(end).map_or(html.len(), |j| i + j);
    &html[i..j]
}
