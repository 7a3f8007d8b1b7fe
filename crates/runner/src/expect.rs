//! Expectations files and the gate.
//!
//! Each codec has a checked-in YAML file (`expectations/<codec>.yaml`) mapping trial-name
//! globs to `fail`, `crash`, `timeout` or `skip`, each with a reason. The gate then fails a
//! run on:
//!
//! * a failure, crash or timeout no entry lists (a regression), or one an entry lists as
//!   something else (a listed wrong value that now crashes, a listed crash that now loads a
//!   wrong value);
//! * a listed trial that passes (remove the entry);
//! * an entry that matches no trial at all (stale);
//! * a run of zero trials.

use std::path::Path;

use globset::{GlobBuilder, GlobMatcher};
use serde::{Deserialize, Serialize};

use crate::trial::Verdict;

/// What an entry says about the trials it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryStatus {
    /// They give a wrong value, or the wrong error: known.
    Fail,
    /// They crash the codec (a panic, a signal, garbage output): known. A trial listed
    /// `crash` that gives a wrong value instead fails the gate, and so does a trial listed
    /// `fail` that crashes.
    Crash,
    /// They hang until the time limit: known.
    Timeout,
    /// Do not run them (crashes and hangs that take the machine down only).
    Skip,
    /// Imports trials: the codec reports imports or calls CPython never makes (and misses
    /// none): known.
    Extra,
}

impl EntryStatus {
    /// The entry status that lists a verdict: `fail`, `crash` or `timeout`; `None` for a
    /// pass or a skip.
    ///
    /// ```
    /// use picklejar_runner::EntryStatus;
    /// use picklejar_runner::trial::Verdict;
    /// assert_eq!(EntryStatus::for_verdict(Verdict::Crash), Some(EntryStatus::Crash));
    /// assert_eq!(EntryStatus::for_verdict(Verdict::Pass), None);
    /// ```
    pub fn for_verdict(v: Verdict) -> Option<EntryStatus> {
        match v {
            Verdict::Fail => Some(EntryStatus::Fail),
            Verdict::Crash => Some(EntryStatus::Crash),
            Verdict::Timeout => Some(EntryStatus::Timeout),
            Verdict::Extra => Some(EntryStatus::Extra),
            Verdict::Pass | Verdict::Skip => None,
        }
    }

    /// Whether a trial with this verdict is what the entry says.
    ///
    /// ```
    /// use picklejar_runner::EntryStatus;
    /// use picklejar_runner::trial::Verdict;
    /// assert!(EntryStatus::Crash.holds_for(Verdict::Crash));
    /// assert!(!EntryStatus::Fail.holds_for(Verdict::Crash)); // a crash never satisfies `fail`
    /// assert!(!EntryStatus::Crash.holds_for(Verdict::Fail));
    /// ```
    pub fn holds_for(self, v: Verdict) -> bool {
        EntryStatus::for_verdict(v) == Some(self)
    }
}

/// One line of an expectations file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// A glob over trial names; `*` stays within one `/` segment, `**` crosses them.
    pub glob: String,
    /// `fail` or `skip`.
    pub status: EntryStatus,
    /// Why: shown in reports; required.
    pub reason: String,
}

/// An expectations file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectationsFile {
    /// The codec it is for.
    pub codec: String,
    /// The entries, first match wins.
    #[serde(default)]
    pub entries: Vec<Entry>,
}

/// A parsed expectations file, ready to match trial names.
#[derive(Clone, Debug, Default)]
pub struct Expectations {
    /// The file contents.
    pub file: ExpectationsFile,
    matchers: Vec<GlobMatcher>,
}

