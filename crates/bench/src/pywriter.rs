//! A tiny model of the Python objects the benchmark workloads hold, and a writer that
//! pickles them the way CPython 3.8+'s C pickler (`_pickle.c`) does: the same opcodes, memo
//! numbering, batching (1,000 items per APPENDS/SETITEMS) and protocol-4 framing (a frame
//! is committed when it holds 64 KiB at the start of saving an object; frames under 4 bytes
//! lose their header; payloads of 64 KiB or more are written outside frames). So the Rust
//! fallback writes the same bytes as CPython when CPython is absent.
//!
//! Object identity is `Rc` identity: an object shared in the model is memoized once and
//! fetched with GET afterwards, as in CPython.

use std::collections::HashMap;
use std::rc::Rc;

/// A Python object.
#[derive(Clone, Debug)]
pub enum Obj {
    /// `None`.
    None,
    /// `True`/`False`.
    Bool(bool),
    /// An int that fits in i64.
    Int(i64),
    /// A float.
    Float(f64),
    /// A str.
    Str(Rc<str>),
    /// A bytes object.
    Bytes(Rc<[u8]>),
    /// A bytearray.
    ByteArray(Rc<[u8]>),
    /// A list.
    List(Rc<Vec<Obj>>),
    /// A tuple.
    Tuple(Rc<Vec<Obj>>),
    /// A dict, in insertion order.
    Dict(Rc<Vec<(Obj, Obj)>>),
    /// A class or function pickled by name.
    Global(Rc<Global>),
    /// An object pickled through its reduction.
    Reduce(Rc<Reduction>),
}

/// A global: module and qualified name, as `str` objects (their identity matters at
/// protocol 4+, where STACK_GLOBAL pickles them as strings).
#[derive(Debug)]
pub struct Global {
    /// `__module__`.
    pub module: Obj,
    /// `__qualname__`.
    pub name: Obj,
}

/// `(callable, args, state)` as `__reduce_ex__` returns it; `newobj` is the
/// `copyreg.__newobj__` form (`args[0]` is the class).
#[derive(Debug)]
pub struct Reduction {
    /// The callable (a global), or the class for `newobj`.
    pub callable: Obj,
    /// The argument tuple (for `newobj`: the arguments after the class).
    pub args: Obj,
    /// BUILD state.
    pub state: Option<Obj>,
    /// Whether this is `copyreg.__newobj__(cls, *args)` (opcode NEWOBJ).
    pub newobj: bool,
}

/// A new str object.
pub fn s(text: &str) -> Obj {
    Obj::Str(Rc::from(text))
}

/// A new tuple.
pub fn tuple(items: Vec<Obj>) -> Obj {
    Obj::Tuple(Rc::new(items))
}

/// A new list.
pub fn list(items: Vec<Obj>) -> Obj {
    Obj::List(Rc::new(items))
}

/// A new dict.
pub fn dict(items: Vec<(Obj, Obj)>) -> Obj {
    Obj::Dict(Rc::new(items))
}

/// A new global with fresh module and name strings.
pub fn global(module: &str, name: &str) -> Obj {
    global_with(s(module), s(name))
}

/// A global whose module string is the given (possibly shared) str object.
pub fn global_with(module: Obj, name: Obj) -> Obj {
    Obj::Global(Rc::new(Global { module, name }))
}

/// An object reduced to `callable(*args)` plus state.
pub fn reduce(callable: Obj, args: Obj, state: Option<Obj>) -> Obj {
    Obj::Reduce(Rc::new(Reduction {
        callable,
        args,
        state,
        newobj: false,
    }))
}

/// An instance built with `cls.__new__(cls, *args)` (NEWOBJ) plus state.
pub fn newobj(cls: Obj, args: Obj, state: Option<Obj>) -> Obj {
    Obj::Reduce(Rc::new(Reduction {
        callable: cls,
        args,
        state,
        newobj: true,
    }))
}

