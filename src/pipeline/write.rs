//! The writing half of a [`Session`]: render the pages (all of them, or those whose
//! fingerprint changed), copy the static files, and bring the output up to date; nothing is
//! written unless every page rendered.

use std::collections::BTreeSet;

type HashMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;
type HashSet<T> = std::collections::HashSet<T, ahash::RandomState>;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use super::session::{Finished, Session, Target, address};
use super::{Changed, copy_static};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::{Changes, Collected, Discard, MARKER, Sink, Staging, update_in_place};
use crate::render::{Page, Prepared, Renderer, Templates};
use crate::site::Site;

/// What a write did.
pub(super) struct Written {
    /// Every file the output holds now (pages and static files), when the session does not
    /// remember them itself (in its page fingerprints and static files).
    pub produced: Option<HashSet<String>>,
    /// How many files that is.
    pub files: usize,
    /// Pages rendered.
    pub pages_rendered: usize,
    /// What changed in the output.
    pub changes: Changes,
}

/// Renders `pages` in parallel into `sink`. Returns every rendering or writing error.
pub fn render_pages(renderer: &Renderer<'_>, pages: &[Page], sink: &dyn Sink) -> Result<(), Diagnostics> {
    let errors: Vec<Diagnostic> = pages
        .par_iter()
        .filter_map(|&page| {
            let path = renderer.output_path(page);
            let bytes = match renderer.render(page) {
                Ok(bytes) => bytes,
                Err(d) => return Some(d),
            };
            sink.write(&path, &bytes).err().map(|e| Diagnostic::io(format!("cannot write {path}: {e}")))
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(errors.into_iter().collect()) }
}

impl Session {
    /// Renders `site` and brings the target up to date with it.
    pub(super) fn write(&mut self, site: Site, changed: &Changed) -> Result<Written, Diagnostics> {
        // An earlier build's output, still valid: only what changed since is written.
        let resumed = self.resume.take().map(|cache| {
            self.pages = cache.pages;
            self.statics = cache.statics;
            self.full_render_due = false;
        });
        if let Target::Folder(output) = &self.target {
            // The output was deleted or emptied behind our back: write it all again.
            self.full_render_due |= !output.join(MARKER).is_file();
        }
        let prepared = self.prepare(&site);
        let mut templates = self.templates.take().expect("checked: the templates loaded");
        if self.full_render_due || resumed.is_some() {
            templates.set_globals(Renderer::globals(&site));
        }
        let written = self.render_and_write(&site, &templates, prepared.clone(), changed, resumed.is_some());
        self.templates = Some(templates);
        if written.is_ok() {
            self.last = Some((site, prepared));
        }
        written
    }

    fn render_and_write(
        &mut self,
        site: &Site,
        templates: &Templates,
        prepared: Vec<Arc<Prepared>>,
        changed: &Changed,
        resumed: bool,
    ) -> Result<Written, Diagnostics> {
        let renderer = Renderer::with_prepared(site, templates, prepared);
        let pages = renderer.pages();
        let clashes = renderer.alias_clashes(&pages);
        if clashes.has_errors() {
            return Err(clashes);
        }
        match self.target.clone() {
            Target::Nowhere => {
                render_pages(&renderer, &pages, &Discard)?;
                let statics = copy_static(site, &self.options.site_dir, &Discard)?;
                let produced: HashSet<String> = pages.iter().map(|&p| renderer.output_path(p)).chain(statics).collect();
                let files = produced.len();
                Ok(Written {
                    produced: Some(produced),
                    files,
                    pages_rendered: pages.len(),
                    changes: Changes::default(),
                })
            }
            Target::Folder(output) if self.full_render_due => self.write_all(&renderer, &pages, &output),
            Target::Folder(output) if resumed => self.write_resumed(&renderer, &pages, &output),
            Target::Folder(output) => self.write_changed(&renderer, &pages, &output, changed),
        }
    }

    /// The list view of every post of `site`: kept from the last rebuild for posts that did
    /// not change, found by the post's address (looking 10,000 paths up costs more than the
    /// rest of a rebuild), made for the others.
    fn prepare(&mut self, site: &Site) -> Vec<Arc<Prepared>> {
        let known: HashMap<usize, Arc<Prepared>> =
            self.posts.values().filter_map(|e| Some((address(e.post.as_ref()?), e.prepared.clone()?))).collect();
        let prepared: Vec<Arc<Prepared>> = site
            .posts
            .par_iter()
            .map(|post| known.get(&address(post)).cloned().unwrap_or_else(|| Arc::new(Prepared::new(site, post))))
            .collect();
        if known.len() < site.posts.len() {
            let made: HashMap<usize, &Arc<Prepared>> =
                site.posts.iter().map(address).zip(&prepared).filter(|(p, _)| !known.contains_key(p)).collect();
            for entry in self.posts.values_mut() {
                if let Some(&made) = entry.post.as_ref().and_then(|post| made.get(&address(post))) {
                    entry.prepared = Some(Arc::clone(made));
                }
            }
        }
        prepared
    }

    /// Every page and static file into a staging folder, swapped in at the end.
    fn write_all(&mut self, renderer: &Renderer<'_>, pages: &[Page], output: &Path) -> Result<Written, Diagnostics> {
        let site_dir = &self.options.site_dir;
        let staging = Staging::begin(site_dir, output, self.options.force)?;
        render_pages(renderer, pages, &staging)?;
        let statics: BTreeSet<String> = copy_static(renderer.site(), site_dir, &staging)?.into_iter().collect();
        // A cache of the old output must not outlive it.
        let changes = staging.commit_then(|| super::cache::BuildCache::forget(output)).map_err(|e| {
            Diagnostic::io(format!("cannot move the new site into {}: {e}", output.display()))
                .with_hint("the previous output was left as it was")
        })?;
        let mut produced: HashSet<String> =
            pages.iter().map(|&p| renderer.output_path(p)).chain(statics.iter().cloned()).collect();
        let files = produced.len();
        self.pages = if self.remember_pages {
            pages
                .par_iter()
                .map(|&page| (renderer.output_path(page), renderer.fingerprint(page)))
                .filter(|(path, _)| !statics.contains(path))
                .collect()
        } else {
            HashMap::default()
        };
        self.statics = statics;
        self.full_render_due = !self.remember_pages;
        self.deferred.clear();
        if self.remember_pages {
            produced = HashSet::default();
        }
        let produced = (!self.remember_pages).then_some(produced);
        Ok(Written { produced, files, pages_rendered: pages.len(), changes })
    }

    /// A build over an earlier build's output: only the pages whose fingerprint changed are
    /// rendered, staged and moved in under the journal, like a full build's; the others stay.
    fn write_resumed(
        &mut self,
        renderer: &Renderer<'_>,
        pages: &[Page],
        output: &Path,
    ) -> Result<Written, Diagnostics> {
        let site_dir = &self.options.site_dir;
        let staging = Staging::begin(site_dir, output, self.options.force)?;
        let fingerprints: Vec<(String, u64)> =
            pages.par_iter().map(|&page| (renderer.output_path(page), renderer.fingerprint(page))).collect();
        let dirty: Vec<Page> = (pages.iter().zip(&fingerprints))
            .filter(|(_, (path, fingerprint))| self.pages.get(path) != Some(fingerprint))
            .map(|(&page, _)| page)
            .collect();
        render_pages(renderer, &dirty, &staging)?;
        let statics: BTreeSet<String> = copy_static(renderer.site(), site_dir, &staging)?.into_iter().collect();
        for (path, _) in &fingerprints {
            staging.keep(path);
        }
        let changes = staging.commit_then(|| super::cache::BuildCache::forget(output)).map_err(|e| {
            Diagnostic::io(format!("cannot move the new pages into {}: {e}", output.display()))
                .with_hint("the next build finishes the move")
        })?;
        self.pages = fingerprints.into_iter().filter(|(path, _)| !statics.contains(path)).collect();
        let files = self.pages.len() + statics.len();
        self.statics = statics;
        self.deferred.clear();
        Ok(Written { produced: None, files, pages_rendered: dirty.len(), changes })
    }

    /// Only the pages whose fingerprint changed, written in place; pages listing very many
    /// posts are left for [`Session::finish`] when deferring.
    fn write_changed(
        &mut self,
        renderer: &Renderer<'_>,
        pages: &[Page],
        output: &Path,
        changed: &Changed,
    ) -> Result<Written, Diagnostics> {
        let collected_statics = Collected::default();
        let statics: BTreeSet<String> = if changed.statics {
            copy_static(renderer.site(), &self.options.site_dir, &collected_statics)?.into_iter().collect()
        } else {
            self.statics.clone()
        };
        let fingerprints: Vec<(String, u64)> =
            pages.par_iter().map(|&page| (renderer.output_path(page), renderer.fingerprint(page))).collect();
        let mut dirty: Vec<Page> = Vec::new();
        let mut later: Vec<(Page, String, u64)> = Vec::new();
        for (&page, (path, fingerprint)) in pages.iter().zip(&fingerprints) {
            if statics.contains(path) || self.pages.get(path) == Some(fingerprint) {
                continue;
            }
            if self.defer && renderer.lists_many(page) {
                later.push((page, path.clone(), *fingerprint));
            } else {
                dirty.push(page);
            }
        }
        let collected = Collected::default();
        render_pages(renderer, &dirty, &collected)?;
        let mut files = collected.into_files();
        files.extend(collected_statics.into_files());
        let current: HashSet<&str> =
            fingerprints.iter().map(|(path, _)| path.as_str()).chain(statics.iter().map(String::as_str)).collect();
        let file_count = current.len();
        let stale: BTreeSet<String> =
            self.pages.keys().chain(&self.statics).filter(|p| !current.contains(p.as_str())).cloned().collect();
        let stale: Vec<String> = stale.into_iter().collect();
        drop(current);
        let changes = update_in_place(output, &files, &stale).map_err(|e| cannot_update(output, e))?;
        // Pages left for `finish` keep their old fingerprint until they are written.
        let waiting: HashSet<&str> = later.iter().map(|(_, path, _)| path.as_str()).collect();
        let mut next: HashMap<String, u64> = HashMap::with_capacity_and_hasher(fingerprints.len(), Default::default());
        for (path, fingerprint) in fingerprints {
            if statics.contains(&path) {
                continue;
            }
            let kept = if waiting.contains(path.as_str()) { self.pages.get(&path).copied() } else { Some(fingerprint) };
            if let Some(kept) = kept {
                next.insert(path, kept);
            }
        }
        self.pages = next;
        self.statics = statics;
        self.deferred = later;
        Ok(Written { produced: None, files: file_count, pages_rendered: dirty.len(), changes })
    }

    /// Renders and writes the pages a deferring rebuild left. On error nothing is written and
    /// the next rebuild tries them again.
    pub fn finish(&mut self) -> Result<Option<Finished>, Diagnostics> {
        if self.deferred.is_empty() {
            return Ok(None);
        }
        let started = Instant::now();
        let deferred = std::mem::take(&mut self.deferred);
        let (Some((site, prepared)), Some(templates), Some(output)) =
            (self.last.as_ref(), self.templates.as_ref(), self.output())
        else {
            return Ok(None);
        };
        let renderer = Renderer::with_prepared(site, templates, prepared.clone());
        let pages: Vec<Page> = deferred.iter().map(|(page, ..)| *page).collect();
        let collected = Collected::default();
        render_pages(&renderer, &pages, &collected)?;
        let files = collected.into_files();
        let changes = update_in_place(output, &files, &[]).map_err(|e| cannot_update(output, e))?;
        let urls = pages.iter().map(|&page| renderer.route(page).url(&site.base)).collect();
        for (_, path, fingerprint) in deferred {
            self.pages.insert(path, fingerprint);
        }
        Ok(Some(Finished { pages_rendered: pages.len(), changes, urls, elapsed: started.elapsed() }))
    }
}

fn cannot_update(output: &Path, e: std::io::Error) -> Diagnostics {
    Diagnostics::from(Diagnostic::io(format!("cannot update {}: {e}", output.display())))
}
