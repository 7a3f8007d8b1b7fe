//! Trials: what to check for each variant of each case, and how one check comes out.
//!
//! A **load** trial (`load/<case>/<variant>[@options]`) loads a variant and compares the
//! codec's canon with the reference reader's (CPython 3.13's C unpickler), or its error
//! kind with the reference's for rejects. A **dump** trial (`dump/<case>/<variant>`) asks
//! the codec to dump the expected value at the variant's protocol and reloads the bytes with
//! the reference (CPython 3.13 when the machine has it, else picklejar's codec): the canon
//! must survive.

use picklejar_codec::{Canon, ErrorKind, ImportEvent, LoadOptions, dis};

use crate::codec::{Codec, CodecInfo, CompressedInput, LoadRequest, Outcome};
use crate::corpus::{CompressionMethod, Corpus, LoadSpec, ReaderOutcome, VariantError, unpack};
use crate::diff::unified;
use crate::emulate;
use crate::ids::{Family, ImplId, REFERENCE};

/// Load or dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrialKind {
    /// Load the variant, compare canon (or error kind).
    Load,
    /// Dump the expected value, reload, compare canon.
    Dump,
    /// Load the variant, dump it again as its producer's CPython would, compare bytes
    /// (byte-exact) or, failing that, what the reference loads from them (equivalent).
    Redump,
    /// Report what loading the variant would make CPython import and call, compare with
    /// what the reference reader recorded (codecs with [`CodecInfo::imports`] only).
    Imports,
}

impl TrialKind {
    /// The word trial names start with: `load`, `dump`, `redump`.
    ///
    /// ```
    /// use picklejar_runner::trial::TrialKind;
    /// assert_eq!(TrialKind::Redump.as_str(), "redump");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            TrialKind::Load => "load",
            TrialKind::Dump => "dump",
            TrialKind::Redump => "redump",
            TrialKind::Imports => "imports",
        }
    }
}

/// What the reference reader got, which the codec must match.
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    /// This canon.
    Canon(Canon),
    /// A rejection of this kind.
    Reject(ErrorKind),
    /// These imports and calls, in order.
    Imports(Vec<ImportEvent>),
}

impl Expected {
    /// The text shown in diffs and reports.
    pub fn text(&self) -> String {
        match self {
            Expected::Canon(c) => c.to_text(),
            Expected::Reject(k) => format!("error {k}\n"),
            Expected::Imports(events) => imports_text(events),
        }
    }
}

/// Import events one a line, as trials show them (`find os.system`).
fn imports_text(events: &[ImportEvent]) -> String {
    events.iter().map(|e| format!("{e}\n")).collect()
}

/// One planned check.
#[derive(Clone, Debug)]
pub struct TrialSpec {
    /// `load/containers/list_3/p2-0123456789ab`, plus `@encoding=bytes` for option reads.
    pub name: String,
    /// Load or dump.
    pub kind: TrialKind,
    /// Index into [`Corpus::cases`].
    pub case: usize,
    /// Index into the case's variants.
    pub variant: usize,
    /// Extra load options on top of the case's.
    pub options: LoadSpec,
    /// The expected outcome.
    pub expected: Expected,
    /// Which reader the expectation comes from.
    pub reference: ImplId,
}

/// Every trial for a codec, in corpus order.
pub fn plan(corpus: &Corpus, info: &CodecInfo) -> Vec<TrialSpec> {
    let mut out = Vec::new();
    for (ci, case) in corpus.cases.iter().enumerate() {
        for (vi, v) in case.variants.iter().enumerate() {
            // One re-dump per variant: with the default options, or — for Python 2 `str`
            // that only loads with `encoding=bytes`/`latin1` — the first option set that loads.
            let mut redump_planned = false;
            for opts in v.option_sets() {
                let Some((reader, outcome)) = v.expected_for(info.reference, &opts, info.data_only)
                else {
                    continue;
                };
                let expected = match outcome {
                    ReaderOutcome::Canon(c) => Expected::Canon(c.clone()),
                    ReaderOutcome::Error { kind, .. } => Expected::Reject(*kind),
                };
                let mut name = format!("load/{}/{}", case.id, v.stem());
                if !opts.is_default() {
                    name.push('@');
                    name.push_str(&opts.label());
                }
                let dumpable =
                    info.dumps && opts.is_default() && matches!(expected, Expected::Canon(_));
                let redumpable =
                    info.redumps && !redump_planned && matches!(expected, Expected::Canon(_));
                redump_planned |= redumpable;
                let label = if opts.is_default() {
                    String::new()
                } else {
                    format!("@{}", opts.label())
                };
                if info.imports
                    && let Some(events) = v.imports_for(info.reference, &opts)
                {
                    let label = if opts.is_default() {
                        String::new()
                    } else {
                        format!("@{}", opts.label())
                    };
                    out.push(TrialSpec {
                        name: format!("imports/{}/{}{label}", case.id, v.stem()),
                        kind: TrialKind::Imports,
                        case: ci,
                        variant: vi,
                        options: opts.clone(),
                        expected: Expected::Imports(events.1.to_vec()),
                        reference: events.0,
                    });
                }
                if !info.loads {
                    continue;
                }
                out.push(TrialSpec {
                    name,
                    kind: TrialKind::Load,
                    case: ci,
                    variant: vi,
                    options: opts.clone(),
                    expected: expected.clone(),
                    reference: reader,
                });
                if redumpable {
                    out.push(TrialSpec {
                        name: format!("redump/{}/{}{label}", case.id, v.stem()),
                        kind: TrialKind::Redump,
                        case: ci,
                        variant: vi,
                        options: opts,
                        expected: expected.clone(),
                        reference: reader,
                    });
                }
                if dumpable {
                    out.push(TrialSpec {
                        name: format!("dump/{}/{}", case.id, v.stem()),
                        kind: TrialKind::Dump,
                        case: ci,
                        variant: vi,
                        options: LoadSpec::default(),
                        expected,
                        reference: reader,
                    });
                }
            }
        }
    }
    out
}

