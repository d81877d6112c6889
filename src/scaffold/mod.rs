//! `cpdblog init`: a new site that works as it is: site.yaml with every setting explained, a
//! first post, static/, a .gitignore for the output, and a GitHub Actions workflow that
//! publishes it on GitHub Pages. The files are embedded, so an installed cpdblog can do it.

use std::path::{Path, PathBuf};

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

/// Writes a new site into `dir`, created if needed. A folder holding anything but dotfiles
/// such as `.git` is refused unless `force`; without `force` no existing file is replaced.
/// Returns the files written, relative to `dir`.
pub fn init(dir: &Path, force: bool, today: &str) -> Result<Vec<PathBuf>, Diagnostic> {
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
        std::fs::write(&target, contents.replace("date: DATE", &format!("date: {today}")))
            .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", target.display())))?;
        written.push(relative);
    }
    Ok(written)
}
