//! The pickle opcode table: every opcode of protocols 0–5, as `pickletools` describes it.
//!
//! One table ([`opcode_table!`]) names each opcode once, with its byte, its argument
//! encoding, the protocol that introduced it, its stack effect and how the loader dispatches
//! it. Everything else is generated from it:
//!
//! * [`Opcode`] and its accessors ([`Opcode::name`], [`Opcode::arg`], [`Opcode::protocol`],
//!   [`Opcode::stack_before`], [`Opcode::stack_after`], [`Opcode::from_byte`]);
//! * the byte constants the pickler writes and the loader matches on ([`op`]:
//!   `op::MEMOIZE`, `op::FRAME`, …), named as `pickletools` names the opcodes;
//! * the loader's dispatch on the opcode byte (`load/machine.rs` expands the table: the
//!   `hot` rows are inlined into its loop, the `cold` ones go out of line);
//! * the disassembler's stack annotations (`dis.rs` applies [`Opcode::stack_before`] and
//!   [`Opcode::stack_after`]).
//!
//! `tests/opcode_table.rs` checks every row against CPython 3.13's `pickletools.opcodes`.

/// How an opcode's argument is encoded in the stream: `pickletools`' argument descriptors
/// (`ArgumentDescriptor`), one variant each.
///
/// ```
/// use picklejar_codec::{ArgKind, Opcode};
///
/// assert_eq!(Opcode::BinUnicode.arg(), ArgKind::UnicodeString4);
/// assert_eq!(ArgKind::UnicodeString4.name(), "unicodestring4");
/// assert_eq!(Opcode::Global.arg().name(), "stringnl_noescape_pair");
/// assert_eq!(Opcode::Mark.arg(), ArgKind::None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgKind {
    /// No argument.
    None,
    /// `uint1`: one unsigned byte.
    Uint1,
    /// `uint2`: two bytes, unsigned little-endian.
    Uint2,
    /// `uint4`: four bytes, unsigned little-endian.
    Uint4,
    /// `uint8`: eight bytes, unsigned little-endian.
    Uint8,
    /// `int4`: four bytes, signed little-endian.
    Int4,
    /// `long1`: a one-byte length, then a little-endian two's complement integer.
    Long1,
    /// `long4`: a four-byte signed length, then a little-endian two's complement integer.
    Long4,
    /// `float8`: eight bytes, a big-endian IEEE 754 double.
    Float8,
    /// `floatnl`: float text up to a newline (`FLOAT`).
    FloatNl,
    /// `decimalnl_short`: decimal text up to a newline; `00`/`01` are False/True (`INT`,
    /// `GET`, `PUT`).
    DecimalNlShort,
    /// `decimalnl_long`: decimal text with an optional trailing `L`, up to a newline (`LONG`).
    DecimalNlLong,
    /// `stringnl`: a Python-quoted string literal up to a newline (`STRING`).
    StringNl,
    /// `stringnl_noescape`: raw text up to a newline (`PERSID`).
    StringNlNoEscape,
    /// `stringnl_noescape_pair`: two newline-terminated names (`GLOBAL`, `INST`).
    StringNlNoEscapePair,
    /// `string1`: a one-byte length, then that many bytes of a Python 2 `str`.
    String1,
    /// `string4`: a four-byte signed length, then that many bytes of a Python 2 `str`.
    String4,
    /// `bytes1`: a one-byte length, then that many bytes.
    Bytes1,
    /// `bytes4`: a four-byte unsigned length, then that many bytes.
    Bytes4,
    /// `bytes8`: an eight-byte length, then that many bytes.
    Bytes8,
    /// `bytearray8`: an eight-byte length, then that many bytes of a bytearray.
    ByteArray8,
    /// `unicodestring1`: a one-byte length, then that much UTF-8.
    UnicodeString1,
    /// `unicodestring4`: a four-byte length, then that much UTF-8.
    UnicodeString4,
    /// `unicodestring8`: an eight-byte length, then that much UTF-8.
    UnicodeString8,
    /// `unicodestringnl`: raw-unicode-escape text up to a newline (`UNICODE`).
    UnicodeStringNl,
}

