//! The peer matrix: `reports/matrix/index.html` and `peers/SUMMARY.md`.
//!
//! `picklejar matrix` runs the conformance of every third-party codec under `peers/`
//! (`peers/README.md`) and keeps, per peer, a [`PeerRun`]: what `peer.yaml` says, whether it
//! ran, was skipped (a missing command, a `setup.sh` that could not set it up) or failed to
//! run, and for a peer that ran the counts of its results document (`docs/RESULTS.md`) by
//! verdict and category, its crashes, and the **real bugs found**: the failures left after
//! its declared value model that its expectations file lists with a reason starting with
//! `bug:`. A [`Matrix`] (all peers, the date, the commit) renders as a page
//! ([`matrix_html`]) and as the small committed table ([`matrix_markdown`]); it is also
//! written as JSON (`picklejar-matrix/1`, [`MATRIX_SCHEMA`]).
//!
//! ```
//! use picklejar_report::matrix::{Matrix, PeerInfo, PeerRun};
//! let info = PeerInfo { name: "jpickle".into(), language: "Java".into(), ..PeerInfo::default() };
//! let mut m = Matrix::new("0.1.0");
//! m.peers.push(PeerRun::skipped("jpickle", info, "requires java, not found on PATH"));
//! assert!(m.gate_ok()); // a skipped peer fails nothing
//! let md = picklejar_report::matrix_markdown(&m);
//! assert!(md.contains("| jpickle | Java |"));
//! assert!(picklejar_report::matrix_html(&m)?.contains("requires java"));
//! # Ok::<(), picklejar_report::ReportError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{ReportError, environment};
use picklejar_runner::Expectations;
use picklejar_runner::Status;
use picklejar_runner::results::{CodecRun, CorpusInfo};
use picklejar_runner::trial::Verdict;

/// The schema identifier of the matrix document (`reports/matrix/matrix.json`).
pub const MATRIX_SCHEMA: &str = "picklejar-matrix/1";

/// The prefix of an expectations reason that names a real bug of the peer (`bug: drops
/// the sign of negative LONG1 ints`), as opposed to a missing feature or a limit of its
/// value model. Matched case-insensitively, after leading blanks.
pub const BUG_PREFIX: &str = "bug:";

/// Whether an expectations reason names a real bug ([`BUG_PREFIX`]).
///
/// ```
/// use picklejar_report::matrix::is_bug_reason;
/// assert!(is_bug_reason("bug: loses the sign of -1"));
/// assert!(is_bug_reason("  BUG: same"));
/// assert!(!is_bug_reason("no frozenset in JavaScript (not a bug: its value model)"));
/// ```
pub fn is_bug_reason(reason: &str) -> bool {
    let r = reason.trim_start();
    r.len() >= BUG_PREFIX.len()
        && r.is_char_boundary(BUG_PREFIX.len())
        && r[..BUG_PREFIX.len()].eq_ignore_ascii_case(BUG_PREFIX)
}

/// One matrix run: every peer, in folder order.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Matrix {
    /// Always [`MATRIX_SCHEMA`].
    pub schema: String,
    /// picklejar's version.
    pub picklejar_version: String,
    /// picklejar's commit (`git rev-parse --short=12 HEAD`, `-dirty` when the checkout has
    /// uncommitted changes to tracked files); empty when unknown.
    #[serde(default)]
    pub commit: String,
    /// The day of the run, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    pub date: String,
    /// The corpus the peers ran on (from the first results document); `None` when no peer
    /// ran.
    #[serde(default)]
    pub corpus: Option<CorpusInfo>,
    /// The `--filter` globs of a partial run; empty when every trial ran.
    #[serde(default)]
    pub filters: Vec<String>,
    /// The `--only` names of a run of some peers; empty when every peer folder was run.
    #[serde(default)]
    pub only: Vec<String>,
    /// Wall time of the whole matrix (setups included), in milliseconds.
    pub duration_ms: u64,
    /// Every peer.
    pub peers: Vec<PeerRun>,
}

