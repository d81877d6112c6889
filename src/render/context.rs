//! The values templates see, as documented in docs/theming.md. Built from the site model;
//! every URL is made here, so templates never assemble paths themselves.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::config::{AuthorLink, BaseUrl, Image};
use crate::content::{Comment, Post, Term};
use crate::markdown::Markdown;
use crate::route::Route;
use crate::site::Site;

/// `site` in every template.
#[derive(Debug, Serialize)]
pub struct SiteContext<'a> {
    /// Blog title.
    pub title: &'a str,
    /// One line about the blog.
    pub description: Option<&'a str>,
    /// The writer's name.
    pub author: Option<&'a str>,
    /// The writer's short profile, when site.yaml gives more than a name.
    pub author_card: Option<AuthorCard<'a>>,
    /// `lang` of every page.
    pub language: &'a str,
    /// Absolute, ending in `/`.
    pub base_url: &'a str,
    /// Path part of base_url, starting and ending with `/`.
    pub base_path: &'a str,
    /// The programme's display name.
    pub programme: Option<&'a str>,
    /// The site feed.
    pub feed_url: String,
    /// The theme's stylesheet.
    pub stylesheet_url: String,
    /// The generated highlighting stylesheet.
    pub syntax_stylesheet_url: String,
    /// `cpdblog VERSION`.
    pub generator: String,
    /// The menu.
    pub menu: Vec<MenuEntry>,
}

impl<'a> SiteContext<'a> {
    /// The site-wide values.
    pub fn new(site: &'a Site) -> Self {
        let config = &site.config;
        Self {
            title: &config.title,
            description: config.description.as_deref(),
            author: config.author.as_ref().map(|a| a.name.as_str()),
            author_card: config.author.as_ref().filter(|a| a.has_profile()).map(|author| AuthorCard {
                name: &author.name,
                bio: author.bio.as_deref(),
                avatar: author.avatar.as_ref().map(|image| ImageContext {
                    url: image.site_url(&site.base),
                    alt: image.alt.as_deref().unwrap_or(&author.name),
                }),
                links: &author.links,
            }),
            language: &config.language,
            base_url: &site.base.absolute,
            base_path: &site.base.path,
            programme: site.programme.name.as_deref(),
            feed_url: Route::Feed.url(&site.base),
            stylesheet_url: site.base.path("style.css"),
            syntax_stylesheet_url: site.base.path("syntax.css"),
            generator: format!("cpdblog {}", env!("CARGO_PKG_VERSION")),
            menu: site
                .menu
                .iter()
                .map(|link| MenuEntry {
                    label: link.label.clone(),
                    url: match &link.target {
                        Ok(route) => route.url(&site.base),
                        Err(address) if address.starts_with('/') && !address.starts_with("//") => {
                            site.base.path(address.trim_start_matches('/'))
                        }
                        Err(address) => address.clone(),
                    },
                    page: match &link.target {
                        Ok(Route::Page(slug)) => Some(slug.clone()),
                        _ => None,
                    },
                })
                .collect(),
        }
    }
}

/// The author card: who writes the blog, with their picture and profiles elsewhere.
#[derive(Debug, Serialize)]
pub struct AuthorCard<'a> {
    /// Their name.
    pub name: &'a str,
    /// A sentence or two about them.
    pub bio: Option<&'a str>,
    /// Their picture.
    pub avatar: Option<ImageContext<'a>>,
    /// Their profiles elsewhere: each link carries `rel="me"`, which Mastodon checks to verify
    /// that the profile and the blog are one person's.
    pub links: &'a [AuthorLink],
}

/// An image as a page shows or shares it.
#[derive(Debug, Serialize)]
pub struct ImageContext<'a> {
    /// Where it is: path-absolute on the page, absolute in a social card.
    pub url: String,
    /// What it shows.
    pub alt: &'a str,
}

impl<'a> ImageContext<'a> {
    /// The image of a social card: absolute, since the card is shown on other sites.
    pub fn social(image: &'a Image, base: &BaseUrl) -> Self {
        Self { url: image.absolute_url(base), alt: image.alt.as_deref().unwrap_or_default() }
    }
}

/// `page` in page.html: a standalone page.
#[derive(Debug, Serialize)]
pub struct StandalonePage<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its address under the site's root.
    pub slug: &'a str,
    /// "18 July 2011", if the page gives a date.
    pub date: Option<String>,
    /// As written.
    pub date_iso: Option<String>,
    /// The body as HTML.
    pub content: String,
}

/// `target` in redirect.html: where an old address now is.
#[derive(Debug, Serialize)]
pub struct RedirectTarget<'a> {
    /// Its title.
    pub title: &'a str,
    /// Path-absolute URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
}

