//! Crate-private helpers for Python `str` values ([`Text`](crate::Text)): surrogatepass
//! UTF-8, raw-unicode-escape, Latin-1 both ways; and the byte escapes and Python `repr()`s
//! that canon and the disassembler write. Nothing here is public.

use std::fmt::Write as _;

#[cfg(target_arch = "x86_64")]
mod x86;

/// Decodes one code point of UTF-8 that may encode surrogates; returns the code point and
/// its length, or `None` if malformed.
fn decode_one(b: &[u8]) -> Option<(u32, usize)> {
    let b0 = *b.first()?;
    let cont = |i: usize| -> Option<u32> {
        let c = *b.get(i)?;
        (c & 0xc0 == 0x80).then_some(u32::from(c & 0x3f))
    };
    match b0 {
        0x00..=0x7f => Some((u32::from(b0), 1)),
        0xc2..=0xdf => Some(((u32::from(b0 & 0x1f) << 6) | cont(1)?, 2)),
        0xe0..=0xef => {
            let cp = (u32::from(b0 & 0x0f) << 12) | (cont(1)? << 6) | cont(2)?;
            (cp >= 0x800).then_some((cp, 3))
        }
        0xf0..=0xf4 => {
            let cp = (u32::from(b0 & 0x07) << 18) | (cont(1)? << 12) | (cont(2)? << 6) | cont(3)?;
            (0x10000..=0x10ffff).contains(&cp).then_some((cp, 4))
        }
        _ => None,
    }
}

/// Whether `b` is UTF-8 in which surrogates may appear (each encoded on its own).
pub(crate) fn valid_surrogatepass(mut b: &[u8]) -> bool {
    while !b.is_empty() {
        // Fast path over ASCII.
        let ascii = b.iter().take_while(|c| c.is_ascii()).count();
        b = &b[ascii..];
        if b.is_empty() {
            break;
        }
        match decode_one(b) {
            Some((_, n)) => b = &b[n..],
            None => return false,
        }
    }
    true
}

/// Whether `b` is UTF-8, or UTF-8 in which surrogates may appear (each encoded on its
/// own): what a `str` node may hold. The same set as
/// `std::str::from_utf8(b).is_ok() || valid_surrogatepass(b)`, in one pass: long input
/// goes through SIMD UTF-8 validation first (surrogates are rare), then the DFA.
#[inline]
pub(crate) fn valid_utf8_or_surrogatepass(b: &[u8]) -> bool {
    if b.len() >= 64 && simdutf8::basic::from_utf8(b).is_ok() {
        return true;
    }
    // ASCII (most dict keys and names) is settled here; the rest goes to the automaton.
    let rest = skip_ascii(b);
    rest.is_empty() || dfa_valid(rest)
}

/// The validating automaton, one table lookup and a shift per byte (a "shift DFA"): each
/// state is a bit offset (a multiple of 6) and `DFA[byte] >> state & 63` is the next one.
#[inline(never)]
fn dfa_valid(b: &[u8]) -> bool {
    let mut state = 0u64;
    let mut rest = b;
    while !rest.is_empty() {
        let (block, after) = rest.split_at(rest.len().min(64));
        // Four bytes a round, then the rest: the loop's own count and compare once per
        // four steps of the automaton.
        let mut quads = block.chunks_exact(4);
        for q in &mut quads {
            if let &[a, b, c, d] = q {
                state = (DFA[usize::from(a)] >> (state & 63)) & 63;
                state = (DFA[usize::from(b)] >> (state & 63)) & 63;
                state = (DFA[usize::from(c)] >> (state & 63)) & 63;
                state = (DFA[usize::from(d)] >> (state & 63)) & 63;
            }
        }
        for &c in quads.remainder() {
            state = (DFA[usize::from(c)] >> (state & 63)) & 63;
        }
        rest = after;
        if state == ERR {
            return false;
        }
        if state == 0 {
            rest = skip_ascii(rest);
        }
    }
    state == 0
}

/// DFA states, as bit offsets: 0 accepts; `NEED1..3` want that many continuation bytes;
/// `E0`, `F0`, `F4` want a restricted first continuation (no overlong forms, nothing
/// above U+10FFFF; surrogates after 0xED are allowed).
const NEED1: u64 = 6;
const NEED2: u64 = 12;
const NEED3: u64 = 18;
const AFTER_E0: u64 = 24;
const AFTER_F0: u64 = 30;
const AFTER_F4: u64 = 36;
const ERR: u64 = 42;

const fn dfa_row(c: u8) -> u64 {
    // The next state from each state, for byte `c`.
    let from_start = match c {
        0x00..=0x7f => 0,
        0xc2..=0xdf => NEED1,
        0xe0 => AFTER_E0,
        0xe1..=0xef => NEED2,
        0xf0 => AFTER_F0,
        0xf1..=0xf3 => NEED3,
        0xf4 => AFTER_F4,
        _ => ERR,
    };
    let cont = c & 0xc0 == 0x80;
    from_start
        | step(cont, 0) << NEED1
        | step(cont, NEED1) << NEED2
        | step(cont, NEED2) << NEED3
        | step(matches!(c, 0xa0..=0xbf), NEED1) << AFTER_E0
        | step(matches!(c, 0x90..=0xbf), NEED2) << AFTER_F0
        | step(matches!(c, 0x80..=0x8f), NEED2) << AFTER_F4
        | ERR << ERR
}

const fn step(ok: bool, next: u64) -> u64 {
    if ok { next } else { ERR }
}

static DFA: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = dfa_row(i as u8);
        i += 1;
    }
    t
};

const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// `b` after its leading ASCII words (a few ASCII bytes may remain).
#[inline]
fn skip_ascii(b: &[u8]) -> &[u8] {
    let mut rest = b;
    while let Some((w, after)) = rest.split_first_chunk::<8>() {
        if u64::from_ne_bytes(*w) & HIGH_BITS != 0 {
            return rest;
        }
        rest = after;
    }
    // Fewer than 8 bytes left: the last 8 of `b` (overlapping what was skipped) hold them
    // all, so one more word says whether they are ASCII; shorter input is looked at byte
    // by byte.
    let ascii = match b.last_chunk::<8>() {
        Some(w) => u64::from_ne_bytes(*w) & HIGH_BITS == 0,
        None => rest.is_ascii(),
    };
    if ascii { &[] } else { rest }
}

