//! picklejar adapter (docs/ADAPTERS.md, worker mode, raw output) for pickled (landaire's serde-pickle
//! fork with shared and recursive values): `pickled::value_from_slice` with `decode_strings` (latin-1
//! only for encoding=latin1, none for encoding=bytes) and `replace_reconstructor_objects_structures`,
//! so protocol 0-1 instances (copy_reg._reconstructor) are objects like protocol 2+ ones. Objects are
//! written with their class as the stream names it and their state; sharing is pointer identity. Each
//! pickle runs on a thread with a big stack; a panic is a crash reply, an abort kills the worker.
use base64::Engine;
use pickled::object::DictObject;
use pickled::{DeOptions, Error, ErrorCode, HashableValue as H, Value as V};
use serde_json::{json, Value as J};
use std::collections::HashMap;
use std::io::{BufRead, Write};

fn main() {
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin");
        let reply = std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn(move || answer(&line))
            .expect("a load thread")
            .join()
            .unwrap_or_else(|p| {
                let m = p.downcast_ref::<&str>().map(|s| s.to_string());
                let m = m.or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
                json!({ "crash": format!("panic: {m}") }).to_string()
            });
        let mut out = std::io::stdout().lock();
        writeln!(out, "{reply}").and_then(|_| out.flush()).expect("stdout");
    }
}

fn answer(line: &str) -> String {
    let req: J = serde_json::from_str(line).unwrap_or_default();
    let Some(data) = req["data"].as_str().and_then(|d| base64::prelude::BASE64_STANDARD.decode(d).ok()) else {
        return json!({ "adapter_error": "a request without base64 data" }).to_string();
    };
    let opts = match req["options"]["encoding"].as_str() {
        Some("bytes") => DeOptions::new(),
        Some("latin1" | "latin-1" | "iso-8859-1") => DeOptions::new().decode_latin1(),
        _ => DeOptions::new().decode_strings(),
    };
    match pickled::value_from_slice(&data, opts.replace_reconstructor_objects_structures()) {
        Ok(v) => json!({ "value": Canon::default().node(&v) }),
        Err(e) => json!({ "error": kind(&e), "message": e.to_string() }),
    }
    .to_string()
}

/// pickled's error codes, as the error kinds of docs/CANON.md section 10.
fn kind(e: &Error) -> &'static str {
    match e {
        Error::Io(_) => "truncated",
        Error::Eval(c, _) | Error::Syntax(c) => match c {
            ErrorCode::EOFWhileParsing => "truncated",
            ErrorCode::StackUnderflow => "stack-underflow",
            ErrorCode::Unsupported(_) => "unknown-opcode",
            ErrorCode::StringNotUTF8 => "bad-utf8",
            ErrorCode::MissingMemo(_) => "bad-memo",
            ErrorCode::NegativeLength | ErrorCode::InvalidLiteral(_) => "bad-literal",
            ErrorCode::UnresolvedGlobal | ErrorCode::UnsupportedGlobal(..) => "unresolved",
            ErrorCode::Recursive => "recursive",
            ErrorCode::TrailingBytes => "trailing-bytes",
            _ => "bad-argument", // InvalidStackTop, ValueNotHashable, InvalidValue, Structure
        },
    }
}

fn node(t: &str, v: J) -> J {
    json!({ "t": t, "v": v })
}

fn float(f: f64) -> J {
    node("float", json!(if f.is_nan() { "nan".into() } else { format!("{f:?}") }))
}

fn bytes(b: &[u8]) -> J {
    let esc = |&c: &u8| match c {
        b'\\' => "\\\\".to_string(),
        0x20..=0x7e => (c as char).to_string(),
        _ => format!("\\x{c:02x}"),
    };
    node("bytes", json!(b.iter().map(esc).collect::<String>()))
}

/// Writes values in document order, anchoring every container at its first visit (loose canon).
#[derive(Default)]
struct Canon {
    ids: HashMap<usize, usize>,
}

