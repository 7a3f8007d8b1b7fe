//! The conformance page: `reports/conformance/index.html`.
//!
//! Everything a reader needs at a glance is rendered as static HTML (per-codec counts,
//! codec × category, the case × codec matrix and its pruned form, the gate-breaking
//! failures with their diffs, the cross-version tables). Two JSON blocks carry the rest:
//! the trial table the inline script uses to recompute the matrix under filters, and the
//! details (message, highlighted diff, disassembly) of every non-passing trial, which the
//! script renders only when a row is opened. So a 15,000-trial run opens fast.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::crossver::{self, CrossVersion};
use crate::diffhl::text_to_html;
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
    rep: String,
    rep_idx: usize,
    count: usize,
    members: Vec<String>,
    cells: Vec<CellView>,
}

#[derive(Serialize)]
struct FailureView {
    codec: String,
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
    corpus_path: String,
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
    /// dis is a diff]`.
    items: Vec<(usize, usize, usize, i64, i64, i64, bool)>,
}

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
    crossver: Option<CrossVersion>,
    crossver_error: Option<String>,
) -> Result<String, ReportError> {
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
            description: c.codec.description.clone(),
            expectations: c.expectations.clone(),
            duration_ms: c.duration_ms,
            data_only: c.codec.data_only,
            dumps: c.codec.dumps,
            gate_ok,
            gate_problems: c.gate_problems.iter().take(20).cloned().collect(),
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
    let mut html_cache: HashMap<&'_ str, i64> = HashMap::new();
    fn to_html<'d>(
        cache: &mut HashMap<&'d str, i64>,
        interner: &mut Interner,
        text: &'d Option<String>,
    ) -> i64 {
        match text.as_deref() {
            None | Some("") => -1,
            Some(t) => *cache
                .entry(t)
                .or_insert_with(|| interner.add(text_to_html(t))),
        }
    }
    for (ci, t) in &nonpass {
        let diff = to_html(&mut html_cache, &mut interner, &t.diff);
        let dis = to_html(&mut html_cache, &mut interner, &t.dis);
        let msg = interner.add(t.message.clone());
        items.push((
            *ci,
            trial_idx[t.name.as_str()],
            status_idx[t.status.as_str()],
            msg,
            diff,
            dis,
            t.dis.as_deref().is_some_and(crate::diffhl::is_unified_diff),
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
                gate_failures.push(FailureView {
                    codec: codec_names[*ci].clone(),
                    name: t.name.clone(),
                    case: t.case.clone(),
                    status: t.status.as_str().to_owned(),
                    message: t.message.clone(),
                    producers: t
                        .producers
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    diff_html: get(diff),
                    dis_html: get(dis),
                    dis_is_diff: t.dis.as_deref().is_some_and(crate::diffhl::is_unified_diff),
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
        corpus_path: doc.corpus.path.clone(),
        corpus_cases: doc.corpus.cases,
        corpus_variants: doc.corpus.variants,
        gate_ok: doc.gate_ok,
        skipped_codecs: doc
            .skipped_codecs
            .iter()
            .map(|s| (s.name.clone(), s.reason.clone()))
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
