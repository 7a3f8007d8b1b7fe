//! PyTorch zip checkpoints (`torch.save` since 1.6, the `PyTorchStreamWriter` layout):
//! records `<prefix>/data.pkl` (the object; persistent ids
//! `('storage', storage_type, key, location, numel)`), `<prefix>/data/<key>` (each
//! storage's bytes, stored uncompressed and 64-byte aligned by torch), `<prefix>/byteorder`
//! (`little`/`big`, torch ≥ 2.1), `<prefix>/version` or `<prefix>/.data/version`,
//! `.format_version`, `.storage_alignment`, `.data/serialization_id`. `<prefix>` is the
//! file's stem (`archive` for a file object).
//!
//! Member data is read through the `zip` crate, never trusting the sizes in the headers:
//! a compressed member is first inflated through a scratch chunk and counted against what
//! is left of the budget, and a storage record against the size its persistent id
//! declares (`numel` × element size), whichever is smaller (a bomb is `limit-exceeded`
//! having held one chunk), then read into a buffer of exactly that size.

use std::io::{Cursor, Read};

use picklejar_codec::{ErrorKind, LoadOptions};
use zip::result::ZipError;

use crate::budget::Budget;
use crate::error::{Error, Result};
use crate::torch;
use crate::{Container, Detail, Kind, Layout, Member, Source, Storage};

type Archive<'d> = zip::ZipArchive<Cursor<&'d [u8]>>;

/// Refuses a member path that points outside the archive: an absolute path (`/x`, `\x`,
/// `C:x`), a `..` component, or a NUL byte.
pub(crate) fn check_member_path(raw: &[u8], shown: &str) -> Result<()> {
    let why = if raw.first().is_some_and(|&b| b == b'/' || b == b'\\') {
        Some("an absolute path")
    } else if raw.len() >= 2 && raw[0].is_ascii_alphabetic() && raw[1] == b':' {
        Some("a drive-letter path")
    } else if raw.contains(&0) {
        Some("a NUL byte")
    } else if raw.split(|&b| b == b'/' || b == b'\\').any(|c| c == b"..") {
        Some("a '..' component")
    } else {
        None
    };
    match why {
        Some(why) => Err(Error::new(
            ErrorKind::BadArgument,
            format!(
                "member {shown:?} has a path outside the archive ({why}): refusing the archive; torch.save never writes such a member, so the file was made by something else (do not extract it)"
            ),
        )
        .in_member(shown)),
        None => Ok(()),
    }
}

fn zip_error(e: ZipError, member: Option<&str>) -> Error {
    let err = match e {
        ZipError::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => Error::new(
            ErrorKind::Truncated,
            format!("zip archive: the data ends early ({io})"),
        ),
        ZipError::Io(io) => Error::new(ErrorKind::BadCompression, format!("zip archive: {io}")),
        ZipError::InvalidArchive(why) => Error::new(
            ErrorKind::BadCompression,
            format!("corrupt zip archive: {why}"),
        ),
        ZipError::UnsupportedArchive(why) => Error::new(
            ErrorKind::BadCompression,
            format!(
                "zip archive with a feature this reader lacks: {why} (torch.save writes plain stored members)"
            ),
        ),
        ZipError::CompressionMethodNotSupported(m) => Error::new(
            ErrorKind::BadCompression,
            format!(
                "zip member compressed with method {m}: only stored and deflated members are read (torch.save stores them)"
            ),
        ),
        other => Error::new(ErrorKind::BadCompression, format!("zip archive: {other}")),
    };
    match member {
        Some(m) => err.in_member(m),
        None => err,
    }
}

fn io_error(e: &std::io::Error, member: &str) -> Error {
    let kind = if e.kind() == std::io::ErrorKind::UnexpectedEof {
        ErrorKind::Truncated
    } else {
        ErrorKind::BadCompression
    };
    Error::new(kind, format!("reading the member: {e}")).in_member(member)
}

/// The most a member may inflate to: what is left of the budget, or less when the
/// pickle says how big it is.
#[derive(Clone, Copy)]
struct Cap {
    max: usize,
    /// The size a persistent id declares, when that is the bound.
    declared: Option<u64>,
}

impl Cap {
    fn new(left: usize, declared: Option<u64>) -> Cap {
        match declared {
            Some(d) if d < left as u64 => Cap {
                max: d as usize,
                declared: Some(d),
            },
            _ => Cap {
                max: left,
                declared: None,
            },
        }
    }

    fn exceeded(self, member: &str) -> Error {
        let message = match self.declared {
            Some(d) => format!(
                "the member inflates past the {d} bytes its persistent id declares (a zip bomb?): refusing it"
            ),
            None => format!(
                "the member decompresses to more than the {} bytes left of the budget (a zip bomb?); raise --max-alloc if the file is trusted",
                self.max
            ),
        };
        Error::new(ErrorKind::LimitExceeded, message).in_member(member)
    }
}

