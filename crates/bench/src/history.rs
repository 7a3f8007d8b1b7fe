//! The benchmark documents: `reports/bench/history.json` (the committed runs),
//! `reports/bench/local-history.json` (runs not committed: `picklejar bench run` without
//! `--record`; git-ignored) and `reports/bench/baseline.json` (per mode, the run the gate
//! compares against), and reading and writing them.
//!
//! A record has a [`Mode`]: `full` and `quick` runs hold wall times, `instructions` runs
//! hold callgrind instruction counts ([`Count`]). Times are per operation (one `load` or
//! `dump` of a whole workload file), in nanoseconds, with a confidence interval for the
//! mean. Counts are of a `load`, a `dump` or a `stream` (the dump written out to a file,
//! [`crate::instructions::OPS`]); records counted before `stream` was have no `stream`
//! counts, and read as they are (the schema is the same: an operation is a name). Throughput is the workload file's size divided by that time, for every codec and
//! both directions, so numbers compare across codecs.
//!
//! A record also says whether it is comparable ([`Record::comparable`]): a wall-time run on
//! a machine whose load average exceeded [`MAX_LOAD_PER_CORE`] per core is not, and the
//! gate never judges it. Records compare only with records of the same mode
//! ([`comparable_with`]).

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// Schema of the history files (2: modes, load averages, comparability, errors,
/// instruction counts).
pub const HISTORY_SCHEMA: &str = "picklejar-bench-history/2";
/// Schema of `reports/bench/baseline.json` (2: one record per mode).
pub const BASELINE_SCHEMA: &str = "picklejar-bench-baseline/2";
/// The first history schema, read and upgraded ([`upgrade_v1`]).
pub const HISTORY_SCHEMA_1: &str = "picklejar-bench-history/1";
/// The first baseline schema (one record), read and upgraded.
pub const BASELINE_SCHEMA_1: &str = "picklejar-bench-baseline/1";

/// A wall-time run is comparable only if the 1-minute load average stayed at or below this
/// many runnable tasks per core (at its start, between workloads and at its end). The run's
/// own process counts (about 1 once it has run a minute); more than one per core means
/// other work competed for the CPUs.
pub const MAX_LOAD_PER_CORE: f64 = 1.0;

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

impl History {
    /// The committed history and the local one as one list, by date (a record id once).
    pub fn merged(committed: &History, local: &History) -> History {
        let mut records = committed.records.clone();
        for r in &local.records {
            if !records.iter().any(|c| c.id == r.id) {
                records.push(r.clone());
            }
        }
        records.sort_by(|a, b| a.date.cmp(&b.date));
        History {
            schema: HISTORY_SCHEMA.to_owned(),
            records,
        }
    }

    /// The latest wall-time record (`full` or `quick`).
    pub fn latest_time(&self) -> Option<&Record> {
        self.records.iter().rev().find(|r| r.mode.is_time())
    }

    /// The latest instruction-count record.
    pub fn latest_instructions(&self) -> Option<&Record> {
        self.records
            .iter()
            .rev()
            .find(|r| r.mode == Mode::Instructions)
    }
}

/// The saved baselines: at most one record per [`Mode`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Baseline {
    /// [`BASELINE_SCHEMA`].
    pub schema: String,
    /// The records, one per mode.
    pub records: Vec<Record>,
}

impl Default for Baseline {
    fn default() -> Self {
        Baseline {
            schema: BASELINE_SCHEMA.to_owned(),
            records: Vec::new(),
        }
    }
}

impl Baseline {
    /// The baseline of `mode`.
    pub fn of(&self, mode: Mode) -> Option<&Record> {
        self.records.iter().find(|r| r.mode == mode)
    }

    /// What a record of `mode` is held against: the baseline of the same mode; else, so that
    /// the gate can say the two are not comparable, the other wall-time one (for a wall-time
    /// record).
    pub fn for_record(&self, mode: Mode) -> Option<&Record> {
        self.of(mode).or_else(|| match mode {
            Mode::Full => self.of(Mode::Quick),
            Mode::Quick => self.of(Mode::Full),
            Mode::Instructions => None,
        })
    }

    /// Makes `record` the baseline of its mode.
    pub fn set(&mut self, record: Record) {
        self.records.retain(|r| r.mode != record.mode);
        self.records.push(record);
        self.records.sort_by_key(|r| r.mode);
    }
}

