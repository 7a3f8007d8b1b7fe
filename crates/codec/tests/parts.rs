//! A dump in parts (`dump_parts`) is the dump (`dump`), byte for byte, with the graph's
//! `bytes` and `bytearray` payloads of 1 KiB and more borrowed instead of copied: checked
//! on every corpus pickle at every protocol, and on graphs of payloads placed where frames
//! open and close around them and filling frames.

use std::path::Path;

use picklejar_codec::compress::decompress;
use picklejar_codec::{DumpOptions, Graph, Node, Profile, Value, dump, dump_parts, load};

fn corpus_graphs() -> Vec<(String, Graph)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut out = Vec::new();
    for entry in walk(&root) {
        if entry.extension().is_some_and(|e| e == "pkl") {
            let raw = std::fs::read(&entry).expect("reads");
            if let Ok(d) = decompress(&raw, 1 << 24)
                && let Ok(g) = load(&d)
            {
                out.push((entry.display().to_string(), g));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("corpus").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn parts_are_the_dump_on_the_corpus() {
    let graphs = corpus_graphs();
    assert!(graphs.len() > 1000, "{} corpus graphs", graphs.len());
    let mut compared = 0;
    for (name, g) in &graphs {
        for profile in [Profile::Py27, Profile::Py30To36, Profile::Py313] {
            let opts = DumpOptions::new(profile);
            for protocol in 0..=profile.highest_protocol() {
                let whole = dump(g, protocol, &opts);
                let parts = dump_parts(g, protocol, &opts);
                match (whole, parts) {
                    (Ok(w), Ok(p)) => {
                        assert_eq!(p.to_vec(), w.bytes, "{name} {profile:?} p{protocol}");
                        assert_eq!(p.len(), w.bytes.len());
                        assert_eq!(p.buffers, w.buffers);
                        compared += 1;
                    }
                    (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{name}"),
                    (w, p) => panic!("{name} {profile:?} p{protocol}: {w:?} vs {p:?}"),
                }
            }
        }
    }
    assert!(compared > 10_000, "{compared} dumps compared");
}

/// A list of payloads around the 64 KiB frame target and the 1 KiB below which payloads
/// are copied, then a run of 3,000-byte ones that fills several frames, strs between them,
/// and one payload twice (its second save is a memo GET).
fn big_payloads() -> (Graph, Vec<usize>) {
    let mut g = Graph::new();
    let mut sizes = vec![
        64 * 1024,
        64 * 1024 - 1,
        3,
        200_000,
        64 * 1024 + 5,
        1023,
        1024,
    ];
    sizes.extend([3000; 50]);
    let mut items = Vec::new();
    for (i, &n) in sizes.iter().enumerate() {
        let data: Vec<u8> = (0..n).map(|j| (i * 7 + j) as u8).collect();
        let node = if i % 2 == 0 {
            Node::Bytes {
                data: data.into(),
                py2: false,
            }
        } else {
            Node::ByteArray(data.into())
        };
        items.push(g.value(node));
        items.push(g.str(&format!("between {i}")));
    }
    items.push(items[0]);
    let root = g.value(Node::List(items));
    g.set_root(root);
    (g, sizes)
}

#[test]
fn large_payloads_are_borrowed_from_the_graph() {
    let (g, sizes) = big_payloads();
    // Payloads of 1 KiB and more: bytes at even places, bytearrays at odd ones.
    let large = |kind: usize| {
        sizes
            .iter()
            .enumerate()
            .filter(|&(i, &n)| n >= 1024 && i % 2 == kind)
            .count()
    };
    let (bytes, bytearrays) = (large(0), large(1));
    assert_eq!((bytes, bytearrays), (28, 27));
    for (profile, protocol, borrowed) in [
        // Frames (protocol 4+) or not, payloads of 1 KiB and more are borrowed, those
        // inside frames too: bytes from protocol 3, bytearrays from protocol 5
        // (BYTEARRAY8; below, a reduce of a bytes copy, as CPython makes one)...
        (Profile::Py313, 5, bytes + bytearrays),
        (Profile::Py313, 4, bytes),
        (Profile::Py313, 3, bytes),
        // ... where CPython 3.6 keeps even the large ones inside frames...
        (Profile::Py30To36, 4, bytes),
        // ... but not below protocol 3 (bytes are a reduce of a str there), where they
        // are copied.
        (Profile::Py313, 2, 0),
    ] {
        let opts = DumpOptions::new(profile);
        let whole = dump(&g, protocol, &opts).expect("dumps");
        let parts = dump_parts(&g, protocol, &opts).expect("dumps in parts");
        assert_eq!(parts.to_vec(), whole.bytes, "{profile:?} p{protocol}");
        let payload_ptrs: Vec<*const u8> = g
            .nodes()
            .iter()
            .filter_map(|n| match n {
                Node::Bytes { data, .. } => Some(data.as_ptr()),
                Node::ByteArray(b) => Some(b.as_ptr()),
                _ => None,
            })
            .collect();
        let shared = parts
            .chunks()
            .filter(|c| payload_ptrs.contains(&c.as_ptr()))
            .count();
        assert_eq!(shared, borrowed, "{profile:?} p{protocol}");
        let mut file = Vec::new();
        parts.write_to(&mut file).expect("writes");
        assert_eq!(file, whole.bytes);
        // A writer that takes a few bytes a call, and one piece a vectored call.
        let mut slow = Trickle(Vec::new());
        parts.write_to(&mut slow).expect("writes");
        assert_eq!(slow.0, whole.bytes);
    }
}

/// A writer that takes at most 7 bytes a call.
struct Trickle(Vec<u8>);

impl std::io::Write for Trickle {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        let n = b.len().min(7);
        self.0.extend_from_slice(&b[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn chunks_are_never_empty() {
    let (g, _) = big_payloads();
    let parts = dump_parts(&g, 5, &DumpOptions::new(Profile::Py313)).expect("dumps");
    assert!(parts.chunks().all(|c| !c.is_empty()));
    assert_eq!(parts.chunks().map(<[u8]>::len).sum::<usize>(), parts.len());
    // A root payload alone: header, payload, then the rest.
    let mut g = Graph::new();
    let v = g.value(Node::Bytes {
        data: vec![1; 1 << 17].into(),
        py2: false,
    });
    g.set_root(v);
    let parts = dump_parts(&g, 5, &DumpOptions::new(Profile::Py313)).expect("dumps");
    let lens: Vec<usize> = parts.chunks().map(<[u8]>::len).collect();
    assert_eq!(
        lens,
        [2 + 5, 1 << 17, 2],
        "PROTO, BINBYTES; payload; MEMOIZE, STOP"
    );
    assert!(matches!(g.root(), Value::Node(_)));
}
