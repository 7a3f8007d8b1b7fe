//! `picklejar load|dis|roundtrip|dump` help the user (issue 15, item 6): errors name the
//! flag that fixes them, `load` elides long payloads unless `--full`, `roundtrip` infers
//! protocol 1 and, on a mismatch, names the profiles that reproduce the bytes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_picklejar"))
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

/// The `.pkl` files of a corpus case, sorted.
fn variants(case: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus().join(case))
        .expect("case dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pkl"))
        .collect();
    files.sort();
    files
}

/// The variants of a case whose `case.yaml` entry satisfies `want` (given the entry's
/// text: `written_at`, `producers`, …).
fn variants_where(case: &str, want: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let dir = corpus().join(case);
    let yaml = std::fs::read_to_string(dir.join("case.yaml")).expect("case.yaml");
    yaml.split("\n- file: ")
        .skip(1)
        .filter(|entry| want(entry))
        .filter_map(|entry| entry.split_whitespace().next())
        .map(|file| dir.join(file))
        .collect()
}

fn run(args: &[&str], file: &Path) -> Output {
    bin().args(args).arg(file).output().expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).expect("write");
    p
}

// ----- hints ------------------------------------------------------------------------------

#[test]
fn a_python2_str_that_is_not_ascii_suggests_latin1_or_bytes() {
    // numpy arrays pickled by Python 2: the array data is a Python 2 str.
    let failing: Vec<PathBuf> = variants("numpy_like/ndarray_float64")
        .into_iter()
        .filter(|f| stderr(&run(&["load"], f)).contains("error: bad-encoding\n"))
        .collect();
    assert!(!failing.is_empty(), "the case has Python 2 variants");
    for f in &failing {
        let out = run(&["load"], f);
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains("\nhint: this is a Python 2 str"), "{err}");
        assert!(err.contains("--encoding latin1"), "{err}");
        assert!(err.contains("--encoding bytes"), "{err}");
        // The kind, message and offset are still there.
        assert!(err.contains("\noffset: "), "{err}");
        // The flags the hint names fix it.
        for enc in ["bytes", "latin1"] {
            let ok = run(&["load", "--encoding", enc], f);
            assert!(ok.status.success(), "--encoding {enc}: {}", stderr(&ok));
        }
        // dis and roundtrip say it too.
        let dis = stdout(&run(&["dis"], f));
        assert!(dis.contains("\n# hint: this is a Python 2 str"), "{dis}");
        let rt = stderr(&run(&["roundtrip"], f));
        assert!(rt.contains("--encoding bytes"), "{rt}");
    }
}

#[test]
fn out_of_band_data_suggests_buffer_files_in_order() {
    let pkl = variants("buffers/oob_mixed").remove(0);
    let bufs: Vec<PathBuf> = (0..3)
        .map(|i| pkl.with_extension(format!("buf{i}")))
        .collect();
    let out = run(&["load"], &pkl);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: missing-buffer\n"), "{err}");
    assert!(err.contains("\nhint: "), "{err}");
    assert!(
        err.contains("--buffer FILE, one per buffer, in the order"),
        "{err}"
    );
    assert!(err.contains("refers to 3 buffers; 0 given"), "{err}");
    // One given: still two short.
    let one = bin()
        .arg("load")
        .arg("--buffer")
        .arg(&bufs[0])
        .arg(&pkl)
        .output()
        .expect("runs");
    assert!(
        stderr(&one).contains("refers to 3 buffers; 1 given"),
        "{}",
        stderr(&one)
    );
    // All three: it loads.
    let mut cmd = bin();
    cmd.arg("load");
    for b in &bufs {
        cmd.arg("--buffer").arg(b);
    }
    let ok = cmd.arg(&pkl).output().expect("runs");
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(
        stdout(&ok).contains("buffer 0 readonly b\"a\""),
        "{}",
        stdout(&ok)
    );
    // The hand-written reject and dis.
    let f = variants("rejects/next_buffer_no_buffers").remove(0);
    assert!(stderr(&run(&["load"], &f)).contains("--buffer FILE"));
    assert!(stdout(&run(&["dis"], &pkl)).contains("# hint: the pickle's data is out of band"));
}

