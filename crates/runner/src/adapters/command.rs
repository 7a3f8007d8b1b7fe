//! Any program, in any language, speaking the one-shot adapter protocol of
//! `docs/ADAPTERS.md`: a process per trial, pickle bytes on stdin and options in
//! `PICKLEJAR_OPTIONS`, the value on stdout, the outcome in the exit status.
//!
//! * **Protocol 1** (`cmd:NAME=COMMAND`): exit 0 with canon JSON is a load, exit 1 a
//!   rejection (with an optional `{"error": KIND}` object), anything else a crash.
//! * **Protocol 2** (a [`Manifest`]): exit 1 is a rejection only *with* the JSON error
//!   object on stdout (an uncaught exception exits 1 in Python, Node and Java: that is a
//!   crash), exit 3 is an adapter error, and the value may be raw. With `imports: true`
//!   the imports of a pickle are asked for with `PICKLEJAR_IMPORTS=1` in the environment;
//!   the adapter exits 0 with the worker's imports reply on stdout, `{"imports": [EVENT,
//!   …]}` (or `{"crash": MESSAGE}`).

use std::io::{Read, Write};
use std::process::Stdio;
use std::time::Duration;

use picklejar_codec::{Canon, ImportEvent};
use wait_timeout::ChildExt;

use super::manifest::Manifest;
use super::process::{
    ADAPTER_ERROR_STATUS, Tail, adapter_error_message, colon, describe, error_object,
    imports_reply, kill, loaded, options_json, shell,
};
use crate::codec::{Codec, CodecInfo, LoadRequest, Outcome};

/// A codec behind a shell command, one process per trial.
pub struct CommandCodec {
    name: String,
    command: String,
    timeout: Duration,
    /// Protocol 2's settings; `None` for protocol 1.
    manifest: Option<Manifest>,
    version: String,
}

impl CommandCodec {
    /// A protocol-1 command: `command` runs through `sh -c`; `name` labels it in results
    /// (and names its expectations file).
    pub fn new(
        name: impl Into<String>,
        command: impl Into<String>,
        timeout: Duration,
    ) -> CommandCodec {
        CommandCodec {
            name: name.into(),
            command: command.into(),
            timeout,
            manifest: None,
            version: String::new(),
        }
    }

    /// A protocol-2 one-shot command described by `manifest`, whose version command
    /// printed `version`.
    pub fn from_manifest(manifest: Manifest, version: String, timeout: Duration) -> CommandCodec {
        CommandCodec {
            name: manifest.name.clone(),
            command: manifest.command.clone(),
            timeout,
            manifest: Some(manifest),
            version,
        }
    }
}

/// The `PICKLEJAR_OPTIONS` JSON for a request; buffer files are written to `dir`.
fn options_with_buffer_files(
    req: &LoadRequest<'_>,
    dir: &std::path::Path,
) -> std::io::Result<serde_json::Value> {
    let mut m = options_json(req);
    if let Some(bufs) = req.buffers {
        std::fs::create_dir_all(dir)?;
        let mut paths = Vec::new();
        for (i, b) in bufs.iter().enumerate() {
            let p = dir.join(format!("buffer{i}.bin"));
            std::fs::write(&p, b)?;
            paths.push(serde_json::Value::from(p.display().to_string()));
        }
        m.insert("buffers".into(), paths.into());
    }
    Ok(serde_json::Value::Object(m))
}

impl Codec for CommandCodec {
    fn info(&self) -> CodecInfo {
        match &self.manifest {
            Some(m) => m.codec_info(self.version.clone()),
            None => CodecInfo {
                name: self.name.clone(),
                version: String::new(),
                data_only: true,
                dumps: false,
                redumps: false,
                description: format!("command: {}", self.command),
                ..CodecInfo::default()
            },
        }
    }

    fn load(&self, req: &LoadRequest<'_>) -> Outcome {
        let ran = self.in_scratch_dir(|dir| self.run(req, dir, false));
        let (status, stdout, stderr) = match ran {
            Ran::Exited {
                status,
                stdout,
                stderr,
            } => (status, stdout, stderr),
            Ran::TimedOut => return Outcome::TimedOut,
            Ran::Failed(m) => return Outcome::Crashed(m),
        };
        match &self.manifest {
            None => protocol_1(status, &stdout, stderr),
            Some(m) => protocol_2(status, &stdout, &stderr, m, req),
        }
    }

    /// With `imports: true` in the manifest: the adapter runs once more with
    /// `PICKLEJAR_IMPORTS=1` and answers as a worker does, `{"imports": [...]}` on stdout
    /// with exit status 0. Any other status, a `crash` or `adapter_error` reply, or stdout
    /// that is no reply is a crash of the trial.
    fn imports(&self, req: &LoadRequest<'_>) -> Option<Result<Vec<ImportEvent>, String>> {
        if !self.manifest.as_ref().is_some_and(|m| m.imports) {
            return None;
        }
        Some(match self.in_scratch_dir(|dir| self.run(req, dir, true)) {
            Ran::Exited {
                status,
                stdout,
                stderr,
            } => match status.code() {
                Some(0) => imports_reply(&String::from_utf8_lossy(&stdout), "the adapter"),
                Some(ADAPTER_ERROR_STATUS) => {
                    Err(adapter_error_message(&stdout).unwrap_or_else(|| {
                        format!("exit status {ADAPTER_ERROR_STATUS}{}", colon(&stderr))
                    }))
                }
                _ => Err(format!("{}{}", describe(status), colon(&stderr))),
            },
            Ran::TimedOut => Err("timed out".into()),
            Ran::Failed(m) => Err(m),
        })
    }
}

