//! Unified diffs of canon texts and disassemblies (`similar`).

use similar::TextDiff;

/// A unified diff, `expected` → `actual`, three lines of context.
pub fn unified(expected: &str, actual: &str) -> String {
    TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header("expected (CPython)", "actual (codec)")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn shows_the_changed_line_with_context() {
        let d = unified("list\n  int 1\n  int 2\n", "list\n  int 1\n  int 3\n");
        assert!(d.contains("--- expected (CPython)"));
        assert!(d.contains("-  int 2\n+  int 3\n"), "{d}");
        assert!(unified("same\n", "same\n").is_empty());
    }
}
