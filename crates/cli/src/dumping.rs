//! `picklejar dump` and `picklejar roundtrip`: the pickler from the command line (with
//! compressed output and input).
//!
//! `dump` reads canon JSON and says what that is, and where the input stops being it, when
//! it is not. `roundtrip` takes the protocol a pickle declares, or infers it (binary
//! opcodes without PROTO: protocol 1); on a mismatch it tries every other pickler profile
//! and names those that reproduce the bytes, shows the bytes around the first difference,
//! and diffs the two disassemblies without their byte offsets.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use picklejar_codec::compress::{self, Compression};
use picklejar_codec::{
    Canon, DisLine, Disassembly, DumpOptions, Loader, Profile, dis_brief, dump, dump_parts,
};
use picklejar_runner::unified;

use super::inspect::{LoadFlags, opcodes, read_input, report_error, trailing_note, uncompressed};

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

/// What canon JSON is, for errors about input that is not.
const CANON_IS: &str = "`picklejar dump` reads canon JSON: the canon JSON that `picklejar load --format json` prints; see docs/CANON.md";

pub fn dump_cmd(a: DumpArgs) -> Result<ExitCode> {
    let raw = read_input(&a.file)?;
    let name = a.file.display();
    let text = match String::from_utf8(raw) {
        Ok(t) => t,
        Err(e) => {
            let raw = e.as_bytes();
            let what = if raw.first() == Some(&0x80) || compress::detect(raw).is_some() {
                IS_A_PICKLE.to_owned()
            } else {
                format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to())
            };
            bail!("{name} is not canon JSON: {what}\n{CANON_IS}");
        }
    };
    // Untrimmed: serde_json's line and column are the file's.
    let canon = match Canon::from_json(&text) {
        Ok(c) => c,
        Err(e) => {
            // A canon error names the JSON path of the node: find its line and column.
            let m = e.message();
            let at = m
                .split_once(": ")
                .filter(|(path, _)| path.starts_with('$'))
                .and_then(|(path, _)| locate(&text, path))
                .map(|(l, c)| format!(" at line {l}, column {c}"))
                .unwrap_or_default();
            bail!(
                "{name} is not canon JSON{at}: {m}\n{}",
                not_canon_hint(&text, m)
            )
        }
    };
    let graph = canon.to_graph().map_err(|e| anyhow::anyhow!("{e}"))?;
    // In parts: large payloads go from the graph to the output without a copy.
    let opts = DumpOptions::new(profile(&a.profile)?);
    let out = match dump_parts(&graph, a.protocol, &opts) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {}\nmessage: {}", e.kind(), e.message());
            return Ok(ExitCode::from(1));
        }
    };
    if !out.buffers.is_empty() {
        bail!("the value has out-of-band buffers; picklejar dump writes in-band pickles only");
    }
    let compressed = match a.compress {
        None => None,
        Some(c) => Some(compress::compress(&out.to_vec(), c).map_err(|e| anyhow::anyhow!("{e}"))?),
    };
    let write = |w: &mut dyn Write| match &compressed {
        Some(bytes) => w.write_all(bytes),
        None => out.write_to(w),
    };
    match &a.output {
        Some(p) => std::fs::File::create(p)
            .and_then(|mut f| write(&mut f))
            .with_context(|| format!("writing {}", p.display()))?,
        // A reader that stops early (`| head`) is not an error, as for `load`.
        None => match write(&mut std::io::stdout().lock()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r?,
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// What `dump` says when it is given a pickle.
const IS_A_PICKLE: &str = "this is a pickle (or compressed data), not canon JSON: `picklejar load --format json` turns a pickle into canon JSON, `picklejar roundtrip` re-dumps one";

/// What to say about JSON input that is not canon: what canon JSON is, and what the input
/// looks like when it is something `picklejar` printed (or a protocol-0 pickle).
fn not_canon_hint(text: &str, message: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or("");
    const TEXT_TAGS: &[&str] = &[
        "none",
        "bool",
        "int",
        "float",
        "str",
        "bytes",
        "bytearray",
        "list",
        "tuple",
        "dict",
        "set",
        "frozenset",
        "global",
        "object",
        "reduce",
        "persid",
        "buffer",
        "ref",
    ];
    let extra = if message.starts_with("not JSON")
        && !text.trim_start().starts_with('{')
        && picklejar_codec::load(text.as_bytes()).is_ok()
    {
        format!("; {IS_A_PICKLE}")
    } else if text.contains("\"elided\":true") {
        "; this JSON has payloads that `picklejar load` elided: `picklejar load --full --format json` prints them whole".to_owned()
    } else if TEXT_TAGS.contains(&first) {
        "; this looks like the text rendering of `picklejar load`: add --format json".to_owned()
    } else {
        String::new()
    };
    format!("{CANON_IS}{extra}")
}

/// The line and column (1-based) where the value at a canon error's JSON path (`$`,
/// `.name`, `[i]`) starts in `text`; `None` when the path cannot be followed.
fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut pos = skip_ws(b, 0);
    let mut rest = path.strip_prefix('$')?;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            pos = json_member(b, pos, &r[..end])?;
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            pos = json_element(b, pos, r[..end].parse().ok()?)?;
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    let before = b.get(..pos)?;
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let column = text.get(start..pos)?.chars().count() + 1;
    Some((line, column))
}

fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while b.get(pos).is_some_and(|c| c.is_ascii_whitespace()) {
        pos += 1;
    }
    pos
}

