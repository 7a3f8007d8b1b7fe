//! Hostile shapes: deep nesting, amplification, exponential DAGs. Each must end in a clean
//! `limit-exceeded` error (or load), never a crash, and within the configured memory.

use picklejar_codec::{ErrorKind, Limits, Loader, to_canon};

/// `n` nested lists: `]` n times, then `a` n-1 times.
fn nested_lists(n: usize) -> Vec<u8> {
    let mut v = vec![b']'; n];
    v.extend(std::iter::repeat_n(b'a', n - 1));
    v.push(b'.');
    v
}

#[test]
fn deep_nesting_loads_but_canon_stops_at_the_depth_limit() {
    // A million levels load (the loader never recurses) ...
    let g = picklejar_codec::load(&nested_lists(1_000_000)).expect("loads");
    // ... but canon refuses past max_depth instead of overflowing the stack (this test runs
    // on a default 2 MiB test thread).
    let e = to_canon(&g).expect_err("too deep");
    assert_eq!(e.kind(), ErrorKind::LimitExceeded);
    // Within the limit it works.
    let ok = picklejar_codec::load(&nested_lists(900)).expect("loads");
    let c = to_canon(&ok).expect("canon");
    assert_eq!(c.to_text().lines().count(), 900);
}

#[test]
fn nested_marks_are_bounded() {
    let data = vec![b'('; 200_000];
    let e = Loader::new().load(&data).expect_err("marks");
    assert_eq!(e.kind(), ErrorKind::LimitExceeded);
    assert_eq!(e.offset(), Some(100_000));
}

#[test]
fn get_amplification_hits_the_allocation_limit() {
    // One list, then a million BINGET+APPEND pairs: 3 bytes of input per 16-byte slot.
    let mut data = b"]q\x00".to_vec();
    for _ in 0..1_000_000 {
        data.extend_from_slice(b"h\x00a");
    }
    data.push(b'.');
    let limits = Limits {
        max_alloc: 1 << 20,
        ..Limits::default()
    };
    let e = Loader::new()
        .limits(limits)
        .load(&data)
        .expect_err("amplified");
    assert_eq!(e.kind(), ErrorKind::LimitExceeded);
    // With the default limits the same input loads.
    assert!(Loader::new().load(&data).is_ok());
}

#[test]
fn memo_entries_are_bounded() {
    let mut data = Vec::new();
    for i in 0..100u32 {
        data.push(b'N');
        data.push(b'r');
        data.extend_from_slice(&(i * 1_000_000).to_le_bytes());
    }
    data.push(b'.');
    let limits = Limits {
        max_memo: 50,
        ..Limits::default()
    };
    let e = Loader::new().limits(limits).load(&data).expect_err("memo");
    assert_eq!(e.kind(), ErrorKind::LimitExceeded);
    assert!(
        Loader::new().load(&data).is_ok(),
        "sparse indices are fine below the limit"
    );
}

#[test]
fn exponential_dag_inside_a_set_is_refused_not_expanded() {
    // t0 = (None, None); t_{i+1} = (t_i, t_i); a set holding t_60: expanding its sort key
    // would visit 2**60 nodes.
    let mut data = b"\x80\x04NN\x86\x94".to_vec();
    for i in 0..60u8 {
        data.extend_from_slice(&[b'h', i, b'h', i, 0x86, 0x94]);
    }
    data.extend_from_slice(b"\x8f\x94(h");
    data.push(60);
    data.extend_from_slice(b"\x90.");
    let g = Loader::new().load(&data).expect("loads").graph;
    let e = to_canon(&g).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::LimitExceeded);
}

#[test]
fn deep_canon_json_round_trips() {
    // Found by fuzzing: 130 nested TUPLE1s made canon JSON deeper than serde_json's default
    // recursion limit of 128.
    let mut data = b"N".to_vec();
    data.extend(std::iter::repeat_n(0x85u8, 900));
    data.push(b'.');
    let g = picklejar_codec::load(&data).expect("loads");
    let c = to_canon(&g).expect("canon");
    let back = picklejar_codec::Canon::from_json(&c.to_json_string()).expect("parses back");
    assert_eq!(back, c);
    // Absurd nesting is refused before parsing, not by a stack overflow.
    let deep = "[".repeat(1_000_000);
    let e = picklejar_codec::Canon::from_json(&deep).expect_err("too deep");
    assert_eq!(e.kind(), ErrorKind::LimitExceeded);
}
