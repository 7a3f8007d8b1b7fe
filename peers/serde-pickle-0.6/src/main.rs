//! picklejar adapter (docs/ADAPTERS.md, worker mode, canon output) for serde-pickle 0.6.x: what
//! `serde_pickle::value_from_slice` does (`Deserializer::new`, `deserialize_value`, `end`), with
//! `decode_strings` on unless the load option asks for Python 2 `str` as bytes. Each pickle runs on a thread with a big stack; a
//! panic is a crash reply, an abort (stack overflow, OOM) kills the worker (a crash, restarted).
use base64::Engine;
use serde_json::{json, Value as J};
use serde_pickle::{Deserializer, Error, ErrorCode, HashableValue as H, Value as V};
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
    let decode_strings = req["options"]["encoding"].as_str() != Some("bytes");
    let mut de = Deserializer::new(std::io::Cursor::new(data), decode_strings);
    match de.deserialize_value().and_then(|v| de.end().map(|_| v)) {
        Ok(v) => json!({ "value": canon(&v) }),
        Err(e) => json!({ "error": kind(&e), "message": e.to_string() }),
    }
    .to_string()
}

/// serde-pickle's error codes, as the error kinds of docs/CANON.md section 10.
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

fn canon(v: &V) -> J {
    match v {
        V::None => json!({ "t": "none" }),
        V::Bool(b) => node("bool", json!(b)),
        V::I64(i) => node("int", json!(i.to_string())),
        V::Int(i) => node("int", json!(i.to_string())),
        V::F64(f) => float(*f),
        V::Bytes(b) => bytes(b),
        V::String(s) => node("str", json!(s)),
        V::List(l) => node("list", l.iter().map(canon).collect()),
        V::Tuple(l) => node("tuple", l.iter().map(canon).collect()),
        V::Set(s) => node("set", s.iter().map(hashable).collect()),
        V::FrozenSet(s) => node("frozenset", s.iter().map(hashable).collect()),
        V::Dict(d) => node("dict", d.iter().map(|(k, v)| json!([hashable(k), canon(v)])).collect()),
    }
}

fn hashable(v: &H) -> J {
    match v {
        H::None => json!({ "t": "none" }),
        H::Bool(b) => node("bool", json!(b)),
        H::I64(i) => node("int", json!(i.to_string())),
        H::Int(i) => node("int", json!(i.to_string())),
        H::F64(f) => float(*f),
        H::Bytes(b) => bytes(b),
        H::String(s) => node("str", json!(s)),
        H::Tuple(l) => node("tuple", l.iter().map(hashable).collect()),
        H::FrozenSet(s) => node("frozenset", s.iter().map(hashable).collect()),
    }
}
