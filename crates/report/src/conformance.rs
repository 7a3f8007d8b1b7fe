//! The conformance page: `reports/conformance/index.html`.
//!
//! Everything a reader needs at a glance is rendered as static HTML (per-codec counts,
//! codec × category, the case × codec matrix and its pruned form, the gate-breaking
//! failures with their diffs, the cross-version tables). Two JSON blocks carry the rest:
//! the trial table the inline script uses to recompute the matrix under filters, and the
//! details (message, highlighted diff, disassembly) of every non-passing trial, which the
//! script renders only when a row is opened. So a 15,000-trial run opens fast.
//!
//! The page can be linked: the script keeps its filters in the URL's query and the open
//! failure in its fragment, and every failure has an anchor ([`anchor`], mirrored by
//! `anchor` in `conformance.js`). No absolute path of the machine that ran it is printed
//! ([`Paths`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::crossver::{self, CrossVersion};
use crate::diffhl::{is_unified_diff, relabel, text_to_html};
use crate::{ReportError, render, script_json};
use picklejar_runner::results::{Results, SCHEMA, TrialRecord};
use picklejar_runner::{Corpus, ImplId, Status};

/// Most gate-breaking failures rendered statically (the rest are in the lazy list).
const STATIC_FAILURES: usize = 200;

#[derive(Serialize, Clone, Debug)]
struct Seg {
    status: String,
    count: usize,
    pct: f64,
}

/// A cell summarising some trials' statuses.
#[derive(Serialize, Clone, Debug, Default)]
struct CellView {
    segs: Vec<Seg>,
    /// `✓ 14`, `12/14`, or empty when there are no trials.
    text: String,
    /// Counts per status, for the tooltip.
    title: String,
    /// The worst status (cell colour), `na` when there are no trials.
    worst: String,
    /// Whether the cell mixes passes and non-passes.
    mixed: bool,
    total: usize,
}

fn cell(counts: &BTreeMap<String, usize>) -> CellView {
    let total: usize = counts.values().sum();
    if total == 0 {
        return CellView {
            worst: "na".into(),
            title: "no trials".into(),
            ..CellView::default()
        };
    }
    let mut segs = Vec::new();
    for s in ordered_statuses(counts.keys()) {
        let n = counts[&s];
        if n > 0 {
            segs.push(Seg {
                status: s.clone(),
                count: n,
                pct: (n as f64) * 100.0 / (total as f64),
            });
        }
    }
    let worst = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .max_by_key(|(s, _)| severity(s))
        .map(|(s, _)| s.clone())
        .unwrap_or_else(|| "na".into());
    let pass = counts.get("pass").copied().unwrap_or(0);
    let text = if pass == total {
        format!("✓ {total}")
    } else {
        format!("{pass}/{total}")
    };
    let title = segs
        .iter()
        .map(|s| format!("{} {}", s.count, s.status))
        .collect::<Vec<_>>()
        .join(", ");
    CellView {
        mixed: pass > 0 && pass < total,
        segs,
        text,
        title,
        worst,
        total,
    }
}

/// The statuses among `present`, in the runner's display order ([`Status::ALL`]).
fn ordered_statuses<'a>(present: impl Iterator<Item = &'a String>) -> Vec<String> {
    let present: BTreeSet<&str> = present.map(String::as_str).collect();
    Status::ALL
        .iter()
        .map(|s| s.as_str())
        .filter(|s| present.contains(s))
        .map(str::to_owned)
        .collect()
}

/// [`Status::severity`] of a status name (cells are keyed by name for the template).
fn severity(name: &str) -> u8 {
    Status::ALL
        .iter()
        .find(|s| s.as_str() == name)
        .map_or(0, |s| s.severity())
}

#[derive(Serialize)]
struct KindRow {
    kind: String,
    counts: Vec<(String, usize)>,
    cell: CellView,
}

#[derive(Serialize)]
struct CodecView {
    name: String,
    version: String,
    description: String,
    expectations: Option<String>,
    duration_ms: u64,
    data_only: bool,
    dumps: bool,
    gate_ok: bool,
    gate_problems: Vec<String>,
    gate_problems_more: usize,
    trials: usize,
    kinds: Vec<KindRow>,
}

