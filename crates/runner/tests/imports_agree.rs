//! picklejar's import log (`picklejar_codec::imports`, through
//! `picklejar_runner::emulate::imports`) against what every CPython reader recorded in the
//! corpus (`imports:` of each result, docs/CORPUS.md section 3): for every variant, every
//! option set it was read with and every reader that read it, the events picklejar
//! computes *reading as that reader* must be the reader's.
//!
//! picklejar emulates a reader with its options (`emulate`): Python 2.7 looks names up as
//! the stream spells them (no fix_imports) and stops at protocol 3+ opcodes, 3.6 and 3.7
//! stop at protocol-5 opcodes, every Python 3 reader maps names by the same
//! `_compat_pickle` tables. What no option of picklejar's says is listed in [`CANNOT`],
//! each with why: those reads may differ, and each entry must still match a read that
//! does (a stale entry fails the test too).

use std::collections::BTreeMap;

use picklejar_codec::ImportEvent;
use picklejar_runner::corpus::{Corpus, Variant};
use picklejar_runner::emulate;
use picklejar_runner::ids::{Family, ImplId};

/// Reads picklejar cannot emulate: (readers, case id, why), the readers an id or
/// `cpython-*-py` (every pure-Python unpickler: CPython's `-py` readers and PyPy's, whose
/// pickle is pickle.py). Those readers' events may differ from
/// picklejar's on the variants of that case; every other read must agree. The C
/// unpicklers of Python 3, whose behaviour picklejar's loader follows, have none.
const CANNOT: &[(&str, &str, &str)] = &[
    (
        "cpython-*-py",
        "rejects/global_empty_parts",
        "the pure-Python unpickler looks up an empty module name (find '', 'len'); the C \
         unpicklers, as picklejar, stop at the empty line (truncated)",
    ),
    (
        "cpython-*-py",
        "rejects/global_no_newline",
        "the pure-Python unpickler takes a name line cut off by the end of the input (and \
         drops its last character: 'le'); picklejar, as the C unpicklers of Python 3, stops",
    ),
    (
        "cpython-2.7",
        "rejects/global_no_newline",
        "Python 2.7's cPickle takes a name line cut off by the end of the input too",
    ),
    (
        "cpython-*-py",
        "rejects/inst_no_mark",
        "the pure-Python unpickler runs INST without a MARK (from the bottom of the stack) \
         and finds the class; the C unpicklers, as picklejar, refuse the missing MARK first",
    ),
    (
        "cpython-2.7",
        "rejects/persid_non_ascii",
        "Python 2 takes any bytes as a PERSID id and calls persistent_load; Python 3, as \
         picklejar, needs ASCII, and no load option says otherwise",
    ),
    (
        "cpython-2.7-py",
        "rejects/persid_non_ascii",
        "as for cpython-2.7: Python 2's PERSID id may be any bytes",
    ),
];

/// Whether `reader` is one of the readers of a [`CANNOT`] entry.
fn listed(pattern: &str, reader: ImplId) -> bool {
    match pattern {
        "cpython-*-py" => matches!(reader.family, Family::CPythonPy | Family::PyPy),
        id => reader == id,
    }
}

/// The reference every codec reporting imports is graded against: it must agree on every
/// read, with no exception.
const REFERENCE: &str = "cpython-3.13";

fn strings(events: &[ImportEvent]) -> Vec<Vec<String>> {
    events.iter().map(ImportEvent::to_strings).collect()
}

/// A variant's pickle bytes and its out-of-band buffers.
type Inputs = (Vec<u8>, Option<Vec<Vec<u8>>>);

/// The bytes and buffers of a variant; `None` when the file does not decompress (no
/// reader loaded it, so none recorded imports).
fn inputs(case: &picklejar_runner::Case, v: &Variant) -> Option<Inputs> {
    let data = case.read_variant(v).ok()?;
    let buffers = case.read_buffers(v).expect("buffer files");
    Some((data, buffers))
}

#[test]
fn picklejar_imports_agree_with_every_reader_it_emulates() {
    let corpus =
        Corpus::open(Corpus::locate().expect("locate the corpus").path()).expect("read the corpus");
    // reader -> (agree, differ, differ but listed in CANNOT)
    let mut tally: BTreeMap<ImplId, (usize, usize, usize)> = BTreeMap::new();
    let mut used = vec![0usize; CANNOT.len()];
    let mut failures = Vec::new();
    for case in &corpus.cases {
        for v in &case.variants {
            let Some((data, buffers)) = inputs(case, v) else {
                continue;
            };
            for g in &v.results {
                let spec = case.load.merged(&g.options);
                for reader in &g.readers {
                    if reader.family == Family::DataOnly {
                        continue; // records no imports
                    }
                    let mine = emulate::imports(*reader, &data, &spec, buffers.clone())
                        .unwrap_or_else(|e| panic!("{} {}: {e}", case.id, v.file));
                    let e = tally.entry(*reader).or_default();
                    if mine == g.imports {
                        e.0 += 1;
                        continue;
                    }
                    let known = CANNOT
                        .iter()
                        .position(|(readers, id, _)| listed(readers, *reader) && *id == case.id);
                    if let Some(i) = known {
                        e.2 += 1;
                        used[i] += 1;
                        continue;
                    }
                    e.1 += 1;
                    failures.push(format!(
                        "{reader} {} {} {:?}:\n  {reader}: {:?}\n  picklejar: {:?}",
                        case.id,
                        v.file,
                        g.options.label(),
                        strings(&g.imports),
                        strings(&mine)
                    ));
                }
            }
        }
    }
    for (reader, (agree, differ, listed)) in &tally {
        eprintln!(
            "  {reader}: agrees on {agree}, differs on {differ}, {listed} listed as not emulated"
        );
    }
    let reference = tally
        .iter()
        .find(|(r, _)| **r == REFERENCE)
        .map(|(_, t)| t.0)
        .unwrap_or(0);
    assert!(
        reference > 0,
        "no reads by {REFERENCE} in {}",
        corpus.root.display()
    );
    let stale: Vec<String> = CANNOT
        .iter()
        .zip(&used)
        .filter(|(_, n)| **n == 0)
        .map(|((readers, id, _), _)| format!("{readers} {id}"))
        .collect();
    assert!(
        stale.is_empty(),
        "entries of CANNOT that no differing read needs (remove them): {stale:?}"
    );
    assert!(
        failures.is_empty(),
        "{} reads differ from picklejar's emulation of their reader:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
