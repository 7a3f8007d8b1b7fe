//! Instruction counts: callgrind on one load, one dump and one stream per workload file,
//! for picklejar and for CPython's C pickler (`picklejar bench instructions`).
//!
//! Wall times on a shared 2-core machine move with whatever else runs; the instructions a
//! call executes do not. For every workload file and operation:
//!
//! * **picklejar**: the `picklejar-bench-one` example (built in release, with the
//!   `picklejar` command's allocator, `picklejar_alloc::Picklejar`, as the criterion
//!   benches) runs under `valgrind --tool=callgrind
//!   --toggle-collect=picklejar_bench_one::load_once --dump-after=…` (or `dump_once`,
//!   `stream_once`);
//! * **CPython**: `generators/bench_cpython.py once` runs under callgrind toggled on
//!   `_pickle_loads` / `_pickle_dumps` / `_pickle_Pickler_dump`, the C functions behind
//!   `pickle.loads`, `pickle.dumps` and `pickle.Pickler(file).dump` in
//!   `_pickle.cpython-*.so` (which keeps its symbols in pyenv builds).
//!
//! The operations ([`OPS`]): `load`; `dump`, the pickle as one `bytes` (`pickle.dumps`,
//! `picklejar_codec::dump`); `stream`, the pickle written out to a file-like sink
//! (`Pickler(file).dump` into a `write` that keeps what it is given, picklejar_codec's
//! `dump_parts`). `dumps` of a 64 MiB payload copies it into the output in both codecs;
//! written out, neither copies it (CPython hands a payload of 64 KiB or more to `write`
//! whole, `dump_parts` borrows it from the graph), so `stream` is the fair measure of a
//! dump of large payloads. Smaller payloads differ: CPython copies those below 64 KiB
//! into its frame, `dump_parts` borrows every one of 1 KiB or more.
//!
//! Both warm up first through a function that is not counted (picklejar: the same load or
//! dump in another function; CPython: `pickle.Unpickler(…).load()` / `pickle.Pickler(…)
//! .dump()` / `pickle.dumps`), then make exactly one counted call per file; reading the
//! file, building what a dump pickles, and freeing the result all happen outside the
//! count. `--dump-after` makes callgrind write one profile part per counted call, so one
//! valgrind process serves every file of an operation; [`parse_profile`] reads a part's
//! totals. Every dump and stream is compared with the workload file (outside the count); a
//! mismatch is an error, not a count.
//!
//! Every job runs with [`COPY_TUNABLE`] in its environment, CPython's as picklejar's:
//! glibc copies blocks of a few KiB and more with `rep movsb`, which callgrind counts as
//! one instruction *per byte* (a CPU moves 32 or 64 bytes a cycle there). A list of a
//! thousand items copied off the stack then counted 16,000 "instructions"; with the
//! tunable glibc uses its vector loop for those sizes, whose count tracks the work. (Counts
//! recorded before the tunable, up to commit 9d1274a, are not comparable with later ones:
//! picklejar's `ints_1m` load was 53.9 M then and is 37.5 M with it, on the same code.)

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::history::Count;
use crate::workloads::{Entry, workspace_root};

/// The example that makes one picklejar load or dump per file.
pub const HELPER: &str = "picklejar-bench-one";
/// The function counted for a picklejar load.
pub const PICKLEJAR_LOAD_FN: &str = "picklejar_bench_one::load_once";
/// The function counted for a picklejar dump.
pub const PICKLEJAR_DUMP_FN: &str = "picklejar_bench_one::dump_once";
/// The function counted for a picklejar stream (a dump in parts, `dump_parts`).
pub const PICKLEJAR_STREAM_FN: &str = "picklejar_bench_one::stream_once";
/// The function counted for a CPython load (`pickle.loads` is `_pickle.loads`).
pub const CPYTHON_LOAD_FN: &str = "_pickle_loads";
/// The function counted for a CPython dump.
pub const CPYTHON_DUMP_FN: &str = "_pickle_dumps";
/// The function counted for a CPython stream (`pickle.Pickler(file).dump`).
pub const CPYTHON_STREAM_FN: &str = "_pickle_Pickler_dump";

/// One operation `picklejar bench instructions` counts, with the function counted for each
/// codec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Op {
    /// `load`, `dump`, `stream`: the helpers' first argument and [`Count::op`].
    pub name: &'static str,
    /// The function counted in `picklejar-bench-one`.
    pub picklejar: &'static str,
    /// The function counted in CPython's `_pickle`.
    pub cpython: &'static str,
}

