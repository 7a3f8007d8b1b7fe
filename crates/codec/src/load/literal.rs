//! Protocol-0 text arguments, parsed exactly as CPython's C unpickler parses them.

use num_bigint::{BigInt, Sign};
use num_traits::Num;

/// What an `INT` line loads as.
#[derive(Debug, PartialEq)]
pub(crate) enum IntLiteral {
    Bool(bool),
    Small(i64),
    Big(BigInt),
}

/// `INT`: `line` excludes the newline. CPython tries C `strtol(s, &end, 0)` and accepts
/// it when it consumed everything; a 3-byte line (2 characters + newline) whose value is
/// 0 or 1 is a bool. Otherwise it falls back to Python's `int(s, 0)` syntax.
pub(crate) fn parse_int(line: &[u8]) -> Option<IntLiteral> {
    if let Some(v) = strtol0(line) {
        if line.len() == 2 && (v == 0 || v == 1) {
            return Some(IntLiteral::Bool(v == 1));
        }
        return Some(IntLiteral::Small(v));
    }
    let big = parse_py_int(line)?;
    Some(match i64::try_from(&big) {
        Ok(v) => IntLiteral::Small(v),
        Err(_) => IntLiteral::Big(big),
    })
}

/// `LONG`: an optional trailing `L` is dropped, then Python's `int(s, 0)` syntax.
pub(crate) fn parse_long(line: &[u8]) -> Option<BigInt> {
    let line = line.strip_suffix(b"L").unwrap_or(line);
    parse_py_int(line)
}

/// C `strtol(s, &end, 0)` on a 64-bit `long`, accepted only if it consumed the whole line
/// and did not overflow.
fn strtol0(s: &[u8]) -> Option<i64> {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let (radix, start) = if s.get(i) == Some(&b'0') && matches!(s.get(i + 1), Some(b'x' | b'X')) {
        // "0x" must be followed by a hex digit, else strtol parses just the "0".
        if s.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit()) {
            (16, i + 2)
        } else {
            (10, i)
        }
    } else if s.get(i) == Some(&b'0') {
        (8, i)
    } else {
        (10, i)
    };
    let digits = &s[start..];
    let n = digits
        .iter()
        .take_while(|c| (**c as char).is_digit(radix))
        .count();
    if n == 0 || start + n != s.len() {
        return None;
    }
    let mut v: i128 = 0;
    for &c in &digits[..n] {
        v = v * i128::from(radix) + i128::from((c as char).to_digit(radix)?);
        if v > i128::from(i64::MAX) + 1 {
            return None;
        }
    }
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// CPython's default `sys.get_int_max_str_digits()`.
pub(crate) const MAX_STR_DIGITS: usize = 4300;

/// When `line` is a decimal int literal with more digits than CPython converts, the
/// message of the ValueError it raises.
pub(crate) fn digit_limit_message(line: &[u8]) -> Option<String> {
    let line = line.strip_suffix(b"L").unwrap_or(line);
    let s = std::str::from_utf8(line)
        .ok()?
        .trim_matches(|c: char| c.is_ascii_whitespace());
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let lower = body.as_bytes().get(..2).map(<[u8]>::to_ascii_lowercase);
    if matches!(lower.as_deref(), Some(b"0x" | b"0o" | b"0b")) {
        return None;
    }
    if !body.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
        return None;
    }
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    (digits > MAX_STR_DIGITS).then(|| {
        format!(
            "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion: value has {digits} digits"
        )
    })
}

/// Python's `int(s, 0)`: surrounding whitespace, a sign, `0x`/`0o`/`0b` prefixes,
/// underscores between digits, no leading zeros in decimal (except all zeros).
pub(crate) fn parse_py_int(s: &[u8]) -> Option<BigInt> {
    let s = std::str::from_utf8(s)
        .ok()?
        .trim_matches(|c: char| c.is_ascii_whitespace());
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.strip_prefix('_').unwrap_or(d))
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.strip_prefix('_').unwrap_or(d))
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.strip_prefix('_').unwrap_or(d))
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.chars().all(|c| c == '_' || c.is_digit(radix))
    {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    // CPython 3.11+ (and the 3.10 and 3.9 security releases) refuse to convert more than
    // 4300 decimal digits (ValueError); power-of-two bases are exempt.
    if radix == 10 && clean.len() > MAX_STR_DIGITS {
        return None;
    }
    if radix == 10 && clean.len() > 1 && clean.starts_with('0') && clean.chars().any(|c| c != '0') {
        return None;
    }
    let v = BigInt::from_str_radix(&clean, radix).ok()?;
    Some(if neg { -v } else { v })
}

