//! The conformance page rendered from a small results document and a small corpus.

use std::path::Path;

use picklejar_report::{conformance_html, read_results};
use picklejar_runner::{Corpus, Results};
use serde_json::json;

fn trial(name: &str, status: &str, protocol: u8, producers: &[&str]) -> serde_json::Value {
    let mut parts = name.splitn(4, '/');
    let kind = parts.next().unwrap_or("load");
    let cat = parts.next().unwrap_or("");
    let case_name = parts.next().unwrap_or("");
    let variant = parts.next().unwrap_or("");
    let mut t = json!({
        "name": name, "kind": kind, "case": format!("{cat}/{case_name}"), "category": cat,
        "variant": format!("{variant}.pkl"), "protocol": protocol,
        "producers": producers, "reference": "cpython-3.13", "status": status, "micros": 5
    });
    if status != "pass" {
        t["message"] = json!("canon differs from CPython's");
        t["expected"] = json!("list\n  int 1\n  int 2\n");
        t["actual"] = json!("list\n  int 1\n  int 3\n");
        t["diff"] = json!(
            "--- expected (CPython)\n+++ actual (codec)\n@@ -1,3 +1,3 @@\n list\n   int 1\n-  int 2\n+  int 3\n"
        );
        t["dis"] = json!("    0: \\x80 PROTO      4\n    2: ]    EMPTY_LIST\n    3: .    STOP\n");
    }
    t
}

fn sample() -> serde_json::Value {
    let c313 = ["cpython-3.13", "cpython-3.13-py"];
    let c27 = ["cpython-2.7"];
    json!({
        "schema": "picklejar-results/1",
        "picklejar_version": "0.1.0",
        "corpus": { "path": "corpus", "cases": 3, "variants": 4 },
        "gate_ok": false,
        "skipped_codecs": [ { "name": "cpython-2.7", "reason": "no Python 2.7 found" } ],
        "codecs": [
            {
                "codec": { "name": "alpha", "version": "1.0", "data_only": true, "dumps": true, "description": "codec a" },
                "expectations": "expectations/alpha.yaml",
                "duration_ms": 12,
                "counts": { "pass": 4, "fail": 1, "expected-fail": 1 },
                "gate_problems": ["load/containers/list/p4-aaaa: fails and is not listed"],
                "trials": [
                    trial("load/containers/list/p4-aaaa", "fail", 4, &c313),
                    trial("load/containers/list/p2-bbbb", "pass", 2, &c27),
                    trial("load/containers/dict/p4-cccc", "pass", 4, &c313),
                    trial("load/scalars/int/p4-dddd", "pass", 4, &c313),
                    trial("dump/scalars/int/p4-dddd", "expected-fail", 4, &c313),
                    trial("dump/containers/dict/p4-cccc", "pass", 4, &c313),
                    trial("load/containers/tuple/p4-gggg", "pass", 4, &c313)
                ]
            },
            {
                "codec": { "name": "beta", "version": "", "data_only": false, "dumps": false, "description": "codec b" },
                "expectations": null,
                "duration_ms": 3,
                "counts": { "pass": 4 },
                "gate_problems": [],
                "trials": [
                    trial("load/containers/list/p4-aaaa", "pass", 4, &c313),
                    trial("load/containers/list/p2-bbbb", "pass", 2, &c27),
                    trial("load/containers/dict/p4-cccc", "pass", 4, &c313),
                    trial("load/scalars/int/p4-dddd", "pass", 4, &c313),
                    trial("load/containers/tuple/p4-gggg", "pass", 4, &c313)
                ]
            }
        ]
    })
}

