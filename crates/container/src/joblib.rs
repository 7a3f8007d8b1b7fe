//! joblib files: a pickle stream in which each numpy array is pickled as a
//! `joblib.numpy_pickle.NumpyArrayWrapper` (subclass, shape, order, dtype, allow_mmap,
//! numpy_array_alignment_bytes) and its bytes are written into the stream right after
//! the wrapper's BUILD (`NumpyArrayWrapper.write_array`): one padding-length byte and that
//! many padding bytes (joblib ≥ 1.2, when the wrapper has
//! `numpy_array_alignment_bytes`), then the raw bytes in the array's order. An array of
//! Python objects is written as a whole separate pickle instead (protocol 5 since joblib
//! 1.2). A plain unpickler would read those bytes as opcodes.
//!
//! So the stream is first *scanned*: a small abstract unpickler follows the stack, memo,
//! marks and just enough values (ints, strs, tuples, globals, dicts, reductions, with the
//! identity of dicts and reductions: BUILD mutates a memoized dtype) to know, at each
//! BUILD, whether its target is a wrapper and what its state says; from the shape and the
//! dtype (`numpy.dtype` reduction: its type string and its state's `elsize` and `flags`)
//! it computes how many bytes follow and cuts them out. What is left is an ordinary pickle,
//! which the codec loads; the wrappers it finds in the loaded graph are checked against the
//! scan, field by field, so a scan that went wrong is an error and never wrong data.

use std::collections::HashMap;
use std::rc::Rc;

use picklejar_codec::{ArgKind, ErrorKind, Graph, LoadOptions, Loader, Node, Opcode, Value};

use crate::budget::Budget;
use crate::decompress::Compression;
use crate::error::{Error, Result};
use crate::graph;
use crate::{Container, Detail, Kind, Layout, Source, Storage};

/// Whether `data` names joblib's array wrapper (a cheap test for [`crate::sniff`]).
pub(crate) fn mentions_wrapper(data: &[u8]) -> bool {
    const NAME: &[u8] = b"NumpyArrayWrapper";
    data.windows(NAME.len()).any(|w| w == NAME)
}

/// Whether `(module, name)` is joblib's wrapper class (also under scikit-learn's vendored
/// copy, `sklearn.externals.joblib`).
fn is_wrapper(module: &str, name: &str) -> bool {
    name == "NumpyArrayWrapper"
        && (module == "joblib.numpy_pickle" || module.ends_with(".joblib.numpy_pickle"))
}

/// The wrappers of joblib < 0.10, whose arrays are in files beside the pickle.
fn is_old_wrapper(module: &str, name: &str) -> bool {
    (name == "NDArrayWrapper" || name == "ZNDArrayWrapper")
        && (module.ends_with("joblib.numpy_pickle")
            || module.ends_with("joblib.numpy_pickle_compat"))
}

/// A numpy dtype, as much of it as sizing an array needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DType {
    /// The type string of the dtype's reduction (`f8`, `U2`, `V12`, `O8`, `M8`).
    pub(crate) descr: String,
    /// The byte order character of its state (`<`, `>`, `|`), empty when unknown.
    pub(crate) endian: String,
    /// Bytes per element.
    pub(crate) itemsize: u64,
    /// Whether it holds Python objects (then joblib pickles the array instead).
    pub(crate) hasobject: bool,
}

/// Whether the wrapper state has `numpy_array_alignment_bytes`, and what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Alignment {
    /// No such key: joblib ≤ 1.1, no padding.
    Absent,
    /// `None`: written to a stream with no `tell()`, no padding.
    Off,
    /// A number: a padding-length byte, then that many bytes.
    On(i64),
}

/// A wrapper's state: what its array is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Meta {
    pub(crate) shape: Vec<u64>,
    pub(crate) order: char,
    pub(crate) dtype: DType,
    alignment: Alignment,
    pub(crate) subclass: String,
}

impl Meta {
    pub(crate) fn numel(&self) -> Option<u64> {
        self.shape.iter().try_fold(1u64, |a, &d| a.checked_mul(d))
    }

    fn nbytes(&self) -> Option<u64> {
        self.numel()?.checked_mul(self.dtype.itemsize)
    }

    pub(crate) fn dtype_str(&self) -> String {
        format!("{}{}", self.dtype.endian, self.dtype.descr)
    }
}

/// A reduction or instance as a view reads it: (callable or class, args, state).
type Reduction<V> = (V, Option<V>, Option<V>);

/// The values either side reads a state from: the scan's abstract values, or the graph.
trait StateView {
    type V: Clone;
    /// `None` when `d` is not a dict, `Some(None)` when it has no such key (the last
    /// value wins, as in Python).
    fn dict_get(&self, d: &Self::V, key: &str) -> Option<Option<Self::V>>;
    fn text(&self, v: &Self::V) -> Option<String>;
    fn int(&self, v: &Self::V) -> Option<i64>;
    fn is_none(&self, v: &Self::V) -> bool;
    fn tuple(&self, v: &Self::V) -> Option<Vec<Self::V>>;
    fn global(&self, v: &Self::V) -> Option<(String, String)>;
    /// A reduction or instance: (callable or class, args, state).
    fn reduction(&self, v: &Self::V) -> Option<Reduction<Self::V>>;
}

