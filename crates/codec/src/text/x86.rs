//! [`text_to_latin1`] and [`utf8_to_latin1`] with AVX2, BMI2 and POPCNT (x86-64), chosen
//! at run time: 32 bytes of text at a time, the bytes of each code point found with
//! vector compares, and the lead bytes squeezed out of each 8-byte word with one `pext`;
//! for bytes not yet known to be text, the same masks also check the form.
//!
//! Baseline x86-64 (SSE2) has no instruction that moves bytes by a variable amount, which
//! dropping lead bytes needs; the portable path ([`super::latin1_portable`]) does it with
//! shifts and masks at about six instructions a byte of mixed text, this one at about two.
//! The functions here are safe code (slices, arrays, and the intrinsics that take and
//! return values); the one `unsafe` is the call into them after the CPU's features are
//! detected, which `#[target_feature]` requires.
//!
//! The `latin1` tests in `text.rs` check this path against the portable one and a
//! reference on every input. Under Miri, `cargo +nightly miri test -p picklejar-codec --lib
//! latin1` runs the portable path only (Miri reports no CPU feature the code was not
//! compiled for); with `RUSTFLAGS="-C target-feature=+avx2,+bmi2,+popcnt"` the features
//! are on at compile time and Miri runs this path too, intrinsics included (about 11
//! minutes on two cores).

use std::arch::x86_64::{
    __m256i, _mm_cvtsi128_si64, _mm_extract_epi64, _mm256_alignr_epi8, _mm256_and_si256,
    _mm256_castsi256_si128, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_extract_epi64,
    _mm256_movemask_epi8, _mm256_or_si256, _mm256_packus_epi16, _mm256_permute2x128_si256,
    _mm256_permute4x64_epi64, _mm256_set1_epi8, _mm256_set1_epi16, _mm256_setr_epi64x,
    _mm256_setzero_si256, _mm256_slli_epi16, _mm256_srli_epi16, _pext_u64,
};

/// Text (its UTF-8 bytes) to Latin-1, as [`super::text_to_latin1`]; `None` when this CPU
/// lacks AVX2, BMI2 or POPCNT, and the caller takes the portable path.
pub(super) fn text_to_latin1(b: &[u8]) -> Option<Option<Vec<u8>>> {
    with_features(b, Input::Text)
}

/// Bytes (not known to be text) to Latin-1, as [`super::utf8_to_latin1`]; `None` when
/// this CPU lacks AVX2, BMI2 or POPCNT, and the caller takes the portable path.
pub(super) fn utf8_to_latin1(b: &[u8]) -> Option<Option<Vec<u8>>> {
    with_features(b, Input::Bytes)
}

/// What the bytes given to [`with_features`] are known to be.
#[derive(Clone, Copy)]
enum Input {
    /// Text (a `str` node's bytes): [`convert`].
    Text,
    /// Any bytes: [`convert_checked`].
    Bytes,
}

/// The conversion of `b` for its kind of input if this CPU has AVX2, BMI2 and POPCNT,
/// else `None`.
fn with_features(b: &[u8], input: Input) -> Option<Option<Vec<u8>>> {
    if is_x86_feature_detected!("avx2")
        && is_x86_feature_detected!("bmi2")
        && is_x86_feature_detected!("popcnt")
    {
        // SAFETY: `convert_input` is compiled for AVX2, BMI2 and POPCNT (its
        // `#[target_feature]`), which were just detected on this CPU; it has no other
        // precondition (it is safe code: its callees have the same features, and it
        // touches memory only through slices and arrays).
        #[allow(unsafe_code)]
        let latin1 = unsafe { convert_input(b, input) };
        Some(latin1)
    } else {
        None
    }
}

/// [`convert`] or [`convert_checked`], by what `b` is.
#[target_feature(enable = "avx2,bmi2,popcnt")]
fn convert_input(b: &[u8], input: Input) -> Option<Vec<u8>> {
    match input {
        Input::Text => convert(b),
        Input::Bytes => convert_checked(b),
    }
}

/// The conversion: [`super::latin1_scan`] (checked and counted in one pass, vectorized
/// for AVX2 here), ASCII returned as is, else [`convert_staged`] with a stage of 256
/// bytes for short text and 1024 for longer (each call zeroes its stage, and the longer
/// stage costs fewer appends).
/// `None` if the text has a code point above U+00FF.
#[target_feature(enable = "avx2,bmi2,popcnt")]
fn convert(b: &[u8]) -> Option<Vec<u8>> {
    let len = super::latin1_scan(b)?;
    if len == b.len() {
        return Some(b.to_vec());
    }
    let latin1 = if len < 1024 {
        convert_staged::<256, 264, false>(b, len)?
    } else {
        convert_staged::<1024, 1032, false>(b, len)?
    };
    (latin1.len() == len).then_some(latin1)
}

