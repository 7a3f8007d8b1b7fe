//! `picklejar matrix`: the conformance of every third-party codec under `peers/`
//! (`peers/README.md`), each as `picklejar conformance --codec manifest:… --expect …` runs
//! it, peer after peer; the peers a machine cannot set up are skipped with a message. The
//! result is `reports/matrix/index.html` (peer × category pass rates, crashes, real bugs,
//! skipped peers), `reports/matrix/matrix.json`, and with `--record` the committed
//! `peers/SUMMARY.md`. It exits 1 when a peer that ran failed its gate (or could not run
//! for a fault of its folder); skipped peers fail nothing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use picklejar_report::matrix::{AdapterFile, Matrix, PeerInfo, PeerRun, PeerState, human_duration};
use picklejar_runner::Expectations;
use picklejar_runner::adapters::Manifest;

use crate::conformance::{self, ConformanceArgs};
use crate::out::Out;

/// `picklejar matrix`
#[derive(Args, Debug)]
pub struct MatrixArgs {
    /// The peers directory: one folder per codec with peer.yaml, setup.sh,
    /// picklejar-adapter.yaml and expectations.yaml (peers/README.md).
    #[arg(long, value_name = "DIR", default_value = "peers")]
    pub peers: PathBuf,
    /// Only this peer (repeatable): its folder name or its peer.yaml name.
    #[arg(long = "only", value_name = "NAME")]
    pub only: Vec<String>,
    /// Write the summary table to <peers>/SUMMARY.md (the committed record of the run).
    #[arg(long)]
    pub record: bool,
    /// Worker threads of each peer's conformance (default: number of cores). Peers run one
    /// after another.
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// An interpreter for the CPython reference codecs (repeatable): VERSION=PATH.
    #[arg(long = "python", value_name = "VERSION=PATH")]
    pub pythons: Vec<String>,
    /// Where the matrix page, its JSON and each peer's results, conformance page and setup
    /// logs go.
    #[arg(long, value_name = "DIR", default_value = "reports/matrix")]
    pub out: PathBuf,
    /// Only these trials (repeatable; as `picklejar conformance --filter`): a partial run,
    /// said so on the page and in the summary.
    #[arg(long = "filter", value_name = "GLOB")]
    pub filters: Vec<String>,
    /// The corpus directory (default: the checkout you are in, else the embedded corpus).
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Per-load time limit of the adapters, in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// Time limit of each setup.sh, in seconds (past it the peer is skipped).
    #[arg(long, value_name = "SECONDS", default_value_t = 600.0)]
    pub setup_timeout: f64,
    /// How many failures to print per peer (with diffs).
    #[arg(long, default_value_t = 0)]
    pub show: usize,
    /// Do not show progress bars.
    #[arg(long)]
    pub no_progress: bool,
}

/// A peer folder found under `--peers`.
struct PeerDir {
    /// The folder name.
    dir: String,
    path: PathBuf,
    info: PeerInfo,
    /// peer.yaml could not be read: the peer is broken.
    broken: Option<String>,
}

