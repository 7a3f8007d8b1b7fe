//! The tar archives of the legacy PyTorch format (Python's `tarfile`, PAX format), read
//! with the `tar` crate straight from the bytes in memory: ustar, pax `path`/`size`
//! records and GNU long names are the crate's. What this module adds: a member's bytes
//! are a slice of the input, taken only once its size has been checked against what is
//! left of the input (a header's size is never trusted, and nothing is copied); member
//! paths outside the archive refuse it; a pax record the crate would pass over is refused.

use std::io::{self, Cursor, Read, Seek, SeekFrom};

use picklejar_codec::ErrorKind;
use tar::EntryType;

use crate::error::{Error, Result};
use crate::zipfile::check_member_path;

/// Whether `data` looks like a tar archive (`ustar` at byte 257).
pub(crate) fn is_tar(data: &[u8]) -> bool {
    data.get(257..262) == Some(b"ustar")
}

/// A regular file in the archive.
pub(crate) struct Entry<'d> {
    pub(crate) name: String,
    pub(crate) data: &'d [u8],
}

/// The input as the `tar` crate reads it, watched: where the last read began (the block
/// the crate was parsing when it failed) and whether the input ran out.
struct Input<'d> {
    cursor: Cursor<&'d [u8]>,
    last_read: u64,
    ran_out: bool,
}

impl Read for Input<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.last_read = self.cursor.position();
        let n = self.cursor.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ran_out = true;
        }
        Ok(n)
    }
}

impl Seek for Input<'_> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.cursor.seek(pos)
    }
}

type TarEntry<'a, 'd> = tar::Entry<'a, Input<'d>>;

fn corrupt(what: impl std::fmt::Display, at: u64) -> Error {
    Error::new(
        ErrorKind::BadCompression,
        format!("corrupt tar archive: {what}"),
    )
    .at(at)
}

fn truncated(what: impl std::fmt::Display, at: u64) -> Error {
    Error::new(ErrorKind::Truncated, format!("tar archive: {what}")).at(at)
}

/// The archive's regular files, in order. A path outside the archive is an error.
pub(crate) fn entries(data: &[u8]) -> Result<Vec<Entry<'_>>> {
    let mut archive = tar::Archive::new(Input {
        cursor: Cursor::new(data),
        last_read: 0,
        ran_out: false,
    });
    let mut out = Vec::new();
    let mut failed = None;
    // With seeks, the crate passes over members' data without reading it.
    for item in archive.entries_with_seek().map_err(|e| corrupt(e, 0))? {
        match item {
            Ok(mut e) => out.extend(member(&mut e, data)?),
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    let input = archive.into_inner();
    match failed {
        // Once the input has run out, whatever the crate says is that it ended early.
        Some(e) if input.ran_out => Err(truncated(
            format_args!("the data ends early ({e})"),
            data.len() as u64,
        )),
        Some(e) => Err(corrupt(e, input.last_read)),
        // No end-of-archive blocks: Python's tarfile accepts that too, after a member.
        None if input.ran_out && out.is_empty() => Err(truncated(
            "the data ends before the first member",
            data.len() as u64,
        )),
        None => Ok(out),
    }
}

/// What the crate's entry `e` is: a regular file (its bytes sliced from `data`), or
/// nothing to read (directories, links, devices: their names are checked all the same).
fn member<'d>(e: &mut TarEntry<'_, 'd>, data: &'d [u8]) -> Result<Option<Entry<'d>>> {
    let kind = e.header().entry_type();
    if kind.is_pax_global_extensions() {
        // Records for the whole archive, not a member.
        return Ok(None);
    }
    let start = e.raw_file_position();
    // What the archive holds of a sparse file is less than its size.
    let size = if kind.is_gnu_sparse() {
        e.header()
            .entry_size()
            .map_err(|err| corrupt(err, e.raw_header_position()))?
    } else {
        e.size()
    };
    let left = (data.len() as u64).saturating_sub(start);
    if size > left {
        return Err(truncated(
            format_args!("a member of {size} bytes, only {left} left"),
            start,
        ));
    }
    if !kind.is_pax_local_extensions() {
        check_pax(e)?;
    }
    let raw = e.path_bytes();
    let name = String::from_utf8_lossy(&raw).into_owned();
    check_member_path(&raw, &name)?;
    if !matches!(kind, EntryType::Regular | EntryType::Continuous) {
        return Ok(None);
    }
    // In bounds: checked above.
    let body = usize::try_from(start)
        .ok()
        .and_then(|s| data.get(s..s + size as usize))
        .ok_or_else(|| truncated(format_args!("a member of {size} bytes"), start))?;
    Ok(Some(Entry { name, data: body }))
}

