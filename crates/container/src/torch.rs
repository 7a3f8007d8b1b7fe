//! PyTorch checkpoints: what their persistent ids say, the legacy stacked-pickles format
//! and the legacy tar format (the zip format is in `zipfile.rs`).
//!
//! Formats as torch 2.15's `torch/serialization.py` reads them (`_load`, `_legacy_load`
//! and its `legacy_load`) and writes them (`_save`, `_legacy_save`):
//!
//! * persistent ids are `('storage', storage_type, key, location, numel)` tuples (a sixth
//!   item, view metadata, in the legacy stacked format); `numel` counts elements of
//!   `storage_type`'s dtype;
//! * legacy stacked: pickles of the magic number `0x1950a86a20f9469cfc6c`, the protocol
//!   version 1001, a `sys_info` dict, the object, the sorted storage keys; then for each
//!   key an int64 little-endian element count and the storage's bytes (little-endian);
//! * legacy tar: members `sys_info`, `pickle` (persistent ids are tensor or storage keys
//!   as strings), `tensors` (a count, then per tensor a `(key, storage_key, tensor_type)`
//!   pickle, ndim as int32, 4 bytes, then int64 sizes, strides and storage offset) and
//!   `storages` (a count, then per storage a `(key, location, storage_type)` pickle, an
//!   int64 element count and the bytes; then a pickled list of storage views).

use picklejar_codec::{ErrorKind, Graph, LoadOptions, Loaded, Loader, Node, NodeId, Value};

use crate::budget::Budget;
use crate::error::{Error, Result};
use crate::graph;
use crate::{Container, Detail, Kind, Layout, LegacyTensor, Member, Source, Storage};

/// `torch.serialization.MAGIC_NUMBER`, in decimal (as the canon spells ints).
const MAGIC: &str = "119547037146038801333356";
/// `torch.serialization.PROTOCOL_VERSION`.
const PROTOCOL_VERSION: i64 = 1001;

/// The storage classes persistent ids name: class, dtype, bytes per element
/// (`torch/storage.py` `_dtype_to_storage_type_map`, and `UntypedStorage`).
const STORAGE_TYPES: &[(&str, &str, usize)] = &[
    ("DoubleStorage", "float64", 8),
    ("FloatStorage", "float32", 4),
    ("HalfStorage", "float16", 2),
    ("LongStorage", "int64", 8),
    ("IntStorage", "int32", 4),
    ("ShortStorage", "int16", 2),
    ("CharStorage", "int8", 1),
    ("ByteStorage", "uint8", 1),
    ("BoolStorage", "bool", 1),
    ("BFloat16Storage", "bfloat16", 2),
    ("ComplexDoubleStorage", "complex128", 16),
    ("ComplexFloatStorage", "complex64", 8),
    ("QInt8Storage", "qint8", 1),
    ("QInt32Storage", "qint32", 4),
    ("QUInt8Storage", "quint8", 1),
    ("QUInt4x2Storage", "quint4x2", 1),
    ("QUInt2x4Storage", "quint2x4", 1),
    ("UntypedStorage", "uint8", 1),
];

/// The dtype and element size of a storage class (`torch.FloatStorage`, or the
/// `torch.cuda.` classes of old checkpoints).
pub(crate) fn storage_type(module: &str, name: &str) -> Option<(&'static str, usize)> {
    if module != "torch" && module != "torch.cuda" {
        return None;
    }
    STORAGE_TYPES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(_, d, s)| (d, s))
}