impl Obj {
    /// The identity key of a memoizable object.
    fn id(&self) -> Option<usize> {
        Some(match self {
            Obj::Str(x) => Rc::as_ptr(x) as *const u8 as usize,
            Obj::Bytes(x) | Obj::ByteArray(x) => Rc::as_ptr(x) as *const u8 as usize,
            Obj::List(x) | Obj::Tuple(x) => Rc::as_ptr(x) as usize,
            Obj::Dict(x) => Rc::as_ptr(x) as usize,
            Obj::Global(x) => Rc::as_ptr(x) as usize,
            Obj::Reduce(x) => Rc::as_ptr(x) as usize,
            _ => return None,
        })
    }
}

const FRAME_SIZE_TARGET: usize = 64 * 1024;
const FRAME_SIZE_MIN: usize = 4;
const BATCHSIZE: usize = 1000;

/// State shared by one pickling: `_codecs.encode` and `'latin1'` are single objects in
/// CPython's module state, so they are memoized once per pickle.
struct Pickler {
    out: Vec<u8>,
    proto: u8,
    memo: HashMap<usize, u32>,
    framing: bool,
    frame_start: Option<usize>,
    codecs_encode: Obj,
    latin1: Obj,
    /// Keeps temporaries (the protocol-2 form of bytes) alive, so that their addresses are
    /// not reused while their memo entries exist.
    keep: Vec<Obj>,
}

/// `pickle.dumps(obj, protocol)` with CPython's C pickler (protocols 2–5).
pub fn dumps(obj: &Obj, protocol: u8) -> Vec<u8> {
    assert!((2..=5).contains(&protocol), "protocols 2-5 only");
    let mut p = Pickler {
        out: Vec::new(),
        proto: protocol,
        memo: HashMap::new(),
        framing: false,
        frame_start: None,
        codecs_encode: global("_codecs", "encode"),
        latin1: s("latin1"),
        keep: Vec::new(),
    };
    p.write(&[0x80, protocol]);
    if protocol >= 4 {
        p.framing = true;
    }
    p.save(obj);
    p.write(b".");
    p.commit_frame();
    p.out
}

impl Pickler {
    fn write(&mut self, data: &[u8]) {
        if self.framing && self.frame_start.is_none() {
            self.frame_start = Some(self.out.len());
            self.out.extend_from_slice(&[0; 9]);
        }
        self.out.extend_from_slice(data);
    }

    fn commit_frame(&mut self) {
        let Some(start) = self.frame_start.take() else {
            return;
        };
        let len = self.out.len() - start - 9;
        if len >= FRAME_SIZE_MIN {
            self.out[start] = 0x95;
            self.out[start + 1..start + 9].copy_from_slice(&(len as u64).to_le_bytes());
        } else {
            // _pickle.c drops the header of frames shorter than FRAME_SIZE_MIN
            self.out.drain(start..start + 9);
        }
    }

    fn opcode_boundary(&mut self) {
        if let Some(start) = self.frame_start
            && self.out.len() - start - 9 >= FRAME_SIZE_TARGET
        {
            self.commit_frame();
        }
    }

    /// A header and a payload; payloads of 64 KiB or more bypass framing.
    fn write_bytes(&mut self, header: &[u8], data: &[u8]) {
        if data.len() >= FRAME_SIZE_TARGET && self.framing {
            self.commit_frame();
            self.framing = false;
            self.write(header);
            self.write(data);
            self.framing = true;
        } else {
            self.write(header);
            self.write(data);
        }
    }

    fn memo_put(&mut self, obj: &Obj) {
        let idx = self.memo.len() as u32;
        if let Some(id) = obj.id() {
            self.memo.insert(id, idx);
        }
        if self.proto >= 4 {
            self.write(&[0x94]);
        } else if idx < 256 {
            self.write(&[b'q', idx as u8]);
        } else {
            let mut h = vec![b'r'];
            h.extend_from_slice(&idx.to_le_bytes());
            self.write(&h);
        }
    }

    fn memo_get(&mut self, idx: u32) {
        if idx < 256 {
            self.write(&[b'h', idx as u8]);
        } else {
            let mut h = vec![b'j'];
            h.extend_from_slice(&idx.to_le_bytes());
            self.write(&h);
        }
    }