impl ExpectationsFile {
    /// The file as YAML, under a comment `header` (each line prefixed with `# `): what
    /// `--bless` writes.
    ///
    /// ```
    /// use picklejar_runner::{Entry, EntryStatus, ExpectationsFile};
    ///
    /// let file = ExpectationsFile {
    ///     codec: "mine".into(),
    ///     entries: vec![Entry {
    ///         glob: "load/classes/**".into(),
    ///         status: EntryStatus::Fail,
    ///         reason: "no instances yet".into(),
    ///     }],
    /// };
    /// let text = file.to_yaml("Expected failures of mine.")?;
    /// assert!(text.starts_with("# Expected failures of mine.\ncodec: mine\n"));
    /// assert!(text.contains("glob: load/classes/**"));
    /// # Ok::<(), String>(())
    /// ```
    pub fn to_yaml(&self, header: &str) -> Result<String, String> {
        let mut out: String = header.lines().map(|l| format!("# {l}\n")).collect();
        out.push_str(&serde_yaml::to_string(self).map_err(|e| e.to_string())?);
        Ok(out)
    }
}

/// How a trial ended once expectations are applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Passed, as expected.
    Pass,
    /// Failed, and no entry lists it: a gate failure.
    Fail,
    /// Failed (or crashed), and an entry says so.
    ExpectedFail,
    /// Listed as failing, but passed: a gate failure.
    UnexpectedPass,
    /// Crashed, unlisted: a gate failure.
    Crash,
    /// Timed out, unlisted: a gate failure.
    Timeout,
    /// Not run (listed `skip`) or not applicable.
    Skip,
}

impl Status {
    /// Every status, in display order (how reports list them).
    pub const ALL: [Status; 7] = [
        Status::Pass,
        Status::Fail,
        Status::ExpectedFail,
        Status::UnexpectedPass,
        Status::Crash,
        Status::Timeout,
        Status::Skip,
    ];

    /// The name used in results documents and reports: `pass`, `expected-fail`, ….
    ///
    /// ```
    /// use picklejar_runner::Status;
    /// assert_eq!(Status::ExpectedFail.as_str(), "expected-fail");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::ExpectedFail => "expected-fail",
            Status::UnexpectedPass => "unexpected-pass",
            Status::Crash => "crash",
            Status::Timeout => "timeout",
            Status::Skip => "skip",
        }
    }

    /// How bad a status is, for colouring a group by its worst trial: crash > timeout >
    /// fail > unexpected-pass > expected-fail > skip > pass.
    ///
    /// ```
    /// use picklejar_runner::Status;
    /// assert!(Status::Crash.severity() > Status::Fail.severity());
    /// ```
    pub fn severity(self) -> u8 {
        match self {
            Status::Pass => 0,
            Status::Skip => 1,
            Status::ExpectedFail => 2,
            Status::UnexpectedPass => 3,
            Status::Fail => 4,
            Status::Timeout => 5,
            Status::Crash => 6,
        }
    }

    /// The status of a trial whose raw verdict is `verdict` and whose first matching entry
    /// says `listed` (`None`: no entry). A listed crash, timeout or failure is
    /// `expected-fail` only when the trial did exactly that; anything else it did is judged
    /// as if unlisted, and a listed trial that passes is `unexpected-pass`.
    ///
    /// ```
    /// use picklejar_runner::{EntryStatus, Status};
    /// use picklejar_runner::trial::Verdict;
    /// assert_eq!(Status::judge(Verdict::Crash, Some(EntryStatus::Crash)), Status::ExpectedFail);
    /// assert_eq!(Status::judge(Verdict::Crash, Some(EntryStatus::Fail)), Status::Crash);
    /// assert_eq!(Status::judge(Verdict::Fail, Some(EntryStatus::Crash)), Status::Fail);
    /// assert_eq!(Status::judge(Verdict::Pass, Some(EntryStatus::Fail)), Status::UnexpectedPass);
    /// ```
    pub fn judge(verdict: Verdict, listed: Option<EntryStatus>) -> Status {
        match (verdict, listed) {
            (_, Some(EntryStatus::Skip)) | (Verdict::Skip, _) => Status::Skip,
            (Verdict::Pass, None) => Status::Pass,
            (Verdict::Pass, Some(_)) => Status::UnexpectedPass,
            (v, Some(e)) if e.holds_for(v) => Status::ExpectedFail,
            (Verdict::Fail, _) => Status::Fail,
            (Verdict::Crash, _) => Status::Crash,
            (Verdict::Timeout, _) => Status::Timeout,
            // Reporting more than CPython does is a failure only until it is listed.
            (Verdict::Extra, _) => Status::Fail,
        }
    }

    /// Whether this status fails the gate.
    pub fn fails_gate(self) -> bool {
        matches!(
            self,
            Status::Fail | Status::UnexpectedPass | Status::Crash | Status::Timeout
        )
    }
}