/// Reads member `i` whole, within the budget and at most `declared` bytes.
fn read_member(
    z: &mut Archive<'_>,
    i: usize,
    name: &str,
    budget: &mut Budget,
    declared: Option<u64>,
) -> Result<Vec<u8>> {
    let cap = Cap::new(budget.left(), declared);
    let stored = z
        .by_index_raw(i)
        .map_err(|e| zip_error(e, Some(name)))?
        .compression()
        == zip::CompressionMethod::Stored;
    let mut exact = None;
    if !stored {
        // First pass: count the output through a chunk.
        let mut f = z.by_index(i).map_err(|e| zip_error(e, Some(name)))?;
        let mut chunk = vec![0u8; picklejar_codec::compress::CHUNK];
        let mut total = 0usize;
        loop {
            match f.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    total += n;
                    if total > cap.max {
                        return Err(cap.exceeded(name));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(&e, name)),
            }
        }
        exact = Some(total);
    }
    let f = z.by_index(i).map_err(|e| zip_error(e, Some(name)))?;
    let mut out = Vec::new();
    if let Some(n) = exact {
        out.try_reserve_exact(n).map_err(|_| cap.exceeded(name))?;
    }
    f.take(cap.max as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| io_error(&e, name))?;
    if out.len() > cap.max {
        return Err(cap.exceeded(name));
    }
    budget.charge(out.len(), || format!("member {name}"))?;
    Ok(out)
}

/// Reads at most `max` bytes of a small record (`byteorder`, `version`).
fn read_small(z: &mut Archive<'_>, i: usize, name: &str, max: u64) -> Result<Vec<u8>> {
    let f = z.by_index(i).map_err(|e| zip_error(e, Some(name)))?;
    let mut out = Vec::new();
    f.take(max)
        .read_to_end(&mut out)
        .map_err(|e| io_error(&e, name))?;
    Ok(out)
}

/// Whether `name` is the pickle record of the torch layout, `<prefix>/data.pkl`, strictly
/// (one non-empty directory, as `torch.save` writes it).
fn is_prefixed_data_pkl(name: &str) -> bool {
    name.len() > "/data.pkl".len() && name.ends_with("/data.pkl") && name.matches('/').count() == 1
}

