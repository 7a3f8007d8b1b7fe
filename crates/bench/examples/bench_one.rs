//! `picklejar-bench-one`: one picklejar load, dump or stream per workload file, for
//! callgrind.
//!
//! ```text
//! picklejar-bench-one load|dump|stream FILE:PROTOCOL...
//! ```
//!
//! For each file, in order: read it, warm up (one untimed load, or one dump of the loaded
//! graph, through a function callgrind does not count), then call [`load_once`],
//! [`dump_once`] or [`stream_once`] exactly once. `picklejar bench instructions` runs this
//! under `valgrind --tool=callgrind --toggle-collect=picklejar_bench_one::load_once
//! --dump-after=…` (likewise `dump_once`, `stream_once`), so callgrind writes one profile
//! part per file holding the instructions of that one call and nothing else: reading the
//! file, building the graph a dump pickles, and freeing what the call returned all happen
//! outside it, as with the `_pickle_loads`/`_pickle_dumps`/`_pickle_Pickler_dump` toggles
//! on CPython.
//!
//! `stream` counts [`stream_once`], a dump in parts (`dump_parts`, large payloads borrowed,
//! not copied), against `bench_cpython.py once stream` toggled on `_pickle_Pickler_dump`
//! (`pickle.Pickler(file).dump`, which hands large payloads to the file whole); `bench
//! instructions` counts all three (`picklejar_bench::instructions::OPS`).
//!
//! Every dump and stream is compared with the file's bytes (outside the count). One JSON line per
//! file on stdout: `{"file":…, "op":…, "called":…, "ok":…, "error":…}` (`called`: whether
//! the counted function ran, so whether callgrind wrote a part for this file).

// The `picklejar` command's allocator, as in the criterion benches: mimalloc (through its
// plain entry points) serves the graph's many small blocks, the system allocator the few
// of 32 MiB and more.
#[global_allocator]
static GLOBAL: picklejar_alloc::Picklejar = picklejar_alloc::Picklejar::DEFAULT;

use std::hint::black_box;

use picklejar_codec::bytes::Bytes;
use picklejar_codec::{DumpOptions, DumpedParts, Graph, Loaded, Loader, Profile};

/// The counted load: one `Loader::new().load_shared` of the whole file, handed over as
/// [`Bytes`] made outside the count (as CPython's `pickle.loads` is handed a `bytes`
/// object), so payloads of [`picklejar_codec::SHARE_MIN`] bytes and more are shared with
/// it, not copied. The graph is returned, so it is freed outside the count.
#[inline(never)]
fn load_once(data: Bytes) -> picklejar_codec::Result<Loaded> {
    Loader::new().load_shared(black_box(data))
}

/// The counted dump: one `picklejar_codec::dump` of the graph at `protocol` with the
/// CPython 3.13 profile. The bytes are returned, so they are freed outside the count.
#[inline(never)]
fn dump_once(graph: &Graph, protocol: u8, opts: &DumpOptions) -> picklejar_codec::Result<Vec<u8>> {
    picklejar_codec::dump(black_box(graph), protocol, opts).map(|d| d.bytes)
}

/// The counted dump in parts (`stream`): one `picklejar_codec::dump_parts`, what
/// `picklejar dump` writes out, whose large payloads are borrowed from the graph as
/// CPython's `Pickler(file).dump` hands them to the file's `write`. The parts are returned,
/// so they are freed outside the count.
#[inline(never)]
fn stream_once<'g>(
    graph: &'g Graph,
    protocol: u8,
    opts: &DumpOptions,
) -> picklejar_codec::Result<DumpedParts<'g>> {
    picklejar_codec::dump_parts(black_box(graph), protocol, opts)
}

/// The warm-up: the same work through a function callgrind does not toggle on.
#[inline(never)]
fn warm_up(data: &Bytes, dump: Option<(&Graph, u8, &DumpOptions)>) {
    match dump {
        None => drop(black_box(Loader::new().load_shared(data.clone()))),
        Some((g, p, o)) => drop(black_box(picklejar_codec::dump(g, p, o))),
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"?\"".into())
}

/// Runs one file; `called` says whether the counted function ran (callgrind wrote a part
/// for it), `Err` what went wrong.
fn one(op: &str, path: &str, protocol: u8) -> (bool, Result<(), String>) {
    let data = match std::fs::read(path) {
        Ok(d) => Bytes::from(d),
        Err(e) => return (false, Err(format!("reading {path}: {e}"))),
    };
    match op {
        "load" => {
            warm_up(&data, None);
            let loaded = load_once(data.clone());
            let r = loaded.as_ref().map(|_| ()).map_err(|e| e.to_string());
            drop(black_box(loaded));
            (true, r)
        }
        "dump" => {
            let graph = match Loader::new().load(&data) {
                Ok(l) => l.graph,
                Err(e) => return (false, Err(e.to_string())),
            };
            let opts = DumpOptions::new(Profile::Py313);
            warm_up(&data, Some((&graph, protocol, &opts)));
            let out = dump_once(&graph, protocol, &opts);
            let r = match &out {
                Ok(b) if *b == data => Ok(()),
                Ok(b) => Err(picklejar_bench::codecs::describe_mismatch(b, &data)),
                Err(e) => Err(e.to_string()),
            };
            drop(black_box(out));
            (true, r)
        }
        "stream" => {
            let graph = match Loader::new().load(&data) {
                Ok(l) => l.graph,
                Err(e) => return (false, Err(e.to_string())),
            };
            let opts = DumpOptions::new(Profile::Py313);
            drop(black_box(picklejar_codec::dump_parts(
                &graph, protocol, &opts,
            )));
            let out = stream_once(&graph, protocol, &opts);
            let r = match &out {
                Ok(parts) => {
                    let b = parts.to_vec();
                    if b == data {
                        Ok(())
                    } else {
                        Err(picklejar_bench::codecs::describe_mismatch(&b, &data))
                    }
                }
                Err(e) => Err(e.to_string()),
            };
            drop(black_box(out));
            (true, r)
        }
        other => (false, Err(format!("unknown op {other:?}"))),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((op, files)) = args.split_first() else {
        eprintln!("usage: picklejar-bench-one load|dump|stream FILE:PROTOCOL...");
        std::process::exit(2);
    };
    for f in files {
        let Some((path, proto)) = f.rsplit_once(':') else {
            eprintln!("expected FILE:PROTOCOL, got {f:?}");
            std::process::exit(2);
        };
        let Ok(protocol) = proto.parse::<u8>() else {
            eprintln!("bad protocol in {f:?}");
            std::process::exit(2);
        };
        let (called, r) = one(op, path, protocol);
        let line = format!(
            "{{\"file\":{},\"op\":{},\"called\":{called},\"ok\":{},\"error\":{}}}",
            json_str(path),
            json_str(op),
            r.is_ok(),
            json_str(r.err().as_deref().unwrap_or(""))
        );
        println!("{line}");
    }
}
