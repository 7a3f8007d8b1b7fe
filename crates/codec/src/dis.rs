//! A `pickletools.dis`-style disassembler: offset, opcode, argument, with MARK indentation
//! and memo/mark annotations. A malformed pickle is listed up to the fault, followed by the
//! error.

use std::fmt;

use crate::canon::py_float_repr;
use crate::error::{Error, ErrorKind};
use crate::load::LoadOptions;
use crate::opcode::{ArgKind, Opcode, StackItem};
use crate::text::{py_repr_bytes, py_repr_str};
use crate::value::Text;

/// One disassembled opcode.
///
/// ```
/// use picklejar_codec::{LoadOptions, Opcode, dis};
///
/// // pickle.dumps([1], 4) on CPython 3.13, without its frame
/// let d = dis(b"\x80\x04]\x94K\x01a.", &LoadOptions::default());
/// let memoize = &d.lines[2];
/// assert_eq!((memoize.offset, memoize.opcode), (3, Opcode::Memoize));
/// assert_eq!(memoize.note.as_deref(), Some("(as 0)"));
/// assert_eq!(d.lines[3].arg.as_deref(), Some("1"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct DisLine {
    /// Byte offset of the opcode.
    pub offset: usize,
    /// The opcode.
    pub opcode: Opcode,
    /// Its argument, as `pickletools` would `repr()` it (`None` when it has none).
    pub arg: Option<String>,
    /// `(MARK at N)`, `(as N)` and similar notes.
    pub note: Option<String>,
    /// How many MARKs are open (the indentation level).
    pub depth: usize,
}

/// A disassembly: the lines up to STOP (or to the fault), and the error if there was one.
///
/// Its [`Display`](fmt::Display) is the `pickletools.dis` listing.
///
/// ```
/// use picklejar_codec::{LoadOptions, dis};
///
/// // pickle.dumps((1, 2), 1)
/// let d = dis(b"(K\x01K\x02tq\x00.", &LoadOptions::default());
/// assert!(d.error.is_none());
/// assert_eq!(d.highest_protocol, 1);
/// assert_eq!(
///     d.to_string(),
///     "    0: (    MARK\n\
///      \x20   1: K        BININT1    1\n\
///      \x20   3: K        BININT1    2\n\
///      \x20   5: t        TUPLE      (MARK at 0)\n\
///      \x20   6: q    BINPUT     0\n\
///      \x20   8: .    STOP\n\
///      highest protocol among opcodes = 1\n"
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Disassembly {
    /// The opcodes.
    pub lines: Vec<DisLine>,
    /// Where and why the pickle is malformed, if it is.
    pub error: Option<Error>,
    /// The highest protocol among the opcodes seen.
    pub highest_protocol: u8,
}

/// Disassembles the pickle at the start of `data`.
///
/// Structural faults (unknown opcode, truncated argument) end the listing where they occur.
/// The bytes are then also loaded with `options`; if loading fails (a stack underflow, a bad
/// memo reference, …) the listing is cut after the failing opcode and that error reported.
///
/// ```
/// use picklejar_codec::{ErrorKind, LoadOptions, Opcode, dis};
///
/// // APPEND with nothing to append to: the listing ends at the failing opcode.
/// let d = dis(b"\x80\x02K\x01a.", &LoadOptions::default());
/// assert_eq!(d.lines.last().map(|l| l.opcode), Some(Opcode::Append));
/// assert_eq!(d.error.map(|e| e.kind()), Some(ErrorKind::StackUnderflow));
/// ```
pub fn dis(data: &[u8], options: &LoadOptions) -> Disassembly {
    dis_impl(data, Some(options), usize::MAX, usize::MAX)
}

/// [`dis`] with string and bytes arguments longer than `max_arg` bytes shown cut, as
/// [`dis_brief`] shows them (`b'\x00\x00'… (500000000 bytes)`): every opcode is listed and
/// checked as [`dis`] does, but the listing's size does not grow with the payloads.
///
/// ```
/// use picklejar_codec::{LoadOptions, dis_cut};
///
/// let mut data = b"\x80\x04\x8e\x00\x00\x10\x00\x00\x00\x00\x00".to_vec();
/// data.resize(data.len() + (1 << 20), 0);
/// data.push(b'.');
/// let d = dis_cut(&data, &LoadOptions::default(), 2);
/// assert_eq!(d.lines[1].arg.as_deref(), Some("b'\\x00\\x00'… (1048576 bytes)"));
/// assert!(d.error.is_none());
/// ```
pub fn dis_cut(data: &[u8], options: &LoadOptions, max_arg: usize) -> Disassembly {
    dis_impl(data, Some(options), max_arg, usize::MAX)
}