/// The conversion of `b` in 32-byte chunks, the last, shorter one from a copy padded
/// with zeros (ASCII: the code points they make, last, are not kept): through
/// [`convert_chunk`] for text (`CHECKED` false: `b` is well formed, not all ASCII, of
/// `capacity` code points), or [`convert_chunk_checked`] for any bytes (`CHECKED` true;
/// `capacity` is the input's length, an upper bound), which gives `None` as soon as a
/// stage has found a byte out of form.
///
/// The output is staged: each chunk's code points are written at the end of the ones
/// before, as 8-byte stores into a stack buffer of `STAGE` bytes and 8 more (`BUF`; a
/// local array, so no bounds or capacity check is left in the loop and nothing has to be
/// zeroed in the result), which is appended to the result whenever it could not take
/// another chunk.
#[target_feature(enable = "avx2,bmi2,popcnt")]
fn convert_staged<const STAGE: usize, const BUF: usize, const CHECKED: bool>(
    b: &[u8],
    capacity: usize,
) -> Option<Vec<u8>> {
    const { assert!(BUF == STAGE + 8 && STAGE > 32) };
    let mut out = Vec::with_capacity(capacity);
    let mut stage = [0u8; BUF];
    let mut pos = 0;
    // The chunk before (none at first: no continuation byte opens the text).
    let mut prev = _mm256_setzero_si256();
    // For the check: whether the last chunk ended in a lead byte (bit 0), and the bytes
    // out of form so far.
    let mut carry = 0u32;
    let mut bad = 0u32;
    let mut chunks = b.chunks_exact(32);
    'text: loop {
        while pos < STAGE - 32 {
            let Some(c) = chunks.next().and_then(|c| c.first_chunk::<32>()) else {
                break 'text;
            };
            let dst = stage.get_mut(pos..)?.first_chunk_mut::<40>()?;
            let w = load(c);
            pos += if CHECKED {
                convert_chunk_checked(c, w, prev, dst, &mut carry, &mut bad)
            } else {
                convert_chunk(c, w, prev, dst).0
            };
            prev = w;
        }
        if CHECKED && bad != 0 {
            return None;
        }
        out.extend_from_slice(stage.get(..pos)?);
        pos = 0;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 32];
        last.get_mut(..rest.len())?.copy_from_slice(rest);
        let dst = stage.get_mut(pos..)?.first_chunk_mut::<40>()?;
        let w = load(&last);
        pos += if CHECKED {
            convert_chunk_checked(&last, w, prev, dst, &mut carry, &mut bad)
        } else {
            convert_chunk(&last, w, prev, dst).0
        };
        pos = pos.checked_sub(32 - rest.len())?;
    }
    if CHECKED && (bad != 0 || carry != 0) {
        return None;
    }
    out.extend_from_slice(stage.get(..pos)?);
    Some(out)
}

/// The 32 bytes of `c` as a vector (the compiler makes one unaligned load of it).
#[target_feature(enable = "avx2,bmi2,popcnt")]
#[inline]
fn load(c: &[u8; 32]) -> __m256i {
    let q = |k: usize| {
        c[8 * k..]
            .first_chunk::<8>()
            .map_or(0, |q| i64::from_le_bytes(*q))
    };
    _mm256_setr_epi64x(q(0), q(1), q(2), q(3))
}