impl ArgKind {
    /// The length of an argument of this kind when it is the same for every argument
    /// (`None`, the ints and `float8`); `None` for those whose length is in the stream.
    ///
    /// ```
    /// use picklejar_codec::ArgKind;
    ///
    /// assert_eq!(ArgKind::Int4.fixed_len(), Some(4));
    /// assert_eq!(ArgKind::None.fixed_len(), Some(0));
    /// assert_eq!(ArgKind::Bytes1.fixed_len(), None);
    /// ```
    pub const fn fixed_len(self) -> Option<usize> {
        match self {
            ArgKind::None => Some(0),
            ArgKind::Uint1 => Some(1),
            ArgKind::Uint2 => Some(2),
            ArgKind::Uint4 | ArgKind::Int4 => Some(4),
            ArgKind::Uint8 | ArgKind::Float8 => Some(8),
            _ => None,
        }
    }

    /// The length of an argument of this kind at the start of `rest`, its length prefix
    /// or newline included; `None` when it does not fit in `rest` (or a signed length is
    /// negative). What a walk over the opcodes needs, building nothing.
    ///
    /// ```
    /// use picklejar_codec::ArgKind;
    ///
    /// assert_eq!(ArgKind::Uint2.len_in(b"\x01\x02\x03"), Some(2));
    /// assert_eq!(ArgKind::Bytes1.len_in(b"\x02ab."), Some(3));
    /// assert_eq!(ArgKind::StringNl.len_in(b"'a'\n."), Some(4));
    /// assert_eq!(ArgKind::StringNlNoEscapePair.len_in(b"m\nn\n."), Some(4));
    /// assert_eq!(ArgKind::Bytes4.len_in(b"\x05\x00\x00\x00ab"), None);
    /// assert_eq!(ArgKind::String4.len_in(b"\xff\xff\xff\xff"), None);
    /// ```
    #[inline]
    pub fn len_in(self, rest: &[u8]) -> Option<usize> {
        if let Some(n) = self.fixed_len() {
            return (n <= rest.len()).then_some(n);
        }
        let line = |from: usize| -> Option<usize> {
            let at = rest.get(from..)?.iter().position(|&c| c == b'\n')?;
            Some(from + at + 1)
        };
        let n = match self {
            ArgKind::Long1 | ArgKind::String1 | ArgKind::Bytes1 | ArgKind::UnicodeString1 => {
                1 + usize::from(*rest.first()?)
            }
            ArgKind::Long4 | ArgKind::String4 => {
                // Signed lengths: a negative one is an error of the stream.
                let n = i32::from_le_bytes(*rest.first_chunk::<4>()?);
                4 + usize::try_from(n).ok()?
            }
            ArgKind::Bytes4 | ArgKind::UnicodeString4 => {
                4 + u32::from_le_bytes(*rest.first_chunk::<4>()?) as usize
            }
            ArgKind::Bytes8 | ArgKind::ByteArray8 | ArgKind::UnicodeString8 => {
                let n = u64::from_le_bytes(*rest.first_chunk::<8>()?);
                8usize.checked_add(usize::try_from(n).ok()?)?
            }
            ArgKind::FloatNl
            | ArgKind::DecimalNlShort
            | ArgKind::DecimalNlLong
            | ArgKind::StringNl
            | ArgKind::StringNlNoEscape
            | ArgKind::UnicodeStringNl => line(0)?,
            ArgKind::StringNlNoEscapePair => line(line(0)?)?,
            // The fixed lengths, taken above.
            ArgKind::None
            | ArgKind::Uint1
            | ArgKind::Uint2
            | ArgKind::Uint4
            | ArgKind::Int4
            | ArgKind::Uint8
            | ArgKind::Float8 => return None,
        };
        (n <= rest.len()).then_some(n)
    }

