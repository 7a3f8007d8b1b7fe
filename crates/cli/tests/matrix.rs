//! `picklejar matrix` over a fake peers directory (`tests/data/matrix/`): a ready peer with a
//! tiny Python adapter written with the kit, one whose setup.sh exits 77, one that requires
//! a missing command. The skip messages, the page, `SUMMARY.md` with `--record`, and the exit
//! status when a failure is not in the expectations.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A copy of the fixture peers in `tmp/peers` (the run writes SUMMARY.md there).
fn peers_copy(tmp: &Path) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("read fixture") {
            let e = e.expect("entry");
            let (src, dst) = (e.path(), to.join(e.file_name()));
            if src.is_dir() {
                copy(&src, &dst);
            } else {
                std::fs::copy(&src, &dst).expect("copy");
            }
        }
    }
    let dst = tmp.join("peers");
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/matrix"),
        &dst,
    );
    dst
}

/// The corpus cases the ready peer runs on: its two planted bugs, its missing feature, and
/// cases it gets right.
const FILTERS: &[&str] = &[
    "scalars/bool_true_alone",
    "scalars/int_negative",
    "scalars/complex",
    "scalars/int_small",
    "scalars/none",
    "containers/list_1",
];

fn matrix(tmp: &Path, peers: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_picklejar"));
    cmd.current_dir(root())
        .env("PICKLEJAR_KITS", root().join("kits/python"))
        .args(["matrix", "--no-progress", "--jobs", "2", "--peers"])
        .arg(peers)
        .arg("--out")
        .arg(tmp.join("reports"));
    for f in FILTERS {
        cmd.args(["--filter", f]);
    }
    cmd.args(args).output().expect("runs")
}