    /// `save()` in `_pickle.c`: an opcode boundary (commit a full frame) first.
    fn save(&mut self, obj: &Obj) {
        self.opcode_boundary();
        self.save_inner(obj);
    }

    fn save_inner(&mut self, obj: &Obj) {
        match obj {
            Obj::None => return self.write(b"N"),
            Obj::Bool(b) => return self.write(&[if *b { 0x88 } else { 0x89 }]),
            Obj::Int(i) => return self.save_int(*i),
            Obj::Float(f) => {
                let mut h = vec![b'G'];
                h.extend_from_slice(&f.to_be_bytes());
                return self.write(&h);
            }
            _ => {}
        }
        if let Some(idx) = obj.id().and_then(|id| self.memo.get(&id).copied()) {
            return self.memo_get(idx);
        }
        match obj {
            Obj::Str(text) => {
                let b = text.as_bytes();
                let mut h = Vec::with_capacity(9);
                if b.len() <= 0xff && self.proto >= 4 {
                    h.extend_from_slice(&[0x8c, b.len() as u8]);
                } else if b.len() > 0xffff_ffff && self.proto >= 4 {
                    h.push(0x8d);
                    h.extend_from_slice(&(b.len() as u64).to_le_bytes());
                } else {
                    h.push(b'X');
                    h.extend_from_slice(&(b.len() as u32).to_le_bytes());
                }
                self.write_bytes(&h, b);
                self.memo_put(obj);
            }
            Obj::Bytes(b) => {
                if self.proto < 3 {
                    // bytes at protocols < 3: _codecs.encode(str(b, 'latin1'), 'latin1')
                    let text: String = b.iter().map(|&c| char::from(c)).collect();
                    let args = tuple(vec![s(&text), self.latin1.clone()]);
                    let r = Reduction {
                        callable: self.codecs_encode.clone(),
                        args,
                        state: None,
                        newobj: false,
                    };
                    self.save_reduction(&r, obj);
                    return;
                }
                let mut h = Vec::with_capacity(9);
                if b.len() <= 0xff {
                    h.extend_from_slice(&[b'C', b.len() as u8]);
                } else if b.len() <= 0xffff_ffff {
                    h.push(b'B');
                    h.extend_from_slice(&(b.len() as u32).to_le_bytes());
                } else {
                    h.push(0x8e);
                    h.extend_from_slice(&(b.len() as u64).to_le_bytes());
                }
                self.write_bytes(&h, b);
                self.memo_put(obj);
            }
            Obj::ByteArray(b) => {
                assert!(self.proto >= 5, "bytearray is modelled at protocol 5 only");
                let mut h = vec![0x96];
                h.extend_from_slice(&(b.len() as u64).to_le_bytes());
                self.write_bytes(&h, b);
                self.memo_put(obj);
            }
            Obj::List(items) => {
                self.write(b"]");
                self.memo_put(obj);
                self.batch_list(items);
            }
            Obj::Dict(items) => {
                self.write(b"}");
                self.memo_put(obj);
                self.batch_dict(items);
            }
            Obj::Tuple(items) => {
                if items.is_empty() {
                    return self.write(b")");
                }
                if items.len() <= 3 {
                    for it in items.iter() {
                        self.save(it);
                    }
                    self.write(&[[0x85, 0x86, 0x87][items.len() - 1]]);
                } else {
                    self.write(b"(");
                    for it in items.iter() {
                        self.save(it);
                    }
                    self.write(b"t");
                }
                self.memo_put(obj);
            }
            Obj::Global(g) => {
                if self.proto >= 4 {
                    self.save(&g.module);
                    self.save(&g.name);
                    self.write(&[0x93]);
                } else {
                    let (Obj::Str(m), Obj::Str(n)) = (&g.module, &g.name) else {
                        panic!("global names are strings");
                    };
                    let mut h = vec![b'c'];
                    h.extend_from_slice(m.as_bytes());
                    h.push(b'\n');
                    h.extend_from_slice(n.as_bytes());
                    h.push(b'\n');
                    self.write(&h);
                }
                self.memo_put(obj);
            }
            Obj::Reduce(r) => self.save_reduction(r, obj),
            _ => unreachable!("scalars handled above"),
        }
    }

