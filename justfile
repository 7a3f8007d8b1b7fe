# picklejar's daily commands. `just` is not required: each recipe is one command you can
# run by hand (see README.md). Install just with `pip install rust-just` or
# `cargo install just`.

set shell := ["bash", "-euo", "pipefail", "-c"]

# The interpreters generators/make.py finds, as `--python VERSION=PATH` flags (empty
# without Python).
pythons := `python3 generators/make.py pythons 2>/dev/null || true`

# List the recipes.
default:
    @just --list

# Replay the corpus through every codec; terminal summary and reports/conformance/.
conformance *ARGS:
    cargo run --release -p picklejar -- conformance {{pythons}} {{ARGS}}

# Every third-party codec under peers/, peer after peer, skipping those this machine cannot
# set up: reports/matrix/index.html (ARGS: --only NAME, --record for peers/SUMMARY.md, ...).
matrix *ARGS:
    cargo run --release -p picklejar -- matrix {{pythons}} {{ARGS}}

# The test suite (what CI runs, without the lints).
test *ARGS:
    cargo test --workspace {{ARGS}}

# The generators' own tests (host Python 3 with pytest).
test-generators *ARGS:
    python3 -m pytest generators/tests -q {{ARGS}}

# Scaffold a new corpus case: just fixture containers/my_case
fixture NAME:
    python3 generators/make.py new {{NAME}}

# Regenerate the corpus with every interpreter found (ARGS: --only GLOB, --check, ...).
regen *ARGS:
    python3 generators/make.py {{ARGS}}

# Benchmarks: workloads, criterion (picklejar, serde-pickle), CPython timings in the same
# run, history, baseline gate, reports/bench/index.html.
bench *ARGS:
    cargo run --release -p picklejar -- bench run {{pythons}} {{ARGS}}

# Instruction counts of one load, one dump and one stream (a dump written out to a file) per
# workload (callgrind; skipped without valgrind).
bench-instructions *ARGS:
    cargo run --release -p picklejar -- bench instructions {{pythons}} {{ARGS}}

# Save the latest benchmark record as the baseline the gate compares against.
bench-baseline:
    cargo run --release -p picklejar -- bench baseline

# Compare the latest benchmark record with the baseline (advisory; --strict fails).
bench-gate *ARGS:
    cargo run --release -p picklejar -- bench gate {{ARGS}}

# Fuzz the loader for SECONDS (needs `cargo install cargo-fuzz`).
fuzz SECONDS="600":
    cd fuzz && cargo fuzz run --sanitizer none load -- -max_total_time={{SECONDS}} -rss_limit_mb=2048

# Everything CI checks.
ci:
    bash .ci/run
