//! The [`Post`] model and its construction from a file's text: frontmatter parsed and checked
//! against the programme's Things and the networks registry, slug and summary derived.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::frontmatter::{self, OneOrMany, RawComment, RawFrontmatter, Thread};
use super::{PostDate, Text};
use crate::config::Image;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::markdown::OPTIONS;
use crate::programme::{NetworkRegistry, Programme};
use crate::route::Route;
use crate::text::{MAX_SLUG, is_web_url, slugify};
use crate::yaml;

/// What a post is checked against.
#[derive(Debug, Clone, Copy)]
pub struct PostContext<'a> {
    /// The Things a post may name.
    pub programme: &'a Programme,
    /// The networks a post may name.
    pub networks: &'a NetworkRegistry,
}

/// A network or tag as a post names it: the display name and its URL segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Term {
    /// Canonical name for a known network; the first spelling seen for a tag.
    pub name: String,
    /// URL segment.
    pub slug: String,
}

/// An archived comment, its body still Markdown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Comment {
    /// Who wrote it.
    pub author: String,
    /// Their web site: only http(s) URLs are kept.
    pub url: Option<String>,
    /// When.
    pub date: Option<PostDate>,
    /// Markdown.
    pub body: String,
    /// Replies, in the order written.
    pub replies: Vec<Comment>,
}

impl Thread for Comment {
    fn replies(&self) -> &[Self] {
        &self.replies
    }
}

/// One reflection, validated and ready for the site model.
#[derive(Debug, Clone, Hash)]
pub struct Post {
    /// The file, relative to the site (`posts/2011/x.md`).
    pub source: PathBuf,
    /// URL segment under `posts/`.
    pub slug: String,
    /// Title as written.
    pub title: String,
    /// Date as written.
    pub date: PostDate,
    /// Thing numbers, ascending, no repeats; empty for a general reflection.
    pub things: Vec<u32>,
    /// Networks, canonical, in the order first named.
    pub networks: Vec<Term>,
    /// Tags, in the order written.
    pub tags: Vec<Term>,
    /// Built only with `--drafts`.
    pub draft: bool,
    /// Plain text for lists and feeds.
    pub summary: String,
    /// The Markdown body.
    pub body: String,
    /// 1-based file line where the body starts.
    pub body_line: usize,
    /// Archived comments.
    pub comments: Vec<Comment>,
    /// Comments including replies.
    pub comment_count: usize,
    /// Words in the body, for reading time.
    pub word_count: usize,
    /// Old addresses of this post, each a redirect to it.
    pub aliases: Vec<Route>,
    /// The image of its social card, if it has its own.
    pub image: Option<Image>,
}

const DATE_HINT: &str = "write YYYY-MM-DD (2011-07-18) or an RFC 3339 date-time (2011-07-18T09:30:00+01:00)";

/// Largest frontmatter accepted: real frontmatter is a few hundred bytes (imported comments
/// a few KiB); anything bigger is a mistake or an attack on the YAML parser.
pub const FRONTMATTER_LIMIT: usize = 64 * 1024;

/// Most text frontmatter may hold once its `*alias` references are expanded (or four times
/// what is written, if more): real frontmatter holds what it writes.
pub const EXPANSION_LIMIT: usize = 256 * 1024;

/// Longest summary taken from a first paragraph, in characters.
const SUMMARY_LIMIT: usize = 300;