/// Refuses what the crate lets pass in the pax records before `e`: a record it cannot
/// parse (it skips it, and a `path` in it with it) and a `size` that is not a number (it
/// then takes the header's size). Python's `tarfile` reads either differently, and an
/// archive that means one thing here and another there is refused.
fn check_pax(e: &mut TarEntry<'_, '_>) -> Result<()> {
    let at = e.raw_header_position();
    let Some(records) = e.pax_extensions().map_err(|err| corrupt(err, at))? else {
        return Ok(());
    };
    for r in records {
        let r = r.map_err(|_| corrupt("a bad pax record", at))?;
        if r.key_bytes() == b"size" && r.value().ok().and_then(|v| v.parse::<u64>().ok()).is_none()
        {
            return Err(corrupt("a bad pax size", at));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ustar header for `name`, written as is (the crate's `set_path` refuses `..`).
    fn header(name: &[u8], size: usize, kind: EntryType) -> tar::Header {
        let mut h = tar::Header::new_ustar();
        h.as_mut_bytes()[..name.len()].copy_from_slice(name);
        h.set_size(size as u64);
        h.set_entry_type(kind);
        h.set_mode(0o644);
        h.set_cksum();
        h
    }

    /// An archive of (name, type, data) members, with its end-of-archive blocks.
    fn archive(members: &[(&[u8], EntryType, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for &(name, kind, data) in members {
            b.append(&header(name, data.len(), kind), data)
                .expect("append");
        }
        b.into_inner().expect("finish")
    }

    fn files(members: &[(&str, &[u8])]) -> Vec<u8> {
        let m: Vec<(&[u8], EntryType, &[u8])> = members
            .iter()
            .map(|&(n, d)| (n.as_bytes(), EntryType::Regular, d))
            .collect();
        archive(&m)
    }

    /// The body of a pax header: `len key=value\n` records.
    fn pax(records: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (k, v) in records {
            let rest = k.len() + v.len() + 3;
            let mut len = rest + 1;
            while len.to_string().len() + rest != len {
                len += 1;
            }
            out.extend(format!("{len} {k}={v}\n").into_bytes());
        }
        out
    }

    fn kind_of(data: &[u8]) -> Option<ErrorKind> {
        entries(data).err().map(|e| e.kind())
    }

    #[test]
    fn reads_members() {
        let a = files(&[("pickle", b"\x80\x02N."), ("x", b"")]);
        assert!(is_tar(&a));
        let e = entries(&a).expect("reads");
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[0].name.as_str(), e[0].data),
            ("pickle", &b"\x80\x02N."[..])
        );
        // Without the end-of-archive blocks too.
        let cut = &a[..a.len() - 1024];
        assert_eq!(entries(cut).expect("reads").len(), 2);
    }

    #[test]
    fn pax_and_gnu_long_names() {
        let long = format!("{}/pickle", "d".repeat(120));
        let records = pax(&[("path", &long), ("size", "4")]);
        let a = archive(&[
            (b"./PaxHeaders/x", EntryType::XHeader, &records),
            // The header's size is 0: the pax size wins.
            (b"short", EntryType::Regular, b""),
        ]);
        // The member's 4 bytes follow its header; the archive's end blocks stand in.
        let e = entries(&a).expect("reads");
        assert_eq!((e[0].name.as_str(), e[0].data.len()), (long.as_str(), 4));

        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(2);
        h.set_mode(0o644);
        b.append_data(&mut h, &long, &b"ab"[..]).expect("append");
        let a = b.into_inner().expect("finish");
        let e = entries(&a).expect("reads");
        assert_eq!((e[0].name.as_str(), e[0].data), (long.as_str(), &b"ab"[..]));
    }

    #[test]
    fn refuses_paths_outside() {
        for bad in ["../pickle", "/etc/pickle", "a/../../pickle"] {
            let a = files(&[(bad, b"x")]);
            assert_eq!(kind_of(&a), Some(ErrorKind::BadArgument), "{bad}");
        }
        // Also by a pax path, and for a directory.
        let records = pax(&[("path", "../../pickle")]);
        let a = archive(&[
            (b"./PaxHeaders/x", EntryType::XHeader, &records),
            (b"pickle", EntryType::Regular, b"x"),
        ]);
        assert_eq!(kind_of(&a), Some(ErrorKind::BadArgument));
        let a = archive(&[(b"../d/", EntryType::Directory, b"")]);
        assert_eq!(kind_of(&a), Some(ErrorKind::BadArgument));
    }

    #[test]
    fn refuses_pax_records_the_crate_would_pass_over() {
        for body in [pax(&[("size", "x4")]), b"99 path=pickle\n".to_vec()] {
            let a = archive(&[
                (b"./PaxHeaders/x", EntryType::XHeader, &body),
                (b"pickle", EntryType::Regular, b"x"),
            ]);
            assert_eq!(kind_of(&a), Some(ErrorKind::BadCompression));
        }
    }

    #[test]
    fn a_member_longer_than_the_archive_is_truncated() {
        let mut a = header(b"pickle", 10_000, EntryType::Regular)
            .as_bytes()
            .to_vec();
        a.extend([0u8; 100]);
        let e = entries(&a).err().expect("refused");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Truncated, Some(512)));
    }

    #[test]
    fn cut_archives_are_truncated() {
        let records = pax(&[("path", "pickle")]);
        let a = archive(&[
            (b"./PaxHeaders/x", EntryType::XHeader, &records),
            (b"pickle", EntryType::Regular, b"x"),
        ]);
        // In the pax header, in its records, in the member's header.
        for len in [300, 520, 1000, 1100, 1536] {
            assert_eq!(kind_of(&a[..len]), Some(ErrorKind::Truncated), "{len}");
        }
        // A directory and nothing after it.
        let a = archive(&[(b"d/", EntryType::Directory, b"")]);
        assert_eq!(kind_of(&a[..512]), Some(ErrorKind::Truncated));
    }

    #[test]
    fn a_bad_checksum_is_corrupt() {
        let mut a = files(&[("x", b"x"), ("pickle", b"x")]);
        a[1024] = b'q';
        let e = entries(&a).err().expect("refused");
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::BadCompression, Some(1024))
        );
    }
}
