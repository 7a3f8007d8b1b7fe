//! The pickle opcode table: every opcode of protocols 0–5, as `pickletools` names it.

/// How an opcode's argument is encoded in the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// No argument.
    None,
    /// One unsigned byte.
    U8,
    /// Two bytes, unsigned little-endian.
    U16,
    /// Four bytes, signed little-endian.
    I32,
    /// Four bytes, unsigned little-endian.
    U32,
    /// Eight bytes, unsigned little-endian.
    U64,
    /// Decimal text up to a newline (`INT`, `GET`, `PUT`).
    DecimalNl,
    /// Decimal text with an optional trailing `L`, up to a newline (`LONG`).
    LongNl,
    /// Float text up to a newline (`FLOAT`).
    FloatNl,
    /// A Python-quoted string literal up to a newline (`STRING`).
    StringNl,
    /// Raw text up to a newline (`PERSID`).
    TextNl,
    /// Two newline-terminated names (`GLOBAL`, `INST`).
    TextNlPair,
    /// Raw-unicode-escape text up to a newline (`UNICODE`).
    UnicodeNl,
    /// A one-byte length then that many bytes.
    Bytes1,
    /// A four-byte length then that many bytes (signed for `BINSTRING`).
    Bytes4,
    /// An eight-byte length then that many bytes.
    Bytes8,
    /// A one-byte length then a little-endian two's complement integer (`LONG1`).
    Long1,
    /// A four-byte signed length then a little-endian two's complement integer (`LONG4`).
    Long4,
    /// Eight bytes, big-endian IEEE 754 double (`BINFLOAT`).
    F64,
}

macro_rules! opcodes {
    ($( $variant:ident = $byte:literal, $name:literal, $arg:ident, $proto:literal; )*) => {
        /// A pickle opcode.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        #[repr(u8)]
        pub enum Opcode { $( $variant = $byte, )* }

        impl Opcode {
            /// Every opcode, in `pickletools.opcodes` order.
            pub const ALL: &'static [Opcode] = &[ $( Opcode::$variant, )* ];

            /// The opcode for a byte, if it is one.
            #[inline]
            pub fn from_byte(b: u8) -> Option<Opcode> {
                match b { $( $byte => Some(Opcode::$variant), )* _ => None }
            }

            /// The name `pickletools` gives it (`BININT1`, `STACK_GLOBAL`, …).
            pub fn name(self) -> &'static str {
                match self { $( Opcode::$variant => $name, )* }
            }

            /// How its argument is encoded.
            pub fn arg(self) -> ArgKind {
                match self { $( Opcode::$variant => ArgKind::$arg, )* }
            }

            /// The protocol that introduced it.
            pub fn protocol(self) -> u8 {
                match self { $( Opcode::$variant => $proto, )* }
            }
        }
    };
}

