//! picklejar adapter (docs/ADAPTERS.md, worker mode, canon output) for serde-pickle 1.x:
//! `serde_pickle::value_from_slice` with the default `DeOptions`, plus `decode_strings` unless the
//! load option asks for Python 2 `str` as bytes. Written with the Rust kit (kits/rust): each pickle
//! runs on a thread with a big stack; a panic is a crash reply, an abort (stack overflow, OOM) kills
//! the worker (a crash, restarted).
use picklejar_kit as kit;
use serde_pickle as pickle;

mod kinds; // also serde-pickle-0.6's and pickled's
mod value; // also serde-pickle-0.6's

fn main() {
    kit::serve(|data, options| {
        let opts = match options.json["encoding"].as_str() {
            Some("bytes") => pickle::DeOptions::new(),
            _ => pickle::DeOptions::new().decode_strings(),
        };
        let v = pickle::value_from_slice(data, opts).map_err(|e| kinds::reject(&e))?;
        Ok(value::canon(&v))
    });
}