/// Runs the command.
pub fn run(a: MatrixArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let mut out = Out::stdout();
    if !a.peers.is_dir() {
        bail!(
            "--peers {}: no such directory; give the folder holding one folder per peer (peers/README.md)",
            a.peers.display()
        );
    }
    let mut peers = find_peers(&a.peers)?;
    if peers.is_empty() {
        bail!(
            "{}: no peer folders (a folder with a peer.yaml); see peers/README.md",
            a.peers.display()
        );
    }
    if !a.only.is_empty() {
        let unknown: Vec<&String> = a
            .only
            .iter()
            .filter(|n| !peers.iter().any(|p| p.dir == **n || p.info.name == **n))
            .collect();
        if !unknown.is_empty() {
            bail!(
                "--only {}: no such peer in {}; the peers are: {}",
                unknown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                a.peers.display(),
                peers
                    .iter()
                    .map(|p| p.dir.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        peers.retain(|p| a.only.iter().any(|n| *n == p.dir || *n == p.info.name));
    }
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;

    let mut matrix = Matrix::new(env!("CARGO_PKG_VERSION"));
    matrix.date = today();
    matrix.commit = commit();
    matrix.filters = a.filters.clone();
    matrix.only = a.only.clone();
    for p in &peers {
        eprintln!("\n=== peer {} ({})", p.dir, p.path.display());
        let run = run_peer(&a, p);
        match run.state {
            PeerState::Ran => {}
            PeerState::Skipped => eprintln!("peer {}: skipped: {}", run.dir, run.reason),
            PeerState::Error => eprintln!("peer {}: ERROR: {}", run.dir, run.reason),
        }
        matrix.peers.push(run);
    }
    matrix.corpus = first_corpus(&a.out, &matrix);
    matrix.duration_ms = started.elapsed().as_millis() as u64;

    print_table(&mut out, &matrix);
    let json_path = a.out.join("matrix.json");
    write(&json_path, &serde_json::to_vec_pretty(&matrix)?)?;
    let html_path = a.out.join("index.html");
    let html = picklejar_report::matrix_html(&matrix).context("rendering the matrix page")?;
    write(&html_path, html.as_bytes())?;
    eprintln!("matrix: {} ({})", html_path.display(), json_path.display());
    if a.record {
        let md_path = a.peers.join("SUMMARY.md");
        write(
            &md_path,
            picklejar_report::matrix_markdown(&matrix).as_bytes(),
        )?;
        eprintln!("recorded: {}", md_path.display());
    }
    Ok(if matrix.gate_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The peer folders (those holding a peer.yaml), sorted by name.
fn find_peers(root: &Path) -> Result<Vec<PeerDir>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root).with_context(|| format!("reading {}", root.display()))? {
        let entry = entry?;
        let path = entry.path();
        let dir = entry.file_name().to_string_lossy().into_owned();
        if !path.is_dir() || dir.starts_with('.') || !path.join("peer.yaml").is_file() {
            continue;
        }
        let (info, broken) = match std::fs::read_to_string(path.join("peer.yaml"))
            .map_err(|e| e.to_string())
            .and_then(|t| peer_info(&t))
        {
            Ok(mut info) => {
                if info.name.is_empty() {
                    info.name = dir.clone();
                }
                (info, None)
            }
            Err(e) => (
                PeerInfo {
                    name: dir.clone(),
                    ..PeerInfo::default()
                },
                Some(format!("{}: {e}", path.join("peer.yaml").display())),
            ),
        };
        found.push(PeerDir {
            dir,
            path,
            info,
            broken,
        });
    }
    found.sort_by(|a, b| a.dir.cmp(&b.dir));
    Ok(found)
}

/// One peer's turn: requires, setup.sh, conformance.
fn run_peer(a: &MatrixArgs, p: &PeerDir) -> PeerRun {
    let info = p.info.clone();
    if let Some(why) = &p.broken {
        return PeerRun::error(&p.dir, info, why);
    }
    let manifest_path = p.path.join("picklejar-adapter.yaml");
    let manifest = Manifest::load(&manifest_path);
    let model = manifest
        .as_ref()
        .map(|m| m.model.names())
        .unwrap_or_default();
    let adapter = adapter_files(&p.path);
    let with_details = |mut r: PeerRun| {
        if r.model.is_empty() {
            r.model = model.clone();
        }
        r.adapter = adapter.clone();
        r
    };

    // 1. the commands setup.sh needs
    let missing: Vec<String> = info
        .requires
        .iter()
        .filter(|c| !on_path(c))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return with_details(PeerRun::skipped(
            &p.dir,
            info,
            &format!("requires {}, not found on PATH", missing.join(", ")),
        ));
    }
    // 2. setup.sh
    let peer_out = a.out.join(&p.dir);
    let setup_started = Instant::now();
    if let Err(why) = setup(
        &p.path,
        &peer_out,
        Duration::from_secs_f64(a.setup_timeout.max(1.0)),
    ) {
        let mut r = with_details(PeerRun::skipped(&p.dir, info, &why));
        r.setup_ms = setup_started.elapsed().as_millis() as u64;
        return r;
    }
    let setup_ms = setup_started.elapsed().as_millis() as u64;
    // 3. the manifest and the expectations
    let manifest = match manifest {
        Ok(m) => m,
        Err(e) => return with_details(PeerRun::error(&p.dir, info, &e.to_string())),
    };
    if manifest.name != info.name {
        eprintln!(
            "warning: {} names codec {:?}, but peer.yaml says {:?}",
            manifest_path.display(),
            manifest.name,
            info.name
        );
    }
    let exp_path = p.path.join("expectations.yaml");
    let expectations = match Expectations::load(&exp_path) {
        Ok(e) => e,
        Err(e) => return with_details(PeerRun::error(&p.dir, info, &e)),
    };
    if !exp_path.is_file() {
        eprintln!(
            "warning: {} is missing: every failure fails the gate (bless it: peers/README.md)",
            exp_path.display()
        );
    }
    // 4. the conformance, as `picklejar conformance` runs it
    let json = peer_out.join("results.json");
    let html = peer_out.join("index.html");
    let _ = std::fs::remove_file(&json);
    let args = ConformanceArgs {
        codecs: vec![format!("manifest:{}", manifest_path.display())],
        filters: a.filters.clone(),
        expect: exp_path.is_file().then(|| exp_path.clone()),
        // no expectations file: the default path in the peer folder, which does not exist
        expectations_dir: p.path.clone(),
        bless: false,
        json: Some(json.clone()),
        html: Some(html),
        junit: None,
        github: false,
        full: false,
        jobs: a.jobs,
        corpus: a.corpus.clone(),
        pythons: a.pythons.clone(),
        timeout: a.timeout,
        show: a.show,
        no_progress: a.no_progress,
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| conformance::run(args)));
    match outcome {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return with_details(PeerRun::error(&p.dir, info, &format!("{e:#}"))),
        Err(_) => {
            return with_details(PeerRun::error(
                &p.dir,
                info,
                "the conformance run panicked (its message is above)",
            ));
        }
    }
    let results = match std::fs::read_to_string(&json)
        .map_err(anyhow::Error::from)
        .and_then(|t| picklejar_report::read_results(&t).map_err(anyhow::Error::from))
    {
        Ok(r) => r,
        Err(e) => {
            return with_details(PeerRun::error(
                &p.dir,
                info,
                &format!("reading {}: {e:#}", json.display()),
            ));
        }
    };
    let Some(run) = results.codecs.first() else {
        return with_details(PeerRun::error(
            &p.dir,
            info,
            "its results hold no codec run",
        ));
    };
    let mut r = with_details(PeerRun::ran(&p.dir, info, run, &expectations));
    r.setup_ms = setup_ms;
    r.report = Some(format!("{}/index.html", p.dir));
    r.results = Some(format!("{}/results.json", p.dir));
    r
}

/// Runs `setup.sh` in the peer's folder (if it has one), its output into
/// `<out>/setup.out` and `<out>/setup.err`. `Err` is the skip reason: exit 77 (cannot be
/// set up here), another failure, or no end within `limit`, each with its last line on
/// stderr.
fn setup(dir: &Path, out: &Path, limit: Duration) -> Result<(), String> {
    let script = dir.join("setup.sh");
    if !script.is_file() {
        return Ok(());
    }
    std::fs::create_dir_all(out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    let err_path = out.join("setup.err");
    let open =
        |p: &Path| std::fs::File::create(p).map_err(|e| format!("creating {}: {e}", p.display()));
    let (stdout, stderr) = (open(&out.join("setup.out"))?, open(&err_path)?);
    let (program, args) = interpreter(&script);
    let shown: Vec<&str> = std::iter::once(program.as_str())
        .chain(args.iter().map(String::as_str))
        .chain(["setup.sh"])
        .collect();
    eprintln!(
        "setup: {} (output: {})",
        shown.join(" "),
        out.join("setup.{out,err}").display()
    );
    let mut cmd = Command::new(&program);
    cmd.args(&args)
        .arg("setup.sh")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start setup.sh with {program}: {e}"))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if started.elapsed() >= limit => {
                kill_group(&mut child);
                return Err(format!(
                    "setup.sh did not finish in {} s (killed){}",
                    limit.as_secs(),
                    last_line(&err_path)
                        .map(|l| format!("; last on stderr: {l}"))
                        .unwrap_or_default()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("waiting for setup.sh: {e}")),
        }
    };
    if status.success() {
        return Ok(());
    }
    let last = last_line(&err_path);
    Err(match (status.code(), last) {
        (Some(77), Some(l)) => l,
        (Some(77), None) => {
            "setup.sh exited 77 (cannot be set up here) and said nothing on stderr".into()
        }
        (Some(c), Some(l)) => format!("setup.sh failed (exit {c}): {l}"),
        (Some(c), None) => format!("setup.sh failed (exit {c}), saying nothing on stderr"),
        (None, l) => format!(
            "setup.sh was killed by a signal{}",
            l.map(|l| format!(": {l}")).unwrap_or_default()
        ),
    })
}

/// The program to run a script with: its `#!` line's (with its one argument), else `sh`.
fn interpreter(script: &Path) -> (String, Vec<String>) {
    let mut head = [0u8; 256];
    let n = std::fs::File::open(script)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let first = String::from_utf8_lossy(&head[..n]);
    if let Some(line) = first.lines().next().and_then(|l| l.strip_prefix("#!")) {
        let mut words = line.split_whitespace().map(str::to_owned);
        if let Some(program) = words.next() {
            return (program, words.collect());
        }
    }
    ("sh".into(), Vec::new())
}

/// Kills a child and its process group.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The last non-blank line of a file (at most 300 characters).
fn last_line(path: &Path) -> Option<String> {
    let text = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&text);
    let line = text.lines().rev().map(str::trim).find(|l| !l.is_empty())?;
    Some(if line.chars().count() > 300 {
        format!("{}…", line.chars().take(300).collect::<String>())
    } else {
        line.to_owned()
    })
}

