//! Rendering: every page of the output (CONTRACT §4) from the site model through the Tera
//! templates. Each page is an independent job, so pages can be rendered in parallel and written
//! as they are made; list pages carry only post summaries, never rendered bodies.
//!
//! This module produces bytes; writing them is [`crate::output`]'s job.

mod actions;
pub mod context;
pub mod page;
pub mod portfolio;
pub mod portfolio_evidence;
pub mod search;
pub mod sitemap;
pub mod templates;
mod values;

use std::hash::Hash;
use std::sync::Arc;

use tera::{Context, Value};

use crate::content::Post;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::markdown::Markdown;
use crate::route::Route;
use crate::site::Site;
use context::*;
use page::{Listing, PageContext, Shared, Values};
pub use templates::Templates;

/// Entries in the site feed and each Thing feed.
pub const FEED_LIMIT: usize = 20;

/// One output file to make, by index into the site model: cheap to list and copy. Its
/// [`Route`] says where it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Home page n (1-based).
    Home(usize),
    /// A post, by index into `Site::posts`.
    Post(usize),
    /// The overview of the programme's Things.
    Things,
    /// Page p (1-based) of the posts on Thing N.
    Thing(u32, usize),
    /// The feed of Thing N.
    ThingFeed(u32),
    /// The overview of networks.
    Networks,
    /// Page p of a network's posts, by index into `Site::by_network`.
    Network(usize, usize),
    /// The overview of tags.
    Tags,
    /// Page p of a tag's posts, by index into `Site::by_tag`.
    Tag(usize, usize),
    /// The feed of a network, by index into `Site::by_network`.
    NetworkFeed(usize),
    /// The feed of a tag, by index into `Site::by_tag`.
    TagFeed(usize),
    /// The site's feed.
    Feed,
    /// The list of pages for search engines.
    Sitemap,
    /// The page a missing address shows.
    NotFound,
    /// Every reflection by Thing, for a CPD portfolio.
    Portfolio,
    /// The search box.
    Search,
    /// What the search box reads first: which word files exist, and where to jump.
    SearchMeta,
    /// The words of the search index beginning with two letters (a [`search::key_of`] number).
    SearchWords(usize),
    /// What a search result shows of document N (posts oldest first, then pages).
    SearchDoc(usize),
    /// A standalone page, by index into `Site::pages`.
    Standalone(usize),
    /// An old address sending readers on, by index into `Site::redirects`.
    Redirect(usize),
}

/// What every page needs of one post, made once per post: its list view, that view as a
/// template value (list pages share it by reference count), and hashes of what the post's
/// pages are made from. A live preview keeps these for the posts that did not change.
#[derive(Debug)]
pub struct Prepared {
    /// The list view.
    pub summary: PostSummary,
    /// `summary` as a template value.
    pub value: Value,
    /// Hash of `summary`: list pages change only when this does.
    pub summary_hash: u64,
    /// Hash of the whole post: its own page changes only when this does.
    pub post_hash: u64,
    /// The body as HTML with absolute links, for feeds: made the first time a feed needs it
    /// (a post is in several feeds), kept while the post is unchanged.
    pub feed_content: std::sync::OnceLock<String>,
    /// The post's words in the search index (its text is made again when its search file is).
    pub search: search::DocWords,
}

impl Prepared {
    /// Prepares `post` for rendering in `site`. Depends only on the post and the site's
    /// configuration, never on other posts.
    pub fn new(site: &Site, post: &Post) -> Self {
        let summary = PostSummary::new(site, post);
        let value = Value::from_serializable(&summary);
        let summary_hash = hash_of(&summary);
        let post_hash = hash_of(&(post, summary_hash));
        let terms: Vec<&str> = (summary.things.iter().map(|t| t.label.as_str()))
            .chain(summary.networks.iter().map(|t| t.name.as_str()))
            .chain(summary.tags.iter().map(|t| t.name.as_str()))
            .collect();
        let search = search::doc_words(&summary.title, &terms, &post.plain);
        Self { summary, value, summary_hash, post_hash, feed_content: std::sync::OnceLock::new(), search }
    }
}

fn hash_of(value: &impl Hash) -> u64 {
    // Fixed seeds: a fingerprint is compared only with one of the same process, and
    // must not vary between two hashes of one value.
    ahash::RandomState::with_seeds(0x63, 0x70, 0x64, 0x23).hash_one(value)
}

/// How many times its text a post's page may be (plus the theme's share, [`PAGE_ALLOWANCE`]):
/// Markdown and highlighting make pages a few times their source, never dozens.
pub const PAGE_GROWTH: usize = 32;

