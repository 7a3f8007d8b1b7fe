//! `picklejar dump` and `picklejar roundtrip`: the pickler from the command line (with
//! compressed output and input).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use picklejar_codec::compress::{self, Compression};
use picklejar_codec::{Canon, DumpOptions, Loader, Profile, dis_brief, dump};
use picklejar_runner::unified;

use super::inspect::{LoadFlags, read_input, report_error, trailing_note, uncompressed};

/// `picklejar dump`
#[derive(Args, Debug)]
pub struct DumpArgs {
    /// Canon JSON of the value (docs/CANON.md); `-` reads standard input.
    pub file: PathBuf,
    /// The protocol to write (0-5).
    #[arg(long, short = 'p', default_value_t = 4)]
    pub protocol: u8,
    /// Whose bytes to write: a CPython version (3.6, 3.7, 3.8 ... 3.12, 3.13).
    #[arg(long, default_value = "3.12")]
    pub profile: String,
    /// Where to write the pickle (standard output by default).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Compress the pickle: gzip, bz2, xz or zstd (deterministic: gzip with mtime 0 and no
    /// file name).
    #[arg(long, value_name = "FORMAT", value_parser = parse_compression)]
    pub compress: Option<Compression>,
}

fn parse_compression(s: &str) -> Result<Compression, String> {
    Compression::from_name(s).ok_or_else(|| format!("{s:?}: want gzip, bz2, xz or zstd"))
}

/// `picklejar roundtrip`
#[derive(Args, Debug)]
pub struct RoundtripArgs {
    /// The pickle file, plain or gzip/bz2/xz/zstd-compressed (compared decompressed); `-`
    /// reads standard input.
    pub file: PathBuf,
    /// The CPython that wrote it (default: 3.12); its profile is used for the dump.
    #[arg(long, default_value = "3.12")]
    pub profile: String,
    /// The protocol it was written at (default: the one it declares; 0 and 1 both declare
    /// none).
    #[arg(long)]
    pub protocol: Option<u8>,
    #[command(flatten)]
    pub flags: LoadFlags,
}

fn profile(name: &str) -> Result<Profile> {
    Profile::from_version(name).with_context(|| {
        format!("unknown profile {name:?}: use a CPython 3 version such as 3.6, 3.12 or 3.13")
    })
}

pub fn dump_cmd(a: DumpArgs) -> Result<ExitCode> {
    let text = String::from_utf8(read_input(&a.file)?).context("canon JSON must be UTF-8")?;
    let canon =
        Canon::from_json(text.trim()).map_err(|e| anyhow::anyhow!("{}: {e}", a.file.display()))?;
    let graph = canon.to_graph().map_err(|e| anyhow::anyhow!("{e}"))?;
    let out = match dump(&graph, a.protocol, &DumpOptions::new(profile(&a.profile)?)) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {}\nmessage: {}", e.kind(), e.message());
            return Ok(ExitCode::from(1));
        }
    };
    if !out.buffers.is_empty() {
        bail!("the value has out-of-band buffers; picklejar dump writes in-band pickles only");
    }
    let bytes = match a.compress {
        None => out.bytes,
        Some(c) => compress::compress(&out.bytes, c).map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    match &a.output {
        Some(p) => std::fs::write(p, &bytes).with_context(|| format!("writing {}", p.display()))?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments longer than this are shown cut in roundtrip's listings.
const LISTING_ARG: usize = 200;
/// Opcodes listed at most, per side, in roundtrip's diff.
const LISTING_LINES: usize = 100_000;

pub fn roundtrip_cmd(a: RoundtripArgs) -> Result<ExitCode> {
    let raw = read_input(&a.file)?;
    let mut opts = a.flags.to_options()?;
    // A compressed pickle is compared decompressed: the pickler writes pickles.
    let (data, note) = match uncompressed(&raw, &mut opts) {
        Ok(d) => d,
        Err(e) => return Ok(report_error(&e, None)),
    };
    if let Some(note) = note {
        println!("{note}");
    }
    let loaded = match Loader::with_options(opts.clone()).load(&data) {
        Ok(l) => l,
        Err(e) => return Ok(report_error(&e, Some(&data))),
    };
    if let Some(note) = trailing_note(&data, loaded.end) {
        eprintln!("note: {note} (roundtrip compares the first)");
    }
    let protocol = a.protocol.unwrap_or(loaded.protocol);
    let mut dopts = DumpOptions::new(profile(&a.profile)?);
    dopts.max_depth = opts.limits.max_depth;
    for (code, (m, n)) in &opts.extensions {
        dopts.extensions.insert((m.clone(), n.clone()), *code);
    }
    // The re-dump is about the size of the original: it counts against what is left.
    let left = opts.limits.max_alloc.saturating_sub(loaded.allocated);
    if loaded.end > left {
        let e = picklejar_codec::Error::new(
            picklejar_codec::ErrorKind::LimitExceeded,
            format!(
                "the re-dump (about {} bytes) would pass the allocation limit of {} bytes",
                loaded.end, a.flags.max_alloc
            ),
        );
        return Ok(report_error(&e, None));
    }
    let out = match dump(&loaded.graph, protocol, &dopts) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {}\nmessage: {}", e.kind(), e.message());
            return Ok(ExitCode::from(1));
        }
    };
    let original = &data[..loaded.end];
    if out.bytes == original {
        println!(
            "byte-exact: {} bytes at protocol {protocol} as CPython {}",
            original.len(),
            dopts.profile.name()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let first = original
        .iter()
        .zip(&out.bytes)
        .position(|(a, b)| a != b)
        .unwrap_or(original.len().min(out.bytes.len()));
    drop(loaded);
    // Bounded listings: long arguments cut, at most LISTING_LINES opcodes a side.
    let d0 = dis_brief(original, LISTING_ARG, LISTING_LINES);
    let d1 = dis_brief(&out.bytes, LISTING_ARG, LISTING_LINES);
    let op_at = |d: &picklejar_codec::Disassembly| {
        d.lines
            .iter()
            .rev()
            .find(|l| l.offset <= first)
            .map(|l| format!("{} at byte {}", l.opcode.name(), l.offset))
    };
    println!(
        "differs from byte {first}: original {}, re-dump {}",
        op_at(&d0).unwrap_or_else(|| "-".into()),
        op_at(&d1).unwrap_or_else(|| "-".into())
    );
    if d0.lines.len() >= LISTING_LINES || d1.lines.len() >= LISTING_LINES {
        println!("(listings cut at {LISTING_LINES} opcodes)");
    }
    print!(
        "{}",
        unified(&d0.to_string(), &d1.to_string())
            .replace("expected (CPython)", "original")
            .replace("actual (codec)", "re-dump")
    );
    Ok(ExitCode::from(1))
}
