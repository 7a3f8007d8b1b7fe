//! Adapter protocol 2 (docs/ADAPTERS.md): every outcome path, one-shot and worker, with
//! POSIX shell adapters (no other toolchain needed).
//!
//! | the adapter | picklejar records |
//! |---|---|
//! | exit 0, canon on stdout / a `value` reply | a load |
//! | exit 1 with `{"error": KIND}` / an `error` reply | a rejection of that kind |
//! | exit 1 without the object, invalid JSON, another status, a signal, a `crash` reply, a worker that dies | a crash |
//! | exit 3 / an `adapter_error` reply | an adapter error |
//! | no answer within the time limit | a timeout (the worker is killed and restarted) |

use std::path::Path;
use std::time::{Duration, Instant};

use picklejar_codec::Canon;
use picklejar_runner::adapters::{
    AdapterConfig, CommandCodec, Manifest, Mode, Output, Resolved, WorkerCodec, resolve,
};
use picklejar_runner::corpus::LoadSpec;
use picklejar_runner::{Codec, CompressedInput, LoadRequest, Outcome};

fn req<'a>(data: &'a [u8], spec: &'a LoadSpec) -> LoadRequest<'a> {
    LoadRequest {
        data,
        spec,
        buffers: None,
        protocol: 2,
        real_library: false,
    }
}

fn oneshot(command: &str) -> CommandCodec {
    CommandCodec::from_manifest(
        Manifest::new("t", command),
        String::new(),
        Duration::from_secs(3),
    )
}

fn load(codec: &dyn Codec, data: &[u8]) -> Outcome {
    codec.load(&req(data, &LoadSpec::default()))
}

fn crash_says(o: &Outcome, what: &str) {
    match o {
        Outcome::Crashed(m) => assert!(m.contains(what), "{m:?} should say {what:?}"),
        other => panic!("want a crash saying {what:?}, got {other:?}"),
    }
}

#[test]
fn oneshot_outcomes_are_unambiguous() {
    assert_eq!(
        load(&oneshot(r#"cat >/dev/null; echo '{"t":"none"}'"#), b"N."),
        Outcome::Loaded(Canon::None)
    );
    // a rejection: exit 1 with the JSON error object
    assert_eq!(
        load(
            &oneshot(r#"cat >/dev/null; echo '{"error":"truncated","message":"short"}'; exit 1"#),
            b"N"
        ),
        Outcome::Rejected {
            kind: "truncated".into(),
            message: "short".into()
        }
    );
    // exit 1 without it is what an uncaught exception gives: a crash, not a rejection
    let uncaught = load(
        &oneshot("cat >/dev/null; echo 'Traceback: KeyError' >&2; exit 1"),
        b"N.",
    );
    crash_says(&uncaught, "exit status 1 without a JSON error object");
    crash_says(&uncaught, "Traceback: KeyError");
    crash_says(
        &load(&oneshot("cat >/dev/null; echo oops; exit 1"), b"N."),
        "without a JSON error object",
    );
    // invalid JSON, another status, a signal
    crash_says(
        &load(&oneshot("cat >/dev/null; echo '{\"t\":'"), b"N."),
        "not canon JSON",
    );
    crash_says(
        &load(&oneshot("cat >/dev/null; exit 2"), b"N."),
        "exit status 2",
    );
    crash_says(
        &load(&oneshot("cat >/dev/null; kill -SEGV $$"), b"N."),
        "killed by signal 11 (SIGSEGV)",
    );
    // the reserved status: the adapter failed, not the codec
    assert_eq!(
        load(
            &oneshot(r#"cat >/dev/null; echo '{"adapter_error":"no canon for Foo"}'; exit 3"#),
            b"N."
        ),
        Outcome::AdapterError("no canon for Foo".into())
    );
    match load(&oneshot("cat >/dev/null; echo bad glue >&2; exit 3"), b"N.") {
        Outcome::AdapterError(m) => assert!(m.contains("bad glue"), "{m}"),
        other => panic!("{other:?}"),
    }
    // a timeout kills the adapter and what it started
    let t0 = Instant::now();
    assert_eq!(
        load(&oneshot("cat >/dev/null; sleep 30; echo late"), b"N."),
        Outcome::TimedOut
    );
    assert!(t0.elapsed() < Duration::from_secs(10));
}

/// A worker in POSIX sh: it answers by the base64 of the data it is sent.
const SH_WORKER: &str = r#"
echo "started $$" >&2
while IFS= read -r line; do
  case "$line" in
    *'"data":"bm9uZQ=="'*) echo '{"value":{"t":"none"}}' ;;
    *'"data":"cmVqZWN0"'*) echo '{"error":"bad-memo","message":"memo 3"}' ;;
    *'"data":"Y3Jhc2g="'*) echo '{"crash":"KeyError: 3"}' ;;
    *'"data":"YWRhcHRlcg=="'*) echo '{"adapter_error":"cannot describe a Foo"}' ;;
    *'"data":"Z2FyYmFnZQ=="'*) echo 'Traceback (most recent call last):' ;;
    *'"data":"c2xlZXA="'*) sleep 30 ;;
    *'"data":"ZXhpdA=="'*) echo 'dying' >&2; exit 7 ;;
    *'"data":"YWJvcnQ="'*) kill -ABRT $$ ;;
    *'"data":"bm90Y2Fub24="'*) echo '{"value":{"t":"nonsense"}}' ;;
    *'"data":"cmF3"'*) echo '{"value":{"t":"reduce","callable":{"t":"global","module":"__builtin__","name":"frozenset"},"args":[{"t":"list","v":[{"t":"int","v":"1"}]}]}}' ;;
    *) printf '{"value":{"t":"str","v":"%s"}}\n' "$(printf %s "$line" | sed 's/\\/\\\\/g; s/"/\\"/g')" ;;
  esac
