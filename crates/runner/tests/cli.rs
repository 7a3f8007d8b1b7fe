//! The `picklejar` binary as a user runs it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_picklejar"))
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

fn first_variant(case: &str) -> PathBuf {
    let dir = corpus().join(case);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("case dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pkl"))
        .collect();
    files.sort();
    files.remove(0)
}

#[test]
fn load_prints_canon_text_and_json() {
    let f = first_variant("containers/list_3");
    let out = bin().arg("load").arg(&f).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(text.starts_with("list\n"), "{text}");
    let out = bin()
        .args(["load", "--format", "json"])
        .arg(&f)
        .output()
        .expect("runs");
    let json = String::from_utf8(out.stdout).expect("utf8");
    assert!(json.starts_with("{\"t\":\"list\""), "{json}");
}

#[test]
fn load_reads_stdin_and_reports_errors_with_kind_and_offset() {
    let mut child = bin()
        .args(["load", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(b"\x80\x04K\x01\xff.")
            .expect("write");
    }
    let out = child.wait_with_output().expect("waits");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: unknown-opcode"), "{err}");
    assert!(err.contains("offset: 4"), "{err}");
}

#[test]
fn dis_lists_opcodes_and_stops_at_the_fault() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("bad.pkl");
    std::fs::write(&f, b"\x80\x02]q\x00(K\x01K\x02e0.").expect("write");
    let out = bin().arg("dis").arg(&f).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("EMPTY_LIST"), "{text}");
    assert!(text.contains("APPENDS    (MARK at 5)"), "{text}");
    assert!(text.contains("error: stack-underflow"), "{text}");
}

#[test]
fn conformance_runs_the_picklejar_codec_and_writes_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("results.json");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = bin()
        .current_dir(&root)
        .args([
            "conformance",
            "--codec",
            "picklejar",
            "--no-progress",
            "--filter",
            "load/scalars/**",
            "--json",
        ])
        .arg(&json)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("gate: ok"), "{stdout}");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("results")).expect("json");
    assert_eq!(doc["schema"], "picklejar-results/1");
    assert!(
        doc["codecs"][0]["trials"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );
}

#[test]
fn conformance_fails_on_an_unlisted_failure() {
    // An expectations file that lists a passing trial as failing: the gate must say no.
    let dir = tempfile::tempdir().expect("tempdir");
    let exp = dir.path().join("picklejar.yaml");
    std::fs::write(&exp, "codec: picklejar\nentries:\n- glob: \"load/scalars/**\"\n  status: fail\n  reason: planted\n").expect("write");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = bin()
        .current_dir(&root)
        .args([
            "conformance",
            "--codec",
            "picklejar",
            "--no-progress",
            "--filter",
            "load/scalars/**",
            "--expect",
        ])
        .arg(&exp)
        .arg("--json")
        .arg(dir.path().join("r.json"))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
