use std::process::ExitCode;

use clap::Parser;

/// typst allocates heavily from several threads in a batch; mimalloc keeps
/// memory flat across a long run where the system allocator fragments.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    letterpress::cli::run(letterpress::cli::Cli::parse())
}
