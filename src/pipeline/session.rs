//! A site kept in memory between rebuilds: the one driver of `build`, `check` and `serve`.
//! A [`Session`] keeps what it read (settings, templates, every post with its problems and
//! lints) and a fingerprint of every page it wrote. Told which files changed, it reads only
//! those again, reassembles the site model (sorting and grouping: cheap), runs the checks, and
//! renders only the pages whose fingerprint changed. Its first rebuild reads and renders
//! everything. Either way the output is what a clean build writes, byte for byte, and the
//! warnings are those of the whole site.

use std::collections::{BTreeMap, BTreeSet};

// Fast hashes for the page and post maps consulted on every preview rebuild.
type HashMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;
type HashSet<T> = std::collections::HashSet<T, ahash::RandomState>;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::read::Entry;
use super::{BuildOptions, Changed, Settings};
use crate::content::{Post, SitePage};
use crate::diagnostic::Diagnostics;
use crate::output::Changes;
use crate::render::{Page, Prepared, Templates};
use crate::site::Site;

/// Where a session's pages go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An output folder (`build`, `serve`).
    Folder(PathBuf),
    /// Nowhere: every page is rendered to find errors, and forgotten (`check`).
    Nowhere,
}

/// What one rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Everything was read and rendered again.
    pub everything: bool,
    /// Posts in the site.
    pub posts: usize,
    /// Posts left out (drafts, future posts).
    pub left_out: usize,
    /// Files the output holds (pages and static files).
    pub files: usize,
    /// Pages rendered (compared with the output; only changed ones were written).
    pub pages_rendered: usize,
    /// What changed in the output folder.
    pub changes: Changes,
    /// How long it took.
    pub elapsed: Duration,
    /// Every warning of the site, not only of the files read this time.
    pub warnings: Diagnostics,
    /// Pages left for [`Session::finish`] (only when deferring, see [`Session::defer_long_lists`]).
    pub deferred: usize,
    /// How long each step took, in order.
    pub stages: Vec<(&'static str, Duration)>,
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

/// A site kept in memory between rebuilds.
pub struct Session {
    pub(super) options: BuildOptions,
    pub(super) target: Target,
    pub(super) settings: Option<Settings>,
    pub(super) templates: Option<Templates>,
    pub(super) template_problems: Diagnostics,
    pub(super) posts: BTreeMap<PathBuf, Entry>,
    /// Standalone pages read, and the problems of those that are not valid.
    pub(super) site_pages: Vec<Arc<SitePage>>,
    pub(super) page_problems: Diagnostics,
    pub(super) scan_problems: Diagnostics,
    /// Output path → fingerprint of each page last written.
    pub(super) pages: HashMap<String, u64>,
    /// Static files last written.
    pub(super) statics: BTreeSet<String>,
    pub(super) full_render_due: bool,
    /// Keep each page's fingerprint for the next rebuild; off for a one-off build.
    pub(super) remember_pages: bool,
    /// Render pages listing very many posts in a second step ([`Session::finish`]).
    pub(super) defer: bool,
    /// The site of the last render and its prepared posts, for the second step.
    pub(super) last: Option<(Site, Vec<Arc<Prepared>>)>,
    /// Pages left for the second step: page, output path, fingerprint.
    pub(super) deferred: Vec<(Page, String, u64)>,
    /// What an earlier build wrote into the output, to start from ([`Session::resume`]).
    pub(super) resume: Option<super::cache::BuildCache>,
}

/// Times the named steps of a rebuild.
struct Stages {
    lap: Instant,
    done: Vec<(&'static str, Duration)>,
}

impl Stages {
    fn new() -> Self {
        Self { lap: Instant::now(), done: Vec::new() }
    }

    fn end(&mut self, name: &'static str) {
        self.done.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }
}

impl Session {
    /// A session for the site `options` describes, writing to `target`; nothing is read
    /// until [`Session::rebuild`].
    pub fn new(options: BuildOptions, target: Target) -> Self {
        Self {
            options,
            target,
            settings: None,
            templates: None,
            template_problems: Diagnostics::default(),
            posts: BTreeMap::new(),
            site_pages: Vec::new(),
            page_problems: Diagnostics::default(),
            scan_problems: Diagnostics::default(),
            pages: HashMap::default(),
            statics: BTreeSet::new(),
            full_render_due: true,
            remember_pages: true,
            defer: false,
            last: None,
            deferred: Vec::new(),
            resume: None,
        }
    }

    /// Starts from what an earlier build wrote into the output (its pages' fingerprints and
    /// static files, still valid for these options): the first rebuild then renders only the
    /// pages whose fingerprint changed and updates the output in place.
    pub fn resume(&mut self, cache: super::cache::BuildCache) {
        self.resume = Some(cache);
    }

    /// Each page's fingerprint and the static files of the output, as last written.
    pub fn written(&self) -> (&HashMap<String, u64>, &BTreeSet<String>) {
        (&self.pages, &self.statics)
    }

    /// A session for one rebuild only (`build`, `check`): it keeps no fingerprints, so a
    /// second rebuild renders everything again.
    pub fn once(options: BuildOptions, target: Target) -> Self {
        Self { remember_pages: false, ..Self::new(options, target) }
    }

    /// With `on`, an incremental rebuild renders the pages that list very many posts (the
    /// portfolio, search index, sitemap, the biggest term pages) only when [`Session::finish`]
    /// is called, so the edited page can be served first. Off by default: then
    /// [`Session::rebuild`] does both steps.
    pub fn defer_long_lists(&mut self, on: bool) {
        self.defer = on;
    }

    /// The output folder, if the session writes one.
    pub fn output(&self) -> Option<&Path> {
        match &self.target {
            Target::Folder(output) => Some(output),
            Target::Nowhere => None,
        }
    }

    /// The build options.
    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Brings the output up to date with `changed`, in named steps: read, check, render and
    /// write, check links. On error nothing in the output changes, and every error of every
    /// file is returned with the warnings, not only those of the files just changed.
    pub fn rebuild(&mut self, changed: &Changed) -> Result<Rebuilt, Diagnostics> {
        let started = Instant::now();
        let mut stages = Stages::new();
        let everything = self.read(changed)?;
        stages.end("read site.yaml, templates and posts");
        let (site, mut warnings) = self.checked()?;
        stages.end("assemble and check the site");
        let (posts, left_out) = (site.posts.len(), site.left_out);
        let written = self.write(site, changed)?;
        stages.end("render and write pages, copy static files");
        warnings.extend(match &written.produced {
            Some(produced) => self.broken_links(&|path| produced.contains(path)),
            None => self.broken_links(&|path| self.pages.contains_key(path) || self.statics.contains(path)),
        });
        stages.end("check links between pages");
        let mut rebuilt = Rebuilt {
            everything,
            posts,
            left_out,
            files: written.files,
            pages_rendered: written.pages_rendered,
            changes: written.changes,
            elapsed: Duration::ZERO,
            warnings,
            deferred: self.deferred.len(),
            stages: Vec::new(),
        };
        if !self.defer
            && let Some(finished) = self.finish()?
        {
            rebuilt.pages_rendered += finished.pages_rendered;
            rebuilt.changes.written += finished.changes.written;
            rebuilt.changes.unchanged += finished.changes.unchanged;
            rebuilt.deferred = 0;
            stages.end("render and write pages listing many posts");
        }
        rebuilt.elapsed = started.elapsed();
        rebuilt.stages = stages.done;
        Ok(rebuilt)
    }

    /// Reads what changed and assembles the site model, without rendering: for commands that
    /// show the model. Returns it with every warning, or every error.
    pub fn model(&mut self, changed: &Changed) -> Result<(Site, Diagnostics), Diagnostics> {
        self.read(changed)?;
        self.checked()
    }

    /// The site model of the posts read, and every warning; or every error and warning:
    /// problems of the scan, the templates and each post, duplicate slugs, and the date
    /// checks of every post read (drafts and future posts included).
    fn checked(&self) -> Result<(Site, Diagnostics), Diagnostics> {
        let Some(settings) = &self.settings else { return Err(self.template_problems.clone()) };
        let mut found = self.scan_problems.clone();
        found.extend_shared(&self.template_problems);
        found.extend_shared(&self.page_problems);
        let mut posts: Vec<Arc<Post>> = Vec::with_capacity(self.posts.len());
        for entry in self.posts.values() {
            found.extend_shared(&entry.diagnostics);
            posts.extend(entry.post.clone());
        }
        found.extend(posts.iter().filter_map(|post| crate::lint::dates(post, self.options.now)));
        let included: Vec<Arc<Post>> = posts.iter().filter(|p| !p.draft).cloned().collect();
        found.extend(crate::lint::statement(&included, &settings.config));
        let stale_after = settings.config.actions.stale_after_months;
        found.extend(posts.iter().flat_map(|post| crate::lint::stale_actions(post, self.options.now, stale_after)));
        match settings.assemble(posts, self.site_pages.clone(), &self.options) {
            Ok(site) if !found.has_errors() => Ok((site, found)),
            Ok(_) => Err(found),
            Err(more) => {
                found.extend(more);
                Err(found)
            }
        }
    }

    /// Links in the included posts to pages and files the output does not hold.
    fn broken_links(&self, produced: &dyn Fn(&str) -> bool) -> Diagnostics {
        let Some((site, _)) = &self.last else { return Diagnostics::default() };
        let included: HashSet<usize> = site.posts.iter().map(address).collect();
        let mut warnings = Diagnostics::default();
        for entry in self.posts.values() {
            let Some(post) = entry.post.as_ref().filter(|post| included.contains(&address(post))) else { continue };
            let broken: Vec<_> = entry.links.iter().filter_map(|link| link.check(produced)).collect();
            warnings.extend(crate::lint::capped(broken, post));
        }
        warnings
    }
}

/// A post's identity while its `Arc` lives: entries hold every post they hand out, so an
/// address is never reused for another post during a rebuild.
pub(super) fn address(post: &Arc<Post>) -> usize {
    Arc::as_ptr(post) as usize
}