fn has_python3() -> bool {
    Command::new("python3")
        .args(["-c", "import pickle"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const MISSING: &str = "requires picklejar-no-such-command-for-the-matrix-test, not found on PATH";
const SETUP_77: &str = "unbuildable: no JDK 17 here (install openjdk-17-jdk-headless)";

#[test]
fn peers_that_cannot_run_here_are_skipped_with_their_reasons() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let peers = peers_copy(tmp.path());
    let out = matrix(
        tmp.path(),
        &peers,
        &["--only", "unbuildable", "--only", "needs-tool", "--record"],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    // skipped peers fail nothing
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("skipped: {MISSING}")),
        "{stdout}\n{stderr}"
    );
    // setup.sh exited 77: its last line on stderr is the reason
    assert!(stdout.contains(&format!("skipped: {SETUP_77}")), "{stdout}");
    assert!(
        stdout.contains("0 ran (0 gate ok, 0 failed), 2 skipped"),
        "{stdout}"
    );
    // a peer whose requires are missing never runs its setup.sh
    assert!(!peers.join("needs-tool/setup-ran").exists());

    let page = read(&tmp.path().join("reports/index.html"));
    assert!(page.contains("Skipped peers (2)"), "{page}");
    assert!(page.contains(MISSING) && page.contains(SETUP_77), "{page}");
    assert!(page.contains("No peer ran on this machine."), "{page}");

    let summary = read(&peers.join("SUMMARY.md"));
    assert!(summary.starts_with("# Peer matrix\n"), "{summary}");
    assert!(summary.contains("Matrix gate: **ok**"), "{summary}");
    assert!(
        summary.contains(&format!(
            "| needs-tool | Go | v0.1.0 | – | – | – | – | – | skipped: {MISSING} |"
        )),
        "{summary}"
    );
    assert!(
        summary.contains(&format!(
            "| unbuildable | Java | 1.0.0 | – | – | – | – | – | skipped: {SETUP_77} |"
        )),
        "{summary}"
    );
    assert!(!summary.contains("tinypy"), "--only: {summary}");
    assert!(
        summary.contains("**Some peers only** (`--only`): `unbuildable`, `needs-tool`."),
        "{summary}"
    );

    // a name that is no peer is a mistake, with the list of peers
    let out = matrix(tmp.path(), &peers, &["--only", "nosuch"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("--only nosuch: no such peer")
            && err.contains("needs-tool, tinypy, unbuildable"),
        "{err}"
    );
}

#[test]
fn a_ready_peer_runs_and_a_failure_its_expectations_do_not_list_fails_the_matrix() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let peers = peers_copy(tmp.path());
    if !has_python3() {
        eprintln!(
            "skipped: no python3 here (the ready peer needs it); checking that it is skipped"
        );
        let out = matrix(tmp.path(), &peers, &["--only", "tinypy"]);
        assert_eq!(out.status.code(), Some(0));
        assert!(text(&out.stdout).contains("skipped: requires python3"));
        return;
    }
    let out = matrix(tmp.path(), &peers, &["--record"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 ran (1 gate ok, 0 failed), 2 skipped"),
        "{stdout}"
    );
    assert!(stdout.contains("matrix gate: ok"), "{stdout}");

    // the page: the peer's row, peer x category, the crash in red, the real bugs
    let reports = tmp.path().join("reports");
    let page = read(&reports.join("index.html"));
    let row = between(&page, "<tr id=\"peer-tinypy\"", "</tr>");
    for want in [
        "<a href=\"tinypy/index.html\">tinypy</a>",
        "Python",
        "tinypy 0.0.1 on CPython 3.",
        "<code>bytearray-as-bytes</code>",
        "title=\"adapter.py: ",
        "class=\"num crashes\">6<",
        "<a href=\"#bugs-tinypy\">2</a>",
        "badge ok",
    ] {
        assert!(row.contains(want), "{want:?} not in {row}");
    }
    let rates = between(&page, "<table class=\"rates\">", "</table>");
    assert!(
        rates.contains("<th>containers</th><th>scalars</th>"),
        "{rates}"
    );
    assert!(
        rates.contains("class=\"r r100\" title=\"35 pass\">35/35<"),
        "{rates}"
    );
    assert!(rates.contains("class=\"r crash\""), "{rates}");
    let bugs = between(&page, "<section id=\"bugs\">", "</section>");
    assert!(
        bugs.contains("bug: crashes on a lone True (planted)"),
        "{bugs}"
    );
    assert!(
        bugs.contains("bug: drops the sign of -1 (planted)"),
        "{bugs}"
    );
    assert!(
        !bugs.contains("no complex"),
        "a missing feature is no bug: {bugs}"
    );
    assert!(page.contains("total run time "));
    // each peer's own conformance page and results sit beside it
    assert!(reports.join("tinypy/index.html").is_file());
    let results = read(&reports.join("tinypy/results.json"));
    assert!(results.contains("\"schema\":\"picklejar-results/1\""));
    let doc: serde_json::Value =
        serde_json::from_str(&read(&reports.join("matrix.json"))).expect("matrix.json");
    assert_eq!(doc["schema"], "picklejar-matrix/1");
    assert_eq!(doc["peers"][1]["dir"], "tinypy");
    assert_eq!(
        doc["peers"][1]["real_bugs"].as_array().map(Vec::len),
        Some(2)
    );

    let summary = read(&peers.join("SUMMARY.md"));
    assert!(
        summary.contains("| tinypy | Python | tinypy 0.0.1 on CPython 3."),
        "{summary}"
    );
    assert!(summary.contains(" | 2 (16 trials) | ok |"), "{summary}");
    assert!(summary.contains("**Partial run**"), "{summary}");

    // plant a failure the expectations do not list: the sign bug's entry goes
    let exp = peers.join("tinypy/expectations.yaml");
    let listed = read(&exp);
    let cut = listed
        .replace(
            "- glob: load/scalars/int_negative/**\n  status: fail\n  reason: 'bug: drops the sign of -1 (planted)'\n",
            "",
        );
    assert_ne!(cut, listed, "the entry is in the fixture");
    std::fs::write(&exp, cut).expect("write");
    let out = matrix(tmp.path(), &peers, &["--only", "tinypy"]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(stdout.contains("matrix gate: FAILED"), "{stdout}");
    assert!(stdout.contains("1 ran (0 gate ok, 1 failed)"), "{stdout}");
    let page = read(&reports.join("index.html"));
    assert!(page.contains("gate failed"));
    assert!(
        page.contains("fails and is not listed") || page.contains("int_negative"),
        "{page}"
    );
    // without --record the summary is left as it was
    assert_eq!(read(&peers.join("SUMMARY.md")), summary);
}

/// The text from the first `start` to the next `end` after it.
fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let i = s
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in {s}"));
    let j = s[i..].find(end).map_or(s.len(), |j| i + j);
    &s[i..j]
}