/// The operations `picklejar bench instructions` counts, in the order it reports them.
///
/// ```
/// use picklejar_bench::instructions::OPS;
/// assert_eq!(OPS.map(|o| o.name), ["load", "dump", "stream"]);
/// ```
pub const OPS: [Op; 3] = [
    Op {
        name: "load",
        picklejar: PICKLEJAR_LOAD_FN,
        cpython: CPYTHON_LOAD_FN,
    },
    Op {
        name: "dump",
        picklejar: PICKLEJAR_DUMP_FN,
        cpython: CPYTHON_DUMP_FN,
    },
    Op {
        name: "stream",
        picklejar: PICKLEJAR_STREAM_FN,
        cpython: CPYTHON_STREAM_FN,
    },
];

/// Whether `op` writes a pickle, which must then be the workload file.
pub fn writes(op: &str) -> bool {
    op != "load"
}

/// The header numbers of one callgrind profile (part).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// The event names (`Ir`, …), from `events:`.
    pub events: Vec<String>,
    /// The totals, one per event (`totals:`, else `summary:`).
    pub totals: Vec<u64>,
    /// What made callgrind write it (`desc: Trigger: …`).
    pub trigger: String,
    /// The part number (`part:`), if any.
    pub part: Option<u32>,
    /// The command (`cmd:`).
    pub cmd: String,
}

impl Profile {
    /// The total of `event`.
    pub fn total(&self, event: &str) -> Option<u64> {
        let i = self.events.iter().position(|e| e == event)?;
        self.totals.get(i).copied()
    }

    /// Instructions executed (`Ir`).
    pub fn instructions(&self) -> Option<u64> {
        self.total("Ir")
    }
}

/// Reads the header and totals of a callgrind output file (format version 1).
pub fn parse_profile(text: &str) -> Result<Profile> {
    let mut p = Profile::default();
    let mut summary = None;
    let mut totals = None;
    let numbers = |v: &str| -> Result<Vec<u64>> {
        v.split_whitespace()
            .map(|n| n.parse::<u64>().with_context(|| format!("bad count {n:?}")))
            .collect()
    };
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("events:") {
            p.events = v.split_whitespace().map(str::to_owned).collect();
        } else if let Some(v) = line.strip_prefix("summary:") {
            summary = Some(numbers(v)?);
        } else if let Some(v) = line.strip_prefix("totals:") {
            totals = Some(numbers(v)?);
        } else if let Some(v) = line.strip_prefix("desc: Trigger:") {
            p.trigger = v.trim().to_owned();
        } else if let Some(v) = line.strip_prefix("part:") {
            p.part = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("cmd:") {
            p.cmd = v.trim().to_owned();
        }
    }
    if p.events.is_empty() {
        bail!("not a callgrind profile: no `events:` line");
    }
    p.totals = totals
        .or(summary)
        .context("callgrind profile without `totals:` or `summary:`")?;
    if p.totals.len() > p.events.len() {
        bail!("{} totals for {} events", p.totals.len(), p.events.len());
    }
    Ok(p)
}

/// valgrind: `$PICKLEJAR_VALGRIND`, else `valgrind` on `PATH`; with its version, or `None`
/// when it does not run.
pub fn find_valgrind() -> Option<(PathBuf, String)> {
    let exe = std::env::var_os("PICKLEJAR_VALGRIND")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("valgrind"));
    let out = Command::new(&exe).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| (exe, String::from_utf8_lossy(&out.stdout).trim().to_owned()))
}

/// Builds the helper in release (`cargo build --release -p picklejar-bench --example
/// picklejar-bench-one`) and returns its path; `$PICKLEJAR_BENCH_ONE` names a built one
/// instead.
pub fn build_helper() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("PICKLEJAR_BENCH_ONE") {
        return Ok(PathBuf::from(p));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "build",
            "--release",
            "-p",
            "picklejar-bench",
            "--example",
            HELPER,
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo build")?;
    if !out.status.success() {
        bail!("cargo build of {HELPER} failed: {}", out.status);
    }
    executable_of(&String::from_utf8_lossy(&out.stdout), HELPER)
        .with_context(|| format!("cargo did not report the {HELPER} executable"))
}

