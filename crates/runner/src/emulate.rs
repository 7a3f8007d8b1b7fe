//! Reading as a given CPython reader: how picklejar's codec is made to read a pickle the
//! way one of the corpus's readers (`cpython-2.7`, `cpython-3.6`, `cpython-3.13`, …) does,
//! as far as its public options allow. One place, used wherever the runner needs another
//! reader's rules: the raw normaliser of adapters compared with such a reader
//! ([`crate::raw`]), the spelling of names in imports trials ([`crate::trial`]), and the
//! imports agreement test (`tests/imports_agree.rs`).
//!
//! | reader | picklejar reads with | imports |
//! |---|---|---|
//! | Python 3 (`cpython-3.X`, `-py`, `-dataonly`) | the trial's options | names after `fix_imports` (protocol < 3, unless the options turn it off); stops at opcodes above the version's highest protocol (3.6, 3.7: 4) |
//! | Python 2 (`cpython-2.7`, `cpython-2.7-py`) | `encoding="bytes"` (a Python 2 `str` is `str`, i.e. bytes), `fix_imports` on for the canon (`docs/CANON.md` section 7 maps Python 2 readers' names too), the case's extensions and persistent ids; no other option (2.7's unpicklers take none) | names as the stream spells them (2.7 has no `fix_imports`); stops at protocol 3+ opcodes |
//!
//! What picklejar's options cannot say is not emulated: the pure-Python unpicklers' leniency
//! (REDUCE with a list of arguments, a name line without its newline at the end of the
//! input, INST without a MARK), `_compat_pickle` tables of older versions, and values that
//! only CPython 2.7's own classes build (a `bytearray(u'…', 'latin-1')` whose encoding
//! name is a Python 2 `str` stays a reduction with `encoding="bytes"`).
//!
//! ```
//! use picklejar_runner::corpus::LoadSpec;
//! use picklejar_runner::emulate;
//!
//! let py27 = "cpython-2.7".parse()?;
//! // protocol 0: GLOBAL '__builtin__ xrange', read with fix_imports=False
//! let spec = LoadSpec { fix_imports: Some(false), ..LoadSpec::default() };
//! assert_eq!(emulate::load_spec(py27, &spec).encoding.as_deref(), Some("bytes"));
//! let events = emulate::imports(py27, b"c__builtin__\nxrange\n.", &spec, None)?;
//! assert_eq!(events[0].to_string(), "find __builtin__.xrange"); // 2.7: as written
//! let events = emulate::imports("cpython-3.13".parse()?, b"c__builtin__\nxrange\n.", &LoadSpec::default(), None)?;
//! assert_eq!(events[0].to_string(), "find builtins.range"); // 3.x: fix_imports
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use picklejar_codec::{ImportEvent, LoadOptions, Loader, Opcode, dis};

use crate::corpus::LoadSpec;
use crate::ids::ImplId;

/// Whether `reader` runs on Python 2 (its unpicklers take no options, load a Python 2
/// `str` as `str` and look names up as the stream spells them).
///
/// ```
/// use picklejar_runner::emulate::is_python2;
/// assert!(is_python2("cpython-2.7-py".parse()?));
/// assert!(!is_python2("cpython-3.6".parse()?));
/// # Ok::<(), picklejar_runner::ids::IdError>(())
/// ```
pub fn is_python2(reader: ImplId) -> bool {
    reader.version.is_some_and(|v| v.major == 2)
}

/// The highest protocol `reader` loads: 2 on Python 2, 3 on 3.0–3.3, 4 on 3.4–3.7, 5 from
/// 3.8 on (and for ids without a version, such as `handwritten`).
///
/// ```
/// use picklejar_runner::emulate::highest_protocol;
/// assert_eq!(highest_protocol("cpython-3.7-py".parse()?), 4);
/// assert_eq!(highest_protocol("cpython-3.13".parse()?), 5);
/// # Ok::<(), picklejar_runner::ids::IdError>(())
/// ```
pub fn highest_protocol(reader: ImplId) -> u8 {
    match reader.version {
        Some(v) if v.major == 2 => 2,
        Some(v) if v.major == 3 && v.minor <= 3 => 3,
        Some(v) if v.major == 3 && v.minor <= 7 => 4,
        _ => picklejar_codec::HIGHEST_PROTOCOL,
    }
}

