//! Packs the workspace's `corpus/` (and the Python modules the CPython reference codecs run,
//! `generators/*.py`) into one deterministic tar, compressed with zstd, for `include_bytes!`.
//!
//! The content id is the SHA-256 of the corpus's `sha256sum`-style listing (one
//! `HEX  PATH\n` line per file under `corpus/`, sorted by path), the same digest
//! `picklejar_corpus::digest_dir` computes for a directory, so an embedded corpus and a
//! checkout with the same files have the same id.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn files(root: &Path, filter: impl Fn(&Path) -> bool) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap_or_else(|e| panic!("walking {}: {e}", root.display()));
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or_else(|e| panic!("{e}"))
            .to_string_lossy()
            .replace('\\', "/");
        if filter(Path::new(&rel)) {
            out.push((rel, entry.into_path()));
        }
    }
    out.sort();
    out
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let workspace = manifest.join("../..");
    let corpus = std::env::var_os("PICKLEJAR_CORPUS_SOURCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("corpus"));
    let generators = workspace.join("generators");
    println!("cargo:rerun-if-changed={}", corpus.display());
    println!("cargo:rerun-if-changed={}", generators.display());
    println!("cargo:rerun-if-env-changed=PICKLEJAR_CORPUS_SOURCE");
    assert!(
        corpus.join("manifest.yaml").is_file(),
        "picklejar-corpus: no corpus at {} (set PICKLEJAR_CORPUS_SOURCE)",
        corpus.display()
    );

    let mut listing = String::new();
    let mut tar = tar::Builder::new(Vec::new());
    tar.mode(tar::HeaderMode::Deterministic);
    let mut add = |name: String, path: &Path, listing: Option<&mut String>| {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Some(l) = listing {
            let hex: String = Sha256::digest(&data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            l.push_str(&format!("{hex}  {}\n", &name["corpus/".len()..]));
        }
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_cksum();
        tar.append_data(&mut h, &name, data.as_slice())
            .unwrap_or_else(|e| panic!("tar {name}: {e}"));
    };
    let corpus_files = files(&corpus, |_| true);
    for (rel, path) in &corpus_files {
        add(format!("corpus/{rel}"), path, Some(&mut listing));
    }
    // The CPython worker's modules: top-level generators/*.py and any package beside them,
    // without case definitions, tests or virtualenvs; and the globals the readers may
    // import for real (safe_globals.txt: anything else is read with inert stand-ins).
    for (rel, path) in files(&generators, |p| {
        let s = p.to_string_lossy();
        (p.extension().is_some_and(|e| e == "py") || s == "safe_globals.txt")
            && !s.starts_with("cases/")
            && !s.starts_with("tests/")
            && !s.starts_with(".venvs/")
            && !s.starts_with("pj/") // the generator driver; the worker does not need it
            && !s.contains("__pycache__")
    }) {
        add(format!("generators/{rel}"), &path, None);
    }
    let tar = tar.into_inner().unwrap_or_else(|e| panic!("tar: {e}"));
    let packed = zstd::bulk::compress(&tar, 9).unwrap_or_else(|e| panic!("zstd: {e}"));
    let digest: String = Sha256::digest(listing.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();

    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    std::fs::write(out.join("corpus.tar.zst"), &packed).unwrap_or_else(|e| panic!("{e}"));
    let mut meta = std::fs::File::create(out.join("meta.rs")).unwrap_or_else(|e| panic!("{e}"));
    writeln!(
        meta,
        "/// SHA-256 of the corpus listing (see the crate docs).\npub const SHA256: &str = \"{digest}\";\n/// Files under `corpus/`.\npub const FILES: usize = {};\n/// Bytes of the uncompressed archive (what [`unpack`](crate::unpack) writes, plus tar headers).\npub const UNPACKED_SIZE: usize = {};",
        corpus_files.len(),
        tar.len()
    )
    .unwrap_or_else(|e| panic!("{e}"));
}