/// `FLOAT`: CPython's `PyOS_string_to_double` with overflow as an error; the whole line
/// must be consumed.
pub(crate) fn parse_float(line: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(line).ok()?;
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    let special = matches!(lower.as_str(), "inf" | "infinity" | "nan");
    if !special {
        // Decimal syntax only: digits, one point, an exponent. Rust's parser also takes
        // these; it would take "infinity" spellings we handle above.
        let ok = !body.is_empty()
            && body
                .bytes()
                .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
        if !ok {
            return None;
        }
    }
    let v: f64 = s.parse().ok()?;
    if v.is_infinite() && !special {
        return None; // OverflowError in CPython
    }
    Some(v)
}

/// `LONG1`/`LONG4` payload: little-endian two's complement.
pub(crate) fn decode_long_le(b: &[u8]) -> BigInt {
    // Most fit in `i64`, which makes the `BigInt` directly: `from_signed_bytes_le`
    // copies and negates through buffers of its own.
    match small_long_le(b) {
        Some(i) => BigInt::from(i),
        None => BigInt::from_signed_bytes_le(b),
    }
}

/// Whether a little-endian two's complement int fits in `i64`, and its value.
pub(crate) fn small_long_le(b: &[u8]) -> Option<i64> {
    if b.len() > 8 {
        return None;
    }
    if b.is_empty() {
        return Some(0);
    }
    let neg = b[b.len() - 1] & 0x80 != 0;
    let mut buf = if neg { [0xffu8; 8] } else { [0u8; 8] };
    buf[..b.len()].copy_from_slice(b);
    Some(i64::from_le_bytes(buf))
}

