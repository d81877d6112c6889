//! Incremental rebuilds, for the live preview. A [`Session`] keeps what the last build read
//! (settings, templates, every post parsed and prepared for lists) and a fingerprint of every
//! page it wrote. Told which files changed, it re-reads only those, reassembles the site model
//! (sorting and grouping: cheap), and renders only the pages whose fingerprint changed: the
//! edited post and the lists that show it. A change to site.yaml, templates or a theme's
//! templates reads and renders everything again. Either way the output is what a clean
//! `cpdblog build` with the same options writes, byte for byte.
//!
//! This is a client of [`crate::pipeline`]: the same loading, assembling, rendering and
//! writing functions, called on less.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::config::CONFIG_FILE;
use crate::content::{self, POSTS_DIR, Post};
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::output::{Changes, Collected, Staging, update_in_place};
use crate::pipeline::{BuildOptions, Settings, copy_static, render_pages};
use crate::render::{Page, Prepared, Renderer, Templates};

/// What a batch of file-system events means for the site.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changed {
    /// site.yaml, templates or a theme's templates changed: read and render everything.
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
            let is_static = first == "static" || (first == "themes" && parts.get(2).is_some_and(|p| p == "static"));
            if first == CONFIG_FILE && parts.len() == 1 || first == "templates" || (first == "themes" && !is_static) {
                changed.everything = true;
            } else if is_static {
                changed.statics = true;
                stylesheets &= name.to_ascii_lowercase().ends_with(".css");
            } else if first == POSTS_DIR {
                let hidden = parts[1..].iter().any(|p| p.starts_with('.'));
                let markdown = Path::new(name).extension().is_some_and(|e| e.eq_ignore_ascii_case("md"));
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
}

/// What one rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Everything was read and rendered again.
    pub everything: bool,
    /// Posts in the site.
    pub posts: usize,
    /// Pages rendered (compared with the output; only changed ones were written).
    pub pages_rendered: usize,
    /// What changed in the output folder.
    pub changes: Changes,
    /// How long it took.
    pub elapsed: Duration,
    /// Warnings in the files read this time.
    pub warnings: Diagnostics,
    /// Pages left for [`Session::finish`] (only when deferring, see [`Session::defer_long_lists`]).
    pub deferred: usize,
}

/// What [`Session::finish`] did.
#[derive(Debug)]
pub struct Finished {
    /// Pages rendered.
    pub pages_rendered: usize,
    /// What changed in the output folder.
    pub changes: Changes,
    /// Path-absolute URLs of the pages written (`/blog/portfolio/`), for live reload.
    pub urls: Vec<String>,
    /// How long it took.
    pub elapsed: Duration,
}

/// Modification time and length: enough to tell that a file changed when rescanning.
type Stamp = Option<(SystemTime, u64)>;

fn stamp_of(path: &Path) -> Stamp {
    std::fs::metadata(path).ok().and_then(|m| Some((m.modified().ok()?, m.len())))
}

/// One post file as last read.
#[derive(Debug)]
struct Entry {
    stamp: Stamp,
    post: Option<Arc<Post>>,
    prepared: Option<Arc<Prepared>>,
    diagnostics: Vec<Diagnostic>,
}

impl Entry {
    fn read(site_dir: &Path, relative: &Path, settings: &Settings) -> Self {
        let stamp = stamp_of(&site_dir.join(relative));
        match content::load_post(site_dir, relative, &settings.post_context()) {
            Ok((post, warnings)) => Self { stamp, post: Some(Arc::new(post)), prepared: None, diagnostics: warnings },
            Err(problems) => Self { stamp, post: None, prepared: None, diagnostics: problems.0 },
        }
    }
}

/// A site kept in memory between rebuilds.
pub struct Session {
    options: BuildOptions,
    output: PathBuf,
    loaded: Option<(Settings, Templates)>,
    posts: BTreeMap<PathBuf, Entry>,
    scan_problems: Vec<Diagnostic>,
    /// Output path → fingerprint of each page last written.
    pages: HashMap<String, u64>,
    /// Static files last written.
    statics: BTreeSet<String>,
    full_render_due: bool,
    /// Render pages listing very many posts in a second step ([`Session::finish`]).
    defer: bool,
    /// The site of the last render and its prepared posts, for the second step.
    site: Option<crate::site::Site>,
    prepared: Vec<Arc<Prepared>>,
    /// Pages left for the second step: page, output path, fingerprint.
    deferred: Vec<(Page, String, u64)>,
}

