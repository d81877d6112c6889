//! Blogger exports, both kinds: the classic Atom backup (an entry's kind in a `#kind`
//! category, drafts as `app:draft`, comments tied to posts by `thr:in-reply-to` and to the
//! comment they answer by a `related` link) and the newer export (`blogger:type`,
//! `blogger:status`, `blogger:parent`, `blogger:filename`). Comments come as entries of their
//! own, so the file is read twice: comments first (kept by post), then posts.

use std::collections::HashMap;
use std::path::Path;

use super::xml::{self, Node, XmlError};
use super::{ImportedComment, ImportedPost, ReadCounts, convert, thread, web_url};

const KIND_SCHEME: &str = "http://schemas.google.com/g/2005#kind";

/// What an entry is.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Post,
    Comment,
    Other(String),
}

fn kind(entry: &Node) -> Kind {
    if let Some(t) = entry.child("blogger:type") {
        return match t.text.trim().to_ascii_uppercase().as_str() {
            "POST" => Kind::Post,
            "COMMENT" => Kind::Comment,
            other => Kind::Other(other.to_ascii_lowercase()),
        };
    }
    let term = entry
        .children_named("category")
        .find(|c| c.attribute("scheme") == Some(KIND_SCHEME))
        .and_then(|c| c.attribute("term"))
        .unwrap_or_default();
    match term.rsplit('#').next().unwrap_or_default() {
        "post" => Kind::Post,
        "comment" => Kind::Comment,
        "" => Kind::Other("unknown".into()),
        other => Kind::Other(other.to_string()),
    }
}

/// The number at the end of a Blogger id (`tag:blogger.com,1999:blog-1.post-42` → `42`) or
/// of a feed URL (`…/comments/default/42` → `42`).
fn short_id(id: &str) -> String {
    let id = id.trim().trim_end_matches('/');
    let tail = id.rsplit(['/', '-', '.']).next().unwrap_or(id);
    tail.strip_prefix("post").unwrap_or(tail).to_string()
}

/// A comment as [`thread`] takes it: its id, the id of the comment it answers, the comment.
type Threadable = (String, Option<String>, ImportedComment);

/// A comment, with the id of the post it belongs to.
type Found = (String, Threadable);

/// Comments by the id of their post.
type ByPost = HashMap<String, Vec<Threadable>>;

/// Streams the export at `path`, handing each post with its comments to `post`.
pub fn read(path: &Path, post: &mut dyn FnMut(ImportedPost) -> Result<(), String>) -> Result<ReadCounts, XmlError> {
    let mut counts = ReadCounts::default();
    // Pass 1: comments, by the post they belong to.
    let mut comments: ByPost = HashMap::new();
    let root_name = std::cell::RefCell::new(String::new());
    xml::stream(path, "entry", &mut |root| *root_name.borrow_mut() = root.to_string(), &mut |entry| {
        if *root_name.borrow() != "feed" {
            return Err(format!(
                "this is not a Blogger export: its root element is <{}>, not <feed>",
                root_name.borrow()
            ));
        }
        if kind(&entry) == Kind::Comment
            && let Some((post_id, comment)) = comment_of(&entry, &mut counts)
        {
            comments.entry(post_id).or_default().push(comment);
        }
        Ok(())
    })?;
    if *root_name.borrow() != "feed" {
        return Err(XmlError {
            line: 1,
            column: 1,
            message: format!("this is not a Blogger export (root element <{}>)", root_name.borrow()),
        });
    }
    // Pass 2: posts.
    xml::stream(path, "entry", &mut |_| {}, &mut |entry| match kind(&entry) {
        Kind::Post => match post_of(&entry, &mut comments) {
            Some(imported) => post(imported),
            None => {
                counts.reject(&entry, "post (trash)".into(), convert::decode_entities(&entry.text_of("title")));
                Ok(())
            }
        },
        Kind::Comment => Ok(()),
        // A Blogger page (About me) is a page of the new site; Blogger gives pages no order.
        Kind::Other(kind) if kind == "page" => match post_of(&entry, &mut comments) {
            Some(imported) => post(ImportedPost { page: Some(0), ..imported }),
            None => {
                counts.reject(&entry, "page (trash)".into(), convert::decode_entities(&entry.text_of("title")));
                Ok(())
            }
        },
        Kind::Other(kind) => {
            let title = convert::decode_entities(&entry.text_of("title"));
            counts.reject(&entry, kind, title);
            Ok(())
        }
    })?;
    Ok(counts)
}