done
"#;

fn worker(output: Output, timeout: Duration) -> (WorkerCodec, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("worker.sh"), SH_WORKER).expect("write");
    let mut m = Manifest::new("sh-worker", "sh worker.sh");
    m.mode = Mode::Worker;
    m.output = output;
    m.dir = Some(dir.path().to_path_buf());
    (WorkerCodec::new(m, "1.0".into(), timeout), dir)
}

#[test]
fn worker_outcomes_timeouts_and_restarts() {
    let (w, _dir) = worker(Output::Canon, Duration::from_secs(2));
    assert_eq!(load(&w, b"none"), Outcome::Loaded(Canon::None));
    // JSON that is not canon: the adapter could not describe the value.
    assert!(matches!(load(&w, b"notcanon"), Outcome::AdapterError(m) if m.contains("not canon")));
    assert_eq!(w.workers_started(), 1);
    assert_eq!(
        load(&w, b"reject"),
        Outcome::Rejected {
            kind: "bad-memo".into(),
            message: "memo 3".into()
        }
    );
    // a crash reply: the codec failed, the worker goes on
    crash_says(&load(&w, b"crash"), "KeyError: 3");
    assert_eq!(
        load(&w, b"adapter"),
        Outcome::AdapterError("cannot describe a Foo".into())
    );
    assert_eq!(w.workers_started(), 1, "one process served all of these");

    // not a reply: a crash, and the worker is replaced
    crash_says(&load(&w, b"garbage"), "not a JSON reply");
    assert_eq!(load(&w, b"none"), Outcome::Loaded(Canon::None));
    assert_eq!(w.workers_started(), 2);

    // it dies: a crash naming its exit status and stderr; the next load restarts it
    crash_says(&load(&w, b"exit"), "exit status 7");
    assert_eq!(load(&w, b"none"), Outcome::Loaded(Canon::None));
    assert_eq!(w.workers_started(), 3);
    crash_says(&load(&w, b"abort"), "SIGABRT");
    assert_eq!(load(&w, b"none"), Outcome::Loaded(Canon::None));

    // the same per-load time limit as one-shot commands; then a fresh worker
    let t0 = Instant::now();
    assert_eq!(load(&w, b"sleep"), Outcome::TimedOut);
    assert!(t0.elapsed() < Duration::from_secs(6));
    let before = w.workers_started();
    assert_eq!(load(&w, b"none"), Outcome::Loaded(Canon::None));
    assert_eq!(w.workers_started(), before + 1);
}

