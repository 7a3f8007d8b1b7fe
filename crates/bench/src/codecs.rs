//! The codecs the criterion benches time, as tables: the benches and the driver iterate
//! them, so adding a codec (or another dump profile) is one entry here.
//!
//! Dumps are timed on the codec's own value, built once from the workload bytes
//! (untimed), written at the workload's protocol. Before any dump is timed its output is
//! checked ([`prepare_verified`]): picklejar's must be the workload file byte for byte (the
//! file is what CPython 3.13 writes), so speed is never measured on wrong output; a codec
//! that does not write CPython's bytes (serde-pickle: no memo, no frames) must at least
//! read its own output back to the value it dumped.

use picklejar_codec::bytes::Bytes;
use picklejar_codec::{DumpOptions, Loader, Profile};
use serde_pickle::{DeOptions, SerOptions};

/// A codec's load of a whole pickle (the result is dropped inside, as CPython's is).
pub struct LoadCodec {
    /// Name in results (`picklejar`, `serde-pickle`).
    pub name: &'static str,
    /// Loads; `Ok` carries something small to keep the optimiser honest.
    /// Its input is the workload's bytes as [`Bytes`] (made once, untimed), so a codec
    /// that can share payloads with its input does ([`Loader::load_shared`]).
    pub load: fn(&Bytes) -> Result<usize, String>,
    /// How it is called, for the report.
    pub call: &'static str,
}

/// A prepared dump: the value is built once (untimed), the closure pickles it.
pub type PreparedDump = Box<dyn Fn() -> Result<usize, String>>;

/// What a dump's output is checked against before it is timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpCheck {
    /// The workload file, byte for byte (the bytes CPython 3.13 writes).
    Bytes,
    /// The codec's own reading of its output equals the value it dumped (for codecs that
    /// do not aim at CPython's bytes).
    RoundTrip,
}

/// A codec's output for a workload at a protocol, for [`DumpCheck::Bytes`] (`None`: the codec
/// checks itself in `prepare`).
pub type DumpOutput = fn(&[u8], u8) -> Option<Result<Vec<u8>, String>>;

/// A codec's dump of the value a workload holds, at a protocol.
pub struct DumpCodec {
    /// Name in results.
    pub name: &'static str,
    /// What its output must match before it is timed.
    pub check: DumpCheck,
    /// Protocols it writes (others are not benched).
    pub protocols: &'static [u8],
    /// Builds the codec's value from the workload bytes and returns the timed dump.
    pub prepare: fn(&[u8], u8) -> Result<PreparedDump, String>,
    /// Its output, for the check (for [`DumpCheck::Bytes`]; `None` for the others, whose
    /// `prepare` checks the round trip itself).
    pub output: DumpOutput,
    /// How it is called, for the report.
    pub call: &'static str,
}

fn serde_options() -> DeOptions {
    // Globals (classes, datetime.date, numpy's reconstructors) are replaced by None;
    // without this serde-pickle refuses every workload holding an instance.
    DeOptions::new().replace_unresolved_globals()
}

/// Every load codec, in display order.
pub const LOADERS: &[LoadCodec] = &[
    LoadCodec {
        name: "picklejar",
        load: |d| {
            Loader::new()
                .load_shared(d.clone())
                .map(|l| l.end)
                .map_err(|e| e.to_string())
        },
        call: "picklejar_codec::Loader::new().load_shared(bytes.clone())",
    },
    LoadCodec {
        name: "serde-pickle",
        load: |d| {
            serde_pickle::value_from_slice(d, serde_options())
                .map(|v| std::mem::size_of_val(&v))
                .map_err(|e| e.to_string())
        },
        call: "serde_pickle::value_from_slice(&bytes, DeOptions::new().replace_unresolved_globals())",
    },
];

/// Every dump codec, in display order.
pub const DUMPERS: &[DumpCodec] = &[
    DumpCodec {
        name: "picklejar",
        check: DumpCheck::Bytes,
        protocols: &[2, 4, 5],
        prepare: |data, protocol| {
            let graph = Loader::new().load(data).map_err(|e| e.to_string())?.graph;
            let opts = DumpOptions::new(Profile::Py313);
            Ok(Box::new(move || {
                picklejar_codec::dump(&graph, protocol, &opts)
                    .map(|d| d.bytes.len())
                    .map_err(|e| e.to_string())
            }))
        },
        output: |data, protocol| {
            Some(
                Loader::new()
                    .load(data)
                    .map_err(|e| e.to_string())
                    .and_then(|l| {
                        picklejar_codec::dump(&l.graph, protocol, &DumpOptions::new(Profile::Py313))
                            .map(|d| d.bytes)
                            .map_err(|e| e.to_string())
                    }),
            )
        },
        call: "picklejar_codec::dump(&graph, protocol, &DumpOptions::new(Profile::Py313))",
    },
    DumpCodec {
        name: "serde-pickle",
        check: DumpCheck::RoundTrip,
        protocols: &[2],
        prepare: |data, protocol| {
            let v =
                serde_pickle::value_from_slice(data, serde_options()).map_err(|e| e.to_string())?;
            let dumped = serde_pickle::value_to_vec(&v, SerOptions::new().proto_v2())
                .map_err(|e| e.to_string())?;
            let back = serde_pickle::value_from_slice(&dumped, serde_options())
                .map_err(|e| format!("{ROUND_TRIP}serde-pickle cannot read its own dump: {e}"))?;
            if back != v {
                return Err(format!(
                    "{ROUND_TRIP}serde-pickle reads its own dump back as another value"
                ));
            }
            let opts = move || {
                if protocol == 2 {
                    SerOptions::new().proto_v2()
                } else {
                    SerOptions::new()
                }
            };
            Ok(Box::new(move || {
                serde_pickle::value_to_vec(&v, opts())
                    .map(|b| b.len())
                    .map_err(|e| e.to_string())
            }))
        },
        output: |_, _| None,
        call: "serde_pickle::value_to_vec(&value, SerOptions::new().proto_v2())",
    },
];

