//! The subcommands: each turns its arguments into engine options, runs the engine and reports.
//! No command contains pipeline logic of its own.

mod build;
mod check;
mod import;
mod init;
mod new;
mod serve;
mod things;

use std::io::IsTerminal;

use crate::cli::{Cli, Command};
use crate::diagnostic::Diagnostics;

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: errors in content or configuration.
pub const EXIT_ERRORS: u8 = 1;

/// How chatty to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// Errors, warnings and a summary line.
    Normal,
    /// Also timings.
    Verbose,
}

/// Runs the parsed command line and returns the exit status.
pub fn run(cli: Cli) -> u8 {
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    match cli.command {
        Command::Build(args) => build::run(&cli.site, args, verbosity),
        Command::Serve(args) => serve::run(&cli.site, args, verbosity),
        Command::Check(args) => check::run(&cli.site, args, verbosity),
        Command::Import(args) => import::run(&cli.site, args, verbosity),
        Command::Init(args) => init::run(&cli.site, args, verbosity),
        Command::New(args) => new::run(&cli.site, args, verbosity),
        Command::Things(args) => things::run(&cli.site, args, verbosity),
    }
}

/// Prints diagnostics to stderr, coloured when stderr is a terminal; warnings only when not quiet.
pub fn report(diagnostics: &Diagnostics, verbosity: Verbosity) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diagnostics.iter() {
        if d.is_error() || verbosity != Verbosity::Quiet {
            eprintln!("{}\n", d.render(color));
        }
    }
}

/// Warnings `build` and `serve` show before summing up the rest: a site with thousands of
/// them needs `check`, not a scrolling terminal.
pub const WARNINGS_SHOWN: usize = 20;

/// Like [`report`], but shows at most [`WARNINGS_SHOWN`] warnings (every error) and says
/// how many more there are.
pub fn report_some(diagnostics: &Diagnostics, verbosity: Verbosity) {
    if verbosity == Verbosity::Verbose || diagnostics.warning_count() <= WARNINGS_SHOWN {
        return report(diagnostics, verbosity);
    }
    let mut shown = 0;
    let kept: Diagnostics = diagnostics
        .iter()
        .filter(|d| {
            let keep = d.is_error() || shown < WARNINGS_SHOWN;
            shown += usize::from(!d.is_error() && keep);
            keep
        })
        .cloned()
        .collect();
    report(&kept, verbosity);
    if verbosity != Verbosity::Quiet {
        let more = diagnostics.warning_count() - WARNINGS_SHOWN;
        eprintln!("… and {more} more warning{}; `cpdblog check` lists them all.\n", if more == 1 { "" } else { "s" });
    }
}

/// "1 error", "3 warnings".
pub fn count(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}
