//! # picklejar-container
//!
//! The files that hold a pickle *and* raw data beside it: PyTorch checkpoints and joblib
//! files. [`open`] recognises the container, loads its pickle with the data-only
//! [`picklejar_codec`] loader (no code runs, nothing is imported) and hands back the raw
//! storages and array buffers as bytes, each attached to what refers to it in the graph:
//!
//! | container | where the pickle is | where the data is | attached to |
//! |---|---|---|---|
//! | PyTorch zip (`torch.save`, 1.6+) | `<prefix>/data.pkl` | `<prefix>/data/<key>` | the `persistent_load(('storage', type, key, location, numel))` nodes |
//! | PyTorch legacy, stacked pickles (`_use_new_zipfile_serialization=False`) | the 4th of 5 pickles | raw storages after the 5th (storage keys) | the persistent-id nodes |
//! | PyTorch legacy tar (torch ≤ 0.3) | member `pickle` | members `storages`, `tensors` | storages and tensors by key |
//! | joblib (`joblib.dump`, optionally zlib/gzip/bz2/lzma/xz/lz4-compressed) | the stream, less the array bytes | right after each `NumpyArrayWrapper`'s BUILD | the wrapper object |
//!
//! Everything is bounded by the load's [`Limits`](picklejar_codec::Limits): decompressed
//! data, every archive member, the storages and the graph count against one `max_alloc`
//! budget. Sizes in archive headers are never trusted: a zip member is inflated through a
//! scratch chunk and refused (`limit-exceeded`) once it passes what is left of the budget
//! or, for a storage record, the size its persistent id declares; a tar member is a slice
//! of the input, taken once its size has been checked against what is left of the input.
//! A member path outside the archive (`..`, absolute) refuses the archive. No input panics.
//!
//! ```
//! use picklejar_codec::{LoadOptions, to_canon};
//! use picklejar_container::{Kind, open};
//!
//! // joblib.dump(np.arange(2, dtype='<i2'), f, protocol=2) with joblib 1.6 and numpy 2.
//! let data = std::fs::read("tests/data/joblib_root_p2.joblib")?;
//! let c = open(&data, &LoadOptions::default())?;
//! assert_eq!(c.kind, Kind::Joblib { compression: None });
//! let s = &c.storages[0];
//! assert_eq!((s.dtype.as_str(), s.numel, s.data.len()), ("<i2", 5, 10));
//! assert!(to_canon(&c.graph)?.to_text().contains("global joblib.numpy_pickle NumpyArrayWrapper"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod budget;
mod decompress;
mod error;
mod graph;
mod joblib;
mod render;
mod tar;
mod torch;
mod zipfile;

use std::borrow::Cow;
use std::fmt;

use picklejar_codec::{ErrorKind, Graph, LoadOptions, NodeId};

pub use decompress::Compression;
pub use error::{Error, Result};

use budget::Budget;

/// What kind of file [`open`] found.
///
/// ```
/// use picklejar_container::{Compression, Kind};
///
/// assert_eq!(Kind::TorchZip.to_string(), "PyTorch zip checkpoint");
/// let k = Kind::Joblib { compression: Some(Compression::Zlib) };
/// assert_eq!(k.to_string(), "joblib file (zlib-compressed)");
/// assert!(k.is_container() && !Kind::Pickle { compression: None }.is_container());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A `torch.save` zip archive (PyTorch 1.6 and later; also `torch.jit.save`'s
    /// `data.pkl`).
    TorchZip,
    /// `torch.save(..., _use_new_zipfile_serialization=False)`: five pickles one after
    /// another (magic number, protocol version, sys_info, the object, the storage keys),
    /// then the raw storages.
    TorchLegacyStacked,
    /// The tar archive torch 0.1–0.3 wrote: members `sys_info`, `pickle`, `tensors`,
    /// `storages`.
    TorchLegacyTar,
    /// A joblib file: a pickle stream with each numpy array's bytes written right after
    /// its `NumpyArrayWrapper`, the whole optionally compressed.
    Joblib {
        /// The whole-file compression, if any.
        compression: Option<Compression>,
    },
    /// A pickle with none of the above in it (possibly compressed): no storages.
    Pickle {
        /// The whole-file compression, if any.
        compression: Option<Compression>,
    },
}

impl Kind {
    /// Whether this is one of the containers this crate exists for (anything but
    /// [`Kind::Pickle`]).
    ///
    /// ```
    /// use picklejar_container::Kind;
    ///
    /// assert!(Kind::TorchLegacyTar.is_container());
    /// ```
    pub fn is_container(&self) -> bool {
        !matches!(self, Kind::Pickle { .. })
    }

