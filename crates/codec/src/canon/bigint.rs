//! Big ints to decimal, for canon.

use num_bigint::BigInt;

/// The most decimal digits canon converts an int to (about 1.08 MB of LONG4): the
/// conversion takes time quadratic in the length (about 1.5 s here at this size), so a larger
/// int is `limit-exceeded` at once rather than minutes of work. CPython's own `str()`
/// refuses ints of more than 4300 digits.
pub(crate) const MAX_DIGITS: usize = 2_600_000;

/// The decimal text of `b` (`-` sign, no leading zeros).
pub(crate) fn to_decimal(b: &BigInt) -> String {
    b.to_string()
}