/// The options picklejar's loader reads with to load as `reader` does, given the options
/// of the trial (`spec`: the case's `load` with the option set): unchanged for a Python 3
/// reader; for a Python 2 reader `encoding="bytes"` and `fix_imports` on (the canon maps
/// Python 2 readers' names, `docs/CANON.md` section 7), keeping the case's extensions and
/// persistent ids.
///
/// ```
/// use picklejar_runner::corpus::LoadSpec;
/// use picklejar_runner::emulate::load_spec;
///
/// let spec = LoadSpec { fix_imports: Some(false), persistent_load: true, ..LoadSpec::default() };
/// assert_eq!(load_spec("cpython-3.12".parse()?, &spec), spec);
/// let py2 = load_spec("cpython-2.7".parse()?, &spec);
/// assert_eq!((py2.encoding.as_deref(), py2.fix_imports, py2.persistent_load), (Some("bytes"), None, true));
/// # Ok::<(), picklejar_runner::ids::IdError>(())
/// ```
pub fn load_spec(reader: ImplId, spec: &LoadSpec) -> LoadSpec {
    if !is_python2(reader) {
        return spec.clone();
    }
    LoadSpec {
        encoding: Some("bytes".into()),
        errors: None,
        fix_imports: None,
        extensions: spec.extensions.clone(),
        persistent_load: spec.persistent_load,
    }
}

/// The options picklejar's loader computes `reader`'s imports with: [`load_spec`], and for
/// a Python 2 reader `fix_imports` off (it looks names up as written).
///
/// ```
/// use picklejar_runner::corpus::LoadSpec;
/// use picklejar_runner::emulate::imports_spec;
/// let s = imports_spec("cpython-2.7".parse()?, &LoadSpec::default());
/// assert_eq!(s.fix_imports, Some(false));
/// assert_eq!(imports_spec("cpython-3.13".parse()?, &LoadSpec::default()), LoadSpec::default());
/// # Ok::<(), picklejar_runner::ids::IdError>(())
/// ```
pub fn imports_spec(reader: ImplId, spec: &LoadSpec) -> LoadSpec {
    let mut s = load_spec(reader, spec);
    if is_python2(reader) {
        s.fix_imports = Some(false);
    }
    s
}

/// Whether `reader`, reading a stream of `protocol` with `spec`, records the names it looks
/// up after `fix_imports` (a Python 3 reader, protocol 0–2, `fix_imports` not turned off),
/// as opposed to as the stream spells them.
///
/// ```
/// use picklejar_runner::corpus::LoadSpec;
/// use picklejar_runner::emulate::maps_names;
/// let spec = LoadSpec::default();
/// assert!(maps_names("cpython-3.13".parse()?, 2, &spec));
/// assert!(!maps_names("cpython-3.13".parse()?, 3, &spec));
/// assert!(!maps_names("cpython-2.7".parse()?, 2, &spec));
/// # Ok::<(), picklejar_runner::ids::IdError>(())
/// ```
pub fn maps_names(reader: ImplId, protocol: u8, spec: &LoadSpec) -> bool {
    protocol < 3 && imports_spec(reader, spec).fix_imports != Some(false)
}

/// Where `reader` stops reading `data` because an opcode (or a PROTO argument) is above its
/// highest protocol: the offset of that opcode, `None` when nothing is.
fn protocol_cut(reader: ImplId, data: &[u8], options: &LoadOptions) -> Option<usize> {
    let highest = highest_protocol(reader);
    if highest >= picklejar_codec::HIGHEST_PROTOCOL {
        return None;
    }
    dis(data, options).lines.iter().find_map(|l| {
        let above = l.opcode.protocol() > highest
            || (l.opcode == Opcode::Proto && data.get(l.offset + 1).is_some_and(|p| *p > highest));
        above.then_some(l.offset)
    })
}

/// What `reader` imports and calls loading `data` (one pickle, decompressed) with the
/// trial's options `spec` and out-of-band `buffers`, as picklejar's loader computes it
/// with [`imports_spec`]: the events before the load stops, where it stops at an opcode
/// above the reader's highest protocol, and (without the `persistent_load` option) at the
/// first persistent id, as CPython without a `persistent_load` does. An `Err` is an option
/// the loader does not have (an unknown encoding).
///
/// ```
/// use picklejar_runner::corpus::LoadSpec;
/// use picklejar_runner::emulate::imports;
///
/// // protocol 5: PROTO 5, GLOBAL 'os system', STOP — 3.7 refuses the PROTO, 3.8 reads on
/// let data = b"\x80\x05cos\nsystem\n.";
/// let spec = LoadSpec::default();
/// assert!(imports("cpython-3.7".parse()?, data, &spec, None)?.is_empty());
/// assert_eq!(imports("cpython-3.8".parse()?, data, &spec, None)?.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn imports(
    reader: ImplId,
    data: &[u8],
    spec: &LoadSpec,
    buffers: Option<Vec<Vec<u8>>>,
) -> Result<Vec<ImportEvent>, String> {
    let options = imports_spec(reader, spec).to_options(buffers)?;
    let data = match protocol_cut(reader, data, &options) {
        Some(cut) => &data[..cut],
        None => data,
    };
    let mut loader = Loader::with_options(options);
    if !spec.persistent_load {
        loader = loader.persistent_load(|_, _| Err("no persistent_load".into()));
    }
    Ok(loader.load_with_imports(data).1)
}

