//! Big ints to canon text and back: decimal, or hex past [`HEX_BITS`] (CANON.md section 2).
//!
//! Decimal conversion takes time quadratic in the length (num-bigint divides by powers of
//! ten), about 1.5 s here for 2.6 million digits; hex is linear. So canon spells an int in
//! decimal up to [`HEX_BITS`] bits (about 315,000 digits, milliseconds) and in hex beyond,
//! which keeps every int printable in time linear in its size: a 10 MiB LONG4 prints in a
//! fraction of a second. CPython's own `str()` refuses ints of more than 4300 digits.

use num_bigint::{BigInt, Sign};

/// Ints of more bits than this (absolute value) are written in hex in canon: `0x` and
/// lowercase hex digits, no leading zeros, `-0x…` when negative.
pub const HEX_BITS: u64 = 1 << 20;

/// The canon text of `b`: decimal (`-` sign, no leading zeros), or hex past [`HEX_BITS`].
pub(crate) fn to_canon_text(b: &BigInt) -> String {
    if b.bits() > HEX_BITS {
        let sign = if b.sign() == Sign::Minus { "-" } else { "" };
        format!("{sign}0x{}", b.magnitude().to_str_radix(16))
    } else {
        b.to_string()
    }
}

/// An upper bound of the length of [`to_canon_text`]`(b)`, without converting.
pub(crate) fn canon_text_len(b: &BigInt) -> usize {
    let bits = b.bits();
    let digits = if bits > HEX_BITS {
        bits.div_ceil(4) as usize + 2
    } else {
        (bits as f64 * std::f64::consts::LOG10_2) as usize + 1
    };
    digits + 1
}

/// The int a canon int text spells, if it is canonical: decimal within [`HEX_BITS`], hex
/// beyond (a hex int that fits, or a decimal one that does not, is not canonical).
pub(crate) fn from_canon_text(s: &str) -> Option<BigInt> {
    let (neg, mag) = match s.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, s),
    };
    if let Some(hex) = mag.strip_prefix("0x") {
        let ok = !hex.is_empty()
            && !hex.starts_with('0')
            && hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'));
        let i = BigInt::parse_bytes(hex.as_bytes(), 16).filter(|_| ok)?;
        let i = if neg { -i } else { i };
        return (i.bits() > HEX_BITS).then_some(i);
    }
    let ok = !mag.is_empty()
        && mag.bytes().all(|c| c.is_ascii_digit())
        && (mag == "0" || !mag.starts_with('0'))
        && !(neg && mag == "0");
    if !ok {
        return None;
    }
    // A decimal of more digits than HEX_BITS bits can hold is not canonical: refuse it
    // before the (quadratic) parse.
    if mag.len() as f64 > HEX_BITS as f64 * std::f64::consts::LOG10_2 + 2.0 {
        return None;
    }
    let i: BigInt = s.parse().ok()?;
    (i.bits() <= HEX_BITS).then_some(i)
}

/// Whether `s` is a canonical int spelling ([`from_canon_text`] without building the int):
/// decimal of at most [`HEX_BITS`] bits, or hex of more.
pub(crate) fn is_canonical(s: &str) -> bool {
    let mag = s.strip_prefix('-').unwrap_or(s);
    if let Some(hex) = mag.strip_prefix("0x") {
        let Some(first) = hex.bytes().next() else {
            return false;
        };
        let lead = match first {
            b'1' => 1,
            b'2' | b'3' => 2,
            b'4'..=b'7' => 3,
            _ => 4,
        };
        let bits = (hex.len() as u64 - 1) * 4 + lead;
        return first != b'0'
            && hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
            && bits > HEX_BITS;
    }
    let digits_ok = !mag.is_empty()
        && mag.bytes().all(|c| c.is_ascii_digit())
        && (mag == "0" || !mag.starts_with('0'))
        && s != "-0";
    // Within HEX_BITS bits: fewer digits than the bound is certain; at the bound, parse.
    let bound = (HEX_BITS as f64 * std::f64::consts::LOG10_2) as usize;
    digits_ok && (mag.len() < bound || (mag.len() <= bound + 1 && from_canon_text(s).is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_up_to_hex_bits_and_hex_beyond() {
        let at = (BigInt::from(1) << (HEX_BITS as usize)) - 1; // HEX_BITS bits
        let past = BigInt::from(1) << (HEX_BITS as usize); // one more
        let d = to_canon_text(&at);
        assert!(d.bytes().all(|c| c.is_ascii_digit()));
        assert_eq!(from_canon_text(&d), Some(at.clone()));
        let h = to_canon_text(&-past.clone());
        assert!(h.starts_with("-0x1000"), "{}", &h[..8]);
        assert_eq!(h.len(), 3 + 1 + (HEX_BITS / 4) as usize);
        assert_eq!(from_canon_text(&h), Some(-past.clone()));
        assert!(canon_text_len(&past) >= h.len() - 1);
        assert!(canon_text_len(&at) >= d.len());
    }

    #[test]
    fn only_the_canonical_spelling_parses() {
        for (s, ok) in [
            ("0", true),
            ("-1", true),
            ("18446744073709551616", true),
            ("-0", false),
            ("01", false),
            ("+1", false),
            ("", false),
            ("-", false),
            ("0x10", false), // fits: must be decimal
            ("0x", false),
            ("1_000", false),
        ] {
            assert_eq!(from_canon_text(s).is_some(), ok, "{s:?}");
            assert_eq!(is_canonical(s), ok, "{s:?}");
        }
        let big = to_canon_text(&(BigInt::from(0x3ab) << (HEX_BITS as usize)));
        assert!(from_canon_text(&big).is_some() && is_canonical(&big));
        let at = to_canon_text(&((BigInt::from(1) << (HEX_BITS as usize)) - 1));
        assert!(is_canonical(&at) && !is_canonical(&format!("{at}0")));
        let past = to_canon_text(&(BigInt::from(1) << (HEX_BITS as usize)));
        assert!(is_canonical(&past) && is_canonical(&format!("-{past}")));
        assert!(from_canon_text(&big.replacen("0x3", "0x03", 1)).is_none());
        assert!(from_canon_text(&big.to_uppercase().replacen("0X", "0x", 1)).is_none());
    }
}