/// Reads a wrapper state (a dict) into a [`Meta`]; the message says what is wrong.
fn read_meta<S: StateView>(s: &S, state: &S::V) -> std::result::Result<Meta, String> {
    let get = |k: &str| s.dict_get(state, k);
    let Some(shape_v) = get("shape").ok_or("its state is not a dict")? else {
        return Err("its state has no 'shape'".into());
    };
    let shape = match s.tuple(&shape_v) {
        Some(items) => items
            .iter()
            .map(|d| s.int(d).and_then(|i| u64::try_from(i).ok()))
            .collect::<Option<Vec<u64>>>()
            .ok_or("its 'shape' is not a tuple of sizes")?,
        None => return Err("its 'shape' is not a tuple".into()),
    };
    let order = match get("order").flatten().and_then(|v| s.text(&v)).as_deref() {
        Some("C") => 'C',
        Some("F") => 'F',
        _ => return Err("its 'order' is not 'C' or 'F'".into()),
    };
    let dtype_v = get("dtype").flatten().ok_or("its state has no 'dtype'")?;
    let dtype = read_dtype(s, &dtype_v)?;
    let alignment = match get("numpy_array_alignment_bytes") {
        Some(None) => Alignment::Absent,
        Some(Some(v)) if s.is_none(&v) => Alignment::Off,
        Some(Some(v)) => Alignment::On(
            s.int(&v)
                .ok_or("its 'numpy_array_alignment_bytes' is not a number")?,
        ),
        None => Alignment::Absent,
    };
    let subclass = get("subclass")
        .flatten()
        .and_then(|v| s.global(&v))
        .map_or_else(|| "?".to_owned(), |(m, n)| format!("{m}.{n}"));
    Ok(Meta {
        shape,
        order,
        dtype,
        alignment,
        subclass,
    })
}

fn read_dtype<S: StateView>(s: &S, v: &S::V) -> std::result::Result<DType, String> {
    let Some((callable, args, state)) = s.reduction(v) else {
        return Err("its 'dtype' is not a numpy.dtype reduction".into());
    };
    match s.global(&callable) {
        Some((m, n)) if (m == "numpy" || m.starts_with("numpy.")) && n == "dtype" => {}
        Some((m, n)) => return Err(format!("its 'dtype' is a {m}.{n}, not a numpy.dtype")),
        None => return Err("its 'dtype' is not a numpy.dtype reduction".into()),
    }
    let descr = args
        .and_then(|a| s.tuple(&a))
        .and_then(|a| a.first().and_then(|d| s.text(d)))
        .ok_or("its dtype has no type string")?;
    let st = state.and_then(|v| s.tuple(&v)).unwrap_or_default();
    let endian = st.get(1).and_then(|v| s.text(v)).unwrap_or_default();
    let elsize = st.get(5).and_then(|v| s.int(v)).filter(|&e| e > 0);
    let flags = st.get(7).and_then(|v| s.int(v)).unwrap_or(0);
    let kind: String = descr
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    let digits: String = descr[kind.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let itemsize = match (elsize, digits.parse::<u64>()) {
        (Some(e), _) => e as u64,
        (None, Ok(n)) if kind == "U" => n.checked_mul(4).ok_or("its dtype is too large")?,
        (None, Ok(n)) => n,
        (None, Err(_)) => return Err(format!("its dtype {descr:?} has no element size")),
    };
    Ok(DType {
        hasobject: flags & 1 != 0 || kind == "O",
        descr,
        endian,
        itemsize,
    })
}

// ---- the scan ----------------------------------------------------------------------------

/// An abstract value: what the scan knows of a stack item or memo entry.
#[derive(Clone, Debug)]
enum V {
    Other,
    None,
    Int(i64),
    Str(Rc<str>),
    Global(Rc<(String, String)>),
    Tuple(Rc<[V]>),
    /// An object with identity (dict, reduction, instance): an index into `objs`.
    Obj(usize),
}

#[derive(Debug)]
enum Obj {
    Dict(Vec<(V, V)>),
    Reduce {
        callable: V,
        args: V,
        state: Option<V>,
    },
    Instance {
        class: V,
        state: Option<V>,
    },
}

/// Longest str the scan keeps (longer ones it knows only as "some value").
const MAX_STR: usize = 1024;
/// Longest tuple it keeps.
const MAX_TUPLE: usize = 64;
/// Most dict items it keeps per dict.
const MAX_ITEMS: usize = 64;
/// What the scan counts per stack slot, memo entry and object, for the budget.
const SLOT: usize = 32;
const OBJ: usize = 96;

/// What was cut out after one wrapper's BUILD.
#[derive(Debug)]
pub(crate) struct Cut {
    /// Where the cut starts: just after the BUILD.
    pub(crate) at: usize,
    /// Padding (padding-length byte included).
    pub(crate) padding: usize,
    /// The array bytes (or the nested pickle) after the padding.
    pub(crate) len: usize,
    pub(crate) meta: Meta,
    /// For an object array: its pickle, loaded.
    pub(crate) nested: Option<Box<Graph>>,
}

impl Cut {
    fn total(&self) -> usize {
        self.padding + self.len
    }
}

pub(crate) struct Scan {
    pub(crate) cuts: Vec<Cut>,
    /// The offset just after the main pickle's STOP, if the scan got there.
    pub(crate) end: Option<usize>,
    /// Wrappers of joblib < 0.10 seen (arrays in separate files).
    pub(crate) old_wrappers: usize,
}

enum Arg<'a> {
    None,
    Int(i64),
    Big,
    Bytes(&'a [u8]),
    Pair(&'a [u8], &'a [u8]),
}

struct Scanner<'a> {
    data: &'a [u8],
    pos: usize,
    stack: Vec<V>,
    marks: Vec<usize>,
    memo: HashMap<u64, V>,
    objs: Vec<Obj>,
    spent: usize,
    allowance: usize,
    max_depth: usize,
    options: &'a LoadOptions,
    cuts: Vec<Cut>,
    old_wrappers: usize,
}

