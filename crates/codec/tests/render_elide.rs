//! Elided payloads in the streamed canon rendering (`canon::render_with` with
//! `RenderOptions::elide`): what is printed, that the budget counts the printed form, and
//! that JSON stays JSON.

use picklejar_codec::canon::{Elision, Format, RenderOptions, render, render_with};
use picklejar_codec::{Canon, ErrorKind, Limits, LoadOptions, Loader, load};
use sha2::{Digest, Sha256};

fn sha(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|c| format!("{c:02x}"))
        .collect()
}

fn elide() -> RenderOptions {
    RenderOptions {
        elide: Some(Elision::default()),
    }
}

/// Renders a graph's root; the output and the number of payloads elided.
fn show(g: &picklejar_codec::Graph, f: Format, o: &RenderOptions) -> (String, u64) {
    let mut r = render_with(g, f, &Limits::DEFAULT, o).expect("renders");
    let mut out = Vec::new();
    r.write_to(&mut out).expect("writes");
    assert_eq!(r.len(), out.len() as u64, "len() is what is written");
    (String::from_utf8(out).expect("utf-8"), r.elided())
}

/// `pickle.dumps(data, 4)` for bytes, without a frame: BINBYTES.
fn binbytes(data: &[u8]) -> Vec<u8> {
    let mut d = b"\x80\x04B".to_vec();
    d.extend_from_slice(&(data.len() as u32).to_le_bytes());
    d.extend_from_slice(data);
    d.push(b'.');
    d
}

/// `pickle.dumps(s, 4)` for a str, without a frame: BINUNICODE.
fn binunicode(s: &[u8]) -> Vec<u8> {
    let mut d = b"\x80\x04X".to_vec();
    d.extend_from_slice(&(s.len() as u32).to_le_bytes());
    d.extend_from_slice(s);
    d.push(b'.');
    d
}

/// `s = 'a' * len; pickle.dumps([s] * refs, 4)` without frames and batching.
fn fan_out(len: usize, refs: usize) -> Vec<u8> {
    let mut d = b"\x80\x04]\x94(X".to_vec();
    d.extend_from_slice(&(len as u32).to_le_bytes());
    d.resize(d.len() + len, b'a');
    d.push(0x94);
    for _ in 1..refs {
        d.extend_from_slice(b"h\x01");
    }
    d.extend_from_slice(b"e.");
    d
}

#[test]
fn off_by_default_and_render_is_unchanged() {
    let payload: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    let g = load(&binbytes(&payload)).expect("loads");
    for f in [Format::Text, Format::Json] {
        let (full, n) = show(&g, f, &RenderOptions::default());
        assert_eq!(n, 0);
        let mut r = render(&g, f, &Limits::DEFAULT).expect("renders");
        let mut out = Vec::new();
        r.write_to(&mut out).expect("writes");
        assert_eq!(full.as_bytes(), out.as_slice());
        assert!(!full.contains("elided"));
    }
    // The full JSON is canon and reads back.
    let (json, _) = show(&g, Format::Json, &RenderOptions::default());
    assert_eq!(
        Canon::from_json(json.trim()).expect("canon"),
        Canon::Bytes(payload)
    );
}