impl Matrix {
    /// An empty matrix of this picklejar version.
    pub fn new(picklejar_version: &str) -> Matrix {
        Matrix {
            schema: MATRIX_SCHEMA.into(),
            picklejar_version: picklejar_version.into(),
            commit: String::new(),
            date: String::new(),
            corpus: None,
            filters: Vec::new(),
            only: Vec::new(),
            duration_ms: 0,
            peers: Vec::new(),
        }
    }

    /// Whether no peer failed: every peer that ran passed its gate and none failed to run.
    /// Skipped peers fail nothing.
    pub fn gate_ok(&self) -> bool {
        self.peers.iter().all(|p| !p.fails())
    }
}

/// What `peers/<peer>/peer.yaml` says (`peers/README.md`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerInfo {
    /// The peer's name (= its manifest's name and its expectations' codec).
    pub name: String,
    /// JavaScript, Go, Java, Python, Rust, …
    #[serde(default)]
    pub language: String,
    /// npm, crates.io, PyPI, Debian, …
    #[serde(default)]
    pub registry: String,
    /// The package name in that registry.
    #[serde(default)]
    pub package: String,
    /// The pinned version `setup.sh` installs.
    #[serde(default)]
    pub version: String,
    /// Where the codec lives.
    #[serde(default)]
    pub homepage: String,
    /// The commands `setup.sh` needs.
    #[serde(default)]
    pub requires: Vec<String>,
    /// What the reader is, its value model, its known bugs.
    #[serde(default)]
    pub notes: String,
}

/// How a peer's turn ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeerState {
    /// Its conformance ran (its gate may still have failed).
    Ran,
    /// It cannot run on this machine: a required command is missing, or `setup.sh` exited
    /// 77 or failed. Fails nothing.
    Skipped,
    /// Its folder is broken: its manifest or expectations could not be used, or the run
    /// failed. Fails the matrix.
    Error,
}

/// An adapter source file of a peer and its length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterFile {
    /// The path inside the peer's folder (`adapter.py`, `adapter/main.go`).
    pub path: String,
    /// Its number of lines.
    pub lines: usize,
}

/// Trials counted by verdict: what the codec did, before the expectations file (a listed
/// failure is still a failure here).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Matched the reference (modulo the declared value model).
    pub pass: usize,
    /// A wrong value or a wrong rejection.
    pub fail: usize,
    /// A crash of the codec (an uncaught exception, a signal, garbage output).
    pub crash: usize,
    /// A crash that was the adapter's failure (exit status 3, `adapter_error`); counted
    /// apart from `crash`.
    #[serde(default)]
    pub adapter_error: usize,
    /// A hang until the time limit.
    pub timeout: usize,
    /// Not run: not applicable to the codec, or listed `skip`.
    pub skip: usize,
}

impl Tally {
    /// Adds one trial.
    pub fn add(&mut self, verdict: Verdict, adapter_error: bool) {
        match verdict {
            Verdict::Pass => self.pass += 1,
            Verdict::Fail | Verdict::Extra => self.fail += 1,
            Verdict::Crash if adapter_error => self.adapter_error += 1,
            Verdict::Crash => self.crash += 1,
            Verdict::Timeout => self.timeout += 1,
            Verdict::Skip => self.skip += 1,
        }
    }

    /// Trials that ran and were graded (every verdict but `skip`).
    pub fn graded(&self) -> usize {
        self.pass + self.fail + self.crash + self.adapter_error + self.timeout
    }

    /// Crashes, adapter errors and timeouts: the `crash` column of `peers/SUMMARY.md`.
    pub fn crashes(&self) -> usize {
        self.crash + self.adapter_error + self.timeout
    }
}

/// A real bug found: an expectations entry whose reason starts with `bug:`
/// ([`BUG_PREFIX`]), with the failing trials it listed in this run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealBug {
    /// The entry's glob.
    pub glob: String,
    /// `fail`, `crash` or `timeout`.
    pub status: String,
    /// The reason, as written.
    pub reason: String,
    /// How many trials of this run it lists (each failing as it says).
    pub trials: usize,
    /// The first of them.
    pub example: String,
}

