//! The replay engine: runs a codec's planned trials (on every core with the `parallel`
//! feature, through rayon), applies its expectations, and assembles the [`CodecRun`] of the
//! results document.

use std::collections::BTreeMap;
use std::time::Instant;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

use crate::codec::Codec;
use crate::corpus::Corpus;
use crate::expect::{EntryStatus, Expectations, Status};
use crate::results::{CodecRun, TrialRecord};
use crate::trial::{self, TrialSpec, Verdict};

/// Which trials to run.
///
/// A filter is a list of globs (or substrings, without wildcards, as `cargo test`
/// filters are). Each glob is tried against the trial name
/// (`load/containers/list/p4-…@encoding=bytes`), its case id (`containers/list`) and its
/// variant path (`containers/list/p4-…`), so `containers/*`, `containers/list` and
/// `load/containers/**` all select the trials of that case.
///
/// ```
/// use picklejar_runner::engine::Filter;
///
/// let f = Filter::new(&["containers/*".into()])?;
/// assert!(f.matches("load/containers/list/p4-0a1b"));
/// assert!(!f.matches("load/scalars/int/p4-0a1b"));
/// assert!(Filter::new(&[])?.matches("anything"));
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Filter {
    set: Option<GlobSet>,
    globs: Vec<String>,
}

impl Filter {
    /// Trials selected by any of `globs` (all trials when empty).
    pub fn new(globs: &[String]) -> Result<Filter, String> {
        if globs.is_empty() {
            return Ok(Filter::default());
        }
        let mut b = GlobSetBuilder::new();
        for g in globs {
            let pattern = if g.contains(['*', '?', '[', '{']) {
                g.clone()
            } else {
                format!("*{g}*")
            };
            b.add(
                GlobBuilder::new(&pattern)
                    .literal_separator(false)
                    .build()
                    .map_err(|e| format!("bad filter {g:?}: {e}"))?,
            );
        }
        Ok(Filter {
            set: Some(b.build().map_err(|e| e.to_string())?),
            globs: globs.to_vec(),
        })
    }

    /// Whether a trial name is selected: by its name, its case id or its variant path.
    pub fn matches(&self, name: &str) -> bool {
        let Some(set) = &self.set else {
            return true;
        };
        if set.is_match(name) {
            return true;
        }
        // load/<category>/<case>/<variant>[@options]
        let Some((_, rest)) = name.split_once('/') else {
            return false;
        };
        let variant = rest.split('@').next().unwrap_or(rest);
        let case = variant.rsplit_once('/').map_or(variant, |(c, _)| c);
        set.is_match(case) || set.is_match(variant)
    }

    /// The globs given (empty: every trial).
    pub fn globs(&self) -> &[String] {
        &self.globs
    }

    /// Whether this filter selects every trial.
    pub fn is_all(&self) -> bool {
        self.set.is_none()
    }
}

/// Options for one codec's run.
pub struct RunOptions<'a> {
    /// Trial selection.
    pub filter: &'a Filter,
    /// Called once per finished trial (from any worker thread), e.g. to move a progress
    /// bar.
    pub on_trial: Option<&'a (dyn Fn() + Sync)>,
    /// Keep full evidence for passing trials too (larger results).
    pub keep_passes: bool,
    /// Reloads what codecs dump (dump trials); picklejar's codec when `None`.
    pub reloader: Option<&'a dyn Codec>,
}

/// Runs every selected trial of `codec` and applies `expectations`.
pub fn run_codec(
    corpus: &Corpus,
    codec: &dyn Codec,
    expectations: &Expectations,
    expectations_path: Option<String>,
    opts: &RunOptions<'_>,
) -> CodecRun {
    let info = codec.info();
    let all = trial::plan(corpus, &info);
    let selected: Vec<&TrialSpec> = all
        .iter()
        .filter(|t| opts.filter.matches(&t.name))
        .collect();
    let started = Instant::now();
    #[cfg(feature = "parallel")]
    let specs = selected.par_iter();
    #[cfg(not(feature = "parallel"))]
    let specs = selected.iter();
    let mut trials: Vec<TrialRecord> = specs
        .map(|spec| {
            let reloader = opts.reloader.unwrap_or(&crate::adapters::Picklejar);
            let rec = run_one(
                corpus,
                codec,
                &info,
                expectations,
                spec,
                opts.keep_passes,
                reloader,
            );
            if let Some(f) = opts.on_trial {
                f();
            }
            rec
        })
        .collect();
    trials.sort_by(|a, b| a.name.cmp(&b.name));
    let duration_ms = started.elapsed().as_millis() as u64;

    let mut run = CodecRun {
        codec: (&info).into(),
        expectations: expectations_path,
        duration_ms,
        counts: BTreeMap::new(),
        by_category: BTreeMap::new(),
        gate_problems: Vec::new(),
        trials,
    };
    let planned: Vec<String> = all.into_iter().map(|t| t.name).collect();
    recount(&mut run, expectations, &planned);
    run
}

