//! # picklejar-codec
//!
//! A data-only codec for Python's pickle format, the reference codec of the picklejar
//! conformance harness.
//!
//! * **Every protocol (0–5), every CPython (2.7, 3.6–3.13)**, every opcode including the
//!   Python-2-only and load-only ones (INST, OBJ, STRING, DUP, EXT1/2/4, …).
//! * **Data only.** Loading never runs code and never imports anything: a GLOBAL is a
//!   name, REDUCE/NEWOBJ/BUILD produce description nodes ([`Node::Object`],
//!   [`Node::Reduce`]).
//! * **Identity preserved.** The result is a [`Graph`]: an arena in which shared and
//!   recursive references are the same [`NodeId`].
//! * **Safe on hostile input.** Malformed input is an [`Error`] with an [`ErrorKind`], the
//!   opcode and its byte offset; never a panic. Length prefixes are checked against the
//!   remaining input before anything is allocated, and [`Limits`] bound depth, memo size and
//!   total allocation. No `unsafe` but one call: into the AVX2/BMI2 Latin-1 conversion
//!   after the CPU's features are detected (`#[target_feature]` functions need it).
//! * **Byte-exact dumps.** [`dump`] writes what a given CPython's pickler ([`Profile`])
//!   writes for the same object graph.
//! * **Canon.** [`to_canon`] turns a graph into the codec-neutral [`Canon`] tree the runner
//!   compares (`docs/CANON.md`).
//!
//! ```
//! use picklejar_codec::{load, to_canon};
//!
//! // pickle.dumps([1, 'a', None], protocol=2)
//! let g = load(b"\x80\x02]q\x00(K\x01X\x01\x00\x00\x00aq\x01Ne.")?;
//! let canon = to_canon(&g)?;
//! assert_eq!(canon.to_text(), "list\n  int 1\n  str \"a\"\n  none\n");
//! # Ok::<(), picklejar_codec::Error>(())
//! ```
//!
//! ## Names
//!
//! * *str* and [`Text`] are a Python `str` value ([`Node::Str`], [`Canon::Str`]).
//! * The *text rendering* is [`Canon::to_text`], the one-node-a-line form of a canon tree
//!   that diffs are made of; the *JSON* form is [`Canon::to_json_string`].
//! * An *error kind* is an [`ErrorKind`], named as the corpus names it (`truncated`, …).

#![deny(missing_docs)]
// Denied, not forbidden, for the one `#[allow(unsafe_code)]` call into a `#[target_feature]`
// function after run-time detection (`text/x86.rs`).
#![deny(unsafe_code)]

pub mod canon;
mod compat_tables;
#[cfg(feature = "compression")]
pub mod compress;
mod dis;
mod dump;
mod error;
mod imports;
mod load;
mod opcode;
mod payload;
pub mod sniff;
mod text;
mod value;

/// The [`bytes`](https://docs.rs/bytes) crate, whose [`Bytes`](bytes::Bytes)
/// [`Loader::load_shared`] takes and [`Payload`] can hold.
pub use bytes;
pub use canon::{
    Canon, CanonObject, CanonReduce, to_canon, to_canon_with_depth, to_canon_with_limits,
};
pub use dis::{DisLine, Disassembly, dis, dis_brief, dis_cut};
pub use dump::{DumpOptions, Dumped, DumpedParts, Profile, dump, dump_parts};
pub use error::{Error, ErrorKind, Result};
pub use imports::{ImportEvent, Imports, Via, imports};
pub use load::{
    DecodeErrors, Encoding, Limits, LoadOptions, Loaded, Loader, OtherEncoding, PersistentLoad,
    load,
};
pub use opcode::{ArgKind, Opcode, StackItem};
pub use payload::{Payload, SHARE_MIN};
pub use value::{
    Global, GlobalForm, Graph, Node, NodeId, Object, ObjectForm, Reduce, ReduceForm, Text, Value,
};

/// The examples of `README.md`, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The highest protocol this codec reads (and CPython 3.8+ writes).
///
/// ```
/// use picklejar_codec::{ErrorKind, HIGHEST_PROTOCOL, load};
///
/// assert!(load(&[0x80, HIGHEST_PROTOCOL, b'N', b'.']).is_ok());
/// let e = load(&[0x80, HIGHEST_PROTOCOL + 1, b'N', b'.']).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::UnsupportedProtocol);
/// ```
pub const HIGHEST_PROTOCOL: u8 = 5;
