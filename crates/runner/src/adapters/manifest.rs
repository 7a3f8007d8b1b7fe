//! The codec manifest of adapter protocol 2 (`docs/ADAPTERS.md`): what a command codec
//! is, how to run it, and how to grade it.
//!
//! A manifest is a small YAML file beside the adapter, selected with
//! `--codec manifest:PATH`; its commands run in the manifest's directory:
//!
//! ```yaml
//! # picklejar-adapter.yaml
//! name: pickleparser-js            # results, expectations/<name>.yaml
//! command: node adapter.js         # the adapter
//! version_command: node -p "require('pickleparser/package.json').version"
//! mode: worker                     # oneshot (default) | worker
//! data_only: true                  # default true
//! reference: cpython-3.13          # the reader it implements (default cpython-3.13)
//! model: [tuple-as-list, int-float-merged]   # default [] (exact)
//! decompresses: false              # default false: compressed variants not applicable
//! error_kinds: false               # default true: rejections graded by kind
//! output: canon                    # canon (default) | raw
//! imports: false                   # default false: it also answers imports requests (both modes)
//! loads: true                      # default true; false: a scanner, graded on imports only
//! ```
//!
//! The same settings fit on the command line, between brackets after the name:
//! `--codec 'cmd:NAME[mode=worker,model=tuple-as-list+dict-unordered,error-kinds=false]=COMMAND'`.
//!
//! ```
//! use picklejar_runner::adapters::{Manifest, Mode};
//! use picklejar_runner::model::ModelFlag;
//!
//! let m = Manifest::from_yaml_str("name: js\ncommand: node a.js\nmode: worker\nmodel: [tuple-as-list]\n")?;
//! assert_eq!(m.mode, Mode::Worker);
//! assert!(m.model.contains(ModelFlag::TupleAsList) && m.data_only && !m.decompresses);
//!
//! let f = Manifest::from_flags("js", "mode=worker,model=tuple-as-list", "node a.js")?;
//! assert_eq!(f, m);
//! # Ok::<(), picklejar_runner::adapters::ManifestError>(())
//! ```

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use wait_timeout::ChildExt;

use crate::codec::{CodecInfo, CompressedInput};
use crate::ids::{Family, ImplId, REFERENCE};
use crate::model::ValueModel;
use crate::raw::Normalizer;

/// How the runner talks to the adapter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A process per trial: pickle on stdin, value on stdout, the outcome in the exit status.
    #[default]
    Oneshot,
    /// One long-lived process: a JSON request per line on stdin, a JSON reply per line on
    /// stdout; restarted after a crash or a timeout.
    Worker,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Oneshot => "oneshot",
            Mode::Worker => "worker",
        })
    }
}

/// What the adapter writes for a loaded value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// Canon (`docs/CANON.md`).
    #[default]
    Canon,
    /// The raw form the runner normalises ([`crate::raw`]).
    Raw,
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Output::Canon => "canon",
            Output::Raw => "raw",
        })
    }
}

/// A command codec's manifest (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The codec's name in results and its expectations file's name.
    pub name: String,
    /// The adapter, run with `sh -c` in the manifest's directory.
    pub command: String,
    /// A command printing the codec's version on its first line (run once per run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_command: Option<String>,
    /// One-shot or worker.
    #[serde(default)]
    pub mode: Mode,
    /// Whether the codec only describes objects (never imports or runs code); data-only
    /// codecs must *load* pickles CPython fails to resolve.
    #[serde(default = "yes")]
    pub data_only: bool,
    /// The reader it implements (`cpython-2.7`, `cpython-3.9-py`, …); its outcomes are the
    /// expected ones.
    #[serde(default = "reference")]
    pub reference: ImplId,
    /// What it cannot represent ([`ValueModel`]).
    #[serde(default)]
    pub model: ValueModel,
    /// Whether it decompresses gzip/bz2/xz/zstd input (and unpacks a zip's `*/data.pkl`)
    /// itself; if not, compressed variants are not applicable to it.
    #[serde(default)]
    pub decompresses: bool,
    /// Whether its rejections name an error kind; if not, rejects are graded accept/reject.
    #[serde(default = "yes")]
    pub error_kinds: bool,
    /// Canon, or the raw form the runner normalises.
    #[serde(default)]
    pub output: Output,
    /// Whether it answers imports requests (what loading would import and call): a worker
    /// request with `"imports": true`, a one-shot run with `PICKLEJAR_IMPORTS=1`; the codec
    /// is then graded on the `imports/…` trials too.
    #[serde(default)]
    pub imports: bool,
    /// Whether it loads values. `false`: a scanner, which only reports imports; no load
    /// trials are planned for it.
    #[serde(default = "yes")]
    pub loads: bool,
    /// Where the commands run: the manifest's directory (`None`: the current one).
    #[serde(skip)]
    pub dir: Option<PathBuf>,
}