#[derive(Serialize)]
struct CategoryRow {
    name: String,
    cells: Vec<CellView>,
}

#[derive(Serialize)]
struct MatrixRow {
    idx: usize,
    case: String,
    category: String,
    cells: Vec<CellView>,
    sig: String,
}

#[derive(Serialize)]
struct PrunedGroup {
    /// The first case of the group (its row's name).
    rep: String,
    rep_idx: usize,
    count: usize,
    members: Vec<String>,
    cells: Vec<CellView>,
}

#[derive(Serialize)]
struct FailureView {
    /// The element id ([`anchor`]).
    anchor: String,
    codec: String,
    /// The reader the expected outcome comes from (`cpython-3.13`, …).
    reference: String,
    name: String,
    case: String,
    status: String,
    message: String,
    producers: String,
    diff_html: String,
    dis_html: String,
    dis_is_diff: bool,
}

#[derive(Serialize)]
struct StatusView {
    name: String,
    gate: bool,
    total: usize,
}

#[derive(Serialize)]
struct Page {
    schema: String,
    picklejar_version: String,
    /// `picklejar-corpus 0.1.0 sha256:…`, empty when the document does not say.
    corpus_id: String,
    corpus_path: String,
    /// The `--filter` globs of a partial run (empty: every trial ran).
    filters: Vec<String>,
    corpus_cases: usize,
    corpus_variants: usize,
    gate_ok: bool,
    skipped_codecs: Vec<(String, String)>,
    statuses: Vec<StatusView>,
    codec_names: Vec<String>,
    codecs: Vec<CodecView>,
    categories: Vec<CategoryRow>,
    matrix: Vec<MatrixRow>,
    pruned: Vec<PrunedGroup>,
    producers: Vec<String>,
    protocols: Vec<u8>,
    kinds: Vec<String>,
    category_names: Vec<String>,
    gate_failures: Vec<FailureView>,
    gate_failures_total: usize,
    nonpass_total: usize,
    trials_total: usize,
    crossver: Option<CrossVersion>,
    crossver_error: Option<String>,
    data_json: String,
    details_json: String,
}

/// One distinct trial for the script: `[case index, kind index, protocol, producer
/// indices, status index per codec (-1: the codec has no such trial), name]`.
type TrialRow = (usize, u8, u8, Vec<usize>, Vec<i32>, String);

/// The matrix data the script filters: cases, and one row per distinct trial name with its
/// status in each codec.
#[derive(Serialize)]
struct ScriptData<'a> {
    codecs: &'a [String],
    statuses: &'a [String],
    producers: &'a [String],
    /// Trial kinds (`load`, `dump`, …).
    kinds: &'a [String],
    /// `[case id, category]`.
    cases: Vec<(String, String)>,
    /// One row per distinct trial name.
    trials: Vec<TrialRow>,
}

/// Details of non-passing trials, rendered by the script on demand.
#[derive(Serialize)]
struct DetailData {
    /// Deduplicated strings: messages and pre-rendered diff/disassembly HTML.
    strs: Vec<String>,
    /// `[codec index, trial index, status index, message, diff (-1 none), dis (-1 none),
    /// dis is a diff, reference reader]`.
    items: Vec<DetailItem>,
}

type DetailItem = (usize, usize, usize, i64, i64, i64, bool, i64);

#[derive(Default)]
struct Interner {
    strs: Vec<String>,
    index: HashMap<String, usize>,
}

impl Interner {
    fn add(&mut self, s: String) -> i64 {
        if let Some(i) = self.index.get(&s) {
            return *i as i64;
        }
        let i = self.strs.len();
        self.index.insert(s.clone(), i);
        self.strs.push(s);
        i as i64
    }
}