/// The bytes of a zip checkpoint's single `<prefix>/data.pkl` member, at most `limit` of
/// them (see [`crate::torch_zip_pickle`]).
pub(crate) fn data_pkl(data: &[u8], limit: usize) -> Result<Vec<u8>> {
    let mut z = zip::ZipArchive::new(Cursor::new(data)).map_err(|e| zip_error(e, None))?;
    let mut pkls = Vec::new();
    for i in 0..z.len() {
        let f = z.by_index_raw(i).map_err(|e| zip_error(e, None))?;
        let name = f.name().to_owned();
        check_member_path(f.name_raw(), &name)?;
        if is_prefixed_data_pkl(&name) {
            pkls.push((i, name));
        }
    }
    match pkls.as_slice() {
        [(i, name)] => read_member(&mut z, *i, name, &mut Budget::new(limit), None),
        more => Err(Error::new(
            ErrorKind::BadCompression,
            format!(
                "a zip archive with {} <prefix>/data.pkl members{}: a PyTorch checkpoint has exactly one",
                more.len(),
                if more.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({})",
                        more.iter()
                            .map(|(_, n)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ),
        )),
    }
}

/// Opens a zip checkpoint.
pub(crate) fn open(data: &[u8], options: &LoadOptions, budget: &mut Budget) -> Result<Container> {
    let mut z = zip::ZipArchive::new(Cursor::new(data)).map_err(|e| zip_error(e, None))?;
    let mut members = Vec::with_capacity(z.len().min(1 << 16));
    for i in 0..z.len() {
        let f = z.by_index_raw(i).map_err(|e| zip_error(e, None))?;
        let name = f.name().to_owned();
        check_member_path(f.name_raw(), &name)?;
        members.push(Member {
            name,
            size: f.size(),
        });
    }
    budget.charge(members.iter().map(|m| m.name.len() + 48).sum(), || {
        "the archive's member list".to_owned()
    })?;
    let pkls: Vec<usize> = members
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            m.name == "data.pkl"
                || (m.name.ends_with("/data.pkl") && m.name.matches('/').count() == 1)
        })
        .map(|(i, _)| i)
        .collect();
    let pkl = match pkls.as_slice() {
        [one] => *one,
        [] => {
            let npz = members.iter().any(|m| m.name.ends_with(".npy"));
            let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).take(8).collect();
            let hint = if npz {
                "it holds .npy files: a NumPy .npz archive; read it with numpy.load"
            } else {
                "not a PyTorch checkpoint; unzip it and load the pickle inside"
            };
            return Err(Error::new(
                ErrorKind::BadArgument,
                format!(
                    "a zip archive with no <prefix>/data.pkl record (it has: {}{}): {hint}",
                    names.join(", "),
                    if members.len() > names.len() {
                        ", …"
                    } else {
                        ""
                    }
                ),
            ));
        }
        more => {
            let names: Vec<&str> = more.iter().map(|&i| members[i].name.as_str()).collect();
            return Err(Error::new(
                ErrorKind::BadArgument,
                format!(
                    "a zip archive with {} data.pkl records ({}): which one is the checkpoint is unclear; unzip it and load one",
                    names.len(),
                    names.join(", ")
                ),
            ));
        }
    };
    let pkl_name = members[pkl].name.clone();
    let prefix = pkl_name[..pkl_name.len() - "data.pkl".len()].to_owned();
    let index = |name: &str| members.iter().position(|m| m.name == name);

    let mut notes = Vec::new();
    let byteorder = match index(&format!("{prefix}byteorder")) {
        Some(i) => {
            let b = read_small(&mut z, i, &members[i].name, 16)?;
            let s = String::from_utf8_lossy(&b).into_owned();
            if s != "little" && s != "big" {
                notes.push(format!(
                    "the byteorder record says {s:?}, neither little nor big"
                ));
            }
            Some(s)
        }
        None => {
            notes.push("no byteorder record (torch < 2.1): torch.load assumes the loading machine's byte order".to_owned());
            None
        }
    };

    let pickle = read_member(&mut z, pkl, &pkl_name, budget, None)?;
    let (main, pids) = torch::load_recording(&pickle, options, budget, 0, "")
        .map_err(|e| e.in_member(&pkl_name))?;
    let (refs, other) = torch::storage_refs(&main.graph, &pids);
    if other > 0 {
        notes.push(format!(
            "{other} persistent ids are not ('storage', …) tuples: kept as persid nodes"
        ));
    }
    if main.end < pickle.len() {
        notes.push(format!(
            "{} bytes after the pickle's STOP in {pkl_name} were not read",
            pickle.len() - main.end
        ));
    }
    let mut storages = Vec::with_capacity(refs.len());
    for r in refs {
        let name = format!("{prefix}data/{}", r.key);
        let i = index(&name).ok_or_else(|| {
            Error::new(
                ErrorKind::Truncated,
                format!(
                    "storage '{}' is named by a persistent id in {pkl_name}, but the archive has no record {name}: the checkpoint is incomplete",
                    r.key
                ),
            )
        })?;
        let want = r.dtype.and_then(|(_, s)| r.numel.checked_mul(s as u64));
        let bytes = read_member(&mut z, i, &name, budget, want)?;
        if want.is_some_and(|w| w != bytes.len() as u64) {
            notes.push(format!(
                "storage '{}': the persistent id says {} elements ({} bytes), the record has {} bytes",
                r.key,
                r.numel,
                want.unwrap_or(0),
                bytes.len()
            ));
        }
        storages.push(Storage {
            key: r.key.clone(),
            dtype: r.dtype.map_or("unknown", |d| d.0).to_owned(),
            element_size: r.dtype.map(|d| d.1),
            numel: r.numel,
            data: bytes,
            source: Source::Member(name),
            nodes: r.nodes,
            detail: Detail::Torch {
                storage_type: r.storage_type,
                location: r.location,
            },
        });
    }
    let data_prefix = format!("{prefix}data/");
    let unnamed: Vec<&str> = members
        .iter()
        .filter_map(|m| m.name.strip_prefix(&data_prefix))
        .filter(|k| !storages.iter().any(|s| s.key == *k))
        .collect();
    if !unnamed.is_empty() {
        notes.push(format!(
            "{} storage records no persistent id names were not read ({})",
            unnamed.len(),
            unnamed
                .iter()
                .take(8)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(Container {
        kind: Kind::TorchZip,
        protocol: main.protocol,
        graph: main.graph,
        pickle,
        pickle_name: pkl_name,
        storages,
        tensors: Vec::new(),
        members,
        byteorder,
        notes,
        allocated: budget.used(),
        layout: Layout::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_paths() {
        for ok in [
            "archive/data.pkl",
            "a/b/c",
            "data.pkl",
            "a..b/c",
            ".data/version",
        ] {
            assert!(check_member_path(ok.as_bytes(), ok).is_ok(), "{ok}");
        }
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "\\x",
            "C:x",
            "a\\..\\x",
            "a\0b",
            "..",
        ] {
            let e = check_member_path(bad.as_bytes(), bad).expect_err(bad);
            assert_eq!(e.kind(), ErrorKind::BadArgument);
            assert_eq!(e.member(), Some(bad));
        }
    }
}