/// A link of the site's menu.
#[derive(Debug, Serialize)]
pub struct MenuEntry {
    /// The link text.
    pub label: String,
    /// Where it goes: a path-absolute URL of the site, or another address.
    pub url: String,
    /// The slug of the page it links to, to mark the current page.
    pub page: Option<String>,
}

/// A Thing as a link.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct ThingRef {
    /// Its number.
    pub number: u32,
    /// Its title.
    pub title: String,
    /// "Thing 6: Online networks".
    pub label: String,
    /// Its page.
    pub url: String,
}

/// A network or tag as a link.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct TermRef {
    /// Display name.
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Its page.
    pub url: String,
}

/// A post in a list or feed: only what lists show, never the rendered body.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct PostSummary {
    /// Title.
    pub title: String,
    /// URL segment.
    pub slug: String,
    /// Path-absolute URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// "18 July 2011".
    pub date: String,
    /// As written.
    pub date_iso: String,
    /// Full date-time for feeds.
    pub date_rfc3339: String,
    /// Plain text.
    pub summary: String,
    /// Its Things.
    pub things: Vec<ThingRef>,
    /// The title is its one Thing's label ("Thing 6: Online networks"): lists need not
    /// say it twice.
    pub title_is_thing: bool,
    /// Its networks.
    pub networks: Vec<TermRef>,
    /// Its tags.
    pub tags: Vec<TermRef>,
    /// Comments including replies.
    pub comment_count: usize,
    /// A draft.
    pub draft: bool,
    /// Dated after the build's "now": built only with `--future` (and by `serve`).
    pub scheduled: bool,
    /// Estimated minutes to read.
    pub reading_minutes: usize,
}

impl PostSummary {
    /// The list view of a post.
    pub fn new(site: &Site, post: &Post) -> Self {
        let route = Route::Post(post.slug.clone());
        Self {
            title: post.title.clone(),
            slug: post.slug.clone(),
            url: route.url(&site.base),
            permalink: route.permalink(&site.base),
            date: post.date.human(),
            date_iso: post.date.iso(),
            date_rfc3339: post.date.rfc3339(),
            summary: post.summary.clone(),
            things: post.things.iter().map(|&n| thing_ref(site, n)).collect(),
            title_is_thing: matches!(post.things.as_slice(), [n] if site.programme.label(*n) == post.title),
            networks: post.networks.iter().map(|t| term_ref(site, t, Route::Network(t.slug.clone()))).collect(),
            tags: post.tags.iter().map(|t| term_ref(site, t, Route::Tag(t.slug.clone()))).collect(),
            comment_count: post.comment_count,
            draft: post.draft,
            scheduled: post.date.instant() > site.now,
            reading_minutes: post.reading_minutes(),
        }
    }
}

/// A Thing as a link.
pub fn thing_ref(site: &Site, number: u32) -> ThingRef {
    ThingRef {
        number,
        title: site.programme.title(number).unwrap_or_default().to_string(),
        label: site.programme.label(number),
        url: Route::Thing(number).url(&site.base),
    }
}

fn term_ref(site: &Site, term: &Term, route: Route) -> TermRef {
    TermRef { name: term.name.clone(), slug: term.slug.clone(), url: route.url(&site.base) }
}

/// `post` in post.html.
#[derive(Debug, Serialize)]
pub struct PostPage<'a> {
    /// Every summary field.
    #[serde(flatten)]
    pub summary: &'a PostSummary,
    /// The body as HTML.
    pub content: String,
    /// Archived comments, threaded.
    pub comments: Vec<CommentContext>,
    /// The comment-link stub.
    pub comment_link: Option<CommentLink>,
    /// The next older post.
    pub previous: Option<Neighbour<'a>>,
    /// The next newer post.
    pub next: Option<Neighbour<'a>>,
}

/// A post linked from another: only what the link shows.
#[derive(Debug, Serialize)]
pub struct Neighbour<'a> {
    /// Title.
    pub title: &'a str,
    /// Path-absolute URL.
    pub url: &'a str,
}

impl<'a> From<&'a PostSummary> for Neighbour<'a> {
    fn from(summary: &'a PostSummary) -> Self {
        Self { title: &summary.title, url: &summary.url }
    }
}

/// The comment-link stub.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct CommentLink {
    /// With placeholders filled and percent-encoded.
    pub url: String,
    /// Link text.
    pub label: String,
}

/// An archived comment.
#[derive(Debug, Serialize)]
pub struct CommentContext {
    /// `comment-1-2`: unique on the page, stable between builds.
    pub id: String,
    /// Author.
    pub author: String,
    /// Their site (http/https only).
    pub author_url: Option<String>,
    /// "20 July 2011".
    pub date: Option<String>,
    /// As written.
    pub date_iso: Option<String>,
    /// HTML, raw HTML of the source shown as text.
    pub body: String,
    /// Replies.
    pub replies: Vec<CommentContext>,
}

