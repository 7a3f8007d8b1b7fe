//! `picklejar`: the command-line face of the harness.

mod cli;

// The value graph is one heap block per str, bytes, tuple, container and instance, as
// CPython's objects are; CPython serves those from its own small-object allocator
// (pymalloc), and so does this binary, with mimalloc instead of the system malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