#[test]
fn bytes_over_the_threshold_print_head_length_and_sha256() {
    let payload = vec![b'x'; 28_311];
    let g = load(&binbytes(&payload)).expect("loads");
    let (text, n) = show(&g, Format::Text, &elide());
    assert_eq!(n, 1);
    let want = format!(
        "bytes b\"{}\"…<elided: 28,311 bytes, sha256 {}>\n",
        "x".repeat(64),
        sha(&payload)
    );
    assert_eq!(text, want);

    let (json, n) = show(&g, Format::Json, &elide());
    assert_eq!(n, 1);
    assert!(json.ends_with("}\n"), "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["t"], "bytes");
    assert_eq!(v["elided"], true);
    assert_eq!(v["len"], 28_311);
    assert_eq!(v["sha256"], sha(&payload));
    assert_eq!(v["head"], "x".repeat(64));
    // Distinguishable: it is not canon, and dump's reader says so.
    let e = Canon::from_json(json.trim()).expect_err("elided JSON is not canon");
    assert_eq!(e.kind(), ErrorKind::BadCanon);
}

#[test]
fn the_head_is_in_the_canon_escape() {
    let mut payload = vec![0u8, b'"', b'\\', 0xff];
    payload.resize(5000, b'z');
    let g = load(&binbytes(&payload)).expect("loads");
    let (text, _) = show(&g, Format::Text, &elide());
    assert!(text.starts_with("bytes b\"\\x00\"\\\\\\xffzzz"), "{text}");
    let (json, _) = show(&g, Format::Json, &elide());
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    // The head is what "v" would start with: canon bytes escape, then JSON.
    let head = v["head"].as_str().expect("head");
    assert!(head.starts_with("\\x00\"\\\\\\xffzzz"), "{head}");
    assert_eq!(head.len(), 4 + 1 + 2 + 4 + 60);
}

#[test]
fn the_threshold_is_exclusive() {
    for (len, elided) in [(4096, false), (4097, true)] {
        let g = load(&binbytes(&vec![b'q'; len])).expect("loads");
        let (text, n) = show(&g, Format::Text, &elide());
        assert_eq!(n, u64::from(elided), "{len}");
        assert_eq!(text.contains("…<elided: "), elided, "{len}");
    }
    // A custom threshold and head.
    let g = load(&binbytes(&[b'q'; 100])).expect("loads");
    let o = RenderOptions {
        elide: Some(Elision {
            threshold: 10,
            head: 3,
            note: Some("--full prints it".into()),
        }),
    };
    let (text, _) = show(&g, Format::Text, &o);
    assert_eq!(
        text,
        format!(
            "bytes b\"qqq\"…<elided: 100 bytes, sha256 {}; --full prints it>\n",
            sha(&[b'q'; 100])
        )
    );
}

#[test]
fn a_str_is_cut_at_a_character_and_counted_in_characters() {
    let s = "é€".repeat(2000); // 2000 * (2 + 3) = 10,000 bytes, 4000 characters
    let g = load(&binunicode(s.as_bytes())).expect("loads");
    let (text, n) = show(&g, Format::Text, &elide());
    assert_eq!(n, 1);
    let head: String = s.chars().take(64).collect();
    assert_eq!(
        text,
        format!(
            "str \"{head}\"…<elided: 4,000 chars, 10,000 bytes UTF-8, sha256 {}>\n",
            sha(s.as_bytes())
        )
    );
    let (json, _) = show(&g, Format::Json, &elide());
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["t"], "str");
    assert_eq!(v["elided"], true);
    assert_eq!(v["len"], 4000);
    assert_eq!(v["utf8_len"], 10_000);
    assert_eq!(v["head"], head);
    assert_eq!(v["sha256"], sha(s.as_bytes()));
}

#[test]
fn a_str_with_surrogates_has_a_hex_head() {
    // BINUNICODE with a lone surrogate (surrogatepass UTF-8), then 5000 'a'.
    let mut b = b"\xed\xa0\x80".to_vec();
    b.resize(5003, b'a');
    let g = load(&binunicode(&b)).expect("loads");
    let o = RenderOptions {
        elide: Some(Elision {
            head: 2,
            ..Elision::default()
        }),
    };
    let (text, _) = show(&g, Format::Text, &o);
    assert!(
        text.starts_with("str hex:eda08061…<elided: 5,001 chars, 5,003 bytes UTF-8, sha256 "),
        "{text}"
    );
    let (json, _) = show(&g, Format::Json, &o);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["head_hex"], "eda08061");
    assert_eq!(v["len"], 5001);
    assert!(v.get("head").is_none());
}

