//! Canon ⇄ JSON (`docs/CANON.md` sections 1–9).

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value as Json};

use super::{Canon, CanonObject, CanonReduce, Pair};
use crate::error::{Error, ErrorKind, Result};
use crate::text::{escape_bytes, hex, unescape_bytes, unhex};
use crate::value::Text;

impl Canon {
    /// Compact JSON, members in canon order, non-ASCII written as UTF-8 (what Python's
    /// `json.dumps(x, ensure_ascii=False, separators=(',', ':'))` writes).
    ///
    /// ```
    /// use picklejar_codec::{Canon, Text};
    ///
    /// let c = Canon::List(vec![Canon::Str(Text::new("é")), Canon::Float("0.5".into())]);
    /// assert_eq!(c.to_json_string(), r#"{"t":"list","v":[{"t":"str","v":"é"},{"t":"float","v":"0.5"}]}"#);
    /// ```
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Indented JSON, members in canon order.
    ///
    /// ```
    /// use picklejar_codec::Canon;
    ///
    /// assert_eq!(Canon::None.to_json_pretty(), "{\n  \"t\": \"none\"\n}");
    /// ```
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses canon JSON text.
    ///
    /// Nesting deeper than [`MAX_JSON_DEPTH`] is refused before parsing, so hostile input
    /// cannot exhaust the stack. A document that is not canon is
    /// [`ErrorKind::BadCanon`], with the JSON path of the problem.
    ///
    /// ```
    /// use picklejar_codec::{Canon, ErrorKind};
    ///
    /// let c = Canon::from_json(r#"{"t":"list","id":1,"v":[{"t":"ref","v":1}]}"#)?;
    /// assert_eq!(c.to_text(), "list #1\n  ref #1\n");
    ///
    /// let e = Canon::from_json(r#"{"t":"int","v":"007"}"#).unwrap_err();
    /// assert_eq!(e.kind(), ErrorKind::BadCanon);
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn from_json(s: &str) -> Result<Canon> {
        if json_depth(s) > MAX_JSON_DEPTH {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!("canon JSON nested deeper than {MAX_JSON_DEPTH} levels"),
            ));
        }
        let mut de = serde_json::Deserializer::from_str(s);
        de.disable_recursion_limit();
        let v = Json::deserialize(serde_stacker::Deserializer::new(&mut de))
            .map_err(|e| Error::new(ErrorKind::BadCanon, format!("not JSON: {e}")))?;
        let c = Canon::from_json_value(&v);
        dismantle(v);
        c
    }

    /// Converts a parsed JSON value, checking it against the canon rules.
    ///
    /// ```
    /// use picklejar_codec::Canon;
    ///
    /// let v = serde_json::json!({"t": "bytes", "v": "a\\x00"});
    /// assert_eq!(Canon::from_json_value(&v)?, Canon::Bytes(b"a\x00".to_vec()));
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn from_json_value(v: &Json) -> Result<Canon> {
        parse(v, "$")
    }
}

