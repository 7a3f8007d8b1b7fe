//! `picklejar_codec::imports` and `Loader::load_with_imports` on hand-written pickles: the
//! finds and calls CPython's stand-in reading records for them (docs/CORPUS.md section 3;
//! every expectation here is what `generators/pjimports.py` records with CPython 3.13).

use picklejar_codec::{ErrorKind, ImportEvent, LoadOptions, Loader, Via, imports, load};

/// Expected events, spelled as in the corpus: `"find os system"`,
/// `"call os system reduce"`, `"call ? ? reduce"`.
fn spelled(events: &[ImportEvent]) -> Vec<String> {
    events.iter().map(|e| e.to_strings().join(" ")).collect()
}

struct Case {
    name: &'static str,
    data: &'static [u8],
    events: &'static [&'static str],
    error: Option<ErrorKind>,
}

const CASES: &[Case] = &[
    Case {
        name: "GLOBAL + REDUCE",
        data: b"cos\nsystem\n(S'true'\ntR.",
        events: &["find os system", "call os system reduce"],
        error: None,
    },
    Case {
        name: "a global that is only looked up",
        data: b"\x80\x02ccollections\nOrderedDict\n.",
        events: &["find collections OrderedDict"],
        error: None,
    },
    Case {
        name: "no globals: nothing",
        data: b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00]K\x01a.",
        events: &[],
        error: None,
    },
    Case {
        name: "fix_imports maps protocol 0-2 names",
        data: b"\x80\x02c__builtin__\nxrange\nK\x03\x85R.",
        events: &["find builtins range", "call builtins range reduce"],
        error: None,
    },
    Case {
        name: "no mapping from protocol 3 on",
        data: b"\x80\x03c__builtin__\nxrange\n.",
        events: &["find __builtin__ xrange"],
        error: None,
    },
    Case {
        name: "the protocol in force at the opcode decides (PROTO in the middle)",
        data: b"c__builtin__\nset\n0\x80\x03c__builtin__\nset\n.",
        events: &["find builtins set", "find __builtin__ set"],
        error: None,
    },
    Case {
        name: "STACK_GLOBAL with names from the memo",
        data: b"\x80\x04\x8c\x02osq\x000\x8c\x06systemq\x010h\x00h\x01\x93\x8c\x04true\x85R.",
        events: &["find os system", "call os system reduce"],
        error: None,
    },
    Case {
        name: "a dotted name is one name",
        data: b"\x80\x04ctempfile\n_os.system\n\x8c\x04true\x85R.",
        events: &["find tempfile _os.system", "call tempfile _os.system reduce"],
        error: None,
    },
    Case {
        name: "a computed callable is ?",
        data: b"\x80\x02cbuiltins\ngetattr\ncbuiltins\n__import__\nX\x02\x00\x00\x00os\x85RX\x06\x00\x00\x00system\x86RX\x04\x00\x00\x00true\x85R.",
        events: &[
            "find builtins getattr",
            "find builtins __import__",
            "call builtins __import__ reduce",
            "call builtins getattr reduce",
            "call ? ? reduce",
        ],
        error: None,
    },
    Case {
        name: "the memo shares the found callable",
        data: b"\x80\x02cos\nsystem\nq\x00X\x01\x00\x00\x00a\x85R0h\x00X\x01\x00\x00\x00b\x85R.",
        events: &["find os system", "call os system reduce", "call os system reduce"],
        error: None,
    },
    Case {
        name: "rewritten reductions are still calls (set, _reconstructor)",
        data: b"c__builtin__\nset\n((lI1\natRccopy_reg\n_reconstructor\n(cm\nC\nc__builtin__\nobject\nNtR.",
        events: &[
            "find builtins set",
            "call builtins set reduce",
            "find copyreg _reconstructor",
            "find m C",
            "find builtins object",
            "call copyreg _reconstructor reduce",
        ],
        error: None,
    },
    Case {
        name: "INST: the lookup and the call",
        data: b"(S'true'\nios\nsystem\n.",
        events: &["find os system", "call os system inst"],
        error: None,
    },
    Case {
        name: "OBJ: the class from the stack",
        data: b"(cos\nsystem\nS'true'\no.",
        events: &["find os system", "call os system obj"],
        error: None,
    },
    Case {
        name: "NEWOBJ, then BUILD calls the class's __setstate__",
        data: b"\x80\x02cm\nC\n)\x81}b.",
        events: &["find m C", "call m C newobj", "call m C setstate"],
        error: None,
    },
    Case {
        name: "NEWOBJ_EX",
        data: b"\x80\x04\x8c\x01m\x8c\x01C\x93)}\x92.",
        events: &["find m C", "call m C newobj_ex"],
        error: None,
    },
    Case {
        name: "BUILD on what a REDUCE made: the class is unknown",
        data: b"\x80\x02cm\nf\n)R}b.",
        events: &["find m f", "call m f reduce", "call ? ? setstate"],
        error: None,
    },
    Case {
        name: "BUILD on a found global itself",
        data: b"\x80\x02cm\nC\n}b.",
        events: &["find m C", "call ? ? setstate"],
        error: None,
    },
    Case {
        name: "BUILD on a list or a dict calls nothing",
        data: b"\x80\x02]Nb.",
        events: &[],
        error: None,
    },
    Case {
        name: "a __setstate__ set by the slot state of one BUILD is called by the next",
        data: b"\x80\x02ctypes\nSimpleNamespace\n)\x81N}X\x0c\x00\x00\x00__setstate__cos\nsystem\ns\x86bX\x04\x00\x00\x00trueb.",
        events: &[
            "find types SimpleNamespace",
            "call types SimpleNamespace newobj",
            "find os system",
            "call types SimpleNamespace setstate",
            "call os system setstate",
        ],
        error: None,
    },
    Case {
        name: "... and by the dict state, with a computed value",
        data: b"\x80\x02cm\nC\n)\x81}X\x0c\x00\x00\x00__setstate__cm\nf\n)Rsb}b.",
        events: &[
            "find m C",
            "call m C newobj",
            "find m f",
            "call m f reduce",
            "call m C setstate",
            "call ? ? setstate",
        ],
        error: None,
    },
    Case {
        name: "events before a bad opcode are kept",
        data: b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00true\x85R\xff",
        events: &["find os system", "call os system reduce"],
        error: Some(ErrorKind::UnknownOpcode),
    },
    Case {
        name: "events before a cut are kept",
        data: b"cos\nsystem\n(S'true'\ntRcm\n",
        events: &["find os system", "call os system reduce"],
        error: Some(ErrorKind::Truncated),
    },
    Case {
        name: "a REDUCE that fails its checks calls nothing",
        data: b"cos\nsystem\nR.",
        events: &["find os system"],
        error: Some(ErrorKind::StackUnderflow),
    },
    Case {
        name: "arguments that are no tuple: no call",
        data: b"\x80\x02cos\nsystem\n]R.",
        events: &["find os system"],
        error: Some(ErrorKind::BadArgument),
    },
    Case {
        name: "only the first pickle is read",
        data: b"K\x01.cos\nsystem\n(S'true'\ntR.",
        events: &[],
        error: None,
    },
    Case {
        name: "a Python 2 str that does not decode stops where CPython stops",
        data: b"cos\nsystem\n(S'\\xe9'\ntR.",
        events: &["find os system"],
        error: Some(ErrorKind::BadEncoding),
    },
];

