//! The gate in a CI system's own terms: JUnit XML (one `<testcase>` per trial) and GitHub
//! Actions workflow commands (one `::error` line per gate failure).

use std::fmt::Write as _;

use picklejar_runner::Status;
use picklejar_runner::results::{Results, TrialRecord};

/// The results as JUnit XML: a `<testsuite>` per codec, a `<testcase>` per trial
/// (`classname` = `picklejar.<codec>.<category>`, `name` = the trial name, `time` in
/// seconds). Gate failures are `<failure>` (a wrong value, an unexpected pass) or `<error>`
/// (a crash, a timeout) with the message and the diff; skipped trials are `<skipped/>`;
/// known failures pass, with their reason in `<system-out>`.
///
/// ```
/// # let results: picklejar_runner::Results = serde_json::from_str(r#"{"schema": "picklejar-results/1",
/// #   "picklejar_version": "0", "corpus": {"path": "c", "cases": 1, "variants": 1},
/// #   "codecs": [{"codec": {"name": "x", "version": "1", "data_only": true, "dumps": false,
/// #     "description": ""}, "expectations": null, "duration_ms": 0, "counts": {},
/// #     "gate_problems": [], "trials": [{"name": "load/a/b/p0", "kind": "load", "case": "a/b",
/// #     "category": "a", "variant": "p0.pkl", "protocol": 0, "producers": [],
/// #     "reference": "cpython-3.13", "status": "crash", "message": "crashed: <boom> & more",
/// #     "micros": 12}]}], "skipped_codecs": [], "gate_ok": false}"#)?;
/// let xml = picklejar_report::junit_xml(&results);
/// assert!(xml.contains(r#"<testcase classname="picklejar.x.a" name="load/a/b/p0""#));
/// assert!(xml.contains("<error message=\"crashed: &lt;boom&gt; &amp; more\""));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn junit_xml(results: &Results) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let count = |pred: &dyn Fn(&TrialRecord) -> bool| -> usize {
        results
            .codecs
            .iter()
            .flat_map(|c| &c.trials)
            .filter(|t| pred(t))
            .count()
    };
    let failure = |t: &TrialRecord| matches!(t.status, Status::Fail | Status::UnexpectedPass);
    let error = |t: &TrialRecord| matches!(t.status, Status::Crash | Status::Timeout);
    let skipped = |t: &TrialRecord| t.status == Status::Skip;
    let secs = |ms: u64| ms as f64 / 1000.0;
    let _ = writeln!(
        out,
        "<testsuites name=\"picklejar conformance\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        count(&|_| true),
        count(&failure),
        count(&error),
        count(&skipped),
        secs(results.codecs.iter().map(|c| c.duration_ms).sum())
    );
    for c in &results.codecs {
        let n = |pred: &dyn Fn(&TrialRecord) -> bool| c.trials.iter().filter(|t| pred(t)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
            attr(&format!("picklejar.{}", c.codec.name)),
            c.trials.len(),
            n(&failure),
            n(&error),
            n(&skipped),
            secs(c.duration_ms)
        );
        let _ = writeln!(
            out,
            "    <properties><property name=\"codec.version\" value=\"{}\"/><property name=\"corpus\" value=\"{}\"/></properties>",
            attr(&c.codec.version),
            attr(&results.corpus.id)
        );
        for t in &c.trials {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.6}\"",
                attr(&format!("picklejar.{}.{}", c.codec.name, t.category)),
                attr(&t.name),
                t.micros as f64 / 1e6
            );
            let body = [t.diff.as_deref(), t.dis.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n");
            match t.status {
                Status::Pass => out.push_str("/>\n"),
                Status::Skip => {
                    let _ = writeln!(
                        out,
                        "><skipped message=\"{}\"/></testcase>",
                        attr(&t.message)
                    );
                }
                Status::ExpectedFail => {
                    let _ = writeln!(
                        out,
                        "><system-out>{}</system-out></testcase>",
                        text(&format!("known failure: {}", t.message))
                    );
                }
                s => {
                    let tag = if error(t) { "error" } else { "failure" };
                    let _ = writeln!(
                        out,
                        "><{tag} message=\"{}\" type=\"{}\">{}</{tag}></testcase>",
                        attr(&t.message),
                        s.as_str(),
                        text(&body)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// GitHub Actions workflow commands: one `::error` line per gate problem of each codec (at
/// most `limit` per codec, then a `::warning` saying how many more), and a `::notice`
/// summary line per codec.
///
/// ```
/// # let results: picklejar_runner::Results = serde_json::from_str(r#"{"schema": "picklejar-results/1",
/// #   "picklejar_version": "0", "corpus": {"path": "c", "cases": 1, "variants": 1},
/// #   "codecs": [{"codec": {"name": "x", "version": "1", "data_only": true, "dumps": false,
/// #     "description": ""}, "expectations": null, "duration_ms": 0, "counts": {},
/// #     "gate_problems": ["load/a/b/p0: crashed\nsecond line"], "trials": []}],
/// #   "skipped_codecs": [], "gate_ok": false}"#)?;
/// let lines = picklejar_report::github_annotations(&results, 50);
/// assert!(lines.contains("::error title=picklejar x::load/a/b/p0: crashed%0Asecond line\n"));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn github_annotations(results: &Results, limit: usize) -> String {
    let mut out = String::new();
    for c in &results.codecs {
        let title = format!("picklejar {}", c.codec.name);
        for p in c.gate_problems.iter().take(limit) {
            let _ = writeln!(out, "::error title={}::{}", property(&title), data(p));
        }
        if c.gate_problems.len() > limit {
            let _ = writeln!(
                out,
                "::warning title={}::{} more gate problems (see the results JSON)",
                property(&title),
                c.gate_problems.len() - limit
            );
        }
        let _ = writeln!(
            out,
            "::notice title={}::{} trials, gate {}",
            property(&title),
            c.trials.len(),
            if c.gate_problems.is_empty() {
                "ok"
            } else {
                "FAILED"
            }
        );
    }
    out
}

/// Escapes workflow-command data (`%`, CR, LF).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value (data escapes plus `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// XML character data: `&`, `<`, `>` escaped, characters XML 1.0 cannot hold replaced.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// An XML attribute value: [`text`] plus quotes and line ends escaped.
fn attr(s: &str) -> String {
    text(s)
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}
