//! The `serde-pickle` crate (the most used Rust pickle codec), in process.

use num_bigint::BigInt;
use picklejar_codec::Canon;
use picklejar_codec::canon::py_float_repr;
use serde_pickle::{DeOptions, ErrorCode, HashableValue, SerOptions, Value};

use super::picklejar::panic_message;
use crate::codec::{Codec, CodecInfo, LoadRequest, Outcome};

/// serde-pickle 1.x through its `Value` API.
#[derive(Clone, Copy, Debug, Default)]
pub struct SerdePickle;

impl Codec for SerdePickle {
    fn info(&self) -> CodecInfo {
        CodecInfo {
            name: "serde-pickle".into(),
            version: "1.2".into(),
            data_only: true,
            dumps: true,
            redumps: false,
            description: "serde-pickle crate, value_from_slice / value_to_vec".into(),
            ..CodecInfo::default()
        }
    }

    fn load(&self, req: &LoadRequest<'_>) -> Outcome {
        on_big_stack(|| self.load_here(req))
            .unwrap_or_else(|e| Outcome::Crashed(format!("cannot start a load thread: {e}")))
    }

    fn dump(&self, canon: &Canon, protocol: u8) -> Option<Result<Vec<u8>, String>> {
        on_big_stack(|| self.dump_here(canon, protocol))
            .unwrap_or_else(|e| Some(Err(format!("cannot start a dump thread: {e}"))))
    }
}

/// serde-pickle (and the conversions here) recurse once per nesting level on the native
/// stack, and a stack overflow aborts the whole process, not just the trial: an in-process
/// codec runs on a thread with a stack as deep as anything the corpus nests (256 MiB of
/// address space; only the pages used are touched).
fn on_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> std::io::Result<R> {
    std::thread::scope(|s| {
        let h = std::thread::Builder::new()
            .name("serde-pickle".into())
            .stack_size(256 << 20)
            .spawn_scoped(s, f)?;
        h.join()
            .map_err(|_| std::io::Error::other("the serde-pickle thread panicked"))
    })
}

impl SerdePickle {
    fn load_here(&self, req: &LoadRequest<'_>) -> Outcome {
        let mut opts = DeOptions::new();
        if req.spec.encoding.as_deref().is_some_and(|e| e != "bytes") || req.spec.encoding.is_none()
        {
            opts = opts.decode_strings();
        }
        let data = req.data;
        let r = std::panic::catch_unwind(move || serde_pickle::value_from_slice(data, opts));
        match r {
            Ok(Ok(v)) => Outcome::Loaded(to_canon(&v)),
            Ok(Err(e)) => Outcome::Rejected {
                kind: kind_of(&e).into(),
                message: e.to_string(),
            },
            Err(p) => Outcome::Crashed(panic_message(&p)),
        }
    }

    fn dump_here(&self, canon: &Canon, protocol: u8) -> Option<Result<Vec<u8>, String>> {
        if !(2..=3).contains(&protocol) {
            return None;
        }
        let v = from_canon(canon)?;
        let opts = if protocol == 2 {
            SerOptions::new().proto_v2()
        } else {
            SerOptions::new()
        };
        Some(serde_pickle::value_to_vec(&v, opts).map_err(|e| e.to_string()))
    }
}

fn kind_of(e: &serde_pickle::Error) -> &'static str {
    let code = match e {
        serde_pickle::Error::Eval(c, _) | serde_pickle::Error::Syntax(c) => c,
        serde_pickle::Error::Io(_) => return "truncated",
    };
    match code {
        ErrorCode::EOFWhileParsing => "truncated",
        ErrorCode::StackUnderflow => "stack-underflow",
        ErrorCode::Unsupported(_) => "unknown-opcode",
        ErrorCode::NegativeLength => "bad-literal",
        ErrorCode::StringNotUTF8 => "bad-utf8",
        ErrorCode::MissingMemo(_) => "bad-memo",
        ErrorCode::InvalidLiteral(_) => "bad-literal",
        ErrorCode::UnresolvedGlobal | ErrorCode::UnsupportedGlobal(..) => "unresolved",
        ErrorCode::InvalidStackTop(..) => "bad-argument",
        ErrorCode::ValueNotHashable => "bad-argument",
        ErrorCode::Recursive => "recursive",
        _ => "other",
    }
}