/// What a `('storage', …)` persistent id says.
#[derive(Clone, Debug)]
pub(crate) struct StorageRef {
    pub(crate) key: String,
    pub(crate) storage_type: String,
    pub(crate) dtype: Option<(&'static str, usize)>,
    pub(crate) location: String,
    pub(crate) numel: u64,
    pub(crate) nodes: Vec<NodeId>,
}

/// The storages a graph's persistent ids name, by key, in the order first named.
pub(crate) fn storage_refs(g: &Graph, pids: &[(NodeId, Value)]) -> (Vec<StorageRef>, usize) {
    let ids = graph::reachable(g);
    let mut out: Vec<StorageRef> = Vec::new();
    let mut other = 0;
    for &(node, pid) in pids {
        let Some(items) = g.as_tuple(pid) else {
            other += 1;
            continue;
        };
        let parsed = (|| {
            if graph::text(g, *items.first()?)? != "storage" {
                return None;
            }
            let (m, n) = graph::global(g, *items.get(1)?)?;
            let key = graph::text(g, *items.get(2)?)
                .or_else(|| graph::int(*items.get(2)?).map(|i| i.to_string()))?;
            let location = graph::text(g, *items.get(3)?).unwrap_or_default();
            let numel = u64::try_from(graph::int(*items.get(4)?)?).ok()?;
            Some((
                key,
                format!("{m}.{n}"),
                storage_type(&m, &n),
                location,
                numel,
            ))
        })();
        let Some((key, st, dtype, location, numel)) = parsed else {
            other += 1;
            continue;
        };
        let reachable = ids.get(node.index()).copied().flatten();
        match out.iter_mut().find(|r| r.key == key) {
            Some(r) => r.nodes.extend(reachable),
            None => out.push(StorageRef {
                key,
                storage_type: st,
                dtype,
                location,
                numel,
                nodes: reachable.into_iter().collect(),
            }),
        }
    }
    (out, other)
}

/// Loads a pickle whose persistent ids stay `persid` nodes, recording each one (its node
/// and the id) in the order the loader met them.
pub(crate) fn load_recording(
    data: &[u8],
    options: &LoadOptions,
    budget: &mut Budget,
    base: usize,
    what: &str,
) -> Result<(Loaded, Vec<(NodeId, Value)>)> {
    let mut opts = options.clone();
    opts.limits = opts.limits.with_max_alloc(budget.left());
    let mut pids = Vec::new();
    let loaded = Loader::with_options(opts)
        .persistent_load(|g, pid| {
            let v = g.value(Node::PersId(pid));
            if let Value::Node(id) = v {
                pids.push((id, pid));
            }
            Ok(v)
        })
        .load(data)
        .map_err(|e| Error::from_codec_at(e, base, what))?;
    budget.charge(loaded.allocated + pids.len() * 32, || {
        if what.is_empty() {
            "the pickle".to_owned()
        } else {
            what.to_owned()
        }
    })?;
    Ok((loaded, pids))
}

/// Loads a small pickle (a header) within the budget.
fn load_small(
    data: &[u8],
    options: &LoadOptions,
    budget: &mut Budget,
    base: usize,
    what: &str,
) -> Result<Loaded> {
    load_recording(data, options, budget, base, what).map(|(l, _)| l)
}

/// Whether `data` starts with the pickle of torch's magic number (the legacy stacked
/// format).
pub(crate) fn is_legacy_stacked(data: &[u8]) -> bool {
    // The magic number's pickle is at most a few dozen bytes in any protocol.
    let head = data.get(..64).unwrap_or(data);
    let opts = LoadOptions {
        limits: picklejar_codec::Limits::DEFAULT.with_max_alloc(1 << 16),
        ..LoadOptions::default()
    };
    match Loader::with_options(opts).load(head) {
        Ok(l) => matches!(
            picklejar_codec::to_canon(&l.graph),
            Ok(picklejar_codec::Canon::Int(s)) if s == MAGIC
        ),
        Err(_) => false,
    }
}

fn truncated(what: String, at: usize) -> Error {
    Error::new(ErrorKind::Truncated, what).at(at as u64)
}

/// Reads an int64 little-endian at `pos`.
fn i64_at(data: &[u8], pos: usize, what: &str) -> Result<i64> {
    let b = data
        .get(pos..pos.saturating_add(8))
        .ok_or_else(|| truncated(format!("{what}: 8 bytes needed, the data ends first"), pos))?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Ok(i64::from_le_bytes(a))
}

/// Reads a storage record: an int64 element count, then that many elements.
fn storage_bytes<'d>(
    data: &'d [u8],
    pos: usize,
    element_size: usize,
    key: &str,
    budget: &mut Budget,
) -> Result<(u64, &'d [u8])> {
    let n = i64_at(data, pos, &format!("the element count of storage '{key}'"))?;
    let numel = u64::try_from(n).map_err(|_| {
        Error::new(
            ErrorKind::BadArgument,
            format!("storage '{key}' has a negative element count ({n})"),
        )
        .at(pos as u64)
    })?;
    let nbytes = numel.checked_mul(element_size as u64).ok_or_else(|| {
        Error::new(
            ErrorKind::LimitExceeded,
            format!(
                "storage '{key}': {numel} elements of {element_size} bytes cannot be addressed"
            ),
        )
        .at(pos as u64)
    })?;
    let start = pos + 8;
    let left = data.len().saturating_sub(start) as u64;
    if nbytes > left {
        return Err(truncated(
            format!(
                "storage '{key}' needs {nbytes} bytes, only {left} are left: the file was cut short"
            ),
            start,
        ));
    }
    budget.charge(nbytes as usize, || format!("storage '{key}'"))?;
    Ok((numel, &data[start..start + nbytes as usize]))
}

