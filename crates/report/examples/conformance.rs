//! Renders `reports/conformance/index.html` from a results document, the way
//! `picklejar conformance` does once it calls the report:
//!
//! ```sh
//! cargo run --release -p picklejar-report --example conformance -- \
//!     [reports/conformance/results.json] [corpus] [reports/conformance/index.html]
//! ```

use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let results = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "reports/conformance/results.json".into()),
    );
    let corpus = PathBuf::from(args.next().unwrap_or_else(|| "corpus".into()));
    let out = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "reports/conformance/index.html".into()),
    );
    let t = Instant::now();
    picklejar_report::write_conformance_html(&results, &corpus, &out)?;
    let size = std::fs::metadata(&out)?.len();
    println!(
        "{}: {:.1} MiB in {:.2} s",
        out.display(),
        size as f64 / 1048576.0,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
