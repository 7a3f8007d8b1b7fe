//! Built-in codec adapters and the `--codec` spelling that selects them.
//!
//! | spec | codec |
//! |---|---|
//! | `picklejar` | this project's codec, in process |
//! | `serde-pickle` | the serde-pickle crate, in process |
//! | `cpython-3.13` (any `cpython-X.Y`) | CPython's C unpickler (`pickle.loads`), worker process |
//! | `cpython-2.7-py` (any `cpython-X.Y-py`) | CPython's pure-Python unpickler, worker process |
//!
//! A CPython codec is named by the corpus's reader id ([`crate::ids`]), so its results and
//! its expectations file (`expectations/cpython-3.13.yaml`) use the same spelling as
//! `case.yaml`. The older spellings `cpython-c[-X.Y]` and `cpython-py[-X.Y]` are still
//! accepted on the command line (`cpython-c` alone: any `python3`).
//! | `cmd:NAME=COMMAND`, `cmd:COMMAND` | any program speaking `docs/ADAPTERS.md` (protocol 1) |
//! | `manifest:PATH` | a program described by a [`Manifest`] (protocol 2: one-shot or worker) |
//! | `cmd:NAME[FLAGS]=COMMAND` | protocol 2 with the manifest's settings as flags ([`Manifest::from_flags`]) |

mod command;
mod cpython;
mod manifest;
mod picklejar;
mod process;
#[cfg(feature = "serde-pickle")]
mod serde_pickle;
mod worker;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use command::CommandCodec;
pub use cpython::{CPython, Impl, Python, find_python, probe};
pub use manifest::{Manifest, ManifestError, Mode, Output};
pub use picklejar::Picklejar;
pub use process::ADAPTER_ERROR_STATUS;
#[cfg(feature = "serde-pickle")]
pub use serde_pickle::SerdePickle;
pub use worker::WorkerCodec;

use crate::codec::Codec;
use crate::ids::{Family, ImplId};

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
    "cpython-3.13",
    "cpython-3.13-py",
];

/// The codec a protocol-2 manifest describes: its version command is run once here, and
/// each load may take `timeout`.
///
/// ```no_run
/// use std::time::Duration;
/// use picklejar_runner::adapters::{Manifest, from_manifest};
/// let m = Manifest::load("examples/adapters/dataonly/picklejar-adapter.yaml".as_ref())?;
/// let codec = from_manifest(m, Duration::from_secs(10))?;
/// println!("{}", codec.info().version);
/// # Ok::<(), picklejar_runner::adapters::ManifestError>(())
/// ```
pub fn from_manifest(m: Manifest, timeout: Duration) -> Result<Box<dyn Codec>, ManifestError> {
    let version = m.version()?;
    Ok(match m.mode {
        Mode::Oneshot => Box::new(CommandCodec::from_manifest(m, version, timeout)),
        Mode::Worker => Box::new(WorkerCodec::new(m, version, timeout)),
    })
}

/// `cmd:NAME[FLAGS]=COMMAND` → (name, flags, command).
fn split_flags(cmd: &str) -> Option<(&str, &str, &str)> {
    let (name, rest) = cmd.split_once('[')?;
    let (flags, command) = rest.split_once("]=")?;
    let word = !name.is_empty() && !name.contains([' ', '=', ']']);
    word.then_some((name, flags, command))
}

/// Builds the codec a spec names; an unknown spec is an error.
pub fn resolve(spec: &str, cfg: &AdapterConfig) -> Result<Resolved, String> {
    if let Some(path) = spec.strip_prefix("manifest:") {
        let m = Manifest::load(Path::new(path)).map_err(|e| e.to_string())?;
        return from_manifest(m, cfg.timeout)
            .map(Resolved::Codec)
            .map_err(|e| e.to_string());
    }
    if let Some((name, flags, command)) = spec.strip_prefix("cmd:").and_then(split_flags) {
        let m = Manifest::from_flags(name, flags, command).map_err(|e| e.to_string())?;
        return from_manifest(m, cfg.timeout)
            .map(Resolved::Codec)
            .map_err(|e| e.to_string());
    }
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
        #[cfg(feature = "serde-pickle")]
        "serde-pickle" => return Ok(Resolved::Codec(Box::new(SerdePickle))),
        #[cfg(not(feature = "serde-pickle"))]
        "serde-pickle" => {
            return Ok(Resolved::Skipped {
                name: spec.to_owned(),
                reason: "this build of picklejar-runner has no `serde-pickle` feature".into(),
            });
        }
        _ => {}
    }
    let unknown = || {
        format!(
            "unknown codec {spec:?}: use picklejar, serde-pickle, cpython-X.Y (C unpickler), \
             cpython-X.Y-py (pure-Python unpickler), cmd:NAME=COMMAND or manifest:PATH (docs/ADAPTERS.md)"
        )
    };
    let (imp, version) = match spec.parse::<ImplId>() {
        Ok(ImplId {
            family: Family::CPython,
            version: Some(v),
        }) => (Impl::C, v.to_string()),
        Ok(ImplId {
            family: Family::CPythonPy,
            version: Some(v),
        }) => (Impl::Py, v.to_string()),
        Ok(_) => return Err(unknown()),
        Err(_) => {
            // the older spellings: cpython-c[-X.Y], cpython-py[-X.Y]
            let (imp, rest) = if let Some(rest) = spec.strip_prefix("cpython-c") {
                (Impl::C, rest)
            } else if let Some(rest) = spec.strip_prefix("cpython-py") {
                (Impl::Py, rest)
            } else {
                return Err(unknown());
            };
            match rest.strip_prefix('-') {
                Some(v) => (imp, v.to_owned()),
                None if rest.is_empty() => (imp, "3".to_owned()),
                None => return Err(unknown()),
            }
        }
    };
    let version = version.as_str();
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