/// Writes the code points that end in the 32 bytes `c` (`w` as a vector; `prev` is the
/// chunk before) to `dst` and returns how many, with the masks it found: the lead bytes
/// (the bytes of 0x80 or more that are not continuation bytes) and the continuation
/// bytes, bit k for byte k. It writes up to 40 bytes, of which those
/// past the count are scrap that the next chunk overwrites or that is never kept.
///
/// A code point ends on an ASCII byte or a continuation byte, so the lead bytes are the
/// ones dropped, and each continuation byte becomes its code point by taking bit 0 of the
/// lead byte before it into bit 6 (0xC2 0xXX is 0xXX, 0xC3 0xXX is 0xXX | 0x40); the byte
/// before each byte comes from the chunk and the one before it (`alignr`), so a lead byte
/// last in one chunk serves the continuation byte first in the next. Then, by the lead
/// bytes' bit mask:
/// * none: ASCII, the chunk is copied;
/// * every other byte (sixteen two-byte code points, from the first byte or the second):
///   the continuation bytes are shifted or masked into the low byte of each 16-bit lane,
///   packed to bytes, and one permute joins the halves (all of Latin-1's upper half, as
///   in `bytes(range(256))`);
/// * else each 8-byte word loses its lead bytes in one `pext` with the mask of its other
///   bytes (a 256-entry table by the word's lead bits), stored at the end of the words
///   before it.
#[target_feature(enable = "avx2,bmi2,popcnt")]
#[inline]
fn convert_chunk(c: &[u8; 32], w: __m256i, prev: __m256i, dst: &mut [u8; 40]) -> (usize, u32, u32) {
    let high = _mm256_movemask_epi8(w) as u32;
    if high == 0 {
        if let Some(d) = dst.first_chunk_mut::<32>() {
            *d = *c;
        }
        return (32, 0, 0);
    }
    // Continuation bytes, 0x80..=0xBF, are the bytes below -64 as signed bytes.
    let cont = _mm256_cmpgt_epi8(_mm256_set1_epi8(-64), w);
    let before = _mm256_alignr_epi8::<15>(w, _mm256_permute2x128_si256::<0x21>(prev, w));
    let bit6 = _mm256_and_si256(_mm256_slli_epi16::<6>(before), _mm256_set1_epi8(0x40));
    let v = _mm256_or_si256(w, _mm256_and_si256(bit6, cont));
    let cont_bits = _mm256_movemask_epi8(cont) as u32;
    let lead = high & !cont_bits;
    if lead == 0x5555_5555 || lead == 0xaaaa_aaaa {
        // The continuation bytes into the low byte of each 16-bit lane, packed to bytes.
        let x = if lead & 1 == 1 {
            _mm256_srli_epi16::<8>(v)
        } else {
            _mm256_and_si256(v, _mm256_set1_epi16(0xff))
        };
        let x = _mm256_packus_epi16(x, x);
        let x = _mm256_castsi256_si128(_mm256_permute4x64_epi64::<0b1000>(x));
        if let Some((lo, hi)) = dst.first_chunk_mut::<16>().map(|d| d.split_at_mut(8)) {
            lo.copy_from_slice(&_mm_cvtsi128_si64(x).to_le_bytes());
            hi.copy_from_slice(&_mm_extract_epi64::<1>(x).to_le_bytes());
        }
        return (16, lead, cont_bits);
    }
    let words = [
        _mm256_extract_epi64::<0>(v),
        _mm256_extract_epi64::<1>(v),
        _mm256_extract_epi64::<2>(v),
        _mm256_extract_epi64::<3>(v),
    ];
    let mut at = 0usize;
    for (k, &x) in words.iter().enumerate() {
        let leads = ((lead >> (8 * k)) & 0xff) as usize;
        let kept = _pext_u64(x as u64, KEEP[leads]);
        // `at` is at most 8 * k <= 24 here, so the mask changes nothing; it shows the
        // compiler the store is in bounds.
        let at8 = at & 31;
        if let Some(d) = dst.get_mut(at8..at8 + 8) {
            d.copy_from_slice(&kept.to_le_bytes());
        }
        at = at8 + 8 - leads.count_ones() as usize;
    }
    (32 - lead.count_ones() as usize, lead, cont_bits)
}

/// For each set of lead bytes of an 8-byte word (bit k for byte k), the `pext` mask that
/// keeps the other bytes.
static KEEP: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut leads = 0;
    while leads < 256 {
        let mut k = 0;
        while k < 8 {
            if leads & (1 << k) == 0 {
                t[leads] |= 0xff << (8 * k);
            }
            k += 1;
        }
        leads += 1;
    }
    t
};

/// The conversion of bytes that may not be text: [`convert_staged`] with the check that
/// makes it safe on any bytes: every byte of 0x80 or more is a lead byte 0xC2/0xC3 with a
/// continuation byte right after it, or that continuation byte. Those are the UTF-8 forms
/// of U+0080..U+00FF, so bytes that pass are well-formed UTF-8 of code points below 256,
/// and no pass over them (a UTF-8 validation, a count) is needed before or after.
///
/// Per chunk the check is two masks: the lead bytes must be exactly the high bytes that
/// are not continuation bytes, and the continuation bytes exactly the bytes after a lead
/// byte (one chunk's last lead byte carried into the next). Failures are gathered without
/// a branch and looked at once per stage, so bytes that are not Latin-1 text cost at most
/// one stage (1,024 bytes) of work before `None`. The output is allocated at the input's
/// size, an upper bound (each code point has one byte or two).
#[target_feature(enable = "avx2,bmi2,popcnt")]
fn convert_checked(b: &[u8]) -> Option<Vec<u8>> {
    convert_staged::<1024, 1032, true>(b, b.len())
}

/// [`convert_chunk`] with [`convert_checked`]'s check: the bytes that break the form it
/// accepts are or'ed into `bad` (bit k for byte k); `carry` is 1 if the chunk before
/// ended in a lead byte, and is updated for the next. An ASCII chunk is right exactly when
/// no lead byte is left waiting for it.
#[target_feature(enable = "avx2,bmi2,popcnt")]
#[inline]
fn convert_chunk_checked(
    c: &[u8; 32],
    w: __m256i,
    prev: __m256i,
    dst: &mut [u8; 40],
    carry: &mut u32,
    bad: &mut u32,
) -> usize {
    if _mm256_movemask_epi8(w) == 0 {
        if let Some(d) = dst.first_chunk_mut::<32>() {
            *d = *c;
        }
        *bad |= *carry;
        *carry = 0;
        return 32;
    }
    let (n, lead, cont) = convert_chunk(c, w, prev, dst);
    let exact = _mm256_cmpeq_epi8(
        _mm256_and_si256(w, _mm256_set1_epi8(0xfe_u8 as i8)),
        _mm256_set1_epi8(0xc2_u8 as i8),
    );
    let c2c3 = _mm256_movemask_epi8(exact) as u32;
    *bad |= (c2c3 ^ lead) | (cont ^ ((lead << 1) | *carry));
    *carry = lead >> 31;
    n
}
