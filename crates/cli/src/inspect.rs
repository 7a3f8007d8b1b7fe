//! `picklejar load` and `picklejar dis`: look at one pickle (gzip, bzip2, xz or zstd
//! compressed or not: compression is detected by magic bytes and undone first).
//!
//! One budget bounds a whole command: `--max-alloc` (the loader's `Limits::max_alloc`)
//! counts the decompressed input, what the loader holds, and the canon rendering, which is
//! measured before it is written and then written straight from the graph.
//!
//! `load` prints str, bytes, bytearray and buffer payloads over 4 KiB elided (their first
//! 64 characters or bytes, length and SHA-256; `--full` prints them whole), and an error
//! that a flag fixes says which flag (`hint:`).

use std::borrow::Cow;
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use picklejar_codec::canon::{self, Elision, RenderOptions, render_with};
use picklejar_codec::{
    DecodeErrors, Encoding, ErrorKind, Limits, LoadOptions, Loader, Opcode, compress, sniff,
};
use picklejar_container as container;

/// Options shared by every command that loads a pickle, named as in `pickle.Unpickler`.
#[derive(Args, Debug, Clone)]
pub struct LoadFlags {
    /// How Python 2 `str` loads: ascii (default), latin1, utf-8 or bytes.
    #[arg(long, default_value = "ASCII")]
    pub encoding: String,
    /// Decoding error handler for Python 2 `str`: strict, replace, ignore,
    /// surrogateescape, backslashreplace.
    #[arg(long, default_value = "strict")]
    pub errors: String,
    /// Do not map Python 2 names to Python 3 ones.
    #[arg(long)]
    pub no_fix_imports: bool,
    /// An out-of-band buffer file for NEXT_BUFFER (repeat, in order).
    #[arg(long = "buffer", value_name = "FILE")]
    pub buffers: Vec<PathBuf>,
    /// Register a copyreg extension: CODE=MODULE:NAME (repeatable).
    #[arg(long = "extension", value_name = "CODE=MODULE:NAME")]
    pub extensions: Vec<String>,
    /// The most the command may hold, in bytes (K, M, G suffixes): decompressed input,
    /// the loaded value, and the printed canon. Past it: limit-exceeded.
    #[arg(long, value_name = "BYTES", value_parser = parse_size, default_value = "4G")]
    pub max_alloc: usize,
    /// The deepest nesting loaded and printed.
    #[arg(long, value_name = "LEVELS", default_value_t = Limits::DEFAULT.max_depth)]
    pub max_depth: usize,
}

fn parse_size(s: &str) -> Result<usize, String> {
    let (num, mult) = match s.as_bytes().last() {
        Some(b'k' | b'K') => (&s[..s.len() - 1], 1usize << 10),
        Some(b'm' | b'M') => (&s[..s.len() - 1], 1 << 20),
        Some(b'g' | b'G') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("{s:?}: want a number of bytes, e.g. 4G, 512M, 1000000"))
}

impl LoadFlags {
    /// The codec options these flags describe.
    pub fn to_options(&self) -> Result<LoadOptions> {
        let mut o = LoadOptions {
            encoding: Encoding::from_name(&self.encoding)
                .with_context(|| format!("unknown --encoding {:?}", self.encoding))?,
            errors: DecodeErrors::from_name(&self.errors)
                .with_context(|| format!("unknown --errors {:?}", self.errors))?,
            fix_imports: !self.no_fix_imports,
            limits: Limits::DEFAULT
                .with_max_alloc(self.max_alloc)
                .with_max_depth(self.max_depth),
            ..LoadOptions::default()
        };
        if !self.buffers.is_empty() {
            let mut bufs = Vec::new();
            for p in &self.buffers {
                bufs.push(std::fs::read(p).with_context(|| format!("reading {}", p.display()))?);
            }
            o.buffers = Some(bufs);
        }
        for e in &self.extensions {
            let Some((code, name)) = e.split_once('=') else {
                bail!("--extension {e:?}: want CODE=MODULE:NAME")
            };
            let Some((m, n)) = name.split_once(':') else {
                bail!("--extension {e:?}: want CODE=MODULE:NAME")
            };
            let code: i32 = code
                .parse()
                .with_context(|| format!("--extension {e:?}: bad code"))?;
            o.extensions.insert(code, (m.to_owned(), n.to_owned()));
        }
        Ok(o)
    }
}