/// Recomputes a run's counts and gate problems from its trials' statuses: after
/// [`run_codec`], or after the statuses were judged again against another expectations
/// file (what `--bless` does to show the gate as it stands after blessing). `planned` is
/// every trial name of the codec, for stale entries.
pub fn recount(run: &mut CodecRun, expectations: &Expectations, planned: &[String]) {
    let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
    let mut by_category: BTreeMap<String, BTreeMap<Status, usize>> = BTreeMap::new();
    for t in &run.trials {
        *counts.entry(t.status).or_default() += 1;
        *by_category
            .entry(t.category.clone())
            .or_default()
            .entry(t.status)
            .or_default() += 1;
    }
    let mut gate_problems = Vec::new();
    for t in run.trials.iter().filter(|t| t.status.fails_gate()) {
        let what = match t.status {
            Status::UnexpectedPass => "passes but is listed as failing (remove the entry)",
            Status::Crash => "crashed (not listed as a crash)",
            Status::Timeout => "timed out (not listed as a timeout)",
            _ => "fails and is not listed as failing",
        };
        gate_problems.push(format!("{}: {what}", t.name));
    }
    for e in expectations.unused(planned.iter().map(String::as_str)) {
        gate_problems.push(format!("expectation {:?} matches no trial (stale)", e.glob));
    }
    let ran = run
        .trials
        .iter()
        .filter(|t| t.status != Status::Skip)
        .count();
    if ran == 0 {
        gate_problems.push("no trial ran".into());
    }
    run.counts = counts;
    run.by_category = by_category;
    run.gate_problems = gate_problems;
}

fn run_one(
    corpus: &Corpus,
    codec: &dyn Codec,
    info: &crate::codec::CodecInfo,
    expectations: &Expectations,
    spec: &TrialSpec,
    keep_passes: bool,
    reloader: &dyn Codec,
) -> TrialRecord {
    let case = &corpus.cases[spec.case];
    let v = &case.variants[spec.variant];
    let entry = expectations
        .lookup(&spec.name)
        .map(|i| expectations.entry(i));
    let mut rec = TrialRecord {
        name: spec.name.clone(),
        kind: spec.kind,
        case: case.id.clone(),
        category: case.category().to_owned(),
        variant: v.file.clone(),
        protocol: v.protocol,
        producers: v.producers.clone(),
        reference: spec.reference,
        status: Status::Skip,
        verdict: Verdict::Skip,
        message: String::new(),
        expected: None,
        actual: None,
        diff: None,
        dis: None,
        micros: 0,
        adapter_error: false,
    };
    if let Some(e) = entry
        && e.status == EntryStatus::Skip
    {
        rec.message = format!("skipped: {}", e.reason);
        return rec;
    }
    let t0 = Instant::now();
    let (verdict, ev) = trial::run(corpus, codec, info, spec, reloader);
    rec.micros = t0.elapsed().as_micros() as u64;
    rec.verdict = verdict;
    rec.adapter_error = ev.adapter_error;
    rec.status = Status::judge(verdict, entry.map(|e| e.status));
    rec.message = match (rec.status, entry) {
        (Status::ExpectedFail, Some(e)) => format!("{} (expected: {})", ev.message, e.reason),
        (Status::UnexpectedPass, Some(e)) => format!("passes, but listed: {}", e.reason),
        (s, Some(e)) if s.fails_gate() => format!(
            "{} (listed as {}: {})",
            ev.message,
            match e.status {
                EntryStatus::Fail => "fail",
                EntryStatus::Crash => "crash",
                EntryStatus::Timeout => "timeout",
                EntryStatus::Skip => "skip",
                EntryStatus::Extra => "extra",
            },
            e.reason
        ),
        _ => ev.message.clone(),
    };
    if rec.status != Status::Pass || keep_passes {
        rec.expected = Some(ev.expected);
        rec.actual = Some(ev.actual);
        rec.diff = ev.diff;
        // Known failures keep their diff; the disassembly is for the ones to look into.
        if rec.status != Status::ExpectedFail || keep_passes {
            rec.dis = ev.dis;
        }
    }
    rec
}
