//! The `picklejar` binary as a user runs it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_picklejar"))
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

fn first_variant(case: &str) -> PathBuf {
    let dir = corpus().join(case);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("case dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pkl"))
        .collect();
    files.sort();
    files.remove(0)
}

#[test]
fn load_prints_canon_text_and_json() {
    let f = first_variant("containers/list_3");
    let out = bin().arg("load").arg(&f).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(text.starts_with("list\n"), "{text}");
    let out = bin()
        .args(["load", "--format", "json"])
        .arg(&f)
        .output()
        .expect("runs");
    let json = String::from_utf8(out.stdout).expect("utf8");
    assert!(json.starts_with("{\"t\":\"list\""), "{json}");
}

#[test]
fn load_reads_stdin_and_reports_errors_with_kind_and_offset() {
    let mut child = bin()
        .args(["load", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(b"\x80\x04K\x01\xff.")
            .expect("write");
    }
    let out = child.wait_with_output().expect("waits");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: unknown-opcode"), "{err}");
    assert!(err.contains("offset: 4"), "{err}");
}

#[test]
fn dis_lists_opcodes_and_stops_at_the_fault() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("bad.pkl");
    std::fs::write(&f, b"\x80\x02]q\x00(K\x01K\x02e0.").expect("write");
    let out = bin().arg("dis").arg(&f).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("EMPTY_LIST"), "{text}");
    assert!(text.contains("APPENDS    (MARK at 5)"), "{text}");
    assert!(text.contains("error: stack-underflow"), "{text}");
}

#[test]
fn conformance_runs_the_picklejar_codec_and_writes_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("results.json");
    let out = conformance_on_scalars(&["--json".as_ref(), json.as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("gate: ok"), "{stdout}");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("results")).expect("json");
    assert_eq!(doc["schema"], "picklejar-results/1");
    assert!(
        doc["codecs"][0]["trials"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );
}

