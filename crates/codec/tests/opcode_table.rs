//! The opcode table against CPython's: every row of `pickletools.opcodes` (name, byte,
//! protocol, argument descriptor, stack effect) is a row of [`Opcode`]'s table, in the same
//! order, and names and bytes map to each other both ways.

use picklejar_codec::Opcode;

/// (name, byte, protocol, argument, stack before, stack after), one row per opcode, in
/// `pickletools.opcodes` order. Generated once with CPython 3.13.0:
///
/// ```text
/// /root/.pyenv/versions/3.13.0/bin/python - <<'PY'
/// import pickletools
/// for o in pickletools.opcodes:
///     b = o.code.encode('latin-1')[0]
///     arg = o.arg.name if o.arg else "None"
///     bef = ", ".join('"%s"' % s.name for s in o.stack_before)
///     aft = ", ".join('"%s"' % s.name for s in o.stack_after)
///     print('    ("%s", 0x%02x, %d, "%s", &[%s], &[%s]),' % (o.name, b, o.proto, arg, bef, aft))
/// PY
/// ```
type Row = (
    &'static str,
    u8,
    u8,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

#[rustfmt::skip]
const PICKLETOOLS: &[Row] = &[
    ("INT", 0x49, 0, "decimalnl_short", &[], &["int_or_bool"]),
    ("BININT", 0x4a, 1, "int4", &[], &["int"]),
    ("BININT1", 0x4b, 1, "uint1", &[], &["int"]),
    ("BININT2", 0x4d, 1, "uint2", &[], &["int"]),
    ("LONG", 0x4c, 0, "decimalnl_long", &[], &["int"]),
    ("LONG1", 0x8a, 2, "long1", &[], &["int"]),
    ("LONG4", 0x8b, 2, "long4", &[], &["int"]),
    ("STRING", 0x53, 0, "stringnl", &[], &["bytes_or_str"]),
    ("BINSTRING", 0x54, 1, "string4", &[], &["bytes_or_str"]),
    ("SHORT_BINSTRING", 0x55, 1, "string1", &[], &["bytes_or_str"]),
    ("BINBYTES", 0x42, 3, "bytes4", &[], &["bytes"]),
    ("SHORT_BINBYTES", 0x43, 3, "bytes1", &[], &["bytes"]),
    ("BINBYTES8", 0x8e, 4, "bytes8", &[], &["bytes"]),
    ("BYTEARRAY8", 0x96, 5, "bytearray8", &[], &["bytearray"]),
    ("NEXT_BUFFER", 0x97, 5, "None", &[], &["buffer"]),
    ("READONLY_BUFFER", 0x98, 5, "None", &["buffer"], &["buffer"]),
    ("NONE", 0x4e, 0, "None", &[], &["None"]),
    ("NEWTRUE", 0x88, 2, "None", &[], &["bool"]),
    ("NEWFALSE", 0x89, 2, "None", &[], &["bool"]),
    ("UNICODE", 0x56, 0, "unicodestringnl", &[], &["str"]),
    ("SHORT_BINUNICODE", 0x8c, 4, "unicodestring1", &[], &["str"]),
    ("BINUNICODE", 0x58, 1, "unicodestring4", &[], &["str"]),
    ("BINUNICODE8", 0x8d, 4, "unicodestring8", &[], &["str"]),
    ("FLOAT", 0x46, 0, "floatnl", &[], &["float"]),
    ("BINFLOAT", 0x47, 1, "float8", &[], &["float"]),
    ("EMPTY_LIST", 0x5d, 1, "None", &[], &["list"]),
    ("APPEND", 0x61, 0, "None", &["list", "any"], &["list"]),
    ("APPENDS", 0x65, 1, "None", &["list", "mark", "stackslice"], &["list"]),
    ("LIST", 0x6c, 0, "None", &["mark", "stackslice"], &["list"]),
    ("EMPTY_TUPLE", 0x29, 1, "None", &[], &["tuple"]),
    ("TUPLE", 0x74, 0, "None", &["mark", "stackslice"], &["tuple"]),
    ("TUPLE1", 0x85, 2, "None", &["any"], &["tuple"]),
    ("TUPLE2", 0x86, 2, "None", &["any", "any"], &["tuple"]),
    ("TUPLE3", 0x87, 2, "None", &["any", "any", "any"], &["tuple"]),
    ("EMPTY_DICT", 0x7d, 1, "None", &[], &["dict"]),
    ("DICT", 0x64, 0, "None", &["mark", "stackslice"], &["dict"]),
    ("SETITEM", 0x73, 0, "None", &["dict", "any", "any"], &["dict"]),
    ("SETITEMS", 0x75, 1, "None", &["dict", "mark", "stackslice"], &["dict"]),
    ("EMPTY_SET", 0x8f, 4, "None", &[], &["set"]),
    ("ADDITEMS", 0x90, 4, "None", &["set", "mark", "stackslice"], &["set"]),
    ("FROZENSET", 0x91, 4, "None", &["mark", "stackslice"], &["frozenset"]),
    ("POP", 0x30, 0, "None", &["any"], &[]),
    ("DUP", 0x32, 0, "None", &["any"], &["any", "any"]),
    ("MARK", 0x28, 0, "None", &[], &["mark"]),
    ("POP_MARK", 0x31, 1, "None", &["mark", "stackslice"], &[]),
    ("GET", 0x67, 0, "decimalnl_short", &[], &["any"]),
    ("BINGET", 0x68, 1, "uint1", &[], &["any"]),
    ("LONG_BINGET", 0x6a, 1, "uint4", &[], &["any"]),
    ("PUT", 0x70, 0, "decimalnl_short", &[], &[]),
    ("BINPUT", 0x71, 1, "uint1", &[], &[]),
    ("LONG_BINPUT", 0x72, 1, "uint4", &[], &[]),
    ("MEMOIZE", 0x94, 4, "None", &["any"], &["any"]),
    ("EXT1", 0x82, 2, "uint1", &[], &["any"]),
    ("EXT2", 0x83, 2, "uint2", &[], &["any"]),
    ("EXT4", 0x84, 2, "int4", &[], &["any"]),
    ("GLOBAL", 0x63, 0, "stringnl_noescape_pair", &[], &["any"]),
    ("STACK_GLOBAL", 0x93, 4, "None", &["str", "str"], &["any"]),
    ("REDUCE", 0x52, 0, "None", &["any", "any"], &["any"]),
    ("BUILD", 0x62, 0, "None", &["any", "any"], &["any"]),
    ("INST", 0x69, 0, "stringnl_noescape_pair", &["mark", "stackslice"], &["any"]),
    ("OBJ", 0x6f, 1, "None", &["mark", "any", "stackslice"], &["any"]),
    ("NEWOBJ", 0x81, 2, "None", &["any", "any"], &["any"]),
    ("NEWOBJ_EX", 0x92, 4, "None", &["any", "any", "any"], &["any"]),
    ("PROTO", 0x80, 2, "uint1", &[], &[]),
    ("STOP", 0x2e, 0, "None", &["any"], &[]),
    ("FRAME", 0x95, 4, "uint8", &[], &[]),
    ("PERSID", 0x50, 0, "stringnl_noescape", &[], &["any"]),
    ("BINPERSID", 0x51, 1, "None", &["any"], &["any"]),
];

#[test]
fn every_opcode_matches_pickletools() {
    assert_eq!(Opcode::ALL.len(), PICKLETOOLS.len());
    let mut failures = Vec::new();
    for (&op, &(name, byte, proto, arg, before, after)) in Opcode::ALL.iter().zip(PICKLETOOLS) {
        let ours = (
            op.name(),
            op as u8,
            op.protocol(),
            op.arg().name(),
            op.stack_before()
                .iter()
                .map(|i| i.name())
                .collect::<Vec<_>>(),
            op.stack_after()
                .iter()
                .map(|i| i.name())
                .collect::<Vec<_>>(),
        );
        let theirs = (name, byte, proto, arg, before.to_vec(), after.to_vec());
        if ours != theirs {
            failures.push(format!("ours {ours:?}\n  pickletools {theirs:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn names_and_bytes_round_trip() {
    for &(name, byte, ..) in PICKLETOOLS {
        let by_name = Opcode::from_name(name).unwrap_or_else(|| panic!("no opcode {name}"));
        let by_byte = Opcode::from_byte(byte).unwrap_or_else(|| panic!("no opcode {byte:#x}"));
        assert_eq!(by_name, by_byte, "{name}");
        assert_eq!(by_name.name(), name);
        assert_eq!(by_byte as u8, byte);
    }
    // Every other byte is not an opcode.
    let known: Vec<u8> = PICKLETOOLS.iter().map(|r| r.1).collect();
    for b in 0..=u8::MAX {
        assert_eq!(Opcode::from_byte(b).is_some(), known.contains(&b), "{b:#x}");
    }
    assert_eq!(Opcode::from_name("memoize"), None);
    assert_eq!(Opcode::from_name(""), None);
}
