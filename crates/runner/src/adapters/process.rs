//! What the command and worker adapters share: starting an adapter, ending it with every
//! process it started, and reading what it wrote.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use picklejar_codec::{Canon, ImportEvent};

use super::manifest::{Manifest, Output};
use crate::codec::{LoadRequest, Outcome};

/// The exit status adapter protocol 2 reserves for "the adapter failed" (as opposed to the
/// codec: a crash, or a rejection).
pub const ADAPTER_ERROR_STATUS: i32 = 3;

/// `sh -c command` in `dir`, in a process group of its own so that [`kill`] ends whatever
/// the shell started.
pub(crate) fn shell(command: &str, dir: Option<&Path>) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c").arg(command);
    if let Some(d) = dir {
        c.current_dir(d);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        c.process_group(0);
    }
    c
}

/// Kills the adapter's process group (the shell and everything it started), then reaps it.
pub(crate) fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// `exit status 2`, `killed by signal 11 (SIGSEGV)`; a status of 128 + N, which is how a
/// shell reports a child killed by signal N, says so (`exit status 134 (signal 6, SIGABRT,
/// as a shell reports it)`).
pub(crate) fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return match code {
            129..=159 => format!(
                "exit status {code} (signal {} {}, as a shell reports it)",
                code - 128,
                signal_name(code - 128)
            ),
            _ => format!("exit status {code}"),
        };
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by signal {sig} ({})", signal_name(sig));
        }
    }
    status.to_string()
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        1 => "SIGHUP",
        2 => "SIGINT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "?",
    }
}

/// The last 4 KiB a pipe carried, collected on a thread (so the pipe never fills up).
#[derive(Clone, Default)]
pub(crate) struct Tail {
    text: Arc<Mutex<Vec<u8>>>,
    closed: Arc<AtomicBool>,
}

impl Tail {
    const KEEP: usize = 4096;

    /// Drains `pipe` on a thread into a new tail.
    pub(crate) fn collect(pipe: Option<impl Read + Send + 'static>) -> Tail {
        let tail = Tail::default();
        let t = tail.clone();
        let Some(mut pipe) = pipe else {
            tail.closed.store(true, Ordering::Release);
            return tail;
        };
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut v) = t.text.lock() {
                    v.extend_from_slice(&buf[..n]);
                    if v.len() > 2 * Tail::KEEP {
                        let cut = v.len() - Tail::KEEP;
                        v.drain(..cut);
                    }
                }
            }
            t.closed.store(true, Ordering::Release);
        });
        tail
    }

    /// What was read (at most the last 4 KiB), trimmed, once the pipe closed or `wait`
    /// passed; the buffer is emptied.
    pub(crate) fn take(&self, wait: Duration) -> String {
        let until = Instant::now() + wait;
        while !self.closed.load(Ordering::Acquire) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        let Ok(mut v) = self.text.lock() else {
            return String::new();
        };
        let start = v.len().saturating_sub(Tail::KEEP);
        let text = String::from_utf8_lossy(&v[start..]).trim().to_owned();
        v.clear();
        text
    }
}

/// `": " + text` when there is text, else nothing.
pub(crate) fn colon(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(": {text}")
    }
}

/// A loaded value as the adapter wrote it (canon or raw JSON, per `manifest`) → the
/// outcome. Raw trees are normalised by the manifest's reference and value model.
pub(crate) fn loaded(json: &str, manifest: &Manifest, req: &LoadRequest<'_>) -> Outcome {
    let canon = match Canon::from_json(json.trim()) {
        Ok(c) => c,
        // JSON, but not canon: the adapter could not describe the value (ADAPTERS.md,
        // *Outcomes*); not JSON at all (a traceback on stdout…): a crash.
        Err(e) if is_json(json) => {
            return Outcome::AdapterError(format!("the value written is not canon: {e}"));
        }
        Err(e) => return Outcome::Crashed(format!("the value written is not canon JSON: {e}")),
    };
    match manifest.output {
        // protocol 2 reads canon loosely: anchors, set order and float spelling recomputed
        Output::Canon => Outcome::Loaded(crate::model::canonical(canon)),
        Output::Raw => match manifest
            .normalizer()
            .normalize(&canon, req.protocol, req.spec)
        {
            Ok(c) => Outcome::Loaded(c),
            Err(e) => Outcome::AdapterError(e.to_string()),
        },
    }
}

/// Whether `text` is one JSON document (deeper than serde_json's recursion limit counts).
fn is_json(text: &str) -> bool {
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => true,
        Err(e) => e.to_string().starts_with("recursion limit exceeded"),
    }
}

/// `{"error": "KIND", "message": "…"}` → (kind, message); `None` when `text` is not such
/// an object.
pub(crate) fn error_object(text: &[u8]) -> Option<(String, Option<String>)> {
    let v: serde_json::Value = serde_json::from_slice(text).ok()?;
    let kind = v.get("error")?.as_str()?.trim();
    if kind.is_empty() {
        return None;
    }
    let message = v.get("message").and_then(|m| m.as_str()).map(str::to_owned);
    Some((kind.to_owned(), message))
}

/// The members of an imports reply (`docs/ADAPTERS.md`, *Imports*); others are ignored.
#[derive(serde::Deserialize)]
struct ImportsReply {
    #[serde(default)]
    imports: Option<Vec<Vec<String>>>,
    #[serde(default)]
    crash: Option<String>,
    #[serde(default)]
    adapter_error: Option<String>,
}

/// An imports reply (a worker's reply line, a one-shot adapter's stdout) → the events it
/// reports (none when it has no `imports` member), or why there are none: its `crash` or
/// `adapter_error`, an event that is no event, text that is no JSON object. `who` names
/// the writer in messages (`the worker`, `the adapter`).
pub(crate) fn imports_reply(text: &str, who: &str) -> Result<Vec<ImportEvent>, String> {
    let reply: ImportsReply = serde_json::from_str(text.trim()).map_err(|e| {
        let shown: String = text.trim().chars().take(200).collect();
        format!("{who} wrote {shown:?}, which is not a JSON reply: {e}")
    })?;
    if let Some(m) = reply.crash.or(reply.adapter_error) {
        return Err(m);
    }
    reply
        .imports
        .unwrap_or_default()
        .iter()
        .map(|e| {
            ImportEvent::from_strings(e).ok_or_else(|| {
                format!("{who} reported {e:?}, which is not an event ([find, M, N] or [call, M, N, VIA])")
            })
        })
        .collect()
}

/// The `adapter_error` member of a JSON object, if `text` is one.
pub(crate) fn adapter_error_message(text: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(text).ok()?;
    v.get("adapter_error")?.as_str().map(str::to_owned)
}

/// The load options as adapters receive them (`PICKLEJAR_OPTIONS`, and `options` of a
/// worker request): `protocol`, and `encoding`, `errors`, `fix_imports`, `extensions`
/// when not the default.
pub(crate) fn options_json(req: &LoadRequest<'_>) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert("protocol".into(), req.protocol.into());
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
        let ext = req
            .spec
            .extensions
            .iter()
            .map(|(code, (module, name))| (code.clone(), serde_json::json!([module, name])))
            .collect();
        m.insert("extensions".into(), serde_json::Value::Object(ext));
    }
    if req.spec.persistent_load {
        m.insert("persistent_load".into(), true.into());
    }
    m
}