impl Post {
    /// Builds a post from a file's text, reporting every problem in it with its position.
    pub fn from_source(source: &Path, text: &str, context: &PostContext<'_>) -> Result<Self, Diagnostics> {
        let split = frontmatter::split(text).map_err(|e| {
            Diagnostics::from(Diagnostic::error(e.message).at(source, e.line, 1).with_source(text).with_hint(e.hint))
        })?;
        if split.yaml.len() > FRONTMATTER_LIMIT {
            return Err(Diagnostics::from(
                Diagnostic::error(format!(
                    "the frontmatter is {} KiB; frontmatter is limited to {} KiB",
                    split.yaml.len() / 1024,
                    FRONTMATTER_LIMIT / 1024
                ))
                .at(source, split.yaml_line, 1)
                .with_hint("keep long text in the post's body, after the closing `---`"),
            ));
        }
        let raw: RawFrontmatter = yaml::parse(split.yaml, split.yaml_line).map_err(|e| {
            let mut d = Diagnostic::error(e.message).at(source, e.line, e.column).with_source(text);
            d.hint = e.hint;
            Diagnostics::from(d)
        })?;
        let expanded = raw.expanded_size();
        if expanded > EXPANSION_LIMIT.max(4 * split.yaml.len()) {
            return Err(Diagnostics::from(
                Diagnostic::error(format!(
                    "the frontmatter expands to {} KiB through `*alias` references",
                    expanded / 1024
                ))
                .at(source, split.yaml_line, 1)
                .with_hint("write the values out instead of repeating them with `&anchor` and `*alias`"),
            ));
        }
        let mut check = Checker { source, text, split: &split, context, problems: Diagnostics::default() };
        let title = check.title(raw.title);
        let date = check.date(raw.date);
        let things = check.things(raw.thing);
        let networks = check.networks(raw.networks);
        let tags = check.tags(raw.tags);
        let slug = check.slug(raw.slug);
        let comments = check.comments(raw.comments);
        let aliases = check.aliases(&raw.aliases);
        let image = check.image(raw.image);
        match date {
            Some(date) if !check.problems.has_errors() => Ok(Post {
                source: source.to_path_buf(),
                slug,
                title,
                date,
                things,
                networks,
                tags,
                draft: raw.draft,
                summary: match raw.summary {
                    Some(summary) if !summary.0.trim().is_empty() => summary.0.trim().to_string(),
                    _ => first_paragraph_text(split.body),
                },
                word_count: split.body.split_whitespace().count(),
                body: split.body.to_string(),
                body_line: split.body_line,
                comment_count: comments.iter().map(Thread::count).sum(),
                comments,
                aliases,
                image,
            }),
            _ => Err(check.problems),
        }
    }

    /// Estimated minutes to read, at 200 words a minute, at least 1.
    pub fn reading_minutes(&self) -> usize {
        self.word_count.div_ceil(200).max(1)
    }
}

/// Checks one post's frontmatter field by field, gathering every problem at its place.
struct Checker<'a> {
    source: &'a Path,
    text: &'a str,
    split: &'a frontmatter::Split<'a>,
    context: &'a PostContext<'a>,
    problems: Diagnostics,
}

