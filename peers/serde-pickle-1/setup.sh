#!/bin/sh
# Builds the adapter against serde-pickle (pinned with = in Cargo.toml) into .deps/target.
# Idempotent (cargo rebuilds nothing when nothing changed); exit 77 when it cannot be built here.
cd "$(dirname "$0")" || exit 1
command -v cargo >/dev/null 2>&1 || { echo "serde-pickle-1: needs cargo (Rust)" >&2; exit 77; }
cargo build -q --release --manifest-path Cargo.toml --target-dir .deps/target >&2 ||
    { echo "serde-pickle-1: cargo build failed (is crates.io reachable?)" >&2; exit 77; }
