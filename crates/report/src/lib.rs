//! # picklejar-report
//!
//! Self-contained HTML reports (one file each, inline CSS and script, no network, opens
//! from `file://`) rendered with minijinja from picklejar's JSON documents:
//!
//! * [`conformance_html`]: the runner's [`Results`](picklejar_runner::Results) document
//!   (`docs/RESULTS.md`) plus the corpus's cross-version tables →
//!   `reports/conformance/index.html`;
//! * [`junit_xml`] and [`github_annotations`]: the same results as JUnit XML and GitHub
//!   Actions workflow commands, for CI;
//! * [`bench_html`]: the benchmark history (`reports/bench/history.json`) and baseline →
//!   `reports/bench/index.html`;
//! * [`matrix_html`] and [`matrix_markdown`]: the peer matrix (`picklejar matrix`) →
//!   `reports/matrix/index.html` and `peers/SUMMARY.md`.
//!
//! It renders the types of the crates that own the documents — `picklejar-runner` (results,
//! corpus) and `picklejar-bench` (history) — and defines none of its own, but for the matrix
//! summary ([`matrix::Matrix`]), which only `picklejar matrix` writes.
//!
//! ```no_run
//! let results = picklejar_report::read_results(
//!     &std::fs::read_to_string("reports/conformance/results.json")?,
//! )?;
//! let corpus = picklejar_runner::Corpus::open("corpus")?;
//! let html = picklejar_report::conformance_html(&results, Some(&corpus))?;
//! std::fs::write("reports/conformance/index.html", html)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod bench;
mod ci;
mod conformance;
pub mod crossver;
pub mod diffhl;
pub mod matrix;
mod svg;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use bench::bench_html;
pub use ci::{github_annotations, junit_xml};
pub use conformance::{conformance_html, read_results};
pub use matrix::{matrix_html, matrix_markdown};

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The document is not the schema this crate renders.
    #[error("results document has schema {found:?}, expected {expected:?}")]
    Schema {
        /// What this crate reads.
        expected: &'static str,
        /// What the document says.
        found: String,
    },
    /// The document does not match the schema.
    #[error("results document: {0}")]
    Json(#[from] serde_json::Error),
    /// The corpus could not be read.
    #[error(transparent)]
    Corpus(#[from] picklejar_runner::CorpusError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A template failed (a bug in this crate).
    #[error("template: {0:#}")]
    Template(#[from] minijinja::Error),
}

/// Reads `results_json`, renders the conformance page with the corpus at `corpus_root`, and
/// writes it to `out` (creating its directory). The convenience form of
/// [`conformance_html`].
///
/// ```no_run
/// use std::path::Path;
/// picklejar_report::write_conformance_html(
///     Path::new("reports/conformance/results.json"),
///     Path::new("corpus"),
///     Path::new("reports/conformance/index.html"),
/// )?;
/// # Ok::<(), picklejar_report::ReportError>(())
/// ```
pub fn write_conformance_html(
    results_json: &Path,
    corpus_root: &Path,
    out: &Path,
) -> Result<(), ReportError> {
    let text = std::fs::read_to_string(results_json).map_err(|source| ReportError::Io {
        path: results_json.to_owned(),
        source,
    })?;
    let results = read_results(&text)?;
    let corpus = picklejar_runner::Corpus::open(corpus_root)?;
    let html = conformance_html(&results, Some(&corpus))?;
    write_file(out, &html)
}

/// Writes `text` to `path`, creating parent directories.
pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), ReportError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ReportError::Io {
            path: dir.to_owned(),
            source,
        })?;
    }
    std::fs::write(path, text).map_err(|source| ReportError::Io {
        path: path.to_owned(),
        source,
    })
}

const STYLE: &str = include_str!("../templates/style.css");

fn environment() -> Result<minijinja::Environment<'static>, ReportError> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // HTML escaping without minijinja's `/` → `&#x2f;` (names like `classes/getnewargs`
    // stay readable in the source and greppable)
    env.set_formatter(|out, state, value| {
        if *state.auto_escape() == minijinja::AutoEscape::Html
            && !value.is_safe()
            && !value.is_none()
            && !value.is_undefined()
        {
            let text = match value.as_str() {
                Some(s) => diffhl::escape_html(s),
                None => diffhl::escape_html(&value.to_string()),
            };
            return out.write_str(&text).map_err(|_| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed")
            });
        }
        minijinja::escape_formatter(out, state, value)
    });
    env.add_template("macros.html", include_str!("../templates/macros.html"))?;
    env.add_template(
        "conformance.html",
        include_str!("../templates/conformance.html"),
    )?;
    env.add_template("bench.html", include_str!("../templates/bench.html"))?;
    env.add_global(
        "style",
        minijinja::Value::from_safe_string(STYLE.to_owned()),
    );
    env.add_global(
        "conformance_js",
        minijinja::Value::from_safe_string(include_str!("../templates/conformance.js").to_owned()),
    );
    env.add_global(
        "generator",
        format!("picklejar-report {}", env!("CARGO_PKG_VERSION")),
    );
    env.add_filter("fmt", fmt_number);
    Ok(env)
}

/// `{{ x | fmt(2) }}`: a number with that many decimals.
fn fmt_number(v: f64, decimals: Option<usize>) -> String {
    format!("{:.*}", decimals.unwrap_or(0), v)
}

fn render<T: Serialize>(template: &str, ctx: &T) -> Result<String, ReportError> {
    let env = environment()?;
    let tmpl = env.get_template(template)?;
    Ok(tmpl.render(minijinja::Value::from(minijinja::value::Serde(ctx)))?)
}

/// JSON for a `<script type="application/json">` block, marked safe for the template:
/// `<`, `>` and `&` are written as `\u003c`-style escapes so the text can never close the
/// script element.
fn script_json<T: Serialize>(v: &T) -> Result<String, ReportError> {
    let s = serde_json::to_string(v)?;
    Ok(s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}