fn matcher(glob: &str) -> Result<GlobMatcher, globset::Error> {
    Ok(GlobBuilder::new(glob)
        .literal_separator(true)
        .build()?
        .compile_matcher())
}

impl Expectations {
    /// Reads a file; a missing file means no entries.
    pub fn load(path: &Path) -> Result<Expectations, String> {
        if !path.exists() {
            return Ok(Expectations::default());
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Expectations::parse(&text, &path.display().to_string())
    }

    /// Parses an expectations file's text; `origin` names it in errors.
    ///
    /// ```
    /// use picklejar_runner::Expectations;
    ///
    /// let text = "codec: x\nentries:\n- glob: load/a/**\n  status: fail\n  reason: why\n";
    /// let e = Expectations::parse(text, "x.yaml")?;
    /// assert_eq!(e.lookup("load/a/p2-1"), Some(0));
    /// assert!(Expectations::parse("codec: [", "bad.yaml").unwrap_err().starts_with("bad.yaml: "));
    /// # Ok::<(), String>(())
    /// ```
    pub fn parse(text: &str, origin: &str) -> Result<Expectations, String> {
        let file: ExpectationsFile =
            serde_yaml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
        Expectations::new(file).map_err(|e| format!("{origin}: {e}"))
    }

    /// Compiles the globs of a file.
    pub fn new(file: ExpectationsFile) -> Result<Expectations, String> {
        let mut matchers = Vec::with_capacity(file.entries.len());
        for e in &file.entries {
            if e.reason.trim().is_empty() {
                return Err(format!("entry {:?} has no reason", e.glob));
            }
            matchers.push(matcher(&e.glob).map_err(|err| format!("bad glob {:?}: {err}", e.glob))?);
        }
        Ok(Expectations { file, matchers })
    }

    /// The index of the first entry matching a trial name.
    pub fn lookup(&self, name: &str) -> Option<usize> {
        self.matchers.iter().position(|m| m.is_match(name))
    }

    /// The entry at an index.
    pub fn entry(&self, i: usize) -> &Entry {
        &self.file.entries[i]
    }

    /// Entries that match none of `names` (stale entries).
    pub fn unused<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Vec<&Entry> {
        let mut used = vec![false; self.matchers.len()];
        for n in names {
            if let Some(i) = self.lookup(n) {
                used[i] = true;
            }
        }
        self.file
            .entries
            .iter()
            .zip(used)
            .filter(|(_, u)| !u)
            .map(|(e, _)| e)
            .collect()
    }
}

/// Writes a fresh file listing `failures` (trial name, verdict, one-line reason); the form
/// [`bless_merge`] gives with no previous file and every planned trial run.
///
/// ```
/// use picklejar_runner::{EntryStatus, bless};
/// use picklejar_runner::trial::Verdict;
///
/// let all: Vec<String> = ["load/c/a/p0", "load/c/a/p1"].map(String::from).to_vec();
/// let fails = vec![
///     ("load/c/a/p0".to_owned(), Verdict::Fail, "canon differs".to_owned()),
///     ("load/c/a/p1".to_owned(), Verdict::Fail, "canon differs".to_owned()),
/// ];
/// let f = bless("mine", &all, &fails);
/// assert_eq!(f.entries.len(), 1);
/// assert_eq!(f.entries[0].glob, "load/**"); // every planned trial fails that way
/// assert_eq!(f.entries[0].status, EntryStatus::Fail);
/// ```
pub fn bless(
    codec: &str,
    all: &[String],
    failures: &[(String, Verdict, String)],
) -> ExpectationsFile {
    let ran: Vec<RanTrial> = all
        .iter()
        .map(|n| {
            let f = failures.iter().find(|f| &f.0 == n);
            RanTrial {
                name: n.clone(),
                verdict: f.map_or(Verdict::Pass, |f| f.1),
                reason: f.map(|f| f.2.clone()).unwrap_or_default(),
            }
        })
        .collect();
    bless_merge(
        &ExpectationsFile {
            codec: codec.to_owned(),
            entries: Vec::new(),
        },
        all,
        &ran,
    )
    .file
}

/// One trial of a run, as [`bless_merge`] sees it: its raw verdict (before expectations)
/// and, for failures, a one-line reason (a failure class, see [`failure_class`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RanTrial {
    /// The trial name.
    pub name: String,
    /// What happened, before expectations.
    pub verdict: Verdict,
    /// Why, for a failure, crash or timeout.
    pub reason: String,
}

