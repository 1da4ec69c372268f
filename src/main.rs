use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    letterpress::cli::run(letterpress::cli::Cli::parse())
}
