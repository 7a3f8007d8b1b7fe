//! Any program, in any language, speaking the adapter protocol of `docs/ADAPTERS.md`:
//! pickle bytes on stdin and options in `PICKLEJAR_OPTIONS`, canon JSON on stdout; exit
//! status 1 means a clean rejection, anything else that is not 0 is a crash.

use std::io::{Read, Write};
use std::process::{Command as Process, Stdio};
use std::time::Duration;

use picklejar_codec::Canon;
use wait_timeout::ChildExt;

use crate::codec::{Codec, CodecInfo, LoadRequest, Outcome};

/// A codec behind a shell command.
pub struct CommandCodec {
    name: String,
    command: String,
    timeout: Duration,
}

impl CommandCodec {
    /// `command` runs through `sh -c`; `name` labels it in results (and names its
    /// expectations file).
    pub fn new(
        name: impl Into<String>,
        command: impl Into<String>,
        timeout: Duration,
    ) -> CommandCodec {
        CommandCodec {
            name: name.into(),
            command: command.into(),
            timeout,
        }
    }
}

/// The `PICKLEJAR_OPTIONS` JSON for a request; buffer files are written to `dir`.
fn options_json(
    req: &LoadRequest<'_>,
    dir: &std::path::Path,
) -> std::io::Result<serde_json::Value> {
    let mut o = serde_json::json!({ "protocol": req.protocol });
    let m = o
        .as_object_mut()
        .ok_or_else(|| std::io::Error::other("object"))?;
    if let Some(e) = &req.spec.encoding {
        m.insert("encoding".into(), e.as_str().into());
    }
    if let Some(e) = &req.spec.errors {
        m.insert("errors".into(), e.as_str().into());
    }
    if let Some(f) = req.spec.fix_imports {
        m.insert("fix_imports".into(), f.into());
    }
    if !req.spec.extensions.is_empty() {
        m.insert(
            "extensions".into(),
            serde_json::to_value(&req.spec.extensions)?,
        );
    }
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
    Ok(o)
}

impl Codec for CommandCodec {
    fn info(&self) -> CodecInfo {
        CodecInfo {
            name: self.name.clone(),
            version: String::new(),
            data_only: true,
            dumps: false,
            redumps: false,
            description: format!("command: {}", self.command),
        }
    }

    fn load(&self, req: &LoadRequest<'_>) -> Outcome {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("picklejar-{}-{n}", std::process::id()));
        let result = self.run(req, &dir);
        let _ = std::fs::remove_dir_all(&dir);
        result
    }
}

impl CommandCodec {
    fn run(&self, req: &LoadRequest<'_>, dir: &std::path::Path) -> Outcome {
        let opts = match options_json(req, dir) {
            Ok(o) => o,
            Err(e) => return Outcome::Crashed(format!("writing buffers: {e}")),
        };
        let mut child = match Process::new("sh")
            .arg("-c")
            .arg(&self.command)
            .env("PICKLEJAR_OPTIONS", opts.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => return Outcome::Crashed(format!("cannot run {:?}: {e}", self.command)),
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
        let mut err = child.stderr.take();
        let err_reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(o) = err.as_mut() {
                let _ = o.take(64 * 1024).read_to_end(&mut v);
            }
            v
        });
        let status = match child.wait_timeout(self.timeout) {
            Ok(Some(s)) => s,
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Outcome::TimedOut;
            }
            Err(e) => return Outcome::Crashed(format!("waiting: {e}")),
        };
        let _ = feeder.join();
        let stdout = reader.join().unwrap_or_default();
        let stderr = err_reader.join().unwrap_or_default();
        let stderr = String::from_utf8_lossy(&stderr).trim().to_owned();
        match status.code() {
            Some(0) => match std::str::from_utf8(&stdout)
                .map_err(|e| e.to_string())
                .and_then(|s| Canon::from_json(s.trim()).map_err(|e| e.to_string()))
            {
                Ok(c) => Outcome::Loaded(c),
                Err(e) => Outcome::Crashed(format!("exit 0 but stdout is not canon JSON: {e}")),
            },
            Some(1) => {
                // Optional: {"error": kind, "message": ...} on stdout.
                let v: serde_json::Value = serde_json::from_slice(&stdout).unwrap_or_default();
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
}