impl Checker<'_> {
    fn error_at(&mut self, key: &str, message: String, hint: impl Into<String>) {
        let (line, column) = yaml::key_position(self.split.yaml, key, self.split.yaml_line).unwrap_or((1, 1));
        self.problems
            .push(Diagnostic::error(message).at(self.source, line, column).with_source(self.text).with_hint(hint));
    }

    fn title(&mut self, raw: Option<Text>) -> String {
        let title = raw.map(|t| t.0.trim().to_string()).unwrap_or_default();
        if title.is_empty() {
            let hint = "add a line such as: title: \"Thing 6: Online networks\"";
            self.error_at("title", "a post needs a non-empty `title`".into(), hint);
        }
        title
    }

    fn date(&mut self, raw: Option<Text>) -> Option<PostDate> {
        match raw.map(|d| PostDate::parse(&d.0)) {
            Some(Ok(date)) => Some(date),
            Some(Err(message)) => {
                self.error_at("date", format!("invalid date: {message}"), DATE_HINT);
                None
            }
            None => {
                self.error_at("date", "a post needs a `date`".into(), "add a line such as: date: 2011-07-18");
                None
            }
        }
    }

    fn things(&mut self, raw: Option<OneOrMany<Text>>) -> Vec<u32> {
        let programme = self.context.programme;
        let mut things = Vec::new();
        for written in raw.map(OneOrMany::into_vec).unwrap_or_default() {
            match written.0.trim().parse::<u32>() {
                Ok(number) => things.push(number),
                Err(_) => self.error_at(
                    "thing",
                    format!("thing `{}` is not a Thing number", written.0),
                    format!(
                        "write the Thing's number, e.g. `thing: 6`, or a list: `thing: [6, 7]` ({})",
                        programme.range_text()
                    ),
                ),
            }
        }
        things.sort_unstable();
        things.dedup();
        for &number in &things {
            if programme.title(number).is_none() {
                self.error_at(
                    "thing",
                    format!("thing {number} is not a Thing of {} ({})", programme.id, programme.range_text()),
                    "use a number of the programme, or add it under `things:` in site.yaml",
                );
            }
        }
        things
    }

    fn networks(&mut self, raw: Option<OneOrMany<Text>>) -> Vec<Term> {
        let mut networks: Vec<Term> = Vec::new();
        for name in raw.map(OneOrMany::into_vec).unwrap_or_default() {
            let name = name.0.trim();
            let term = match self.context.networks.resolve(name) {
                Some(network) => Term { name: network.name.clone(), slug: network.slug.clone() },
                None => Term { name: name.to_string(), slug: slugify(name) },
            };
            if term.slug.is_empty() {
                let message = format!("network name `{name}` has no letters or digits to make a URL from");
                self.error_at("networks", message, "write the network's name");
            } else if term.slug.len() > MAX_SLUG {
                self.error_at("networks", too_long("network name", name), "write the network's name");
            } else if !networks.iter().any(|n| n.slug == term.slug) {
                networks.push(term);
            }
        }
        networks
    }

    fn tags(&mut self, raw: Option<OneOrMany<Text>>) -> Vec<Term> {
        let mut tags: Vec<Term> = Vec::new();
        for name in raw.map(OneOrMany::into_vec).unwrap_or_default() {
            let name = name.0.trim().to_string();
            let slug = slugify(&name);
            if slug.is_empty() {
                let message = format!("tag `{name}` has no letters or digits to make a URL from");
                self.error_at("tags", message, "write the tag as a word");
            } else if slug.len() > MAX_SLUG {
                self.error_at("tags", too_long("tag", &name), "a tag is a word or a few");
            } else if !tags.iter().any(|t| t.slug == slug) {
                tags.push(Term { name, slug });
            }
        }
        tags
    }

    fn slug(&mut self, raw: Option<Text>) -> String {
        let Some(written) = raw else {
            let slug = slug_from_file_name(self.source);
            if slug.is_empty() {
                let hint = "rename the file, or set `slug:` in the frontmatter";
                self.error_at("title", "the file name gives an empty URL slug".into(), hint);
            }
            return slug;
        };
        check_slug(&written.0).unwrap_or_else(|message| {
            let hint = "a slug is one URL segment of letters, digits and dashes, e.g. slug: online-networks";
            self.error_at("slug", message, hint);
            String::new()
        })
    }

    fn aliases(&mut self, raw: &[Text]) -> Vec<Route> {
        let mut aliases = Vec::with_capacity(raw.len());
        for written in raw {
            match Route::alias(&written.0) {
                Ok(route) => aliases.push(route),
                Err(why) => self.error_at("aliases", why, "an alias is the post's old address: /2011/07/18/old-slug/"),
            }
        }
        aliases
    }

    fn image(&mut self, raw: Option<Image>) -> Option<Image> {
        let image = raw?;
        match image.problem() {
            Some(problem) => {
                let hint =
                    "image: images/card.png (a file of static/), or {src: images/card.png, alt: \"what it shows\"}";
                self.error_at("image", problem, hint);
                None
            }
            None => Some(image),
        }
    }

    fn comments(&mut self, raw: Vec<RawComment>) -> Vec<Comment> {
        let mut comments = Vec::with_capacity(raw.len());
        for raw_comment in raw {
            match convert_comment(raw_comment) {
                Ok(comment) => comments.push(comment),
                Err((value, message)) => {
                    let split = self.split;
                    let (line, column) =
                        yaml::value_position(split.yaml, &value, split.yaml_line).unwrap_or((split.yaml_line, 1));
                    self.problems.push(
                        Diagnostic::error(message)
                            .at(self.source, line, column)
                            .with_source(self.text)
                            .with_hint(DATE_HINT),
                    );
                }
            }
        }
        comments
    }
}

/// A written slug must be one plain URL segment; it is normalised like every other slug.
fn check_slug(written: &str) -> Result<String, String> {
    let trimmed = written.trim();
    if trimmed.contains(['/', '\\'])
        || trimmed.split('.').all(str::is_empty)
        || trimmed.contains("..")
        || trimmed.contains('%')
    {
        return Err(format!("slug `{written}` is not a single URL segment"));
    }
    let slug = slugify(trimmed);
    if slug.is_empty() {
        Err(format!("slug `{written}` has no letters or digits"))
    } else if slug.len() > MAX_SLUG {
        Err(too_long("slug", written))
    } else {
        Ok(slug)
    }
}

/// "tag `…` is too long …": the name, shortened, and the limit.
fn too_long(what: &str, name: &str) -> String {
    let shown: String = name.chars().take(40).collect();
    format!("{what} `{shown}…` is too long for a web address ({} characters; at most {MAX_SLUG})", name.chars().count())
}

/// `2011-07-18-online-networks.md` → `online-networks`: the slug a post gets from its file.
pub fn slug_from_file_name(source: &Path) -> String {
    let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let bytes = stem.as_bytes();
    let dated = bytes.len() > 11
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
        && bytes[10] == b'-';
    slugify(if dated { &stem[11..] } else { &stem })
}

