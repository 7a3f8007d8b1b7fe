//! Fuzz target: load arbitrary bytes, then convert to canon, render text and JSON, and
//! parse the JSON back. Nothing may panic, and the JSON must round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picklejar_codec::{Canon, Encoding, Limits, Loader, LoadOptions, dis, to_canon_with_depth};

const LIMITS: Limits = Limits { max_depth: 200, max_memo: 1 << 16, max_alloc: 64 << 20 };

fuzz_target!(|data: &[u8]| {
    // The first byte picks the py2 str encoding, so every path gets exercised.
    let (enc, body) = match data.split_first() {
        Some((b, rest)) => (
            [Encoding::Ascii, Encoding::Latin1, Encoding::Utf8, Encoding::Bytes][usize::from(b & 3)],
            rest,
        ),
        None => (Encoding::Ascii, data),
    };
    let mut loader = Loader::new().encoding(enc).limits(LIMITS).buffers(vec![b"oob".to_vec()]);
    if let Ok(loaded) = loader.load(body) {
        assert!(loaded.end <= body.len());
        if let Ok(canon) = to_canon_with_depth(&loaded.graph, LIMITS.max_depth) {
            let _ = canon.to_text();
            let json = canon.to_json_string();
            let back = Canon::from_json(&json).expect("canon JSON parses back");
            assert_eq!(back, canon, "canon JSON round-trips");
        }
    }
    let opts = LoadOptions { encoding: enc, limits: LIMITS, ..LoadOptions::default() };
    let _ = dis(body, &opts).to_string();
});
