//! What loading a pickle would make CPython import and call: the `find_class` lookups and
//! the calls its opcodes make, in order, computed by the data-only loader without running
//! anything (the `imports` of a corpus result, `docs/CORPUS.md` section 3).
//!
//! | event | made by | means |
//! |---|---|---|
//! | [`ImportEvent::Find`] | GLOBAL, STACK_GLOBAL, INST; the first EXT1/EXT2/EXT4 of each code | `find_class(module, name)`, names after `fix_imports` (protocol < 3) |
//! | [`ImportEvent::Call`] [`Via::Reduce`] | REDUCE | `callable(*args)` |
//! | [`Via::NewObj`], [`Via::NewObjEx`] | NEWOBJ, NEWOBJ_EX | `cls.__new__(cls, *args[, **kwargs])` |
//! | [`Via::Inst`], [`Via::Obj`] | INST, OBJ | `cls(*args)` (`cls.__new__(cls)` without arguments) |
//! | [`Via::SetState`] | BUILD on an object a find or a call made | its `__setstate__(state)` |
//! | [`Via::PersistentLoad`] | PERSID, BINPERSID | the unpickler's `persistent_load(pid)` |
//!
//! A call names its callable when that is the result of a find (`callee`), else it is
//! `None` (`"?"` in the corpus): a computed callable, such as what
//! `getattr(__import__('os'), 'system')` returns. A `setstate` call names the class of the
//! object when a NEWOBJ, NEWOBJ_EX, INST or OBJ of a found class made it; when an earlier
//! BUILD set a `__setstate__` attribute on the object (a `'__setstate__'` key of its dict
//! or slot state), it names that attribute's value instead, which is what CPython calls.
//! Only objects a find or a call made take part: a BUILD on a list calls nothing.

use std::fmt;

use crate::error::Error;
use crate::load::LoadOptions;

/// How a call was made: the `VIA` of a `[call, MODULE, NAME, VIA]` event.
///
/// ```
/// use picklejar_codec::Via;
///
/// assert_eq!(Via::NewObjEx.as_str(), "newobj_ex");
/// assert_eq!(Via::from_name("setstate"), Some(Via::SetState));
/// assert_eq!(Via::from_name("extension"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Via {
    /// REDUCE: `callable(*args)`.
    Reduce,
    /// NEWOBJ: `cls.__new__(cls, *args)`.
    NewObj,
    /// NEWOBJ_EX: `cls.__new__(cls, *args, **kwargs)`.
    NewObjEx,
    /// INST: `cls(*args)`, or `cls.__new__(cls)` without arguments.
    Inst,
    /// OBJ: as INST, with the class taken from the stack.
    Obj,
    /// BUILD: the object's `__setstate__(state)`.
    SetState,
    /// PERSID, BINPERSID: the unpickler's `persistent_load(pid)`.
    PersistentLoad,
}

impl Via {
    /// Every way, in the order of the table above.
    pub const ALL: [Via; 7] = [
        Via::Reduce,
        Via::NewObj,
        Via::NewObjEx,
        Via::Inst,
        Via::Obj,
        Via::SetState,
        Via::PersistentLoad,
    ];

    /// The corpus spelling: `reduce`, `newobj`, `newobj_ex`, `inst`, `obj`, `setstate`,
    /// `persistent_load`.
    ///
    /// ```
    /// assert_eq!(picklejar_codec::Via::PersistentLoad.as_str(), "persistent_load");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Via::Reduce => "reduce",
            Via::NewObj => "newobj",
            Via::NewObjEx => "newobj_ex",
            Via::Inst => "inst",
            Via::Obj => "obj",
            Via::SetState => "setstate",
            Via::PersistentLoad => "persistent_load",
        }
    }

    /// Parses the corpus spelling.
    ///
    /// ```
    /// use picklejar_codec::Via;
    ///
    /// assert_eq!(Via::from_name("inst"), Some(Via::Inst));
    /// ```
    pub fn from_name(name: &str) -> Option<Via> {
        Via::ALL.into_iter().find(|v| v.as_str() == name)
    }

    /// Whether a call this way instantiates the class it calls (a BUILD on the result
    /// calls that class's `__setstate__`): NEWOBJ, NEWOBJ_EX, INST, OBJ.
    ///
    /// ```
    /// use picklejar_codec::Via;
    ///
    /// assert!(Via::NewObj.instantiates());
    /// assert!(!Via::Reduce.instantiates());
    /// ```
    pub const fn instantiates(self) -> bool {
        matches!(self, Via::NewObj | Via::NewObjEx | Via::Inst | Via::Obj)
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing a CPython unpickler would do on the way through a pickle: look a global up,
/// or call something.
///
/// ```
/// use picklejar_codec::{ImportEvent, Via};
///
/// let e = ImportEvent::Call { callee: Some(("os".into(), "system".into())), via: Via::Reduce };
/// assert_eq!(e.to_strings(), ["call", "os", "system", "reduce"]);
/// assert_eq!(e.to_string(), "call os.system via reduce");
/// assert_eq!(ImportEvent::from_strings(&e.to_strings()), Some(e));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ImportEvent {
    /// `find_class(module, name)`: the names CPython looks up (after `fix_imports`).
    Find {
        /// The module.
        module: String,
        /// The (possibly dotted) name in it.
        name: String,
    },
    /// A call.
    Call {
        /// `(module, name)` of the callable when a find returned it; `None` for a computed
        /// callable (and for `persistent_load`, the unpickler's own).
        callee: Option<(String, String)>,
        /// How the stream made the call.
        via: Via,
    },
}

