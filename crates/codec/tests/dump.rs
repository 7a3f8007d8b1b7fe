//! Re-dumps that depend on what the loader records beyond the canon (the unit tests of
//! `value.rs` check the records themselves).

use picklejar_codec::{DumpOptions, Node, Profile, Text, Value, dump, load};

/// Python 2.7 `pickle.py`, `[C(), 'x']` where `C` is an old-style class whose
/// `__getstate__` returns a dict: `_keep_alive` takes memo slot 3 after the instance (2),
/// so the state dict is memoized as 4. Made by `pickle.dumps(obj, protocol)` on 2.7.18.
const KEEP_ALIVE: &[(u8, &[u8])] = &[
    (
        0, // protocol 0's INST names the class inline: no memo entry for it, slot 2 skipped
        b"(lp0\n(i__main__\nC\np1\n(dp3\nS'a'\np4\nI1\nsS'tag'\np5\nS'x'\np6\nsbag6\na.",
    ),
    (
        1,
        b"]q\x00((c__main__\nC\nq\x01oq\x02}q\x04(U\x01aq\x05K\x01U\x03tagq\x06U\x01xq\x07ubh\x07e.",
    ),
    (
        2,
        b"\x80\x02]q\x00((c__main__\nC\nq\x01oq\x02}q\x04(U\x01aq\x05K\x01U\x03tagq\x06U\x01xq\x07ubh\x07e.",
    ),
];

#[test]
fn py27_keep_alive_slot_is_reproduced() {
    for &(protocol, bytes) in KEEP_ALIVE {
        let g = load(bytes).unwrap_or_else(|e| panic!("protocol {protocol}: {e}"));
        let out = dump(&g, protocol, &DumpOptions::new(Profile::Py27))
            .unwrap_or_else(|e| panic!("protocol {protocol}: {e}"));
        assert_eq!(out.bytes, bytes, "protocol {protocol}");
    }
}

/// CPython 3.13, `pickle.dumps([b'b', 'b'], 2)` and `[b'bc', 'bc']`: a one-character str
/// is a singleton, so the text of `b'b'` and the literal `'b'` are one memo entry; two
/// characters make two objects.
const LATIN1_SHARED: &[&[u8]] = &[
    b"\x80\x02]q\x00(c_codecs\nencode\nq\x01X\x01\x00\x00\x00bq\x02X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05h\x02e.",
    b"\x80\x02]q\x00(c_codecs\nencode\nq\x01X\x02\x00\x00\x00bcq\x02X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05X\x02\x00\x00\x00bcq\x06e.",
];

#[test]
fn the_str_behind_a_latin1_bytes_reduce_keeps_its_sharing() {
    for &bytes in LATIN1_SHARED {
        let g = load(bytes).expect("loads");
        let out = dump(&g, 2, &DumpOptions::new(Profile::Py313)).expect("dumps");
        assert_eq!(out.bytes, bytes);
    }
}

/// The str a latin-1 bytes reduce was loaded from, or the bytes, changed through
/// `Graph::node_mut`: the pair no longer holds, so the bytes get a str of their own, as
/// CPython 3.13 writes `pickle.dumps([b'b', 'z'], 2)` and `pickle.dumps([b'c', 'b'], 2)`.
#[test]
fn a_changed_latin1_pair_is_written_afresh() {
    let cases: [(bool, &[u8]); 2] = [
        (
            true,
            b"\x80\x02]q\x00(c_codecs\nencode\nq\x01X\x01\x00\x00\x00bq\x02X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05X\x01\x00\x00\x00zq\x06e.",
        ),
        (
            false,
            b"\x80\x02]q\x00(c_codecs\nencode\nq\x01X\x01\x00\x00\x00cq\x02X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05X\x01\x00\x00\x00bq\x06e.",
        ),
    ];
    for (change_str, expected) in cases {
        let mut g = load(LATIN1_SHARED[0]).expect("loads");
        let Some(Node::List(items)) = g.deref(g.root()) else {
            panic!("a list")
        };
        let (Value::Node(bytes), Value::Node(text)) = (items[0], items[1]) else {
            panic!("two nodes")
        };
        if change_str {
            *g.node_mut(text) = Node::Str {
                text: Text::new("z"),
                py2: false,
            };
        } else {
            *g.node_mut(bytes) = Node::Bytes {
                data: b"c".into(),
                py2: false,
            };
        }
        let out = dump(&g, 2, &DumpOptions::new(Profile::Py313)).expect("dumps");
        assert_eq!(out.bytes, expected, "change_str {change_str}");
    }
}
