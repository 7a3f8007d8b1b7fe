//! `picklejar conformance`: replay the corpus through codecs, print a summary, write JSON
//! results (and JUnit XML, GitHub annotations on request), and gate on the expectations
//! files; `picklejar compare`: what changed between two results documents.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use picklejar_runner::adapters::{self, AdapterConfig, Python, Resolved};
use picklejar_runner::corpus::CorpusSource;
use picklejar_runner::engine::{self, Filter, RunOptions};
use picklejar_runner::ids::REFERENCE;
use picklejar_runner::results::{
    CodecRun, CorpusInfo, ELIDE_OVER, Results, SCHEMA, SkippedCodec, TrialRecord, compare,
};
use picklejar_runner::trial::Verdict;
use picklejar_runner::{
    Corpus, Expectations, ExpectationsFile, RanTrial, Status, bless_merge, failure_class, trial,
};

use crate::out::Out;

/// The expectations files of the built-in codecs, as committed with this binary's source.
/// A run without `--expect` whose `<expectations-dir>/<codec>.yaml` does not exist (from
/// outside a checkout, say) gates these codecs on their known failures instead of on none.
const BUILT_IN_EXPECTATIONS: &[(&str, &str)] = &[
    (
        "picklejar",
        include_str!("../../../expectations/picklejar.yaml"),
    ),
    (
        "serde-pickle",
        include_str!("../../../expectations/serde-pickle.yaml"),
    ),
    (
        "cpython-3.13",
        include_str!("../../../expectations/cpython-3.13.yaml"),
    ),
    (
        "cpython-3.13-py",
        include_str!("../../../expectations/cpython-3.13-py.yaml"),
    ),
];

