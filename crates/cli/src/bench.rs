//! `picklejar bench`: runs picklejar's benchmarks, records them, renders the page, gates.
//!
//! ```text
//! picklejar bench run [--python 3.13=PATH]... [--quick] [--record] [--strict]   # wall times
//! picklejar bench instructions [--only W]... [--python 3.13=PATH] [--record]    # callgrind
//! picklejar bench gate [--strict]                        # latest records vs the baselines
//! picklejar bench baseline [--mode full|quick|instructions] [--record ID]
//! picklejar bench report                                 # re-render the page
//! picklejar bench workloads [--force]                    # just the files
//! ```
//!
//! Runs go to `reports/bench/local-history.json` (git-ignored) unless `--record` sends
//! them to the committed `reports/bench/history.json`; the page, the gate and `baseline`
//! read both. The gate's thresholds (`--threshold`, `--instructions-threshold`) are the
//! page's too: both flag the same changes.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use picklejar_bench::codecs::{DUMPERS, LOADERS, NotTimed, prepare_verified};
use picklejar_bench::cpython::{self, Python, TimeOptions};
use picklejar_bench::criterion_read::{self, criterion_home};
use picklejar_bench::gate::{self, EXIT_EMPTY, GateOptions, GateReport, thousands};
use picklejar_bench::history::{self, Baseline, History, LoadAverage, Mode, Record, WorkloadInfo};
use picklejar_bench::instructions::{self, Job};
use picklejar_bench::record::{self, DUMP_GROUP, LOAD_GROUP};
use picklejar_bench::stats::speedup;
use picklejar_bench::workloads::{self, Entry, Origin, workspace_root};
use picklejar_report::bench::{BenchPageOptions, bench_html, fmt_time};

/// `picklejar bench …`
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Make the workloads, time them (criterion for picklejar and serde-pickle, alternating
    /// workload by workload with CPython's interleaved C and pure-Python timings), record
    /// the run (locally unless --record), render the page, and gate against the baseline.
    Run(RunArgs),
    /// Count the instructions of one load, one dump and one stream (the dump written out
    /// to a file) per workload file with callgrind, for picklejar and CPython's C pickler
    /// (skipped without valgrind); record, render, gate (deterministic counts: a 1%
    /// threshold).
    Instructions(InstructionsArgs),
    /// Compare the latest wall-time record and the latest instruction counts with the
    /// baselines of their modes (advisory unless --strict).
    Gate {
        #[command(flatten)]
        files: Files,
        #[command(flatten)]
        gate: GateArgs,
    },
    /// Save a record as the baseline of its mode: --record ID, else the latest record of
    /// --mode (default full).
    Baseline {
        #[command(flatten)]
        files: Files,
        /// The record to save.
        #[arg(long)]
        record: Option<String>,
        /// Without --record: save the latest record of this mode.
        #[arg(long, default_value = "full")]
        mode: Mode,
    },
    /// Render reports/bench/index.html from the histories and baselines (its change
    /// columns judged as the gate judges).
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
    /// The committed history (JSON): runs recorded with --record.
    #[arg(long, default_value_os_t = workspace_root().join("reports/bench/history.json"))]
    history: PathBuf,
    /// The local history (JSON, git-ignored): runs recorded without --record.
    #[arg(long, default_value_os_t = workspace_root().join("reports/bench/local-history.json"))]
    local_history: PathBuf,
    /// Leave the local history out (the page and the gate see the committed runs only).
    #[arg(long)]
    no_local: bool,
    /// The baselines (JSON, one record per mode).
    #[arg(long, default_value_os_t = workspace_root().join("reports/bench/baseline.json"))]
    baseline: PathBuf,
    /// The page to write.
    #[arg(long, default_value_os_t = workspace_root().join("reports/bench/index.html"))]
    html: PathBuf,
}

impl Files {
    /// The committed and local histories as one.
    fn runs(&self) -> Result<History> {
        let committed = history::read_history(&self.history)?;
        if self.no_local {
            return Ok(committed);
        }
        let local = history::read_history(&self.local_history)?;
        Ok(History::merged(&committed, &local))
    }
}