/// What a run measured.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Wall times at full length (criterion's defaults, CPython's full budget).
    #[default]
    Full,
    /// Wall times of a smoke run (criterion `--quick`, a short CPython budget).
    Quick,
    /// Callgrind instruction counts of one load or dump (`picklejar bench instructions`).
    Instructions,
}

impl Mode {
    /// `full`, `quick`, `instructions`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Quick => "quick",
            Mode::Instructions => "instructions",
        }
    }

    /// Whether records of this mode hold wall times.
    pub fn is_time(self) -> bool {
        matches!(self, Mode::Full | Mode::Quick)
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "full" => Ok(Mode::Full),
            "quick" => Ok(Mode::Quick),
            "instructions" => Ok(Mode::Instructions),
            _ => Err(format!("expected full, quick or instructions, got {s:?}")),
        }
    }
}

/// The machine's 1-minute load average (`/proc/loadavg`) around a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadAverage {
    /// When the run started.
    pub start: f64,
    /// When it ended.
    pub end: f64,
    /// The highest reading, taken at the start, between workloads and at the end.
    #[serde(default)]
    pub peak: f64,
}

impl LoadAverage {
    /// The highest reading.
    pub fn max(&self) -> f64 {
        self.start.max(self.end).max(self.peak)
    }
}

/// Whether a wall-time run with this load average on `cores` cores is comparable, and if
/// not, why. An unknown load (not Linux) is taken as comparable.
pub fn judge_load(load: Option<LoadAverage>, cores: usize) -> (bool, String) {
    let Some(l) = load else {
        return (true, String::new());
    };
    let limit = MAX_LOAD_PER_CORE * cores.max(1) as f64;
    if l.max() > limit {
        (
            false,
            format!(
                "the machine was loaded (load average {:.2} at the start, {:.2} at the end, \
                 {:.2} at most; above {MAX_LOAD_PER_CORE:.1} per core, {limit:.1} on {} cores)",
                l.start,
                l.end,
                l.max(),
                cores.max(1)
            ),
        )
    } else {
        (true, String::new())
    }
}

/// Whether `current` can be judged against `baseline`: the same mode, and neither from a
/// loaded machine. `Err` says why not ("not comparable").
pub fn comparable_with(current: &Record, baseline: &Record) -> Result<(), String> {
    if current.mode != baseline.mode {
        return Err(format!(
            "run {} is a {} run and the baseline {} a {} run",
            current.id, current.mode, baseline.id, baseline.mode
        ));
    }
    if !current.comparable {
        return Err(format!("run {}: {}", current.id, current.comparable_note));
    }
    if !baseline.comparable {
        return Err(format!(
            "the baseline {}: {}",
            baseline.id, baseline.comparable_note
        ));
    }
    Ok(())
}

/// One benchmark run.
#[derive(Clone, Debug, Serialize, Deserialize)]
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
    /// Every wall-time measurement.
    pub measurements: Vec<Measurement>,
    /// Anything worth knowing about the run (fallbacks, codecs that could not load a
    /// workload, …).
    #[serde(default)]
    pub notes: Vec<String>,
    /// `full`, `quick` (wall times) or `instructions` (callgrind counts).
    #[serde(default)]
    pub mode: Mode,
    /// The machine's load average around the run (Linux).
    #[serde(default)]
    pub load_average: Option<LoadAverage>,
    /// Whether the gate may judge this run: not when the machine was loaded
    /// ([`judge_load`]). Instruction counts do not depend on the load: always comparable.
    #[serde(default = "yes")]
    pub comparable: bool,
    /// Why it is not comparable (empty when it is).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comparable_note: String,
    /// Measurements not made because something was wrong: a dump whose output was not the
    /// workload file (never timed), a codec that failed.
    #[serde(default)]
    pub errors: Vec<String>,
    /// Callgrind instruction counts (`instructions` records).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructions: Vec<Count>,
}

fn yes() -> bool {
    true
}

impl Default for Record {
    fn default() -> Self {
        Record {
            id: String::new(),
            date: String::new(),
            commit: String::new(),
            dirty: false,
            machine: Machine::default(),
            workloads_generator: String::new(),
            workloads: Vec::new(),
            measurements: Vec::new(),
            notes: Vec::new(),
            mode: Mode::Full,
            load_average: None,
            comparable: true,
            comparable_note: String::new(),
            errors: Vec::new(),
            instructions: Vec::new(),
        }
    }
}

