//! The committed test files (tests/data, written by tools/make_container_testdata.py with
//! real torch and joblib) against what their manifest says they hold.

use std::time::{Duration, Instant};

use picklejar_codec::{ErrorKind, LoadOptions, Node, to_canon};
use picklejar_container::{Compression, Container, Detail, Kind, Source, open, sniff};
use serde_json::Value as Json;

mod common;

use common::{one_mib, read};

fn manifest() -> Json {
    serde_json::from_slice(&read("manifest.json")).expect("manifest.json parses")
}

fn load(name: &str) -> Container {
    open(&read(name), &LoadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The array at `j[key]`.
fn array<'j>(j: &'j Json, key: &str) -> &'j [Json] {
    j[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key}: not an array"))
}

/// The items of the array at `j[key]` that `item` reads.
fn items<'j, T>(j: &'j Json, key: &str, item: impl Fn(&'j Json) -> Option<T>) -> Vec<T> {
    array(j, key).iter().filter_map(item).collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn files_of_kind(m: &Json, kind: &str) -> Vec<String> {
    let mut v: Vec<String> = m["files"]
        .as_object()
        .expect("files")
        .iter()
        .filter(|(_, f)| {
            f["kind"] == kind
                && f.get("storages")
                    .is_some_and(|s| s.as_array().is_some_and(|a| !a.is_empty()))
        })
        .map(|(k, _)| k.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn the_manifest_records_the_writers() {
    let m = manifest();
    for k in ["torch", "joblib", "numpy", "python"] {
        assert!(m["versions"][k].is_string(), "versions.{k}");
    }
}

/// Opens torch checkpoint `name`, checks its kind and its storages against the manifest
/// (which Python's pickle module and the zip/stream reader of the generator computed),
/// and hands back the container and the manifest's record of the file.
fn open_torch(name: &str, kind: Kind) -> (Container, Json) {
    let want = manifest()["files"][name].take();
    let c = load(name);
    assert_eq!(c.kind, kind, "{name}");
    check_torch_storages(name, &c, &want);
    (c, want)
}

fn check_torch_storages(name: &str, c: &Container, want: &Json) {
    let want = array(want, "storages");
    assert_eq!(c.storages.len(), want.len(), "{name}: storage count");
    for w in want {
        let key = w["key"].as_str().expect("key");
        let s = c
            .storage(key)
            .unwrap_or_else(|| panic!("{name}: storage {key}"));
        assert_eq!(s.dtype, w["dtype"].as_str().expect("dtype"), "{name} {key}");
        assert_eq!(
            s.element_size,
            w["element_size"].as_u64().map(|x| x as usize)
        );
        assert_eq!(s.numel, w["numel"].as_u64().expect("numel"), "{name} {key}");
        assert_eq!(s.data.len() as u64, w["nbytes"].as_u64().expect("nbytes"));
        assert_eq!(
            hex(&s.data),
            w["hex"].as_str().expect("hex"),
            "{name} {key} bytes"
        );
        let Detail::Torch {
            storage_type,
            location,
        } = &s.detail
        else {
            panic!("{name} {key}: {:?}", s.detail)
        };
        assert_eq!(storage_type, w["storage_type"].as_str().expect("type"));
        assert_eq!(location, w["location"].as_str().expect("location"));
    }
}

#[test]
fn torch_zip_checkpoints_match_the_manifest() {
    let m = manifest();
    let names = files_of_kind(&m, "torch-zip");
    assert_eq!(names, ["torch_zip.pt", "torch_zip_p4.pt"]);
    for name in names {
        let (c, want) = open_torch(&name, Kind::TorchZip);
        assert_eq!(c.byteorder.as_deref(), want["byteorder"].as_str());
        let records: Vec<&str> = c.members.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(records, items(&want, "records", Json::as_str), "{name}");
        assert_eq!(
            c.pickle_name,
            format!("{}/data.pkl", want["prefix"].as_str().expect("prefix"))
        );
        // Every persistent id of the pickle is attached to a storage.
        let persids = c
            .graph
            .nodes()
            .iter()
            .filter(|n| matches!(n, Node::PersId(_)))
            .count();
        assert_eq!(
            persids as u64,
            want["persistent_ids"].as_u64().expect("pids")
        );
        let attached: usize = c.storages.iter().map(|s| s.nodes.len()).sum();
        assert_eq!(attached, persids, "{name}: every persid node is attached");
        assert!(c.notes.is_empty(), "{name}: {:?}", c.notes);
    }
}

#[test]
fn torch_legacy_stacked_matches_the_manifest() {
    let (c, want) = open_torch("torch_legacy.pt", Kind::TorchLegacyStacked);
    // The storages are in the order of the key list, right after it.
    let keys = items(&want, "storages", |s| s["key"].as_str());
    let got: Vec<&str> = c.storages.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(got, keys);
    let main_at = want["main_pickle_offset"].as_u64().expect("offset");
    assert_eq!(c.pickle_name, format!("the 4th pickle (byte {main_at})"));
    assert!(c.storages.iter().all(|s| !s.nodes.is_empty()));
    assert!(c.notes.is_empty(), "{:?}", c.notes);
}

#[test]
fn torch_legacy_tar_matches_the_manifest() {
    let (c, want) = open_torch("torch_legacy_tar.pt", Kind::TorchLegacyTar);
    let wt = array(&want, "tensors");
    assert_eq!(c.tensors.len(), wt.len());
    for (t, w) in c.tensors.iter().zip(wt) {
        assert_eq!(t.key, w["key"].as_str().expect("key"));
        assert_eq!(t.storage, w["storage"].as_str().expect("storage"));
        assert_eq!(t.tensor_type, w["tensor_type"].as_str().expect("type"));
        assert_eq!(t.size, items(w, "size", Json::as_i64));
        assert_eq!(t.stride, items(w, "stride", Json::as_i64));
        assert_eq!(
            t.storage_offset,
            w["storage_offset"].as_i64().expect("offset")
        );
        assert_eq!(
            t.nodes.len(),
            1,
            "tensor {} is named once in the pickle",
            t.key
        );
    }
    let names: Vec<&str> = c.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["sys_info", "pickle", "tensors", "storages"]);
}

#[test]
fn joblib_files_match_the_manifest() {
    let m = manifest();
    let mut seen = 0;
    for (name, want) in m["files"].as_object().expect("files") {
        if want["kind"] != "joblib" {
            continue;
        }
        seen += 1;
        let c = load(name);
        let compression = want["compression"].as_str().map(|n| {
            *Compression::ALL
                .iter()
                .find(|c| c.name() == n)
                .expect("known")
        });
        assert_eq!(c.kind, Kind::Joblib { compression }, "{name}");
        let arrays = array(want, "arrays");
        assert_eq!(c.storages.len(), arrays.len(), "{name}: array count");
        for (i, (s, w)) in c.storages.iter().zip(arrays).enumerate() {
            let what = format!("{name} array {i}");
            assert_eq!(s.key, i.to_string());
            assert_eq!(s.dtype, w["dtype"].as_str().expect("dtype"), "{what}");
            assert_eq!(
                s.element_size,
                w["element_size"].as_u64().map(|x| x as usize),
                "{what}"
            );
            assert_eq!(s.numel, w["numel"].as_u64().expect("numel"), "{what}");
            let shape = items(w, "shape", Json::as_u64);
            assert!(matches!(s.source, Source::Offset(_)));
            assert_eq!(s.nodes.len(), 1, "{what}: attached to its wrapper");
            let wrapper = c.graph.node(s.nodes[0]);
            assert!(matches!(wrapper, Node::Object(_)), "{what}");
            match &s.detail {
                Detail::Array {
                    shape: sh, order, ..
                } => {
                    assert_eq!(sh, &shape, "{what}");
                    assert_eq!(
                        order.to_string(),
                        w["order"].as_str().expect("order"),
                        "{what}"
                    );
                    assert_eq!(
                        s.data.len() as u64,
                        w["nbytes"].as_u64().expect("nbytes"),
                        "{what}"
                    );
                    assert_eq!(
                        hex(&s.data),
                        w["hex"].as_str().expect("hex"),
                        "{what} bytes"
                    );
                }
                Detail::PickledArray { shape: sh, graph } => {
                    assert_eq!(w["object"], true, "{what}");
                    assert_eq!(sh, &shape, "{what}");
                    let text = to_canon(graph).expect("canon").to_text();
                    assert!(text.contains("str \"two\""), "{what}: {text}");
                }
                other => panic!("{what}: {other:?}"),
            }
        }
        // The pickle left after cutting the arrays out loads on its own.
        let again = picklejar_codec::load(&c.pickle).expect("the spliced pickle loads");
        assert_eq!(again, c.graph, "{name}");
    }
    assert_eq!(seen, 12);
}

#[test]
fn sniff_names_every_test_file() {
    let m = manifest();
    for (name, want) in m["files"].as_object().expect("files") {
        let data = read(name);
        let k = sniff(&data).unwrap_or_else(|| panic!("{name}: not sniffed"));
        let expect = match want["kind"].as_str().expect("kind") {
            "torch-zip" => "PyTorch zip",
            "torch-legacy-stacked" => "stacked",
            "torch-legacy-tar" => "(tar)",
            _ => "joblib",
        };
        assert!(k.to_string().contains(expect), "{name}: {k}");
    }
    assert_eq!(sniff(b"\x80\x04N."), None);
    assert_eq!(sniff(b""), None);
}

#[test]
fn a_zip_bomb_member_is_limit_exceeded_within_the_budget() {
    let bomb = read("torch_zip_bomb.pt");
    let opts = one_mib();
    let t = Instant::now();
    let e = open(&bomb, &opts).expect_err("refused");
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{e}");
    assert_eq!(e.member(), Some("torch_zip/data/0"));
    assert!(e.to_string().contains("zip bomb"), "{e}");
    // With room for it in the budget, it is still more than the persistent id declares.
    let t = Instant::now();
    let e = open(&bomb, &LoadOptions::default()).expect_err("refused");
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{e}");
    assert!(
        e.to_string()
            .contains("inflates past the 24 bytes its persistent id declares"),
        "{e}"
    );
}

#[test]
fn a_zip_member_lying_about_its_size_is_refused_by_what_it_inflates_to() {
    let lying = read("torch_zip_lying.pt");
    let e = open(&lying, &one_mib()).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{e}");
    assert_eq!(e.member(), Some("torch_zip/data/0"));
}

#[test]
fn a_member_outside_the_archive_refuses_it() {
    let e = open(&read("torch_zip_traversal.pt"), &LoadOptions::default()).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::BadArgument);
    assert_eq!(e.member(), Some("../evil.pkl"));
    assert!(e.message().contains("outside the archive"), "{e}");
}

#[test]
fn the_summary_shows_reductions_and_sizes() {
    let c = load("torch_zip.pt");
    let text = to_canon(&c.graph).expect("canon").to_text();
    assert!(text.contains("global torch._utils _rebuild_tensor_v2"));
    assert!(text.contains("persid\n"));
    let s = c.summary();
    assert!(s.contains("# storage '0': float32, 6 elements, 24 bytes (torch.FloatStorage, cpu, member torch_zip/data/0)"), "{s}");
    assert!(s.contains("# tensor \"row\": float32, size (3,), stride (1,), offset 3, storage '2' (_rebuild_tensor_v2)"), "{s}");
    assert!(s.lines().all(|l| l.starts_with("# ")), "{s}");

    let c = load("joblib_mixed.joblib");
    let s = c.summary();
    assert!(
        s.starts_with("# joblib file: the file (protocol 4), 14 arrays, 325 bytes\n"),
        "{s}"
    );
    assert!(s.contains("# array 3: <i2, shape (2, 3), order F, 6 elements, 12 bytes (byte 608, after 8 bytes of padding)"), "{s}");
    assert!(
        s.contains(
            "# array 12: |O8, shape (3,), 3 elements, of Python objects: pickled separately"
        ),
        "{s}"
    );
}

#[test]
fn dis_lists_the_file_with_its_own_offsets() {
    let opts = LoadOptions::default();
    let c = load("joblib_zlib.joblib");
    let d = c.dis(&opts);
    assert!(d.contains("# array 0: <i8, shape (4,), order C, 4 elements, 32 bytes (byte 240 of the zlib-decompressed file, after 13 bytes of padding) — bytes 227..272 are not pickle opcodes"), "{d}");
    assert!(d.contains("  272: \\x95     FRAME      86\n"), "{d}");
    assert!(
        d.contains("  365: u            SETITEMS   (MARK at 303)\n"),
        "{d}"
    );
    assert!(
        d.trim_end().ends_with("highest protocol among opcodes = 4"),
        "{d}"
    );

    let c = load("torch_legacy.pt");
    let d = c.dis(&opts);
    assert!(
        d.contains("# the 1st pickle (magic number), at byte 0:\n    0: \\x80 PROTO      2\n"),
        "{d}"
    );
    let m = manifest();
    let key = m["files"]["torch_legacy.pt"]["storages"][1]["key"]
        .as_str()
        .expect("key");
    assert!(
        d.contains(&format!("# storage '{key}': float64, 4 elements, 32 bytes")),
        "{d}"
    );

    let c = load("torch_zip.pt");
    let d = c.dis(&opts);
    assert!(d.contains("# member torch_zip/data/0 (24 bytes)"), "{d}");
    assert!(d.contains("BINPERSID"), "{d}");
}

#[test]
fn a_plain_pickle_is_a_pickle() {
    let c = open(
        b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01K\x02\x86.",
        &LoadOptions::default(),
    )
    .expect("loads");
    assert_eq!(c.kind, Kind::Pickle { compression: None });
    assert!(c.storages.is_empty());
    let gz = picklejar_codec::compress::compress(
        b"\x80\x04N.",
        picklejar_codec::compress::Compression::Gzip,
    )
    .expect("gzip");
    let c = open(&gz, &LoadOptions::default()).expect("loads");
    assert_eq!(
        c.kind,
        Kind::Pickle {
            compression: Some(Compression::Gzip)
        }
    );
}