/// One peer's turn in the matrix.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PeerRun {
    /// Its folder under `peers/`.
    pub dir: String,
    /// Its `peer.yaml`.
    pub peer: PeerInfo,
    /// Ran, skipped, or error.
    pub state: PeerState,
    /// Why it was skipped, or what went wrong; empty when it ran.
    #[serde(default)]
    pub reason: String,
    /// The value model its manifest declares (flag names, `[]` when exact).
    #[serde(default)]
    pub model: Vec<String>,
    /// Its adapter's source files.
    #[serde(default)]
    pub adapter: Vec<AdapterFile>,
    /// The version its version command reported (from the results document).
    #[serde(default)]
    pub codec_version: String,
    /// Wall time of `setup.sh`, in milliseconds.
    #[serde(default)]
    pub setup_ms: u64,
    /// Wall time of its trials, in milliseconds.
    #[serde(default)]
    pub duration_ms: u64,
    /// Its trials by verdict.
    #[serde(default)]
    pub tally: Tally,
    /// Its trials by category of the corpus, then by verdict.
    #[serde(default)]
    pub by_category: BTreeMap<String, Tally>,
    /// Trials whose status fails the gate (unlisted failures, crashes and timeouts,
    /// unexpected passes).
    #[serde(default)]
    pub gate_failing_trials: usize,
    /// The real bugs found, in expectations-file order.
    #[serde(default)]
    pub real_bugs: Vec<RealBug>,
    /// Whether it passed its gate (false for an error; true for a skipped peer, which
    /// fails nothing).
    pub gate_ok: bool,
    /// Why the gate failed.
    #[serde(default)]
    pub gate_problems: Vec<String>,
    /// Its conformance page, relative to the matrix page.
    #[serde(default)]
    pub report: Option<String>,
    /// Its results document, relative to the matrix page.
    #[serde(default)]
    pub results: Option<String>,
}

impl PeerRun {
    fn empty(dir: &str, peer: PeerInfo, state: PeerState, reason: &str) -> PeerRun {
        PeerRun {
            dir: dir.to_owned(),
            peer,
            state,
            reason: reason.to_owned(),
            model: Vec::new(),
            adapter: Vec::new(),
            codec_version: String::new(),
            setup_ms: 0,
            duration_ms: 0,
            tally: Tally::default(),
            by_category: BTreeMap::new(),
            gate_failing_trials: 0,
            real_bugs: Vec::new(),
            gate_ok: state != PeerState::Error,
            gate_problems: Vec::new(),
            report: None,
            results: None,
        }
    }

    /// A peer that could not run here, and why.
    pub fn skipped(dir: &str, peer: PeerInfo, reason: &str) -> PeerRun {
        PeerRun::empty(dir, peer, PeerState::Skipped, reason)
    }

    /// A peer whose folder or run is broken, and what went wrong.
    pub fn error(dir: &str, peer: PeerInfo, message: &str) -> PeerRun {
        PeerRun::empty(dir, peer, PeerState::Error, message)
    }