impl Record {
    /// The workload file `name` at `protocol`, if the record lists it.
    pub fn workload(&self, name: &str, protocol: u8) -> Option<&WorkloadInfo> {
        self.workloads
            .iter()
            .find(|w| w.name == name && w.protocol == protocol)
    }

    /// Sets the load average and whether the run is comparable ([`judge_load`]); an
    /// instruction-count record is comparable whatever the load.
    pub fn set_load(&mut self, load: Option<LoadAverage>) {
        self.load_average = load;
        let (ok, why) = if self.mode.is_time() {
            judge_load(load, self.machine.cores)
        } else {
            (true, String::new())
        };
        self.comparable = ok;
        self.comparable_note = why;
    }
}

/// Instructions callgrind counted for one load or dump of a workload file by one codec
/// (`picklejar bench instructions`): deterministic, so a small threshold is meaningful.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Count {
    /// Workload name.
    pub workload: String,
    /// Protocol of the workload file.
    pub protocol: u8,
    /// `load`, `dump` or `stream` ([`crate::instructions::OPS`]).
    pub op: String,
    /// `picklejar`, `cpython-3.13`.
    pub codec: String,
    /// Instructions executed (callgrind's `Ir`) inside the one counted call.
    pub instructions: u64,
    /// Workload file size.
    pub bytes: u64,
    /// The function callgrind counted (`--toggle-collect`).
    #[serde(default)]
    pub function: String,
    /// For a codec other than CPython: CPython's count of the same workload file and
    /// operation in the same run ÷ this count (how many times fewer instructions this codec
    /// ran), when CPython was counted ([`set_cpython_ratios`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vs_cpython: Option<f64>,
}

/// Fills [`Count::vs_cpython`] of every count that is not `cpython`'s from `cpython`'s count
/// of the same workload file and operation.
pub fn set_cpython_ratios(counts: &mut [Count], cpython: &str) {
    let theirs: Vec<((String, u8, String), u64)> = counts
        .iter()
        .filter(|c| c.codec == cpython)
        .map(|c| {
            (
                (c.workload.clone(), c.protocol, c.op.clone()),
                c.instructions,
            )
        })
        .collect();
    for c in counts.iter_mut().filter(|c| c.codec != cpython) {
        c.vs_cpython = theirs
            .iter()
            .find(|(k, _)| k.0 == c.workload && k.1 == c.protocol && k.2 == c.op)
            .filter(|_| c.instructions > 0)
            .map(|(_, n)| *n as f64 / c.instructions as f64);
    }
}

impl Subject for Count {
    fn subject(&self) -> (&str, u8, &str, &str) {
        (&self.workload, self.protocol, &self.op, &self.codec)
    }
}

/// What identifies a [`Measurement`] or a [`Count`] across runs: one codec's one operation
/// on one workload file. The gate compares runs by it ([`crate::gate::compare_runs`],
/// [`crate::gate::compare_counts`]).
///
/// ```
/// use picklejar_bench::history::{Count, Subject};
/// let c = Count { workload: "ints_1m".into(), protocol: 4, op: "load".into(),
///                 codec: "picklejar".into(), ..Count::default() };
/// assert_eq!(c.label(), "ints_1m p4 load picklejar");
/// assert_eq!(c.key(), ("ints_1m".to_string(), 4, "load".to_string(), "picklejar".to_string()));
/// ```
pub trait Subject {
    /// `(workload, protocol, op, codec)`, borrowed.
    fn subject(&self) -> (&str, u8, &str, &str);

    /// `(workload, protocol, op, codec)`, owned: a map key.
    fn key(&self) -> (String, u8, String, String) {
        let (w, p, o, c) = self.subject();
        (w.to_string(), p, o.to_string(), c.to_string())
    }