/// What [`bless_merge`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlessOutcome {
    /// The new file.
    pub file: ExpectationsFile,
    /// Entries kept as they were (their reasons included).
    pub kept: usize,
    /// Entries removed: stale, or no longer true of the trials that ran.
    pub removed: usize,
    /// Entries added.
    pub added: usize,
}

/// Updates `old` from a run: only trials in `ran` are judged; everything else keeps its
/// expectation.
///
/// * An entry is kept as written (hand-edited reason included) when every trial that ran
///   and that it is the first match for ended as it says (`fail`, `crash`, `timeout`), or
///   when it matches no trial that ran (outside a `--filter`). `skip` entries are kept.
/// * An entry that is no longer true is removed; its failing trials that ran are listed
///   again with what they did now, and the planned trials it matched that did not run keep
///   its status and reason through new entries.
/// * Entries that match none of `planned` (stale) are removed.
/// * Failures nothing lists get entries, grouped by (status, reason) and folded over the
///   trial-name tree: `load/classes/**` when every planned trial below `load/classes`
///   failed that way, `…/case/{p0-a,p2-b}` lists otherwise.
///
/// A crash is blessed as `crash` and a timeout as `timeout`, never as `fail`: the gate
/// tells a codec that now crashes from one that gives a wrong value.
///
/// ```
/// use picklejar_runner::{Entry, EntryStatus, ExpectationsFile, RanTrial, bless_merge};
/// use picklejar_runner::trial::Verdict;
///
/// let old = ExpectationsFile {
///     codec: "mine".into(),
///     entries: vec![Entry {
///         glob: "load/classes/**".into(),
///         status: EntryStatus::Fail,
///         reason: "instances: not yet (hand-written)".into(),
///     }],
/// };
/// let planned: Vec<String> =
///     ["load/classes/a/p0", "load/classes/b/p0", "load/ints/x/p0"].map(String::from).to_vec();
/// // a --filter run of load/ints only: the classes entry is outside it and kept as written
/// let ran = vec![RanTrial {
///     name: "load/ints/x/p0".into(),
///     verdict: Verdict::Crash,
///     reason: "crashed".into(),
/// }];
/// let out = bless_merge(&old, &planned, &ran);
/// assert_eq!(out.file.entries[0], old.entries[0]);
/// assert_eq!(out.file.entries[1].glob, "load/ints/**");
/// assert_eq!(out.file.entries[1].status, EntryStatus::Crash);
/// ```
pub fn bless_merge(old: &ExpectationsFile, planned: &[String], ran: &[RanTrial]) -> BlessOutcome {
    use std::collections::{BTreeMap, BTreeSet};
    let matchers: Vec<Option<GlobMatcher>> =
        old.entries.iter().map(|e| matcher(&e.glob).ok()).collect();
    let first = |name: &str, keep: &[bool]| -> Option<usize> {
        matchers
            .iter()
            .enumerate()
            .position(|(i, m)| keep[i] && m.as_ref().is_some_and(|m| m.is_match(name)))
    };
    let all_on = vec![true; old.entries.len()];
    let ran_by_name: BTreeMap<&str, &RanTrial> = ran.iter().map(|r| (r.name.as_str(), r)).collect();

    // 1. which old entries still hold
    let mut keep = vec![true; old.entries.len()];
    let mut matches_planned = vec![false; old.entries.len()];
    for n in planned {
        if let Some(i) = first(n, &all_on) {
            matches_planned[i] = true;
        }
    }
    for r in ran {
        if let Some(i) = first(&r.name, &all_on) {
            let e = &old.entries[i];
            if e.status != EntryStatus::Skip && !e.status.holds_for(r.verdict) {
                keep[i] = false;
            }
        }
    }
    let mut removed = 0;
    for i in 0..keep.len() {
        if keep[i] && !matches_planned[i] {
            keep[i] = false; // stale
        }
        if !keep[i] {
            removed += 1;
        }
    }

    // 2. what must be listed anew: (status, reason) -> names
    let mut cover: BTreeMap<(EntryStatus, String), BTreeSet<String>> = BTreeMap::new();
    for n in planned {
        let was = first(n, &all_on);
        let now = first(n, &keep);
        if let Some(r) = ran_by_name.get(n.as_str()) {
            let Some(status) = EntryStatus::for_verdict(r.verdict) else {
                continue; // passed or skipped: nothing to list
            };
            if now.is_some_and(|i| old.entries[i].status.holds_for(r.verdict)) {
                continue;
            }
            // a still-true reason survives from the removed entry
            let reason = match was {
                Some(i) if old.entries[i].status == status => old.entries[i].reason.clone(),
                _ => r.reason.clone(),
            };
            cover.entry((status, reason)).or_default().insert(n.clone());
        } else if let Some(i) = was
            && !keep[i]
            && now != Some(i)
            && old.entries[i].status != EntryStatus::Skip
            && matches_planned[i]
        {
            // did not run: keeps what the removed entry said of it
            let e = &old.entries[i];
            cover
                .entry((e.status, e.reason.clone()))
                .or_default()
                .insert(n.clone());
        }
    }

    // 3. fold each group over the name tree
    let planned_set: BTreeSet<&str> = planned.iter().map(String::as_str).collect();
    let mut added_entries = Vec::new();
    for ((status, reason), names) in cover {
        for glob in fold(&names, &planned_set) {
            added_entries.push(Entry {
                glob,
                status,
                reason: reason.clone(),
            });
        }
    }
    let kept: Vec<Entry> = old
        .entries
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(e, _)| e.clone())
        .collect();
    let kept_n = kept.len();
    let added = added_entries.len();
    let mut entries = kept;
    entries.extend(added_entries);
    BlessOutcome {
        file: ExpectationsFile {
            codec: old.codec.clone(),
            entries,
        },
        kept: kept_n,
        removed,
        added,
    }
}

