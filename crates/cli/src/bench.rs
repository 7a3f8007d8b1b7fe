//! `picklejar bench`: runs picklejar's benchmarks, records them, renders the page, gates.
//!
//! ```text
//! picklejar bench run [--python 3.13=PATH]... [--quick] [--strict]   # everything
//! picklejar bench gate [--strict]                                    # latest vs baseline
//! picklejar bench baseline                                           # save latest as baseline
//! picklejar bench report                                             # re-render the page
//! picklejar bench workloads [--force]                                # just the files
//! ```
//!
//! The gate's threshold (`--threshold`) is the page's too: both flag the same changes.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use picklejar_bench::codecs::{DUMPERS, LOADERS};
use picklejar_bench::cpython::{self, Python, TimeOptions};
use picklejar_bench::criterion_read::{self, criterion_home};
use picklejar_bench::gate::{self, EXIT_EMPTY, GateOptions};
use picklejar_bench::history::{self, History, Record, WorkloadInfo};
use picklejar_bench::record::{self, DUMP_GROUP, LOAD_GROUP};
use picklejar_bench::stats::speedup;
use picklejar_bench::workloads::{self, Origin, workspace_root};
use picklejar_report::bench::{BenchPageOptions, bench_html, fmt_time};

/// `picklejar bench …`
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Make the workloads, run the criterion benches and CPython's timings, append a
    /// record to the history, render the page, and gate against the baseline.
    Run(RunArgs),
    /// Compare the latest record with the baseline (advisory unless --strict).
    Gate {
        #[command(flatten)]
        files: Files,
        #[command(flatten)]
        gate: GateArgs,
    },
    /// Save the latest record (or --record ID) as the baseline.
    Baseline {
        #[command(flatten)]
        files: Files,
        /// The record to save (default: the latest).
        #[arg(long)]
        record: Option<String>,
    },
    /// Render reports/bench/index.html from the history and baseline (its change column
    /// judged as the gate judges, at --threshold).
    Report {
        #[command(flatten)]
        files: Files,
        #[command(flatten)]
        judge: Judge,
    },
    /// Write the workload files (picklejar_codec::dump, the bytes CPython 3.13 writes).
    Workloads {
        /// Rewrite even when current files exist.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args, Clone, Debug)]
pub struct Files {
    /// The history (JSON).
    #[arg(long, default_value_os_t = workspace_root().join("reports/bench/history.json"))]
    history: PathBuf,
    /// The baseline (JSON).
    #[arg(long, default_value_os_t = workspace_root().join("reports/bench/baseline.json"))]
    baseline: PathBuf,
    /// The page to write.
    #[arg(long, default_value_os_t = workspace_root().join("reports/bench/index.html"))]
    html: PathBuf,
}

/// What counts as a change: the gate's and the page's.
#[derive(Args, Clone, Debug)]
pub struct Judge {
    /// The relative change a whole confidence interval must exceed.
    #[arg(long, default_value_t = GateOptions::default().threshold)]
    threshold: f64,
    /// Codecs the gate judges (the first is the page's subject).
    #[arg(long = "gate-codec", default_values_t = GateOptions::default().codecs)]
    gate_codecs: Vec<String>,
}

#[derive(Args, Clone, Debug)]
pub struct GateArgs {
    /// Fail (exit 1) on a regression, a missing measurement, a changed workload file, or a
    /// missing or foreign baseline. Without it the gate only prints.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    judge: Judge,
}

#[derive(Args, Clone, Debug)]
pub struct PyArgs {
    /// An interpreter, `VERSION=PATH` (what `python3 generators/make.py pythons` prints).
    #[arg(long = "python", value_name = "VERSION=PATH")]
    pythons: Vec<Python>,
    /// The CPython version timed.
    #[arg(long, default_value = "3.13")]
    cpython: String,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    files: Files,
    #[command(flatten)]
    gate: GateArgs,
    #[command(flatten)]
    py: PyArgs,
    /// Criterion's --quick and a shorter CPython budget: a smoke run.
    #[arg(long)]
    quick: bool,
    /// Only workloads whose name contains this (repeatable).
    #[arg(long)]
    only: Vec<String>,
    /// Seconds of sampling per workload and operation for CPython.
    #[arg(long, default_value_t = 1.0)]
    budget: f64,
    /// Do not run criterion; use the estimates it wrote since --since-secs ago.
    #[arg(long)]
    no_criterion: bool,
    /// With --no-criterion: how old criterion's estimates may be, in seconds.
    #[arg(long, default_value_t = 3600)]
    since_secs: u64,
    /// Do not time CPython.
    #[arg(long)]
    no_cpython: bool,
    /// Save this run as the baseline too.
    #[arg(long)]
    save_baseline: bool,
    /// Do not append the record to the history (still renders and gates).
    #[arg(long)]
    no_record: bool,
}

/// Runs a `picklejar bench` subcommand; the exit code is the gate's.
pub fn run(cmd: BenchCommand) -> Result<ExitCode> {
    real_main(cmd).map(|code| ExitCode::from(code as u8))
}

fn real_main(cmd: BenchCommand) -> Result<i32> {
    match cmd {
        BenchCommand::Run(a) => run_all(a),
        BenchCommand::Gate { files, gate } => {
            let h = history::read_history(&files.history)?;
            let Some(latest) = h.records.last() else {
                eprintln!(
                    "gate: the history {} has no record",
                    files.history.display()
                );
                return Ok(EXIT_EMPTY);
            };
            let base = history::read_baseline(&files.baseline)?;
            Ok(gate_and_print(latest, base.as_ref(), &gate))
        }
        BenchCommand::Baseline { files, record: id } => {
            let h = history::read_history(&files.history)?;
            let r = match &id {
                Some(id) => h.records.iter().find(|r| &r.id == id),
                None => h.records.last(),
            }
            .context("no such record in the history")?;
            if r.measurements.iter().all(|m| !m.is_valid()) {
                bail!(
                    "record {} measured nothing; not saving it as the baseline",
                    r.id
                );
            }
            history::write_baseline(&files.baseline, r)?;
            println!("baseline: {} saved to {}", r.id, files.baseline.display());
            Ok(0)
        }
        BenchCommand::Report { files, judge } => {
            let h = history::read_history(&files.history)?;
            let base = history::read_baseline(&files.baseline)?;
            render(&h, base.as_ref(), &judge, &files.html)?;
            Ok(0)
        }
        BenchCommand::Workloads { force } => {
            let dir = workloads::default_dir();
            if force {
                let _ = std::fs::remove_file(dir.join("manifest.json"));
            }
            let (m, origin) = workloads::ensure(&dir)?;
            println!(
                "{} workload files in {} ({}, {origin:?})",
                m.workloads.len(),
                dir.display(),
                m.generator
            );
            Ok(0)
        }
    }
}

fn gate_options(g: &GateArgs) -> GateOptions {
    GateOptions {
        strict: g.strict,
        ..g.judge.options()
    }
}

impl Judge {
    fn options(&self) -> GateOptions {
        GateOptions {
            threshold: self.threshold,
            codecs: self.gate_codecs.clone(),
            strict: false,
        }
    }
}

fn gate_and_print(latest: &Record, base: Option<&Record>, g: &GateArgs) -> i32 {
    let o = gate_options(g);
    let report = gate::check(latest, base, &o);
    print!("{}", report.summary(&o));
    report.exit_code(&o)
}

/// Renders the page with the gate's threshold and subject, and writes it.
fn render(h: &History, base: Option<&Record>, judge: &Judge, out: &Path) -> Result<()> {
    let html = bench_html(h, base, &BenchPageOptions::for_gate(&judge.options()))?;
    write(out, &html)?;
    println!("report: {}", out.display());
    Ok(())
}

fn run_all(a: RunArgs) -> Result<i32> {
    let root = workspace_root();
    let dir = workloads::default_dir();
    let mut notes = Vec::new();

    // 1. interpreters and workloads
    let python = if a.no_cpython {
        None
    } else {
        cpython::find(&a.py.cpython, &a.py.pythons)
    };
    if python.is_none() && !a.no_cpython {
        notes.push(format!(
            "no CPython {} found (--python {}=PATH, $PICKLEJAR_PYTHON_{}, python{} on PATH, \
             pyenv): no CPython timings, so no ratios to CPython",
            a.py.cpython,
            a.py.cpython,
            a.py.cpython.replace('.', "_"),
            a.py.cpython
        ));
    }
    let (manifest, origin) = workloads::ensure(&dir)?;
    let origin_text = match origin {
        Origin::Existing => "existing files",
        Origin::Written => "written now",
    };
    eprintln!(
        "workloads: {} files in {} by {} ({origin_text})",
        manifest.workloads.len(),
        dir.display(),
        manifest.generator
    );
    notes.push(format!(
        "workloads written by {} (picklejar_codec::dump, CPython 3.13 profile: the bytes \
         CPython 3.13's C pickler writes, as crates/bench/tests/cpython.rs checks)",
        manifest.generator
    ));
    let selected: Vec<&workloads::Entry> = manifest
        .workloads
        .iter()
        .filter(|e| a.only.is_empty() || a.only.iter().any(|o| e.name.contains(o.as_str())))
        .collect();
    if selected.is_empty() {
        bail!("no workload matches --only {:?}", a.only);
    }

    // 2. which codec handles which workload (the benches skip the same ones)
    for e in &selected {
        let data = std::fs::read(dir.join(&e.file))?;
        for c in LOADERS {
            if let Err(err) = (c.load)(&data) {
                notes.push(format!("{} cannot load {}: {err}", c.name, e.id()));
            }
        }
        for d in DUMPERS.iter().filter(|d| d.protocols.contains(&e.protocol)) {
            if let Err(err) = (d.prepare)(&data, e.protocol).and_then(|f| f()) {
                notes.push(format!("{} cannot dump {}: {err}", d.name, e.id()));
            }
        }
    }
    notes.push(
        "allocator: mimalloc is the global allocator of the criterion bench binaries \
         (picklejar and serde-pickle alike); CPython uses its own pymalloc"
            .into(),
    );
    for c in LOADERS {
        notes.push(format!("load {}: {}", c.name, c.call));
    }
    for d in DUMPERS {
        notes.push(format!(
            "dump {} (protocols {:?}): {}",
            d.name, d.protocols, d.call
        ));
    }

    // 3. criterion (noting how busy the machine is: timings from a loaded machine are noisy)
    let load_before = loadavg();
    let started = SystemTime::now();
    let since = if a.no_criterion {
        started
            .checked_sub(std::time::Duration::from_secs(a.since_secs))
            .unwrap_or(started)
    } else {
        let filter = if a.only.is_empty() {
            String::new()
        } else {
            a.only.join("|")
        };
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.current_dir(&root)
            .args(["bench", "-p", "picklejar-bench", "--bench", "codecs", "--"])
            .env("PICKLEJAR_BENCH_WORKLOADS", &dir);
        if a.quick {
            cmd.arg("--quick");
        }
        if !filter.is_empty() {
            cmd.arg(&filter);
        }
        eprintln!("criterion: {cmd:?}");
        let status = cmd.status().context("running cargo bench")?;
        if !status.success() {
            bail!("cargo bench failed: {status}");
        }
        started
    };
    let estimates = criterion_read::read(&criterion_home(), "pjbench-", Some(since))?;
    let selected_ids: Vec<String> = selected.iter().map(|e| e.id()).collect();
    let mut measurements: Vec<_> = record::from_criterion(&estimates)
        .into_iter()
        .filter(|m| selected_ids.contains(&format!("{}-p{}", m.workload, m.protocol)))
        .collect();
    eprintln!(
        "criterion: {} estimates ({} and {})",
        measurements.len(),
        LOAD_GROUP,
        DUMP_GROUP
    );

    // 4. CPython
    let mut python_version = None;
    if let (Some(py), false) = (&python, a.no_cpython) {
        let only: Vec<String> = if a.only.is_empty() {
            Vec::new()
        } else {
            let mut v: Vec<String> = selected.iter().map(|e| e.name.clone()).collect();
            v.dedup();
            v
        };
        let t = cpython::time(
            py,
            &dir,
            &TimeOptions {
                budget: if a.quick { a.budget.min(0.2) } else { a.budget },
                only,
                ops: vec!["load".into(), "dump".into()],
            },
        )?;
        notes.extend(t.verified.iter().map(|v| format!("measured {v}")));
        python_version = Some(format!("{} {}", t.python, py.path.display()));
        measurements.extend(t.measurements);
    }
    if a.quick {
        notes.push("quick run (criterion --quick, short CPython budget): smoke numbers".into());
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if let (Some(before), Some(after)) = (load_before, loadavg()) {
        let busy = before.max(after) > 0.5 * cores as f64;
        notes.push(format!(
            "load average {before:.2} before, {after:.2} after ({cores} cores){}",
            if busy {
                ": other work was running, expect noise"
            } else {
                ""
            }
        ));
    }

    // 5. the record
    let (commit, dirty) = record::commit(&root);
    let date = record::now_utc();
    let rec = Record {
        id: format!("{}-{}", date, commit.get(..10).unwrap_or(&commit)),
        date,
        commit,
        dirty,
        machine: record::machine(python_version),
        workloads_generator: manifest.generator.clone(),
        workloads: selected
            .iter()
            .map(|e| WorkloadInfo {
                name: e.name.clone(),
                protocol: e.protocol,
                bytes: e.bytes,
                sha256: e.sha256.clone(),
                description: e.description.clone(),
            })
            .collect(),
        measurements,
        notes,
    };
    let o = gate_options(&a.gate);
    let report = gate::check(&rec, None, &o);
    if report.refused.is_some() {
        print!("{}", report.summary(&o));
        return Ok(EXIT_EMPTY);
    }
    let mut history = history::read_history(&a.files.history)?;
    history.records.push(rec.clone());
    if !a.no_record {
        history::write_json(&a.files.history, &history)?;
        println!(
            "history: {} ({} records)",
            a.files.history.display(),
            history.records.len()
        );
    }
    if a.save_baseline {
        history::write_baseline(&a.files.baseline, &rec)?;
        println!("baseline: saved {}", a.files.baseline.display());
    }
    let base = history::read_baseline(&a.files.baseline)?;
    render(&history, base.as_ref(), &a.gate.judge, &a.files.html)?;
    print_targets(&rec, &a.gate.judge);
    Ok(gate_and_print(&rec, base.as_ref(), &a.gate))
}

/// The 1-minute load average (Linux).
fn loadavg() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// The issue-6 targets in the terminal: the subject's load vs CPython C and vs serde-pickle.
fn print_targets(r: &Record, judge: &Judge) {
    let o = BenchPageOptions::for_gate(&judge.options());
    let find = |w: &str, p: u8, codec: &str| {
        r.measurements
            .iter()
            .find(|m| m.workload == w && m.protocol == p && m.op == "load" && m.codec == codec)
    };
    println!(
        "\n{:<22} {:>2} {:>12} {:>12} {:>10} {:>10}",
        "load", "p", o.subject, "MiB/s", "vs C", "vs serde"
    );
    for w in &r.workloads {
        let Some(pj) = find(&w.name, w.protocol, &o.subject) else {
            continue;
        };
        let ratio = |c: &str| {
            find(&w.name, w.protocol, c)
                .map(|m| format!("{:.2}x", speedup(m, pj).value))
                .unwrap_or_else(|| "-".into())
        };
        println!(
            "{:<22} {:>2} {:>12} {:>12.1} {:>10} {:>10}",
            w.name,
            w.protocol,
            fmt_time(pj.mean_ns),
            pj.mib_per_s(),
            ratio(&o.cpython),
            ratio(&o.peer)
        );
    }
}
