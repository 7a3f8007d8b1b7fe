//! Compressed corpus variants: the runner decompresses them (by magic bytes) before any
//! codec sees them, so every codec loads plain pickle bytes, and a variant that does not
//! decompress has that error (`truncated`, `bad-compression`, `limit-exceeded`) as its
//! outcome for every codec, compared with the case's expected error like a load error.

use std::path::Path;
use std::time::Duration;

use picklejar_codec::compress::{Compression, compress};
use picklejar_codec::{DumpOptions, ErrorKind, Profile, dump, load, to_canon};
use picklejar_runner::adapters::{CommandCodec, Picklejar};

use picklejar_runner::corpus::{CompressionMethod, MAX_DECOMPRESSED, VariantError};
use picklejar_runner::trial::{self, TrialKind, Verdict};
use picklejar_runner::{Codec, CompressedInput, Corpus};
use sha2::{Digest, Sha256};

/// `[1, 'a', None]` as CPython 3.13's C pickler writes it at protocol 4.
fn pickle() -> Vec<u8> {
    let g = load(b"\x80\x02]q\x00(K\x01X\x01\x00\x00\x00aq\x01Ne.").expect("loads");
    let profile = Profile::from_version("3.13").expect("profile");
    dump(&g, 4, &DumpOptions::new(profile))
        .expect("dumps")
        .bytes
}

fn canon_json(data: &[u8]) -> String {
    to_canon(&load(data).expect("loads"))
        .expect("canon")
        .to_json_string()
}

/// One variant of a case: its bytes, `compression:` key, and the reference outcome as YAML.
struct V {
    bytes: Vec<u8>,
    compression: Option<CompressionMethod>,
    outcome: String,
}

/// Writes `corpus/compressed/<name>/case.yaml` and its files.
fn write_case(root: &Path, name: &str, error: Option<&str>, variants: &[V]) {
    let dir = root.join("compressed").join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut y = format!(
        "id: compressed/{name}\ndescription: test\nexpect: {}\n",
        if error.is_some() { "reject" } else { "accept" }
    );
    if let Some(k) = error {
        y.push_str(&format!("error: {k}\n"));
    }
    y.push_str("variants:\n");
    for (i, v) in variants.iter().enumerate() {
        let hex: String = Sha256::digest(&v.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let ext = match v.compression {
            None => "",
            Some(CompressionMethod::Stream(Compression::Gzip)) => ".gz",
            Some(CompressionMethod::Stream(Compression::Bz2)) => ".bz2",
            Some(CompressionMethod::Stream(Compression::Xz)) => ".xz",
            Some(CompressionMethod::Stream(Compression::Zstd)) => ".zst",
            Some(CompressionMethod::Zip) => ".pt",
            Some(CompressionMethod::Zlib) => ".z",
        };
        let file = format!("p4-{}-{i}.pkl{ext}", &hex[..12]);
        std::fs::write(dir.join(&file), &v.bytes).expect("write");
        y.push_str(&format!(
            "- file: {file}\n  protocol: 4\n  sha256: {hex}\n  size: {}\n",
            v.bytes.len()
        ));
        if let Some(c) = v.compression {
            y.push_str(&format!("  compression: {c}\n"));
        }
        y.push_str(&format!(
            "  producers: [cpython-3.13]\n  results:\n  - readers: [cpython-3.13]\n    {}\n",
            v.outcome
        ));
    }
    std::fs::write(dir.join("case.yaml"), y).expect("write yaml");
}

fn accepted(c: Compression, data: &[u8]) -> V {
    V {
        bytes: compress(data, c).expect("compresses"),
        compression: Some(CompressionMethod::Stream(c)),
        outcome: format!("canon: '{}'", canon_json(data)),
    }
}

fn rejected(c: Compression, bytes: Vec<u8>, kind: &str) -> V {
    V {
        bytes,
        compression: Some(CompressionMethod::Stream(c)),
        outcome: format!("error: {{kind: {kind}, type: Error, message: m}}"),
    }
}

fn corpus(dir: &Path) -> Corpus {
    let p = pickle();
    let root = dir.join("corpus");
    write_case(
        &root,
        "every_format",
        None,
        &Compression::ALL
            .iter()
            .map(|&c| accepted(c, &p))
            .collect::<Vec<_>>(),
    );
    let gz = compress(&p, Compression::Gzip).expect("gzip");
    write_case(
        &root,
        "truncated",
        Some("truncated"),
        &[rejected(
            Compression::Gzip,
            gz[..gz.len() - 4].to_vec(),
            "truncated",
        )],
    );
    let mut bad = compress(&p, Compression::Xz).expect("xz");
    let n = bad.len();
    bad[n - 12] ^= 0x01;
    write_case(
        &root,
        "bad_crc",
        Some("bad-compression"),
        &[rejected(Compression::Xz, bad, "bad-compression")],
    );
    // 257 gzip members of 1 MiB of zeros each: 257 KiB on disk, past the 256 MiB cap.
    let member = compress(&vec![0u8; 1 << 20], Compression::Gzip).expect("gzip");
    let bomb = member.repeat((MAX_DECOMPRESSED >> 20) + 1);
    write_case(
        &root,
        "bomb",
        Some("limit-exceeded"),
        &[rejected(Compression::Gzip, bomb, "limit-exceeded")],
    );
    // A case that expects the wrong kind: the runner's error is compared, not excused.
    write_case(
        &root,
        "wrong_kind",
        Some("truncated"),
        &[rejected(
            Compression::Zstd,
            b"\x28\xb5\x2f\xfd\x08\x00\x01\x00\x00\x00\x00\x00".to_vec(),
            "truncated",
        )],
    );
    Corpus::open(&root).expect("opens")
}

/// A `cmd:` adapter that loads only plain protocol-4 pickles of `[1, 'a', None]` and
/// answers anything else with a canon that matches no case: it passes only if the runner
/// hands it decompressed bytes, and only where it should run at all.
fn command_codec() -> CommandCodec {
    let canon = canon_json(&pickle()).replace('"', "\\\"");
    let cmd = format!(
        r#"first=$(head -c 2 | od -An -tx1 | tr -d ' \n'); if [ "$first" = 8004 ]; then printf "%s" "{canon}"; else echo '{{"t":"none"}}'; fi"#
    );
    CommandCodec::new("sh", &cmd, Duration::from_secs(10))
}

#[test]
fn the_corpus_model_reads_compression_and_decompresses_variants() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = corpus(dir.path());
    let p = pickle();
    for case in &c.cases {
        for v in &case.variants {
            let raw = case.read_variant_file(v).expect("file");
            assert_eq!(raw.len() as u64, v.size);
            assert!(v.compression.is_some(), "{}", v.file);
            let got = case.read_variant(v);
            match (case.id.as_str(), got) {
                ("compressed/every_format", Ok(data)) => assert_eq!(data, p, "{}", v.file),
                (id, Err(VariantError::Decompress(e))) => {
                    let want = match id {
                        "compressed/truncated" => ErrorKind::Truncated,
                        "compressed/bomb" => ErrorKind::LimitExceeded,
                        // bad_crc, and wrong_kind's zstd header with its reserved bit set.
                        _ => ErrorKind::BadCompression,
                    };
                    assert_eq!(e.kind(), want, "{id}: {e}");
                    if id != "compressed/wrong_kind" {
                        assert_eq!(Some(e.kind()), case.error, "{id}");
                    }
                }
                (id, other) => panic!("{id}/{}: {other:?}", v.file),
            }
        }
    }
}