/// Renders the conformance page for a results document (`docs/RESULTS.md`), with the
/// cross-version tables of `corpus` (the corpus the run used; `None` renders the page
/// without them, saying so). Fails only on a template error.
///
/// ```no_run
/// use picklejar_runner::{Corpus, Results};
/// let results: Results =
///     serde_json::from_str(&std::fs::read_to_string("reports/conformance/results.json")?)?;
/// let corpus = Corpus::open("corpus")?;
/// let html = picklejar_report::conformance_html(&results, Some(&corpus))?;
/// std::fs::write("reports/conformance/index.html", html)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn conformance_html(results: &Results, corpus: Option<&Corpus>) -> Result<String, ReportError> {
    let (crossver, crossver_error) = match corpus {
        Some(c) => (Some(crossver::tables(c)), None),
        None => (None, Some("no corpus was given".to_owned())),
    };
    render_doc(results, crossver, crossver_error)
}

/// Reads a results document from JSON text, checking its schema first (so a document of
/// another version is named as such, not reported as a parse error).
///
/// ```
/// let err = picklejar_report::read_results("{\"schema\": \"picklejar-results/0\"}").unwrap_err();
/// assert!(err.to_string().contains("picklejar-results/0"));
/// ```
pub fn read_results(text: &str) -> Result<Results, ReportError> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    let schema = v.get("schema").and_then(|s| s.as_str()).unwrap_or("");
    if schema != SCHEMA {
        return Err(ReportError::Schema {
            expected: SCHEMA,
            found: schema.to_owned(),
        });
    }
    Ok(serde_json::from_value(v)?)
}

