//! The kit's writers and its `answer` on each outcome. Its `serve` (worker protocol) is checked on
//! every canon value of the corpus through examples/testadapter.rs by crates/runner/tests/kits.rs.
use picklejar_kit::{self as kit, json, Anchors, Fail, Json};
use std::rc::Rc;

#[test]
fn leaves() {
    assert_eq!(kit::none(), json!({ "t": "none" }));
    assert_eq!(kit::node("bool", true.into()), json!({ "t": "bool", "v": true }));
    assert_eq!(kit::int(-5i64), json!({ "t": "int", "v": "-5" }));
    assert_eq!(
        kit::int("123456789012345678901234567890"),
        json!({ "t": "int", "v": "123456789012345678901234567890" })
    );
    for (f, v) in [
        (1.0, "1.0"),
        (-0.0, "-0.0"),
        (1e100, "1e100"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
        (f64::NAN, "nan"),
    ] {
        assert_eq!(kit::float(f), json!({ "t": "float", "v": v }));
    }
    assert_eq!(kit::str("é\n"), json!({ "t": "str", "v": "é\n" }));
    assert_eq!(kit::str_hex(b"a\xed\xa0\x80"), json!({ "t": "str", "hex": "61eda080" }));
    assert_eq!(
        kit::bytes("bytes", b"a\n\\\x7f~ \xff"),
        json!({ "t": "bytes", "v": "a\\x0a\\\\\\x7f~ \\xff" })
    );
    assert_eq!(kit::bytes("bytearray", b""), json!({ "t": "bytearray", "v": "" }));
    assert_eq!(kit::global("m", "C"), json!({ "t": "global", "module": "m", "name": "C" }));
}

#[test]
fn containers() {
    let one = || kit::int(1);
    assert_eq!(
        kit::seq("tuple", [one(), kit::none()]),
        json!({ "t": "tuple", "v": [one(), kit::none()] })
    );
    assert_eq!(
        kit::node("dict", kit::pairs([(one(), kit::none())])),
        json!({ "t": "dict", "v": [[one(), kit::none()]] })
    );
    let mut o = kit::object("object", kit::global("m", "C"), vec![one()]);
    o["state"] = kit::none();
    assert_eq!(
        o,
        json!({ "t": "object", "class": kit::global("m", "C"), "args": [one()], "state": kit::none() })
    );
    let r = kit::object("reduce", kit::global("m", "f"), vec![]);
    assert_eq!(r, json!({ "t": "reduce", "callable": kit::global("m", "f"), "args": [] }));
}

#[test]
fn identity() {
    // x, x and [x] with x an empty list shared through an Rc: one anchor, then refs to it
    let x = Rc::new(Vec::<i64>::new());
    let mut a = Anchors::default();
    let shared = |a: &mut Anchors| a.anchored(Rc::as_ptr(&x) as usize, |_| kit::seq("list", []));
    let first = shared(&mut a);
    let second = shared(&mut a);
    let inner = a.anchored(1, |a| kit::seq("list", [shared(a)]));
    assert_eq!(first, json!({ "t": "list", "v": [], "id": 1 }));
    assert_eq!(second, json!({ "t": "ref", "v": 1 }));
    assert_eq!(inner, json!({ "t": "list", "v": [{ "t": "ref", "v": 1 }], "id": 2 }));
    // a cycle: the node refers to itself
    let mut b = Anchors::default();
    let cycle = b.anchored(7, |b| kit::seq("list", [b.anchored(7, |_| unreachable!())]));
    assert_eq!(cycle, json!({ "t": "list", "v": [{ "t": "ref", "v": 1 }], "id": 1 }));
}

fn reply(load: impl FnOnce() -> Result<Json, Fail> + Send) -> Json {
    serde_json::from_str(&kit::answer(load)).expect("a JSON reply")
}

#[test]
fn outcomes() {
    assert_eq!(reply(|| Ok(kit::none())), json!({ "value": { "t": "none" } }));
    let rejected = reply(|| Err(Fail::Reject("truncated".into(), "short".into())));
    assert_eq!(rejected, json!({ "error": "truncated", "message": "short" }));
    assert_eq!(reply(|| Err(Fail::Crash("boom".into()))), json!({ "crash": "boom" }));
    let unwritable = reply(|| Err(Fail::Unwritable("a Weak".into())));
    assert_eq!(unwritable, json!({ "adapter_error": "cannot write canon: a Weak" }));
    assert_eq!(reply(|| panic!("asked to panic")), json!({ "crash": "panic: asked to panic" }));
    let n = 7;
    assert_eq!(reply(|| panic!("{n} levels")), json!({ "crash": "panic: 7 levels" }));
}

#[test]
fn deep_values_on_the_big_stack() {
    // built, written and dropped on the load's thread, in linear time (`json!` would copy each level)
    let line = kit::answer(|| Ok((0..100_000).fold(kit::none(), |v, _| kit::seq("list", [v]))));
    assert!(line.starts_with(r#"{"value":{"t":"list","v":[{"t":"list","v":["#), "{}", &line[..80]);
    assert_eq!(line.matches(r#""t":"list""#).count(), 100_000);
    assert!(!line.contains('\n'));
}
