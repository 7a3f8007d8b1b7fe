//! picklejar kit for Rust: the loose canon that protocol 2 reads (docs/ADAPTERS.md, "Canon output,
//! read loosely"; docs/CANON.md) as `serde_json` trees, and adapter protocol 2 in worker mode. An
//! adapter writes its codec's values, canon or raw (`output: raw`), with the functions below:
//! ```ignore
//! kit::serve(|data, options| match mycodec::loads(data) {
//!     Ok(v) => Ok(kit::seq("list", v.iter().map(kit::int))),
//!     Err(e) => Err(kit::Fail::Reject("truncated".into(), e.to_string())), // bad input only
//! });
//! ```
//! What can be reached twice goes through `Anchors::anchored` (an `id`, then `ref`s: section 8);
//! sets may come in any order, floats in Rust's spelling. A load runs on a 512 MiB stack.
use base64::{prelude::BASE64_STANDARD, Engine};
pub use serde_json::{json, Value as Json};
use std::{collections::HashMap, io::BufRead, io::Write};

/// What a load gives instead of a value.
pub enum Fail {
    /// A clean rejection: an error kind of docs/CANON.md section 10, and a message.
    Reject(String, String),
    /// The codec failed in another way: a crash (never a rejection).
    Crash(String),
    /// The adapter cannot write the codec's value: an adapter error.
    Unwritable(String),
}

/// The load options as sent (`json["encoding"]`, …: docs/ADAPTERS.md), and the out-of-band buffers.
pub struct Options {
    pub json: Json,
    pub buffers: Option<Vec<Vec<u8>>>,
}

/// A JSON object of these members (`json!` would copy the trees it is given).
pub fn members<const N: usize>(members: [(&str, Json); N]) -> Json {
    Json::Object(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A node `{"t": t, "v": v}`: `bool`, `persid`, `dict` (of `pairs`), and the ones below.
pub fn node(t: &str, v: Json) -> Json {
    members([("t", t.into()), ("v", v)])
}

pub fn none() -> Json {
    json!({ "t": "none" })
}

pub fn int(i: impl std::fmt::Display) -> Json {
    node("int", json!(i.to_string()))
}

pub fn float(f: f64) -> Json {
    node("float", json!(format!("{f:?}").replace("NaN", "nan")))
}

/// A str; `str_hex` for one with lone surrogates: its surrogatepass UTF-8 (section 4).
pub fn str(s: &str) -> Json {
    node("str", json!(s))
}

pub fn str_hex(utf8: &[u8]) -> Json {
    let hex: String = utf8.iter().map(|c| format!("{c:02x}")).collect();
    json!({ "t": "str", "hex": hex })
}

/// A `bytes` or `bytearray` node, escaped as section 5 says.
pub fn bytes(t: &str, b: &[u8]) -> Json {
    let esc = |&c: &u8| match c {
        b'\\' => "\\\\".to_string(),
        0x20..=0x7e => (c as char).to_string(),
        _ => format!("\\x{c:02x}"),
    };
    node(t, json!(b.iter().map(esc).collect::<String>()))
}

/// A `list`, `tuple`, `set` or `frozenset` node.
pub fn seq(t: &str, items: impl IntoIterator<Item = Json>) -> Json {
    node(t, items.into_iter().collect())
}

/// `[[key, value], …]`: a dict's items (any order with `dict-unordered`), `kwargs`, `dictitems`.
pub fn pairs(items: impl IntoIterator<Item = (Json, Json)>) -> Json {
    items.into_iter().map(|(k, v)| Json::Array(vec![k, v])).collect()
}

pub fn global(module: &str, name: &str) -> Json {
    json!({ "t": "global", "module": module, "name": name })
}

/// An `object` (`class.__new__(class, *args)`) or `reduce` (`class(*args)`) node (section 7);
/// set its `kwargs`, `state`, `items`, `dictitems`, `setter` as needed: `n["state"] = …`.
pub fn object(t: &str, class: Json, args: Vec<Json>) -> Json {
    let head = if t == "reduce" { "callable" } else { "class" };
    members([("t", t.into()), (head, class), ("args", args.into())])
}

/// Identity (section 8): the addresses written so far, and their ids.
#[derive(Default)]
pub struct Anchors(HashMap<usize, usize>);

impl Anchors {
    /// A `ref` when `address` (`Rc::as_ptr(…) as usize`, …) was written before; else the node
    /// `write` gives, with a new id.
    pub fn anchored(&mut self, address: usize, write: impl FnOnce(&mut Self) -> Json) -> Json {
        if let Some(id) = self.0.get(&address) {
            return json!({ "t": "ref", "v": id });
        }
        let id = self.0.len() + 1;
        self.0.insert(address, id);
        let mut n = write(self);
        n["id"] = id.into();
        n
    }
}

/// The reply line to one load, run on a thread with a big stack (where a panic is a crash).
pub fn answer(load: impl FnOnce() -> Result<Json, Fail> + Send) -> String {
    let thread = std::thread::Builder::new().stack_size(512 << 20);
    let reply = std::thread::scope(|s| {
        let t = thread.spawn_scoped(s, || match load() {
            Ok(v) => members([("value", v)]).to_string(),
            Err(Fail::Reject(kind, m)) => json!({ "error": kind, "message": m }).to_string(),
            Err(Fail::Crash(m)) => json!({ "crash": m }).to_string(),
            Err(Fail::Unwritable(m)) => {
                json!({ "adapter_error": format!("cannot write canon: {m}") }).to_string()
            }
        });
        t.expect("a load thread").join()
    });
    reply.unwrap_or_else(|p| {
        let m = p.downcast_ref::<&str>().map(|s| s.to_string());
        let m = m.or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
        json!({ "crash": format!("panic: {m}") }).to_string()
    })
}

/// Answers the runner's requests, one per line (manifest: `mode: worker`), until stdin ends.
pub fn serve(load: impl Fn(&[u8], &Options) -> Result<Json, Fail> + Sync) {
    let base64 = |text: &Json| -> Option<Vec<u8>> { BASE64_STANDARD.decode(text.as_str()?).ok() };
    for line in std::io::stdin().lock().lines() {
        let req: Json = serde_json::from_str(&line.expect("stdin")).unwrap_or_default();
        let buffers = req["buffers"].as_array().map(|bs| bs.iter().filter_map(&base64).collect());
        let options = Options { json: req["options"].clone(), buffers };
        let reply = match base64(&req["data"]) {
            Some(data) => answer(|| load(&data, &options)),
            None => json!({ "adapter_error": "not a request" }).to_string(),
        };
        let mut out = std::io::stdout().lock();
        writeln!(out, "{reply}").and_then(|_| out.flush()).expect("stdout");
    }
}