    /// The whole-file compression, for joblib files and pickles.
    ///
    /// ```
    /// use picklejar_container::{Compression, Kind};
    ///
    /// assert_eq!(Kind::Joblib { compression: Some(Compression::Xz) }.compression(), Some(Compression::Xz));
    /// assert_eq!(Kind::TorchZip.compression(), None);
    /// ```
    pub fn compression(&self) -> Option<Compression> {
        match self {
            Kind::Joblib { compression } | Kind::Pickle { compression } => *compression,
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, c) = match self {
            Kind::TorchZip => ("PyTorch zip checkpoint", None),
            Kind::TorchLegacyStacked => ("PyTorch legacy checkpoint (stacked pickles)", None),
            Kind::TorchLegacyTar => ("PyTorch legacy checkpoint (tar)", None),
            Kind::Joblib { compression } => ("joblib file", *compression),
            Kind::Pickle { compression } => ("pickle", *compression),
        };
        match c {
            Some(c) => write!(f, "{what} ({c}-compressed)"),
            None => f.write_str(what),
        }
    }
}

/// Where a storage's bytes were found.
///
/// ```
/// use picklejar_container::Source;
///
/// assert_eq!(Source::Member("archive/data/0".into()).to_string(), "member archive/data/0");
/// assert_eq!(Source::Offset(42).to_string(), "byte 42");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An archive member (zip record, tar member).
    Member(String),
    /// A byte offset in the (decompressed) stream, or in the tar member named in
    /// [`Storage::detail`].
    Offset(u64),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Member(m) => write!(f, "member {m}"),
            Source::Offset(o) => write!(f, "byte {o}"),
        }
    }
}

/// What kind of storage, with what only that kind has.
///
/// ```
/// use picklejar_container::Detail;
///
/// let d = Detail::Torch { storage_type: "torch.FloatStorage".into(), location: "cpu".into() };
/// assert!(matches!(d, Detail::Torch { .. }));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Detail {
    /// A PyTorch storage.
    Torch {
        /// The storage class the persistent id names (`torch.FloatStorage`,
        /// `torch.UntypedStorage`, …).
        storage_type: String,
        /// The device it was saved from (`cpu`, `cuda:0`).
        location: String,
    },
    /// A joblib numpy array's raw bytes.
    Array {
        /// The array's shape.
        shape: Vec<u64>,
        /// `C` or `F`: the order the bytes are in.
        order: char,
        /// The padding joblib wrote before the bytes (the padding-length byte included;
        /// 0 for files from joblib ≤ 1.1).
        padding: usize,
        /// The ndarray subclass (`numpy.ndarray`, `numpy.matrix`, …).
        subclass: String,
    },
    /// A joblib array of Python objects: joblib pickles it as a separate pickle after
    /// the wrapper; [`Storage::data`] holds that pickle, loaded here.
    PickledArray {
        /// The array's shape.
        shape: Vec<u64>,
        /// The nested pickle, loaded data-only.
        graph: Box<Graph>,
    },
}

/// A storage or array buffer: raw bytes and what the pickle says they are.
///
/// ```
/// use picklejar_codec::LoadOptions;
///
/// let data = std::fs::read("tests/data/torch_zip_p4.pt")?;
/// let c = picklejar_container::open(&data, &LoadOptions::default())?;
/// let s = c.storage("0").expect("storage 0");
/// assert_eq!((s.dtype.as_str(), s.numel, s.element_size), ("int32", 4, Some(4)));
/// assert_eq!(s.data.len(), 16);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Storage {
    /// Its key: the persistent id's storage key (`"0"`, `"1"`, … in zip checkpoints; a
    /// number in legacy ones), or the array's position among the joblib file's arrays
    /// (`"0"` is the first array written).
    pub key: String,
    /// The element type: a torch dtype name (`float32`, `int64`, `bool`, …) or a numpy
    /// type string (`<f8`, `>i4`, `|b1`, `<U2`, `|V12`, `|O8`).
    pub dtype: String,
    /// Bytes per element, when the type is known.
    pub element_size: Option<usize>,
    /// The element count the pickle declares.
    pub numel: u64,
    /// The raw bytes, as stored (torch: in the file's byte order; joblib: in the array's
    /// own byte order, in `order`).
    pub data: Vec<u8>,
    /// Where the bytes were.
    pub source: Source,
    /// The graph nodes that stand for it: the `persid` nodes naming this key (torch), the
    /// `NumpyArrayWrapper` object (joblib). Nodes not reachable from the root are left out.
    pub nodes: Vec<NodeId>,
    /// What kind of storage it is.
    pub detail: Detail,
}

