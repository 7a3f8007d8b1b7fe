//! The raw form: a value as an adapter read it off the stream, normalised by the runner.
//!
//! An adapter that declares `output: raw` (`docs/ADAPTERS.md`) writes canon JSON without the
//! two things that take most code to get right, and the runner does them, with
//! picklejar-codec's own loader:
//!
//! * **no `fix_imports`**: globals (and `INST`/`OBJ` classes, extension-registry names)
//!   are written as the stream spells them (`__builtin__.set`, `copy_reg._reconstructor`);
//! * **reductions unfolded**: every `REDUCE` is a `reduce` node with its callable and
//!   arguments, including the plain-value encodings of `docs/CANON.md` section 7
//!   (`builtins.set(list)`, `_codecs.encode(str, 'latin1')`, `bytearray(bytes)`,
//!   `copyreg._reconstructor(cls, object, None)`, `getattr(m.a, 'b')`,
//!   `functools.partial(cls.__new__, cls, …)()`).
//!
//! Everything else is as in canon: `NEWOBJ`/`NEWOBJ_EX`/`INST`/`OBJ` are `object` nodes,
//! `BUILD` sets `state`, `APPEND(S)`/`SETITEM(S)` onto an object fill `items`/`dictitems`,
//! shared objects carry `id`/`ref`. Anchor numbering and set order need not be canonical:
//! they are computed again.
//!
//! [`normalize`] turns raw into canon by dumping the tree with picklejar's pickler
//! (globals as written, no name mapping) and loading the bytes back with picklejar's
//! loader and the trial's options. The loader is where the section 7 rewrites
//! (`load/normalize.rs`) and CPython's `_compat_pickle` tables (`fix_imports`, for
//! streams of protocol 0–2) live, so a raw adapter is normalised by exactly the rules
//! picklejar's own codec is held to; nothing is written twice. The tables are also shipped
//! as data for adapters that write canon themselves: `kits/compat_tables.json`.
//!
//! ```
//! use picklejar_codec::Canon;
//! use picklejar_runner::corpus::LoadSpec;
//! use picklejar_runner::raw::normalize;
//!
//! // protocol 2: c__builtin__\nset\n( ... ) R — as read off the stream
//! let raw = Canon::from_json(r#"{"t":"reduce","callable":{"t":"global","module":"__builtin__","name":"set"},
//!     "args":[{"t":"list","v":[{"t":"int","v":"1"}]}]}"#)?;
//! let canon = normalize(&raw, 2, &LoadSpec::default())?;
//! assert_eq!(canon.to_json_string(), r#"{"t":"set","v":[{"t":"int","v":"1"}]}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use picklejar_codec::{Canon, DumpOptions, Loader, Profile, dump, to_canon};

use crate::corpus::LoadSpec;

/// Why a raw tree could not be normalised.
#[derive(Debug, thiserror::Error)]
#[error(
    "raw output could not be normalised ({0}); check it against docs/ADAPTERS.md, \"The raw form\""
)]
pub struct RawError(String);

/// The canon of a raw tree read from a stream that declares `protocol`, loaded with
/// `spec`'s options (`fix_imports=false` keeps Python 2 names).
pub fn normalize(raw: &Canon, protocol: u8, spec: &LoadSpec) -> Result<Canon, RawError> {
    let err = |e: picklejar_codec::Error| RawError(e.to_string());
    let graph = raw.to_graph().map_err(err)?;
    let mut dump_opts = DumpOptions::new(Profile::Py313);
    dump_opts.fix_imports = false;
    // fix_imports applies to streams of protocol 0–2: re-read at 2 (GLOBAL, and every
    // section 7 encoding) or at 5 (buffers, STACK_GLOBAL names as written).
    let at = if protocol < 3 { 2 } else { 5 };
    let dumped = dump(&graph, at, &dump_opts).map_err(err)?;
    let buffers = (!dumped.buffers.is_empty()).then_some(dumped.buffers);
    let mut options = spec.to_options(buffers).map_err(RawError)?;
    options.extensions.clear();
    let loaded = Loader::with_options(options)
        .load(&dumped.bytes)
        .map_err(err)?;
    to_canon(&loaded.graph).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(json: &str) -> Canon {
        Canon::from_json(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    fn g(module: &str, name: &str) -> String {
        format!(r#"{{"t":"global","module":"{module}","name":"{name}"}}"#)
    }

    #[test]
    fn section_7_encodings_and_fix_imports() {
        let s = |v: &str| format!(r#"{{"t":"str","v":"{v}"}}"#);
        let table: Vec<(u8, String, &str)> = vec![
            (
                2,
                format!(
                    r#"{{"t":"reduce","callable":{},"args":[{},{}]}}"#,
                    g("_codecs", "encode"),
                    s("ab"),
                    s("latin1")
                ),
                r#"{"t":"bytes","v":"ab"}"#,
            ),
            (
                1,
                format!(
                    r#"{{"t":"reduce","callable":{},"args":[{},{},{{"t":"none"}}]}}"#,
                    g("copy_reg", "_reconstructor"),
                    g("m", "C"),
                    g("__builtin__", "object")
                ),
                r#"{"t":"object","class":{"t":"global","module":"m","name":"C"}}"#,
            ),
            (
                2,
                format!(
                    r#"{{"t":"reduce","callable":{},"args":[{},{}]}}"#,
                    g("__builtin__", "getattr"),
                    g("m", "A"),
                    s("B")
                ),
                r#"{"t":"global","module":"m","name":"A.B"}"#,
            ),
            (
                0,
                g("__builtin__", "xrange"),
                r#"{"t":"global","module":"builtins","name":"range"}"#,
            ),
            // protocol 3+: no name mapping
            (
                4,
                g("__builtin__", "xrange"),
                r#"{"t":"global","module":"__builtin__","name":"xrange"}"#,
            ),
            (
                5,
                format!(
                    r#"{{"t":"reduce","callable":{},"args":[{{"t":"bytes","v":"x"}}]}}"#,
                    g("builtins", "bytearray")
                ),
                r#"{"t":"bytearray","v":"x"}"#,
            ),
        ];
        for (protocol, raw, want) in table {
            let got = normalize(&c(&raw), protocol, &LoadSpec::default())
                .unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(got, c(want), "{raw}");
        }
    }

    #[test]
    fn fix_imports_false_keeps_python_2_names() {
        let spec = LoadSpec {
            fix_imports: Some(false),
            ..LoadSpec::default()
        };
        let got = normalize(&c(&g("copy_reg", "dispatch_table")), 2, &spec).ok();
        assert_eq!(got, Some(c(&g("copy_reg", "dispatch_table"))));
    }

    #[test]
    fn identity_survives_and_anchors_are_renumbered() {
        // ids 7 and a ref: any numbering is accepted
        let raw = c(r#"{"t":"list","v":[{"t":"list","id":7,"v":[]},{"t":"ref","v":7}]}"#);
        let got = normalize(&raw, 4, &LoadSpec::default()).ok();
        assert_eq!(
            got,
            Some(c(
                r#"{"t":"list","v":[{"t":"list","id":1,"v":[]},{"t":"ref","v":1}]}"#
            ))
        );
    }
}