    /// `workload pP op codec`, as the gate prints it.
    fn label(&self) -> String {
        let (w, p, o, c) = self.subject();
        format!("{w} p{p} {o} {c}")
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

impl Subject for Measurement {
    fn subject(&self) -> (&str, u8, &str, &str) {
        (&self.workload, self.protocol, &self.op, &self.codec)
    }
}

/// `bytes` in `ns` as MiB/s (0 for a non-positive time).
pub fn mib_per_s(bytes: u64, ns: f64) -> f64 {
    if ns <= 0.0 {
        return 0.0;
    }
    (bytes as f64) / (1024.0 * 1024.0) / (ns * 1e-9)
}

/// Reads a history (an empty one when the file does not exist); a `/1` history is
/// upgraded ([`upgrade_v1`]).
pub fn read_history(path: &Path) -> Result<History> {
    match std::fs::read_to_string(path) {
        Ok(t) => {
            let mut h: History =
                serde_json::from_str(&t).with_context(|| format!("{}", path.display()))?;
            if h.schema == HISTORY_SCHEMA_1 {
                h.records.iter_mut().for_each(upgrade_v1);
                h.schema = HISTORY_SCHEMA.to_owned();
            }
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

/// Reads the baselines (none when the file does not exist); a `/1` baseline (one record) is
/// upgraded.
pub fn read_baseline(path: &Path) -> Result<Baseline> {
    #[derive(Deserialize)]
    struct V1 {
        record: Record,
    }
    match std::fs::read_to_string(path) {
        Ok(t) => {
            let v: serde_json::Value =
                serde_json::from_str(&t).with_context(|| format!("{}", path.display()))?;
            let schema = v.get("schema").and_then(|s| s.as_str()).unwrap_or("");
            if schema == BASELINE_SCHEMA_1 {
                let mut r = serde_json::from_value::<V1>(v)
                    .with_context(|| format!("{}", path.display()))?
                    .record;
                upgrade_v1(&mut r);
                let mut b = Baseline::default();
                b.set(r);
                return Ok(b);
            }
            if schema != BASELINE_SCHEMA {
                bail!(
                    "{}: schema {schema:?}, expected {BASELINE_SCHEMA:?}",
                    path.display()
                );
            }
            serde_json::from_value(v).with_context(|| format!("{}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Baseline::default()),
        Err(e) => Err(e).with_context(|| format!("{}", path.display())),
    }
}

/// Fills what a `/1` record did not have from its notes: the mode (`quick` when a note
/// starts "quick run"), the load average ("load average A before, B after") and so whether
/// it is comparable.
pub fn upgrade_v1(r: &mut Record) {
    r.mode = if r.notes.iter().any(|n| n.starts_with("quick run")) {
        Mode::Quick
    } else {
        Mode::Full
    };
    let load = r.notes.iter().find_map(|n| {
        let rest = n.strip_prefix("load average ")?;
        let (start, rest) = rest.split_once(" before, ")?;
        let (end, _) = rest.split_once(" after")?;
        let (start, end): (f64, f64) = (start.parse().ok()?, end.parse().ok()?);
        Some(LoadAverage {
            start,
            end,
            peak: start.max(end),
        })
    });
    r.set_load(load);
}

/// Writes a JSON document (pretty, newline-terminated), creating the directory.
pub fn write_json<T: Serialize>(path: &Path, v: &T) -> Result<()> {
    if let Some(d) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(path, serde_json::to_string_pretty(v)? + "\n")
        .with_context(|| format!("writing {}", path.display()))
}

/// Writes the baselines.
pub fn write_baseline(path: &Path, b: &Baseline) -> Result<()> {
    write_json(path, b)
}

/// Makes `record` the baseline of its mode in the file at `path`, keeping the other modes'.
pub fn save_baseline(path: &Path, record: &Record) -> Result<()> {
    let mut b = read_baseline(path)?;
    b.schema = BASELINE_SCHEMA.to_owned();
    b.set(record.clone());
    write_baseline(path, &b)
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
        assert!(
            read_baseline(&bp)
                .expect("absent is none")
                .records
                .is_empty()
        );
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
        save_baseline(&bp, &r).expect("writes");
        assert_eq!(read_history(&hp).expect("reads").records[0].id, "r");
        let b = read_baseline(&bp).expect("reads");
        let full = b.of(Mode::Full).expect("present");
        assert_eq!(full.measurements, r.measurements);
        assert!((full.measurements[0].mib_per_s() - 1.0).abs() < 1e-12);
        // a baseline is not a history
        assert!(read_history(&bp).is_err());
        // one baseline per mode: an instruction record does not replace the full one
        let i = Record {
            id: "i".into(),
            mode: Mode::Instructions,
            ..Record::default()
        };
        save_baseline(&bp, &i).expect("writes");
        let b = read_baseline(&bp).expect("reads");
        assert_eq!(b.of(Mode::Full).map(|r| r.id.as_str()), Some("r"));
        assert_eq!(b.of(Mode::Instructions).map(|r| r.id.as_str()), Some("i"));
        // a quick run is held against the full baseline (to be told it is not comparable)
        assert_eq!(b.for_record(Mode::Quick).map(|r| r.id.as_str()), Some("r"));
    }

    #[test]
    fn version_1_documents_are_upgraded_from_their_notes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let hp = dir.path().join("h.json");
        let rec = |id: &str, note: &str| {
            serde_json::json!({
                "id": id, "date": "2026-01-01T00:00:00Z", "commit": "c",
                "machine": {"id": "m", "hostname": "h", "cpu": "c", "cores": 2, "os": "l"},
                "workloads_generator": "g", "workloads": [], "measurements": [],
                "notes": [note],
            })
        };
        let v1 = serde_json::json!({
            "schema": HISTORY_SCHEMA_1,
            "records": [
                rec("calm", "load average 1.25 before, 1.02 after (2 cores): other work was running, expect noise"),
                rec("busy", "load average 0.71 before, 3.34 after (2 cores)"),
                rec("quick", "quick run (criterion --quick, short CPython budget): smoke numbers"),
            ]
        });
        std::fs::write(&hp, v1.to_string()).expect("writes");
        let h = read_history(&hp).expect("reads a /1 history");
        assert_eq!(h.schema, HISTORY_SCHEMA);
        let [calm, busy, quick] = &h.records[..] else {
            panic!("three records");
        };
        assert_eq!((calm.mode, calm.comparable), (Mode::Full, true));
        assert_eq!(calm.load_average.map(|l| l.start), Some(1.25));
        assert_eq!((busy.mode, busy.comparable), (Mode::Full, false));
        assert!(
            busy.comparable_note.contains("3.34"),
            "{}",
            busy.comparable_note
        );
        assert_eq!(quick.mode, Mode::Quick);
        assert!(comparable_with(quick, calm).is_err(), "quick vs full");
        assert!(comparable_with(calm, busy).is_err(), "a loaded baseline");
        assert!(comparable_with(calm, calm).is_ok());
    }

    #[test]
    fn picklejar_counts_carry_their_ratio_to_cpython() {
        let c = |codec: &str, op: &str, n: u64| Count {
            workload: "w".into(),
            protocol: 4,
            op: op.into(),
            codec: codec.into(),
            instructions: n,
            ..Count::default()
        };
        let mut v = vec![
            c("picklejar", "load", 50),
            c("cpython-3.13", "load", 200),
            c("picklejar", "dump", 10),
            c("picklejar", "stream", 20),
            c("cpython-3.13", "stream", 90),
        ];
        set_cpython_ratios(&mut v, "cpython-3.13");
        assert_eq!(v[0].vs_cpython, Some(4.0));
        assert_eq!(v[1].vs_cpython, None, "CPython's own count");
        assert_eq!(v[2].vs_cpython, None, "no CPython dump counted");
        assert_eq!(
            v[3].vs_cpython,
            Some(4.5),
            "a stream against CPython's stream"
        );
    }

    #[test]
    fn a_loaded_machine_makes_a_time_run_incomparable_but_not_a_count() {
        let mut r = Record {
            machine: Machine {
                cores: 2,
                ..Machine::default()
            },
            ..Record::default()
        };
        let load = |start, end| {
            Some(LoadAverage {
                start,
                end,
                peak: 0.0,
            })
        };
        r.set_load(load(0.3, 1.9));
        assert!(r.comparable, "1.9 on 2 cores");
        r.set_load(load(2.4, 1.0));
        assert!(!r.comparable);
        assert!(
            r.comparable_note.contains("2.40 at the start"),
            "{}",
            r.comparable_note
        );
        r.mode = Mode::Instructions;
        r.set_load(load(6.0, 6.0));
        assert!(r.comparable, "instruction counts do not depend on the load");
    }
}