/// The end of the JSON string starting at `pos` (its opening quote).
fn skip_string(b: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 1;
    loop {
        match *b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

/// The end of the JSON value starting at `pos`.
fn skip_value(b: &[u8], pos: usize) -> Option<usize> {
    match *b.get(pos)? {
        b'"' => skip_string(b, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = pos;
            loop {
                match *b.get(i)? {
                    b'"' => {
                        i = skip_string(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = pos;
            while b
                .get(i)
                .is_some_and(|&c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
            {
                i += 1;
            }
            Some(i)
        }
    }
}

/// Where the value of member `key` of the object at `pos` starts.
fn json_member(b: &[u8], pos: usize, key: &str) -> Option<usize> {
    if b.get(pos) != Some(&b'{') {
        return None;
    }
    let mut i = skip_ws(b, pos + 1);
    while b.get(i) == Some(&b'"') {
        let end = skip_string(b, i)?;
        let name = b.get(i + 1..end - 1)?;
        i = skip_ws(b, end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        if name == key.as_bytes() {
            return Some(i);
        }
        i = skip_ws(b, skip_value(b, i)?);
        if b.get(i) != Some(&b',') {
            return None;
        }
        i = skip_ws(b, i + 1);
    }
    None
}

/// Where element `n` of the array at `pos` starts.
fn json_element(b: &[u8], pos: usize, n: usize) -> Option<usize> {
    if b.get(pos) != Some(&b'[') {
        return None;
    }
    let mut i = skip_ws(b, pos + 1);
    for _ in 0..n {
        i = skip_ws(b, skip_value(b, i)?);
        if b.get(i) != Some(&b',') {
            return None;
        }
        i = skip_ws(b, i + 1);
    }
    matches!(b.get(i), Some(c) if *c != b']').then_some(i)
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
        Err(e) => return Ok(report_error(&e, None, &a.flags)),
    };
    if let Some(note) = note {
        println!("{note}");
    }
    let loaded = match Loader::with_options(opts.clone()).load(&data) {
        Ok(l) => l,
        Err(e) => return Ok(report_error(&e, Some(&data), &a.flags)),
    };
    if let Some(note) = trailing_note(&data, loaded.end) {
        eprintln!("note: {note} (roundtrip compares the first)");
    }
    let original = &data[..loaded.end];
    let (protocol, how) = match a.protocol {
        Some(p) => (p, String::new()),
        None if loaded.protocol > 0 => (loaded.protocol, String::new()),
        None => infer_protocol(original),
    };
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
        return Ok(report_error(&e, None, &a.flags));
    }
    let out = match dump(&loaded.graph, protocol, &dopts) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {}\nmessage: {}", e.kind(), e.message());
            return Ok(ExitCode::from(1));
        }
    };
    if out.bytes == original {
        println!(
            "byte-exact: {} bytes at protocol {protocol}{how} as CPython {}",
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
    // Which other picklers write these bytes (one re-dump at a time, each dropped).
    let mut exact = Vec::new();
    let mut cannot = Vec::new();
    for p in PROFILES {
        if p == dopts.profile {
            continue;
        }
        if protocol > p.highest_protocol() {
            cannot.push(p.name());
            continue;
        }
        let o = DumpOptions {
            profile: p,
            ..dopts.clone()
        };
        if dump(&loaded.graph, protocol, &o).is_ok_and(|d| d.bytes == original) {
            exact.push(format!(
                "CPython {} (--profile {})",
                p.name(),
                profile_flag(p)
            ));
        }
    }
    drop(loaded);
    // Bounded listings: long arguments cut, at most LISTING_LINES opcodes a side.
    let d0 = dis_brief(original, LISTING_ARG, LISTING_LINES);
    let d1 = dis_brief(&out.bytes, LISTING_ARG, LISTING_LINES);
    let op_at = |d: &Disassembly| {
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
    println!(
        "re-dumped at protocol {protocol}{how} as CPython {} ({} bytes; the original has {})",
        dopts.profile.name(),
        out.bytes.len(),
        original.len()
    );
    let cannot = if cannot.is_empty() {
        String::new()
    } else {
        format!(
            "; {} cannot write protocol {protocol}",
            cannot
                .iter()
                .map(|n| format!("CPython {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if exact.is_empty() {
        println!("other profiles: none reproduces these bytes{cannot}");
    } else {
        println!(
            "other profiles: reproduced exactly by {}{cannot}",
            exact.join(", ")
        );
    }
    print!("{}", hex_around(original, &out.bytes, first));
    if d0.lines.len() >= LISTING_LINES || d1.lines.len() >= LISTING_LINES {
        println!("(listings cut at {LISTING_LINES} opcodes)");
    }
    println!("disassembly diff, byte offsets left out:");
    print!(
        "{}",
        unified(&without_offsets(&d0), &without_offsets(&d1))
            .replace("expected (CPython)", "original")
            .replace("actual (codec)", "re-dump")
    );
    Ok(ExitCode::from(1))
}

/// Every pickler profile, oldest first.
const PROFILES: [Profile; 5] = [
    Profile::Py27,
    Profile::Py30To36,
    Profile::Py37,
    Profile::Py38,
    Profile::Py313,
];

/// A `--profile` value that selects `p`.
fn profile_flag(p: Profile) -> &'static str {
    match p {
        Profile::Py27 => "2.7",
        Profile::Py30To36 => "3.6",
        Profile::Py37 => "3.7",
        Profile::Py38 => "3.12",
        Profile::Py313 => "3.13",
    }
}

/// The protocol of a pickle without PROTO: 1 when any opcode needs protocol 1 (EMPTY_LIST,
/// BININT, SHORT_BINSTRING, …), else 0; and the words that say so.
fn infer_protocol(data: &[u8]) -> (u8, String) {
    match opcodes(data).find(|&(_, op)| op.protocol() >= 1) {
        Some((at, op)) => (
            1,
            format!(
                " (inferred: no PROTO, binary opcodes from {} at byte {at})",
                op.name()
            ),
        ),
        None => (0, " (inferred: no PROTO, text opcodes only)".to_owned()),
    }
}

/// Bytes either side of the first difference shown in hex.
const HEX_CONTEXT: usize = 16;

/// Both sides' bytes around `first` (the first differing offset), in hex with the
/// differing byte bracketed, and as text.
fn hex_around(original: &[u8], redump: &[u8], first: usize) -> String {
    let lo = first.saturating_sub(HEX_CONTEXT);
    let end = (first + HEX_CONTEXT + 1).min(original.len().max(redump.len()));
    let mut s =
        format!("bytes {lo}..{end} around the first difference (byte {first} in brackets):\n");
    for (label, b) in [("original", original), ("re-dump", redump)] {
        let hi = b.len().min(first + HEX_CONTEXT + 1);
        let window = b.get(lo..hi).unwrap_or_default();
        let mut hex = String::new();
        let mut text = String::new();
        for (i, &c) in window.iter().enumerate() {
            let at = lo + i;
            if at == first {
                hex.push_str(&format!("[{c:02x}]"));
            } else {
                if at != first + 1 && i > 0 {
                    hex.push(' ');
                }
                hex.push_str(&format!("{c:02x}"));
            }
            text.push(if c.is_ascii_graphic() || c == b' ' {
                char::from(c)
            } else {
                '.'
            });
        }
        if first >= b.len() {
            hex.push_str(&format!(" [ends at byte {}]", b.len()));
        }
        s.push_str(&format!("  {label:<9} {lo:>8}: {hex}  |{text}|\n"));
    }
    s
}

/// A listing as lines without byte offsets (and MARK positions): opcodes, arguments and
/// memo notes only, so a shifted stream diffs where it differs.
fn without_offsets(d: &Disassembly) -> String {
    let mut s = String::new();
    for l in &d.lines {
        s.push_str(&line_without_offset(l));
        s.push('\n');
    }
    if let Some(e) = &d.error {
        s.push_str(&format!("error: {}: {}\n", e.kind(), e.message()));
    }
    s
}

fn line_without_offset(l: &DisLine) -> String {
    let mut s = format!("{}{}", "    ".repeat(l.depth), l.opcode.name());
    if let Some(a) = &l.arg {
        s.push(' ');
        s.push_str(a);
    }
    if let Some(n) = &l.note {
        s.push(' ');
        s.push_str(if n.starts_with("(MARK at ") {
            "(MARK)"
        } else {
            n
        });
    }
    s
}
