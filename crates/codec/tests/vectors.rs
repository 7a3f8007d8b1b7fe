//! Third-party pickles from `../shared/vectors/`: the og-rek test vectors must load or fail
//! exactly as CPython 3.13 does (`tests/data/ogrek-cpython.json`, made by
//! `tools/vectors_reference.py`), and nothing in the folder (fuzz corpus, hostile samples,
//! zips) nor any truncation of a valid pickle may panic, hang or allocate without bound.
//!
//! Where `../shared/vectors` is absent the trials are reported as ignored, with the reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use picklejar_codec::{Encoding, Limits, Loader, to_canon_with_depth};

/// Limits for hostile input: small enough that a test run stays cheap.
const LIMITS: Limits = Limits {
    max_depth: 1000,
    max_memo: 1 << 20,
    max_alloc: 256 << 20,
};

fn shared_dir() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("PICKLEJAR_SHARED") {
        return Some(PathBuf::from(p));
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    p.join("vectors").is_dir().then_some(p)
}

/// Loads and converts to canon with the hostile-input limits; returns the error kind.
fn load_all(data: &[u8], encoding: Encoding) -> Result<(), (String, Option<u64>)> {
    let mut loader = Loader::new().encoding(encoding).limits(LIMITS);
    let loaded = loader
        .load(data)
        .map_err(|e| (e.kind().to_string(), e.offset()))?;
    to_canon_with_depth(&loaded.graph, LIMITS.max_depth)
        .map_err(|e| (e.kind().to_string(), e.offset()))?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct Expected {
    ok: bool,
    kind: Option<String>,
    py_offset: Option<u64>,
}

fn ogrek_trials(shared: &Path) -> Vec<Trial> {
    let table: BTreeMap<String, Expected> =
        serde_json::from_str(include_str!("data/ogrek-cpython.json")).expect("reference table");
    let dir = shared.join("vectors/og-rek/test-vectors");
    table
        .into_iter()
        .map(|(name, want)| {
            let path = dir.join(&name);
            Trial::test(format!("ogrek/{name}"), move || {
                let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let got = load_all(&data, Encoding::Ascii);
                match (got, want.ok) {
                    (Ok(()), true) => Ok(()),
                    (Err((kind, off)), false) => {
                        let want_kind = want.kind.unwrap_or_default();
                        if kind != want_kind {
                            return Err(format!("CPython: {want_kind}, picklejar: {kind}").into());
                        }
                        match (off, want.py_offset) {
                            (Some(a), Some(b)) if a != b => {
                                Err(format!("{kind} at byte {a}, CPython at byte {b}").into())
                            }
                            _ => Ok(()),
                        }
                    }
                    (Ok(()), false) => {
                        Err(format!("CPython fails ({:?}), picklejar loads", want.kind).into())
                    }
                    (Err((kind, off)), true) => {
                        Err(format!("CPython loads, picklejar fails: {kind} at {off:?}").into())
                    }
                }
            })
        })
        .collect()
}

/// Every file under `vectors/`, read as a pickle (and each member of any folder).
fn robustness_trials(shared: &Path) -> Vec<Trial> {
    let mut files = Vec::new();
    let mut stack = vec![shared.join("vectors")];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    // One trial a folder keeps the list readable (the fuzz corpus has 2,054 files).
    let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for f in files {
        by_dir
            .entry(f.parent().map(Path::to_path_buf).unwrap_or_default())
            .or_default()
            .push(f);
    }
    by_dir
        .into_iter()
        .map(|(dir, files)| {
            let name = dir
                .strip_prefix(shared)
                .unwrap_or(&dir)
                .display()
                .to_string();
            Trial::test(format!("robust/{name}"), move || {
                for f in &files {
                    let data = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
                    // Every suffix start too: pickles embedded in zips and .npy headers.
                    for enc in [Encoding::Ascii, Encoding::Bytes] {
                        let _ = load_all(&data, enc);
                    }
                    for start in memchr_all(&data, 0x80).take(64) {
                        let _ = load_all(&data[start..], Encoding::Latin1);
                    }
                }
                Ok(())
            })
        })
        .collect()
}

fn memchr_all(data: &[u8], b: u8) -> impl Iterator<Item = usize> + '_ {
    data.iter()
        .enumerate()
        .filter(move |(_, c)| **c == b)
        .map(|(i, _)| i)
}

/// Every truncation of every og-rek test vector must fail cleanly (or load: a prefix can be
/// a complete pickle when STOP comes early).
fn truncation_trials(shared: &Path) -> Vec<Trial> {
    let dir = shared.join("vectors/og-rek/test-vectors");
    vec![Trial::test("truncations/og-rek-test-vectors", move || {
        let mut n = 0usize;
        let mut rd: Vec<_> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .map(|e| e.path())
            .collect();
        rd.sort();
        for p in rd {
            let data = std::fs::read(&p).map_err(|e| e.to_string())?;
            for cut in 0..data.len() {
                if let Err((kind, _)) = load_all(&data[..cut], Encoding::Latin1)
                    && kind.is_empty()
                {
                    return Err(Failed::from("empty error kind"));
                }
                n += 1;
            }
        }
        if n == 0 {
            return Err("no truncations were tried".into());
        }
        Ok(())
    })]
}

fn main() {
    let args = Arguments::from_args();
    let trials = match shared_dir() {
        Some(shared) => {
            let mut t = ogrek_trials(&shared);
            t.extend(robustness_trials(&shared));
            t.extend(truncation_trials(&shared));
            t
        }
        None => vec![
            Trial::test(
                "vectors: SKIPPED, ../shared/vectors not found (set PICKLEJAR_SHARED)",
                || Ok(()),
            )
            .with_ignored_flag(true),
        ],
    };
    libtest_mimic::run(&args, trials).exit();
}
