//! The edges of issue 16, one test per row of its table, scaled down: every input of any
//! size ends in a result or a clean `limit-exceeded`, memory stays within the budget (and
//! within a small multiple of the input), and time grows linearly.
//!
//! This binary counts every allocation with a counting global allocator (its own file, so
//! it measures nothing else); the tests take a lock so that one measures at a time. Realloc
//! counts as old + new block, the worst case.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use peak_alloc::PeakAlloc;
use picklejar_codec::canon::{Format, render};
use picklejar_codec::compress::{Compression, PEEK, compress, decompress_pickle, load_pickle};
use picklejar_codec::{ErrorKind, Limits, LoadOptions, Loader, Value, load, to_canon};

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

#[path = "support/edge_inputs.rs"]
mod edge_inputs;
use edge_inputs::{dups, fan_out, nested_lists_313, nones, shared_tuple_set, zeros_pickle};

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;

/// Runs `f`, returning its result, the most bytes allocated at once beyond what was live
/// before, and the time it took.
fn measure<T>(f: impl FnOnce() -> T) -> (T, usize, Duration) {
    ALLOC.reset_peak_usage();
    let base = ALLOC.current_usage();
    let t = Instant::now();
    let r = f();
    let d = t.elapsed();
    (r, ALLOC.peak_usage().saturating_sub(base), d)
}

/// Loads `data` and writes its canon rendering to nowhere, within `limits`: the bytes
/// written, or the error.
fn load_and_render(data: &[u8], format: Format, limits: Limits) -> Result<u64, ErrorKind> {
    let l = Loader::new()
        .limits(limits)
        .load(data)
        .map_err(|e| e.kind())?;
    let left = limits.max_alloc.saturating_sub(l.allocated);
    let mut r = render(&l.graph, format, &limits.with_max_alloc(left)).map_err(|e| e.kind())?;
    let mut sink = std::io::sink();
    r.write_to(&mut sink).expect("writes");
    Ok(r.len())
}

/// Time and memory of `run(n)` and `run(4n)` grow at most linearly (with slack for noise):
/// returns the two peaks.
fn linear(what: &str, n: usize, run: impl Fn(usize)) -> (usize, usize) {
    run(n); // warm up
    // The fastest of three runs of each size: a busy machine only ever adds time.
    let best = |k: usize| {
        (0..3)
            .map(|_| measure(|| run(k)))
            .fold((0, Duration::MAX), |(p, t), ((), pk, tk)| {
                (p.max(pk), t.min(tk))
            })
    };
    let (p1, t1) = best(n);
    let (p4, t4) = best(4 * n);
    eprintln!("{what}: n {n}: {p1} B {t1:?}; 4n: {p4} B {t4:?}");
    assert!(
        p4 <= 6 * p1 + MIB,
        "{what}: memory {p1} -> {p4} for 4x the input"
    );
    assert!(
        t4 <= t1 * 12 + Duration::from_millis(30),
        "{what}: time {t1:?} -> {t4:?} for 4x the input"
    );
    (p1, p4)
}

#[test]
fn a_shared_str_is_held_once_and_printed_per_reference() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 1: one str, many references: the rendering costs what it prints, not a copy per
    // reference.
    for bytes in [false, true] {
        let data = fan_out(256 * KIB, 400, bytes);
        let (n, peak, t) = measure(|| load_and_render(&data, Format::Json, Limits::DEFAULT));
        let n = n.expect("renders");
        assert!(n > 400 * 256 * KIB as u64, "printed {n}");
        eprintln!("fan-out bytes={bytes}: {n} bytes printed, peak {peak}, {t:?}");
        // The input's node and the writer's 1 MiB buffer.
        assert!(peak < 2 * data.len() + 2 * MIB, "peak {peak}");
        linear("fan-out refs", 100, |refs| {
            load_and_render(
                &fan_out(64 * KIB, refs, bytes),
                Format::Text,
                Limits::DEFAULT,
            )
            .expect("renders");
        });
    }
}

#[test]
fn a_fan_out_past_the_budget_is_refused_at_once() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 2: 200 000 references to a 1 MiB str print 200 GB: refused before anything is
    // written, in no time and no memory.
    let data = fan_out(MIB, 200_000, false);
    let (r, peak, t) = measure(|| load_and_render(&data, Format::Json, Limits::DEFAULT));
    assert_eq!(r, Err(ErrorKind::LimitExceeded));
    eprintln!("200k refs: peak {peak}, {t:?}");
    assert!(peak < data.len() + 8 * MIB, "peak {peak}");
    assert!(t < Duration::from_secs(2), "{t:?}");
    // The same bound on the tree form.
    let g = load(&data).expect("loads");
    let (r, peak, _) = measure(|| to_canon(&g).map(|_| ()));
    assert_eq!(r.map_err(|e| e.kind()), Err(ErrorKind::LimitExceeded));
    assert!(peak < 4200 * MIB, "peak {peak}");
}

