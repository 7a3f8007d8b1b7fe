//! `picklejar load|dis` on PyTorch checkpoints and joblib files (the test files of
//! `crates/container/tests/data`, written by torch and joblib): the pickle's value, then its
//! storages and arrays with their sizes; a zip bomb member and a path outside the archive
//! refused.

use std::path::PathBuf;
use std::process::{Command, Output};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../container/tests/data")
        .join(name)
}

fn pj(args: &[&str], file: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_picklejar"))
        .args(args)
        .arg(data(file))
        .output()
        .expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_torch_checkpoint_prints_its_tensors_reductions_and_storages() {
    let o = pj(&["load"], "torch_zip.pt");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("global torch._utils _rebuild_tensor_v2"),
        "{out}"
    );
    assert!(
        out.contains("# storage '0': float32, 6 elements, 24 bytes (torch.FloatStorage, cpu, member torch_zip/data/0)"),
        "{out}"
    );
    // As JSON, standard output stays one document and the summary goes to stderr.
    let j = pj(&["load", "--format", "json"], "torch_zip.pt");
    assert!(j.status.success());
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).expect("one JSON document");
    assert_eq!(v["t"], "reduce");
    assert!(text(&j.stderr).contains("# storage '0': float32"));
}

#[test]
fn a_joblib_file_prints_its_arrays() {
    let o = pj(&["load"], "joblib_mixed.joblib");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("# array 0: <f8, shape (2, 3), order C, 6 elements, 48 bytes"),
        "{}",
        text(&o.stdout)
    );
    let d = pj(&["dis"], "joblib_zlib.joblib");
    assert!(d.status.success());
    assert!(text(&d.stdout).starts_with("# joblib file (zlib-compressed)"));
}

#[test]
fn a_zip_bomb_member_and_a_path_outside_the_archive_are_refused() {
    let bomb = pj(&["load", "--max-alloc", "1M"], "torch_zip_bomb.pt");
    assert_eq!(bomb.status.code(), Some(1));
    let err = text(&bomb.stderr);
    assert!(
        err.contains("error: limit-exceeded") && err.contains("member: torch_zip/data/0"),
        "{err}"
    );
    let out = pj(&["load"], "torch_zip_traversal.pt");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("outside the archive"));
}

#[test]
fn a_joblib_listing_cuts_long_arguments_unless_full() {
    // joblib_root_p2.joblib with a 1 MiB str pushed and popped right after its PROTO: still
    // a joblib file (the scan follows the stream), whose listing must not print the str whole.
    let raw = std::fs::read(data("joblib_root_p2.joblib")).expect("test file");
    let n = 1usize << 20;
    let mut d = raw[..2].to_vec();
    d.push(b'X');
    d.extend_from_slice(&(n as u32).to_le_bytes());
    d.resize(d.len() + n, b'a');
    d.push(b'0');
    d.extend_from_slice(&raw[2..]);
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("big.joblib");
    std::fs::write(&f, &d).expect("write");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_picklejar"))
            .args(args)
            .arg(&f)
            .output()
            .expect("runs")
    };
    let o = run(&["dis"]);
    let listing = text(&o.stdout);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(listing.contains("# joblib file"), "{listing}");
    assert!(listing.contains(&format!("… ({n} bytes)")), "{listing}");
    assert!(listing.len() < 20_000, "{} bytes of listing", listing.len());
    let o = run(&["dis", "--full"]);
    assert!(o.stdout.len() > n, "{} bytes", o.stdout.len());
}