    /// The name of `pickletools`' descriptor (`uint1`, `unicodestring4`, …); `None` for
    /// no argument.
    ///
    /// ```
    /// use picklejar_codec::ArgKind;
    ///
    /// assert_eq!(ArgKind::DecimalNlShort.name(), "decimalnl_short");
    /// assert_eq!(ArgKind::None.name(), "None");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ArgKind::None => "None",
            ArgKind::Uint1 => "uint1",
            ArgKind::Uint2 => "uint2",
            ArgKind::Uint4 => "uint4",
            ArgKind::Uint8 => "uint8",
            ArgKind::Int4 => "int4",
            ArgKind::Long1 => "long1",
            ArgKind::Long4 => "long4",
            ArgKind::Float8 => "float8",
            ArgKind::FloatNl => "floatnl",
            ArgKind::DecimalNlShort => "decimalnl_short",
            ArgKind::DecimalNlLong => "decimalnl_long",
            ArgKind::StringNl => "stringnl",
            ArgKind::StringNlNoEscape => "stringnl_noescape",
            ArgKind::StringNlNoEscapePair => "stringnl_noescape_pair",
            ArgKind::String1 => "string1",
            ArgKind::String4 => "string4",
            ArgKind::Bytes1 => "bytes1",
            ArgKind::Bytes4 => "bytes4",
            ArgKind::Bytes8 => "bytes8",
            ArgKind::ByteArray8 => "bytearray8",
            ArgKind::UnicodeString1 => "unicodestring1",
            ArgKind::UnicodeString4 => "unicodestring4",
            ArgKind::UnicodeString8 => "unicodestring8",
            ArgKind::UnicodeStringNl => "unicodestringnl",
        }
    }
}

/// One entry of an opcode's stack effect: `pickletools`' stack objects (`StackObject`).
///
/// [`Opcode::stack_before`] lists what an opcode pops (bottom first), [`Opcode::stack_after`]
/// what it pushes. [`StackItem::Mark`] is a MARK on the mark stack and [`StackItem::StackSlice`]
/// everything pushed since it: `APPENDS` pops `[list, mark, stackslice]` and pushes `[list]`.
///
/// ```
/// use picklejar_codec::Opcode;
///
/// let before: Vec<_> = Opcode::Appends.stack_before().iter().map(|i| i.name()).collect();
/// assert_eq!(before, ["list", "mark", "stackslice"]);
/// assert_eq!(Opcode::Appends.stack_after()[0].name(), "list");
/// assert_eq!(Opcode::Dup.stack_after().len(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StackItem {
    /// `None`.
    None,
    /// `any`: any object.
    Any,
    /// `bool`.
    Bool,
    /// `buffer`: a `PickleBuffer`.
    Buffer,
    /// `bytearray`.
    ByteArray,
    /// `bytes`.
    Bytes,
    /// `bytes_or_str`: a Python 2 `str` (bytes or str, depending on the encoding).
    BytesOrStr,
    /// `dict`.
    Dict,
    /// `float`.
    Float,
    /// `frozenset`.
    FrozenSet,
    /// `int`.
    Int,
    /// `int_or_bool`: what `INT` makes (`I01` is True).
    IntOrBool,
    /// `list`.
    List,
    /// `mark`: a MARK.
    Mark,
    /// `set`.
    Set,
    /// `stackslice`: every item above the topmost MARK.
    StackSlice,
    /// `str`.
    Str,
    /// `tuple`.
    Tuple,
}

