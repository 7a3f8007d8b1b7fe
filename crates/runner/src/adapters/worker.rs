//! Worker mode of adapter protocol 2 (`docs/ADAPTERS.md`): one long-lived adapter process
//! per thread, a JSON request per line on its stdin and a JSON reply per line on its
//! stdout, with the same per-load time limit as one-shot commands. A worker that times
//! out, dies or writes something that is not a reply is killed, and the next load starts a
//! fresh one.
//!
//! Request: `{"data": BASE64, "options": {…}, "buffers": [BASE64, …]}` (`buffers` only when
//! the variant has out-of-band buffers; `options` as `PICKLEJAR_OPTIONS`).
//!
//! Reply, exactly one of: `{"value": TREE}` (canon, or raw per the manifest),
//! `{"error": KIND, "message": …}` (a rejection), `{"crash": MESSAGE}` (the codec failed
//! unexpectedly; the worker goes on), `{"adapter_error": MESSAGE}`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use picklejar_codec::ImportEvent;
use serde::Deserialize;
use serde_json::value::RawValue;
use wait_timeout::ChildExt;

use super::manifest::Manifest;
use super::process::{Tail, colon, describe, imports_reply, kill, loaded, options_json, shell};
use crate::codec::{Codec, CodecInfo, LoadRequest, Outcome};

/// A codec behind a long-lived adapter process (a pool of them, one per busy thread).
pub struct WorkerCodec {
    manifest: Manifest,
    version: String,
    timeout: Duration,
    idle: Mutex<Vec<Worker>>,
    started: AtomicUsize,
    /// Workers in a row that ended before their first reply, and why the last one did:
    /// past [`STILLBORN`], no more are started (an adapter that cannot start would
    /// otherwise cost a process start per trial).
    stillborn: Mutex<(usize, String)>,
}

/// How many workers in a row may end before their first reply.
const STILLBORN: usize = 3;

struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr: Tail,
    replied: bool,
}

impl Drop for Worker {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

#[derive(Deserialize)]
struct Reply<'a> {
    #[serde(borrow, default)]
    value: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    crash: Option<String>,
    #[serde(default)]
    adapter_error: Option<String>,
}

/// Parses a reply line (deep values allowed).
fn parse_reply(line: &str) -> Result<Reply<'_>, String> {
    let mut de = serde_json::Deserializer::from_str(line);
    de.disable_recursion_limit();
    Reply::deserialize(&mut de)
        .and_then(|r| de.end().map(|()| r))
        .map_err(|e| {
            let shown: String = line.trim().chars().take(200).collect();
            format!("the worker wrote {shown:?}, which is not a JSON reply: {e}")
        })
}

impl WorkerCodec {
    /// A worker codec described by `manifest` (whose version command printed `version`);
    /// each load may take `timeout`.
    pub fn new(manifest: Manifest, version: String, timeout: Duration) -> WorkerCodec {
        WorkerCodec {
            manifest,
            version,
            timeout,
            idle: Mutex::new(Vec::new()),
            started: AtomicUsize::new(0),
            stillborn: Mutex::new((0, String::new())),
        }
    }

    /// How many worker processes this codec has started so far (one per thread, plus one
    /// for every restart after a crash or a timeout).
    pub fn workers_started(&self) -> usize {
        self.started.load(Ordering::Relaxed)
    }

    fn spawn(&self) -> Result<Worker, String> {
        let mut child = shell(&self.manifest.command, self.manifest.dir.as_deref())
            .env("PICKLEJAR_MODE", "worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {:?}: {e}", self.manifest.command))?;
        self.started.fetch_add(1, Ordering::Relaxed);
        let stdin = child.stdin.take().ok_or("the worker has no stdin")?;
        let stdout = child.stdout.take().ok_or("the worker has no stdout")?;
        let stderr = Tail::collect(child.stderr.take());
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                match r.read_until(b'\n', &mut line) {
                    // a line cut off by the end of the stream is no reply
                    Ok(0) | Err(_) => break,
                    Ok(_) if line.last() != Some(&b'\n') => break,
                    Ok(_) => {
                        let text = String::from_utf8_lossy(&line).into_owned();
                        if tx.send(text).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            lines: rx,
            stderr,
            replied: false,
        })
    }

    /// Why a worker is gone: its exit status and the end of its stderr.
    fn died(&self, mut w: Worker, during: &str) -> Outcome {
        let status = match w.child.wait_timeout(Duration::from_secs(2)) {
            Ok(Some(s)) => describe(s),
            _ => "still running, its stdout closed".into(),
        };
        let why = format!(
            "the worker ended {during} ({status}){}",
            colon(&w.stderr.take(Duration::from_secs(1)))
        );
        if !w.replied
            && let Ok(mut s) = self.stillborn.lock()
        {
            *s = (s.0 + 1, why.clone());
        }
        Outcome::Crashed(why)
    }
}

