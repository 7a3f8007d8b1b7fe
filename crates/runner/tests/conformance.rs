//! `cargo test -p picklejar-runner --test conformance`: every picklejar trial of the corpus
//! as a named test (`load/<case>/<variant>`), gated by `expectations/picklejar.yaml`.
//! Filters, `--list`, `--ignored` and `--exact` work as with any libtest binary.

use std::path::Path;

use picklejar_runner::Harness;
use picklejar_runner::adapters::Picklejar;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    Harness::new(Picklejar)
        .corpus(root.join("corpus"))
        .expectations(root.join("expectations/picklejar.yaml"))
        .run_libtest();
}
