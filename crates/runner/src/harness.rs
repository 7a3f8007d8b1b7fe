//! The library face: run the whole corpus against a Rust codec from its own `cargo test`.
//!
//! ```no_run
//! // tests/picklejar.rs of your codec crate, with `[[test]] name = "picklejar"
//! // harness = false` in its Cargo.toml:
//! use picklejar_runner::{Codec, CodecInfo, Harness, LoadRequest, Outcome};
//!
//! struct Mine;
//! impl Codec for Mine {
//!     fn info(&self) -> CodecInfo {
//!         CodecInfo { name: "mine".into(), version: "0.1".into(),
//!                     description: "my codec".into(), ..CodecInfo::default() }
//!     }
//!     fn load(&self, req: &LoadRequest<'_>) -> Outcome {
//!         // decode req.data, convert to picklejar_codec::Canon ...
//!         Outcome::Rejected { kind: "unknown-opcode".into(), message: "todo".into() }
//!     }
//! }
//!
//! fn main() {
//!     Harness::new(Mine)
//!         .corpus("../picklejar/corpus")
//!         .expectations("tests/picklejar-expectations.yaml")
//!         .run_libtest();
//! }
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};

use crate::adapters::Picklejar;
use crate::codec::Codec;
use crate::corpus::Corpus;
use crate::expect::{EntryStatus, Expectations, Status};
use crate::trial;

/// Runs the corpus against one codec as libtest trials.
pub struct Harness {
    codec: Arc<dyn Codec>,
    corpus: Option<PathBuf>,
    expectations: Option<PathBuf>,
}

impl Harness {
    /// A harness for `codec`, with the corpus [`Corpus::locate`] finds (the corpus
    /// embedded in `picklejar-corpus` unless `$PICKLEJAR_CORPUS` names one or the tests run
    /// inside a picklejar checkout) and no expectations file.
    pub fn new(codec: impl Codec + 'static) -> Harness {
        Harness {
            codec: Arc::new(codec),
            corpus: None,
            expectations: None,
        }
    }

    /// Uses the corpus at `path`.
    pub fn corpus(mut self, path: impl Into<PathBuf>) -> Harness {
        self.corpus = Some(path.into());
        self
    }

    /// Applies the expectations file at `path`.
    pub fn expectations(mut self, path: impl Into<PathBuf>) -> Harness {
        self.expectations = Some(path.into());
        self
    }

    /// Builds one libtest trial per corpus trial, plus the gate's own checks (stale
    /// expectations, zero trials).
    pub fn trials(&self) -> Result<Vec<Trial>, String> {
        let root = match &self.corpus {
            Some(p) => p.clone(),
            None => Corpus::locate()
                .map_err(|e| format!("unpacking the embedded corpus: {e}"))?
                .path()
                .to_path_buf(),
        };
        let corpus = Arc::new(Corpus::open(&root).map_err(|e| e.to_string())?);
        let damage = corpus.verify();
        if !damage.is_empty() {
            let lines: Vec<String> = damage.iter().take(10).map(ToString::to_string).collect();
            return Err(format!(
                "{} corpus file(s) damaged; no trial ran:\n{}",
                damage.len(),
                lines.join("\n")
            ));
        }
        let exp = match &self.expectations {
            Some(p) => Expectations::load(p)?,
            None => Expectations::default(),
        };
        let info = self.codec.info();
        let plan = trial::plan(&corpus, &info);
        let mut out = Vec::with_capacity(plan.len() + 2);
        let stale: Vec<String> = exp
            .unused(plan.iter().map(|t| t.name.as_str()))
            .iter()
            .map(|e| e.glob.clone())
            .collect();
        out.push(Trial::test("gate/stale-expectations", move || {
            if stale.is_empty() {
                Ok(())
            } else {
                Err(format!("entries that match no trial: {stale:?}").into())
            }
        }));
        let n = plan.len();
        out.push(Trial::test("gate/nonempty", move || {
            if n > 0 {
                Ok(())
            } else {
                Err("the corpus gave no trials".into())
            }
        }));
        let info = Arc::new(info);
        for spec in plan {
            let entry = exp.lookup(&spec.name).map(|i| exp.entry(i).clone());
            let ignored = entry
                .as_ref()
                .is_some_and(|e| e.status == EntryStatus::Skip);
            let (corpus, codec, info) = (
                Arc::clone(&corpus),
                Arc::clone(&self.codec),
                Arc::clone(&info),
            );
            let kind = spec.kind.as_str();
            let name = spec.name.clone();
            out.push(
                Trial::test(name, move || {
                    let (v, ev) = trial::run(&corpus, codec.as_ref(), &info, &spec, &Picklejar);
                    match Status::judge(v, entry.as_ref().map(|e| e.status)) {
                        Status::Pass | Status::Skip | Status::ExpectedFail => Ok(()),
                        Status::UnexpectedPass => Err(Failed::from(format!(
                            "XPASS: passes but the expectations list it ({}); remove the entry",
                            entry.map(|e| e.reason).unwrap_or_default()
                        ))),
                        _ => Err(Failed::from(format!(
                            "{}{}\n{}{}",
                            ev.message,
                            entry
                                .map(|e| format!(" (listed as {:?}: {})", e.status, e.reason))
                                .unwrap_or_default(),
                            ev.diff.unwrap_or_default(),
                            ev.dis
                                .map(|d| format!("\ndisassembly:\n{d}"))
                                .unwrap_or_default()
                        ))),
                    }
                })
                .with_kind(kind)
                .with_ignored_flag(ignored),
            );
        }
        Ok(out)
    }

    /// Runs the trials with libtest's command-line arguments and exits with its status.
    pub fn run_libtest(self) -> ! {
        let args = Arguments::from_args();
        match self.trials() {
            Ok(t) => libtest_mimic::run(&args, t).exit(),
            Err(e) => {
                eprintln!("picklejar harness: {e}");
                std::process::exit(101);
            }
        }
    }
}
