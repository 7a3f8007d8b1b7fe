//! CPython cross-version tables, read from the corpus (`corpus/<category>/<case>/case.yaml`):
//!
//! * **bytes**: for each producer and protocol, in how many cases that producer's pickle
//!   differs from the reference producer's (CPython 3.13's C pickler) at the same protocol;
//! * **loads**: for each reader and protocol, in how many reads (variant × load options)
//!   that reader's outcome (canon or error kind) differs from the reference reader's.
//!
//! Only the fields these tables need are read; the runner's `corpus.rs` owns the schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ReportError;

/// The producer and reader the tables compare against.
pub const REFERENCE: &str = "cpython-3.13";

/// The outcome of a reader that does not know the protocol at all.
const UNSUPPORTED: &str = "error:unsupported-protocol";

/// Highest protocol shown.
const MAX_PROTOCOL: u8 = 5;

#[derive(Deserialize)]
struct YCase {
    id: String,
    #[serde(default)]
    variants: Vec<YVariant>,
}

#[derive(Deserialize)]
struct YVariant {
    file: String,
    protocol: u8,
    #[serde(default)]
    written_at: Vec<u8>,
    #[serde(default)]
    producers: Vec<String>,
    #[serde(default)]
    results: Vec<YResult>,
}

#[derive(Deserialize)]
struct YResult {
    #[serde(default)]
    options: serde_yaml::Value,
    #[serde(default)]
    readers: Vec<String>,
    #[serde(default)]
    canon: Option<serde_yaml::Value>,
    #[serde(default)]
    error: Option<YError>,
}

#[derive(Deserialize)]
struct YError {
    kind: String,
}

/// One cell: how many comparisons differed, out of how many, and (some of) where.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Cell {
    /// Comparisons that differed.
    pub differ: usize,
    /// Comparisons made (0: the producer/reader has nothing at this protocol).
    pub total: usize,
    /// Comparisons where the reader refused the protocol itself (`unsupported-protocol`):
    /// not counted in `differ` or `total`.
    pub unsupported: usize,
    /// Case ids that differed, at most [`Cell::EXAMPLES`].
    pub examples: Vec<String>,
}

impl Cell {
    /// How many differing ids a cell keeps.
    pub const EXAMPLES: usize = 40;

    fn add(&mut self, differs: bool, id: &str) {
        self.total += 1;
        if differs {
            self.differ += 1;
            if self.examples.len() < Self::EXAMPLES && !self.examples.iter().any(|e| e == id) {
                self.examples.push(id.to_owned());
            }
        }
    }
}

/// One row: a producer or reader, a cell per protocol 0–5.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// `cpython-3.6-py`, …
    pub name: String,
    /// Cells for protocols 0..=5.
    pub cells: Vec<Cell>,
}

/// Both tables.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CrossVersion {
    /// The corpus directory read.
    pub root: String,
    /// Number of cases read.
    pub cases: usize,
    /// Producer × protocol: bytes that differ from [`REFERENCE`]'s.
    pub bytes: Vec<Row>,
    /// Reader × protocol: loads whose outcome differs from [`REFERENCE`]'s.
    pub loads: Vec<Row>,
}

/// Sort key for `cpython-X.Y[-suffix]`: by version, the C implementation first.
fn interp_key(name: &str) -> (u32, u32, String, String) {
    let Some(rest) = name.strip_prefix("cpython-") else {
        return (u32::MAX, 0, String::new(), name.to_owned());
    };
    let (ver, suffix) = rest.split_once('-').unwrap_or((rest, ""));
    let (maj, min) = ver.split_once('.').unwrap_or((ver, "0"));
    (
        maj.parse().unwrap_or(u32::MAX),
        min.parse().unwrap_or(0),
        suffix.to_owned(),
        name.to_owned(),
    )
}

fn outcome_key(r: &YResult) -> String {
    match (&r.canon, &r.error) {
        (Some(serde_yaml::Value::String(s)), _) => format!("canon:{s}"),
        (Some(v), _) => format!(
            "canon:{}",
            serde_json::to_string(v).unwrap_or_else(|_| format!("{v:?}"))
        ),
        (None, Some(e)) => format!("error:{}", e.kind),
        (None, None) => "none".to_owned(),
    }
}

fn protocols(v: &YVariant) -> Vec<u8> {
    if v.written_at.is_empty() {
        vec![v.protocol]
    } else {
        v.written_at.clone()
    }
}