/// A tensor of a legacy tar checkpoint (its `tensors` member): a view of a storage.
///
/// ```
/// use picklejar_codec::LoadOptions;
///
/// let data = std::fs::read("tests/data/torch_legacy_tar.pt")?;
/// let c = picklejar_container::open(&data, &LoadOptions::default())?;
/// let t = &c.tensors[0];
/// assert_eq!((t.storage.as_str(), t.size.as_slice()), ("1001", &[2, 2][..]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyTensor {
    /// Its key (what the main pickle's persistent ids name).
    pub key: String,
    /// The key of the storage it views.
    pub storage: String,
    /// Its class (`torch.FloatTensor`, …).
    pub tensor_type: String,
    /// Its sizes.
    pub size: Vec<i64>,
    /// Its strides.
    pub stride: Vec<i64>,
    /// Its offset in the storage, in elements.
    pub storage_offset: i64,
    /// The `persid` nodes naming it.
    pub nodes: Vec<NodeId>,
}

/// An archive member: its name and size.
///
/// ```
/// use picklejar_container::Member;
///
/// let m = Member { name: "archive/byteorder".into(), size: 6 };
/// assert_eq!(m.size, 6);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The name in the archive.
    pub name: String,
    /// Its size (uncompressed, as the archive declares it).
    pub size: u64,
}

/// A container, opened: the pickle loaded, the storages beside it.
///
/// ```
/// use picklejar_codec::{LoadOptions, Node};
///
/// let data = std::fs::read("tests/data/torch_zip.pt")?;
/// let c = picklejar_container::open(&data, &LoadOptions::default())?;
/// assert_eq!(c.kind, picklejar_container::Kind::TorchZip);
/// assert_eq!(c.byteorder.as_deref(), Some("little"));
/// // Every storage is attached to the persid nodes that name it.
/// for s in &c.storages {
///     for &n in &s.nodes {
///         assert!(matches!(c.graph.node(n), Node::PersId(_)));
///         assert_eq!(c.storage_of(n).map(|x| &x.key), Some(&s.key));
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Container {
    /// What it is.
    pub kind: Kind,
    /// The main pickle, loaded: persistent ids are `persid` nodes, joblib arrays their
    /// `NumpyArrayWrapper` objects.
    pub graph: Graph,
    /// The highest protocol the main pickle declared.
    pub protocol: u8,
    /// The main pickle's bytes as loaded (joblib: with the array bytes cut out, so that
    /// it is a pickle any unpickler reads).
    pub pickle: Vec<u8>,
    /// Where the main pickle is: `archive/data.pkl`, `the 4th pickle (byte 63)`, …
    pub pickle_name: String,
    /// The storages (torch) or array buffers (joblib), in the order the file has them.
    pub storages: Vec<Storage>,
    /// The tensors of a legacy tar checkpoint (empty for the other kinds).
    pub tensors: Vec<LegacyTensor>,
    /// The archive's members (zip, tar; empty for streams).
    pub members: Vec<Member>,
    /// The byte order the storages are in, when the file says (`little`, `big`).
    pub byteorder: Option<String>,
    /// Things worth knowing that are not errors (records no persistent id names, sizes
    /// that disagree, data after the end, …).
    pub notes: Vec<String>,
    /// What the container holds, as the limit counts it: decompressed data, members,
    /// storages and the graph. What is left of `max_alloc` is for rendering.
    pub allocated: usize,
    layout: Layout,
}

/// What [`Container::dis`] needs to list the file's own offsets.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Layout {
    /// Where the main pickle starts in the stream (stacked legacy: after three pickles).
    base: usize,
    /// The pickles before the main one: what they are, where, and their bytes.
    preamble: Vec<(String, usize, Vec<u8>)>,
    /// joblib: byte ranges cut out of the stream after the main pickle's BUILDs, as
    /// (offset in the stream, length, storage index).
    cuts: Vec<(usize, usize, usize)>,
}