/// What a page may hold besides its post: the theme, navigation and lists.
pub const PAGE_ALLOWANCE: usize = 4 * 1024 * 1024;

/// A post whose page would be far larger than its text (a construct that multiplies) is an
/// error naming the post, not a page of hundreds of megabytes.
fn check_page_size(post: &Post, bytes: usize) -> Result<(), Diagnostic> {
    let text = post.body.len() + post.title.len() + comments_size(&post.comments);
    if bytes <= PAGE_GROWTH * text + PAGE_ALLOWANCE {
        return Ok(());
    }
    Err(Diagnostic::error(format!(
        "this post would make a page of {} MiB from {} KiB of text",
        bytes / (1024 * 1024),
        text / 1024
    ))
    .in_file(&post.source)
    .with_hint("look for something repeated many times (a long code block, a huge table) and shorten it"))
}

fn comments_size(comments: &[crate::content::Comment]) -> usize {
    comments.iter().map(|c| c.body.len() + c.author.len() + comments_size(&c.replies)).sum()
}

/// Renders pages of one site.
pub struct Renderer<'a> {
    site: &'a Site,
    templates: &'a Templates,
    markdown: Markdown,
    prepared: Vec<Arc<Prepared>>,
    /// Each standalone page's words in the search index, and its text.
    page_search: Vec<(search::DocWords, String)>,
    /// Which word files the search index has, and a hash of every document's words.
    corpus: search::Corpus,
}

impl<'a> Renderer<'a> {
    /// Prepares the per-post summaries every list page shares.
    pub fn new(site: &'a Site, templates: &'a Templates) -> Self {
        use rayon::prelude::*;
        let prepared = site.posts.par_iter().map(|p| Arc::new(Prepared::new(site, p))).collect();
        Self::with_prepared(site, templates, prepared)
    }

    /// A renderer reusing posts prepared earlier: `prepared[i]` must be
    /// `Prepared::new(site, &site.posts[i])`.
    pub fn with_prepared(site: &'a Site, templates: &'a Templates, prepared: Vec<Arc<Prepared>>) -> Self {
        assert_eq!(prepared.len(), site.posts.len(), "one prepared entry per post");
        let markdown = Markdown::new(&site.base.path).with_raw_html(site.config.raw_html);
        let page_search: Vec<(search::DocWords, String)> = (site.pages.iter())
            .map(|page| {
                let body = crate::markdown::plain_text(&page.body);
                (search::doc_words(&page.title, &[], &body), search::limited(&body.text).to_string())
            })
            .collect();
        let docs = prepared.iter().rev().map(|p| &p.search).chain(page_search.iter().map(|(words, _)| words));
        let corpus = search::Corpus::new(docs);
        Self { site, templates, markdown, prepared, page_search, corpus }
    }

    /// The site being rendered.
    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// A hash of everything page `page` is made from: its typed context. Configuration and
    /// templates are not in it (a change to those renders every page). Two renderings of
    /// pages with equal fingerprints give equal bytes, so a live preview renders only pages
    /// whose fingerprint changed.
    pub fn fingerprint(&self, page: Page) -> u64 {
        hash_of(&self.context(page))
    }

    /// Renders one page to bytes, from the same context its fingerprint hashes.
    pub fn render(&self, page: Page) -> Result<Vec<u8>, Diagnostic> {
        let context = self.context(page);
        if let Some(bytes) = self.search_file(&context.values) {
            return Ok(bytes);
        }
        let described = match page {
            Page::Post(i) => display_path(&self.site.posts[i].source),
            Page::Standalone(i) => display_path(&self.site.pages[i].source),
            _ => context.route.file(),
        };
        let mut out = Vec::with_capacity(16 * 1024);
        let values = context.to_tera(&self.markdown, &self.site.config);
        self.templates.render_to(context.template, &values, &described, &mut out)?;
        if let Page::Post(i) = page {
            check_page_size(&self.site.posts[i], out.len())?;
        }
        if context.template.ends_with(".xml") {
            // Feeds and the sitemap must stay XML whatever a post holds (lint warns at the place).
            if let Ok(text) = std::str::from_utf8(&out)
                && let std::borrow::Cow::Owned(safe) = crate::text::xml_safe(text)
            {
                out = safe.into_bytes();
            }
        }
        Ok(out)
    }