/// How a trial came out, before expectations are applied.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Matched the reference.
    Pass,
    /// Did not match.
    Fail,
    /// The codec crashed.
    Crash,
    /// The codec hung.
    Timeout,
    /// Not applicable to this codec (it cannot dump this value, …).
    Skip,
    /// An imports trial: every import and call the reference makes was reported, and more
    /// besides (ones CPython never reaches). Milder than a failure, which misses one.
    Extra,
}

/// The evidence of one trial.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// One line: why it failed (or what was skipped).
    pub message: String,
    /// The expected text (canon text or `error KIND`).
    pub expected: String,
    /// What the codec gave, as text.
    pub actual: String,
    /// The unified diff of the two, when they differ.
    pub diff: Option<String>,
    /// The disassembly of the input (load) or the diff of disassemblies (dump).
    pub dis: Option<String>,
    /// The crash was the adapter's failure, not the codec's ([`Outcome::AdapterError`]).
    pub adapter_error: bool,
}

fn outcome_text(o: &Outcome) -> String {
    match o {
        Outcome::Loaded(c) => c.to_text(),
        Outcome::Rejected { kind, .. } => format!("error {kind}\n"),
        Outcome::Crashed(m) => format!("crash {m}\n"),
        Outcome::TimedOut => "timeout\n".into(),
        Outcome::AdapterError(m) => format!("adapter error {m}\n"),
    }
}