/// Converts a comment and its replies; a bad date comes back as (the value, the message).
fn convert_comment(raw: RawComment) -> Result<Comment, (String, String)> {
    let url = raw.url.map(|u| u.0.trim().to_string()).filter(|u| is_web_url(u));
    let date = match raw.date {
        Some(written) => {
            Some(PostDate::parse(&written.0).map_err(|m| (written.0.clone(), format!("invalid comment date: {m}")))?)
        }
        None => None,
    };
    Ok(Comment {
        author: raw.author.0.trim().to_string(),
        url,
        date,
        body: raw.body.0,
        replies: raw.replies.into_iter().map(convert_comment).collect::<Result<_, _>>()?,
    })
}

/// The plain text of the body's first paragraph, cut at a word boundary.
fn first_paragraph_text(body: &str) -> String {
    let mut text = String::new();
    let mut in_paragraph = false;
    for event in Parser::new_ext(body, OPTIONS) {
        match event {
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph && !text.trim().is_empty() => break,
            Event::End(TagEnd::Paragraph) => in_paragraph = false,
            Event::Text(t) | Event::Code(t) if in_paragraph => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => text.push(' '),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= SUMMARY_LIMIT {
        return text;
    }
    let cut: String = text.chars().take(SUMMARY_LIMIT).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;

    fn with_context<T>(f: impl FnOnce(&PostContext<'_>) -> T) -> T {
        let config = SiteConfig::parse("title: T\nbase_url: https://x.org/\n").unwrap();
        let programme = Programme::from_config(&config);
        let networks = NetworkRegistry::from_config(&config).unwrap();
        f(&PostContext { programme: &programme, networks: &networks })
    }

    fn load(name: &str, text: &str) -> Result<Post, Diagnostics> {
        with_context(|c| Post::from_source(Path::new(name), text, c))
    }

    #[test]
    fn full_post() {
        let post = load(
            "posts/2011-07-18-online-networks.md",
            "---\ntitle: \"Thing 6: Online networks\"\ndate: 2011-07-18\nthing: [7, 6, 6]\nnetworks: [x, LINKEDIN, Friendster]\ntags: [Reflection, reflection, 2011]\ncomments:\n  - author: Helen\n    url: \"javascript:alert(1)\"\n    body: Hi\n    replies:\n      - {author: Alex, body: Thanks}\n---\nFirst *para*\ngoes on.\n\nSecond.\n",
        )
        .unwrap();
        assert_eq!(post.slug, "online-networks");
        assert_eq!(post.things, vec![6, 7]);
        let networks: Vec<_> = post.networks.iter().map(|n| (n.name.as_str(), n.slug.as_str())).collect();
        assert_eq!(networks, [("Twitter", "twitter"), ("LinkedIn", "linkedin"), ("Friendster", "friendster")]);
        assert_eq!(post.tags.len(), 2);
        assert_eq!(post.summary, "First para goes on.");
        assert_eq!(post.comment_count, 2);
        assert_eq!(post.comments[0].url, None);
        assert_eq!(post.body_line, 14);
    }

    #[test]
    fn every_error_is_positioned() {
        let err = load("posts/x.md", "---\ntitle: ''\ndate: 2011-07-18\nthing: 31\nslug: ../etc\n---\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("posts/x.md:2:8: error: a post needs a non-empty `title`"), "{text}");
        assert!(text.contains("posts/x.md:4:8: error: thing 31 is not a Thing of cpd23 (1-23)"), "{text}");
        assert!(text.contains("posts/x.md:5:7: error: slug `../etc` is not a single URL segment"), "{text}");
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let err = load("posts/x.md", "---\ntitle: x\ndate: 2011-13-45\n---\n").unwrap_err();
        let first = err.iter().next().unwrap().to_string();
        assert!(first.starts_with("posts/x.md:3:7: error: invalid date: `2011-13-45` has month 13"), "{first}");
        let err = load("posts/x.md", "---\ntitle: x\ndate: 2011-07-18\nthing: six\n---\n").unwrap_err();
        assert!(
            err.iter()
                .next()
                .unwrap()
                .to_string()
                .starts_with("posts/x.md:4:8: error: thing `six` is not a Thing number"),
            "{err}"
        );
        let err = load(
            "posts/x.md",
            "---\ntitle: x\ndate: 2011-07-18\ncomments:\n  - author: A\n    date: 2011-02-30\n---\n",
        )
        .unwrap_err();
        assert!(
            err.iter().next().unwrap().to_string().starts_with("posts/x.md:6:11: error: invalid comment date"),
            "{err}"
        );
    }
}