/// Globs covering exactly `names` among `planned`: a directory of the name tree becomes
/// `dir/**` when every planned name below it is in `names`; leaves left over are listed per
/// directory (`dir/leaf` or `dir/{a,b}`).
fn fold(
    names: &std::collections::BTreeSet<String>,
    planned: &std::collections::BTreeSet<&str>,
) -> Vec<String> {
    use std::collections::BTreeMap;
    // every directory prefix of a planned name -> (planned below, selected below)
    let mut count: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for p in planned {
        let sel = names.contains(*p);
        let mut idx = 0;
        while let Some(pos) = p[idx..].find('/') {
            let dir = &p[..idx + pos];
            let c = count.entry(dir.to_owned()).or_default();
            c.0 += 1;
            c.1 += usize::from(sel);
            idx += pos + 1;
        }
    }
    let mut out = Vec::new();
    let mut leaves: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // fully failing directories, by parent: `parent/{a,b}/**`
    let mut dirs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in names {
        // the shortest fully-selected directory above n
        let mut idx = 0;
        let mut folded = None;
        while let Some(pos) = n[idx..].find('/') {
            let dir = &n[..idx + pos];
            if count.get(dir).is_some_and(|(p, s)| p == s) {
                folded = Some(dir.to_owned());
                break;
            }
            idx += pos + 1;
        }
        match folded {
            Some(dir) => {
                let (parent, child) = dir.rsplit_once('/').unwrap_or(("", dir.as_str()));
                let kids = dirs.entry(parent.to_owned()).or_default();
                if !kids.iter().any(|k| k == child) {
                    kids.push(child.to_owned());
                }
            }
            None => {
                let (dir, leaf) = n.rsplit_once('/').unwrap_or(("", n.as_str()));
                leaves
                    .entry(dir.to_owned())
                    .or_default()
                    .push(leaf.to_owned());
            }
        }
    }
    let one_of = |dir: &str, mut items: Vec<String>, suffix: &str| -> String {
        items.sort();
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{}/", escape_glob(dir))
        };
        if items.len() == 1 {
            format!("{prefix}{}{suffix}", escape_glob(&items[0]))
        } else {
            let alts: Vec<String> = items
                .iter()
                .map(|l| escape_glob(l).replace(',', "[,]"))
                .collect();
            format!("{prefix}{{{}}}{suffix}", alts.join(","))
        }
    };
    for (parent, kids) in dirs {
        out.push(one_of(&parent, kids, "/**"));
    }
    for (dir, ls) in leaves {
        out.push(one_of(&dir, ls, ""));
    }
    out
}