/// Runs one trial. Dump trials reload the codec's bytes with `reloader` (the reference:
/// CPython 3.13 where available, else picklejar's codec).
pub fn run(
    corpus: &Corpus,
    codec: &dyn Codec,
    info: &CodecInfo,
    spec: &TrialSpec,
    reloader: &dyn Codec,
) -> (Verdict, Evidence) {
    let case = &corpus.cases[spec.case];
    let v = &case.variants[spec.variant];
    // A codec that does not leave decompression to the runner reports imports on the file
    // as it is: a scanner that cannot read gzip misses what is inside (a bypass), never a
    // pass by the runner's unzipping.
    // A joblib file's pickle is what the runner cuts out of it (`Case::read_variant`), for
    // every codec: no codec is asked to find a joblib file's arrays.
    let whole_file = info.compressed != CompressedInput::Runner && v.container.is_none();
    if spec.kind == TrialKind::Imports && whole_file {
        return match (case.read_variant_file(v), case.read_buffers(v)) {
            (Ok(raw), Ok(buffers)) => {
                let spec_opts = case.load.merged(&spec.options);
                let req = LoadRequest {
                    data: &raw,
                    spec: &spec_opts,
                    buffers: buffers.as_deref(),
                    protocol: v.protocol,
                    real_library: v.real_library(),
                };
                let names = Spelling::of(spec.reference, v.protocol, &spec_opts);
                judge_imports(spec, codec.imports(&req), names)
            }
            (Err(e), _) => unreadable(format!("reading {}: {e}", v.file)),
            (_, Err(e)) => unreadable(format!("reading buffers: {e}")),
        };
    }
    if spec.kind == TrialKind::Load && whole_file {
        return match case.read_variant_file(v) {
            Ok(raw) => match CompressionMethod::detect(&raw) {
                None => run_load(codec, info, spec, &raw, &raw, case, v),
                Some(_) if info.compressed == CompressedInput::Codec => {
                    // the codec is given the compressed bytes (a zip whole); the disassembly
                    // shows the pickle
                    let plain = unpack(&raw).map(|d| d.into_owned()).unwrap_or_default();
                    run_load(codec, info, spec, &raw, &plain, case, v)
                }
                Some(method) => (
                    Verdict::Skip,
                    Evidence {
                        message: format!(
                            "not applicable: the variant is {}-compressed and the codec does not decompress (its manifest says decompresses: false)",
                            method.name()
                        ),
                        ..Evidence::default()
                    },
                ),
            },
            Err(e) => unreadable(format!("reading {}: {e}", v.file)),
        };
    }
    let data = match case.read_variant(v) {
        Ok(d) => d,
        // A compressed variant that does not decompress: the runner decompresses for every
        // codec, so that error is the outcome, judged as a codec's load error would be.
        // Nothing to load: nothing imported.
        Err(VariantError::Decompress(_)) if spec.kind == TrialKind::Imports => {
            return judge_imports(spec, Some(Ok(Vec::new())), Spelling::AsWritten);
        }
        Err(VariantError::Decompress(e)) => {
            let got = Outcome::Rejected {
                kind: e.kind().to_string(),
                message: e.to_string(),
            };
            let (verdict, mut ev) = judge_load(info, spec, &[], &spec.options, got);
            ev.dis = None;
            return (verdict, ev);
        }
        Err(e) => {
            return unreadable(format!("reading {}: {e}", v.file));
        }
    };
    let buffers = match case.read_buffers(v) {
        Ok(b) => b,
        Err(e) => {
            return unreadable(format!("reading buffers: {e}"));
        }
    };
    let spec_opts = case.load.merged(&spec.options);
    // CPython cannot reload what only a data-only reading describes (its globals are
    // modules readers never import): picklejar's loader reloads those dumps, compared
    // with its own reading of the original.
    let reloader: &dyn Codec = if spec.reference.family == Family::DataOnly {
        &crate::adapters::Picklejar
    } else {
        reloader
    };
    match spec.kind {
        TrialKind::Load => {
            let req = LoadRequest {
                data: &data,
                spec: &spec_opts,
                buffers: buffers.as_deref(),
                protocol: v.protocol,
                real_library: v.real_library(),
            };
            let got = codec.load(&req);
            judge_load(info, spec, &data, &spec_opts, got)
        }
        TrialKind::Dump => {
            let ctx = LoadRequest {
                data: &data,
                spec: &spec_opts,
                buffers: buffers.as_deref(),
                protocol: v.written_at.first().copied().unwrap_or(v.protocol),
                real_library: v.real_library(),
            };
            judge_dump(codec, reloader, spec, &ctx)
        }
        TrialKind::Redump => {
            let req = LoadRequest {
                data: &data,
                spec: &spec_opts,
                buffers: buffers.as_deref(),
                protocol: v.protocol,
                real_library: v.real_library(),
            };
            judge_redump(codec, reloader, spec, v, &req)
        }
        TrialKind::Imports => {
            let req = LoadRequest {
                data: &data,
                spec: &spec_opts,
                buffers: buffers.as_deref(),
                protocol: v.protocol,
                real_library: v.real_library(),
            };
            let names = Spelling::of(spec.reference, v.protocol, &spec_opts);
            judge_imports(spec, codec.imports(&req), names)
        }
    }
}

/// A corpus file that could not be read: the trial cannot run (a crash of the run, which
/// `Corpus::verify` names as corpus damage).
fn unreadable(message: String) -> (Verdict, Evidence) {
    (
        Verdict::Crash,
        Evidence {
            message,
            ..Evidence::default()
        },
    )
}

/// How the names of an imports trial's events may be spelled. For a stream of protocol 0–2,
/// CPython 3 looks Python 2 names up after `fix_imports` (`__builtin__.eval` is
/// `builtins.eval`, `copy_reg` is `copyreg`), Python 2 and `fix_imports=False` as written;
/// a codec (a scanner) may report either spelling, and is read in the reference's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// Only as written: protocol 3 and up, where no reader maps names.
    AsWritten,
    /// The reference records names after `fix_imports`; a report as written is mapped.
    Mapped,
    /// The reference records names as written; a report may be their mapped form.
    Unmapped,
}

