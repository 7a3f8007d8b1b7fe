//! `picklejar-bench-walk`: a bare walk over a pickle's opcodes, for callgrind: the floor
//! under any loader's instruction count.
//!
//! ```text
//! picklejar-bench-walk FILE...
//! ```
//!
//! For each file, [`walk_once`] reads the opcodes from the first to STOP, each one's
//! argument skipped by its kind in the codec's opcode table ([`Opcode::arg`]), and builds
//! nothing: no stack, no memo, no values, no checks beyond the lengths. It is called
//! once per file (it allocates nothing, so there is nothing to warm up):
//!
//! ```sh
//! valgrind --tool=callgrind --toggle-collect='picklejar_bench_walk::walk_once' \
//!     target/release/examples/picklejar-bench-walk reports/bench/workloads/ints_1m-p4.pkl
//! ```
//!
//! and a load's count over the walk's says what building the graph costs on top of
//! reading the stream (issue 17's "bare opcode walk" column). One line per file on stdout:
//! the file, the opcodes walked (or the error).

use std::hint::black_box;

use picklejar_codec::{ArgKind, Opcode};

/// Where and why a walk stopped short.
#[derive(Debug, PartialEq, Eq)]
enum Stop {
    /// The input ends before STOP.
    Truncated,
    /// A byte that is no opcode.
    Unknown,
}

/// How the walk skips each byte's argument, one byte per opcode (a `match` on an enum
/// costs a jump table per opcode; this is one compare on the common path): the length of
/// a fixed-size argument, or one of the codes below.
const PREFIXED: u8 = 0x80; // | the length's own size in bytes
const LINE: u8 = 0xf0;
const TWO_LINES: u8 = 0xf1;
const STOP: u8 = 0xfe;
const INVALID: u8 = 0xff;

/// Every byte's skip code, from the codec's opcode table (built before the count).
fn skips() -> [u8; 256] {
    let mut t = [INVALID; 256];
    for (byte, slot) in t.iter_mut().enumerate() {
        let Some(op) = u8::try_from(byte).ok().and_then(Opcode::from_byte) else {
            continue;
        };
        *slot = match op.arg() {
            _ if op == Opcode::Stop => STOP,
            ArgKind::None => 0,
            ArgKind::Uint1 => 1,
            ArgKind::Uint2 => 2,
            ArgKind::Uint4 | ArgKind::Int4 => 4,
            ArgKind::Uint8 | ArgKind::Float8 => 8,
            ArgKind::Long1 | ArgKind::String1 | ArgKind::Bytes1 | ArgKind::UnicodeString1 => {
                PREFIXED | 1
            }
            ArgKind::Long4 | ArgKind::String4 | ArgKind::Bytes4 | ArgKind::UnicodeString4 => {
                PREFIXED | 4
            }
            ArgKind::Bytes8 | ArgKind::ByteArray8 | ArgKind::UnicodeString8 => PREFIXED | 8,
            ArgKind::StringNlNoEscapePair => TWO_LINES,
            _ => LINE,
        };
    }
    t
}

/// The offset just past the newline at or after `from`.
fn past_line(data: &[u8], from: usize) -> Option<usize> {
    let i = data.get(from..)?.iter().position(|&b| b == b'\n')?;
    Some(from + i + 1)
}

/// The counted walk: the number of opcodes up to and including STOP.
#[inline(never)]
fn walk_once(data: &[u8], skips: &[u8; 256]) -> Result<usize, Stop> {
    let mut pos = 0;
    let mut ops = 0;
    loop {
        let &byte = data.get(pos).ok_or(Stop::Truncated)?;
        ops += 1;
        let at = pos + 1;
        let skip = skips[usize::from(byte)];
        pos = if skip < PREFIXED {
            at + usize::from(skip)
        } else if skip < LINE {
            let bytes = |n: usize| data.get(at..at + n).ok_or(Stop::Truncated);
            let (n, len) = match skip & !PREFIXED {
                1 => (1, u64::from(bytes(1)?[0])),
                4 => (
                    4,
                    u64::from(u32::from_le_bytes(bytes(4)?.try_into().unwrap_or([0; 4]))),
                ),
                _ => (
                    8,
                    u64::from_le_bytes(bytes(8)?.try_into().unwrap_or([0; 8])),
                ),
            };
            let len = usize::try_from(len).map_err(|_| Stop::Truncated)?;
            (at + n).checked_add(len).ok_or(Stop::Truncated)?
        } else {
            match skip {
                LINE => past_line(data, at).ok_or(Stop::Truncated)?,
                TWO_LINES => past_line(data, at)
                    .and_then(|p| past_line(data, p))
                    .ok_or(Stop::Truncated)?,
                STOP => return Ok(ops),
                _ => return Err(Stop::Unknown),
            }
        };
        if pos > data.len() {
            return Err(Stop::Truncated);
        }
    }
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: picklejar-bench-walk FILE...");
        std::process::exit(2);
    }
    let mut failed = false;
    for path in &files {
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("reading {path}: {e}");
                failed = true;
                continue;
            }
        };
        let table = skips();
        match walk_once(black_box(&data), &table) {
            Ok(ops) => println!("{path}: {ops} opcodes"),
            Err(e) => {
                println!("{path}: stopped: {e:?}");
                failed = true;
            }
        }
    }
    std::process::exit(i32::from(failed));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_every_kind_of_argument_to_stop() {
        // PROTO 4, FRAME 8 bytes, BININT1, SHORT_BINUNICODE 'ab', GLOBAL 'm\nn\n',
        // INT '12\n', BINUNICODE8 of 1 byte, TUPLE3, STOP.
        let mut p = vec![0x80, 4, 0x95, 0, 0, 0, 0, 0, 0, 0, 0];
        p.extend([b'K', 7, 0x8c, 2, b'a', b'b', b'c', b'm', b'\n', b'n', b'\n']);
        p.extend([b'I', b'1', b'2', b'\n', 0x8d, 1, 0, 0, 0, 0, 0, 0, 0, b'x']);
        p.extend([0x87, b'.']);
        let t = skips();
        assert_eq!(walk_once(&p, &t), Ok(9));
        // Cut anywhere before STOP, the walk says so.
        for cut in 0..p.len() - 1 {
            assert_eq!(walk_once(&p[..cut], &t), Err(Stop::Truncated), "{cut}");
        }
        assert_eq!(walk_once(&[0xff], &t), Err(Stop::Unknown));
    }
}
