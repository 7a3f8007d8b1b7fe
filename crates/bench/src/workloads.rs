//! The workload files: `reports/bench/workloads/<name>-p<protocol>.pkl` and `manifest.json`,
//! written by `generators/bench_cpython.py generate` (CPython) or, without CPython, by the
//! Rust fallback ([`crate::fallback`]), which writes the same bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fallback::SPECS;
use crate::pywriter::dumps;

/// Schema of `manifest.json`.
pub const MANIFEST_SCHEMA: &str = "picklejar-bench-workloads/1";
/// Version of the workload definitions (bench_cpython.py's `WORKLOADS_VERSION`).
pub const WORKLOADS_VERSION: u32 = 1;
/// The `generator` of files the Rust fallback wrote.
pub const FALLBACK: &str = "rust-fallback";

/// `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// [`MANIFEST_SCHEMA`].
    pub schema: String,
    /// [`WORKLOADS_VERSION`] of the writer.
    #[serde(default)]
    pub version: u32,
    /// `cpython-3.13.0` or [`FALLBACK`].
    pub generator: String,
    /// Size scale (1.0 = full size).
    pub scale: f64,
    /// The files.
    pub workloads: Vec<Entry>,
}

/// One workload file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Workload name.
    pub name: String,
    /// Protocol.
    pub protocol: u8,
    /// File name in the directory.
    pub file: String,
    /// Size.
    pub bytes: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// One line.
    pub description: String,
}

impl Entry {
    /// `name-pP`: the id benches use.
    pub fn id(&self) -> String {
        format!("{}-p{}", self.name, self.protocol)
    }
}

/// A workload file in memory.
pub struct Workload {
    /// Its manifest entry.
    pub entry: Entry,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// The workspace this crate belongs to.
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .and_then(Path::parent)
        .map_or_else(|| here.join("../.."), Path::to_path_buf)
}

/// `$PICKLEJAR_BENCH_WORKLOADS`, else `reports/bench/workloads` in the workspace.
pub fn default_dir() -> PathBuf {
    std::env::var_os("PICKLEJAR_BENCH_WORKLOADS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("reports/bench/workloads"))
}

/// The manifest in `dir`, if it is present, current, full size and every file has the
/// recorded size.
pub fn current(dir: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    let m: Manifest = serde_json::from_str(&text).ok()?;
    let ok = m.schema == MANIFEST_SCHEMA
        && m.version == WORKLOADS_VERSION
        && m.scale == 1.0
        && !m.workloads.is_empty()
        && m.workloads
            .iter()
            .all(|e| std::fs::metadata(dir.join(&e.file)).is_ok_and(|md| md.len() == e.bytes));
    ok.then_some(m)
}

/// How the workloads came to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// They were already there.
    Existing,
    /// CPython wrote them now.
    Cpython,
    /// The Rust fallback wrote them now (no CPython given).
    Fallback,
}

/// Makes sure `dir` holds current full-size workloads: keeps them if they are, else has
/// `python` write them with `generators/bench_cpython.py`, else writes them with the Rust
/// fallback.
pub fn ensure(dir: &Path, python: Option<&Path>) -> Result<(Manifest, Origin)> {
    if let Some(m) = current(dir) {
        return Ok((m, Origin::Existing));
    }
    match python {
        Some(py) => {
            generate_cpython(py, dir, 1.0)?;
            let m = current(dir).context("bench_cpython.py wrote no usable manifest")?;
            Ok((m, Origin::Cpython))
        }
        None => Ok((generate_fallback(dir, 1.0)?, Origin::Fallback)),
    }
}

/// Runs `python generators/bench_cpython.py generate --out dir --scale scale`.
pub fn generate_cpython(python: &Path, dir: &Path, scale: f64) -> Result<()> {
    let script = workspace_root().join("generators/bench_cpython.py");
    let status = Command::new(python)
        .arg(&script)
        .args(["generate", "--out"])
        .arg(dir)
        .args(["--scale", &scale.to_string()])
        .env("PYTHONHASHSEED", "0")
        .status()
        .with_context(|| format!("running {}", python.display()))?;
    if !status.success() {
        bail!(
            "{} {} generate failed: {status}",
            python.display(),
            script.display()
        );
    }
    Ok(())
}

/// Writes every workload with the Rust fallback.
pub fn generate_fallback(dir: &Path, scale: f64) -> Result<Manifest> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut entries = Vec::new();
    for spec in SPECS {
        let obj = (spec.build)(scale);
        for &p in spec.protocols {
            let data = dumps(&obj, p);
            let file = format!("{}-p{p}.pkl", spec.name);
            std::fs::write(dir.join(&file), &data)
                .with_context(|| format!("writing {}", dir.join(&file).display()))?;
            entries.push(Entry {
                name: spec.name.to_owned(),
                protocol: p,
                file,
                bytes: data.len() as u64,
                sha256: hex(&Sha256::digest(&data)),
                description: spec.description.to_owned(),
            });
        }
    }
    let m = Manifest {
        schema: MANIFEST_SCHEMA.to_owned(),
        version: WORKLOADS_VERSION,
        generator: FALLBACK.to_owned(),
        scale,
        workloads: entries,
    };
    let text = serde_json::to_string_pretty(&m)? + "\n";
    std::fs::write(dir.join("manifest.json"), text)?;
    Ok(m)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Reads the files of a manifest.
pub fn read_all(dir: &Path, m: &Manifest) -> Result<Vec<Workload>> {
    m.workloads
        .iter()
        .map(|e| {
            let data = std::fs::read(dir.join(&e.file))
                .with_context(|| format!("reading {}", dir.join(&e.file).display()))?;
            Ok(Workload {
                entry: e.clone(),
                data,
            })
        })
        .collect()
}

/// The workloads for a criterion bench: current files in [`default_dir`], or, when there
/// are none, freshly written by the Rust fallback (saying so on stderr).
pub fn for_bench() -> Result<(Manifest, Vec<Workload>)> {
    let dir = default_dir();
    let m = match current(&dir) {
        Some(m) => m,
        None => {
            eprintln!(
                "picklejar-bench: no workloads in {}; writing them with the Rust fallback \
                 (`picklejar-bench run` has CPython write them when it is available)",
                dir.display()
            );
            generate_fallback(&dir, 1.0)?
        }
    };
    let w = read_all(&dir, &m)?;
    Ok((m, w))
}
