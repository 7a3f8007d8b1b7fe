//! What a file is when it is not a pickle, and what follows a pickle's STOP.
//!
//! A loader error says what went wrong at which byte, in the words of CPython's
//! unpickler: a text file fails as `bad-memo` or `bad-literal` at byte 0, a zip archive as
//! `unknown-opcode`. [`identify`] names such input (an empty file, a text or JSON file, an
//! archive, an image, compressed data, …) and says what to do with it, so a command can
//! report "this is a zip archive, not a pickle" next to the error. [`following`] looks at
//! what comes after a pickle: more pickles (`pickle.dump` called several times on one file)
//! or other data.
//!
//! ```
//! use picklejar_codec::{load, sniff};
//!
//! let e = load(b"hello, world\n").unwrap_err();
//! let what = sniff::identify(b"hello, world\n", e.offset()).expect("not a pickle");
//! assert_eq!(what.name, "a text file");
//!
//! // pickle.dump(1, f, 2); pickle.dump(2, f, 2)
//! let data = b"\x80\x02K\x01.\x80\x02K\x02.";
//! let t = sniff::following(data, 5);
//! assert_eq!((t.pickles, t.other), (1, None));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::opcode::{ArgKind, Opcode};

/// Input that is not a pickle, named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotAPickle {
    /// What it is: `an empty file`, `a text file`, `a zip archive`, …
    pub name: &'static str,
    /// What to do instead, one sentence.
    pub hint: &'static str,
}

impl std::fmt::Display for NotAPickle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "this is {}, not a pickle: {}", self.name, self.hint)
    }
}

const MAGICS: &[(&[u8], usize, &str, &str)] = &[
    (
        b"PK\x03\x04",
        0,
        "a zip archive",
        "`picklejar load` reads PyTorch zip checkpoints directly (picklejar_container); numpy.savez writes zip archives of .npy files (read them with numpy.load); for another zip, unzip it and load the .pkl file inside",
    ),
    (
        b"PK\x05\x06",
        0,
        "an empty zip archive",
        "there is nothing to load in it",
    ),
    (
        b"ustar",
        257,
        "a tar archive",
        "extract it (tar -xf) and load the pickle inside",
    ),
    (
        b"\x93NUMPY",
        0,
        "a NumPy .npy array file",
        "read it with numpy.load; its header is not a pickle",
    ),
    (
        b"\x89HDF\r\n\x1a\n",
        0,
        "an HDF5 file",
        "read it with h5py or pandas.read_hdf",
    ),
    (
        b"SQLite format 3\x00",
        0,
        "an SQLite database",
        "open it with sqlite3",
    ),
    (
        b"\x89PNG\r\n\x1a\n",
        0,
        "a PNG image",
        "there is no pickle in it",
    ),
    (
        b"\xff\xd8\xff",
        0,
        "a JPEG image",
        "there is no pickle in it",
    ),
    (b"GIF8", 0, "a GIF image", "there is no pickle in it"),
    (b"%PDF", 0, "a PDF document", "there is no pickle in it"),
    (
        b"\x7fELF",
        0,
        "an ELF executable",
        "there is no pickle in it",
    ),
    (
        b"7z\xbc\xaf\x27\x1c",
        0,
        "a 7-Zip archive",
        "extract it (7z x) and load the pickle inside",
    ),
    (
        b"Rar!\x1a\x07",
        0,
        "a RAR archive",
        "extract it and load the pickle inside",
    ),
    (
        b"\x04\x22\x4d\x18",
        0,
        "LZ4-compressed data",
        "decompress it (lz4 -d) and load the result; picklejar reads gzip, bzip2, xz and zstd",
    ),
    (
        b"\x1f\x8b",
        0,
        "gzip-compressed data",
        "decompress it (gunzip -c) and load the result",
    ),
    (
        b"BZh",
        0,
        "bzip2-compressed data",
        "decompress it (bunzip2 -c) and load the result",
    ),
    (
        b"\xfd7zXZ\x00",
        0,
        "xz-compressed data",
        "decompress it (xz -dc) and load the result",
    ),
    (
        b"\x28\xb5\x2f\xfd",
        0,
        "zstd-compressed data",
        "decompress it (zstd -dc) and load the result",
    ),
    (
        b"\xfe\xff",
        0,
        "a UTF-16 text file",
        "a pickle is binary (or, at protocol 0, ASCII), never UTF-16",
    ),
    (
        b"\xff\xfe",
        0,
        "a UTF-16 text file",
        "a pickle is binary (or, at protocol 0, ASCII), never UTF-16",
    ),
];

