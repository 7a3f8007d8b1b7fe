//! Load and dump throughput of every codec in `picklejar_bench::codecs` on every workload
//! file (`reports/bench/workloads/`, written by picklejar_codec::dump, the bytes CPython 3.13
//! writes).
//!
//! Groups `pjbench-load` and `pjbench-dump`; the function is the codec, the parameter the
//! workload id (`ints_1m-p4`); throughput is the workload file's size for every codec and
//! both directions. A dump is timed only after its output passed the codec's check
//! (`codecs::prepare_verified`: picklejar's must be the workload file byte for byte).
//! `picklejar bench run` runs this once per workload (`$PICKLEJAR_BENCH_ONLY` and a
//! filter), alternating with CPython's timings, and reads criterion's estimates.
//!
//! ```sh
//! cargo bench -p picklejar-bench --bench codecs [-- FILTER]
//! ```

// The value graph is one heap block per str, bytes, tuple, container and instance, as
// CPython's objects are; CPython serves those from its own small-object allocator
// (pymalloc), and so does this bench, with the `picklejar` command's allocator: mimalloc
// (through its plain entry points) for those, the system allocator for blocks of 32 MiB
// and more (`picklejar_alloc`).
#[global_allocator]
static GLOBAL: picklejar_alloc::Picklejar = picklejar_alloc::Picklejar::DEFAULT;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use picklejar_bench::codecs::{DUMPERS, LOADERS, NotTimed, prepare_verified};
use picklejar_bench::record::{DUMP_GROUP, LOAD_GROUP};
use picklejar_bench::workloads;
use picklejar_codec::bytes::Bytes;

fn benches(c: &mut Criterion) {
    let (manifest, files) = match workloads::for_bench() {
        Ok(x) => x,
        Err(e) => panic!("workloads: {e:#}"),
    };
    eprintln!("workloads: {} files by {}", files.len(), manifest.generator);

    let mut g = c.benchmark_group(LOAD_GROUP);
    for w in &files {
        g.throughput(Throughput::Bytes(w.data.len() as u64));
        let shared = Bytes::from(w.data.clone());
        for codec in LOADERS {
            if let Err(e) = (codec.load)(&shared) {
                eprintln!("skipping {} load {}: {e}", codec.name, w.entry.id());
                continue;
            }
            g.bench_with_input(
                BenchmarkId::new(codec.name, w.entry.id()),
                &shared,
                |b, data| b.iter(|| (codec.load)(black_box(data))),
            );
        }
    }
    g.finish();

    let mut g = c.benchmark_group(DUMP_GROUP);
    for w in &files {
        g.throughput(Throughput::Bytes(w.data.len() as u64));
        for codec in DUMPERS
            .iter()
            .filter(|d| d.protocols.contains(&w.entry.protocol))
        {
            // never time wrong output: picklejar's dump must be the workload file
            let dump = match prepare_verified(codec, &w.data, w.entry.protocol) {
                Ok(f) => f,
                Err(NotTimed::Wrong(e)) => {
                    eprintln!(
                        "error: {} dump {}: {e}: not timed",
                        codec.name,
                        w.entry.id()
                    );
                    continue;
                }
                Err(NotTimed::Unsupported(e)) => {
                    eprintln!("skipping {} dump {}: {e}", codec.name, w.entry.id());
                    continue;
                }
            };
            g.bench_function(BenchmarkId::new(codec.name, w.entry.id()), |b| {
                b.iter(|| black_box(dump()))
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = codecs;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = benches
}
criterion_main!(codecs);