impl StackItem {
    /// The name `pickletools` gives it (`any`, `mark`, `stackslice`, `list`, …).
    ///
    /// ```
    /// use picklejar_codec::Opcode;
    ///
    /// assert_eq!(Opcode::Mark.stack_after()[0].name(), "mark");
    /// assert_eq!(Opcode::Int.stack_after()[0].name(), "int_or_bool");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            StackItem::None => "None",
            StackItem::Any => "any",
            StackItem::Bool => "bool",
            StackItem::Buffer => "buffer",
            StackItem::ByteArray => "bytearray",
            StackItem::Bytes => "bytes",
            StackItem::BytesOrStr => "bytes_or_str",
            StackItem::Dict => "dict",
            StackItem::Float => "float",
            StackItem::FrozenSet => "frozenset",
            StackItem::Int => "int",
            StackItem::IntOrBool => "int_or_bool",
            StackItem::List => "list",
            StackItem::Mark => "mark",
            StackItem::Set => "set",
            StackItem::StackSlice => "stackslice",
            StackItem::Str => "str",
            StackItem::Tuple => "tuple",
        }
    }
}

/// The opcode table, handed to a macro: `opcode_table!(callback)` expands to
/// `callback! { rows }`, and `opcode_table!(callback [tokens])` to
/// `callback! { [tokens] rows }`.
///
/// A row is
///
/// ```text
/// Variant NAME = byte, argument, protocol, [stack before] -> [stack after], dispatch;
/// ```
///
/// in `pickletools.opcodes` order: the [`Opcode`] variant, the `pickletools` name (also the
/// name of its constant in [`op`]), the byte, the [`ArgKind`], the protocol that introduced
/// it, the [`StackItem`]s it pops and pushes, and `hot` or `cold`: whether the loader inlines
/// it into its loop (the opcodes that make up most of a typical pickle) or calls out of line.
macro_rules! opcode_table {
    ($callback:ident $([$($extra:tt)*])?) => {
        $callback! {
            $([$($extra)*])?
            Int INT = b'I', DecimalNlShort, 0, [] -> [IntOrBool], cold;
            BinInt BININT = b'J', Int4, 1, [] -> [Int], hot;
            BinInt1 BININT1 = b'K', Uint1, 1, [] -> [Int], hot;
            BinInt2 BININT2 = b'M', Uint2, 1, [] -> [Int], hot;
            Long LONG = b'L', DecimalNlLong, 0, [] -> [Int], cold;
            Long1 LONG1 = 0x8a, Long1, 2, [] -> [Int], cold;
            Long4 LONG4 = 0x8b, Long4, 2, [] -> [Int], cold;
            String STRING = b'S', StringNl, 0, [] -> [BytesOrStr], cold;
            BinString BINSTRING = b'T', String4, 1, [] -> [BytesOrStr], cold;
            ShortBinString SHORT_BINSTRING = b'U', String1, 1, [] -> [BytesOrStr], cold;
            BinBytes BINBYTES = b'B', Bytes4, 3, [] -> [Bytes], cold;
            ShortBinBytes SHORT_BINBYTES = b'C', Bytes1, 3, [] -> [Bytes], hot;
            BinBytes8 BINBYTES8 = 0x8e, Bytes8, 4, [] -> [Bytes], cold;
            ByteArray8 BYTEARRAY8 = 0x96, ByteArray8, 5, [] -> [ByteArray], cold;
            NextBuffer NEXT_BUFFER = 0x97, None, 5, [] -> [Buffer], cold;
            ReadonlyBuffer READONLY_BUFFER = 0x98, None, 5, [Buffer] -> [Buffer], cold;
            None NONE = b'N', None, 0, [] -> [None], hot;
            NewTrue NEWTRUE = 0x88, None, 2, [] -> [Bool], hot;
            NewFalse NEWFALSE = 0x89, None, 2, [] -> [Bool], hot;
            Unicode UNICODE = b'V', UnicodeStringNl, 0, [] -> [Str], cold;
            ShortBinUnicode SHORT_BINUNICODE = 0x8c, UnicodeString1, 4, [] -> [Str], hot;
            BinUnicode BINUNICODE = b'X', UnicodeString4, 1, [] -> [Str], hot;
            BinUnicode8 BINUNICODE8 = 0x8d, UnicodeString8, 4, [] -> [Str], cold;
            Float FLOAT = b'F', FloatNl, 0, [] -> [Float], cold;
            BinFloat BINFLOAT = b'G', Float8, 1, [] -> [Float], hot;
            EmptyList EMPTY_LIST = b']', None, 1, [] -> [List], hot;
            Append APPEND = b'a', None, 0, [List, Any] -> [List], hot;
            Appends APPENDS = b'e', None, 1, [List, Mark, StackSlice] -> [List], hot;
            List LIST = b'l', None, 0, [Mark, StackSlice] -> [List], cold;
            EmptyTuple EMPTY_TUPLE = b')', None, 1, [] -> [Tuple], hot;
            Tuple TUPLE = b't', None, 0, [Mark, StackSlice] -> [Tuple], hot;
            Tuple1 TUPLE1 = 0x85, None, 2, [Any] -> [Tuple], hot;
            Tuple2 TUPLE2 = 0x86, None, 2, [Any, Any] -> [Tuple], hot;
            Tuple3 TUPLE3 = 0x87, None, 2, [Any, Any, Any] -> [Tuple], hot;
            EmptyDict EMPTY_DICT = b'}', None, 1, [] -> [Dict], hot;
            Dict DICT = b'd', None, 0, [Mark, StackSlice] -> [Dict], cold;
            SetItem SETITEM = b's', None, 0, [Dict, Any, Any] -> [Dict], hot;
            SetItems SETITEMS = b'u', None, 1, [Dict, Mark, StackSlice] -> [Dict], hot;
            EmptySet EMPTY_SET = 0x8f, None, 4, [] -> [Set], hot;
            AddItems ADDITEMS = 0x90, None, 4, [Set, Mark, StackSlice] -> [Set], cold;
            FrozenSet FROZENSET = 0x91, None, 4, [Mark, StackSlice] -> [FrozenSet], cold;
            Pop POP = b'0', None, 0, [Any] -> [], cold;
            Dup DUP = b'2', None, 0, [Any] -> [Any, Any], cold;
            Mark MARK = b'(', None, 0, [] -> [Mark], hot;
            PopMark POP_MARK = b'1', None, 1, [Mark, StackSlice] -> [], cold;
            Get GET = b'g', DecimalNlShort, 0, [] -> [Any], cold;
            BinGet BINGET = b'h', Uint1, 1, [] -> [Any], hot;
            LongBinGet LONG_BINGET = b'j', Uint4, 1, [] -> [Any], hot;
            Put PUT = b'p', DecimalNlShort, 0, [] -> [], cold;
            BinPut BINPUT = b'q', Uint1, 1, [] -> [], hot;
            LongBinPut LONG_BINPUT = b'r', Uint4, 1, [] -> [], hot;
            Memoize MEMOIZE = 0x94, None, 4, [Any] -> [Any], hot;
            Ext1 EXT1 = 0x82, Uint1, 2, [] -> [Any], cold;
            Ext2 EXT2 = 0x83, Uint2, 2, [] -> [Any], cold;
            Ext4 EXT4 = 0x84, Int4, 2, [] -> [Any], cold;
            Global GLOBAL = b'c', StringNlNoEscapePair, 0, [] -> [Any], cold;
            StackGlobal STACK_GLOBAL = 0x93, None, 4, [Str, Str] -> [Any], cold;
            Reduce REDUCE = b'R', None, 0, [Any, Any] -> [Any], hot;
            Build BUILD = b'b', None, 0, [Any, Any] -> [Any], hot;
            Inst INST = b'i', StringNlNoEscapePair, 0, [Mark, StackSlice] -> [Any], cold;
            Obj OBJ = b'o', None, 1, [Mark, Any, StackSlice] -> [Any], cold;
            NewObj NEWOBJ = 0x81, None, 2, [Any, Any] -> [Any], hot;
            NewObjEx NEWOBJ_EX = 0x92, None, 4, [Any, Any, Any] -> [Any], cold;
            Proto PROTO = 0x80, Uint1, 2, [] -> [], cold;
            Stop STOP = b'.', None, 0, [Any] -> [], cold;
            Frame FRAME = 0x95, Uint8, 4, [] -> [], hot;
            PersId PERSID = b'P', StringNlNoEscape, 0, [] -> [Any], cold;
            BinPersId BINPERSID = b'Q', None, 1, [Any] -> [Any], cold;
        }
    };
}
pub(crate) use opcode_table;