opcodes! {
    Int = b'I', "INT", DecimalNl, 0;
    BinInt = b'J', "BININT", I32, 1;
    BinInt1 = b'K', "BININT1", U8, 1;
    BinInt2 = b'M', "BININT2", U16, 1;
    Long = b'L', "LONG", LongNl, 0;
    Long1 = 0x8a, "LONG1", Long1, 2;
    Long4 = 0x8b, "LONG4", Long4, 2;
    String = b'S', "STRING", StringNl, 0;
    BinString = b'T', "BINSTRING", Bytes4, 1;
    ShortBinString = b'U', "SHORT_BINSTRING", Bytes1, 1;
    BinBytes = b'B', "BINBYTES", Bytes4, 3;
    ShortBinBytes = b'C', "SHORT_BINBYTES", Bytes1, 3;
    BinBytes8 = 0x8e, "BINBYTES8", Bytes8, 4;
    ByteArray8 = 0x96, "BYTEARRAY8", Bytes8, 5;
    NextBuffer = 0x97, "NEXT_BUFFER", None, 5;
    ReadonlyBuffer = 0x98, "READONLY_BUFFER", None, 5;
    None = b'N', "NONE", None, 0;
    NewTrue = 0x88, "NEWTRUE", None, 2;
    NewFalse = 0x89, "NEWFALSE", None, 2;
    Unicode = b'V', "UNICODE", UnicodeNl, 0;
    ShortBinUnicode = 0x8c, "SHORT_BINUNICODE", Bytes1, 4;
    BinUnicode = b'X', "BINUNICODE", Bytes4, 1;
    BinUnicode8 = 0x8d, "BINUNICODE8", Bytes8, 4;
    Float = b'F', "FLOAT", FloatNl, 0;
    BinFloat = b'G', "BINFLOAT", F64, 1;
    EmptyList = b']', "EMPTY_LIST", None, 1;
    Append = b'a', "APPEND", None, 0;
    Appends = b'e', "APPENDS", None, 1;
    List = b'l', "LIST", None, 0;
    EmptyTuple = b')', "EMPTY_TUPLE", None, 1;
    Tuple = b't', "TUPLE", None, 0;
    Tuple1 = 0x85, "TUPLE1", None, 2;
    Tuple2 = 0x86, "TUPLE2", None, 2;
    Tuple3 = 0x87, "TUPLE3", None, 2;
    EmptyDict = b'}', "EMPTY_DICT", None, 1;
    Dict = b'd', "DICT", None, 0;
    SetItem = b's', "SETITEM", None, 0;
    SetItems = b'u', "SETITEMS", None, 1;
    EmptySet = 0x8f, "EMPTY_SET", None, 4;
    AddItems = 0x90, "ADDITEMS", None, 4;
    FrozenSet = 0x91, "FROZENSET", None, 4;
    Pop = b'0', "POP", None, 0;
    Dup = b'2', "DUP", None, 0;
    Mark = b'(', "MARK", None, 0;
    PopMark = b'1', "POP_MARK", None, 1;
    Get = b'g', "GET", DecimalNl, 0;
    BinGet = b'h', "BINGET", U8, 1;
    LongBinGet = b'j', "LONG_BINGET", U32, 1;
    Put = b'p', "PUT", DecimalNl, 0;
    BinPut = b'q', "BINPUT", U8, 1;
    LongBinPut = b'r', "LONG_BINPUT", U32, 1;
    Memoize = 0x94, "MEMOIZE", None, 4;
    Ext1 = 0x82, "EXT1", U8, 2;
    Ext2 = 0x83, "EXT2", U16, 2;
    Ext4 = 0x84, "EXT4", I32, 2;
    Global = b'c', "GLOBAL", TextNlPair, 0;
    StackGlobal = 0x93, "STACK_GLOBAL", None, 4;
    Reduce = b'R', "REDUCE", None, 0;
    Build = b'b', "BUILD", None, 0;
    Inst = b'i', "INST", TextNlPair, 0;
    Obj = b'o', "OBJ", None, 1;
    NewObj = 0x81, "NEWOBJ", None, 2;
    NewObjEx = 0x92, "NEWOBJ_EX", None, 4;
    Proto = 0x80, "PROTO", U8, 2;
    Stop = b'.', "STOP", None, 0;
    Frame = 0x95, "FRAME", U64, 4;
    PersId = b'P', "PERSID", TextNl, 0;
    BinPersId = b'Q', "BINPERSID", None, 1;
}

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
        }
        assert_eq!(Opcode::from_byte(0xff), None);
        assert_eq!(Opcode::from_byte(b'Z'), None);
    }

    #[test]
    fn spot_checks_against_pickletools() {
        let table = [
            (0x80u8, "PROTO", ArgKind::U8, 2u8),
            (0x95, "FRAME", ArgKind::U64, 4),
            (b'c', "GLOBAL", ArgKind::TextNlPair, 0),
            (0x96, "BYTEARRAY8", ArgKind::Bytes8, 5),
            (0x84, "EXT4", ArgKind::I32, 2),
        ];
        for (b, name, arg, proto) in table {
            let op = Opcode::from_byte(b).expect("opcode");
            assert_eq!((op.name(), op.arg(), op.protocol()), (name, arg, proto));
        }
    }
}
