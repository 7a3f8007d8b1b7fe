//! CPython (and PyPy) cross-version tables, read from the corpus (`corpus/<category>/<case>/case.yaml`):
//!
//! * **bytes**: for each producer and protocol, in how many cases that producer's pickle
//!   differs from the reference producer's (CPython 3.13's C pickler) at the same protocol;
//! * **loads**: for each reader and protocol, in how many reads (variant × load options)
//!   that reader's outcome (canon or error kind) differs from the reference reader's;
//! * **drift**: for each real library (numpy, pandas, scikit-learn), library version ×
//!   library version: of the variants a library producer wrote (`numpy-3.12`: the numpy
//!   pinned for CPython 3.12), how many each library reader (`numpy-2.7`: the numpy pinned
//!   for 2.7) loads with the real classes (the variants' `resolves`), and what the others
//!   raised. Versions come from `manifest.yaml` (`package:`).
//!
//! The corpus model is the runner's ([`picklejar_runner::corpus`], specified in
//! `docs/CORPUS.md`).

use std::collections::BTreeMap;

use picklejar_codec::ErrorKind;
use picklejar_runner::corpus::{Corpus, ReaderOutcome, Resolved, Variant};
use picklejar_runner::ids::{Family, REFERENCE};
use picklejar_runner::{Case, ImplId};
use serde::Serialize;

/// Highest protocol shown.
const MAX_PROTOCOL: u8 = 5;

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

/// One cell of a drift table: how many (variant, producer) pairs the reader loaded, out
/// of how many it read, and what the others raised.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DriftCell {
    /// Loads that returned.
    pub ok: usize,
    /// Loads made (0: the reader read nothing this producer wrote, e.g. a protocol it
    /// does not have).
    pub total: usize,
    /// `Type (kind) ×N` for each exception the failed loads raised, most frequent first.
    pub errors: Vec<String>,
    /// One message per exception type, for the cell's title.
    pub messages: Vec<String>,
    /// Case ids that failed, at most [`Cell::EXAMPLES`].
    pub examples: Vec<String>,
}

/// One row of a drift table: a library producer.
#[derive(Clone, Debug, Serialize)]
pub struct DriftRow {
    /// `numpy 1.26.4 (numpy-3.12)`.
    pub name: String,
    /// One cell per reader of the table, in its order.
    pub cells: Vec<DriftCell>,
}

/// The library version × library version table of one library.
#[derive(Clone, Debug, Serialize)]
pub struct Drift {
    /// `numpy`, `pandas`, `sklearn`.
    pub library: String,
    /// The column headers: the library readers, `numpy 1.16.6 (2.7)`.
    pub readers: Vec<String>,
    /// One row per producer.
    pub rows: Vec<DriftRow>,
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
    /// Library version × library version, one table per library with `resolves` records.
    pub drift: Vec<Drift>,
}

/// Whether two readers got the same: the same canon, or errors of the same kind.
fn same_outcome(a: &ReaderOutcome, b: &ReaderOutcome) -> bool {
    match (a, b) {
        (ReaderOutcome::Canon(x), ReaderOutcome::Canon(y)) => x == y,
        (ReaderOutcome::Error { kind: x, .. }, ReaderOutcome::Error { kind: y, .. }) => x == y,
        _ => false,
    }
}

fn protocols(v: &Variant) -> &[u8] {
    if v.written_at.is_empty() {
        std::slice::from_ref(&v.protocol)
    } else {
        &v.written_at
    }
}

/// Builds both tables from an opened corpus.
///
/// ```no_run
/// let corpus = picklejar_runner::Corpus::open("corpus")?;
/// let tables = picklejar_report::crossver::tables(&corpus);
/// println!("{} producers compared with CPython 3.13", tables.bytes.len());
/// # Ok::<(), picklejar_runner::CorpusError>(())
/// ```
pub fn tables(corpus: &Corpus) -> CrossVersion {
    let mut bytes: BTreeMap<ImplId, Vec<Cell>> = BTreeMap::new();
    let mut loads: BTreeMap<ImplId, Vec<Cell>> = BTreeMap::new();
    for case in &corpus.cases {
        add_case(case, &mut bytes, &mut loads);
    }
    let rows = |m: BTreeMap<ImplId, Vec<Cell>>| {
        let mut v: Vec<(ImplId, Vec<Cell>)> = m.into_iter().collect();
        v.sort_by(|a, b| ImplId::report_order(&a.0, &b.0));
        v.into_iter()
            .map(|(id, cells)| Row {
                name: id.to_string(),
                cells,
            })
            .collect()
    };
    CrossVersion {
        root: corpus.root.display().to_string(),
        cases: corpus.cases.len(),
        bytes: rows(bytes),
        loads: rows(loads),
        drift: drift(corpus),
    }
}

/// The `package:` of each producer and reader of the corpus's `manifest.yaml` (`numpy-3.12`
/// → `numpy==2.2.6`); empty when there is no manifest. The manifest is one entry a `- id:`
/// line with its fields indented below (`docs/CORPUS.md` section 10).
fn packages(corpus: &Corpus) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(corpus.root.join("manifest.yaml")).unwrap_or_default();
    let mut out = BTreeMap::new();
    let mut id: Option<String> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("- id: ") {
            id = Some(rest.trim().to_owned());
        } else if let (Some(i), Some(rest)) = (&id, line.strip_prefix("  package: ")) {
            let v = rest.trim().trim_matches('"');
            // readers and producers of one id have the same package
            out.insert(i.clone(), v.to_owned());
        }
    }
    out
}