impl Spelling {
    /// The spelling of the names `reference` records for a stream of `protocol` read with
    /// `spec` ([`emulate::maps_names`]).
    ///
    /// ```
    /// use picklejar_runner::corpus::LoadSpec;
    /// use picklejar_runner::trial::Spelling;
    /// let spec = LoadSpec::default();
    /// assert_eq!(Spelling::of("cpython-3.13".parse()?, 2, &spec), Spelling::Mapped);
    /// assert_eq!(Spelling::of("cpython-2.7".parse()?, 0, &spec), Spelling::Unmapped);
    /// assert_eq!(Spelling::of("cpython-3.13".parse()?, 4, &spec), Spelling::AsWritten);
    /// # Ok::<(), picklejar_runner::ids::IdError>(())
    /// ```
    pub fn of(reference: ImplId, protocol: u8, spec: &LoadSpec) -> Spelling {
        if protocol >= 3 {
            Spelling::AsWritten
        } else if emulate::maps_names(reference, protocol, spec) {
            Spelling::Mapped
        } else {
            Spelling::Unmapped
        }
    }

    /// `got` in the reference's spelling: each event that `want` does not hold as it is,
    /// but holds in its other spelling (the `fix_imports` mapping of CPython's
    /// `_compat_pickle`, [`emulate::fix_import`]), is replaced by that.
    ///
    /// ```
    /// use picklejar_codec::ImportEvent;
    /// use picklejar_runner::trial::Spelling;
    /// let ev = |m: &str, n: &str| ImportEvent::Find { module: m.into(), name: n.into() };
    /// let want = [ev("builtins", "eval")];
    /// let got = Spelling::Mapped.respell(vec![ev("__builtin__", "eval")], &want);
    /// assert_eq!(got, want);
    /// let got = Spelling::Unmapped.respell(vec![ev("builtins", "eval")], &[ev("__builtin__", "eval")]);
    /// assert_eq!(got, [ev("__builtin__", "eval")]);
    /// assert_eq!(Spelling::AsWritten.respell(vec![ev("__builtin__", "eval")], &want), [ev("__builtin__", "eval")]);
    /// ```
    pub fn respell(self, got: Vec<ImportEvent>, want: &[ImportEvent]) -> Vec<ImportEvent> {
        if self == Spelling::AsWritten {
            return got;
        }
        // Unmapped: the mapped form of each wanted event, computed once
        let want_fixed: Vec<(ImportEvent, &ImportEvent)> = if self == Spelling::Unmapped {
            want.iter().filter_map(|w| Some((fixed(w)?, w))).collect()
        } else {
            Vec::new()
        };
        got.into_iter()
            .map(|g| {
                if want.contains(&g) {
                    return g;
                }
                let other = match self {
                    Spelling::Mapped => fixed(&g).filter(|o| want.contains(o)),
                    _ => want_fixed
                        .iter()
                        .find(|(f, _)| *f == g)
                        .map(|(_, w)| (*w).clone()),
                };
                other.unwrap_or(g)
            })
            .collect()
    }
}

/// An event with its names after `fix_imports`; `None` when that changes nothing.
fn fixed(e: &ImportEvent) -> Option<ImportEvent> {
    match e {
        ImportEvent::Find { module, name } => {
            let (module, name) = emulate::fix_import(module, name)?;
            Some(ImportEvent::Find { module, name })
        }
        ImportEvent::Call {
            callee: Some((m, n)),
            via,
        } => Some(ImportEvent::Call {
            callee: Some(emulate::fix_import(m, n)?),
            via: *via,
        }),
        ImportEvent::Call { callee: None, .. } => None,
    }
}

/// An imports trial: the reference's events must all be reported, in order; missing one is
/// a failure (what a scanner would let through), reporting more is [`Verdict::Extra`].
/// Names may be spelled as written or as mapped ([`Spelling`]).
fn judge_imports(
    spec: &TrialSpec,
    got: Option<Result<Vec<ImportEvent>, String>>,
    names: Spelling,
) -> (Verdict, Evidence) {
    let Expected::Imports(want) = &spec.expected else {
        return (Verdict::Skip, Evidence::default());
    };
    let got = match got {
        None => {
            return (
                Verdict::Skip,
                Evidence {
                    message: "the codec does not report imports".into(),
                    ..Evidence::default()
                },
            );
        }
        Some(Err(m)) => {
            return (
                Verdict::Crash,
                Evidence {
                    message: m,
                    ..Evidence::default()
                },
            );
        }
        Some(Ok(g)) => names.respell(g, want),
    };
    // A codec that reports no calls (a scanner: the globals it would flag) is held to the
    // finds, as a set: the calls are CPython's doing, not the pickle's names.
    let finds_only = !got.iter().any(|e| matches!(e, ImportEvent::Call { .. }));
    let (want, got) = if finds_only {
        let finds = |v: &[ImportEvent]| {
            let mut f: Vec<ImportEvent> = v
                .iter()
                .filter(|e| matches!(e, ImportEvent::Find { .. }))
                .cloned()
                .collect();
            f.sort_by_key(ToString::to_string);
            f.dedup();
            f
        };
        (finds(want), finds(&got))
    } else {
        (want.clone(), got)
    };
    let want = &want;
    if &got == want {
        return (Verdict::Pass, Evidence::default());
    }
    let expected = imports_text(want);
    let actual = imports_text(&got);
    let diff = Some(unified(&expected, &actual));
    // `want` as an ordered subsequence of `got` (for finds only: a subset): nothing
    // CPython does was missed.
    let mut it = got.iter();
    let covered = want.iter().all(|w| it.any(|g| g == w));
    let (verdict, message) = if covered {
        (
            Verdict::Extra,
            format!(
                "reports {} import(s) or call(s) {} never makes",
                got.len() - want.len(),
                spec.reference
            ),
        )
    } else {
        let mut it = got.iter();
        let missed = want
            .iter()
            .find(|w| !it.any(|g| g == *w))
            .map(ToString::to_string)
            .unwrap_or_default();
        (
            Verdict::Fail,
            format!("misses what {} does: {missed} (a bypass)", spec.reference),
        )
    };
    (
        verdict,
        Evidence {
            message,
            expected,
            actual,
            diff,
            ..Evidence::default()
        },
    )
}