#[test]
fn dups_grow_linearly() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 3: a 255-byte str, then n DUPs, in one list.
    linear("dups", 100_000, |n| {
        let printed = load_and_render(&dups(n), Format::Json, Limits::DEFAULT).expect("renders");
        assert!(printed > 270 * n as u64);
    });
}

#[test]
fn large_bytes_cost_their_size_plain_or_compressed() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 4: BINBYTES8 of n zero bytes, plain and zstd-compressed, rendered as JSON
    // (5 bytes a zero) and text (4).
    let n = 16 * MIB;
    let plain = zeros_pickle(n);
    for format in [Format::Json, Format::Text] {
        let (r, peak, t) = measure(|| load_and_render(&plain, format, Limits::DEFAULT));
        let printed = r.expect("renders");
        eprintln!("{n} zeros {format:?}: {printed} printed, peak {peak}, {t:?}");
        assert!(printed >= 4 * n as u64);
        // The node's copy and small change: the rendering is streamed.
        assert!(peak < n + 2 * MIB, "peak {peak}");
    }
    let zst = compress(&plain, Compression::Zstd).expect("compresses");
    assert!(zst.len() < n / 100);
    let run = || {
        let s = load_pickle(&zst, &mut Loader::new()).map_err(|e| e.kind())?;
        let limits = Limits::DEFAULT.with_max_alloc(Limits::DEFAULT.max_alloc - s.loaded.allocated);
        let mut r = render(&s.loaded.graph, Format::Json, &limits).map_err(|e| e.kind())?;
        r.write_to(&mut std::io::sink())
            .map_err(|_| ErrorKind::LimitExceeded)?;
        Ok::<_, ErrorKind>(r.len())
    };
    let (r, peak, t) = measure(run);
    eprintln!("{n} zeros zstd: peak {peak}, {t:?}");
    assert!(r.expect("renders") >= 5 * n as u64);
    // Loaded as it is inflated: the payload is read straight into its node, and the
    // decompressed pickle is never held (it was 4n, decompressed whole first).
    assert!(peak < n + 4 * MIB, "peak {peak}");
    linear("zeros", MIB, |n| {
        load_and_render(&zeros_pickle(n), Format::Json, Limits::DEFAULT).expect("renders");
    });
}

#[test]
fn a_list_of_nones_is_bounded_by_the_budget() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 5: n NONEs in one list: 16 bytes a slot on the stack and in the list, charged as
    // they grow, so a budget is a bound on memory.
    let data = nones(4_000_000);
    let budget = 32 * MIB;
    let limits = Limits::DEFAULT.with_max_alloc(budget);
    let (r, peak, _) = measure(|| load_and_render(&data, Format::Json, limits));
    assert_eq!(r, Err(ErrorKind::LimitExceeded));
    assert!(peak <= budget + MIB, "peak {peak} over the budget {budget}");
    // Under the budget it loads and prints, and grows linearly.
    linear("nones", 250_000, |n| {
        load_and_render(&nones(n), Format::Json, Limits::DEFAULT).expect("renders");
    });
}