#[test]
fn a_shared_bytearray_keeps_its_anchor() {
    // b = bytearray(b'k' * 5000); pickle.dumps([b, b], 5)
    let mut d = b"\x80\x05]\x94(\x96".to_vec();
    d.extend_from_slice(&5000u64.to_le_bytes());
    d.resize(d.len() + 5000, b'k');
    d.extend_from_slice(b"\x94h\x01e.");
    let g = load(&d).expect("loads");
    let (text, n) = show(&g, Format::Text, &elide());
    assert_eq!(n, 1, "the second reference is a ref, not a payload");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].starts_with("  bytearray b\"kkk"), "{text}");
    assert!(lines[1].ends_with("> #1"), "{text}");
    assert_eq!(lines[2], "  ref #1");
    let (json, _) = show(&g, Format::Json, &elide());
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["v"][0]["t"], "bytearray");
    assert_eq!(v["v"][0]["id"], 1);
    assert_eq!(v["v"][0]["elided"], true);
    assert_eq!(v["v"][1], serde_json::json!({"t": "ref", "v": 1}));
}

#[test]
fn out_of_band_buffers_are_elided_with_their_index() {
    // pickle.dumps(PickleBuffer(data), 5, buffer_callback=...) then READONLY_BUFFER.
    let data = vec![7u8; 9000];
    let opts = LoadOptions {
        buffers: Some(vec![data.clone()]),
        ..LoadOptions::default()
    };
    let l = Loader::with_options(opts)
        .load(b"\x80\x05\x97\x98.")
        .expect("loads");
    let (text, n) = show(&l.graph, Format::Text, &elide());
    assert_eq!(n, 1);
    assert!(
        text.starts_with("buffer 0 readonly b\"\\x07\\x07"),
        "{}",
        &text[..80]
    );
    assert!(
        text.ends_with(&format!("…<elided: 9,000 bytes, sha256 {}>\n", sha(&data))),
        "{text}"
    );
    let (json, _) = show(&l.graph, Format::Json, &elide());
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["t"], "buffer");
    assert_eq!(v["elided"], true);
    assert_eq!(v["len"], 9000);
    assert_eq!(v["index"], 0);
    assert_eq!(v["readonly"], true);
}

#[test]
fn every_reference_is_counted_and_the_budget_counts_what_is_printed() {
    // 1000 references to a 64 KiB str: 64 MB in full, about 200 KB elided.
    let g = load(&fan_out(64 << 10, 1000)).expect("loads");
    let tight = Limits::DEFAULT.with_max_alloc(1 << 20);
    for f in [Format::Text, Format::Json] {
        let e = render(&g, f, &tight).err().map(|e| e.kind());
        assert_eq!(e, Some(ErrorKind::LimitExceeded), "the full rendering");
        let mut r = render_with(&g, f, &tight, &elide()).expect("the elided one fits");
        assert_eq!(r.elided(), 1000);
        let mut out = Vec::new();
        r.write_to(&mut out).expect("writes");
        assert_eq!(out.len() as u64, r.len());
        assert!(out.len() < 300_000, "{} bytes", out.len());
    }
    // And a budget too small for the elided form is still refused before writing.
    let tiny = Limits::DEFAULT.with_max_alloc(50_000);
    let e = render_with(&g, Format::Json, &tiny, &elide()).err();
    assert_eq!(e.map(|e| e.kind()), Some(ErrorKind::LimitExceeded));
}

#[test]
fn set_order_is_the_full_payloads_order() {
    // frozenset of two 5000-byte bytes that differ only after the head.
    let mut a = vec![b'm'; 5000];
    let mut b = a.clone();
    a[4999] = b'z';
    b[4999] = b'a';
    let mut d = b"\x80\x04(".to_vec();
    for p in [&a, &b] {
        d.push(b'B');
        d.extend_from_slice(&(p.len() as u32).to_le_bytes());
        d.extend_from_slice(p);
    }
    d.extend_from_slice(b"\x91.");
    let g = load(&d).expect("loads");
    let (json, n) = show(&g, Format::Json, &elide());
    assert_eq!(n, 2);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let order: Vec<&str> = v["v"]
        .as_array()
        .expect("elements")
        .iter()
        .filter_map(|e| e["sha256"].as_str())
        .collect();
    // Canon sorts by the full elements: b (…a) before a (…z).
    assert_eq!(order, [sha(&b), sha(&a)]);
}
