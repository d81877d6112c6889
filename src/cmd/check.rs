//! `cpdblog check`: every problem a build would meet, and the warnings, without writing.

use std::path::Path;

use super::{EXIT_ERRORS, EXIT_OK, Verbosity, count, report};
use crate::cli::CheckArgs;
use crate::pipeline::{self, BuildOptions};

/// Runs the checks and returns the exit status: 1 on errors, or on warnings with `--strict`.
pub fn run(site: &Path, args: CheckArgs, verbosity: Verbosity) -> u8 {
    let mut options = BuildOptions::new(site);
    options.drafts = args.drafts;
    options.future = args.future;
    // With --strict every warning counts, so none may be hidden by --quiet.
    let shown = if args.strict && verbosity == Verbosity::Quiet { Verbosity::Normal } else { verbosity };
    match pipeline::check(&options) {
        Ok(checked) => {
            report(&checked.warnings, shown);
            let warnings = checked.warnings.len();
            let failed = args.strict && warnings > 0;
            if verbosity != Verbosity::Quiet || failed {
                let posts = count(checked.posts, "post");
                match (warnings, failed) {
                    (0, _) => eprintln!("Checked {posts}: no problems found."),
                    (_, false) => eprintln!("Checked {posts}: {}, no errors.", count(warnings, "warning")),
                    (_, true) => {
                        eprintln!("Check failed: {} (--strict makes them errors).", count(warnings, "warning"))
                    }
                }
            }
            if failed { EXIT_ERRORS } else { EXIT_OK }
        }
        Err(problems) => {
            report(&problems, shown);
            let warnings = problems.warning_count();
            eprintln!(
                "Check failed: {}{}.",
                count(problems.error_count(), "error"),
                if warnings > 0 { format!(", {}", count(warnings, "warning")) } else { String::new() }
            );
            EXIT_ERRORS
        }
    }
}
