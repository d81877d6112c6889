//! `cpdblog build`: the whole pipeline, then a one-line summary or every error.

use std::path::Path;

use super::{EXIT_ERRORS, EXIT_OK, Verbosity, count, report, report_some};
use crate::cli::BuildArgs;
use crate::pipeline::{self, BuildOptions};

/// How to look at the built site: its links start at base_url's path (`/cpd/style.css`), so
/// `index.html` opened from the disk finds no stylesheet; the preview serves it as published.
fn how_to_look(site: &Path) -> String {
    let serve = if site == Path::new(".") || site.as_os_str().is_empty() {
        "cpdblog serve".to_string()
    } else if site.display().to_string().contains(char::is_whitespace) {
        format!("cpdblog serve --site \"{}\"", site.display())
    } else {
        format!("cpdblog serve --site {}", site.display())
    };
    format!(
        "Open it with `{serve}` and the address it prints: its links start at the site's address, so index.html opened from the disk shows no styles."
    )
}

/// Runs a build and returns the exit status.
pub fn run(site: &Path, args: BuildArgs, verbosity: Verbosity) -> u8 {
    let mut options = BuildOptions::new(site);
    options.output = args.output;
    options.drafts = args.drafts;
    options.future = args.future;
    options.base_url = args.base_url;
    options.force = args.force;
    match pipeline::build(&options) {
        Ok(built) => {
            report_some(&built.warnings, verbosity);
            if verbosity == Verbosity::Verbose {
                let c = built.changes;
                eprintln!("{} written, {} unchanged, {} removed", c.written, c.unchanged, c.removed);
                for (stage, took) in &built.stages {
                    eprintln!("{:>8.1} ms  {stage}", took.as_secs_f64() * 1000.0);
                }
            }
            if verbosity != Verbosity::Quiet {
                let left_out = if built.left_out > 0 {
                    format!(" ({} left out: drafts or future-dated)", built.left_out)
                } else {
                    String::new()
                };
                let warnings = if built.warnings.is_empty() {
                    String::new()
                } else {
                    format!(", {}", count(built.warnings.len(), "warning"))
                };
                eprintln!(
                    "Built {}{left_out} into {}: {} in {} ms{warnings}",
                    count(built.posts, "post"),
                    built.output.display(),
                    count(built.files, "file"),
                    built.elapsed.as_millis()
                );
                eprintln!("{}", how_to_look(site));
            }
            EXIT_OK
        }
        Err(problems) => {
            report(&problems, verbosity);
            eprintln!(
                "Build failed: {}{}; the previous output was left as it was.",
                count(problems.error_count(), "error"),
                if problems.warning_count() > 0 {
                    format!(", {}", count(problems.warning_count(), "warning"))
                } else {
                    String::new()
                }
            );
            EXIT_ERRORS
        }
    }
}
