//! The `cpdblog` binary: parse the command line, run the command, exit with its status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    cpdblog::panic::install_hook();
    let cli = cpdblog::cli::Cli::parse();
    ExitCode::from(cpdblog::cmd::run(cli))
}
