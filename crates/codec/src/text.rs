//! Text helpers: surrogatepass UTF-8, raw-unicode-escape, the Python 2 `str` encodings,
//! and the escapes used by canon and the disassembler.

use std::fmt::Write as _;

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

/// Latin-1 bytes to text.
pub(crate) fn latin1_to_text(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() + b.len() / 4);
    for &c in b {
        push_latin1(&mut out, c);
    }
    out
}

/// Text to Latin-1 bytes, if every code point is below 256.
pub(crate) fn text_to_latin1(t: &crate::Text) -> Option<Vec<u8>> {
    let b = t.as_bytes();
    if b.is_ascii() {
        return Some(b.to_vec());
    }
    // A surrogate is above U+00FF, so text that is not plain UTF-8 is not Latin-1 either.
    let s = t.as_str()?;
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

/// Escapes bytes the canon way: printable ASCII but backslash as is, `\\`, and `\xNN`.
pub fn escape_bytes(b: &[u8]) -> String {
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
pub fn unescape_bytes(s: &str) -> Option<Vec<u8>> {
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
        assert_eq!(text_to_latin1(&t).as_deref(), Some(&all[..]));
        assert_eq!(text_to_latin1(&Text::new("€")), None);
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
