//! The committed corpus is well formed: every `case.yaml` parses and follows the schema,
//! every file it names exists with the recorded size and SHA-256 (of the file as stored,
//! compressed or not) and the declared `compression` its magic bytes show, and every
//! feature and producer it names is registered.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use picklejar_runner::Corpus;
use picklejar_runner::corpus::{Acceptance, CompressionMethod, ReaderOutcome};
use picklejar_runner::ids::{Family, REFERENCE};
use sha2::{Digest, Sha256};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

fn corpus() -> Corpus {
    Corpus::open(root()).expect("the corpus parses")
}

/// Top-level keys of a flat `key: value` YAML mapping file.
fn yaml_keys(path: &Path, list: Option<&str>) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).expect("readable");
    let v: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    match list {
        None => v
            .as_mapping()
            .expect("mapping")
            .keys()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect(),
        Some(field) => v[field]
            .as_sequence()
            .expect("sequence")
            .iter()
            .filter_map(|e| e["id"].as_str().map(str::to_owned))
            .collect(),
    }
}

#[test]
fn corpus_is_large_and_covers_the_categories() {
    let c = corpus();
    assert!(c.cases.len() >= 200, "only {} cases", c.cases.len());
    let cats: BTreeSet<&str> = c.cases.iter().map(|c| c.category()).collect();
    for want in [
        "scalars",
        "strings",
        "containers",
        "shared",
        "recursive",
        "classes",
        "numpy_like",
        "stdlib",
        "persistent",
        "extensions",
        "buffers",
        "framing",
        "globals",
        "rejects",
    ] {
        assert!(cats.contains(want), "no {want} category");
    }
    let protocols: BTreeSet<u8> = c
        .cases
        .iter()
        .flat_map(|c| c.variants.iter().flat_map(|v| v.written_at.iter().copied()))
        .collect();
    for p in 0..=5 {
        assert!(protocols.contains(&p), "no protocol-{p} variant");
    }
}

#[test]
fn ids_match_directories_and_files_match_their_hashes() {
    let c = corpus();
    let mut problems = Vec::new();
    for case in &c.cases {
        let rel = case.dir.strip_prefix(&c.root).expect("under the root");
        if rel.to_string_lossy() != case.id {
            problems.push(format!(
                "{}: id does not match its directory {}",
                case.id,
                rel.display()
            ));
        }
        if case.variants.is_empty() {
            problems.push(format!("{}: no variants", case.id));
        }
        for v in &case.variants {
            // Size and hash are those of the file on disk, compressed or not.
            let data = match case.read_variant_file(v) {
                Ok(d) => d,
                Err(e) => {
                    problems.push(format!("{}/{}: {e}", case.id, v.file));
                    continue;
                }
            };
            let detected = CompressionMethod::detect(&data);
            if detected != v.compression {
                let name = |c: Option<CompressionMethod>| c.map_or("none", CompressionMethod::name);
                problems.push(format!(
                    "{}/{}: declares compression {}, its magic bytes say {}",
                    case.id,
                    v.file,
                    name(v.compression),
                    name(detected)
                ));
            }
            if data.len() as u64 != v.size {
                problems.push(format!(
                    "{}/{}: size {} != {}",
                    case.id,
                    v.file,
                    data.len(),
                    v.size
                ));
            }
            let hex: String = Sha256::digest(&data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if hex != v.sha256 {
                problems.push(format!("{}/{}: sha256 mismatch", case.id, v.file));
            }
            if !v.file.contains(&hex[..12]) {
                problems.push(format!(
                    "{}/{}: file name does not carry its hash",
                    case.id, v.file
                ));
            }
            if let Err(e) = case.read_buffers(v) {
                problems.push(format!("{}/{}: buffers: {e}", case.id, v.file));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn features_and_producers_are_registered() {
    let c = corpus();
    let features = yaml_keys(&root().join("features.yaml"), None);
    let producers = yaml_keys(&root().join("manifest.yaml"), Some("producers"));
    let mut used = BTreeSet::new();
    let mut problems = Vec::new();
    for case in &c.cases {
        for f in &case.features {
            used.insert(f.clone());
            if !features.contains(f) {
                problems.push(format!("{}: unknown feature {f}", case.id));
            }
        }
        for v in &case.variants {
            for p in &v.producers {
                if p.family != Family::Handwritten && !producers.contains(&p.to_string()) {
                    problems.push(format!("{}/{}: unknown producer {p}", case.id, v.file));
                }
            }
        }
    }
    for f in features.difference(&used) {
        problems.push(format!("feature {f} is registered but unused"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_variant_has_a_reference_result_and_rejects_name_their_kind() {
    let c = corpus();
    let mut problems = Vec::new();
    for case in &c.cases {
        match (case.expect, &case.error) {
            (Acceptance::Reject, None) => {
                problems.push(format!("{}: reject without an error kind", case.id))
            }
            (Acceptance::Accept, Some(_)) => {
                problems.push(format!("{}: accept with an error kind", case.id))
            }
            _ => {}
        }
        let mut reference_kinds = BTreeSet::new();
        for v in &case.variants {
            for opts in v.option_sets() {
                match v.reference(&opts) {
                    None => {
                        problems.push(format!("{}/{}: no Python 3 reader result", case.id, v.file))
                    }
                    Some((reader, ReaderOutcome::Error { kind, .. })) => {
                        if reader == REFERENCE && opts.is_default() {
                            reference_kinds.insert(*kind);
                        }
                    }
                    Some(_) => {}
                }
            }
            if v.results.iter().any(|r| r.readers.is_empty()) {
                problems.push(format!(
                    "{}/{}: a result group with no readers",
                    case.id, v.file
                ));
            }
        }
        if let (Acceptance::Reject, Some(kind)) = (case.expect, &case.error)
            && !reference_kinds.contains(kind)
        {
            problems.push(format!(
                "{}: error {kind} is not what {REFERENCE} raised ({reference_kinds:?})",
                case.id
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
