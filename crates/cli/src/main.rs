//! `picklejar`: the one command of the picklejar workspace.
//!
//! Every subcommand lives in its own module; the libraries below do the work:
//! `picklejar-codec` (load, dis, dump, roundtrip), `picklejar-runner` (conformance),
//! `picklejar-report` (the HTML pages) and `picklejar-bench` (benchmarks).

#[macro_use]
mod out;
mod bench;
mod conformance;
mod corpus;
mod dumping;
mod inspect;
mod matrix;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// The value graph is one heap block per str, bytes, tuple, container and instance, as
// CPython's objects are; CPython serves those from its own small-object allocator
// (pymalloc), and this binary from mimalloc, while the few huge blocks (a long stack, a
// 500 MB payload) come from the system allocator, which grows them with mremap and
// unmaps them when freed (`picklejar_alloc`).
#[global_allocator]
static GLOBAL: picklejar_alloc::Picklejar = picklejar_alloc::Picklejar::DEFAULT;

/// picklejar: the conformance and benchmarking harness for Python's pickle format.
#[derive(Parser, Debug)]
#[command(name = "picklejar", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load a pickle (data only, nothing runs) and print the canon of its value. gzip, bz2,
    /// xz and zstd input is decompressed first (detected by magic bytes).
    Load(inspect::LoadArgs),
    /// Print a pickletools.dis-style listing of a pickle (decompressed first if compressed).
    Dis(inspect::DisArgs),
    /// Write a pickle from canon JSON, byte for byte as a CPython version would
    /// (`--compress` to gzip, bz2, xz or zstd it).
    Dump(dumping::DumpArgs),
    /// Load a pickle, dump it again, and show where the bytes differ (if they do); a
    /// compressed pickle is compared decompressed.
    Roundtrip(dumping::RoundtripArgs),
    /// Replay the corpus through codecs, diff against CPython, and gate on expectations.
    Conformance(conformance::ConformanceArgs),
    /// Compare two results documents (e.g. the last release's and this one's): newly
    /// failing, newly passing, new crashes; exits 1 on a regression.
    Compare(conformance::CompareArgs),
    /// Run the conformance of every third-party codec under peers/ (skipping those this
    /// machine cannot set up): reports/matrix/index.html; --record writes peers/SUMMARY.md.
    Matrix(matrix::MatrixArgs),
    /// The corpus this binary carries: list it, copy it out, verify a corpus directory.
    #[command(subcommand)]
    Corpus(corpus::CorpusCommand),
    /// Benchmarks: run them, record them, render the page, gate on the baseline.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

/// The stack the commands (and the conformance workers) run on: reserved, not committed,
/// so it costs only what a deep value uses. Values are built and walked on the heap, but
/// dropping a canon tree as deep as the loader's limit recurses once per level, past the
/// main thread's 8 MiB.
const STACK: usize = 1 << 30;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match std::thread::Builder::new()
        .name("picklejar".into())
        .stack_size(STACK)
        .spawn(move || run(cli))
        .map(|t| t.join())
    {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => ExitCode::from(101), // a panic; its message is already printed
        Err(e) => {
            eprintln!("picklejar: cannot start: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Load(a) => inspect::load(a),
        Command::Dis(a) => inspect::dis(a),
        Command::Dump(a) => dumping::dump_cmd(a),
        Command::Roundtrip(a) => dumping::roundtrip_cmd(a),
        Command::Conformance(a) => conformance::run(a),
        Command::Compare(a) => conformance::compare_cmd(a),
        Command::Matrix(a) => matrix::run(a),
        Command::Corpus(c) => corpus::run(c),
        Command::Bench(c) => bench::run(c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("picklejar: {e:#}");
            ExitCode::from(2)
        }
    }
}
