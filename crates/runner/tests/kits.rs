//! The canon kits (`kits/python`, `kits/js`, `kits/go`, `kits/rust`) on every canon value of the corpus
//! and on every outcome path, through the runner's own protocol-2 adapters.
//!
//! Each kit has a test adapter whose "codec" reads canon JSON instead of a pickle and builds
//! the values it describes in that language, so the kit's writer is checked on every value
//! CPython recorded. The Python and JavaScript kits write exact canon and are compared as
//! written; the Go and Rust kits write the loose canon of protocol 2 and are compared as the
//! runner reads it. A kit whose toolchain (python3, node, go, cargo) is missing is skipped
//! with a message. The Rust kit is its own cargo project (not a workspace member), built
//! into `target/kit-rust`.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use picklejar_codec::Canon;
use picklejar_runner::adapters::{CommandCodec, Manifest, Mode, WorkerCodec};
use picklejar_runner::corpus::{LoadSpec, ReaderOutcome};
use picklejar_runner::{Codec, Corpus, LoadRequest, Outcome};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn have(program: &str, arg: &str) -> bool {
    let ok = Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        println!("skipped: {program} is not installed here (the kit test needs it)");
    }
    ok
}

/// Every distinct canon any reader recorded, as JSON text.
fn corpus_canons() -> Vec<String> {
    let corpus = Corpus::open(root().join("corpus")).expect("corpus");
    let mut seen = BTreeSet::new();
    for case in &corpus.cases {
        for v in &case.variants {
            for g in &v.results {
                if let ReaderOutcome::Canon(c) = &g.outcome {
                    seen.insert(c.to_json_string());
                }
            }
        }
    }
    seen.into_iter().collect()
}

fn b64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Whether a canon holds a str whose surrogatepass hex has a high surrogate right before a
/// low one: two code points in Python, one character in a UTF-16 string (JavaScript).
fn has_split_surrogate_pair(json: &str) -> bool {
    json.split(r#""hex":""#).skip(1).any(|rest| {
        let hex = rest.split('"').next().unwrap_or("").as_bytes();
        hex.chunks(2)
            .collect::<Vec<_>>()
            .windows(6)
            .step_by(1)
            .any(|w| {
                w[0] == b"ed" && matches!(w[1][0], b'a') && w[3] == b"ed" && matches!(w[4][0], b'b')
            })
    })
}

#[derive(serde::Deserialize)]
struct Reply<'a> {
    #[serde(borrow)]
    value: Option<&'a serde_json::value::RawValue>,
}

/// Speaks worker mode with the adapter directly and compares each `value` exactly as
/// written (no canonicalisation): the kit must write canon itself. `skip` names values the
/// language cannot hold.
fn exact_on_the_corpus(dir: &Path, command: &str, skip: fn(&str) -> bool) -> usize {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PICKLEJAR_MODE", "worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the test adapter");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut failures = Vec::new();
    let canons: Vec<String> = corpus_canons().into_iter().filter(|j| !skip(j)).collect();
    for json in &canons {
        let req = serde_json::json!({"data": b64(json.as_bytes()), "options": {"protocol": 4}});
        writeln!(stdin, "{req}").expect("write");
        stdin.flush().expect("flush");
        let mut line = String::new();
        stdout.read_line(&mut line).expect("read");
        let mut de = serde_json::Deserializer::from_str(&line);
        de.disable_recursion_limit();
        let reply: Option<Reply<'_>> = serde::Deserialize::deserialize(&mut de).ok();
        let want = Canon::from_json(json).expect("corpus canon");
        let got = reply
            .and_then(|r| r.value)
            .map(|v| Canon::from_json(v.get()));
        if !matches!(&got, Some(Ok(c)) if *c == want) {
            failures.push(format!(
                "{}\n  wrote {}",
                json.chars().take(300).collect::<String>(),
                line.chars().take(300).collect::<String>()
            ));
        }
    }
    drop(stdin);
    let _ = child.wait();
    assert!(
        failures.is_empty(),
        "{} of {} corpus values written differently:\n{}",
        failures.len(),
        canons.len(),
        failures[..failures.len().min(5)].join("\n")
    );
    canons.len()
}