#[test]
fn an_unregistered_extension_code_suggests_the_extension_flag() {
    let failing: Vec<PathBuf> = variants("extensions/ext1")
        .into_iter()
        .filter(|f| stderr(&run(&["load"], f)).contains("error: unknown-extension\n"))
        .collect();
    assert!(!failing.is_empty(), "EXT1 variants at protocol 2+");
    for f in &failing {
        let err = stderr(&run(&["load"], f));
        assert!(
            err.contains("hint: extension code 1 was registered"),
            "{err}"
        );
        assert!(err.contains("--extension 1=MODULE:NAME"), "{err}");
        let ok = run(&["load", "--extension", "1=pjfixtures:ExtA"], f);
        assert!(ok.status.success(), "{}", stderr(&ok));
        assert!(stdout(&ok).contains("global pjfixtures ExtA"));
    }
    for (case, code) in [
        ("rejects/ext2_unregistered", "65535"),
        ("rejects/ext4_unregistered", "2147483647"),
    ] {
        let err = stderr(&run(&["load"], &variants(case).remove(0)));
        assert!(
            err.contains(&format!("--extension {code}=MODULE:NAME")),
            "{case}: {err}"
        );
    }
    // A code no registry can hold: no flag fixes it, so no hint.
    for case in ["rejects/ext1_code_zero", "rejects/ext4_code_negative"] {
        let err = stderr(&run(&["load"], &variants(case).remove(0)));
        assert!(err.contains("error: unknown-extension\n"), "{case}: {err}");
        assert!(!err.contains("hint:"), "{case}: {err}");
    }
}

#[test]
fn limits_suggest_max_alloc_and_max_depth() {
    let dir = tempfile::tempdir().expect("tempdir");
    // pickle.dumps(bytes(2 << 20), 4) without a frame.
    let mut d = b"\x80\x04B".to_vec();
    d.extend_from_slice(&(2u32 << 20).to_le_bytes());
    d.resize(d.len() + (2 << 20), 0);
    d.push(b'.');
    let f = write(dir.path(), "big.pkl", &d);
    let err = stderr(&run(&["load", "--max-alloc", "1M"], &f));
    assert!(err.contains("error: limit-exceeded\n"), "{err}");
    assert!(
        err.contains("hint: --max-alloc BYTES raises the budget (now 1M"),
        "{err}"
    );
    // 5000 nested lists.
    let mut deep = b"\x80\x02".to_vec();
    deep.resize(deep.len() + 5000, b']');
    deep.push(b'N');
    deep.resize(deep.len() + 5000, b'a');
    deep.push(b'.');
    let f = write(dir.path(), "deep.pkl", &deep);
    let err = stderr(&run(&["load", "--max-depth", "1000"], &f));
    assert!(err.contains("error: limit-exceeded\n"), "{err}");
    assert!(
        err.contains("hint: --max-depth LEVELS raises the depth limit (now 1000)"),
        "{err}"
    );
}

#[test]
fn input_that_is_not_a_pickle_keeps_its_message_and_gets_no_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(dir.path(), "notes.txt", b"hello, world\nsecond line\n");
    let out = run(&["load"], &f);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("this is a text file, not a pickle"), "{err}");
    assert!(!err.contains("hint:"), "{err}");
}

// ----- elision ----------------------------------------------------------------------------

/// `pickle.dumps({'big': bytes(n), 'text': 'x' * 5000, 'small': b'ok'}, 4)`, unframed.
fn big_dict(n: usize) -> Vec<u8> {
    let mut d = b"\x80\x04}(\x8c\x03bigB".to_vec();
    d.extend_from_slice(&(n as u32).to_le_bytes());
    d.resize(d.len() + n, 0);
    d.extend_from_slice(b"\x8c\x04textX");
    d.extend_from_slice(&5000u32.to_le_bytes());
    d.resize(d.len() + 5000, b'x');
    d.extend_from_slice(b"\x8c\x05smallC\x02oku.");
    d
}

#[test]
fn load_elides_long_payloads_by_default_and_full_prints_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 3 << 20;
    let f = write(dir.path(), "big.pkl", &big_dict(n));

    let out = run(&["load"], &f);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.len() < 2000, "{} bytes printed: {text}", text.len());
    assert!(
        text.contains(&format!(
            "bytes b\"{}\"…<elided: 3,145,728 bytes, sha256 ",
            "\\x00".repeat(64)
        )),
        "{text}"
    );
    assert!(
        text.contains("…<elided: 5,000 chars, 5,000 bytes UTF-8, sha256 "),
        "{text}"
    );
    assert!(text.contains("; --full prints it>"), "{text}");
    assert!(
        text.contains("bytes b\"ok\"\n"),
        "short payloads are whole: {text}"
    );
    assert_eq!(stderr(&out), "2 payloads elided; --full prints them\n");

    let full = run(&["load", "--full"], &f);
    assert!(full.status.success(), "{}", stderr(&full));
    let whole = stdout(&full);
    assert!(whole.len() > 4 * n, "{} bytes", whole.len());
    assert!(!whole.contains("elided"));
    assert!(whole.contains(&"x".repeat(5000)));
    assert!(stderr(&full).is_empty(), "{}", stderr(&full));
}