    /// True for pages that list very many posts (the portfolio, the search index, the
    /// sitemap), for feeds (whole posts) and for the later pages of a list (a new post moves
    /// every one of them along, and the reader starts at page 1): a live preview renders them
    /// after the others, so the page being edited is served first.
    pub fn lists_many(&self, page: Page) -> bool {
        const MANY: usize = 500;
        let site = self.site;
        match page {
            // Feeds carry whole posts and nobody reads them in the preview's browser tab.
            Page::Portfolio | Page::Sitemap => true,
            // The index changes with every word written; the preview's reader is not searching.
            Page::SearchMeta | Page::SearchWords(_) | Page::SearchDoc(_) => true,
            Page::Feed | Page::ThingFeed(_) | Page::NetworkFeed(_) | Page::TagFeed(_) => true,
            Page::Home(n) => n > 1,
            Page::Thing(_, p) | Page::Network(_, p) | Page::Tag(_, p) => p > 1 || site.config.paginate_terms > MANY,
            _ => false,
        }
    }

    /// The values every template sees, to install once with [`Templates::set_globals`].
    pub fn globals(site: &Site) -> Context {
        let mut globals = Context::new();
        globals.insert("site", &SiteContext::new(site));
        globals
    }

    /// Every page of the site, in a stable order.
    pub fn pages(&self) -> Vec<Page> {
        let site = self.site;
        let mut pages = Vec::with_capacity(site.posts.len() + 64);
        // The pages that list every post first, so that in a parallel build they run beside
        // the many small ones instead of alone at the end.
        pages.extend([Page::Portfolio, Page::Sitemap, Page::SearchMeta]);
        pages.extend(self.corpus.keys.iter().map(Page::SearchWords));
        pages.extend((1..=self.home_page_count()).map(Page::Home));
        pages.extend((0..site.posts.len()).map(Page::Post));
        pages.push(Page::Things);
        let term_pages = |posts: usize| 1..=self.term_page_count(posts);
        for (number, _) in site.programme.things() {
            pages.extend(term_pages(site.thing_posts(number).len()).map(|p| Page::Thing(number, p)));
            pages.push(Page::ThingFeed(number));
        }
        pages.push(Page::Networks);
        for (i, group) in site.by_network.iter().enumerate() {
            pages.extend(term_pages(group.posts.len()).map(|p| Page::Network(i, p)));
            pages.push(Page::NetworkFeed(i));
        }
        pages.push(Page::Tags);
        for (i, group) in site.by_tag.iter().enumerate() {
            pages.extend(term_pages(group.posts.len()).map(|p| Page::Tag(i, p)));
            pages.push(Page::TagFeed(i));
        }
        pages.extend([Page::Feed, Page::NotFound, Page::Search]);
        pages.extend((0..site.pages.len()).map(Page::Standalone));
        pages.extend((0..site.redirects.len()).map(Page::Redirect));
        pages.extend((0..self.search_doc_count()).map(Page::SearchDoc));
        pages
    }

    /// Old addresses that would overwrite a page of the site: errors naming the file that
    /// declares them.
    pub fn alias_clashes(&self, pages: &[Page]) -> Diagnostics {
        use rayon::prelude::*;
        // Every save in a live preview asks: most blogs have no old addresses, and the pages'
        // paths are made only to be looked up among the few old ones.
        if self.site.redirects.is_empty() {
            return Diagnostics::default();
        }
        let old: std::collections::HashSet<String> = self.site.redirects.iter().map(|r| r.from.file()).collect();
        let taken: std::collections::HashSet<String> = (pages.par_iter())
            .filter(|p| !matches!(p, Page::Redirect(_)))
            .map(|&p| self.output_path(p))
            .filter(|path| old.contains(path))
            .collect();
        self.site
            .redirects
            .iter()
            .filter(|r| taken.contains(&r.from.file()))
            .map(|r| {
                Diagnostic::error(format!("the old address /{} is a page of this site", r.from.address()))
                    .in_file(&r.source)
                    .with_hint("remove the alias: the page there would be replaced by a redirect")
            })
            .collect()
    }

    fn home_page_count(&self) -> usize {
        page_count(self.site.posts.len(), self.site.config.paginate)
    }

    /// Pages of a Thing's, network's or tag's list of `posts` posts (one, even when empty).
    pub(crate) fn term_page_count(&self, posts: usize) -> usize {
        page_count(posts, self.site.config.paginate_terms)
    }