impl Session {
    /// A session for the site `options` describes; nothing is read until [`Session::rebuild`].
    pub fn new(options: BuildOptions) -> Self {
        let output = options.output_dir();
        Self {
            options,
            output,
            loaded: None,
            posts: BTreeMap::new(),
            scan_problems: Vec::new(),
            pages: HashMap::new(),
            statics: BTreeSet::new(),
            full_render_due: true,
            defer: false,
            site: None,
            prepared: Vec::new(),
            deferred: Vec::new(),
        }
    }

    /// With `on`, an incremental rebuild renders the pages that list very many posts (the
    /// portfolio, search index, sitemap, the biggest term pages) only when [`Session::finish`]
    /// is called, so the edited page can be served first. Off by default: then
    /// [`Session::rebuild`] does both steps.
    pub fn defer_long_lists(&mut self, on: bool) {
        self.defer = on;
    }

    /// Renders and writes the pages a deferring rebuild left. On error nothing is written and
    /// the next rebuild tries them again.
    pub fn finish(&mut self) -> Result<Option<Finished>, Diagnostics> {
        if self.deferred.is_empty() {
            return Ok(None);
        }
        let started = Instant::now();
        let deferred = std::mem::take(&mut self.deferred);
        let (Some(site), Some((_, templates))) = (self.site.as_ref(), self.loaded.as_ref()) else { return Ok(None) };
        let renderer = Renderer::with_prepared(site, templates, self.prepared.clone());
        let pages: Vec<Page> = deferred.iter().map(|(page, ..)| *page).collect();
        let collected = Collected::default();
        render_pages(&renderer, &pages, &collected)?;
        let files = collected.into_files();
        let changes = update_in_place(&self.output, &files, &[]).map_err(|e| {
            Diagnostics::from(Diagnostic::error(format!("cannot update {}: {e}", self.output.display())))
        })?;
        let urls =
            files.iter().map(|(path, _)| site.base.path(path.strip_suffix("index.html").unwrap_or(path))).collect();
        for (_, path, fingerprint) in deferred {
            self.pages.insert(path, fingerprint);
        }
        Ok(Some(Finished { pages_rendered: pages.len(), changes, urls, elapsed: started.elapsed() }))
    }

    /// The output folder.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// The build options.
    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Brings the output up to date with `changed`. On error nothing in the output changes,
    /// and the errors of every file are returned, not only of the files just changed.
    pub fn rebuild(&mut self, changed: &Changed) -> Result<Rebuilt, Diagnostics> {
        let started = Instant::now();
        let everything = changed.everything || self.loaded.is_none();
        let mut reread = Vec::new();
        if everything {
            self.read_everything()?;
        } else if changed.rescan_posts || !self.scan_problems.is_empty() {
            reread = self.rescan_posts();
        } else {
            for relative in &changed.posts {
                if !self.reread_post(relative) {
                    reread = self.rescan_posts();
                    break;
                }
                reread.push(relative.clone());
            }
        }
        let mut problems = Diagnostics(self.scan_problems.clone());
        for entry in self.posts.values() {
            problems.extend(entry.diagnostics.iter().filter(|d| d.is_error()).cloned());
        }
        if problems.has_errors() {
            problems.sort();
            return Err(problems);
        }
        let warnings = if everything {
            self.posts.values().flat_map(|e| e.diagnostics.iter().cloned()).collect()
        } else {
            reread.iter().filter_map(|p| self.posts.get(p)).flat_map(|e| e.diagnostics.iter().cloned()).collect()
        };
        let mut warnings = Diagnostics(warnings);
        warnings.sort();
        let (mut pages_rendered, mut changes, posts) = self.render(changed)?;
        let mut deferred = self.deferred.len();
        if !self.defer {
            if let Some(finished) = self.finish()? {
                pages_rendered += finished.pages_rendered;
                changes.written += finished.changes.written;
                changes.unchanged += finished.changes.unchanged;
                deferred = 0;
            }
        }
        Ok(Rebuilt { everything, posts, pages_rendered, changes, elapsed: started.elapsed(), warnings, deferred })
    }