/// The `case.yaml` files under `root` (`root/<category>/<case>/case.yaml`), sorted.
fn case_files(root: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root)
        .min_depth(3)
        .max_depth(3)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| ReportError::Corpus {
            path: root.to_owned(),
            message: e.to_string(),
        })?;
        if entry.file_name() == "case.yaml" {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// Reads the corpus at `root` and builds both tables.
///
/// A missing directory is an error; the caller decides whether to render without the
/// tables.
pub fn read(root: &Path) -> Result<CrossVersion, ReportError> {
    if !root.is_dir() {
        return Err(ReportError::Corpus {
            path: root.to_owned(),
            message: "not a directory".into(),
        });
    }
    let mut bytes: BTreeMap<String, Vec<Cell>> = BTreeMap::new();
    let mut loads: BTreeMap<String, Vec<Cell>> = BTreeMap::new();
    let empty = || vec![Cell::default(); MAX_PROTOCOL as usize + 1];
    let files = case_files(root)?;
    for path in &files {
        let text = std::fs::read_to_string(path).map_err(|e| ReportError::Corpus {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let case: YCase = serde_yaml::from_str(&text).map_err(|e| ReportError::Corpus {
            path: path.clone(),
            message: e.to_string(),
        })?;

        // bytes: producer -> protocol -> file
        let mut wrote: BTreeMap<&str, BTreeMap<u8, &str>> = BTreeMap::new();
        for v in &case.variants {
            for p in protocols(v) {
                for prod in &v.producers {
                    wrote.entry(prod).or_default().insert(p, &v.file);
                }
            }
        }
        if let Some(reference) = wrote.get(REFERENCE) {
            for (prod, by_proto) in &wrote {
                if !prod.starts_with("cpython-") {
                    continue;
                }
                let row = bytes.entry((*prod).to_owned()).or_insert_with(empty);
                for (p, file) in by_proto {
                    if let (Some(ref_file), Some(cell)) =
                        (reference.get(p), row.get_mut(*p as usize))
                    {
                        cell.add(file != ref_file, &case.id);
                    }
                }
            }
        }

        // loads: within one variant and one option set, readers vs the reference reader
        for v in &case.variants {
            let mut by_options: BTreeMap<String, Vec<&YResult>> = BTreeMap::new();
            for r in &v.results {
                let key = serde_json::to_string(&r.options).unwrap_or_default();
                by_options.entry(key).or_default().push(r);
            }
            for groups in by_options.values() {
                let Some(reference) = groups
                    .iter()
                    .find(|g| g.readers.iter().any(|r| r == REFERENCE))
                    .map(|g| outcome_key(g))
                else {
                    continue;
                };
                for g in groups {
                    let key = outcome_key(g);
                    let differs = key != reference;
                    let unsupported = differs && key == UNSUPPORTED;
                    // The data-only reading is a reference for data-only codecs, not a
                    // CPython version: it has no row here.
                    for reader in g.readers.iter().filter(|r| !r.ends_with("-dataonly")) {
                        let row = loads.entry(reader.clone()).or_insert_with(empty);
                        for p in protocols(v) {
                            if let Some(cell) = row.get_mut(p as usize) {
                                if unsupported {
                                    cell.unsupported += 1;
                                } else {
                                    cell.add(differs, &case.id);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let rows = |m: BTreeMap<String, Vec<Cell>>| {
        let mut v: Vec<Row> = m
            .into_iter()
            .map(|(name, cells)| Row { name, cells })
            .collect();
        v.sort_by_key(|r| interp_key(&r.name));
        v
    };
    Ok(CrossVersion {
        root: root.display().to_string(),
        cases: files.len(),
        bytes: rows(bytes),
        loads: rows(loads),
    })
}

#[cfg(test)]
mod tests {
    use super::interp_key;

    #[test]
    fn interpreters_sort_by_version_then_implementation() {
        let mut v = vec![
            "cpython-3.13-py",
            "cpython-3.10",
            "cpython-2.7-cPickle",
            "cpython-3.9",
            "cpython-2.7",
            "cpython-3.13",
        ];
        v.sort_by_key(|n| interp_key(n));
        assert_eq!(
            v,
            [
                "cpython-2.7",
                "cpython-2.7-cPickle",
                "cpython-3.9",
                "cpython-3.10",
                "cpython-3.13",
                "cpython-3.13-py"
            ]
        );
    }
}