/// `picklejar conformance`
#[derive(Args, Debug)]
pub struct ConformanceArgs {
    /// Codec to test (repeatable): picklejar, serde-pickle, cpython-X.Y (C unpickler),
    /// cpython-X.Y-py (pure Python), cmd:NAME=COMMAND (adapter protocol 1),
    /// manifest:PATH or cmd:NAME[KEY=VALUE,…]=COMMAND (protocol 2: docs/ADAPTERS.md).
    /// Default: picklejar, serde-pickle, cpython-3.13, cpython-3.13-py.
    #[arg(long = "codec", value_name = "SPEC")]
    pub codecs: Vec<String>,
    /// Only these trials (repeatable): a glob or substring over trial names
    /// (`load/containers/list/p4-…`), case ids (`containers/*`) or variant paths.
    #[arg(long = "filter", value_name = "GLOB")]
    pub filters: Vec<String>,
    /// Expectations file (only with a single --codec; it must exist); default
    /// `<expectations-dir>/<codec>.yaml`; where that is missing, a built-in codec is gated on
    /// the expectations built into picklejar, any other codec on none.
    #[arg(long = "expect", value_name = "FILE")]
    pub expect: Option<PathBuf>,
    /// Where the per-codec expectations files live.
    #[arg(long, value_name = "DIR", default_value = "expectations")]
    pub expectations_dir: PathBuf,
    /// Update the expectations files from this run: entries for the trials that ran are
    /// rewritten, everything else (and every reason that still holds) is kept.
    #[arg(long)]
    pub bless: bool,
    /// Write the results document here (default reports/conformance/results.json; a
    /// filtered run writes reports/conformance/filtered/ unless told otherwise).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the HTML report here (default reports/conformance/index.html; a filtered run:
    /// reports/conformance/filtered/index.html).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Also write the results as JUnit XML (one testcase per trial).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Print GitHub Actions annotations (::error lines) for the gate problems.
    #[arg(long)]
    pub github: bool,
    /// Keep every text of every trial in the results (by default texts over 2 KiB are cut,
    /// with their length and hash).
    #[arg(long)]
    pub full: bool,
    /// Worker threads (default: number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The corpus directory (default: the checkout you are in, else the corpus embedded in
    /// this binary).
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// An interpreter for the CPython codecs (repeatable): VERSION=PATH, e.g.
    /// 3.13=/usr/bin/python3.13.
    #[arg(long = "python", value_name = "VERSION=PATH")]
    pub pythons: Vec<String>,
    /// Per-load time limit for out-of-process codecs, in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// How many failures to print per codec (with diffs); 0 prints none.
    #[arg(long, default_value_t = 5)]
    pub show: usize,
    /// Do not show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// `picklejar compare`
#[derive(Args, Debug)]
pub struct CompareArgs {
    /// The results document of the earlier run (e.g. the last release).
    pub old: PathBuf,
    /// The results document of the new run.
    pub new: PathBuf,
    /// How many trial names to list per change kind.
    #[arg(long, default_value_t = 20)]
    pub show: usize,
}

fn parse_python(s: &str) -> Result<Python> {
    let Some((v, p)) = s.split_once('=') else {
        bail!("--python {s:?}: want VERSION=PATH")
    };
    Ok(Python {
        version: v.to_owned(),
        path: PathBuf::from(p),
    })
}

/// A path as results and reports show it: relative to the working directory when below
/// it, else as given when relative, else only its file name (no absolute path of the
/// machine that ran it goes into a document meant to be shared).
fn shown(path: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match std::env::current_dir()
        .ok()
        .and_then(|cwd| abs.strip_prefix(cwd).ok().map(Path::to_path_buf))
    {
        Some(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ if path.is_relative() => path.display().to_string(),
        _ => path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
    }
}

/// Runs the command.
pub fn run(a: ConformanceArgs) -> Result<ExitCode> {
    let mut out = Out::stdout();
    let source = match &a.corpus {
        Some(dir) => {
            if !dir.join("manifest.yaml").is_file() {
                bail!(
                    "--corpus {}: no manifest.yaml there; give the corpus directory (the one holding manifest.yaml and <category>/<case>/case.yaml), or leave --corpus out to use the corpus embedded in picklejar",
                    dir.display()
                );
            }
            CorpusSource::Given(dir.clone())
        }
        None => Corpus::locate().context("unpacking the embedded corpus")?,
    };
    let corpus_root = source.path().to_path_buf();
    let corpus = Corpus::open(&corpus_root)
        .with_context(|| format!("reading the corpus at {}", corpus_root.display()))?;
    let corpus_id = corpus.id().context("hashing the corpus")?;
    let variants: usize = corpus.cases.iter().map(|c| c.variants.len()).sum();
    eprintln!(
        "corpus: {corpus_id} ({}: {}; {} cases, {variants} variants)",
        source.how(),
        shown(&corpus_root),
        corpus.cases.len()
    );
    let damage = corpus.verify();
    if !damage.is_empty() {
        for d in damage.iter().take(20) {
            eprintln!("{d}");
        }
        if let CorpusSource::Embedded(p) = &source {
            eprintln!(
                "(the embedded corpus was unpacked into {}; delete that directory and it is unpacked again)",
                p.parent().unwrap_or(p).display()
            );
        }
        bail!(
            "the corpus is damaged ({} file(s)); no codec was run, since its results would blame the codec",
            damage.len()
        );
    }

    let filter = Filter::new(&a.filters).map_err(anyhow::Error::msg)?;
    // The workers get the main thread's reserved stack: a canon tree as deep as the loader
    // allows (an adapter's answer, an expected value) drops recursively.
    let mut pool = rayon::ThreadPoolBuilder::new().stack_size(crate::STACK);
    if let Some(j) = a.jobs {
        pool = pool.num_threads(j.max(1));
    }
    pool.build_global().ok();
    let cfg = AdapterConfig {
        pythons: a
            .pythons
            .iter()
            .map(|s| parse_python(s))
            .collect::<Result<_>>()?,
        generators: corpus_root
            .parent()
            .unwrap_or(Path::new("."))
            .join("generators"),
        timeout: Duration::from_secs_f64(a.timeout.max(0.1)),
    };
    let specs: Vec<String> = if a.codecs.is_empty() {
        adapters::DEFAULT_CODECS
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    } else {
        a.codecs.clone()
    };
    if let Some(p) = &a.expect {
        if specs.len() != 1 {
            bail!("--expect needs exactly one --codec (use --expectations-dir for several)");
        }
        if !p.is_file() && !a.bless {
            bail!(
                "--expect {}: no such file; check the path, or add --bless to write it from this run",
                p.display()
            );
        }
    }
    let filtered = !filter.is_all();
    if filtered {
        eprintln!(
            "filtered run: only trials matching {:?}; the full report is left as it is",
            filter.globs()
        );
    }
    let default_dir = if filtered {
        PathBuf::from("reports/conformance/filtered")
    } else {
        PathBuf::from("reports/conformance")
    };
    let json_path = a
        .json
        .clone()
        .unwrap_or_else(|| default_dir.join("results.json"));
    let html_path = a
        .html
        .clone()
        .unwrap_or_else(|| default_dir.join("index.html"));
    let progress = !a.no_progress && std::io::stderr().is_terminal();

    // Dumps are judged by reloading them with the reference reader when it is here.
    let reference = match adapters::resolve("cpython-3.13", &cfg) {
        Ok(Resolved::Codec(c)) => Some(c),
        _ => None,
    };
    let mut runs = Vec::new();
    let mut skipped = Vec::new();
    for spec in &specs {
        let codec = match adapters::resolve(spec, &cfg).map_err(anyhow::Error::msg)? {
            Resolved::Codec(c) => c,
            Resolved::Skipped { name, reason } => {
                eprintln!("skipping codec {name}: {reason}");
                skipped.push(SkippedCodec { name, reason });
                continue;
            }
        };
        let name = codec.info().name;
        let exp_path = a
            .expect
            .clone()
            .unwrap_or_else(|| a.expectations_dir.join(format!("{name}.yaml")));
        let built_in = BUILT_IN_EXPECTATIONS.iter().find(|(n, _)| *n == name);
        let exp = match built_in {
            Some((_, text)) if a.expect.is_none() && !exp_path.exists() => {
                eprintln!(
                    "expectations: no {} here; using the copy of expectations/{name}.yaml built into picklejar",
                    exp_path.display()
                );
                Expectations::parse(text, &format!("the built-in expectations/{name}.yaml"))
            }
            _ => Expectations::load(&exp_path),
        }
        .map_err(anyhow::Error::msg)?;
        if exp_path.exists() && exp.file.codec != name {
            eprintln!(
                "warning: {} says `codec: {}`, but it is applied to codec {name}",
                exp_path.display(),
                exp.file.codec
            );
        }
        let planned = trial::plan(&corpus, &codec.info());
        let selected = planned.iter().filter(|t| filter.matches(&t.name)).count();
        if selected == 0 {
            let example = planned.first().map(|t| t.name.as_str()).unwrap_or("");
            let case = corpus.cases.first().map(|c| c.id.as_str()).unwrap_or("");
            bail!(
                "--filter {:?} selects none of codec {name}'s {} trials. Trial names look like {example:?}; a filter may also be a case id ({case:?}), a glob over either (\"{}/*\"), or a substring",
                filter.globs(),
                planned.len(),
                case.split('/').next().unwrap_or("containers")
            );
        }
        let bar = progress_bar(progress, &name, selected as u64);
        let tick = || bar.inc(1);
        let opts = RunOptions {
            filter: &filter,
            on_trial: Some(&tick),
            keep_passes: false,
            reloader: reference.as_deref(),
        };
        let shown_path = exp_path.exists().then(|| shown(&exp_path));
        let mut run = engine::run_codec(&corpus, codec.as_ref(), &exp, shown_path, &opts);
        bar.finish_and_clear();
        if a.bless {
            let planned_names: Vec<String> = planned.iter().map(|t| t.name.clone()).collect();
            run = bless_codec(&name, &exp_path, &exp.file, &planned_names, run)?;
        }
        runs.push(run);
    }
    if runs.is_empty() {
        bail!("no codec could run");
    }
    let gate_ok = runs.iter().all(|r| r.gate_problems.is_empty());
    let mut results = Results {
        schema: SCHEMA.into(),
        picklejar_version: env!("CARGO_PKG_VERSION").into(),
        corpus: CorpusInfo {
            id: corpus_id,
            path: match &source {
                CorpusSource::Embedded(_) => "(embedded)".into(),
                _ => shown(&corpus_root),
            },
            cases: corpus.cases.len(),
            variants,
        },
        codecs: runs,
        skipped_codecs: skipped,
        gate_ok,
        filters: filter.globs().to_vec(),
    };
    if !a.full {
        results.elide(ELIDE_OVER);
    }
    print_summary(&mut out, &results, a.show);
    if a.github {
        out.text(&picklejar_report::github_annotations(&results, 50));
    }
    write(&json_path, &serde_json::to_vec(&results)?)?;
    eprintln!("results: {}", json_path.display());
    let html = picklejar_report::conformance_html(&results, Some(&corpus))
        .context("rendering the HTML report")?;
    write(&html_path, html.as_bytes())?;
    eprintln!("report: {}", html_path.display());
    if let Some(p) = &a.junit {
        write(p, picklejar_report::junit_xml(&results).as_bytes())?;
        eprintln!("junit: {}", p.display());
    }
    Ok(if gate_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Merges this run into the codec's expectations file, writes it, and returns the run as
/// judged by the new file (so the summary shows the gate as it stands after blessing).
fn bless_codec(
    name: &str,
    path: &Path,
    old: &ExpectationsFile,
    planned: &[String],
    run: CodecRun,
) -> Result<CodecRun> {
    let ran: Vec<RanTrial> = run
        .trials
        .iter()
        .filter(|t| t.verdict != trial::Verdict::Skip)
        .map(|t| RanTrial {
            name: t.name.clone(),
            verdict: t.verdict,
            reason: failure_class(&t.message),
        })
        .collect();
    let mut base = old.clone();
    base.codec = name.to_owned();
    let merged = bless_merge(&base, planned, &ran);
    // the file's own comment block survives a bless, as its reasons do
    let existing: String = std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| {
            let t = l.trim_start_matches('#');
            format!("{}\n", t.strip_prefix(' ').unwrap_or(t))
        })
        .collect();
    let header = if existing.trim().is_empty() {
        format!(
            "Expected failures of codec {name} on the picklejar corpus.\nWritten by `picklejar conformance --bless`, which keeps entries that still hold (and their\nreasons): edit the reasons, keep the globs tight."
        )
    } else {
        existing
    };
    let text = merged.file.to_yaml(&header).map_err(anyhow::Error::msg)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    eprintln!(
        "blessed {}: {} entries ({} kept, {} removed, {} added)",
        path.display(),
        merged.file.entries.len(),
        merged.kept,
        merged.removed,
        merged.added
    );
    // the gate as it stands with the new file
    let exp = Expectations::new(merged.file).map_err(anyhow::Error::msg)?;
    let mut run = run;
    for t in &mut run.trials {
        if t.verdict == trial::Verdict::Skip && t.status == Status::Skip {
            continue;
        }
        let entry = exp.lookup(&t.name).map(|i| exp.entry(i));
        t.status = Status::judge(t.verdict, entry.map(|e| e.status));
    }
    engine::recount(&mut run, &exp, planned);
    Ok(run)
}

fn write(path: &Path, data: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, data).with_context(|| format!("writing {}", path.display()))
}

/// A progress bar on stderr for one codec's trials (hidden when `show` is false).
fn progress_bar(show: bool, codec: &str, len: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(len);
    b.set_style(
        ProgressStyle::with_template("{prefix:>16} [{bar:40}] {pos}/{len} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    b.set_prefix(codec.to_owned());
    b
}

/// The columns of the per-codec table: one per status, in the runner's order, except that
/// imports trials which reported more than CPython does (verdict `extra`) and are listed
/// so (`status: extra`) have their own column instead of `xfail`. Unlisted, they fail the
/// gate and count as `FAIL`.
const COLUMNS: &[&str] = &[
    "pass", "FAIL", "xfail", "extra", "XPASS", "CRASH", "TIMEOUT", "skip",
];

/// The column of a trial in [`COLUMNS`].
fn column(t: &TrialRecord) -> usize {
    match (t.status, t.verdict) {
        (Status::Pass, _) => 0,
        (Status::Fail, _) => 1,
        (Status::ExpectedFail, Verdict::Extra) => 3,
        (Status::ExpectedFail, _) => 2,
        (Status::UnexpectedPass, _) => 4,
        (Status::Crash, _) => 5,
        (Status::Timeout, _) => 6,
        (Status::Skip, _) => 7,
    }
}

fn row(counts: &[usize; COLUMNS.len()]) -> String {
    counts.iter().map(|n| format!("{n:>8}")).collect()
}

/// The summary printed after a run: per codec its description, the table of trials by
/// category and column, the first `show` gate failures with their diffs, and the gate;
/// then the totals.
fn summary_lines(r: &Results, show: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let head: String = COLUMNS.iter().map(|n| format!("{n:>8}")).collect();
    if !r.filters.is_empty() {
        out.push(format!("(filtered run: {:?})", r.filters));
    }
    for run in &r.codecs {
        out.push(String::new());
        let version = if run.codec.version.is_empty() {
            String::new()
        } else {
            format!(" {}", run.codec.version)
        };
        out.push(format!(
            "== {}{version} ({}) — {} trials in {:.2}s",
            run.codec.name,
            run.codec.description,
            run.trials.len(),
            run.duration_ms as f64 / 1000.0
        ));
        if !run.codec.loads {
            out.push(
                "a scanner: it loads no values; graded on the imports and calls it reports (imports/… trials)"
                    .into(),
            );
        } else if !run.codec.model.is_empty() {
            out.push(format!(
                "value model: {} (canon compared modulo it)",
                run.codec.model.join(", ")
            ));
        }
        if let Some(r) = run.codec.reference.filter(|r| *r != REFERENCE) {
            out.push(format!("compared with: {r}"));
        }
        let adapter_errors = run.trials.iter().filter(|t| t.adapter_error).count();
        if adapter_errors > 0 {
            out.push(format!(
                "adapter errors: {adapter_errors} (the adapter failed, not the codec; counted as crashes)"
            ));
        }
        let mut by_category: BTreeMap<&str, [usize; COLUMNS.len()]> = BTreeMap::new();
        let mut total = [0usize; COLUMNS.len()];
        for t in &run.trials {
            by_category.entry(t.category.as_str()).or_default()[column(t)] += 1;
            total[column(t)] += 1;
        }
        out.push(format!("{:<24}{head}", "category"));
        for (cat, counts) in &by_category {
            out.push(format!("{cat:<24}{}", row(counts)));
        }
        out.push(format!("{:<24}{}", "total", row(&total)));
        for t in run
            .trials
            .iter()
            .filter(|t| t.status.fails_gate())
            .take(show)
        {
            out.push(format!("\n--- {} [{:?}]: {}", t.name, t.status, t.message));
            if let Some(d) = &t.diff {
                let lines: Vec<&str> = d.lines().collect();
                for l in lines.iter().take(40) {
                    out.push(format!("    {l}"));
                }
                if lines.len() > 40 {
                    out.push(format!(
                        "    … {} more lines (see the JSON results)",
                        lines.len() - 40
                    ));
                }
            }
        }
        if run.gate_problems.is_empty() {
            out.push("gate: ok".into());
        } else {
            out.push(format!(
                "gate: FAILED ({} problems)",
                run.gate_problems.len()
            ));
            for p in run.gate_problems.iter().take(20) {
                out.push(format!("  {p}"));
            }
            if run.gate_problems.len() > 20 {
                out.push(format!("  … and {} more", run.gate_problems.len() - 20));
            }
        }
    }
    for s in &r.skipped_codecs {
        out.push(format!("\nskipped codec {}: {}", s.name, s.reason));
    }
    out.push(String::new());
    let count = |s: Status| -> usize {
        r.codecs
            .iter()
            .map(|c| c.counts.get(&s).copied().unwrap_or(0))
            .sum()
    };
    let extra: usize = r
        .codecs
        .iter()
        .flat_map(|c| &c.trials)
        .filter(|t| column(t) == 3)
        .count();
    let xfail = count(Status::ExpectedFail).saturating_sub(extra);
    if xfail > 0 {
        out.push(format!(
            "expected failures (listed in the expectations files): {xfail}"
        ));
    }
    if extra > 0 {
        out.push(format!(
            "expected extras (imports and calls CPython never makes, listed as extra): {extra}"
        ));
    }
    let failed: usize = r
        .codecs
        .iter()
        .map(|c| c.trials.iter().filter(|t| t.status.fails_gate()).count())
        .sum();
    out.push(format!(
        "conformance: {} passed, {failed} failed, {} skipped",
        count(Status::Pass),
        count(Status::Skip)
    ));
    out
}

fn print_summary(out: &mut Out, r: &Results, show: usize) {
    for l in summary_lines(r, show) {
        out.line(&l);
    }
}

/// `picklejar compare OLD NEW`: newly failing, newly passing and new crashes per codec and
/// category; exits 1 when the new run regressed.
pub fn compare_cmd(a: CompareArgs) -> Result<ExitCode> {
    let read = |p: &Path| -> Result<Results> {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        picklejar_report::read_results(&text).with_context(|| format!("{}", p.display()))
    };
    let (old, new) = (read(&a.old)?, read(&a.new)?);
    let mut out = Out::stdout();
    if old.corpus.id != new.corpus.id {
        out.line(&format!(
            "note: different corpora ({} → {}); trials only in one run are counted as added/removed",
            if old.corpus.id.is_empty() { "unknown" } else { &old.corpus.id },
            if new.corpus.id.is_empty() { "unknown" } else { &new.corpus.id }
        ));
    }
    let c = compare(&old, &new);
    let mut regressed = false;
    for ch in &c.codecs {
        regressed |= ch.regressed();
        out.line(&format!(
            "== {} {} → {}: {} newly failing, {} newly passing, {} new crashes, {} changed, {} added, {} removed",
            ch.codec,
            if ch.versions.0.is_empty() { "?" } else { &ch.versions.0 },
            if ch.versions.1.is_empty() { "?" } else { &ch.versions.1 },
            ch.newly_failing.len(),
            ch.newly_passing.len(),
            ch.new_crashes.len(),
            ch.changed.len(),
            ch.added,
            ch.removed
        ));
        for (cat, (f, p)) in &ch.by_category {
            out.line(&format!("  {cat:<24} -{f} +{p}"));
        }
        for (n, was, now) in ch.newly_failing.iter().take(a.show) {
            out.line(&format!("  newly failing: {n} ({was:?} → {now:?})"));
        }
        for n in ch.new_crashes.iter().take(a.show) {
            out.line(&format!("  new crash: {n}"));
        }
        for n in ch.newly_passing.iter().take(a.show) {
            out.line(&format!("  newly passing: {n}"));
        }
    }
    for u in &c.unmatched {
        out.line(&format!("codec {u}"));
    }
    out.line(if regressed {
        "compare: REGRESSED"
    } else {
        "compare: no regression"
    });
    Ok(if regressed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::{Status, Verdict, shown, summary_lines};
    use picklejar_runner::adapters::Manifest;
    use picklejar_runner::results::{CodecRun, CorpusInfo, Results, SCHEMA, TrialRecord};
    use picklejar_runner::trial::TrialKind;
    use picklejar_runner::{CodecInfo, ids::REFERENCE};
    use std::collections::BTreeMap;

    fn trial(name: &str, status: Status, verdict: Verdict) -> TrialRecord {
        let kind = if name.starts_with("imports/") {
            TrialKind::Imports
        } else {
            TrialKind::Load
        };
        TrialRecord {
            name: name.into(),
            kind,
            case: "evasion/x".into(),
            category: "evasion".into(),
            variant: "p2-0.pkl".into(),
            protocol: 2,
            producers: vec![],
            reference: REFERENCE,
            status,
            verdict,
            message: String::new(),
            expected: None,
            actual: None,
            diff: None,
            dis: None,
            micros: 0,
            adapter_error: false,
        }
    }

    fn run(info: &CodecInfo, trials: Vec<TrialRecord>) -> CodecRun {
        let mut counts = BTreeMap::new();
        for t in &trials {
            *counts.entry(t.status).or_insert(0) += 1;
        }
        CodecRun {
            codec: info.into(),
            expectations: None,
            duration_ms: 1000,
            counts,
            by_category: BTreeMap::new(),
            gate_problems: vec![],
            trials,
        }
    }

    /// The table has an `extra` column (imports trials listed `status: extra`), and a
    /// scanner is described by what it does, not as a codec writing canon.
    #[test]
    fn the_summary_counts_extras_and_describes_scanners() {
        let scanner = Manifest::from_yaml_str(
            "name: scan\ncommand: sh scan.sh\nmode: worker\nimports: true\nloads: false\nmodel: [tuple-as-list]\n",
        )
        .expect("manifest")
        .codec_info("1.0".into());
        let reader = Manifest::from_yaml_str(
            "name: rdr\ncommand: sh r.sh\nmode: worker\nimports: true\nmodel: [tuple-as-list]\n",
        )
        .expect("manifest")
        .codec_info("2.0".into());
        let t = |n: &str, s, v| trial(n, s, v);
        let results = Results {
            schema: SCHEMA.into(),
            picklejar_version: "0".into(),
            corpus: CorpusInfo {
                id: String::new(),
                path: "corpus".into(),
                cases: 1,
                variants: 1,
            },
            codecs: vec![
                run(
                    &scanner,
                    vec![
                        t("imports/evasion/x/a", Status::Pass, Verdict::Pass),
                        t("imports/evasion/x/b", Status::ExpectedFail, Verdict::Extra),
                        t("imports/evasion/x/c", Status::ExpectedFail, Verdict::Extra),
                        t("imports/evasion/x/d", Status::ExpectedFail, Verdict::Fail),
                        t("imports/evasion/x/e", Status::Fail, Verdict::Extra),
                    ],
                ),
                run(
                    &reader,
                    vec![
                        t("load/evasion/x/a", Status::Pass, Verdict::Pass),
                        t("imports/evasion/x/a", Status::Pass, Verdict::Pass),
                    ],
                ),
            ],
            skipped_codecs: vec![],
            gate_ok: false,
            filters: vec![],
        };
        let lines = summary_lines(&results, 0);
        let text = lines.join("\n");
        let head = lines
            .iter()
            .find(|l| l.starts_with("category"))
            .expect("a table");
        let cols: Vec<&str> = head.split_whitespace().skip(1).collect();
        assert_eq!(
            cols,
            [
                "pass", "FAIL", "xfail", "extra", "XPASS", "CRASH", "TIMEOUT", "skip"
            ]
        );
        let counts = |prefix: &str, nth: usize| -> Vec<usize> {
            lines
                .iter()
                .filter(|l| l.starts_with(prefix))
                .nth(nth)
                .expect("a row")
                .split_whitespace()
                .skip(1)
                .map(|n| n.parse().expect("a count"))
                .collect()
        };
        // scanner: 1 pass, 1 unlisted extra (FAIL), 1 xfail, 2 listed extras
        assert_eq!(counts("evasion", 0), [1, 1, 1, 2, 0, 0, 0, 0]);
        assert_eq!(counts("total", 0), [1, 1, 1, 2, 0, 0, 0, 0]);
        assert_eq!(counts("total", 1), [2, 0, 0, 0, 0, 0, 0, 0]);
        // the scanner is not said to write canon, nor to be compared modulo a value model
        let scanner_part = text.split("== rdr").next().unwrap_or_default();
        assert!(
            scanner_part.contains("scanner: imports only"),
            "{scanner_part}"
        );
        assert!(
            scanner_part.contains("a scanner: it loads no values"),
            "{scanner_part}"
        );
        for wrong in ["canon output", "value model", "canon compared"] {
            assert!(!scanner_part.contains(wrong), "{wrong:?} in {scanner_part}");
        }
        // the reader still is
        let reader_part = text.split("== rdr").nth(1).unwrap_or_default();
        assert!(
            reader_part.contains("canon output, imports"),
            "{reader_part}"
        );
        assert!(
            reader_part.contains("value model: tuple-as-list"),
            "{reader_part}"
        );
        assert!(text.contains("expected failures (listed in the expectations files): 1"));
        assert!(text.contains(
            "expected extras (imports and calls CPython never makes, listed as extra): 2"
        ));
        assert!(
            text.ends_with("conformance: 3 passed, 1 failed, 0 skipped"),
            "{text}"
        );
    }

    #[test]
    fn paths_below_the_working_directory_are_shown_relative() {
        let cwd = std::env::current_dir().expect("cwd");
        assert_eq!(shown(&cwd.join("Cargo.toml")), "Cargo.toml");
        assert_eq!(shown(Path::new("/definitely/not/here.yaml")), "here.yaml");
        assert_eq!(shown(Path::new("../rel/x.yaml")), "../rel/x.yaml");
    }

    use std::path::Path;
}