/// Names `data` when it is evidently not a pickle; `None` when it may be one. `failed_at`
/// is where loading it failed, if it did: text (which a protocol-0 pickle also is) is
/// called text only when loading failed within its first line.
///
/// ```
/// use picklejar_codec::sniff::identify;
///
/// assert_eq!(identify(b"", None).map(|w| w.name), Some("an empty file"));
/// assert_eq!(identify(b"PK\x03\x04rest", None).map(|w| w.name), Some("a zip archive"));
/// assert_eq!(identify(b"{\"a\": 1}\n", Some(0)).map(|w| w.name), Some("a JSON file"));
/// assert_eq!(identify(b"\x80\x04N.", None), None);
/// // A protocol-0 pickle is text too; it is named only when it failed at once.
/// assert_eq!(identify(b"(lp0\nI1\na.", None), None);
/// ```
pub fn identify(data: &[u8], failed_at: Option<u64>) -> Option<NotAPickle> {
    if data.is_empty() {
        return Some(NotAPickle {
            name: "an empty file",
            hint: "there is nothing to load; was the pickle written (and the file flushed and closed)?",
        });
    }
    for &(magic, at, name, hint) in MAGICS {
        if data.get(at..at + magic.len()) == Some(magic) {
            return Some(NotAPickle { name, hint });
        }
    }
    if crate::compress::is_zlib_header(data) {
        return Some(NotAPickle {
            name: "zlib-compressed data",
            hint: "`picklejar load` reads joblib files compressed so (joblib.dump(..., compress=3)) when the whole zlib stream is there; for zlib.compress(pickle.dumps(x)), decompress it (python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))' < FILE) and load the result",
        });
    }
    // PROTO, or opcodes that walk to a STOP: a pickle, whatever else is wrong with it (a
    // protocol-0 int past CPython's digit limit fails at byte 0, and is one).
    if data[0] == 0x80 || skip_pickle(data, 0).is_some() {
        return None;
    }
    // Failed at its first byte or inside its first line: a protocol-0 pickle that was cut
    // short fails at its end instead.
    let early =
        failed_at.is_some_and(|o| o == 0 || first_line_end(data).is_some_and(|e| o < e as u64));
    if !early {
        return None;
    }
    // Text that walks as a complete protocol-0 pickle is one (say, an int literal over
    // CPython's digit limit), however it failed.
    if looks_like_text(data) {
        let first = data
            .iter()
            .copied()
            .find(|c| !c.is_ascii_whitespace())
            .unwrap_or(b' ');
        let (name, hint) = match first {
            b'{' | b'[' => (
                "a JSON file",
                "read it with json.load; a pickle is written by pickle.dump",
            ),
            b'<' => (
                "an HTML or XML file",
                "a download that returned a web page instead of the file is a common cause",
            ),
            b'#' => (
                "a text file (a script or configuration)",
                "a pickle is written by pickle.dump, never by an editor",
            ),
            _ => (
                "a text file",
                "a pickle is written by pickle.dump; protocol-0 pickles are text, but this does not parse as one",
            ),
        };
        return Some(NotAPickle { name, hint });
    }
    if failed_at == Some(0) {
        return Some(NotAPickle {
            name: "binary data of an unknown kind",
            hint: "a pickle starts with \\x80 and a protocol number (protocols 2-5) or with an opcode such as ( ] } or c (protocols 0-1); check the file is the one that was written",
        });
    }
    None
}

