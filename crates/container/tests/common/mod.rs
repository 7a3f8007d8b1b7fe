//! What the integration tests share: the committed test files, and a small budget.

use std::path::PathBuf;

use picklejar_codec::{Limits, LoadOptions};

/// The committed test file `tests/data/<name>`.
pub fn read(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The default options with a budget of 1 MiB.
pub fn one_mib() -> LoadOptions {
    LoadOptions {
        limits: Limits::DEFAULT.with_max_alloc(1 << 20),
        ..LoadOptions::default()
    }
}