/// A load trial of a codec given the variant's file as it is (`data`, compressed or not);
/// `plain` is the pickle inside, for the disassembly.
fn run_load(
    codec: &dyn Codec,
    info: &CodecInfo,
    spec: &TrialSpec,
    data: &[u8],
    plain: &[u8],
    case: &crate::corpus::Case,
    v: &crate::corpus::Variant,
) -> (Verdict, Evidence) {
    let buffers = match case.read_buffers(v) {
        Ok(b) => b,
        Err(e) => {
            return unreadable(format!("reading buffers: {e}"));
        }
    };
    let spec_opts = case.load.merged(&spec.options);
    let req = LoadRequest {
        data,
        spec: &spec_opts,
        buffers: buffers.as_deref(),
        protocol: v.protocol,
        real_library: v.real_library(),
    };
    let got = codec.load(&req);
    judge_load(info, spec, plain, &spec_opts, got)
}

/// The producer whose profile a re-dump uses, and whether the bytes must match: a CPython 3
/// C pickler if one wrote the variant (cloudpickle pickles with it too, and so do the
/// library producers `numpy-X.Y`, `pandas-X.Y`, `sklearn-X.Y` on Python 3), else a
/// pure-Python 3 pickler (dill subclasses it; PyPy's pickle is pickle.py), else 2.7's
/// pickle.py, else none (cPickle, the library producers on 2.7, by hand: CPython 3.13's
/// profile, equivalence only). Byte-exactness is required when a
/// C pickler or 2.7's pickle.py wrote it; the pure-Python 3 picklers' batch edges and
/// cPickle's refcount-driven memo are only held to equivalence. A joblib file's pickle
/// (`joblib-X.Y`) is what is left when its arrays are cut out, which no pickler wrote:
/// none, equivalence only.
pub fn redump_target(producers: &[ImplId]) -> (Option<ImplId>, bool) {
    if producers.iter().any(|p| p.family == Family::Joblib) {
        return (None, false);
    }
    let is_c3 = |p: &&ImplId| {
        p.is_c3()
            || (p.family == Family::Cloudpickle || p.library().is_some())
                && p.version.is_some_and(|v| v.major == 3)
    };
    let is_py3 = |p: &&ImplId| {
        matches!(p.family, Family::CPythonPy | Family::Dill | Family::PyPy)
            && p.version.is_some_and(|v| v.major == 3)
    };
    let by_27 = producers.contains(&PY27);
    if let Some(p) = producers.iter().find(is_c3) {
        return (Some(*p), true);
    }
    if let Some(p) = producers.iter().find(is_py3) {
        return (Some(*p), by_27);
    }
    if by_27 {
        return (Some(PY27), true);
    }
    (None, false)
}

/// Python 2.7's `pickle.py`.
const PY27: ImplId = ImplId::cpython(2, 7);

/// The CPython whose pickler a producer's bytes come from: `cpython-3.12-py`,
/// `cloudpickle-3.12`, `dill-3.12` and `numpy-3.12` (and the other library producers)
/// pickle as CPython 3.12 does; `pypy-3.9` and `joblib-3.9` (its `NumpyPickler` is a
/// `pickle._Pickler`) as CPython 3.9's pure-Python pickler.
pub fn producer_profile(producer: ImplId) -> ImplId {
    match producer.family {
        Family::Cloudpickle | Family::Numpy | Family::Pandas | Family::Sklearn => ImplId {
            family: Family::CPython,
            ..producer
        },
        Family::Dill | Family::PyPy | Family::Joblib => ImplId {
            family: Family::CPythonPy,
            ..producer
        },
        _ => producer,
    }
}

