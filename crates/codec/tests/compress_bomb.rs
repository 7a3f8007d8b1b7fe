//! Decompression bombs: a small gzip stream that inflates past the limit is refused with
//! `limit-exceeded`, and the memory held meanwhile stays bounded.
//!
//! This test binary counts every allocation with a counting global allocator (its own file,
//! so that it measures nothing else) and holds one test, so no other test allocates while
//! it measures. Realloc is counted as old + new block, the worst case.

use peak_alloc::PeakAlloc;
use picklejar_codec::ErrorKind;
use picklejar_codec::compress::{CHUNK, Compression, compress, decompress};

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;

/// What decompression may hold besides its output: the scratch chunk, the inflate state
/// (~45 KiB: a 32 KiB window and its tables) and an error message.
const SLACK: usize = CHUNK + 96 * KIB;

/// Runs `f` and returns its result with the most bytes allocated (beyond what was live
/// before) at any moment while it ran.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    ALLOC.reset_peak_usage();
    let base = ALLOC.current_usage();
    let r = f();
    (r, ALLOC.peak_usage().saturating_sub(base))
}

#[test]
fn gzip_bombs_are_refused_within_bounded_memory() {
    // 1 MiB of zeros deflates to about 1 KiB.
    let bomb = compress(&vec![0u8; MIB], Compression::Gzip).expect("compresses");
    assert!(bomb.len() <= 1100, "the bomb is {} bytes", bomb.len());
    // 64 such members: 64 KiB that inflate to 64 MiB.
    let members = bomb.repeat(64);

    for (what, data, limit) in [
        ("1 KiB to 1 MiB, limit 256 KiB", &bomb, 256 * KIB),
        ("1 KiB to 1 MiB, limit 1 MiB - 1", &bomb, MIB - 1),
        ("64 members to 64 MiB, limit 16 MiB", &members, 16 * MIB),
        (
            "64 members to 64 MiB, limit 64 MiB - 1",
            &members,
            64 * MIB - 1,
        ),
    ] {
        let (result, peak) = peak_of(|| decompress(data, limit).map(|d| d.len()));
        let e = match result {
            Ok(n) => panic!("{what}: decompressed {n} bytes past the limit"),
            Err(e) => e,
        };
        assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{what}: {e}");
        assert!(e.message().starts_with("gzip"), "{what}: {e}");
        assert!(
            e.offset().is_some_and(|o| o <= data.len() as u64),
            "{what}: {e}"
        );
        // The contract is limit + one chunk; in fact a refused stream never holds any of
        // its output, so the peak is the slack alone, however large the limit.
        eprintln!("{what}: peak {peak}");
        assert!(peak < limit + SLACK, "{what}: peak {peak} bytes");
        assert!(peak < SLACK, "{what}: peak {peak} bytes, above {SLACK}");
    }

    // Within the limit, the output is allocated once, at its exact size.
    let (out, peak) = peak_of(|| decompress(&members, 64 * MIB).map(|d| d.len()));
    assert_eq!(out.expect("fits"), 64 * MIB);
    eprintln!("ok: peak {peak}");
    assert!(peak < 64 * MIB + SLACK, "peak {peak} bytes");
}