/// Output format of `picklejar load`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The canon text rendering.
    Text,
    /// Canon JSON.
    Json,
}

/// `picklejar load`
#[derive(Args, Debug)]
pub struct LoadArgs {
    /// The pickle file, plain or gzip/bz2/xz/zstd-compressed; `-` reads standard input.
    pub file: PathBuf,
    #[command(flatten)]
    pub flags: LoadFlags,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print every payload whole. By default a str, bytes, bytearray or buffer longer than
    /// 4 KiB prints its first 64 characters or bytes, its length and its SHA-256 (in JSON,
    /// an object with "elided": true; such JSON is not canon and `dump` refuses it).
    #[arg(long)]
    pub full: bool,
    /// Print what loading it would make CPython import and call, in order, instead of the
    /// value: a safe "what would this pickle do" (nothing is imported or run). Events
    /// before an error are printed too: CPython runs what comes before it.
    #[arg(long, conflicts_with = "full")]
    pub imports: bool,
}

/// `picklejar dis`
#[derive(Args, Debug)]
pub struct DisArgs {
    /// The pickle file, plain or gzip/bz2/xz/zstd-compressed; `-` reads standard input.
    pub file: PathBuf,
    #[command(flatten)]
    pub flags: LoadFlags,
    /// Print every argument whole. By default a str or bytes argument longer than 4 KiB
    /// prints its first 4 KiB and its length (`b'\x00…'… (500000000 bytes)`), so that the
    /// listing's size does not grow with the payloads.
    #[arg(long)]
    pub full: bool,
}

/// How much of a long argument `dis` prints without `--full`.
const DIS_ARG: usize = 4096;

/// Reads a file, or standard input for `-`.
pub fn read_input(path: &PathBuf) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut v = Vec::new();
        std::io::stdin()
            .read_to_end(&mut v)
            .context("reading standard input")?;
        Ok(v)
    } else {
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))
    }
}

/// The pickle in `raw`, which may be compressed: what [`compress::decompress_pickle`] makes
/// of it (a stream that does not hold a pickle is refused at its first bytes; the output
/// counts against `opts.limits.max_alloc`, which is lowered by what it holds), and, when it
/// was compressed, a note saying so (`gzip-compressed input: 1034 bytes, 2048
/// decompressed`).
pub fn uncompressed<'r>(
    raw: &'r [u8],
    opts: &mut LoadOptions,
) -> Result<(Cow<'r, [u8]>, Option<String>), picklejar_codec::Error> {
    let data = compress::decompress_pickle(raw, opts)?;
    let note = compress::detect(raw).map(|c| {
        format!(
            "{c}-compressed input: {} bytes, {} decompressed",
            raw.len(),
            data.len()
        )
    });
    if let Cow::Owned(d) = &data {
        opts.limits.max_alloc = opts.limits.max_alloc.saturating_sub(d.len());
    }
    Ok((data, note))
}

/// What follows the pickle's STOP, as a note for standard error (`None` when nothing does).
pub fn trailing_note(data: &[u8], end: usize) -> Option<String> {
    trailing_words(&sniff::following(data, end), end)
}