    /// A peer that ran: its codec's run from the results document, judged against the
    /// expectations file it ran with (for the real bugs).
    pub fn ran(dir: &str, peer: PeerInfo, run: &CodecRun, expectations: &Expectations) -> PeerRun {
        let mut p = PeerRun::empty(dir, peer, PeerState::Ran, "");
        p.model = run.codec.model.clone();
        p.codec_version = run.codec.version.clone();
        p.duration_ms = run.duration_ms;
        p.gate_ok = run.gate_problems.is_empty();
        p.gate_problems = run.gate_problems.clone();
        // entry index -> (trials, first trial)
        let mut bugs: BTreeMap<usize, (usize, &str)> = BTreeMap::new();
        for t in &run.trials {
            p.tally.add(t.verdict, t.adapter_error);
            p.by_category
                .entry(t.category.clone())
                .or_default()
                .add(t.verdict, t.adapter_error);
            if t.status.fails_gate() {
                p.gate_failing_trials += 1;
            }
            if t.status == Status::ExpectedFail
                && let Some(i) = expectations.lookup(&t.name)
                && is_bug_reason(&expectations.entry(i).reason)
            {
                let b = bugs.entry(i).or_insert((0, t.name.as_str()));
                b.0 += 1;
            }
        }
        p.real_bugs = bugs
            .into_iter()
            .map(|(i, (trials, example))| {
                let e = expectations.entry(i);
                RealBug {
                    glob: e.glob.clone(),
                    status: serde_json::to_value(e.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    reason: e.reason.clone(),
                    trials,
                    example: example.to_owned(),
                }
            })
            .collect();
        p
    }

    /// Whether this peer fails the matrix: it ran and failed its gate, or it could not run
    /// for a reason of its own (an error).
    pub fn fails(&self) -> bool {
        match self.state {
            PeerState::Ran => !self.gate_ok,
            PeerState::Skipped => false,
            PeerState::Error => true,
        }
    }

    /// The version to show: the one its version command reported, else the pinned one.
    pub fn shown_version(&self) -> &str {
        if self.codec_version.is_empty() {
            &self.peer.version
        } else {
            &self.codec_version
        }
    }

    /// `ok`, `FAILED`, `skipped` or `error`.
    pub fn gate_word(&self) -> &'static str {
        match self.state {
            PeerState::Ran if self.gate_ok => "ok",
            PeerState::Ran => "FAILED",
            PeerState::Skipped => "skipped",
            PeerState::Error => "error",
        }
    }
}

