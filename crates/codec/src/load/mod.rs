//! Loading: pickle bytes to a [`Graph`], without running code.

mod compat;
mod literal;
mod machine;
mod normalize;
mod options;
mod record;
mod scratch;
mod source;

pub(crate) use compat::py3_to_py2;
pub(crate) use literal::decode_long_le;
pub use options::{DecodeErrors, Encoding, Limits, LoadOptions, OtherEncoding};

use crate::error::Result;
use crate::imports::ImportEvent;
use crate::value::{Graph, Value};

/// A `persistent_load` hook: given the graph and the persistent id, return the value to use
/// instead, or a message to fail with. Without a hook, ids load as
/// [`Node::PersId`](crate::Node::PersId).
///
/// ```
/// use picklejar_codec::{Graph, Loader, PersistentLoad, Value};
///
/// let mut hook = |g: &mut Graph, _pid: Value| Ok::<_, String>(g.str("resolved"));
/// let hook: &mut PersistentLoad<'_> = &mut hook;
/// let mut g = Graph::new();
/// let v = hook(&mut g, Value::Int(1)).unwrap();
/// assert_eq!(g.as_str(v), Some("resolved"));
/// ```
pub type PersistentLoad<'h> =
    dyn FnMut(&mut Graph, Value) -> std::result::Result<Value, String> + 'h;

/// The result of loading one pickle with a [`Loader`].
///
/// ```
/// use picklejar_codec::Loader;
///
/// // Two pickles back to back: protocol 2 `1`, then protocol 4 `2`.
/// let data = b"\x80\x02K\x01.\x80\x04K\x02.";
/// let first = Loader::new().load(data)?;
/// assert_eq!((first.end, first.protocol), (5, 2));
/// let second = Loader::new().load(&data[first.end..])?;
/// assert_eq!(second.protocol, 4);
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// The value graph; its root is what STOP returned.
    pub graph: Graph,
    /// The offset just after STOP: where a following pickle in the same input starts.
    pub end: usize,
    /// The highest protocol a PROTO opcode declared (0 when there was none).
    pub protocol: u8,
    /// The bytes charged against [`Limits::max_alloc`](crate::Limits::max_alloc) for the
    /// graph, stack and memo: what the load holds, as the limit counts it.
    pub allocated: usize,
}

/// A configured unpickler: CPython's `pickle.Unpickler` arguments as builder methods, plus
/// [`Limits`].
///
/// ```
/// use picklejar_codec::{Encoding, Loader};
///
/// // Python 2: pickle.dumps('caf\xe9', 0)
/// let data = b"S'caf\\xe9'\np0\n.";
/// let loaded = Loader::new().encoding(Encoding::Latin1).load(data)?;
/// assert_eq!(loaded.graph.as_str(loaded.graph.root()), Some("café"));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
#[derive(Default)]
pub struct Loader<'h> {
    options: LoadOptions,
    hook: Option<Box<PersistentLoad<'h>>>,
}

