//! # picklejar-bench
//!
//! picklejar's benchmarks:
//!
//! * **workloads** ([`workloads`]): pickles written on demand into
//!   `reports/bench/workloads/` by CPython (`generators/bench_cpython.py generate`), else by
//!   a Rust fallback ([`fallback`], [`pywriter`]) that writes the same bytes;
//! * **criterion benches** (`benches/codecs.rs`) of load (picklejar, serde-pickle) and dump
//!   (serde-pickle; picklejar's when the pickler lands), from the tables in [`codecs`];
//! * **CPython timings** ([`cpython`]): the C and pure-Python `pickle` on the same files in
//!   the same run;
//! * **the driver** (`picklejar-bench run|gate|baseline|report|workloads`): runs both,
//!   appends a record to `reports/bench/history.json` ([`record`]), renders
//!   `reports/bench/index.html` with `picklejar-report`, and gates against the baseline
//!   ([`gate`]).

pub mod codecs;
pub mod cpython;
pub mod criterion_read;
pub mod fallback;
pub mod gate;
pub mod pywriter;
pub mod record;
pub mod workloads;
