//! picklejar adapter (docs/ADAPTERS.md, worker mode, raw output) for pickled (landaire's serde-pickle
//! fork with shared and recursive values): `pickled::value_from_slice` with `decode_strings` (latin-1
//! only for encoding=latin1, none for encoding=bytes) and `replace_reconstructor_objects_structures`,
//! so protocol 0-1 instances (copy_reg._reconstructor) are objects like protocol 2+ ones. Objects are
//! written with their class as the stream names it and their state; sharing is pointer identity.
//! Written with the Rust kit (kits/rust) and serde-pickle-1's error kinds (pickled's are the same):
//! each pickle runs on a thread with a big stack; a panic is a crash reply, an abort kills the worker.
use picklejar_kit::{self as kit, Anchors, Json};
use pickled as pickle;
use pickle::{object::DictObject, DeOptions, HashableValue as H, Value as V};
use std::rc::Rc;

#[path = "../../serde-pickle-1/src/kinds.rs"]
mod kinds;

fn main() {
    kit::serve(|data, options| {
        let opts = match options.json["encoding"].as_str() {
            Some("bytes") => DeOptions::new(),
            Some("latin1" | "latin-1" | "iso-8859-1") => DeOptions::new().decode_latin1(),
            _ => DeOptions::new().decode_strings(),
        };
        let opts = opts.replace_reconstructor_objects_structures();
        let v = pickle::value_from_slice(data, opts).map_err(|e| kinds::reject(&e))?;
        Ok(node(&mut Anchors::default(), &v))
    });
}

/// Writes values in document order, anchoring every container at its first visit (loose canon).
fn node(a: &mut Anchors, v: &V) -> Json {
    match v {
        V::None => kit::none(),
        V::Bool(b) => kit::node("bool", (*b).into()),
        V::I64(i) => kit::int(i),
        V::Int(i) => kit::int(i),
        V::F64(f) => kit::float(*f),
        V::Bytes(b) => kit::bytes("bytes", b.inner()),
        V::String(s) => kit::str(s.inner().as_str()),
        V::List(l) => a.anchored(l.rc_ptr() as usize, |a| {
            kit::seq("list", l.inner().iter().map(|x| node(a, x)))
        }),
        V::Tuple(t) if t.inner().is_empty() => kit::seq("tuple", []),
        V::FrozenSet(s) if s.inner().is_empty() => kit::seq("frozenset", []),
        V::Tuple(t) => a.anchored(Rc::as_ptr(t.rc_ref()) as usize, |a| {
            kit::seq("tuple", t.inner().iter().map(|x| node(a, x)))
        }),
        V::Set(s) => a.anchored(s.rc_ptr() as usize, |a| {
            kit::seq("set", s.inner().iter().map(|x| hashable(a, x)))
        }),
        V::FrozenSet(s) => a.anchored(Rc::as_ptr(s.rc_ref()) as usize, |a| {
            kit::seq("frozenset", s.inner().iter().map(|x| hashable(a, x)))
        }),
        V::Dict(d) => a.anchored(d.rc_ptr() as usize, |a| {
            kit::node("dict", kit::pairs(d.inner().iter().map(|(k, v)| (hashable(a, k), node(a, v)))))
        }),
        V::Object(o) => a.anchored(o.rc_ptr() as usize, |a| {
            let obj = o.inner();
            let (module, name) = obj.class_info();
            let mut n = kit::object("object", kit::global(module, name), vec![]);
            n["state"] = match obj.as_any().downcast_ref::<DictObject>() {
                Some(d) => match d.state().as_slice() {
                    [(H::String(k), v)] if k.inner().as_str() == "__state__" => node(a, v),
                    s => kit::node("dict", kit::pairs(s.iter().map(|(k, v)| (hashable(a, k), node(a, v))))),
                },
                None => node(a, &obj.__reduce__().state_or_none()),
            };
            n
        }),
        V::Weak(w) => match w.upgrade() {
            Some(v) => node(a, &v),
            None => kit::none(),
        },
    }
}

/// A dict key or set element: a non-empty tuple anchored by its own address, anything else
/// (a frozenset keeps its address) written as the value it stands for.
fn hashable(a: &mut Anchors, h: &H) -> Json {
    match h {
        H::Tuple(t) if !t.inner().is_empty() => a.anchored(Rc::as_ptr(t.rc_ref()) as usize, |a| {
            kit::seq("tuple", t.inner().iter().map(|x| hashable(a, x)))
        }),
        _ => node(a, &h.clone().into_value()),
    }
}
