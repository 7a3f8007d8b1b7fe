//! Load throughput on generated workloads (the bytes CPython 3.8+'s C pickler writes at
//! protocol 4 for the same objects, built here so the bench needs no Python):
//!
//! * `ints_1m`: `list(range(1_000_000))`
//! * `str_float_dict_100k`: `{f"key{i}": i * 0.5 for i in range(100_000)}`
//! * `instances_100k`: `[Point(i, -i) for i in range(100_000)]` with plain `__dict__` state
//!
//! The `dump` group writes the same values back (CPython 3.8-3.12 profile, protocol 4)
//! and checks, before timing, that the bytes are the workload's own.
//!
//! Run: `cargo bench -p picklejar-codec --bench load`

// The value graph is one heap block per str, bytes, tuple, container and instance, as
// CPython's objects are; CPython serves those from its own small-object allocator
// (pymalloc), and so does this bench, with mimalloc instead of the system malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use picklejar_codec::{DumpOptions, Loader, Profile, dump, to_canon};
use std::hint::black_box;

/// A minimal protocol-4 writer: enough opcodes for the workloads, memo numbered as CPython
/// numbers it (framing omitted: it does not change the loader's work).
struct W {
    out: Vec<u8>,
    memo: u32,
}

impl W {
    fn new() -> W {
        W {
            out: vec![0x80, 4],
            memo: 0,
        }
    }
    fn memoize(&mut self) -> u32 {
        self.out.push(0x94);
        self.memo += 1;
        self.memo - 1
    }
    fn get(&mut self, i: u32) {
        if i < 256 {
            self.out.extend_from_slice(&[b'h', i as u8]);
        } else {
            self.out.push(b'j');
            self.out.extend_from_slice(&i.to_le_bytes());
        }
    }
    fn int(&mut self, v: i64) {
        match v {
            0..=0xff => self.out.extend_from_slice(&[b'K', v as u8]),
            0x100..=0xffff => {
                self.out.push(b'M');
                self.out.extend_from_slice(&(v as u16).to_le_bytes());
            }
            _ => {
                self.out.push(b'J');
                self.out.extend_from_slice(&(v as i32).to_le_bytes());
            }
        }
    }
    fn float(&mut self, f: f64) {
        self.out.push(b'G');
        self.out.extend_from_slice(&f.to_be_bytes());
    }
    fn str(&mut self, s: &str) -> u32 {
        self.out.push(0x8c);
        self.out.push(s.len() as u8);
        self.out.extend_from_slice(s.as_bytes());
        self.memoize()
    }
    fn finish(mut self) -> Vec<u8> {
        self.out.push(b'.');
        self.out
    }
}

fn batched<T>(w: &mut W, items: &[T], close: u8, mut each: impl FnMut(&mut W, &T)) {
    for chunk in items.chunks(1000) {
        w.out.push(b'(');
        for it in chunk {
            each(w, it);
        }
        w.out.push(close);
    }
}

fn ints_1m() -> Vec<u8> {
    let mut w = W::new();
    w.out.push(b']');
    w.memoize();
    let v: Vec<i64> = (0..1_000_000).collect();
    batched(&mut w, &v, b'e', |w, &i| w.int(i));
    w.finish()
}

fn str_float_dict_100k() -> Vec<u8> {
    let mut w = W::new();
    w.out.push(b'}');
    w.memoize();
    let v: Vec<i64> = (0..100_000).collect();
    batched(&mut w, &v, b'u', |w, &i| {
        w.str(&format!("key{i}"));
        w.float(i as f64 * 0.5);
    });
    w.finish()
}

fn instances_100k() -> Vec<u8> {
    let mut w = W::new();
    w.out.push(b']');
    w.memoize();
    w.out.push(b'(');
    w.str("__main__");
    w.str("Point");
    w.out.push(0x93);
    let cls = w.memoize();
    let (mut kx, mut ky) = (None, None);
    for i in 0..100_000i64 {
        if i > 0 && i % 1000 == 0 {
            w.out.extend_from_slice(b"e(");
        }
        w.get(cls);
        w.out.push(b')');
        w.out.push(0x81);
        w.memoize();
        w.out.push(b'}');
        w.memoize();
        w.out.push(b'(');
        match kx {
            Some(k) => w.get(k),
            None => kx = Some(w.str("x")),
        }
        w.int(i);
        match ky {
            Some(k) => w.get(k),
            None => ky = Some(w.str("y")),
        }
        w.int(-i);
        w.out.extend_from_slice(b"ub");
    }
    w.out.push(b'e');
    w.finish()
}

fn bench(c: &mut Criterion) {
    let workloads = [
        ("ints_1m", ints_1m()),
        ("str_float_dict_100k", str_float_dict_100k()),
        ("instances_100k", instances_100k()),
    ];
    let mut g = c.benchmark_group("load");
    for (name, data) in &workloads {
        // Sanity: each workload loads and has the expected shape.
        let loaded = Loader::new().load(data).expect("workload loads");
        assert!(to_canon(&loaded.graph).is_ok());
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| Loader::new().load(black_box(data)).map(|l| l.end))
        });
    }
    g.finish();

    let mut d = c.benchmark_group("dump");
    let opts = DumpOptions::new(Profile::Py38);
    for (name, data) in &workloads {
        let graph = Loader::new().load(data).expect("workload loads").graph;
        let bytes = dump(&graph, 4, &opts).expect("dumps").bytes;
        // The workloads are written without frames; compare what the loader sees.
        let again = Loader::new().load(&bytes).expect("dump loads").graph;
        assert_eq!(
            to_canon(&again).ok(),
            to_canon(&graph).ok(),
            "{name}: dump round-trips"
        );
        d.throughput(Throughput::Bytes(bytes.len() as u64));
        d.bench_function(*name, |b| {
            b.iter(|| dump(black_box(&graph), 4, &opts).map(|x| x.bytes.len()))
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
