//! Compressed input: every format round-trips, is detected by its magic, and every way a
//! stream can be broken ends in the right error kind, with its offset and format name.

use std::borrow::Cow;

use picklejar_codec::ErrorKind;
use picklejar_codec::compress::{Compression, compress, decompress, decompress_as, detect};

const MIB: usize = 1 << 20;

/// A protocol-4 pickle of `[1, 'a', None]`.
const PICKLE: &[u8] = b"\x80\x04\x95\x0e\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01\x8c\x01a\x94Ne.";

/// Bytes that compress poorly: a xorshift sequence.
fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn payloads() -> Vec<(&'static str, Vec<u8>)> {
    let mut mixed = PICKLE.repeat(5_000);
    mixed.extend(noise(100_000));
    vec![
        ("empty", Vec::new()),
        ("pickle", PICKLE.to_vec()),
        ("200k mixed (several chunks)", mixed),
    ]
}

fn z(data: &[u8], c: Compression) -> Vec<u8> {
    compress(data, c).expect("compresses")
}

fn err(data: &[u8], limit: usize) -> picklejar_codec::Error {
    match decompress(data, limit) {
        Ok(d) => panic!("decompressed {} bytes, wanted an error", d.len()),
        Err(e) => e,
    }
}

#[test]
fn every_format_round_trips_and_is_detected() {
    for &c in Compression::ALL {
        for (what, p) in payloads() {
            let packed = z(&p, c);
            assert_eq!(detect(&packed), Some(c), "{c} {what}");
            let out = decompress(&packed, MIB).expect("decompresses");
            assert!(matches!(out, Cow::Owned(_)), "{c} {what}");
            assert_eq!(out.as_ref(), p.as_slice(), "{c} {what}");
            assert_eq!(decompress_as(&packed, c, MIB).expect("as"), p, "{c} {what}");
            // Exactly the limit is fine; one byte less is not.
            if !p.is_empty() {
                assert_eq!(
                    decompress(&packed, p.len()).expect("at limit").len(),
                    p.len()
                );
                let e = err(&packed, p.len() - 1);
                assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{c} {what}: {e}");
                assert!(e.message().starts_with(c.name()), "{e}");
            }
        }
    }
}

#[test]
fn output_is_deterministic_and_gzip_has_no_name_or_time() {
    for &c in Compression::ALL {
        assert_eq!(z(PICKLE, c), z(PICKLE, c), "{c}");
    }
    let gz = z(PICKLE, Compression::Gzip);
    assert_eq!(
        &gz[..4],
        b"\x1f\x8b\x08\x00",
        "deflate, no flags (no file name)"
    );
    assert_eq!(&gz[4..8], b"\0\0\0\0", "mtime 0");
}

#[test]
fn detection_is_by_magic_only() {
    for (data, want) in [
        (&b"\x1f\x8b"[..], Some(Compression::Gzip)),
        (b"BZh9", Some(Compression::Bz2)),
        (b"\xfd7zXZ\x00\x00", Some(Compression::Xz)),
        (b"\x28\xb5\x2f\xfd", Some(Compression::Zstd)),
        (b"\x1f", None),
        (b"BZ", None),
        (b"\xfd7zXZ", None),
        (b"\x28\xb5\x2f", None),
        (b"", None),
        (PICKLE, None),
        (b"(lp0\nI1\na.", None),
    ] {
        assert_eq!(detect(data), want, "{data:?}");
    }
}

#[test]
fn plain_pickles_pass_through_borrowed() {
    for data in [PICKLE, b"", b"\x1f", b"BZ", b"not a pickle at all"] {
        // Even with a limit of 0: nothing is allocated for them.
        let out = decompress(data, 0).expect("passes through");
        assert!(matches!(out, Cow::Borrowed(_)), "{data:?}");
        assert_eq!(out.as_ref(), data);
    }
}

