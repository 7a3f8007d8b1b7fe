//! `picklejar load|dis|roundtrip` at the edges (issue 16), scaled down: one budget for the
//! whole command (`--max-alloc`), streamed output, input that is not a pickle named for
//! what it is, several pickles in one file counted, compressed input that is not a pickle
//! refused at its first bytes.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use picklejar_codec::compress::{Compression, compress};

#[path = "../../codec/tests/support/edge_inputs.rs"]
mod edge_inputs;
use edge_inputs::fan_out;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_picklejar"))
}

fn run(args: &[&str], file: &Path) -> (Output, Duration) {
    let t = Instant::now();
    let out = bin().args(args).arg(file).output().expect("runs");
    (out, t.elapsed())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, data: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).expect("write");
    p
}

#[test]
fn the_budget_bounds_the_printed_canon() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 1000 references to a 64 KiB str print 64 MB in full: within 256M, past 32M.
    let f = write(dir.path(), "fan.pkl", &fan_out(64 << 10, 1000, false));
    let (ok, _) = run(
        &["load", "--full", "--format", "json", "--max-alloc", "256M"],
        &f,
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(ok.stdout.len() > 1000 * (64 << 10));
    let (over, t) = run(
        &["load", "--full", "--format", "json", "--max-alloc", "32M"],
        &f,
    );
    assert_eq!(over.status.code(), Some(1));
    let err = stderr(&over);
    assert!(err.contains("error: limit-exceeded\n"), "{err}");
    assert!(over.stdout.is_empty(), "nothing printed before the refusal");
    assert!(t < Duration::from_secs(5), "{t:?}");
    // And the tree-free rendering is what the text form always was.
    let (text, _) = run(&["load"], &f);
    let s = String::from_utf8_lossy(&text.stdout);
    assert!(s.starts_with("list\n  str \"aaa"), "{}", &s[..40]);
    assert_eq!(s.lines().count(), 1001);
}

#[test]
fn depth_is_an_option() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 5000 nested lists, protocol 2: deeper than CPython 3.13's pickle.dumps writes.
    let mut d = b"\x80\x02".to_vec();
    d.resize(d.len() + 5000, b']');
    d.push(b'N');
    d.resize(d.len() + 5000, b'a');
    d.push(b'.');
    let f = write(dir.path(), "deep.pkl", &d);
    let (ok, _) = run(&["load", "--format", "json"], &f);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let (shallow, _) = run(&["load", "--max-depth", "1000"], &f);
    assert!(
        stderr(&shallow).contains("error: limit-exceeded"),
        "{}",
        stderr(&shallow)
    );
}

#[test]
fn input_that_is_not_a_pickle_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, data, what) in [
        ("empty.pkl", &b""[..], "this is an empty file, not a pickle"),
        (
            "notes.txt",
            b"hello, world\nsecond line\n",
            "this is a text file, not a pickle",
        ),
        (
            "Fix.txt",
            b"Fix the loader\n",
            "this is a text file, not a pickle",
        ),
        (
            "data.json",
            b"{\"a\": [1, 2]}\n",
            "this is a JSON file, not a pickle",
        ),
        (
            "model.pt",
            b"PK\x03\x04\x14\x00\x00\x00archive/data.pkl",
            "this is a zip archive, not a pickle",
        ),
        (
            "arr.npy",
            b"\x93NUMPY\x01\x00v\x00{'descr': '<f8'}",
            "this is a NumPy .npy array file",
        ),
    ] {
        let f = write(dir.path(), name, data);
        for cmd in ["load", "roundtrip"] {
            let (out, _) = run(&[cmd], &f);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{cmd} {name}: {err}");
            if cmd == "load" && name == "model.pt" {
                // `load` reads zip checkpoints (crates/container): this one is cut short.
                assert!(err.contains("corrupt zip archive"), "{cmd} {name}: {err}");
                continue;
            }
            assert!(err.contains(what), "{cmd} {name}: {err}");
            // What the unpickler said is still there, and the kind is CPython's.
            assert!(err.contains("(the loader: "), "{cmd} {name}: {err}");
        }
        let (out, _) = run(&["dis"], &f);
        let text = String::from_utf8_lossy(&out.stdout);
        if name == "model.pt" {
            assert!(text.contains("corrupt zip archive"), "dis {name}: {text}");
            continue;
        }
        assert!(text.contains(what), "dis {name}: {text}");
    }
}

