//! The large rows of issue 16 ("bounded at the edges"), timed: load and render (or refuse)
//! inputs whose cost used to grow with what they share or claim, not with their size.
//! The tests (`tests/edges.rs`) hold the same shapes, scaled down, to linear time and
//! memory; this bench runs them near full size, outside the test suite.
//!
//! * `fan_out_2000`: one 1 MiB str, memoized, then 2000 BINGETs of it in a list (2 GB of
//!   JSON written to a sink)
//! * `fan_out_200k_refused`: the same with 200 000 references: refused before writing
//! * `dup_10m`: a 255-byte str, then 10 million DUPs, in a list
//! * `bytes8_zeros`: BINBYTES8 of 128 MiB of zeros, plain and zstd-compressed, as JSON
//! * `nones_10m`: 10 million NONEs in one list
//! * `zeros_not_a_pickle`: 2 GiB of zeros, zstd-compressed: refused at byte 0
//! * `set_shared_tuple`: `{(common, i) for i in range(1000)}`, `common` 100 strs
//! * `deep_4999`: 4999 nested lists, as CPython 3.13's `pickle.dumps` writes them
//!
//! Run: `cargo bench -p picklejar-codec --bench edges`

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use picklejar_codec::canon::{Format, render};
use picklejar_codec::compress::{Compression, compress, decompress_pickle};
use picklejar_codec::{Limits, LoadOptions, Loader};
use std::hint::black_box;

const MIB: usize = 1 << 20;

/// Loads and renders to a sink: the bytes written, or 0 when refused.
fn load_render(data: &[u8], format: Format) -> u64 {
    let Ok(l) = Loader::new().load(data) else {
        return 0;
    };
    let limits = Limits::DEFAULT.with_max_alloc(Limits::DEFAULT.max_alloc - l.allocated);
    match render(&l.graph, format, &limits) {
        Ok(mut r) => {
            r.write_to(&mut std::io::sink()).expect("writes");
            r.len()
        }
        Err(_) => 0,
    }
}

fn fan_out(len: usize, refs: usize) -> Vec<u8> {
    let mut d = b"\x80\x04]\x94(X".to_vec();
    d.extend_from_slice(&(len as u32).to_le_bytes());
    d.resize(d.len() + len, b'a');
    d.push(0x94);
    for _ in 1..refs {
        d.extend_from_slice(b"h\x01");
    }
    d.extend_from_slice(b"e.");
    d
}

fn zeros_pickle(n: usize) -> Vec<u8> {
    let mut d = b"\x80\x04\x8e".to_vec();
    d.extend_from_slice(&(n as u64).to_le_bytes());
    d.resize(d.len() + n, 0);
    d.push(b'.');
    d
}

fn shared_tuple_set(n: usize, k: usize) -> Vec<u8> {
    let mut d = b"\x80\x04\x8f\x94((".to_vec();
    for i in 0..k {
        let s = format!("string number {i}");
        d.push(0x8c);
        d.push(s.len() as u8);
        d.extend_from_slice(s.as_bytes());
    }
    d.extend_from_slice(b"t\x94");
    for i in 0..n {
        if i > 0 {
            d.extend_from_slice(b"h\x01");
        }
        d.push(b'J');
        d.extend_from_slice(&(i as i32).to_le_bytes());
        d.push(0x86);
    }
    d.extend_from_slice(b"\x90.");
    d
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("edges");
    g.sample_size(10);

    let fan = fan_out(MIB, 2000);
    g.throughput(Throughput::Bytes(2000 * MIB as u64));
    g.bench_function("fan_out_2000", |b| {
        b.iter(|| load_render(black_box(&fan), Format::Json))
    });
    let fan = fan_out(MIB, 200_000);
    g.throughput(Throughput::Bytes(fan.len() as u64));
    g.bench_function("fan_out_200k_refused", |b| {
        b.iter(|| assert_eq!(load_render(black_box(&fan), Format::Json), 0))
    });

    let mut dup = b"\x80\x04(\x8c\xff".to_vec();
    dup.resize(dup.len() + 255, b'x');
    dup.resize(dup.len() + 10_000_000, b'2');
    dup.extend_from_slice(b"l.");
    g.throughput(Throughput::Bytes(dup.len() as u64));
    g.bench_function("dup_10m", |b| {
        b.iter(|| load_render(black_box(&dup), Format::Json))
    });

    let zeros = zeros_pickle(128 * MIB);
    g.throughput(Throughput::Bytes(zeros.len() as u64));
    g.bench_function("bytes8_zeros_plain", |b| {
        b.iter(|| load_render(black_box(&zeros), Format::Json))
    });
    let zst = compress(&zeros, Compression::Zstd).expect("compresses");
    g.bench_function("bytes8_zeros_zstd", |b| {
        b.iter(|| {
            let data = decompress_pickle(black_box(&zst), &LoadOptions::default()).expect("ok");
            load_render(&data, Format::Json)
        })
    });

    let mut nones = b"\x80\x04](".to_vec();
    nones.resize(nones.len() + 10_000_000, b'N');
    nones.extend_from_slice(b"e.");
    g.throughput(Throughput::Bytes(nones.len() as u64));
    g.bench_function("nones_10m", |b| {
        b.iter(|| load_render(black_box(&nones), Format::Json))
    });

    let bomb = compress(&vec![0u8; 2048 * MIB], Compression::Zstd).expect("compresses");
    g.throughput(Throughput::Bytes(bomb.len() as u64));
    g.bench_function("zeros_not_a_pickle", |b| {
        b.iter(|| decompress_pickle(black_box(&bomb), &LoadOptions::default()).is_err())
    });

    let set = shared_tuple_set(1000, 100);
    g.throughput(Throughput::Bytes(set.len() as u64));
    g.bench_function("set_shared_tuple", |b| {
        b.iter(|| load_render(black_box(&set), Format::Json))
    });

    let mut body = Vec::new();
    for _ in 0..4999 {
        body.extend_from_slice(b"]\x94");
    }
    body.push(b'N');
    body.resize(body.len() + 4999, b'a');
    body.push(b'.');
    let mut deep = b"\x80\x04\x95".to_vec();
    deep.extend_from_slice(&(body.len() as u64).to_le_bytes());
    deep.extend(body);
    g.throughput(Throughput::Bytes(deep.len() as u64));
    g.bench_function("deep_4999", |b| {
        b.iter(|| load_render(black_box(&deep), Format::Text))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
