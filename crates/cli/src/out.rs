//! Standard output that survives a closed pipe: `picklejar conformance | head` stops
//! printing when `head` exits, and the command goes on (its files are still written).

use std::io::Write;

/// `eprintln!` that cannot panic: a closed stderr (`picklejar … 2>&1 | head`) drops the
/// line instead of aborting the command with exit 101.
macro_rules! eprintln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// `println!` that cannot panic: a closed stdout (`| head`) drops the line.
macro_rules! println {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `eprint!` that cannot panic (see [`eprintln!`]).
macro_rules! eprint {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($t)*);
    }};
}

/// Lines to stdout; after the reader went away (EPIPE) every further write is dropped.
pub struct Out {
    stdout: std::io::Stdout,
    closed: bool,
}

impl Out {
    /// Standard output.
    pub fn stdout() -> Out {
        Out {
            stdout: std::io::stdout(),
            closed: false,
        }
    }

    /// Writes `s` and a newline.
    pub fn line(&mut self, s: &str) {
        self.write(s.as_bytes());
        self.write(b"\n");
    }

    /// Writes `s` as it is.
    pub fn text(&mut self, s: &str) {
        self.write(s.as_bytes());
    }

    /// Writes raw bytes (a pickle on stdout, say).
    pub fn write(&mut self, bytes: &[u8]) {
        if self.closed {
            return;
        }
        if let Err(e) = self.stdout.lock().write_all(bytes) {
            // a closed pipe is the reader's choice, not an error; anything else is, but
            // there is nowhere better than stderr to say so
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("picklejar: writing to stdout: {e}");
            }
            self.closed = true;
        }
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        if !self.closed {
            let _ = self.stdout.lock().flush();
        }
    }
}
