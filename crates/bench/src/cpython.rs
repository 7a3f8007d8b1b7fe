//! CPython's own pickle timed on the workload files by `generators/bench_cpython.py time`,
//! as [`Measurement`]s: the C accelerator and the pure-Python implementation (each
//! asserted) in one process, their samples interleaved, the garbage collector disabled
//! while sampling (as timeit does), and every dump checked against the workload file
//! before it is timed (a wrong one is an error, not a time).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::history::Measurement;
use crate::workloads::workspace_root;

/// Schema of the script's output.
pub const TIMES_SCHEMA: &str = "picklejar-bench-cpython/2";

/// An interpreter: `VERSION=PATH` as `--python` takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Python {
    /// `3.13`.
    pub version: String,
    /// The executable.
    pub path: PathBuf,
}

impl std::str::FromStr for Python {
    type Err = String;
    fn from_str(s: &str) -> Result<Python, String> {
        let (v, p) = s
            .split_once('=')
            .ok_or_else(|| format!("expected VERSION=PATH, got {s:?}"))?;
        Ok(Python {
            version: v.to_owned(),
            path: PathBuf::from(p),
        })
    }
}

/// The interpreter for `version`: a `--python` flag, else a `$PICKLEJAR_PYTHON_3_13`-style
/// variable, else `python3.13` on `PATH` (when it runs: a pyenv shim of a version that is not
/// selected does not), else the newest `3.13.*` in pyenv (`$PYENV_ROOT/versions`, else
/// `~/.pyenv/versions`).
pub fn find(version: &str, given: &[Python]) -> Option<Python> {
    if let Some(p) = given.iter().find(|p| p.version == version) {
        return Some(p.clone());
    }
    let found = |path: PathBuf| Python {
        version: version.to_owned(),
        path,
    };
    let var = format!("PICKLEJAR_PYTHON_{}", version.replace('.', "_"));
    if let Some(p) = std::env::var_os(&var) {
        return Some(found(PathBuf::from(p)));
    }
    let exe = PathBuf::from(format!("python{version}"));
    if runs(&exe) {
        return Some(found(exe));
    }
    pyenv(version).map(found)
}

/// Whether `exe` starts and has the C pickler.
fn runs(exe: &Path) -> bool {
    Command::new(exe)
        .arg("-c")
        .arg("import _pickle")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The newest pyenv-installed `version.*` that runs.
fn pyenv(version: &str) -> Option<PathBuf> {
    let root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")))?;
    let mut dirs: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir(root.join("versions"))
        .ok()?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let patch = name.strip_prefix(version)?.strip_prefix('.')?;
            let key = name
                .split('.')
                .map(str::parse)
                .collect::<Result<Vec<u32>, _>>()
                .ok()?;
            patch.parse::<u32>().ok()?;
            Some((key, e.path()))
        })
        .collect();
    dirs.sort();
    dirs.into_iter().rev().find_map(|(_, d)| {
        [format!("bin/python{version}"), "bin/python3".into()]
            .into_iter()
            .map(|b| d.join(b))
            .find(|p| runs(p))
    })
}

#[derive(Deserialize)]
struct TimesDoc {
    schema: String,
    python: String,
    confidence: f64,
    #[serde(default)]
    gc: String,
    #[serde(default)]
    interleaved: String,
    #[serde(default)]
    verified: std::collections::BTreeMap<String, String>,
    results: Vec<Timing>,
    #[serde(default)]
    errors: Vec<TimingError>,
}

#[derive(Deserialize)]
struct Timing {
    #[serde(rename = "impl")]
    implementation: String,
    workload: String,
    protocol: u8,
    op: String,
    bytes: u64,
    mean_s: f64,
    ci_low_s: f64,
    ci_high_s: f64,
    samples: u64,
}

#[derive(Deserialize)]
struct TimingError {
    #[serde(rename = "impl")]
    implementation: String,
    workload: String,
    protocol: u8,
    op: String,
    error: String,
}

/// What a CPython timing run produced.
#[derive(Debug)]
pub struct CpythonTimes {
    /// Full version (`3.13.0`).
    pub python: String,
    /// The measurements, codecs `cpython-X.Y` and `cpython-X.Y-py`.
    pub measurements: Vec<Measurement>,
    /// What the process asserted it measured, per codec, and how it sampled.
    pub verified: Vec<String>,
    /// Dumps not timed because their output was wrong (`cpython-3.13 dump ints_1m p4: …`).
    pub errors: Vec<String>,
}

/// Options for the timing run.
pub struct TimeOptions {
    /// Seconds of sampling per workload, operation and implementation.
    pub budget: f64,
    /// Only these workloads (empty: all).
    pub only: Vec<String>,
    /// `load`, `dump`.
    pub ops: Vec<String>,
}

