//! # picklejar-runner
//!
//! Replays the picklejar corpus through any pickle codec, diffs what it loads against what
//! CPython loaded, and gates releases with per-codec expectations files.
//!
//! * [`Corpus`] reads `corpus/**/case.yaml`.
//! * [`Codec`] is the one trait every codec implements; [`adapters`] has picklejar's own,
//!   serde-pickle, CPython (C and pure-Python, via a worker process), and any program
//!   speaking `docs/ADAPTERS.md` (one-shot or worker, described by an
//!   [`adapters::Manifest`]).
//! * [`model`] compares codecs that cannot hold every Python value (no tuple, one number
//!   type, unordered dicts, …) modulo their declared value model; [`raw`] normalises
//!   values adapters read off the stream without Python's rewrites, by the rules of the
//!   reader the codec implements ([`emulate`]: how picklejar's loader reads as
//!   `cpython-2.7`, `cpython-3.7`, … does).
//! * [`engine::run_codec`] runs the trials in parallel and applies [`Expectations`].
//! * [`Results`] is the JSON document every report renders.
//! * [`Harness`] runs the corpus inside another crate's `cargo test`.

pub mod adapters;
mod codec;
pub mod corpus;
mod diff;
pub mod emulate;
pub mod engine;
mod expect;
mod harness;
pub mod ids;
pub mod model;
pub mod raw;
pub mod results;
pub mod trial;

pub use codec::{Codec, CodecInfo, CompressedInput, LoadRequest, Outcome};
pub use corpus::{Case, Corpus, CorpusError, Variant};
pub use diff::unified;
pub use expect::{
    BlessOutcome, Entry, EntryStatus, Expectations, ExpectationsFile, RanTrial, Status, bless,
    bless_merge, failure_class,
};
pub use harness::Harness;
pub use ids::{ImplId, ProducerId, ReaderId};
pub use results::Results;
