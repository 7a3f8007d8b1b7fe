//! What the command line shows: a summary of a container's storages, and the listing of
//! its pickle in the file's own offsets.

use std::collections::HashMap;
use std::fmt::Write as _;

use picklejar_codec::{Disassembly, LoadOptions, Node, NodeId, Opcode, Value, dis_cut};

use crate::error::Error;
use crate::graph;
use crate::joblib::to_stream;
use crate::{Container, Detail, Kind, Source, Storage};

/// A Python tuple of sizes: `(2,)`, `(2, 3)`.
fn shape<T: std::fmt::Display>(s: &[T]) -> String {
    match s {
        [one] => format!("({one},)"),
        _ => format!(
            "({})",
            s.iter().map(T::to_string).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

fn bytes(n: usize) -> String {
    plural(n, "byte")
}

/// The line for one storage or array, without the leading `# `.
pub(crate) fn storage_line(c: &Container, s: &Storage) -> String {
    let place = match &s.source {
        Source::Member(m) => format!("member {m}"),
        Source::Offset(o) => match (&c.kind, c.kind.compression()) {
            (Kind::TorchLegacyTar, _) => format!("byte {o} of member storages"),
            (_, Some(z)) => format!("byte {o} of the {z}-decompressed file"),
            _ => format!("byte {o}"),
        },
    };
    match &s.detail {
        Detail::Torch {
            storage_type,
            location,
        } => format!(
            "storage '{}': {}, {}, {} ({storage_type}, {location}, {place})",
            s.key,
            s.dtype,
            plural(usize::try_from(s.numel).unwrap_or(usize::MAX), "element"),
            bytes(s.data.len()),
        ),
        Detail::Array {
            shape: sh,
            order,
            padding,
            subclass,
        } => {
            let pad = if *padding > 0 {
                format!(", after {} of padding", bytes(*padding))
            } else {
                String::new()
            };
            let sub = if subclass == "numpy.ndarray" {
                String::new()
            } else {
                format!("{subclass}, ")
            };
            format!(
                "array {}: {}, shape {}, order {order}, {}, {} ({sub}{place}{pad})",
                s.key,
                s.dtype,
                shape(sh),
                plural(usize::try_from(s.numel).unwrap_or(usize::MAX), "element"),
                bytes(s.data.len()),
            )
        }
        Detail::PickledArray { shape: sh, .. } => format!(
            "array {}: {}, shape {}, {}, of Python objects: pickled separately, a {}-byte pickle ({place})",
            s.key,
            s.dtype,
            shape(sh),
            plural(usize::try_from(s.numel).unwrap_or(usize::MAX), "element"),
            s.data.len(),
        ),
    }
}

/// The tensors a zip or stacked checkpoint rebuilds (`torch._utils._rebuild_tensor_v2`
/// and friends), with the dict key they are stored under when there is one.
fn tensor_lines(c: &Container) -> Vec<String> {
    let g = &c.graph;
    let ids = graph::reachable(g);
    let storage_of: HashMap<NodeId, &str> = c
        .storages
        .iter()
        .flat_map(|s| s.nodes.iter().map(move |&n| (n, s.key.as_str())))
        .collect();
    // Names: the str keys dicts (and OrderedDict reductions) store values under.
    let mut names: HashMap<NodeId, String> = HashMap::new();
    let mut name = |k: Value, v: Value| {
        if let (Some(k), Value::Node(id)) = (graph::text(g, k), v) {
            names.entry(id).or_insert(k);
        }
    };
    for (i, n) in g.nodes().iter().enumerate() {
        if ids.get(i).copied().flatten().is_none() {
            continue;
        }
        match n {
            Node::Dict(p) => p.iter().for_each(|&(k, v)| name(k, v)),
            Node::Reduce(r) => r.dictitems.iter().for_each(|&(k, v)| name(k, v)),
            Node::Object(o) => o.dictitems.iter().for_each(|&(k, v)| name(k, v)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (i, n) in g.nodes().iter().enumerate() {
        let Some(id) = ids.get(i).copied().flatten() else {
            continue;
        };
        let Node::Reduce(r) = n else { continue };
        let Some((m, f)) = graph::global(g, r.callable) else {
            continue;
        };
        if m != "torch._utils" || !f.starts_with("_rebuild_tensor") {
            continue;
        }
        let Some(args) = g.as_tuple(r.args) else {
            continue;
        };
        let key = match args.first() {
            Some(Value::Node(p)) => storage_of.get(p).copied(),
            _ => None,
        };
        let ints = |v: Option<&Value>| -> Option<Vec<i64>> {
            g.as_tuple(*v?)?.iter().map(|&x| graph::int(x)).collect()
        };
        let offset = args.get(1).and_then(|&v| graph::int(v));
        let (Some(size), Some(stride), Some(offset)) =
            (ints(args.get(2)), ints(args.get(3)), offset)
        else {
            continue;
        };
        let dtype = key
            .and_then(|k| c.storage(k))
            .map_or("?", |s| s.dtype.as_str());
        let label = names
            .get(&id)
            .map_or_else(String::new, |n| format!(" {n:?}"));
        out.push(format!(
            "tensor{label}: {dtype}, size {}, stride {}, offset {offset}, storage '{}' ({f})",
            shape(&size),
            shape(&stride),
            key.unwrap_or("?"),
        ));
    }
    out
}

/// [`Container::summary`].
pub(crate) fn summary(c: &Container) -> String {
    let mut out = String::new();
    let total: usize = c.storages.iter().map(|s| s.data.len()).sum();
    let what = match c.kind {
        Kind::Joblib { .. } | Kind::Pickle { .. } => plural(c.storages.len(), "array"),
        _ => plural(c.storages.len(), "storage"),
    };
    let order = c
        .byteorder
        .as_deref()
        .map_or_else(String::new, |b| format!(", byteorder {b}"));
    let _ = writeln!(
        out,
        "# {}: {} (protocol {}){order}, {what}, {}",
        c.kind,
        c.pickle_name,
        c.protocol,
        bytes(total)
    );
    for s in &c.storages {
        let _ = writeln!(out, "# {}", storage_line(c, s));
    }
    for t in &c.tensors {
        let _ = writeln!(
            out,
            "# tensor '{}': {}, size {}, stride {}, offset {}, storage '{}'",
            t.key,
            t.tensor_type,
            shape(&t.size),
            shape(&t.stride),
            t.storage_offset,
            t.storage
        );
    }
    if matches!(c.kind, Kind::TorchZip | Kind::TorchLegacyStacked) {
        for l in tensor_lines(c) {
            let _ = writeln!(out, "# {l}");
        }
    }
    for n in &c.notes {
        let _ = writeln!(out, "# note: {n}");
    }
    out
}

/// A listing whose offsets are moved by `map`, with `after(offset)` lines inserted after
/// the opcode at that (mapped) offset, and the codec's trailer.
fn listing(
    out: &mut String,
    d: &Disassembly,
    map: &dyn Fn(u64) -> u64,
    after: &dyn Fn(usize) -> Vec<String>,
) {
    let mut moved = d.clone();
    for l in &mut moved.lines {
        l.offset = map(l.offset as u64) as usize;
        // `(MARK at N)` names an offset too.
        if let Some(n) = l
            .note
            .as_deref()
            .and_then(|n| n.strip_prefix("(MARK at "))
            .and_then(|n| n.strip_suffix(')'))
            .and_then(|n| n.parse::<u64>().ok())
        {
            l.note = Some(format!("(MARK at {})", map(n)));
        }
    }
    moved.error = None;
    let text = moved.to_string();
    for (l, row) in moved.lines.iter().zip(text.lines()) {
        let _ = writeln!(out, "{row}");
        if l.opcode == Opcode::Build {
            for extra in after(l.offset + 1) {
                let _ = writeln!(out, "{extra}");
            }
        }
    }
    match &d.error {
        Some(e) => {
            let mut err = Error::from(e.clone());
            if let Some(o) = e.offset() {
                err = err.with_offset(map(o));
            }
            let _ = writeln!(out, "error: {err}");
        }
        None => {
            let _ = writeln!(
                out,
                "highest protocol among opcodes = {}",
                d.highest_protocol
            );
        }
    }
}

/// [`Container::dis`].
pub(crate) fn dis(c: &Container, options: &LoadOptions, max_arg: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}", c.kind, c.pickle_name);
    const MAX_MEMBERS: usize = 64;
    for m in c.members.iter().take(MAX_MEMBERS) {
        let _ = writeln!(out, "# member {} ({})", m.name, bytes(m.size as usize));
    }
    if c.members.len() > MAX_MEMBERS {
        let _ = writeln!(out, "# … {} more members", c.members.len() - MAX_MEMBERS);
    }
    for (name, at, bytes) in &c.layout.preamble {
        let _ = writeln!(out, "# {name}, at byte {at}:");
        let d = dis_cut(bytes, options, max_arg);
        let base = *at as u64;
        listing(&mut out, &d, &|o| o + base, &|_| Vec::new());
    }
    if !c.layout.preamble.is_empty() {
        let _ = writeln!(out, "# {}:", c.pickle_name);
    } else if matches!(c.kind, Kind::TorchZip | Kind::TorchLegacyTar) {
        let _ = writeln!(out, "# offsets below are in {}", c.pickle_name);
    } else if let Some(z) = c.kind.compression() {
        let _ = writeln!(out, "# offsets below are in the {z}-decompressed file");
    }
    let d = dis_cut(&c.pickle, options, max_arg);
    let base = c.layout.base as u64;
    let cuts = &c.layout.cuts;
    let map = |o: u64| to_stream(cuts, o) + base;
    let after = |end: usize| -> Vec<String> {
        cuts.iter()
            .filter(|&&(at, _, _)| at == end)
            .filter_map(|&(at, len, k)| {
                let s = c.storages.get(k)?;
                Some(format!(
                    "# {} — bytes {at}..{} are not pickle opcodes",
                    storage_line(c, s),
                    at + len
                ))
            })
            .collect()
    };
    listing(&mut out, &d, &map, &after);
    if matches!(
        c.kind,
        Kind::TorchZip | Kind::TorchLegacyStacked | Kind::TorchLegacyTar
    ) {
        for s in &c.storages {
            let _ = writeln!(out, "# {}", storage_line(c, s));
        }
    }
    for n in &c.notes {
        let _ = writeln!(out, "# note: {n}");
    }
    out
}