#[test]
fn several_pickles_in_one_file_are_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    // pickle.dump(1, f, 2); pickle.dump([2], f, 4); pickle.dump('x', f, 0)
    let f = write(
        dir.path(),
        "three.pkl",
        b"\x80\x02K\x01.\x80\x04\x95\x07\x00\x00\x00\x00\x00\x00\x00]\x94K\x02a.Vx\np0\n.",
    );
    let (out, _) = run(&["load"], &f);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "int 1\n");
    let err = stderr(&out);
    assert!(err.contains("holds 3 pickles one after another"), "{err}");
    assert!(
        err.contains("2 more follow, starting at bytes 5, 22"),
        "{err}"
    );
    let (out, _) = run(&["dis"], &f);
    assert!(String::from_utf8_lossy(&out.stdout).contains("holds 3 pickles"));
    // Trailing bytes that are not a pickle are said to be there too.
    let g = write(dir.path(), "junk.pkl", b"\x80\x02K\x01.\x00\x00\x00");
    let (out, _) = run(&["load"], &g);
    assert!(
        stderr(&out).contains("3 bytes after byte 5 are not a pickle"),
        "{}",
        stderr(&out)
    );
    // The same three pickles gzipped: loaded as the stream inflates, and still counted.
    let gz = picklejar_codec::compress::compress(
        &std::fs::read(&f).expect("reads"),
        picklejar_codec::compress::Compression::Gzip,
    )
    .expect("compresses");
    let z = write(dir.path(), "three.pkl.gz", &gz);
    let (out, _) = run(&["load"], &z);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "int 1\n");
    let err = stderr(&out);
    assert!(err.contains("loaded as it was decompressed"), "{err}");
    assert!(
        err.contains("2 more follow, starting at bytes 5, 22"),
        "{err}"
    );
}

#[test]
fn compressed_input_that_is_not_a_pickle_fails_at_its_first_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 512 MiB of zeros: zstd makes it ~16 KB; refused after the first chunk.
    let zeros = compress(&vec![0u8; 512 << 20], Compression::Zstd).expect("zstd");
    let f = write(dir.path(), "zeros.zst", &zeros);
    let (out, t) = run(&["load"], &f);
    let err = stderr(&out);
    assert!(err.contains("error: unknown-opcode\n"), "{err}");
    assert!(err.contains("zstd-decompressed data"), "{err}");
    assert!(err.contains("offset: 0\n"), "{err}");
    assert!(t < Duration::from_secs(2), "{t:?}");
    // Compressed twice.
    let gz = compress(b"\x80\x04N.", Compression::Gzip).expect("gzip");
    let f = write(
        dir.path(),
        "twice.gz",
        &compress(&gz, Compression::Gzip).expect("gzip"),
    );
    let (out, _) = run(&["load"], &f);
    let err = stderr(&out);
    assert!(err.contains("error: bad-compression\n"), "{err}");
    assert!(err.contains("compressed twice"), "{err}");
    // A text file, gzipped.
    let f = write(
        dir.path(),
        "notes.gz",
        &compress(b"hello, world\n", Compression::Gzip).expect("gzip"),
    );
    let (out, _) = run(&["load"], &f);
    assert!(
        stderr(&out).contains("this is a text file, not a pickle"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn roundtrip_of_large_bytes_is_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    // BINBYTES8 of 8 MiB, with a FRAME CPython would not write: the re-dump differs, and the
    // listings show the payload cut, not 32 MB of repr.
    let n = 8usize << 20;
    let mut d = b"\x80\x04\x95\x01\x00\x00\x00\x00\x00\x00\x00N0\x8e".to_vec();
    d.extend_from_slice(&(n as u64).to_le_bytes());
    d.resize(d.len() + n, 0);
    d.push(b'.');
    let f = write(dir.path(), "big.pkl", &d);
    let (out, _) = run(&["roundtrip", "--profile", "3.13"], &f);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("differs from byte"), "{report}");
    assert!(report.contains(&format!("({n} bytes)")), "{report}");
    assert!(report.len() < 10_000, "{} bytes of report", report.len());
    // What CPython 3.13 writes for bytes(n) is byte-exact: BINBYTES, MEMOIZE, no frame.
    let mut exact = b"\x80\x04B".to_vec();
    exact.extend_from_slice(&(n as u32).to_le_bytes());
    exact.resize(exact.len() + n, 0);
    exact.extend_from_slice(b"\x94.");
    let f = write(dir.path(), "exact.pkl", &exact);
    let (out, _) = run(&["roundtrip", "--profile", "3.13"], &f);
    assert!(String::from_utf8_lossy(&out.stdout).contains("byte-exact"));
    // `dis` shows the payload cut too (4 KiB of it and its length); `--full` prints it all.
    let (out, _) = run(&["dis"], &f);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(listing.contains(&format!("… ({n} bytes)")), "{listing}");
    assert!(listing.len() < 20_000, "{} bytes of listing", listing.len());
    let (out, _) = run(&["dis", "--full"], &f);
    assert!(out.stdout.len() > 4 * n, "{} bytes", out.stdout.len());
}