fn first_line_end(data: &[u8]) -> Option<usize> {
    data.iter().take(4096).position(|&b| b == b'\n')
}

/// Printable UTF-8 (tabs and newlines allowed) in the first 1024 bytes.
fn looks_like_text(data: &[u8]) -> bool {
    let head = &data[..data.len().min(1024)];
    // A cut in the middle of a character at the end is fine.
    let valid = match std::str::from_utf8(head) {
        Ok(_) => head.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => return false,
    };
    let text = &head[..valid];
    !text.is_empty()
        && text
            .iter()
            .all(|&c| c >= 0x20 && c != 0x7f || matches!(c, b'\n' | b'\r' | b'\t'))
}

/// What follows a pickle's STOP: [`following`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trailing {
    /// Complete pickles that follow, one after another.
    pub pickles: usize,
    /// Where the first of them (up to eight) start.
    pub starts: Vec<usize>,
    /// Where data that is not a complete pickle starts after them, and how many bytes of it
    /// there are.
    pub other: Option<(usize, usize)>,
}

/// Looks at `data[end..]`, where `end` is the offset just after a pickle's STOP
/// ([`Loaded::end`](crate::Loaded::end)): how many complete pickles follow (what calling
/// `pickle.dump` several times on one file writes), and whether other data follows them.
/// The pickles are only walked opcode by opcode (lengths and STOP), not loaded.
///
/// ```
/// use picklejar_codec::sniff::{Trailing, following};
///
/// let data = b"N.N.N.junk";
/// assert_eq!(following(data, 2), Trailing { pickles: 2, starts: vec![2, 4], other: Some((6, 4)) });
/// assert_eq!(following(b"N.", 2), Trailing { pickles: 0, starts: vec![], other: None });
/// ```
pub fn following(data: &[u8], end: usize) -> Trailing {
    let mut pos = end.min(data.len());
    let mut pickles = 0;
    let mut starts = Vec::new();
    while pos < data.len() {
        match skip_pickle(data, pos) {
            Some(next) => {
                pickles += 1;
                if starts.len() < 8 {
                    starts.push(pos);
                }
                pos = next;
            }
            None => break,
        }
    }
    Trailing {
        pickles,
        starts,
        other: (pos < data.len()).then(|| (pos, data.len() - pos)),
    }
}

/// The end of the pickle at `pos` (just after its STOP), walked by opcode lengths; `None`
/// if the bytes there are not a complete pickle.
fn skip_pickle(data: &[u8], mut pos: usize) -> Option<usize> {
    let start = pos;
    loop {
        let op = Opcode::from_byte(*data.get(pos)?)?;
        pos += 1;
        if op == Opcode::Stop {
            // A lone STOP is no pickle (it would fail to load).
            return (pos - start > 1).then_some(pos);
        }
        pos = skip_arg(data, pos, op.arg())?;
    }
}