/// Whether `cmd` is an executable file on PATH (or, with a `/`, at that path).
fn on_path(cmd: &str) -> bool {
    fn executable(p: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        }
        #[cfg(not(unix))]
        {
            p.is_file()
        }
    }
    if cmd.contains('/') {
        return executable(Path::new(cmd));
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| executable(&d.join(cmd))))
}

/// The adapter's sources: `adapter.*` files and the files under an `adapter/` folder, with
/// their line counts.
fn adapter_files(dir: &Path) -> Vec<AdapterFile> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    let mut names: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(n, _)| n == "adapter" || n.starts_with("adapter."))
        .collect();
    names.sort();
    for (name, path) in names {
        if path.is_file() {
            if let Some(lines) = count_lines(&path) {
                files.push(AdapterFile { path: name, lines });
            }
        } else if path.is_dir() {
            let mut inner: Vec<PathBuf> = Vec::new();
            collect_files(&path, &mut inner, 0);
            inner.sort();
            for f in inner {
                let skip = f.file_name().is_some_and(|n| {
                    let n = n.to_string_lossy();
                    n.starts_with('.')
                        || n == "go.sum"
                        || n.ends_with(".lock")
                        || n == "package-lock.json"
                });
                if skip {
                    continue;
                }
                if let (Some(lines), Ok(rel)) = (count_lines(&f), f.strip_prefix(dir)) {
                    files.push(AdapterFile {
                        path: rel.display().to_string(),
                        lines,
                    });
                }
            }
        }
    }
    files
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 4 {
        return;
    }
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        let hidden = e.file_name().to_string_lossy().starts_with('.');
        if hidden || e.file_name() == "node_modules" || e.file_name() == "target" {
            continue;
        }
        if p.is_dir() {
            collect_files(&p, out, depth + 1);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

/// Lines of a text file (`None` for a binary or unreadable one).
fn count_lines(path: &Path) -> Option<usize> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    Some(bytecount_lines(&bytes))
}

