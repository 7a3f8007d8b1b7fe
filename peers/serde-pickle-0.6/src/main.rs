//! picklejar adapter (docs/ADAPTERS.md, worker mode, canon output) for serde-pickle 0.6.x: what
//! `serde_pickle::value_from_slice` does (`Deserializer::new`, `deserialize_value`, `end`), with
//! `decode_strings` on unless the load option asks for Python 2 `str` as bytes. Written with the Rust
//! kit (kits/rust) and serde-pickle 1.x's error kinds and canon of `Value` (the same in 0.6): each
//! pickle runs on a thread with a big stack; a panic is a crash reply, an abort (stack overflow,
//! OOM) kills the worker (a crash, restarted).
use picklejar_kit as kit;
use serde_pickle as pickle;

#[path = "../../serde-pickle-1/src/kinds.rs"]
mod kinds;
#[path = "../../serde-pickle-1/src/value.rs"]
mod value;

fn main() {
    kit::serve(|data, options| {
        let decode_strings = options.json["encoding"].as_str() != Some("bytes");
        let mut de = pickle::Deserializer::new(data, decode_strings);
        let v = de.deserialize_value().and_then(|v| de.end().map(|_| v));
        Ok(value::canon(&v.map_err(|e| kinds::reject(&e))?))
    });
}
