//! `picklejar conformance`: replay the corpus through codecs, print a summary, write JSON
//! results, and gate on the expectations files.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use picklejar_runner::adapters::{self, AdapterConfig, Python, Resolved};
use picklejar_runner::engine::{self, Filter, RunOptions};
use picklejar_runner::results::{CorpusInfo, Results, SCHEMA, SkippedCodec};
use picklejar_runner::{Codec, Corpus, Expectations, Status, bless, trial};

/// `picklejar conformance`
#[derive(Args, Debug)]
pub struct ConformanceArgs {
    /// Codec to test (repeatable): picklejar, serde-pickle, cpython-c[-X.Y],
    /// cpython-py[-X.Y], cmd:NAME=COMMAND. Default: picklejar, serde-pickle,
    /// cpython-c-3.13, cpython-py-3.13.
    #[arg(long = "codec", value_name = "SPEC")]
    pub codecs: Vec<String>,
    /// Only trials whose names match (glob, or substring; repeatable).
    #[arg(long = "filter", value_name = "GLOB")]
    pub filters: Vec<String>,
    /// Expectations file (only with a single --codec); default
    /// `<expectations-dir>/<codec>.yaml`.
    #[arg(long = "expect", value_name = "FILE")]
    pub expect: Option<PathBuf>,
    /// Where the per-codec expectations files live.
    #[arg(long, value_name = "DIR", default_value = "expectations")]
    pub expectations_dir: PathBuf,
    /// Write the current failures as the expectations (then the gate passes).
    #[arg(long)]
    pub bless: bool,
    /// Write the results document here.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "reports/conformance/results.json"
    )]
    pub json: PathBuf,
    /// Write the HTML report here (one self-contained file).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "reports/conformance/index.html"
    )]
    pub html: PathBuf,
    /// Worker threads (default: number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The corpus directory.
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

fn parse_python(s: &str) -> Result<Python> {
    let Some((v, p)) = s.split_once('=') else {
        bail!("--python {s:?}: want VERSION=PATH")
    };
    Ok(Python {
        version: v.to_owned(),
        path: PathBuf::from(p),
    })
}