/// Two cases: containers/list, whose protocol-4 bytes from CPython 3.6 differ from 3.13's
/// and which CPython 3.8 loads differently; scalars/int, where every version agrees.
fn write_corpus(root: &Path) {
    let list = r#"id: containers/list
description: "a list"
features: [list]
expect: accept
source: |
  obj = [1, 2]
load: {}
variants:
- file: p4-aaaa.pkl
  protocol: 4
  written_at: [4]
  sha256: aaaa
  size: 10
  producers: [cpython-3.8, cpython-3.13]
  buffers: []
  results:
  - options: {}
    readers: [cpython-3.6, cpython-3.13, cpython-3.13-py]
    canon: '{"t":"list","v":[{"t":"int","v":"1"},{"t":"int","v":"2"}]}'
  - options: {}
    readers: [cpython-3.8]
    canon: '{"t":"list","v":[{"t":"int","v":"1"}]}'
- file: p4-eeee.pkl
  protocol: 4
  written_at: [4]
  sha256: eeee
  size: 11
  producers: [cpython-3.6]
  buffers: []
  results:
  - options: {}
    readers: [cpython-3.6, cpython-3.8, cpython-3.13, cpython-3.13-py]
    canon: '{"t":"list","v":[{"t":"int","v":"1"},{"t":"int","v":"2"}]}'
- file: p5-ffff.pkl
  protocol: 5
  written_at: [5]
  sha256: ffff
  size: 11
  producers: [cpython-3.13]
  buffers: []
  results:
  - options: {}
    readers: [cpython-3.13]
    canon: '{"t":"list","v":[]}'
  - options: {}
    readers: [cpython-3.6]
    error: {kind: unsupported-protocol, type: ValueError, message: "unsupported pickle protocol: 5"}
"#;
    let int = r#"id: scalars/int
description: "an int"
expect: accept
variants:
- file: p4-dddd.pkl
  protocol: 4
  written_at: [4]
  sha256: dddd
  size: 5
  producers: [cpython-3.6, cpython-3.8, cpython-3.13]
  results:
  - options: {}
    readers: [cpython-3.6, cpython-3.8, cpython-3.13]
    canon: '{"t":"int","v":"7"}'
"#;
    for (dir, text) in [("containers/list", list), ("scalars/int", int)] {
        let d = root.join(dir);
        std::fs::create_dir_all(&d).expect("mkdir");
        std::fs::write(d.join("case.yaml"), text).expect("write case.yaml");
    }
}

fn results(doc: &serde_json::Value) -> Results {
    read_results(&doc.to_string()).expect("a valid results document")
}

fn render() -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    write_corpus(dir.path());
    let corpus = Corpus::open(dir.path()).expect("the test corpus opens");
    conformance_html(&results(&sample()), Some(&corpus)).expect("renders")
}