/// The Python 3 name CPython looks up for the global `module.name` of a protocol 0–2
/// stream read with `fix_imports` (CPython's `_compat_pickle` tables, as picklejar's loader
/// applies them); `None` when the tables leave it as it is.
///
/// ```
/// use picklejar_runner::emulate::fix_import;
/// assert_eq!(fix_import("__builtin__", "eval"), Some(("builtins".into(), "eval".into())));
/// assert_eq!(fix_import("copy_reg", "_reconstructor"), Some(("copyreg".into(), "_reconstructor".into())));
/// assert_eq!(fix_import("os", "system"), None);
/// ```
pub fn fix_import(module: &str, name: &str) -> Option<(String, String)> {
    // Through the loader's public API: GLOBAL `module name` in a protocol-2 stream.
    if module.is_empty() || name.is_empty() || module.contains('\n') || name.contains('\n') {
        return None;
    }
    let mut bytes = b"\x80\x02c".to_vec();
    for part in [module, name] {
        bytes.extend_from_slice(part.as_bytes());
        bytes.push(b'\n');
    }
    bytes.push(b'.');
    let events = picklejar_codec::imports(&bytes, &LoadOptions::default()).events;
    match events.first() {
        Some(ImportEvent::Find { module: m, name: n })
            if (m.as_str(), n.as_str()) != (module, name) =>
        {
            Some((m.clone(), n.clone()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ImplId {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn readers_stop_at_their_highest_protocol() {
        // (reader, pickle, events): GLOBAL at protocol 2, then a protocol-4 and -5 opcode
        let p4 = b"\x80\x02cos\nsystem\n\x8c\x01a\x94.";
        let p5 = b"\x80\x02cos\nsystem\n\x96\x00\x00\x00\x00\x00\x00\x00\x00.";
        let table: [(&str, &[u8], usize); 6] = [
            ("cpython-2.7", p4, 1),
            ("cpython-3.7", p4, 1),
            ("cpython-3.7", p5, 1),
            ("cpython-3.13", p5, 1),
            ("cpython-2.7", b"\x80\x03cos\nsystem\n.", 0),
            ("cpython-3.6-py", b"\x80\x04cos\nsystem\n.", 1),
        ];
        for (reader, data, n) in table {
            let got = imports(id(reader), data, &LoadSpec::default(), None).unwrap_or_default();
            assert_eq!(got.len(), n, "{reader} {data:?}: {got:?}");
        }
        assert_eq!(
            protocol_cut(id("cpython-2.7"), b"\x80\x03N.", &LoadOptions::default()),
            Some(0)
        );
        let p5_opcode = b"\x80\x04N0\x96\x00\x00\x00\x00\x00\x00\x00\x00.";
        assert_eq!(
            protocol_cut(id("cpython-3.7"), p5_opcode, &LoadOptions::default()),
            Some(4)
        );
        assert_eq!(
            protocol_cut(id("cpython-3.13"), b"\x80\x05N.", &LoadOptions::default()),
            None
        );
    }

    #[test]
    fn python_2_readers_look_names_up_as_written() {
        let data = b"\x80\x02ccopy_reg\n_reconstructor\n.";
        let spec = LoadSpec::default();
        let py2 = imports(id("cpython-2.7-py"), data, &spec, None).unwrap_or_default();
        let py3 = imports(id("cpython-3.13"), data, &spec, None).unwrap_or_default();
        assert_eq!(py2[0].to_string(), "find copy_reg._reconstructor");
        assert_eq!(py3[0].to_string(), "find copyreg._reconstructor");
        assert!(maps_names(id("cpython-3.9"), 0, &spec));
        let off = LoadSpec {
            fix_imports: Some(false),
            ..LoadSpec::default()
        };
        assert!(!maps_names(id("cpython-3.9"), 0, &off));
    }

    #[test]
    fn persistent_ids_stop_the_load_without_the_option() {
        // PERSID '1', then GLOBAL: CPython without persistent_load raises at the PERSID
        let data = b"P1\n0cos\nsystem\n.";
        let without = imports(id("cpython-3.13"), data, &LoadSpec::default(), None);
        assert_eq!(without, Ok(vec![]));
        let with = LoadSpec {
            persistent_load: true,
            ..LoadSpec::default()
        };
        let got = imports(id("cpython-3.13"), data, &with, None).unwrap_or_default();
        let lines: Vec<String> = got.iter().map(ToString::to_string).collect();
        assert_eq!(lines, ["call ? via persistent_load", "find os.system"]);
    }
}
