//! What a batch of file-system events means for the site: which posts to read again, and
//! whether configuration, templates or static files changed. The live preview sorts its
//! watcher's paths with this; a build is the case where everything changed.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::display_path;
use crate::layout::{
    CONFIG_FILE, PAGES_DIR, POSTS_DIR, PROGRAMMES_DIR, STATIC_DIR, TEMPLATES_DIR, THEMES_DIR, is_markdown,
};

/// What a batch of file-system events means for the site.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changed {
    /// site.yaml, a programme file, templates or a theme's templates changed: read and render everything.
    pub everything: bool,
    /// Post files (relative to the site) created, changed or deleted.
    pub posts: BTreeSet<PathBuf>,
    /// Something under posts/ that is not a post file changed (a folder renamed, say): look
    /// at every post file again.
    pub rescan_posts: bool,
    /// Static files changed.
    pub statics: bool,
    /// Every static file that changed is a stylesheet, and nothing else changed: a browser
    /// can swap stylesheets instead of reloading.
    pub stylesheets_only: bool,
    /// The changed files, relative to the site, for the terminal.
    pub files: BTreeSet<String>,
}

impl Changed {
    /// Sorts watcher paths into what they mean. Paths in the output folder, editor temporary
    /// files, `.git` and files the site does not read are left out.
    pub fn classify(site_dir: &Path, output: &Path, paths: &[PathBuf]) -> Self {
        let site_dir = site_dir.canonicalize().unwrap_or_else(|_| site_dir.to_path_buf());
        let output = output.canonicalize().unwrap_or_else(|_| output.to_path_buf());
        let mut changed = Changed::default();
        let mut stylesheets = true;
        for path in paths {
            if path.starts_with(&output) {
                continue;
            }
            let Ok(relative) = path.strip_prefix(&site_dir) else { continue };
            let parts: Vec<String> = relative
                .components()
                .filter_map(|c| match c {
                    Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect();
            let Some(name) = parts.last() else { continue };
            if is_editor_temporary(name) || parts.iter().any(|p| p == ".git") {
                continue;
            }
            let first = parts[0].as_str();
            let is_static =
                first == STATIC_DIR || (first == THEMES_DIR && parts.get(2).is_some_and(|p| p == STATIC_DIR));
            // Pages shape the menu of every page: a change to one is a change to everything.
            let shapes_everything = first == CONFIG_FILE && parts.len() == 1
                || first == PROGRAMMES_DIR
                || first == TEMPLATES_DIR
                || (first == THEMES_DIR && !is_static)
                || (first == PAGES_DIR && is_markdown(name) && !parts.iter().any(|p| p.starts_with('.')));
            if shapes_everything {
                changed.everything = true;
            } else if is_static {
                changed.statics = true;
                stylesheets &= name.to_ascii_lowercase().ends_with(".css");
            } else if first == POSTS_DIR {
                let hidden = parts[1..].iter().any(|p| p.starts_with('.'));
                let markdown = is_markdown(name);
                if hidden {
                    continue;
                } else if markdown && parts.len() > 1 {
                    changed.posts.insert(relative.to_path_buf());
                } else if path.is_dir() || !path.exists() {
                    changed.rescan_posts = true;
                } else {
                    continue; // an image or note beside the posts: not read
                }
            } else {
                continue;
            }
            changed.files.insert(display_path(relative));
        }
        changed.stylesheets_only =
            changed.statics && stylesheets && !changed.everything && changed.posts.is_empty() && !changed.rescan_posts;
        changed
    }

    /// Nothing the site reads changed.
    pub fn is_empty(&self) -> bool {
        !self.everything && !self.statics && !self.rescan_posts && self.posts.is_empty()
    }

    /// Everything, for the first build.
    pub fn everything() -> Self {
        Self { everything: true, ..Self::default() }
    }
}

/// Files editors write beside the one being saved: Vim's swap files and its `4913` probe,
/// backups ending in `~`, Emacs lock (`.#x`) and autosave (`#x#`) files.
pub fn is_editor_temporary(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name == "4913"
        || name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swx", ".swo", ".tmp", ".crswap"].iter().any(|ext| lower.ends_with(ext))
        || name == ".DS_Store"
        // `sed -i` writes `sedXXXXXX` beside the file, then renames it over.
        || (name.len() == 9 && name.starts_with("sed") && name[3..].chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temporary_files_are_recognised() {
        for name in ["4913", "post.md~", ".post.md.swp", ".#post.md", "#post.md#", "x.swx", ".DS_Store", "sedAb12Cd"] {
            assert!(is_editor_temporary(name), "{name}");
        }
        for name in ["post.md", "style.css", "4914", "site.yaml"] {
            assert!(!is_editor_temporary(name), "{name}");
        }
    }

    #[test]
    fn classifies_paths_by_what_they_mean() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(site.join("posts/2011")).unwrap();
        std::fs::write(site.join("posts/photo.jpg"), "x").unwrap();
        let out = site.join("public");
        let classify = |paths: &[&str]| {
            let paths: Vec<PathBuf> = paths.iter().map(|p| site.join(p)).collect();
            Changed::classify(&site, &out, &paths)
        };
        let c = classify(&["posts/a.md", "posts/.a.md.swp", "posts/a.md~", "public/index.html", ".git/index"]);
        assert_eq!(c.posts, BTreeSet::from([PathBuf::from("posts/a.md")]));
        assert!(!c.everything && !c.statics && !c.rescan_posts);
        assert_eq!(c.files, BTreeSet::from(["posts/a.md".to_string()]));
        assert!(classify(&["public/a.html", "README.md", "posts/photo.jpg", "posts/.hidden.md"]).is_empty());
        assert!(classify(&["site.yaml"]).everything);
        assert!(classify(&["programmes/rudai23.yaml"]).everything, "a programme file shapes every page");
        assert!(classify(&["templates/post.html"]).everything);
        assert!(classify(&["themes/mine/templates/base.html"]).everything);
        let css = classify(&["static/style.css", "themes/mine/static/extra.css"]);
        assert!(css.statics && css.stylesheets_only && !css.everything);
        let mixed = classify(&["static/style.css", "static/logo.svg"]);
        assert!(mixed.statics && !mixed.stylesheets_only);
        assert!(!classify(&["static/style.css", "posts/a.md"]).stylesheets_only);
        assert!(classify(&["posts/2011"]).rescan_posts, "a folder");
        assert!(classify(&["posts/gone"]).rescan_posts, "something deleted");
    }
}