fn skip_arg(data: &[u8], pos: usize, kind: ArgKind) -> Option<usize> {
    use ArgKind as A;
    let int = |n: usize| -> Option<u64> {
        let b = data.get(pos..pos.checked_add(n)?)?;
        let mut a = [0u8; 8];
        a[..n].copy_from_slice(b);
        Some(u64::from_le_bytes(a))
    };
    let line = |from: usize| -> Option<usize> {
        let rest = data.get(from..)?;
        Some(from + rest.iter().position(|&b| b == b'\n')? + 1)
    };
    let prefixed = |n: usize, len: u64| -> Option<usize> {
        let end = (pos + n).checked_add(usize::try_from(len).ok()?)?;
        (end <= data.len()).then_some(end)
    };
    Some(match kind {
        A::None => pos,
        A::Uint1 => pos + 1,
        A::Uint2 => pos + 2,
        A::Uint4 | A::Int4 => pos + 4,
        A::Uint8 | A::Float8 => pos + 8,
        A::FloatNl
        | A::DecimalNlShort
        | A::DecimalNlLong
        | A::StringNl
        | A::StringNlNoEscape
        | A::UnicodeStringNl => line(pos)?,
        A::StringNlNoEscapePair => line(line(pos)?)?,
        A::String1 | A::Bytes1 | A::UnicodeString1 | A::Long1 => prefixed(1, int(1)?)?,
        A::String4 | A::Long4 => {
            let n = int(4)? as u32 as i32;
            prefixed(4, u64::try_from(n).ok()?)?
        }
        A::Bytes4 | A::UnicodeString4 => prefixed(4, int(4)?)?,
        A::Bytes8 | A::ByteArray8 | A::UnicodeString8 => prefixed(8, int(8)?)?,
    })
    .filter(|&end| end <= data.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_fail_early_and_are_named() {
        for (text, name) in [
            (&b"hello world\n"[..], "a text file"),
            (b"Lorem ipsum dolor\n", "a text file"),
            (b"[1, 2, 3]", "a JSON file"),
            (b"<!DOCTYPE html><html>", "an HTML or XML file"),
            (
                b"#!/bin/sh\necho\n",
                "a text file (a script or configuration)",
            ),
        ] {
            let e = crate::load(text).expect_err("not a pickle");
            assert_eq!(
                identify(text, e.offset()).map(|w| w.name),
                Some(name),
                "{text:?}"
            );
        }
    }

    #[test]
    fn pickles_are_not_named() {
        // A protocol-0 int past CPython's digit limit fails at byte 0, but it is a pickle.
        let mut big = b"L".to_vec();
        big.extend(std::iter::repeat_n(b'1', 5000));
        big.extend_from_slice(b"L\n.");
        let e = crate::load(&big).expect_err("digit limit");
        assert_eq!(identify(&big, e.offset()), None);
        // pickle.dumps([1, 'a'], 0) cut short: text, but it failed at its end.
        let cut = b"(lp0\nI1\naVa\np1\na";
        let e = crate::load(cut).expect_err("truncated");
        assert_eq!(identify(cut, e.offset()), None);
        assert_eq!(identify(b"\x80\x02K", Some(2)), None);
    }

    #[test]
    fn binary_junk_at_byte_zero() {
        let w = identify(&[0u8; 100], Some(0)).expect("named");
        assert_eq!(w.name, "binary data of an unknown kind");
    }

    #[test]
    fn zlib_is_named_by_its_header_check() {
        // zlib.compress(b"\x80\x04N.") at levels 1, 6 and 9: 78 01, 78 9c, 78 da
        for head in [&b"x\x01"[..], b"x\x9c", b"x\xda"] {
            let mut data = head.to_vec();
            data.extend_from_slice(b"k`\xf1\xd3\x03\x00\x02\xda\x01\x01");
            let e = crate::load(&data).expect_err("not a pickle");
            let w = identify(&data, e.offset()).expect("named");
            assert_eq!(w.name, "zlib-compressed data", "{head:?}");
        }
        // a 78 byte whose header check fails is not zlib
        let w = identify(b"x\x9d\x00\x00", Some(0)).expect("named");
        assert_eq!(w.name, "binary data of an unknown kind");
    }

    #[test]
    fn trailing_pickles_and_junk() {
        let data = b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01.\x80\x02]q\x00.(I1\nt.";
        let first = 14;
        assert_eq!(
            following(data, first),
            Trailing {
                pickles: 2,
                starts: vec![14, 20],
                other: None
            }
        );
        assert_eq!(following(b"N.\x00\x00", 2).other, Some((2, 2)));
        assert_eq!(following(b"N.N", 2).other, Some((2, 1)));
    }
}