#[test]
fn table() {
    for c in CASES {
        let got = imports(c.data, &LoadOptions::default());
        assert_eq!(spelled(&got.events), c.events, "{}", c.name);
        assert_eq!(got.error.as_ref().map(|e| e.kind()), c.error, "{}", c.name);
    }
}

#[test]
fn recording_does_not_change_the_load() {
    for c in CASES {
        // The same graph, end and protocol, or the same error; only `allocated` grows
        // (the log is charged to the allocation limit).
        let strip = |r: picklejar_codec::Result<picklejar_codec::Loaded>| {
            r.map(|l| (l.graph, l.end, l.protocol))
        };
        let plain = strip(Loader::new().load(c.data));
        let (recorded, _) = Loader::new().load_with_imports(c.data);
        assert_eq!(plain, strip(recorded), "{}", c.name);
    }
}

#[test]
fn fix_imports_off() {
    let data = b"\x80\x02c__builtin__\nxrange\n.";
    let got = imports(
        data,
        &LoadOptions {
            fix_imports: false,
            ..LoadOptions::default()
        },
    );
    assert_eq!(spelled(&got.events), ["find __builtin__ xrange"]);
}

#[test]
fn extension_codes_find_once_then_come_from_the_cache() {
    // EXT2 4242 twice, each called; EXT1 7 once, unregistered code 8 last.
    let data = b"\x80\x02\x83\x92\x10X\x01\x00\x00\x00a\x85R0\x83\x92\x10X\x01\x00\x00\x00b\x85R0\x82\x07\x82\x08.";
    let mut opts = LoadOptions::default();
    opts.extensions.insert(4242, ("os".into(), "system".into()));
    opts.extensions
        .insert(7, ("copy_reg".into(), "_reconstructor".into()));
    let got = imports(data, &opts);
    assert_eq!(
        spelled(&got.events),
        [
            "find os system",
            "call os system reduce",
            "call os system reduce",
            // find_class maps registry names too (protocol 2, fix_imports on)
            "find copyreg _reconstructor",
        ]
    );
    assert_eq!(
        got.error.map(|e| e.kind()),
        Some(ErrorKind::UnknownExtension)
    );
}

