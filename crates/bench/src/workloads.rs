//! The workload files: `reports/bench/workloads/<name>-p<protocol>.pkl` and `manifest.json`,
//! the values of [`crate::values`] written by [`picklejar_codec::dump`] with the CPython
//! 3.13 profile (the bytes CPython 3.13's C pickler writes for them; `tests/cpython.rs`
//! checks that against CPython itself).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use picklejar_codec::{DumpOptions, Graph, Profile};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::values::{SPECS, Spec};

/// Schema of `manifest.json` (`generators/bench_cpython.py time` reads it).
pub const MANIFEST_SCHEMA: &str = "picklejar-bench-workloads/1";
/// Version of the workload definitions: files of another version are rewritten. 2: DICT_GROUP
/// mutated with a Weyl sequence instead of `random.Random(5)`; files written by the codec.
pub const WORKLOADS_VERSION: u32 = 2;
/// The `generator` of the files: picklejar-codec's dump with the CPython 3.13 profile.
pub const GENERATOR: &str = "picklejar-codec/3.13";

/// `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// [`MANIFEST_SCHEMA`].
    pub schema: String,
    /// [`WORKLOADS_VERSION`] of the writer.
    #[serde(default)]
    pub version: u32,
    /// [`GENERATOR`].
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
    /// They were written now.
    Written,
}

/// Makes sure `dir` holds current full-size workloads: keeps them if they are, else writes
/// them.
pub fn ensure(dir: &Path) -> Result<(Manifest, Origin)> {
    match current(dir) {
        Some(m) => Ok((m, Origin::Existing)),
        None => Ok((generate(dir, 1.0)?, Origin::Written)),
    }
}

/// `picklejar_codec::dump(graph, protocol)` with the CPython 3.13 profile.
pub fn dump(graph: &Graph, protocol: u8) -> Result<Vec<u8>> {
    let opts = DumpOptions::new(Profile::Py313);
    Ok(picklejar_codec::dump(graph, protocol, &opts)
        .with_context(|| format!("dumping at protocol {protocol}"))?
        .bytes)
}

/// A workload's files at a scale: `(protocol, bytes)` for each of its protocols.
pub fn files(spec: &Spec, scale: f64) -> Result<Vec<(u8, Vec<u8>)>> {
    let graph = (spec.build)(scale);
    spec.protocols
        .iter()
        .map(|&p| Ok((p, dump(&graph, p).with_context(|| spec.name)?)))
        .collect()
}

/// Writes every workload at a scale into `dir`, and its manifest.
pub fn generate(dir: &Path, scale: f64) -> Result<Manifest> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut entries = Vec::new();
    for spec in SPECS {
        for (p, data) in files(spec, scale)? {
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
        generator: GENERATOR.to_owned(),
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

/// The workloads for a criterion bench: current files in [`default_dir`], written first
/// when there are none (saying so on stderr); only those named in
/// `$PICKLEJAR_BENCH_ONLY` (comma-separated workload names) when it is set, so a run of
/// one workload does not read the others.
pub fn for_bench() -> Result<(Manifest, Vec<Workload>)> {
    let dir = default_dir();
    let (mut m, origin) = ensure(&dir)?;
    if origin == Origin::Written {
        eprintln!(
            "picklejar-bench: wrote the workloads into {}",
            dir.display()
        );
    }
    if let Some(only) = std::env::var_os("PICKLEJAR_BENCH_ONLY") {
        let only = only.to_string_lossy().into_owned();
        let names: Vec<&str> = only.split(',').filter(|s| !s.is_empty()).collect();
        m.workloads.retain(|e| names.contains(&e.name.as_str()));
    }
    let w = read_all(&dir, &m)?;
    Ok((m, w))
}
