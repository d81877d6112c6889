//! `cpdblog init [DIR]`: a new site, and what to do next.

use std::path::Path;

use super::{EXIT_ERRORS, EXIT_OK, Verbosity, report};
use crate::cli::InitArgs;
use crate::diagnostic::{Diagnostics, display_path};

/// Writes the site and returns the exit status.
pub fn run(site: &Path, args: InitArgs, verbosity: Verbosity) -> u8 {
    let dir = args.dir.as_deref().unwrap_or(site);
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    match crate::scaffold::init(dir, args.force, &today) {
        Ok(written) => {
            if verbosity != Verbosity::Quiet {
                for path in &written {
                    eprintln!("created {}", display_path(&dir.join(path)));
                }
                eprintln!("\nYour CPD blog is ready. Next:");
                if dir != Path::new(".") {
                    eprintln!("  cd {}", dir.display());
                }
                eprintln!(
                    "  cpdblog serve            preview it as you write\n  cpdblog new --thing 2    start your next reflection\n  edit site.yaml           your blog's title, your name, comments\nTo publish on GitHub Pages, push this folder to a GitHub repository and choose\nSettings → Pages → Source: GitHub Actions."
                );
            }
            EXIT_OK
        }
        Err(problem) => {
            report(&Diagnostics::from(problem), verbosity);
            EXIT_ERRORS
        }
    }
}