/// The `executable` of the compiler artifact of target `name` in cargo's JSON messages.
pub fn executable_of(messages: &str, name: &str) -> Option<PathBuf> {
    messages.lines().rev().find_map(|l| {
        let v: serde_json::Value = serde_json::from_str(l).ok()?;
        (v.get("reason")?.as_str()? == "compiler-artifact"
            && v.get("target")?.get("name")?.as_str()? == name)
            .then(|| v.get("executable")?.as_str().map(PathBuf::from))?
    })
}

/// The environment variable every callgrind job gets: glibc's `rep movsb` threshold raised
/// past any copy, so that callgrind does not count a copy's bytes as instructions (see
/// the module docs).
///
/// ```
/// assert!(picklejar_bench::instructions::COPY_TUNABLE.1.contains("x86_rep_movsb_threshold"));
/// ```
pub const COPY_TUNABLE: (&str, &str) = (
    "GLIBC_TUNABLES",
    "glibc.cpu.x86_rep_movsb_threshold=4294967295",
);

/// One valgrind process: one codec, one operation, every file.
#[derive(Clone, Debug)]
pub struct Job {
    /// `picklejar`, `cpython-3.13`.
    pub codec: String,
    /// `load`, `dump` or `stream` ([`OPS`]).
    pub op: String,
    /// The function counted (`--toggle-collect`, `--dump-after`).
    pub function: String,
    /// The program and its first arguments; `OP FILE:PROTOCOL…` follow.
    pub command: Vec<OsString>,
    /// Environment variables for it.
    pub env: Vec<(String, String)>,
}

/// What a job counted.
#[derive(Clone, Debug, Default)]
pub struct JobOutput {
    /// One count per file whose counted call succeeded.
    pub counts: Vec<Count>,
    /// Files that were not counted, and why (a dump that was not the file, a failure).
    pub errors: Vec<String>,
    /// Wall time of the valgrind process.
    pub seconds: f64,
}

/// A helper's line about one file.
#[derive(Deserialize)]
struct HelperLine {
    file: String,
    called: bool,
    ok: bool,
    #[serde(default)]
    error: String,
}