#[test]
fn truncated_streams_are_truncated_at_their_end() {
    let p = payloads().pop().expect("payload").1;
    for &c in Compression::ALL {
        let packed = z(&p, c);
        for cut in [
            c.magic().len(),
            c.magic().len() + 1,
            packed.len() / 2,
            packed.len() - 1,
        ] {
            let e = err(&packed[..cut], 4 * MIB);
            assert_eq!(e.kind(), ErrorKind::Truncated, "{c} cut at {cut}: {e}");
            assert_eq!(e.offset(), Some(cut as u64), "{c} cut at {cut}");
            assert!(e.message().starts_with(c.name()), "{e}");
        }
    }
}

#[test]
fn a_flipped_check_byte_is_bad_compression() {
    // Where each format keeps a CRC or checksum of what it holds (from the stream length).
    type At = fn(usize) -> usize;
    let table: [(Compression, At); 6] = [
        // gzip: the CRC-32 in the member trailer.
        (Compression::Gzip, |n: usize| n - 8),
        // gzip: ISIZE in the trailer.
        (Compression::Gzip, |n: usize| n - 1),
        // bzip2: the block CRC, after "BZh9" and the block magic 31 41 59 26 53 59.
        (Compression::Bz2, |_| 10),
        // xz: the CRC-32 of the stream footer.
        (Compression::Xz, |n: usize| n - 12),
        // xz: the block's CRC-64, just before the index.
        (Compression::Xz, |n: usize| n - 12 - 12 - 1),
        // zstd: the content checksum at the end of the frame.
        (Compression::Zstd, |n: usize| n - 1),
    ];
    for (c, at) in table {
        let mut packed = z(PICKLE, c);
        let i = at(packed.len());
        packed[i] ^= 0x01;
        let e = err(&packed, MIB);
        assert_eq!(e.kind(), ErrorKind::BadCompression, "{c} byte {i}: {e}");
        assert!(e.message().starts_with(c.name()), "{e}");
        assert!(e.offset().is_some(), "{e}");
    }
    // A flipped bit inside the compressed data, too.
    let mut gz = z(&payloads().pop().expect("payload").1, Compression::Gzip);
    gz[200] ^= 0x40;
    assert_eq!(err(&gz, 4 * MIB).kind(), ErrorKind::BadCompression);
}

#[test]
fn gzip_headers_are_read_as_python_reads_them() {
    let body = z(PICKLE, Compression::Gzip);
    let deflate = &body[10..];
    // Every optional header field: FEXTRA, FNAME, FCOMMENT, FHCRC (not checked, as Python).
    let mut full = b"\x1f\x8b\x08\x1e\0\0\0\0\0\xff".to_vec();
    full.extend(b"\x03\x00abc");
    full.extend(b"name.pkl\0");
    full.extend(b"a comment\0");
    full.extend(b"\xde\xad");
    full.extend(deflate);
    assert_eq!(
        decompress(&full, MIB).expect("full header").as_ref(),
        PICKLE
    );

    let mut bad_method = body.clone();
    bad_method[2] = 7;
    let e = err(&bad_method, MIB);
    assert_eq!((e.kind(), e.offset()), (ErrorKind::BadCompression, Some(2)));
    assert!(e.message().contains("compression method"), "{e}");

    // A file name with no terminating NUL: the input ends inside the header.
    let e = err(b"\x1f\x8b\x08\x08\0\0\0\0\0\xffname.pkl", MIB);
    assert_eq!((e.kind(), e.offset()), (ErrorKind::Truncated, Some(18)));
    // An extra field longer than the input.
    let e = err(b"\x1f\x8b\x08\x04\0\0\0\0\0\xff\x10\x00ab", MIB);
    assert_eq!(e.kind(), ErrorKind::Truncated);
}

