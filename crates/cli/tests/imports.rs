//! `picklejar load --imports`: what CPython would import and call, in order, without
//! importing or running anything; a load that stops early still shows what ran before.

use std::path::PathBuf;
use std::process::{Command, Output};

fn variant(case: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus")
        .join(case);
    std::fs::read_dir(&dir)
        .expect("case dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "pkl"))
        .expect("a variant")
}

fn imports(args: &[&str], case: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_picklejar"))
        .arg("load")
        .arg("--imports")
        .args(args)
        .arg(variant(case))
        .output()
        .expect("runs")
}

#[test]
fn a_payload_before_garbage_is_shown_with_the_error() {
    let o = imports(&[], "evasion/payload_then_garbage");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "find os.system\ncall os.system via reduce\n"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("CPython would have run everything above"),
        "{err}"
    );
    assert!(err.contains("error: unknown-opcode"), "{err}");
}

#[test]
fn json_is_the_corpus_spelling() {
    let o = imports(&["--format", "json"], "evasion/getattr_chain");
    assert!(o.status.success());
    let v: Vec<Vec<String>> = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v[0], ["find", "builtins", "getattr"]);
    assert_eq!(v.last().expect("events"), &["call", "?", "?", "reduce"]);
}

#[test]
fn plain_data_imports_nothing() {
    let o = imports(&[], "containers/list_3");
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("# nothing"));
}

/// A PyTorch-style zip: the imports are those of its `archive/data.pkl` (what `torch.load`
/// would make CPython import and call), not the archive's canon.
#[test]
fn a_zipped_checkpoint_shows_its_pickle_s_imports() {
    let o = imports(&[], "evasion/zip_payload");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "find os.system\ncall os.system via reduce\n"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("PyTorch zip checkpoint"), "{err}");
}