fn b64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// A reply line → the outcome, and whether the worker may serve again.
fn judge_reply(line: &str, manifest: &Manifest, req: &LoadRequest<'_>) -> (Outcome, bool) {
    let reply = match parse_reply(line) {
        Ok(r) => r,
        Err(e) => return (Outcome::Crashed(e), false),
    };
    let members = [
        reply.value.is_some(),
        reply.error.is_some(),
        reply.crash.is_some(),
        reply.adapter_error.is_some(),
    ];
    if members.iter().filter(|m| **m).count() != 1 {
        let shown: String = line.trim().chars().take(200).collect();
        return (
            Outcome::Crashed(format!(
                "the worker wrote {shown:?}: a reply has exactly one of value, error, crash, adapter_error"
            )),
            false,
        );
    }
    let outcome = if let Some(v) = reply.value {
        loaded(v.get(), manifest, req)
    } else if let Some(kind) = reply.error {
        Outcome::Rejected {
            kind,
            message: reply.message.unwrap_or_default(),
        }
    } else if let Some(m) = reply.crash {
        Outcome::Crashed(m)
    } else {
        Outcome::AdapterError(reply.adapter_error.unwrap_or_default())
    };
    (outcome, true)
}

impl Codec for WorkerCodec {
    fn info(&self) -> CodecInfo {
        self.manifest.codec_info(self.version.clone())
    }

    fn load(&self, req: &LoadRequest<'_>) -> Outcome {
        match self.exchange(req, false) {
            Ok((line, w)) => {
                let (outcome, reusable) = judge_reply(&line, &self.manifest, req);
                self.put_back(w, reusable);
                outcome
            }
            Err(o) => o,
        }
    }

    fn imports(&self, req: &LoadRequest<'_>) -> Option<Result<Vec<ImportEvent>, String>> {
        if !self.manifest.imports {
            return None;
        }
        Some(match self.exchange(req, true) {
            Ok((line, w)) => {
                let got = imports_reply(&line, "the worker");
                self.put_back(w, got.is_ok());
                got
            }
            Err(Outcome::TimedOut) => Err("timed out".into()),
            Err(o) => Err(match o {
                Outcome::Crashed(m) | Outcome::AdapterError(m) => m,
                other => format!("{other:?}"),
            }),
        })
    }
}

impl WorkerCodec {
    fn put_back(&self, w: Worker, reusable: bool) {
        if reusable && let Ok(mut idle) = self.idle.lock() {
            idle.push(w);
        }
    }

    /// Sends one request to an idle (or new) worker and waits for its reply line; the
    /// worker comes back with it, to be put back when its reply was sound.
    fn exchange(&self, req: &LoadRequest<'_>, imports: bool) -> Result<(String, Worker), Outcome> {
        let mut body = serde_json::json!({
            "data": b64(req.data),
            "options": serde_json::Value::Object(options_json(req)),
        });
        if imports && let Some(m) = body.as_object_mut() {
            m.insert("imports".into(), true.into());
        }
        if let (Some(bufs), Some(m)) = (req.buffers, body.as_object_mut()) {
            let list: Vec<String> = bufs.iter().map(|b| b64(b)).collect();
            m.insert("buffers".into(), list.into());
        }
        let line = format!("{body}\n");
        let taken = self.idle.lock().ok().and_then(|mut v| v.pop());
        if taken.is_none()
            && let Ok(s) = self.stillborn.lock()
            && s.0 >= STILLBORN
        {
            return Err(Outcome::Crashed(format!(
                "not started again: {} workers in a row ended before their first reply; the last: {}",
                s.0, s.1
            )));
        }
        let mut w = match taken {
            Some(w) => w,
            None => match self.spawn() {
                Ok(w) => w,
                Err(e) => return Err(Outcome::Crashed(e)),
            },
        };
        if w.stdin
            .write_all(line.as_bytes())
            .and_then(|()| w.stdin.flush())
            .is_err()
        {
            return Err(self.died(w, "before it read the request"));
        }
        match w.lines.recv_timeout(self.timeout) {
            Ok(r) => {
                w.replied = true;
                if let Ok(mut s) = self.stillborn.lock() {
                    s.0 = 0;
                }
                Ok((r, w))
            }
            Err(RecvTimeoutError::Timeout) => Err(Outcome::TimedOut), // w is killed
            Err(RecvTimeoutError::Disconnected) => Err(self.died(w, "without a reply")),
        }
    }
}