/// What the reference reads from the original bytes: the value a dump must reproduce.
/// For CPython 3.13 that is the corpus's expected canon; for another reloader (picklejar's
/// codec when no CPython is here) it is that reader's own reading of the original, so that
/// the comparison measures the dump, not the reader.
fn baseline(reloader: &dyn Codec, original: &LoadRequest<'_>, expected: &Canon) -> Canon {
    match reloader.load(original) {
        Outcome::Loaded(c) => c,
        _ => expected.clone(),
    }
}

fn judge_redump(
    codec: &dyn Codec,
    reloader: &dyn Codec,
    spec: &TrialSpec,
    v: &crate::corpus::Variant,
    req: &LoadRequest<'_>,
) -> (Verdict, Evidence) {
    let Expected::Canon(expected) = &spec.expected else {
        return (
            Verdict::Skip,
            Evidence {
                message: "nothing to re-dump".into(),
                ..Evidence::default()
            },
        );
    };
    let (producer, exact_required) = redump_target(&v.producers);
    let producer = producer.unwrap_or(REFERENCE);
    let profile = producer_profile(producer);
    let protocol = v.written_at.first().copied().unwrap_or(v.protocol);
    let mut ev = Evidence {
        expected: expected.to_text(),
        ..Evidence::default()
    };
    let bytes = match codec.redump(req, protocol, profile) {
        None => {
            ev.message = "the codec cannot re-dump this variant".into();
            return (Verdict::Skip, ev);
        }
        Some(Err(e)) => {
            ev.message = format!("re-dump failed: {e}");
            ev.actual = format!("dump error {e}\n");
            return (Verdict::Fail, ev);
        }
        Some(Ok(b)) => b,
    };
    if bytes == req.data {
        ev.message = format!("byte-exact ({producer}, protocol {protocol})");
        return (Verdict::Pass, ev);
    }
    // Bytes shared by a pure-Python 3 pickler and 2.7's pickle.py: either may be the match.
    if profile != PY27
        && v.producers.contains(&PY27)
        && let Some(Ok(b27)) = codec.redump(req, protocol, PY27)
        && b27 == req.data
    {
        ev.message = format!("byte-exact (cpython-2.7, protocol {protocol})");
        return (Verdict::Pass, ev);
    }
    let reload = LoadRequest {
        data: &bytes,
        spec: req.spec,
        buffers: req.buffers,
        protocol: v.protocol,
        real_library: v.real_library(),
    };
    let d0 = dis(req.data, &LoadOptions::default()).to_string();
    let d1 = dis(&bytes, &LoadOptions::default()).to_string();
    ev.dis = Some(unified(&d0, &d1));
    let want = baseline(reloader, req, expected);
    match reloader.load(&reload) {
        Outcome::Loaded(c) if c == want || &c == expected => {
            ev.actual = c.to_text();
            if exact_required {
                ev.message =
                    format!("equivalent but not byte-exact ({producer}, protocol {protocol})");
                (Verdict::Fail, ev)
            } else {
                ev.message = format!("equivalent ({producer}, protocol {protocol})");
                ev.dis = None;
                (Verdict::Pass, ev)
            }
        }
        Outcome::Loaded(c) => {
            ev.actual = c.to_text();
            ev.message = "its re-dump reloads to a different value".into();
            ev.diff = Some(unified(&ev.expected, &ev.actual));
            (Verdict::Fail, ev)
        }
        other => {
            ev.actual = outcome_text(&other);
            ev.message = "its re-dump does not load".into();
            (Verdict::Fail, ev)
        }
    }
}

fn dis_text(data: &[u8], spec: &LoadSpec) -> String {
    let opts = spec.to_options(None).unwrap_or_default();
    dis(data, &opts).to_string()
}