fn ordinal(i: usize) -> &'static str {
    ["1st", "2nd", "3rd", "4th", "5th"]
        .get(i)
        .copied()
        .unwrap_or("next")
}

/// The legacy stacked-pickles format (`torch.save(..., _use_new_zipfile_serialization=False)`).
pub(crate) fn open_stacked(
    data: &[u8],
    options: &LoadOptions,
    budget: &mut Budget,
) -> Result<Container> {
    let mut pos = 0;
    let mut preamble = Vec::new();
    let mut notes = Vec::new();
    for (i, what) in ["magic number", "protocol version", "sys_info"]
        .iter()
        .enumerate()
    {
        let name = format!("the {} pickle ({what})", ordinal(i));
        let l = load_small(&data[pos..], options, budget, pos, &name)?;
        if i == 1 && l.graph.root() != Value::Int(PROTOCOL_VERSION) {
            notes.push(format!(
                "the protocol version is not {PROTOCOL_VERSION}: torch.load would refuse the file"
            ));
        }
        if i == 2 {
            let g = &l.graph;
            if let Some(Node::Dict(pairs)) = g.deref(g.root())
                && let Some(&(_, v)) = pairs
                    .iter()
                    .find(|(k, _)| graph::text(g, *k).as_deref() == Some("little_endian"))
                && v == Value::Bool(false)
            {
                notes.push("saved on a big-endian machine (sys_info little_endian=False); torch writes the storages little-endian all the same".to_owned());
            }
        }
        preamble.push((name, pos, data[pos..pos + l.end].to_vec()));
        pos += l.end;
    }
    let main_at = pos;
    let main_name = format!("the 4th pickle (byte {main_at})");
    let (main, pids) = load_recording(&data[pos..], options, budget, pos, &main_name)?;
    let pickle = data[pos..pos + main.end].to_vec();
    budget.charge(pickle.len(), || "the main pickle".to_owned())?;
    pos += main.end;
    let keys_at = pos;
    let keys = load_small(
        &data[pos..],
        options,
        budget,
        pos,
        "the 5th pickle (storage keys)",
    )?;
    pos += keys.end;
    let key_list: Vec<String> = match keys.graph.deref(keys.graph.root()) {
        Some(Node::List(items)) => items
            .iter()
            .map(|&v| graph::text(&keys.graph, v))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::BadArgument,
                    "the storage keys pickle is not a list of strs",
                )
                .at(keys_at as u64)
            })?,
        _ => {
            return Err(Error::new(
                ErrorKind::BadArgument,
                "the 5th pickle should be the list of storage keys, and is not a list",
            )
            .at(keys_at as u64));
        }
    };
    let (refs, other) = storage_refs(&main.graph, &pids);
    if other > 0 {
        notes.push(format!(
            "{other} persistent ids are not ('storage', …) tuples (nn.Module source records?): kept as persid nodes"
        ));
    }
    let mut storages = Vec::new();
    for key in &key_list {
        let r = refs.iter().find(|r| &r.key == key).ok_or_else(|| {
            Error::new(
                ErrorKind::BadArgument,
                format!("storage '{key}' is listed after the main pickle, but no persistent id in it names that key, so its element size is unknown"),
            )
            .at(pos as u64)
        })?;
        let (dtype, size) = r.dtype.unwrap_or(("unknown", 1));
        let (numel, bytes) = storage_bytes(data, pos, size, key, budget)?;
        if numel != r.numel {
            notes.push(format!(
                "storage '{key}': the persistent id says {} elements, the file has {numel}",
                r.numel
            ));
        }
        storages.push(Storage {
            key: key.clone(),
            dtype: dtype.to_owned(),
            element_size: r.dtype.map(|d| d.1),
            numel,
            data: bytes.to_vec(),
            source: Source::Offset(pos as u64 + 8),
            nodes: r.nodes.clone(),
            detail: Detail::Torch {
                storage_type: r.storage_type.clone(),
                location: r.location.clone(),
            },
        });
        pos += 8 + bytes.len();
    }
    for r in &refs {
        if !key_list.contains(&r.key) {
            notes.push(format!(
                "storage '{}' is named by a persistent id but not listed after the main pickle",
                r.key
            ));
        }
    }
    if pos < data.len() {
        notes.push(format!(
            "{} bytes after the last storage (byte {pos}) were not read",
            data.len() - pos
        ));
    }
    Ok(Container {
        kind: Kind::TorchLegacyStacked,
        protocol: main.protocol,
        graph: main.graph,
        pickle,
        pickle_name: main_name,
        storages,
        tensors: Vec::new(),
        members: Vec::new(),
        byteorder: Some("little".to_owned()),
        notes,
        allocated: budget.used(),
        layout: Layout {
            base: main_at,
            preamble,
            cuts: Vec::new(),
        },
    })
}