/// Iterator over the code points of surrogatepass UTF-8.
pub(crate) struct CodePoints<'a> {
    rest: &'a [u8],
}

impl<'a> CodePoints<'a> {
    pub(crate) fn new(b: &'a [u8]) -> CodePoints<'a> {
        CodePoints { rest: b }
    }
}

impl Iterator for CodePoints<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.rest.is_empty() {
            return None;
        }
        match decode_one(self.rest) {
            Some((cp, n)) => {
                self.rest = &self.rest[n..];
                Some(cp)
            }
            None => {
                // Not reachable for a valid Text; yield U+FFFD and resynchronize.
                self.rest = &self.rest[1..];
                Some(0xfffd)
            }
        }
    }
}

/// Appends a code point as surrogatepass UTF-8; `None` if above U+10FFFF.
pub(crate) fn push_code_point(out: &mut Vec<u8>, cp: u32) -> Option<()> {
    match cp {
        0..=0x7f => out.push(cp as u8),
        0x80..=0x7ff => out.extend_from_slice(&[0xc0 | (cp >> 6) as u8, 0x80 | (cp & 0x3f) as u8]),
        0x800..=0xffff => out.extend_from_slice(&[
            0xe0 | (cp >> 12) as u8,
            0x80 | ((cp >> 6) & 0x3f) as u8,
            0x80 | (cp & 0x3f) as u8,
        ]),
        0x10000..=0x10ffff => out.extend_from_slice(&[
            0xf0 | (cp >> 18) as u8,
            0x80 | ((cp >> 12) & 0x3f) as u8,
            0x80 | ((cp >> 6) & 0x3f) as u8,
            0x80 | (cp & 0x3f) as u8,
        ]),
        _ => return None,
    }
    Some(())
}

/// Decodes `raw-unicode-escape` (the UNICODE opcode): bytes are Latin-1 code points, except
/// `\uXXXX` and `\UXXXXXXXX` after an odd number of backslashes. Errors name the problem.
pub(crate) fn decode_raw_unicode_escape(b: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c != b'\\' {
            push_latin1(&mut out, c);
            i += 1;
            continue;
        }
        // Count the run of backslashes; only an odd run followed by u/U is an escape.
        let run = b[i..].iter().take_while(|&&x| x == b'\\').count();
        let after = b.get(i + run).copied();
        if run % 2 == 1 && matches!(after, Some(b'u' | b'U')) {
            out.extend(std::iter::repeat_n(b'\\', run - 1));
            let width = if after == Some(b'u') { 4 } else { 8 };
            let start = i + run + 1;
            let digits = b
                .get(start..start + width)
                .ok_or("truncated \\uXXXX escape")?;
            let mut cp: u32 = 0;
            for &d in digits {
                let v = (d as char).to_digit(16).ok_or("truncated \\uXXXX escape")?;
                cp = cp * 16 + v;
            }
            push_code_point(&mut out, cp).ok_or("\\Uxxxxxxxx out of range")?;
            i = start + width;
        } else {
            out.extend(std::iter::repeat_n(b'\\', run));
            i += run;
        }
    }
    Ok(out)
}

fn push_latin1(out: &mut Vec<u8>, c: u8) {
    if c < 0x80 {
        out.push(c);
    } else {
        out.extend_from_slice(&[0xc0 | (c >> 6), 0x80 | (c & 0x3f)]);
    }
}

/// Latin-1 bytes to text (encoding_rs: ASCII runs a word or a vector at a time; it wants
/// room for two output bytes per input byte).
pub(crate) fn latin1_to_text(b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; b.len().saturating_mul(2)];
    let n = encoding_rs::mem::convert_latin1_to_utf8(b, &mut out);
    out.truncate(n);
    out
}

/// Whether `utf8` is exactly the UTF-8 encoding of the latin-1 text `data` (what
/// [`latin1_to_text`] would make), checked without decoding or allocating.
pub(crate) fn is_latin1_text_of(utf8: &[u8], data: &[u8]) -> bool {
    // Sixteen input bytes at a time when they are all ASCII (sixteen equal output bytes)
    // or all non-ASCII (sixteen two-byte sequences, compared in a shape the compiler
    // turns into vector instructions); a mixed block by halves, an ASCII half at once and
    // another a byte at a time, as the tail.
    let mut i = 0;
    let mut blocks = data.chunks_exact(16);
    for blk in &mut blocks {
        let Some(blk) = blk.first_chunk::<16>() else {
            return false;
        };
        let (lo, hi) = blk.split_at(8);
        let (Ok(lo), Ok(hi)) = (<[u8; 8]>::try_from(lo), <[u8; 8]>::try_from(hi)) else {
            return false;
        };
        let (lo, hi) = (u64::from_le_bytes(lo), u64::from_le_bytes(hi));
        if (lo | hi) & HIGH_BITS == 0 {
            if utf8.get(i..).and_then(|u| u.first_chunk::<16>()) != Some(blk) {
                return false;
            }
            i += 16;
        } else if lo & hi & HIGH_BITS == HIGH_BITS {
            match utf8.get(i..).and_then(|u| u.first_chunk::<32>()) {
                Some(u) if is_latin1_high_utf8(u, blk) => i += 32,
                _ => return false,
            }
        } else {
            // A mixed block: an ASCII half is still compared a word at a time.
            for (half, x) in blk.chunks_exact(8).zip([lo, hi]) {
                if x & HIGH_BITS == 0 {
                    if utf8.get(i..i + 8) != Some(half) {
                        return false;
                    }
                    i += 8;
                } else {
                    match latin1_text_prefix(utf8, i, half) {
                        Some(next) => i = next,
                        None => return false,
                    }
                }
            }
        }
    }
    match latin1_text_prefix(utf8, i, blocks.remainder()) {
        Some(end) => end == utf8.len(),
        None => false,
    }
}

