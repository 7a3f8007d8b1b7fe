//! The only rewrites the loader makes: encodings that differ by protocol or Python version
//! but mean the same object (`docs/CANON.md` section 7).
//!
//! | written as | loads as |
//! |---|---|
//! | `builtins.set(list)`, `builtins.frozenset(list)` | [`Node::Set`], [`Node::FrozenSet`] |
//! | `_codecs.encode(str, 'latin1')`, `builtins.bytes()` | [`Node::Bytes`] |
//! | `builtins.bytearray(bytes)`, `bytearray()`, `bytearray(str, 'latin-1')` | [`Node::ByteArray`] |
//! | `copyreg._reconstructor(cls, object, None)` | [`Node::Object`] ([`ObjectForm::Reconstructor`]) |
//! | `builtins.getattr(<global m.a>, 'b')` | [`Node::Global`] `m.a.b` |
//! | `functools.partial(cls.__new__, cls, *a, **kw)()` | [`Node::Object`] ([`ObjectForm::Partial`]) |
//!
//! Names are compared after `fix_imports`, so `__builtin__.set` and `copy_reg` match too.

use crate::payload::Payload;
use crate::text;
use crate::value::{Global, Graph, Node, Object, ObjectForm, Value};

pub(crate) fn is_global(g: &Graph, v: Value, module: &str, name: &str) -> bool {
    matches!(g.as_global(v), Some(gl) if gl.module == module && gl.name == name)
}

/// Rewrites `callable(*args)` when it is one of the encodings above; `None` otherwise.
/// `args` is known to be a tuple. `ahead` may hold a str argument's Latin-1 bytes,
/// converted when the str was read; a `_codecs.encode` or `bytearray` of that str takes
/// them.
pub(crate) fn reduce(
    g: &mut Graph,
    callable: Value,
    args: Value,
    ahead: &mut Option<(Value, Vec<u8>)>,
) -> Option<Node> {
    let a = g.as_tuple(args)?;
    if let Some(gl) = g.as_global(callable) {
        return match (gl.module.as_str(), gl.name.as_str()) {
            ("builtins", "set") => Some(Node::Set(iterable_items(g, a)?)),
            ("builtins", "frozenset") => Some(Node::FrozenSet(iterable_items(g, a)?)),
            ("builtins", "bytes") if a.is_empty() => Some(Node::Bytes {
                data: Payload::default(),
                py2: false,
            }),
            ("_codecs", "encode") => {
                let [s, enc] = a else { return None };
                if !matches!(g.as_str(*enc)?, "latin1" | "latin-1") {
                    return None;
                }
                Some(Node::Bytes {
                    data: latin1_of(g, *s, ahead)?.into(),
                    py2: false,
                })
            }
            ("builtins", "bytearray") => match a {
                [] => Some(Node::ByteArray(Payload::default())),
                [b] => match g.deref(*b)? {
                    Node::Bytes { data, .. } => Some(Node::ByteArray(data.clone())),
                    _ => None,
                },
                [s, enc] if matches!(g.as_str(*enc)?, "latin-1" | "latin1") => {
                    Some(Node::ByteArray(latin1_of(g, *s, ahead)?.into()))
                }
                _ => None,
            },
            ("copyreg", "_reconstructor") => {
                let [cls, base, state] = a else { return None };
                if !is_global(g, *base, "builtins", "object") || *state != Value::None {
                    return None;
                }
                // Any class operand NEWOBJ accepts: a global, or a computed class (a
                // reduce/object node, e.g. cloudpickle's skeleton class), or a persistent id.
                if !matches!(
                    g.deref(*cls),
                    Some(Node::Global(_) | Node::Reduce(_) | Node::Object(_) | Node::PersId(_))
                ) {
                    return None;
                }
                Some(object(*cls, None, None, ObjectForm::Reconstructor))
            }
            ("builtins", "getattr") => {
                let [owner, attr] = a else { return None };
                let owner = g.as_global(*owner)?;
                let attr = g.as_str(*attr)?;
                Some(Node::Global(Box::new(Global {
                    module: owner.module.clone(),
                    name: format!("{}.{}", owner.name, attr),
                    form: crate::value::GlobalForm::Getattr,
                    py2_name: None,
                })))
            }
            _ => None,
        };
    }
    let a_empty = a.is_empty();
    let (cls, rest, kwargs) = partial_newobj_ex(g, callable, a_empty)?;
    let args = (!rest.is_empty()).then(|| Value::Node(g.push_node(Node::Tuple(rest))));
    Some(object(cls, args, kwargs, ObjectForm::Partial))
}

/// `functools.partial(cls.__new__, cls, *a, **kw)` called with `()`: how protocols 2–3
/// write `copyreg.__newobj_ex__`. The partial arrives as
/// `REDUCE(functools.partial, (f,))` + `BUILD((f, (cls, *a), kw or None, None))`.
fn partial_newobj_ex(
    g: &Graph,
    callable: Value,
    args_empty: bool,
) -> Option<(Value, Vec<Value>, Option<Value>)> {
    if !args_empty {
        return None;
    }
    let Node::Reduce(r) = g.deref(callable)? else {
        return None;
    };
    if !is_global(g, r.callable, "functools", "partial") {
        return None;
    }
    let [_, pargs, kw, _] = g.as_tuple(r.state?)? else {
        return None;
    };
    let (cls, rest) = g.as_tuple(*pargs)?.split_first()?;
    let new = g.as_global(*g.as_tuple(r.args)?.first()?)?;
    if !new.name.ends_with("__new__") {
        return None;
    }
    g.as_global(*cls)?;
    let kwargs = match g.deref(*kw) {
        Some(Node::Dict(_)) => Some(*kw),
        _ if *kw == Value::None => None,
        _ => return None,
    };
    Some((*cls, rest.to_vec(), kwargs))
}

fn object(class: Value, args: Option<Value>, kwargs: Option<Value>, form: ObjectForm) -> Node {
    Node::Object(Box::new(Object::new(class, args, kwargs, form)))
}

fn iterable_items(g: &Graph, a: &[Value]) -> Option<Vec<Value>> {
    match a {
        [] => Some(Vec::new()),
        [it] => match g.deref(*it)? {
            Node::List(v) | Node::Tuple(v) | Node::Set(v) | Node::FrozenSet(v) => Some(v.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The Latin-1 bytes of str `s`: `ahead`'s, if they are `s`'s, else converted now.
fn latin1_of(g: &Graph, s: Value, ahead: &mut Option<(Value, Vec<u8>)>) -> Option<Vec<u8>> {
    if ahead.as_ref().is_some_and(|(v, _)| *v == s) {
        return ahead.take().map(|(_, latin1)| latin1);
    }
    match g.deref(s)? {
        Node::Str { text, .. } => text::text_to_latin1(text),
        _ => None,
    }
}

/// Payload bytes of a rewritten node, for the allocation budget.
pub(crate) fn payload(n: &Node) -> usize {
    match n {
        Node::Set(v) | Node::FrozenSet(v) => v.len() * 16,
        Node::Bytes { data, .. } => data.len(),
        Node::ByteArray(b) => b.len(),
        Node::Global(gl) => gl.module.len() + gl.name.len(),
        _ => 0,
    }
}