/// The legacy tar format of torch ≤ 0.3.
pub(crate) fn open_tar(
    data: &[u8],
    options: &LoadOptions,
    budget: &mut Budget,
) -> Result<Container> {
    let entries = crate::tar::entries(data)?;
    let members: Vec<Member> = entries
        .iter()
        .map(|e| Member {
            name: e.name.clone(),
            size: e.data.len() as u64,
        })
        .collect();
    let find = |name: &str| entries.iter().find(|e| e.name == name).map(|e| e.data);
    let Some(main_bytes) = find("pickle") else {
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).take(8).collect();
        return Err(Error::new(
            ErrorKind::BadArgument,
            format!(
                "a tar archive without a 'pickle' member (it has: {}): not a legacy PyTorch checkpoint; extract it (tar -xf) and load the pickle inside",
                names.join(", ")
            ),
        ));
    };
    let mut notes = Vec::new();
    let mut storages: Vec<Storage> = Vec::new();
    if let Some(s) = find("storages") {
        storages = tar_storages(s, options, budget).map_err(|e| e.in_member("storages"))?;
    }
    let mut tensors = Vec::new();
    if let Some(t) = find("tensors") {
        tensors = tar_tensors(t, options, budget).map_err(|e| e.in_member("tensors"))?;
    }
    budget.charge(main_bytes.len(), || "member pickle".to_owned())?;
    let (main, pids) = load_recording(main_bytes, options, budget, 0, "member pickle")
        .map_err(|e| e.in_member("pickle"))?;
    let ids = graph::reachable(&main.graph);
    let mut modules = 0;
    for (node, pid) in pids {
        let key = graph::text(&main.graph, pid).or_else(|| graph::int(pid).map(|i| i.to_string()));
        let reachable = ids.get(node.index()).copied().flatten();
        match key {
            Some(k) => {
                let k = k.trim().to_owned();
                if let Some(t) = tensors.iter_mut().find(|t| t.key == k) {
                    t.nodes.extend(reachable);
                } else if let Some(s) = storages.iter_mut().find(|s| s.key == k) {
                    s.nodes.extend(reachable);
                } else {
                    notes.push(format!(
                        "persistent id '{k}' names no tensor or storage of the archive"
                    ));
                }
            }
            None => modules += 1,
        }
    }
    if modules > 0 {
        notes.push(format!(
            "{modules} persistent ids are module-class records (class, source file, source): kept as persid nodes"
        ));
    }
    for t in &tensors {
        if !storages.iter().any(|s| s.key == t.storage) {
            notes.push(format!(
                "tensor '{}' views storage '{}', which the archive does not have",
                t.key, t.storage
            ));
        }
    }
    Ok(Container {
        kind: Kind::TorchLegacyTar,
        protocol: main.protocol,
        graph: main.graph,
        pickle: main_bytes.to_vec(),
        pickle_name: "member pickle".to_owned(),
        storages,
        tensors,
        members,
        byteorder: Some("little".to_owned()),
        notes,
        allocated: budget.used(),
        layout: Layout::default(),
    })
}