/// Runs `f` on a thread with a stack deep enough for the corpus's deepest values.
fn big_stack(f: impl FnOnce() + Send + 'static) {
    let t = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .expect("thread");
    if let Err(p) = t.join() {
        std::panic::resume_unwind(p);
    }
}

/// Through the runner's worker adapter (which reads canon loosely): every corpus value.
fn loose_on_the_corpus(codec: &dyn Codec) -> usize {
    let spec = LoadSpec::default();
    let canons = corpus_canons();
    let mut failures = Vec::new();
    for json in &canons {
        let want = Canon::from_json(json).expect("corpus canon");
        let got = codec.load(&LoadRequest {
            data: json.as_bytes(),
            spec: &spec,
            buffers: None,
            protocol: 4,
            real_library: false,
        });
        if got != Outcome::Loaded(want) {
            failures.push(format!(
                "{}\n  got {}",
                json.chars().take(300).collect::<String>(),
                format!("{got:?}").chars().take(300).collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus values read differently:\n{}",
        failures.len(),
        canons.len(),
        failures[..failures.len().min(5)].join("\n")
    );
    canons.len()
}

fn manifest(name: &str, dir: &Path, command: &str, mode: Mode) -> Manifest {
    let mut m = Manifest::new(name, command);
    m.mode = mode;
    m.dir = Some(dir.to_path_buf());
    m
}

fn load(codec: &dyn Codec, data: &[u8]) -> Outcome {
    codec.load(&LoadRequest {
        data,
        spec: &LoadSpec::default(),
        buffers: None,
        protocol: 2,
        real_library: false,
    })
}

/// The outcome paths through a kit's `serve`: value, rejection, crash, adapter error, the
/// options and buffers; in worker mode also a worker that exits and one that hangs.
fn outcomes(codec: &dyn Codec, worker: Option<&WorkerCodec>) {
    assert_eq!(
        load(codec, br#"{"t":"none"}"#),
        Outcome::Loaded(Canon::None)
    );
    assert_eq!(
        load(codec, b"reject:truncated"),
        Outcome::Rejected {
            kind: "truncated".into(),
            message: "asked to reject".into()
        }
    );
    match load(codec, b"crash") {
        Outcome::Crashed(m) => assert!(m.contains("asked to crash"), "{m}"),
        other => panic!("crash: {other:?}"),
    }
    match load(codec, b"unwritable") {
        Outcome::AdapterError(m) => assert!(m.contains("cannot write canon"), "{m}"),
        other => panic!("unwritable: {other:?}"),
    }
    let spec = LoadSpec {
        encoding: Some("latin1".into()),
        ..LoadSpec::default()
    };
    let bufs = vec![b"\x00\x01".to_vec()];
    let got = codec.load(&LoadRequest {
        data: b"options",
        spec: &spec,
        buffers: Some(&bufs),
        protocol: 5,
        real_library: false,
    });
    let Outcome::Loaded(Canon::Str(t)) = got else {
        panic!("options: {got:?}")
    };
    let o: serde_json::Value =
        serde_json::from_str(t.as_str().unwrap_or_default()).expect("options JSON");
    assert_eq!(o["encoding"], "latin1", "{o}");
    assert_eq!(o["protocol"], 5, "{o}");
    assert_eq!(o["buffers"], serde_json::json!(["0001"]), "{o}");
    if let Some(w) = worker {
        let started = w.workers_started();
        match load(w, b"exit:9") {
            Outcome::Crashed(m) => assert!(m.contains("exit status 9"), "{m}"),
            other => panic!("exit: {other:?}"),
        }
        assert_eq!(load(w, br#"{"t":"none"}"#), Outcome::Loaded(Canon::None));
        assert_eq!(
            w.workers_started(),
            started + 1,
            "restarted after the crash"
        );
        let t0 = Instant::now();
        assert_eq!(load(w, b"sleep"), Outcome::TimedOut);
        assert!(t0.elapsed() < Duration::from_secs(15));
        assert_eq!(load(w, br#"{"t":"none"}"#), Outcome::Loaded(Canon::None));
    }
}

#[test]
fn python_kit() {
    big_stack(python_kit_checks);
}

fn python_kit_checks() {
    if !have("python3", "--version") {
        return;
    }
    let dir = root().join("kits/python");
    let cmd = "python3 test_adapter.py";
    let n = exact_on_the_corpus(&dir, cmd, |_| false);
    let w = WorkerCodec::new(
        manifest("py", &dir, cmd, Mode::Worker),
        String::new(),
        Duration::from_secs(5),
    );
    outcomes(&w, Some(&w));
    let one = CommandCodec::from_manifest(
        manifest("py", &dir, cmd, Mode::Oneshot),
        String::new(),
        Duration::from_secs(20),
    );
    outcomes(&one, None);
    println!("python kit: {n} corpus values written exactly");
}

#[test]
fn js_kit() {
    big_stack(js_kit_checks);
}

fn js_kit_checks() {
    if !have("node", "--version") {
        return;
    }
    let dir = root().join("kits/js");
    // values nested thousands deep need more than node's default stack
    let cmd = "node --stack-size=4000 test_adapter.js";
    let n = exact_on_the_corpus(&dir, cmd, has_split_surrogate_pair);
    let w = WorkerCodec::new(
        manifest("js", &dir, cmd, Mode::Worker),
        String::new(),
        Duration::from_secs(5),
    );
    outcomes(&w, Some(&w));
    let one = CommandCodec::from_manifest(
        manifest("js", &dir, cmd, Mode::Oneshot),
        String::new(),
        Duration::from_secs(20),
    );
    outcomes(&one, None);
    println!("js kit: {n} corpus values written exactly");
}

#[test]
fn go_kit() {
    big_stack(go_kit_checks);
}

fn go_kit_checks() {
    if !have("go", "version") {
        return;
    }
    let dir = root().join("kits/go");
    let out = tempfile::tempdir().expect("tempdir");
    let exe = out.path().join("testadapter");
    let build = Command::new("go")
        .args(["build", "-o"])
        .arg(&exe)
        .arg("./testadapter")
        .current_dir(&dir)
        .output()
        .expect("go build");
    assert!(
        build.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&build.stderr)
    );
    loose_worker_checks("go", &dir, &exe.display().to_string());
}

/// A loose-canon worker kit's test adapter at `cmd`: every corpus value read back equal,
/// every outcome path, and a panic of the "codec" reported as a crash.
fn loose_worker_checks(kit: &str, dir: &Path, cmd: &str) {
    let w = WorkerCodec::new(
        manifest(kit, dir, cmd, Mode::Worker),
        String::new(),
        Duration::from_secs(5),
    );
    let n = loose_on_the_corpus(&w);
    outcomes(&w, Some(&w));
    match load(&w, b"panic") {
        Outcome::Crashed(m) => assert!(m.contains("asked to panic"), "{m}"),
        other => panic!("panic: {other:?}"),
    }
    println!("{kit} kit: {n} corpus values read back equal");
}

#[test]
fn rust_kit() {
    big_stack(rust_kit_checks);
}

fn rust_kit_checks() {
    if !have("cargo", "--version") {
        return;
    }
    let dir = root().join("kits/rust");
    let target = root().join("target/kit-rust");
    let build = Command::new("cargo")
        .args([
            "build",
            "--quiet",
            "--example",
            "testadapter",
            "--target-dir",
        ])
        .arg(&target)
        .current_dir(&dir)
        .output()
        .expect("cargo build");
    assert!(
        build.status.success(),
        "cargo build: {}",
        String::from_utf8_lossy(&build.stderr)
    );
    let cmd = target.join("debug/examples/testadapter");
    loose_worker_checks("rust", &dir, &cmd.display().to_string());
}