#[test]
fn worker_requests_carry_the_options_and_buffers() {
    let (w, _dir) = worker(Output::Canon, Duration::from_secs(5));
    let spec = LoadSpec {
        encoding: Some("latin1".into()),
        fix_imports: Some(false),
        ..LoadSpec::default()
    };
    let bufs = vec![b"\x00\x01".to_vec()];
    let o = w.load(&LoadRequest {
        data: b"\x80\x05.",
        spec: &spec,
        buffers: Some(&bufs),
        protocol: 5,
        real_library: false,
    });
    let Outcome::Loaded(Canon::Str(t)) = o else {
        panic!("{o:?}")
    };
    let line = t.as_str().unwrap_or_default().to_owned();
    let req: serde_json::Value = serde_json::from_str(&line).expect("the request is JSON");
    assert_eq!(req["data"], "gAUu");
    assert_eq!(req["buffers"], serde_json::json!(["AAE="]));
    assert_eq!(
        req["options"],
        serde_json::json!({"protocol": 5, "encoding": "latin1", "fix_imports": false})
    );
}

#[test]
fn raw_output_is_normalised_by_the_runner() {
    let (w, _dir) = worker(Output::Raw, Duration::from_secs(5));
    // __builtin__.frozenset([1]) as read off a protocol-2 stream
    assert_eq!(
        load(&w, b"raw"),
        Outcome::Loaded(Canon::FrozenSet(vec![Canon::Int("1".into())]))
    );
    let raw_oneshot = {
        let mut m = Manifest::new(
            "t",
            r#"cat >/dev/null; echo '{"t":"global","module":"copy_reg","name":"_reconstructor"}'"#,
        );
        m.output = Output::Raw;
        CommandCodec::from_manifest(m, String::new(), Duration::from_secs(3))
    };
    assert_eq!(
        load(&raw_oneshot, b"N."),
        Outcome::Loaded(Canon::Global {
            module: "copyreg".into(),
            name: "_reconstructor".into()
        })
    );
}

#[test]
fn protocol_1_is_unchanged() {
    let v1 = CommandCodec::new(
        "t",
        "cat >/dev/null; echo nope >&2; exit 1",
        Duration::from_secs(3),
    );
    assert_eq!(
        load(&v1, b"N."),
        Outcome::Rejected {
            kind: "rejected".into(),
            message: "nope".into()
        }
    );
    let info = v1.info();
    assert_eq!(info.compressed, CompressedInput::Runner);
    assert!(info.model.is_exact() && info.data_only && info.error_kinds);
}

fn cfg() -> AdapterConfig {
    AdapterConfig {
        pythons: Vec::new(),
        generators: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../generators"),
        timeout: Duration::from_secs(3),
    }
}