/// Stops the scan: the stream is not what the scan can follow from here on; the codec
/// reports why when it loads the stream.
struct Stop;

impl<'a> Scanner<'a> {
    fn take(&mut self, n: u64) -> std::result::Result<&'a [u8], Stop> {
        let left = (self.data.len() - self.pos) as u64;
        if n > left {
            return Err(Stop);
        }
        let s = &self.data[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(s)
    }

    fn fixed<const N: usize>(&mut self) -> std::result::Result<[u8; N], Stop> {
        let s = self.take(N as u64)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn line(&mut self) -> std::result::Result<&'a [u8], Stop> {
        let rest = &self.data[self.pos..];
        let i = rest.iter().position(|&b| b == b'\n').ok_or(Stop)?;
        self.pos += i + 1;
        Ok(&rest[..i])
    }

    fn arg(&mut self, kind: ArgKind) -> std::result::Result<Arg<'a>, Stop> {
        use ArgKind as A;
        Ok(match kind {
            A::None => Arg::None,
            A::Uint1 => Arg::Int(i64::from(self.fixed::<1>()?[0])),
            A::Uint2 => Arg::Int(i64::from(u16::from_le_bytes(self.fixed()?))),
            A::Uint4 => Arg::Int(i64::from(u32::from_le_bytes(self.fixed()?))),
            A::Int4 => Arg::Int(i64::from(i32::from_le_bytes(self.fixed()?))),
            A::Uint8 => match i64::try_from(u64::from_le_bytes(self.fixed()?)) {
                Ok(i) => Arg::Int(i),
                Err(_) => Arg::Big,
            },
            A::Float8 => {
                self.take(8)?;
                Arg::None
            }
            A::Long1 | A::Long4 => {
                let n = if kind == A::Long1 {
                    i64::from(self.fixed::<1>()?[0])
                } else {
                    i64::from(i32::from_le_bytes(self.fixed()?))
                };
                let n = u64::try_from(n).map_err(|_| Stop)?;
                let b = self.take(n)?;
                match b.len() {
                    0 => Arg::Int(0),
                    1..=8 => {
                        let fill = if b[b.len() - 1] & 0x80 != 0 { 0xff } else { 0 };
                        let mut a = [fill; 8];
                        a[..b.len()].copy_from_slice(b);
                        Arg::Int(i64::from_le_bytes(a))
                    }
                    _ => Arg::Big,
                }
            }
            A::FloatNl
            | A::DecimalNlShort
            | A::DecimalNlLong
            | A::StringNl
            | A::StringNlNoEscape
            | A::UnicodeStringNl => Arg::Bytes(self.line()?),
            A::StringNlNoEscapePair => {
                let m = self.line()?;
                let n = self.line()?;
                Arg::Pair(m, n)
            }
            A::String1 | A::Bytes1 | A::UnicodeString1 => {
                let n = self.fixed::<1>()?[0];
                Arg::Bytes(self.take(u64::from(n))?)
            }
            A::String4 | A::Bytes4 | A::UnicodeString4 => {
                let n = u32::from_le_bytes(self.fixed()?);
                Arg::Bytes(self.take(u64::from(n))?)
            }
            A::Bytes8 | A::ByteArray8 | A::UnicodeString8 => {
                let n = u64::from_le_bytes(self.fixed()?);
                Arg::Bytes(self.take(n)?)
            }
        })
    }

    fn fence(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn over(&self) -> bool {
        self.spent
            .saturating_add(self.stack.len().saturating_mul(SLOT))
            .saturating_add(self.marks.len() * 8)
            > self.allowance
    }

    fn push(&mut self, v: V) -> Result<()> {
        self.stack.push(v);
        if self.over() {
            return Err(self.limit());
        }
        Ok(())
    }

    fn spend(&mut self, n: usize) -> Result<()> {
        self.spent = self.spent.saturating_add(n);
        if self.over() {
            return Err(self.limit());
        }
        Ok(())
    }

    fn limit(&self) -> Error {
        Error::new(
            ErrorKind::LimitExceeded,
            format!(
                "scanning the joblib stream for arrays needs more than the {} bytes left of the budget (raise --max-alloc if the file is trusted)",
                self.allowance
            ),
        )
        .at(self.pos as u64)
    }

    fn pop(&mut self) -> std::result::Result<V, Stop> {
        if self.stack.len() <= self.fence() {
            return Err(Stop);
        }
        self.stack.pop().ok_or(Stop)
    }

    fn top(&self) -> std::result::Result<&V, Stop> {
        if self.stack.len() <= self.fence() {
            return Err(Stop);
        }
        self.stack.last().ok_or(Stop)
    }

    fn pop_mark(&mut self) -> std::result::Result<Vec<V>, Stop> {
        let m = self.marks.pop().ok_or(Stop)?;
        if m > self.stack.len() {
            return Err(Stop);
        }
        Ok(self.stack.split_off(m))
    }

    fn str_value(&mut self, b: &[u8]) -> Result<V> {
        if b.len() > MAX_STR {
            return Ok(V::Other);
        }
        match std::str::from_utf8(b) {
            Ok(s) => {
                self.spend(b.len() + SLOT)?;
                Ok(V::Str(Rc::from(s)))
            }
            Err(_) => Ok(V::Other),
        }
    }

    fn tuple(&mut self, items: Vec<V>) -> Result<V> {
        if items.len() > MAX_TUPLE {
            return Ok(V::Other);
        }
        self.spend(items.len() * SLOT + SLOT)?;
        Ok(V::Tuple(Rc::from(items)))
    }

    fn obj(&mut self, o: Obj) -> Result<V> {
        self.spend(OBJ)?;
        self.objs.push(o);
        Ok(V::Obj(self.objs.len() - 1))
    }

    fn global(&mut self, module: &str, name: &str) -> Result<V> {
        if module.len() + name.len() > MAX_STR {
            return Ok(V::Other);
        }
        self.spend(module.len() + name.len() + OBJ)?;
        Ok(V::Global(Rc::new((module.to_owned(), name.to_owned()))))
    }

    fn set_items(&mut self, target: &V, pairs: Vec<(V, V)>) -> Result<()> {
        if let V::Obj(i) = *target
            && let Some(Obj::Dict(items)) = self.objs.get_mut(i)
        {
            let room = MAX_ITEMS.saturating_sub(items.len());
            let n = pairs.len().min(room);
            items.extend(pairs.into_iter().take(n));
            self.spend(n * 2 * SLOT)?;
        }
        Ok(())
    }

    fn memo_put(&mut self, idx: u64) -> Result<()> {
        if let Some(v) = self.stack.last().cloned()
            && self.stack.len() > self.fence()
            && self.memo.insert(idx, v).is_none()
        {
            self.spend(SLOT * 2)?;
        }
        Ok(())
    }

    /// Runs to the main pickle's STOP (or to where the scan cannot follow).
    fn run(mut self) -> Result<Scan> {
        let end = loop {
            match self.step() {
                Ok(Some(end)) => break Some(end),
                Ok(None) => {}
                Err(StepError::Stop) => break None,
                Err(StepError::Fail(e)) => return Err(e),
            }
        };
        Ok(Scan {
            cuts: self.cuts,
            end,
            old_wrappers: self.old_wrappers,
        })
    }

    /// One opcode; `Some(end)` after STOP.
    fn step(&mut self) -> std::result::Result<Option<usize>, StepError> {
        use Opcode as O;
        let at = self.pos;
        let &byte = self.data.get(at).ok_or(Stop)?;
        let op = Opcode::from_byte(byte).ok_or(Stop)?;
        self.pos += 1;
        let arg = self.arg(op.arg())?;
        match op {
            O::Proto | O::Frame | O::ReadonlyBuffer => {}
            O::Stop => {
                self.pop()?;
                return Ok(Some(self.pos));
            }
            O::Mark => {
                self.marks.push(self.stack.len());
                if self.marks.len() > self.max_depth {
                    return Err(StepError::Fail(
                        Error::new(
                            ErrorKind::LimitExceeded,
                            format!("more than {} nested MARKs", self.max_depth),
                        )
                        .at(at as u64),
                    ));
                }
            }
            O::Pop => {
                if self.marks.last() == Some(&self.stack.len()) {
                    self.marks.pop();
                } else {
                    self.pop()?;
                }
            }
            O::PopMark => {
                self.pop_mark()?;
            }
            O::Dup => {
                let v = self.top()?.clone();
                self.push(v)?;
            }
            O::None => self.push(V::None)?,
            O::NewTrue | O::NewFalse => self.push(V::Other)?,
            O::Int | O::Long => {
                let v = match arg {
                    Arg::Bytes(b) => {
                        let s = String::from_utf8_lossy(b);
                        let s = s.trim().trim_end_matches('L');
                        match (op, s) {
                            (O::Int, "00" | "01") => V::Other,
                            _ => s.parse::<i64>().map_or(V::Other, V::Int),
                        }
                    }
                    _ => V::Other,
                };
                self.push(v)?;
            }
            O::BinInt | O::BinInt1 | O::BinInt2 | O::Long1 | O::Long4 => {
                let v = match arg {
                    Arg::Int(i) => V::Int(i),
                    _ => V::Other,
                };
                self.push(v)?;
            }
            O::Float | O::BinFloat => self.push(V::Other)?,
            O::ShortBinUnicode | O::BinUnicode | O::BinUnicode8 => {
                let v = match arg {
                    Arg::Bytes(b) => self.str_value(b)?,
                    _ => V::Other,
                };
                self.push(v)?;
            }
            O::Unicode => {
                // raw-unicode-escape: plain text only.
                let v = match arg {
                    Arg::Bytes(b) if !b.contains(&b'\\') => self.str_value(b)?,
                    _ => V::Other,
                };
                self.push(v)?;
            }
            O::String => {
                let v = match arg {
                    Arg::Bytes(b)
                        if b.len() >= 2
                            && (b[0] == b'\'' || b[0] == b'"')
                            && b[b.len() - 1] == b[0]
                            && !b.contains(&b'\\')
                            && b.is_ascii() =>
                    {
                        self.str_value(&b[1..b.len() - 1])?
                    }
                    _ => V::Other,
                };
                self.push(v)?;
            }
            O::BinString | O::ShortBinString => {
                let v = match arg {
                    Arg::Bytes(b) if b.is_ascii() => self.str_value(b)?,
                    _ => V::Other,
                };
                self.push(v)?;
            }
            O::BinBytes | O::ShortBinBytes | O::BinBytes8 | O::ByteArray8 | O::NextBuffer => {
                self.push(V::Other)?
            }
            O::EmptyList | O::EmptySet => self.push(V::Other)?,
            O::List | O::FrozenSet => {
                self.pop_mark()?;
                self.push(V::Other)?;
            }
            O::Append => {
                self.pop()?;
                self.top()?;
            }
            O::Appends | O::AddItems => {
                self.pop_mark()?;
                self.top()?;
            }
            O::EmptyTuple => {
                let t = self.tuple(Vec::new())?;
                self.push(t)?;
            }
            O::Tuple => {
                let items = self.pop_mark()?;
                let t = self.tuple(items)?;
                self.push(t)?;
            }
            O::Tuple1 | O::Tuple2 | O::Tuple3 => {
                let n = match op {
                    O::Tuple1 => 1,
                    O::Tuple2 => 2,
                    _ => 3,
                };
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.pop()?);
                }
                items.reverse();
                let t = self.tuple(items)?;
                self.push(t)?;
            }
            O::EmptyDict => {
                let d = self.obj(Obj::Dict(Vec::new()))?;
                self.push(d)?;
            }
            O::Dict => {
                let items = self.pop_mark()?;
                let d = self.obj(Obj::Dict(Vec::new()))?;
                self.set_items(&d, pairs(items))?;
                self.push(d)?;
            }
            O::SetItem => {
                let v = self.pop()?;
                let k = self.pop()?;
                let target = self.top()?.clone();
                self.set_items(&target, vec![(k, v)])?;
            }
            O::SetItems => {
                let items = self.pop_mark()?;
                let target = self.top()?.clone();
                self.set_items(&target, pairs(items))?;
            }
            O::Get | O::BinGet | O::LongBinGet => {
                let idx = match arg {
                    Arg::Int(i) => Some(i),
                    Arg::Bytes(b) => String::from_utf8_lossy(b).trim().parse::<i64>().ok(),
                    _ => None,
                };
                let v = idx
                    .and_then(|i| u64::try_from(i).ok())
                    .and_then(|i| self.memo.get(&i).cloned())
                    .unwrap_or(V::Other);
                self.push(v)?;
            }
            O::Put | O::BinPut | O::LongBinPut => {
                let idx = match arg {
                    Arg::Int(i) => Some(i),
                    Arg::Bytes(b) => String::from_utf8_lossy(b).trim().parse::<i64>().ok(),
                    _ => None,
                };
                if let Some(i) = idx.and_then(|i| u64::try_from(i).ok()) {
                    self.memo_put(i)?;
                }
            }
            O::Memoize => {
                let i = self.memo.len() as u64;
                self.memo_put(i)?;
            }
            O::Ext1 | O::Ext2 | O::Ext4 => self.push(V::Other)?,
            O::Global => {
                let v = match arg {
                    Arg::Pair(m, n) => match (std::str::from_utf8(m), std::str::from_utf8(n)) {
                        (Ok(m), Ok(n)) => self.global(m, n)?,
                        _ => V::Other,
                    },
                    _ => V::Other,
                };
                self.push(v)?;
            }
            O::StackGlobal => {
                let name = self.pop()?;
                let module = self.pop()?;
                let v = match (module, name) {
                    (V::Str(m), V::Str(n)) => self.global(&m, &n)?,
                    _ => V::Other,
                };
                self.push(v)?;
            }
            O::Reduce => {
                let args = self.pop()?;
                let callable = self.pop()?;
                let reconstructor = matches!(&callable, V::Global(g)
                    if (g.0 == "copyreg" || g.0 == "copy_reg") && g.1 == "_reconstructor");
                let o = match (&args, reconstructor) {
                    (V::Tuple(t), true) if !t.is_empty() => Obj::Instance {
                        class: t[0].clone(),
                        state: None,
                    },
                    _ => Obj::Reduce {
                        callable,
                        args,
                        state: None,
                    },
                };
                let v = self.obj(o)?;
                self.push(v)?;
            }
            O::NewObj | O::NewObjEx => {
                if op == O::NewObjEx {
                    self.pop()?;
                }
                self.pop()?;
                let class = self.pop()?;
                let v = self.obj(Obj::Instance { class, state: None })?;
                self.push(v)?;
            }
            O::Inst => {
                self.pop_mark()?;
                let class = match arg {
                    Arg::Pair(m, n) => match (std::str::from_utf8(m), std::str::from_utf8(n)) {
                        (Ok(m), Ok(n)) => self.global(m, n)?,
                        _ => V::Other,
                    },
                    _ => V::Other,
                };
                let v = self.obj(Obj::Instance { class, state: None })?;
                self.push(v)?;
            }
            O::Obj => {
                let items = self.pop_mark()?;
                let class = items.into_iter().next().ok_or(Stop)?;
                let v = self.obj(Obj::Instance { class, state: None })?;
                self.push(v)?;
            }
            O::PersId => self.push(V::Other)?,
            O::BinPersId => {
                self.pop()?;
                self.push(V::Other)?;
            }
            O::Build => {
                let state = self.pop()?;
                let target = self.top()?.clone();
                self.build(at, target, state)?;
            }
        }
        Ok(None)
    }

    fn build(&mut self, at: usize, target: V, state: V) -> std::result::Result<(), StepError> {
        let V::Obj(i) = target else { return Ok(()) };
        let class = match self.objs.get_mut(i) {
            Some(Obj::Instance { class, state: s }) => {
                *s = Some(state.clone());
                class.clone()
            }
            Some(Obj::Reduce { state: s, .. }) => {
                *s = Some(state);
                return Ok(());
            }
            _ => return Ok(()),
        };
        let V::Global(g) = class else { return Ok(()) };
        if is_old_wrapper(&g.0, &g.1) {
            self.old_wrappers += 1;
            return Ok(());
        }
        if !is_wrapper(&g.0, &g.1) {
            return Ok(());
        }
        let k = self.cuts.len();
        let meta = read_meta(&*self, &state).map_err(|why| {
            StepError::Fail(
                Error::new(
                    ErrorKind::BadArgument,
                    format!(
                        "joblib array {k}: the NumpyArrayWrapper built here cannot be read ({why}), so where its bytes end is unknown"
                    ),
                )
                .at(at as u64),
            )
        })?;
        let cut = self.cut(k, meta).map_err(StepError::Fail)?;
        self.pos = cut.at + cut.total();
        self.cuts.push(cut);
        Ok(())
    }

    /// Measures the bytes after wrapper `k`'s BUILD (which ends at `self.pos`).
    fn cut(&mut self, k: usize, meta: Meta) -> Result<Cut> {
        let at = self.pos;
        let rest = &self.data[at..];
        if meta.dtype.hasobject {
            let mut opts = self.options.clone();
            let left = self.allowance.saturating_sub(self.spent);
            opts.limits = opts.limits.with_max_alloc(left);
            let loaded = Loader::with_options(opts).load(rest).map_err(|e| {
                Error::from_codec_at(
                    e,
                    at,
                    &format!("the pickle of joblib object array {k} (written after its wrapper)"),
                )
            })?;
            self.spend(loaded.allocated)?;
            return Ok(Cut {
                at,
                padding: 0,
                len: loaded.end,
                meta,
                nested: Some(Box::new(loaded.graph)),
            });
        }
        let padding = match meta.alignment {
            Alignment::On(_) => {
                let p = usize::from(
                    *rest
                        .first()
                        .ok_or_else(|| truncated(k, at, 1, 0, "its padding-length byte"))?,
                );
                if rest.len() < 1 + p {
                    return Err(truncated(k, at, 1 + p, rest.len(), "its padding"));
                }
                1 + p
            }
            Alignment::Off | Alignment::Absent => 0,
        };
        let nbytes = meta.nbytes().ok_or_else(|| {
            Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "joblib array {k}: shape {:?} of {}-byte elements is more bytes than can be addressed",
                    meta.shape, meta.dtype.itemsize
                ),
            )
            .at(at as u64)
        })?;
        let left = (rest.len() - padding) as u64;
        if nbytes > left {
            return Err(truncated(
                k,
                at + padding,
                usize::try_from(nbytes).unwrap_or(usize::MAX),
                left as usize,
                "its bytes",
            ));
        }
        Ok(Cut {
            at,
            padding,
            len: nbytes as usize,
            meta,
            nested: None,
        })
    }
}

