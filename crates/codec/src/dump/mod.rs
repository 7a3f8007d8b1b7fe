//! Dumping: a [`Graph`] to the bytes CPython's C pickler writes for the same object graph.
//!
//! The pickler follows `Modules/_pickle.c` (`save()` and the `save_*` functions, the memo,
//! batching, framing) with a [`Profile`] per group of CPython versions whose output differs
//! (`docs/ARCHITECTURE.md`, `reference/cpython-pickle.md` (b)):
//!
//! | profile | differs from the default in |
//! |---|---|
//! | [`Profile::Py27`] | 2.7's `pickle.py`: `str` as STRING/BINSTRING, `int` outside int32 as INT text, `long` as LONG/LONG1, INST/OBJ, original Python 2 names, generic batching (no empty batches, single items as APPEND/SETITEM) |
//! | [`Profile::Py30To36`] | `L0L` ints and fewer escapes at protocol 0; a frame around everything at protocol 4; bytearray via `bytearray.__reduce_ex__` |
//! | [`Profile::Py37`] | bytearray via `bytearray.__reduce_ex__` at protocols 0–2 |
//! | [`Profile::Py38`] | the default: CPython 3.8–3.12 |
//! | [`Profile::Py313`] | nested names at protocols 0–3 through an unmemoized `getattr` chain |
//!
//! Identity decides the memo, as in CPython: a node reached twice is written once and then
//! fetched with GET. Globals are keyed by name (a class is one object), the strings CPython
//! interns (module names, `'latin1'`) by value.

mod pickler;
mod writer;

use rustc_hash::FxHashMap;

use crate::error::{Error, ErrorKind, Result};
use crate::value::Graph;

/// Which CPython's pickler to reproduce: one profile per group of CPython versions whose
/// pickles are byte-for-byte the same.
///
/// [`Profile::from_version`] maps a version to its profile; [`Profile::name`] says which
/// versions a profile covers.
///
/// ```
/// use picklejar_codec::Profile;
///
/// assert_eq!(Profile::from_version("3.5"), Some(Profile::Py30To36));
/// assert_eq!(Profile::from_version("cpython-3.11"), Some(Profile::Py38));
/// assert_eq!(Profile::Py38.name(), "3.8-3.12");
/// assert_eq!(Profile::default(), Profile::Py38);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// CPython 2.7's `pickle.py` (protocols 0–2): Python 2 `str`, `int` vs `long`,
    /// old-style instances, Python 2 names, generic batching.
    Py27,
    /// CPython 3.0 to 3.6 ([`Profile::from_version`] maps all of them here): the C pickler
    /// before 3.7 (protocol-0 ints as `L0L`, fewer protocol-0 escapes, a header on every
    /// frame, bytearray through `bytearray.__reduce_ex__`). Its bytes are held to CPython
    /// 3.6's; the earlier 3.x are taken to write the same at the protocols they have
    /// (3.0–3.3 stop at protocol 3).
    Py30To36,
    /// CPython 3.7.
    Py37,
    /// CPython 3.8 to 3.12 (identical output).
    #[default]
    Py38,
    /// CPython 3.13.
    Py313,
}

impl Profile {
    /// The profile for a CPython version (`"3.6"`, `"3.10"`, `"3.13"`, `"cpython-3.11"`,
    /// `"2.7"`); `None` for other versions (2.6, 4.0, …) and for what is not a version.
    ///
    /// ```
    /// use picklejar_codec::Profile;
    ///
    /// assert_eq!(Profile::from_version("2.7"), Some(Profile::Py27));
    /// assert_eq!(Profile::from_version("3.6.15"), Some(Profile::Py30To36));
    /// assert_eq!(Profile::from_version("3.14"), Some(Profile::Py313));
    /// assert_eq!(Profile::from_version("2.6"), None);
    /// ```
    pub fn from_version(v: &str) -> Option<Profile> {
        let v = v.strip_prefix("cpython-").unwrap_or(v);
        let v = v.split('-').next().unwrap_or(v);
        let (major, minor) = v.split_once('.')?;
        let minor: u32 = minor.split('.').next()?.parse().ok()?;
        if major == "2" {
            return (minor == 7).then_some(Profile::Py27);
        }
        if major != "3" {
            return None;
        }
        Some(match minor {
            0..=6 => Profile::Py30To36,
            7 => Profile::Py37,
            8..=12 => Profile::Py38,
            _ => Profile::Py313,
        })
    }

