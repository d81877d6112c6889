//! Warnings that help reflection writers: things that are probably mistakes but do not stop a
//! build (`cpdblog check --strict` makes them errors). Text checks run when a post loads
//! ([`post`]), date checks once all posts are read ([`dates`]), and link checks once the
//! pages are rendered and it is known which exist ([`links`]).

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::content::frontmatter;
use crate::content::{Post, PostContext, find_word};
use crate::diagnostic::Diagnostic;
use crate::site::Site;

/// 1-based line and column in the post file of a byte offset into its body.
fn position(post: &Post, body: &str, offset: usize) -> (usize, usize) {
    let (line, column) = crate::content::position_of_byte(body.as_bytes(), offset);
    (post.body_line + line - 1, column)
}

/// Text checks of one post: networks named in the text but not listed, a title naming another
/// Thing, images without alternative text.
pub fn post(post: &Post, text: &str, split: &frontmatter::Split<'_>, context: &PostContext<'_>) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let body = split.body;
    let warn = |message: String, offset: usize, hint: String| {
        let (line, column) = position(post, body, offset);
        Diagnostic::warning(message).at(&post.source, line, column).with_source(text).with_hint(hint)
    };

    // A known network mentioned in the text (not in code) but not in `networks`. A plain
    // substring search first: parsing the Markdown is paid only by posts that may need it.
    let listed: HashSet<&str> = post.networks.iter().map(|t| t.slug.as_str()).collect();
    let candidates: Vec<&crate::programme::Network> = context
        .networks
        .mentions(body)
        .into_iter()
        .map(|(_, network)| network)
        .filter(|n| !listed.contains(n.slug.as_str()))
        .collect();
    let has_image = body.contains("![");
    if candidates.is_empty() && !has_image {
        warnings.extend(title_names_another_thing(post, text, split));
        return warnings;
    }
    let mut prose: Vec<std::ops::Range<usize>> = Vec::new();
    let mut image: Option<(usize, String)> = None;
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { .. }) => image = Some((range.start, String::new())),
            Event::Text(t) | Event::Code(t) if image.is_some() => {
                if let Some((_, alt)) = image.as_mut() {
                    alt.push_str(&t);
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((start, alt)) = image.take() {
                    if alt.trim().is_empty() {
                        warnings.push(warn(
                            "this image has no alternative text".into(),
                            start,
                            "describe it for readers who cannot see it: ![A mind map of my networks](map.png)".into(),
                        ));
                    }
                }
            }
            Event::Text(_) => prose.push(range),
            _ => {}
        }
    }
    for network in candidates {
        let found =
            prose.iter().find_map(|range| find_word(&body[range.clone()], &network.name).map(|i| range.start + i));
        if let Some(offset) = found {
            warnings.push(warn(
                format!("mentions {} but does not list it in `networks`", network.name),
                offset,
                format!("add it to networks, e.g. networks: [{}]", network.name),
            ));
        }
    }
    warnings.extend(title_names_another_thing(post, text, split));
    warnings
}

/// "Thing 12" in the title while `thing` says otherwise.
fn title_names_another_thing(post: &Post, text: &str, split: &frontmatter::Split<'_>) -> Option<Diagnostic> {
    let named = thing_in_title(&post.title)?;
    if post.things.is_empty() || post.things.contains(&named) {
        return None;
    }
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

/// The first `Thing N` or `Things N` in a title.
fn thing_in_title(title: &str) -> Option<u32> {
    let lower = title.to_ascii_lowercase();
    let at = lower.find("thing")?;
    let rest = lower[at + 5..].trim_start_matches('s').trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
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

/// Links in the built posts to pages of the site that do not exist; `produced` holds every
/// output path written (`posts/x/index.html`).
pub fn links(site: &Site, produced: &HashSet<String>) -> Vec<Diagnostic> {
    site.posts.iter().flat_map(|post| broken_links(site, post, produced)).collect()
}

/// Links in a post to pages of this site that the build does not produce.
fn broken_links(site: &Site, post: &Post, produced: &HashSet<String>) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let page_dir = format!("posts/{}/", post.slug);
    for (event, range) in Parser::new(&post.body).into_offset_iter() {
        let (url, is_image) = match &event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
            _ => continue,
        };
        let Some(target) = site_path(&site.base.absolute, &site.base.path, &page_dir, url) else { continue };
        let exists = produced.contains(&target)
            || produced.contains(&format!("{}index.html", target))
            || produced.contains(&format!("{}/index.html", target));
        if exists {
            continue;
        }
        let (line, column) = position(post, &post.body, range.start);
        let (message, hint) = if is_image {
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
        };
        let mut d = Diagnostic::warning(message).at(&post.source, line, column).with_hint(hint);
        d.snippet = post.body.lines().nth(line - post.body_line).map(str::to_string);
        warnings.push(d);
    }
    warnings
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_things_named_in_titles() {
        assert_eq!(thing_in_title("Thing 12: Twitter"), Some(12));
        assert_eq!(thing_in_title("Things 6 & 7"), Some(6));
        assert_eq!(thing_in_title("Something else"), None);
        assert_eq!(thing_in_title("A pause"), None);
    }

    #[test]
    fn finds_whole_words_only() {
        assert_eq!(find_word("I use LISNPN daily", "LISNPN"), Some(6));
        assert_eq!(find_word("LISNPNs", "LISNPN"), None);
        assert_eq!(find_word("Slacker", "Slack"), None);
    }

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
