//! The `cpdblog` binary: parse the command line, run the command, exit with its status.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: rendering thousands of pages is allocation-heavy, and glibc's malloc showed as
/// about an eighth of a 10,000-post build's profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cpdblog::panic::install_hook();
    if std::env::var_os("CPDBLOG_DEBUG_PANIC").is_some() {
        // A hidden switch, so tests can check what a crash looks like to the user.
        panic!("CPDBLOG_DEBUG_PANIC is set");
    }
    let cli = cpdblog::cli::Cli::parse();
    ExitCode::from(cpdblog::cmd::run(cli))
}