fn render_doc(
    doc: &Results,
    mut crossver: Option<CrossVersion>,
    crossver_error: Option<String>,
) -> Result<String, ReportError> {
    let paths = Paths::here();
    if let Some(cv) = crossver.as_mut() {
        cv.root = paths.path(&cv.root);
    }
    let codec_names: Vec<String> = doc.codecs.iter().map(|c| c.codec.name.clone()).collect();

    // statuses present anywhere, in display order
    let all_statuses: Vec<String> = {
        let mut present: BTreeSet<String> =
            Status::ALL.iter().map(|s| s.as_str().to_owned()).collect();
        for c in &doc.codecs {
            for t in &c.trials {
                present.insert(t.status.as_str().to_owned());
            }
        }
        ordered_statuses(present.iter())
    };
    let status_idx: HashMap<&str, usize> = all_statuses
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();

    // cases, categories, producers, protocols, distinct trial names
    let mut cases: BTreeMap<String, String> = BTreeMap::new();
    let mut producers: BTreeSet<ImplId> = BTreeSet::new();
    let mut protocols: BTreeSet<u8> = BTreeSet::new();
    let mut kinds: BTreeSet<String> = BTreeSet::new();
    for c in &doc.codecs {
        for t in &c.trials {
            cases
                .entry(t.case.clone())
                .or_insert_with(|| t.category.clone());
            producers.extend(t.producers.iter().copied());
            protocols.insert(t.protocol);
            kinds.insert(t.kind.as_str().to_owned());
        }
    }
    // load, dump, then any other kind
    let mut kinds: Vec<String> = kinds.into_iter().collect();
    kinds.sort_by_key(|k| (k != "load", k != "dump", k.clone()));
    let kind_idx: HashMap<&str, u8> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i as u8))
        .collect();
    let case_list: Vec<(String, String)> = cases.into_iter().collect();
    let case_idx: HashMap<&str, usize> = case_list
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (c.as_str(), i))
        .collect();
    let mut producers: Vec<ImplId> = producers.into_iter().collect();
    producers.sort_by(ImplId::report_order);
    let producer_idx: HashMap<ImplId, usize> =
        producers.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let producers: Vec<String> = producers.iter().map(ToString::to_string).collect();
    let category_names: Vec<String> = case_list
        .iter()
        .map(|(_, cat)| cat.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    // the trial table: one row per distinct trial name
    let mut trial_rows: Vec<TrialRow> = Vec::new();
    let mut trial_idx: HashMap<&str, usize> = HashMap::new();
    for (ci, c) in doc.codecs.iter().enumerate() {
        for t in &c.trials {
            let ti = *trial_idx.entry(t.name.as_str()).or_insert_with(|| {
                let mut prods: Vec<usize> = t
                    .producers
                    .iter()
                    .filter_map(|p| producer_idx.get(p).copied())
                    .collect();
                prods.sort_unstable();
                trial_rows.push((
                    case_idx[t.case.as_str()],
                    kind_idx[t.kind.as_str()],
                    t.protocol,
                    prods,
                    vec![-1; doc.codecs.len()],
                    t.name.clone(),
                ));
                trial_rows.len() - 1
            });
            trial_rows[ti].4[ci] = status_idx[t.status.as_str()] as i32;
        }
    }
    trial_rows.sort_by(|a, b| (a.0, &a.5).cmp(&(b.0, &b.5)));
    let trial_idx: HashMap<&str, usize> = trial_rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.5.as_str(), i))
        .collect();

    // per codec: by kind; codec x category; case x codec
    let mut codecs = Vec::new();
    let mut by_cat: BTreeMap<&str, Vec<BTreeMap<String, usize>>> = BTreeMap::new();
    let mut by_case: Vec<Vec<BTreeMap<String, usize>>> =
        vec![vec![BTreeMap::new(); doc.codecs.len()]; case_list.len()];
    for (ci, c) in doc.codecs.iter().enumerate() {
        let mut kinds: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
        for t in &c.trials {
            *kinds
                .entry(t.kind.as_str())
                .or_default()
                .entry(t.status.as_str().to_owned())
                .or_default() += 1;
            *by_cat
                .entry(t.category.as_str())
                .or_insert_with(|| vec![BTreeMap::new(); doc.codecs.len()])[ci]
                .entry(t.status.as_str().to_owned())
                .or_default() += 1;
            *by_case[case_idx[t.case.as_str()]][ci]
                .entry(t.status.as_str().to_owned())
                .or_default() += 1;
        }
        let gate_ok = c.gate_problems.is_empty();
        codecs.push(CodecView {
            name: c.codec.name.clone(),
            version: c.codec.version.clone(),
            description: paths.text(&c.codec.description).into_owned(),
            expectations: c.expectations.as_deref().map(|e| paths.path(e)),
            duration_ms: c.duration_ms,
            data_only: c.codec.data_only,
            dumps: c.codec.dumps,
            gate_ok,
            gate_problems: c
                .gate_problems
                .iter()
                .take(20)
                .map(|p| paths.text(p).into_owned())
                .collect(),
            gate_problems_more: c.gate_problems.len().saturating_sub(20),
            trials: c.trials.len(),
            kinds: {
                let mut k: Vec<(&str, BTreeMap<String, usize>)> = kinds.into_iter().collect();
                k.sort_by_key(|(kind, _)| (*kind != "load", *kind));
                k
            }
            .into_iter()
            .map(|(k, counts)| KindRow {
                kind: k.to_owned(),
                counts: all_statuses
                    .iter()
                    .map(|s| (s.clone(), counts.get(s).copied().unwrap_or(0)))
                    .collect(),
                cell: cell(&counts),
            })
            .collect(),
        });
    }
    let categories: Vec<CategoryRow> = by_cat
        .into_iter()
        .map(|(name, cells)| CategoryRow {
            name: name.to_owned(),
            cells: cells.iter().map(cell).collect(),
        })
        .collect();

    let matrix: Vec<MatrixRow> = case_list
        .iter()
        .enumerate()
        .map(|(i, (case, cat))| {
            let cells: Vec<CellView> = by_case[i].iter().map(cell).collect();
            MatrixRow {
                idx: i,
                case: case.clone(),
                category: cat.clone(),
                sig: signature(&by_case[i]),
                cells,
            }
        })
        .collect();

    // pruned: rows with the same set of statuses in every codec fold into one group
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for row in &matrix {
        match group_of.get(row.sig.as_str()) {
            Some(g) => groups[*g].1.push(row.idx),
            None => {
                group_of.insert(row.sig.as_str(), groups.len());
                groups.push((row.sig.clone(), vec![row.idx]));
            }
        }
    }
    let pruned: Vec<PrunedGroup> = groups
        .iter()
        .map(|(_, members)| {
            let mut sums = vec![BTreeMap::<String, usize>::new(); doc.codecs.len()];
            for m in members {
                for (ci, counts) in by_case[*m].iter().enumerate() {
                    for (s, n) in counts {
                        *sums[ci].entry(s.clone()).or_default() += n;
                    }
                }
            }
            PrunedGroup {
                rep: case_list[members[0]].0.clone(),
                rep_idx: members[0],
                count: members.len(),
                members: members
                    .iter()
                    .skip(1)
                    .map(|m| case_list[*m].0.clone())
                    .collect(),
                cells: sums.iter().map(cell).collect(),
            }
        })
        .collect();

    // details of every non-pass; gate-breaking ones also statically
    let mut interner = Interner::default();
    let mut items = Vec::new();
    let mut gate_failures = Vec::new();
    let mut gate_failures_total = 0;
    let mut nonpass: Vec<(usize, &TrialRecord)> = Vec::new();
    for (ci, c) in doc.codecs.iter().enumerate() {
        for t in &c.trials {
            if t.status != Status::Pass {
                nonpass.push((ci, t));
            }
        }
    }
    nonpass.sort_by(|a, b| {
        (b.1.status.severity(), a.0, &a.1.name).cmp(&(a.1.status.severity(), b.0, &b.1.name))
    });
    // rendered diffs, by (expected label, actual label, text)
    let mut cache: DiffCache<'_> = HashMap::new();
    for (ci, t) in &nonpass {
        let codec = codec_names[*ci].as_str();
        let reference = t.reference.to_string();
        let diff = diff_html(
            &mut cache,
            &mut interner,
            &paths,
            &t.diff,
            (
                format!("expected ({reference})"),
                format!("actual ({codec})"),
            ),
        );
        let dis_is_diff = t.dis.as_deref().is_some_and(is_unified_diff);
        let dis = diff_html(
            &mut cache,
            &mut interner,
            &paths,
            &t.dis,
            (
                format!("expected ({})", t.variant),
                format!("actual ({codec}'s dump)"),
            ),
        );
        let message = paths.text(&t.message).into_owned();
        let msg = interner.add(message.clone());
        let reference_idx = interner.add(reference.clone());
        items.push((
            *ci,
            trial_idx[t.name.as_str()],
            status_idx[t.status.as_str()],
            msg,
            diff,
            dis,
            dis_is_diff,
            reference_idx,
        ));
        if t.status.fails_gate() {
            gate_failures_total += 1;
            if gate_failures.len() < STATIC_FAILURES {
                let get = |i: i64| {
                    usize::try_from(i)
                        .ok()
                        .map(|i| interner.strs[i].clone())
                        .unwrap_or_default()
                };
                let mut producers = t.producers.clone();
                producers.sort_by(ImplId::report_order);
                gate_failures.push(FailureView {
                    anchor: anchor(codec, &t.name),
                    codec: codec.to_owned(),
                    reference,
                    name: t.name.clone(),
                    case: t.case.clone(),
                    status: t.status.as_str().to_owned(),
                    message,
                    producers: producers
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    diff_html: get(diff),
                    dis_html: get(dis),
                    dis_is_diff,
                });
            }
        }
    }

    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &doc.codecs {
        for t in &c.trials {
            *totals.entry(t.status.as_str()).or_default() += 1;
        }
    }
    let statuses = all_statuses
        .iter()
        .map(|s| StatusView {
            name: s.clone(),
            gate: Status::ALL
                .iter()
                .any(|x| x.as_str() == s && x.fails_gate()),
            total: totals.get(s.as_str()).copied().unwrap_or(0),
        })
        .collect();

    let data = ScriptData {
        codecs: &codec_names,
        statuses: &all_statuses,
        producers: &producers,
        kinds: &kinds,
        cases: case_list.clone(),
        trials: trial_rows.clone(),
    };
    let details = DetailData {
        strs: interner.strs,
        items,
    };
    let page = Page {
        schema: doc.schema.clone(),
        picklejar_version: doc.picklejar_version.clone(),
        corpus_id: doc.corpus.id.clone(),
        corpus_path: paths.path(&doc.corpus.path),
        filters: doc.filters.clone(),
        corpus_cases: doc.corpus.cases,
        corpus_variants: doc.corpus.variants,
        gate_ok: doc.gate_ok,
        skipped_codecs: doc
            .skipped_codecs
            .iter()
            .map(|s| (s.name.clone(), paths.text(&s.reason).into_owned()))
            .collect(),
        statuses,
        codec_names: codec_names.clone(),
        codecs,
        categories,
        matrix,
        pruned,
        producers: producers.clone(),
        protocols: protocols.into_iter().collect(),
        kinds: kinds.clone(),
        category_names,
        gate_failures,
        gate_failures_total,
        nonpass_total: nonpass.len(),
        trials_total: doc.codecs.iter().map(|c| c.trials.len()).sum(),
        crossver,
        crossver_error,
        data_json: script_json(&data)?,
        details_json: script_json(&details)?,
    };
    render("conformance.html", &page)
}