#[test]
fn every_codec_gets_plain_bytes_or_the_decompression_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = corpus(dir.path());
    let codecs: Vec<Box<dyn Codec>> = vec![
        Box::new(Picklejar),
        #[cfg(feature = "serde-pickle")]
        Box::new(picklejar_runner::adapters::SerdePickle),
        Box::new(command_codec()),
    ];
    for codec in &codecs {
        let info = codec.info();
        let plan = trial::plan(&c, &info);
        assert!(!plan.is_empty());
        for spec in &plan {
            let (verdict, ev) = trial::run(&c, codec.as_ref(), &info, spec, &Picklejar);
            let case = &c.cases[spec.case];
            let want = if spec.kind == TrialKind::Imports {
                // nothing is imported from a stream that does not decompress, or from these
                Verdict::Pass
            } else if case.id == "compressed/wrong_kind" {
                Verdict::Fail
            } else if verdict == Verdict::Skip && spec.kind == TrialKind::Dump {
                // serde-pickle cannot dump every value.
                Verdict::Skip
            } else {
                Verdict::Pass
            };
            assert_eq!(
                verdict, want,
                "{} with {}: {} ({})",
                spec.name, info.name, ev.message, ev.actual
            );
            if case.id == "compressed/wrong_kind" && spec.kind != TrialKind::Imports {
                assert!(ev.message.contains("wrong error kind"), "{}", ev.message);
                assert_eq!(ev.actual, "error bad-compression\n");
            }
            // Re-dumps compare with the decompressed bytes: byte-exact.
            if spec.kind == TrialKind::Redump {
                assert!(ev.message.starts_with("byte-exact"), "{}", ev.message);
            }
        }
        let kinds: Vec<TrialKind> = plan.iter().map(|t| t.kind).collect();
        assert!(kinds.contains(&TrialKind::Load));
        if info.redumps {
            assert!(kinds.contains(&TrialKind::Redump), "{}", info.name);
        }
    }
}

