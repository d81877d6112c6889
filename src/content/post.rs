//! The [`Post`] model and its construction from a file's text: frontmatter parsed and checked
//! against the programme's Things and the networks registry, slug and summary derived.

use std::path::{Path, PathBuf};

use super::cpd::{CpdActivity, take_cpd, take_evidence};
use super::fields::{DATE, DRAFT, Fields, Key, SUMMARY};
use super::frontmatter::{RawComment, Thread};
use super::{PostDate, Text};
use crate::config::Frameworks;
use crate::diagnostic::Diagnostics;
use crate::markdown::{BodyMarks, PlainText};
use crate::programme::{NetworkRegistry, Programme};
use crate::route::Route;
use crate::text::{MAX_SLUG, is_web_url, slugify};

/// What a post is checked against.
#[derive(Debug, Clone, Copy)]
pub struct PostContext<'a> {
    /// The Things a post may name.
    pub programme: &'a Programme,
    /// The networks a post may name.
    pub networks: &'a NetworkRegistry,
    /// The framework codes a post's `evidence:` may name.
    pub frameworks: &'a Frameworks,
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
    /// What a reader reads of the body: the summary, the search index and its excerpts are
    /// taken from it, so the Markdown is read for them once.
    pub plain: PlainText,
    /// Old addresses of this post, each a redirect to it.
    pub aliases: Vec<Route>,
    /// The image of its social card, if it has its own.
    pub image: Option<crate::config::Image>,
    /// The reflective model it follows (`model:`), if any.
    pub model: Option<crate::config::ReflectionModel>,
    /// The task items of its action section, in order.
    pub actions: Vec<super::ActionItem>,
    /// The CPD activity it records, if any: hours, what, when.
    pub cpd: Option<CpdActivity>,
    /// Framework codes it gives evidence for, as declared in site.yaml.
    pub evidence: Vec<String>,
}

/// Longest summary taken from a first paragraph, in characters.
const SUMMARY_LIMIT: usize = 300;

/// The keys a post's frontmatter may hold, in the order the help lists them.
const KNOWN: &[&str] = &[
    "title", "date", "thing", "things", "networks", "tags", "draft", "slug", "summary", "aliases", "image", "comments",
    "model", "cpd", "evidence",
];

const TITLE: Key =
    Key { names: &["title"], wants: "text", hint: "add a line such as: title: \"Thing 6: Online networks\"" };
const THING: Key = Key {
    names: &["thing", "things"],
    wants: "Thing numbers",
    hint: "write the Thing's number, e.g. `thing: 6`, or a list: `thing: [6, 7]`",
};
const NETWORKS: Key =
    Key { names: &["networks"], wants: "network names", hint: "name the networks, e.g. networks: [Twitter, LinkedIn]" };
const TAGS: Key =
    Key { names: &["tags"], wants: "words", hint: "write the tags as words, e.g. tags: [reflection, networking]" };
const SLUG: Key = Key {
    names: &["slug"],
    wants: "text",
    hint: "a slug is one URL segment of letters, digits and dashes, e.g. slug: online-networks",
};
const COMMENTS: Key = Key {
    names: &["comments"],
    wants: "a list of comments",
    hint: "each comment has an `author` and a `body`, and may have a `date`, a `url` and `replies`",
};

impl Post {
    /// Builds a post from a file's text, reporting every problem in it with its position: each
    /// key is checked on its own, so one mistake never hides another.
    pub fn from_source(source: &Path, text: &str, context: &PostContext<'_>) -> Result<Self, Diagnostics> {
        Self::read(source, text, context).map(|(post, _)| post)
    }

    /// [`Post::from_source`], with what the one pass over its Markdown found for the lints.
    pub fn read(source: &Path, text: &str, context: &PostContext<'_>) -> Result<(Self, BodyMarks), Diagnostics> {
        let fields = Fields::read(source, text, KNOWN)?;
        let mut check = Checker { source, context, fields };
        let title = check.title();
        let date = check.date();
        let things = check.things();
        let networks = check.networks();
        let tags = check.tags();
        let draft = check.fields.take::<bool>(&DRAFT).unwrap_or(false);
        let slug = check.slug();
        let summary = check.fields.take::<Text>(&SUMMARY);
        let comments = check.comments();
        let aliases = check.fields.take_aliases();
        let image = check.fields.take_image();
        let model = check.fields.take_model();
        let (cpd, evidence) = (take_cpd(&mut check.fields), take_evidence(&mut check.fields, context.frameworks));
        let fields = check.fields;
        let (body, body_line) = (fields.split.body, fields.split.body_line);
        let (plain, marks) = crate::markdown::read_body(body);
        let post = date.map(|date| Post {
            source: source.to_path_buf(),
            slug,
            title,
            date,
            things,
            networks,
            tags,
            draft,
            summary: match summary {
                Some(summary) if !summary.0.trim().is_empty() => summary.0.trim().to_string(),
                _ => summary_of(&plain.first_paragraph),
            },
            word_count: crate::text::prose_words(body),
            plain,
            body: body.to_string(),
            body_line,
            comment_count: comments.iter().map(Thread::count).sum(),
            comments,
            aliases,
            image,
            actions: super::actions::action_items(body, model),
            model,
            cpd,
            evidence,
        });
        fields.finish(post).map(|post| (post, marks))
    }

    /// Estimated minutes to read, at 200 words a minute, at least 1.
    pub fn reading_minutes(&self) -> usize {
        self.word_count.div_ceil(200).max(1)
    }
}

/// Checks one post's frontmatter key by key, gathering every problem at its place.
struct Checker<'a> {
    source: &'a Path,
    context: &'a PostContext<'a>,
    fields: Fields<'a>,
}

