//! Inputs that must be refused, and how: a table of hand-made containers.

use std::io::{Cursor, Write};

use picklejar_codec::ErrorKind;
use picklejar_container::{Kind, open};
use zip::write::SimpleFileOptions;

mod common;

use common::{one_mib, read};

/// A zip archive of (name, data, deflated) members.
fn zip(members: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for &(name, data, deflate) in members {
        let method = if deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        w.start_file(
            name,
            SimpleFileOptions::default().compression_method(method),
        )
        .expect("start");
        w.write_all(data).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

/// `persistent_load(('storage', torch.FloatStorage, key, 'cpu', numel))`, protocol 2.
fn persid_pickle(key: &str, numel: u8) -> Vec<u8> {
    let mut p = b"\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX".to_vec();
    p.extend((key.len() as u32).to_le_bytes());
    p.extend(key.as_bytes());
    p.extend(b"X\x03\x00\x00\x00cpuK");
    p.push(numel);
    p.extend(b"tQ.");
    p
}

/// A legacy stacked checkpoint of one float storage `k` with `values`, whose key list
/// names `listed`.
fn stacked(listed: &str, values: &[f32]) -> Vec<u8> {
    let mut d = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.".to_vec();
    d.extend(b"\x80\x02M\xe9\x03.");
    d.extend(b"\x80\x02}q\x00.");
    // ('storage', torch.FloatStorage, 'k', 'cpu', n, None)
    d.extend(b"\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00kX\x03\x00\x00\x00cpuK");
    d.push(values.len() as u8);
    d.extend(b"NtQ.");
    d.extend(b"\x80\x02]X");
    d.extend((listed.len() as u32).to_le_bytes());
    d.extend(listed.as_bytes());
    d.extend(b"a.");
    d.extend((values.len() as i64).to_le_bytes());
    for v in values {
        d.extend(v.to_le_bytes());
    }
    d
}

/// torch_legacy_tar.pt with member `from` renamed to `to`, written as is.
fn legacy_tar_renaming(from: &str, to: &[u8]) -> Vec<u8> {
    let t = read("torch_legacy_tar.pt");
    let mut b = tar::Builder::new(Vec::new());
    for e in tar::Archive::new(t.as_slice()).entries().expect("entries") {
        let mut e = e.expect("entry");
        let mut h = e.header().clone();
        if e.path_bytes().as_ref() == from.as_bytes() {
            // Not `set_path`, which refuses `..`.
            let name = &mut h.as_mut_bytes()[..100];
            name.fill(0);
            name[..to.len()].copy_from_slice(to);
            h.set_cksum();
        }
        b.append(&h, &mut e).expect("append");
    }
    b.into_inner().expect("finish")
}

#[test]
fn refused_inputs() {
    let npz = zip(&[("a.npy", b"\x93NUMPY", false)]);
    let two = zip(&[
        ("a/data.pkl", b"\x80\x02N.", false),
        ("b/data.pkl", b"\x80\x02N.", false),
    ]);
    let missing = zip(&[("m/data.pkl", &persid_pickle("7", 1), false)]);
    let absolute = zip(&[("/m/data.pkl", b"\x80\x02N.", false)]);
    let nested_up = zip(&[
        ("m/data.pkl", b"\x80\x02N.", false),
        ("m/../../x", b"", false),
    ]);
    let bad_pickle = zip(&[("m/data.pkl", b"\x80\x02a.", false)]);
    let zeros = vec![0u8; 8 << 20];
    let deflated_bomb = zip(&[
        ("m/data.pkl", &persid_pickle("0", 1), false),
        ("m/data/0", &zeros, true),
    ]);
    let pkl_bomb = zip(&[("m/data.pkl", &zeros, true)]);
    let mut root = read("joblib_root_p2.joblib");
    let cut_array = root[..root.len() - 7].to_vec();
    let i = root
        .windows(2)
        .position(|w| w == b"i2")
        .expect("dtype string");
    root[i + 1] = b'x';
    let bad_dtype = root;
    let zlib_bomb = {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&zeros).expect("write");
        e.finish().expect("finish")
    };
    let tar_without_pickle = legacy_tar_renaming("pickle", b"pickel");
    let tar_traversal = legacy_tar_renaming("sys_info", b"../sys_info");
    let full = stacked("k", &[1.0, 2.0]);
    let cases: Vec<(&str, Vec<u8>, ErrorKind, &str)> = vec![
        (
            "empty input",
            Vec::new(),
            ErrorKind::Truncated,
            "Ran out of input",
        ),
        (
            "zip magic only",
            b"PK\x03\x04".to_vec(),
            ErrorKind::BadCompression,
            "zip",
        ),
        ("an npz archive", npz, ErrorKind::BadArgument, "numpy.load"),
        (
            "two data.pkl",
            two,
            ErrorKind::BadArgument,
            "2 data.pkl records",
        ),
        (
            "a missing storage record",
            missing,
            ErrorKind::Truncated,
            "no record m/data/7",
        ),
        (
            "an absolute member",
            absolute,
            ErrorKind::BadArgument,
            "absolute path",
        ),
        (
            "a member climbing out",
            nested_up,
            ErrorKind::BadArgument,
            "'..' component",
        ),
        (
            "a corrupt data.pkl",
            bad_pickle,
            ErrorKind::StackUnderflow,
            "",
        ),
        (
            "a deflated storage bomb",
            deflated_bomb,
            ErrorKind::LimitExceeded,
            "zip bomb",
        ),
        (
            "a deflated data.pkl bomb",
            pkl_bomb,
            ErrorKind::LimitExceeded,
            "zip bomb",
        ),
        (
            "joblib array cut short",
            cut_array,
            ErrorKind::Truncated,
            "joblib array 0: its bytes need 10 bytes",
        ),
        (
            "joblib dtype without a size",
            bad_dtype,
            ErrorKind::BadArgument,
            "no element size",
        ),
        (
            "a zlib bomb",
            zlib_bomb,
            ErrorKind::LimitExceeded,
            "zlib-compressed data decompresses to more than",
        ),
        (
            "joblib < 0.9.3",
            b"ZF0x10\x00\x00".to_vec(),
            ErrorKind::BadCompression,
            "zfile",
        ),
        (
            "a tar with no pickle member",
            tar_without_pickle,
            ErrorKind::BadArgument,
            "without a 'pickle' member",
        ),
        (
            "a tar member outside the archive",
            tar_traversal,
            ErrorKind::BadArgument,
            "\"../sys_info\" has a path outside the archive (a '..' component)",
        ),
        (
            "stacked, storage bytes cut",
            full[..full.len() - 3].to_vec(),
            ErrorKind::Truncated,
            "storage 'k' needs 8 bytes",
        ),
        (
            "stacked, unknown key",
            stacked("z", &[1.0]),
            ErrorKind::BadArgument,
            "no persistent id in it names that key",
        ),
    ];
    for (what, data, kind, text) in cases {
        match open(&data, &one_mib()) {
            Ok(c) => panic!("{what}: opened as {}", c.kind),
            Err(e) => {
                assert_eq!(e.kind(), kind, "{what}: {e}");
                assert!(e.to_string().contains(text), "{what}: {e}");
            }
        }
    }
}

#[test]
fn errors_say_where() {
    // BINPERSID's pickle with an APPEND on nothing, inside the zip: the offset is in the
    // member, which the error names.
    let z = zip(&[("m/data.pkl", b"\x80\x02a.", false)]);
    let e = open(&z, &one_mib()).expect_err("refused");
    assert_eq!(
        (e.offset(), e.opcode(), e.member()),
        (Some(2), Some("APPEND"), Some("m/data.pkl"))
    );
    assert_eq!(
        e.to_string(),
        "stack-underflow: unpickling stack underflow (at byte 2 of member m/data.pkl, opcode APPEND)"
    );
    // A joblib stream whose pickle breaks after an array: the offset is the file's own.
    let mut d = read("joblib_root_p2.joblib");
    let stop = d.len() - 1;
    d[stop] = b'a';
    let e = open(&d, &one_mib()).expect_err("refused");
    assert_eq!(e.offset(), Some(stop as u64), "{e}");
}

#[test]
fn deflated_members_and_stacked_checkpoints_load() {
    let z = zip(&[
        ("m/data.pkl", &persid_pickle("0", 2), true),
        ("m/byteorder", b"little", false),
        ("m/data/0", &[0, 0, 128, 63, 0, 0, 0, 64], true),
    ]);
    let c = open(&z, &one_mib()).expect("opens");
    assert_eq!(c.kind, Kind::TorchZip);
    let s = c.storage("0").expect("storage 0");
    assert_eq!(
        (s.numel, s.data.as_slice()),
        (2, &[0, 0, 128, 63, 0, 0, 0, 64][..])
    );
    assert_eq!(s.nodes.len(), 1);

    let c = open(&stacked("k", &[1.0, 2.0]), &one_mib()).expect("opens");
    assert_eq!(c.kind, Kind::TorchLegacyStacked);
    let s = c.storage("k").expect("storage k");
    assert_eq!(s.data, [0, 0, 128, 63, 0, 0, 0, 64]);
    assert_eq!(s.nodes.len(), 1);

    // The same checkpoint, gzipped: compression is undone first.
    let gz = picklejar_codec::compress::compress(
        &stacked("k", &[1.0]),
        picklejar_codec::compress::Compression::Gzip,
    )
    .expect("gzip");
    assert_eq!(
        open(&gz, &one_mib()).expect("opens").kind,
        Kind::TorchLegacyStacked
    );
}