/// A count pickle at `pos`: how many records follow.
fn count_at(
    data: &[u8],
    pos: &mut usize,
    options: &LoadOptions,
    budget: &mut Budget,
    what: &str,
) -> Result<u64> {
    let l = load_small(&data[*pos..], options, budget, *pos, what)?;
    *pos += l.end;
    graph::int(l.graph.root())
        .and_then(|i| u64::try_from(i).ok())
        .ok_or_else(|| Error::new(ErrorKind::BadArgument, format!("{what} is not a count")))
}

/// A record's header: its key, the second item (a storage's location, a tensor's
/// storage key), its class as `(module, name)`, and the graph these are in.
type RecordHead = (String, Value, (String, String), Graph);

/// A record header pickle at `pos`: a tuple of three, as (text or int) key, the
/// second item, and the global's `module.name`.
fn header_at(
    data: &[u8],
    pos: &mut usize,
    options: &LoadOptions,
    budget: &mut Budget,
    what: &str,
) -> Result<RecordHead> {
    let at = *pos;
    let l = load_small(&data[*pos..], options, budget, *pos, what)?;
    *pos += l.end;
    let g = l.graph;
    let bad = || {
        Error::new(
            ErrorKind::BadArgument,
            format!("{what} is not a (key, …, class) tuple"),
        )
        .at(at as u64)
    };
    let items = g.as_tuple(g.root()).ok_or_else(bad)?;
    let [k, second, class] = items else {
        return Err(bad());
    };
    let key = graph::int(*k)
        .map(|i| i.to_string())
        .or_else(|| graph::text(&g, *k))
        .ok_or_else(bad)?;
    let class = graph::global(&g, *class).ok_or_else(bad)?;
    let second = *second;
    Ok((key, second, class, g))
}

/// The records of a `storages` or `tensors` member from `pos` on: a count pickle, then
/// that many records, each a header pickle and what `body` reads after it (it is handed
/// the header, the record's name for errors, and the position after the header, which it
/// moves past what it reads).
fn records<T>(
    data: &[u8],
    pos: &mut usize,
    options: &LoadOptions,
    budget: &mut Budget,
    noun: &str,
    mut body: impl FnMut(RecordHead, &str, &mut usize, &mut Budget) -> Result<T>,
) -> Result<Vec<T>> {
    let n = count_at(data, pos, options, budget, &format!("the {noun} count"))?;
    let mut out = Vec::new();
    for i in 0..n {
        let what = format!("{noun} record {i}");
        let head = header_at(data, pos, options, budget, &what)?;
        out.push(body(head, &what, pos, budget)?);
    }
    Ok(out)
}

