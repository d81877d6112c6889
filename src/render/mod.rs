//! Rendering: every page of the output (CONTRACT §4) from the site model through the Tera
//! templates. Each page is an independent job, so pages can be rendered in parallel and written
//! as they are made; list pages carry only post summaries, never rendered bodies.
//!
//! This module produces bytes; writing them is [`crate::output`]'s job.

pub mod context;
pub mod templates;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use tera::{Context, Value};

use crate::content::Post;
use crate::diagnostic::{Diagnostic, display_path};
use crate::markdown::Markdown;
use crate::site::Site;
use context::*;
pub use templates::Templates;

/// Entries in the site feed and each Thing feed.
pub const FEED_LIMIT: usize = 20;

/// One output file to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Home page n (1-based).
    Home(usize),
    /// A post, by index into `Site::posts`.
    Post(usize),
    /// `things/index.html`.
    Things,
    /// `things/N/index.html`.
    Thing(u32),
    /// `things/N/atom.xml`.
    ThingFeed(u32),
    /// `networks/index.html`.
    Networks,
    /// A network page, by index into `Site::by_network`.
    Network(usize),
    /// `tags/index.html`.
    Tags,
    /// A tag page, by index into `Site::by_tag`.
    Tag(usize),
    /// `atom.xml`.
    Feed,
    /// `sitemap.xml`.
    Sitemap,
    /// `404.html`.
    NotFound,
    /// `portfolio/index.html`: every reflection by Thing, for a CPD portfolio.
    Portfolio,
    /// `search/index.html`: the search box.
    Search,
    /// `search.json`: what the search box searches.
    SearchIndex,
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
}

