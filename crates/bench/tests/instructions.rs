//! Callgrind on the real helpers, when valgrind is installed (skipped, saying why, without
//! it): the toggled functions exist under the names `picklejar bench instructions` gives
//! callgrind (for `load`, `dump` and `stream`), every counted call writes one profile part,
//! and a dump or stream that is not the workload file is an error, not a count.

use std::path::{Path, PathBuf};

use picklejar_bench::cpython;
use picklejar_bench::instructions::{self, Job};
use picklejar_bench::workloads::{Entry, workspace_root};

/// `[1, 2]` at protocol 2 as CPython writes it, and the same value with BININT for 2
/// (loads, but neither pickler writes it back).
const CPYTHON: &[u8] = b"\x80\x02]q\x00(K\x01K\x02e.";
const ODD: &[u8] = b"\x80\x02]q\x00(K\x01J\x02\x00\x00\x00e.";

/// The helper example `cargo test` built next to this test's binary.
fn helper() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.parent()?.join("examples");
    let p = dir.join(format!(
        "{}{}",
        instructions::HELPER,
        std::env::consts::EXE_SUFFIX
    ));
    p.exists().then_some(p)
}

fn entries(dir: &Path) -> Vec<Entry> {
    std::fs::write(dir.join("good-p2.pkl"), CPYTHON).expect("writes");
    std::fs::write(dir.join("odd-p2.pkl"), ODD).expect("writes");
    ["good", "odd"]
        .iter()
        .map(|n| Entry {
            name: (*n).into(),
            protocol: 2,
            file: format!("{n}-p2.pkl"),
            bytes: 0,
            sha256: String::new(),
            description: String::new(),
        })
        .collect()
}

#[test]
fn callgrind_counts_one_call_per_file_and_refuses_wrong_dumps() {
    let Some((valgrind, _)) = instructions::find_valgrind() else {
        eprintln!("skipped: valgrind not found");
        return;
    };
    let Some(helper) = helper() else {
        eprintln!("skipped: the {} example is not built", instructions::HELPER);
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let files = entries(dir.path());
    // every operation `bench instructions` counts, under the names it gives callgrind
    let mut jobs: Vec<Job> = instructions::OPS
        .iter()
        .map(|op| Job {
            codec: "picklejar".into(),
            op: op.name.into(),
            function: op.picklejar.into(),
            command: vec![helper.clone().into()],
            env: Vec::new(),
        })
        .collect();
    match cpython::find("3.13", &[]) {
        Some(py) => {
            let script = workspace_root().join("generators/bench_cpython.py");
            for op in instructions::OPS {
                jobs.push(Job {
                    codec: "cpython-3.13".into(),
                    op: op.name.into(),
                    function: op.cpython.into(),
                    command: vec![py.path.clone().into(), script.clone().into(), "once".into()],
                    env: vec![("PYTHONHASHSEED".into(), "0".into())],
                });
            }
        }
        None => eprintln!("CPython 3.13 not found: picklejar only"),
    }
    assert_eq!(
        jobs.iter().filter(|j| j.op == "stream").count(),
        jobs.len() / 3
    );
    let out = dir.path().join("profiles");
    for job in &jobs {
        let r = instructions::run_job(&valgrind, job, dir.path(), &files, &out)
            .unwrap_or_else(|e| panic!("{} {}: {e:#}", job.codec, job.op));
        let what = format!("{} {}", job.codec, job.op);
        if job.op == "load" {
            // both files load: two counts, each a real call
            assert_eq!(r.counts.len(), 2, "{what}: {:?}", r.errors);
            assert!(r.errors.is_empty(), "{what}: {:?}", r.errors);
        } else {
            // the odd file's dump (or stream) is not the file: counted by callgrind,
            // refused here
            assert_eq!(r.counts.len(), 1, "{what}");
            assert_eq!(r.counts[0].workload, "good");
            assert_eq!(r.errors.len(), 1, "{what}");
            assert!(
                r.errors[0].contains("odd")
                    && r.errors[0].contains("first difference at byte 8")
                    && r.errors[0].contains("the output must be the workload file"),
                "{what}: {}",
                r.errors[0]
            );
        }
        for c in &r.counts {
            // a few hundred to tens of thousands of instructions for a 12-byte pickle: the
            // call was counted, and not the whole process
            assert!(
                c.instructions > 100 && c.instructions < 2_000_000,
                "{what}: {}",
                c.instructions
            );
            assert!(
                out.join(format!("{}-{}-{}-p2.callgrind", c.codec, c.op, c.workload))
                    .exists()
            );
        }
    }
}
