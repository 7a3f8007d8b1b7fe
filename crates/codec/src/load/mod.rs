//! Loading: pickle bytes to a [`Graph`], without running code.

mod compat;
mod literal;
mod machine;
mod normalize;
mod options;

pub use compat::{fix_import, py3_to_py2};
pub use options::{DecodeErrors, Encoding, Limits, LoadOptions};

use crate::error::Result;
use crate::value::{Graph, Value};

/// A `persistent_load` hook: given the graph and the persistent id, return the value to use
/// instead, or a message to fail with. Without a hook, ids load as
/// [`Node::PersId`](crate::Node::PersId).
pub type PersistentLoad<'h> =
    dyn FnMut(&mut Graph, Value) -> std::result::Result<Value, String> + 'h;

/// The result of loading one pickle.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// The value graph; its root is what STOP returned.
    pub graph: Graph,
    /// The offset just after STOP: where a following pickle in the same input starts.
    pub end: usize,
    /// The highest protocol a PROTO opcode declared (0 when there was none).
    pub protocol: u8,
}

/// A configured unpickler.
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
    /// A loader with CPython's defaults (`encoding="ASCII"`, `fix_imports=True`) and the
    /// default [`Limits`].
    pub fn new() -> Loader<'h> {
        Loader::default()
    }

    /// A loader with these options.
    pub fn with_options(options: LoadOptions) -> Loader<'h> {
        Loader {
            options,
            hook: None,
        }
    }

    /// The options in use.
    pub fn options(&self) -> &LoadOptions {
        &self.options
    }

    /// Sets how Python 2 `str` loads.
    pub fn encoding(mut self, e: Encoding) -> Self {
        self.options.encoding = e;
        self
    }

    /// Sets the decoding error handler.
    pub fn errors(mut self, e: DecodeErrors) -> Self {
        self.options.errors = e;
        self
    }

    /// Turns `fix_imports` on or off.
    pub fn fix_imports(mut self, on: bool) -> Self {
        self.options.no_fix_imports = !on;
        self
    }

    /// Supplies out-of-band buffers for NEXT_BUFFER.
    pub fn buffers(mut self, b: Vec<Vec<u8>>) -> Self {
        self.options.buffers = Some(b);
        self
    }

    /// Registers a copyreg extension code.
    pub fn extension(mut self, code: i32, module: &str, name: &str) -> Self {
        self.options
            .extensions
            .insert(code, (module.to_owned(), name.to_owned()));
        self
    }

    /// Sets the limits.
    pub fn limits(mut self, l: Limits) -> Self {
        self.options.limits = l;
        self
    }

    /// Resolves persistent ids with a hook instead of keeping them as nodes.
    pub fn persistent_load(
        mut self,
        f: impl FnMut(&mut Graph, Value) -> std::result::Result<Value, String> + 'h,
    ) -> Self {
        self.hook = Some(Box::new(f));
        self
    }

    /// Loads the pickle at the start of `data`, stopping at its STOP opcode.
    pub fn load(&mut self, data: &[u8]) -> Result<Loaded> {
        let hook = self
            .hook
            .as_deref_mut()
            .map(|h| h as &mut PersistentLoad<'_>);
        machine::Machine::new(data, &self.options, hook).run()
    }
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

/// Little-endian two's complement bytes to an int (the LONG1/LONG4 payload).
pub(crate) fn decode_long_le_pub(b: &[u8]) -> num_bigint::BigInt {
    literal::decode_long_le(b)
}
