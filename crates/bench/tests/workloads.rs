//! The workload files: written by picklejar_codec::dump, they are the bytes CPython 3.13's C
//! pickler writes (pinned here; `tests/cpython.rs` compares live when CPython 3.13 is
//! installed), and every codec bench loads them.

use std::path::Path;

use picklejar_bench::codecs::{DUMPERS, LOADERS};
use picklejar_bench::workloads::{self, GENERATOR, Manifest, Origin};

/// SHA-256 of what `python3.13 tests/cpython_workloads.py --scale 0.01` writes (CPython
/// 3.13.0).
const CPYTHON_3_13_AT_0_01: &[(&str, &str)] = &[
    (
        "pyperf_dict-p2.pkl",
        "9b0c37933d0a3de292611e283e590110ba47f0054a1ab363ece4fd103fe5eb4c",
    ),
    (
        "pyperf_dict-p4.pkl",
        "8d20431a32190bd9f96c42b0bcc4ac6e0fb5c0cc9f5eb5cb1c6431cb5366e8b5",
    ),
    (
        "pyperf_dict-p5.pkl",
        "946a75d6faa4846623d8cf67891fc4c8b15b3e4a09a51062a017e13a88dba659",
    ),
    (
        "pyperf_tuple-p2.pkl",
        "427ef75b68f779cc07c3165e72d6d82c148797a202032d452902f0c6360583df",
    ),
    (
        "pyperf_tuple-p4.pkl",
        "78e885df24ecfb46bf36eef84ddc9662a302e78a39f54dc347cf0106c6cf7a51",
    ),
    (
        "pyperf_tuple-p5.pkl",
        "7c4d138cb3fadedc00b2032f9b04747af29ff09d68b750ad1950a0ab89fabe87",
    ),
    (
        "pyperf_dict_group-p2.pkl",
        "417141c082734a1bcfbe23ae70c416ce5022c66ff40e72241b5150334e36db7e",
    ),
    (
        "pyperf_dict_group-p4.pkl",
        "1503a508ed485733c98ecf80d252aab1ee8c1d0727d6170a7480c0163cac38d0",
    ),
    (
        "pyperf_dict_group-p5.pkl",
        "561324ed1f13e9fc8355101bb33d7d4ea4774375a1a2d619930152652d60840c",
    ),
    (
        "pyperf_list-p2.pkl",
        "0eeacaab6ecc4e01523729c92b9f45613b0c634affcc4d713ed81d28b380dc1f",
    ),
    (
        "pyperf_list-p4.pkl",
        "a2edd73dcefefc235cc3268a6a1648a14e90c9d08505a654064ed177e96865ac",
    ),
    (
        "pyperf_list-p5.pkl",
        "7da335c48404ef350136782e81920afe38f07b821981a39e6954b645a75f7107",
    ),
    (
        "pyperf_micro_dict-p2.pkl",
        "c65db8cd8385d68dddcc5e12a5d2e1a5e69f936bd18990642bb766903169b2df",
    ),
    (
        "pyperf_micro_dict-p4.pkl",
        "6a9494f8238ddd92d5a0690c52b462f7af62320db72ae2aeb4778e5b37fd1e81",
    ),
    (
        "pyperf_micro_dict-p5.pkl",
        "e21ba26d2ee888fc1ad8f7a61de5c3494c58dc00974baad6633c110ec12cd1dd",
    ),
    (
        "ints_1m-p2.pkl",
        "361d992912b519f4c07521df7975f56a344feb8d181aaa2584d2557cebcfabd1",
    ),
    (
        "ints_1m-p4.pkl",
        "0a3b68d9de1a0ce59214a8b199d44a0ce32560e6836594c38be955633d94fa55",
    ),
    (
        "ints_1m-p5.pkl",
        "99cd211af0ba250054db4bed802fd438a094223638081992fe743b369715de08",
    ),
    (
        "str_float_dict_100k-p2.pkl",
        "48ce250c86fececf24f59b34b34112791c5795dd53d58852ab0379824b24b3bd",
    ),
    (
        "str_float_dict_100k-p4.pkl",
        "7163d5c13cc54bdb2f36a8288d0935433bd530ef3cb501a64f908bb3fed19ba1",
    ),
    (
        "str_float_dict_100k-p5.pkl",
        "14d0c9b3322e9db0bb83bbca10eb4c98997e7a8f2586217025c65d8c1665c338",
    ),
    (
        "unicode_100k-p2.pkl",
        "44768bd4bb1e58bd34806aa146d965df9d7b7132af17692741a137cc7e53ed02",
    ),
    (
        "unicode_100k-p4.pkl",
        "c7d82de84d02fbd4233c93bda01eff19c9799d48c55398a879e3f28f34c62522",
    ),
    (
        "unicode_100k-p5.pkl",
        "4c70540b6b5ca09eab7eece1ebf396379dcb95d6fa149b105fb8fb20a65a96e0",
    ),
    (
        "bytes_64m-p2.pkl",
        "8a1cde8c5df2e4a49f1d19b616983c1e9a3b8f07915c2f81b1d696c53db5a323",
    ),
    (
        "bytes_64m-p4.pkl",
        "789d208eb9e3345b01099352c87c7fbd409ba043cbacef5f95d97314e72f7dda",
    ),
    (
        "bytes_64m-p5.pkl",
        "83d85f5c0bb785a39fcf07aaf002ba4c3d0ba585e572a8155e7c4eed66292609",
    ),
    (
        "bytearray_64m-p5.pkl",
        "bd2f2daba090ee95aee5e793b5b7d17d136078c5c0d1c27f1538aad9f608e003",
    ),
    (
        "instances_100k-p2.pkl",
        "8c80dac5ec38b0087daab27b45d2510ae2fa63b278e41a8d97998d5c05f51b3f",
    ),
    (
        "instances_100k-p4.pkl",
        "e3c9e56f431553b80782100d716480c3017898e17556630d3b75ffbc6dc59c9e",
    ),
    (
        "instances_100k-p5.pkl",
        "c019c6ee2cd2770573dd94206d7bf8b18d8955bbebeef27276589be1f8b32fa0",
    ),
    (
        "shared_graph-p2.pkl",
        "a21b94ae26a6c9146fc1497120ca937d2cd300d2c6057b50f22b41eaab6e6f69",
    ),
    (
        "shared_graph-p4.pkl",
        "8aa8cf534a3fcc58cf63d9ad4074737f0b727331d6fa6e7260eb5d64c7d56bf4",
    ),
    (
        "shared_graph-p5.pkl",
        "f71b91a741fdc0b2b71ff44a7322742c3bcfacf914dd7d728e84315b627e2544",
    ),
    (
        "numpy_like-p2.pkl",
        "525399f5346e35efef9385765167be8848b55690e5241ea518b5cf27c888d33f",
    ),
    (
        "numpy_like-p4.pkl",
        "f92e488180470c5d300001d999eb14c2add52eaa2c4945d6bfb41a84a6d1bdcd",
    ),
    (
        "numpy_like-p5.pkl",
        "2c8feb5379620aee008c36855896afd22fa11f92acd5196aad883c5f82fbcdfb",
    ),
];

