//! picklejar's import log (`picklejar_codec::imports`) against what CPython's readers
//! recorded in the corpus (`imports:` of each result, docs/CORPUS.md section 3): for every
//! variant and every option set it was read with, the events picklejar computes must be
//! those of the reference reader, cpython-3.13.
//!
//! The rule (docs/CORPUS.md section 3): picklejar matches CPython 3.13's C unpickler with
//! the same options. Other readers may differ, and this test only counts where: Python 2.7
//! looks names up as written (no fix_imports) and stops at protocol 3+ opcodes; 3.6 and
//! 3.7 stop at protocol-5 opcodes; a pure-Python unpickler calls `func(*args)` with any
//! iterable where the C one wants a tuple.
//!
//! `case.yaml` is read here with its own minimal schema (the runner's `Corpus` does not
//! expose `imports`); options, decompression and buffers go through the public APIs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use picklejar_codec::{ImportEvent, Loader};
use picklejar_runner::corpus::{Corpus, LoadSpec, MAX_DECOMPRESSED};
use serde::Deserialize;

/// The reader picklejar's import log is held to.
const REFERENCE: &str = "cpython-3.13";

#[derive(Deserialize)]
struct CaseYaml {
    id: String,
    #[serde(default)]
    load: LoadSpec,
    variants: Vec<VariantYaml>,
}

#[derive(Deserialize)]
struct VariantYaml {
    file: String,
    #[serde(default)]
    buffers: Vec<String>,
    results: Vec<ResultYaml>,
}

#[derive(Deserialize)]
struct ResultYaml {
    #[serde(default)]
    options: LoadSpec,
    readers: Vec<String>,
    #[serde(default)]
    imports: Vec<Vec<String>>,
}

fn corpus_dir() -> PathBuf {
    Corpus::locate()
        .expect("locate the corpus")
        .path()
        .to_path_buf()
}

fn case_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for cat in std::fs::read_dir(root).expect("corpus dir").flatten() {
        if !cat.path().is_dir() {
            continue;
        }
        for case in std::fs::read_dir(cat.path())
            .expect("category dir")
            .flatten()
        {
            let p = case.path().join("case.yaml");
            if p.is_file() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The pickle bytes of a variant file: decompressed when compressed; `None` when it does
/// not decompress (no reader loaded it, so none recorded imports).
fn pickle_bytes(path: &Path) -> Option<Vec<u8>> {
    let raw = std::fs::read(path).expect("variant file");
    if picklejar_codec::compress::detect(&raw).is_none() {
        return Some(raw);
    }
    picklejar_codec::compress::decompress(&raw, MAX_DECOMPRESSED)
        .ok()
        .map(|b| b.into_owned())
}

/// picklejar's events for one read, as the corpus spells them. Without the
/// `persistent_load` option CPython raises at the first persistent id: a hook that fails
/// stops picklejar there too (and records no call).
fn picklejar_imports(
    data: &[u8],
    spec: &LoadSpec,
    buffers: Option<Vec<Vec<u8>>>,
) -> Option<Vec<Vec<String>>> {
    let opts = spec.to_options(buffers).ok()?;
    let mut loader = Loader::with_options(opts);
    if !spec.persistent_load {
        loader = loader.persistent_load(|_, _| Err("no persistent_load".into()));
    }
    let (_, events) = loader.load_with_imports(data);
    Some(events.iter().map(ImportEvent::to_strings).collect())
}

#[test]
fn picklejar_imports_agree_with_cpython_3_13() {
    let root = corpus_dir();
    let mut compared = 0usize;
    let mut with_imports = 0usize;
    let mut failures = Vec::new();
    // reader -> (agree, differ)
    let mut others: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for path in case_files(&root) {
        let text = std::fs::read_to_string(&path).expect("case.yaml");
        let case: CaseYaml =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let dir = path.parent().expect("case dir");
        for v in &case.variants {
            let Some(data) = pickle_bytes(&dir.join(&v.file)) else {
                continue;
            };
            let buffers = (!v.buffers.is_empty()).then(|| {
                v.buffers
                    .iter()
                    .map(|b| std::fs::read(dir.join(b)).expect("buffer file"))
                    .collect::<Vec<_>>()
            });
            let mut mine: Vec<(LoadSpec, Option<Vec<Vec<String>>>)> = Vec::new();
            for r in &v.results {
                let spec = case.load.merged(&r.options);
                let got = match mine.iter().find(|(s, _)| s == &spec) {
                    Some((_, got)) => got.clone(),
                    None => {
                        let got = picklejar_imports(&data, &spec, buffers.clone());
                        mine.push((spec.clone(), got.clone()));
                        got
                    }
                };
                let Some(got) = got else { continue };
                for reader in &r.readers {
                    if reader.ends_with("-dataonly") {
                        continue;
                    }
                    if reader == REFERENCE {
                        compared += 1;
                        with_imports += usize::from(!r.imports.is_empty());
                        if got != r.imports {
                            failures.push(format!(
                                "{} {} {:?}:\n  {REFERENCE}: {:?}\n  picklejar:    {:?}",
                                case.id,
                                v.file,
                                r.options.label(),
                                r.imports,
                                got
                            ));
                        }
                    } else {
                        let e = others.entry(reader.clone()).or_default();
                        if got == r.imports {
                            e.0 += 1;
                        } else {
                            e.1 += 1;
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "imports: {compared} reads by {REFERENCE} compared ({with_imports} with imports), {} differ",
        failures.len()
    );
    for (reader, (agree, differ)) in &others {
        if *differ > 0 {
            eprintln!(
                "  {reader}: picklejar agrees on {agree}, differs on {differ} (not required)"
            );
        }
    }
    assert!(
        compared > 0,
        "no reads by {REFERENCE} in {}",
        root.display()
    );
    assert!(
        failures.is_empty(),
        "{} reads differ from {REFERENCE}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