/// Expands the table into [`Opcode`], its accessors and the [`op`] byte constants.
macro_rules! define_opcodes {
    ($(
        $variant:ident $name:ident = $byte:literal, $arg:ident, $proto:literal,
        [$($before:ident),*] -> [$($after:ident),*], $dispatch:ident;
    )*) => {
        /// A pickle opcode: one variant per row of the opcode table, named after the
        /// opcode's `pickletools` name (`MEMOIZE` is [`Opcode::Memoize`]); its discriminant
        /// is its byte.
        ///
        /// ```
        /// use picklejar_codec::Opcode;
        ///
        /// let op = Opcode::from_byte(0x94).expect("an opcode");
        /// assert_eq!(op, Opcode::Memoize);
        /// assert_eq!((op.name(), op as u8, op.protocol()), ("MEMOIZE", 0x94, 4));
        /// assert_eq!(Opcode::from_name("STACK_GLOBAL"), Some(Opcode::StackGlobal));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Opcode {
            $(
                #[doc = concat!(
                    "`", stringify!($name), "`: byte `", stringify!($byte), "`, protocol ",
                    stringify!($proto), ", argument [`ArgKind::", stringify!($arg), "`]."
                )]
                $variant = $byte,
            )*
        }

        impl Opcode {
            /// Every opcode, in `pickletools.opcodes` order.
            ///
            /// ```
            /// use picklejar_codec::Opcode;
            ///
            /// assert_eq!(Opcode::ALL.len(), 68);
            /// assert_eq!(Opcode::ALL[0], Opcode::Int);
            /// ```
            pub const ALL: &'static [Opcode] = &[ $( Opcode::$variant, )* ];

            /// The opcode for a byte, if it is one.
            ///
            /// ```
            /// use picklejar_codec::Opcode;
            ///
            /// assert_eq!(Opcode::from_byte(b'('), Some(Opcode::Mark));
            /// assert_eq!(Opcode::from_byte(0xff), None);
            /// ```
            #[inline]
            pub const fn from_byte(b: u8) -> Option<Opcode> {
                Self::BY_BYTE[b as usize]
            }

            /// [`Opcode::from_byte`]'s table: one load, where a `match` compiled to a
            /// call and some twenty instructions (the loader decodes every opcode it does
            /// not dispatch on directly through it).
            const BY_BYTE: [Option<Opcode>; 256] = {
                let mut t = [None; 256];
                $( t[$byte as usize] = Some(Opcode::$variant); )*
                t
            };

            /// The opcode `pickletools` calls `name`, if there is one.
            ///
            /// ```
            /// use picklejar_codec::Opcode;
            ///
            /// assert_eq!(Opcode::from_name("BININT1"), Some(Opcode::BinInt1));
            /// assert_eq!(Opcode::from_name("BinInt1"), None);
            /// ```
            pub fn from_name(name: &str) -> Option<Opcode> {
                match name { $( stringify!($name) => Some(Opcode::$variant), )* _ => None }
            }

            /// The name `pickletools` gives it (`BININT1`, `STACK_GLOBAL`, …).
            ///
            /// ```
            /// use picklejar_codec::Opcode;
            ///
            /// assert_eq!(Opcode::StackGlobal.name(), "STACK_GLOBAL");
            /// ```
            pub const fn name(self) -> &'static str {
                match self { $( Opcode::$variant => stringify!($name), )* }
            }

            /// How its argument is encoded.
            ///
            /// ```
            /// use picklejar_codec::{ArgKind, Opcode};
            ///
            /// assert_eq!(Opcode::Frame.arg(), ArgKind::Uint8);
            /// ```
            pub const fn arg(self) -> ArgKind {
                match self { $( Opcode::$variant => ArgKind::$arg, )* }
            }

            /// The protocol that introduced it.
            ///
            /// ```
            /// use picklejar_codec::Opcode;
            ///
            /// assert_eq!(Opcode::ByteArray8.protocol(), 5);
            /// ```
            pub const fn protocol(self) -> u8 {
                match self { $( Opcode::$variant => $proto, )* }
            }

            /// What it pops, bottom first (`pickletools`' `stack_before`). A
            /// [`StackItem::Mark`] pops the topmost MARK and, with the
            /// [`StackItem::StackSlice`] after it, everything above that MARK.
            ///
            /// ```
            /// use picklejar_codec::Opcode;
            ///
            /// let names: Vec<_> = Opcode::SetItem.stack_before().iter().map(|i| i.name()).collect();
            /// assert_eq!(names, ["dict", "any", "any"]);
            /// ```
            pub const fn stack_before(self) -> &'static [StackItem] {
                match self { $( Opcode::$variant => &[ $( StackItem::$before, )* ], )* }
            }

            /// What it pushes, bottom first (`pickletools`' `stack_after`); MARK pushes a
            /// [`StackItem::Mark`].
            ///
            /// ```
            /// use picklejar_codec::Opcode;
            ///
            /// assert!(Opcode::Put.stack_after().is_empty());
            /// assert_eq!(Opcode::EmptyTuple.stack_after()[0].name(), "tuple");
            /// ```
            pub const fn stack_after(self) -> &'static [StackItem] {
                match self { $( Opcode::$variant => &[ $( StackItem::$after, )* ], )* }
            }
        }

        /// The opcode bytes by their `pickletools` names, for writing and matching on
        /// bytes: `op::MEMOIZE == Opcode::Memoize as u8`.
        #[allow(dead_code)]
        pub(crate) mod op {
            $(
                #[doc = concat!("The byte of [`", stringify!($name), "`](super::Opcode::", stringify!($variant), ").")]
                pub(crate) const $name: u8 = $byte;
            )*
        }
    };
}