#[test]
fn elided_json_is_json_and_marked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 1 << 20;
    let f = write(dir.path(), "big.pkl", &big_dict(n));
    let out = run(&["load", "--format", "json"], &f);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.len() < 2000);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let pairs = v["v"].as_array().expect("dict pairs");
    let value = |key: &str| {
        pairs
            .iter()
            .find(|p| p[0]["v"] == key)
            .map(|p| p[1].clone())
            .expect("key")
    };
    let big = value("big");
    assert_eq!(big["t"], "bytes");
    assert_eq!(big["elided"], true);
    assert_eq!(big["len"], n);
    let sha = big["sha256"].as_str().expect("sha256");
    assert_eq!(sha.len(), 64);
    assert!(sha.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(big["head"], "\\x00".repeat(64));
    let text = value("text");
    assert_eq!(text["t"], "str");
    assert_eq!(text["elided"], true);
    assert_eq!(text["len"], 5000);
    assert_eq!(text["head"], "x".repeat(64));
    assert_eq!(value("small"), serde_json::json!({"t": "bytes", "v": "ok"}));
    // The same digest in the text rendering.
    assert!(stdout(&run(&["load"], &f)).contains(sha));

    // dump refuses elided JSON and says how to get it whole; the --full JSON is canon.
    let elided = write(dir.path(), "elided.json", &out.stdout);
    let bad = run(&["dump", "-o", "/dev/null"], &elided);
    assert_eq!(bad.status.code(), Some(2));
    let err = stderr(&bad);
    assert!(
        err.contains("is not canon JSON at line 1, column "),
        "{err}"
    );
    assert!(err.contains("picklejar load --full --format json"), "{err}");
    let full = run(&["load", "--full", "--format", "json"], &f);
    let canon = write(dir.path(), "full.json", &full.stdout);
    let pickled = dir.path().join("again.pkl");
    let ok = bin()
        .args(["dump", "--profile", "3.13", "-o"])
        .arg(&pickled)
        .arg(&canon)
        .output()
        .expect("runs");
    assert!(ok.status.success(), "{}", stderr(&ok));
    let again = run(&["load", "--full", "--format", "json"], &pickled);
    assert_eq!(again.stdout, full.stdout);
}

// ----- dump -------------------------------------------------------------------------------

#[test]
fn dump_says_what_canon_json_is_and_where_the_input_is_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[u8], &[&str]); 4] = [
        (
            "syntax.json",
            b"{\"t\": \"list\",\n \"v\": [}",
            &["not JSON: expected value at line 2 column"],
        ),
        (
            "member.json",
            b"{\"t\": \"list\",\n  \"v\": [\n    {\"t\": \"str\", \"v\": \"x\", \"extra\": 1}\n  ]\n}\n",
            &["is not canon JSON at line 3, column 5: $.v[0]: unknown member \"extra\""],
        ),
        (
            "text.txt",
            b"list\n  int 1\n",
            &["this looks like the text rendering of `picklejar load`: add --format json"],
        ),
        (
            "value.pkl",
            b"\x80\x04K\x01.",
            &["this is a pickle (or compressed data), not canon JSON"],
        ),
    ];
    for (name, data, want) in cases {
        let f = write(dir.path(), name, data);
        let out = run(&["dump"], &f);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr(&out);
        assert!(
            err.contains(
                "the canon JSON that `picklejar load --format json` prints; see docs/CANON.md"
            ),
            "{name}: {err}"
        );
        for w in want {
            assert!(err.contains(w), "{name}: {err}");
        }
        assert!(out.stdout.is_empty(), "{name}");
    }
}

// ----- roundtrip --------------------------------------------------------------------------

fn written_at(entry: &str, p: u8) -> bool {
    entry.contains(&format!("\n  written_at: [{p}]\n"))
}