fn truncated(k: usize, at: usize, need: usize, left: usize, what: &str) -> Error {
    Error::new(
        ErrorKind::Truncated,
        format!(
            "joblib array {k}: {what} need {need} bytes here, but only {left} are left: the file was cut short"
        ),
    )
    .at(at as u64)
}

enum StepError {
    Stop,
    Fail(Error),
}

impl From<Stop> for StepError {
    fn from(_: Stop) -> StepError {
        StepError::Stop
    }
}

impl From<Error> for StepError {
    fn from(e: Error) -> StepError {
        StepError::Fail(e)
    }
}

fn pairs(items: Vec<V>) -> Vec<(V, V)> {
    let mut it = items.into_iter();
    let mut out = Vec::new();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    out
}

impl StateView for Scanner<'_> {
    type V = V;

    fn dict_get(&self, d: &V, key: &str) -> Option<Option<V>> {
        let V::Obj(i) = d else { return None };
        let Some(Obj::Dict(items)) = self.objs.get(*i) else {
            return None;
        };
        Some(
            items
                .iter()
                .rev()
                .find(|(k, _)| matches!(k, V::Str(s) if &**s == key))
                .map(|(_, v)| v.clone()),
        )
    }

    fn text(&self, v: &V) -> Option<String> {
        match v {
            V::Str(s) => Some(s.to_string()),
            _ => None,
        }
    }

    fn int(&self, v: &V) -> Option<i64> {
        match v {
            V::Int(i) => Some(*i),
            _ => None,
        }
    }

    fn is_none(&self, v: &V) -> bool {
        matches!(v, V::None)
    }

    fn tuple(&self, v: &V) -> Option<Vec<V>> {
        match v {
            V::Tuple(t) => Some(t.to_vec()),
            _ => None,
        }
    }

    fn global(&self, v: &V) -> Option<(String, String)> {
        match v {
            V::Global(g) => Some((g.0.clone(), g.1.clone())),
            _ => None,
        }
    }

    fn reduction(&self, v: &V) -> Option<Reduction<V>> {
        let V::Obj(i) = v else { return None };
        match self.objs.get(*i)? {
            Obj::Reduce {
                callable,
                args,
                state,
            } => Some((callable.clone(), Some(args.clone()), state.clone())),
            Obj::Instance { class, state } => Some((class.clone(), None, state.clone())),
            Obj::Dict(_) => None,
        }
    }
}