#[test]
fn codec_specs_select_protocol_2_by_manifest_or_flags() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("worker.sh"), SH_WORKER).expect("write");
    std::fs::write(
        dir.path().join("picklejar-adapter.yaml"),
        "name: shw\ncommand: sh worker.sh\nversion_command: echo 2.5.1\nmode: worker\nmodel: [tuple-as-list]\nreference: cpython-3.9-py\nerror_kinds: false\n",
    )
    .expect("write");
    let spec = format!(
        "manifest:{}",
        dir.path().join("picklejar-adapter.yaml").display()
    );
    let Ok(Resolved::Codec(c)) = resolve(&spec, &cfg()) else {
        panic!("manifest spec does not resolve")
    };
    let info = c.info();
    assert_eq!(
        (info.name.as_str(), info.version.as_str()),
        ("shw", "2.5.1")
    );
    assert_eq!(info.reference.to_string(), "cpython-3.9-py");
    assert!(!info.error_kinds && info.description.contains("model: tuple-as-list"));
    assert_eq!(info.compressed, CompressedInput::NotApplicable);
    assert_eq!(load(c.as_ref(), b"none"), Outcome::Loaded(Canon::None));

    let Ok(Resolved::Codec(f)) = resolve(
        "cmd:flagged[model=dict-unordered+no-identity,decompresses=true,version=echo 9]=cat >/dev/null; echo '{\"t\":\"none\"}'",
        &cfg(),
    ) else {
        panic!("flag spec does not resolve")
    };
    let info = f.info();
    assert_eq!(
        (info.name.as_str(), info.version.as_str()),
        ("flagged", "9")
    );
    assert_eq!(info.model.to_string(), "dict-unordered, no-identity");
    assert_eq!(info.compressed, CompressedInput::Codec);
    assert_eq!(load(f.as_ref(), b"N."), Outcome::Loaded(Canon::None));

    // mistakes say what to do
    for (spec, says) in [
        ("cmd:x[model=tuples]=true", "tuple-as-list"),
        ("cmd:x[mode=server]=true", "want oneshot or worker"),
        (
            "manifest:/no/such/picklejar-adapter.yaml",
            "--codec manifest:PATH",
        ),
        ("cmd:x[version=exit 1]=true", "leave version_command out"),
    ] {
        match resolve(spec, &cfg()) {
            Err(e) => assert!(e.contains(says), "{spec}: {e}"),
            Ok(_) => panic!("{spec} resolved"),
        }
    }
    // protocol 1 is still `cmd:NAME=COMMAND`
    let Ok(Resolved::Codec(v1)) = resolve("cmd:old=cat >/dev/null; exit 1", &cfg()) else {
        panic!("v1 spec")
    };
    assert_eq!(v1.info().description, "command: cat >/dev/null; exit 1");
    assert!(matches!(load(v1.as_ref(), b"N."), Outcome::Rejected { .. }));
}

const SH_SCANNER: &str = r#"
while IFS= read -r line; do
  case "$line" in
    *'"imports":true'*'"data":"b3M="'*|*'"data":"b3M="'*'"imports":true'*) echo '{"imports":[["find","os","system"]]}' ;;
    *'"data":"YmFk"'*) echo '{"imports":[["open","os","system"]]}' ;;
    *'"data":"Y3Jhc2g="'*) echo '{"crash":"ValueError: scanner gave up"}' ;;
    *) echo '{"imports":[]}' ;;
  esac
done
"#;

#[test]
fn a_scanner_worker_reports_imports_and_loads_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("scan.sh"), SH_SCANNER).expect("write");
    let m = Manifest::from_yaml_str(
        "name: scan\ncommand: sh scan.sh\nmode: worker\nimports: true\nloads: false\n",
    )
    .expect("manifest");
    let mut m = m;
    m.dir = Some(dir.path().to_path_buf());
    let w = WorkerCodec::new(m, "1.0".into(), Duration::from_secs(5));
    let info = w.info();
    assert!(info.imports && !info.loads);
    let spec = LoadSpec::default();
    let got = w.imports(&req(b"os", &spec)).expect("reports imports");
    let lines: Vec<String> = got
        .expect("events")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(lines, ["find os.system"]);
    let bad = w.imports(&req(b"bad", &spec)).expect("answers");
    assert!(bad.expect_err("not an event").contains("not an event"));
    let crash = w.imports(&req(b"crash", &spec)).expect("answers");
    assert_eq!(crash.expect_err("a crash"), "ValueError: scanner gave up");
    assert_eq!(w.imports(&req(b"x", &spec)), Some(Ok(vec![])));
    // Without `imports: true` a worker is not asked.
    let (plain, _d) = worker(Output::Canon, Duration::from_secs(2));
    assert_eq!(plain.imports(&req(b"os", &spec)), None);
}

/// A one-shot scanner in POSIX sh: asked for imports (`PICKLEJAR_IMPORTS=1`) it answers
/// by the pickle on stdin, as a worker would; otherwise it loads `None`.
const SH_ONESHOT_SCANNER: &str = r#"
data=$(cat)
if [ "$PICKLEJAR_IMPORTS" != 1 ] || [ "$PICKLEJAR_MODE" != oneshot ]; then
  echo '{"t":"none"}'; exit 0
