//! Unified diffs and disassemblies as HTML, with the changed parts of changed lines
//! emphasised (`similar`'s inline changes).
//!
//! The runner stores diffs as unified-diff text (`---`/`+++`/`@@` and ` `/`-`/`+` lines).
//! Each run of `-` lines followed by `+` lines is diffed again, line by line and word by
//! word, so `int 2` → `int 3` shows `2` and `3` emphasised, not two whole lines.

use std::fmt::Write as _;

use similar::{ChangeTag, InlineChangeOptions, TextDiff};

/// Longest line kept in a rendering; the rest is replaced by a note (a 64 KiB bytes literal
/// in a disassembly would otherwise dominate the page).
pub const MAX_LINE_CHARS: usize = 240;
/// Most lines kept in a rendering.
pub const MAX_LINES: usize = 400;

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One rendered line: its kind and its pieces, each emphasised or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// `' '` context, `'-'` removed, `'+'` added, `'@'` hunk header, `'h'` file header,
    /// `'.'` a note (truncation).
    pub kind: char,
    /// `(emphasised, text)` pieces; text has no trailing newline.
    pub pieces: Vec<(bool, String)>,
}

impl Line {
    fn plain(kind: char, text: &str) -> Line {
        Line {
            kind,
            pieces: vec![(false, text.to_owned())],
        }
    }
}

/// Whether `text` looks like a unified diff (as opposed to a plain disassembly).
pub fn is_unified_diff(text: &str) -> bool {
    text.starts_with("--- ") || text.starts_with("@@ ")
}

/// Renames the two file headers of a unified diff (`--- …` and `+++ …`, its first two
/// lines) to `--- {expected}` and `+++ {actual}`; any other text is returned unchanged.
///
/// The runner writes generic headers (`--- expected (CPython)`, `+++ actual (codec)`); the
/// page names the reference reader and the codec instead.
///
/// ```
/// use picklejar_report::diffhl::relabel;
/// let d = "--- expected (CPython)\n+++ actual (codec)\n@@ -1 +1 @@\n-int 2\n+int 3\n";
/// assert_eq!(
///     relabel(d, "expected (cpython-3.13)", "actual (picklejar)"),
///     "--- expected (cpython-3.13)\n+++ actual (picklejar)\n@@ -1 +1 @@\n-int 2\n+int 3\n"
/// );
/// assert_eq!(relabel("    0: \\x80 PROTO 4\n", "a", "b"), "    0: \\x80 PROTO 4\n");
/// ```
pub fn relabel(text: &str, expected: &str, actual: &str) -> String {
    let mut parts = text.splitn(3, '\n');
    let (Some(old), Some(new)) = (parts.next(), parts.next()) else {
        return text.to_owned();
    };
    if !old.starts_with("--- ") || !new.starts_with("+++ ") {
        return text.to_owned();
    }
    let mut out = format!("--- {expected}\n+++ {actual}");
    if let Some(rest) = parts.next() {
        out.push('\n');
        out.push_str(rest);
    }
    out
}

/// Parses unified-diff text into lines, with inline emphasis inside each run of removed
/// lines followed by added lines.
pub fn unified_lines(diff: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let raw: Vec<&str> = diff.lines().collect();
    let mut i = 0;
    while i < raw.len() {
        let l = raw[i];
        if l.starts_with("--- ") || l.starts_with("+++ ") {
            out.push(Line::plain('h', l));
            i += 1;
        } else if l.starts_with("@@") {
            out.push(Line::plain('@', l));
            i += 1;
        } else if l.starts_with('-') || l.starts_with('+') {
            let start = i;
            while i < raw.len() && raw[i].starts_with('-') && !raw[i].starts_with("--- ") {
                i += 1;
            }
            let mid = i;
            while i < raw.len() && raw[i].starts_with('+') && !raw[i].starts_with("+++ ") {
                i += 1;
            }
            if i == start {
                // a lone "+++"/"---" that is not a header: keep it as context
                out.push(Line::plain(' ', l.get(1..).unwrap_or("")));
                i += 1;
                continue;
            }
            let old: Vec<&str> = raw[start..mid].iter().map(|s| &s[1..]).collect();
            let new: Vec<&str> = raw[mid..i].iter().map(|s| &s[1..]).collect();
            out.extend(change_block(&old, &new));
        } else {
            out.push(Line::plain(' ', l.strip_prefix(' ').unwrap_or(l)));
            i += 1;
        }
    }
    out
}