fn small() -> (tempfile::TempDir, Manifest) {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = workloads::generate(dir.path(), 0.01).expect("writes");
    (dir, m)
}

#[test]
fn the_workloads_are_the_bytes_cpython_writes() {
    let (dir, m) = small();
    assert_eq!(m.generator, GENERATOR);
    let files: Vec<(&str, &str)> = m
        .workloads
        .iter()
        .map(|e| (e.file.as_str(), e.sha256.as_str()))
        .collect();
    assert_eq!(files, CPYTHON_3_13_AT_0_01);
    for e in &m.workloads {
        let data = std::fs::read(dir.path().join(&e.file)).expect("file");
        assert_eq!(data.len() as u64, e.bytes, "{}", e.file);
    }
}

fn loads_everything(dir: &Path, m: &Manifest) {
    for e in &m.workloads {
        let data =
            picklejar_codec::bytes::Bytes::from(std::fs::read(dir.join(&e.file)).expect("file"));
        let pj = LOADERS
            .iter()
            .find(|c| c.name == "picklejar")
            .expect("picklejar");
        assert_eq!(
            (pj.load)(&data),
            Ok(data.len()),
            "picklejar loads {} to the end",
            e.file
        );
        // serde-pickle refuses a shared reference to a list still inside an open container
        // ("Recursive"), which is what shared_graph is made of; it loads the rest
        let sp = LOADERS
            .iter()
            .find(|c| c.name == "serde-pickle")
            .expect("serde-pickle");
        match (sp.load)(&data) {
            Err(err) if e.name == "shared_graph" => assert!(err.contains("recursive"), "{err}"),
            r => assert!(r.is_ok(), "serde-pickle loads {}: {r:?}", e.file),
        }
        if e.name == "shared_graph" {
            continue;
        }
        for d in DUMPERS.iter().filter(|d| d.protocols.contains(&e.protocol)) {
            let dump = (d.prepare)(&data, e.protocol).expect("prepares");
            assert!(dump().is_ok_and(|n| n > 0), "{} dumps {}", d.name, e.file);
        }
    }
}

