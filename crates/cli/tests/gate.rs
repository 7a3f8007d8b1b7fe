//! The release gate as a codec author's CI uses it: the corpus it says it used, damage
//! reported as damage, bless that merges, CI output formats, release-to-release compare,
//! and errors that say what to do.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_picklejar"))
}

/// A private copy of the embedded corpus (and its generators), in `dir`.
fn corpus_copy(dir: &Path) -> PathBuf {
    let out = bin()
        .args(["corpus", "copy"])
        .arg(dir.join("copy"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("copy/corpus")
}

/// `picklejar conformance --codec picklejar` over the scalars cases of `corpus`, run in
/// `cwd` (outside any checkout), with `extra` arguments.
fn gate(cwd: &Path, corpus: &Path, extra: &[&str]) -> std::process::Output {
    bin()
        .current_dir(cwd)
        .args(["conformance", "--codec", "picklejar", "--no-progress"])
        .arg("--corpus")
        .arg(corpus)
        .args(["--filter", "scalars/*"])
        .args(extra)
        .output()
        .expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_damaged_corpus_is_reported_as_damage_not_as_a_codec_result() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus_copy(tmp.path());
    let case = corpus.join("scalars/int_small");
    let victims: Vec<PathBuf> = std::fs::read_dir(&case)
        .expect("case dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pkl"))
        .take(2)
        .collect();
    assert_eq!(
        victims.len(),
        2,
        "scalars/int_small has two variants at least"
    );
    std::fs::remove_file(&victims[0]).expect("delete");
    // same length, one byte changed: only the hash can tell
    let mut bytes = std::fs::read(&victims[1]).expect("read");
    let last = bytes.len() - 2;
    bytes[last] ^= 1;
    std::fs::write(&victims[1], bytes).expect("overwrite");
    let out = gate(tmp.path(), &corpus, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("corpus damaged") && err.contains("cannot be read"),
        "{err}"
    );
    assert!(err.contains("has sha256"), "{err}");
    assert!(err.contains("make.py --only 'scalars/int_small'"), "{err}");
    assert!(
        !tmp.path().join("reports").exists(),
        "no results for a damaged corpus"
    );
}

#[test]
fn outside_a_checkout_the_embedded_corpus_is_used_and_named() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .current_dir(tmp.path())
        .env_remove("PICKLEJAR_CORPUS")
        .env("PICKLEJAR_CACHE", tmp.path().join("cache"))
        .args(["conformance", "--codec", "picklejar", "--no-progress"])
        .args(["--filter", "scalars/*"])
        .output()
        .expect("runs");
    let err = text(&out.stderr);
    assert!(err.contains("corpus: picklejar-corpus "), "{err}");
    assert!(err.contains("(embedded:"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tmp.path().join("reports/conformance/filtered/results.json"))
            .expect("a filtered run writes the filtered results"),
    )
    .expect("json");
    assert!(
        doc["corpus"]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("picklejar-corpus ")),
        "{doc}"
    );
    assert_eq!(doc["corpus"]["path"], "(embedded)");
    assert_eq!(doc["filters"][0], "scalars/*");
    assert!(
        !tmp.path().join("reports/conformance/results.json").exists(),
        "a filtered run leaves the full report alone"
    );
}

/// Outside a checkout there is no `expectations/picklejar.yaml`: the copy built into the
/// binary gates picklejar's own codec (its known failures are expected, not new), and a
/// file given with `--expect` still wins.
#[test]
fn outside_a_checkout_the_built_in_expectations_gate_the_built_in_codecs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = |extra: &[&str]| {
        bin()
            .current_dir(tmp.path())
            .env_remove("PICKLEJAR_CORPUS")
            .env("PICKLEJAR_CACHE", tmp.path().join("cache"))
            .args(["conformance", "--codec", "picklejar", "--no-progress"])
            .args(["--filter", "classes/getnewargs/*"])
            .args(extra)
            .output()
            .expect("runs")
    };
    let out = run(&[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("built into picklejar"), "{err}");
    assert!(text(&out.stdout).contains("gate: ok"), "{err}");
    // An empty file of one's own: the same known failures are now unlisted.
    let own = tmp.path().join("mine.yaml");
    std::fs::write(&own, "codec: picklejar\nentries: []\n").expect("writes");
    let out = run(&["--expect", own.to_str().expect("utf-8 path")]);
    let all = text(&out.stdout) + &text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("is not listed as failing"), "{all}");
}

/// `picklejar conformance --codec picklejar` on a corpus copy, stdout and stderr piped; the
/// temporary directory, where it writes its results JSON, and the child.
fn conformance_piped() -> (tempfile::TempDir, std::path::PathBuf, std::process::Child) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus_copy(tmp.path());
    let json = tmp.path().join("r.json");
    let child = bin()
        .current_dir(tmp.path())
        .args(["conformance", "--codec", "picklejar", "--no-progress"])
        .arg("--corpus")
        .arg(&corpus)
        .arg("--json")
        .arg(&json)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    (tmp, json, child)
}

#[test]
fn a_closed_pipe_ends_the_summary_quietly_and_the_files_are_still_written() {
    let (_tmp, json, mut child) = conformance_piped();
    let mut first = [0u8; 16];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    // stdout is dropped here: the reader went away, as `| head -c 16` does
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    let status = child.wait().expect("waits");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        status.code().is_some_and(|c| c == 0 || c == 1),
        "{status:?} {err}"
    );
    assert!(
        json.is_file(),
        "results written despite the closed pipe: {err}"
    );
}