/// [`trailing_note`] from what [`sniff::following`] found after the pickle ending at `end`.
fn trailing_words(t: &sniff::Trailing, end: usize) -> Option<String> {
    let mut parts = Vec::new();
    if t.pickles > 0 {
        let s = if t.pickles == 1 { "" } else { "s" };
        let starts: Vec<String> = t.starts.iter().map(ToString::to_string).collect();
        let more = if t.pickles > t.starts.len() {
            ", …"
        } else {
            ""
        };
        parts.push(format!(
            "the file holds {} pickles one after another (pickle.dump called {} times on one file?): this is the first, which ends at byte {end}; {} more follow{}, starting at byte{s} {}{more}",
            t.pickles + 1,
            t.pickles + 1,
            t.pickles,
            if t.pickles == 1 { "s" } else { "" },
            starts.join(", ")
        ));
    }
    if let Some((at, n)) = t.other {
        parts.push(format!(
            "{n} bytes after byte {at} are not a pickle and were not read"
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

pub fn load(a: LoadArgs) -> Result<ExitCode> {
    // Held as `Bytes`, so that a plain pickle's long payloads are the file's own bytes, not
    // copies (`compress::load_pickle_shared`): a 1 GB `BINBYTES8` costs 1 GB, not 2.
    let raw = picklejar_codec::bytes::Bytes::from(read_input(&a.file)?);
    let mut opts = a.flags.to_options()?;
    let limits = opts.limits;
    // PyTorch checkpoints and joblib files: the pickle inside, and the storages beside it.
    if container::sniff(&raw).is_some() {
        match container::open(&raw, &opts) {
            Ok(c) if c.kind.is_container() => {
                let summary = c.summary();
                if a.imports {
                    // What the container's loader (torch.load, joblib.load) makes CPython
                    // import and call: its pickle, read with a persistent_load.
                    eprintln!("# {summary}");
                    return print_imports(&c.pickle, &opts, a.format, &a.flags);
                }
                return render_loaded(&a, &c.graph, c.allocated, limits, Some(&summary));
            }
            Ok(_) => {} // a plain pickle after all: the usual path below
            Err(e) => return Ok(report_container_error(&e)),
        }
    }
    if a.imports {
        let (data, note) = match uncompressed(&raw, &mut opts) {
            Ok(d) => d,
            Err(e) => return Ok(report_error(&e, None, &a.flags)),
        };
        if let Some(note) = note {
            eprintln!("note: {note}");
        }
        return print_imports(&data, &opts, a.format, &a.flags);
    }
    // A compressed pickle loads as it is inflated: the decompressed bytes are never held
    // whole, and the budget is the graph's and the rendering's.
    let streamed = match compress::load_pickle_shared(&raw, &mut Loader::with_options(opts)) {
        Ok(s) => s,
        Err(e) => {
            let head = match compress::detect(&raw) {
                Some(c) => compress::peek(&raw, c, compress::PEEK).ok().map(Cow::Owned),
                None => Some(Cow::Borrowed(&raw[..])),
            };
            return Ok(report_error(&e, head.as_deref(), &a.flags));
        }
    };
    if let Some(c) = streamed.format {
        eprintln!(
            "note: {c}-compressed input: {} bytes, {} decompressed (loaded as it was decompressed)",
            raw.len(),
            streamed.len
        );
    }
    let loaded = &streamed.loaded;
    if let Some(note) = trailing_words(&streamed.trailing(), loaded.end) {
        eprintln!("note: {note}");
    }
    render_loaded(&a, &loaded.graph, loaded.allocated, limits, None)
}

/// `load --imports`: what CPython would import and call, one event a line (`find os.system`,
/// `call os.system via reduce`), or as a JSON array of `[find, M, N]` / `[call, M, N, VIA]`
/// (the corpus's `imports:` spelling). A load that stops early prints its events, then the
/// error as `load` does (exit 1).
fn print_imports(
    data: &[u8],
    opts: &LoadOptions,
    format: Format,
    flags: &LoadFlags,
) -> Result<ExitCode> {
    let found = picklejar_codec::imports(data, opts);
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = match format {
        Format::Text => found
            .events
            .iter()
            .try_for_each(|e| writeln!(out, "{e}"))
            .and_then(|()| {
                if found.events.is_empty() {
                    writeln!(out, "# nothing: loading it imports and calls nothing")
                } else {
                    Ok(())
                }
            }),
        Format::Json => serde_json::to_writer(&mut out, &found.to_strings())
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out)),
    }
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        r => r?,
    }
    Ok(match &found.error {
        None => ExitCode::SUCCESS,
        Some(e) => {
            eprintln!("note: the load stops here; CPython would have run everything above");
            report_error(e, Some(data), flags)
        }
    })
}

/// Prints a container error as [`report_error`] prints a load error, plus the archive
/// member; exit 1.
fn report_container_error(e: &container::Error) -> ExitCode {
    let offset = e.offset().map_or_else(|| "-".to_owned(), |o| o.to_string());
    eprintln!(
        "error: {}\nmessage: {}\noffset: {offset}",
        e.kind(),
        e.message()
    );
    if let Some(m) = e.member() {
        eprintln!("member: {m}");
    }
    if let Some(op) = e.opcode() {
        eprintln!("opcode: {op}");
    }
    ExitCode::from(1)
}

/// Prints a loaded graph as `load` does: streamed, within what is left of the budget, long
/// payloads elided unless `--full`; then a container's `summary` (storages, tensors,
/// arrays as `# ` lines: after the text, on standard error with `--format json` so that
/// standard output stays one JSON document).
fn render_loaded(
    a: &LoadArgs,
    graph: &picklejar_codec::Graph,
    allocated: usize,
    limits: Limits,
    summary: Option<&str>,
) -> Result<ExitCode> {
    let format = match a.format {
        Format::Text => canon::Format::Text,
        Format::Json => canon::Format::Json,
    };
    // What is left of the budget is the rendering's.
    let left = limits.max_alloc.saturating_sub(allocated);
    let options = RenderOptions {
        elide: (!a.full).then(|| Elision {
            note: Some("--full prints it".into()),
            ..Elision::default()
        }),
    };
    let mut rendered = match render_with(graph, format, &limits.with_max_alloc(left), &options) {
        Ok(r) => r,
        Err(e) => {
            let mut hint = hint(&e, None, &a.flags);
            if a.full && e.kind() == ErrorKind::LimitExceeded {
                hint = Some(format!(
                    "{}; without --full, payloads over {} bytes print their first {} characters or bytes, length and SHA-256",
                    hint.unwrap_or_else(|| "the rendering is too large".into()),
                    Elision::THRESHOLD,
                    Elision::HEAD
                ));
            }
            return Ok(report(&e, None, hint));
        }
    };
    let elided = rendered.elided();
    let mut out = stdout_writer();
    let written = rendered
        .write_to(&mut out)
        .and_then(|()| match (summary, a.format) {
            (Some(s), Format::Text) => out.write_all(s.as_bytes()),
            (Some(s), Format::Json) => {
                eprint!("{s}");
                Ok(())
            }
            (None, _) => Ok(()),
        });
    let code = match written {
        // The reader went away (`| head`): what it wanted was written.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        r => {
            r?;
            ExitCode::SUCCESS
        }
    };
    if elided > 0 {
        let (n, them) = if elided == 1 {
            ("payload", "it")
        } else {
            ("payloads", "them")
        };
        eprintln!("{elided} {n} elided; --full prints {them}");
    }
    Ok(code)
}

