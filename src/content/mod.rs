//! Content: finding the posts under `posts/`, splitting and parsing their frontmatter, and
//! turning each into a validated [`Post`]. Every problem in every file is reported, positioned
//! in that file; nothing here renders HTML or writes files.

mod actions;
mod cpd;
pub mod date;
mod fields;
pub mod frontmatter;
mod page;
mod post;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

pub use actions::ActionItem;
pub use cpd::CpdActivity;
pub use date::PostDate;
pub use page::{MenuPlace, SitePage, WrittenPage};
pub use post::{Comment, Post, PostContext, Term, slug_from_file_name};

use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::layout::{self, PAGES_DIR, POSTS_DIR, Walk};
use crate::text::line_column;

/// Largest post file read: a long reflection is tens of KiB.
pub const POST_SIZE_LIMIT: u64 = 16 * 1024 * 1024;

/// A frontmatter string that also accepts numbers and booleans (`tags: [2011]`), so writers
/// are not punished for YAML's typing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        (Scalar::deserialize(deserializer)?.text().map(Text))
            .ok_or_else(|| serde::de::Error::custom("expected text, found a list or a mapping"))
    }
}

/// One value of frontmatter as written: text, a number, a truth value, or something else (a
/// list or a mapping).
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Other(serde::de::IgnoredAny),
}

impl Scalar {
    /// The value as text, if it is one value (`2011` is "2011").
    pub(super) fn text(&self) -> Option<String> {
        match self {
            Self::Text(text) => Some(text.clone()),
            Self::Int(n) => Some(n.to_string()),
            Self::Float(f) => Some(f.to_string()),
            Self::Bool(b) => Some(b.to_string()),
            Self::Other(_) => None,
        }
    }
}

/// Every `*.md` file under `posts/`, at any depth, sorted by path so output is deterministic.
/// Unreadable entries, symlink loops and links out of the site are reported.
pub fn find_posts(site_dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let spec = Walk { folder: Path::new(POSTS_DIR), skip_hidden: true, keep: layout::is_markdown, verb: "read" };
    Ok(layout::walk(site_dir, spec)?.into_iter().map(|found| found.in_site).collect())
}

/// Every `*.md` file under `pages/`, sorted by path.
pub fn find_pages(site_dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let spec = Walk { folder: Path::new(PAGES_DIR), skip_hidden: true, keep: layout::is_markdown, verb: "read" };
    Ok(layout::walk(site_dir, spec)?.into_iter().map(|found| found.in_site).collect())
}

/// Reads and validates one standalone page (`relative` to the site).
pub fn read_page(site_dir: &Path, relative: &Path) -> Result<SitePage, Diagnostics> {
    let text = read_text(site_dir, relative)?;
    SitePage::from_source(relative, &text)
}

/// A post as read, with the text it was read from (lints point into it).
#[derive(Debug)]
pub struct Read {
    /// The validated post.
    pub post: Post,
    /// The whole file.
    pub text: String,
    /// Its links, undescribed images and prose, for the lints.
    pub marks: crate::markdown::BodyMarks,
}

/// Reads and validates one post (`relative` to the site): the post and its text, or every
/// problem found in it.
pub fn read_post(site_dir: &Path, relative: &Path, context: &PostContext<'_>) -> Result<Read, Diagnostics> {
    let text = read_text(site_dir, relative)?;
    let (post, marks) = Post::read(relative, &text, context)?;
    Ok(Read { post, text, marks })
}

