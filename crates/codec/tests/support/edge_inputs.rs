//! The inputs of issue 16 ("bounded at the edges"), built at any size: shared by the
//! codec's tests (`tests/edges.rs`, scaled down), its bench (`benches/edges.rs`, near full
//! size) and the CLI's tests (`crates/cli/tests/edges.rs`) through `#[path]`.

#![allow(dead_code)]

/// Protocol 4: a list of `refs` references to one `len`-byte str (or bytes), memoized once
/// and then fetched with BINGET: `s = 'a' * len; pickle.dumps([s] * refs, 4)` without the
/// frames and batching.
pub fn fan_out(len: usize, refs: usize, bytes: bool) -> Vec<u8> {
    let mut d = b"\x80\x04]\x94(".to_vec();
    d.push(if bytes { b'B' } else { b'X' });
    d.extend_from_slice(&(len as u32).to_le_bytes());
    d.resize(d.len() + len, b'a');
    d.push(0x94);
    for _ in 1..refs {
        d.extend_from_slice(b"h\x01");
    }
    d.extend_from_slice(b"e.");
    d
}

/// A 255-byte str, then `n` DUPs, in one list.
pub fn dups(n: usize) -> Vec<u8> {
    let mut d = b"\x80\x04(\x8c\xff".to_vec();
    d.resize(d.len() + 255, b'x');
    d.resize(d.len() + n, b'2');
    d.extend_from_slice(b"l.");
    d
}

/// `n` NONEs in one list.
pub fn nones(n: usize) -> Vec<u8> {
    let mut d = b"\x80\x04](".to_vec();
    d.resize(d.len() + n, b'N');
    d.extend_from_slice(b"e.");
    d
}

/// `BINBYTES8` of `n` zero bytes, as `pickle.dumps(bytes(n), 4)` writes it for large n.
pub fn zeros_pickle(n: usize) -> Vec<u8> {
    let mut d = b"\x80\x04\x8e".to_vec();
    d.extend_from_slice(&(n as u64).to_le_bytes());
    d.resize(d.len() + n, 0);
    d.push(b'.');
    d
}

/// Protocol 4: `{(common, i) for i in range(n)}` where `common` is a tuple of `k` strs,
/// memoized once and fetched for every element.
pub fn shared_tuple_set(n: usize, k: usize) -> Vec<u8> {
    let mut d = b"\x80\x04\x8f\x94(".to_vec();
    // common: MARK, k strs, TUPLE, MEMOIZE (memo 1).
    d.push(b'(');
    for i in 0..k {
        let s = format!("string number {i}");
        d.push(0x8c);
        d.push(s.len() as u8);
        d.extend_from_slice(s.as_bytes());
    }
    d.extend_from_slice(b"t\x94");
    for i in 0..n {
        if i > 0 {
            d.extend_from_slice(b"h\x01");
        }
        d.push(b'J');
        d.extend_from_slice(&(i as i32).to_le_bytes());
        d.push(0x86);
    }
    d.extend_from_slice(b"\x90.");
    d
}

/// What CPython 3.13's `pickle.dumps` writes for `n` nested lists (protocol 4, one frame).
pub fn nested_lists_313(n: usize) -> Vec<u8> {
    let mut body = Vec::new();
    for _ in 0..n {
        body.extend_from_slice(b"]\x94");
    }
    body.push(b'N');
    body.resize(body.len() + n, b'a');
    body.push(b'.');
    let mut d = b"\x80\x04\x95".to_vec();
    d.extend_from_slice(&(body.len() as u64).to_le_bytes());
    d.extend(body);
    d
}
