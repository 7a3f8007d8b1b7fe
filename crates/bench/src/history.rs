//! The benchmark documents: `reports/bench/history.json` (every run) and
//! `reports/bench/baseline.json` (the run the gate compares against), and reading and
//! writing them.
//!
//! Times are per operation (one `load` or `dump` of a whole workload file), in nanoseconds,
//! with a confidence interval for the mean. Throughput is the workload file's size divided
//! by that time, for every codec and both directions, so numbers compare across codecs.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// Schema of `reports/bench/history.json`.
pub const HISTORY_SCHEMA: &str = "picklejar-bench-history/1";
/// Schema of `reports/bench/baseline.json`.
pub const BASELINE_SCHEMA: &str = "picklejar-bench-baseline/1";

/// Every recorded run, oldest first.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct History {
    /// [`HISTORY_SCHEMA`].
    pub schema: String,
    /// The runs.
    pub records: Vec<Record>,
}

impl Default for History {
    fn default() -> Self {
        History {
            schema: HISTORY_SCHEMA.to_owned(),
            records: Vec::new(),
        }
    }
}

/// The saved baseline: one record the gate compares against.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Baseline {
    /// [`BASELINE_SCHEMA`].
    pub schema: String,
    /// The run saved as the baseline.
    pub record: Record,
}

/// One benchmark run.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Record {
    /// `<date>-<short commit>`: unique enough to name a run.
    pub id: String,
    /// When it ran (UTC, RFC 3339).
    pub date: String,
    /// The git commit measured (`unknown` outside a checkout).
    pub commit: String,
    /// Whether the working tree had uncommitted changes.
    #[serde(default)]
    pub dirty: bool,
    /// Where it ran.
    pub machine: Machine,
    /// Who wrote the workload files: `picklejar-codec/3.13` (the codec's dump with the
    /// CPython 3.13 profile, [`crate::workloads::GENERATOR`]); older records say
    /// `cpython-3.13.0` or `rust-fallback`.
    pub workloads_generator: String,
    /// The workload files.
    pub workloads: Vec<WorkloadInfo>,
    /// Every measurement.
    pub measurements: Vec<Measurement>,
    /// Anything worth knowing about the run (fallbacks, codecs that could not load a
    /// workload, …).
    #[serde(default)]
    pub notes: Vec<String>,
}

impl Record {
    /// The workload file `name` at `protocol`, if the record lists it.
    pub fn workload(&self, name: &str, protocol: u8) -> Option<&WorkloadInfo> {
        self.workloads
            .iter()
            .find(|w| w.name == name && w.protocol == protocol)
    }
}

/// The machine a run was on. Runs compare only on the same `id`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Machine {
    /// A stable key: hostname, CPU model and core count.
    pub id: String,
    /// Hostname.
    pub hostname: String,
    /// CPU model name.
    pub cpu: String,
    /// Logical cores.
    pub cores: usize,
    /// OS and architecture.
    pub os: String,
    /// `rustc --version`.
    #[serde(default)]
    pub rustc: String,
    /// The CPython used for the CPython codecs (`3.13.0 /path/to/python`), if any.
    #[serde(default)]
    pub python: String,
}

/// A workload file.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct WorkloadInfo {
    /// Workload name (`ints_1m`).
    pub name: String,
    /// Pickle protocol.
    pub protocol: u8,
    /// File size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file.
    #[serde(default)]
    pub sha256: String,
    /// One line.
    #[serde(default)]
    pub description: String,
}

/// One codec's time for one operation on one workload file.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Measurement {
    /// Workload name.
    pub workload: String,
    /// Protocol of the workload file (for dumps: the protocol written).
    pub protocol: u8,
    /// `load` or `dump`.
    pub op: String,
    /// `picklejar`, `serde-pickle`, `cpython-3.13`, `cpython-3.13-py`, …
    pub codec: String,
    /// Mean time per operation, ns.
    pub mean_ns: f64,
    /// Lower bound of the confidence interval of the mean, ns.
    pub ci_low_ns: f64,
    /// Upper bound, ns.
    pub ci_high_ns: f64,
    /// Confidence level of the interval (0.95).
    pub confidence: f64,
    /// Workload file size: the throughput basis.
    pub bytes: u64,
    /// `bytes` ÷ mean time, MiB/s (recorded for convenience; [`Measurement::mib_per_s`]
    /// recomputes it).
    #[serde(default)]
    pub throughput_mib_s: f64,
    /// Samples behind the estimate.
    #[serde(default)]
    pub samples: u64,
    /// `criterion` or `bench_cpython.py`.
    #[serde(default)]
    pub source: String,
}