/// Whether `u` is the UTF-8 of sixteen Latin-1 bytes that are all 0x80 or more: each
/// byte `b` becomes the pair `0xC0 | b >> 6`, `0x80 | b & 0x3F`, compared as 16-bit
/// little-endian lanes (a shape the compiler turns into vector instructions).
/// Kept out of line: inlined into the caller's loop it loses its vector form.
#[inline(never)]
fn is_latin1_high_utf8(u: &[u8; 32], blk: &[u8; 16]) -> bool {
    let want: [u16; 16] = blk.map(|b| {
        let b = u16::from(b);
        (b >> 6) | ((b & 0x3f) << 8) | 0x80c0
    });
    let got: [u16; 16] = std::array::from_fn(|k| u16::from_le_bytes([u[2 * k], u[2 * k + 1]]));
    want == got
}

/// Whether `utf8[i..]` starts with the UTF-8 of the Latin-1 text `data`; where it ends.
fn latin1_text_prefix(utf8: &[u8], mut i: usize, data: &[u8]) -> Option<usize> {
    for &b in data {
        if b < 0x80 {
            if utf8.get(i) != Some(&b) {
                return None;
            }
            i += 1;
        } else {
            if utf8.get(i..i + 2) != Some(&[0xc0 | (b >> 6), 0x80 | (b & 0x3f)]) {
                return None;
            }
            i += 2;
        }
    }
    Some(i)
}

/// Input bytes per block of [`latin1_block`]; it reads four bytes more (the byte after
/// the block, for a lead byte last, rounded to a word) and writes up to four bytes more
/// than it keeps.
const BLOCK: usize = 64;
const BLOCK_IN: usize = BLOCK + 4;
const BLOCK_OUT: usize = BLOCK + 4;

/// Text to Latin-1 bytes, if every code point is below 256: a byte at a time for short
/// text ([`latin1_short`]), else with AVX2 and BMI2 when the CPU has them
/// (`text/x86.rs`), else [`latin1_portable`]. All give the same result.
pub(crate) fn text_to_latin1(t: &crate::Text) -> Option<Vec<u8>> {
    if let Some(short) = latin1_short(t.as_bytes()) {
        return short;
    }
    #[cfg(target_arch = "x86_64")]
    if let Some(latin1) = x86::text_to_latin1(t.as_bytes()) {
        return latin1;
    }
    latin1_portable(t.as_bytes())
}

/// Bytes to Latin-1 if they are UTF-8 of code points below U+0100 only (then they are
/// also text a `str` node may hold), else `None`: on x86-64 with AVX2 and BMI2 one pass
/// that converts and checks the form together (`text/x86.rs`), so a str that is about to
/// be converted (protocol 2's bytes, `_codecs.encode(str, 'latin1')`) need not be
/// validated first; elsewhere validated, then [`latin1_portable`].
pub(crate) fn utf8_to_latin1(b: &[u8]) -> Option<Vec<u8>> {
    #[cfg(target_arch = "x86_64")]
    if let Some(latin1) = x86::utf8_to_latin1(b) {
        return latin1;
    }
    if !valid_utf8_or_surrogatepass(b) {
        return None;
    }
    latin1_portable(b)
}

/// The longest text [`latin1_short`] converts.
const SHORT_LATIN1: usize = 32;

/// [`text_to_latin1`] of the text's bytes `b` if it is short (`None` if it is not): one
/// pass, a byte at a time, into a buffer on the stack, then one allocation of exactly the
/// output's size. For the short strs of protocol 2's `bytes` (`_codecs.encode(str,
/// 'latin1')`: a `datetime`'s state, a hash) the vector paths' setup (the CPU feature
/// checks, a zeroed stage) costs more than the conversion.
fn latin1_short(b: &[u8]) -> Option<Option<Vec<u8>>> {
    if b.len() > SHORT_LATIN1 {
        return None;
    }
    let mut out = [0u8; SHORT_LATIN1];
    let mut n = 0;
    let mut it = b.iter();
    while let Some(&c) = it.next() {
        // Text is well formed: a code point below 256 is ASCII or 0xC2/0xC3 and one
        // continuation byte; any other lead byte starts one above 255 (or a surrogate).
        let byte = match c {
            0x00..=0x7f => c,
            0xc2 | 0xc3 => match it.next() {
                Some(&next) => ((c & 0x03) << 6) | (next & 0x3f),
                None => return Some(None),
            },
            _ => return Some(None),
        };
        // At most one output byte per input byte, so `n < b.len() <= SHORT_LATIN1`.
        if let Some(slot) = out.get_mut(n) {
            *slot = byte;
        }
        n += 1;
    }
    Some(out.get(..n).map(<[u8]>::to_vec))
}

/// [`text_to_latin1`] of the text's bytes `b`, in portable code (the machine's baseline
/// vector instructions at most, through the compiler).
fn latin1_portable(b: &[u8]) -> Option<Vec<u8>> {
    // Text is well formed, so it is Latin-1 exactly when it has no lead byte above 0xC3
    // (code points up to U+00FF are ASCII or 0xC2/0xC3 + a continuation byte; surrogates
    // and everything above U+00FF start with 0xC4 or more): one pass checks that and
    // counts the code points.
    let len = latin1_scan_apart(b)?;
    if len == b.len() {
        return Some(b.to_vec());
    }
    // One output byte per code point, allocated once at its exact size and appended to
    // (never zeroed first). Blocks of 64 bytes are copied when they are ASCII and
    // decoded a word at a time when they are all 0xC2/0xC3 pairs
    // and converted by `latin1_block` otherwise, the last one from a copy padded with zeros
    // (ASCII, so nothing after the text's code points is kept); each block's output is
    // appended whole, then cut to what it made, while there is room for that.
    let mut out = Vec::with_capacity(len);
    let mut buf = [0u8; BLOCK_OUT];
    let mut pad = [0u8; BLOCK_IN];
    let mut i = 0;
    while i < b.len() {
        let rest = b.get(i..)?;
        let blk = match rest.first_chunk::<BLOCK_IN>() {
            Some(blk) => {
                let head = blk.first_chunk::<BLOCK>()?;
                if head.is_ascii() && out.capacity() - out.len() >= BLOCK {
                    out.extend_from_slice(head);
                    i += BLOCK;
                    continue;
                }
                if let Some(pairs) = latin1_all_pairs(head)
                    && out.capacity() - out.len() >= BLOCK / 2
                {
                    out.extend_from_slice(&pairs);
                    i += BLOCK;
                    continue;
                }
                blk
            }
            None => {
                pad.get_mut(..rest.len())?.copy_from_slice(rest);
                &pad
            }
        };
        let n = latin1_block(blk, &mut buf).min(len.saturating_sub(out.len()));
        if out.capacity() - out.len() >= BLOCK_OUT {
            let keep = out.len() + n;
            out.extend_from_slice(&buf);
            out.truncate(keep);
        } else {
            out.extend_from_slice(buf.get(..n)?);
        }
        i += BLOCK;
    }
    (out.len() == len).then_some(out)
}