/// The failure class a blessed entry gives as its reason: the message's leading clause
/// (what kind of failure, without the codec's own words after it), with numbers folded to
/// `N` so that trials failing the same way share one entry.
///
/// ```
/// use picklejar_runner::failure_class;
/// assert_eq!(
///     failure_class("rejected (bad-memo) what CPython loads: Memo value 12 not found"),
///     "rejected (bad-memo) what CPython loads"
/// );
/// assert_eq!(
///     failure_class("wrong error kind: CPython truncated, codec bad-memo (at byte 7)"),
///     "wrong error kind: CPython truncated, codec bad-memo"
/// );
/// assert_eq!(failure_class("crashed: thread panicked at src/lib.rs:10"), "crashed");
/// ```
pub fn failure_class(message: &str) -> String {
    let first = message.lines().next().unwrap_or("").trim();
    let class = if let Some(rest) = first.strip_prefix("wrong error kind: ") {
        format!(
            "wrong error kind: {}",
            rest.split(" (").next().unwrap_or(rest)
        )
    } else {
        first.split(": ").next().unwrap_or(first).to_owned()
    };
    let mut out = String::new();
    let mut in_num = false;
    for c in class.chars() {
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
    if out.trim().is_empty() {
        "fails".into()
    } else {
        out
    }
}

/// A glob matching exactly this name.
fn escape_glob(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\') {
            s.push('[');
            s.push(c);
            s.push(']');
        } else {
            s.push(c);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp(entries: &[(&str, EntryStatus)]) -> Expectations {
        Expectations::new(ExpectationsFile {
            codec: "x".into(),
            entries: entries
                .iter()
                .map(|(g, s)| Entry {
                    glob: (*g).into(),
                    status: *s,
                    reason: "because".into(),
                })
                .collect(),
        })
        .expect("valid")
    }

    #[test]
    fn star_stays_in_a_segment_and_double_star_crosses() {
        let e = exp(&[
            ("load/classes/*", EntryStatus::Fail),
            ("load/**/p0-*", EntryStatus::Skip),
        ]);
        assert_eq!(e.lookup("load/classes/plain"), Some(0));
        assert_eq!(e.lookup("load/classes/plain/p2-abc"), None);
        assert_eq!(e.lookup("load/strings/py2/p0-abc"), Some(1));
    }

    #[test]
    fn unused_entries_are_reported() {
        let e = exp(&[
            ("load/a/*", EntryStatus::Fail),
            ("load/zzz/*", EntryStatus::Fail),
        ]);
        let unused = e.unused(["load/a/x", "load/b/y"]);
        assert_eq!(unused.len(), 1);
        assert_eq!(unused[0].glob, "load/zzz/*");
    }

    #[test]
    fn entries_need_reasons() {
        let f = ExpectationsFile {
            codec: "x".into(),
            entries: vec![Entry {
                glob: "a".into(),
                status: EntryStatus::Fail,
                reason: " ".into(),
            }],
        };
        assert!(Expectations::new(f).is_err());
    }

    fn ran(name: &str, verdict: Verdict, reason: &str) -> RanTrial {
        RanTrial {
            name: name.into(),
            verdict,
            reason: reason.into(),
        }
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    fn file(entries: &[(&str, EntryStatus, &str)]) -> ExpectationsFile {
        ExpectationsFile {
            codec: "x".into(),
            entries: entries
                .iter()
                .map(|(g, s, r)| Entry {
                    glob: (*g).into(),
                    status: *s,
                    reason: (*r).into(),
                })
                .collect(),
        }
    }

    /// The statuses a run would get under `f`.
    fn judge_all(f: &ExpectationsFile, ran: &[RanTrial]) -> Vec<Status> {
        let e = Expectations::new(f.clone()).expect("valid");
        ran.iter()
            .map(|r| Status::judge(r.verdict, e.lookup(&r.name).map(|i| e.entry(i).status)))
            .collect()
    }

    #[test]
    fn bless_folds_whole_directories_and_lists_the_rest() {
        let planned = names(&["load/c/a/p0", "load/c/a/p1", "load/c/b/p0", "load/c/b/p1"]);
        let run = vec![
            ran("load/c/a/p0", Verdict::Fail, "r"),
            ran("load/c/a/p1", Verdict::Fail, "r"),
            ran("load/c/b/p0", Verdict::Pass, ""),
            ran("load/c/b/p1", Verdict::Fail, "s"),
        ];
        let out = bless_merge(&file(&[]), &planned, &run);
        let globs: Vec<&str> = out.file.entries.iter().map(|e| e.glob.as_str()).collect();
        assert_eq!(globs, ["load/c/a/**", "load/c/b/p1"]);
        assert!(judge_all(&out.file, &run).iter().all(|s| !s.fails_gate()));
        // several cases failing one way share an entry
        let planned = names(&["load/c/a/p0", "load/c/b/p0", "load/c/c/p0"]);
        let run = vec![
            ran("load/c/a/p0", Verdict::Fail, "r"),
            ran("load/c/b/p0", Verdict::Fail, "r"),
            ran("load/c/c/p0", Verdict::Pass, ""),
        ];
        let out = bless_merge(&file(&[]), &planned, &run);
        assert_eq!(out.file.entries.len(), 1);
        assert_eq!(out.file.entries[0].glob, "load/c/{a,b}/**");
        assert!(judge_all(&out.file, &run).iter().all(|s| !s.fails_gate()));
        // several variants failing one way share an entry
        let planned = names(&["load/d/x/p0", "load/d/x/p1", "load/d/x/p2"]);
        let run = vec![
            ran("load/d/x/p0", Verdict::Fail, "r"),
            ran("load/d/x/p1", Verdict::Pass, ""),
            ran("load/d/x/p2", Verdict::Fail, "r"),
        ];
        let out = bless_merge(&file(&[]), &planned, &run);
        assert_eq!(out.file.entries.len(), 1);
        assert_eq!(out.file.entries[0].glob, "load/d/x/{p0,p2}");
        assert!(judge_all(&out.file, &run).iter().all(|s| !s.fails_gate()));
    }

    #[test]
    fn bless_with_a_filter_keeps_everything_outside_it() {
        let old = file(&[
            (
                "load/a/**",
                EntryStatus::Fail,
                "hand-written: a is not supported",
            ),
            ("load/b/x/p0", EntryStatus::Fail, "old reason"),
            ("load/gone/**", EntryStatus::Fail, "stale"),
        ]);
        let planned = names(&["load/a/x/p0", "load/a/y/p0", "load/b/x/p0", "load/c/z/p0"]);
        // a run filtered to load/c: one new failure
        let run = vec![ran(
            "load/c/z/p0",
            Verdict::Fail,
            "canon differs from CPython's",
        )];
        let out = bless_merge(&old, &planned, &run);
        assert_eq!(&out.file.entries[..2], &old.entries[..2], "kept as written");
        assert_eq!(out.file.entries.len(), 3, "stale entry removed, one added");
        assert_eq!(out.file.entries[2].glob, "load/c/**");
        assert_eq!((out.kept, out.removed, out.added), (2, 1, 1));
    }

    #[test]
    fn an_edited_reason_survives_and_a_broken_entry_keeps_what_did_not_run() {
        let old = file(&[("load/a/**", EntryStatus::Fail, "hand-written reason")]);
        let planned = names(&["load/a/x/p0", "load/a/x/p1", "load/a/y/p0"]);
        // x/p0 now passes; x/p1 still fails; y did not run (filtered out)
        let run = vec![
            ran("load/a/x/p0", Verdict::Pass, ""),
            ran("load/a/x/p1", Verdict::Fail, "canon differs from CPython's"),
        ];
        let out = bless_merge(&old, &planned, &run);
        assert!(
            out.file
                .entries
                .iter()
                .all(|e| e.reason == "hand-written reason")
        );
        let e = Expectations::new(out.file.clone()).expect("valid");
        assert!(
            e.lookup("load/a/x/p0").is_none(),
            "the pass is no longer listed"
        );
        assert!(e.lookup("load/a/x/p1").is_some());
        assert!(
            e.lookup("load/a/y/p0").is_some(),
            "what did not run keeps its entry"
        );
    }

    #[test]
    fn a_blessed_crash_fails_the_gate_when_it_becomes_a_wrong_value_and_vice_versa() {
        let planned = names(&["load/a/x/p0", "load/b/x/p0"]);
        let run = vec![
            ran("load/a/x/p0", Verdict::Crash, "crashed"),
            ran("load/b/x/p0", Verdict::Fail, "canon differs from CPython's"),
        ];
        let blessed = bless_merge(&file(&[]), &planned, &run).file;
        let by_glob = |f: &ExpectationsFile| -> Vec<(String, EntryStatus)> {
            let mut v: Vec<(String, EntryStatus)> = f
                .entries
                .iter()
                .map(|e| (e.glob.clone(), e.status))
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            by_glob(&blessed),
            [
                ("load/a/**".to_owned(), EntryStatus::Crash),
                ("load/b/**".to_owned(), EntryStatus::Fail)
            ]
        );
        assert!(judge_all(&blessed, &run).iter().all(|s| !s.fails_gate()));
        // next release: the crash became a wrong value, the wrong value became a crash
        let swapped = vec![
            ran("load/a/x/p0", Verdict::Fail, "canon differs from CPython's"),
            ran("load/b/x/p0", Verdict::Crash, "crashed"),
        ];
        assert_eq!(judge_all(&blessed, &swapped), [Status::Fail, Status::Crash]);
        // and re-blessing records what they do now
        let again = bless_merge(&blessed, &planned, &swapped).file;
        assert_eq!(
            by_glob(&again),
            [
                ("load/a/**".to_owned(), EntryStatus::Fail),
                ("load/b/**".to_owned(), EntryStatus::Crash)
            ]
        );
        assert!(judge_all(&again, &swapped).iter().all(|s| !s.fails_gate()));
    }
}
