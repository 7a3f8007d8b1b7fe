//! Pickles made by the local CPython interpreters (2.7, 3.6, 3.13) at every protocol each
//! has, committed under `tests/data/cpython/` with the canon that interpreter computed for
//! what it loaded back (`tools/make_codec_testdata.py`). The codec must load each to the
//! same canon. Python 2 readers see `str` as bytes, so their files load with
//! `encoding="bytes"`.

use std::path::Path;

use picklejar_codec::{Canon, Encoding, Loader, to_canon};

#[test]
fn loads_like_the_interpreter_that_wrote_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cpython");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("test data")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pkl"))
        .collect();
    files.sort();
    assert!(files.len() >= 100, "only {} test pickles", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let data = std::fs::read(f).expect("pickle");
        let want_text = std::fs::read_to_string(f.with_extension("canon.json")).expect("canon");
        let want = Canon::from_json(want_text.trim()).expect("canon parses");
        let enc = if name.contains("-py2.") {
            Encoding::Bytes
        } else {
            Encoding::Ascii
        };
        let got = Loader::new()
            .encoding(enc)
            .load(&data)
            .map_err(|e| e.to_string())
            .and_then(|l| {
                assert_eq!(l.end, data.len(), "{name}: STOP is the last byte");
                to_canon(&l.graph).map_err(|e| e.to_string())
            });
        match got {
            Ok(c) if c == want => {}
            Ok(c) => failures.push(format!(
                "{name}:\n want {}\n  got {}",
                want.to_json_string(),
                c.to_json_string()
            )),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