/// Removed lines `old` then added lines `new`, emphasised where they differ.
fn change_block(old: &[&str], new: &[&str]) -> Vec<Line> {
    if old.is_empty() || new.is_empty() {
        let (kind, lines) = if old.is_empty() {
            ('+', new)
        } else {
            ('-', old)
        };
        return lines.iter().map(|l| Line::plain(kind, l)).collect();
    }
    let a = join_lines(old);
    let b = join_lines(new);
    let diff = TextDiff::from_lines(a.as_str(), b.as_str());
    let mut opts = InlineChangeOptions::new();
    opts.semantic_cleanup(true);
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for op in diff.ops() {
        for change in diff.iter_inline_changes_with_options(op, opts) {
            let pieces: Vec<(bool, String)> = change
                .iter_strings_lossy()
                .map(|(em, s)| (em, s.trim_end_matches('\n').to_owned()))
                .filter(|(_, s)| !s.is_empty())
                .collect();
            let pieces = if pieces.is_empty() {
                vec![(false, String::new())]
            } else {
                pieces
            };
            match change.tag() {
                ChangeTag::Delete => removed.push(Line { kind: '-', pieces }),
                ChangeTag::Insert => added.push(Line { kind: '+', pieces }),
                // an equal line inside a -/+ run (the diff re-aligned it): show both sides
                ChangeTag::Equal => {
                    removed.push(Line {
                        kind: '-',
                        pieces: pieces.clone(),
                    });
                    added.push(Line { kind: '+', pieces });
                }
            }
        }
    }
    removed.extend(added);
    removed
}

fn join_lines(lines: &[&str]) -> String {
    let mut s = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    s
}

/// Plain text (a disassembly) as context lines.
pub fn plain_lines(text: &str) -> Vec<Line> {
    text.lines().map(|l| Line::plain(' ', l)).collect()
}

/// Renders lines as the inner HTML of a `<pre>`: one block `<span class="dl X">` per line,
/// emphasised pieces in `<b>`, long lines and long listings cut with a note.
pub fn lines_to_html(lines: &[Line]) -> String {
    let mut out = String::new();
    for (n, line) in lines.iter().enumerate() {
        if n == MAX_LINES {
            let _ = write!(
                out,
                "<span class=\"dl note\">… {} more lines not shown</span>",
                lines.len() - MAX_LINES
            );
            break;
        }
        let class = match line.kind {
            '-' => "del",
            '+' => "ins",
            '@' => "hunk",
            'h' => "head",
            '.' => "note",
            _ => "ctx",
        };
        let prefix = match line.kind {
            '-' => "-",
            '+' => "+",
            ' ' => " ",
            _ => "",
        };
        let _ = write!(out, "<span class=\"dl {class}\">{prefix}");
        let mut budget = MAX_LINE_CHARS;
        let total: usize = line.pieces.iter().map(|(_, s)| s.chars().count()).sum();
        for (em, text) in &line.pieces {
            if budget == 0 {
                break;
            }
            let take: String = text.chars().take(budget).collect();
            budget -= take.chars().count();
            if *em {
                let _ = write!(out, "<b>{}</b>", escape_html(&take));
            } else {
                out.push_str(&escape_html(&take));
            }
        }
        if total > MAX_LINE_CHARS {
            let _ = write!(
                out,
                "<i class=\"cut\">… +{} chars</i>",
                total - MAX_LINE_CHARS
            );
        }
        out.push_str("</span>");
    }
    out
}

/// A diff or disassembly text as `<pre>` inner HTML: unified diffs get inline emphasis,
/// anything else is shown as is.
pub fn text_to_html(text: &str) -> String {
    if is_unified_diff(text) {
        lines_to_html(&unified_lines(text))
    } else {
        lines_to_html(&plain_lines(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_word_is_emphasised() {
        let d = "--- expected (CPython)\n+++ actual (codec)\n@@ -1,3 +1,3 @@\n list\n   int 1\n-  int 2\n+  int 3\n";
        let lines = unified_lines(d);
        assert_eq!(lines[0].kind, 'h');
        assert_eq!(lines[2].kind, '@');
        let del = lines
            .iter()
            .find(|l| l.kind == '-')
            .expect("a removed line");
        let ins = lines.iter().find(|l| l.kind == '+').expect("an added line");
        assert!(del.pieces.contains(&(true, "2".to_owned())), "{del:?}");
        assert!(ins.pieces.contains(&(true, "3".to_owned())), "{ins:?}");
        assert!(ins.pieces.iter().any(|(em, s)| !em && s.contains("int")));
        let html = lines_to_html(&lines);
        assert!(
            html.contains("<span class=\"dl del\">-  int <b>2</b></span><span class=\"dl ins\">+  int <b>3</b></span>"),
            "{html}"
        );
    }

    #[test]
    fn pure_additions_and_removals_have_no_emphasis() {
        let d = "@@ -1,2 +1,3 @@\n a\n+b\n c\n-d\n";
        let lines = unified_lines(d);
        assert_eq!(lines.iter().map(|l| l.kind).collect::<String>(), "@ + -");
        assert!(lines.iter().all(|l| l.pieces.iter().all(|(em, _)| !em)));
    }

    #[test]
    fn html_is_escaped_and_long_lines_cut() {
        let long = format!("    0: X BINUNICODE '{}<'", "a".repeat(1000));
        let html = text_to_html(&long);
        assert!(html.contains("… +"), "{html}");
        assert!(!html.contains("<'"));
        assert!(text_to_html("x <b> & y").contains("x &lt;b&gt; &amp; y"));
        assert!(!is_unified_diff("    0: \\x80 PROTO 2"));
    }
}