#[test]
fn summary_counts_load_and_dump_separately() {
    let html = render();
    assert!(html.contains("<h3>alpha"), "codec card");
    assert!(html.contains("gate failed"));
    // alpha: load row has 4 passes and 1 fail; dump row 1 pass, 1 expected-fail
    let card = &html[html.find("id=\"codec-alpha\"").expect("alpha card")..];
    let card = &card[..card.find("id=\"codec-beta\"").expect("beta card")];
    let load = &card[card.find("kind-load").expect("load row")..];
    let load = &load[..load.find("</tr>").expect("row end")];
    assert!(load.contains(r#"data-status="pass">4<"#), "{load}");
    assert!(load.contains(r#"data-status="fail">1<"#), "{load}");
    let dump = &card[card.find("kind-dump").expect("dump row")..];
    let dump = &dump[..dump.find("</tr>").expect("row end")];
    assert!(dump.contains(r#"data-status="expected-fail">1<"#), "{dump}");
    assert!(html.contains("fails and is not listed"));
    assert!(html.contains("cpython-2.7"), "skipped codec named");
    assert!(
        html.contains("<option>containers</option>"),
        "category filter"
    );
    assert!(html.contains(">cpython-2.7</option>"), "producer filter");
    assert!(
        html.contains(r#"<option value="0">load</option><option value="1">dump</option>"#),
        "kind filter"
    );
}

#[test]
fn matrix_has_a_row_per_case_and_the_pruned_view_folds_identical_rows() {
    let html = render();
    let full = &html[html.find("id=\"full\"").expect("full matrix")..];
    let full = &full[..full.find("</table>").expect("end")];
    for case in [
        "containers/dict",
        "containers/list",
        "containers/tuple",
        "scalars/int",
    ] {
        assert!(
            full.contains(&format!("<td class=\"case\">{case}</td>")),
            "{case}"
        );
    }
    // containers/list: alpha 1 pass + 1 fail (coloured fail), beta all pass
    assert!(full.contains(r#"<td class="c w-fail" title="1 pass, 1 fail" data-case="containers/list" data-codec="alpha">1/2"#), "{full}");
    assert!(full.contains(r#"data-case="containers/list" data-codec="beta">✓ 2</td>"#));
    // dict and tuple pass everywhere: one folded row (dict, +1 more: tuple, counts summed);
    // list (a fail) and int (an expected-fail dump) stay on their own
    let pruned = &html[html.find("id=\"pruned\"").expect("pruned")..];
    let pruned = &pruned[..pruned.find("</table>").expect("end")];
    assert_eq!(pruned.matches("<tr data-sig").count(), 3, "{pruned}");
    let group = &pruned[pruned
        .find("<td class=\"case\">containers/dict")
        .expect("dict group")..];
    let group = &group[..group.find("</tr>").expect("end")];
    assert!(
        group.contains("+1 more</summary><div>containers/tuple<br>"),
        "{group}"
    );
    assert!(group.contains(r#"<td class="num">2</td>"#), "{group}");
    assert!(group.contains(r#"data-codec="alpha">✓ 3</td>"#), "{group}");
    assert!(!pruned.contains("<td class=\"case\">containers/tuple"));
}

#[test]
fn failures_show_the_diff_with_inline_emphasis_and_the_disassembly() {
    let html = render();
    let fails = &html[html.find("id=\"failures\"").expect("failures")..];
    assert!(fails.contains("Failing the gate (1)"));
    assert!(fails.contains("load/containers/list/p4-aaaa"));
    assert!(
        fails.contains(r#"<span class="dl del">-  int <b>2</b></span>"#),
        "{fails}"
    );
    assert!(fails.contains(r#"<span class="dl ins">+  int <b>3</b></span>"#));
    assert!(fails.contains("EMPTY_LIST"), "disassembly shown");
    // the expected failure is in the lazily rendered details, escaped for a script block
    let details = &html[html.find("id=\"pj-details\"").expect("details")..];
    assert!(
        details.contains("dump/scalars/int/p4-dddd") || html.contains("dump/scalars/int/p4-dddd")
    );
    assert!(
        details.contains(r#"\u003cb\u003e3\u003c/b\u003e"#),
        "inline emphasis in the lazy details"
    );
    assert!(!details[..details.find("</script>").expect("end")].contains('<'));
}

#[test]
fn cross_version_tables_come_from_the_corpus() {
    let html = render();
    let bytes = &html[html.find("id=\"xv-bytes\"").expect("bytes table")..];
    let bytes = &bytes[..bytes.find("</table>").expect("end")];
    // cpython-3.6 wrote different p4 bytes for containers/list, the same for scalars/int
    let row36 = &bytes[bytes.find("<td>cpython-3.6</td>").expect("3.6 row")..];
    let row36 = &row36[..row36.find("</tr>").expect("end")];
    assert!(row36.contains(">1/2</td>"), "{row36}");
    assert!(row36.contains(r#"title="containers/list""#), "{row36}");
    let row38 = &bytes[bytes.find("<td>cpython-3.8</td>").expect("3.8 row")..];
    assert!(row38[..row38.find("</tr>").expect("end")].contains("0/2"));

    let loads = &html[html.find("id=\"xv-loads\"").expect("loads table")..];
    let loads = &loads[..loads.find("</table>").expect("end")];
    let row38 = &loads[loads.find("<td>cpython-3.8</td>").expect("3.8 row")..];
    let row38 = &row38[..row38.find("</tr>").expect("end")];
    assert!(row38.contains(">1/3</td>"), "{row38}");
    // 3.6 refused protocol 5: shown as not readable, not as a difference
    let row36 = &loads[loads.find("<td>cpython-3.6</td>").expect("3.6 row")..];
    assert!(row36[..row36.find("</tr>").expect("end")].contains("no p5"));
}

#[test]
fn a_missing_corpus_is_reported_on_the_page_and_a_wrong_schema_is_an_error() {
    let html = conformance_html(&results(&sample()), None).expect("renders");
    assert!(html.contains("The corpus could not be read"));
    let mut doc = sample();
    doc["schema"] = json!("something-else/2");
    let err = read_results(&doc.to_string()).expect_err("schema");
    assert!(err.to_string().contains("something-else/2"));
    let mut doc = sample();
    doc["codecs"] = json!("not a list");
    assert!(read_results(&doc.to_string()).is_err());
}

#[test]
fn the_page_is_self_contained() {
    let html = render();
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    assert!(!html.contains("<link"), "no external stylesheet");
    assert!(!html.contains("<script src"), "no external script");
    assert!(html.contains("<style>") && html.contains("JSON.parse"));
}