impl ImportEvent {
    /// The corpus spelling: `["find", MODULE, NAME]` or `["call", MODULE, NAME, VIA]`, with
    /// `"?"` for the module and name of a call whose callable no find returned.
    ///
    /// ```
    /// use picklejar_codec::{ImportEvent, Via};
    ///
    /// let e = ImportEvent::Call { callee: None, via: Via::SetState };
    /// assert_eq!(e.to_strings(), ["call", "?", "?", "setstate"]);
    /// ```
    pub fn to_strings(&self) -> Vec<String> {
        match self {
            ImportEvent::Find { module, name } => vec!["find".into(), module.clone(), name.clone()],
            ImportEvent::Call { callee, via } => {
                let (m, n) = match callee {
                    Some((m, n)) => (m.clone(), n.clone()),
                    None => ("?".into(), "?".into()),
                };
                vec!["call".into(), m, n, via.as_str().into()]
            }
        }
    }

    /// Parses the corpus spelling ([`ImportEvent::to_strings`]); `None` for anything else.
    /// A call's `"?"`, `"?"` is `callee: None`.
    ///
    /// ```
    /// use picklejar_codec::ImportEvent;
    ///
    /// let e = ImportEvent::from_strings(&["find", "builtins", "getattr"]).unwrap();
    /// assert!(matches!(e, ImportEvent::Find { .. }));
    /// assert_eq!(ImportEvent::from_strings(&["find", "os"]), None);
    /// ```
    pub fn from_strings<S: AsRef<str>>(items: &[S]) -> Option<ImportEvent> {
        let s: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
        match s.as_slice() {
            ["find", m, n] => Some(ImportEvent::Find {
                module: (*m).to_owned(),
                name: (*n).to_owned(),
            }),
            ["call", m, n, via] => Some(ImportEvent::Call {
                callee: (!(*m == "?" && *n == "?")).then(|| ((*m).to_owned(), (*n).to_owned())),
                via: Via::from_name(via)?,
            }),
            _ => None,
        }
    }
}

impl fmt::Display for ImportEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportEvent::Find { module, name } => write!(f, "find {module}.{name}"),
            ImportEvent::Call {
                callee: Some((m, n)),
                via,
            } => write!(f, "call {m}.{n} via {via}"),
            ImportEvent::Call { callee: None, via } => write!(f, "call ? via {via}"),
        }
    }
}

/// What [`imports`] found: the events in order, and the error the load stopped at (the
/// events before it are kept: CPython runs a REDUCE before it finds that the rest of the
/// stream is garbage).
///
/// ```
/// use picklejar_codec::{ErrorKind, LoadOptions, imports};
///
/// // GLOBAL 'os system', MARK, STRING 'true', TUPLE, REDUCE, then a byte that is no opcode.
/// let got = imports(b"cos\nsystem\n(S'true'\ntR\xff", &LoadOptions::default());
/// assert_eq!(got.events.len(), 2);
/// assert_eq!(got.error.map(|e| e.kind()), Some(ErrorKind::UnknownOpcode));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Imports {
    /// The finds and calls, in the order CPython would make them.
    pub events: Vec<ImportEvent>,
    /// Why the load stopped early, if it did.
    pub error: Option<Error>,
}

impl Imports {
    /// The events in the corpus spelling ([`ImportEvent::to_strings`]).
    ///
    /// ```
    /// use picklejar_codec::{LoadOptions, imports};
    ///
    /// let got = imports(b"\x80\x02c__builtin__\nset\n.", &LoadOptions::default());
    /// assert_eq!(got.to_strings(), [["find", "builtins", "set"]]);
    /// ```
    pub fn to_strings(&self) -> Vec<Vec<String>> {
        self.events.iter().map(ImportEvent::to_strings).collect()
    }
}

/// The finds and calls CPython would make loading `data` (one pickle, decompressed) with
/// these options, computed by the data-only loader: nothing is imported or run. The
/// extension registry, `fix_imports` and the encoding options matter (a Python 2 `str`
/// that does not decode stops the load where CPython stops); out-of-band buffers are
/// taken from the options.
///
/// Persistent ids load as data (no `persistent_load` hook), and each is a
/// [`Via::PersistentLoad`] call; CPython without `persistent_load` raises at the first one
/// instead. To stop there too, use [`Loader::load_with_imports`](crate::Loader::load_with_imports)
/// with a hook that returns `Err`.
///
/// ```
/// use picklejar_codec::{ImportEvent, LoadOptions, Via, imports};
///
/// // Protocol 2: GLOBAL 'os system', BINUNICODE 'true', TUPLE1, REDUCE, STOP.
/// let got = imports(b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00true\x85R.", &LoadOptions::default());
/// assert_eq!(got.error, None);
/// assert_eq!(got.events, [
///     ImportEvent::Find { module: "os".into(), name: "system".into() },
///     ImportEvent::Call { callee: Some(("os".into(), "system".into())), via: Via::Reduce },
/// ]);
/// ```
pub fn imports(data: &[u8], options: &LoadOptions) -> Imports {
    let (result, events) = crate::load::load_recording(data, options, None);
    Imports {
        events,
        error: result.err(),
    }
}