    /// The highest protocol this CPython writes.
    ///
    /// ```
    /// use picklejar_codec::Profile;
    ///
    /// assert_eq!(Profile::Py27.highest_protocol(), 2);
    /// assert_eq!(Profile::Py30To36.highest_protocol(), 4);
    /// assert_eq!(Profile::Py313.highest_protocol(), 5);
    /// ```
    pub fn highest_protocol(self) -> u8 {
        match self {
            Profile::Py27 => 2,
            Profile::Py30To36 | Profile::Py37 => 4,
            Profile::Py38 | Profile::Py313 => 5,
        }
    }

    /// The CPython versions it covers: `2.7`, `3.0-3.6`, `3.7`, `3.8-3.12`, `3.13`.
    ///
    /// ```
    /// use picklejar_codec::Profile;
    ///
    /// assert_eq!(Profile::Py30To36.name(), "3.0-3.6");
    /// assert_eq!(Profile::Py313.name(), "3.13");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Profile::Py27 => "2.7",
            Profile::Py30To36 => "3.0-3.6",
            Profile::Py37 => "3.7",
            Profile::Py38 => "3.8-3.12",
            Profile::Py313 => "3.13",
        }
    }
}

/// Options for [`dump`].
///
/// ```
/// use picklejar_codec::{DumpOptions, Profile};
///
/// let mut opts = DumpOptions::new(Profile::Py313);
/// // copyreg.add_extension('mymod', 'MyClass', 240)
/// opts.extensions.insert(("mymod".into(), "MyClass".into()), 240);
/// assert!(opts.max_depth > 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpOptions {
    /// The CPython whose bytes to write.
    pub profile: Profile,
    /// Map Python 3 names to Python 2 ones at protocols 0–2, as CPython's `fix_imports=True`
    /// (the default) does.
    pub fix_imports: bool,
    /// The copyreg extension registry: (module, name) → code, written as EXT1/2/4 at
    /// protocols ≥ 2. An `FxHashMap`, as [`crate::LoadOptions::extensions`].
    pub extensions: FxHashMap<(String, String), i32>,
    /// Deepest nesting before the dump fails (CPython raises RecursionError). Default
    /// [`Limits::DEFAULT`](crate::Limits::DEFAULT)'s `max_depth`.
    pub max_depth: usize,
}

impl Default for DumpOptions {
    /// The newest profile, `fix_imports` on, no extensions, the default depth limit.
    ///
    /// ```
    /// use picklejar_codec::{DumpOptions, Limits};
    ///
    /// let opts = DumpOptions::default();
    /// assert!(opts.fix_imports);
    /// assert_eq!(opts.max_depth, Limits::DEFAULT.max_depth);
    /// ```
    fn default() -> DumpOptions {
        DumpOptions {
            profile: Profile::default(),
            fix_imports: true,
            extensions: FxHashMap::default(),
            max_depth: crate::Limits::DEFAULT.max_depth,
        }
    }
}

impl DumpOptions {
    /// Options for a profile, with the default depth limit.
    ///
    /// ```
    /// use picklejar_codec::{DumpOptions, Limits, Profile};
    ///
    /// let opts = DumpOptions::new(Profile::Py37);
    /// assert_eq!(opts.profile, Profile::Py37);
    /// assert_eq!(opts.max_depth, Limits::default().max_depth);
    /// ```
    pub fn new(profile: Profile) -> DumpOptions {
        DumpOptions {
            profile,
            ..DumpOptions::default()
        }
    }
}