impl Container {
    /// The storage with this key.
    ///
    /// ```
    /// use picklejar_codec::LoadOptions;
    ///
    /// let data = std::fs::read("tests/data/torch_legacy_tar.pt")?;
    /// let c = picklejar_container::open(&data, &LoadOptions::default())?;
    /// assert_eq!(c.storage("1002").map(|s| s.dtype.as_str()), Some("int64"));
    /// assert!(c.storage("9").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn storage(&self, key: &str) -> Option<&Storage> {
        self.storages.iter().find(|s| s.key == key)
    }

    /// The storage a graph node stands for (a `persid` node, a joblib wrapper object).
    ///
    /// ```
    /// use picklejar_codec::LoadOptions;
    ///
    /// let data = std::fs::read("tests/data/joblib_root_p2.joblib")?;
    /// let c = picklejar_container::open(&data, &LoadOptions::default())?;
    /// let picklejar_codec::Value::Node(root) = c.graph.root() else { panic!() };
    /// assert_eq!(c.storage_of(root).map(|s| s.numel), Some(5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn storage_of(&self, node: NodeId) -> Option<&Storage> {
        self.storages.iter().find(|s| s.nodes.contains(&node))
    }

    /// A few lines for a person: what the file is, then one line per storage (key,
    /// dtype, element count, byte size, where), per tensor (zip and legacy checkpoints:
    /// dtype, size, stride, offset, storage, and the dict key it is stored under) and per
    /// note, each starting with `# ` (no line of the canon text rendering does), so that
    /// it can follow the value on standard output.
    ///
    /// ```
    /// use picklejar_codec::LoadOptions;
    ///
    /// let data = std::fs::read("tests/data/torch_zip_p4.pt")?;
    /// let c = picklejar_container::open(&data, &LoadOptions::default())?;
    /// let s = c.summary();
    /// assert!(s.starts_with("# PyTorch zip checkpoint: torch_zip_p4/data.pkl"));
    /// assert!(s.contains("# storage '0': int32, 4 elements, 16 bytes (torch.IntStorage, cpu, member torch_zip_p4/data/0)"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn summary(&self) -> String {
        render::summary(self)
    }

    /// A `pickletools.dis`-style listing of the main pickle, with the container around
    /// it as `# ` lines: the archive's members, the pickles before the main one, and, for
    /// joblib files, the array bytes where they are in the stream (offsets are the
    /// stream's own: the decompressed stream for a compressed file).
    ///
    /// ```
    /// use picklejar_codec::LoadOptions;
    ///
    /// let data = std::fs::read("tests/data/joblib_root_p2.joblib")?;
    /// let opts = LoadOptions::default();
    /// let listing = picklejar_container::open(&data, &opts)?.dis(&opts);
    /// assert!(listing.contains("BUILD"));
    /// assert!(listing.contains("# array 0: <i2, shape (5,), order C, 5 elements, 10 bytes"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dis(&self, options: &LoadOptions) -> String {
        render::dis(self, options, usize::MAX)
    }

    /// [`Container::dis`] with string and bytes arguments longer than `max_arg` bytes shown
    /// cut, with their length ([`picklejar_codec::dis_cut`]): the listing's size does not
    /// grow with what the pickles hold.
    ///
    /// ```
    /// use picklejar_codec::LoadOptions;
    ///
    /// let data = std::fs::read("tests/data/joblib_zlib.joblib")?;
    /// let opts = LoadOptions::default();
    /// let c = picklejar_container::open(&data, &opts)?;
    /// assert!(c.dis(&opts).contains("'text'"));
    /// assert!(c.dis_cut(&opts, 2).contains("'te'… (4 bytes)"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dis_cut(&self, options: &LoadOptions, max_arg: usize) -> String {
        render::dis(self, options, max_arg)
    }
}

/// How much of a compressed file [`sniff`] decompresses to look for joblib arrays.
///
/// ```
/// assert_eq!(picklejar_container::SNIFF_PEEK, 65536);
/// ```
pub const SNIFF_PEEK: usize = 64 * 1024;