fn to_canon(v: &Value) -> Canon {
    match v {
        Value::None => Canon::None,
        Value::Bool(b) => Canon::Bool(*b),
        Value::I64(i) => Canon::Int(i.to_string()),
        Value::Int(b) => Canon::Int(b.to_string()),
        Value::F64(f) => Canon::Float(py_float_repr(*f)),
        Value::Bytes(b) => Canon::Bytes(b.clone()),
        Value::String(s) => Canon::Str(s.as_str().into()),
        Value::List(l) => Canon::List(l.iter().map(to_canon).collect()),
        Value::Tuple(l) => Canon::Tuple(l.iter().map(to_canon).collect()),
        Value::Set(s) => Canon::Set(sorted(s.iter().map(hashable_to_canon).collect())),
        Value::FrozenSet(s) => Canon::FrozenSet(sorted(s.iter().map(hashable_to_canon).collect())),
        Value::Dict(d) => Canon::Dict(
            d.iter()
                .map(|(k, v)| (hashable_to_canon(k), to_canon(v)))
                .collect(),
        ),
    }
}

fn hashable_to_canon(v: &HashableValue) -> Canon {
    match v {
        HashableValue::None => Canon::None,
        HashableValue::Bool(b) => Canon::Bool(*b),
        HashableValue::I64(i) => Canon::Int(i.to_string()),
        HashableValue::Int(b) => Canon::Int(b.to_string()),
        HashableValue::F64(f) => Canon::Float(py_float_repr(*f)),
        HashableValue::Bytes(b) => Canon::Bytes(b.clone()),
        HashableValue::String(s) => Canon::Str(s.as_str().into()),
        HashableValue::Tuple(l) => Canon::Tuple(l.iter().map(hashable_to_canon).collect()),
        HashableValue::FrozenSet(s) => {
            Canon::FrozenSet(sorted(s.iter().map(hashable_to_canon).collect()))
        }
    }
}

/// Canon set order: by compact JSON.
fn sorted(mut v: Vec<Canon>) -> Vec<Canon> {
    v.sort_by_cached_key(Canon::to_json_string);
    v
}

/// serde-pickle can dump only plain values (no instances, no shared references).
fn from_canon(c: &Canon) -> Option<Value> {
    Some(match c {
        Canon::None => Value::None,
        Canon::Bool(b) => Value::Bool(*b),
        Canon::Int(s) => match s.parse::<i64>() {
            Ok(i) => Value::I64(i),
            Err(_) => Value::Int(s.parse::<BigInt>().ok()?),
        },
        Canon::Float(s) => Value::F64(match s.as_str() {
            "nan" => f64::NAN,
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            _ => s.parse().ok()?,
        }),
        Canon::Str(t) => Value::String(t.as_str()?.to_owned()),
        Canon::Bytes(b) => Value::Bytes(b.clone()),
        Canon::List(l) => Value::List(l.iter().map(from_canon).collect::<Option<_>>()?),
        Canon::Tuple(l) => Value::Tuple(l.iter().map(from_canon).collect::<Option<_>>()?),
        Canon::Set(l) => Value::Set(
            l.iter()
                .map(|x| from_canon(x)?.into_hashable().ok())
                .collect::<Option<_>>()?,
        ),
        Canon::FrozenSet(l) => Value::FrozenSet(
            l.iter()
                .map(|x| from_canon(x)?.into_hashable().ok())
                .collect::<Option<_>>()?,
        ),
        Canon::Dict(p) => {
            let mut m = std::collections::BTreeMap::new();
            for (k, v) in p {
                m.insert(from_canon(k)?.into_hashable().ok()?, from_canon(v)?);
            }
            if m.len() != p.len() {
                return None;
            }
            Value::Dict(m)
        }
        _ => return None,
    })
}