/// `STRING`'s body: strip matching outer quotes, then Python bytes-literal escapes
/// (`PyBytes_DecodeEscape`). `Err` carries CPython's complaint.
pub(crate) fn decode_string_literal(line: &[u8]) -> Result<Vec<u8>, &'static str> {
    let q = match line.first() {
        Some(&q @ (b'\'' | b'"')) if line.len() >= 2 && line[line.len() - 1] == q => q,
        _ => return Err("the STRING opcode argument must be quoted"),
    };
    let _ = q;
    let body = &line[1..line.len() - 1];
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let Some(&e) = body.get(i) else {
            return Err("Trailing \\ in string");
        };
        i += 1;
        match e {
            b'\n' => {}
            b'\\' => out.push(b'\\'),
            b'\'' => out.push(b'\''),
            b'"' => out.push(b'"'),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b't' => out.push(b'\t'),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b'v' => out.push(0x0b),
            b'a' => out.push(0x07),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match body.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xff) as u8);
            }
            b'x' => {
                let h = body.get(i..i + 2).ok_or("invalid \\x escape")?;
                let s = std::str::from_utf8(h).map_err(|_| "invalid \\x escape")?;
                let v = u8::from_str_radix(s, 16).map_err(|_| "invalid \\x escape")?;
                if !h.iter().all(u8::is_ascii_hexdigit) {
                    return Err("invalid \\x escape");
                }
                out.push(v);
                i += 2;
            }
            other => {
                // Unknown escapes are kept as written.
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// Sign of a big int, for callers that only need it.
#[allow(dead_code)]
pub(crate) fn is_negative(b: &BigInt) -> bool {
    b.sign() == Sign::Minus
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_lines_like_the_c_unpickler() {
        use IntLiteral::*;
        let table: &[(&str, Option<IntLiteral>)] = &[
            ("0", Some(Small(0))),
            ("00", Some(Bool(false))),
            ("01", Some(Bool(true))),
            ("-0", Some(Bool(false))),
            ("+1", Some(Bool(true))),
            ("1", Some(Small(1))),
            ("-5", Some(Small(-5))),
            ("010", Some(Small(8))), // strtol base 0: octal
            ("0x10", Some(Small(16))),
            (" 7", Some(Small(7))),
            ("1_0", Some(Small(10))), // strtol fails, int(s, 0) takes it
            ("9223372036854775807", Some(Small(i64::MAX))),
            ("-9223372036854775808", Some(Small(i64::MIN))),
            ("9223372036854775808", Some(Big(BigInt::from(1u64 << 63)))),
            ("9223372036854775807JUNK", None),
            ("abc", None),
            ("", None),
            ("1L", None),
        ];
        for (line, want) in table {
            assert_eq!(&parse_int(line.as_bytes()), want, "INT {line:?}");
        }
    }

    #[test]
    fn long_lines() {
        assert_eq!(parse_long(b"0L"), Some(BigInt::from(0)));
        assert_eq!(
            parse_long(b"-12345678901234567890L"),
            "-12345678901234567890".parse().ok()
        );
        assert_eq!(parse_long(b"17"), Some(BigInt::from(17)));
        assert_eq!(parse_long(b"0x1fL"), Some(BigInt::from(31)));
        assert_eq!(parse_long(b"012L"), None);
        assert_eq!(parse_long(b"L"), None);
    }

    #[test]
    fn float_lines() {
        let table: &[(&str, Option<f64>)] = &[
            ("1.5", Some(1.5)),
            ("-0.0", Some(-0.0)),
            ("1e+16", Some(1e16)),
            ("inf", Some(f64::INFINITY)),
            ("-Infinity", Some(f64::NEG_INFINITY)),
            (".5", Some(0.5)),
            ("1e999", None),
            (" 1.5", None),
            ("1_0", None),
            ("", None),
        ];
        for (line, want) in table {
            assert_eq!(parse_float(line.as_bytes()), *want, "FLOAT {line:?}");
        }
        assert!(parse_float(b"nan").is_some_and(f64::is_nan));
    }

    #[test]
    fn string_literals() {
        let ok: &[(&[u8], &[u8])] = &[
            (b"'abc'", b"abc"),
            (b"\"a'b\"", b"a'b"),
            (b"'\\x00\\xff'", b"\x00\xff"),
            (b"'\\n\\t\\\\'", b"\n\t\\"),
            (b"'\\101\\0'", b"A\x00"),
            (b"'\\q'", b"\\q"),
            (b"''", b""),
        ];
        for (lit, want) in ok {
            assert_eq!(decode_string_literal(lit).as_deref(), Ok(*want), "{lit:?}");
        }
        for bad in [
            &b"'"[..],
            b"\"",
            b"' ",
            b"abc",
            b"'abc\"",
            b"",
            b"'\\'",
            b"'\\x4'",
        ] {
            assert!(decode_string_literal(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn long_le() {
        assert_eq!(small_long_le(&[]), Some(0));
        assert_eq!(small_long_le(&[0xff]), Some(-1));
        assert_eq!(
            small_long_le(&[0x00, 0x00, 0x00, 0x80, 0x00]),
            Some(1 << 31)
        );
        assert_eq!(small_long_le(&[0; 9]), None);
        assert_eq!(decode_long_le(&[0xff, 0x7f]), BigInt::from(0x7fff));
        // Through i64 up to 8 bytes and through `from_signed_bytes_le` past them: the
        // same values either way.
        for b in [
            &[][..],
            &[0x80],
            &[0x00, 0x80],
            &[0xff; 8],
            &[0, 0, 0, 0, 0, 0, 0, 0x80],
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
            &[0, 0, 0, 0, 0, 0, 0, 0x80, 0xff],
            &[0, 0, 0, 0, 0, 0, 0, 0x80, 0x00],
            &[0xff; 9],
        ] {
            let want = if b.is_empty() {
                BigInt::from(0)
            } else {
                BigInt::from_signed_bytes_le(b)
            };
            assert_eq!(decode_long_le(b), want, "{b:02x?}");
        }
    }
}