#[test]
fn persistent_ids_call_persistent_load() {
    // PERSID '1', BINPERSID of int 2, in a list.
    let data = b"(P1\nK\x02Ql.";
    let got = imports(data, &LoadOptions::default());
    assert_eq!(
        spelled(&got.events),
        ["call ? ? persistent_load", "call ? ? persistent_load"]
    );
    // With a hook that resolves them: the same calls.
    let (loaded, events) = Loader::new()
        .persistent_load(|_, pid| Ok(pid))
        .load_with_imports(data);
    assert!(loaded.is_ok());
    assert_eq!(events.len(), 2);
    // A hook that fails is CPython without persistent_load: it stops, having called
    // nothing.
    let (loaded, events) = Loader::new()
        .persistent_load(|_, _| Err("no persistent_load".into()))
        .load_with_imports(data);
    assert_eq!(
        loaded.map_err(|e| e.kind()).err(),
        Some(ErrorKind::BadArgument)
    );
    assert!(events.is_empty());
}

#[test]
fn events_round_trip_through_their_spelling() {
    for c in CASES {
        for e in imports(c.data, &LoadOptions::default()).events {
            assert_eq!(
                ImportEvent::from_strings(&e.to_strings()),
                Some(e.clone()),
                "{}",
                c.name
            );
        }
    }
    assert_eq!(
        ImportEvent::from_strings(&["call", "os", "system", "extension"]),
        None
    );
    assert!(
        Via::ALL
            .iter()
            .all(|v| Via::from_name(v.as_str()) == Some(*v))
    );
}

#[test]
fn recording_is_charged_to_the_allocation_limit() {
    // 4000 GLOBALs: the graph alone fits a limit just above what it needs, the log on top
    // does not.
    let mut data = b"\x80\x02".to_vec();
    for _ in 0..4000 {
        data.extend_from_slice(b"cm\nC\n0");
    }
    data.extend_from_slice(b"N.");
    let need = Loader::new().load(&data).expect("loads").allocated;
    let mut opts = LoadOptions::default();
    opts.limits = opts.limits.with_max_alloc(need + 1000);
    assert!(Loader::with_options(opts.clone()).load(&data).is_ok());
    let got = imports(&data, &opts);
    assert_eq!(got.error.map(|e| e.kind()), Some(ErrorKind::LimitExceeded));
    assert!(!got.events.is_empty());
    assert!(load(b"\x80\x02N.").is_ok());
}
