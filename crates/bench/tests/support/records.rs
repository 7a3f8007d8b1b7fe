//! Benchmark records for the gate's tests: a baseline and a run with a planted
//! regression. Shared by `crates/bench/tests/gate.rs` (the library) and
//! `crates/cli/tests/bench.rs` (the `picklejar bench` commands) through `#[path]`.

#![allow(dead_code)]

use picklejar_bench::history::{Machine, Measurement, Record, WorkloadInfo};

/// A load measurement at protocol 4: `mean` ns ± `half`.
pub fn m(workload: &str, codec: &str, mean: f64, half: f64) -> Measurement {
    Measurement {
        workload: workload.into(),
        protocol: 4,
        op: "load".into(),
        codec: codec.into(),
        mean_ns: mean,
        ci_low_ns: mean - half,
        ci_high_ns: mean + half,
        confidence: 0.95,
        bytes: 4_871_352,
        samples: 20,
        source: "criterion".into(),
        throughput_mib_s: 0.0,
    }
}

/// A record of `measurements` on one machine, with the ints_1m p4 workload file.
pub fn rec(id: &str, measurements: Vec<Measurement>) -> Record {
    Record {
        id: id.into(),
        date: "2026-01-01T00:00:00Z".into(),
        commit: "0123456789abcdef".into(),
        dirty: false,
        machine: Machine {
            id: "host/cpu/2".into(),
            hostname: "host".into(),
            cpu: "cpu".into(),
            cores: 2,
            os: "linux-x86_64".into(),
            rustc: String::new(),
            python: String::new(),
        },
        workloads_generator: "picklejar-codec/3.13".into(),
        workloads: vec![WorkloadInfo {
            name: "ints_1m".into(),
            protocol: 4,
            bytes: 4_871_352,
            sha256: String::new(),
            description: "list(range(1_000_000))".into(),
        }],
        measurements,
        ..Record::default()
    }
}

/// ints_1m and unicode_100k by picklejar, ints_1m by CPython.
pub fn baseline() -> Record {
    rec(
        "base",
        vec![
            m("ints_1m", "picklejar", 10_000_000.0, 100_000.0),
            m("unicode_100k", "picklejar", 4_000_000.0, 50_000.0),
            m("ints_1m", "cpython-3.13", 40_000_000.0, 2_000_000.0),
        ],
    )
}

/// ints_1m got 30% slower with tight intervals; unicode unchanged; CPython (not judged)
/// got slower too.
pub fn regressed() -> Record {
    rec(
        "head",
        vec![
            m("ints_1m", "picklejar", 13_000_000.0, 100_000.0),
            m("unicode_100k", "picklejar", 4_010_000.0, 50_000.0),
            m("ints_1m", "cpython-3.13", 60_000_000.0, 2_000_000.0),
        ],
    )
}
