//! The canon text rendering: one node a line, two spaces of indent a level. This is what
//! the runner diffs.

use std::fmt::Write as _;

use super::{Canon, Pair};
use crate::text::{escape_bytes, hex};

impl Canon {
    /// The text rendering of `docs/CANON.md` section 9: one node a line, two spaces of
    /// indent a level, anchors as `#N`. Deterministic; what the runner diffs.
    ///
    /// ```
    /// use picklejar_codec::{Canon, Text};
    ///
    /// let c = Canon::Dict(vec![(Canon::Str(Text::new("k")), Canon::Bytes(b"\x00a".to_vec()))]);
    /// assert_eq!(c.to_text(), "dict\n  key:\n    str \"k\"\n  value:\n    bytes b\"\\x00a\"\n");
    /// ```
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        render(self, 0, &mut out);
        out
    }
}

fn line(out: &mut String, depth: usize, s: &str) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    out.push_str(s);
    out.push('\n');
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn render(c: &Canon, depth: usize, out: &mut String) {
    super::grow(|| render_inner(c, depth, out));
}

fn render_inner(c: &Canon, depth: usize, out: &mut String) {
    let (anchor, node) = match c {
        Canon::Anchor(a, inner) => (format!(" #{a}"), &**inner),
        other => (String::new(), other),
    };
    let head = |s: &str| format!("{s}{anchor}");
    match node {
        Canon::None => line(out, depth, "none"),
        Canon::Bool(b) => line(out, depth, if *b { "bool True" } else { "bool False" }),
        Canon::Int(s) => line(out, depth, &format!("int {s}")),
        Canon::Float(s) => line(out, depth, &format!("float {s}")),
        Canon::Str(t) => match t.as_str() {
            Some(s) => line(out, depth, &format!("str {}", json_str(s))),
            None => line(out, depth, &format!("str hex:{}", hex(t.as_bytes()))),
        },
        Canon::Bytes(b) => line(out, depth, &format!("bytes b\"{}\"", escape_bytes(b))),
        Canon::ByteArray(b) => line(
            out,
            depth,
            &head(&format!("bytearray b\"{}\"", escape_bytes(b))),
        ),
        Canon::List(v) | Canon::Tuple(v) | Canon::Set(v) | Canon::FrozenSet(v) => {
            line(out, depth, &head(node.tag()));
            for x in v {
                render(x, depth + 1, out);
            }
        }
        Canon::Dict(p) => {
            line(out, depth, &head("dict"));
            pairs(p, depth + 1, out);
        }
        Canon::Global { module, name } => line(out, depth, &format!("global {module} {name}")),
        Canon::Object(o) => {
            line(out, depth, &head("object"));
            member(
                out,
                depth + 1,
                "class",
                std::slice::from_ref(&o.class),
                true,
            );
            member(out, depth + 1, "args", &o.args, false);
            member_pairs(out, depth + 1, "kwargs", &o.kwargs);
            if let Some(s) = &o.state {
                member(out, depth + 1, "state", std::slice::from_ref(s), true);
            }
            member(out, depth + 1, "items", &o.items, false);
            member_pairs(out, depth + 1, "dictitems", &o.dictitems);
            if let Some(s) = &o.setter {
                member(out, depth + 1, "setter", std::slice::from_ref(s), true);
            }
        }
        Canon::Reduce(r) => {
            line(out, depth, &head("reduce"));
            member(
                out,
                depth + 1,
                "callable",
                std::slice::from_ref(&r.callable),
                true,
            );
            member(out, depth + 1, "args", &r.args, true);
            if let Some(s) = &r.state {
                member(out, depth + 1, "state", std::slice::from_ref(s), true);
            }
            member(out, depth + 1, "items", &r.items, false);
            member_pairs(out, depth + 1, "dictitems", &r.dictitems);
            if let Some(s) = &r.setter {
                member(out, depth + 1, "setter", std::slice::from_ref(s), true);
            }
        }
        Canon::PersId(v) => {
            line(out, depth, &head("persid"));
            render(v, depth + 1, out);
        }
        Canon::Buffer {
            index,
            readonly,
            data,
        } => {
            let mut s = format!(
                "buffer {index} {}",
                if *readonly { "readonly" } else { "writable" }
            );
            if let Some(d) = data {
                let _ = write!(s, " b\"{}\"", escape_bytes(d));
            }
            line(out, depth, &s);
        }
        Canon::Ref(a) => line(out, depth, &format!("ref #{a}")),
        Canon::Anchor(_, inner) => render(inner, depth, out),
    }
}

fn member(out: &mut String, depth: usize, name: &str, v: &[Canon], always: bool) {
    if v.is_empty() && !always {
        return;
    }
    line(out, depth, &format!("{name}:"));
    for x in v {
        render(x, depth + 1, out);
    }
}

fn member_pairs(out: &mut String, depth: usize, name: &str, p: &[Pair]) {
    if p.is_empty() {
        return;
    }
    line(out, depth, &format!("{name}:"));
    pairs(p, depth + 1, out);
}

fn pairs(p: &[Pair], depth: usize, out: &mut String) {
    for (k, v) in p {
        line(out, depth, "key:");
        render(k, depth + 1, out);
        line(out, depth, "value:");
        render(v, depth + 1, out);
    }
}