/// A zip archive of stored members, as `generators/pjcompress.py`'s `zip_archive` writes it.
fn zip_archive(members: &[(&str, &[u8])]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for (name, data) in members {
        let (crc, n, offset) = (crc32(data), data.len() as u32, out.len() as u32);
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0x21, 0]);
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&n.to_le_bytes());
            v.extend_from_slice(&n.to_le_bytes());
            v.extend_from_slice(&(name.len() as u16).to_le_bytes());
            v.extend_from_slice(&[0, 0]);
        };
        out.extend_from_slice(b"PK\x03\x04\x14\x00");
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00");
        common(&mut central);
        // comment length, disk, internal and external attributes
        central.extend_from_slice(&[0; 10]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let count = (members.len() as u16).to_le_bytes();
    let (size, at) = (central.len() as u32, out.len() as u32);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
    out.extend_from_slice(&count);
    out.extend_from_slice(&count);
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// A command codec that loads a file only if it is a zip (`PK\x03\x04`): it passes only
/// when it is given the whole archive.
fn whole_zip_codec() -> CommandCodec {
    let canon = canon_json(&pickle()).replace('"', "\\\"");
    let cmd = format!(
        r#"first=$(head -c 4 | od -An -tx1 | tr -d ' \n'); if [ "$first" = 504b0304 ]; then printf "%s" "{canon}"; else echo '{{"t":"none"}}'; fi"#
    );
    CommandCodec::new("sh", &cmd, Duration::from_secs(10))
}

#[test]
fn zip_variants_are_their_data_pkl_for_the_runner_and_whole_for_a_codec_that_unpacks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("corpus");
    let p = pickle();
    let zip = |members: &[(&str, &[u8])], outcome: String| V {
        bytes: zip_archive(members),
        compression: Some(CompressionMethod::Zip),
        outcome,
    };
    let bad = || "error: {kind: bad-compression, type: BadZipFile, message: m}".to_owned();
    let ok = format!("canon: '{}'", canon_json(&p));
    write_case(
        &root,
        "zip_ok",
        None,
        &[zip(
            &[("archive/data.pkl", &p), ("archive/version", b"3\n")],
            ok,
        )],
    );
    write_case(
        &root,
        "zip_none",
        Some("bad-compression"),
        &[zip(&[("data.pkl", &p), ("archive/x/data.pkl", &p)], bad())],
    );
    write_case(
        &root,
        "zip_two",
        Some("bad-compression"),
        &[zip(&[("a/data.pkl", &p), ("b/data.pkl", &p)], bad())],
    );
    write_case(
        &root,
        "zip_escape",
        Some("bad-compression"),
        &[zip(&[("archive/data.pkl", &p), ("../evil", b"")], bad())],
    );
    let c = Corpus::open(&root).expect("opens");
    for case in &c.cases {
        let v = &case.variants[0];
        assert_eq!(v.compression, Some(CompressionMethod::Zip));
        match (case.id.as_str(), case.read_variant(v)) {
            ("compressed/zip_ok", Ok(data)) => assert_eq!(data, p),
            (_, Err(VariantError::Decompress(e))) => {
                assert_eq!(e.kind(), ErrorKind::BadCompression, "{}: {e}", case.id);
            }
            (id, other) => panic!("{id}: {other:?}"),
        }
    }
    // The runner unpacks for picklejar; a codec that declares it decompresses gets the
    // whole archive; one that does not decompress is not applicable.
    let whole = whole_zip_codec();
    for (codec, mode) in [
        (&Picklejar as &dyn Codec, CompressedInput::Runner),
        (&whole as &dyn Codec, CompressedInput::Codec),
        (&whole as &dyn Codec, CompressedInput::NotApplicable),
    ] {
        let mut info = codec.info();
        info.compressed = mode;
        for spec in trial::plan(&c, &info) {
            if spec.kind != TrialKind::Load {
                continue;
            }
            let (verdict, ev) = trial::run(&c, codec, &info, &spec, &Picklejar);
            let case = &c.cases[spec.case].id;
            let want = match mode {
                CompressedInput::Runner => Verdict::Pass,
                CompressedInput::NotApplicable => Verdict::Skip,
                // the command codec loads any zip as the good one
                _ if case == "compressed/zip_ok" => Verdict::Pass,
                _ => Verdict::Fail,
            };
            assert_eq!(
                verdict, want,
                "{} {mode:?}: {} ({})",
                spec.name, ev.message, ev.actual
            );
            if mode == CompressedInput::NotApplicable {
                assert!(ev.message.contains("zip-compressed"), "{}", ev.message);
            }
        }
    }
}
