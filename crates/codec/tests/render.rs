//! The streaming renderings ([`render`]) write exactly what the canon tree's
//! `to_text`/`to_json_string` write, for every pickle of the corpus, and measure it exactly.

use std::path::Path;

use picklejar_codec::canon::{Format, render};
use picklejar_codec::{Encoding, Limits, Loader, to_canon};

fn pickles(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            pickles(&p, out);
        } else if p.extension().is_some_and(|x| x == "pkl") {
            out.push(p);
        }
    }
}

#[test]
fn renderings_match_the_tree_on_the_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut files = Vec::new();
    pickles(&corpus, &mut files);
    files.sort();
    assert!(files.len() > 500, "corpus at {}", corpus.display());
    let mut compared = 0;
    for f in &files {
        let raw = std::fs::read(f).expect("read");
        let Ok(data) = picklejar_codec::compress::decompress(&raw, 64 << 20) else {
            continue;
        };
        for enc in [Encoding::Ascii, Encoding::Latin1, Encoding::Bytes] {
            let Ok(l) = Loader::new().encoding(enc).load(&data) else {
                continue;
            };
            let tree = to_canon(&l.graph).ok();
            for (format, want) in [
                (Format::Text, tree.as_ref().map(|t| t.to_text())),
                (
                    Format::Json,
                    tree.as_ref().map(|t| t.to_json_string() + "\n"),
                ),
            ] {
                let r = render(&l.graph, format, &Limits::DEFAULT);
                match (r, want) {
                    (Ok(mut r), Some(want)) => {
                        let mut out = Vec::new();
                        r.write_to(&mut out).expect("writes");
                        assert_eq!(
                            String::from_utf8_lossy(&out),
                            want,
                            "{} {format:?}",
                            f.display()
                        );
                        assert_eq!(r.len(), out.len() as u64, "{}", f.display());
                        compared += 1;
                    }
                    (Err(a), None) => {
                        let b = to_canon(&l.graph).expect_err("fails too");
                        assert_eq!(a.kind(), b.kind(), "{}", f.display());
                    }
                    (r, w) => panic!(
                        "{}: render {:?}, tree {:?}",
                        f.display(),
                        r.err(),
                        w.map(|_| ())
                    ),
                }
            }
        }
    }
    assert!(compared > 1000, "{compared}");
}