    fn save_reduction(&mut self, r: &Reduction, obj: &Obj) {
        self.save(&r.callable);
        self.save(&r.args);
        self.write(if r.newobj { &[0x81] } else { b"R" });
        self.memo_put(obj);
        if let Obj::Tuple(_) = &r.args {
            // the args tuple is memoized by save(); keep temporaries alive
            self.keep.push(r.args.clone());
        }
        if let Some(state) = &r.state {
            self.save(state);
            self.write(b"b");
        }
    }

    fn save_int(&mut self, v: i64) {
        if (0..=0xff).contains(&v) {
            self.write(&[b'K', v as u8]);
        } else if (0x100..=0xffff).contains(&v) {
            let mut h = vec![b'M'];
            h.extend_from_slice(&(v as u16).to_le_bytes());
            self.write(&h);
        } else if i32::try_from(v).is_ok() {
            let mut h = vec![b'J'];
            h.extend_from_slice(&(v as i32).to_le_bytes());
            self.write(&h);
        } else {
            // LONG1: little-endian two's complement, as few bytes as CPython uses
            let nbits = 64 - v.unsigned_abs().leading_zeros() as usize;
            let mut n = (nbits >> 3) + 1;
            let le = v.to_le_bytes();
            if v < 0 && n > 1 && le[n - 1] == 0xff && le[n - 2] & 0x80 != 0 {
                n -= 1;
            }
            let mut h = vec![0x8a, n as u8];
            h.extend_from_slice(&le[..n]);
            self.write(&h);
        }
    }

    fn batch_list(&mut self, items: &[Obj]) {
        if items.is_empty() {
            return;
        }
        if items.len() == 1 {
            self.save(&items[0]);
            return self.write(b"a");
        }
        for chunk in items.chunks(BATCHSIZE) {
            self.write(b"(");
            for it in chunk {
                self.save(it);
            }
            self.write(b"e");
        }
    }

    fn batch_dict(&mut self, items: &[(Obj, Obj)]) {
        if items.is_empty() {
            return;
        }
        if items.len() == 1 {
            self.save(&items[0].0);
            self.save(&items[0].1);
            return self.write(b"s");
        }
        for chunk in items.chunks(BATCHSIZE) {
            self.write(b"(");
            for (k, v) in chunk {
                self.save(k);
                self.save(v);
            }
            self.write(b"u");
        }
        if items.len().is_multiple_of(BATCHSIZE) {
            // _pickle.c's batch_dict_exact loops while the last batch was full
            self.write(b"(u");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_match_cpython_bytes() {
        // pickle.dumps([1, 'a', None, 'a'], 2) with 'a' the same object
        let a = s("a");
        let v = list(vec![Obj::Int(1), a.clone(), Obj::None, a]);
        assert_eq!(
            dumps(&v, 2),
            b"\x80\x02]q\x00(K\x01X\x01\x00\x00\x00aq\x01Nh\x01e.".to_vec()
        );
        // pickle.dumps((b'xy',), 4)
        let t = tuple(vec![Obj::Bytes(Rc::from(&b"xy"[..]))]);
        assert_eq!(
            dumps(&t, 4),
            b"\x80\x04\x95\x08\x00\x00\x00\x00\x00\x00\x00C\x02xy\x94\x85\x94.".to_vec()
        );
        // pickle.dumps(412317970704, 2) and pickle.dumps(-2**40, 2)
        assert_eq!(
            dumps(&Obj::Int(412317970704), 2),
            b"\x80\x02\x8a\x05\x10\xf1\x10\x00`."
        );
        assert_eq!(
            dumps(&Obj::Int(-(1i64 << 40)), 2),
            b"\x80\x02\x8a\x06\x00\x00\x00\x00\x00\xff."
        );
    }
}
