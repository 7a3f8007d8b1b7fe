//! Built-in codec adapters and the `--codec` spelling that selects them.
//!
//! | spec | codec |
//! |---|---|
//! | `picklejar` | this project's codec, in process |
//! | `serde-pickle` | the serde-pickle crate, in process |
//! | `cpython-c`, `cpython-c-3.13` | CPython's C unpickler (`pickle.loads`), worker process |
//! | `cpython-py`, `cpython-py-2.7` | CPython's pure-Python unpickler, worker process |
//! | `cmd:NAME=COMMAND`, `cmd:COMMAND` | any program speaking `docs/ADAPTERS.md` |

mod command;
mod cpython;
mod picklejar;
mod serde_pickle;

use std::path::PathBuf;
use std::time::Duration;

pub use command::CommandCodec;
pub use cpython::{CPython, Impl, Python, find_python, probe};
pub use picklejar::Picklejar;
pub use serde_pickle::SerdePickle;

use crate::codec::Codec;

/// What adapters need from the environment.
#[derive(Clone, Debug)]
pub struct AdapterConfig {
    /// Interpreters given with `--python VERSION=PATH`.
    pub pythons: Vec<Python>,
    /// picklejar's `generators/` folder (for the CPython worker).
    pub generators: PathBuf,
    /// Per-load time limit for out-of-process codecs.
    pub timeout: Duration,
}

/// The result of resolving a `--codec` spec.
pub enum Resolved {
    /// Ready to test.
    Codec(Box<dyn Codec>),
    /// Not available on this machine; the reason is shown to the user.
    Skipped {
        /// The spec.
        name: String,
        /// Why.
        reason: String,
    },
}

/// The codecs `picklejar conformance` tests when none are named.
pub const DEFAULT_CODECS: &[&str] = &[
    "picklejar",
    "serde-pickle",
    "cpython-c-3.13",
    "cpython-py-3.13",
];

/// Builds the codec a spec names; an unknown spec is an error.
pub fn resolve(spec: &str, cfg: &AdapterConfig) -> Result<Resolved, String> {
    if let Some(cmd) = spec.strip_prefix("cmd:") {
        let (name, command) = match cmd.split_once('=') {
            Some((n, c)) if !n.is_empty() && !n.contains(' ') => (n.to_owned(), c.to_owned()),
            _ => ("command".to_owned(), cmd.to_owned()),
        };
        return Ok(Resolved::Codec(Box::new(CommandCodec::new(
            name,
            command,
            cfg.timeout,
        ))));
    }
    match spec {
        "picklejar" => return Ok(Resolved::Codec(Box::new(Picklejar))),
        "serde-pickle" => return Ok(Resolved::Codec(Box::new(SerdePickle))),
        _ => {}
    }
    let (imp, version) = if let Some(rest) = spec.strip_prefix("cpython-c") {
        (Impl::C, rest)
    } else if let Some(rest) = spec.strip_prefix("cpython-py") {
        (Impl::Py, rest)
    } else {
        return Err(format!(
            "unknown codec {spec:?}: use picklejar, serde-pickle, cpython-c[-X.Y], cpython-py[-X.Y] or cmd:NAME=COMMAND"
        ));
    };
    let version = match version.strip_prefix('-') {
        Some(v) => v,
        None if version.is_empty() => "3",
        None => return Err(format!("unknown codec {spec:?}")),
    };
    if !cfg.generators.join("pjrun.py").exists() {
        return Ok(Resolved::Skipped {
            name: spec.to_owned(),
            reason: format!(
                "{} has no pjrun.py (the CPython worker needs generators/)",
                cfg.generators.display()
            ),
        });
    }
    match find_python(version, &cfg.pythons) {
        Some(py) => Ok(Resolved::Codec(Box::new(CPython::new(
            py,
            imp,
            cfg.generators.clone(),
            cfg.timeout,
        )))),
        None => Ok(Resolved::Skipped {
            name: spec.to_owned(),
            reason: format!(
                "no Python {version} found (looked at --python, $PICKLEJAR_PYTHON_{}, python{version} on PATH); \
                 `python3 generators/make.py pythons` prints --python flags for the interpreters it finds",
                version.replace('.', "_")
            ),
        }),
    }
}