/// Why a dump's output is not the workload file: sizes and the first differing byte.
pub fn describe_mismatch(got: &[u8], want: &[u8]) -> String {
    let at = got
        .iter()
        .zip(want)
        .position(|(a, b)| a != b)
        .unwrap_or(got.len().min(want.len()));
    let show = |b: &[u8]| {
        b.get(at..(at + 8).min(b.len()))
            .unwrap_or(&[])
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
    };
    format!(
        "output differs from the workload file: {} bytes written, {} expected, first \
         difference at byte {at} (wrote {}…, file has {}…)",
        got.len(),
        want.len(),
        show(got),
        show(want)
    )
}

/// Why a dump is not timed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotTimed {
    /// The codec cannot handle the workload (it fails to read it or to write it): a
    /// limitation of the codec, noted.
    Unsupported(String),
    /// The codec wrote wrong output: other bytes than the workload file (picklejar), or
    /// output it cannot read back to the value it dumped (serde-pickle). An error.
    Wrong(String),
}

impl std::fmt::Display for NotTimed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotTimed::Unsupported(e) | NotTimed::Wrong(e) => f.write_str(e),
        }
    }
}

/// A dump ready to time, after its output passed the codec's [`DumpCheck`] against the
/// workload bytes `data` (the file it came from, at `protocol`).
pub fn prepare_verified(
    codec: &DumpCodec,
    data: &[u8],
    protocol: u8,
) -> Result<PreparedDump, NotTimed> {
    let dump = (codec.prepare)(data, protocol).map_err(|e| {
        if codec.check == DumpCheck::RoundTrip && e.starts_with(ROUND_TRIP) {
            NotTimed::Wrong(e)
        } else {
            NotTimed::Unsupported(e)
        }
    })?;
    dump().map_err(NotTimed::Unsupported)?;
    if codec.check == DumpCheck::Bytes {
        match (codec.output)(data, protocol) {
            Some(Ok(out)) if out == data => {}
            Some(Ok(out)) => return Err(NotTimed::Wrong(describe_mismatch(&out, data))),
            Some(Err(e)) => return Err(NotTimed::Unsupported(e)),
            None => {
                return Err(NotTimed::Unsupported(format!(
                    "{} has no output to check",
                    codec.name
                )));
            }
        }
    }
    Ok(dump)
}

/// How a failed round-trip check starts (so [`prepare_verified`] tells it from a codec that
/// cannot read the workload at all).
const ROUND_TRIP: &str = "round trip: ";

#[cfg(test)]
mod tests {
    use super::*;

    fn picklejar() -> &'static DumpCodec {
        DUMPERS
            .iter()
            .find(|d| d.name == "picklejar")
            .expect("listed")
    }

    #[test]
    fn a_dump_that_rewrites_the_file_is_not_timed() {
        // [1, 2] at protocol 2 as CPython writes it: PROTO 2, EMPTY_LIST, BINPUT 0, MARK,
        // BININT1 1, BININT1 2, APPENDS, STOP
        let cpython = b"\x80\x02]q\x00(K\x01K\x02e.";
        assert!(prepare_verified(picklejar(), cpython, 2).is_ok());
        // the same value with BININT for 2: picklejar loads it, but dumps BININT1, so
        // timing its dump of this "workload" would time other output than the file
        let odd = b"\x80\x02]q\x00(K\x01J\x02\x00\x00\x00e.";
        let Err(NotTimed::Wrong(e)) = prepare_verified(picklejar(), odd, 2) else {
            panic!("a dump that differs from the file must not be timed");
        };
        assert!(e.contains("first difference at byte 8"), "{e}");
        assert!(e.contains("12 bytes written, 15 expected"), "{e}");
    }

    #[test]
    fn serde_pickle_is_held_to_its_own_round_trip() {
        let serde = DUMPERS
            .iter()
            .find(|d| d.name == "serde-pickle")
            .expect("listed");
        assert_eq!(serde.check, DumpCheck::RoundTrip);
        let cpython = b"\x80\x02]q\x00(K\x01K\x02e.";
        assert!(prepare_verified(serde, cpython, 2).is_ok());
        // a workload it cannot read is a limitation, not wrong output
        assert!(matches!(
            prepare_verified(serde, b"\x80\x02\xff.", 2),
            Err(NotTimed::Unsupported(_))
        ));
    }
}