impl Checker<'_> {
    fn title(&mut self) -> String {
        let title = self.fields.take::<Text>(&TITLE).map(|t| t.0.trim().to_string()).unwrap_or_default();
        if title.is_empty() {
            self.fields.missing(&TITLE, "a post needs a non-empty `title`".into(), TITLE.hint);
        }
        title
    }

    fn date(&mut self) -> Option<PostDate> {
        let date = self.fields.take_date();
        if date.is_none() {
            self.fields.missing(&DATE, "a post needs a `date`".into(), "add a line such as: date: 2011-07-18");
        }
        date.flatten()
    }

    fn things(&mut self) -> Vec<u32> {
        let programme = self.context.programme;
        let mut things = Vec::new();
        for written in self.fields.take_items::<Text>(&THING).unwrap_or_default() {
            match written.0.trim().parse::<u32>() {
                Ok(number) => things.push(number),
                Err(_) => self.fields.error_at(
                    &THING,
                    format!("thing `{}` is not a Thing number", written.0),
                    format!("{} ({})", THING.hint, programme.range_text()),
                ),
            }
        }
        things.sort_unstable();
        things.dedup();
        for &number in &things {
            if programme.title(number).is_none() {
                self.fields.error_at(
                    &THING,
                    format!("thing {number} is not a Thing of {} ({})", programme.id, programme.range_text()),
                    "use a number of the programme, or add it under `things:` in site.yaml",
                );
            }
        }
        things
    }

    fn networks(&mut self) -> Vec<Term> {
        let mut networks: Vec<Term> = Vec::new();
        for name in self.fields.take_items::<String>(&NETWORKS).unwrap_or_default() {
            let name = name.trim();
            let term = match self.context.networks.resolve(name) {
                Some(network) => Term { name: network.name.clone(), slug: network.slug.clone() },
                None => Term { name: name.to_string(), slug: slugify(name) },
            };
            if term.slug.is_empty() {
                let message = format!("network name `{name}` has no letters or digits to make a URL from");
                self.fields.error_at(&NETWORKS, message, "write the network's name");
            } else if term.slug.len() > MAX_SLUG {
                self.fields.error_at(&NETWORKS, too_long("network name", name), "write the network's name");
            } else if !networks.iter().any(|n| n.slug == term.slug) {
                networks.push(term);
            }
        }
        networks
    }

    fn tags(&mut self) -> Vec<Term> {
        let mut tags: Vec<Term> = Vec::new();
        for name in self.fields.take_items::<Text>(&TAGS).unwrap_or_default() {
            let name = name.0.trim().to_string();
            let slug = slugify(&name);
            if slug.is_empty() {
                let message = format!("tag `{name}` has no letters or digits to make a URL from");
                self.fields.error_at(&TAGS, message, "write the tag as a word");
            } else if slug.len() > MAX_SLUG {
                self.fields.error_at(&TAGS, too_long("tag", &name), "a tag is a word or a few");
            } else if !tags.iter().any(|t| t.slug == slug) {
                tags.push(Term { name, slug });
            }
        }
        tags
    }

    fn slug(&mut self) -> String {
        let Some(written) = self.fields.take::<Text>(&SLUG) else {
            let slug = slug_from_file_name(self.source);
            if slug.is_empty() {
                let hint = "rename the file, or set `slug:` in the frontmatter";
                self.fields.error_at(&TITLE, "the file name gives an empty URL slug".into(), hint);
            }
            return slug;
        };
        check_slug(&written.0).unwrap_or_else(|message| {
            self.fields.error_at(&SLUG, message, SLUG.hint);
            String::new()
        })
    }

    fn comments(&mut self) -> Vec<Comment> {
        let raw: Vec<RawComment> = self.fields.take_nested(&COMMENTS).unwrap_or_default();
        let mut comments = Vec::with_capacity(raw.len());
        for raw_comment in raw {
            match convert_comment(raw_comment) {
                Ok(comment) => comments.push(comment),
                Err((value, message)) => self.fields.error_at_value(&value, message, DATE.hint),
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

/// A first paragraph as a summary: its spaces joined, cut at a word boundary.
fn summary_of(first_paragraph: &str) -> String {
    let text = first_paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
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
        f(&PostContext { programme: &programme, networks: &networks, frameworks: &config.frameworks })
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

    #[test]
    fn every_key_is_checked_on_its_own() {
        let text = "---\ndraft: maybe\ntags: [[a]]\nnetworks: [Twitter, 2011]\ncomments: {author: A}\n---\n";
        let err = load("posts/x.md", text).unwrap_err();
        let found: Vec<String> = err.iter().map(|d| format!("{}: {}", d.location().unwrap(), d.message)).collect();
        assert_eq!(
            found,
            [
                "posts/x.md:1:1: a post needs a `date`",
                "posts/x.md:1:1: a post needs a non-empty `title`",
                "posts/x.md:2:8: `draft` must be true or false, not `maybe`",
                "posts/x.md:3:7: `tags` must be words, not a list",
                "posts/x.md:4:11: `networks` must be network names, not the number 2011",
                "posts/x.md:5:11: `comments` must be a list of comments, not a set of `key: value` pairs",
            ]
        );
    }

    #[test]
    fn a_mistake_inside_a_comment_is_told_where_it_is() {
        let text = "---\ntitle: x\ndate: 2011-07-18\ncomments:\n  - author: A\n    bdy: Hi\n---\n";
        let err = load("posts/x.md", text).unwrap_err().to_string();
        assert!(err.starts_with("posts/x.md:6:5: error: comments[0]: unknown field `bdy`"), "{err}");
    }
}