/// The element id of a failure: `f-<codec>/<trial name>`, each part escaped by
/// [`anchor_part`], so it is a valid id and a URL fragment that needs no percent-encoding.
/// `conformance.js` computes the same ids for the failures it renders.
fn anchor(codec: &str, name: &str) -> String {
    format!(
        "f-{}/{}",
        anchor_part(codec, false),
        anchor_part(name, true)
    )
}

/// ASCII letters, digits and `._-` (and, in a trial name, `/@=,`) kept; every other UTF-8
/// byte written `~XX` (upper-case hex), so distinct inputs give distinct outputs and the
/// codec part never holds the `/` that ends it.
fn anchor_part(s: &str, name: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'.' | b'_' | b'-')
            || (name && matches!(b, b'/' | b'@' | b'=' | b','))
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("~{b:02X}"));
        }
    }
    out
}

/// Keeps the machine's absolute paths off the page: a path below the current directory is
/// shown relative to it, any other absolute path by its file name.
struct Paths {
    /// The current directory, as given and canonical (without a trailing separator).
    roots: Vec<String>,
}

impl Paths {
    fn here() -> Paths {
        let mut roots = Vec::new();
        if let Ok(cwd) = std::env::current_dir() {
            let canonical = cwd.canonicalize().ok();
            for dir in std::iter::once(cwd).chain(canonical) {
                let d = dir.display().to_string();
                let d = d.trim_end_matches(['/', '\\']);
                if !d.is_empty() && !roots.iter().any(|r| r == d) {
                    roots.push(d.to_owned());
                }
            }
        }
        Paths { roots }
    }

