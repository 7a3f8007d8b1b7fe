//! # picklejar-bench
//!
//! picklejar's benchmarks, as a library (the `picklejar bench` command drives it):
//!
//! * **workloads**: the values ([`values`]), built as `picklejar_codec` graphs and written
//!   by `picklejar_codec::dump` with the CPython 3.13 profile into
//!   `reports/bench/workloads/` ([`workloads`]); a test holds the bytes to CPython 3.13's;
//! * **criterion benches** (`benches/codecs.rs`) of load (picklejar, serde-pickle) and dump
//!   (picklejar, serde-pickle), from the tables in [`codecs`] (no dump is timed before its
//!   output is checked against the workload file: [`codecs::prepare_verified`]), read back
//!   by [`criterion_read`];
//! * **CPython timings** ([`cpython`]): the C and pure-Python `pickle` on the same files in
//!   the same run (one process, samples interleaved, GC off while sampling as timeit);
//! * **instruction counts** ([`instructions`]): callgrind on one load or dump per workload
//!   file, picklejar (the `picklejar-bench-one` example) and CPython (`_pickle_loads`,
//!   `_pickle_dumps`);
//! * **the history** ([`history`]): the `history.json`, `local-history.json` and
//!   `baseline.json` documents (records with a mode — full, quick, instructions —, load
//!   averages and whether they are comparable), and building a run's record ([`record`]);
//! * **the statistics** ([`stats`]): speed-ups and changes from confidence intervals;
//! * **the gate** ([`gate`]): the latest record against the baseline of its mode, "not
//!   comparable" across modes or from a loaded machine. The bench page
//!   (`picklejar-report`) shows the same comparisons ([`gate::compare_runs`],
//!   [`gate::compare_counts`]).

pub mod codecs;
pub mod cpython;
pub mod criterion_read;
pub mod gate;
pub mod history;
pub mod instructions;
pub mod record;
pub mod stats;
pub mod values;
pub mod workloads;