/// Converts the code points that start in the first 64 bytes of `blk` (text of
/// ASCII, 0xC2/0xC3 lead bytes and continuation bytes; the four bytes after them are
/// read for the continuation of a lead byte last) into `dst`; returns how many.
/// A continuation byte first belongs to the block before and makes nothing.
///
/// In two passes, each over the sixteen 4-byte words: the first (free of branches, a
/// shape the compiler turns into vector instructions) turns each word into its code
/// points packed into the low bytes and their count, the second stores the words one
/// after another, each at the end of the ones before (writing four bytes, of which the
/// ones past the count are overwritten next).
#[inline(always)]
fn latin1_block(blk: &[u8; BLOCK_IN], dst: &mut [u8; BLOCK_OUT]) -> usize {
    const N: usize = BLOCK / 4;
    let mut words = [0u32; N + 1];
    for (w, c) in words.iter_mut().zip(blk.chunks_exact(4)) {
        *w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
    }
    let mut packed = [0u32; N];
    let mut counts = [0u32; N];
    for k in 0..N {
        (packed[k], counts[k]) = latin1_quad(words[k], words[k + 1]);
    }
    let mut j = 0usize;
    for k in 0..N {
        // `j` is at most 4 * k <= 60 here, so the mask changes nothing; it shows the
        // compiler the store is in bounds.
        let at = j & (BLOCK - 1);
        if let Some(d) = dst.get_mut(at..at + 4) {
            d.copy_from_slice(&packed[k].to_le_bytes());
        }
        j += counts[k] as usize;
    }
    j
}

/// The code points that start in the four bytes of `w` (little-endian; `next` is the
/// word after it, whose first byte continues a lead byte last), packed into the low
/// bytes, and how many there are. Continuation bytes start nothing; since each follows
/// its lead byte, no two are adjacent, so each 16-bit half holds at most one.
#[inline(always)]
fn latin1_quad(w: u32, next: u32) -> (u32, u32) {
    const HIGH: u32 = 0x8080_8080;
    // Each byte's following byte.
    let after = (w >> 8) | (next << 24);
    let hi = w & HIGH;
    // 0xFF in the bytes of 0x80 or more (lead and continuation bytes).
    let m = hi | (hi - (hi >> 7));
    // A lead byte 0xC2/0xC3 and its continuation make (lead & 3) << 6 | (cont & 0x3F).
    let lead = ((w & 0x0303_0303) << 6) | (after & 0x3f3f_3f3f);
    let v = (w & !m) | (lead & m);
    // 0x80 in the continuation bytes (0b10xx_xxxx).
    let cont = hi & !(w << 1);
    // Each half alone: a continuation byte low takes the high byte down, one high is
    // cleared.
    let lo_cont = cont & 0x0080_0080;
    let hi_cont = cont & 0x8000_8000;
    let lo_m = lo_cont | (lo_cont - (lo_cont >> 7));
    let hi_m = hi_cont | (hi_cont - (hi_cont >> 7));
    let x = (v & !(lo_m | (lo_m << 8) | hi_m)) | ((v >> 8) & lo_m);
    // The halves together: a low half of one code point takes the high half down a byte.
    let full = u32::from(cont & 0x8080 == 0).wrapping_neg();
    let packed = (x & full) | (((x & 0xff) | ((x >> 8) & 0x00ff_ff00)) & !full);
    let s = cont >> 7;
    let s = s + (s >> 16);
    let s = s + (s >> 8);
    (packed, 4 - (s & 0xff))
}

/// The code points of a block of 0xC2/0xC3 + continuation pairs, if it is one: each
/// word of four pairs checked and decoded with [`latin1_pairs`].
#[inline(always)]
fn latin1_all_pairs(head: &[u8; BLOCK]) -> Option<[u8; BLOCK / 2]> {
    let mut w = [0u64; BLOCK / 8];
    for (x, c) in w.iter_mut().zip(head.chunks_exact(8)) {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        *x = u64::from_le_bytes(a);
    }
    if !w.iter().all(|&x| is_latin1_pairs(x)) {
        return None;
    }
    let mut out = [0u8; BLOCK / 2];
    for (d, &x) in out.chunks_exact_mut(4).zip(&w) {
        d.copy_from_slice(&latin1_pairs(x).to_le_bytes());
    }
    Some(out)
}

/// Whether the word is four 0xC2/0xC3 + continuation pairs.
#[inline(always)]
fn is_latin1_pairs(x: u64) -> bool {
    x & 0xc0fe_c0fe_c0fe_c0fe == 0x80c2_80c2_80c2_80c2
}

/// The four code points of a word of pairs: in each 16-bit lane the code point is
/// (lead & 3) << 6 | (cont & 0x3f); the lanes are packed into four bytes.
#[inline(always)]
fn latin1_pairs(x: u64) -> u32 {
    let v = ((x & 0x0003_0003_0003_0003) << 6) | ((x >> 8) & 0x003f_003f_003f_003f);
    let v = (v | (v >> 8)) & 0x0000_ffff_0000_ffff;
    ((v | (v >> 16)) & 0xffff_ffff) as u32
}

/// The code point starting with byte `c` (ASCII, or 0xC2/0xC3 followed by `next`).
#[cfg(test)]
fn latin1_code(c: u8, next: u8) -> u8 {
    if c < 0x80 {
        c
    } else {
        ((c & 0x03) << 6) | (next & 0x3f)
    }
}

/// [`latin1_scan`] in a function of its own: inlined into its caller, the loop lost its
/// vector registers to the caller's state (21 instructions per 32 bytes, not 10).
#[inline(never)]
fn latin1_scan_apart(b: &[u8]) -> Option<usize> {
    latin1_scan(b)
}

