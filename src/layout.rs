//! A site on disk (CONTRACT §1): the names of its files and folders, and the one way its
//! folders are walked, with one symlink policy for posts, static files and templates.
//!
//! The policy: nothing outside the site folder is read. A folder (`posts/`, `static/`,
//! `themes/NAME/`) that is itself a link out of the site is an error, as is a file linking out;
//! links to files inside the site are followed; links to folders are not (they could loop).

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, display_path};

/// The configuration file at the root of a site.
pub const CONFIG_FILE: &str = "site.yaml";
/// Markdown posts, at any depth.
pub const POSTS_DIR: &str = "posts";
/// Files copied verbatim to the output root.
pub const STATIC_DIR: &str = "static";
/// Per-site overrides of theme templates.
pub const TEMPLATES_DIR: &str = "templates";
/// Local themes, each with `templates/` and `static/`.
pub const THEMES_DIR: &str = "themes";
/// Standalone pages: About me, My CPD plan.
pub const PAGES_DIR: &str = "pages";
/// Programmes of numbered Things other than the built-in cpd23: `NAME.yaml`.
pub const PROGRAMMES_DIR: &str = "programmes";
/// The default output folder.
pub const OUTPUT_DIR: &str = "public";

/// Folders holding the site's sources: an output folder inside one of them would destroy them.
pub const SOURCE_DIRS: [&str; 5] = [POSTS_DIR, PAGES_DIR, STATIC_DIR, TEMPLATES_DIR, THEMES_DIR];

/// The folder of a local theme, relative to the site.
pub fn theme_dir(name: &str) -> PathBuf {
    Path::new(THEMES_DIR).join(name)
}

/// A file found by [`walk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Relative to the site folder (`posts/2011/x.md`), for messages.
    pub in_site: PathBuf,
    /// Relative to the walked folder, with `/` (`2011/x.md`), for output paths and names.
    pub in_folder: String,
    /// Where to read it.
    pub path: PathBuf,
}

/// What to walk and which files to keep.
#[derive(Debug, Clone, Copy)]
pub struct Walk<'a> {
    /// The folder, relative to the site (`posts`, `themes/mine/static`).
    pub folder: &'a Path,
    /// Leave out files and folders whose name starts with `.` (below the folder itself).
    pub skip_hidden: bool,
    /// Keep only files whose name passes.
    pub keep: fn(&str) -> bool,
    /// How the message about a link out ends: "read" or "published".
    pub verb: &'static str,
}

/// Every file of a folder of the site, sorted by path so output is deterministic. A missing
/// folder has no files. Unreadable entries, symlink loops and links out of the site are
/// reported, never silently skipped.
pub fn walk(site_dir: &Path, spec: Walk<'_>) -> Result<Vec<Found>, Diagnostics> {
    let root = site_dir.join(spec.folder);
    if !root.is_dir() {
        return Ok(Vec::new());
    }
    let mut problems = Diagnostics::default();
    if !inside(site_dir, &root).unwrap_or(false) {
        problems.push(
            Diagnostic::error(format!("this folder links outside the site, so it is not {}", spec.verb))
                .in_file(spec.folder)
                .with_hint("move the folder into the site instead of linking to it"),
        );
        return Err(problems);
    }
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(&root).follow_links(false).sort_by_file_name();
    let walker = walker.into_iter().filter_entry(|e| !(spec.skip_hidden && e.depth() > 0 && is_hidden(e)));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().map_or_else(|| spec.folder.to_path_buf(), |p| relative(site_dir, p));
                let why = err.io_error().map_or(err.to_string(), ToString::to_string);
                problems.push(Diagnostic::io(format!("cannot read: {why}")).in_file(path));
                continue;
            }
        };
        if entry.file_type().is_dir() || !(spec.keep)(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let in_site = relative(site_dir, entry.path());
        if entry.path_is_symlink() {
            match followed(site_dir, entry.path(), spec.verb) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(d) => {
                    problems.push(d.in_file(in_site));
                    continue;
                }
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let in_folder = display_path(entry.path().strip_prefix(&root).unwrap_or(entry.path()));
        files.push(Found { in_site, in_folder, path: entry.path().to_path_buf() });
    }
    if problems.has_errors() { Err(problems) } else { Ok(files) }
}

/// Whether a symlink found in a walk is read: true for a file inside the site, false for
/// anything else that is harmless to leave (a link to a folder), an error for a link out.
fn followed(site_dir: &Path, link: &Path, verb: &str) -> Result<bool, Diagnostic> {
    match inside(site_dir, link) {
        Ok(true) => Ok(link.is_file()),
        Ok(false) => Err(Diagnostic::error(format!("this symlink points outside the site, so it is not {verb}"))
            .with_hint("copy the file into the site instead of linking to it")),
        Err(err) => Err(Diagnostic::error(format!("cannot follow symlink: {err}"))),
    }
}

/// True when `path` resolves (through any links) to a place inside the site folder.
pub fn inside(site_dir: &Path, path: &Path) -> std::io::Result<bool> {
    Ok(path.canonicalize()?.starts_with(site_dir.canonicalize()?))
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.file_name().to_string_lossy().starts_with('.')
}

fn relative(site_dir: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(site_dir).unwrap_or(path).to_path_buf()
}

/// True for a Markdown file name (`.md`, any case).
pub fn is_markdown(name: &str) -> bool {
    Path::new(name).extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(_: &str) -> bool {
        true
    }

    #[test]
    fn walks_sorted_and_skips_hidden() {
        let dir = tempfile::tempdir().unwrap();
        for file in ["posts/b.md", "posts/a/c.md", "posts/.hidden/d.md", "posts/x.txt"] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let spec = Walk { folder: Path::new(POSTS_DIR), skip_hidden: true, keep: is_markdown, verb: "read" };
        let found: Vec<String> = walk(dir.path(), spec).unwrap().into_iter().map(|f| f.in_folder).collect();
        assert_eq!(found, ["a/c.md", "b.md"]);
        let all = Walk { keep: any, skip_hidden: false, ..spec };
        assert_eq!(walk(dir.path(), all).unwrap().len(), 4);
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_linked_out_of_the_site_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (site, elsewhere) = (dir.path().join("site"), dir.path().join("elsewhere"));
        std::fs::create_dir_all(&site).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("secret.md"), "x").unwrap();
        std::os::unix::fs::symlink(&elsewhere, site.join(POSTS_DIR)).unwrap();
        let spec = Walk { folder: Path::new(POSTS_DIR), skip_hidden: true, keep: is_markdown, verb: "read" };
        let err = walk(&site, spec).unwrap_err().to_string();
        assert!(err.starts_with("posts: error: this folder links outside the site"), "{err}");
    }
}
