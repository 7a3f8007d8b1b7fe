//! Every workload's bytes, as `picklejar_codec::dump` writes them, against what CPython
//! 3.13's C pickler writes for the same value at the same protocol (built in Python by
//! `tests/cpython_workloads.py`). Runs when CPython 3.13 is found (`$PICKLEJAR_PYTHON_3_13`,
//! `python3.13`, pyenv) and skips with the reason otherwise; `tests/workloads.rs` pins the
//! hashes of CPython's bytes for machines without it.
//!
//! The files are the benchmarked ones, except the two 64 MiB workloads, compared at a tenth
//! of their size ([`BIG_SCALE`]: 6.4 MiB payloads still bypass the frames as 64 MiB ones
//! do). Full size matters: where frame boundaries fall (every 64 KiB) against the opcodes
//! is part of the bytes, and a smaller `instances_100k` once missed a misplaced boundary the
//! full one showed. `PICKLEJAR_BENCH_CPYTHON_SCALE=X` compares every workload at scale X.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use picklejar_bench::cpython;
use picklejar_bench::values::SPECS;
use picklejar_bench::workloads;
use serde::Deserialize;

/// The scale of the 64 MiB workloads (the others are compared at full size).
const BIG_SCALE: f64 = 0.1;
/// The workloads compared at [`BIG_SCALE`].
const BIG: &[&str] = &["bytes_64m", "bytearray_64m"];

/// Each workload's scale: `$PICKLEJAR_BENCH_CPYTHON_SCALE` for all, else 1 or
/// [`BIG_SCALE`].
fn scales() -> Vec<(&'static str, f64)> {
    let all = std::env::var("PICKLEJAR_BENCH_CPYTHON_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|s: &f64| *s > 0.0);
    SPECS
        .iter()
        .map(|s| {
            let big = BIG.contains(&s.name);
            (s.name, all.unwrap_or(if big { BIG_SCALE } else { 1.0 }))
        })
        .collect()
}

#[derive(Deserialize)]
struct Index {
    python: String,
    files: Vec<IndexEntry>,
}

#[derive(Deserialize)]
struct IndexEntry {
    name: String,
    protocol: u8,
    file: String,
}

/// Where the first difference is, for the failure message.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => format!("first difference at byte {i}"),
        None => format!(
            "one is a prefix of the other ({} vs {} bytes)",
            a.len(),
            b.len()
        ),
    }
}

#[test]
fn every_workload_dumps_to_the_bytes_cpython_3_13_writes() {
    let Some(py) = cpython::find("3.13", &[]) else {
        println!(
            "skipped: no CPython 3.13 ($PICKLEJAR_PYTHON_3_13, python3.13 on PATH, pyenv); \
             tests/workloads.rs still checks the pinned hashes of its bytes"
        );
        return;
    };
    let scales = scales();
    let dir = tempfile::tempdir().expect("tempdir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cpython_workloads.py");
    let mut cmd = Command::new(&py.path);
    cmd.arg(&script).arg("--out").arg(dir.path());
    for (name, scale) in &scales {
        cmd.arg("--scale-of").arg(format!("{name}={scale}"));
    }
    let out = cmd
        .env("PYTHONHASHSEED", "0")
        .output()
        .expect("runs CPython");
    assert!(
        out.status.success(),
        "{} {}: {}",
        py.path.display(),
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("index.json")).expect("index.json");
    let index: Index = serde_json::from_str(&text).expect("index parses");
    assert!(index.python.starts_with("3.13."), "{}", index.python);
    let cpython: BTreeMap<(String, u8), String> = index
        .files
        .into_iter()
        .map(|e| ((e.name, e.protocol), e.file))
        .collect();

    let mut failures = Vec::new();
    let mut compared = 0;
    println!("CPython {} ({}):", index.python, py.path.display());
    for (spec, &(_, scale)) in SPECS.iter().zip(&scales) {
        let files = workloads::files(spec, scale).expect("dumps");
        let mut results = Vec::new();
        for (p, ours) in files {
            let Some(f) = cpython.get(&(spec.name.to_owned(), p)) else {
                failures.push(format!("{} p{p}: CPython wrote no such file", spec.name));
                results.push(format!("p{p} missing"));
                continue;
            };
            let theirs = std::fs::read(dir.path().join(f)).expect("CPython's file");
            compared += 1;
            if ours == theirs {
                results.push(format!("p{p} equal ({} bytes)", ours.len()));
            } else {
                failures.push(format!(
                    "{} p{p}: {} bytes, CPython {}; {}",
                    spec.name,
                    ours.len(),
                    theirs.len(),
                    first_difference(&ours, &theirs)
                ));
                results.push(format!("p{p} DIFFERENT"));
            }
        }
        println!(
            "  {:<20} scale {scale:<4} {}",
            spec.name,
            results.join(", ")
        );
    }
    let extra: Vec<_> = cpython
        .keys()
        .filter(|(name, p)| {
            !SPECS
                .iter()
                .any(|s| s.name == name && s.protocols.contains(p))
        })
        .collect();
    assert!(
        extra.is_empty(),
        "CPython wrote workloads Rust has not: {extra:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(compared, 37);
}
