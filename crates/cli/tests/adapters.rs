//! `picklejar conformance` with adapter protocol 2 codecs, as a codec author runs it: a
//! manifest beside the adapter, or the same settings as flags on `--codec`; the summary and
//! the results name the codec's version and value model.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_picklejar"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A worker adapter in POSIX sh that loads every pickle as a list of one float: right for
/// no case, but enough to see the plumbing.
const WORKER: &str = r#"while IFS= read -r line; do echo '{"value":{"t":"list","v":[{"t":"float","v":"1"}]}}'; done"#;

fn conformance(dir: &Path, args: &[&str]) -> Output {
    let json = dir.join("results.json");
    bin()
        .current_dir(root())
        .args(["conformance", "--no-progress", "--show", "1"])
        .args(args)
        .arg("--json")
        .arg(&json)
        .arg("--html")
        .arg(dir.join("index.html"))
        .output()
        .expect("runs")
}

fn results(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("results.json")).expect("results"))
        .expect("json")
}

#[test]
fn a_manifest_names_the_version_and_the_model_in_the_summary_and_the_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("worker.sh"), WORKER).expect("write");
    let manifest = dir.path().join("picklejar-adapter.yaml");
    std::fs::write(
        &manifest,
        "name: one-float\ncommand: sh worker.sh\nversion_command: echo 0.3.1\nmode: worker\nmodel: [tuple-as-list, int-float-merged]\n",
    )
    .expect("write");
    let spec = format!("manifest:{}", manifest.display());
    let out = conformance(
        dir.path(),
        &["--codec", &spec, "--filter", "load/containers/list_1/**"],
    );
    let stdout = text(&out.stdout);
    // list_1 is [1]: as int-float-merged, [1.0] is right; the gate passes
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("== one-float 0.3.1 (adapter protocol 2 (worker, canon output)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("value model: tuple-as-list, int-float-merged"),
        "{stdout}"
    );
    let doc = results(dir.path());
    let codec = &doc["codecs"][0]["codec"];
    assert_eq!(codec["version"], "0.3.1");
    assert_eq!(
        codec["model"],
        serde_json::json!(["tuple-as-list", "int-float-merged"])
    );
    assert_eq!(codec["reference"], "cpython-3.13");
    assert_eq!(codec["compressed"], "not-applicable");

    // the same codec graded exactly fails: the model is what made it pass
    let exact = conformance(
        dir.path(),
        &[
            "--codec",
            &format!(
                "cmd:one-float[mode=worker]=sh {}",
                dir.path().join("worker.sh").display()
            ),
            "--filter",
            "containers/list_1",
        ],
    );
    assert_eq!(exact.status.code(), Some(1), "{}", text(&exact.stdout));
    assert!(text(&exact.stdout).contains("canon differs from CPython's"));
}

#[test]
fn compressed_cases_are_not_applicable_to_a_codec_that_does_not_decompress() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = "cmd:never[mode=oneshot]=cat >/dev/null; echo '{\"t\":\"none\"}'";
    let out = conformance(dir.path(), &["--codec", spec, "--filter", "compressed/*"]);
    // every trial is compressed and skipped: a run of zero trials fails the gate
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let doc = results(dir.path());
    let trials = doc["codecs"][0]["trials"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let compressed: Vec<_> = trials
        .iter()
        .filter(|t| {
            t["message"]
                .as_str()
                .is_some_and(|m| m.contains("-compressed"))
        })
        .collect();
    assert!(!compressed.is_empty(), "{trials:?}");
    for t in compressed {
        assert_eq!(t["verdict"], "skip", "{t}");
        assert!(
            t["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("not applicable")),
            "{t}"
        );
    }
}

#[test]
fn the_example_adapter_passes_its_gate() {
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|o| o.status.success()) {
        println!("skipped: python3 is not installed here (the example adapter needs it)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = conformance(
        dir.path(),
        &[
            "--codec",
            "manifest:examples/adapters/dataonly/picklejar-adapter.yaml",
            "--expect",
            "examples/adapters/dataonly/expectations.yaml",
            "--filter",
            "containers/*",
            "--filter",
            "classes/*",
            "--filter",
            "rejects/*",
        ],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("gate: ok"), "{stdout}");
    let doc = results(dir.path());
    let version = doc["codecs"][0]["codec"]["version"].as_str().unwrap_or("");
    assert!(
        version.starts_with("pickle._Unpickler of CPython 3."),
        "{version}"
    );
}