#[test]
fn every_bench_codec_handles_the_workloads_it_can() {
    let (dir, m) = small();
    assert_eq!(m.workloads.len(), 37);
    loads_everything(dir.path(), &m);
}

#[test]
fn current_rejects_missing_truncated_or_stale_workloads() {
    let (dir, m) = small();
    // small scale is never "current" (benches want full size)
    assert!(workloads::current(dir.path()).is_none());
    let mut full = m.clone();
    full.scale = 1.0;
    std::fs::write(
        dir.path().join("manifest.json"),
        serde_json::to_string(&full).expect("json"),
    )
    .expect("write");
    assert!(workloads::current(dir.path()).is_some());
    let mut stale = full.clone();
    stale.version += 1;
    std::fs::write(
        dir.path().join("manifest.json"),
        serde_json::to_string(&stale).expect("json"),
    )
    .expect("write");
    assert!(workloads::current(dir.path()).is_none(), "other version");
    std::fs::write(
        dir.path().join("manifest.json"),
        serde_json::to_string(&full).expect("json"),
    )
    .expect("write");
    std::fs::write(dir.path().join(&full.workloads[0].file), b"x").expect("truncate");
    assert!(workloads::current(dir.path()).is_none(), "size mismatch");
}

#[test]
fn picklejar_dumps_the_workloads_back_to_cpythons_bytes() {
    use picklejar_codec::{DumpOptions, Loader, Profile, dump};
    let (dir, m) = small();
    let mut differ = Vec::new();
    for e in &m.workloads {
        let data = std::fs::read(dir.path().join(&e.file)).expect("file");
        let g = Loader::new().load(&data).expect("loads").graph;
        let out = dump(&g, e.protocol, &DumpOptions::new(Profile::Py313)).expect("dumps");
        if out.bytes != data {
            differ.push(e.file.clone());
        }
    }
    assert!(differ.is_empty(), "dump(load(x)) != x for {differ:?}");
}

#[test]
fn ensure_keeps_current_files() {
    let (dir, mut m) = small();
    // pretend the small files are full size and current
    m.scale = 1.0;
    let text = serde_json::to_string(&m).expect("json");
    std::fs::write(dir.path().join("manifest.json"), &text).expect("write");
    let (kept, origin) = workloads::ensure(dir.path()).expect("ensure");
    assert_eq!((kept, origin), (m, Origin::Existing));
}
