//! Warnings that help reflection writers: things that are probably mistakes but do not stop a
//! build (`cpdblog check --strict` makes them errors). The session runs them over the model:
//! text checks when a post is read ([`post`]), date checks over every post read ([`dates`]),
//! and link checks once it is known which pages the build writes ([`Link::check`]).
//!
//! The reflective-writing checks (a model's sections, old open actions) are in
//! [`reflection`].
//!
//! This module reads posts and the site; it never changes them.

mod reflection;

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

use crate::config::BaseUrl;
use crate::content::frontmatter::{self, Split};
use crate::content::{Post, PostContext};
use crate::diagnostic::{Diagnostic, closest};
use crate::markdown::BodyMarks;
use crate::route::Route;
use crate::text::{line_column, things_named};

pub use reflection::stale_actions;

/// 1-based line and column in the post file of a byte offset into its body.
fn position(post: &Post, offset: usize) -> (usize, usize) {
    let (line, column) = line_column(post.body.as_bytes(), offset);
    (post.body_line + line - 1, column)
}

/// Most warnings of one kind shown for one post; the rest are counted in one more warning.
pub const WARNINGS_PER_POST: usize = 20;

/// What the checks of one post found: its warnings, and its links into the site (checked
/// once it is known which pages the build writes).
#[derive(Debug, Default)]
pub struct Checked {
    /// Warnings, at most [`WARNINGS_PER_POST`] of them and a count of the rest.
    pub warnings: Vec<Diagnostic>,
    /// Links and images pointing into a site published at the base URL given.
    pub links: Vec<Link>,
}

/// Text checks of one post as read from `text`: networks the registry does not know,
/// networks named in the text but not listed, a title naming another Thing, images without
/// alternative text, characters feeds cannot hold; and the post's links into a site published
/// at `base`. `marks` are what reading the post found in its Markdown (the one pass over it).
pub fn post(post: &Post, text: &str, marks: &BodyMarks, context: &PostContext<'_>, base: &BaseUrl) -> Checked {
    let Ok(split) = frontmatter::split(text) else { return Checked::default() };
    let mut warnings = unknown_networks(post, text, &split, context);
    warnings.extend(marks.bare_images.iter().map(|&offset| {
        warn_at(post, text, offset, "this image has no alternative text".into())
            .with_hint("describe it for readers who cannot see it: ![A mind map of my networks](map.png)")
    }));
    warnings.extend(unlisted_mentions(post, text, context, &marks.prose));
    warnings.extend(title_names_another_thing(post, text, &split));
    warnings.extend(xml_forbidden(post, text));
    warnings.extend(reflection::sections(post, text, &split));
    let mut links = site_links(post, marks, base);
    links.extend(card_image(post, text, &split, base));
    Checked { warnings: capped(warnings, post), links }
}

/// A warning at a byte offset of the post's body.
fn warn_at(post: &Post, text: &str, offset: usize, message: String) -> Diagnostic {
    let (line, column) = position(post, offset);
    Diagnostic::warning(message).at(&post.source, line, column).with_source(text)
}

/// Links of a post into the site, from the marks of its Markdown.
fn site_links(post: &Post, marks: &BodyMarks, base: &BaseUrl) -> Vec<Link> {
    let page_dir = Route::Post(post.slug.clone()).address();
    (marks.links.iter())
        .filter_map(|(offset, url, is_image)| {
            let target = site_path(&base.absolute, &base.path, &page_dir, url)?;
            Some(Link::new(post, *offset, url, target, *is_image))
        })
        .collect()
}

/// The frontmatter's `image:` when it is a path of this site: checked, like the body's
/// images, against the files the build writes (static/ is copied to the site's root).
fn card_image(post: &Post, text: &str, split: &Split<'_>, base: &BaseUrl) -> Option<Link> {
    let image = post.image.as_ref()?;
    let target = image.local_path(base)?;
    let (line, column) = crate::yaml::key_position(split.yaml, "image", split.yaml_line).unwrap_or((1, 1));
    let warning = Diagnostic::warning(format!("the social card's image `{}` is not a file of this site", image.src))
        .at(&post.source, line, column)
        .with_source(text)
        .with_hint("put it in static/ and write its path from the site's root: static/images/card.png is image: images/card.png");
    Some(Link { target, warning })
}

/// The first character XML forbids (an escape or other control character pasted in): it is
/// left out of feeds and the sitemap, which it would break.
fn xml_forbidden(post: &Post, text: &str) -> Option<Diagnostic> {
    let Some(offset) = crate::text::find_xml_forbidden(text) else {
        // Written as a YAML escape (`"\e"`) it is not in the text, but in the value.
        let fields = std::iter::once(&post.title).chain([&post.summary]).chain(post.tags.iter().map(|t| &t.name));
        let c = fields.flat_map(|f| f.chars()).find(|&c| crate::text::is_xml_forbidden(c))?;
        return Some(
            Diagnostic::warning(format!("an invisible control character (U+{:04X}) that feeds cannot hold", c as u32))
                .in_file(&post.source)
                .with_hint("remove the escape from the frontmatter; it is left out of feeds and the sitemap"),
        );
    };
    let c = text[offset..].chars().next()?;
    let (line, column) = line_column(text.as_bytes(), offset);
    Some(
        Diagnostic::warning(format!("an invisible control character (U+{:04X}) that feeds cannot hold", c as u32))
            .at(&post.source, line, column)
            .with_source(text)
            .with_hint("delete it; it is left out of feeds and the sitemap"),
    )
}