/// Runs `python generators/bench_cpython.py time --dir dir` and converts its output.
pub fn time(py: &Python, dir: &Path, o: &TimeOptions) -> Result<CpythonTimes> {
    let script = workspace_root().join("generators/bench_cpython.py");
    let mut cmd = Command::new(&py.path);
    cmd.arg(&script)
        .arg("time")
        .arg("--dir")
        .arg(dir)
        .args(["--budget", &o.budget.to_string()])
        .args(["--ops", &o.ops.join(",")])
        .env("PYTHONHASHSEED", "0");
    if !o.only.is_empty() {
        cmd.args(["--only", &o.only.join(",")]);
    }
    let out = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("running {}", py.path.display()))?;
    if !out.status.success() {
        bail!("bench_cpython.py time failed: {}", out.status);
    }
    parse(&String::from_utf8_lossy(&out.stdout))
}

/// `cpython-3.13` for `c`, `cpython-3.13-py` for `py`.
fn codec_name(python: &str, implementation: &str) -> Result<String> {
    let short: String = python.split('.').take(2).collect::<Vec<_>>().join(".");
    Ok(match implementation {
        "c" => format!("cpython-{short}"),
        "py" => format!("cpython-{short}-py"),
        other => bail!("unknown implementation {other:?}"),
    })
}

/// Converts the script's JSON document.
pub fn parse(text: &str) -> Result<CpythonTimes> {
    let doc: TimesDoc = serde_json::from_str(text).context("bench_cpython.py output")?;
    if doc.schema != TIMES_SCHEMA {
        bail!("bench_cpython.py wrote schema {:?}", doc.schema);
    }
    let mut verified = Vec::new();
    for (implementation, what) in &doc.verified {
        verified.push(format!(
            "{}: {what}",
            codec_name(&doc.python, implementation)?
        ));
    }
    if !doc.gc.is_empty() || !doc.interleaved.is_empty() {
        verified.push(format!(
            "CPython sampling: GC {}; {}",
            doc.gc, doc.interleaved
        ));
    }
    let mut measurements = Vec::new();
    for t in doc.results {
        measurements.push(
            Measurement {
                workload: t.workload,
                protocol: t.protocol,
                op: t.op,
                codec: codec_name(&doc.python, &t.implementation)?,
                mean_ns: t.mean_s * 1e9,
                ci_low_ns: t.ci_low_s * 1e9,
                ci_high_ns: t.ci_high_s * 1e9,
                confidence: doc.confidence,
                bytes: t.bytes,
                samples: t.samples,
                source: "bench_cpython.py".into(),
                throughput_mib_s: 0.0,
            }
            .with_throughput(),
        );
    }
    let errors = doc
        .errors
        .into_iter()
        .map(|e| {
            Ok(format!(
                "{} {} {} p{}: {} (not timed)",
                codec_name(&doc.python, &e.implementation)?,
                e.op,
                e.workload,
                e.protocol,
                e.error
            ))
        })
        .collect::<Result<_>>()?;
    Ok(CpythonTimes {
        python: doc.python,
        measurements,
        verified,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scripts_document_becomes_measurements_and_errors() {
        let doc = serde_json::json!({
            "schema": TIMES_SCHEMA, "python": "3.13.0", "executable": "/py", "confidence": 0.95,
            "gc": "disabled while sampling, as timeit", "interleaved": "one process",
            "verified": {"c": "pickle.loads is _pickle.loads", "py": "pickle.py"},
            "results": [
                {"impl": "c", "workload": "ints_1m", "protocol": 4, "op": "load",
                 "bytes": 1048576, "mean_s": 0.01, "ci_low_s": 0.009, "ci_high_s": 0.011,
                 "samples": 20, "loops": 5, "stdev_s": 0.001},
                {"impl": "py", "workload": "ints_1m", "protocol": 4, "op": "load",
                 "bytes": 1048576, "mean_s": 0.1, "ci_low_s": 0.09, "ci_high_s": 0.11,
                 "samples": 5, "loops": 1, "stdev_s": 0.01},
            ],
            "errors": [{"impl": "py", "workload": "ints_1m", "protocol": 4, "op": "dump",
                        "error": "output differs from the workload file"}],
        });
        let t = parse(&doc.to_string()).expect("parses");
        assert_eq!(t.measurements.len(), 2);
        assert_eq!(t.measurements[0].codec, "cpython-3.13");
        assert_eq!(t.measurements[1].codec, "cpython-3.13-py");
        assert!((t.measurements[0].mib_per_s() - 100.0).abs() < 1e-9);
        assert_eq!(
            t.errors,
            vec![
                "cpython-3.13-py dump ints_1m p4: output differs from the workload file \
                 (not timed)"
            ]
        );
        assert!(
            t.verified
                .iter()
                .any(|v| v.contains("GC disabled while sampling"))
        );
    }
}
