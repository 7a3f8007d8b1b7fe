//! CPython's own picklers as codecs: a pool of long-lived worker processes
//! (`cpython_worker.py`) per interpreter, C or pure-Python unpickler.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use picklejar_codec::Canon;

use crate::codec::{Codec, CodecInfo, LoadRequest, Outcome};

const WORKER: &str = include_str!("cpython_worker.py");

/// Which CPython unpickler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Impl {
    /// `pickle.loads` (`_pickle`; `cPickle` on 2.7).
    C,
    /// `pickle._loads` (`pickle.Unpickler` on 2.7).
    Py,
}

impl Impl {
    fn tag(self) -> &'static str {
        match self {
            Impl::C => "c",
            Impl::Py => "py",
        }
    }
}

/// An interpreter found on this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Python {
    /// `3.13`
    pub version: String,
    /// The executable.
    pub path: PathBuf,
}

/// Asks an executable for its `major.minor`; `None` if it does not run.
pub fn probe(path: &Path) -> Option<String> {
    let out = Command::new(path)
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let v = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!v.is_empty()).then_some(v)
}

/// Finds an interpreter for `version` (`3.13`, `2.7`, or `3` for any `python3`), the way
/// `generators/make.py` does: explicit `--python` paths first, then
/// `$PICKLEJAR_PYTHON_3_13`, then pyenv (`$PYENV_ROOT/versions/3.13.*/bin/python`, newest
/// patch release first; `~/.pyenv` without `PYENV_ROOT`), then `python3.13` on `PATH`. The
/// first candidate that runs and reports that version wins.
pub fn find_python(version: &str, explicit: &[Python]) -> Option<Python> {
    if let Some(p) = explicit.iter().find(|p| p.version == version) {
        return Some(p.clone());
    }
    let env = format!("PICKLEJAR_PYTHON_{}", version.replace('.', "_"));
    let mut candidates: Vec<PathBuf> = std::env::var_os(&env)
        .map(PathBuf::from)
        .into_iter()
        .collect();
    candidates.extend(pyenv_candidates(version));
    candidates.push(PathBuf::from(format!("python{version}")));
    for c in candidates {
        if let Some(v) = probe(&c)
            && (v == version || (version == "3" && v.starts_with("3.")))
        {
            return Some(Python {
                version: v,
                path: c,
            });
        }
    }
    None
}

/// `$PYENV_ROOT/versions/<version>.<patch>/bin/python`, newest patch first.
fn pyenv_candidates(version: &str) -> Vec<PathBuf> {
    let root = std::env::var_os("PYENV_ROOT")
        .filter(|r| !r.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
    let Some(root) = root else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(root.join("versions")) else {
        return Vec::new();
    };
    let prefix = format!("{version}.");
    let mut found: Vec<(Vec<u32>, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(&prefix)?;
            let key: Vec<u32> = std::iter::once(0)
                .chain(rest.split('.').map(|p| p.parse().unwrap_or(0)))
                .collect();
            let exe = e.path().join("bin/python");
            exe.is_file().then_some((key, exe))
        })
        .collect();
    found.sort();
    found.into_iter().rev().map(|(_, p)| p).collect()
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CPython unpickler as a codec.
pub struct CPython {
    python: Python,
    implementation: Impl,
    generators: PathBuf,
    timeout: Duration,
    idle: Mutex<Vec<Worker>>,
}

impl CPython {
    /// A codec running `python`'s `implementation` unpickler; `generators` is picklejar's
    /// `generators/` folder (the canon code and fixture classes).
    pub fn new(
        python: Python,
        implementation: Impl,
        generators: PathBuf,
        timeout: Duration,
    ) -> CPython {
        CPython {
            python,
            implementation,
            generators,
            timeout,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn spawn(&self) -> Result<Worker, String> {
        let mut child = Command::new(&self.python.path)
            .arg("-c")
            .arg(WORKER)
            .arg(&self.generators)
            .env("PYTHONHASHSEED", "0")
            .env("PYTHONIOENCODING", "utf-8")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.python.path.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let hello = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "worker did not start".to_owned())?;
        if !hello.contains("\"python\"") {
            return Err(format!("unexpected worker hello: {hello}"));
        }
        Ok(Worker {
            child,
            stdin,
            lines: rx,
        })
    }

    fn ask(&self, w: &mut Worker, req: &serde_json::Value) -> Result<serde_json::Value, Outcome> {
        let line = format!("{req}\n");
        w.stdin
            .write_all(line.as_bytes())
            .and_then(|()| w.stdin.flush())
            .map_err(|e| Outcome::Crashed(format!("worker: {e}")))?;
        match w.lines.recv_timeout(self.timeout) {
            Ok(resp) => serde_json::from_str(&resp)
                .map_err(|e| Outcome::Crashed(format!("worker said {resp:?}: {e}"))),
            Err(RecvTimeoutError::Timeout) => Err(Outcome::TimedOut),
            Err(RecvTimeoutError::Disconnected) => Err(Outcome::Crashed("worker exited".into())),
        }
    }
}

fn b64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

impl Codec for CPython {
    fn info(&self) -> CodecInfo {
        CodecInfo {
            name: match self.implementation {
                Impl::C => format!("cpython-{}", self.python.version),
                Impl::Py => format!("cpython-{}-py", self.python.version),
            },
            version: self.python.version.clone(),
            data_only: false,
            dumps: false,
            redumps: false,
            // no interpreter path: results and reports name no path of the machine
            description: format!(
                "CPython {} {} unpickler",
                self.python.version,
                if self.implementation == Impl::C {
                    "C"
                } else {
                    "pure-Python"
                }
            ),
            ..CodecInfo::default()
        }
    }

    fn load(&self, req: &LoadRequest<'_>) -> Outcome {
        let mut opts = serde_json::to_value(req.spec).unwrap_or_default();
        if let Some(m) = opts.as_object_mut() {
            m.retain(|_, v| !v.is_null());
        }
        let body = serde_json::json!({
            "impl": self.implementation.tag(),
            "data": b64(req.data),
            "protocol": req.protocol,
            "opts": opts,
            "buffers": req.buffers.map(|b| b.iter().map(|x| b64(x)).collect::<Vec<_>>()),
            "libraries": req.real_library,
        });
        let taken = self.idle.lock().ok().and_then(|mut v| v.pop());
        let mut worker = match taken {
            Some(w) => w,
            None => match self.spawn() {
                Ok(w) => w,
                Err(e) => return Outcome::Crashed(e),
            },
        };
        let resp = match self.ask(&mut worker, &body) {
            Ok(r) => r,
            Err(o) => return o, // the worker is dropped (killed)
        };
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(worker);
        }
        if let Some(c) = resp.get("canon").and_then(|c| c.as_str()) {
            return match Canon::from_json(c) {
                Ok(c) => Outcome::Loaded(c),
                Err(e) => Outcome::Crashed(format!("bad canon from worker: {e}")),
            };
        }
        if let Some(e) = resp.get("error") {
            let s = |k: &str| {
                e.get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            return Outcome::Rejected {
                kind: s("kind"),
                message: format!("{}: {}", s("type"), s("message")),
            };
        }
        Outcome::Crashed(format!("worker: {resp}"))
    }
}
