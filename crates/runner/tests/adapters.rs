//! The `command` adapter protocol (docs/ADAPTERS.md): exit 0 with canon JSON is a load,
//! exit 1 a rejection (with an optional error kind), any other status a crash, and a
//! process that outlives the timeout a timeout. The adapters here are POSIX shell.

use std::time::Duration;

use picklejar_codec::Canon;
use picklejar_runner::adapters::CommandCodec;
use picklejar_runner::corpus::LoadSpec;
use picklejar_runner::{Codec, LoadRequest, Outcome};

fn load(cmd: &str, spec: &LoadSpec) -> Outcome {
    let codec = CommandCodec::new("t", cmd, Duration::from_secs(2));
    codec.load(&LoadRequest {
        data: b"\x80\x04N.",
        spec,
        buffers: None,
        protocol: 4,
        real_library: false,
    })
}

#[test]
fn exit_codes_map_to_outcomes() {
    let d = LoadSpec::default();
    assert_eq!(
        load(r#"cat >/dev/null; echo '{"t":"none"}'"#, &d),
        Outcome::Loaded(Canon::None)
    );
    assert_eq!(
        load(
            r#"cat >/dev/null; echo '{"error":"truncated","message":"short"}'; exit 1"#,
            &d
        ),
        Outcome::Rejected {
            kind: "truncated".into(),
            message: "short".into()
        }
    );
    assert_eq!(
        load("cat >/dev/null; echo nope >&2; exit 1", &d),
        Outcome::Rejected {
            kind: "rejected".into(),
            message: "nope".into()
        }
    );
    assert!(matches!(load("exit 3", &d), Outcome::Crashed(m) if m.contains("exit status 3")));
    assert!(matches!(
        load("cat >/dev/null; echo not-json", &d),
        Outcome::Crashed(_)
    ));
    assert_eq!(load("sleep 10", &d), Outcome::TimedOut);
}

#[test]
fn the_adapter_gets_the_bytes_and_the_options() {
    let spec = LoadSpec {
        encoding: Some("latin1".into()),
        ..LoadSpec::default()
    };
    // Echo back what arrived: the stdin length and the options, as a canon str.
    let cmd = r#"n=$(wc -c | tr -d ' '); printf '{"t":"str","v":"%s %s"}' "$n" "$(printf %s "$PICKLEJAR_OPTIONS" | sed 's/"/\\"/g')""#;
    match load(cmd, &spec) {
        Outcome::Loaded(Canon::Str(t)) => {
            let s = t.as_str().expect("utf8").to_owned();
            assert!(s.starts_with("4 "), "{s}");
            assert!(s.contains(r#""encoding":"latin1""#), "{s}");
            assert!(s.contains(r#""protocol":4"#), "{s}");
        }
        other => panic!("{other:?}"),
    }
}