#[test]
fn a_pickle_shaped_bomb_is_refused_at_the_limit() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 6: a bzip2 stream of a BINBYTES8 of zeros (corpus/compressed/bz2_bomb at 257 MiB):
    // it starts like a pickle, so it is decompressed, within the limit.
    let bomb = compress(&zeros_pickle(24 * MIB), Compression::Bz2).expect("compresses");
    let limit = 8 * MIB;
    let mut opts = LoadOptions::default();
    opts.limits.max_alloc = limit;
    let (r, peak, t) = measure(|| decompress_pickle(&bomb, &opts).map(|d| d.len()));
    assert_eq!(r.map_err(|e| e.kind()), Err(ErrorKind::LimitExceeded));
    eprintln!("bz2 bomb: peak {peak}, {t:?}");
    // The output up to the limit (grown by doubling), the chunk, the bzip2 state.
    assert!(peak < 2 * limit + 8 * MIB, "peak {peak}");
    // Loaded as it is inflated, the claim is refused at its opcode, in the first peek.
    let (r, peak, t) = measure(|| load_pickle(&bomb, &mut Loader::with_options(opts.clone())));
    let e = r.expect_err("refused");
    assert_eq!((e.kind(), e.offset()), (ErrorKind::LimitExceeded, Some(2)));
    eprintln!("bz2 bomb streamed: peak {peak}, {t:?}");
    assert!(peak < PEEK + 8 * MIB, "peak {peak}");
    // A stream that passes the limit with many small payloads, each within it: refused at
    // the limit on the decompressed length, having held one window.
    let many = compress(&nones(16 * MIB), Compression::Bz2).expect("compresses");
    let mut small = LoadOptions::default();
    small.limits.max_alloc = 4 * MIB;
    let (r, peak, _) = measure(|| load_pickle(&many, &mut Loader::with_options(small)));
    assert_eq!(
        r.map(|_| ()).map_err(|e| e.kind()),
        Err(ErrorKind::LimitExceeded)
    );
    assert!(peak < 4 * MIB + 8 * MIB, "peak {peak}");
}

#[test]
fn a_bomb_that_is_not_a_pickle_fails_at_byte_zero() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 7: `head -c N /dev/zero | zstd`: refused after its first chunk.
    for (c, n) in [
        (Compression::Zstd, 256 * MIB),
        (Compression::Gzip, 64 * MIB),
    ] {
        let bomb = compress(&vec![0u8; n], c).expect("compresses");
        let (r, peak, t) =
            measure(|| decompress_pickle(&bomb, &LoadOptions::default()).map(|d| d.len()));
        let e = r.expect_err("not a pickle");
        eprintln!("{c} zeros: {e}; peak {peak}, {t:?}");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::UnknownOpcode, Some(0)));
        assert!(e.message().contains("not a pickle"), "{e}");
        assert!(peak < PEEK + 16 * MIB, "peak {peak}");
        assert!(t < Duration::from_secs(1), "{t:?}");
    }
    // Compressed twice: said so.
    let gz = compress(b"\x80\x04N.", Compression::Gzip).expect("gzip");
    let twice = compress(&gz, Compression::Gzip).expect("gzip");
    let e = decompress_pickle(&twice, &LoadOptions::default()).expect_err("twice");
    assert_eq!(e.kind(), ErrorKind::BadCompression);
    assert!(e.message().contains("compressed twice"), "{e}");
}

#[test]
fn long4_loads_linearly_and_prints() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 8: LONG4 of n bytes: loading is linear; printing converts to decimal.
    let long4 = |n: usize| {
        let mut d = b"\x80\x04\x8b".to_vec();
        d.extend_from_slice(&(n as i32).to_le_bytes());
        d.extend((0..n).map(|i| (i * 7 + 3) as u8));
        d.push(b'.');
        d
    };
    linear("long4 load", 256 * KIB, |n| {
        let g = load(&long4(n)).expect("loads");
        assert!(matches!(g.root(), Value::Node(_)));
    });
    let data = long4(8 * KIB);
    let g = load(&data).expect("loads");
    let text = to_canon(&g).expect("canon").to_text();
    let digits = text
        .trim_start_matches("int ")
        .trim_end()
        .trim_start_matches('-');
    assert!(digits.len() > 19_000 && digits.bytes().all(|c| c.is_ascii_digit()));
    assert_eq!(
        load_and_render(&data, Format::Text, Limits::DEFAULT),
        Ok(text.len() as u64)
    );
    // Past HEX_BITS canon spells an int in hex, so printing is linear too: 10 MiB of LONG4
    // used to take minutes (quadratic decimal conversion); now load and print grow linearly.
    linear("long4 load and print", 512 * KIB, |n| {
        let printed = load_and_render(&long4(n), Format::Json, Limits::DEFAULT).expect("prints");
        assert!(printed > 2 * n as u64, "{printed} for {n} bytes");
    });
    let g = load(&long4(256 * KIB)).expect("loads");
    let text = to_canon(&g).expect("canon").to_text();
    assert!(
        text.starts_with("int -0x") || text.starts_with("int 0x"),
        "{}",
        &text[..12]
    );
}