    /// Reads settings, templates and every post again.
    fn read_everything(&mut self) -> Result<(), Diagnostics> {
        self.loaded = None;
        self.full_render_due = true;
        let site_dir = &self.options.site_dir;
        let settings = Settings::load(&self.options)?;
        let (files, templates) =
            rayon::join(|| content::find_posts(site_dir), || Templates::load(site_dir, &settings.config.theme));
        let files = match files {
            Ok(files) => {
                self.scan_problems.clear();
                files
            }
            Err(problems) => {
                self.scan_problems = problems.0;
                Vec::new()
            }
        };
        self.posts = files.into_par_iter().map(|f| (f.clone(), Entry::read(site_dir, &f, &settings))).collect();
        match templates {
            Ok(templates) => {
                self.loaded = Some((settings, templates));
                Ok(())
            }
            Err(mut problems) => {
                problems
                    .extend(self.posts.values().flat_map(|e| e.diagnostics.iter().filter(|d| d.is_error())).cloned());
                problems.sort();
                Err(problems)
            }
        }
    }

    /// Reads one post file again, or forgets it when it is gone. False when the path is
    /// something a full rescan must look at (a symlink or a folder).
    fn reread_post(&mut self, relative: &Path) -> bool {
        let Some((settings, _)) = &self.loaded else { return false };
        let site_dir = &self.options.site_dir;
        match std::fs::symlink_metadata(site_dir.join(relative)) {
            Ok(meta) if meta.is_file() => {
                self.posts.insert(relative.to_path_buf(), Entry::read(site_dir, relative, settings));
                true
            }
            Ok(_) => false,
            Err(_) => {
                self.posts.remove(relative);
                true
            }
        }
    }

    /// Lists posts/ again: reads new files and files whose stamp changed, forgets deleted ones.
    /// Returns the files read.
    fn rescan_posts(&mut self) -> Vec<PathBuf> {
        let Some((settings, _)) = &self.loaded else { return Vec::new() };
        let site_dir = &self.options.site_dir;
        let files = match content::find_posts(site_dir) {
            Ok(files) => {
                self.scan_problems.clear();
                files
            }
            Err(problems) => {
                self.scan_problems = problems.0;
                return Vec::new();
            }
        };
        let mut old = std::mem::take(&mut self.posts);
        let mut reread = Vec::new();
        for file in files {
            let stamp = stamp_of(&site_dir.join(&file));
            match old.remove(&file) {
                Some(entry) if entry.stamp.is_some() && entry.stamp == stamp => {
                    self.posts.insert(file, entry);
                }
                _ => {
                    let entry = Entry::read(site_dir, &file, settings);
                    self.posts.insert(file.clone(), entry);
                    reread.push(file);
                }
            }
        }
        reread
    }

