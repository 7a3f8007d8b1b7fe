//! `picklejar load` and `picklejar dis`: look at one pickle (gzip, bzip2, xz or zstd
//! compressed or not: compression is detected by magic bytes and undone first).

use std::borrow::Cow;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use picklejar_codec::compress;
use picklejar_codec::{DecodeErrors, Encoding, LoadOptions, Loader, to_canon};

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

/// The pickle in `raw`, which may be compressed: what [`compress::decompress`] makes of it,
/// within the loader's allocation limit `limit` (a bomb is `limit-exceeded`), and, when it
/// was compressed, a note saying so (`gzip-compressed input: 1034 bytes, 2048
/// decompressed`).
pub fn uncompressed(
    raw: &[u8],
    limit: usize,
) -> Result<(Cow<'_, [u8]>, Option<String>), picklejar_codec::Error> {
    let data = compress::decompress(raw, limit)?;
    let note = compress::detect(raw).map(|c| {
        format!(
            "{c}-compressed input: {} bytes, {} decompressed",
            raw.len(),
            data.len()
        )
    });
    Ok((data, note))
}

pub fn load(a: LoadArgs) -> Result<ExitCode> {
    let raw = read_input(&a.file)?;
    let opts = a.flags.to_options()?;
    let (data, note) = match uncompressed(&raw, opts.limits.max_alloc) {
        Ok(d) => d,
        Err(e) => return Ok(report_error(&e)),
    };
    if let Some(note) = note {
        eprintln!("note: {note}");
    }
    let loaded = match Loader::with_options(opts).load(&data) {
        Ok(l) => l,
        Err(e) => return Ok(report_error(&e)),
    };
    let canon = match to_canon(&loaded.graph) {
        Ok(c) => c,
        Err(e) => return Ok(report_error(&e)),
    };
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Text => out.write_all(canon.to_text().as_bytes())?,
        Format::Json => writeln!(out, "{}", canon.to_json_string())?,
    }
    Ok(ExitCode::SUCCESS)
}

pub fn dis(a: DisArgs) -> Result<ExitCode> {
    let raw = read_input(&a.file)?;
    let opts = a.flags.to_options()?;
    let mut out = std::io::stdout().lock();
    let data = match uncompressed(&raw, opts.limits.max_alloc) {
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
    let listing = d.to_string();
    out.write_all(listing.as_bytes())?;
    Ok(if d.error.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints a load (or decompression) error as `kind`, message and offset on stderr; exit
/// status 1.
pub fn report_error(e: &picklejar_codec::Error) -> ExitCode {
    let offset = e.offset().map_or_else(|| "-".to_owned(), |o| o.to_string());
    eprintln!(
        "error: {}\nmessage: {}\noffset: {offset}",
        e.kind(),
        e.message()
    );
    if let Some(op) = e.opcode() {
        eprintln!("opcode: {op}");
    }
    ExitCode::from(1)
}