/// The number of code points in (surrogatepass) UTF-8 text if none of its bytes is 0xC4
/// or more (then every code point is below U+0100), else `None`: the bytes that are not
/// continuation bytes (0x80..=0xBF, below -64 as `i8`) are counted and the largest byte is
/// found in one pass, 32 bytes at a time into per-lane counters and maxima (arrays the
/// compiler keeps in vector registers), the counters summed every 252 chunks, before one
/// could overflow (not 255: an even count, so the unrolled loop has no exit between its
/// chunks); the last chunk is padded with zeros (ASCII: counted as neither). Inlined, it
/// is vectorized for whatever the caller is compiled for (SSE2, or AVX2 in `text/x86.rs`).
#[inline(always)]
fn latin1_scan(b: &[u8]) -> Option<usize> {
    const LANES: usize = 32;
    let mut max = [0u8; LANES];
    let mut conts = 0usize;
    let add = |count: &mut [u8; LANES], max: &mut [u8; LANES], c: &[u8; LANES]| {
        for ((n, m), &x) in count.iter_mut().zip(max.iter_mut()).zip(c) {
            *n += u8::from((x as i8) < -64);
            *m = (*m).max(x);
        }
    };
    let mut blocks = b.chunks_exact(252 * LANES);
    let sum = |count: [u8; LANES]| count.iter().map(|&n| usize::from(n)).sum::<usize>();
    for blk in &mut blocks {
        let mut count = [0u8; LANES];
        for c in blk.chunks_exact(LANES) {
            if let Some(c) = c.first_chunk::<LANES>() {
                add(&mut count, &mut max, c);
            }
        }
        conts += sum(count);
    }
    let mut count = [0u8; LANES];
    let mut chunks = blocks.remainder().chunks_exact(LANES);
    for c in &mut chunks {
        if let Some(c) = c.first_chunk::<LANES>() {
            add(&mut count, &mut max, c);
        }
    }
    let rest = chunks.remainder();
    let mut last = [0u8; LANES];
    last.get_mut(..rest.len())?.copy_from_slice(rest);
    add(&mut count, &mut max, &last);
    conts += sum(count);
    max.iter().all(|&m| m < 0xc4).then(|| b.len() - conts)
}

/// Escapes bytes the canon way: printable ASCII but backslash as is, `\\`, and `\xNN`.
pub(crate) fn escape_bytes(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(c as char),
            _ => {
                let _ = write!(s, "\\x{c:02x}");
            }
        }
    }
    s
}

/// Parses the canon bytes escape back; `None` if malformed.
pub(crate) fn unescape_bytes(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => match b.get(i + 1)? {
                b'\\' => {
                    out.push(b'\\');
                    i += 2;
                }
                b'x' => {
                    let hex = std::str::from_utf8(b.get(i + 2..i + 4)?).ok()?;
                    if !hex
                        .bytes()
                        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
                    {
                        return None;
                    }
                    out.push(u8::from_str_radix(hex, 16).ok()?);
                    i += 4;
                }
                _ => return None,
            },
            c @ 0x20..=0x7e => {
                out.push(c);
                i += 1;
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Python's `repr()` of a str, for the disassembler.
pub(crate) fn py_repr_str(t: &crate::Text) -> String {
    let cps: Vec<u32> = t.code_points().collect();
    let has_sq = cps.contains(&u32::from(b'\''));
    let has_dq = cps.contains(&u32::from(b'"'));
    let quote = if has_sq && !has_dq { '"' } else { '\'' };
    let mut s = String::new();
    s.push(quote);
    for cp in cps {
        match cp {
            0x5c => s.push_str("\\\\"),
            0x0a => s.push_str("\\n"),
            0x0d => s.push_str("\\r"),
            0x09 => s.push_str("\\t"),
            c if c == quote as u32 => {
                s.push('\\');
                s.push(quote);
            }
            0x20..=0x7e => s.push(char::from_u32(cp).unwrap_or('?')),
            _ => match char::from_u32(cp) {
                Some(ch) if cp >= 0xa0 && !ch.is_control() && !ch.is_whitespace() => s.push(ch),
                _ if cp <= 0xff => {
                    let _ = write!(s, "\\x{cp:02x}");
                }
                _ if cp <= 0xffff => {
                    let _ = write!(s, "\\u{cp:04x}");
                }
                _ => {
                    let _ = write!(s, "\\U{cp:08x}");
                }
            },
        }
    }
    s.push(quote);
    s
}

/// Python's `repr()` of bytes, for the disassembler (and, without its `b`, Python 2's
/// `repr()` of a `str`, which protocol-0 STRING opcodes hold).
pub(crate) fn py_repr_bytes(b: &[u8]) -> String {
    let has_sq = b.contains(&b'\'');
    let has_dq = b.contains(&b'"');
    let quote = if has_sq && !has_dq { b'"' } else { b'\'' };
    let mut s = String::from("b");
    s.push(quote as char);
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            c if c == quote => {
                s.push('\\');
                s.push(quote as char);
            }
            0x20..=0x7e => s.push(c as char),
            _ => {
                let _ = write!(s, "\\x{c:02x}");
            }
        }
    }
    s.push(quote as char);
    s
}

/// Lowercase hex.
pub(crate) fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for c in b {
        let _ = write!(s, "{c:02x}");
    }
    s
}

