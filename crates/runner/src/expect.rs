//! Expectations files and the gate.
//!
//! Each codec has a checked-in YAML file (`expectations/<codec>.yaml`) mapping trial-name
//! globs to `fail` or `skip`, each with a reason. The gate then fails a run on:
//!
//! * a failure, crash or timeout no entry lists (a regression);
//! * a trial listed as `fail` that passes (remove the entry);
//! * an entry that matches no trial at all (stale);
//! * a run of zero trials.

use std::path::Path;

use globset::{GlobBuilder, GlobMatcher};
use serde::{Deserialize, Serialize};

/// What an entry says about the trials it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryStatus {
    /// They fail, and that is known.
    Fail,
    /// Do not run them (crashes and hangs only).
    Skip,
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
        let file: ExpectationsFile =
            serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        Expectations::new(file).map_err(|e| format!("{}: {e}", path.display()))
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

/// Writes a file listing `failures` (trial name, one-line reason): one entry per case and
/// reason, `kind/case/*` when every trial of the case fails for that reason, else a
/// `{a,b,…}` list of the failing variants.
pub fn bless(codec: &str, all: &[String], failures: &[(String, String)]) -> ExpectationsFile {
    use std::collections::BTreeMap;
    let split = |name: &str| -> (String, String) {
        match name.rsplit_once('/') {
            Some((case, leaf)) => (case.to_owned(), leaf.to_owned()),
            None => (String::new(), name.to_owned()),
        }
    };
    let mut total: BTreeMap<String, usize> = BTreeMap::new();
    for n in all {
        *total.entry(split(n).0).or_default() += 1;
    }
    // case -> reason -> leaves, in a stable order.
    let mut groups: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (name, reason) in failures {
        let (case, leaf) = split(name);
        groups
            .entry(case)
            .or_default()
            .entry(reason.clone())
            .or_default()
            .push(leaf);
    }
    let mut entries = Vec::new();
    for (case, by_reason) in groups {
        for (reason, mut leaves) in by_reason {
            leaves.sort();
            let glob = if total.get(&case) == Some(&leaves.len()) {
                format!("{case}/*")
            } else if leaves.len() == 1 {
                format!("{case}/{}", escape_glob(&leaves[0]))
            } else {
                let alts: Vec<String> = leaves
                    .iter()
                    .map(|l| escape_glob(l).replace(',', "[,]"))
                    .collect();
                format!("{case}/{{{}}}", alts.join(","))
            };
            entries.push(Entry {
                glob: escape_glob_prefix(&glob, &case),
                status: EntryStatus::Fail,
                reason,
            });
        }
    }
    ExpectationsFile {
        codec: codec.to_owned(),
        entries,
    }
}

/// Escapes the case part of a glob (everything before the last segment).
fn escape_glob_prefix(glob: &str, case: &str) -> String {
    format!("{}{}", escape_glob(case), &glob[case.len()..])
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

    #[test]
    fn bless_folds_whole_cases() {
        let all: Vec<String> = ["load/c/a/p0", "load/c/a/p1", "load/c/b/p0", "load/c/b/p1"]
            .map(String::from)
            .to_vec();
        let fails = vec![
            ("load/c/a/p0".to_owned(), "r".to_owned()),
            ("load/c/a/p1".to_owned(), "r".to_owned()),
            ("load/c/b/p1".to_owned(), "s".to_owned()),
        ];
        let f = bless("x", &all, &fails);
        let globs: Vec<&str> = f.entries.iter().map(|e| e.glob.as_str()).collect();
        assert_eq!(globs, ["load/c/a/*", "load/c/b/p1"]);
        // Several variants failing one way share an entry.
        let all2: Vec<String> = ["load/d/x/p0", "load/d/x/p1", "load/d/x/p2"]
            .map(String::from)
            .to_vec();
        let f2 = bless(
            "x",
            &all2,
            &[
                ("load/d/x/p0".into(), "r".into()),
                ("load/d/x/p2".into(), "r".into()),
            ],
        );
        assert_eq!(f2.entries.len(), 1);
        assert_eq!(f2.entries[0].glob, "load/d/x/{p0,p2}");
        let e2 = Expectations::new(f2).expect("valid");
        assert!(e2.lookup("load/d/x/p0").is_some() && e2.lookup("load/d/x/p2").is_some());
        assert!(e2.lookup("load/d/x/p1").is_none());
        let e = Expectations::new(f).expect("valid");
        for (n, _) in &fails {
            assert!(e.lookup(n).is_some(), "{n}");
        }
        assert_eq!(e.lookup("load/c/b/p0"), None);
    }
}