/// Runs the command.
pub fn run(a: ConformanceArgs) -> Result<ExitCode> {
    let corpus_root = a.corpus.clone().unwrap_or_else(Corpus::default_root);
    let corpus = Corpus::open(&corpus_root)
        .with_context(|| format!("reading corpus {}", corpus_root.display()))?;
    let filter = Filter::new(&a.filters).map_err(anyhow::Error::msg)?;
    if let Some(j) = a.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build_global()
            .ok();
    }
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
    if a.expect.is_some() && specs.len() != 1 {
        bail!("--expect needs exactly one --codec (use --expectations-dir for several)");
    }
    let progress = !a.no_progress && std::io::stderr().is_terminal();
    let variants = corpus.cases.iter().map(|c| c.variants.len()).sum();
    eprintln!(
        "corpus: {} ({} cases, {variants} variants)",
        corpus_root.display(),
        corpus.cases.len()
    );

    // Dumps are judged by reloading them with the reference reader when it is here.
    let reference = match adapters::resolve("cpython-c-3.13", &cfg) {
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
        let exp = if a.bless {
            Expectations::default()
        } else {
            Expectations::load(&exp_path).map_err(anyhow::Error::msg)?
        };
        let shown_path = exp_path.exists().then(|| exp_path.display().to_string());
        let bar = progress_bar(
            progress,
            &name,
            filter_count(&corpus, codec.as_ref(), &filter),
        );
        let tick = || bar.inc(1);
        let opts = RunOptions {
            filter: &filter,
            on_trial: Some(&tick),
            keep_passes: false,
            reloader: reference.as_deref(),
        };
        let run = engine::run_codec(&corpus, codec.as_ref(), &exp, shown_path, &opts);
        bar.finish_and_clear();
        if a.bless {
            let all: Vec<String> = run.trials.iter().map(|t| t.name.clone()).collect();
            let fails: Vec<(String, String)> = run
                .trials
                .iter()
                .filter(|t| t.status.fails_gate())
                .map(|t| (t.name.clone(), bless_reason(&t.message)))
                .collect();
            let file = bless(&name, &all, &fails);
            if let Some(dir) = exp_path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let header = format!(
                "Expected failures of codec {name} on the picklejar corpus.\nWritten by `picklejar conformance --bless`; edit the reasons, keep the globs tight."
            );
            let text = file.to_yaml(&header).map_err(anyhow::Error::msg)?;
            std::fs::write(&exp_path, text)
                .with_context(|| format!("writing {}", exp_path.display()))?;
            eprintln!(
                "blessed {} entries into {}",
                file.entries.len(),
                exp_path.display()
            );
        }
        runs.push(run);
    }
    if runs.is_empty() {
        bail!("no codec could run");
    }
    let gate_ok = a.bless || runs.iter().all(|r| r.gate_problems.is_empty());
    let results = Results {
        schema: SCHEMA.into(),
        picklejar_version: env!("CARGO_PKG_VERSION").into(),
        corpus: CorpusInfo {
            path: corpus_root.display().to_string(),
            cases: corpus.cases.len(),
            variants,
        },
        codecs: runs,
        skipped_codecs: skipped,
        gate_ok,
    };
    print_summary(&results, a.show);
    if let Some(dir) = a.json.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&a.json, serde_json::to_vec_pretty(&results)?)
        .with_context(|| format!("writing {}", a.json.display()))?;
    eprintln!("results: {}", a.json.display());
    let html = picklejar_report::conformance_html(&results, Some(&corpus))
        .context("rendering the HTML report")?;
    if let Some(dir) = a.html.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&a.html, html).with_context(|| format!("writing {}", a.html.display()))?;
    eprintln!("report: {}", a.html.display());
    Ok(if gate_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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

/// How many of `codec`'s trials the filter selects.
fn filter_count(corpus: &Corpus, codec: &dyn Codec, filter: &Filter) -> u64 {
    trial::plan(corpus, &codec.info())
        .iter()
        .filter(|t| filter.matches(&t.name))
        .count() as u64
}

/// A reason for a blessed entry: the failure's first line, with numbers (offsets,
/// lengths) folded so that trials failing the same way share one reason.
fn bless_reason(message: &str) -> String {
    let first = message.lines().next().unwrap_or("fails");
    let mut out = String::new();
    let mut in_num = false;
    for c in first.chars() {
        if c.is_ascii_digit() {
            if !in_num {
                out.push('N');
            }
            in_num = true;
        } else {
            in_num = false;
            out.push(c);
        }
    }
    let out: String = out
        .replace("utfN", "utf8")
        .replace("UTF-N", "UTF-8")
        .chars()
        .take(160)
        .collect();
    if out.is_empty() { "fails".into() } else { out }
}

const COLUMNS: &[(Status, &str)] = &[
    (Status::Pass, "pass"),
    (Status::Fail, "FAIL"),
    (Status::ExpectedFail, "xfail"),
    (Status::UnexpectedPass, "XPASS"),
    (Status::Crash, "CRASH"),
    (Status::Timeout, "TIMEOUT"),
    (Status::Skip, "skip"),
];

fn row(counts: &BTreeMap<Status, usize>) -> String {
    COLUMNS
        .iter()
        .map(|(s, _)| format!("{:>8}", counts.get(s).copied().unwrap_or(0)))
        .collect()
}

fn print_summary(r: &Results, show: usize) {
    let head: String = COLUMNS.iter().map(|(_, n)| format!("{n:>8}")).collect();
    for run in &r.codecs {
        println!();
        println!(
            "== {} ({}) — {} trials in {:.2}s",
            run.codec.name,
            run.codec.description,
            run.trials.len(),
            run.duration_ms as f64 / 1000.0
        );
        println!("{:<24}{head}", "category");
        for (cat, counts) in &run.by_category {
            println!("{cat:<24}{}", row(counts));
        }
        println!("{:<24}{}", "total", row(&run.counts));
        for t in run
            .trials
            .iter()
            .filter(|t| t.status.fails_gate())
            .take(show)
        {
            println!("\n--- {} [{:?}]: {}", t.name, t.status, t.message);
            if let Some(d) = &t.diff {
                let lines: Vec<&str> = d.lines().collect();
                for l in lines.iter().take(40) {
                    println!("    {l}");
                }
                if lines.len() > 40 {
                    println!(
                        "    … {} more lines (see the JSON results)",
                        lines.len() - 40
                    );
                }
            }
        }
        if run.gate_problems.is_empty() {
            println!("gate: ok");
        } else {
            println!("gate: FAILED ({} problems)", run.gate_problems.len());
            for p in run.gate_problems.iter().take(20) {
                println!("  {p}");
            }
            if run.gate_problems.len() > 20 {
                println!("  … and {} more", run.gate_problems.len() - 20);
            }
        }
    }
    for s in &r.skipped_codecs {
        println!("\nskipped codec {}: {}", s.name, s.reason);
    }
    println!();
    let count = |s: Status| -> usize {
        r.codecs
            .iter()
            .map(|c| c.counts.get(&s).copied().unwrap_or(0))
            .sum()
    };
    let xfail = count(Status::ExpectedFail);
    if xfail > 0 {
        println!("expected failures (listed in the expectations files): {xfail}");
    }
    let failed: usize = r
        .codecs
        .iter()
        .map(|c| c.trials.iter().filter(|t| t.status.fails_gate()).count())
        .sum();
    println!(
        "conformance: {} passed, {failed} failed, {} skipped",
        count(Status::Pass),
        count(Status::Skip)
    );
}