/// Converts archived comments, numbering them by their place in the thread.
pub fn comment_contexts(markdown: &Markdown, comments: &[Comment], prefix: &str) -> Vec<CommentContext> {
    comments
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let id = format!("{prefix}-{}", i + 1);
            CommentContext {
                author: c.author.clone(),
                author_url: c.url.clone(),
                date: c.date.as_ref().map(|d| d.human()),
                date_iso: c.date.as_ref().map(|d| d.iso()),
                body: markdown.render_comment(&c.body),
                replies: comment_contexts(markdown, &c.replies, &id),
                id,
            }
        })
        .collect()
}

/// Characters left as they are in a placeholder value: RFC 3986 unreserved.
const PLACEHOLDER: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Fills `{title}`, `{slug}`, `{url}` and `{path}` in `comments.url`, each percent-encoded.
pub fn comment_url(template: &str, summary: &PostSummary, path: &str) -> String {
    let encode = |s: &str| utf8_percent_encode(s, PLACEHOLDER).to_string();
    template
        .replace("{title}", &encode(&summary.title))
        .replace("{slug}", &encode(&summary.slug))
        .replace("{url}", &encode(&summary.permalink))
        .replace("{path}", &encode(path))
}

/// A Thing on the overview page.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct ThingEntry {
    /// Number, title, label, URL.
    #[serde(flatten)]
    pub thing: ThingRef,
    /// Posts on it.
    pub count: usize,
    /// At least one post.
    pub done: bool,
    /// Its feed.
    pub feed_url: String,
    /// Added beyond the programme's own Things: not counted against progress.
    pub bonus: bool,
    /// What the Thing asks, in a sentence, if the programme or site.yaml says.
    pub description: Option<String>,
    /// The one post on it, when it has exactly one: the overview links it directly.
    pub post_url: Option<String>,
}

/// A network or tag with its count.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct TermEntry {
    /// Name, slug, URL.
    #[serde(flatten)]
    pub term: TermRef,
    /// The network's home page.
    pub homepage: Option<String>,
    /// Its feed.
    pub feed_url: Option<String>,
    /// Posts naming it.
    pub count: usize,
}

impl TermEntry {
    /// A network or tag group as a template value.
    pub fn new(site: &Site, term: &Term, route: Route, count: usize, homepage: Option<String>) -> Self {
        let feed_url = route.feed().map(|feed| feed.url(&site.base));
        Self { term: term_ref(site, term, route), homepage, count, feed_url }
    }
}

/// Pages of a list of `posts` posts, `per_page` a page: one, even when it is empty.
pub fn page_count(posts: usize, per_page: usize) -> usize {
    posts.div_ceil(per_page).max(1)
}

/// Pagination of a list of posts: the home pages, or a Thing's, network's or tag's.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Paginator {
    /// 1-based.
    pub current: usize,
    /// Number of pages of the list.
    pub total_pages: usize,
    /// Posts on all its pages.
    pub total_posts: usize,
    /// Newer posts.
    pub prev_url: Option<String>,
    /// Older posts.
    pub next_url: Option<String>,
}

impl Paginator {
    /// Page `current` of the list at `list` (its first page's route) of `total_posts` posts,
    /// `per_page` a page.
    pub fn new(list: &Route, current: usize, total_posts: usize, per_page: usize, base: &BaseUrl) -> Self {
        let total_pages = page_count(total_posts, per_page);
        Self {
            current,
            total_pages,
            total_posts,
            prev_url: (current > 1).then(|| list.clone().page(current - 1).url(base)),
            next_url: (current < total_pages).then(|| list.clone().page(current + 1).url(base)),
        }
    }

    /// The posts of the page among `total_posts`: a range of their indexes.
    pub fn range(&self, per_page: usize) -> std::ops::Range<usize> {
        let start = ((self.current - 1) * per_page).min(self.total_posts);
        start..(start + per_page).min(self.total_posts)
    }
}

/// `feed` in atom.xml.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct FeedContext {
    /// Feed title.
    pub title: String,
    /// Stable id (the alternate page's URL).
    pub id: String,
    /// The feed's own URL.
    pub self_url: String,
    /// The HTML page it mirrors.
    pub alternate_url: String,
    /// The newest entry's date.
    pub updated: String,
}

/// One URL in sitemap.xml.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct SitemapEntry {
    /// Absolute URL.
    pub loc: String,
    /// YYYY-MM-DD.
    pub lastmod: Option<String>,
}