fn yes() -> bool {
    true
}

fn reference() -> ImplId {
    REFERENCE
}

/// A manifest that cannot be used, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error(
        "cannot read the adapter manifest {path}: {source}; give the path of the YAML file beside your adapter (--codec manifest:PATH)"
    )]
    Read {
        /// The path given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The YAML does not parse, or a key or value is not one of the manifest's.
    #[error("{origin}: {message} (docs/ADAPTERS.md, \"The manifest\", lists every key and value)")]
    Invalid {
        /// The file, or `--codec`.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// The version command failed.
    #[error(
        "the version command of codec {name} ({command:?}) failed: {why}; fix it, or leave version_command out (the results then record no version)"
    )]
    Version {
        /// The codec.
        name: String,
        /// The command.
        command: String,
        /// What happened.
        why: String,
    },
}

impl Manifest {
    /// A manifest with every default: one-shot, data-only, compared with CPython 3.13,
    /// exact model, no decompression, error kinds graded, canon output.
    pub fn new(name: impl Into<String>, command: impl Into<String>) -> Manifest {
        Manifest {
            name: name.into(),
            command: command.into(),
            version_command: None,
            mode: Mode::default(),
            data_only: true,
            reference: REFERENCE,
            model: ValueModel::exact(),
            decompresses: false,
            error_kinds: true,
            output: Output::default(),
            imports: false,
            loads: true,
            dir: None,
        }
    }