/// The loaded graph, read the same way.
struct GraphView<'g>(&'g Graph);

impl StateView for GraphView<'_> {
    type V = Value;

    fn dict_get(&self, d: &Value, key: &str) -> Option<Option<Value>> {
        match self.0.deref(*d)? {
            Node::Dict(pairs) => Some(
                pairs
                    .iter()
                    .rev()
                    .find(|(k, _)| graph::text(self.0, *k).as_deref() == Some(key))
                    .map(|&(_, v)| v),
            ),
            _ => None,
        }
    }

    fn text(&self, v: &Value) -> Option<String> {
        graph::text(self.0, *v)
    }

    fn int(&self, v: &Value) -> Option<i64> {
        graph::int(*v)
    }

    fn is_none(&self, v: &Value) -> bool {
        *v == Value::None
    }

    fn tuple(&self, v: &Value) -> Option<Vec<Value>> {
        self.0.as_tuple(*v).map(<[Value]>::to_vec)
    }

    fn global(&self, v: &Value) -> Option<(String, String)> {
        graph::global(self.0, *v)
    }

    fn reduction(&self, v: &Value) -> Option<Reduction<Value>> {
        match self.0.deref(*v)? {
            Node::Reduce(r) => Some((r.callable, Some(r.args), r.state)),
            Node::Object(o) => Some((o.class, o.args, o.state)),
            _ => None,
        }
    }
}

