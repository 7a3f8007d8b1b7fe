//! The conformance page rendered from a small results document and a small corpus.

use std::path::Path;
use std::process::Command;

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
        group.contains(r#"+1 more</summary><div><span class="m">containers/tuple</span>"#),
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

/// The element between `start` (found first) and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in the page"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn every_failure_has_an_anchor_and_a_link_to_it() {
    let html = render();
    let gate = between(&html, "id=\"gate-failures\"", "</details>");
    let id = "f-alpha/load/containers/list/p4-aaaa";
    assert!(gate.contains(&format!(r#"id="{id}""#)), "{gate}");
    assert!(
        gate.contains(&format!(
            r##"<a class="anchor" href="#{id}" title="link to this failure">#</a>"##
        )),
        "{gate}"
    );
    // the lazily listed failures get theirs from the script, which the page carries
    let script = page_script(&html);
    assert!(script.contains("function anchor(codec, name)"));
    assert!(script.contains("function openAnchor(id)"));
    assert!(script.contains("class=\"anchor\" href=\"#"));
}

#[test]
fn a_folded_row_has_a_control_that_expands_all_its_cases() {
    let html = render();
    let pruned = between(&html, "id=\"pruned\"", "</table>");
    let group = &pruned[pruned
        .find("data-case=\"containers/dict\"")
        .expect("the folded row")..];
    let group = &group[..group.find("</tr>").expect("end")];
    assert!(group.contains(r#"class="group""#), "{group}");
    assert!(
        group.contains(r#"<button type="button" class="expand" aria-expanded="false""#)
            && group.contains(">expand 2</button>"),
        "{group}"
    );
    // a single-case row has none
    let list = &pruned[pruned
        .find("data-case=\"containers/list\"")
        .expect("list row")..];
    assert!(!list[..list.find("</tr>").expect("end")].contains("expand"));
    // the rows it shows are the full matrix's, found by case
    let full = between(&html, "id=\"full\"", "</table>");
    for case in ["containers/dict", "containers/tuple"] {
        assert!(
            full.contains(&format!(r#"<tr data-case="{case}""#)),
            "{case}"
        );
    }
}

#[test]
fn producers_sort_by_version_c_before_pure_python() {
    let mut doc = sample();
    let mixed = [
        "cpython-3.13-py",
        "handwritten",
        "cpython-3.10",
        "cpython-2.7",
        "cpython-3.13",
        "cpython-3.6",
        "cpython-3.10-py",
    ];
    doc["codecs"][0]["trials"][0] = trial("load/containers/list/p4-aaaa", "fail", 4, &mixed);
    let html = conformance_html(&results(&doc), None).expect("renders");
    let select = between(&html, "<select id=\"f-prod\">", "</select>");
    let order: Vec<&str> = select
        .split("</option>")
        .filter_map(|o| o.rsplit('>').next())
        .filter(|o| !o.is_empty() && *o != "all")
        .collect();
    assert_eq!(
        order,
        [
            "cpython-2.7",
            "cpython-3.6",
            "cpython-3.10",
            "cpython-3.10-py",
            "cpython-3.13",
            "cpython-3.13-py",
            "handwritten"
        ],
        "{select}"
    );
    // the static failure's producers too (the script lists them by these indices, in order)
    let gate = between(&html, "id=\"gate-failures\"", "</details>");
    assert!(
        gate.contains(
            "written by cpython-2.7, cpython-3.6, cpython-3.10, cpython-3.10-py, cpython-3.13, \
             cpython-3.13-py, handwritten"
        ),
        "{gate}"
    );
}

#[test]
fn diff_headers_name_the_reference_reader_and_the_codec() {
    let mut doc = sample();
    // a data-only codec held to the data-only reading for one trial
    doc["codecs"][0]["trials"][4]["reference"] = json!("cpython-3.13-dataonly");
    let html = conformance_html(&results(&doc), None).expect("renders");
    let gate = between(&html, "id=\"gate-failures\"", "</details>");
    assert!(
        gate.contains(r#"<span class="dl head">--- expected (cpython-3.13)</span><span class="dl head">+++ actual (alpha)</span>"#),
        "{gate}"
    );
    assert!(
        !gate.contains("(CPython)") && !gate.contains("(codec)"),
        "{gate}"
    );
    assert!(
        gate.contains("what <b>cpython-3.13</b> (the reference reader) got"),
        "{gate}"
    );
    // the lazily rendered details carry the same headers and the reference
    let details = between(&html, "id=\"pj-details\"", "</script>");
    assert!(
        details.contains("--- expected (cpython-3.13-dataonly)"),
        "{details}"
    );
    assert!(details.contains("+++ actual (alpha)"));
    assert!(details.contains("\"cpython-3.13-dataonly\""));
    assert!(!details.contains("expected (CPython)"));
}

#[test]
fn no_absolute_path_of_the_machine_appears_in_the_page() {
    let cwd = std::env::current_dir().expect("cwd");
    let mut doc = sample();
    doc["corpus"]["path"] = json!(cwd.join("corpus").display().to_string());
    doc["corpus"]["id"] = json!("picklejar-corpus 0.1.0 sha256:ab12cd34");
    let alpha = &mut doc["codecs"][0];
    alpha["expectations"] = json!("/home/ci/work/picklejar/expectations/alpha.yaml");
    alpha["codec"]["description"] =
        json!("CPython 3.13 C unpickler (/root/.pyenv/versions/3.13.0/bin/python)");
    alpha["gate_problems"] = json!(["see /home/ci/work/picklejar/reports/run.log."]);
    alpha["trials"][0]["message"] = json!(
        "crashed: worker: Traceback: File \"/root/.pyenv/versions/3.13.0/lib/python3.13/pickle.py\", line 12"
    );
    alpha["trials"][0]["diff"] = json!(
        "--- expected (CPython)\n+++ actual (codec)\n@@ -1 +1 @@\n-list\n+crash worker /root/.pyenv/versions/3.13.0/bin/python exited\n"
    );
    doc["codecs"][1]["codec"]["description"] =
        json!("command: C:\\Users\\ci\\AppData\\python.exe adapter.py");
    doc["skipped_codecs"][0]["reason"] = json!("/usr/bin/python2.7: No such file or directory");
    let dir = tempfile::tempdir().expect("tempdir");
    write_corpus(dir.path());
    let corpus = Corpus::open(dir.path()).expect("the test corpus opens");
    let html = conformance_html(&results(&doc), Some(&corpus)).expect("renders");

    let tmp = dir.path().display().to_string();
    for leak in [
        "/root/",
        "/home/ci",
        "/usr/bin",
        "C:\\Users",
        "C:\\\\Users",
        tmp.as_str(),
        &cwd.display().to_string(),
    ] {
        assert!(!html.contains(leak), "{leak} is on the page");
    }
    // below the current directory: relative; elsewhere: the file name
    assert!(html.contains("at <code>corpus</code>"), "corpus path");
    assert!(html.contains("<code>alpha.yaml</code>"), "expectations");
    assert!(html.contains("CPython 3.13 C unpickler (python)"));
    assert!(html.contains("command: python.exe adapter.py"));
    assert!(html.contains("python2.7: No such file or directory"));
    assert!(html.contains("see run.log."));
    assert!(html.contains("File &quot;pickle.py&quot;, line 12"));
    assert!(
        html.contains("crash worker python exited"),
        "outcome lines of a diff"
    );
    let root = dir
        .path()
        .file_name()
        .expect("a name")
        .to_string_lossy()
        .into_owned();
    assert!(
        html.contains(&format!("Read from <code>{root}</code>")),
        "the corpus the tables were read from"
    );
}

#[test]
fn a_filtered_run_says_so_in_the_header_with_the_corpus_id() {
    let mut doc = sample();
    doc["corpus"]["id"] = json!("picklejar-corpus 0.1.0 sha256:ab12cd34");
    doc["filters"] = json!(["load/containers/*", "dump/**"]);
    let html = conformance_html(&results(&doc), None).expect("renders");
    let header = between(&html, "<header", "</header>");
    assert!(header.contains("filtered run"), "{header}");
    assert!(
        header.contains(
            "only the trials matching\n    <code>load/containers/*</code>, <code>dump/**</code> ran"
        ),
        "{header}"
    );
    assert!(header.contains("trials matching 2 filters"), "{header}");
    assert!(
        header.contains(r#"<code id="corpus-id">picklejar-corpus 0.1.0 sha256:ab12cd34</code>"#),
        "{header}"
    );
    assert!(html.contains("<title>picklejar conformance (filtered)"));

    // a full run (a document written before the field existed reads as one)
    let html = render();
    let header = between(&html, "<header", "</header>");
    assert!(!header.contains("filtered run") && !header.contains("id=\"run-filters\""));
    assert!(header.contains("every trial"), "{header}");
    assert!(!header.contains("corpus-id"), "no id, none shown");
}

// ---- the page's script, run by Node where it is installed ------------------------------

/// The inline script (the one `<script>` without a type).
fn page_script(html: &str) -> &str {
    let start = html.find("<script>").expect("the inline script") + "<script>".len();
    &html[start..start + html[start..].find("</script>").expect("its end")]
}

/// Runs `test` (JavaScript, with `api` bound to what the page's script exports when there is
/// no page) under Node, returning its standard output; `None` when Node is not installed.
fn node(html: &str, test: &str) -> Option<String> {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("node is not installed: the script's tests are skipped");
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("page.js"), page_script(html)).expect("write");
    let main = format!("const api = require('./page.js');\n{test}\n");
    std::fs::write(dir.path().join("test.js"), main).expect("write");
    let out = Command::new("node")
        .arg("test.js")
        .current_dir(dir.path())
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "node failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("utf-8"))
}

#[test]
fn the_script_computes_the_same_anchors_as_the_page() {
    let names = [
        "load/containers/list/p4-aaaa",
        "load/containers/list/p2-bbbb@encoding=latin1,errors=strict",
        "load/containers/list/p4-é ~#%\"<x>'&?",
    ];
    let mut doc = sample();
    doc["codecs"][0]["codec"]["name"] = json!("we ird/codec~1.0");
    let trials: Vec<serde_json::Value> = names
        .iter()
        .map(|n| trial(n, "fail", 4, &["cpython-3.13"]))
        .collect();
    doc["codecs"][0]["trials"] = json!(trials);
    let html = conformance_html(&results(&doc), None).expect("renders");
    // the static ids, in the page's order (sorted by name)
    let gate = between(&html, "id=\"gate-failures\"", "<h3>All");
    let ids: Vec<&str> = gate
        .split("data-anchor=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').expect("end")])
        .collect();
    assert_eq!(ids.len(), 3, "{gate}");
    for id in &ids {
        assert!(
            id.starts_with("f-we~20ird~2Fcodec~7E1.0/load/containers/list/p"),
            "{id}"
        );
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~/@=,".contains(&b)),
            "{id} needs no escaping in a URL or an attribute"
        );
    }
    assert!(ids.contains(
        &"f-we~20ird~2Fcodec~7E1.0/load/containers/list/p2-bbbb@encoding=latin1,errors=strict"
    ));
    assert!(ids.contains(
        &"f-we~20ird~2Fcodec~7E1.0/load/containers/list/p4-~C3~A9~20~7E~23~25~22~3Cx~3E~27~26~3F"
    ));
    let mut sorted = names.to_vec();
    sorted.sort_unstable();
    let test = format!(
        "console.log(JSON.stringify({}.map(n => api.anchor('we ird/codec~1.0', n))));",
        json!(sorted)
    );
    let Some(out) = node(&html, &test) else {
        return;
    };
    let js: Vec<String> = serde_json::from_str(out.trim()).expect("JSON");
    assert_eq!(js, ids);
}

#[test]
fn the_script_keeps_the_view_in_the_url_query() {
    let html = render();
    let test = r#"
const s = api.emptyState();
s.cat = "containers"; s.producer = "cpython-3.13-py"; s.protocol = "4"; s.kind = "load";
s.nonpass = true; s.view = "full"; s.codec = "alpha"; s.status = ["fail", "crash"];
s.q = "a b&c=d/é"; s.cases = ["containers/list", "containers/dict"];
const q = api.formatState(s);
const back = api.parseState(q);
console.log(JSON.stringify({
  q: q,
  same: JSON.stringify(back) === JSON.stringify(s),
  empty: api.formatState(api.emptyState()),
  defaults: JSON.stringify(api.parseState("")) === JSON.stringify(api.emptyState()),
  none: api.parseState("?status=").status,
  junk: api.parseState("?view=sideways&nonpass=0&zzz=1&q=%E0%A4%A").view,
}));
"#;
    let Some(out) = node(&html, test) else {
        return;
    };
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("JSON");
    assert_eq!(
        v["q"],
        "?cat=containers&producer=cpython-3.13-py&protocol=4&kind=load&nonpass=1&view=full\
         &codec=alpha&status=fail,crash&q=a%20b%26c%3Dd/%C3%A9&case=containers/list\
         &case=containers/dict"
    );
    assert_eq!(v["same"], true, "{v}");
    assert_eq!(v["empty"], "", "the default view has a bare URL");
    assert_eq!(v["defaults"], true);
    assert_eq!(v["none"], json!([]), "no status box ticked");
    assert_eq!(
        v["junk"], "pruned",
        "unknown values fall back to the default"
    );
}