opcode_table!(define_opcodes);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_a_bijection_over_68_bytes() {
        assert_eq!(Opcode::ALL.len(), 68);
        let mut seen = [false; 256];
        for &op in Opcode::ALL {
            let b = op as u8;
            assert!(!seen[b as usize], "duplicate byte {b:#x}");
            seen[b as usize] = true;
            assert_eq!(Opcode::from_byte(b), Some(op));
            assert_eq!(Opcode::from_name(op.name()), Some(op));
        }
        assert_eq!(Opcode::from_byte(0xff), None);
        assert_eq!(Opcode::from_byte(b'Z'), None);
    }

    #[test]
    fn byte_constants_are_the_opcodes() {
        assert_eq!(op::MEMOIZE, Opcode::Memoize as u8);
        assert_eq!(op::FRAME, 0x95);
        assert_eq!(op::MARK, b'(');
        assert_eq!(op::SHORT_BINUNICODE, Opcode::ShortBinUnicode as u8);
    }

    #[test]
    fn marks_are_only_where_pickletools_has_them() {
        for &op in Opcode::ALL {
            let before = op.stack_before();
            // A stack slice always follows a mark (after at most one fixed item, OBJ's class).
            if let Some(i) = before.iter().position(|&s| s == StackItem::StackSlice) {
                assert!(before[..i].contains(&StackItem::Mark), "{}", op.name());
                assert_eq!(i, before.len() - 1, "{}", op.name());
            }
            assert!(!op.stack_after().contains(&StackItem::StackSlice));
            assert!(op.stack_after().contains(&StackItem::Mark) == (op == Opcode::Mark));
        }
    }
}