/// A live comment with its post's id, or None (counted) for one that is not kept.
fn comment_of(entry: &Node, counts: &mut ReadCounts) -> Option<Found> {
    let status = entry.text_of("blogger:status").to_ascii_uppercase();
    if !status.is_empty() && status != "LIVE" {
        let reason = if status.contains("SPAM") {
            "spam"
        } else if status.contains("TRASH") || status == "DELETED" {
            "trash"
        } else {
            "unapproved"
        };
        *counts.comments_dropped.entry(reason.into()).or_default() += 1;
        return None;
    }
    let id_in = |name: &str| Some(entry.text_of(name)).filter(|p| !p.is_empty()).map(|p| short_id(&p));
    let post_id = entry.child("thr:in-reply-to").and_then(|r| r.attribute("ref")).map(short_id);
    let Some(post_id) = post_id.or_else(|| id_in("blogger:parent")) else {
        *counts.comments_dropped.entry("without a post".into()).or_default() += 1;
        return None;
    };
    let parent = entry
        .children_named("link")
        .find(|l| l.attribute("rel") == Some("related"))
        .and_then(|l| l.attribute("href"))
        .map(short_id)
        .or_else(|| id_in("blogger:inReplyTo"));
    let author = entry.child("author");
    let comment = ImportedComment {
        author: author
            .map(|a| convert::strip_tags(&a.text_of("name")))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Anonymous".into()),
        url: author.and_then(|a| web_url(&a.text_of("uri"))),
        date: Some(entry.text_of("published")).filter(|d| !d.is_empty()).map(|d| tidy_date(&d)),
        body: convert::comment_body(&entry.text_of("content"), false),
        replies: Vec::new(),
    };
    Some((post_id, (short_id(&entry.text_of("id")), parent, comment)))
}

/// A post with its threaded comments (taken from `comments`), or None for one in the trash.
fn post_of(entry: &Node, comments: &mut ByPost) -> Option<ImportedPost> {
    let status = entry.text_of("blogger:status").to_ascii_uppercase();
    if status.contains("TRASH") || status == "DELETED" {
        return None;
    }
    let draft = status == "DRAFT"
        || entry.child("app:control").is_some_and(|c| c.text_of("app:draft").eq_ignore_ascii_case("yes"));
    let url = entry
        .children_named("link")
        .find(|l| l.attribute("rel") == Some("alternate"))
        .and_then(|l| l.attribute("href"))
        .map(str::to_string);
    let page = url.clone().unwrap_or_else(|| entry.text_of("blogger:filename"));
    let slug = page.rsplit('/').next().unwrap_or_default().trim_end_matches(".html").to_string();
    let tags = entry
        .children_named("category")
        .filter(|c| c.attribute("scheme") != Some(KIND_SCHEME))
        .filter_map(|c| c.attribute("term").map(str::to_string))
        .filter(|t| !t.starts_with("http://schemas.google.com/"))
        .collect();
    let id = short_id(&entry.text_of("id"));
    let date = Some(entry.text_of("published")).filter(|d| !d.is_empty()).unwrap_or_else(|| entry.text_of("updated"));
    Some(ImportedPost {
        title: convert::strip_tags(&entry.text_of("title")),
        date: tidy_date(&date),
        slug,
        draft,
        tags,
        old_url: url.as_deref().and_then(web_url),
        body: convert::post_body(&entry.text_of("content"), false),
        comments: thread(comments.remove(&id).unwrap_or_default()),
        page: None,
    })
}

/// `2011-07-18T21:15:00.000+01:00` → `2011-07-18T21:15:00+01:00` (RFC 3339, offset kept).
fn tidy_date(date: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(date.trim()) {
        Ok(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        Err(_) => date.trim().get(..10).unwrap_or("1970-01-01").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_dates() {
        assert_eq!(short_id("tag:blogger.com,1999:blog-123.post-456"), "456");
        assert_eq!(short_id("http://www.blogger.com/feeds/123/456/comments/default/789"), "789");
        assert_eq!(tidy_date("2011-07-18T21:15:00.000+01:00"), "2011-07-18T21:15:00+01:00");
    }
}