/// How one run of the adapter ended.
enum Ran {
    /// It exited (or was killed by a signal).
    Exited {
        status: std::process::ExitStatus,
        stdout: Vec<u8>,
        stderr: String,
    },
    /// It was still running after the time limit (and was killed).
    TimedOut,
    /// It could not be run.
    Failed(String),
}

impl CommandCodec {
    /// Runs `f` with a fresh scratch directory (for buffer files), removed afterwards.
    fn in_scratch_dir<T>(&self, f: impl FnOnce(&std::path::Path) -> T) -> T {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("picklejar-{}-{n}", std::process::id()));
        let result = f(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    /// One run of the adapter on `req`; `imports`: an imports request.
    fn run(&self, req: &LoadRequest<'_>, dir: &std::path::Path, imports: bool) -> Ran {
        let opts = match options_with_buffer_files(req, dir) {
            Ok(o) => o,
            Err(e) => return Ran::Failed(format!("writing buffers: {e}")),
        };
        let mut cmd = shell(
            &self.command,
            self.manifest.as_ref().and_then(|m| m.dir.as_deref()),
        );
        cmd.env("PICKLEJAR_OPTIONS", opts.to_string());
        if self.manifest.is_some() {
            cmd.env("PICKLEJAR_MODE", "oneshot");
        }
        if imports {
            cmd.env("PICKLEJAR_IMPORTS", "1");
        }
        let mut child = match cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => return Ran::Failed(format!("cannot run {:?}: {e}", self.command)),
        };
        // Feed stdin and drain stdout/stderr on threads, so no pipe can fill up.
        let mut stdin = child.stdin.take();
        let data = req.data.to_vec();
        let feeder = std::thread::spawn(move || {
            if let Some(s) = stdin.as_mut() {
                let _ = s.write_all(&data);
            }
        });
        let mut out = child.stdout.take();
        let reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(o) = out.as_mut() {
                let _ = o.read_to_end(&mut v);
            }
            v
        });
        let err = Tail::collect(child.stderr.take());
        let status = match child.wait_timeout(self.timeout) {
            Ok(Some(s)) => s,
            Ok(None) => {
                kill(&mut child);
                return Ran::TimedOut;
            }
            Err(e) => return Ran::Failed(format!("waiting: {e}")),
        };
        let _ = feeder.join();
        let stdout = reader.join().unwrap_or_default();
        let stderr = err.take(Duration::from_secs(2));
        Ran::Exited {
            status,
            stdout,
            stderr,
        }
    }
}

fn protocol_1(status: std::process::ExitStatus, stdout: &[u8], stderr: String) -> Outcome {
    match status.code() {
        Some(0) => match std::str::from_utf8(stdout)
            .map_err(|e| e.to_string())
            .and_then(|s| Canon::from_json(s.trim()).map_err(|e| e.to_string()))
        {
            Ok(c) => Outcome::Loaded(c),
            Err(e) => Outcome::Crashed(format!("exit 0 but stdout is not canon JSON: {e}")),
        },
        Some(1) => {
            // Optional: {"error": kind, "message": ...} on stdout.
            let v: serde_json::Value = serde_json::from_slice(stdout).unwrap_or_default();
            let kind = v
                .get("error")
                .and_then(|k| k.as_str())
                .unwrap_or("rejected")
                .to_owned();
            let message = v
                .get("message")
                .and_then(|k| k.as_str())
                .map(str::to_owned)
                .unwrap_or(stderr);
            Outcome::Rejected { kind, message }
        }
        Some(c) => Outcome::Crashed(format!("exit status {c}: {stderr}")),
        None => Outcome::Crashed(format!("killed by a signal: {stderr}")),
    }
}

fn protocol_2(
    status: std::process::ExitStatus,
    stdout: &[u8],
    stderr: &str,
    manifest: &Manifest,
    req: &LoadRequest<'_>,
) -> Outcome {
    match status.code() {
        Some(0) => match std::str::from_utf8(stdout) {
            Ok(s) => match loaded(s, manifest, req) {
                Outcome::Crashed(m) => Outcome::Crashed(format!("exit status 0, but {m}")),
                other => other,
            },
            Err(e) => Outcome::Crashed(format!("exit status 0, but stdout is not UTF-8: {e}")),
        },
        Some(1) => match error_object(stdout) {
            Some((kind, message)) => Outcome::Rejected {
                kind,
                message: message.unwrap_or_else(|| stderr.to_owned()),
            },
            None => Outcome::Crashed(format!(
                "exit status 1 without a JSON error object on stdout (an uncaught exception is a crash; a rejection prints {{\"error\": KIND, \"message\": …}}){}",
                colon(stderr)
            )),
        },
        Some(ADAPTER_ERROR_STATUS) => Outcome::AdapterError(
            adapter_error_message(stdout)
                .unwrap_or_else(|| format!("exit status {ADAPTER_ERROR_STATUS}{}", colon(stderr))),
        ),
        _ => Outcome::Crashed(format!("{}{}", describe(status), colon(stderr))),
    }
}