/// Runs `job` under callgrind on `files` (in `dir`), writing the profiles to `out_dir`
/// (`<codec>-<op>-<workload>-p<P>.callgrind`, for `callgrind_annotate`).
pub fn run_job(
    valgrind: &Path,
    job: &Job,
    dir: &Path,
    files: &[Entry],
    out_dir: &Path,
) -> Result<JobOutput> {
    std::fs::create_dir_all(out_dir)?;
    let base = out_dir.join(format!("{}-{}.callgrind", job.codec, job.op));
    // stale parts of an earlier run would be read as this run's
    for e in std::fs::read_dir(out_dir)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(&format!("{}-{}.", job.codec, job.op)) {
            let _ = std::fs::remove_file(e.path());
        }
    }
    let (program, args) = job.command.split_first().context("empty command")?;
    let mut cmd = Command::new(valgrind);
    cmd.arg("--tool=callgrind")
        .arg(format!("--toggle-collect={}", job.function))
        .arg(format!("--dump-after={}", job.function))
        .arg(format!("--callgrind-out-file={}", base.display()))
        .arg(program)
        .args(args)
        .arg(&job.op)
        .args(
            files
                .iter()
                .map(|e| format!("{}:{}", dir.join(&e.file).display(), e.protocol)),
        )
        .env(COPY_TUNABLE.0, COPY_TUNABLE.1)
        .envs(job.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null());
    let started = Instant::now();
    let out = cmd
        .output()
        .with_context(|| format!("running {}", valgrind.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let log = out_dir.join(format!("{}-{}.log", job.codec, job.op));
    std::fs::write(&log, &out.stderr)?;
    if !out.status.success() {
        bail!(
            "callgrind of {} {} failed ({}); see {}",
            job.codec,
            job.op,
            out.status,
            log.display()
        );
    }
    let lines: Vec<HelperLine> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .with_context(|| format!("{} {}: the helper's output", job.codec, job.op))?;
    if lines.len() != files.len() {
        bail!(
            "{} {}: the helper reported {} files of {}; see {}",
            job.codec,
            job.op,
            lines.len(),
            files.len(),
            log.display()
        );
    }
    let mut output = JobOutput {
        seconds,
        ..JobOutput::default()
    };
    let mut part = 0;
    for (e, line) in files.iter().zip(&lines) {
        let label = format!("{} {} p{} {}", job.codec, job.op, e.protocol, e.name);
        if !line.file.ends_with(&e.file) {
            bail!("{label}: the helper reported {} instead", line.file);
        }
        if !line.called {
            output
                .errors
                .push(format!("{label}: not counted: {}", line.error));
            continue;
        }
        part += 1;
        let path = PathBuf::from(format!("{}.{part}", base.display()));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{label}: reading {}", path.display()))?;
        let profile = parse_profile(&text).with_context(|| format!("{}", path.display()))?;
        let named = out_dir.join(format!(
            "{}-{}-{}-p{}.callgrind",
            job.codec, job.op, e.name, e.protocol
        ));
        std::fs::rename(&path, &named)?;
        if !line.ok {
            output.errors.push(format!(
                "{label}: {}{}",
                line.error,
                if writes(&job.op) {
                    " (not counted: the output must be the workload file)"
                } else {
                    ""
                }
            ));
            continue;
        }
        output.counts.push(Count {
            workload: e.name.clone(),
            protocol: e.protocol,
            op: job.op.clone(),
            codec: job.codec.clone(),
            instructions: profile
                .instructions()
                .with_context(|| format!("{label}: no Ir in {}", named.display()))?,
            bytes: e.bytes,
            function: job.function.clone(),
            vs_cpython: None,
        });
    }
    let extra = PathBuf::from(format!("{}.{}", base.display(), part + 1));
    if extra.exists() {
        bail!(
            "{} {}: callgrind wrote more parts than counted calls ({}): the counted function \
             ran more often than once per file",
            job.codec,
            job.op,
            extra.display()
        );
    }
    Ok(output)
}

/// Runs `jobs` at most `parallel` at a time (each is one single-threaded valgrind process).
pub fn run_jobs(
    valgrind: &Path,
    jobs: &[Job],
    dir: &Path,
    files: &[Entry],
    out_dir: &Path,
    parallel: usize,
    progress: &(dyn Fn(&Job, &Result<JobOutput>) + Sync),
) -> Vec<Result<JobOutput>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<JobOutput>>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..parallel.clamp(1, jobs.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else { break };
                    let r = run_job(valgrind, job, dir, files, out_dir);
                    progress(job, &r);
                    if let Ok(mut v) = results.lock() {
                        v[i] = Some(r);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(anyhow::anyhow!("job did not run"))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header and tail of a part `--dump-after` wrote (callgrind 3.19), cut down.
    const PART: &str = "# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 2193
cmd:  /root/.pyenv/versions/3.13.0/bin/python3.13 bench_cpython.py once load a.pkl:4
part: 2


desc: I1 cache: 
desc: D1 cache: 
desc: LL cache: 

desc: Timerange: Basic block 0 - 222211004
desc: Trigger: --dump-after=_pickle_loads

positions: line
events: Ir
summary: 200102153


ob=(1) /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
fl=(159) ./elf/../sysdeps/x86_64/tls_get_addr.S
fn=(638) __tls_get_addr
30 1005860
+1 1005860

totals: 200102153
";

    #[test]
    fn a_callgrind_part_gives_its_instructions() {
        let p = parse_profile(PART).expect("parses");
        assert_eq!(p.instructions(), Some(200_102_153));
        assert_eq!(p.part, Some(2));
        assert_eq!(p.trigger, "--dump-after=_pickle_loads");
        assert!(p.cmd.ends_with("once load a.pkl:4"));
    }

    #[test]
    fn several_events_and_a_missing_totals_line() {
        let text = "events: Ir Dr Dw\nsummary: 10 20 30\n";
        let p = parse_profile(text).expect("summary stands in for totals");
        assert_eq!((p.total("Dr"), p.instructions()), (Some(20), Some(10)));
        assert!(parse_profile("events: Ir\n").is_err(), "no totals");
        assert!(parse_profile("totals: 5\n").is_err(), "no events");
        assert!(parse_profile("events: Ir\ntotals: x\n").is_err());
    }

    #[test]
    fn cargo_names_the_helper_executable() {
        let msgs = r#"{"reason":"compiler-artifact","target":{"name":"picklejar_codec"},"executable":null}
{"reason":"compiler-artifact","target":{"name":"picklejar-bench-one"},"executable":"/t/release/examples/picklejar-bench-one"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            executable_of(msgs, HELPER),
            Some(PathBuf::from("/t/release/examples/picklejar-bench-one"))
        );
        assert_eq!(executable_of(msgs, "other"), None);
    }
}
