//! What `picklejar load` and `picklejar dis` print for a container, near enough: the
//! calls the CLI makes (`crates/cli/src/inspect.rs`), without clap. An error is printed
//! as the container error's own `Display` (kind, message, offset, member, opcode on one
//! line), not in the CLI's `error:`/`message:`/`offset:` lines.
//!
//! ```text
//! cargo run -p picklejar-container --example show -- FILE          # like picklejar load
//! cargo run -p picklejar-container --example show -- FILE json     # like --format json
//! cargo run -p picklejar-container --example show -- FILE dis      # like picklejar dis
//! ```

use std::io::Write;
use std::process::ExitCode;

use picklejar_codec::canon::{self, render};
use picklejar_codec::{Limits, LoadOptions};
use picklejar_container as container;

/// A container error: on standard error, exit 1.
fn report(e: &container::Error) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(1)
}

/// `load_container` of the CLI integration.
fn load_container(
    c: &container::Container,
    opts: &LoadOptions,
    format: canon::Format,
) -> std::io::Result<ExitCode> {
    let limits = opts.limits;
    // What the container holds is charged; what is left of the budget is the rendering's.
    let left = limits.max_alloc.saturating_sub(c.allocated);
    let mut rendered = match render(&c.graph, format, &limits.with_max_alloc(left)) {
        Ok(r) => r,
        Err(e) => return Ok(report(&e.into())),
    };
    let summary = c.summary();
    let mut out = std::io::stdout();
    let written = rendered.write_to(&mut out).and_then(|()| match format {
        // The storages follow the value, as `# ` lines.
        canon::Format::Text => out.write_all(summary.as_bytes()),
        // Standard output stays one JSON document.
        _ => {
            eprint!("{summary}");
            Ok(())
        }
    });
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        r => r.map(|()| ExitCode::SUCCESS),
    }
}

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: show FILE [json|dis]")?;
    let mode = args.next();
    let raw = std::fs::read(&path)?;
    let opts = LoadOptions {
        limits: Limits::DEFAULT,
        ..LoadOptions::default()
    };
    if container::sniff(&raw).is_none() {
        eprintln!("not a container: picklejar takes its usual path");
        return Ok(ExitCode::from(2));
    }
    let c = match container::open(&raw, &opts) {
        Ok(c) if c.kind.is_container() => c,
        Ok(_) => {
            eprintln!("a plain pickle after all: picklejar takes its usual path");
            return Ok(ExitCode::from(2));
        }
        Err(e) if mode.as_deref() == Some("dis") => {
            println!("error: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Ok(report(&e)),
    };
    match mode.as_deref() {
        Some("dis") => {
            print!("{}", c.dis(&opts));
            Ok(ExitCode::SUCCESS)
        }
        Some("json") => Ok(load_container(&c, &opts, canon::Format::Json)?),
        _ => Ok(load_container(&c, &opts, canon::Format::Text)?),
    }
}