    /// A string that is one path: relative when it is below the current directory, its
    /// file name when it is elsewhere, unchanged when it is relative already.
    fn path(&self, p: &str) -> String {
        if !is_absolute(p) {
            return p.to_owned();
        }
        for root in &self.roots {
            if let Some(rest) = p.strip_prefix(root.as_str()) {
                if rest.trim_matches(['/', '\\']).is_empty() {
                    return ".".to_owned();
                }
                if let Some(rel) = rest.strip_prefix(['/', '\\']) {
                    return rel.to_owned();
                }
            }
        }
        let trimmed = p.trim_end_matches(['/', '\\']);
        match trimmed.rsplit(['/', '\\']).next() {
            Some(name) if !name.is_empty() && !name.ends_with(':') => name.to_owned(),
            _ => "…".to_owned(),
        }
    }

    /// Free text (a codec description, a message) with every absolute path in it rewritten
    /// by [`Paths::path`]: `CPython 3.13 C unpickler (/root/.pyenv/versions/3.13.0/bin/python)`
    /// becomes `CPython 3.13 C unpickler (python)`.
    fn text<'a>(&self, t: &'a str) -> Cow<'a, str> {
        let b = t.as_bytes();
        let mut out = String::new();
        let mut last = 0;
        let mut i = 0;
        while i < b.len() {
            let at_boundary = i == 0
                || matches!(
                    b[i - 1],
                    b' ' | b'\t'
                        | b'\n'
                        | b'\r'
                        | b'('
                        | b'['
                        | b'"'
                        | b'\''
                        | b'`'
                        | b'='
                        | b','
                        | b':'
                        | b'<'
                );
            let lead = if !at_boundary {
                0
            } else if b[i] == b'/' && b.get(i + 1).is_some_and(|c| *c != b'/' && path_byte(*c)) {
                1
            } else if b[i].is_ascii_alphabetic()
                && b.get(i + 1) == Some(&b':')
                && matches!(b.get(i + 2), Some(b'\\' | b'/'))
                && b.get(i + 3).is_some_and(|c| path_byte(*c))
            {
                3
            } else {
                0
            };
            if lead == 0 {
                i += 1;
                continue;
            }
            let mut j = i + lead;
            while j < b.len() && path_byte(b[j]) {
                j += 1;
            }
            // a sentence's full stop is not part of the path
            while j > i + lead && b[j - 1] == b'.' {
                j -= 1;
            }
            out.push_str(&t[last..i]);
            out.push_str(&self.path(&t[i..j]));
            last = j;
            i = j;
        }
        if last == 0 {
            return Cow::Borrowed(t);
        }
        out.push_str(&t[last..]);
        Cow::Owned(out)
    }

    /// A diff with [`Paths::text`] applied to its outcome lines (`crash …`, `dump error …`,
    /// `reload error …`: messages, where a traceback's paths can appear); canon lines are
    /// data and stay as they are.
    fn outcome_lines<'a>(&self, diff: &'a str) -> Cow<'a, str> {
        let is_outcome = |line: &str| {
            let body = line.strip_prefix([' ', '-', '+']).unwrap_or(line);
            ["crash ", "dump error ", "reload error "]
                .iter()
                .any(|p| body.starts_with(p))
        };
        if !diff.lines().any(is_outcome) {
            return Cow::Borrowed(diff);
        }
        let mut out = String::with_capacity(diff.len());
        for line in diff.split_inclusive('\n') {
            if is_outcome(line) {
                out.push_str(&self.text(line));
            } else {
                out.push_str(line);
            }
        }
        Cow::Owned(out)
    }
}

