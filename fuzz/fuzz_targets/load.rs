//! Fuzz target: load arbitrary bytes, then convert to canon, render text and JSON, parse
//! the JSON back, and dump the graph at every protocol. Nothing may panic, the JSON must
//! round-trip, and a dump that succeeds must load again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picklejar_codec::{
    Canon, DumpOptions, Encoding, Limits, LoadOptions, Loader, Profile, dis, dump,
    to_canon_with_depth,
};

const LIMITS: Limits = Limits {
    max_depth: 200,
    max_memo: 1 << 16,
    max_alloc: 64 << 20,
};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the py2 str encoding, so every path gets exercised.
    let (enc, body) = match data.split_first() {
        Some((b, rest)) => (
            [
                Encoding::Ascii,
                Encoding::Latin1,
                Encoding::Utf8,
                Encoding::Bytes,
            ][usize::from(b & 3)],
            rest,
        ),
        None => (Encoding::Ascii, data),
    };
    let mut loader = Loader::new()
        .encoding(enc)
        .limits(LIMITS)
        .buffers(vec![b"oob".to_vec()]);
    if let Ok(loaded) = loader.load(body) {
        assert!(loaded.end <= body.len());
        if let Ok(canon) = to_canon_with_depth(&loaded.graph, LIMITS.max_depth) {
            let _ = canon.to_text();
            let json = canon.to_json_string();
            let back = Canon::from_json(&json).expect("canon JSON parses back");
            assert_eq!(back, canon, "canon JSON round-trips");
        }
        let mut dopts = DumpOptions::new(Profile::Py38);
        dopts.max_depth = LIMITS.max_depth;
        for protocol in 0..=5 {
            if let Ok(out) = dump(&loaded.graph, protocol, &dopts) {
                let mut again = Loader::new().limits(LIMITS).buffers(out.buffers.clone());
                assert!(
                    again.load(&out.bytes).is_ok(),
                    "a dump loads again (protocol {protocol})"
                );
            }
        }
    }
    let opts = LoadOptions {
        encoding: enc,
        limits: LIMITS,
        ..LoadOptions::default()
    };
    let _ = dis(body, &opts).to_string();
});