/// A bounded listing, for showing where two pickles differ: string and bytes arguments
/// longer than `max_arg` bytes are shown cut (`b'\x00\x00'… (500000000 bytes)`), at most
/// `max_lines` opcodes are listed, and the bytes are not loaded (only structural faults are
/// reported), so its size does not grow with the pickle's payloads.
///
/// ```
/// use picklejar_codec::dis_brief;
///
/// let mut data = b"\x80\x04\x8e\x00\x00\x10\x00\x00\x00\x00\x00".to_vec();
/// data.resize(data.len() + (1 << 20), 0);
/// data.push(b'.');
/// let d = dis_brief(&data, 4, 10);
/// assert_eq!(d.lines[1].arg.as_deref(), Some("b'\\x00\\x00\\x00\\x00'… (1048576 bytes)"));
/// ```
pub fn dis_brief(data: &[u8], max_arg: usize, max_lines: usize) -> Disassembly {
    dis_impl(data, None, max_arg, max_lines)
}

fn dis_impl(
    data: &[u8],
    options: Option<&LoadOptions>,
    max_arg: usize,
    max_lines: usize,
) -> Disassembly {
    let mut d = Walker {
        data,
        pos: 0,
        marks: Vec::new(),
        depth: 0,
        memo_len: 0,
        max_arg,
    };
    let mut lines = Vec::new();
    let mut error = None;
    let mut highest = 0u8;
    while lines.len() < max_lines {
        match d.next() {
            Ok(Some(line)) => {
                highest = highest.max(line.opcode.protocol());
                let stop = line.opcode == Opcode::Stop;
                lines.push(line);
                if stop {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    if error.is_none()
        && let Some(options) = options
        && let Err(e) = crate::Loader::with_options(options.clone()).load(data)
    {
        let at = e.offset().unwrap_or(u64::MAX);
        lines.retain(|l| (l.offset as u64) <= at);
        error = Some(e);
    }
    Disassembly {
        lines,
        error,
        highest_protocol: highest,
    }
}

impl fmt::Display for Disassembly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in &self.lines {
            let code = code_repr(l.opcode as u8);
            let mut s = format!(
                "{:5}: {:<4} {}{}",
                l.offset,
                code,
                "    ".repeat(l.depth),
                l.opcode.name()
            );
            if l.arg.is_some() || l.note.is_some() {
                s.push_str(&" ".repeat(10usize.saturating_sub(l.opcode.name().len())));
                if let Some(a) = &l.arg {
                    s.push(' ');
                    s.push_str(a);
                }
                if let Some(n) = &l.note {
                    s.push(' ');
                    s.push_str(n);
                }
            }
            writeln!(f, "{s}")?;
        }
        match &self.error {
            Some(e) => writeln!(f, "error: {e}"),
            None => writeln!(
                f,
                "highest protocol among opcodes = {}",
                self.highest_protocol
            ),
        }
    }
}

fn code_repr(b: u8) -> String {
    match b {
        b'\'' => "\\'".into(),
        b'\\' => "\\\\".into(),
        0x20..=0x7e => (b as char).to_string(),
        _ => format!("\\x{b:02x}"),
    }
}

struct Walker<'a> {
    data: &'a [u8],
    pos: usize,
    marks: Vec<(usize, isize)>,
    depth: isize,
    memo_len: usize,
    /// Longer string and bytes arguments are shown cut.
    max_arg: usize,
}

/// `repr` of the first `max` bytes and the full length, for a cut argument.
fn cut(b: &[u8], max: usize, repr: impl Fn(&[u8]) -> String) -> String {
    if b.len() <= max {
        return repr(b);
    }
    let mut end = max;
    // Whole UTF-8 characters only, for str arguments.
    while end > 0 && end < b.len() && (b[end] & 0xc0) == 0x80 {
        end -= 1;
    }
    format!("{}… ({} bytes)", repr(&b[..end]), b.len())
}

impl Walker<'_> {
    fn fail(&self, at: usize, op: Option<Opcode>, kind: ErrorKind, msg: &str) -> Error {
        Error::at(kind, at as u64, op.map(Opcode::name), msg)
    }

    fn take(&mut self, at: usize, op: Opcode, n: u64) -> Result<&[u8], Error> {
        let left = (self.data.len() - self.pos) as u64;
        if n > left {
            return Err(self.fail(
                at,
                Some(op),
                ErrorKind::Truncated,
                "pickle data was truncated",
            ));
        }
        let s = &self.data[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(s)
    }

    fn line(&mut self, at: usize, op: Opcode) -> Result<&[u8], Error> {
        let rest = &self.data[self.pos..];
        match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                self.pos += i + 1;
                Ok(&rest[..i])
            }
            None => Err(self.fail(at, Some(op), ErrorKind::Truncated, "no newline found")),
        }
    }

    fn int<const N: usize>(&mut self, at: usize, op: Opcode) -> Result<[u8; N], Error> {
        let s = self.take(at, op, N as u64)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn next(&mut self) -> Result<Option<DisLine>, Error> {
        let at = self.pos;
        let Some(&b) = self.data.get(at) else {
            return if at == 0 {
                Err(self.fail(at, None, ErrorKind::Truncated, "Ran out of input"))
            } else {
                Err(self.fail(
                    at,
                    None,
                    ErrorKind::Truncated,
                    "pickle exhausted before seeing STOP",
                ))
            };
        };
        let op = Opcode::from_byte(b).ok_or_else(|| {
            self.fail(
                at,
                None,
                ErrorKind::UnknownOpcode,
                &format!("invalid load key, '\\x{b:02x}'."),
            )
        })?;
        self.pos += 1;
        let arg = self.arg(at, op)?;
        let depth = self.marks.len();
        let note = self.effect(op, at);
        Ok(Some(DisLine {
            offset: at,
            opcode: op,
            arg,
            note,
            depth,
        }))
    }

    fn arg(&mut self, at: usize, op: Opcode) -> Result<Option<String>, Error> {
        use ArgKind as A;
        let kind = op.arg();
        Ok(Some(match kind {
            A::None => return Ok(None),
            A::Uint1 => self.int::<1>(at, op)?[0].to_string(),
            A::Uint2 => u16::from_le_bytes(self.int(at, op)?).to_string(),
            A::Int4 => i32::from_le_bytes(self.int(at, op)?).to_string(),
            A::Uint4 => u32::from_le_bytes(self.int(at, op)?).to_string(),
            A::Uint8 => u64::from_le_bytes(self.int(at, op)?).to_string(),
            A::Float8 => py_float_repr(f64::from_be_bytes(self.int(at, op)?)),
            A::DecimalNlShort | A::DecimalNlLong | A::FloatNl => {
                let max = self.max_arg;
                let l = self.line(at, op)?;
                if l.len() > max {
                    let head = String::from_utf8_lossy(&l[..max]).into_owned();
                    return Ok(Some(format!("{head}… ({} characters)", l.len())));
                }
                let s = String::from_utf8_lossy(l).into_owned();
                match (op, s.as_str()) {
                    (Opcode::Int, "00") => "False".into(),
                    (Opcode::Int, "01") => "True".into(),
                    (Opcode::Long, _) => s.trim_end_matches('L').to_owned(),
                    _ => s,
                }
            }
            A::StringNl => py_repr_bytes(self.line(at, op)?),
            A::StringNlNoEscape => py_repr_str(&Text::from(
                String::from_utf8_lossy(self.line(at, op)?).into_owned(),
            )),
            A::StringNlNoEscapePair => {
                let m = String::from_utf8_lossy(self.line(at, op)?).into_owned();
                let n = String::from_utf8_lossy(self.line(at, op)?).into_owned();
                py_repr_str(&Text::from(format!("{m} {n}")))
            }
            A::UnicodeStringNl => {
                let l = self.line(at, op)?;
                match crate::text::decode_raw_unicode_escape(l) {
                    Ok(v) => {
                        py_repr_str(&Text::from_surrogatepass(&v).unwrap_or_else(|| Text::new("?")))
                    }
                    Err(m) => return Err(self.fail(at, Some(op), ErrorKind::BadLiteral, m)),
                }
            }
            A::String1
            | A::String4
            | A::Bytes1
            | A::Bytes4
            | A::Bytes8
            | A::ByteArray8
            | A::UnicodeString1
            | A::UnicodeString4
            | A::UnicodeString8 => {
                let n = match kind {
                    A::String1 | A::Bytes1 | A::UnicodeString1 => {
                        u64::from(self.int::<1>(at, op)?[0])
                    }
                    A::String4 | A::Bytes4 | A::UnicodeString4 => {
                        u64::from(u32::from_le_bytes(self.int(at, op)?))
                    }
                    _ => u64::from_le_bytes(self.int(at, op)?),
                };
                let max = self.max_arg;
                let b = self.take(at, op, n)?;
                match kind {
                    A::UnicodeString1 | A::UnicodeString4 | A::UnicodeString8 => {
                        match Text::from_surrogatepass(b) {
                            Some(_) if b.len() > max => cut(b, max, |p| {
                                Text::from_surrogatepass(p)
                                    .map_or_else(|| "?".into(), |t| py_repr_str(&t))
                            }),
                            Some(t) => py_repr_str(&t),
                            None => {
                                return Err(self.fail(
                                    at,
                                    Some(op),
                                    ErrorKind::BadUtf8,
                                    "invalid UTF-8",
                                ));
                            }
                        }
                    }
                    A::ByteArray8 => format!("bytearray({})", cut(b, max, py_repr_bytes)),
                    _ => cut(b, max, py_repr_bytes),
                }
            }
            A::Long1 | A::Long4 => {
                let n = if kind == A::Long1 {
                    i64::from(self.int::<1>(at, op)?[0])
                } else {
                    i64::from(i32::from_le_bytes(self.int(at, op)?))
                };
                if n < 0 {
                    return Err(self.fail(
                        at,
                        Some(op),
                        ErrorKind::BadLiteral,
                        "LONG pickle has negative byte count",
                    ));
                }
                let b = self.take(at, op, n as u64)?;
                // Past CPython's 4300-digit str() limit, the size instead of the digits
                // (converting would take time quadratic in the length).
                if b.len() > 1_786 {
                    format!("<int of {} bytes>", b.len())
                } else {
                    crate::load::decode_long_le(b).to_string()
                }
            }
        }))
    }

    /// Applies the opcode's stack effect from the table ([`Opcode::stack_before`],
    /// [`Opcode::stack_after`]) as `pickletools.dis` does, and returns the annotation:
    /// `(MARK at N)` when it pops a MARK (a `mark` in `stack_before`, or POP with a MARK on
    /// top), `(as N)` for MEMOIZE.
    fn effect(&mut self, op: Opcode, at: usize) -> Option<String> {
        let before = op.stack_before();
        let mark_on_top = self.marks.last().is_some_and(|&(_, d)| d == self.depth);
        let mut note = None;
        let pops = match before.iter().position(|&s| s == StackItem::Mark) {
            Some(below_mark) => {
                note = Some(self.pop_mark());
                below_mark
            }
            None if op == Opcode::Pop && mark_on_top => {
                note = Some(self.pop_mark());
                0
            }
            None => before.len(),
        };
        self.depth -= pops as isize;
        for &s in op.stack_after() {
            if s == StackItem::Mark {
                self.marks.push((at, self.depth));
            } else {
                self.depth += 1;
            }
        }
        match op {
            Opcode::Memoize => {
                note = Some(format!("(as {})", self.memo_len));
                self.memo_len += 1;
            }
            Opcode::Put | Opcode::BinPut | Opcode::LongBinPut => self.memo_len += 1,
            _ => {}
        }
        note
    }

    /// Pops the topmost MARK: the stack goes back to where it was when the MARK was pushed.
    fn pop_mark(&mut self) -> String {
        match self.marks.pop() {
            Some((pos, depth)) => {
                self.depth = depth;
                format!("(MARK at {pos})")
            }
            None => "no MARK exists on stack".into(),
        }
    }
}
