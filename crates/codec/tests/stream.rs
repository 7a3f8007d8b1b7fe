//! A streamed load (`Loader::load_reader`, what `compress::load_pickle` feeds a
//! decompressor's output into) and a shared load (`Loader::load_shared`, payloads kept as
//! slices of the input) give what a load from a borrowed slice gives: the same graph, end
//! and protocol, or the same error kind at the same offset and opcode, for every corpus
//! pickle, streamed in pieces of awkward sizes that split every opcode and argument.

use std::io::Read;
use std::path::Path;

use picklejar_codec::bytes::Bytes;
use picklejar_codec::compress::{Compression, compress, decompress, load_pickle};
use picklejar_codec::{Error, ErrorKind, Limits, Loaded, Loader, Node, SHARE_MIN};

/// Hands out `data` at most `step` bytes per read.
struct Pieces<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = out.len().min(self.step).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn corpus_pickles() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut out = Vec::new();
    for cat in std::fs::read_dir(&root).expect("corpus").flatten() {
        let Ok(cases) = std::fs::read_dir(cat.path()) else {
            continue;
        };
        for case in cases.flatten() {
            let Ok(files) = std::fs::read_dir(case.path()) else {
                continue;
            };
            for f in files.flatten() {
                let p = f.path();
                if p.extension().is_some_and(|e| e == "pkl") {
                    let raw = std::fs::read(&p).expect("reads");
                    // Compressed variants as their pickle; bombs and corrupt streams are
                    // the decompressor's business, not the loader's.
                    if let Ok(d) = decompress(&raw, 1 << 24) {
                        out.push((p.display().to_string(), d.into_owned()));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// What a load gave, short: its graph (its nodes and root, spelled out: a NaN is not equal
/// to itself), end and protocol (what it charged depends on how much of the input it could
/// see at first), or its error's kind, offset and opcode.
#[derive(PartialEq)]
enum Outcome {
    Loaded(String, usize, u8),
    Failed(ErrorKind, Option<u64>, Option<&'static str>),
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Loaded(g, end, p) => {
                write!(
                    f,
                    "loaded ({} bytes of nodes, end {end}, protocol {p})",
                    g.len()
                )
            }
            Outcome::Failed(k, at, op) => write!(f, "{k} at {at:?} ({op:?})"),
        }
    }
}

fn graph_text(g: &picklejar_codec::Graph) -> String {
    format!("{:?} {:?}", g.nodes(), g.root())
}

fn outcome(r: Result<Loaded, Error>) -> Outcome {
    match r {
        Ok(l) => Outcome::Loaded(graph_text(&l.graph), l.end, l.protocol),
        Err(e) => Outcome::Failed(e.kind(), e.offset(), e.opcode()),
    }
}

#[test]
fn streamed_loads_match_slice_loads_on_the_corpus() {
    let pickles = corpus_pickles();
    assert!(pickles.len() > 2000, "{} corpus pickles", pickles.len());
    let mut errors = 0;
    for (name, data) in &pickles {
        let whole = outcome(Loader::new().load(data));
        errors += usize::from(matches!(whole, Outcome::Failed(..)));
        for step in [1, 3, 64 * 1024 + 7, usize::MAX] {
            let streamed = outcome(Loader::new().load_reader(Pieces { data, step }));
            assert_eq!(streamed, whole, "{name}, read {step} bytes at a time");
        }
    }
    // Both kinds of outcome were compared.
    assert!(errors > 100, "{errors} errors");
}

#[test]
fn shared_loads_match_slice_loads_on_the_corpus() {
    let pickles = corpus_pickles();
    let (mut shared, mut texts) = (0, 0);
    for (name, data) in &pickles {
        let input = Bytes::from(data.clone());
        let whole = Loader::new().load(data);
        let got = Loader::new().load_shared(input.clone());
        // Every long bytes payload of a BINBYTES, BINBYTES8 or BYTEARRAY8, and every long
        // str of a BINUNICODE or BINUNICODE8, is a slice of the input; nothing else is.
        if let Ok(l) = &got {
            let inside = input.as_ptr_range();
            for node in l.graph.nodes() {
                let (bytes, is_text) = match node {
                    Node::Bytes { data: p, .. } | Node::ByteArray(p) if p.is_shared() => {
                        (p.as_bytes(), false)
                    }
                    Node::Str { text, .. } if text.is_shared() => (text.as_bytes(), true),
                    _ => continue,
                };
                assert!(
                    bytes.len() >= SHARE_MIN,
                    "{name}: {} bytes shared",
                    bytes.len()
                );
                assert!(
                    inside.contains(&bytes.as_ptr()),
                    "{name}: not the input's bytes"
                );
                shared += 1;
                texts += usize::from(is_text);
            }
        }
        assert_eq!(outcome(got), outcome(whole), "{name}");
    }
    assert!(shared >= 40, "{shared} payloads shared");
    assert!(texts >= 10, "{texts} strs shared");
}

#[test]
fn a_shared_load_charges_what_a_copying_load_does() {
    // BINBYTES8, BINBYTES and BYTEARRAY8 of 4 KiB: a limit the copying load passes
    // passes, and one it fails fails the same way; payloads outlive the caller's handle.
    for (op, len_bytes) in [(0x8eu8, 8usize), (b'B', 4), (0x96, 8)] {
        let n = 4096usize;
        let mut data = vec![0x80, 5, op];
        data.extend_from_slice(&(n as u64).to_le_bytes()[..len_bytes]);
        data.extend((0..n).map(|i| (i % 251) as u8));
        data.push(b'.');
        let input = Bytes::from(data.clone());
        for max_alloc in [n / 2, n + (1 << 16), usize::MAX] {
            let limits = Limits {
                max_alloc,
                ..Limits::default()
            };
            let copied = Loader::new().limits(limits).load(&data);
            let shared = Loader::new().limits(limits).load_shared(input.clone());
            assert_eq!(
                outcome(shared),
                outcome(copied),
                "op {op:#x}, limit {max_alloc}"
            );
        }
        let l = Loader::new().load_shared(input).expect("loads");
        let Some(Node::Bytes { data: p, .. } | Node::ByteArray(p)) = l.graph.deref(l.graph.root())
        else {
            panic!("op {op:#x}: not bytes");
        };
        assert!(p.is_shared());
        assert_eq!(&p[..], &data[3 + len_bytes..3 + len_bytes + n]);
    }
}

#[test]
fn long_payloads_stream_past_the_window() {
    // BINBYTES8, BINUNICODE8 and BYTEARRAY8 of 300 KiB (past the 64 KiB window), whole and
    // cut short inside the payload.
    for op in [0x8eu8, 0x8d, 0x96] {
        let n = 300 * 1024;
        let mut data = vec![0x80, 5, op];
        data.extend_from_slice(&(n as u64).to_le_bytes());
        data.extend((0..n).map(|i| b'a' + (i % 26) as u8));
        data.push(b'.');
        for cut in [data.len(), 11 + n / 2, 12] {
            let d = &data[..cut];
            let whole = outcome(Loader::new().load(d));
            for step in [1000, usize::MAX] {
                let streamed = outcome(Loader::new().load_reader(Pieces { data: d, step }));
                assert_eq!(streamed, whole, "op {op:#x}, cut at {cut}, step {step}");
            }
        }
    }
}

#[test]
fn a_reader_error_is_the_loads_error() {
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other(Error::new(
                    ErrorKind::BadCompression,
                    "gzip: CRC check failed",
                )));
            }
            out[0] = b"\x80\x04]"[3 - self.0];
            self.0 -= 1;
            Ok(1)
        }
    }
    let e = Loader::new().load_reader(Failing(3)).expect_err("fails");
    assert_eq!(e.kind(), ErrorKind::BadCompression);
}