/// Scans `stream` for wrappers and the bytes after them.
pub(crate) fn scan(stream: &[u8], options: &LoadOptions, allowance: usize) -> Result<Scan> {
    Scanner {
        data: stream,
        pos: 0,
        stack: Vec::new(),
        marks: Vec::new(),
        memo: HashMap::new(),
        objs: Vec::new(),
        spent: 0,
        allowance,
        max_depth: options.limits.max_depth,
        options,
        cuts: Vec::new(),
        old_wrappers: 0,
    }
    .run()
}

/// Maps an offset in the spliced pickle back to the stream.
pub(crate) fn to_stream(cuts: &[(usize, usize, usize)], spliced: u64) -> u64 {
    let mut removed = 0u64;
    for &(at, len, _) in cuts {
        // The cut sits at `at - removed` in the spliced pickle.
        if spliced >= at as u64 - removed {
            removed += len as u64;
        } else {
            break;
        }
    }
    spliced + removed
}

/// Opens a (decompressed) pickle stream that may be a joblib file.
pub(crate) fn open(
    stream: &[u8],
    compression: Option<Compression>,
    options: &LoadOptions,
    budget: &mut Budget,
) -> Result<Container> {
    let scan = scan(stream, options, budget.left())?;
    // The stream without the cut ranges, to the main pickle's STOP (or all of it, when the
    // scan stopped early: then the codec says what is wrong, and where).
    let end = scan.end.unwrap_or(stream.len());
    let cut_bytes: usize = scan.cuts.iter().map(Cut::total).sum();
    let spliced_len = end.saturating_sub(cut_bytes);
    budget.charge(spliced_len, || {
        "the pickle without its array bytes".to_owned()
    })?;
    let mut pickle = Vec::with_capacity(spliced_len);
    let mut from = 0;
    let mut layout_cuts = Vec::with_capacity(scan.cuts.len());
    for (i, c) in scan.cuts.iter().enumerate() {
        pickle.extend_from_slice(stream.get(from..c.at).unwrap_or_default());
        from = c.at + c.total();
        layout_cuts.push((c.at, c.total(), i));
    }
    pickle.extend_from_slice(stream.get(from..end).unwrap_or_default());

    let mut opts = options.clone();
    opts.limits = opts.limits.with_max_alloc(budget.left());
    let loaded = Loader::with_options(opts).load(&pickle).map_err(|e| {
        // Offsets in the file's own terms: through the cuts, back to the stream.
        let at = e.offset().map(|o| to_stream(&layout_cuts, o));
        let err = Error::from(e);
        match at {
            Some(o) => err.with_offset(o),
            None => err,
        }
    })?;
    budget.charge(loaded.allocated, || "the loaded pickle".to_owned())?;

    // The wrappers the codec built, in the order they were built, against the scan.
    let g = &loaded.graph;
    let view = GraphView(g);
    let ids = graph::reachable(g);
    budget.charge(ids.len() * 8, || "the node index".to_owned())?;
    let mut found = Vec::new();
    for (i, n) in g.nodes().iter().enumerate() {
        let Node::Object(o) = n else { continue };
        let Some((m, name)) = graph::global(g, o.class) else {
            continue;
        };
        if !is_wrapper(&m, &name) {
            continue;
        }
        let Some(state) = o.state else { continue };
        found.push((i, read_meta(&view, &state)));
    }
    if found.len() != scan.cuts.len() {
        return Err(Error::new(
            ErrorKind::BadArgument,
            format!(
                "the stream has {} joblib arrays after their wrappers' BUILD, but the loaded pickle has {} built NumpyArrayWrapper objects: the file is not one joblib wrote",
                scan.cuts.len(),
                found.len()
            ),
        ));
    }
    let mut storages = Vec::with_capacity(scan.cuts.len());
    for (k, (cut, (index, meta))) in scan.cuts.into_iter().zip(found).enumerate() {
        if meta.as_ref() != Ok(&cut.meta) {
            return Err(Error::new(
                ErrorKind::BadArgument,
                format!(
                    "joblib array {k}: its wrapper in the loaded pickle ({}) is not what the stream scan read ({:?}): the file is not one joblib wrote",
                    meta.map_or_else(|e| e, |m| format!("{m:?}")),
                    cut.meta
                ),
            )
            .at(cut.at as u64));
        }
        let start = cut.at + cut.padding;
        let data = stream.get(start..start + cut.len).unwrap_or_default();
        budget.charge(data.len(), || format!("joblib array {k}"))?;
        let m = cut.meta;
        let detail = match cut.nested {
            Some(graph) => Detail::PickledArray {
                shape: m.shape.clone(),
                graph,
            },
            None => Detail::Array {
                shape: m.shape.clone(),
                order: m.order,
                padding: cut.padding,
                subclass: m.subclass.clone(),
            },
        };
        storages.push(Storage {
            key: k.to_string(),
            dtype: m.dtype_str(),
            element_size: usize::try_from(m.dtype.itemsize).ok(),
            numel: m.numel().unwrap_or(0),
            data: data.to_vec(),
            source: Source::Offset(start as u64),
            nodes: ids.get(index).copied().flatten().into_iter().collect(),
            detail,
        });
    }

    let mut notes = Vec::new();
    if scan.old_wrappers > 0 {
        notes.push(format!(
            "{} arrays are NDArrayWrapper/ZNDArrayWrapper objects of joblib < 0.10, whose bytes are in .npy/.z files beside this one: not read",
            scan.old_wrappers
        ));
    }
    if end < stream.len() {
        let t = picklejar_codec::sniff::following(stream, end);
        notes.push(if t.pickles > 0 {
            format!(
                "{} more pickles follow the first, which ends at byte {end}; only the first was loaded",
                t.pickles
            )
        } else {
            format!("{} bytes after byte {end} are not a pickle and were not read", stream.len() - end)
        });
    }
    let kind = if storages.is_empty() {
        Kind::Pickle { compression }
    } else {
        Kind::Joblib { compression }
    };
    Ok(Container {
        kind,
        protocol: loaded.protocol,
        graph: loaded.graph,
        pickle,
        pickle_name: match compression {
            Some(c) => format!("the {c}-decompressed file"),
            None => "the file".to_owned(),
        },
        storages,
        tensors: Vec::new(),
        members: Vec::new(),
        byteorder: None,
        notes,
        allocated: budget.used(),
        layout: Layout {
            base: 0,
            preamble: Vec::new(),
            cuts: layout_cuts,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_back_through_cuts() {
        // Cuts of 10 bytes at stream offset 5 and 4 bytes at stream offset 20.
        let cuts = [(5, 10, 0), (20, 4, 1)];
        assert_eq!(to_stream(&cuts, 0), 0);
        assert_eq!(to_stream(&cuts, 4), 4);
        assert_eq!(to_stream(&cuts, 5), 15);
        assert_eq!(to_stream(&cuts, 9), 19);
        assert_eq!(to_stream(&cuts, 10), 24);
    }

    #[test]
    fn wrapper_names() {
        assert!(is_wrapper("joblib.numpy_pickle", "NumpyArrayWrapper"));
        assert!(is_wrapper(
            "sklearn.externals.joblib.numpy_pickle",
            "NumpyArrayWrapper"
        ));
        assert!(!is_wrapper("numpy_pickle", "NumpyArrayWrapper"));
        assert!(mentions_wrapper(b"..NumpyArrayWrapper.."));
    }
}