/// Drops a JSON value level by level on the heap: serde_json's own drop recurses once per
/// nesting level, which overflows the stack on the deep values `from_json` accepts.
fn dismantle(v: Json) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Json::Array(a) => stack.extend(a),
            Json::Object(m) => stack.extend(m.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// The deepest JSON nesting [`Canon::from_json`] accepts: enough for a graph at the
/// default depth limit (each canon level is at most three JSON levels).
///
/// ```
/// use picklejar_codec::{Canon, ErrorKind, canon::MAX_JSON_DEPTH};
///
/// let deep = "[".repeat(MAX_JSON_DEPTH + 1);
/// assert_eq!(Canon::from_json(&deep).unwrap_err().kind(), ErrorKind::LimitExceeded);
/// ```
pub const MAX_JSON_DEPTH: usize = 300_100;

/// The maximum bracket nesting of JSON text (brackets inside strings do not count).
fn json_depth(s: &str) -> usize {
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for b in s.bytes() {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// `path` + `seg`, keeping only the tail of very deep paths.
fn join(path: &str, seg: &str) -> String {
    let mut p = String::with_capacity(path.len().min(160) + seg.len() + 1);
    if path.len() > 160 {
        let cut = path.len() - 120;
        let cut = (cut..path.len())
            .find(|&i| path.is_char_boundary(i))
            .unwrap_or(path.len());
        p.push_str("$…");
        p.push_str(&path[cut..]);
    } else {
        p.push_str(path);
    }
    p.push_str(seg);
    p
}

fn bad(path: &str, msg: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::BadCanon, format!("{path}: {msg}"))
}

struct Members<'a> {
    map: &'a Map<String, Json>,
    path: &'a str,
    used: Vec<&'static str>,
}

impl<'a> Members<'a> {
    fn get(&mut self, key: &'static str) -> Option<&'a Json> {
        self.used.push(key);
        self.map.get(key)
    }

    fn req(&mut self, key: &'static str) -> Result<&'a Json> {
        self.get(key)
            .ok_or_else(|| bad(self.path, format!("missing member {key:?}")))
    }

    fn str(&mut self, key: &'static str) -> Result<&'a str> {
        let p = self.path;
        self.req(key)?
            .as_str()
            .ok_or_else(|| bad(p, format!("{key:?} must be a string")))
    }

    fn finish(self) -> Result<()> {
        for k in self.map.keys() {
            if !self.used.contains(&k.as_str()) {
                return Err(bad(self.path, format!("unknown member {k:?}")));
            }
        }
        Ok(())
    }
}

fn parse(v: &Json, path: &str) -> Result<Canon> {
    super::grow(|| parse_inner(v, path))
}

fn parse_inner(v: &Json, path: &str) -> Result<Canon> {
    let map = v
        .as_object()
        .ok_or_else(|| bad(path, "a canon node must be a JSON object"))?;
    let mut m = Members {
        map,
        path,
        used: Vec::new(),
    };
    let tag = m.str("t")?;
    let id = match m.get("id") {
        None => None,
        Some(j) => {
            let n = j.as_u64().filter(|n| (1..=u64::from(u32::MAX)).contains(n));
            Some(n.ok_or_else(|| bad(path, "\"id\" must be a positive integer"))? as u32)
        }
    };
    let sub = |m: &mut Members<'_>, key: &'static str| -> Result<Canon> {
        parse(m.req(key)?, &join(path, &format!(".{key}")))
    };
    let node = match tag {
        "none" => Canon::None,
        "bool" => Canon::Bool(m.req("v")?.as_bool().ok_or_else(|| bad(path, "bool v"))?),
        "int" => {
            let s = m.str("v")?;
            if !super::bigint::is_canonical(s) {
                return Err(bad(
                    path,
                    format!(
                        "int {s:?} is not canonical: decimal, or 0x-hex past {} bits",
                        super::bigint::HEX_BITS
                    ),
                ));
            }
            Canon::Int(s.to_owned())
        }
        "float" => Canon::Float(m.str("v")?.to_owned()),
        "str" => {
            let v = m.get("v");
            let h = m.get("hex");
            match (v, h) {
                (Some(Json::String(s)), None) => Canon::Str(Text::new(s)),
                (None, Some(Json::String(h))) => {
                    let b = unhex(h).ok_or_else(|| bad(path, "bad hex"))?;
                    Canon::Str(
                        Text::from_surrogatepass(&b)
                            .ok_or_else(|| bad(path, "hex is not surrogatepass UTF-8"))?,
                    )
                }
                _ => {
                    return Err(bad(
                        path,
                        "str needs exactly one of \"v\" (string) or \"hex\"",
                    ));
                }
            }
        }
        "bytes" | "bytearray" => {
            let b = unescape_bytes(m.str("v")?).ok_or_else(|| bad(path, "bad bytes escape"))?;
            if tag == "bytes" {
                Canon::Bytes(b)
            } else {
                Canon::ByteArray(b)
            }
        }
        "list" | "tuple" | "set" | "frozenset" => {
            let items = parse_array(m.req("v")?, &join(path, ".v"))?;
            match tag {
                "list" => Canon::List(items),
                "tuple" => Canon::Tuple(items),
                "set" => Canon::Set(items),
                _ => Canon::FrozenSet(items),
            }
        }
        "dict" => Canon::Dict(parse_pairs(m.req("v")?, &join(path, ".v"))?),
        "global" => Canon::Global {
            module: m.str("module")?.to_owned(),
            name: m.str("name")?.to_owned(),
        },
        "object" => {
            let class = sub(&mut m, "class")?;
            let args = opt_array(&mut m, "args", path)?;
            let kwargs = opt_pairs(&mut m, "kwargs", path)?;
            let state = opt_node(&mut m, "state", path)?;
            let items = opt_array(&mut m, "items", path)?;
            let dictitems = opt_pairs(&mut m, "dictitems", path)?;
            let setter = opt_node(&mut m, "setter", path)?;
            Canon::Object(Box::new(CanonObject {
                class,
                args,
                kwargs,
                state,
                items,
                dictitems,
                setter,
            }))
        }
        "reduce" => {
            let callable = sub(&mut m, "callable")?;
            let args = parse_array(m.req("args")?, &join(path, ".args"))?;
            let state = opt_node(&mut m, "state", path)?;
            let items = opt_array(&mut m, "items", path)?;
            let dictitems = opt_pairs(&mut m, "dictitems", path)?;
            let setter = opt_node(&mut m, "setter", path)?;
            Canon::Reduce(Box::new(CanonReduce {
                callable,
                args,
                state,
                items,
                dictitems,
                setter,
            }))
        }
        "persid" => Canon::PersId(Box::new(sub(&mut m, "v")?)),
        "buffer" => {
            let index = m
                .req("index")?
                .as_u64()
                .ok_or_else(|| bad(path, "buffer index"))?;
            let readonly = m
                .req("readonly")?
                .as_bool()
                .ok_or_else(|| bad(path, "buffer readonly"))?;
            let data = match m.get("v") {
                None => None,
                Some(Json::String(s)) => {
                    Some(unescape_bytes(s).ok_or_else(|| bad(path, "bad bytes escape"))?)
                }
                Some(_) => return Err(bad(path, "buffer v must be a string")),
            };
            Canon::Buffer {
                index,
                readonly,
                data,
            }
        }
        "ref" => {
            let n = m
                .req("v")?
                .as_u64()
                .filter(|n| (1..=u64::from(u32::MAX)).contains(n));
            Canon::Ref(n.ok_or_else(|| bad(path, "ref v must be a positive integer"))? as u32)
        }
        other => return Err(bad(path, format!("unknown tag {other:?}"))),
    };
    m.finish()?;
    Ok(match id {
        Some(a) if !matches!(node, Canon::Ref(_)) => Canon::Anchor(a, Box::new(node)),
        Some(_) => return Err(bad(path, "a ref cannot carry an id")),
        None => node,
    })
}

fn parse_array(v: &Json, path: &str) -> Result<Vec<Canon>> {
    let a = v.as_array().ok_or_else(|| bad(path, "must be an array"))?;
    a.iter()
        .enumerate()
        .map(|(i, x)| parse(x, &join(path, &format!("[{i}]"))))
        .collect()
}

fn parse_pairs(v: &Json, path: &str) -> Result<Vec<Pair>> {
    let a = v
        .as_array()
        .ok_or_else(|| bad(path, "must be an array of pairs"))?;
    a.iter()
        .enumerate()
        .map(|(i, p)| {
            let p2 = p.as_array().filter(|p| p.len() == 2);
            let p2 = p2.ok_or_else(|| bad(path, format!("[{i}] must be a [key, value] pair")))?;
            Ok((
                parse(&p2[0], &join(path, &format!("[{i}][0]")))?,
                parse(&p2[1], &join(path, &format!("[{i}][1]")))?,
            ))
        })
        .collect()
}

fn opt_array(m: &mut Members<'_>, key: &'static str, path: &str) -> Result<Vec<Canon>> {
    match m.get(key) {
        None => Ok(Vec::new()),
        Some(v) => parse_array(v, &join(path, &format!(".{key}"))),
    }
}

fn opt_pairs(m: &mut Members<'_>, key: &'static str, path: &str) -> Result<Vec<Pair>> {
    match m.get(key) {
        None => Ok(Vec::new()),
        Some(v) => parse_pairs(v, &join(path, &format!(".{key}"))),
    }
}

fn opt_node(m: &mut Members<'_>, key: &'static str, path: &str) -> Result<Option<Canon>> {
    match m.get(key) {
        None => Ok(None),
        Some(v) => parse(v, &join(path, &format!(".{key}"))).map(Some),
    }
}

// ----- writing ------------------------------------------------------------------------

struct Items<'a>(&'a [Canon]);
struct Pairs<'a>(&'a [Pair]);

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|(k, v)| [k, v]))
    }
}

