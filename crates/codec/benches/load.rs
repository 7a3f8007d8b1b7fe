//! Load and dump throughput on generated workloads: values built here as graphs and written
//! by this codec's own dump with the CPython 3.13 profile at protocol 4 (the bytes CPython
//! 3.13's C pickler writes for the same objects, frames included), so the bench needs no
//! Python:
//!
//! * `ints_1m`: `list(range(1_000_000))`
//! * `str_float_dict_100k`: `{f"key{i}": i * 0.5 for i in range(100_000)}`
//! * `instances_100k`: `[Point(x=i, y=-i) for i in range(100_000)]`, `__main__.Point`
//!   with plain `__dict__` state (NEWOBJ + BUILD; the attribute names shared)
//!
//! The `dump` group writes the loaded graphs back and checks, before timing, that the bytes
//! are the workload's own. (picklejar-bench has the full set of workloads, and CPython next
//! to this codec.)
//!
//! Run: `cargo bench -p picklejar-codec --bench load`

// The value graph is one heap block per str, bytes, tuple, container and instance, as
// CPython's objects are; CPython serves those from its own small-object allocator
// (pymalloc), and so does this bench, with the `picklejar` command's allocator: mimalloc
// (through its plain entry points) for those, the system allocator for blocks of 32 MiB
// and more (`picklejar_alloc`).
#[global_allocator]
static GLOBAL: picklejar_alloc::Picklejar = picklejar_alloc::Picklejar::DEFAULT;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use picklejar_codec::{DumpOptions, Graph, Loader, Node, Object, ObjectForm, Profile, Value, dump};
use std::hint::black_box;

const PROTOCOL: u8 = 4;

fn graph(build: impl FnOnce(&mut Graph) -> Value) -> Graph {
    let mut g = Graph::new();
    let root = build(&mut g);
    g.set_root(root);
    g
}

fn ints_1m() -> Graph {
    graph(|g| g.value(Node::List((0..1_000_000).map(Value::Int).collect())))
}

fn str_float_dict_100k() -> Graph {
    graph(|g| {
        let pairs = (0..100_000)
            .map(|i| (g.str(&format!("key{i}")), Value::Float(i as f64 * 0.5)))
            .collect();
        g.value(Node::Dict(pairs))
    })
}

fn instances_100k() -> Graph {
    graph(|g| {
        let cls = g.global("__main__", "Point");
        let (x, y) = (g.str("x"), g.str("y"));
        let items = (0..100_000)
            .map(|i| {
                let state = g.value(Node::Dict(vec![(x, Value::Int(i)), (y, Value::Int(-i))]));
                let mut o = Object::new(cls, None, None, ObjectForm::NewObj);
                o.state = Some(state);
                g.value(Node::Object(Box::new(o)))
            })
            .collect();
        g.value(Node::List(items))
    })
}

fn bench(c: &mut Criterion) {
    let opts = DumpOptions::new(Profile::Py313);
    let workloads: Vec<(&str, Vec<u8>)> = [
        ("ints_1m", ints_1m()),
        ("str_float_dict_100k", str_float_dict_100k()),
        ("instances_100k", instances_100k()),
    ]
    .into_iter()
    .map(|(name, g)| (name, dump(&g, PROTOCOL, &opts).expect("dumps").bytes))
    .collect();

    let mut g = c.benchmark_group("load");
    for (name, data) in &workloads {
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| Loader::new().load(black_box(data)).map(|l| l.end))
        });
    }
    g.finish();

    let mut d = c.benchmark_group("dump");
    for (name, data) in &workloads {
        let graph = Loader::new().load(data).expect("workload loads").graph;
        let again = dump(&graph, PROTOCOL, &opts).expect("dumps").bytes;
        assert!(again == *data, "{name}: dump(load(bytes)) is the bytes");
        d.throughput(Throughput::Bytes(data.len() as u64));
        d.bench_function(*name, |b| {
            b.iter(|| dump(black_box(&graph), PROTOCOL, &opts).map(|x| x.bytes.len()))
        });
    }
    d.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
