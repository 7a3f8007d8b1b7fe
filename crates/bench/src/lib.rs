//! # picklejar-bench
//!
//! picklejar's benchmarks, as a library (the `picklejar bench` command drives it):
//!
//! * **workloads**: the values ([`values`]), built as `picklejar_codec` graphs and written
//!   by `picklejar_codec::dump` with the CPython 3.13 profile into
//!   `reports/bench/workloads/` ([`workloads`]); a test holds the bytes to CPython 3.13's;
//! * **criterion benches** (`benches/codecs.rs`) of load (picklejar, serde-pickle) and dump
//!   (picklejar, serde-pickle), from the tables in [`codecs`], read back by
//!   [`criterion_read`];
//! * **CPython timings** ([`cpython`]): the C and pure-Python `pickle` on the same files in
//!   the same run;
//! * **the history** ([`history`]): the `history.json` and `baseline.json` documents, and
//!   building a run's record ([`record`]);
//! * **the statistics** ([`stats`]): speed-ups and changes from confidence intervals;
//! * **the gate** ([`gate`]): the latest record against the baseline. The bench page
//!   (`picklejar-report`) shows the same comparison ([`gate::compare_runs`]).

pub mod codecs;
pub mod cpython;
pub mod criterion_read;
pub mod gate;
pub mod history;
pub mod record;
pub mod stats;
pub mod values;
pub mod workloads;
