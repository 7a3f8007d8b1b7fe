//! `picklejar load` and `picklejar dis`: look at one pickle (gzip, bzip2, xz or zstd
//! compressed or not: compression is detected by magic bytes and undone first).
//!
//! One budget bounds a whole command: `--max-alloc` (the loader's `Limits::max_alloc`)
//! counts the decompressed input, what the loader holds, and the canon rendering, which is
//! measured before it is written and then written straight from the graph.

use std::borrow::Cow;
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use picklejar_codec::canon::{self, render};
use picklejar_codec::{DecodeErrors, Encoding, Limits, LoadOptions, Loader, compress, sniff};

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
}

/// `picklejar dis`
#[derive(Args, Debug)]
pub struct DisArgs {
    /// The pickle file, plain or gzip/bz2/xz/zstd-compressed; `-` reads standard input.
    pub file: PathBuf,
    #[command(flatten)]
    pub flags: LoadFlags,
}

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
    let t = sniff::following(data, end);
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
    let raw = read_input(&a.file)?;
    let mut opts = a.flags.to_options()?;
    let (data, note) = match uncompressed(&raw, &mut opts) {
        Ok(d) => d,
        Err(e) => return Ok(report_error(&e, None)),
    };
    if let Some(note) = note {
        eprintln!("note: {note}");
    }
    let limits = opts.limits;
    let loaded = match Loader::with_options(opts).load(&data) {
        Ok(l) => l,
        Err(e) => return Ok(report_error(&e, Some(&data))),
    };
    if let Some(note) = trailing_note(&data, loaded.end) {
        eprintln!("note: {note}");
    }
    let format = match a.format {
        Format::Text => canon::Format::Text,
        Format::Json => canon::Format::Json,
    };
    // What is left of the budget is the rendering's.
    let left = limits.max_alloc.saturating_sub(loaded.allocated);
    let mut rendered = match render(&loaded.graph, format, &limits.with_max_alloc(left)) {
        Ok(r) => r,
        Err(e) => return Ok(report_error(&e, None)),
    };
    match rendered.write_to(&mut stdout_writer()) {
        // The reader went away (`| head`): what it wanted was written.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        r => {
            r?;
            Ok(ExitCode::SUCCESS)
        }
    }
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
    let raw = read_input(&a.file)?;
    let mut opts = a.flags.to_options()?;
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
            return Ok(ExitCode::from(1));
        }
    };
    let d = picklejar_codec::dis(&data, &opts);
    write!(out, "{d}")?;
    // The listing stops at the first structural fault; whether the input is a pickle at
    // all is judged by where loading it fails.
    if d.error.is_some()
        && let Err(e) = Loader::with_options(opts.clone()).load(&data)
        && let Some(what) = sniff::identify(&data, e.offset())
    {
        writeln!(out, "# {what}")?;
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

/// Prints a load (or decompression) error as `kind`, message and offset on stderr; exit
/// status 1. Given the input, an error in input that is evidently not a pickle says what
/// it is instead (`this is a text file, not a pickle: …`), the loader's words after it.
pub fn report_error(e: &picklejar_codec::Error, data: Option<&[u8]>) -> ExitCode {
    let offset = e.offset().map_or_else(|| "-".to_owned(), |o| o.to_string());
    let what = data.and_then(|d| sniff::identify(d, e.offset()));
    let message = match what {
        Some(w) => format!("{w} (the loader: {})", e.message()),
        None => e.message().to_owned(),
    };
    eprintln!("error: {}\nmessage: {message}\noffset: {offset}", e.kind());
    if let Some(op) = e.opcode() {
        eprintln!("opcode: {op}");
    }
    ExitCode::from(1)
}