/// What container `data` looks like from its first bytes, without loading it: `Some` for
/// a PyTorch checkpoint (zip, legacy tar, legacy stacked pickles) or a joblib file with
/// arrays (plain, or compressed: the first [`SNIFF_PEEK`] decompressed bytes are looked
/// at), `None` for anything else, plain pickles included. [`open`] decides for good.
///
/// ```
/// use picklejar_container::{Kind, sniff};
///
/// assert_eq!(sniff(b"PK\x03\x04rest"), Some(Kind::TorchZip));
/// assert_eq!(sniff(b"\x80\x04K\x01."), None);
/// let joblib = std::fs::read("tests/data/joblib_zlib.joblib")?;
/// assert!(matches!(sniff(&joblib), Some(Kind::Joblib { compression: Some(_) })));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn sniff(data: &[u8]) -> Option<Kind> {
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        return Some(Kind::TorchZip);
    }
    if tar::is_tar(data) {
        return Some(Kind::TorchLegacyTar);
    }
    let (head, compression): (Cow<'_, [u8]>, _) = match Compression::detect(data) {
        Some(c) => (
            Cow::Owned(decompress::peek(data, c, SNIFF_PEEK).ok()?),
            Some(c),
        ),
        None => (Cow::Borrowed(data), None),
    };
    if torch::is_legacy_stacked(&head) {
        return Some(Kind::TorchLegacyStacked);
    }
    joblib::mentions_wrapper(&head).then_some(Kind::Joblib { compression })
}

/// The pickle of a PyTorch zip checkpoint (`torch.save`'s layout), as the corpus's `zip`
/// compression reads it: the bytes of the archive's single `<prefix>/data.pkl` member,
/// inflated (stored or deflated, CRC-32 checked) to at most `limit` bytes, and nothing else
/// of the archive read. Errors are those of decompression: `limit-exceeded` when the member
/// inflates past `limit` (a zip bomb costs one scratch chunk, as in [`open`]);
/// `bad-compression` for everything else: not a zip archive, a corrupt one, no
/// `<prefix>/data.pkl` member or several, a member whose path escapes the archive.
///
/// ```
/// use picklejar_codec::ErrorKind;
/// use picklejar_container::torch_zip_pickle;
///
/// let pt = std::fs::read("tests/data/torch_zip.pt")?;
/// assert_eq!(torch_zip_pickle(&pt, 1 << 20)?.first(), Some(&0x80));
/// assert_eq!(torch_zip_pickle(&pt, 4).unwrap_err().kind(), ErrorKind::LimitExceeded);
/// let traversal = std::fs::read("tests/data/torch_zip_traversal.pt")?;
/// assert_eq!(torch_zip_pickle(&traversal, 1 << 20).unwrap_err().kind(), ErrorKind::BadCompression);
/// assert_eq!(torch_zip_pickle(b"PK\x03\x04", 1 << 20).unwrap_err().kind(), ErrorKind::BadCompression);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn torch_zip_pickle(data: &[u8], limit: usize) -> Result<Vec<u8>> {
    zipfile::data_pkl(data, limit).map_err(|e| {
        if e.kind() == ErrorKind::LimitExceeded {
            e
        } else {
            e.with_kind(ErrorKind::BadCompression)
        }
    })
}

/// Opens a container: recognises it, undoes joblib's compression, loads the main pickle
/// data-only with `options` and reads the storages beside it, all within
/// `options.limits` (one `max_alloc` budget for everything; see [`Container::allocated`]).
/// Input that is none of the containers loads as a plain [`Kind::Pickle`].
///
/// ```
/// use picklejar_codec::{ErrorKind, Limits, LoadOptions};
///
/// // A zip bomb inside a checkpoint: storage data/0 inflates to 4 MiB.
/// let bomb = std::fs::read("tests/data/torch_zip_bomb.pt")?;
/// let opts = LoadOptions { limits: Limits::DEFAULT.with_max_alloc(1 << 20), ..LoadOptions::default() };
/// let e = picklejar_container::open(&bomb, &opts).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::LimitExceeded);
/// assert_eq!(e.member(), Some("torch_zip/data/0"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open(data: &[u8], options: &LoadOptions) -> Result<Container> {
    let mut budget = Budget::new(options.limits.max_alloc);
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        return zipfile::open(data, options, &mut budget);
    }
    if tar::is_tar(data) {
        return torch::open_tar(data, options, &mut budget);
    }
    if data.starts_with(b"ZF") {
        return Err(Error::new(
            ErrorKind::BadCompression,
            "a joblib file from joblib < 0.9.3 (the 'ZF' zfile format, with arrays in files beside it): not supported; load it with that joblib version and dump it again with a current one",
        ));
    }
    let compression = Compression::detect(data);
    let stream: Cow<'_, [u8]> = match compression {
        Some(c) => {
            let d = decompress::decompress(data, c, budget.left())?;
            budget.charge(d.len(), || format!("the {c}-decompressed data"))?;
            Cow::Owned(d)
        }
        None => Cow::Borrowed(data),
    };
    if torch::is_legacy_stacked(&stream) {
        return torch::open_stacked(&stream, options, &mut budget);
    }
    joblib::open(&stream, compression, options, &mut budget)
}