#[test]
fn closed_stdout_and_stderr_do_not_panic() {
    // `picklejar conformance 2>&1 | head -c 16`: both streams go away.
    let (_tmp, json, mut child) = conformance_piped();
    let mut first = [0u8; 16];
    child
        .stderr
        .take()
        .expect("stderr")
        .read_exact(&mut first)
        .expect("some output");
    drop(child.stdout.take());
    let status = child.wait().expect("waits");
    assert!(
        status.code().is_some_and(|c| c == 0 || c == 1),
        "{status:?}"
    );
    assert!(json.is_file(), "results written despite the closed pipes");
}

#[test]
fn junit_output_has_the_fields_junit_readers_require() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus_copy(tmp.path());
    let exp = tmp.path().join("planted.yaml");
    // one planted wrong expectation: that trial is an unexpected pass, a <failure>
    std::fs::write(
        &exp,
        "codec: picklejar\nentries:\n- glob: \"load/scalars/int_small/**\"\n  status: fail\n  reason: planted\n",
    )
    .expect("write");
    let junit = tmp.path().join("junit.xml");
    let out = gate(
        tmp.path(),
        &corpus,
        &[
            "--expect",
            exp.to_str().expect("utf-8 path"),
            "--junit",
            junit.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    for attr in ["name", "tests", "failures", "errors", "skipped", "time"] {
        assert!(suite.attribute(attr).is_some(), "testsuite needs {attr}");
    }
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(
        suite
            .attribute("tests")
            .and_then(|t| t.parse::<usize>().ok()),
        Some(cases.len())
    );
    let mut failures = 0;
    for c in &cases {
        assert!(c.attribute("name").is_some() && c.attribute("classname").is_some());
        assert!(
            c.attribute("time")
                .and_then(|t| t.parse::<f64>().ok())
                .is_some()
        );
        if let Some(f) = c.children().find(|n| n.has_tag_name("failure")) {
            failures += 1;
            assert!(f.attribute("message").is_some_and(|m| m.contains("passes")));
        }
    }
    assert!(failures > 0);
    assert_eq!(
        suite
            .attribute("failures")
            .and_then(|t| t.parse::<usize>().ok()),
        Some(failures)
    );
}

#[test]
fn bless_with_a_filter_keeps_the_rest_of_the_file_and_reports_the_gate_after() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus_copy(tmp.path());
    let exp = tmp.path().join("picklejar.yaml");
    let kept = "- glob: \"load/classes/**\"\n  status: fail\n  reason: \"hand-written: kept outside the filter\"\n";
    std::fs::write(
        &exp,
        format!(
            "# Our notes on picklejar's known failures.\ncodec: picklejar\nentries:\n{kept}- glob: \"load/scalars/int_small/**\"\n  status: fail\n  reason: planted, wrong\n"
        ),
    )
    .expect("write");
    let out = gate(
        tmp.path(),
        &corpus,
        &["--expect", exp.to_str().expect("utf-8"), "--bless"],
    );
    let (stdout, err) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{err}");
    assert!(
        stdout.contains("gate: ok"),
        "the gate as it stands after blessing: {stdout}"
    );
    let after = std::fs::read_to_string(&exp).expect("read");
    assert!(
        after.contains("hand-written: kept outside the filter"),
        "{after}"
    );
    assert!(
        !after.contains("planted, wrong"),
        "the entry that no longer holds went: {after}"
    );
    assert!(err.contains("1 kept, 1 removed, 0 added"), "{err}");
}

#[test]
fn mistakes_get_errors_that_say_what_to_do() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus_copy(tmp.path());
    // a filter that matches nothing shows what names look like
    let out = bin()
        .current_dir(tmp.path())
        .args(["conformance", "--codec", "picklejar", "--no-progress"])
        .arg("--corpus")
        .arg(&corpus)
        .args(["--filter", "no-such-case/*"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("Trial names look like"),
        "{}",
        text(&out.stderr)
    );
    // a mistyped --expect is an error, not "no expectations"
    let out = gate(
        tmp.path(),
        &corpus,
        &["--expect", "expectations/picklejr.yaml"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no such file"),
        "{}",
        text(&out.stderr)
    );
    // a file written for another codec is applied, with a warning
    let other = tmp.path().join("other.yaml");
    std::fs::write(&other, "codec: serde-pickle\nentries: []\n").expect("write");
    let out = gate(
        tmp.path(),
        &corpus,
        &["--expect", other.to_str().expect("utf-8")],
    );
    assert!(
        text(&out.stderr).contains("warning:") && text(&out.stderr).contains("codec: serde-pickle"),
        "{}",
        text(&out.stderr)
    );
    // --corpus that is not a corpus
    let out = gate(tmp.path(), tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no manifest.yaml"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn compare_names_what_a_release_changed_and_fails_on_a_regression() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus_copy(tmp.path());
    let old = tmp.path().join("old.json");
    let out = gate(
        tmp.path(),
        &corpus,
        &["--json", old.to_str().expect("utf-8")],
    );
    assert!(old.is_file(), "{}", text(&out.stderr));
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&old).expect("read")).expect("json");
    let victim = doc["codecs"][0]["trials"][0]["name"]
        .as_str()
        .expect("a trial")
        .to_owned();
    doc["codecs"][0]["trials"][0]["verdict"] = "crash".into();
    let new = tmp.path().join("new.json");
    std::fs::write(&new, serde_json::to_vec(&doc).expect("json")).expect("write");
    let out = bin()
        .arg("compare")
        .arg(&old)
        .arg(&new)
        .output()
        .expect("runs");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("new crash: {victim}")), "{stdout}");
    assert!(stdout.contains("REGRESSED"), "{stdout}");
    let out = bin()
        .arg("compare")
        .arg(&new)
        .arg(&old)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains(&format!("newly passing: {victim}")));
}