/// At most [`WARNINGS_PER_POST`] of `warnings`, and a count of the rest.
pub fn capped(mut warnings: Vec<Diagnostic>, post: &Post) -> Vec<Diagnostic> {
    if warnings.len() > WARNINGS_PER_POST {
        let more = warnings.len() - WARNINGS_PER_POST;
        warnings.sort_by_key(|d| (d.line, d.column));
        warnings.truncate(WARNINGS_PER_POST);
        warnings.push(
            Diagnostic::warning(format!("… and {more} more warnings like these in this post"))
                .in_file(&post.source)
                .with_hint("fix the ones shown, then run `cpdblog check` again"),
        );
    }
    warnings
}

/// Networks listed in the frontmatter that the registry does not know, with the closest name.
fn unknown_networks(post: &Post, text: &str, split: &Split<'_>, context: &PostContext<'_>) -> Vec<Diagnostic> {
    let unknown = post.networks.iter().filter(|n| context.networks.resolve(&n.name).is_none());
    unknown
        .map(|network| {
            let (line, column) = crate::yaml::key_position(split.yaml, "networks", split.yaml_line).unwrap_or((1, 1));
            let hint = match closest(&network.name, context.networks.names()) {
                Some(best) => format!("did you mean `{best}`? Or add it under `networks:` in site.yaml"),
                None => "add it under `networks:` in site.yaml to give it a home page and aliases".into(),
            };
            Diagnostic::warning(format!("`{}` is not a known network", network.name))
                .at(&post.source, line, column)
                .with_source(text)
                .with_hint(hint)
        })
        .collect()
}

/// A known network mentioned in the prose (not in code) but not in `networks`: the first
/// mention of each.
fn unlisted_mentions(
    post: &Post,
    text: &str,
    context: &PostContext<'_>,
    prose: &[std::ops::Range<usize>],
) -> Vec<Diagnostic> {
    let listed: HashSet<&str> = post.networks.iter().map(|t| t.slug.as_str()).collect();
    let mut reported: HashSet<usize> = HashSet::new();
    let mut warnings = Vec::new();
    for (offset, n) in context.networks.every_mention(&post.body) {
        let network = context.networks.get(n);
        if listed.contains(network.slug.as_str()) || reported.contains(&n) {
            continue;
        }
        let in_prose = prose.binary_search_by(|range| {
            if range.end <= offset {
                std::cmp::Ordering::Less
            } else if range.start > offset {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        });
        if in_prose.is_ok() {
            reported.insert(n);
            let name = &network.name;
            warnings.push(
                warn_at(post, text, offset, format!("mentions {name} but does not list it in `networks`"))
                    .with_hint(format!("add it to networks, e.g. networks: [{name}]")),
            );
        }
    }
    warnings
}

/// "Thing 12" in the title while `thing` says otherwise.
fn title_names_another_thing(post: &Post, text: &str, split: &Split<'_>) -> Option<Diagnostic> {
    if post.things.is_empty() {
        return None;
    }
    let named = things_named(&post.title).into_iter().find(|n| !post.things.contains(n))?;
    let listed = post.things.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let (line, column) =
        crate::yaml::key_position(split.yaml, "title", split.yaml_line).unwrap_or((split.yaml_line, 1));
    Some(
        Diagnostic::warning(format!("the title says Thing {named} but `thing` says {listed}"))
            .at(&post.source, line, column)
            .with_source(text)
            .with_hint(format!("correct one of them: thing: {named}, or the title")),
    )
}

/// Date checks of one post: dated in the future (so left out of builds), or a draft over a
/// year old.
pub fn dates(post: &Post, now: DateTime<Utc>) -> Option<Diagnostic> {
    let warning = if post.date.instant() > now {
        Diagnostic::warning(format!("dated {} in the future: left out of builds until then", post.date.iso()))
            .with_hint("use --future to include it now, or correct the date")
    } else if post.draft && now - post.date.instant() > Duration::days(365) {
        Diagnostic::warning(format!("a draft dated {}, over a year ago", post.date.iso()))
            .with_hint("publish it (remove `draft: true`) or move it out of posts/")
    } else {
        return None;
    };
    Some(warning.in_file(&post.source))
}

/// A link or image in a post that points into this site, found once when the post is read and
/// checked after every build against the pages it wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The output path it points at (`posts/x/`, `images/map.png`).
    target: String,
    /// The warning to give if nothing is there.
    warning: Diagnostic,
}