fn judge_load(
    info: &CodecInfo,
    spec: &TrialSpec,
    data: &[u8],
    opts: &LoadSpec,
    got: Outcome,
) -> (Verdict, Evidence) {
    let expected = spec.expected.text();
    let actual = outcome_text(&got);
    let mut ev = Evidence {
        expected,
        actual,
        ..Evidence::default()
    };
    let verdict = match (&spec.expected, &got) {
        (_, Outcome::Crashed(m)) => {
            ev.message = format!("crashed: {m}");
            Verdict::Crash
        }
        (_, Outcome::AdapterError(m)) => {
            ev.message = format!("adapter error: {m}");
            ev.adapter_error = true;
            Verdict::Crash
        }
        (_, Outcome::TimedOut) => {
            ev.message = "timed out".into();
            Verdict::Timeout
        }
        (Expected::Canon(e), Outcome::Loaded(a)) if info.model.is_exact() => {
            if e == a {
                Verdict::Pass
            } else {
                ev.message = "canon differs from CPython's".into();
                Verdict::Fail
            }
        }
        (Expected::Canon(e), Outcome::Loaded(a)) => {
            let (e, a) = (info.model.relax(e), info.model.relax(a));
            if e == a {
                Verdict::Pass
            } else {
                // the diff shows what differs beyond what the model cannot hold
                ev.expected = e.to_text();
                ev.actual = a.to_text();
                ev.message = format!("canon differs from CPython's (compared as {})", info.model);
                Verdict::Fail
            }
        }
        (Expected::Canon(_), Outcome::Rejected { kind, message }) => {
            ev.message = format!("rejected ({kind}) what CPython loads: {message}");
            Verdict::Fail
        }
        (Expected::Reject(k), Outcome::Loaded(_)) if k.is_resolve_phase() && info.data_only => {
            Verdict::Pass
        }
        (Expected::Reject(k), Outcome::Loaded(_)) => {
            ev.message = format!("loaded what CPython rejects ({k})");
            Verdict::Fail
        }
        (Expected::Reject(k), Outcome::Rejected { kind, message }) => {
            if k.is_resolve_phase() && info.data_only {
                ev.message = format!(
                    "rejected ({kind}) what a data-only codec must load: {message} (CPython only failed to import a global or run class code, which a data-only codec never does)"
                );
                Verdict::Fail
            } else if k.as_str() == kind || !info.error_kinds {
                Verdict::Pass
            } else {
                ev.message = format!("wrong error kind: CPython {k}, codec {kind} ({message})");
                Verdict::Fail
            }
        }
        (Expected::Imports(_), _) => {
            ev.message = "an imports expectation on a load trial".into();
            Verdict::Skip
        }
    };
    if verdict != Verdict::Pass {
        ev.diff = Some(unified(&ev.expected, &ev.actual));
        ev.dis = Some(dis_text(data, opts));
    }
    (verdict, ev)
}