#[test]
fn concatenated_members_and_streams() {
    let (a, b) = (PICKLE, &b"\x80\x02N."[..]);
    let ab: Vec<u8> = [a, b].concat();
    for &c in Compression::ALL {
        let two = [z(a, c), z(b, c)].concat();
        assert_eq!(decompress(&two, MIB).expect("two").as_ref(), ab, "{c}");
        // The second stream cut short: truncated, whatever Python does with garbage.
        let cut = &two[..two.len() - 3];
        assert_eq!(err(cut, MIB).kind(), ErrorKind::Truncated, "{c}");
    }
    // gzip: zero padding between and after members is skipped; anything else is an error.
    let gz = |d: &[u8]| z(d, Compression::Gzip);
    let padded = [gz(a), vec![0; 7], gz(b), vec![0; 3]].concat();
    assert_eq!(decompress(&padded, MIB).expect("padded").as_ref(), ab);
    let trailing = [gz(a), b"garbage".to_vec()].concat();
    let e = err(&trailing, MIB);
    assert_eq!(e.kind(), ErrorKind::BadCompression);
    assert_eq!(e.offset(), Some(gz(a).len() as u64));
    let one_byte = [gz(a), vec![0x1f]].concat();
    assert_eq!(err(&one_byte, MIB).kind(), ErrorKind::BadCompression);
    // bzip2 and xz: data after a stream that is not a stream is ignored, as Python does.
    for c in [Compression::Bz2, Compression::Xz] {
        let trailing = [z(a, c), b"garbage".to_vec()].concat();
        assert_eq!(
            decompress(&trailing, MIB).expect("ignored").as_ref(),
            a,
            "{c}"
        );
        // ... and so is the output of a later stream that turns out to be corrupt.
        let mut second = z(b, c);
        let n = second.len();
        // The block CRC (bzip2), the footer CRC (xz).
        second[if c == Compression::Bz2 { 10 } else { n - 12 }] ^= 1;
        let corrupt = [z(a, c), second].concat();
        assert_eq!(
            decompress(&corrupt, MIB).expect("ignored").as_ref(),
            a,
            "{c}"
        );
    }
    // zstd: anything after a frame must be a frame.
    let trailing = [z(a, Compression::Zstd), b"garbage".to_vec()].concat();
    assert_eq!(err(&trailing, MIB).kind(), ErrorKind::BadCompression);
}

/// The CRC-32 that gzip and xz use.
fn crc32(data: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(data);
    c.sum()
}

#[test]
fn decoder_memory_is_bounded() {
    // What the standard tools write decodes under a small limit: xz at preset 6 has an
    // 8 MiB dictionary.
    let xz = z(PICKLE, Compression::Xz);
    assert_eq!(decompress(&xz, 64).expect("small limit").as_ref(), PICKLE);

    // An xz block header that asks for a 4 GiB dictionary (LZMA2 dictionary byte 40), its
    // CRC-32 fixed up: refused before anything is allocated for it.
    let mut big = xz;
    let start = 12;
    let size = (usize::from(big[start]) + 1) * 4;
    let props = big[start..start + size]
        .windows(2)
        .position(|w| w == [0x21, 0x01])
        .expect("an LZMA2 filter")
        + start
        + 2;
    big[props] = 40;
    let crc = crc32(&big[start..start + size - 4]).to_le_bytes();
    big[start + size - 4..start + size].copy_from_slice(&crc);
    let e = err(&big, MIB);
    assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{e}");
    assert!(e.message().contains("decoder memory"), "{e}");

    // A zstd frame that does not declare its size carries a window descriptor (exponent
    // in the high 5 bits, log2 = 10 + exponent).
    let mut c = zstd::bulk::Compressor::new(3).expect("compressor");
    c.set_parameter(zstd::zstd_safe::CParameter::ContentSizeFlag(false))
        .expect("parameter");
    let mut big = c.compress(PICKLE).expect("compresses");
    assert_eq!(
        big[4] & 0x20,
        0,
        "not single-segment: a window descriptor follows"
    );
    // 2^26 = 64 MiB: within the floor, so a small limit still decodes it.
    big[5] = 16 << 3;
    assert_eq!(
        decompress(&big, 64).expect("within the floor").as_ref(),
        PICKLE
    );
    // 2^30 = 1 GiB: beyond it.
    big[5] = 20 << 3;
    let e = err(&big, MIB);
    assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{e}");
    assert!(e.message().contains("window"), "{e}");
    // A limit that large lets it through (the window is not allocated until needed).
    assert_eq!(decompress(&big, 1 << 30).expect("fits").as_ref(), PICKLE);
}