/// A content file's text: at most [`POST_SIZE_LIMIT`] bytes of UTF-8.
fn read_text(site_dir: &Path, relative: &Path) -> Result<String, Diagnostics> {
    let path = site_dir.join(relative);
    let cannot_read =
        |e: std::io::Error| Diagnostics::from(Diagnostic::io(format!("cannot read: {e}")).in_file(relative));
    let size = std::fs::metadata(&path).map_err(cannot_read)?.len();
    if size > POST_SIZE_LIMIT {
        return Err(Diagnostics::from(
            Diagnostic::error(format!(
                "this file is {} MiB; a post is limited to {} MiB",
                size / (1024 * 1024),
                POST_SIZE_LIMIT / (1024 * 1024)
            ))
            .in_file(relative)
            .with_hint("split it into several posts, and put large files such as PDFs in static/"),
        ));
    }
    let bytes = std::fs::read(&path).map_err(cannot_read)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(e.as_bytes(), e.utf8_error().valid_up_to());
        Diagnostics::from(
            Diagnostic::error("this file is not valid UTF-8")
                .at(relative, line, column)
                .with_hint(format!("re-save {} as UTF-8 in your editor", display_path(relative))),
        )
    })?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::frontmatter::{ThingNumbers, Written, WrittenComment};
    use super::*;
    use crate::config::SiteConfig;
    use crate::programme::{NetworkRegistry, Programme};

    fn read_back(written: &Written, body: &str) -> Post {
        let config = SiteConfig::parse("title: T\nbase_url: https://x.org/\n").unwrap();
        let (programme, networks) = (Programme::from_config(&config), NetworkRegistry::from_config(&config).unwrap());
        let context = PostContext { programme: &programme, networks: &networks, frameworks: &config.frameworks };
        let text = written.to_file(body).unwrap();
        Post::from_source(Path::new("posts/2011-07-18-x.md"), &text, &context).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn what_new_and_import_write_reads_back_to_the_same_post() {
        let comment = |author: &str, body: &str, replies| WrittenComment {
            author: author.into(),
            date: Some("2011-07-20T09:30:00+01:00".into()),
            url: Some("https://helen.example.org/".into()),
            body: body.into(),
            replies,
        };
        let awkward =
            ["Thing 6: Online networks", "- not a list", "yes", "2011", "[x]: {y}", "\"quoted\" 'too'", "#1 ~ null"];
        for title in awkward {
            let written = Written {
                title: title.into(),
                date: "2011-07-18T21:15:00+01:00".into(),
                thing: ThingNumbers::of(vec![7, 6]),
                networks: vec!["LinkedIn".into(), "LISNPN".into()],
                tags: Some(vec!["2011".into(), "yes".into(), title.into()]),
                draft: true,
                model: Some("gibbs".into()),
                aliases: vec!["https://old.example.org/2011/07/18/x/".into()],
                comments: vec![comment(
                    "Helen: \"hi\"",
                    "First *reply*\n\nwith: colons",
                    vec![comment("Alex", "no", vec![])],
                )],
            };
            let post = read_back(&written, "Body\n");
            assert_eq!(post.title, title);
            assert_eq!(post.date.rfc3339(), "2011-07-18T21:15:00+01:00");
            assert_eq!(post.things, [6, 7]);
            assert_eq!(post.networks.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["LinkedIn", "LISNPN"]);
            assert_eq!(post.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>()[..2], ["2011", "yes"]);
            assert!(post.draft);
            assert_eq!(post.model, Some(crate::config::ReflectionModel::Gibbs));
            let aliases: Vec<crate::route::Route> =
                written.aliases.iter().map(|a| crate::route::Route::alias(a).unwrap()).collect();
            assert_eq!(post.aliases, aliases);
            assert_eq!(post.comment_count, 2);
            let (first, reply) = (&post.comments[0], &post.comments[0].replies[0]);
            assert_eq!(
                (first.author.as_str(), first.body.as_str()),
                ("Helen: \"hi\"", "First *reply*\n\nwith: colons")
            );
            assert_eq!(first.url.as_deref(), Some("https://helen.example.org/"));
            assert_eq!(first.date.as_ref().map(PostDate::rfc3339).as_deref(), Some("2011-07-20T09:30:00+01:00"));
            assert_eq!(reply.author, "Alex");
            assert_eq!(post.body, "Body\n");
        }
        let new_post = Written {
            title: "Thing 1: Blogging".into(),
            date: "2011-06-20".into(),
            tags: Some(Vec::new()),
            ..Written::default()
        };
        let post = read_back(&new_post, "Prompt\n");
        assert!(post.tags.is_empty() && post.things.is_empty() && !post.draft);
        assert_eq!(post.date.iso(), "2011-06-20");
    }
}