/// Parses lowercase or uppercase hex.
pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Text;

    #[test]
    fn latin1_text_check_table() {
        let table: &[(&[u8], &[u8], bool)] = &[
            (b"", b"", true),
            (b"ab", b"ab", true),
            ("é\u{ff}a".as_bytes(), b"\xe9\xffa", true),
            ("é".as_bytes(), b"\xe8", false),
            ("é".as_bytes(), b"\xe9a", false), // text shorter
            ("éa".as_bytes(), b"\xe9", false), // text longer
            ("€".as_bytes(), b"\x80", false),  // U+20AC is not latin-1 0x80
            (b"\xc2", b"\x80", false),         // cut sequence
        ];
        for &(utf8, data, want) in table {
            assert_eq!(is_latin1_text_of(utf8, data), want, "{utf8:?} vs {data:?}");
            if want {
                assert_eq!(latin1_to_text(data), utf8);
            }
        }
        let all: Vec<u8> = (0..=255).collect();
        assert!(is_latin1_text_of(&latin1_to_text(&all), &all));
    }

    #[test]
    fn latin1_text_check_finds_every_changed_byte() {
        // Inputs whose words are all ASCII, all high, mixed, with tails of every length:
        // the text of each passes, and changing any one byte of it, cutting it or
        // extending it fails, on the word-at-a-time paths as on the byte-at-a-time one.
        let mut inputs: Vec<Vec<u8>> = vec![
            (0..=255).collect(),
            (0x80..=0xff).chain(0..0x80).collect(),
            b"abcdefgh\xe9\xff\x80\xc3\xa9\xbf\xc0\xfeabc\x81defg".to_vec(),
        ];
        for len in 0..20 {
            inputs.push(
                (0..len)
                    .map(|k| if k % 3 == 0 { 0xe0 + k } else { 0x41 + k })
                    .collect(),
            );
            inputs.push((0..len).map(|k| 0x80 + 6 * k).collect());
        }
        for data in &inputs {
            let text = latin1_to_text(data);
            assert!(is_latin1_text_of(&text, data), "{data:?}");
            for k in 0..text.len() {
                for flip in [0x01u8, 0x40, 0x80] {
                    let mut bad = text.clone();
                    bad[k] ^= flip;
                    assert!(
                        !is_latin1_text_of(&bad, data),
                        "{data:?} byte {k} ^ {flip:#x}"
                    );
                }
            }
            if !text.is_empty() {
                assert!(!is_latin1_text_of(&text[..text.len() - 1], data));
            }
            let mut longer = text.clone();
            longer.push(b'a');
            assert!(!is_latin1_text_of(&longer, data));
        }
    }

    #[test]
    fn surrogatepass_validation_table() {
        let table: &[(&[u8], bool)] = &[
            (b"", true),
            (b"abc", true),
            ("é€😀".as_bytes(), true),
            (b"\xed\xa0\x80", true),             // lone U+D800
            (b"\xed\xa0\x80\xed\xb0\x80", true), // two lone surrogates
            (b"\xc0\x80", false),                // overlong
            (b"\xe0\x80\x80", false),            // overlong
            (b"\xf4\x90\x80\x80", false),        // above U+10FFFF
            (b"\xff", false),
            (b"\xe2\x82", false), // truncated
        ];
        for (b, ok) in table {
            assert_eq!(
                valid_surrogatepass(b) || std::str::from_utf8(b).is_ok(),
                *ok,
                "{b:?}"
            );
        }
    }

    #[test]
    fn one_pass_validation_matches_the_reference() {
        let reference = |b: &[u8]| std::str::from_utf8(b).is_ok() || valid_surrogatepass(b);
        // Every sequence of up to 3 bytes drawn from interesting values, each behind an
        // ASCII prefix of every length up to 17 (so word skipping meets every boundary).
        let vals: &[u8] = &[
            0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf,
            0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff,
        ];
        let mut cases: Vec<Vec<u8>> = vec![vec![]];
        for &a in vals {
            cases.push(vec![a]);
            for &b in vals {
                cases.push(vec![a, b]);
                for &c in vals {
                    cases.push(vec![a, b, c]);
                    for &d in &[0x80u8, 0x8f, 0x90, 0xbf, 0x41] {
                        cases.push(vec![a, b, c, d]);
                    }
                }
            }
        }
        for case in &cases {
            for pre in (0..18).chain(56..70) {
                let mut v = vec![b'a'; pre];
                v.extend_from_slice(case);
                assert_eq!(valid_utf8_or_surrogatepass(&v), reference(&v), "{v:?}");
                v.extend_from_slice(b"tail-of-ascii");
                assert_eq!(valid_utf8_or_surrogatepass(&v), reference(&v), "{v:?}");
            }
        }
    }

    #[test]
    fn latin1_matches_the_char_by_char_reference() {
        let reference = |t: &Text| -> Option<Vec<u8>> {
            let s = t.as_str()?;
            s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
        };
        let samples: &[&[u32]] = &[
            &[],
            &[0x41; 20],
            &[0xe9, 0x41, 0xff, 0x80, 0x7f],
            &[0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0xe9],
            &[0x100],
            &[0x41, 0x20ac],
            &[0xd800],
            &[0xe9, 0x1f600],
            &[
                0x41, 0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0x41, 0xff,
            ],
            &[
                0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0xe9, 0x41, 0x41, 0x41, 0x41,
            ],
            &[0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0xe9, 0x20ac],
        ];
        for cps in samples {
            let t = Text::from_code_points(cps.iter().copied()).expect("text");
            assert_eq!(latin1_checked(&t), reference(&t), "{cps:?}");
        }
        let all: Vec<u32> = (0..=255)
            .cycle()
            .take(if cfg!(miri) { 600 } else { 5000 })
            .collect();
        let t = Text::from_code_points(all.iter().copied()).expect("text");
        assert_eq!(latin1_checked(&t), reference(&t));
        // Pseudo-random mixes of ASCII and two-byte code points, at every length up to
        // 100 (blocks, words and the byte tail), and one above U+00FF at every position.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut cps: Vec<u32> = Vec::new();
        for _ in 0..100 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cps.push(if x.is_multiple_of(3) {
                (x >> 8) as u32 % 0x80
            } else {
                0x80 + (x >> 8) as u32 % 0x80
            });
            let t = Text::from_code_points(cps.iter().copied()).expect("text");
            assert_eq!(latin1_checked(&t), reference(&t), "{cps:?}");
            let mut high = cps.clone();
            let at = (x >> 20) as usize % high.len();
            high[at] = 0x101;
            let t = Text::from_code_points(high.iter().copied()).expect("text");
            assert_eq!(latin1_checked(&t), None);
        }
    }

    #[test]
    fn utf8_to_latin1_checks_the_form_on_any_bytes() {
        // What it must give: the Latin-1 of bytes that are text of code points below 256,
        // `None` for anything else (malformed, surrogates, code points above U+00FF).
        let reference = |b: &[u8]| -> Option<Vec<u8>> {
            let s = std::str::from_utf8(b).ok()?;
            s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
        };
        let check = |b: &[u8]| {
            let want = reference(b);
            assert_eq!(utf8_to_latin1(b), want, "{b:x?}");
            #[cfg(target_arch = "x86_64")]
            if let Some(vector) = x86::utf8_to_latin1(b) {
                assert_eq!(vector, want, "x86 path: {b:x?}");
            }
        };
        // Latin-1 text of every length to past two 1,024-byte stages (a lead byte last in
        // a chunk, a stage, the text), then each broken once: a byte that never starts
        // or continues these code points, a lead byte with no continuation, a
        // continuation with no lead byte, an overlong lead byte, one above U+00FF.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut cps = Vec::new();
        let lens = (0..100).chain((1000..1100).step_by(7)).chain(2040..2100);
        for n in lens.step_by(if cfg!(miri) { 29 } else { 1 }) {
            while cps.len() < n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                cps.push(if x.is_multiple_of(2) {
                    0x41
                } else {
                    0x80 + (x >> 9) as u8 % 0x80
                });
            }
            let text: String = cps[..n].iter().map(|&c| char::from(c)).collect();
            let b = text.as_bytes();
            check(b);
            if b.is_empty() {
                continue;
            }
            let at = (x >> 20) as usize % b.len();
            for (k, bad) in [0xff, 0xc2, 0x80, 0xc0, 0xc1, 0xc4, 0xe9]
                .into_iter()
                .enumerate()
            {
                let mut v = b.to_vec();
                v[(at + 31 * k) % b.len()] = bad;
                check(&v);
            }
            let mut v = b.to_vec();
            v.push(0xc3);
            check(&v);
            v.insert(0, 0xa9);
            check(&v);
            let mut v = b.to_vec();
            v.extend_from_slice("\u{20ac}\u{d7}".as_bytes());
            check(&v);
        }
        // Every byte at every position of a chunk and the next's first (under Miri, which
        // is slow, every 13th position and 17th byte).
        let (pos_step, byte_step) = if cfg!(miri) { (13, 17) } else { (1, 1) };
        for pos in (0..40).step_by(pos_step) {
            for byte in (0..=255u8).step_by(byte_step) {
                let mut v = vec![0x41u8; 70];
                v[pos] = byte;
                check(&v);
                v[pos + 1] = 0xa9;
                check(&v);
            }
        }
    }

    /// The code points of `text_to_latin1`'s input, one at a time.
    fn latin1_reference(t: &Text) -> Option<Vec<u8>> {
        t.code_points().map(|c| u8::try_from(c).ok()).collect()
    }

    /// `text_to_latin1(t)`, checked to be what both of its paths give: the portable one
    /// and, on x86-64 with AVX2 and BMI2 (detected, or enabled at compile time under
    /// Miri), the vector one.
    fn latin1_checked(t: &Text) -> Option<Vec<u8>> {
        let b = t.as_bytes();
        let portable = latin1_portable(b);
        if let Some(short) = latin1_short(b) {
            assert_eq!(
                short, portable,
                "short path against the portable one: {b:x?}"
            );
        }
        #[cfg(target_arch = "x86_64")]
        if let Some(vector) = x86::text_to_latin1(b) {
            assert_eq!(
                vector, portable,
                "x86 path against the portable one: {b:x?}"
            );
        }
        assert_eq!(text_to_latin1(t), portable);
        portable
    }

    /// Every `step`-th of `0..n` (every one but under Miri, which is slow), and the last.
    fn sample(n: usize, miri_step: usize) -> impl Iterator<Item = usize> {
        let step = if cfg!(miri) { miri_step } else { 1 };
        (0..n)
            .step_by(step)
            .chain(n.checked_sub(1).filter(|l| l % step != 0))
    }

    #[test]
    fn latin1_quad_matches_a_byte_at_a_time() {
        // Every window of four bytes drawn from ASCII, both lead bytes and continuation
        // bytes that text can hold (a continuation byte after a lead byte, or first,
        // continuing the word before), and the byte after it.
        let vals: &[u8] = &[0x00, 0x41, 0x7f, 0xc2, 0xc3, 0x80, 0xa9, 0xbf];
        let cont = |c: u8| c & 0xc0 == 0x80;
        for a in 0..vals.len().pow(5) {
            let mut bytes = [0u8; 5];
            let mut x = a;
            for b in &mut bytes {
                *b = vals[x % vals.len()];
                x /= vals.len();
            }
            let well_formed = (1..5).all(|k| cont(bytes[k]) == (bytes[k - 1] >= 0xc0));
            if !well_formed {
                continue;
            }
            let mut want = Vec::new();
            for k in 0..4 {
                if !cont(bytes[k]) {
                    want.push(latin1_code(bytes[k], bytes[k + 1]));
                }
            }
            let w = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            let (packed, n) = latin1_quad(w, u32::from(bytes[4]));
            assert_eq!(n as usize, want.len(), "{bytes:x?}");
            assert_eq!(&packed.to_le_bytes()[..want.len()], &want[..], "{bytes:x?}");
        }
    }

    #[test]
    fn latin1_blocks_match_the_reference() {
        // Every code point below 256 at every offset of the first blocks, after ASCII and
        // after two-byte code points (so a lead byte falls last in a word, in a vector
        // half, in a block and in a chunk, with its continuation in the next); then one
        // above U+00FF (every lead byte from 0xC4 up, and a surrogate) at every offset: no
        // Latin-1. Under Miri, every 13th offset and every 17th code point.
        for fill in [0x41u32, 0xe9] {
            for at in sample(140, 13) {
                for cp in sample(256, 17) {
                    let cp = cp as u32;
                    let mut cps = vec![fill; 150];
                    cps[at] = cp;
                    let t = Text::from_code_points(cps.iter().copied()).expect("text");
                    assert_eq!(latin1_checked(&t), latin1_reference(&t), "{fill} {at} {cp}");
                }
                for cp in [0x100u32, 0x7ff, 0x800, 0xd800, 0xffff, 0x10000, 0x10ffff] {
                    let mut cps = vec![fill; 150];
                    cps[at] = cp;
                    let t = Text::from_code_points(cps.iter().copied()).expect("text");
                    assert_eq!(latin1_checked(&t), None, "{fill} {at} {cp:#x}");
                }
            }
        }
        // Pseudo-random mixes at every length up to 700, with ASCII one time in 8, 2, or
        // 7 in 8 (so blocks and chunks are ASCII, mixed and all two-byte, and the x86
        // path's 256-byte stage fills up at every phase); under Miri, every 23rd length.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for ascii_in_8 in [1u64, 4, 7] {
            let mut cps: Vec<u32> = Vec::new();
            for len in 1..=700 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let c = (x >> 32) as u32 & 0x7f;
                cps.push(if x % 8 < ascii_in_8 { c } else { 0x80 | c });
                if cfg!(miri) && len % 23 != 0 {
                    continue;
                }
                let t = Text::from_code_points(cps.iter().copied()).expect("text");
                let got = latin1_checked(&t);
                assert_eq!(got, latin1_reference(&t), "{cps:?}");
                assert_eq!(got.map(|v| v.len()), Some(cps.len()));
            }
        }
    }

    #[test]
    fn latin1_chunk_shapes_match_the_reference() {
        // The shapes the x86 path tells apart, each at every phase against its 32-byte
        // chunks (after 0 to 40 ASCII code points) and with tails of every length:
        // * runs of two-byte code points (whole chunks of pairs, from a chunk's first
        //   byte or its second), cut by one ASCII code point at every place;
        // * ASCII runs of every length between two-byte code points (whole ASCII chunks);
        // * one, two or three two-byte code points per 8-byte word (each `pext` mask);
        // and one code point above U+00FF at every place of a long text (past the first
        // stage of the x86 path). Under Miri, fewer phases, cuts and lengths.
        let check = |cps: &[u32]| {
            let t = Text::from_code_points(cps.iter().copied()).expect("text");
            let got = latin1_checked(&t);
            assert_eq!(got, latin1_reference(&t), "{cps:x?}");
        };
        for pre in sample(41, 7) {
            let ascii = |n: usize| (0..n).map(|k| 0x20 + (k as u32 % 0x5f));
            let pairs = |n: usize| (0..n).map(|k| 0x80 + (k as u32 * 37 % 0x80));
            for cut in sample(90, 11) {
                let mut cps: Vec<u32> = ascii(pre).chain(pairs(90)).collect();
                cps[pre + cut] = 0x41;
                check(&cps);
            }
            for run in sample(70, 9) {
                let cps: Vec<u32> = ascii(pre)
                    .chain(pairs(3))
                    .chain(ascii(run))
                    .chain(pairs(40))
                    .collect();
                check(&cps);
            }
            for period in [8, 4, 3, 2] {
                let cps: Vec<u32> = (0..200)
                    .map(|k| {
                        if k % period == 0 {
                            0xc0 + k as u32 % 0x40
                        } else {
                            0x61
                        }
                    })
                    .collect();
                check(&cps[..pre + 120]);
            }
        }
        for len in sample(100, 9) {
            let cps: Vec<u32> = (0..len as u32)
                .map(|k| [0x41, 0xe9, 0x80, 0xff][k as usize % 4])
                .collect();
            check(&cps);
        }
        let long: Vec<u32> = (0..600u32)
            .map(|k| if k % 5 == 0 { 0xe9 } else { 0x41 })
            .collect();
        for at in sample(600, 37) {
            let mut cps = long.clone();
            cps[at] = 0x100 + at as u32;
            let t = Text::from_code_points(cps.iter().copied()).expect("text");
            assert_eq!(latin1_checked(&t), None, "{at}");
        }
    }

    #[test]
    fn raw_unicode_escape_table() {
        type Row = (&'static [u8], Result<&'static [u32], &'static str>);
        let table: &[Row] = &[
            (b"abc", Ok(&[0x61, 0x62, 0x63])),
            (b"\xe9", Ok(&[0xe9])),
            (b"\\u20ac", Ok(&[0x20ac])),
            (b"\\U0001f600", Ok(&[0x1f600])),
            (b"\\ud800", Ok(&[0xd800])),
            (
                b"\\\\u20ac",
                Ok(&[0x5c, 0x5c, 0x75, 0x32, 0x30, 0x61, 0x63]),
            ),
            (b"\\\\\\u20ac", Ok(&[0x5c, 0x5c, 0x20ac])),
            (b"\\n", Ok(&[0x5c, 0x6e])),
            (b"a\\", Ok(&[0x61, 0x5c])),
            (b"\\u12", Err("truncated \\uXXXX escape")),
            (b"\\U00110000", Err("\\Uxxxxxxxx out of range")),
        ];
        for (input, want) in table {
            let got = decode_raw_unicode_escape(input).map(|v| {
                Text::from_vec_unchecked(v)
                    .code_points()
                    .collect::<Vec<_>>()
            });
            assert_eq!(got, want.map(|w| w.to_vec()), "{input:?}");
        }
    }

    #[test]
    fn bytes_escape_round_trips() {
        let all: Vec<u8> = (0..=255).collect();
        let e = escape_bytes(&all);
        assert!(e.is_ascii());
        assert_eq!(unescape_bytes(&e).as_deref(), Some(&all[..]));
        assert_eq!(escape_bytes(b"a\n\\"), "a\\x0a\\\\");
        assert_eq!(unescape_bytes("\\xZZ"), None);
        assert_eq!(unescape_bytes("\\xAB"), None, "uppercase hex is not canon");
    }

    #[test]
    fn latin1_both_ways() {
        let all: Vec<u8> = (0..=255).collect();
        let t = Text::from_vec_unchecked(latin1_to_text(&all));
        assert_eq!(latin1_checked(&t).as_deref(), Some(&all[..]));
        assert_eq!(latin1_checked(&Text::new("€")), None);
        assert_eq!(
            text_to_latin1(&Text::from_code_points([0xd800]).expect("text")),
            None
        );
    }

    #[test]
    fn py_reprs() {
        assert_eq!(py_repr_str(&Text::new("a'b")), "\"a'b\"");
        assert_eq!(py_repr_str(&Text::new("é\n")), "'é\\n'");
        assert_eq!(py_repr_bytes(b"\x00a'"), "b\"\\x00a'\"");
    }
}