impl<'h> Loader<'h> {
    /// A loader with CPython's defaults (`encoding="ASCII"`, `fix_imports=True`) and
    /// [`Limits::DEFAULT`].
    ///
    /// ```
    /// use picklejar_codec::{Loader, Value};
    ///
    /// let l = Loader::new().load(b"\x80\x05\x88.")?;
    /// assert_eq!(l.graph.root(), Value::Bool(true));
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn new() -> Loader<'h> {
        Loader::default()
    }

    /// A loader with these options.
    ///
    /// ```
    /// use picklejar_codec::{Encoding, LoadOptions, Loader};
    ///
    /// let opts = LoadOptions { encoding: Encoding::Bytes, ..LoadOptions::default() };
    /// assert_eq!(Loader::with_options(opts).options().encoding, Encoding::Bytes);
    /// ```
    pub fn with_options(options: LoadOptions) -> Loader<'h> {
        Loader {
            options,
            hook: None,
        }
    }

    /// The options in use.
    ///
    /// ```
    /// use picklejar_codec::Loader;
    ///
    /// assert!(Loader::new().options().fix_imports);
    /// ```
    pub fn options(&self) -> &LoadOptions {
        &self.options
    }

    /// Sets how Python 2 `str` loads (`encoding=`).
    ///
    /// ```
    /// use picklejar_codec::{Encoding, Loader};
    ///
    /// // Python 2: pickle.dumps('caf\xc3\xa9', 1)
    /// let l = Loader::new().encoding(Encoding::Utf8).load(b"U\x05caf\xc3\xa9q\x00.")?;
    /// assert_eq!(l.graph.as_str(l.graph.root()), Some("café"));
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn encoding(mut self, e: Encoding) -> Self {
        self.options.encoding = e;
        self
    }

    /// Sets the decoding error handler (`errors=`).
    ///
    /// ```
    /// use picklejar_codec::{DecodeErrors, Loader};
    ///
    /// let l = Loader::new().errors(DecodeErrors::Ignore).load(b"U\x04caf\xe9q\x00.")?;
    /// assert_eq!(l.graph.as_str(l.graph.root()), Some("caf"));
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn errors(mut self, e: DecodeErrors) -> Self {
        self.options.errors = e;
        self
    }

    /// Turns `fix_imports` (the Python 2 → 3 name mapping of protocol 0–2 streams) on or
    /// off; it is on by default.
    ///
    /// ```
    /// use picklejar_codec::Loader;
    ///
    /// // Protocol 2: GLOBAL 'copy_reg _reconstructor'.
    /// let data = b"\x80\x02ccopy_reg\n_reconstructor\nq\x00.";
    /// let fixed = Loader::new().load(data)?;
    /// assert_eq!(fixed.graph.as_global(fixed.graph.root()).unwrap().module, "copyreg");
    /// let raw = Loader::new().fix_imports(false).load(data)?;
    /// assert_eq!(raw.graph.as_global(raw.graph.root()).unwrap().module, "copy_reg");
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn fix_imports(mut self, on: bool) -> Self {
        self.options.fix_imports = on;
        self
    }

    /// Supplies out-of-band buffers for NEXT_BUFFER (`buffers=`).
    ///
    /// ```
    /// use picklejar_codec::{Loader, Node};
    ///
    /// // Protocol 5: NEXT_BUFFER, READONLY_BUFFER.
    /// let l = Loader::new().buffers(vec![b"abc".to_vec()]).load(b"\x80\x05\x97\x98.")?;
    /// match l.graph.deref(l.graph.root()) {
    ///     Some(Node::Buffer { index: 0, readonly: true, data: Some(d) }) => assert_eq!(&d[..], b"abc"),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn buffers(mut self, b: Vec<Vec<u8>>) -> Self {
        self.options.buffers = Some(b);
        self
    }

    /// Registers a copyreg extension code (for EXT1/EXT2/EXT4).
    ///
    /// ```
    /// use picklejar_codec::Loader;
    ///
    /// // Protocol 2: EXT1 0x42.
    /// let l = Loader::new().extension(0x42, "collections", "OrderedDict").load(b"\x80\x02\x82\x42.")?;
    /// assert_eq!(l.graph.as_global(l.graph.root()).unwrap().name, "OrderedDict");
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn extension(mut self, code: i32, module: &str, name: &str) -> Self {
        self.options
            .extensions
            .insert(code, (module.to_owned(), name.to_owned()));
        self
    }

    /// Sets the limits.
    ///
    /// ```
    /// use picklejar_codec::{ErrorKind, Limits, Loader};
    ///
    /// let e = Loader::new().limits(Limits::DEFAULT.with_max_depth(1)).load(b"((l.");
    /// assert_eq!(e.unwrap_err().kind(), ErrorKind::LimitExceeded);
    /// ```
    pub fn limits(mut self, l: Limits) -> Self {
        self.options.limits = l;
        self
    }

    /// Resolves persistent ids with a hook (`persistent_load`) instead of keeping them as
    /// [`Node::PersId`](crate::Node::PersId) nodes. An `Err` from the hook fails the load.
    ///
    /// ```
    /// use picklejar_codec::{Loader, Value};
    ///
    /// // Protocol 2: BININT1 7, BINPERSID.
    /// let l = Loader::new()
    ///     .persistent_load(|_g, pid| match pid {
    ///         Value::Int(i) => Ok(Value::Int(i * 100)),
    ///         _ => Err("unknown persistent id".into()),
    ///     })
    ///     .load(b"\x80\x02K\x07Q.")?;
    /// assert_eq!(l.graph.root(), Value::Int(700));
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn persistent_load(
        mut self,
        f: impl FnMut(&mut Graph, Value) -> std::result::Result<Value, String> + 'h,
    ) -> Self {
        self.hook = Some(Box::new(f));
        self
    }

    /// Loads the pickle at the start of `data`, stopping at its STOP opcode (what follows
    /// is not read; [`Loaded::end`] says where it starts).
    ///
    /// ```
    /// use picklejar_codec::{Loader, Value};
    ///
    /// let l = Loader::new().load(b"\x80\x04K\x2a.trailing")?;
    /// assert_eq!((l.graph.root(), l.end), (Value::Int(42), 5));
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn load(&mut self, data: &[u8]) -> Result<Loaded> {
        let hook = self
            .hook
            .as_deref_mut()
            .map(|h| h as &mut PersistentLoad<'_>);
        machine::Machine::new(source::Slice::new(data), &self.options, hook).run()
    }

    /// [`Loader::load`], sharing payloads with the input instead of copying them: every
    /// `bytes` and `bytearray` payload of [`SHARE_MIN`](crate::SHARE_MIN) bytes or more
    /// (`BINBYTES`, `BINBYTES8`, `BYTEARRAY8`) is a slice of `data` ([`Payload`](crate::Payload)),
    /// and so is every str that long read as it is stored (`BINUNICODE`, `BINUNICODE8`:
    /// [`Text::is_shared`](crate::Text::is_shared)), which the graph then keeps alive. Loading a file read into a `Vec<u8>` this way
    /// (`Bytes::from(vec)` moves it without a copy) costs no copy of its payloads and no
    /// second copy of them in memory. The graph, the errors and the allocation limit's
    /// verdicts are those of [`Loader::load`] (a shared payload is charged as a copy).
    ///
    /// ```
    /// use picklejar_codec::{Loader, Node};
    ///
    /// // Protocol 4: BINBYTES8 of 300 bytes.
    /// let mut pickle = b"\x80\x04\x8e\x2c\x01\x00\x00\x00\x00\x00\x00".to_vec();
    /// pickle.extend([7u8; 300]);
    /// pickle.push(b'.');
    /// let input = bytes::Bytes::from(pickle);
    /// let l = Loader::new().load_shared(input.clone())?;
    /// let Some(Node::Bytes { data, .. }) = l.graph.deref(l.graph.root()) else { panic!() };
    /// assert!(data.is_shared());
    /// assert_eq!(data.as_ptr(), input[11..].as_ptr()); // the input's own bytes
    /// assert_eq!(l.graph, Loader::new().load(&input)?.graph);
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn load_shared(&mut self, data: bytes::Bytes) -> Result<Loaded> {
        let hook = self
            .hook
            .as_deref_mut()
            .map(|h| h as &mut PersistentLoad<'_>);
        let mut m = machine::Machine::new(source::Slice::new(&data), &self.options, hook);
        m.sharing(&data);
        m.run()
    }

    /// Loads the pickle at the start of what `reader` yields, streamed: the input is read
    /// through a small window as the loader goes and is never held whole, so loading costs
    /// the graph and not the input too (what a decompressor's output needs:
    /// [`crate::compress::load_pickle`] feeds one in). Payloads are read straight into
    /// their nodes. Reading may go past the pickle's STOP (what follows is not examined).
    /// A reader's error ends the input; the load fails with it (a [`crate::Error`] the
    /// reader wraps in [`std::io::Error::other`] comes back as itself, anything else is
    /// [`ErrorKind::Truncated`](crate::ErrorKind::Truncated) with the reader's message).
    ///
    /// ```
    /// use picklejar_codec::{ErrorKind, Loader, Value};
    ///
    /// let l = Loader::new().load_reader(&b"\x80\x04K\x2a."[..])?;
    /// assert_eq!(l.graph.root(), Value::Int(42));
    /// let e = Loader::new().load_reader(&b"\x80\x04K"[..]).unwrap_err();
    /// assert_eq!(e.kind(), ErrorKind::Truncated);
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn load_reader<R: std::io::Read>(&mut self, reader: R) -> Result<Loaded> {
        self.load_stream(reader, 0).0
    }

    /// [`Loader::load_reader`], and the bytes read past the pickle's STOP (the window's
    /// read-ahead, which the reader no longer has). `hint` is about how long the input is.
    pub(crate) fn load_stream<R: std::io::Read>(
        &mut self,
        reader: R,
        hint: usize,
    ) -> (Result<Loaded>, Vec<u8>) {
        let hook = self
            .hook
            .as_deref_mut()
            .map(|h| h as &mut PersistentLoad<'_>);
        let mut err = None;
        let mut src = source::Stream::new(reader, &mut err, self.options.limits.max_alloc, hint);
        let result = machine::Machine::new(&mut src, &self.options, hook).run();
        let ahead = src.read_ahead().to_vec();
        drop(src);
        let result = match (result, err) {
            (Err(_), Some(e)) => Err(reader_error(e)),
            (r, _) => r,
        };
        (result, ahead)
    }

    /// [`Loader::load`], and the finds and calls CPython would make on the way
    /// ([`crate::imports`] has what they mean), in order; they are kept when the load
    /// fails (CPython runs what comes before the error). The log costs nothing when it is
    /// not asked for: [`Loader::load`] runs a copy of the loop compiled without it.
    ///
    /// Each persistent id that loads is a [`Via::PersistentLoad`](crate::Via::PersistentLoad)
    /// call, with or without a [`Loader::persistent_load`] hook; a hook that returns `Err`
    /// stops the load without recording one, which is what CPython does when it has no
    /// `persistent_load` (it raises at the first persistent id).
    ///
    /// ```
    /// use picklejar_codec::{ErrorKind, ImportEvent, Loader, Via};
    ///
    /// // Protocol 2: GLOBAL 'os system', BINUNICODE 'true', TUPLE1, REDUCE, then a cut.
    /// let (loaded, events) = Loader::new().load_with_imports(b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00true\x85R");
    /// assert_eq!(loaded.unwrap_err().kind(), ErrorKind::Truncated);
    /// assert_eq!(events[1], ImportEvent::Call {
    ///     callee: Some(("os".into(), "system".into())),
    ///     via: Via::Reduce,
    /// });
    /// ```
    pub fn load_with_imports(&mut self, data: &[u8]) -> (Result<Loaded>, Vec<ImportEvent>) {
        let hook = self
            .hook
            .as_deref_mut()
            .map(|h| h as &mut PersistentLoad<'_>);
        load_recording(data, &self.options, hook)
    }
}

/// A reader's error as the load's: the [`crate::Error`] it carries, or truncation.
fn reader_error(e: std::io::Error) -> crate::Error {
    match e.into_inner().map(|b| b.downcast::<crate::Error>()) {
        Some(Ok(err)) => *err,
        Some(Err(other)) => crate::Error::new(
            crate::ErrorKind::Truncated,
            format!("reading the input failed: {other}"),
        ),
        None => crate::Error::new(crate::ErrorKind::Truncated, "reading the input failed"),
    }
}

/// Loads with `options` and keeps the import log: what [`Loader::load_with_imports`] and
/// [`crate::imports`] return.
pub(crate) fn load_recording(
    data: &[u8],
    options: &LoadOptions,
    hook: Option<&mut PersistentLoad<'_>>,
) -> (Result<Loaded>, Vec<ImportEvent>) {
    let mut rec = record::Recorder::default();
    let result = {
        // The hook's trait object may live longer than this call; the machine borrows it,
        // and `rec`, for the call only.
        let hook = hook.map(|h| h as &mut PersistentLoad<'_>);
        machine::Machine::recording(source::Slice::new(data), options, hook, &mut rec).run()
    };
    (result, rec.events)
}

/// Loads a pickle with the default options and returns its graph.
///
/// ```
/// let g = picklejar_codec::load(b"\x80\x04K\x2a.")?;
/// assert_eq!(g.root(), picklejar_codec::Value::Int(42));
/// # Ok::<(), picklejar_codec::Error>(())
/// ```
pub fn load(data: &[u8]) -> Result<Graph> {
    Loader::new().load(data).map(|l| l.graph)
}