    /// Assembles the site and renders what changed. Returns pages rendered, what changed in
    /// the output, and the number of posts.
    fn render(&mut self, changed: &Changed) -> Result<(usize, Changes, usize), Diagnostics> {
        let (settings, templates) = self.loaded.as_mut().expect("read before rendering");
        let site_dir = &self.options.site_dir;
        let posts: Vec<Arc<Post>> = self.posts.values().filter_map(|e| e.post.clone()).collect();
        let site = settings.assemble(posts, &self.options)?;

        // Prepared list views of unchanged posts carry over; found by the post's address, as
        // looking 10,000 paths up in the tree costs more than the rest of a rebuild.
        let known: HashMap<usize, Arc<Prepared>> =
            self.posts.values().filter_map(|e| Some((address(e.post.as_ref()?), e.prepared.clone()?))).collect();
        let prepared: Vec<Arc<Prepared>> = site
            .posts
            .par_iter()
            .map(|post| known.get(&address(post)).cloned().unwrap_or_else(|| Arc::new(Prepared::new(&site, post))))
            .collect();
        if known.len() < site.posts.len() {
            let made: HashMap<usize, &Arc<Prepared>> =
                site.posts.iter().map(address).zip(&prepared).filter(|(p, _)| !known.contains_key(p)).collect();
            for entry in self.posts.values_mut() {
                if let Some(post) = &entry.post {
                    if let Some(&made) = made.get(&address(post)) {
                        entry.prepared = Some(Arc::clone(made));
                    }
                }
            }
        }

        if self.full_render_due {
            templates.set_globals(Renderer::globals(&site));
        }
        let prepared_kept = prepared.clone();
        let renderer = Renderer::with_prepared(&site, templates, prepared);
        let pages = renderer.pages();
        let fingerprints: Vec<(String, u64)> =
            pages.par_iter().map(|&page| (renderer.output_path(page), renderer.fingerprint(page))).collect();

        if self.full_render_due {
            let staging = Staging::begin(site_dir, &self.output, false)?;
            render_pages(&renderer, &pages, &staging)?;
            let statics: BTreeSet<String> = copy_static(&site, site_dir, &staging)?.into_iter().collect();
            let output = self.output.display().to_string();
            let changes = staging
                .commit()
                .map_err(|e| Diagnostic::error(format!("cannot move the new site into {output}: {e}")))?;
            self.pages = fingerprints.into_iter().filter(|(path, _)| !statics.contains(path)).collect();
            self.statics = statics;
            self.full_render_due = false;
            self.deferred.clear();
            let (count, posts) = (pages.len(), site.posts.len());
            drop(renderer);
            self.site = Some(site);
            self.prepared = prepared_kept;
            return Ok((count, changes, posts));
        }

        let collected_statics = Collected::default();
        let statics: BTreeSet<String> = if changed.statics {
            copy_static(&site, site_dir, &collected_statics)?.into_iter().collect()
        } else {
            self.statics.clone()
        };
        let mut dirty: Vec<Page> = Vec::new();
        let mut later: Vec<(Page, String, u64)> = Vec::new();
        for (&page, (path, fingerprint)) in pages.iter().zip(&fingerprints) {
            if statics.contains(path) || self.pages.get(path) == Some(fingerprint) {
                continue;
            }
            if renderer.lists_many(page) {
                later.push((page, path.clone(), *fingerprint));
            } else {
                dirty.push(page);
            }
        }
        let collected = Collected::default();
        render_pages(&renderer, &dirty, &collected)?;
        let mut files = collected.into_files();
        files.extend(collected_statics.into_files());

        let produced: std::collections::HashSet<&str> =
            fingerprints.iter().map(|(path, _)| path.as_str()).chain(statics.iter().map(String::as_str)).collect();
        let stale: BTreeSet<String> = self
            .pages
            .keys()
            .chain(self.statics.iter())
            .filter(|path| !produced.contains(path.as_str()))
            .cloned()
            .collect();
        let stale: Vec<String> = stale.into_iter().collect();
        let changes = update_in_place(&self.output, &files, &stale).map_err(|e| {
            Diagnostics::from(Diagnostic::error(format!("cannot update {}: {e}", self.output.display())))
        })?;
        // Pages left for `finish` keep their old fingerprint until they are written.
        let waiting: std::collections::HashSet<&str> = later.iter().map(|(_, path, _)| path.as_str()).collect();
        let mut next: HashMap<String, u64> = HashMap::with_capacity(fingerprints.len());
        for (path, fingerprint) in fingerprints {
            if statics.contains(&path) {
                continue;
            }
            if waiting.contains(path.as_str()) {
                if let Some(&old) = self.pages.get(&path) {
                    next.insert(path, old);
                }
            } else {
                next.insert(path, fingerprint);
            }
        }
        self.pages = next;
        self.statics = statics;
        self.deferred = later;
        let (count, posts) = (dirty.len(), site.posts.len());
        drop(renderer);
        self.site = Some(site);
        self.prepared = prepared_kept;
        Ok((count, changes, posts))
    }
}

/// A post's identity while its `Arc` lives: entries hold every post they hand out, so an
/// address is never reused for another post during a rebuild.
fn address(post: &Arc<Post>) -> usize {
    Arc::as_ptr(post) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temporary_files_are_recognised() {
        for name in ["4913", "post.md~", ".post.md.swp", ".#post.md", "#post.md#", "x.swx", ".DS_Store"] {
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
