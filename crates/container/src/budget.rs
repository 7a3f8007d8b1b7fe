//! One allocation budget for a whole container: `Limits::max_alloc`.

use picklejar_codec::ErrorKind;

use crate::error::{Error, Result};

/// What is charged against `max_alloc`, and what is left.
#[derive(Debug)]
pub(crate) struct Budget {
    max: usize,
    used: usize,
}

impl Budget {
    pub(crate) fn new(max: usize) -> Budget {
        Budget { max, used: 0 }
    }

    /// Bytes left.
    pub(crate) fn left(&self) -> usize {
        self.max.saturating_sub(self.used)
    }

    /// Bytes charged so far.
    pub(crate) fn used(&self) -> usize {
        self.used
    }

    /// Charges `n` bytes for `what`, or fails with `limit-exceeded`.
    pub(crate) fn charge(&mut self, n: usize, what: impl FnOnce() -> String) -> Result<()> {
        if n > self.left() {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "{} needs {n} bytes, more than the {} left of the {}-byte budget (raise --max-alloc if the file is trusted)",
                    what(),
                    self.left(),
                    self.max
                ),
            ));
        }
        self.used += n;
        Ok(())
    }
}
