//! No input panics: every committed test file, cut at every length and with bytes
//! changed, opens to a container or an error; the summary and listing of whatever opens
//! render.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use picklejar_codec::{Limits, LoadOptions};
use picklejar_container::{open, sniff};

fn files() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).expect("tests/data") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "json") {
            continue;
        }
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((name, std::fs::read(&p).expect("read")));
    }
    out.sort();
    assert!(out.len() >= 17, "{} files", out.len());
    out
}

fn options() -> LoadOptions {
    LoadOptions {
        limits: Limits::DEFAULT.with_max_alloc(1 << 20).with_max_depth(1000),
        ..LoadOptions::default()
    }
}

/// Opens `data` and renders what opened; a panic fails the test, naming the input.
fn try_input(what: &str, data: &[u8], opts: &LoadOptions) -> bool {
    let r = catch_unwind(AssertUnwindSafe(|| {
        let _ = sniff(data);
        match open(data, opts) {
            Ok(c) => {
                let _ = c.summary();
                let _ = c.dis(opts);
                true
            }
            Err(e) => {
                let _ = e.to_string();
                false
            }
        }
    }));
    match r {
        Ok(ok) => ok,
        Err(_) => panic!("{what}: panicked"),
    }
}

#[test]
fn truncated_files_do_not_panic() {
    let opts = options();
    for (name, data) in files() {
        // Every length near both ends, and a spread in between.
        let step = (data.len() / 1500).max(1);
        let mut opened = 0;
        for len in 0..data.len() {
            if len > 600 && len + 600 < data.len() && len % step != 0 {
                continue;
            }
            if try_input(&format!("{name} cut to {len} bytes"), &data[..len], &opts) {
                opened += 1;
            }
        }
        // A cut zip or tar never opens; a cut stream only when STOP survives.
        assert!(opened < data.len(), "{name}");
    }
}

/// xorshift64*: the same mutations every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn mutated_files_do_not_panic() {
    let opts = options();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (name, data) in files() {
        if data.is_empty() {
            continue;
        }
        for round in 0..2000 {
            let mut d = data.clone();
            let n = 1 + rng.below(3);
            let mut at = Vec::new();
            for _ in 0..n {
                let i = rng.below(d.len());
                let b = match rng.below(4) {
                    0 => 0,
                    1 => 0xff,
                    2 => d[i] ^ (1 << rng.below(8)),
                    _ => rng.next() as u8,
                };
                d[i] = b;
                at.push((i, b));
            }
            try_input(&format!("{name} round {round} with {at:?}"), &d, &opts);
        }
    }
}

#[test]
fn every_single_byte_change_of_a_small_joblib_file_is_safe() {
    // The scan follows the stream opcode by opcode: change each byte of a plain joblib
    // file to a few values.
    let opts = options();
    for (name, data) in files() {
        if name != "joblib_root_p2.joblib" && name != "joblib_noalign.joblib" {
            continue;
        }
        for i in 0..data.len() {
            for b in [0u8, 1, 0x7f, 0x80, 0xff, data[i].wrapping_add(1)] {
                let mut d = data.clone();
                d[i] = b;
                try_input(&format!("{name} byte {i} = {b:#x}"), &d, &opts);
            }
        }
    }
}
