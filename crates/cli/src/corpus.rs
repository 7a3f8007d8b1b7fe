//! `picklejar corpus list|info|copy|verify`: the corpus this binary carries, for runners
//! that want files.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use picklejar_runner::Corpus;
use picklejar_runner::corpus::CorpusSource;

use crate::out::Out;

/// `picklejar corpus …`
#[derive(Subcommand, Debug)]
pub enum CorpusCommand {
    /// Print every case: id, variants, whether CPython accepts it, description.
    List(Which),
    /// Which corpus would be used, its id and size, and whether it is the embedded one.
    Info(Which),
    /// Write the embedded corpus (and the Python modules of the CPython reference codecs)
    /// into DIR: DIR/corpus/ and DIR/generators/.
    Copy {
        /// Where to write (created; must be empty or missing).
        dir: PathBuf,
    },
    /// Check every pickle against the size and SHA-256 its case.yaml records.
    Verify(Which),
}

/// Which corpus a corpus command looks at.
#[derive(Args, Debug)]
pub struct Which {
    /// A corpus directory (default: the checkout you are in, else the embedded corpus).
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
}

impl Which {
    fn source(&self) -> Result<CorpusSource> {
        Ok(match &self.corpus {
            Some(d) => CorpusSource::Given(d.clone()),
            None => Corpus::locate().context("unpacking the embedded corpus")?,
        })
    }
}

/// Runs a corpus subcommand.
pub fn run(cmd: CorpusCommand) -> Result<ExitCode> {
    let mut out = Out::stdout();
    match cmd {
        CorpusCommand::List(w) => {
            let source = w.source()?;
            let corpus = open(&source)?;
            for c in &corpus.cases {
                out.line(&format!(
                    "{:<44} {:>3} {:<6} {}",
                    c.id,
                    c.variants.len(),
                    match c.expect {
                        picklejar_runner::corpus::Acceptance::Accept => "accept",
                        picklejar_runner::corpus::Acceptance::Reject => "reject",
                    },
                    c.description
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        CorpusCommand::Info(w) => {
            let source = w.source()?;
            let corpus = open(&source)?;
            let id = corpus.id()?;
            out.line(&format!("id:        {id}"));
            out.line(&format!(
                "location:  {} ({})",
                source.path().display(),
                source.how()
            ));
            out.line(&format!(
                "cases:     {} ({} variants)",
                corpus.cases.len(),
                corpus.cases.iter().map(|c| c.variants.len()).sum::<usize>()
            ));
            out.line(&format!("embedded:  {}", picklejar_corpus::id()));
            out.line(if id == picklejar_corpus::id() {
                "same as the embedded corpus"
            } else {
                "differs from the embedded corpus"
            });
            Ok(ExitCode::SUCCESS)
        }
        CorpusCommand::Copy { dir } => {
            if dir.exists()
                && std::fs::read_dir(&dir)
                    .with_context(|| format!("reading {}", dir.display()))?
                    .next()
                    .is_some()
            {
                bail!(
                    "{} is not empty; give a new or empty directory",
                    dir.display()
                );
            }
            picklejar_corpus::unpack(&dir).with_context(|| format!("writing {}", dir.display()))?;
            out.line(&format!(
                "{}: {} files of {} in {}",
                "copied",
                picklejar_corpus::FILES,
                picklejar_corpus::id(),
                dir.join("corpus").display()
            ));
            Ok(ExitCode::SUCCESS)
        }
        CorpusCommand::Verify(w) => {
            let source = w.source()?;
            let corpus = open(&source)?;
            let damage = corpus.verify();
            for d in &damage {
                out.line(&d.to_string());
            }
            out.line(&format!(
                "{}: {} cases, {} damaged file(s)",
                corpus.id()?,
                corpus.cases.len(),
                damage.len()
            ));
            Ok(if damage.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

fn open(source: &CorpusSource) -> Result<Corpus> {
    Corpus::open(source.path())
        .with_context(|| format!("reading the corpus at {}", source.path().display()))
}
