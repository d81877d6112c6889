//! One typed context per page: everything a page is made from, and nothing else. The same
//! value is hashed (the live preview's fingerprint: equal hashes, equal bytes) and then turned
//! into what its template sees, so the two cannot drift apart: a field that reaches a page
//! reaches its fingerprint by construction.
//!
//! Post lists hold shared, prepared summaries ([`Shared`]): hashed by a hash made once per
//! post, and handed to templates as one reference-counted value, so a page listing 10,000
//! posts copies none of them.

use std::hash::{Hash, Hasher};

use tera::{Context, Value};

use super::Prepared;
use super::context::*;
use crate::config::SiteConfig;
use crate::content::{Post, SitePage};
use crate::markdown::Markdown;
use crate::route::Route;
use crate::site::Redirect;

/// A post's prepared list view, shared between the pages that list it.
#[derive(Debug, Clone, Copy)]
pub struct Shared<'a>(pub &'a Prepared);

impl Hash for Shared<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.summary_hash.hash(state);
    }
}

/// Posts in the order a page lists them.
#[derive(Debug, Clone, Hash, Default)]
pub struct Listing<'a>(pub Vec<Shared<'a>>);

impl Listing<'_> {
    /// The list as one template value; each entry is the post's shared value.
    pub fn value(&self) -> Value {
        Value::from(self.0.iter().map(|p| p.0.value.clone()).collect::<Vec<Value>>())
    }
}

/// A post with what its own page is made from; hashed by a hash of the whole post.
#[derive(Debug, Clone, Copy)]
pub struct PostInputs<'a> {
    /// Its list view and hashes.
    pub prepared: &'a Prepared,
    /// The post, for its body and comments.
    pub post: &'a Post,
}

impl<'a> PostInputs<'a> {
    /// The whole body as HTML with absolute links, for a feed or the portfolio (read away from
    /// the site): made once per post, kept with its list view.
    pub(super) fn whole_body(&self, markdown: &Markdown, base: &crate::config::BaseUrl) -> &'a str {
        let origin = base.absolute.strip_suffix(base.path.as_str()).unwrap_or(&base.absolute);
        self.prepared.feed_content.get_or_init(|| absolute_links(&markdown.render_post(&self.post.body), origin))
    }
}

impl Hash for PostInputs<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.prepared.post_hash.hash(state);
    }
}

/// The portfolio: reflections by Thing, then the others.
#[derive(Debug, Clone, Hash)]
pub struct Portfolio<'a> {
    /// One section per Thing with reflections, in programme order, then "Other reflections".
    pub sections: Vec<PortfolioSection<'a>>,
    /// Networks by use, most used first.
    pub networks: Vec<TermEntry>,
    /// Reflections in all.
    pub post_count: usize,
    /// Things with at least one reflection.
    pub things_done: usize,
    /// Things in the programme.
    pub things_total: usize,
    /// The oldest reflection's date.
    pub first_date: Option<String>,
    /// The newest reflection's date.
    pub last_date: Option<String>,
    /// The same two dates as written (for `<time datetime>`).
    pub first_date_iso: Option<String>,
    /// The newest, as written.
    pub last_date_iso: Option<String>,
    /// Words in all, the statement, the day it was compiled.
    pub cover: super::portfolio::Cover,
    /// The action points of every reflection, open first.
    pub actions: super::actions::ActionPlan,
    /// CPD hours, per year and in all, and the activities; none when there are none.
    pub hours: Option<super::portfolio_evidence::HoursValues>,
    /// The evidence for each framework of site.yaml.
    pub evidence: Vec<super::portfolio_evidence::FrameworkValues>,
}

/// A section of the portfolio.
#[derive(Debug, Clone, Hash)]
pub struct PortfolioSection<'a> {
    /// Its anchor (`thing-6`, `general`).
    pub id: String,
    /// Its heading.
    pub title: String,
    /// The Thing's page, if it is a Thing.
    pub url: Option<String>,
    /// Oldest first, whole (the portfolio may print the full reflections).
    pub posts: Vec<PostInputs<'a>>,
}