impl Canon {
    /// A ref when `ptr` was written before; else the node `f` writes, anchored with a new id.
    fn anchored(&mut self, ptr: usize, f: impl FnOnce(&mut Self) -> J) -> J {
        if let Some(id) = self.ids.get(&ptr) {
            return json!({ "t": "ref", "v": id });
        }
        let id = self.ids.len() + 1;
        self.ids.insert(ptr, id);
        let mut n = f(self);
        n["id"] = json!(id);
        n
    }

    fn node(&mut self, v: &V) -> J {
        match v {
            V::None => json!({ "t": "none" }),
            V::Bool(b) => node("bool", json!(b)),
            V::I64(i) => node("int", json!(i.to_string())),
            V::Int(i) => node("int", json!(i.to_string())),
            V::F64(f) => float(*f),
            V::Bytes(b) => bytes(b.inner()),
            V::String(s) => node("str", json!(s.inner().as_str())),
            V::List(l) => self.anchored(l.rc_ptr() as usize, |c| {
                node("list", l.inner().iter().map(|x| c.node(x)).collect())
            }),
            V::Tuple(t) if t.inner().is_empty() => node("tuple", json!([])),
            V::FrozenSet(s) if s.inner().is_empty() => node("frozenset", json!([])),
            V::Tuple(t) => self.anchored(std::rc::Rc::as_ptr(t.rc_ref()) as usize, |c| {
                node("tuple", t.inner().iter().map(|x| c.node(x)).collect())
            }),
            V::Set(s) => self.anchored(s.rc_ptr() as usize, |c| {
                node("set", s.inner().iter().map(|x| c.hashable(x)).collect())
            }),
            V::FrozenSet(s) => self.anchored(std::rc::Rc::as_ptr(s.rc_ref()) as usize, |c| {
                node("frozenset", s.inner().iter().map(|x| c.hashable(x)).collect())
            }),
            V::Dict(d) => self.anchored(d.rc_ptr() as usize, |c| {
                node("dict", d.inner().iter().map(|(k, v)| json!([c.hashable(k), c.node(v)])).collect())
            }),
            V::Object(o) => self.anchored(o.rc_ptr() as usize, |c| {
                let obj = o.inner();
                let (module, name) = obj.class_info();
                let mut n = json!({ "t": "object", "class": { "t": "global", "module": module, "name": name } });
                let state = match obj.as_any().downcast_ref::<DictObject>() {
                    Some(d) => match d.state().as_slice() {
                        [(H::String(k), v)] if k.inner().as_str() == "__state__" => c.node(v),
                        s => node("dict", s.iter().map(|(k, v)| json!([c.hashable(k), c.node(v)])).collect()),
                    },
                    None => c.node(&obj.__reduce__().state_or_none()),
                };
                n["state"] = state;
                n
            }),
            V::Weak(w) => match w.upgrade() {
                Some(v) => self.node(&v),
                None => json!({ "t": "none" }),
            },
        }
    }

    fn hashable(&mut self, v: &H) -> J {
        match v {
            H::None => json!({ "t": "none" }),
            H::Bool(b) => node("bool", json!(b)),
            H::I64(i) => node("int", json!(i.to_string())),
            H::Int(i) => node("int", json!(i.to_string())),
            H::F64(f) => float(*f),
            H::Bytes(b) => bytes(b.inner()),
            H::String(s) => node("str", json!(s.inner().as_str())),
            H::Tuple(t) if t.inner().is_empty() => node("tuple", json!([])),
            H::FrozenSet(s) if s.inner().is_empty() => node("frozenset", json!([])),
            H::Tuple(t) => self.anchored(std::rc::Rc::as_ptr(t.rc_ref()) as usize, |c| {
                node("tuple", t.inner().iter().map(|x| c.hashable(x)).collect())
            }),
            H::FrozenSet(s) => self.anchored(std::rc::Rc::as_ptr(s.rc_ref()) as usize, |c| {
                node("frozenset", s.inner().iter().map(|x| c.hashable(x)).collect())
            }),
        }
    }
}
