//! Command-line parsing and dispatch. Each subcommand lives in its own module.

mod conformance;
mod dumping;
mod inspect;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Replay the corpus through codecs, diff against CPython, and gate on expectations.
    Conformance(conformance::ConformanceArgs),
    /// Write a pickle from canon JSON, byte for byte as a CPython version would
    /// (`--compress` to gzip, bz2, xz or zstd it).
    Dump(dumping::DumpArgs),
    /// Load a pickle, dump it again, and show where the bytes differ (if they do); a
    /// compressed pickle is compared decompressed.
    Roundtrip(dumping::RoundtripArgs),
}

/// Parses the command line, runs the subcommand and maps its outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Load(a) => inspect::load(a),
        Command::Dis(a) => inspect::dis(a),
        Command::Conformance(a) => conformance::run(a),
        Command::Dump(a) => dumping::dump_cmd(a),
        Command::Roundtrip(a) => dumping::roundtrip_cmd(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("picklejar: {e:#}");
            ExitCode::from(2)
        }
    }
}