/// What a page shows, by kind of page. Each field is the template variable of its name
/// (docs/theming.md).
#[derive(Debug, Clone, Hash)]
pub enum Values<'a> {
    /// A home page.
    Home {
        /// Its posts, newest first.
        posts: Listing<'a>,
        /// Links to the newer and older pages.
        paginator: Paginator,
        /// Things done and in the programme (bonus Things left out), and bonus Things done,
        /// when it has Things.
        progress: Option<(usize, usize, usize)>,
    },
    /// A post; its comment-link stub comes from site.yaml and the post's summary.
    Post {
        /// The post.
        post: PostInputs<'a>,
        /// The next older post.
        previous: Option<Shared<'a>>,
        /// The next newer post.
        next: Option<Shared<'a>>,
    },
    /// The Things overview.
    Things {
        /// Every Thing of the programme.
        things: Vec<ThingEntry>,
        /// How many have a post.
        things_done: usize,
        /// How many the programme has, bonus Things left out.
        things_total: usize,
        /// Bonus Things with a post.
        bonus_done: usize,
    },
    /// One Thing.
    Thing {
        /// The Thing.
        thing: ThingEntry,
        /// This page's share of its posts, newest first.
        posts: Listing<'a>,
        /// Links to the other pages of its posts.
        paginator: Paginator,
        /// The Thing before it in the programme.
        previous: Option<ThingRef>,
        /// The Thing after it.
        next: Option<ThingRef>,
    },
    /// A feed (the site's, a Thing's, a network's or a tag's).
    Feed {
        /// Title, ids, links, date.
        feed: FeedContext,
        /// The newest posts, whole: entries carry their full text.
        posts: Vec<PostInputs<'a>>,
    },
    /// The networks overview.
    Networks {
        /// Every network named.
        networks: Vec<TermEntry>,
    },
    /// One network.
    Network {
        /// The network.
        network: TermEntry,
        /// This page's share of its posts, newest first.
        posts: Listing<'a>,
        /// Links to the other pages of its posts.
        paginator: Paginator,
    },
    /// The tags overview.
    Tags {
        /// Every tag used.
        tags: Vec<TermEntry>,
    },
    /// One tag.
    Tag {
        /// The tag.
        tag: TermEntry,
        /// This page's share of its posts, newest first.
        posts: Listing<'a>,
        /// Links to the other pages of its posts.
        paginator: Paginator,
    },
    /// sitemap.xml, made from the addresses and dates of the pages it lists.
    Sitemap(super::sitemap::Inputs<'a>),
    /// 404.html.
    NotFound,
    /// The portfolio.
    Portfolio(Portfolio<'a>),
    /// The search page.
    Search {
        /// Where search/meta.json is.
        search_index_url: String,
    },
    /// search/meta.json: data, not a template.
    SearchMeta(super::search::Meta),
    /// A word file of the search index; made from the words of every document, summed up
    /// in one hash.
    SearchWords {
        /// Which file.
        key: usize,
        /// A hash of what it is made from.
        sources: u64,
    },
    /// A document file of the search index.
    SearchDoc(super::search::DocInputs),
    /// A standalone page.
    Standalone {
        /// The page.
        page: &'a SitePage,
    },
    /// A redirect from an old address.
    Redirect {
        /// From where to what.
        redirect: &'a Redirect,
    },
}

/// A page to render: where it goes, through which template, made from what.
#[derive(Debug, Clone, Hash)]
pub struct PageContext<'a> {
    /// Its place in the output.
    pub route: Route,
    /// The template file; none for data files.
    pub template: &'static str,
    /// `section` in templates (`home`, `post`, `thing`…).
    pub section: &'static str,
    /// What it shows.
    pub values: Values<'a>,
}

