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

// The `picklejar` command's allocator: these inputs are the ones whose huge buffers it
// serves from the system allocator (`picklejar_alloc`).
#[global_allocator]
static GLOBAL: picklejar_alloc::Picklejar = picklejar_alloc::Picklejar::DEFAULT;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use picklejar_codec::canon::{Format, render};
use picklejar_codec::compress::{Compression, compress, load_pickle};
use picklejar_codec::{Limits, Loader};
use std::hint::black_box;

#[path = "../tests/support/edge_inputs.rs"]
mod edge_inputs;
use edge_inputs::{dups, fan_out, nested_lists_313, nones, shared_tuple_set, zeros_pickle};

const MIB: usize = 1 << 20;

/// Loads (as `picklejar load` does: compressed input as it is inflated) and renders to a
/// sink: the bytes written, or 0 when refused.
fn load_render(data: &[u8], format: Format) -> u64 {
    let Ok(s) = load_pickle(data, &mut Loader::new()) else {
        return 0;
    };
    let l = s.loaded;
    let limits = Limits::DEFAULT.with_max_alloc(Limits::DEFAULT.max_alloc - l.allocated);
    match render(&l.graph, format, &limits) {
        Ok(mut r) => {
            r.write_to(&mut std::io::sink()).expect("writes");
            r.len()
        }
        Err(_) => 0,
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("edges");
    g.sample_size(10);

    let fan = fan_out(MIB, 2000, false);
    g.throughput(Throughput::Bytes(2000 * MIB as u64));
    g.bench_function("fan_out_2000", |b| {
        b.iter(|| load_render(black_box(&fan), Format::Json))
    });
    let fan = fan_out(MIB, 200_000, false);
    g.throughput(Throughput::Bytes(fan.len() as u64));
    g.bench_function("fan_out_200k_refused", |b| {
        b.iter(|| assert_eq!(load_render(black_box(&fan), Format::Json), 0))
    });

    let dup = dups(10_000_000);
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
        b.iter(|| load_render(black_box(&zst), Format::Json))
    });

    let nones = nones(10_000_000);
    g.throughput(Throughput::Bytes(nones.len() as u64));
    g.bench_function("nones_10m", |b| {
        b.iter(|| load_render(black_box(&nones), Format::Json))
    });

    let bomb = compress(&vec![0u8; 2048 * MIB], Compression::Zstd).expect("compresses");
    g.throughput(Throughput::Bytes(bomb.len() as u64));
    g.bench_function("zeros_not_a_pickle", |b| {
        b.iter(|| load_render(black_box(&bomb), Format::Json) == 0)
    });

    let set = shared_tuple_set(1000, 100);
    g.throughput(Throughput::Bytes(set.len() as u64));
    g.bench_function("set_shared_tuple", |b| {
        b.iter(|| load_render(black_box(&set), Format::Json))
    });

    let deep = nested_lists_313(4999);
    g.throughput(Throughput::Bytes(deep.len() as u64));
    g.bench_function("deep_4999", |b| {
        b.iter(|| load_render(black_box(&deep), Format::Text))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