    /// Reads a manifest file; its commands will run in its directory.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut m = Manifest::parse(&text, &path.display().to_string())?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        m.dir = Some(dir.map_or_else(|| PathBuf::from("."), Path::to_path_buf));
        Ok(m)
    }

    /// Parses manifest YAML (commands run in the current directory).
    pub fn from_yaml_str(text: &str) -> Result<Manifest, ManifestError> {
        Manifest::parse(text, "manifest")
    }

    fn parse(text: &str, origin: &str) -> Result<Manifest, ManifestError> {
        let invalid = |message: String| ManifestError::Invalid {
            origin: origin.to_owned(),
            message,
        };
        let m: Manifest = serde_yaml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        m.check().map_err(invalid)?;
        Ok(m)
    }

    /// The settings of `--codec 'cmd:NAME[FLAGS]=COMMAND'`: `FLAGS` is `key=value` pairs
    /// separated by commas, with the manifest's keys (`-` or `_`): `mode`, `data-only`,
    /// `reference`, `model` (flags joined by `+`), `decompresses`, `error-kinds`,
    /// `output`, `version` (a command without commas).
    ///
    /// ```
    /// use picklejar_runner::adapters::Manifest;
    /// let e = Manifest::from_flags("x", "modle=worker", "./x").unwrap_err();
    /// assert!(e.to_string().contains("unknown key \"modle\""), "{e}");
    /// let e = Manifest::from_flags("x", "model=tuple", "./x").unwrap_err();
    /// assert!(e.to_string().contains("tuple-as-list"), "{e}");
    /// ```
    pub fn from_flags(name: &str, flags: &str, command: &str) -> Result<Manifest, ManifestError> {
        let invalid = |message: String| ManifestError::Invalid {
            origin: format!("--codec cmd:{name}[{flags}]"),
            message,
        };
        let mut m = Manifest::new(name, command);
        for flag in flags.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            let (key, value) = flag
                .split_once('=')
                .ok_or_else(|| invalid(format!("{flag:?} is not key=value")))?;
            let (key, value) = (key.trim().replace('_', "-"), value.trim());
            let boolean = || match value {
                "true" | "yes" => Ok(true),
                "false" | "no" => Ok(false),
                _ => Err(invalid(format!("{key}={value}: want true or false"))),
            };
            match key.as_str() {
                "mode" => {
                    m.mode = match value {
                        "oneshot" => Mode::Oneshot,
                        "worker" => Mode::Worker,
                        _ => return Err(invalid(format!("mode={value}: want oneshot or worker"))),
                    }
                }
                "output" => {
                    m.output = match value {
                        "canon" => Output::Canon,
                        "raw" => Output::Raw,
                        _ => return Err(invalid(format!("output={value}: want canon or raw"))),
                    }
                }
                "data-only" => m.data_only = boolean()?,
                "decompresses" => m.decompresses = boolean()?,
                "error-kinds" => m.error_kinds = boolean()?,
                "imports" => m.imports = boolean()?,
                "loads" => m.loads = boolean()?,
                "reference" => {
                    m.reference = value.parse().map_err(|e| invalid(format!("{e}")))?;
                }
                "model" => m.model = value.parse().map_err(|e| invalid(format!("{e}")))?,
                "version" => m.version_command = Some(value.to_owned()),
                _ => {
                    return Err(invalid(format!(
                        "unknown key {key:?}; the keys are mode, data-only, reference, model, decompresses, error-kinds, output, imports, loads, version"
                    )));
                }
            }
        }
        m.check().map_err(invalid)?;
        Ok(m)
    }

    fn check(&self) -> Result<(), String> {
        if self.name.is_empty()
            || self.name.contains(char::is_whitespace)
            || self.name.contains('/')
        {
            return Err(format!(
                "name {:?} must be a non-empty word without spaces or slashes (it names the expectations file)",
                self.name
            ));
        }
        if self.command.trim().is_empty() {
            return Err("command is empty: give the command that runs the adapter".into());
        }
        if !matches!(self.reference.family, Family::CPython | Family::CPythonPy) {
            return Err(format!(
                "reference {} is not a reader: use cpython-X.Y (C unpickler) or cpython-X.Y-py (pure Python)",
                self.reference
            ));
        }
        Ok(())
    }

    /// Runs the version command (in the manifest's directory, at most 30 s) and returns
    /// the first line it prints; empty without a version command.
    pub fn version(&self) -> Result<String, ManifestError> {
        let Some(command) = &self.version_command else {
            return Ok(String::new());
        };
        let fail = |why: String| ManifestError::Version {
            name: self.name.clone(),
            command: command.clone(),
            why,
        };
        let mut child = super::process::shell(command, self.dir.as_deref())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| fail(format!("cannot run sh: {e}")))?;
        let mut out = child.stdout.take();
        let reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(o) = out.as_mut() {
                let _ = o.take(64 * 1024).read_to_end(&mut v);
            }
            v
        });
        let status = match child.wait_timeout(Duration::from_secs(30)) {
            Ok(Some(s)) => s,
            Ok(None) => {
                super::process::kill(&mut child);
                return Err(fail("still running after 30 s".into()));
            }
            Err(e) => return Err(fail(e.to_string())),
        };
        let stdout = reader.join().unwrap_or_default();
        if !status.success() {
            let mut err = Vec::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_end(&mut err);
            }
            return Err(fail(format!(
                "{status}: {}",
                String::from_utf8_lossy(&err).trim()
            )));
        }
        let text = String::from_utf8_lossy(&stdout);
        let line = text.lines().map(str::trim).find(|l| !l.is_empty());
        line.map(str::to_owned)
            .ok_or_else(|| fail("it printed nothing".into()))
    }

    /// How the codec's raw output is normalised: by the rules of its reference, for its
    /// value model ([`Normalizer`]).
    ///
    /// ```
    /// use picklejar_runner::adapters::Manifest;
    /// let m = Manifest::from_yaml_str("name: jython\ncommand: jython a.py\noutput: raw\nreference: cpython-2.7\n")?;
    /// assert_eq!(m.normalizer().reference.to_string(), "cpython-2.7");
    /// # Ok::<(), picklejar_runner::adapters::ManifestError>(())
    /// ```
    pub fn normalizer(&self) -> Normalizer {
        Normalizer {
            model: self.model.clone(),
            reference: self.reference,
        }
    }

    /// What the codec says about itself, with its `version`: name, data-only, reference,
    /// model, how compressed input reaches it, whether error kinds are graded, and a
    /// description naming the adapter and the model (which the report shows).
    ///
    /// A scanner (`loads: false`) is described by what it is graded on, its imports; the
    /// settings about values (output, model, error kinds) do not apply to it.
    ///
    /// ```
    /// use picklejar_runner::adapters::Manifest;
    /// let scanner = Manifest::from_yaml_str("name: scan\ncommand: sh scan.sh\nmode: worker\nimports: true\nloads: false\n")?;
    /// let d = scanner.codec_info(String::new()).description;
    /// assert_eq!(d, "adapter protocol 2 (worker, scanner: imports only): sh scan.sh · compressed variants given as they are");
    /// # Ok::<(), picklejar_runner::adapters::ManifestError>(())
    /// ```
    pub fn codec_info(&self, version: String) -> CodecInfo {
        let what = if self.loads {
            let imports = if self.imports { ", imports" } else { "" };
            format!("{} output{imports}", self.output)
        } else {
            "scanner: imports only".to_owned()
        };
        let mut description = format!(
            "adapter protocol 2 ({}, {what}): {}",
            self.mode, self.command
        );
        if self.loads && !self.model.is_exact() {
            description.push_str(&format!(" · model: {}", self.model));
        }
        if self.reference != REFERENCE {
            description.push_str(&format!(" · compared with {}", self.reference));
        }
        match (self.decompresses, self.loads) {
            (true, _) => {}
            (false, true) => description.push_str(" · compressed variants not applicable"),
            // imports trials of a codec that does not decompress get the file as it is
            (false, false) => description.push_str(" · compressed variants given as they are"),
        }
        if self.loads && !self.error_kinds {
            description.push_str(" · rejections graded without error kinds");
        }
        CodecInfo {
            name: self.name.clone(),
            version,
            data_only: self.data_only,
            dumps: false,
            redumps: false,
            description,
            reference: self.reference,
            model: self.model.clone(),
            compressed: if self.decompresses {
                CompressedInput::Codec
            } else {
                CompressedInput::NotApplicable
            },
            error_kinds: self.error_kinds,
            imports: self.imports,
            loads: self.loads,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses_and_unknown_keys_are_refused() {
        let m = Manifest::from_yaml_str(
            "name: go\ncommand: ./adapter\nversion_command: ./adapter -v\nmode: worker\ndata_only: false\nreference: cpython-2.7-py\nmodel: [dict-unordered, no-identity]\ndecompresses: true\nerror_kinds: false\noutput: raw\n",
        )
        .expect("parses");
        assert_eq!(m.reference.to_string(), "cpython-2.7-py");
        assert_eq!(m.model.to_string(), "dict-unordered, no-identity");
        assert!(m.decompresses && !m.error_kinds && !m.data_only);
        assert_eq!(m.output, Output::Raw);
        let info = m.codec_info("1.2".into());
        assert_eq!(info.compressed, CompressedInput::Codec);
        assert!(
            info.description
                .contains("model: dict-unordered, no-identity")
        );

        for (yaml, says) in [
            ("name: x\ncommand: y\nmodle: []\n", "unknown field `modle`"),
            ("name: x\ncommand: y\nmodel: [tuples]\n", "tuple-as-list"),
            (
                "name: x\ncommand: y\nreference: cpython-2.7-cPickle\n",
                "not a reader",
            ),
            ("name: x\ncommand: y\nreference: pypy\n", "cpython-3.13-py"),
            ("name: two words\ncommand: y\n", "without spaces"),
            ("name: x\n", "missing field `command`"),
        ] {
            let e = Manifest::from_yaml_str(yaml).expect_err(yaml).to_string();
            assert!(e.contains(says), "{yaml}: {e}");
            assert!(e.contains("docs/ADAPTERS.md"), "{e}");
        }
    }

    #[test]
    fn the_version_command_runs_in_the_manifest_directory() {
        let dir = std::env::temp_dir().join(format!("pj-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("picklejar-adapter.yaml");
        std::fs::write(&path, "name: x\ncommand: ./x\nversion_command: ls\n").expect("write");
        let m = Manifest::load(&path).expect("loads");
        assert_eq!(m.version().expect("runs"), "picklejar-adapter.yaml");
        let mut bad = m.clone();
        bad.version_command = Some("exit 4".into());
        let e = bad.version().expect_err("fails").to_string();
        assert!(
            e.contains("exit status: 4") && e.contains("leave version_command out"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