impl PageContext<'_> {
    /// The template context. Reads only `self`, and `markdown` and `config`, which depend on
    /// site.yaml alone (a change to it renders every page), so a page's bytes depend on
    /// nothing its hash does not cover.
    pub fn to_tera(&self, markdown: &Markdown, config: &SiteConfig) -> Context {
        let mut context = Context::new();
        // Only pages showing code load the highlighting stylesheet.
        context.insert("has_code", &false);
        match &self.values {
            Values::Home { posts, paginator, progress } => {
                context.insert_value("posts", posts.value());
                context.insert("paginator", paginator);
                if let Some((done, total, bonus)) = progress {
                    context.insert("things_done", done);
                    context.insert("things_total", total);
                    context.insert("bonus_done", bonus);
                }
            }
            Values::Post { post, previous, next } => {
                insert_post(&mut context, post, *previous, *next, markdown, config)
            }
            Values::Things { things, things_done, things_total, bonus_done } => {
                context.insert("things", things);
                context.insert("things_done", things_done);
                context.insert("things_total", things_total);
                context.insert("bonus_done", bonus_done);
            }
            Values::Thing { thing, posts, paginator, previous, next } => {
                context.insert("thing", thing);
                context.insert_value("posts", posts.value());
                context.insert("paginator", paginator);
                context.insert("previous_thing", previous);
                context.insert("next_thing", next);
            }
            Values::Feed { feed, posts } => {
                context.insert("feed", feed);
                context.insert_value("entries", feed_entries(posts, markdown, &config.base_url));
            }
            Values::Networks { networks } => context.insert("networks", networks),
            Values::Network { network, posts, paginator } => {
                context.insert("network", network);
                context.insert_value("posts", posts.value());
                context.insert("paginator", paginator);
            }
            Values::Tags { tags } => context.insert("tags", tags),
            Values::Tag { tag, posts, paginator } => {
                context.insert("tag", tag);
                context.insert_value("posts", posts.value());
                context.insert("paginator", paginator);
            }
            Values::Sitemap(inputs) => context.insert("entries", &inputs.entries(&config.base_url)),
            Values::NotFound | Values::SearchMeta(_) | Values::SearchWords { .. } | Values::SearchDoc(_) => {}
            Values::Portfolio(portfolio) => context.insert_value("portfolio", portfolio.value(markdown, config)),
            Values::Search { search_index_url } => context.insert("search_index_url", search_index_url),
            Values::Standalone { page } => insert_page(&mut context, page, markdown),
            Values::Redirect { redirect } => {
                let target = RedirectTarget {
                    title: &redirect.title,
                    url: redirect.to.url(&config.base_url),
                    permalink: redirect.to.permalink(&config.base_url),
                };
                context.insert("target", &target);
            }
        }
        let own_image = match &self.values {
            Values::Post { post, .. } => post.post.image.as_ref(),
            Values::Standalone { page } => page.image.as_ref(),
            _ => None,
        };
        let social_image = own_image.or(config.image.as_ref()).map(|i| ImageContext::social(i, &config.base_url));
        context.insert("social_image", &social_image);
        context.insert("section", self.section);
        context.insert("page_url", &self.route.url(&config.base_url));
        context.insert("permalink", &self.route.permalink(&config.base_url));
        context
    }
}

/// `post` (and `has_code`) for post.html.
fn insert_post(
    context: &mut Context,
    post: &PostInputs<'_>,
    previous: Option<Shared<'_>>,
    next: Option<Shared<'_>>,
    markdown: &Markdown,
    config: &SiteConfig,
) {
    let summary = &post.prepared.summary;
    let content = markdown.render_post(&post.post.body);
    context.insert("has_code", &content.contains("<pre class=\"code\""));
    let page = PostPage {
        summary,
        content,
        comments: comment_contexts(markdown, &post.post.comments, "comment"),
        comment_link: config
            .comments
            .as_ref()
            .map(|c| CommentLink { url: comment_url(&c.url, summary, &summary.url), label: c.label.clone() }),
        previous: previous.map(|p| Neighbour::from(&p.0.summary)),
        next: next.map(|p| Neighbour::from(&p.0.summary)),
    };
    context.insert("post", &page);
}

/// `page` (and `has_code`) for page.html.
fn insert_page(context: &mut Context, page: &SitePage, markdown: &Markdown) {
    let content = markdown.render_post(&page.body);
    context.insert("has_code", &content.contains("<pre class=\"code\""));
    let page = StandalonePage {
        title: &page.title,
        slug: &page.slug,
        date: page.date.as_ref().map(|d| d.human()),
        date_iso: page.date.as_ref().map(|d| d.iso()),
        content,
    };
    context.insert("page", &page);
}