impl Prepared {
    /// Prepares `post` for rendering in `site`. Depends only on the post and the site's
    /// configuration, never on other posts.
    pub fn new(site: &Site, post: &Post) -> Self {
        let summary = PostSummary::new(site, post);
        let value = Value::from_serializable(&summary);
        let summary_hash = hash_of(&summary);
        let post_hash = hash_of(&(post, summary_hash));
        Self { summary, value, summary_hash, post_hash }
    }
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Renders pages of one site.
pub struct Renderer<'a> {
    site: &'a Site,
    templates: &'a Templates,
    markdown: Markdown,
    prepared: Vec<Arc<Prepared>>,
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
        Self { site, templates, markdown: Markdown::new(&site.base.path).with_raw_html(site.config.raw_html), prepared }
    }

    /// A hash of everything page `page` is made from, short of the configuration and
    /// templates (a change to those changes every page). Two renderings of pages with equal
    /// fingerprints give equal bytes, so a live preview renders only pages whose fingerprint
    /// changed. Keep it in step with [`Renderer::render`]: every input that reaches a page's
    /// context must reach its fingerprint.
    pub fn fingerprint(&self, page: Page) -> u64 {
        let site = self.site;
        let mut h = DefaultHasher::new();
        let summaries = |h: &mut DefaultHasher, indexes: &mut dyn Iterator<Item = usize>| {
            for i in indexes {
                self.prepared[i].summary_hash.hash(h);
            }
        };
        let term_groups = |h: &mut DefaultHasher, groups: &[crate::site::TermGroup]| {
            for g in groups {
                (&g.term, g.posts.len()).hash(h);
            }
        };
        match page {
            Page::Home(n) => {
                let per_page = site.config.paginate;
                let start = (n - 1) * per_page;
                let end = (start + per_page).min(site.posts.len());
                (0u8, n, self.home_page_count(), site.posts.len()).hash(&mut h);
                summaries(&mut h, &mut (start..end));
            }
            Page::Post(i) => {
                // Previous and next links show the neighbours' titles.
                (1u8, self.prepared[i].post_hash).hash(&mut h);
                let neighbour = |j: Option<usize>| j.and_then(|j| self.prepared.get(j)).map(|p| p.summary_hash);
                (neighbour(i.checked_sub(1)), neighbour(Some(i + 1))).hash(&mut h);
            }
            Page::Things => {
                2u8.hash(&mut h);
                for (n, _) in site.programme.things() {
                    (n, site.thing_posts(n).len()).hash(&mut h);
                }
            }
            Page::Thing(n) => {
                (3u8, n).hash(&mut h);
                summaries(&mut h, &mut site.thing_posts(n).iter().copied());
            }
            Page::ThingFeed(n) => {
                (4u8, n).hash(&mut h);
                summaries(&mut h, &mut site.thing_posts(n).iter().copied().take(FEED_LIMIT));
            }
            Page::Networks => {
                5u8.hash(&mut h);
                term_groups(&mut h, &site.by_network);
            }
            Page::Network(i) => {
                let group = &site.by_network[i];
                (6u8, &group.term).hash(&mut h);
                summaries(&mut h, &mut group.posts.iter().copied());
            }
            Page::Tags => {
                7u8.hash(&mut h);
                term_groups(&mut h, &site.by_tag);
            }
            Page::Tag(i) => {
                let group = &site.by_tag[i];
                (8u8, &group.term).hash(&mut h);
                summaries(&mut h, &mut group.posts.iter().copied());
            }
            Page::Feed => {
                9u8.hash(&mut h);
                summaries(&mut h, &mut (0..site.posts.len().min(FEED_LIMIT)));
            }
            Page::Sitemap => {
                // Only addresses and dates: a summary edit leaves the sitemap alone.
                (10u8, self.home_page_count()).hash(&mut h);
                for post in &site.posts {
                    (&post.slug, &post.date).hash(&mut h);
                }
                for (n, _) in site.programme.things() {
                    site.thing_posts(n).first().hash(&mut h);
                }
                for g in site.by_network.iter().chain(&site.by_tag) {
                    (&g.term, g.posts.first()).hash(&mut h);
                }
            }
            Page::NotFound => 11u8.hash(&mut h),
            Page::Portfolio | Page::SearchIndex => {
                (if page == Page::Portfolio { 12u8 } else { 13u8 }).hash(&mut h);
                summaries(&mut h, &mut (0..site.posts.len()));
                term_groups(&mut h, &site.by_network);
            }
            Page::Search => 14u8.hash(&mut h),
        }
        h.finish()
    }

    /// True for pages that list very many posts (the portfolio, the search index, the
    /// sitemap, a Thing, network or tag named by hundreds of posts): a live preview renders
    /// them after the others, so the page being edited is served first.
    pub fn lists_many(&self, page: Page) -> bool {
        const MANY: usize = 500;
        let site = self.site;
        match page {
            Page::Portfolio | Page::SearchIndex | Page::Sitemap => true,
            Page::Thing(n) => site.thing_posts(n).len() > MANY,
            Page::Network(i) => site.by_network[i].posts.len() > MANY,
            Page::Tag(i) => site.by_tag[i].posts.len() > MANY,
            _ => false,
        }
    }

    fn summary(&self, i: usize) -> &PostSummary {
        &self.prepared[i].summary
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
        pages.extend([Page::Portfolio, Page::SearchIndex, Page::Sitemap]);
        pages.extend((1..=self.home_page_count()).map(Page::Home));
        pages.extend((0..site.posts.len()).map(Page::Post));
        pages.push(Page::Things);
        for (number, _) in site.programme.things() {
            pages.push(Page::Thing(number));
            pages.push(Page::ThingFeed(number));
        }
        pages.push(Page::Networks);
        pages.extend((0..site.by_network.len()).map(Page::Network));
        pages.push(Page::Tags);
        pages.extend((0..site.by_tag.len()).map(Page::Tag));
        pages.extend([Page::Feed, Page::NotFound, Page::Search]);
        pages
    }

    fn home_page_count(&self) -> usize {
        self.site.posts.len().div_ceil(self.site.config.paginate).max(1)
    }

    /// The output path of a page, relative to the output folder.
    pub fn output_path(&self, page: Page) -> String {
        let site = self.site;
        let index = |dir: String| format!("{dir}index.html");
        match page {
            Page::Home(n) => index(home_path(n)),
            Page::Post(i) => index(post_path(&site.posts[i].slug)),
            Page::Things => "things/index.html".into(),
            Page::Thing(n) => index(thing_path(n)),
            Page::ThingFeed(n) => format!("{}atom.xml", thing_path(n)),
            Page::Networks => "networks/index.html".into(),
            Page::Network(i) => index(network_path(&site.by_network[i].term.slug)),
            Page::Tags => "tags/index.html".into(),
            Page::Tag(i) => index(tag_path(&site.by_tag[i].term.slug)),
            Page::Feed => "atom.xml".into(),
            Page::Sitemap => "sitemap.xml".into(),
            Page::NotFound => "404.html".into(),
            Page::Portfolio => "portfolio/index.html".into(),
            Page::Search => "search/index.html".into(),
            Page::SearchIndex => "search.json".into(),
        }
    }

    /// Renders one page to bytes.
    pub fn render(&self, page: Page) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let mut context = Context::new();
        let (template, section, path): (&str, &str, String) = match page {
            Page::Home(n) => {
                let per_page = site.config.paginate;
                let start = (n - 1) * per_page;
                let end = (start + per_page).min(self.prepared.len());
                let total_pages = self.home_page_count();
                context.insert_value("posts", self.pick(&(start..end).collect::<Vec<_>>()));
                context.insert(
                    "paginator",
                    &Paginator {
                        current: n,
                        total_pages,
                        total_posts: self.prepared.len(),
                        prev_url: (n > 1).then(|| site.base.path(&home_path(n - 1))),
                        next_url: (n < total_pages).then(|| site.base.path(&home_path(n + 1))),
                    },
                );
                ("index.html", "home", home_path(n))
            }
            Page::Post(i) => {
                let post = &site.posts[i];
                let summary = self.summary(i);
                let path = post_path(&post.slug);
                let comment_link = site.config.comments.as_ref().map(|c| CommentLink {
                    url: comment_url(&c.url, summary, &site.base.path(&path)),
                    label: c.label.clone(),
                });
                let page = PostPage {
                    summary,
                    content: self.markdown.render_post(&post.body),
                    comments: comment_contexts(&self.markdown, &post.comments, "comment"),
                    comment_link,
                    previous: self.prepared.get(i + 1).map(|p| Neighbour::from(&p.summary)),
                    next: i.checked_sub(1).map(|j| Neighbour::from(self.summary(j))),
                };
                context.insert("post", &page);
                ("post.html", "post", path)
            }
            Page::Things => {
                let things: Vec<ThingEntry> = site
                    .programme
                    .things()
                    .map(|(n, _)| {
                        let count = site.thing_posts(n).len();
                        ThingEntry {
                            thing: thing_ref(site, n),
                            count,
                            done: count > 0,
                            feed_url: site.base.path(&format!("{}atom.xml", thing_path(n))),
                        }
                    })
                    .collect();
                context.insert("things", &things);
                context.insert("things_done", &site.things_done());
                context.insert("things_total", &site.programme.len());
                ("things.html", "things", "things/".into())
            }
            Page::Thing(n) => {
                let entry = ThingEntry {
                    thing: thing_ref(site, n),
                    count: site.thing_posts(n).len(),
                    done: !site.thing_posts(n).is_empty(),
                    feed_url: site.base.path(&format!("{}atom.xml", thing_path(n))),
                };
                context.insert("thing", &entry);
                context.insert_value("posts", self.pick(site.thing_posts(n)));
                ("thing.html", "thing", thing_path(n))
            }
            Page::ThingFeed(n) => {
                let indexes = site.thing_posts(n);
                let feed =
                    self.feed(format!("{}: {}", site.config.title, site.programme.label(n)), &thing_path(n), indexes);
                context.insert("feed", &feed);
                context.insert_value("entries", self.pick(&indexes[..indexes.len().min(FEED_LIMIT)]));
                ("atom.xml", "feed", format!("{}atom.xml", thing_path(n)))
            }
            Page::Networks => {
                let networks: Vec<TermEntry> = site
                    .by_network
                    .iter()
                    .map(|g| {
                        TermEntry::new(
                            site,
                            &g.term,
                            network_path(&g.term.slug),
                            g.posts.len(),
                            self.homepage(&g.term.slug),
                        )
                    })
                    .collect();
                context.insert("networks", &networks);
                ("networks.html", "networks", "networks/".into())
            }
            Page::Network(i) => {
                let group = &site.by_network[i];
                let path = network_path(&group.term.slug);
                context.insert(
                    "network",
                    &TermEntry::new(
                        site,
                        &group.term,
                        path.clone(),
                        group.posts.len(),
                        self.homepage(&group.term.slug),
                    ),
                );
                context.insert_value("posts", self.pick(&group.posts));
                ("network.html", "network", path)
            }
            Page::Tags => {
                let tags: Vec<TermEntry> = site
                    .by_tag
                    .iter()
                    .map(|g| TermEntry::new(site, &g.term, tag_path(&g.term.slug), g.posts.len(), None))
                    .collect();
                context.insert("tags", &tags);
                ("tags.html", "tags", "tags/".into())
            }
            Page::Tag(i) => {
                let group = &site.by_tag[i];
                let path = tag_path(&group.term.slug);
                context.insert("tag", &TermEntry::new(site, &group.term, path.clone(), group.posts.len(), None));
                context.insert_value("posts", self.pick(&group.posts));
                ("tag.html", "tag", path)
            }
            Page::Feed => {
                let all: Vec<usize> = (0..site.posts.len().min(FEED_LIMIT)).collect();
                context.insert("feed", &self.feed(site.config.title.clone(), "", &all));
                context.insert_value("entries", self.pick(&all));
                ("atom.xml", "feed", "atom.xml".into())
            }
            Page::Sitemap => {
                context.insert("entries", &self.sitemap());
                ("sitemap.xml", "sitemap", "sitemap.xml".into())
            }
            Page::NotFound => ("404.html", "404", "404.html".into()),
            Page::Portfolio => {
                context.insert_value("portfolio", self.portfolio());
                ("portfolio.html", "portfolio", "portfolio/".into())
            }
            Page::Search => {
                context.insert("search_index_url", &site.base.path("search.json"));
                ("search.html", "search", "search/".into())
            }
            Page::SearchIndex => return Ok(self.search_index()),
        };
        context.insert("section", section);
        context.insert("page_url", &site.base.path(&path));
        context.insert("permalink", &site.base.absolute(&path));
        let mut out = Vec::with_capacity(16 * 1024);
        let described = match page {
            Page::Post(i) => display_path(&site.posts[i].source),
            _ => self.output_path(page),
        };
        self.templates.render_to(template, &context, &described, &mut out)?;
        Ok(out)
    }

    /// The `portfolio` value. Post lists reuse the shared summary values, so a portfolio of
    /// 10,000 reflections costs no copy of them.
    fn portfolio(&self) -> Value {
        let site = self.site;
        let oldest_first = |indexes: &[usize]| {
            Value::from(indexes.iter().rev().map(|&i| self.prepared[i].value.clone()).collect::<Vec<_>>())
        };
        // One section per Thing with reflections, in programme order, then one for the rest.
        let section = |id: String, title: String, url: Option<String>, posts: &[usize]| {
            let mut section = tera::Map::default();
            section.insert("id".into(), Value::from(id));
            section.insert("title".into(), Value::from(title));
            section.insert("url".into(), Value::from(url));
            section.insert("posts".into(), oldest_first(posts));
            Value::from(section)
        };
        let general: Vec<usize> = (0..site.posts.len()).filter(|&i| site.posts[i].things.is_empty()).collect();
        let mut sections: Vec<Value> = site
            .programme
            .things()
            .filter(|(n, _)| !site.thing_posts(*n).is_empty())
            .map(|(n, _)| {
                let thing = thing_ref(site, n);
                section(format!("thing-{n}"), thing.label, Some(thing.url), site.thing_posts(n))
            })
            .collect();
        if !general.is_empty() {
            sections.push(section("general".into(), "Other reflections".into(), None, &general));
        }
        let mut networks: Vec<TermEntry> = site
            .by_network
            .iter()
            .map(|g| {
                TermEntry::new(site, &g.term, network_path(&g.term.slug), g.posts.len(), self.homepage(&g.term.slug))
            })
            .collect();
        networks.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.term.name.cmp(&b.term.name)));
        let mut portfolio = tera::Map::default();
        portfolio.insert("sections".into(), Value::from(sections));
        portfolio.insert("networks".into(), Value::from_serializable(&networks));
        portfolio.insert("post_count".into(), Value::from(site.posts.len()));
        portfolio.insert("things_done".into(), Value::from(site.things_done()));
        portfolio.insert("things_total".into(), Value::from(site.programme.len()));
        portfolio.insert("first_date".into(), Value::from(site.posts.last().map(|p| p.date.human())));
        portfolio.insert("last_date".into(), Value::from(site.posts.first().map(|p| p.date.human())));
        Value::from(portfolio)
    }

    /// `search.json`: one entry per post, newest first.
    fn search_index(&self) -> Vec<u8> {
        let entries: Vec<SearchEntry<'_>> = self
            .prepared
            .iter()
            .map(|p| {
                let s = &p.summary;
                SearchEntry {
                    title: &s.title,
                    url: &s.url,
                    date: &s.date,
                    things: s.things.iter().map(|t| t.label.as_str()).collect(),
                    networks: s.networks.iter().map(|t| t.name.as_str()).collect(),
                    tags: s.tags.iter().map(|t| t.name.as_str()).collect(),
                    text: &s.summary,
                }
            })
            .collect();
        // `<` escaped so the index can never be read as markup.
        serde_json::to_string(&entries).expect("plain data serialises").replace('<', "\\u003c").into_bytes()
    }

    /// The summaries of these posts, as one template list.
    fn pick(&self, indexes: &[usize]) -> Value {
        Value::from(indexes.iter().map(|&i| self.prepared[i].value.clone()).collect::<Vec<Value>>())
    }

    fn homepage(&self, slug: &str) -> Option<String> {
        self.site.networks.by_slug(slug).and_then(|n| n.homepage.clone())
    }

    fn feed(&self, title: String, alternate: &str, indexes: &[usize]) -> FeedContext {
        let base = &self.site.base;
        FeedContext {
            title,
            id: base.absolute(alternate),
            self_url: base.absolute(&format!("{alternate}atom.xml")),
            alternate_url: base.absolute(alternate),
            updated: indexes
                .first()
                .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |&i| self.summary(i).date_rfc3339.clone()),
        }
    }

    fn sitemap(&self) -> Vec<SitemapEntry> {
        let site = self.site;
        let base = &site.base;
        let newest = site.posts.first().map(|p| p.date.day().format("%Y-%m-%d").to_string());
        let day = |indexes: &[usize]| indexes.first().map(|&i| site.posts[i].date.day().format("%Y-%m-%d").to_string());
        let mut entries = Vec::new();
        for n in 1..=self.home_page_count() {
            entries.push(SitemapEntry {
                loc: base.absolute(&home_path(n)),
                lastmod: if n == 1 { newest.clone() } else { None },
            });
        }
        for post in &site.posts {
            entries.push(SitemapEntry {
                loc: base.absolute(&post_path(&post.slug)),
                lastmod: Some(post.date.day().format("%Y-%m-%d").to_string()),
            });
        }
        entries.push(SitemapEntry { loc: base.absolute("things/"), lastmod: newest.clone() });
        for (n, _) in site.programme.things() {
            entries.push(SitemapEntry { loc: base.absolute(&thing_path(n)), lastmod: day(site.thing_posts(n)) });
        }
        entries.push(SitemapEntry { loc: base.absolute("networks/"), lastmod: newest.clone() });
        for g in &site.by_network {
            entries.push(SitemapEntry { loc: base.absolute(&network_path(&g.term.slug)), lastmod: day(&g.posts) });
        }
        entries.push(SitemapEntry { loc: base.absolute("tags/"), lastmod: newest });
        for g in &site.by_tag {
            entries.push(SitemapEntry { loc: base.absolute(&tag_path(&g.term.slug)), lastmod: day(&g.posts) });
        }
        entries
    }
}
