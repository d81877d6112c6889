//! The reading half of a [`Session`]: site.yaml, templates and posts, each post read once and
//! kept with its problems, its text lints and its links until its file changes.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use super::session::Session;
use super::{Changed, Settings};
use crate::content::{self, Post};
use crate::diagnostic::Diagnostics;
use crate::lint::{self, Link};
use crate::render::{Prepared, Templates};

/// Modification time and length: enough to tell that a file changed when rescanning.
type Stamp = Option<(SystemTime, u64)>;

fn stamp_of(path: &Path) -> Stamp {
    std::fs::metadata(path).ok().and_then(|m| Some((m.modified().ok()?, m.len())))
}

/// One post file as last read.
#[derive(Debug)]
pub(super) struct Entry {
    stamp: Stamp,
    /// The post, when it is valid.
    pub post: Option<Arc<Post>>,
    /// Its list view, once rendered; kept while the post is unchanged.
    pub prepared: Option<Arc<Prepared>>,
    /// Its errors, or its warnings.
    pub diagnostics: Diagnostics,
    /// Its links into the site, checked after each build.
    pub links: Vec<Link>,
}

impl Entry {
    fn read(site_dir: &Path, relative: &Path, settings: &Settings) -> Self {
        let stamp = stamp_of(&site_dir.join(relative));
        let context = settings.post_context();
        match content::read_post(site_dir, relative, &context) {
            Ok(read) => {
                let checked = lint::post(&read.post, &read.text, &read.marks, &context, &settings.config.base_url);
                Self {
                    stamp,
                    diagnostics: checked.warnings.into_iter().collect(),
                    links: checked.links,
                    post: Some(Arc::new(read.post)),
                    prepared: None,
                }
            }
            Err(problems) => Self {
                stamp,
                post: None,
                prepared: None,
                diagnostics: problems.into_iter().collect(),
                links: Vec::new(),
            },
        }
    }
}

impl Session {
    /// Reads what `changed` says changed (everything on the first call). Fails only when
    /// site.yaml cannot be used; problems in templates and posts are kept for
    /// [`Session::checked`] to report with the rest.
    pub(super) fn read(&mut self, changed: &Changed) -> Result<bool, Diagnostics> {
        let everything = changed.everything || self.settings.is_none();
        if everything {
            self.read_everything()?;
        } else if changed.rescan_posts || !self.scan_problems.is_empty() {
            self.rescan_posts();
        } else {
            for relative in &changed.posts {
                if !self.reread_post(relative) {
                    self.rescan_posts();
                    break;
                }
            }
        }
        Ok(everything)
    }

    /// Reads settings, templates and every post again.
    fn read_everything(&mut self) -> Result<(), Diagnostics> {
        self.settings = None;
        self.templates = None;
        self.full_render_due = true;
        let settings = Settings::load(&self.options)?;
        let site_dir = self.options.site_dir.clone();
        let (files, templates) =
            rayon::join(|| content::find_posts(&site_dir), || Templates::load(&site_dir, &settings.config.theme));
        let files = self.scanned(files);
        self.posts = files.into_par_iter().map(|f| (f.clone(), Entry::read(&site_dir, &f, &settings))).collect();
        self.read_pages();
        match templates {
            Ok(templates) => {
                self.templates = Some(templates);
                self.template_problems = Diagnostics::default();
            }
            Err(problems) => self.template_problems = problems,
        }
        self.settings = Some(settings);
        Ok(())
    }

    /// Reads every standalone page again: there are few, and they shape the menu every page
    /// shows, so a change to one is a change to everything.
    fn read_pages(&mut self) {
        let site_dir = &self.options.site_dir;
        let mut problems = Diagnostics::default();
        let files = content::find_pages(site_dir).unwrap_or_else(|found| {
            problems.extend_shared(&found);
            Vec::new()
        });
        let mut pages = Vec::with_capacity(files.len());
        for file in files {
            match content::read_page(site_dir, &file) {
                Ok(page) => pages.push(Arc::new(page)),
                Err(found) => problems.extend_shared(&found),
            }
        }
        self.site_pages = pages;
        self.page_problems = problems;
    }

    /// The files of a scan of posts/, remembering its problems (and no files) when it failed.
    fn scanned(&mut self, files: Result<Vec<PathBuf>, Diagnostics>) -> Vec<PathBuf> {
        match files {
            Ok(files) => {
                self.scan_problems = Diagnostics::default();
                files
            }
            Err(problems) => {
                self.scan_problems = problems;
                Vec::new()
            }
        }
    }

    /// Reads one post file again, or forgets it when it is gone. False when the path is
    /// something a full rescan must look at (a symlink or a folder).
    fn reread_post(&mut self, relative: &Path) -> bool {
        let Some(settings) = &self.settings else { return false };
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
    fn rescan_posts(&mut self) {
        if self.settings.is_none() {
            return;
        }
        let site_dir = self.options.site_dir.clone();
        let files = content::find_posts(&site_dir);
        let files = self.scanned(files);
        let Some(settings) = &self.settings else { return };
        let mut old = std::mem::take(&mut self.posts);
        for file in files {
            let stamp = stamp_of(&site_dir.join(&file));
            let entry = match old.remove(&file) {
                Some(entry) if entry.stamp.is_some() && entry.stamp == stamp => entry,
                _ => Entry::read(&site_dir, &file, settings),
            };
            self.posts.insert(file, entry);
        }
    }
}