#[test]
fn conformance_fails_on_an_unlisted_failure() {
    // An expectations file that lists a passing trial as failing: the gate must say no.
    let dir = tempfile::tempdir().expect("tempdir");
    let exp = dir.path().join("picklejar.yaml");
    std::fs::write(&exp, "codec: picklejar\nentries:\n- glob: \"load/scalars/**\"\n  status: fail\n  reason: planted\n").expect("write");
    let json = dir.path().join("r.json");
    let out = conformance_on_scalars(&[
        "--expect".as_ref(),
        exp.as_os_str(),
        "--json".as_ref(),
        json.as_os_str(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `picklejar conformance --codec picklejar` over `load/scalars/**`, from the workspace
/// root, with `extra` arguments.
fn conformance_on_scalars(extra: &[&std::ffi::OsStr]) -> std::process::Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    bin()
        .current_dir(&root)
        .args([
            "conformance",
            "--codec",
            "picklejar",
            "--no-progress",
            "--filter",
            "load/scalars/**",
        ])
        .args(extra)
        .output()
        .expect("runs")
}

fn run_ok(args: &[&std::ffi::OsStr]) -> (String, String) {
    let out = bin().args(args).output().expect("runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{args:?}: {stdout}\n{stderr}");
    (stdout, stderr)
}

#[test]
fn load_and_dis_decompress_every_format() {
    use picklejar_codec::compress::{Compression, compress};
    let plain = first_variant("containers/list_3");
    let data = std::fs::read(&plain).expect("read");
    let (want_load, _) = run_ok(&["load".as_ref(), plain.as_os_str()]);
    let (want_dis, _) = run_ok(&["dis".as_ref(), plain.as_os_str()]);
    let dir = tempfile::tempdir().expect("tempdir");
    for &c in Compression::ALL {
        // A name that says nothing: detection is by magic bytes.
        let f = dir.path().join(format!("{c}.pkl"));
        std::fs::write(&f, compress(&data, c).expect("compresses")).expect("write");
        let (text, note) = run_ok(&["load".as_ref(), f.as_os_str()]);
        assert_eq!(text, want_load, "{c}");
        assert!(
            note.contains(&format!("{c}-compressed input")),
            "{c}: {note}"
        );
        let (listing, _) = run_ok(&["dis".as_ref(), f.as_os_str()]);
        let (header, rest) = listing.split_once('\n').expect("lines");
        assert!(
            header.starts_with(&format!("# {c}-compressed input: ")),
            "{header}"
        );
        assert!(
            header.contains(&format!("{} decompressed", data.len())),
            "{header}"
        );
        assert_eq!(rest, want_dis, "{c}");
    }
}

#[test]
fn dump_compress_then_load_and_roundtrip() {
    let plain = first_variant("containers/list_3");
    let (json, _) = run_ok(&[
        "load".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        plain.as_os_str(),
    ]);
    let (want, _) = run_ok(&["load".as_ref(), plain.as_os_str()]);
    let dir = tempfile::tempdir().expect("tempdir");
    let canon = dir.path().join("value.json");
    std::fs::write(&canon, json).expect("write");
    for (name, magic) in [
        ("gzip", &b"\x1f\x8b"[..]),
        ("bz2", b"BZh"),
        ("xz", b"\xfd7zXZ\x00"),
        ("zstd", b"\x28\xb5\x2f\xfd"),
    ] {
        let out = dir.path().join(format!("out-{name}"));
        run_ok(&[
            "dump".as_ref(),
            "--profile".as_ref(),
            "3.13".as_ref(),
            "--compress".as_ref(),
            name.as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
            canon.as_os_str(),
        ]);
        let bytes = std::fs::read(&out).expect("written");
        assert!(bytes.starts_with(magic), "{name}: {bytes:02x?}");
        let (text, _) = run_ok(&["load".as_ref(), out.as_os_str()]);
        assert_eq!(text, want, "{name}");
        // roundtrip compares the re-dump with the decompressed bytes.
        let (report, _) = run_ok(&[
            "roundtrip".as_ref(),
            "--profile".as_ref(),
            "3.13".as_ref(),
            out.as_os_str(),
        ]);
        assert!(
            report.starts_with(&format!("{name}-compressed input: {} bytes", bytes.len())),
            "{report}"
        );
        assert!(report.contains("\nbyte-exact: "), "{name}: {report}");
    }
    let bad = bin()
        .args(["dump", "--compress", "lz4"])
        .arg(&canon)
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("gzip, bz2, xz or zstd"));
}

#[test]
fn broken_compressed_input_is_an_error_with_kind_and_offset() {
    use picklejar_codec::compress::{Compression, compress};
    let data = std::fs::read(first_variant("containers/list_3")).expect("read");
    let gz = compress(&data, Compression::Gzip).expect("gzip");
    let dir = tempfile::tempdir().expect("tempdir");
    let truncated = dir.path().join("truncated");
    std::fs::write(&truncated, &gz[..gz.len() - 5]).expect("write");
    let mut flipped = gz.clone();
    let n = flipped.len();
    flipped[n - 8] ^= 0xff;
    let corrupt = dir.path().join("corrupt");
    std::fs::write(&corrupt, &flipped).expect("write");
    for (f, kind, offset) in [
        (&truncated, "truncated", gz.len() - 5),
        (&corrupt, "bad-compression", gz.len() - 8),
    ] {
        for cmd in ["load", "roundtrip"] {
            let out = bin().arg(cmd).arg(f).output().expect("runs");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{cmd} {kind}: {err}");
            assert!(err.contains(&format!("error: {kind}\n")), "{cmd}: {err}");
            assert!(err.contains("message: gzip: "), "{cmd}: {err}");
            assert!(err.contains(&format!("offset: {offset}")), "{cmd}: {err}");
        }
        let out = bin().arg("dis").arg(f).output().expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.starts_with("# gzip-compressed input: "), "{text}");
        assert!(text.contains(&format!("error: {kind}: gzip: ")), "{text}");
    }
}
