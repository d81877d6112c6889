//! Writing what the readers found into a staging folder: each post or page at a path made of
//! checked parts, with the frontmatter cpdblog writes and the CPD smarts added; moved into
//! the site by [`super::import`] once the whole export was read.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{ImportReport, ImportedPost, detect_networks, detect_things};
use crate::content::PostDate;
use crate::content::WrittenPage;
use crate::content::frontmatter::{ThingNumbers, Thread, Written};
use crate::diagnostic::display_path;
use crate::layout::{PAGES_DIR, POSTS_DIR};
use crate::programme::{NetworkRegistry, Programme};
use crate::route::{Route, SECTIONS};
use crate::text::{MAX_SLUG, slugify};

pub(super) struct Writer<'a> {
    pub(super) programme: &'a Programme,
    pub(super) networks: &'a NetworkRegistry,
    pub(super) staging: &'a Path,
    /// Slugs taken, and by which file.
    pub(super) slugs: HashMap<String, PathBuf>,
    /// Relative paths staged, and whether each is a draft.
    pub(super) staged: Vec<(PathBuf, bool)>,
    /// The same paths, to look up.
    pub(super) staged_paths: HashSet<PathBuf>,
    /// Old addresses kept so far (as output paths): each goes to one post or page only.
    pub(super) old_addresses: HashSet<String>,
    pub(super) report: ImportReport,
}

impl Writer<'_> {
    /// Adds the CPD smarts and writes the post into the staging folder.
    pub(super) fn stage(&mut self, mut post: ImportedPost) -> Result<(), String> {
        if post.title.trim().is_empty() {
            post.title = "Untitled".into();
        }
        if let Some(order) = post.page {
            return self.stage_page(post, order);
        }
        let mut slug = slugify(&post.slug);
        if slug.is_empty() {
            slug = slugify(&post.title);
        }
        if slug.is_empty() {
            slug = "post".into();
        }
        // A post the old blog never dated (a draft: `0000-00-00`, or nothing) becomes a draft
        // of today, said in the summary; any other date that is not one is an error.
        if is_undated(&post.date) {
            post.date = chrono::Local::now().format("%Y-%m-%d").to_string();
            post.draft = true;
            self.report.undated += 1;
        }
        // The file's path is made of checked parts only: a parsed date and a slug.
        let date = PostDate::parse(&post.date)
            .map_err(|why| format!("the post `{}` has an invalid date: {why}", post.title.trim()))?;
        let day = date.day().format("%Y-%m-%d").to_string();
        let mut slug = shorten_slug(&slug);
        let file_for = |slug: &str| Path::new(POSTS_DIR).join(&day[..4]).join(format!("{day}-{slug}.md"));
        let base = slug.clone();
        let mut n = 2;
        // A slug taken by another file gets a number; the same file is this post imported before.
        while self.staged_paths.contains(&file_for(&slug))
            || self.slugs.get(&slug).is_some_and(|taken| *taken != file_for(&slug))
        {
            slug = format!("{base}-{n}");
            n += 1;
        }
        let relative = file_for(&slug);
        if !relative.components().all(|c| matches!(c, std::path::Component::Normal(_))) {
            return Err(format!("refusing to write {} outside posts/", display_path(&relative)));
        }
        self.slugs.insert(slug.clone(), relative.clone());
        self.staged_paths.insert(relative.clone());
        let things = detect_things(&post, self.programme);
        let networks = detect_networks(&post, self.networks);
        self.report.comments_kept += post.comments.iter().map(Thread::count).sum::<usize>();
        let frontmatter = Written {
            title: post.title,
            date: post.date,
            thing: ThingNumbers::of(things),
            networks,
            tags: (!post.tags.is_empty()).then_some(post.tags),
            draft: post.draft,
            model: None,
            // Only an old address that can be a redirect page here (`?p=123` cannot).
            aliases: self.old_addresses(post.old_url),
            comments: post.comments,
        };
        let text = frontmatter.to_file(&format!("{}\n", post.body))?;
        self.write_staged(relative, &text, frontmatter.draft)
    }

    /// Writes one file into the staging folder, to move into the site when all is read.
    fn write_staged(&mut self, relative: PathBuf, text: &str, draft: bool) -> Result<(), String> {
        let path = self.staging.join(&relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        self.staged.push((relative, draft));
        Ok(())
    }
}

impl Writer<'_> {
    /// Writes a standalone page into the staging folder's pages/, in the menu when it is
    /// published (WordPress lists its pages in the menu by their order).
    fn stage_page(&mut self, post: ImportedPost, order: i64) -> Result<(), String> {
        let mut slug = shorten_slug(&slugify(&post.slug));
        if slug.is_empty() {
            slug = shorten_slug(&slugify(&post.title));
        }
        if slug.is_empty() || SECTIONS.contains(&slug.as_str()) {
            slug = format!("{}-page", if slug.is_empty() { "untitled" } else { &slug });
        }
        let file_for = |slug: &str| Path::new(PAGES_DIR).join(format!("{slug}.md"));
        let base = slug.clone();
        let mut n = 2;
        while self.staged_paths.contains(&file_for(&slug)) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        let relative = file_for(&slug);
        self.staged_paths.insert(relative.clone());
        let dropped = post.comments.iter().map(Thread::count).sum::<usize>();
        if dropped > 0 {
            *self.report.comments_dropped.entry("on a page".into()).or_default() += dropped;
        }
        let page = WrittenPage {
            title: post.title,
            menu: (!post.draft).then_some(order),
            draft: post.draft,
            // An old address that can be a redirect page here, and is not the page's new one.
            aliases: post
                .old_url
                .into_iter()
                .filter(|url| Route::alias(url).is_ok_and(|old| old.file() != Route::Page(slug.clone()).file()))
                .flat_map(|url| self.old_addresses(Some(url)))
                .collect(),
        };
        let text = page.to_file(&format!("{}\n", post.body))?;
        self.write_staged(relative, &text, page.draft)
    }
}

impl Writer<'_> {
    /// The old address to keep as an alias: one that can be a redirect page here (`?p=123`
    /// cannot), and is not an address the new site uses itself (`/tags/`, `/search/`: a
    /// WordPress post may have been called that), which is counted instead.
    fn old_addresses(&mut self, old_url: Option<String>) -> Vec<String> {
        let Some(url) = old_url else { return Vec::new() };
        let Ok(route) = Route::alias(&url) else { return Vec::new() };
        let address = route.address();
        let first = address.split('/').next().unwrap_or_default();
        let ours = ["atom.xml", "sitemap.xml", "404.html", "search.js", "index.html", "style.css"];
        if SECTIONS.contains(&first) || ours.contains(&first) || !self.old_addresses.insert(route.file()) {
            self.report.addresses_taken += 1;
            return Vec::new();
        }
        vec![url]
    }
}

/// True for the dates exports give posts that never had one.
fn is_undated(date: &str) -> bool {
    let date = date.trim();
    date.is_empty() || date.starts_with("0000-00-00")
}

/// A slug short enough for a file name on every system: at most [`MAX_SLUG`] bytes, cut at
/// a dash where it can be.
fn shorten_slug(slug: &str) -> String {
    if slug.len() <= MAX_SLUG {
        return slug.to_string();
    }
    let cut = &slug[..MAX_SLUG];
    cut.rsplit_once('-').map_or(cut, |(head, _)| head).trim_end_matches('-').to_string()
}
