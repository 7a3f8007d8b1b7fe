//! Fuzz target: load arbitrary bytes, then convert to canon, render text and JSON, parse
//! the JSON back, and dump the graph at every protocol. Nothing may panic, the JSON must
//! round-trip, the streaming renderings must write what the tree renders (and measure it
//! exactly), and a dump that succeeds must load again. Failures are also named
//! (`sniff::identify`), what follows STOP is walked (`sniff::following`), and the input is
//! read the way the command reads compressed input (`compress::decompress_pickle`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use picklejar_codec::canon::{Format, render};
use picklejar_codec::{
    Canon, DumpOptions, Encoding, ErrorKind, Limits, LoadOptions, Loader, Profile, compress, dis, dis_brief,
    dump, sniff, to_canon_with_limits,
};

const LIMITS: Limits = Limits {
    max_depth: 200,
    max_memo: 1 << 16,
    max_alloc: 64 << 20,
};

/// Hands out the input at most 7 bytes per read.
struct Pieces<'a>(&'a [u8]);

impl std::io::Read for Pieces<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = out.len().min(7).min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

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
    let loaded = loader.load(body);
    // The same input streamed in 7-byte pieces loads the same (or fails the same way; near
    // the budget the two may differ, as their first allocations do).
    let streamed = Loader::new()
        .encoding(enc)
        .limits(LIMITS)
        .buffers(vec![b"oob".to_vec()])
        .load_reader(Pieces(body));
    match (&loaded, &streamed) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.end, b.end, "streamed end");
            assert_eq!(
                format!("{:?}", a.graph.nodes()),
                format!("{:?}", b.graph.nodes()),
                "streamed graph"
            );
        }
        (Err(a), Err(b)) => {
            if a.kind() != ErrorKind::LimitExceeded && b.kind() != ErrorKind::LimitExceeded {
                assert_eq!((a.kind(), a.offset()), (b.kind(), b.offset()), "streamed error");
            }
        }
        (a, b) => assert!(
            [a.as_ref().err(), b.as_ref().err()]
                .into_iter()
                .flatten()
                .all(|e| e.kind() == ErrorKind::LimitExceeded),
            "streamed and whole loads disagree: {:?} / {:?}",
            a.as_ref().err(),
            b.as_ref().err()
        ),
    }
    let _ = compress::load_pickle(data, &mut Loader::new().limits(LIMITS));
    if let Err(e) = &loaded {
        let _ = sniff::identify(body, e.offset());
    }
    if let Ok(loaded) = loaded {
        assert!(loaded.end <= body.len());
        let _ = sniff::following(body, loaded.end);
        let tree = to_canon_with_limits(&loaded.graph, &LIMITS);
        if let Ok(canon) = &tree {
            let text = canon.to_text();
            let json = canon.to_json_string();
            let back = Canon::from_json(&json).expect("canon JSON parses back");
            assert_eq!(&back, canon, "canon JSON round-trips");
            for (format, want) in [(Format::Text, text), (Format::Json, json + "\n")] {
                if let Ok(mut r) = render(&loaded.graph, format, &LIMITS) {
                    let mut out = Vec::new();
                    r.write_to(&mut out).expect("writes to a Vec");
                    assert_eq!(r.len(), out.len() as u64, "measured exactly");
                    assert_eq!(out, want.as_bytes(), "render writes what the tree renders");
                }
            }
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
    let _ = dis_brief(body, 16, 1000).to_string();
    if let Ok(d) = compress::decompress_pickle(body, &opts) {
        assert!(d.len() <= LIMITS.max_alloc);
    }
});