/// What counts as a change: the gate's and the page's.
#[derive(Args, Clone, Debug)]
pub struct Judge {
    /// The relative change of a wall time a whole confidence interval must exceed.
    #[arg(long, default_value_t = GateOptions::default().threshold)]
    threshold: f64,
    /// The relative change of an instruction count that is a regression.
    #[arg(long, default_value_t = GateOptions::default().instructions_threshold)]
    instructions_threshold: f64,
    /// Codecs the gate judges (the first is the page's subject).
    #[arg(long = "gate-codec", default_values_t = GateOptions::default().codecs)]
    gate_codecs: Vec<String>,
}

#[derive(Args, Clone, Debug)]
pub struct GateArgs {
    /// Fail (exit 1) on a regression, a missing measurement, a wrong dump, a changed
    /// workload file, or when nothing comparable could be judged (no baseline, another
    /// machine's, another mode's, a loaded machine). Without it the gate only prints.
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

/// Where a run's record goes.
#[derive(Args, Clone, Debug)]
pub struct RecordArgs {
    /// Append the record to the committed history (default: the local one).
    #[arg(long, conflicts_with = "no_record")]
    record: bool,
    /// Append the record nowhere (still renders and gates).
    #[arg(long)]
    no_record: bool,
    /// Save this run as the baseline of its mode too.
    #[arg(long)]
    save_baseline: bool,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    files: Files,
    #[command(flatten)]
    gate: GateArgs,
    #[command(flatten)]
    py: PyArgs,
    #[command(flatten)]
    rec: RecordArgs,
    /// Criterion's --quick and a short CPython budget: a smoke run (mode `quick`, never
    /// compared with a full run).
    #[arg(long)]
    quick: bool,
    /// Only workloads whose name contains this (repeatable).
    #[arg(long)]
    only: Vec<String>,
    /// Seconds of sampling per workload, operation and implementation for CPython.
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
}

#[derive(Args, Debug)]
pub struct InstructionsArgs {
    #[command(flatten)]
    files: Files,
    #[command(flatten)]
    gate: GateArgs,
    #[command(flatten)]
    py: PyArgs,
    #[command(flatten)]
    rec: RecordArgs,
    /// Only workloads whose name contains this (repeatable).
    #[arg(long)]
    only: Vec<String>,
    /// valgrind processes at a time (one per codec and operation; each is single-threaded).
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Do not count CPython.
    #[arg(long)]
    no_cpython: bool,
}

/// Runs a `picklejar bench` subcommand; the exit code is the gate's.
pub fn run(cmd: BenchCommand) -> Result<ExitCode> {
    real_main(cmd).map(|code| ExitCode::from(code as u8))
}

fn real_main(cmd: BenchCommand) -> Result<i32> {
    match cmd {
        BenchCommand::Run(a) => run_all(a),
        BenchCommand::Instructions(a) => run_instructions(a),
        BenchCommand::Gate { files, gate } => {
            let h = files.runs()?;
            let base = history::read_baseline(&files.baseline)?;
            let latest: Vec<&Record> = [h.latest_time(), h.latest_instructions()]
                .into_iter()
                .flatten()
                .collect();
            if latest.is_empty() {
                eprintln!("gate: no record in {}", files.history.display());
                return Ok(EXIT_EMPTY);
            }
            Ok(gate_and_print(&latest, &base, &gate))
        }
        BenchCommand::Baseline {
            files,
            record: id,
            mode,
        } => {
            let h = files.runs()?;
            let r = match &id {
                Some(id) => h.records.iter().find(|r| &r.id == id),
                None => h.records.iter().rev().find(|r| r.mode == mode),
            }
            .with_context(|| match &id {
                Some(id) => format!("no record {id} in the history"),
                None => format!("no {mode} record in the history"),
            })?;
            let empty = if r.mode == Mode::Instructions {
                r.instructions.iter().all(|c| c.instructions == 0)
            } else {
                r.measurements.iter().all(|m| !m.is_valid())
            };
            if empty {
                bail!(
                    "record {} measured nothing; not saving it as the baseline",
                    r.id
                );
            }
            if !r.comparable {
                eprintln!(
                    "warning: record {} is not comparable ({}): no run will be judged \
                     against this baseline",
                    r.id, r.comparable_note
                );
            }
            history::save_baseline(&files.baseline, r)?;
            println!(
                "baseline ({}): {} saved to {}",
                r.mode,
                r.id,
                files.baseline.display()
            );
            Ok(0)
        }
        BenchCommand::Report { files, judge } => {
            let h = files.runs()?;
            let base = history::read_baseline(&files.baseline)?;
            render(&h, &base, &judge, &files.html)?;
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

impl GateArgs {
    fn options(&self) -> GateOptions {
        GateOptions {
            strict: self.strict,
            ..self.judge.options()
        }
    }
}

impl Judge {
    fn options(&self) -> GateOptions {
        GateOptions {
            threshold: self.threshold,
            instructions_threshold: self.instructions_threshold,
            codecs: self.gate_codecs.clone(),
            strict: false,
        }
    }
}

/// Judges each record against the baseline of its mode, prints, returns the exit code.
fn gate_and_print(records: &[&Record], base: &Baseline, g: &GateArgs) -> i32 {
    let o = g.options();
    let reports: Vec<GateReport> = records
        .iter()
        .map(|r| gate::check(r, base.for_record(r.mode), &o))
        .collect();
    for r in &reports {
        print!("{}", r.findings(&o));
    }
    if reports.iter().all(|r| r.refused.is_none()) {
        println!("{}", gate::verdict(&reports, &o));
    }
    gate::exit_code(&reports, &o)
}

/// Renders the page with the gate's thresholds and subject, and writes it.
fn render(h: &History, base: &Baseline, judge: &Judge, out: &Path) -> Result<()> {
    let html = bench_html(h, base, &BenchPageOptions::for_gate(&judge.options()))?;
    write(out, &html)?;
    println!("report: {}", out.display());
    Ok(())
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

/// Load-average readings over a run.
struct LoadWatch {
    start: Option<f64>,
    peak: f64,
}

impl LoadWatch {
    fn start() -> LoadWatch {
        let start = loadavg();
        LoadWatch {
            start,
            peak: start.unwrap_or(0.0),
        }
    }

    fn sample(&mut self) -> Option<f64> {
        let l = loadavg();
        if let Some(l) = l {
            self.peak = self.peak.max(l);
        }
        l
    }

    fn finish(mut self) -> Option<LoadAverage> {
        let end = self.sample()?;
        Some(LoadAverage {
            start: self.start?,
            end,
            peak: self.peak,
        })
    }
}

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Workloads whose name contains one of `only` (all without it).
fn select<'m>(m: &'m workloads::Manifest, only: &[String]) -> Result<Vec<&'m Entry>> {
    let selected: Vec<&Entry> = m
        .workloads
        .iter()
        .filter(|e| only.is_empty() || only.iter().any(|o| e.name.contains(o.as_str())))
        .collect();
    if selected.is_empty() {
        bail!("no workload matches --only {only:?}");
    }
    Ok(selected)
}

/// The distinct workload names of `selected`, in order.
fn names(selected: &[&Entry]) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for e in selected {
        if !v.contains(&e.name) {
            v.push(e.name.clone());
        }
    }
    v
}

fn workload_infos(selected: &[&Entry]) -> Vec<WorkloadInfo> {
    selected
        .iter()
        .map(|e| WorkloadInfo {
            name: e.name.clone(),
            protocol: e.protocol,
            bytes: e.bytes,
            sha256: e.sha256.clone(),
            description: e.description.clone(),
        })
        .collect()
}

/// The record's skeleton: id, date, commit, machine, workloads.
fn new_record(mode: Mode, python: Option<String>, generator: &str, selected: &[&Entry]) -> Record {
    let (commit, dirty) = record::commit(&workspace_root());
    let date = record::now_utc();
    Record {
        id: format!("{}-{}", date, commit.get(..10).unwrap_or(&commit)),
        date,
        commit,
        dirty,
        machine: record::machine(python),
        workloads_generator: generator.to_owned(),
        workloads: workload_infos(selected),
        mode,
        ..Record::default()
    }
}

/// Appends `rec` where `--record`/`--no-record` say, saves it as the baseline if asked,
/// renders the page; returns the merged runs and the baselines.
fn keep(rec: &Record, files: &Files, flags: &RecordArgs, judge: &Judge) -> Result<Baseline> {
    let target = if flags.no_record {
        None
    } else if flags.record {
        Some(&files.history)
    } else {
        Some(&files.local_history)
    };
    if let Some(path) = target {
        let mut h = history::read_history(path)?;
        h.schema = history::HISTORY_SCHEMA.to_owned();
        h.records.push(rec.clone());
        history::write_json(path, &h)?;
        println!(
            "history: {} ({} records{})",
            path.display(),
            h.records.len(),
            if flags.record {
                ""
            } else {
                "; not committed: --record appends to the committed history"
            }
        );
    }
    if flags.save_baseline {
        history::save_baseline(&files.baseline, rec)?;
        println!(
            "baseline ({}): saved {}",
            rec.mode,
            files.baseline.display()
        );
    }
    let mut runs = files.runs()?;
    if target.is_none() || (files.no_local && !flags.record) {
        runs.records.push(rec.clone());
    }
    let base = history::read_baseline(&files.baseline)?;
    render(&runs, &base, judge, &files.html)?;
    Ok(base)
}

/// The criterion bench executable (`cargo bench --no-run`), built in the bench profile.
fn criterion_exe(root: &Path) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root)
        .args([
            "bench",
            "-p",
            "picklejar-bench",
            "--bench",
            "codecs",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo bench --no-run")?;
    if !out.status.success() {
        bail!("cargo bench --no-run failed: {}", out.status);
    }
    instructions::executable_of(&String::from_utf8_lossy(&out.stdout), "codecs")
        .context("cargo did not report the criterion bench executable")
}

/// Escapes regex metacharacters (criterion's filter is a regex).
fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn secs(d: f64) -> String {
    if d >= 120.0 {
        format!("{:.0} min {:.0} s", (d / 60.0).floor(), d % 60.0)
    } else {
        format!("{d:.1} s")
    }
}

fn run_all(a: RunArgs) -> Result<i32> {
    let t0 = Instant::now();
    let root = workspace_root();
    let dir = workloads::default_dir();
    let mode = if a.quick { Mode::Quick } else { Mode::Full };
    let mut notes = Vec::new();
    let mut errors = Vec::new();
    let mut load = LoadWatch::start();

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
    eprintln!(
        "workloads: {} files in {} by {} ({})",
        manifest.workloads.len(),
        dir.display(),
        manifest.generator,
        match origin {
            Origin::Existing => "existing files",
            Origin::Written => "written now",
        }
    );
    notes.push(format!(
        "workloads written by {} (picklejar_codec::dump, CPython 3.13 profile: the bytes \
         CPython 3.13's C pickler writes, as crates/bench/tests/cpython.rs checks)",
        manifest.generator
    ));
    let selected = select(&manifest, &a.only)?;

    // 2. which codec handles which workload, and every dump checked against the file
    //    before anything is timed (the bench binary skips the same ones)
    for e in &selected {
        let data = std::fs::read(dir.join(&e.file))?;
        let shared = picklejar_codec::bytes::Bytes::from(data.clone());
        for c in LOADERS {
            if let Err(err) = (c.load)(&shared) {
                notes.push(format!("{} cannot load {}: {err}", c.name, e.id()));
            }
        }
        for d in DUMPERS.iter().filter(|d| d.protocols.contains(&e.protocol)) {
            match prepare_verified(d, &data, e.protocol) {
                Ok(_) => {}
                Err(NotTimed::Unsupported(err)) => {
                    notes.push(format!("{} cannot dump {}: {err}", d.name, e.id()));
                }
                Err(NotTimed::Wrong(err)) => {
                    let msg = format!(
                        "{} dump {} p{}: {err} (not timed)",
                        d.name, e.name, e.protocol
                    );
                    eprintln!("error: {msg}");
                    errors.push(msg);
                }
            }
        }
    }
    notes.push(
        "allocator: the criterion bench binaries use the picklejar command's global \
         allocator (picklejar_alloc::Picklejar: mimalloc through its plain entry points, \
         the system allocator from 32 MiB), picklejar and serde-pickle alike; CPython uses \
         its own pymalloc"
            .into(),
    );
    for c in LOADERS {
        notes.push(format!("load {}: {}", c.name, c.call));
    }
    for d in DUMPERS {
        notes.push(format!(
            "dump {} (protocols {:?}, output checked: {:?}): {}",
            d.name, d.protocols, d.check, d.call
        ));
    }
    notes.push(
        "phases alternate workload by workload: criterion (picklejar, serde-pickle) then \
         CPython for even-numbered workloads, CPython then criterion for odd ones; CPython's \
         C and pure-Python samples are interleaved in one process"
            .into(),
    );

    // 3. the phases, workload by workload
    let started = SystemTime::now();
    let exe = if a.no_criterion {
        None
    } else {
        Some(criterion_exe(&root)?)
    };
    let mut python_version = None;
    let mut measurements = Vec::new();
    let (mut crit_s, mut py_s) = (0.0, 0.0);
    let names = names(&selected);
    for (i, name) in names.iter().enumerate() {
        let criterion = |crit_s: &mut f64| -> Result<()> {
            let Some(exe) = &exe else { return Ok(()) };
            let t = Instant::now();
            let mut cmd = Command::new(exe);
            // --noplot: criterion's own plots took 94% of a quick run's criterion time (3 s
            // per benchmark); the page is ours, its estimates are all we read
            cmd.current_dir(root.join("crates/bench"))
                .args(["--bench", "--noplot"])
                .env("PICKLEJAR_BENCH_WORKLOADS", &dir)
                .env("PICKLEJAR_BENCH_ONLY", name)
                .env("CRITERION_HOME", criterion_home());
            if a.quick {
                cmd.arg("--quick");
            }
            cmd.arg(format!("/{}-p[0-9]+$", regex_escape(name)));
            let status = cmd.status().context("running the criterion bench")?;
            if !status.success() {
                bail!("the criterion bench failed on {name}: {status}");
            }
            *crit_s += t.elapsed().as_secs_f64();
            Ok(())
        };
        let cpython_phase = |py_s: &mut f64,
                             measurements: &mut Vec<_>,
                             errors: &mut Vec<String>,
                             notes: &mut Vec<String>,
                             python_version: &mut Option<String>|
         -> Result<()> {
            let Some(py) = &python else { return Ok(()) };
            let t = Instant::now();
            let times = cpython::time(
                py,
                &dir,
                &TimeOptions {
                    budget: if a.quick { a.budget.min(0.2) } else { a.budget },
                    only: vec![name.clone()],
                    ops: vec!["load".into(), "dump".into()],
                },
            )?;
            for v in &times.verified {
                let n = format!("measured {v}");
                if !notes.contains(&n) {
                    notes.push(n);
                }
            }
            for e in &times.errors {
                eprintln!("error: {e}");
            }
            errors.extend(times.errors);
            *python_version = Some(format!("{} {}", times.python, py.path.display()));
            measurements.extend(times.measurements);
            *py_s += t.elapsed().as_secs_f64();
            Ok(())
        };
        eprintln!(
            "[{}/{}] {name} (load average {})",
            i + 1,
            names.len(),
            load.sample().map_or("?".into(), |l| format!("{l:.2}"))
        );
        if i % 2 == 0 {
            criterion(&mut crit_s)?;
            cpython_phase(
                &mut py_s,
                &mut measurements,
                &mut errors,
                &mut notes,
                &mut python_version,
            )?;
        } else {
            cpython_phase(
                &mut py_s,
                &mut measurements,
                &mut errors,
                &mut notes,
                &mut python_version,
            )?;
            criterion(&mut crit_s)?;
        }
    }
    let since = if a.no_criterion {
        started
            .checked_sub(std::time::Duration::from_secs(a.since_secs))
            .unwrap_or(started)
    } else {
        started
    };
    let estimates = criterion_read::read(&criterion_home(), "pjbench-", Some(since))?;
    let selected_ids: Vec<String> = selected.iter().map(|e| e.id()).collect();
    let from_criterion: Vec<_> = record::from_criterion(&estimates)
        .into_iter()
        .filter(|m| selected_ids.contains(&format!("{}-p{}", m.workload, m.protocol)))
        .collect();
    eprintln!(
        "criterion: {} estimates ({LOAD_GROUP} and {DUMP_GROUP})",
        from_criterion.len()
    );
    measurements.extend(from_criterion);
    if a.quick {
        notes.push("quick run (criterion --quick, short CPython budget): smoke numbers".into());
    }
    let total = t0.elapsed().as_secs_f64();
    notes.push(format!(
        "took {} ({} criterion, {} CPython)",
        secs(total),
        secs(crit_s),
        secs(py_s)
    ));

    // 4. the record
    let mut rec = new_record(mode, python_version, &manifest.generator, &selected);
    rec.measurements = measurements;
    rec.notes = notes;
    rec.errors = errors;
    let cores = rec.machine.cores;
    rec.set_load(load.finish());
    if let Some(l) = rec.load_average {
        rec.notes.push(format!(
            "load average {:.2} at the start, {:.2} at the end, {:.2} at most ({cores} cores){}",
            l.start,
            l.end,
            l.max(),
            if rec.comparable {
                ""
            } else {
                ": not comparable"
            }
        ));
    }
    let o = a.gate.options();
    let probe = gate::check(&rec, None, &o);
    if probe.refused.is_some() {
        print!("{}", probe.summary(&o));
        return Ok(EXIT_EMPTY);
    }
    let base = keep(&rec, &a.files, &a.rec, &a.gate.judge)?;
    print_targets(&rec, &a.gate.judge);
    if !rec.comparable {
        println!(
            "run {}: {}: the gate will not judge it",
            rec.id, rec.comparable_note
        );
    }
    println!("bench run ({mode}): {}", secs(total));
    Ok(gate_and_print(&[&rec], &base, &a.gate))
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

/// What `stream` is, in the notes of an instructions record.
const STREAM_NOTE: &str = "stream: the pickle written out to a file-like sink \
    (pickle.Pickler(file).dump into a write() that keeps what it is given; picklejar_codec's \
    dump_parts), checked against the workload file like a dump: a dump into one bytes object \
    copies a large payload (64 MiB in bytes_64m) in both codecs, written out neither copies it; \
    below 64 KiB CPython copies a payload into its frame, picklejar borrows one of 1 KiB or more";

/// Where the callgrind profiles go: `<target>/picklejar-callgrind`.
fn callgrind_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
        .join("picklejar-callgrind")
}

fn run_instructions(a: InstructionsArgs) -> Result<i32> {
    let t0 = Instant::now();
    let Some((valgrind, version)) = instructions::find_valgrind() else {
        println!(
            "bench instructions: valgrind not found ($PICKLEJAR_VALGRIND or valgrind on PATH): \
             skipped; the gate judges wall times only"
        );
        return Ok(0);
    };
    let load = LoadWatch::start();
    let dir = workloads::default_dir();
    let (manifest, _) = workloads::ensure(&dir)?;
    let selected = select(&manifest, &a.only)?;
    let files: Vec<Entry> = selected.iter().map(|e| (*e).clone()).collect();
    let python = if a.no_cpython {
        None
    } else {
        cpython::find(&a.py.cpython, &a.py.pythons)
    };
    let mut notes = vec![
        format!(
            "{version} --tool=callgrind: instructions (Ir) of one call per workload file, \
             after one warm-up call that is not counted; reading the file, building what a \
             dump pickles and freeing the result are outside the count"
        ),
        format!(
            "picklejar: the {} example (release, the picklejar command's allocator) toggled on \
             {}, {} and {}",
            instructions::HELPER,
            instructions::PICKLEJAR_LOAD_FN,
            instructions::PICKLEJAR_DUMP_FN,
            instructions::PICKLEJAR_STREAM_FN
        ),
        STREAM_NOTE.into(),
    ];
    let helper = instructions::build_helper()?;
    let mut jobs = Vec::new();
    let mut python_version = None;
    if let Some(py) = &python {
        let out = Command::new(&py.path)
            .args(["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"])
            .output()
            .with_context(|| format!("running {}", py.path.display()))?;
        let full = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        python_version = Some(format!("{full} {}", py.path.display()));
        let codec = format!("cpython-{}", a.py.cpython);
        let script = workspace_root().join("generators/bench_cpython.py");
        // the slowest jobs first (CPython's, its writing ones the slowest), so that two
        // workers end close together
        for op in instructions::OPS.iter().rev() {
            jobs.push(Job {
                codec: codec.clone(),
                op: op.name.into(),
                function: op.cpython.into(),
                command: vec![py.path.clone().into(), script.clone().into(), "once".into()],
                env: vec![("PYTHONHASHSEED".into(), "0".into())],
            });
        }
        notes.push(format!(
            "{codec}: generators/bench_cpython.py once, toggled on {}, {} and {} (the C \
             functions behind pickle.loads, pickle.dumps and pickle.Pickler(file).dump in \
             _pickle), GC disabled around the call",
            instructions::CPYTHON_LOAD_FN,
            instructions::CPYTHON_DUMP_FN,
            instructions::CPYTHON_STREAM_FN
        ));
    } else if !a.no_cpython {
        notes.push(format!(
            "no CPython {} found: picklejar's counts only",
            a.py.cpython
        ));
    }
    for op in instructions::OPS.iter().rev() {
        jobs.push(Job {
            codec: "picklejar".into(),
            op: op.name.into(),
            function: op.picklejar.into(),
            command: vec![helper.clone().into()],
            env: Vec::new(),
        });
    }
    notes.push(format!(
        "every callgrind job ran with {}={} (glibc copies with a vector loop, not rep movsb, \
         which callgrind counts per byte)",
        instructions::COPY_TUNABLE.0,
        instructions::COPY_TUNABLE.1
    ));
    let out_dir = callgrind_dir();
    eprintln!(
        "callgrind: {} jobs over {} files, {} at a time (profiles in {})",
        jobs.len(),
        files.len(),
        a.jobs,
        out_dir.display()
    );
    let results = instructions::run_jobs(
        &valgrind,
        &jobs,
        &dir,
        &files,
        &out_dir,
        a.jobs,
        &|job, r| match r {
            Ok(o) => eprintln!(
                "callgrind: {} {}: {} counted in {}",
                job.codec,
                job.op,
                o.counts.len(),
                secs(o.seconds)
            ),
            Err(e) => eprintln!("callgrind: {} {}: {e:#}", job.codec, job.op),
        },
    );
    let mut counts = Vec::new();
    let mut errors = Vec::new();
    for (job, r) in jobs.iter().zip(results) {
        match r {
            Ok(o) => {
                for e in &o.errors {
                    eprintln!("error: {e}");
                }
                counts.extend(o.counts);
                errors.extend(o.errors);
                notes.push(format!("{} {}: {}", job.codec, job.op, secs(o.seconds)));
            }
            Err(e) => {
                let msg = format!("{} {}: {e:#}", job.codec, job.op);
                eprintln!("error: {msg}");
                errors.push(msg);
            }
        }
    }
    // in workload order, loads first, then dumps, then streams
    let order = |c: &history::Count| {
        (
            instructions::OPS.iter().position(|o| o.name == c.op),
            files
                .iter()
                .position(|e| e.name == c.workload && e.protocol == c.protocol),
            c.codec.clone(),
        )
    };
    counts.sort_by_key(order);
    history::set_cpython_ratios(&mut counts, &format!("cpython-{}", a.py.cpython));
    let total = t0.elapsed().as_secs_f64();
    notes.push(format!("took {}", secs(total)));

    let mut rec = new_record(
        Mode::Instructions,
        python_version,
        &manifest.generator,
        &selected,
    );
    rec.instructions = counts;
    rec.notes = notes;
    rec.errors = errors;
    rec.set_load(load.finish());
    let o = a.gate.options();
    let probe = gate::check(&rec, None, &o);
    if probe.refused.is_some() {
        print!("{}", probe.summary(&o));
        return Ok(EXIT_EMPTY);
    }
    let base = keep(&rec, &a.files, &a.rec, &a.gate.judge)?;
    print_counts(&rec, &format!("cpython-{}", a.py.cpython));
    println!("bench instructions: {}", secs(total));
    Ok(gate_and_print(&[&rec], &base, &a.gate))
}

/// picklejar's and CPython's counts side by side.
fn print_counts(r: &Record, cpython: &str) {
    let find = |w: &str, p: u8, op: &str, codec: &str| {
        r.instructions
            .iter()
            .find(|c| c.workload == w && c.protocol == p && c.op == op && c.codec == codec)
            .map(|c| c.instructions)
    };
    println!(
        "\n{:<22} {:>2} {:<6} {:>15} {:>15} {:>8}",
        "instructions", "p", "op", "picklejar", cpython, "ratio"
    );
    for op in instructions::OPS.map(|o| o.name) {
        for w in &r.workloads {
            let pj = find(&w.name, w.protocol, op, "picklejar");
            let cp = find(&w.name, w.protocol, op, cpython);
            if pj.is_none() && cp.is_none() {
                continue;
            }
            let show = |x: Option<u64>| x.map_or_else(|| "-".into(), thousands);
            let ratio = match (pj, cp) {
                (Some(p), Some(c)) if p > 0 => format!("{:.2}x", c as f64 / p as f64),
                _ => "-".into(),
            };
            println!(
                "{:<22} {:>2} {:<6} {:>15} {:>15} {:>8}",
                w.name,
                w.protocol,
                op,
                show(pj),
                show(cp),
                ratio
            );
        }
    }
    println!(
        "(ratio: CPython's instructions ÷ picklejar's: how many times fewer picklejar runs; \
         stream: the pickle written out to a file, where neither codec copies a large payload \
         as a dump into one bytes object does, and picklejar copies none of 1 KiB or more)"
    );
}