impl Measurement {
    /// Fills [`Measurement::throughput_mib_s`] from the size and the mean.
    pub fn with_throughput(mut self) -> Measurement {
        self.throughput_mib_s = self.mib_per_s();
        self
    }

    /// Throughput in MiB/s at the mean.
    pub fn mib_per_s(&self) -> f64 {
        mib_per_s(self.bytes, self.mean_ns)
    }

    /// `(workload, protocol, op, codec)`: what identifies a measurement across runs.
    pub fn key(&self) -> (String, u8, String, String) {
        (
            self.workload.clone(),
            self.protocol,
            self.op.clone(),
            self.codec.clone(),
        )
    }

    /// `workload pP op codec`, as the gate prints it.
    pub fn label(&self) -> String {
        format!(
            "{} p{} {} {}",
            self.workload, self.protocol, self.op, self.codec
        )
    }

    /// Whether the numbers are usable (finite, positive, ordered interval).
    pub fn is_valid(&self) -> bool {
        self.mean_ns.is_finite()
            && self.mean_ns > 0.0
            && self.ci_low_ns.is_finite()
            && self.ci_high_ns.is_finite()
            && self.ci_low_ns > 0.0
            && self.ci_low_ns <= self.mean_ns
            && self.mean_ns <= self.ci_high_ns
    }
}

/// `bytes` in `ns` as MiB/s (0 for a non-positive time).
pub fn mib_per_s(bytes: u64, ns: f64) -> f64 {
    if ns <= 0.0 {
        return 0.0;
    }
    (bytes as f64) / (1024.0 * 1024.0) / (ns * 1e-9)
}

/// Reads the history (an empty one when the file does not exist).
pub fn read_history(path: &Path) -> Result<History> {
    match std::fs::read_to_string(path) {
        Ok(t) => {
            let h: History =
                serde_json::from_str(&t).with_context(|| format!("{}", path.display()))?;
            if h.schema != HISTORY_SCHEMA {
                bail!(
                    "{}: schema {:?}, expected {HISTORY_SCHEMA:?}",
                    path.display(),
                    h.schema
                );
            }
            Ok(h)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(History::default()),
        Err(e) => Err(e).with_context(|| format!("{}", path.display())),
    }
}

/// Reads the baseline (`None` when the file does not exist).
pub fn read_baseline(path: &Path) -> Result<Option<Record>> {
    match std::fs::read_to_string(path) {
        Ok(t) => {
            let b: Baseline =
                serde_json::from_str(&t).with_context(|| format!("{}", path.display()))?;
            if b.schema != BASELINE_SCHEMA {
                bail!(
                    "{}: schema {:?}, expected {BASELINE_SCHEMA:?}",
                    path.display(),
                    b.schema
                );
            }
            Ok(Some(b.record))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("{}", path.display())),
    }
}

/// Writes a JSON document (pretty, newline-terminated), creating the directory.
pub fn write_json<T: Serialize>(path: &Path, v: &T) -> Result<()> {
    if let Some(d) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(path, serde_json::to_string_pretty(v)? + "\n")
        .with_context(|| format!("writing {}", path.display()))
}

/// Saves `record` as the baseline.
pub fn write_baseline(path: &Path, record: &Record) -> Result<()> {
    write_json(
        path,
        &Baseline {
            schema: BASELINE_SCHEMA.to_owned(),
            record: record.clone(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_round_trip_through_their_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (hp, bp) = (dir.path().join("h.json"), dir.path().join("b/base.json"));
        assert!(
            read_history(&hp)
                .expect("absent is empty")
                .records
                .is_empty()
        );
        assert!(read_baseline(&bp).expect("absent is none").is_none());
        let r = Record {
            id: "r".into(),
            measurements: vec![Measurement {
                workload: "w".into(),
                mean_ns: 1e9,
                bytes: 1 << 20,
                ..Measurement::default()
            }],
            ..Record::default()
        };
        let mut h = History::default();
        h.records.push(r.clone());
        write_json(&hp, &h).expect("writes");
        write_baseline(&bp, &r).expect("writes");
        assert_eq!(read_history(&hp).expect("reads").records[0].id, "r");
        let b = read_baseline(&bp).expect("reads").expect("present");
        assert_eq!(b.measurements, r.measurements);
        assert!((b.measurements[0].mib_per_s() - 1.0).abs() < 1e-12);
        // a baseline is not a history
        assert!(read_history(&bp).is_err());
    }
}