fn bytecount_lines(b: &[u8]) -> usize {
    let n = b.iter().filter(|c| **c == b'\n').count();
    if b.last().is_some_and(|c| *c != b'\n') {
        n + 1
    } else {
        n
    }
}

/// The corpus of the first peer that ran (from its results document).
fn first_corpus(out: &Path, m: &Matrix) -> Option<picklejar_runner::results::CorpusInfo> {
    m.peers
        .iter()
        .filter(|p| p.state == PeerState::Ran)
        .find_map(|p| {
            let text = std::fs::read_to_string(out.join(&p.dir).join("results.json")).ok()?;
            picklejar_report::read_results(&text).ok().map(|r| r.corpus)
        })
}

fn print_table(out: &mut Out, m: &Matrix) {
    out.line("");
    out.line(&format!(
        "{:<20} {:<11} {:<24} {:>6} {:>6} {:>6} {:>6} {:>5}  gate",
        "peer", "language", "version", "pass", "fail", "crash", "skip", "bugs"
    ));
    for p in &m.peers {
        let name = if p.peer.name.is_empty() {
            &p.dir
        } else {
            &p.peer.name
        };
        let version: String = p.shown_version().chars().take(24).collect();
        match p.state {
            PeerState::Ran => out.line(&format!(
                "{name:<20} {:<11} {version:<24} {:>6} {:>6} {:>6} {:>6} {:>5}  {}",
                p.peer.language,
                p.tally.pass,
                p.tally.fail,
                p.tally.crashes(),
                p.tally.skip,
                p.real_bugs.len(),
                p.gate_word()
            )),
            PeerState::Skipped | PeerState::Error => out.line(&format!(
                "{name:<20} {:<11} {version:<24} {}: {}",
                p.peer.language,
                p.gate_word(),
                p.reason
            )),
        }
    }
    let count = |s: PeerState| m.peers.iter().filter(|p| p.state == s).count();
    let failed = m
        .peers
        .iter()
        .filter(|p| p.state == PeerState::Ran && !p.gate_ok)
        .count();
    let errors = count(PeerState::Error);
    out.line(&format!(
        "matrix: {} peers: {} ran ({} gate ok, {failed} failed), {} skipped{} in {}{}",
        m.peers.len(),
        count(PeerState::Ran),
        count(PeerState::Ran) - failed,
        count(PeerState::Skipped),
        if errors > 0 {
            format!(", {errors} broken")
        } else {
            String::new()
        },
        human_duration(m.duration_ms),
        if m.filters.is_empty() {
            String::new()
        } else {
            format!(" (filtered: {:?})", m.filters)
        }
    ));
    out.line(if m.gate_ok() {
        "matrix gate: ok"
    } else {
        "matrix gate: FAILED"
    });
}