fn tar_storages(data: &[u8], options: &LoadOptions, budget: &mut Budget) -> Result<Vec<Storage>> {
    let mut pos = 0;
    let out = records(
        data,
        &mut pos,
        options,
        budget,
        "storage",
        |head, _, pos, budget| {
            let (key, loc, (m, name), g) = head;
            let location = graph::text(&g, loc).unwrap_or_default();
            let dtype = storage_type(&m, &name);
            let (dname, size) = dtype.unwrap_or(("unknown", 1));
            let (numel, bytes) = storage_bytes(data, *pos, size, &key, budget)?;
            let storage = Storage {
                key,
                dtype: dname.to_owned(),
                element_size: dtype.map(|d| d.1),
                numel,
                data: bytes.to_vec(),
                source: Source::Offset(*pos as u64 + 8),
                nodes: Vec::new(),
                detail: Detail::Torch {
                    storage_type: format!("{m}.{name}"),
                    location,
                },
            };
            *pos += 8 + bytes.len();
            Ok(storage)
        },
    )?;
    // The storage views that follow are listed by key; views are not supported yet.
    if pos < data.len() {
        let views = load_small(&data[pos..], options, budget, pos, "the storage views")?;
        if !matches!(views.graph.deref(views.graph.root()), Some(Node::List(v)) if v.is_empty()) {
            return Err(Error::new(
                ErrorKind::BadArgument,
                "the archive has storage views (storages that are slices of others): not supported",
            )
            .at(pos as u64));
        }
    }
    Ok(out)
}

fn tar_tensors(
    data: &[u8],
    options: &LoadOptions,
    budget: &mut Budget,
) -> Result<Vec<LegacyTensor>> {
    records(
        data,
        &mut 0,
        options,
        budget,
        "tensor",
        |head, what, pos, budget| {
            let (key, storage, (m, name), g) = head;
            let storage = graph::int(storage)
                .map(|i| i.to_string())
                .or_else(|| graph::text(&g, storage))
                .unwrap_or_default();
            let ndim_b = data
                .get(*pos..*pos + 8)
                .ok_or_else(|| truncated(format!("{what}: its ndim is missing"), *pos))?;
            let ndim = i32::from_le_bytes([ndim_b[0], ndim_b[1], ndim_b[2], ndim_b[3]]);
            let ndim = usize::try_from(ndim).map_err(|_| {
                Error::new(
                    ErrorKind::BadArgument,
                    format!("{what}: negative ndim {ndim}"),
                )
                .at(*pos as u64)
            })?;
            *pos += 8;
            let need = ndim.saturating_mul(16).saturating_add(8);
            if data.len().saturating_sub(*pos) < need {
                return Err(truncated(
                    format!("{what}: {need} bytes of sizes, strides and offset needed"),
                    *pos,
                ));
            }
            budget.charge(need, || what.to_owned())?;
            let mut read = |n: usize| -> Result<Vec<i64>> {
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    v.push(i64_at(data, *pos, what)?);
                    *pos += 8;
                }
                Ok(v)
            };
            let size = read(ndim)?;
            let stride = read(ndim)?;
            let storage_offset = read(1)?.first().copied().unwrap_or(0);
            Ok(LegacyTensor {
                key,
                storage,
                tensor_type: format!("{m}.{name}"),
                size,
                stride,
                storage_offset,
                nodes: Vec::new(),
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_types() {
        assert_eq!(storage_type("torch", "FloatStorage"), Some(("float32", 4)));
        assert_eq!(
            storage_type("torch.cuda", "HalfStorage"),
            Some(("float16", 2))
        );
        assert_eq!(storage_type("numpy", "FloatStorage"), None);
        assert_eq!(storage_type("torch", "NoStorage"), None);
    }

    #[test]
    fn magic_is_recognised_in_protocols_0_and_2() {
        // pickle.dumps(0x1950a86a20f9469cfc6c, 2) and protocol 0.
        let p2 = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.";
        assert!(is_legacy_stacked(p2));
        assert!(is_legacy_stacked(b"L119547037146038801333356L\n."));
        assert!(!is_legacy_stacked(b"\x80\x02K\x01."));
    }
}