/// `ctx` is the variant: its bytes (for the disassembly diff), load options and buffers
/// (to reload the dump with), and protocol (to dump at).
fn judge_dump(
    codec: &dyn Codec,
    reloader: &dyn Codec,
    spec: &TrialSpec,
    ctx: &LoadRequest<'_>,
) -> (Verdict, Evidence) {
    let (protocol, original) = (ctx.protocol, ctx.data);
    let Expected::Canon(expected) = &spec.expected else {
        return (
            Verdict::Skip,
            Evidence {
                message: "nothing to dump".into(),
                ..Evidence::default()
            },
        );
    };
    let mut ev = Evidence {
        expected: expected.to_text(),
        ..Evidence::default()
    };
    let bytes = match codec.dump(expected, protocol) {
        None => {
            ev.message = "the codec cannot dump this value".into();
            return (Verdict::Skip, ev);
        }
        Some(Err(e)) => {
            ev.message = format!("dump failed: {e}");
            ev.actual = format!("dump error {e}\n");
            return (Verdict::Fail, ev);
        }
        Some(Ok(b)) => b,
    };
    let declared = match bytes.as_slice() {
        [0x80, p, ..] => *p,
        _ => 0,
    };
    let req = LoadRequest {
        data: &bytes,
        spec: ctx.spec,
        buffers: ctx.buffers,
        protocol: declared,
        real_library: ctx.real_library,
    };
    let want = baseline(reloader, ctx, expected);
    let reloaded = match reloader.load(&req) {
        Outcome::Loaded(c) => Ok(c),
        Outcome::Rejected { kind, message } => Err(format!("{kind}: {message}")),
        Outcome::Crashed(m) => Err(format!("the reference crashed: {m}")),
        Outcome::TimedOut => Err("the reference timed out".into()),
        Outcome::AdapterError(m) => Err(format!("the reference's adapter failed: {m}")),
    };
    let verdict = match reloaded {
        Ok(c) => {
            ev.actual = c.to_text();
            if c == want || &c == expected {
                Verdict::Pass
            } else {
                ev.message = "its dump reloads to a different value".into();
                Verdict::Fail
            }
        }
        Err(e) => {
            ev.actual = format!("reload error {e}\n");
            ev.message = format!("its dump does not load: {e}");
            Verdict::Fail
        }
    };
    if verdict != Verdict::Pass {
        ev.diff = Some(unified(&ev.expected, &ev.actual));
        let d0 = dis(original, &LoadOptions::default()).to_string();
        let d1 = dis(&bytes, &LoadOptions::default()).to_string();
        ev.dis = Some(unified(&d0, &d1));
    }
    (verdict, ev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(s: &str) -> ImportEvent {
        let parts: Vec<&str> = s.split(' ').collect();
        ImportEvent::from_strings(&parts).expect("an event")
    }

    fn judged(want: &[&str], got: &[&str]) -> Verdict {
        judged_as(want, got, Spelling::AsWritten)
    }

    fn judged_as(want: &[&str], got: &[&str], names: Spelling) -> Verdict {
        let spec = TrialSpec {
            name: "imports/x/p2".into(),
            kind: TrialKind::Imports,
            case: 0,
            variant: 0,
            options: LoadSpec::default(),
            expected: Expected::Imports(want.iter().map(|s| ev(s)).collect()),
            reference: REFERENCE,
        };
        judge_imports(&spec, Some(Ok(got.iter().map(|s| ev(s)).collect())), names).0
    }

    /// Issue 19: a scanner may report a protocol 0–2 global as the stream spells it or as
    /// CPython 3 looks it up (`fix_imports`); either matches the reference's spelling.
    #[test]
    fn python_2_names_match_in_either_spelling() {
        let judge = judged_as;
        let cpython3 = ["find builtins eval", "call builtins eval reduce"];
        let cpython2 = ["find __builtin__ eval", "call __builtin__ eval reduce"];
        let table: &[(&[&str], &[&str], Spelling, Verdict)] = &[
            // CPython 3 (mapped): as written, as mapped, a scanner's finds, both spellings
            (&cpython3, &cpython2, Spelling::Mapped, Verdict::Pass),
            (&cpython3, &cpython3, Spelling::Mapped, Verdict::Pass),
            (
                &cpython3,
                &["find __builtin__ eval"],
                Spelling::Mapped,
                Verdict::Pass,
            ),
            (
                &cpython3,
                &["find __builtin__ eval", "find builtins eval"],
                Spelling::Mapped,
                Verdict::Pass,
            ),
            (
                &["find copyreg _reconstructor"],
                &["find copy_reg _reconstructor"],
                Spelling::Mapped,
                Verdict::Pass,
            ),
            // a renamed name: xrange is range
            (
                &["find builtins range"],
                &["find __builtin__ xrange"],
                Spelling::Mapped,
                Verdict::Pass,
            ),
            // CPython 2.7 and fix_imports=False (as written): the mapped form is accepted
            (&cpython2, &cpython3, Spelling::Unmapped, Verdict::Pass),
            (
                &cpython2,
                &["find builtins eval"],
                Spelling::Unmapped,
                Verdict::Pass,
            ),
            (&cpython2, &cpython2, Spelling::Unmapped, Verdict::Pass),
            // protocol 3+: no reader maps names, nor does the runner
            (
                &["find __builtin__ eval"],
                &["find builtins eval"],
                Spelling::AsWritten,
                Verdict::Fail,
            ),
            (&cpython3, &cpython2, Spelling::AsWritten, Verdict::Fail),
            // another name is still another name; a report of more is still extra
            (
                &cpython3,
                &["find posix system"],
                Spelling::Mapped,
                Verdict::Fail,
            ),
            (
                &cpython3,
                &["find __builtin__ exec"],
                Spelling::Mapped,
                Verdict::Fail,
            ),
            (
                &cpython3,
                &["find __builtin__ eval", "find os system"],
                Spelling::Mapped,
                Verdict::Extra,
            ),
        ];
        for (want, got, names, verdict) in table {
            assert_eq!(
                judge(want, got, *names),
                *verdict,
                "{want:?} {got:?} {names:?}"
            );
        }
    }

    #[test]
    fn missing_an_import_fails_and_reporting_more_is_extra() {
        let cpython = ["find os system", "call os system reduce"];
        for (got, verdict) in [
            (&cpython[..], Verdict::Pass),
            (&["find os system"][..], Verdict::Pass), // a scanner: finds, as a set
            (&["find os system", "find posix system"][..], Verdict::Extra),
            (&["find posix system"][..], Verdict::Fail),
            (&[][..], Verdict::Fail), // reports nothing: misses the find
            (&["call os system reduce"][..], Verdict::Fail),
            (
                &[
                    "find os system",
                    "call os system reduce",
                    "call os system setstate",
                ][..],
                Verdict::Extra,
            ),
            (
                &["call os system reduce", "find os system"][..],
                Verdict::Fail,
            ), // order
        ] {
            let expect = if got.is_empty() {
                Verdict::Fail
            } else {
                verdict
            };
            assert_eq!(judged(&cpython, got), expect, "{got:?}");
        }
        assert_eq!(judged(&[], &[]), Verdict::Pass);
        assert_eq!(judged(&[], &["find os system"]), Verdict::Extra);
    }
}