#[test]
fn a_canon_as_deep_as_the_depth_limit_dumps_and_loads_back() {
    // 100000 nested lists as canon JSON: parsed, dumped and dropped without recursing on
    // the thread's stack (it used to abort with a stack overflow).
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 100_000;
    let json = format!("{}{}", r#"{"t":"list","v":["#.repeat(n), "]}".repeat(n));
    let f = write(dir.path(), "deep.json", json.as_bytes());
    let (out, _) = run(&["dump"], &f);
    assert!(out.status.success(), "{}", stderr(&out));
    let p = write(dir.path(), "deep.pkl", &out.stdout);
    let (back, _) = run(&["load", "--format", "json"], &p);
    assert!(back.status.success(), "{}", stderr(&back));
    assert_eq!(String::from_utf8_lossy(&back.stdout).trim_end(), json);
}

/// Runs `picklejar ARGS FILE`, reads the first 16 bytes of its output and closes the
/// pipe (`| head -c 16`): those bytes, its exit code and what it said on stderr.
fn into_a_closed_pipe(args: &[&str], file: &std::path::Path) -> ([u8; 16], Option<i32>, String) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = bin()
        .args(args)
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut first = [0u8; 16];
    let mut out = child.stdout.take().expect("stdout");
    out.read_exact(&mut first).expect("some output");
    drop(out);
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    let status = child.wait().expect("waits");
    (first, status.code(), err)
}

#[test]
fn dis_into_a_closed_pipe_ends_quietly() {
    // `picklejar dis big.pkl | head -c 16`
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(dir.path(), "nones.pkl", &edge_inputs::nones(2_000_000));
    let (_, code, err) = into_a_closed_pipe(&["dis"], &f);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn dump_into_a_closed_pipe_ends_quietly() {
    // `picklejar dump -p 5 big.json | head -c 16`: 4 MiB of bytes, written from the graph
    // in parts, into a reader that stops after 16 bytes.
    let dir = tempfile::tempdir().expect("tempdir");
    let json = format!(r#"{{"t":"bytes","v":"{}"}}"#, "a".repeat(4 << 20));
    let f = write(dir.path(), "big.json", json.as_bytes());
    let (first, code, err) = into_a_closed_pipe(&["dump", "-p", "5"], &f);
    assert_eq!(&first[..2], b"\x80\x05", "a protocol-5 pickle");
    assert_eq!(code, Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
}