/// The result of [`dump`].
///
/// ```
/// use picklejar_codec::{DumpOptions, Profile, dump, load};
///
/// let g = load(b"\x80\x05K\x07.")?;
/// let out = dump(&g, 5, &DumpOptions::new(Profile::Py313))?;
/// assert_eq!(out.bytes, b"\x80\x05K\x07.");
/// assert!(out.buffers.is_empty());
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dumped {
    /// The pickle.
    pub bytes: Vec<u8>,
    /// Out-of-band buffers (protocol 5 `NEXT_BUFFER`), in order.
    pub buffers: Vec<Vec<u8>>,
}

/// Writes `g`'s root at `protocol` as the profile's CPython would.
///
/// ```
/// use picklejar_codec::{DumpOptions, Profile, dump, load};
///
/// // pickle.dumps([1, 2], 4) on CPython 3.13
/// let data = b"\x80\x04\x95\x09\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01K\x02e.";
/// let g = load(data)?;
/// assert_eq!(dump(&g, 4, &DumpOptions::new(Profile::Py38))?.bytes, data);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn dump(g: &Graph, protocol: u8, opts: &DumpOptions) -> Result<Dumped> {
    check_protocol(protocol, opts)?;
    pickler::Pickler::new(g, protocol, opts, false).run()
}

/// [`dump`] in parts, for writing out: the same bytes, except that the graph's `bytes`
/// and `bytearray` payloads of 1 KiB and more are not copied into the pickle's buffer but
/// borrowed from the graph. Those of 64 KiB and more CPython writes outside frames too (and,
/// dumping to a file, hands to the file's `write` without copying); smaller ones it copies
/// into its frame, which here holds a segment instead, counted in the frame's length.
/// [`DumpedParts::write_to`] writes the pieces with vectored writes.
///
/// ```
/// use picklejar_codec::{DumpOptions, Graph, Node, Profile, dump, dump_parts};
///
/// let mut g = Graph::new();
/// let v = g.value(Node::Bytes { data: vec![7; 1 << 20].into(), py2: false });
/// g.set_root(v);
/// let opts = DumpOptions::new(Profile::Py313);
/// let parts = dump_parts(&g, 5, &opts)?;
/// // One MiB borrowed from the graph, the rest written around it.
/// assert_eq!(parts.chunks().count(), 3);
/// assert_eq!(parts.len(), dump(&g, 5, &opts)?.bytes.len());
/// assert_eq!(parts.to_vec(), dump(&g, 5, &opts)?.bytes);
/// let mut file = Vec::new();
/// parts.write_to(&mut file)?;
/// assert_eq!(file, parts.to_vec());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn dump_parts<'g>(g: &'g Graph, protocol: u8, opts: &DumpOptions) -> Result<DumpedParts<'g>> {
    check_protocol(protocol, opts)?;
    pickler::Pickler::new(g, protocol, opts, true).run_parts()
}

fn check_protocol(protocol: u8, opts: &DumpOptions) -> Result<()> {
    if protocol > opts.profile.highest_protocol() {
        return Err(Error::new(
            ErrorKind::UnsupportedProtocol,
            format!(
                "CPython {} writes protocols up to {}",
                opts.profile.name(),
                opts.profile.highest_protocol()
            ),
        ));
    }
    Ok(())
}

/// The result of [`dump_parts`]: the pickle as its own bytes with the graph's large
/// payloads borrowed in between.
///
/// ```
/// use picklejar_codec::{DumpOptions, Profile, dump_parts, load};
///
/// let g = load(b"\x80\x05K\x07.")?;
/// let parts = dump_parts(&g, 5, &DumpOptions::new(Profile::Py313))?;
/// assert_eq!(parts.chunks().collect::<Vec<_>>(), [&b"\x80\x05K\x07."[..]]);
/// assert!(parts.buffers.is_empty());
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpedParts<'g> {
    /// The pickle's bytes, without the payloads.
    head: Vec<u8>,
    /// Each payload and the length of `head` it goes after, in order.
    payloads: Vec<(usize, &'g [u8])>,
    /// Out-of-band buffers (protocol 5 `NEXT_BUFFER`), in order.
    pub buffers: Vec<Vec<u8>>,
}

