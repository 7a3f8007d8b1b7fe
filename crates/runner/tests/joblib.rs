//! joblib files in the corpus (`container: joblib`, written by `joblib.dump` through the
//! `joblib-X.Y` producers): the runner cuts each array's bytes out (the `cut` joblib's own
//! writer recorded) and hands every codec the rest, an ordinary pickle. picklejar's
//! container reader finds the same arrays by scanning the stream alone, so the two are
//! checked against each other here, on every joblib variant.

use std::path::Path;

use picklejar_codec::{Encoding, LoadOptions};
use picklejar_runner::Corpus;
use picklejar_runner::corpus::{CompressionMethod, Container, apply_cut};
use picklejar_runner::ids::Family;

fn corpus() -> Corpus {
    Corpus::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus"))
        .expect("the corpus parses")
}

#[test]
fn the_container_scan_cuts_what_joblib_recorded() {
    let c = corpus();
    let mut seen = 0;
    let mut zlib = 0;
    for case in &c.cases {
        for v in &case.variants {
            let by_joblib = v.producers.iter().any(|p| p.family == Family::Joblib);
            assert_eq!(
                by_joblib,
                v.container == Some(Container::Joblib),
                "{}/{}: container: joblib goes with the joblib-X.Y producers",
                case.id,
                v.file
            );
            if !by_joblib {
                continue;
            }
            seen += 1;
            zlib += usize::from(v.compression == Some(CompressionMethod::Zlib));
            assert!(!v.cut.is_empty(), "{}/{}: no arrays", case.id, v.file);
            let raw = case.read_variant_file(v).expect("file");
            let pickle = case.read_variant(v).expect("the variant's pickle");
            // Python 2 joblib files hold numpy's binary str state: loaded as bytes
            let options = LoadOptions {
                encoding: Encoding::Bytes,
                ..LoadOptions::default()
            };
            let opened = picklejar_container::open(&raw, &options)
                .unwrap_or_else(|e| panic!("{}/{}: {e}", case.id, v.file));
            assert!(
                matches!(opened.kind, picklejar_container::Kind::Joblib { .. }),
                "{}/{}: {:?}",
                case.id,
                v.file,
                opened.kind
            );
            assert_eq!(
                opened.pickle, pickle,
                "{}/{}: the scan's pickle is not the recorded cut's",
                case.id, v.file
            );
            assert_eq!(
                opened.storages.len(),
                v.cut.len(),
                "{}/{}: one array per cut range",
                case.id,
                v.file
            );
        }
    }
    assert!(seen >= 40, "only {seen} joblib variants");
    assert!(
        zlib * 2 == seen,
        "{zlib} of {seen} joblib variants are zlib-compressed"
    );
}

#[test]
fn a_cut_past_the_end_is_a_corpus_error_not_a_panic() {
    assert_eq!(apply_cut(b"abcdef", &[1..3, 4..5]), b"adf");
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("libraries/bad_cut");
    std::fs::create_dir_all(&case).expect("mkdir");
    std::fs::write(case.join("p2-0.pkl"), b"\x80\x02N.").expect("write");
    let yaml = "id: libraries/bad_cut\ndescription: x\nfeatures: []\nexpect: accept\nsource: x\nload: {}\nvariants:\n- file: p2-0.pkl\n  protocol: 2\n  container: joblib\n  cut: [[1, 9]]\n  written_at: [2]\n  sha256: 0\n  size: 4\n  producers: [joblib-3.13]\n  buffers: []\n  results: []\n";
    std::fs::write(case.join("case.yaml"), yaml).expect("write");
    let c = Corpus::open(dir.path()).expect("parses");
    let v = &c.cases[0].variants[0];
    assert!(c.cases[0].read_variant(v).is_err());
    // a cut without a container is refused when the corpus is read
    let bad = yaml.replace("  container: joblib\n", "");
    std::fs::write(case.join("case.yaml"), bad).expect("write");
    let e = Corpus::open(dir.path()).expect_err("a cut without container: joblib");
    assert!(e.to_string().contains("cut"), "{e}");
}
