//! CPython cross-version tables, read from the corpus (`corpus/<category>/<case>/case.yaml`):
//!
//! * **bytes**: for each producer and protocol, in how many cases that producer's pickle
//!   differs from the reference producer's (CPython 3.13's C pickler) at the same protocol;
//! * **loads**: for each reader and protocol, in how many reads (variant × load options)
//!   that reader's outcome (canon or error kind) differs from the reference reader's.
//!
//! The corpus model is the runner's ([`picklejar_runner::corpus`], specified in
//! `docs/CORPUS.md`).

use std::collections::BTreeMap;

use picklejar_codec::ErrorKind;
use picklejar_runner::corpus::{Corpus, ReaderOutcome, Variant};
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
    }
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
                Family::CPython | Family::CPythonPy | Family::CPickle
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
