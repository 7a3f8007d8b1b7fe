//! Property test of the pickler: for random value graphs (plain types, shared and nested),
//! CPython 3.12's reader loads picklejar's dump, at every protocol, to the graph's canon.
//!
//! Needs Python 3.12 (found through `generators/make.py pythons`, `$PICKLEJAR_PYTHON_3_12`
//! or `python3.12` on PATH); without it the trial is reported as ignored, with the reason.

use std::path::{Path, PathBuf};
use std::time::Duration;

use libtest_mimic::{Arguments, Failed, Trial};
use picklejar_codec::{DumpOptions, Graph, Node, Profile, Text, Value, dump, to_canon};
use picklejar_runner::adapters::{CPython, Impl, Python, find_python};
use picklejar_runner::corpus::LoadSpec;
use picklejar_runner::{Codec, LoadRequest, Outcome};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// A value tree; `Shared(i)` refers back to the i-th container built so far.
#[derive(Clone, Debug)]
enum V {
    None,
    Bool(bool),
    Int(i64),
    Big(i128),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<V>),
    Tuple(Vec<V>),
    Dict(Vec<(String, V)>),
    Set(Vec<i64>),
    Shared(usize),
}

fn leaf() -> impl Strategy<Value = V> {
    prop_oneof![
        Just(V::None),
        any::<bool>().prop_map(V::Bool),
        any::<i64>().prop_map(V::Int),
        any::<i128>().prop_map(V::Big),
        prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(-0.0),
            Just(f64::INFINITY)
        ]
        .prop_map(V::Float),
        "\\PC{0,12}".prop_map(V::Str),
        proptest::collection::vec(any::<u8>(), 0..12).prop_map(V::Bytes),
        proptest::collection::vec(any::<i64>(), 0..5).prop_map(V::Set),
        (0usize..8).prop_map(V::Shared),
    ]
}

fn value() -> impl Strategy<Value = V> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(V::List),
            proptest::collection::vec(inner.clone(), 0..5).prop_map(V::Tuple),
            proptest::collection::vec(("[a-z]{0,4}", inner), 0..5).prop_map(V::Dict),
        ]
    })
}

fn build(g: &mut Graph, v: &V, made: &mut Vec<Value>) -> Value {
    match v {
        V::None => Value::None,
        V::Bool(b) => Value::Bool(*b),
        V::Int(i) => Value::Int(*i),
        V::Big(i) => g.int((*i).into()),
        V::Float(f) => Value::Float(*f),
        V::Str(s) => g.value(Node::Str {
            text: Text::new(s),
            py2: false,
        }),
        V::Bytes(b) => g.bytes(b),
        V::Set(items) => {
            let mut seen = Vec::new();
            for i in items {
                if !seen.contains(i) {
                    seen.push(*i);
                }
            }
            let n = g.value(Node::Set(seen.into_iter().map(Value::Int).collect()));
            made.push(n);
            n
        }
        V::List(items) => {
            let vs = items.iter().map(|x| build(g, x, made)).collect();
            let n = g.value(Node::List(vs));
            made.push(n);
            n
        }
        V::Tuple(items) => {
            let vs = items.iter().map(|x| build(g, x, made)).collect();
            let n = g.value(Node::Tuple(vs));
            made.push(n);
            n
        }
        V::Dict(pairs) => {
            let mut seen: Vec<&str> = Vec::new();
            let mut ps = Vec::new();
            for (k, x) in pairs {
                if seen.contains(&k.as_str()) {
                    continue;
                }
                seen.push(k);
                let key = g.str(k);
                ps.push((key, build(g, x, made)));
            }
            let n = g.value(Node::Dict(ps));
            made.push(n);
            n
        }
        V::Shared(i) => made.get(*i).copied().unwrap_or(Value::None),
    }
}

fn python312() -> Option<Python> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut explicit = Vec::new();
    if let Ok(out) = std::process::Command::new("python3")
        .arg(root.join("generators/make.py"))
        .arg("pythons")
        .output()
    {
        for part in String::from_utf8_lossy(&out.stdout).split_whitespace() {
            if let Some(("3.12", path)) = part.split_once('=') {
                explicit.push(Python {
                    version: "3.12".into(),
                    path: PathBuf::from(path),
                });
            }
        }
    }
    find_python("3.12", &explicit)
}

fn run(py: Python) -> Result<(), Failed> {
    let generators = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../generators");
    let reader = CPython::new(py, Impl::C, generators, Duration::from_secs(20));
    let spec = LoadSpec::default();
    let mut runner = TestRunner::new(Config {
        cases: 256,
        ..Config::default()
    });
    runner
        .run(&value(), |v| {
            let mut g = Graph::new();
            let mut made = Vec::new();
            let root = build(&mut g, &v, &mut made);
            g.set_root(root);
            let want = to_canon(&g).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for protocol in 0..=5u8 {
                let bytes = dump(&g, protocol, &DumpOptions::new(Profile::Py38))
                    .map_err(|e| TestCaseError::fail(format!("protocol {protocol}: {e}")))?
                    .bytes;
                let req = LoadRequest {
                    data: &bytes,
                    spec: &spec,
                    buffers: None,
                    protocol,
                    real_library: false,
                };
                match reader.load(&req) {
                    Outcome::Loaded(c) => prop_assert_eq!(&c, &want, "protocol {}", protocol),
                    other => {
                        return Err(TestCaseError::fail(format!(
                            "protocol {protocol}: CPython 3.12: {other:?}"
                        )));
                    }
                }
            }
            Ok(())
        })
        .map_err(|e| Failed::from(e.to_string()))
}

fn main() {
    let args = Arguments::from_args();
    let trial = match python312() {
        Some(py) => Trial::test("dump/random-graphs-load-in-cpython-3.12", move || run(py)),
        None => Trial::test(
            "dump/random-graphs-load-in-cpython-3.12: SKIPPED, no Python 3.12 found",
            || Ok(()),
        )
        .with_ignored_flag(true),
    };
    libtest_mimic::run(&args, vec![trial]).exit();
}
