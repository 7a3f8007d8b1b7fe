//! The codecs the criterion benches time, as tables: the benches and the driver iterate
//! them, so adding a codec (or another dump profile) is one entry here.
//!
//! Dumps are timed on the codec's own value, built once from the workload bytes
//! (untimed), written at the workload's protocol.

use picklejar_codec::{DumpOptions, Loader, Profile};
use serde_pickle::{DeOptions, SerOptions};

/// A codec's load of a whole pickle (the result is dropped inside, as CPython's is).
pub struct LoadCodec {
    /// Name in results (`picklejar`, `serde-pickle`).
    pub name: &'static str,
    /// Loads; `Ok` carries something small to keep the optimiser honest.
    pub load: fn(&[u8]) -> Result<usize, String>,
    /// How it is called, for the report.
    pub call: &'static str,
}

/// A prepared dump: the value is built once (untimed), the closure pickles it.
pub type PreparedDump = Box<dyn Fn() -> Result<usize, String>>;

/// A codec's dump of the value a workload holds, at a protocol.
pub struct DumpCodec {
    /// Name in results.
    pub name: &'static str,
    /// Protocols it writes (others are not benched).
    pub protocols: &'static [u8],
    /// Builds the codec's value from the workload bytes and returns the timed dump.
    pub prepare: fn(&[u8], u8) -> Result<PreparedDump, String>,
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
                .load(d)
                .map(|l| l.end)
                .map_err(|e| e.to_string())
        },
        call: "picklejar_codec::Loader::new().load(&bytes)",
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
        call: "picklejar_codec::dump(&graph, protocol, &DumpOptions::new(Profile::Py313))",
    },
    DumpCodec {
        name: "serde-pickle",
        protocols: &[2],
        prepare: |data, protocol| {
            let v =
                serde_pickle::value_from_slice(data, serde_options()).map_err(|e| e.to_string())?;
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
        call: "serde_pickle::value_to_vec(&value, SerOptions::new().proto_v2())",
    },
];
