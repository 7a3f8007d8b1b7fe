//! Protocol-4 framing: a frame is committed at the first opcode boundary after it reaches
//! 64 KiB, and CPython's C pickler has one at the start of every `save()`, including the
//! saves a reduction makes of its argument tuple. Each fixture is a list of fresh objects
//! whose first frame ends exactly at such a boundary (CPython 3.13's bytes; see
//! `data/framing/README.md` and `make_fixtures.py`); a pickler that misses the boundary ends
//! that frame a few bytes late and shifts every frame after it.
#![cfg(feature = "compression")]

use picklejar_codec::{DumpOptions, LoadOptions, Opcode, Profile, compress, dis, dump, load};

/// (name, protocol, gzip-compressed pickle)
const FIXTURES: &[(&str, u8, &[u8])] = &[
    // NEWOBJ: save(cls), then save(()) — `copyreg.__newobj__`'s arguments past the class.
    (
        "newobj_empty_args",
        4,
        include_bytes!("data/framing/newobj_empty_args-py3.13-p4.pkl.gz"),
    ),
    (
        "newobj_empty_args",
        5,
        include_bytes!("data/framing/newobj_empty_args-py3.13-p5.pkl.gz"),
    ),
    // NEWOBJ_EX: save(cls), save(()), save(kwargs).
    (
        "newobj_ex_empty_args",
        4,
        include_bytes!("data/framing/newobj_ex_empty_args-py3.13-p4.pkl.gz"),
    ),
    (
        "newobj_ex_empty_args",
        5,
        include_bytes!("data/framing/newobj_ex_empty_args-py3.13-p5.pkl.gz"),
    ),
    // REDUCE whose argument tuple is one shared object: save(callable), then a GET of it.
    (
        "reduce_shared_args",
        4,
        include_bytes!("data/framing/reduce_shared_args-py3.13-p4.pkl.gz"),
    ),
    (
        "reduce_shared_args",
        5,
        include_bytes!("data/framing/reduce_shared_args-py3.13-p5.pkl.gz"),
    ),
    // bytearray() below protocol 5: save_reduce(bytearray, ()), a reduction the pickler
    // makes up itself.
    (
        "empty_bytearray",
        4,
        include_bytes!("data/framing/empty_bytearray-py3.13-p4.pkl.gz"),
    ),
];

/// The profiles whose CPython writes these bytes (checked with 3.6.15, 3.7.16, 3.8.18,
/// 3.12.1 and 3.13.0).
const PROFILES: &[Profile] = &[
    Profile::Py30To36,
    Profile::Py37,
    Profile::Py38,
    Profile::Py313,
];

fn pickle(gz: &[u8]) -> Vec<u8> {
    match compress::decompress(gz, 1 << 20) {
        Ok(bytes) => bytes.into_owned(),
        Err(e) => panic!("fixture does not decompress: {e}"),
    }
}

#[test]
fn frames_end_where_cpython_ends_them() {
    let mut failures = Vec::new();
    for &(name, protocol, gz) in FIXTURES {
        let bytes = pickle(gz);
        let frames = dis(&bytes, &LoadOptions::default())
            .lines
            .iter()
            .filter(|l| l.opcode == Opcode::Frame)
            .count();
        assert_eq!(frames, 2, "{name} p{protocol}: the fixture has two frames");
        let g = load(&bytes).unwrap_or_else(|e| panic!("{name} p{protocol}: {e}"));
        for &profile in PROFILES {
            if protocol > profile.highest_protocol() {
                continue;
            }
            let out = dump(&g, protocol, &DumpOptions::new(profile))
                .unwrap_or_else(|e| panic!("{name} p{protocol}: {e}"))
                .bytes;
            if out != bytes {
                let at = out
                    .iter()
                    .zip(&bytes)
                    .position(|(a, b)| a != b)
                    .unwrap_or(out.len().min(bytes.len()));
                failures.push(format!(
                    "{name} p{protocol} as CPython {}: {} bytes, CPython {}; first difference at {at}",
                    profile.name(),
                    out.len(),
                    bytes.len()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