impl Link {
    /// A link at `offset` in the post's body to `url`, which points at `target` in the output.
    fn new(post: &Post, offset: usize, url: &str, target: String, is_image: bool) -> Self {
        let (line, column) = position(post, offset);
        let (message, hint) = explain(url, &target, is_image);
        let body = post.body.as_str();
        let line_start = body[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = body[offset..].find('\n').map_or(body.len(), |i| offset + i);
        let warning = Diagnostic::warning(message)
            .at(&post.source, line, column)
            .with_hint(hint)
            .with_line(&body[line_start..line_end]);
        Link { target, warning }
    }

    /// The warning when the build wrote nothing at this link's target; `produced` tells
    /// whether an output path (`posts/x/index.html`) was written.
    pub fn check(&self, produced: &dyn Fn(&str) -> bool) -> Option<Diagnostic> {
        let target = &self.target;
        let exists =
            produced(target) || produced(&format!("{target}index.html")) || produced(&format!("{target}/index.html"));
        (!exists).then(|| self.warning.clone())
    }
}

fn explain(url: &str, target: &str, is_image: bool) -> (String, String) {
    if is_image {
        (
            format!("image `{url}` is not a file of this site"),
            "put images in static/ and link them from the site's root: static/images/map.png is ![…](/images/map.png)"
                .to_string(),
        )
    } else if target.ends_with(".md") {
        (
            format!("link to `{url}`, a Markdown file, not a page"),
            "link to the page a post becomes, e.g. /posts/online-networks/".to_string(),
        )
    } else {
        (
            format!("link to `{url}`, a page this site does not have"),
            "check the address: post pages are /posts/SLUG/, Things /things/N/, networks /networks/SLUG/, tags /tags/SLUG/"
                .to_string(),
        )
    }
}

/// The output path a link points at, when it points into this site: root-relative (with or
/// without the base path), absolute under base_url, or relative to the page. None for other
/// sites, mail links, in-page anchors.
fn site_path(base_absolute: &str, base_path: &str, page_dir: &str, url: &str) -> Option<String> {
    let url = url.split(['#', '?']).next().unwrap_or_default();
    if url.is_empty() {
        return None;
    }
    let joined = if let Some(rest) = url.strip_prefix(base_absolute) {
        rest.to_string()
    } else if url.contains(':') || url.starts_with("//") {
        return None;
    } else if let Some(rooted) = url.strip_prefix('/') {
        let base = base_path.trim_start_matches('/');
        rooted.strip_prefix(base).unwrap_or(rooted).to_string()
    } else {
        format!("{page_dir}{url}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    let mut path = parts.join("/");
    if joined.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

/// The statement an assessment limits (site.yaml `portfolio: statement:`): a warning at the
/// first word over the limit when the post is too long, or at site.yaml when no post has the
/// slug named.
pub fn statement(posts: &[std::sync::Arc<Post>], config: &crate::config::SiteConfig) -> Option<Diagnostic> {
    let wanted = config.portfolio.statement.as_ref()?;
    let Some(post) = posts.iter().find(|p| p.slug == wanted.post) else {
        let closest = crate::diagnostic::closest(&wanted.post, posts.iter().map(|p| p.slug.as_str()));
        let site_yaml = &config.text;
        // The slug as written, inside `portfolio:`.
        let (line, column) =
            crate::yaml::position_within(site_yaml, "portfolio", 1, &wanted.post, false).unwrap_or((1, 1));
        let hint = match closest {
            Some(slug) => format!("the statement is named by its post's slug; did you mean `{slug}`?"),
            None => "the statement is named by its post's slug (its address: posts/SLUG/)".to_string(),
        };
        return Some(
            Diagnostic::warning(format!("no post has the slug `{}` that portfolio: statement: names", wanted.post))
                .at(crate::layout::CONFIG_FILE, line, column)
                .with_source(site_yaml)
                .with_hint(hint),
        );
    };
    if post.word_count <= wanted.word_limit {
        return None;
    }
    let over = crate::text::nth_prose_word(&post.body, wanted.word_limit)?;
    let (line, column) = position(post, over);
    Some(
        Diagnostic::warning(format!(
            "this statement is {} words long; the limit is {}",
            post.word_count, wanted.word_limit
        ))
        .at(&post.source, line, column)
        .with_hint(format!(
            "word {} is here: cut {} words (the limit is portfolio: statement: word_limit in site.yaml)",
            wanted.word_limit + 1,
            post.word_count - wanted.word_limit
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_links_into_the_site() {
        let p = |url| site_path("https://x.github.io/blog/", "/blog/", "posts/a/", url);
        assert_eq!(p("/blog/things/6/").as_deref(), Some("things/6/"));
        assert_eq!(p("/things/6/").as_deref(), Some("things/6/"));
        assert_eq!(p("https://x.github.io/blog/tags/x/").as_deref(), Some("tags/x/"));
        assert_eq!(p("../b/").as_deref(), Some("posts/b/"));
        assert_eq!(p("../../../../etc").as_deref(), None);
        assert_eq!(p("https://example.org/").as_deref(), None);
        assert_eq!(p("mailto:me@example.org").as_deref(), None);
        assert_eq!(p("#comments").as_deref(), None);
    }
}
