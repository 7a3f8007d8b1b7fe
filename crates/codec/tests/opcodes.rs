//! Every opcode family from hand-written bytes: what it loads to (as canon JSON), or the
//! error kind and byte offset it fails with.

use picklejar_codec::{Encoding, ErrorKind, Loader, to_canon};

enum Want {
    Loads(&'static str),
    Fails(ErrorKind, u64),
}
use Want::*;

fn load(
    data: &[u8],
    enc: Encoding,
    ext: bool,
    bufs: Option<Vec<Vec<u8>>>,
) -> Result<String, (ErrorKind, u64)> {
    let mut l = Loader::new().encoding(enc);
    if ext {
        l = l
            .extension(1, "pjfixtures", "Plain")
            .extension(0x1234, "m", "two")
            .extension(0x123456, "m", "four");
    }
    if let Some(b) = bufs {
        l = l.buffers(b);
    }
    let g = l
        .load(data)
        .map_err(|e| (e.kind(), e.offset().unwrap_or(u64::MAX)))?
        .graph;
    Ok(to_canon(&g)
        .map_err(|e| (e.kind(), u64::MAX))?
        .to_json_string())
}

fn check(table: &[(&str, &[u8], Want)], enc: Encoding) {
    let mut failures = Vec::new();
    for (name, data, want) in table {
        let got = load(data, enc, true, None);
        let ok = match (want, &got) {
            (Loads(c), Ok(g)) => c == g,
            (Fails(k, o), Err((gk, go))) => k == gk && o == go,
            _ => false,
        };
        if !ok {
            let w = match want {
                Loads(c) => c.to_string(),
                Fails(k, o) => format!("{k} at {o}"),
            };
            failures.push(format!("{name}: want {w}\n   got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

const I1: &str = r#"{"t":"int","v":"1"}"#;

#[test]
fn protocol_0_text_opcodes() {
    let table: &[(&str, &[u8], Want)] = &[
        ("INT", b"I42\n.", Loads(r#"{"t":"int","v":"42"}"#)),
        ("INT true", b"I01\n.", Loads(r#"{"t":"bool","v":true}"#)),
        ("INT false", b"I00\n.", Loads(r#"{"t":"bool","v":false}"#)),
        (
            "INT big",
            b"I99999999999999999999\n.",
            Loads(r#"{"t":"int","v":"99999999999999999999"}"#),
        ),
        ("INT junk", b"I12x\n.", Fails(ErrorKind::BadLiteral, 0)),
        ("INT empty", b"I\n.", Fails(ErrorKind::Truncated, 0)),
        ("LONG", b"L-5L\n.", Loads(r#"{"t":"int","v":"-5"}"#)),
        ("FLOAT", b"F1.5\n.", Loads(r#"{"t":"float","v":"1.5"}"#)),
        ("FLOAT nan", b"Fnan\n.", Loads(r#"{"t":"float","v":"nan"}"#)),
        ("FLOAT bad", b"F1.5x\n.", Fails(ErrorKind::BadLiteral, 0)),
        ("NONE", b"N.", Loads(r#"{"t":"none"}"#)),
        (
            "UNICODE",
            b"Vcaf\xe9\\u20ac\n.",
            Loads(r#"{"t":"str","v":"café€"}"#),
        ),
        (
            "UNICODE surrogate",
            b"V\\ud800\n.",
            Loads(r#"{"t":"str","hex":"eda080"}"#),
        ),
        (
            "UNICODE bad escape",
            b"V\\u12\n.",
            Fails(ErrorKind::BadLiteral, 0),
        ),
        (
            "STRING ascii",
            b"S'abc'\n.",
            Loads(r#"{"t":"str","v":"abc"}"#),
        ),
        (
            "STRING non-ascii",
            b"S'\\xe9'\n.",
            Fails(ErrorKind::BadEncoding, 0),
        ),
        (
            "STRING unquoted",
            b"Sabc\n.",
            Fails(ErrorKind::BadLiteral, 0),
        ),
        (
            "LIST APPEND",
            b"(lp0\nI1\naI2\na.",
            Loads(r#"{"t":"list","v":[{"t":"int","v":"1"},{"t":"int","v":"2"}]}"#),
        ),
        (
            "TUPLE",
            b"(I1\nI2\nt.",
            Loads(r#"{"t":"tuple","v":[{"t":"int","v":"1"},{"t":"int","v":"2"}]}"#),
        ),
        (
            "DICT SETITEM",
            b"(dVa\nI1\ns.",
            Loads(r#"{"t":"dict","v":[[{"t":"str","v":"a"},{"t":"int","v":"1"}]]}"#),
        ),
        (
            "DICT literal",
            b"(Va\nI1\nd.",
            Loads(r#"{"t":"dict","v":[[{"t":"str","v":"a"},{"t":"int","v":"1"}]]}"#),
        ),
        ("DICT odd", b"(Va\nd.", Fails(ErrorKind::StackUnderflow, 4)),
        (
            "PUT GET shared",
            b"(lp0\n(lp1\nag1\na.",
            Loads(r#"{"t":"list","v":[{"t":"list","id":1,"v":[]},{"t":"ref","v":1}]}"#),
        ),
        ("GET missing", b"g5\n.", Fails(ErrorKind::BadMemo, 0)),
        ("PUT negative", b"Np-1\n.", Fails(ErrorKind::BadMemo, 1)),
        (
            "DUP",
            b"(l2a.",
            Loads(r#"{"t":"list","id":1,"v":[{"t":"ref","v":1}]}"#),
        ),
        ("POP", b"I1\nI2\n0.", Loads(I1)),
        ("POP of MARK", b"I1\n(0.", Loads(I1)),
        (
            "GLOBAL fix_imports",
            b"c__builtin__\nxrange\n.",
            Loads(r#"{"t":"global","module":"builtins","name":"range"}"#),
        ),
        (
            "GLOBAL REDUCE",
            b"cm\nf\n(I1\ntR.",
            Loads(
                r#"{"t":"reduce","callable":{"t":"global","module":"m","name":"f"},"args":[{"t":"int","v":"1"}]}"#,
            ),
        ),
        (
            "BUILD",
            b"cm\nf\n(tR(dVa\nI1\nsb.",
            Loads(
                r#"{"t":"reduce","callable":{"t":"global","module":"m","name":"f"},"args":[],"state":{"t":"dict","v":[[{"t":"str","v":"a"},{"t":"int","v":"1"}]]}}"#,
            ),
        ),
        (
            "INST no args",
            b"(im\nC\n.",
            Loads(r#"{"t":"object","class":{"t":"global","module":"m","name":"C"}}"#),
        ),
        (
            "INST args",
            b"(I1\nim\nC\n.",
            Loads(
                r#"{"t":"reduce","callable":{"t":"global","module":"m","name":"C"},"args":[{"t":"int","v":"1"}]}"#,
            ),
        ),
        (
            "PERSID",
            b"Pabc\n.",
            Loads(r#"{"t":"persid","v":{"t":"str","v":"abc"}}"#),
        ),
        (
            "PERSID non-ascii",
            b"P\xc3\xa9\n.",
            Fails(ErrorKind::BadLiteral, 0),
        ),
        (
            "_reconstructor",
            b"ccopy_reg\n_reconstructor\n(cm\nC\nc__builtin__\nobject\nNtR(dVx\nI1\nsb.",
            Loads(
                r#"{"t":"object","class":{"t":"global","module":"m","name":"C"},"state":{"t":"dict","v":[[{"t":"str","v":"x"},{"t":"int","v":"1"}]]}}"#,
            ),
        ),
        (
            "_codecs.encode bytes",
            b"c_codecs\nencode\n(V\xff\nVlatin1\ntR.",
            Loads(r#"{"t":"bytes","v":"\\xff"}"#),
        ),
        (
            "empty bytes",
            b"c__builtin__\nbytes\n(tR.",
            Loads(r#"{"t":"bytes","v":""}"#),
        ),
        (
            "set via reduce",
            b"c__builtin__\nset\n((lI1\natR.",
            Loads(r#"{"t":"set","v":[{"t":"int","v":"1"}]}"#),
        ),
        (
            "3.7 bytearray",
            b"c__builtin__\nbytearray\n(Vab\nVlatin-1\ntR.",
            Loads(r#"{"t":"bytearray","v":"ab"}"#),
        ),
        (
            "getattr nested",
            b"c__builtin__\ngetattr\n(cm\nOuter\nVInner\ntR.",
            Loads(r#"{"t":"global","module":"m","name":"Outer.Inner"}"#),
        ),
        (
            "recursive tuple p0",
            b"((lp0\n(g0\ntp1\na00g1\n.",
            Loads(r#"{"t":"tuple","id":1,"v":[{"t":"list","v":[{"t":"ref","v":1}]}]}"#),
        ),
        ("empty", b"", Fails(ErrorKind::Truncated, 0)),
        ("no STOP", b"N", Fails(ErrorKind::Truncated, 1)),
        (
            "trailing bytes ignored",
            b"N.garbage",
            Loads(r#"{"t":"none"}"#),
        ),
        ("leftover stack", b"NN.", Loads(r#"{"t":"none"}"#)),
        ("leftover mark", b"(N.", Loads(r#"{"t":"none"}"#)),
        ("STOP at mark", b"N(.", Fails(ErrorKind::BadMark, 2)),
        ("STOP empty", b".", Fails(ErrorKind::StackUnderflow, 0)),
        (
            "unknown opcode",
            b"N\xff.",
            Fails(ErrorKind::UnknownOpcode, 1),
        ),
    ];
    check(table, Encoding::Ascii);
}

#[test]
fn protocol_1_to_3_binary_opcodes() {
    let table: &[(&str, &[u8], Want)] = &[
        ("BININT1", b"K\xff.", Loads(r#"{"t":"int","v":"255"}"#)),
        ("BININT2", b"M\x00\x01.", Loads(r#"{"t":"int","v":"256"}"#)),
        (
            "BININT",
            b"J\xff\xff\xff\xff.",
            Loads(r#"{"t":"int","v":"-1"}"#),
        ),
        (
            "BINFLOAT",
            b"G?\xf8\x00\x00\x00\x00\x00\x00.",
            Loads(r#"{"t":"float","v":"1.5"}"#),
        ),
        (
            "BINUNICODE",
            b"X\x02\x00\x00\x00\xc3\xa9.",
            Loads(r#"{"t":"str","v":"é"}"#),
        ),
        (
            "BINUNICODE bad utf8",
            b"X\x01\x00\x00\x00\xff.",
            Fails(ErrorKind::BadUtf8, 0),
        ),
        (
            "BINUNICODE truncated",
            b"X\x05\x00\x00\x00ab",
            Fails(ErrorKind::Truncated, 0),
        ),
        (
            "BINUNICODE huge length",
            b"X\xff\xff\xff\xffab",
            Fails(ErrorKind::Truncated, 0),
        ),
        (
            "SHORT_BINSTRING",
            b"U\x03abc.",
            Loads(r#"{"t":"str","v":"abc"}"#),
        ),
        (
            "BINSTRING",
            b"T\x03\x00\x00\x00abc.",
            Loads(r#"{"t":"str","v":"abc"}"#),
        ),
        (
            "BINSTRING negative",
            b"T\xff\xff\xff\xffabc.",
            Fails(ErrorKind::Truncated, 0),
        ),
        (
            "EMPTY_LIST APPENDS",
            b"](K\x01K\x02e.",
            Loads(r#"{"t":"list","v":[{"t":"int","v":"1"},{"t":"int","v":"2"}]}"#),
        ),
        (
            "EMPTY_DICT SETITEMS",
            b"}(K\x01K\x02u.",
            Loads(r#"{"t":"dict","v":[[{"t":"int","v":"1"},{"t":"int","v":"2"}]]}"#),
        ),
        ("EMPTY_TUPLE", b").", Loads(r#"{"t":"tuple","v":[]}"#)),
        ("POP_MARK", b"K\x01(K\x02K\x031.", Loads(I1)),
        (
            "BINPUT BINGET",
            b"]q\x00h\x00a.",
            Loads(r#"{"t":"list","id":1,"v":[{"t":"ref","v":1}]}"#),
        ),
        (
            "LONG_BINPUT LONG_BINGET",
            b"]r\x00\x01\x00\x00j\x00\x01\x00\x00a.",
            Loads(r#"{"t":"list","id":1,"v":[{"t":"ref","v":1}]}"#),
        ),
        (
            "far LONG_BINPUT is sparse",
            b"Nr0000j0000\x86.",
            Loads(r#"{"t":"tuple","v":[{"t":"none"},{"t":"none"}]}"#),
        ),
        (
            "OBJ",
            b"(cm\nC\no.",
            Loads(r#"{"t":"object","class":{"t":"global","module":"m","name":"C"}}"#),
        ),
        (
            "OBJ args",
            b"(cm\nC\nK\x01o.",
            Loads(
                r#"{"t":"reduce","callable":{"t":"global","module":"m","name":"C"},"args":[{"t":"int","v":"1"}]}"#,
            ),
        ),
        (
            "BINPERSID",
            b"K\x07Q.",
            Loads(r#"{"t":"persid","v":{"t":"int","v":"7"}}"#),
        ),
        (
            "APPENDS no list",
            b"(e.",
            Fails(ErrorKind::StackUnderflow, 1),
        ),
        (
            "APPEND onto int",
            b"K\x01K\x02a.",
            Fails(ErrorKind::BadArgument, 4),
        ),
        (
            "SETITEMS odd",
            b"}(K\x01u.",
            Fails(ErrorKind::StackUnderflow, 4),
        ),
        (
            "APPEND across mark",
            b"](K\x01a.",
            Fails(ErrorKind::BadMark, 4),
        ),
        ("POP_MARK no mark", b"1.", Fails(ErrorKind::BadMark, 0)),
        (
            "SHORT_BINBYTES",
            b"\x80\x03C\x02\x00\xff.",
            Loads(r#"{"t":"bytes","v":"\\x00\\xff"}"#),
        ),
        (
            "BINBYTES",
            b"\x80\x03B\x01\x00\x00\x00\\.",
            Loads(r#"{"t":"bytes","v":"\\\\"}"#),
        ),
    ];
    check(table, Encoding::Ascii);
}

#[test]
fn protocol_2_opcodes() {
    let table: &[(&str, &[u8], Want)] = &[
        (
            "PROTO NEWTRUE",
            b"\x80\x02\x88.",
            Loads(r#"{"t":"bool","v":true}"#),
        ),
        (
            "NEWFALSE",
            b"\x80\x02\x89.",
            Loads(r#"{"t":"bool","v":false}"#),
        ),
        (
            "PROTO 6",
            b"\x80\x06N.",
            Fails(ErrorKind::UnsupportedProtocol, 0),
        ),
        (
            "LONG1 2**31",
            b"\x80\x02\x8a\x05\x00\x00\x00\x80\x00.",
            Loads(r#"{"t":"int","v":"2147483648"}"#),
        ),
        (
            "LONG1 empty is 0",
            b"\x8a\x00.",
            Loads(r#"{"t":"int","v":"0"}"#),
        ),
        (
            "LONG1 2**64",
            b"\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01.",
            Loads(r#"{"t":"int","v":"18446744073709551616"}"#),
        ),
        (
            "LONG4 -1",
            b"\x8b\x01\x00\x00\x00\xff.",
            Loads(r#"{"t":"int","v":"-1"}"#),
        ),
        (
            "LONG4 negative length",
            b"\x8b\xff\xff\xff\xff.",
            Fails(ErrorKind::BadLiteral, 0),
        ),
        (
            "TUPLE1",
            b"K\x01\x85.",
            Loads(r#"{"t":"tuple","v":[{"t":"int","v":"1"}]}"#),
        ),
        (
            "TUPLE2",
            b"K\x01K\x01\x86.",
            Loads(r#"{"t":"tuple","v":[{"t":"int","v":"1"},{"t":"int","v":"1"}]}"#),
        ),
        (
            "TUPLE3 underflow",
            b"K\x01K\x01\x87.",
            Fails(ErrorKind::StackUnderflow, 4),
        ),
        (
            "TUPLE2 across mark",
            b"K\x01(K\x01\x86.",
            Fails(ErrorKind::BadMark, 5),
        ),
        (
            "EXT1",
            b"\x80\x02\x82\x01.",
            Loads(r#"{"t":"global","module":"pjfixtures","name":"Plain"}"#),
        ),
        (
            "EXT2",
            b"\x80\x02\x83\x34\x12.",
            Loads(r#"{"t":"global","module":"m","name":"two"}"#),
        ),
        (
            "EXT4",
            b"\x80\x02\x84\x56\x34\x12\x00.",
            Loads(r#"{"t":"global","module":"m","name":"four"}"#),
        ),
        (
            "EXT unregistered",
            b"\x80\x02\x82\x02.",
            Fails(ErrorKind::UnknownExtension, 2),
        ),
        (
            "EXT zero",
            b"\x80\x02\x82\x00.",
            Fails(ErrorKind::UnknownExtension, 2),
        ),
        (
            "EXT4 negative",
            b"\x84\xff\xff\xff\xff.",
            Fails(ErrorKind::UnknownExtension, 0),
        ),
        (
            "NEWOBJ",
            b"\x80\x02cm\nC\nK\x01\x85\x81.",
            Loads(
                r#"{"t":"object","class":{"t":"global","module":"m","name":"C"},"args":[{"t":"int","v":"1"}]}"#,
            ),
        ),
        (
            "NEWOBJ list subclass",
            b"\x80\x02cm\nL\n)\x81(K\x01K\x02e}b.",
            Loads(
                r#"{"t":"object","class":{"t":"global","module":"m","name":"L"},"items":[{"t":"int","v":"1"},{"t":"int","v":"2"}]}"#,
            ),
        ),
        (
            "NEWOBJ non-tuple",
            b"\x80\x02cm\nC\nK\x01\x81.",
            Fails(ErrorKind::BadArgument, 9),
        ),
        (
            "NEWOBJ non-class",
            b"\x80\x02N)\x81.",
            Fails(ErrorKind::BadArgument, 4),
        ),
        (
            "REDUCE non-tuple",
            b"cm\nf\nNR.",
            Fails(ErrorKind::BadArgument, 6),
        ),
        ("REDUCE None", b"N)R.", Fails(ErrorKind::BadArgument, 2)),
        (
            "recursive tuple p2",
            b"\x80\x02]q\x00h\x00\x85q\x01a0h\x01.",
            Loads(r#"{"t":"tuple","id":1,"v":[{"t":"list","v":[{"t":"ref","v":1}]}]}"#),
        ),
    ];
    check(table, Encoding::Ascii);
}

#[test]
fn protocol_4_and_5_opcodes() {
    let table: &[(&str, &[u8], Want)] = &[
        (
            "FRAME",
            b"\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00K\x01.",
            Loads(I1),
        ),
        (
            "FRAME too long",
            b"\x80\x04\x95\xff\x00\x00\x00\x00\x00\x00\x00K\x01.",
            Fails(ErrorKind::Truncated, 2),
        ),
        (
            "SHORT_BINUNICODE",
            b"\x8c\x03abc.",
            Loads(r#"{"t":"str","v":"abc"}"#),
        ),
        (
            "BINUNICODE8",
            b"\x8d\x01\x00\x00\x00\x00\x00\x00\x00a.",
            Loads(r#"{"t":"str","v":"a"}"#),
        ),
        (
            // A length no str can have: CPython's OverflowError ("BINUNICODE exceeds
            // system's maximum size"), as for BINBYTES8.
            "BINUNICODE8 huge",
            b"\x8d\xff\xff\xff\xff\xff\xff\xff\xffa.",
            Fails(ErrorKind::LimitExceeded, 0),
        ),
        (
            "BINBYTES8",
            b"\x8e\x01\x00\x00\x00\x00\x00\x00\x00a.",
            Loads(r#"{"t":"bytes","v":"a"}"#),
        ),
        (
            "EMPTY_SET ADDITEMS sorted",
            b"\x8f(K\x02K\x01\x90.",
            Loads(r#"{"t":"set","v":[{"t":"int","v":"1"},{"t":"int","v":"2"}]}"#),
        ),
        (
            "FROZENSET",
            b"(K\x01\x91.",
            Loads(r#"{"t":"frozenset","v":[{"t":"int","v":"1"}]}"#),
        ),
        (
            "MEMOIZE",
            b"]\x94h\x00a.",
            Loads(r#"{"t":"list","id":1,"v":[{"t":"ref","v":1}]}"#),
        ),
        (
            "MEMOIZE after PUT",
            b"Nq\x05]\x94h\x01a.",
            Loads(r#"{"t":"list","id":1,"v":[{"t":"ref","v":1}]}"#),
        ),
        (
            "STACK_GLOBAL",
            b"\x8c\x01m\x8c\x01C\x93.",
            Loads(r#"{"t":"global","module":"m","name":"C"}"#),
        ),
        (
            "STACK_GLOBAL non-str",
            b"K\x01\x8c\x01C\x93.",
            Fails(ErrorKind::BadArgument, 5),
        ),
        (
            "NEWOBJ_EX",
            b"\x8c\x01m\x8c\x01C\x93)}(\x8c\x01kK\x01u\x92.",
            Loads(
                r#"{"t":"object","class":{"t":"global","module":"m","name":"C"},"kwargs":[[{"t":"str","v":"k"},{"t":"int","v":"1"}]]}"#,
            ),
        ),
        (
            "NEWOBJ_EX kwargs not dict",
            b"\x8c\x01m\x8c\x01C\x93))\x92.",
            Fails(ErrorKind::BadArgument, 9),
        ),
        (
            "BYTEARRAY8",
            b"\x80\x05\x96\x02\x00\x00\x00\x00\x00\x00\x00ab.",
            Loads(r#"{"t":"bytearray","v":"ab"}"#),
        ),
        (
            "NEXT_BUFFER without buffers",
            b"\x80\x05\x97.",
            Fails(ErrorKind::MissingBuffer, 2),
        ),
    ];
    check(table, Encoding::Ascii);
    let buf = load(
        b"\x80\x05\x97\x98.",
        Encoding::Ascii,
        false,
        Some(vec![b"xy".to_vec()]),
    );
    assert_eq!(
        buf.as_deref(),
        Ok(r#"{"t":"buffer","v":"xy","index":0,"readonly":true}"#)
    );
    let two = load(
        b"\x80\x05\x97\x97\x86.",
        Encoding::Ascii,
        false,
        Some(vec![b"x".to_vec()]),
    );
    assert_eq!(two, Err((ErrorKind::MissingBuffer, 3)));
}

#[test]
fn python2_str_encodings() {
    let fixed = [b'U', 4, b'c', b'a', b'f', 0xe9, b'.'];
    assert_eq!(
        load(&fixed, Encoding::Latin1, false, None).as_deref(),
        Ok(r#"{"t":"str","v":"café"}"#)
    );
    assert_eq!(
        load(&fixed, Encoding::Bytes, false, None).as_deref(),
        Ok(r#"{"t":"bytes","v":"caf\\xe9"}"#)
    );
    assert_eq!(
        load(&fixed, Encoding::Ascii, false, None),
        Err((ErrorKind::BadEncoding, 0))
    );
    assert_eq!(
        load(&fixed, Encoding::Utf8, false, None),
        Err((ErrorKind::BadEncoding, 0))
    );
}

#[test]
fn concatenated_pickles_report_their_end() {
    let data = b"K\x01.K\x02.";
    let mut l = Loader::new();
    let first = l.load(data).expect("first");
    assert_eq!(first.end, 3);
    let second = l.load(&data[first.end..]).expect("second");
    assert_eq!(second.graph.root(), picklejar_codec::Value::Int(2));
    assert_eq!(first.end + second.end, data.len());
}

#[test]
fn persistent_ids_are_kept_or_resolved_by_a_hook() {
    // Without a hook: a persid node (see the PERSID rows above). With one: its value.
    let data = b"(Pdoc1\n\x80\x02K\x07Qt.";
    let mut seen = Vec::new();
    let mut l = Loader::new().persistent_load(|g, pid| {
        let key = match pid {
            picklejar_codec::Value::Int(i) => i.to_string(),
            v => g.as_str(v).unwrap_or("?").to_owned(),
        };
        seen.push(key.clone());
        Ok(g.str(&format!("resolved:{key}")))
    });
    let g = l.load(data).expect("loads").graph;
    drop(l);
    assert_eq!(seen, ["doc1", "7"]);
    assert_eq!(
        to_canon(&g).expect("canon").to_json_string(),
        r#"{"t":"tuple","v":[{"t":"str","v":"resolved:doc1"},{"t":"str","v":"resolved:7"}]}"#
    );
    // A hook that refuses fails the load at the opcode, with its message.
    let mut refuse = Loader::new().persistent_load(|_, _| Err("no such document".into()));
    let e = refuse.load(data).expect_err("refused");
    assert_eq!((e.kind(), e.offset()), (ErrorKind::BadArgument, Some(1)));
    assert!(e.message().contains("no such document"));
}

/// Protocol 2's bytes, `_codecs.encode(str, 'latin1')`, and bytearray, `bytearray(str,
/// 'latin-1')`, with a str long enough to be converted as it is read (the callable just
/// below it on the stack): each must load as the same call with the str read anywhere
/// else does, checked the same way, with the same errors.
#[test]
fn a_latin1_str_read_after_codecs_encode_loads_as_it_would_anywhere() {
    fn binunicode(text: &[u8]) -> Vec<u8> {
        let mut v = vec![b'X'];
        v.extend_from_slice(&(text.len() as u32).to_le_bytes());
        v.extend_from_slice(text);
        v
    }
    let canon = |p: &[u8]| load(p, Encoding::Ascii, false, None);
    let latin1: String = (0..300u32)
        .map(|k| char::from_u32(0x20 + k % 0xe0).unwrap_or('a'))
        .collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("latin-1", latin1.clone().into_bytes()),
        ("ascii", vec![b'a'; 200]),
        ("above U+00FF", format!("{latin1}\u{20ac}").into_bytes()),
        ("surrogate", [latin1.as_bytes(), b"\xed\xa0\x80"].concat()),
        ("malformed", [latin1.as_bytes(), b"\xc3"].concat()),
        (
            "overlong",
            [b"\xc1\x81".as_slice(), latin1.as_bytes()].concat(),
        ),
    ];
    // (the callable's GLOBAL, the encoding's BINUNICODE, the opcode of the same value
    // written directly, what canon calls it)
    let calls: [(&[u8], &[u8], u8, &str); 2] = [
        (
            b"c_codecs\nencode\n",
            b"X\x06\x00\x00\x00latin1",
            b'B',
            "bytes",
        ),
        (
            b"c__builtin__\nbytearray\n",
            b"X\x07\x00\x00\x00latin-1",
            0x96,
            "bytearray",
        ),
    ];
    for (global, enc, direct, kind) in calls {
        // The str right after the callable, which is the case converted ahead.
        let after_callable = |text: &[u8]| {
            let mut p = b"\x80\x02".to_vec();
            p.extend_from_slice(global);
            p.extend_from_slice(b"q\x00");
            p.extend(binunicode(text));
            p.extend_from_slice(b"q\x01");
            p.extend_from_slice(enc);
            p.extend_from_slice(b"q\x02\x86q\x03R.");
            p
        };
        // The same call with the str read first, memoized and fetched back.
        let read_before = |text: &[u8]| {
            let mut p = b"\x80\x02".to_vec();
            p.extend(binunicode(text));
            p.extend_from_slice(b"q\x010");
            p.extend_from_slice(global);
            p.extend_from_slice(b"q\x00h\x01");
            p.extend_from_slice(enc);
            p.extend_from_slice(b"q\x02\x86q\x03R.");
            p
        };
        for (name, text) in &cases {
            let ahead = canon(&after_callable(text));
            let before = canon(&read_before(text));
            match (&ahead, &before) {
                (Err((k, _)), Err((kb, _))) => assert_eq!(k, kb, "{kind} {name}"),
                _ => assert_eq!(ahead, before, "{kind} {name}"),
            }
            match *name {
                "latin-1" | "ascii" => {
                    // The bytes written directly: BINBYTES, or BYTEARRAY8 (protocol 5).
                    let s = std::str::from_utf8(text).expect("text");
                    let bytes: Vec<u8> = s.chars().map(|c| c as u8).collect();
                    let mut p = vec![0x80, 5, direct];
                    if direct == b'B' {
                        p.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
                    } else {
                        p.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
                    }
                    p.extend_from_slice(&bytes);
                    p.push(b'.');
                    assert_eq!(ahead, canon(&p), "{kind} {name}");
                    assert!(ahead.as_ref().is_ok_and(|c| c.contains(kind)), "{kind}");
                }
                "above U+00FF" | "surrogate" => {
                    assert!(
                        ahead.as_ref().is_ok_and(|c| c.contains("reduce")),
                        "{kind} {name}: {ahead:?}"
                    );
                }
                // At the str's own opcode, after PROTO, GLOBAL and BINPUT.
                _ => assert_eq!(
                    ahead,
                    Err((ErrorKind::BadUtf8, 2 + global.len() as u64 + 2)),
                    "{kind} {name}"
                ),
            }
        }
    }
}

/// Latin-1 converted ahead and waiting for its REDUCE is charged to the allocation
/// budget; when the REDUCE takes it the charge passes to the bytes node, and when the
/// budget cannot take it, it is not kept (the load's verdict is the one it had without
/// it).
#[test]
fn latin1_converted_ahead_is_charged_while_it_waits() {
    use picklejar_codec::Limits;
    let text: String = (0..300u32)
        .map(|k| char::from(0x80 + (k % 0x80) as u8))
        .collect();
    let str_op = |text: &str| {
        let mut v = vec![b'X'];
        v.extend_from_slice(&(text.len() as u32).to_le_bytes());
        v.extend_from_slice(text.as_bytes());
        v
    };
    // The str after `_codecs.encode`, then both popped: converted ahead, never taken.
    // The same with another callable: not converted.
    let popped = |global: &[u8]| {
        let mut p = b"\x80\x02".to_vec();
        p.extend_from_slice(global);
        p.extend(str_op(&text));
        p.extend_from_slice(b"00N.");
        p
    };
    let allocated = |p: &[u8], max_alloc: usize| {
        Loader::new()
            .limits(Limits {
                max_alloc,
                ..Limits::DEFAULT
            })
            .load(p)
            .map(|l| l.allocated)
            .map_err(|e| e.kind())
    };
    let kept = allocated(&popped(b"c_codecs\nencode\n"), usize::MAX).expect("loads");
    let plain = allocated(&popped(b"c_codecs\nothers\n"), usize::MAX).expect("loads");
    assert_eq!(kept, plain + 300, "the 300 code points waiting are charged");
    // At the plain load's budget it does not fit, is not kept, and the load still passes.
    assert_eq!(allocated(&popped(b"c_codecs\nencode\n"), plain), Ok(plain));
    // Taken by its REDUCE: charged once, as the bytes node's payload, as when the str is
    // converted by the REDUCE (a str fetched from the memo).
    let mut taken = b"\x80\x02c_codecs\nencode\n".to_vec();
    taken.extend(str_op(&text));
    taken.extend_from_slice(b"X\x06\x00\x00\x00latin1\x86R.");
    let mut later = str_op(&text);
    later.extend_from_slice(b"q\x000c_codecs\nencode\nh\x00X\x06\x00\x00\x00latin1\x86R.");
    later.splice(0..0, *b"\x80\x02");
    let taken = allocated(&taken, usize::MAX).expect("loads");
    let later = allocated(&later, usize::MAX).expect("loads");
    // The memo entry the second one makes is its only extra charge.
    assert!(later > taken && later - taken <= 64, "{taken} {later}");
}