    /// Where a page goes.
    pub fn route(&self, page: Page) -> Route {
        let site = self.site;
        match page {
            Page::Home(n) => Route::Home(n),
            Page::Post(i) => Route::Post(site.posts[i].slug.clone()),
            Page::Things => Route::Things,
            Page::Thing(n, p) => Route::Thing(n).page(p),
            Page::ThingFeed(n) => Route::ThingFeed(n),
            Page::Networks => Route::Networks,
            Page::Network(i, p) => Route::Network(site.by_network[i].term.slug.clone()).page(p),
            Page::Tags => Route::Tags,
            Page::Tag(i, p) => Route::Tag(site.by_tag[i].term.slug.clone()).page(p),
            Page::NetworkFeed(i) => Route::NetworkFeed(site.by_network[i].term.slug.clone()),
            Page::TagFeed(i) => Route::TagFeed(site.by_tag[i].term.slug.clone()),
            Page::Feed => Route::Feed,
            Page::Sitemap => Route::Sitemap,
            Page::NotFound => Route::NotFound,
            Page::Portfolio => Route::Portfolio,
            Page::Search => Route::Search,
            Page::SearchMeta => Route::SearchMeta,
            Page::SearchWords(key) => Route::SearchWords(search::key_name(key)),
            Page::SearchDoc(n) => Route::SearchDoc(n),
            Page::Standalone(i) => Route::Page(site.pages[i].slug.clone()),
            Page::Redirect(i) => site.redirects[i].from.clone(),
        }
    }

    /// The output path of a page, relative to the output folder.
    pub fn output_path(&self, page: Page) -> String {
        self.route(page).file()
    }

    /// Everything page `page` is made from.
    pub fn context(&self, page: Page) -> PageContext<'_> {
        let (template, section, values) = match page {
            Page::Home(n) => ("index.html", "home", self.home(n)),
            Page::Post(i) => ("post.html", "post", self.post(i)),
            Page::Things => ("things.html", "things", self.things()),
            Page::Thing(n, p) => ("thing.html", "thing", self.thing(n, p)),
            Page::ThingFeed(n) => ("atom.xml", "feed", self.thing_feed(n)),
            Page::Networks => ("networks.html", "networks", Values::Networks { networks: self.networks() }),
            Page::Network(i, p) => ("network.html", "network", self.network(i, p)),
            Page::Tags => ("tags.html", "tags", Values::Tags { tags: self.tags() }),
            Page::Tag(i, p) => ("tag.html", "tag", self.tag(i, p)),
            Page::NetworkFeed(i) => ("atom.xml", "feed", self.term_feed(&self.site.by_network[i], "Network")),
            Page::TagFeed(i) => ("atom.xml", "feed", self.term_feed(&self.site.by_tag[i], "Tag")),
            Page::Feed => ("atom.xml", "feed", self.site_feed()),
            Page::Sitemap => ("sitemap.xml", "sitemap", Values::Sitemap(sitemap::Inputs::of(self.site))),
            Page::NotFound => ("404.html", "404", Values::NotFound),
            Page::Portfolio => ("portfolio.html", "portfolio", Values::Portfolio(self.portfolio())),
            Page::Search => {
                let search_index_url = Route::SearchMeta.url(&self.site.base);
                ("search.html", "search", Values::Search { search_index_url })
            }
            Page::SearchMeta => ("", "search", Values::SearchMeta(self.search_meta())),
            Page::SearchWords(key) => ("", "search", Values::SearchWords { key, sources: self.corpus.hash_of(key) }),
            Page::SearchDoc(n) => ("", "search", Values::SearchDoc(self.search_doc(n))),
            Page::Standalone(i) => ("page.html", "page", Values::Standalone { page: &self.site.pages[i] }),
            Page::Redirect(i) => ("redirect.html", "redirect", Values::Redirect { redirect: &self.site.redirects[i] }),
        };
        PageContext { route: self.route(page), template, section, values }
    }

    fn listing(&self, indexes: impl IntoIterator<Item = usize>) -> Listing<'_> {
        Listing(indexes.into_iter().map(|i| Shared(&self.prepared[i])).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_far_larger_than_its_post_is_an_error_naming_it() {
        let config = crate::config::SiteConfig::parse("title: T\nbase_url: https://x.org/\n").unwrap();
        let programme = crate::programme::Programme::from_config(&config);
        let networks = crate::programme::NetworkRegistry::from_config(&config).unwrap();
        let context =
            crate::content::PostContext { programme: &programme, networks: &networks, frameworks: &config.frameworks };
        let text = format!("---\ntitle: T\ndate: 2011-01-01\n---\n{}", "word ".repeat(2_000));
        let post = Post::from_source(std::path::Path::new("posts/x.md"), &text, &context).unwrap();
        assert!(check_page_size(&post, 4 * 1024 * 1024 + 100_000).is_ok(), "a theme's worth over the text is fine");
        let err = check_page_size(&post, 300 * 1024 * 1024).unwrap_err().to_string();
        assert!(
            err.starts_with("posts/x.md: error: this post would make a page of 300 MiB from 9 KiB of text"),
            "{err}"
        );
    }
}