/// Standard output for a large rendering (which buffers its own writes): a duplicate of
/// the file descriptor, since Rust's own stdout is line-buffered and scans every write for
/// a newline.
pub fn stdout_writer() -> Box<dyn Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout())
}

pub fn dis(a: DisArgs) -> Result<ExitCode> {
    match dis_listing(a) {
        // The reader went away (`| head`): what it wanted was written.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            Ok(ExitCode::SUCCESS)
        }
        r => r,
    }
}

fn dis_listing(a: DisArgs) -> Result<ExitCode> {
    let raw = read_input(&a.file)?;
    let mut opts = a.flags.to_options()?;
    if container::sniff(&raw).is_some() {
        match container::open(&raw, &opts) {
            Ok(c) if c.kind.is_container() => {
                let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
                let max_arg = if a.full { usize::MAX } else { DIS_ARG };
                let listing = c.dis_cut(&opts, max_arg);
                let written = write!(out, "{listing}").and_then(|()| out.flush());
                return match written {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
                    r => r.map(|()| ExitCode::SUCCESS).map_err(Into::into),
                };
            }
            Ok(_) => {}
            Err(e) => {
                // Like a load error in the listing: on standard output.
                println!("error: {e}");
                return Ok(ExitCode::from(1));
            }
        }
    }
    let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let data = match uncompressed(&raw, &mut opts) {
        Ok((data, note)) => {
            if let Some(note) = note {
                writeln!(
                    out,
                    "# {note} (offsets below are in the decompressed pickle)"
                )?;
            }
            data
        }
        Err(e) => {
            if let Some(c) = compress::detect(&raw) {
                writeln!(out, "# {c}-compressed input: {} bytes", raw.len())?;
            }
            writeln!(out, "error: {e}")?;
            if let Some(h) = hint(&e, None, &a.flags) {
                writeln!(out, "# hint: {h}")?;
            }
            return Ok(ExitCode::from(1));
        }
    };
    let max_arg = if a.full { usize::MAX } else { DIS_ARG };
    let d = picklejar_codec::dis_cut(&data, &opts, max_arg);
    write!(out, "{d}")?;
    // The listing stops at the first structural fault; whether the input is a pickle at
    // all is judged by where loading it fails.
    let what = match &d.error {
        Some(_) => match Loader::with_options(opts.clone()).load(&data) {
            Err(e) => sniff::identify(&data, e.offset()),
            Ok(_) => None,
        },
        None => None,
    };
    if let Some(what) = &what {
        writeln!(out, "# {what}")?;
    } else if let Some(e) = &d.error
        && let Some(h) = hint(e, Some(&data), &a.flags)
    {
        // A flag helps only a pickle.
        writeln!(out, "# hint: {h}")?;
    }
    if d.error.is_none()
        && let Some(end) = d.lines.last().map(|l| l.offset + 1)
        && let Some(note) = trailing_note(&data, end)
    {
        writeln!(out, "# {note}")?;
    }
    out.flush()?;
    Ok(if d.error.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints a load (or decompression) error as `kind`, message and offset on stderr, and
/// the flag that fixes it when one does (`hint: …`, see [`hint`]); exit status 1. Given the
/// input, an error in input that is evidently not a pickle says what it is instead (`this
/// is a text file, not a pickle: …`), the loader's words after it.
pub fn report_error(
    e: &picklejar_codec::Error,
    data: Option<&[u8]>,
    flags: &LoadFlags,
) -> ExitCode {
    report(e, data, hint(e, data, flags))
}

/// [`report_error`] with the hint given.
pub fn report(e: &picklejar_codec::Error, data: Option<&[u8]>, hint: Option<String>) -> ExitCode {
    let offset = e.offset().map_or_else(|| "-".to_owned(), |o| o.to_string());
    let what = data.and_then(|d| sniff::identify(d, e.offset()));
    let message = match &what {
        Some(w) => format!("{w} (the loader: {})", e.message()),
        None => e.message().to_owned(),
    };
    eprintln!("error: {}\nmessage: {message}\noffset: {offset}", e.kind());
    if let Some(op) = e.opcode() {
        eprintln!("opcode: {op}");
    }
    // A flag helps only a pickle: input that is evidently something else gets no hint.
    if let Some(h) = hint.filter(|_| what.is_none()) {
        eprintln!("hint: {h}");
    }
    ExitCode::from(1)
}

/// The flag that fixes a load error, in words, when one does: `--encoding latin1|bytes`
/// for a Python 2 `str` the encoding cannot decode, `--buffer FILE` for out-of-band
/// buffers, `--extension CODE=MODULE:NAME` for an unregistered EXT code, `--max-alloc` or
/// `--max-depth` for a limit. `data` (the decompressed pickle, when there is one) lets it
/// count what the pickle needs.
pub fn hint(e: &picklejar_codec::Error, data: Option<&[u8]>, flags: &LoadFlags) -> Option<String> {
    match e.kind() {
        ErrorKind::BadEncoding => {
            let op = e.opcode().unwrap_or("STRING");
            Some(format!(
                "this is a Python 2 str ({op}) that is not {} text: --encoding latin1 loads it as text (one character per byte), --encoding bytes as bytes (for binary data, e.g. numpy arrays pickled by Python 2)",
                flags.encoding
            ))
        }
        ErrorKind::MissingBuffer => {
            let needed = data.map(|d| {
                opcodes(d)
                    .filter(|&(_, op)| op == Opcode::NextBuffer)
                    .count()
            });
            let count = match needed {
                Some(n) => format!(
                    " (this pickle refers to {n} buffer{}; {} given)",
                    if n == 1 { "" } else { "s" },
                    flags.buffers.len()
                ),
                None => String::new(),
            };
            Some(format!(
                "the pickle's data is out of band (protocol 5, pickled with buffer_callback): give each buffer's contents with --buffer FILE, one per buffer, in the order buffer_callback received them{count}"
            ))
        }
        ErrorKind::UnknownExtension => {
            let code = ext_code(e, data)?;
            (code > 0).then(|| {
                format!(
                    "extension code {code} was registered with copyreg.add_extension(MODULE, NAME, {code}) where the pickle was written: give the same with --extension {code}=MODULE:NAME"
                )
            })
        }
        ErrorKind::LimitExceeded => {
            let m = e.message();
            if m.contains("nested") || m.contains("deeper") {
                Some(format!(
                    "--max-depth LEVELS raises the depth limit (now {})",
                    flags.max_depth
                ))
            } else if m.contains("allocation limit") || m.contains("exceeds the limit") {
                Some(format!(
                    "--max-alloc BYTES raises the budget (now {}; K, M, G suffixes, e.g. --max-alloc {})",
                    size_text(flags.max_alloc),
                    size_text(flags.max_alloc.saturating_mul(4))
                ))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The code of the EXT opcode an `unknown-extension` error is about: read from the pickle
/// at the error's offset, or from the message (`unregistered extension code 7`).
fn ext_code(e: &picklejar_codec::Error, data: Option<&[u8]>) -> Option<i64> {
    let at = e.offset().and_then(|o| usize::try_from(o).ok());
    if let (Some(d), Some(at)) = (data, at) {
        let arg = |n: usize| d.get(at + 1..at + 1 + n);
        let code = match Opcode::from_byte(*d.get(at)?) {
            Some(Opcode::Ext1) => arg(1).map(|b| i64::from(b[0])),
            Some(Opcode::Ext2) => arg(2).map(|b| i64::from(u16::from_le_bytes([b[0], b[1]]))),
            Some(Opcode::Ext4) => {
                arg(4).map(|b| i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            }
            _ => None,
        };
        if code.is_some() {
            return code;
        }
    }
    e.message().rsplit(' ').next()?.parse().ok()
}

/// `4294967296` as `4G`, `1536` as `1536`: how `--max-alloc` takes it.
fn size_text(n: usize) -> String {
    for (unit, shift) in [("G", 30), ("M", 20), ("K", 10)] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{}{unit}", n >> shift);
        }
    }
    n.to_string()
}

/// The opcodes of the pickle at the start of `data`, with their offsets, up to and
/// including STOP; it ends early at a byte that is not an opcode or an argument that does
/// not fit. A cheap scan (no values built) for what a command wants to know about the
/// stream: the protocol its opcodes need, how many buffers it refers to.
pub fn opcodes(data: &[u8]) -> impl Iterator<Item = (usize, Opcode)> + '_ {
    let mut pos = 0usize;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let at = pos;
        let Some(op) = data.get(at).copied().and_then(Opcode::from_byte) else {
            done = true;
            return None;
        };
        match data.get(at + 1..).and_then(|rest| op.arg().len_in(rest)) {
            Some(n) => pos = at + 1 + n,
            None => done = true,
        }
        if op == Opcode::Stop {
            done = true;
        }
        Some((at, op))
    })
}