#[test]
fn text_ints_follow_cpythons_digit_limit() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 9: `L<3,000,000 digits>L`: CPython (3.9.14+, 3.10.7+, 3.11+) raises ValueError
    // past 4300 digits; so does the loader, at once.
    let long = |digits: usize, prefix: &[u8]| {
        let mut d = b"L".to_vec();
        d.extend_from_slice(prefix);
        d.resize(d.len() + digits, b'7');
        d.extend_from_slice(b"L\n.");
        d
    };
    assert!(load(&long(4300, b"")).is_ok());
    assert!(load(&long(4300, b"-")).is_ok());
    for (digits, prefix) in [(4301, &b""[..]), (4301, b"+"), (3_000_000, b"")] {
        let (r, _, t) = measure(|| load(&long(digits, prefix)).map(|_| ()));
        let e = r.expect_err("over the limit");
        assert_eq!(e.kind(), ErrorKind::BadLiteral, "{e}");
        assert!(e.message().contains("4300 digits"), "{e}");
        assert!(t < Duration::from_millis(500), "{t:?}");
    }
    // INT too, and underscores do not count; hex is exempt, as in CPython.
    let e = load(b"I1_2_3_4_5_6\n.").map(|_| ());
    assert!(e.is_ok());
    let mut int = b"I".to_vec();
    int.resize(4302, b'9');
    int.extend_from_slice(b"\n.");
    assert_eq!(
        load(&int).map(|_| ()).map_err(|e| e.kind()),
        Err(ErrorKind::BadLiteral)
    );
    linear("hex text int", 100_000, |n| {
        let mut d = b"L0x".to_vec();
        d.resize(d.len() + n, b'f');
        d.extend_from_slice(b"L\n.");
        load(&d).expect("hex loads");
    });
}

#[test]
fn a_set_of_tuples_sharing_a_tuple_loads() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 10: what `pickle.dumps({(common, i) for i in range(1000)}, 4)` writes: each sort
    // key holds `common`, whose key is built once.
    let data = shared_tuple_set(1000, 100);
    let g = load(&data).expect("loads");
    let c = to_canon(&g).expect("canon");
    assert!(c.to_text().starts_with("set\n  tuple\n    tuple #1\n"));
    linear("shared tuple set", 1000, |n| {
        load_and_render(&shared_tuple_set(n, 100), Format::Json, Limits::DEFAULT).expect("renders");
    });
}

#[test]
fn everything_cpython_313_writes_nests_within_the_depth_limit() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 11: 3.13's C pickler writes 4999 nested lists or dicts and 9999 nested tuples
    // (protocol 0-1 lists open a MARK a level).
    for n in [1001, 4999] {
        let data = nested_lists_313(n);
        let printed = load_and_render(&data, Format::Json, Limits::DEFAULT).expect("renders");
        assert!(printed > 18 * n as u64);
        assert!(to_canon(&load(&data).expect("loads")).is_ok());
    }
    let mut p1 = vec![b'('; 9999];
    p1.push(b'N');
    p1.resize(p1.len() + 9999, b't');
    p1.push(b'.');
    load_and_render(&p1, Format::Text, Limits::DEFAULT).expect("9999 MARKs and tuples");
    // The limit is still an option.
    let shallow = Limits::DEFAULT.with_max_depth(1000);
    assert_eq!(
        load_and_render(&nested_lists_313(1002), Format::Json, shallow),
        Err(ErrorKind::LimitExceeded)
    );
    linear("nesting", 5000, |n| {
        load_and_render(&nested_lists_313(n), Format::Json, Limits::DEFAULT).expect("renders");
    });
}

#[test]
fn oversize_eight_byte_lengths_are_one_kind() {
    let _one = ONE_AT_A_TIME.lock();
    // Row 12: a length no object can have is CPython's OverflowError for BINUNICODE8 as
    // for BINBYTES8 and BYTEARRAY8: limit-exceeded.
    for (proto, op) in [(4u8, 0x8du8), (4, 0x8e), (5, 0x96)] {
        let mut d = vec![0x80, proto, op];
        d.extend_from_slice(&(1u64 << 63).to_le_bytes());
        d.extend_from_slice(b"abc.");
        let e = load(&d).expect_err("too long");
        assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{op:#x}: {e}");
        assert_eq!(e.offset(), Some(2));
    }
    // A claim within what a str can be but past the input is cut short, as in CPython.
    let mut d = b"\x80\x04\x8d".to_vec();
    d.extend_from_slice(&(1u64 << 40).to_le_bytes());
    d.extend_from_slice(b"xyz.");
    assert_eq!(
        load(&d).map(|_| ()).map_err(|e| e.kind()),
        Err(ErrorKind::Truncated)
    );
}