fn write(path: &Path, data: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, data).with_context(|| format!("writing {}", path.display()))
}

/// Today (UTC) as `YYYY-MM-DD`.
fn today() -> String {
    picklejar_bench::record::now_utc()
        .chars()
        .take(10)
        .collect()
}

/// picklejar's commit: its first 12 hex digits, `-dirty` with uncommitted changes to
/// tracked files; empty outside a git checkout.
fn commit() -> String {
    let (sha, dirty) = picklejar_bench::record::commit(Path::new("."));
    if sha == "unknown" {
        return String::new();
    }
    let short: String = sha.chars().take(12).collect();
    if dirty {
        format!("{short}-dirty")
    } else {
        short
    }
}

// ---------------------------------------------------------------------------------------
// peer.yaml

/// Reads peer.yaml into [`PeerInfo`] (`peers/README.md`). Unknown keys are ignored; a
/// version written as a number (`1.0`) is read as its text.
fn peer_info(text: &str) -> Result<PeerInfo, String> {
    use serde_yaml::Value;
    let doc: Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let Value::Mapping(m) = doc else {
        return Err("want `key: value` lines (peers/README.md)".into());
    };
    let scalar = |k: &str, v: &Value| -> Result<String, String> {
        match v {
            Value::Null => Ok(String::new()),
            Value::String(s) => Ok(s.trim_end().to_owned()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            _ => Err(format!("`{k}` is not one value")),
        }
    };
    let text_of = |k: &str| m.get(k).map_or(Ok(String::new()), |v| scalar(k, v));
    let requires = match m.get("requires") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items
            .iter()
            .map(|v| scalar("requires", v))
            .collect::<Result<_, _>>()?,
        Some(v) => scalar("requires", v)?
            .split([',', ' '])
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    Ok(PeerInfo {
        name: text_of("name")?,
        language: text_of("language")?,
        registry: text_of("registry")?,
        package: text_of("package")?,
        version: text_of("version")?,
        homepage: text_of("homepage")?,
        requires,
        notes: text_of("notes")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_yaml_as_the_readme_writes_it() {
        let text = r#"name: pickleparser           # = the manifest's name
language: JavaScript          # JavaScript, Go, Java, Python, Rust
registry: npm
package: "pickleparser"
version: 0.2.10
homepage: https://github.com/ewfian/pickleparser
requires: [node, 'npm']   # commands
notes: >
  One paragraph: what the reader is,
  what it cannot represent.

  Known bugs: #12.
"#;
        let p = peer_info(text).expect("parses");
        assert_eq!(p.name, "pickleparser");
        assert_eq!(p.language, "JavaScript");
        assert_eq!(p.package, "pickleparser");
        assert_eq!(p.version, "0.2.10");
        assert_eq!(p.homepage, "https://github.com/ewfian/pickleparser");
        assert_eq!(p.requires, ["node", "npm"]);
        assert_eq!(
            p.notes,
            "One paragraph: what the reader is, what it cannot represent.\nKnown bugs: #12."
        );
        assert_eq!(
            peer_info("name: x\nversion: 1.0\n")
                .expect("parses")
                .version,
            "1.0"
        );
    }

    #[test]
    fn block_lists_literal_scalars_and_mistakes() {
        let p =
            peer_info("name: x\nrequires:\n  - java   # the JVM\n  - mvn\nnotes: |\n  a\n  b\n")
                .expect("parses");
        assert_eq!(p.requires, ["java", "mvn"]);
        assert_eq!(p.notes, "a\nb");
        let p = peer_info("name: x\nrequires:\n- go\nversion: '1.0'\n").expect("parses");
        assert_eq!(p.requires, ["go"]);
        assert_eq!(p.version, "1.0");
        assert!(peer_info("name: [a, b\n").is_err());
        assert!(peer_info("name: a\nname: b\n").is_err());
        assert!(peer_info("just words\n").is_err());
        assert!(
            peer_info("name: x\nrequires: []\n")
                .expect("parses")
                .requires
                .is_empty()
        );
    }

    #[test]
    fn dates_and_scripts() {
        assert_eq!(today().len(), 10);
        assert_eq!(bytecount_lines(b"a\nb"), 2);
        assert_eq!(bytecount_lines(b"a\nb\n"), 2);
        assert_eq!(bytecount_lines(b""), 0);
    }
}
