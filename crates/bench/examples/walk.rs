//! `picklejar-bench-walk`: a bare walk over a pickle's opcodes, for callgrind: the floor
//! under any loader's instruction count.
//!
//! ```text
//! picklejar-bench-walk FILE...
//! ```
//!
//! For each file, [`walk_once`] reads the opcodes from the first to STOP, each one's
//! argument skipped by its kind in the codec's opcode table ([`Opcode::arg`],
//! [`picklejar_codec::ArgKind::len_in`]), and builds
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

use picklejar_codec::Opcode;

/// Where and why a walk stopped short.
#[derive(Debug, PartialEq, Eq)]
enum Stop {
    /// The input ends before STOP.
    Truncated,
    /// A byte that is no opcode.
    Unknown,
}

/// What the walk does at each byte, from the codec's opcode table (built before the
/// count): skip a fixed-size argument of this many bytes, or one of the codes below.
const VARIABLE: u8 = 0xfd;
const STOP: u8 = 0xfe;
const INVALID: u8 = 0xff;

fn skips() -> [u8; 256] {
    let mut t = [INVALID; 256];
    for (byte, slot) in t.iter_mut().enumerate() {
        if let Some(op) = u8::try_from(byte).ok().and_then(Opcode::from_byte) {
            *slot = match op.arg().fixed_len() {
                _ if op == Opcode::Stop => STOP,
                Some(n) => u8::try_from(n).unwrap_or(VARIABLE),
                None => VARIABLE,
            };
        }
    }
    t
}

/// The counted walk: the number of opcodes up to and including STOP; a fixed-size
/// argument skipped by its length in `skips`, the others by
/// [`picklejar_codec::ArgKind::len_in`] of the opcode's kind.
#[inline(never)]
fn walk_once(data: &[u8], skips: &[u8; 256]) -> Result<usize, Stop> {
    let mut pos = 0;
    let mut ops = 0;
    loop {
        let &byte = data.get(pos).ok_or(Stop::Truncated)?;
        ops += 1;
        let skip = skips[usize::from(byte)];
        let n = if skip < VARIABLE {
            usize::from(skip)
        } else if skip == VARIABLE {
            let rest = data.get(pos + 1..).ok_or(Stop::Truncated)?;
            let op = Opcode::from_byte(byte).ok_or(Stop::Unknown)?;
            op.arg().len_in(rest).ok_or(Stop::Truncated)?
        } else if skip == STOP {
            return Ok(ops);
        } else {
            return Err(Stop::Unknown);
        };
        pos += 1 + n;
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
