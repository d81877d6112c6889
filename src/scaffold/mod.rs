//! `cpdblog init`: a new site that works as it is: site.yaml with every setting explained, a
//! first post, static/, a .gitignore for the output, and a GitHub Actions workflow that
//! publishes it on GitHub Pages. The files are embedded, so an installed cpdblog can do it.

mod github;

use std::path::{Path, PathBuf};

pub use github::GitHubRepo;

use crate::diagnostic::Diagnostic;

/// The files of a new site: path, contents (`DATE` in the first post becomes today).
const FILES: &[(&str, &str)] = &[
    ("site.yaml", include_str!("site.yaml")),
    ("posts/DATE-thing-1-blogging.md", include_str!("first-post.md")),
    ("pages/about.md", include_str!("about.md")),
    ("static/robots.txt", "User-agent: *\nAllow: /\n"),
    (".gitignore", "# What `cpdblog build` writes; the Pages workflow builds it afresh.\n/public/\n"),
    (".github/workflows/pages.yml", include_str!("pages.yml")),
];

/// The release of cpdblog doing the `init`: the Pages workflow installs this one.
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Where cpdblog's releases are published (Cargo.toml's `repository`).
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// What `init` fills in.
#[derive(Debug, Clone, Copy)]
pub struct Init<'a> {
    /// Replace files of the same names in a folder that is not empty.
    pub force: bool,
    /// Today's date, `YYYY-MM-DD`, for the first post.
    pub today: &'a str,
    /// The GitHub repository the blog will be published from, if known.
    pub github: Option<&'a GitHubRepo>,
}

/// Writes a new site into `dir`, created if needed. A folder holding anything but dotfiles
/// such as `.git` is refused unless `force`; without `force` no existing file is replaced.
/// Returns the files written, relative to `dir`.
pub fn init(dir: &Path, options: Init) -> Result<Vec<PathBuf>, Diagnostic> {
    let Init { force, today, github } = options;
    if dir.is_file() {
        return Err(Diagnostic::error(format!("{} is a file, not a folder", dir.display())));
    }
    if dir.is_dir() && !force {
        let entries =
            std::fs::read_dir(dir).map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", dir.display())))?;
        let mut found: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name != ".git")
            .collect();
        if !found.is_empty() {
            found.sort();
            found.truncate(5);
            return Err(Diagnostic::error(format!(
                "refusing to create a site in {}: it is not empty ({})",
                dir.display(),
                found.join(", ")
            ))
            .with_hint("choose a new or empty folder, e.g. `cpdblog init my-cpd-blog`, or pass --force to add the site's files (replacing any of the same name)"));
        }
    }
    let mut written = Vec::new();
    for (path, contents) in FILES {
        let relative = PathBuf::from(path.replace("DATE", today));
        let target = dir.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&target, fill_in(path, contents, today, github))
            .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", target.display())))?;
        written.push(relative);
    }
    Ok(written)
}

/// A scaffold file with today's date, this release's version and, with `github`, the
/// site's address and comment link filled in.
fn fill_in(path: &str, contents: &str, today: &str, github: Option<&GitHubRepo>) -> String {
    let mut text = contents.replace("date: DATE", &format!("date: {today}"));
    if path.ends_with("pages.yml") {
        text = text.replace("@VERSION@", VERSION).replace("@REPOSITORY@", REPOSITORY);
    }
    if let (Some(repo), "site.yaml") = (github, path) {
        text = text
            .replace(
                "base_url: \"https://example.github.io/cpd-blog/\"",
                &format!("base_url: \"{}\"", repo.pages_url()),
            )
            .replace(
                COMMENTED_COMMENTS,
                &format!("comments:\n  url: \"{}\"\n  label: Leave a comment\n", repo.comments_url()),
            );
    }
    text
}

/// The comment link of scaffold/site.yaml, commented out until a repository is known.
const COMMENTED_COMMENTS: &str = "# comments:\n#   url: \"https://github.com/YOUR-NAME/REPOSITORY/issues/new?title=Comment%20on%20{title}&body={url}\"\n#   label: Leave a comment\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scaffold_holds_the_text_init_fills_in() {
        let site = FILES.iter().find(|(path, _)| *path == "site.yaml").unwrap().1;
        assert!(
            site.contains(COMMENTED_COMMENTS) && site.contains("base_url: \"https://example.github.io/cpd-blog/\"")
        );
        let repo = GitHubRepo::parse("alex/cpd").unwrap();
        let filled = fill_in("site.yaml", site, "2026-12-01", Some(&repo));
        assert!(filled.contains("base_url: \"https://alex.github.io/cpd/\"\n"), "{filled}");
        assert!(filled.contains("\ncomments:\n  url: \"https://github.com/alex/cpd/issues/new?"), "{filled}");
        let workflow = FILES.iter().find(|(path, _)| path.ends_with("pages.yml")).unwrap().1;
        let filled = fill_in(".github/workflows/pages.yml", workflow, "2026-12-01", None);
        assert!(!filled.contains("@VERSION@") && !filled.contains("@REPOSITORY@"), "{filled}");
        assert!(filled.contains(&format!("CPDBLOG_VERSION: \"{VERSION}\"")), "{filled}");
        assert!(filled.contains(&format!("CPDBLOG_RELEASES: \"{REPOSITORY}/releases/download\"")), "{filled}");
    }
}