/// `1h 02m`, `3m 12s`, `4.2 s`.
pub fn human_duration(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

// ---------------------------------------------------------------------------------------
// the page

#[derive(Serialize)]
struct CellView {
    /// `pass/graded`, `·` when nothing was graded.
    text: String,
    title: String,
    /// `r100`, `r90`, `r75`, `r50`, `r0`, `na`; `crash` when a trial crashed.
    class: String,
    crashes: usize,
}

#[derive(Serialize)]
struct PeerView {
    dir: String,
    name: String,
    language: String,
    registry: String,
    package: String,
    pinned: String,
    homepage: String,
    version: String,
    model: Vec<String>,
    adapter: Vec<AdapterFile>,
    adapter_lines: usize,
    state: String,
    reason: String,
    tally: Tally,
    graded: usize,
    pass_pct: String,
    crashes: usize,
    gate_failing_trials: usize,
    bugs: Vec<RealBug>,
    bug_trials: usize,
    gate_ok: bool,
    gate_word: String,
    gate_problems: Vec<String>,
    gate_problems_more: usize,
    time: String,
    setup_time: String,
    report: Option<String>,
    results: Option<String>,
    cells: Vec<CellView>,
    notes: String,
}

#[derive(Serialize)]
struct Page {
    schema: String,
    picklejar_version: String,
    commit: String,
    date: String,
    corpus_id: String,
    corpus_path: String,
    filters: Vec<String>,
    gate_ok: bool,
    total_time: String,
    categories: Vec<String>,
    ran: Vec<PeerView>,
    skipped: Vec<PeerView>,
    errors: Vec<PeerView>,
    failed: usize,
    bugs_total: usize,
    crashes_total: usize,
}

fn cell(t: Option<&Tally>) -> CellView {
    let Some(t) = t.filter(|t| t.graded() > 0) else {
        let skip = t.map_or(0, |t| t.skip);
        return CellView {
            text: "·".into(),
            title: if skip > 0 {
                format!("no trial graded ({skip} not applicable)")
            } else {
                "no trial".into()
            },
            class: "na".into(),
            crashes: 0,
        };
    };
    let graded = t.graded();
    let rate = t.pass as f64 / graded as f64;
    let class = if t.crashes() > 0 {
        "crash"
    } else if t.pass == graded {
        "r100"
    } else if rate >= 0.9 {
        "r90"
    } else if rate >= 0.75 {
        "r75"
    } else if rate >= 0.5 {
        "r50"
    } else {
        "r0"
    };
    let mut title = vec![format!("{} pass", t.pass)];
    for (n, what) in [
        (t.fail, "fail"),
        (t.crash, "crash"),
        (t.adapter_error, "adapter error"),
        (t.timeout, "timeout"),
        (t.skip, "not applicable or skipped"),
    ] {
        if n > 0 {
            title.push(format!("{n} {what}"));
        }
    }
    CellView {
        text: format!("{}/{graded}", t.pass),
        title: title.join(", "),
        class: class.into(),
        crashes: t.crashes(),
    }
}

fn view(p: &PeerRun, categories: &[String]) -> PeerView {
    let graded = p.tally.graded();
    PeerView {
        dir: p.dir.clone(),
        name: if p.peer.name.is_empty() {
            p.dir.clone()
        } else {
            p.peer.name.clone()
        },
        language: p.peer.language.clone(),
        registry: p.peer.registry.clone(),
        package: p.peer.package.clone(),
        pinned: p.peer.version.clone(),
        homepage: p.peer.homepage.clone(),
        version: p.shown_version().to_owned(),
        model: p.model.clone(),
        adapter_lines: p.adapter.iter().map(|a| a.lines).sum(),
        adapter: p.adapter.clone(),
        state: match p.state {
            PeerState::Ran => "ran",
            PeerState::Skipped => "skipped",
            PeerState::Error => "error",
        }
        .into(),
        reason: p.reason.clone(),
        tally: p.tally,
        graded,
        pass_pct: if graded == 0 {
            "–".into()
        } else {
            format!("{:.1}%", p.tally.pass as f64 * 100.0 / graded as f64)
        },
        crashes: p.tally.crashes(),
        gate_failing_trials: p.gate_failing_trials,
        bug_trials: p.real_bugs.iter().map(|b| b.trials).sum(),
        bugs: p.real_bugs.clone(),
        gate_ok: p.gate_ok,
        gate_word: p.gate_word().into(),
        gate_problems: p.gate_problems.iter().take(10).cloned().collect(),
        gate_problems_more: p.gate_problems.len().saturating_sub(10),
        time: human_duration(p.duration_ms),
        setup_time: human_duration(p.setup_ms),
        report: p.report.clone(),
        results: p.results.clone(),
        cells: categories
            .iter()
            .map(|c| cell(p.by_category.get(c)))
            .collect(),
        notes: p.peer.notes.clone(),
    }
}

/// Renders the matrix page: the peers that ran (language, versions, value model, adapter
/// size, counts, crashes, real bugs, gate), peer × category pass rates (crashes in red),
/// the real bugs found, the skipped peers with their reasons, and the total run time.
/// Fails only on a template error.
pub fn matrix_html(m: &Matrix) -> Result<String, ReportError> {
    let categories: Vec<String> = m
        .peers
        .iter()
        .flat_map(|p| p.by_category.keys().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let pick = |s: PeerState| -> Vec<PeerView> {
        m.peers
            .iter()
            .filter(|p| p.state == s)
            .map(|p| view(p, &categories))
            .collect()
    };
    let ran = pick(PeerState::Ran);
    let skipped = pick(PeerState::Skipped);
    let errors = pick(PeerState::Error);
    let page = Page {
        schema: m.schema.clone(),
        picklejar_version: m.picklejar_version.clone(),
        commit: m.commit.clone(),
        date: m.date.clone(),
        corpus_id: m.corpus.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
        corpus_path: m
            .corpus
            .as_ref()
            .map(|c| c.path.clone())
            .unwrap_or_default(),
        filters: m.filters.clone(),
        gate_ok: m.gate_ok(),
        total_time: human_duration(m.duration_ms),
        failed: m.peers.iter().filter(|p| p.fails()).count(),
        bugs_total: ran.iter().map(|p| p.bugs.len()).sum(),
        crashes_total: ran.iter().map(|p| p.crashes).sum(),
        categories,
        ran,
        skipped,
        errors,
    };
    let mut env = environment()?;
    env.add_template("matrix.html", include_str!("../templates/matrix.html"))?;
    let tmpl = env.get_template("matrix.html")?;
    Ok(tmpl.render(minijinja::Value::from(minijinja::value::Serde(&page)))?)
}

/// A table cell of Markdown: one line, `|` escaped.
fn md(s: &str) -> String {
    let one = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.is_empty() {
        "–".into()
    } else {
        one.replace('|', "\\|")
    }
}

/// Renders `peers/SUMMARY.md`: one row per peer (language, version, pass / fail / crash /
/// skip counts by verdict, real bugs, gate), under a line with the date, the picklejar
/// commit, the corpus and the run time.
pub fn matrix_markdown(m: &Matrix) -> String {
    let mut out = String::from("# Peer matrix\n\n");
    let ran = m.peers.iter().filter(|p| p.state == PeerState::Ran).count();
    let skipped = m
        .peers
        .iter()
        .filter(|p| p.state == PeerState::Skipped)
        .count();
    let errors = m.peers.len() - ran - skipped;
    out.push_str(&format!(
        "Written by `picklejar matrix --record` on {} with picklejar {}{}{}: {} peers ({ran} ran, {skipped} skipped{}) in {}. Matrix gate: **{}**.\n\n",
        if m.date.is_empty() { "an unknown date" } else { &m.date },
        m.picklejar_version,
        if m.commit.is_empty() {
            String::new()
        } else {
            format!(" at commit `{}`", m.commit)
        },
        m.corpus
            .as_ref()
            .filter(|c| !c.id.is_empty())
            .map(|c| format!(", corpus `{}`", c.id))
            .unwrap_or_default(),
        m.peers.len(),
        if errors > 0 {
            format!(", {errors} broken")
        } else {
            String::new()
        },
        human_duration(m.duration_ms),
        if m.gate_ok() { "ok" } else { "failed" },
    ));
    if !m.only.is_empty() {
        out.push_str(&format!(
            "**Some peers only** (`--only`): {}.\n\n",
            m.only
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !m.filters.is_empty() {
        out.push_str(&format!(
            "**Partial run**: only the trials matching {} ran.\n\n",
            m.filters
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out.push_str("| peer | language | version | pass | fail | crash | skip | real bugs | gate |\n");
    out.push_str("|---|---|---|---:|---:|---:|---:|---:|---|\n");
    for p in &m.peers {
        let name = md(if p.peer.name.is_empty() {
            &p.dir
        } else {
            &p.peer.name
        });
        match p.state {
            PeerState::Ran => {
                let bug_trials: usize = p.real_bugs.iter().map(|b| b.trials).sum();
                out.push_str(&format!(
                    "| {name} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                    md(&p.peer.language),
                    md(p.shown_version()),
                    p.tally.pass,
                    p.tally.fail,
                    p.tally.crashes(),
                    p.tally.skip,
                    if p.real_bugs.is_empty() {
                        "0".to_owned()
                    } else {
                        format!("{} ({bug_trials} trials)", p.real_bugs.len())
                    },
                    if p.gate_ok { "ok" } else { "**failed**" },
                ));
            }
            PeerState::Skipped | PeerState::Error => {
                out.push_str(&format!(
                    "| {name} | {} | {} | – | – | – | – | – | {}: {} |\n",
                    md(&p.peer.language),
                    md(&p.peer.version),
                    if p.state == PeerState::Skipped {
                        "skipped"
                    } else {
                        "**error**"
                    },
                    md(&p.reason),
                ));
            }
        }
    }
    out.push_str(
        "\nCounts are trials by verdict, before the expectations file: *fail* is a wrong value or rejection (listed or not), *crash* a crash, adapter error or timeout, *skip* not applicable. *Real bugs* are expectations entries whose reason starts with `bug:` that listed failing trials. See docs/RESULTS.md, \"The peer matrix\"; the full page is `reports/matrix/index.html` (not committed).\n",
    );
    out
}