fn is_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    Path::new(p).is_absolute()
        || b.first() == Some(&b'/')
        || (b.len() > 2
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

/// Whether a byte can continue a path in free text.
fn path_byte(c: u8) -> bool {
    !c.is_ascii_whitespace()
        && !matches!(
            c,
            b'(' | b')' | b'[' | b']' | b'"' | b'\'' | b'`' | b',' | b';' | b':' | b'<' | b'>'
        )
}

/// Rendered diffs by (expected label, actual label, diff text): interned string indices.
type DiffCache<'d> = HashMap<(String, String, &'d str), i64>;

/// A diff (or disassembly) as interned HTML, its headers relabelled to `labels` and the
/// paths in its outcome lines scrubbed; -1 when there is none.
fn diff_html<'d>(
    cache: &mut DiffCache<'d>,
    interner: &mut Interner,
    paths: &Paths,
    text: &'d Option<String>,
    labels: (String, String),
) -> i64 {
    let Some(t) = text.as_deref().filter(|t| !t.is_empty()) else {
        return -1;
    };
    let key = (labels.0, labels.1, t);
    if let Some(i) = cache.get(&key) {
        return *i;
    }
    let shown = relabel(&paths.outcome_lines(t), &key.0, &key.1);
    let i = interner.add(text_to_html(&shown));
    cache.insert(key, i);
    i
}

/// A row's pruning signature: the set of statuses in each codec's cell.
fn signature(cells: &[BTreeMap<String, usize>]) -> String {
    cells
        .iter()
        .map(|c| {
            c.iter()
                .filter(|(_, n)| **n > 0)
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect::<Vec<_>>()
        .join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_count_and_colour_by_the_worst_status() {
        let mut m = BTreeMap::new();
        m.insert("pass".to_owned(), 3);
        m.insert("expected-fail".to_owned(), 1);
        let c = cell(&m);
        assert_eq!(c.text, "3/4");
        assert_eq!(c.worst, "expected-fail");
        assert!(c.mixed);
        assert_eq!(c.segs[0].status, "pass");
        assert!((c.segs[0].pct - 75.0).abs() < 1e-9);
        m.clear();
        m.insert("pass".to_owned(), 2);
        assert_eq!(cell(&m).text, "✓ 2");
        assert_eq!(cell(&BTreeMap::new()).worst, "na");
    }
}