/// `numpy 2.2.6 (3.10)` for the id `numpy-3.10` whose package is `numpy==2.2.6`.
fn drift_label(id: ImplId, packages: &BTreeMap<String, String>) -> String {
    let py = id.version.map(|v| v.to_string()).unwrap_or_default();
    match packages.get(&id.to_string()) {
        Some(p) => format!("{} ({py})", p.replacen("==", " ", 1)),
        None => id.to_string(),
    }
}

/// The drift tables ([`Drift`]): for each library, each producer × each reader.
pub fn drift(corpus: &Corpus) -> Vec<Drift> {
    type Key = (&'static str, ImplId, ImplId);
    #[derive(Default)]
    struct Acc {
        ok: usize,
        total: usize,
        errors: BTreeMap<String, (usize, String)>,
        examples: Vec<String>,
    }
    let mut acc: BTreeMap<Key, Acc> = BTreeMap::new();
    let mut producers: BTreeMap<&'static str, Vec<ImplId>> = BTreeMap::new();
    let mut readers: BTreeMap<&'static str, Vec<ImplId>> = BTreeMap::new();
    for case in &corpus.cases {
        for v in &case.variants {
            for g in &v.resolves {
                for r in &g.readers {
                    let Some(lib) = r.library() else { continue };
                    let rs = readers.entry(lib).or_default();
                    if !rs.contains(r) {
                        rs.push(*r);
                    }
                    for p in v.producers.iter().filter(|p| p.library() == Some(lib)) {
                        let ps = producers.entry(lib).or_default();
                        if !ps.contains(p) {
                            ps.push(*p);
                        }
                        let a = acc.entry((lib, *p, *r)).or_default();
                        a.total += 1;
                        match &g.outcome {
                            Resolved::Ok => a.ok += 1,
                            Resolved::Error {
                                kind,
                                exception,
                                message,
                            } => {
                                let e = a
                                    .errors
                                    .entry(format!("{exception} ({kind})"))
                                    .or_insert_with(|| (0, message.clone()));
                                e.0 += 1;
                                if a.examples.len() < Cell::EXAMPLES
                                    && !a.examples.iter().any(|x| x == &case.id)
                                {
                                    a.examples.push(case.id.clone());
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let packages = packages(corpus);
    let mut out = Vec::new();
    for (lib, mut ps) in producers {
        let mut rs = readers.remove(lib).unwrap_or_default();
        ps.sort_by(ImplId::report_order);
        rs.sort_by(ImplId::report_order);
        let rows = ps
            .iter()
            .map(|p| DriftRow {
                name: drift_label(*p, &packages),
                cells: rs
                    .iter()
                    .map(|r| match acc.remove(&(lib, *p, *r)) {
                        None => DriftCell::default(),
                        Some(a) => {
                            let mut errors: Vec<(String, (usize, String))> =
                                a.errors.into_iter().collect();
                            errors.sort_by(|x, y| y.1.0.cmp(&x.1.0).then(x.0.cmp(&y.0)));
                            DriftCell {
                                ok: a.ok,
                                total: a.total,
                                messages: errors
                                    .iter()
                                    .map(|(e, (_, m))| format!("{e}: {m}"))
                                    .collect(),
                                errors: errors
                                    .iter()
                                    .map(|(e, (n, _))| format!("{e} ×{n}"))
                                    .collect(),
                                examples: a.examples,
                            }
                        }
                    })
                    .collect(),
            })
            .collect();
        out.push(Drift {
            library: lib.to_owned(),
            readers: rs.iter().map(|r| drift_label(*r, &packages)).collect(),
            rows,
        });
    }
    out
}

type Table = BTreeMap<ImplId, Vec<Cell>>;

fn add_case(case: &Case, bytes: &mut Table, loads: &mut Table) {
    let empty = || vec![Cell::default(); MAX_PROTOCOL as usize + 1];
    // bytes: producer -> protocol -> file
    let mut wrote: BTreeMap<ImplId, BTreeMap<u8, &str>> = BTreeMap::new();
    for v in &case.variants {
        for p in protocols(v) {
            for prod in &v.producers {
                wrote.entry(*prod).or_default().insert(*p, &v.file);
            }
        }
    }
    if let Some(reference) = wrote.get(&REFERENCE) {
        for (prod, by_proto) in &wrote {
            let cpython = matches!(
                prod.family,
                Family::CPython | Family::CPythonPy | Family::CPickle | Family::PyPy
            );
            if !cpython {
                continue;
            }
            let row = bytes.entry(*prod).or_insert_with(empty);
            for (p, file) in by_proto {
                if let (Some(ref_file), Some(cell)) = (reference.get(p), row.get_mut(*p as usize)) {
                    cell.add(file != ref_file, &case.id);
                }
            }
        }
    }

    // loads: within one variant and one option set, readers vs the reference reader
    for v in &case.variants {
        for options in v.option_sets() {
            let groups: Vec<_> = v.results.iter().filter(|g| g.options == options).collect();
            let Some(reference) = groups
                .iter()
                .find(|g| g.readers.contains(&REFERENCE))
                .map(|g| &g.outcome)
            else {
                continue;
            };
            for g in &groups {
                let differs = !same_outcome(&g.outcome, reference);
                let unsupported = differs
                    && matches!(&g.outcome, ReaderOutcome::Error { kind, .. } if *kind == ErrorKind::UnsupportedProtocol);
                // The data-only reading is a reference for data-only codecs, not a
                // CPython version: it has no row here.
                for reader in g.readers.iter().filter(|r| r.family != Family::DataOnly) {
                    let row = loads.entry(*reader).or_insert_with(empty);
                    for p in protocols(v) {
                        if let Some(cell) = row.get_mut(*p as usize) {
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