impl Serialize for Canon {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        super::grow(|| serialize_node(self, s))
    }
}

fn serialize_node<S: Serializer>(this: &Canon, s: S) -> std::result::Result<S::Ok, S::Error> {
    {
        let (id, node) = match this {
            Canon::Anchor(a, inner) => (Some(*a), &**inner),
            other => (None, other),
        };
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("t", node.tag())?;
        if let Some(a) = id {
            m.serialize_entry("id", &a)?;
        }
        match node {
            Canon::None => {}
            Canon::Bool(b) => m.serialize_entry("v", b)?,
            Canon::Int(s) | Canon::Float(s) => m.serialize_entry("v", s)?,
            Canon::Str(t) => match t.as_str() {
                Some(s) => m.serialize_entry("v", s)?,
                None => m.serialize_entry("hex", &hex(t.as_bytes()))?,
            },
            Canon::Bytes(b) | Canon::ByteArray(b) => m.serialize_entry("v", &escape_bytes(b))?,
            Canon::List(v) | Canon::Tuple(v) | Canon::Set(v) | Canon::FrozenSet(v) => {
                m.serialize_entry("v", &Items(v))?
            }
            Canon::Dict(p) => m.serialize_entry("v", &Pairs(p))?,
            Canon::Global { module, name } => {
                m.serialize_entry("module", module)?;
                m.serialize_entry("name", name)?;
            }
            Canon::Object(o) => {
                m.serialize_entry("class", &o.class)?;
                if !o.args.is_empty() {
                    m.serialize_entry("args", &Items(&o.args))?;
                }
                if !o.kwargs.is_empty() {
                    m.serialize_entry("kwargs", &Pairs(&o.kwargs))?;
                }
                if let Some(st) = &o.state {
                    m.serialize_entry("state", st)?;
                }
                if !o.items.is_empty() {
                    m.serialize_entry("items", &Items(&o.items))?;
                }
                if !o.dictitems.is_empty() {
                    m.serialize_entry("dictitems", &Pairs(&o.dictitems))?;
                }
                if let Some(st) = &o.setter {
                    m.serialize_entry("setter", st)?;
                }
            }
            Canon::Reduce(r) => {
                m.serialize_entry("callable", &r.callable)?;
                m.serialize_entry("args", &Items(&r.args))?;
                if let Some(st) = &r.state {
                    m.serialize_entry("state", st)?;
                }
                if !r.items.is_empty() {
                    m.serialize_entry("items", &Items(&r.items))?;
                }
                if !r.dictitems.is_empty() {
                    m.serialize_entry("dictitems", &Pairs(&r.dictitems))?;
                }
                if let Some(st) = &r.setter {
                    m.serialize_entry("setter", st)?;
                }
            }
            Canon::PersId(v) => m.serialize_entry("v", &**v)?,
            Canon::Buffer {
                index,
                readonly,
                data,
            } => {
                if let Some(d) = data {
                    m.serialize_entry("v", &escape_bytes(d))?;
                }
                m.serialize_entry("index", index)?;
                m.serialize_entry("readonly", readonly)?;
            }
            Canon::Ref(a) => {
                if *a != 0 {
                    m.serialize_entry("v", a)?;
                }
            }
            Canon::Anchor(..) => return Err(serde::ser::Error::custom("anchors do not nest")),
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Canon {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Canon, D::Error> {
        let v = Json::deserialize(d)?;
        Canon::from_json_value(&v).map_err(D::Error::custom)
    }
}