impl<'g> DumpedParts<'g> {
    /// The pickle's pieces in order: runs of its own bytes and the borrowed payloads
    /// (no empty piece).
    ///
    /// ```
    /// use picklejar_codec::{DumpOptions, Profile, dump_parts, load};
    ///
    /// let g = load(b"\x80\x04N.")?;
    /// let parts = dump_parts(&g, 4, &DumpOptions::new(Profile::Py313))?;
    /// assert_eq!(parts.chunks().flatten().count(), parts.len());
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn chunks(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let mut from = 0;
        let mut payloads = self.payloads.iter();
        let mut tail = Some(&self.head[..]);
        std::iter::from_fn(move || {
            loop {
                if let Some(&(at, data)) = payloads.as_slice().first() {
                    if from < at {
                        let run = self.head.get(from..at).unwrap_or_default();
                        from = at;
                        return Some(run);
                    }
                    payloads.next();
                    if !data.is_empty() {
                        return Some(data);
                    }
                    continue;
                }
                let rest = tail.take()?.get(from..).unwrap_or_default();
                return (!rest.is_empty()).then_some(rest);
            }
        })
    }

    /// The pickle's length in bytes.
    ///
    /// ```
    /// use picklejar_codec::{DumpOptions, Profile, dump_parts, load};
    ///
    /// let g = load(b"\x80\x04N.")?;
    /// assert_eq!(dump_parts(&g, 4, &DumpOptions::new(Profile::Py313))?.len(), 4);
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.head.len() + self.payloads.iter().map(|(_, d)| d.len()).sum::<usize>()
    }

    /// Whether the pickle is empty (never: every pickle ends in STOP).
    ///
    /// ```
    /// use picklejar_codec::{DumpOptions, Profile, dump_parts, load};
    ///
    /// let g = load(b"N.")?;
    /// assert!(!dump_parts(&g, 0, &DumpOptions::new(Profile::Py313))?.is_empty());
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the pickle to `w`, piece by piece (the payloads straight from the graph).
    ///
    /// ```
    /// use picklejar_codec::{DumpOptions, Profile, dump_parts, load};
    ///
    /// let g = load(b"\x80\x04N.")?;
    /// let mut out = Vec::new();
    /// dump_parts(&g, 4, &DumpOptions::new(Profile::Py313))?.write_to(&mut out)?;
    /// assert_eq!(out, b"\x80\x04N.");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_to<W: std::io::Write + ?Sized>(&self, w: &mut W) -> std::io::Result<()> {
        use std::io::{ErrorKind, IoSlice};
        // An `IoSlice` holds at most 4 GiB on some systems (Windows): a pickle with a
        // larger piece is written a piece a call.
        if self.chunks().any(|c| u32::try_from(c.len()).is_err()) {
            for chunk in self.chunks() {
                w.write_all(chunk)?;
            }
            return Ok(());
        }
        // Vectored writes: a file takes up to 1,024 pieces a call (`writev`), so a pickle
        // of many borrowed payloads costs no more calls than one buffer would.
        let mut slices: Vec<IoSlice<'_>> = self.chunks().map(IoSlice::new).collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match w.write_vectored(rest) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The pickle as one buffer (what [`dump`] gives).
    ///
    /// ```
    /// use picklejar_codec::{DumpOptions, Profile, dump_parts, load};
    ///
    /// let g = load(b"\x80\x04N.")?;
    /// let parts = dump_parts(&g, 4, &DumpOptions::new(Profile::Py313))?;
    /// assert_eq!(parts.to_vec(), b"\x80\x04N.");
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        for chunk in self.chunks() {
            out.extend_from_slice(chunk);
        }
        out
    }
}