fi
case "$data" in
  os) echo '{"imports":[["find","os","system"],["call","os","system","reduce"]]}' ;;
  bad) echo '{"imports":[["open","os","system"]]}' ;;
  crash) echo '{"crash":"ValueError: scanner gave up"}' ;;
  adapter) echo '{"adapter_error":"cannot scan"}'; exit 3 ;;
  exit) echo 'Traceback: boom' >&2; exit 2 ;;
  garbage) echo 'Traceback (most recent call last):' ;;
  sleep) sleep 30 ;;
  *) echo '{"imports":[]}' ;;
esac
"#;

#[test]
fn a_oneshot_adapter_reports_imports_as_a_worker_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("scan.sh"), SH_ONESHOT_SCANNER).expect("write");
    let mut m = Manifest::from_yaml_str(
        "name: scan1\ncommand: sh scan.sh\nmode: oneshot\nimports: true\nloads: false\n",
    )
    .expect("manifest");
    m.dir = Some(dir.path().to_path_buf());
    let c = CommandCodec::from_manifest(m.clone(), "1.0".into(), Duration::from_secs(2));
    let info = c.info();
    assert!(info.imports && !info.loads);
    assert!(
        info.description.contains("scanner: imports only"),
        "{}",
        info.description
    );
    let spec = LoadSpec::default();
    let lines = |data: &[u8]| -> Result<Vec<String>, String> {
        let got = c
            .imports(&req(data, &spec))
            .expect("a one-shot with imports: true answers");
        got.map(|events| events.iter().map(ToString::to_string).collect())
    };
    // (the pickle, the events as text or what the crash says)
    type Row<'a> = (&'a [u8], Result<&'a [&'a str], &'a str>);
    let table: &[Row<'_>] = &[
        (b"os", Ok(&["find os.system", "call os.system via reduce"])),
        (b"nothing", Ok(&[])),
        (b"bad", Err("not an event")),
        (b"crash", Err("ValueError: scanner gave up")),
        (b"adapter", Err("cannot scan")),
        (b"exit", Err("exit status 2: Traceback: boom")),
        (b"garbage", Err("not a JSON reply")),
        (b"sleep", Err("timed out")),
    ];
    for (data, want) in table {
        let got = lines(data);
        match (want, &got) {
            (Ok(w), Ok(g)) => assert_eq!(g, w, "{data:?}"),
            (Err(w), Err(g)) => assert!(g.contains(w), "{data:?}: {g:?} should say {w:?}"),
            _ => panic!("{data:?}: want {want:?}, got {got:?}"),
        }
    }
    // the same adapter's load runs without the imports request
    assert_eq!(load(&c, b"os"), Outcome::Loaded(Canon::None));
    // without `imports: true` it is not asked
    m.imports = false;
    let plain = CommandCodec::from_manifest(m, "1.0".into(), Duration::from_secs(2));
    assert_eq!(plain.imports(&req(b"os", &spec)), None);
    // nor is a protocol-1 command
    let v1 = CommandCodec::new(
        "t",
        "cat >/dev/null; echo '{\"t\":\"none\"}'",
        Duration::from_secs(2),
    );
    assert_eq!(v1.imports(&req(b"os", &spec)), None);
}

#[test]
fn a_worker_that_cannot_start_is_not_started_again_and_again() {
    let mut m = Manifest::new("stillborn", "echo 'ImportError: no module' >&2; exit 5");
    m.mode = Mode::Worker;
    let w = WorkerCodec::new(m, "1.0".into(), Duration::from_secs(5));
    for _ in 0..3 {
        crash_says(&load(&w, b"none"), "ImportError: no module");
    }
    let t = Instant::now();
    crash_says(&load(&w, b"none"), "not started again: 3 workers in a row");
    assert_eq!(w.workers_started(), 3);
    assert!(t.elapsed() < Duration::from_secs(1));
}
