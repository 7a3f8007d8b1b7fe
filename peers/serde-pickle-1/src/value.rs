//! serde-pickle's `Value`, a tree of copies (no identity, dicts in key order), as canon. Shared by
//! the adapters of serde-pickle 1.x and 0.6.x (`#[path]` from ../../serde-pickle-0.6), whose
//! `Value`s are the same; each names its crate `pickle`.
use crate::pickle::{HashableValue, Value as V};
use picklejar_kit::{self as kit, Json};

pub fn canon(v: &V) -> Json {
    match v {
        V::None => kit::none(),
        V::Bool(b) => kit::node("bool", (*b).into()),
        V::I64(i) => kit::int(i),
        V::Int(i) => kit::int(i),
        V::F64(f) => kit::float(*f),
        V::Bytes(b) => kit::bytes("bytes", b),
        V::String(s) => kit::str(s),
        V::List(l) => kit::seq("list", l.iter().map(canon)),
        V::Tuple(l) => kit::seq("tuple", l.iter().map(canon)),
        V::Set(s) => kit::seq("set", s.iter().map(hashable)),
        V::FrozenSet(s) => kit::seq("frozenset", s.iter().map(hashable)),
        V::Dict(d) => kit::node("dict", kit::pairs(d.iter().map(|(k, v)| (hashable(k), canon(v))))),
    }
}

/// A dict key or set element, written as the value it stands for.
fn hashable(h: &HashableValue) -> Json {
    canon(&h.clone().into_value())
}
