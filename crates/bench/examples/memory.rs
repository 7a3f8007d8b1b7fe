//! Bytes a loaded graph holds, per file: `cargo run --release -p picklejar-bench --example
//! picklejar-bench-memory -- FILE[:UNITS]…`.
//!
//! Every allocation goes through a counting allocator (the system allocator underneath,
//! counting the bytes asked for, as `tracemalloc` does for CPython), so "held" is what the
//! [`Loaded`](picklejar_codec::Loaded) returned by the load keeps and "peak" the most the
//! load had at once, both past what the process held before. `UNITS` divides both (e.g.
//! the number of records), to compare with `generators/bench_cpython.py memory`, which
//! prints the same for CPython's `pickle.loads` under `tracemalloc`. One line per file:
//! `FILE held H B/unit peak P B/unit load T ns/unit` (the load's wall time, for seeing it
//! grow linearly with the file; time it properly with `picklejar bench`).

use std::hint::black_box;

use peak_alloc::PeakAlloc;
use picklejar_codec::Loader;

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for arg in std::env::args().skip(1) {
        let (path, units) = match arg.rsplit_once(':') {
            Some((p, u)) => (p.to_owned(), u.parse::<f64>()?),
            None => (arg.clone(), 1.0),
        };
        let data = std::fs::read(&path)?;
        ALLOC.reset_peak_usage();
        let base = ALLOC.current_usage();
        let started = std::time::Instant::now();
        let loaded = Loader::new().load(black_box(&data))?;
        let ns = started.elapsed().as_nanos() as f64;
        let held = ALLOC.current_usage().saturating_sub(base);
        let peak = ALLOC.peak_usage().saturating_sub(base);
        drop(black_box(loaded));
        println!(
            "{path} held {:.1} B/unit peak {:.1} B/unit load {:.0} ns/unit",
            held as f64 / units,
            peak as f64 / units,
            ns / units
        );
    }
    Ok(())
}
