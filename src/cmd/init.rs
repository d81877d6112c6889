//! `cpdblog init [DIR]`: a new site, and what to do next.

use std::path::Path;

use super::{EXIT_ERRORS, EXIT_OK, Verbosity, report};
use crate::cli::InitArgs;
use crate::diagnostic::{Diagnostics, display_path};
use crate::scaffold::{GitHubRepo, Init};

/// Writes the site and returns the exit status.
pub fn run(site: &Path, args: InitArgs, verbosity: Verbosity) -> u8 {
    let dir = args.dir.as_deref().unwrap_or(site);
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let written = args.github.as_deref().map(GitHubRepo::parse).transpose().and_then(|github| {
        let options = Init { force: args.force, today: &today, github: github.as_ref() };
        crate::scaffold::init(dir, options).map(|written| (written, github))
    });
    match written {
        Ok((written, github)) => {
            if verbosity != Verbosity::Quiet {
                for path in &written {
                    eprintln!("created {}", display_path(&dir.join(path)));
                }
                eprintln!("\nYour CPD blog is ready. Next:");
                if dir != Path::new(".") {
                    eprintln!("  cd {}", dir.display());
                }
                eprintln!(
                    "  cpdblog serve            preview it as you write\n  cpdblog new --thing 2    start your next reflection\n  edit site.yaml           your blog's title, your name, comments"
                );
                eprintln!("{}", publishing(github.as_ref()));
            }
            EXIT_OK
        }
        Err(problem) => {
            report(&Diagnostics::from(problem), verbosity);
            EXIT_ERRORS
        }
    }
}

/// How to publish: the exact commands when the repository is known.
fn publishing(github: Option<&GitHubRepo>) -> String {
    match github {
        None => "To publish on GitHub Pages, push this folder to a GitHub repository and choose\nSettings → Pages → Source: GitHub Actions.".to_string(),
        Some(repo) => format!(
            "To publish on GitHub Pages: create the repository {repo} on GitHub (empty), choose\nits Settings → Pages → Source: GitHub Actions, then\n  git init -b main && git add . && git commit -m \"My CPD blog\"\n  git remote add origin {remote}\n  git push -u origin main\nThe blog appears at {url} a minute or two later.",
            remote = repo.remote_url(),
            url = repo.pages_url(),
        ),
    }
}