fn produced_by(entry: &str, producer: &str) -> bool {
    entry
        .lines()
        .find_map(|l| l.trim().strip_prefix("producers: ["))
        .is_some_and(|l| l.trim_end_matches(']').split(", ").any(|p| p == producer))
}

#[test]
fn roundtrip_infers_protocol_1_from_binary_opcodes_without_proto() {
    let p1 = variants_where("containers/list_3", |e| {
        written_at(e, 1) && produced_by(e, "cpython-3.12")
    });
    assert_eq!(p1.len(), 1, "{p1:?}");
    let out = run(&["roundtrip"], &p1[0]);
    let report = stdout(&out);
    assert!(out.status.success(), "{report}");
    assert!(
        report.starts_with("byte-exact: ")
            && report.contains(" at protocol 1 (inferred: no PROTO, binary opcodes from EMPTY_LIST at byte 0) as CPython 3.8-3.12"),
        "{report}"
    );
    // Dumped at protocol 0 instead (what the declared protocol says), it differs.
    let out = run(&["roundtrip", "--protocol", "0"], &p1[0]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    // Text opcodes only: protocol 0.
    let p0 = variants_where("containers/list_3", |e| {
        written_at(e, 0) && produced_by(e, "cpython-3.12")
    });
    assert_eq!(p0.len(), 1, "{p0:?}");
    let report = stdout(&run(&["roundtrip"], &p0[0]));
    assert!(
        report.contains("byte-exact: ")
            && report.contains(" at protocol 0 (inferred: no PROTO, text opcodes only)"),
        "{report}"
    );
}

#[test]
fn roundtrip_mismatch_names_the_profiles_that_reproduce_the_bytes() {
    // CPython 3.6 wrote `L1L` for ints at protocol 0; 3.8-3.12 (the default) writes `I1`.
    let v36 = variants_where("containers/list_3", |e| {
        written_at(e, 0) && produced_by(e, "cpython-3.6") && !produced_by(e, "cpython-3.12")
    });
    assert_eq!(v36.len(), 1, "{v36:?}");
    let out = run(&["roundtrip"], &v36[0]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.starts_with("differs from byte 5: original LONG at byte 5, re-dump INT at byte 5\n"),
        "{report}"
    );
    assert!(
        report.contains(
            "re-dumped at protocol 0 (inferred: no PROTO, text opcodes only) as CPython 3.8-3.12"
        ),
        "{report}"
    );
    assert!(
        report.contains("other profiles: reproduced exactly by "),
        "{report}"
    );
    assert!(
        report.contains("CPython 3.0-3.6 (--profile 3.6)"),
        "{report}"
    );
    // Hex either side of the first difference, the differing byte bracketed: 'L' vs 'I'.
    assert!(
        report.contains("around the first difference (byte 5 in brackets)"),
        "{report}"
    );
    assert!(report.contains("28 6c 70 30 0a[4c]31 4c 0a"), "{report}");
    assert!(report.contains("28 6c 70 30 0a[49]31 0a"), "{report}");
    // The listings diff without offsets: only the changed opcodes are marked.
    let diff = report
        .split_once("disassembly diff, byte offsets left out:\n")
        .map(|(_, d)| d)
        .expect("a diff");
    assert!(diff.contains("\n-LONG 1\n+INT 1\n"), "{diff}");
    assert!(diff.contains("\n     LIST (MARK)\n"), "{diff}");
    for l in diff.lines().filter(|l| l.starts_with(['-', '+', ' '])) {
        let body = l[1..].trim_start();
        assert!(
            !body
                .split(':')
                .next()
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())),
            "an offset in {l:?}"
        );
    }
    // The profile it names reproduces the bytes.
    let out = run(&["roundtrip", "--profile", "3.6"], &v36[0]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("byte-exact: "));
}

#[test]
fn roundtrip_mismatch_says_none_when_no_profile_reproduces_the_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    // None at protocol 4 in a frame of its own: no CPython writes a frame for it.
    let f = write(
        dir.path(),
        "frame.pkl",
        b"\x80\x04\x95\x01\x00\x00\x00\x00\x00\x00\x00N.",
    );
    let out = run(&["roundtrip", "--profile", "3.13"], &f);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains(
            "other profiles: none reproduces these bytes; CPython 2.7 cannot write protocol 4"
        ),
        "{report}"
    );
    assert!(report.contains("80 04[95]01 00"), "{report}");
    assert!(report.contains("80 04[4e]2e"), "{report}");
    assert!(report.contains("\n-FRAME 1\n"), "{report}");
}