#[test]
fn compressed_pickles_load_as_they_inflate() {
    // Two pickles in one gzip stream; then the same stream with its CRC broken, which
    // fails the load even though the first pickle is whole.
    let two = b"\x80\x04K\x01.\x80\x04K\x02.";
    let gz = compress(two, Compression::Gzip).expect("compresses");
    let s = load_pickle(&gz, &mut Loader::new()).expect("loads");
    assert_eq!(
        (s.loaded.end, s.len, s.after.as_slice()),
        (5, 10, &two[5..])
    );
    let mut bad = gz.clone();
    let at = bad.len() - 8;
    bad[at] ^= 1;
    let e = load_pickle(&bad, &mut Loader::new()).expect_err("bad CRC");
    assert_eq!(e.kind(), ErrorKind::BadCompression);
    // A stream cut inside a payload: the stream's own error, not the loader's.
    let mut long = b"\x80\x04B\x00\x00\x01\x00".to_vec();
    long.extend((0..65536u32).map(|i| (i * 7919 % 251) as u8));
    long.push(b'.');
    let gz = compress(&long, Compression::Gzip).expect("compresses");
    let e = load_pickle(&gz[..gz.len() / 2], &mut Loader::new()).expect_err("cut");
    assert_eq!(e.kind(), ErrorKind::Truncated);
    assert!(e.message().starts_with("gzip"), "{}", e.message());
    // Every format, a pickle larger than the window and the decoders' chunks.
    let big: Vec<u8> = {
        let mut d = b"\x80\x04(".to_vec();
        for i in 0..50_000u32 {
            d.push(b'J');
            d.extend_from_slice(&i.to_le_bytes());
        }
        d.extend_from_slice(b"l.");
        d
    };
    let whole = Loader::new().load(&big).expect("loads");
    for &c in Compression::ALL {
        let s = load_pickle(&compress(&big, c).expect("compresses"), &mut Loader::new())
            .expect("loads");
        assert_eq!((s.format, s.len), (Some(c), big.len()));
        assert_eq!(graph_text(&s.loaded.graph), graph_text(&whole.graph), "{c}");
        assert_eq!(s.loaded.end, whole.end);
    }
}