impl Portfolio<'_> {
    fn value(&self, markdown: &Markdown, config: &SiteConfig) -> Value {
        // A post on two Things is printed once, under the first; the second refers to it.
        let mut first_shown: std::collections::HashMap<&str, &PortfolioSection<'_>> = Default::default();
        let sections: Vec<Value> = self
            .sections
            .iter()
            .map(|section| {
                let mut map = tera::Map::default();
                map.insert("id".into(), Value::from(section.id.as_str()));
                map.insert("title".into(), Value::from(section.title.as_str()));
                map.insert("url".into(), Value::from(section.url.clone()));
                let posts = section.posts.iter().map(|post| {
                    let shown = *first_shown.entry(post.post.slug.as_str()).or_insert(section);
                    let earlier = (!std::ptr::eq(shown, section)).then_some((shown.id.as_str(), shown.title.as_str()));
                    super::portfolio::entry(post, markdown, config, earlier)
                });
                map.insert("posts".into(), Value::from(posts.collect::<Vec<Value>>()));
                Value::from(map)
            })
            .collect();
        let mut portfolio = tera::Map::default();
        portfolio.insert("sections".into(), Value::from(sections));
        portfolio.insert("networks".into(), Value::from_serializable(&self.networks));
        portfolio.insert("post_count".into(), Value::from(self.post_count));
        portfolio.insert("things_done".into(), Value::from(self.things_done));
        portfolio.insert("things_total".into(), Value::from(self.things_total));
        portfolio.insert("first_date".into(), Value::from(self.first_date.clone()));
        portfolio.insert("last_date".into(), Value::from(self.last_date.clone()));
        portfolio.insert("first_date_iso".into(), Value::from(self.first_date_iso.clone()));
        portfolio.insert("last_date_iso".into(), Value::from(self.last_date_iso.clone()));
        super::portfolio::insert_cover(&mut portfolio, &self.cover, config);
        portfolio.insert("actions".into(), Value::from_serializable(&self.actions));
        portfolio.insert("hours".into(), Value::from_serializable(&self.hours));
        portfolio.insert("evidence".into(), Value::from_serializable(&self.evidence));
        Value::from(portfolio)
    }
}

/// Feed entries: each post's list view with `content`, its whole body as HTML with absolute
/// links (a feed reader shows it away from the site).
fn feed_entries(posts: &[PostInputs<'_>], markdown: &Markdown, base: &crate::config::BaseUrl) -> Value {
    let entries: Vec<Value> = posts
        .iter()
        .map(|post| {
            let content = post.whole_body(markdown, base);
            let mut entry = match &post.prepared.value {
                value if value.as_map().is_some() => value.as_map().cloned().unwrap_or_default(),
                _ => tera::Map::default(),
            };
            entry.insert("content".into(), Value::from(content));
            Value::from(entry)
        })
        .collect();
    Value::from(entries)
}

/// `html` with its path-absolute links and images (`href="/cpd/x/"`) made absolute on
/// `origin` (`https://alex.github.io`); scheme-relative ones (`//host/…`) are left alone.
pub(super) fn absolute_links(html: &str, origin: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(at) = ["href=\"/", "src=\"/"].iter().filter_map(|p| rest.find(p).map(|i| i + p.len() - 1)).min() {
        out.push_str(&rest[..at]);
        if !rest[at..].starts_with("//") {
            out.push_str(origin);
        }
        out.push('/');
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn feed_links_become_absolute() {
        let html = "<a href=\"/cpd/x/\">x</a><img src=\"/cpd/i.png\"><a href=\"//cdn.example/y\">y</a><a href=\"https://e.org/\">e</a>";
        assert_eq!(
            super::absolute_links(html, "https://a.github.io"),
            "<a href=\"https://a.github.io/cpd/x/\">x</a><img src=\"https://a.github.io/cpd/i.png\"><a href=\"//cdn.example/y\">y</a><a href=\"https://e.org/\">e</a>"
        );
    }
}
