//! WordPress exports (WXR 1.0 to 1.2, from Tools → Export): one `<item>` per post, page,
//! attachment or menu item, comments inside their post.

use std::path::Path;

use chrono::{FixedOffset, NaiveDateTime, TimeZone};

use super::xml::{self, Node, XmlError};
use super::{ImportedComment, ImportedPost, ReadCounts, convert, thread, web_url};

/// Streams the export at `path`, handing each post to `post`.
pub fn read(path: &Path, post: &mut dyn FnMut(ImportedPost) -> Result<(), String>) -> Result<ReadCounts, XmlError> {
    let mut counts = ReadCounts::default();
    let root_name = std::cell::RefCell::new(String::new());
    xml::stream(path, "item", &mut |root| *root_name.borrow_mut() = root.to_string(), &mut |item| {
        let root_name = root_name.borrow();
        if *root_name != "rss" {
            return Err(format!("this is not a WordPress export: its root element is <{root_name}>, not <rss>"));
        }
        let kind = item.text_of("wp:post_type");
        let status = item.text_of("wp:status");
        if kind != "post" && kind != "page" {
            let title = convert::decode_entities(&item.text_of("title"));
            counts.reject(&item, if kind.is_empty() { "unknown".into() } else { kind }, title);
            return Ok(());
        }
        if status == "trash" || status == "auto-draft" || status == "inherit" {
            counts.reject(&item, format!("post ({status})"), convert::decode_entities(&item.text_of("title")));
            return Ok(());
        }
        let mut imported = read_post(&item, &status, &mut counts);
        if kind == "page" {
            imported.page = Some(item.text_of("wp:menu_order").parse().unwrap_or(0));
        }
        if !item.text_of("wp:post_password").is_empty() {
            counts.password_protected += 1;
        }
        post(imported)
    })?;
    let root_name = root_name.into_inner();
    if root_name != "rss" {
        return Err(XmlError {
            line: 1,
            column: 1,
            message: format!("this is not a WordPress export (root element <{root_name}>)"),
        });
    }
    Ok(counts)
}

fn read_post(item: &Node, status: &str, counts: &mut ReadCounts) -> ImportedPost {
    let title = convert::strip_tags(&item.text_of("title"));
    let posted = date(&item.text_of("wp:post_date"), &item.text_of("wp:post_date_gmt"));
    let tags = item
        .children_named("category")
        // WXR 1.1 and later say `post_tag`; WXR 1.0 said `tag`.
        .filter(|c| matches!(c.attribute("domain"), Some("category" | "post_tag" | "tag")))
        .map(|c| convert::decode_entities(c.text.trim()))
        .filter(|t| !t.is_empty() && t != "Uncategorized")
        .fold(Vec::<String>::new(), |mut tags, tag| {
            if !tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
                tags.push(tag);
            }
            tags
        });
    let slug = percent_encoding::percent_decode_str(&item.text_of("wp:post_name")).decode_utf8_lossy().into_owned();
    let mut comments = Vec::new();
    for comment in item.children_named("wp:comment") {
        let approved = comment.text_of("wp:comment_approved");
        let kind = comment.text_of("wp:comment_type");
        let dropped = match (kind.as_str(), approved.as_str()) {
            ("pingback" | "trackback", _) => Some(kind.clone()),
            (_, "1") => None,
            (_, "spam") => Some("spam".into()),
            (_, "trash" | "post-trashed") => Some("trash".into()),
            _ => Some("unapproved".into()),
        };
        if let Some(reason) = dropped {
            *counts.comments_dropped.entry(reason).or_default() += 1;
            continue;
        }
        let parent = Some(comment.text_of("wp:comment_parent")).filter(|p| !p.is_empty() && p != "0");
        comments.push((
            comment.text_of("wp:comment_id"),
            parent,
            ImportedComment {
                author: convert::strip_tags(&comment.text_of("wp:comment_author")),
                date: Some(date(&comment.text_of("wp:comment_date"), &comment.text_of("wp:comment_date_gmt")))
                    .filter(|d| !d.is_empty()),
                url: web_url(&comment.text_of("wp:comment_author_url")),
                body: convert::comment_body(&comment.text_of("wp:comment_content"), true),
                replies: Vec::new(),
            },
        ));
    }
    ImportedPost {
        title,
        date: posted,
        slug,
        // A password-protected post was never public: it comes across as a draft.
        draft: matches!(status, "draft" | "pending" | "private") || !item.text_of("wp:post_password").is_empty(),
        tags,
        old_url: web_url(&item.text_of("link")),
        body: convert::post_body(&item.text_of("content:encoded"), true),
        comments: thread(comments),
        page: None,
    }
}

/// `2011-07-18 21:15:00` local with its GMT twin → `2011-07-18T21:15:00+01:00`. Drafts and
/// some old exports have no GMT time (`0000-00-00 00:00:00`): then the local time is kept,
/// labelled UTC (`2011-07-18T21:15:00+00:00`), since RFC 3339 needs an offset and the day
/// and time the writer saw matter more than the instant.
fn date(local: &str, gmt: &str) -> String {
    let parse = |s: &str| NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S").ok();
    match (parse(local), parse(gmt)) {
        (Some(local), Some(gmt)) => {
            let seconds = (local - gmt).num_seconds();
            let offset = i32::try_from(seconds)
                .ok()
                .filter(|s| s.abs() < 86_400)
                .and_then(FixedOffset::east_opt)
                .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
            match offset.from_local_datetime(&local).single() {
                Some(t) => t.to_rfc3339(),
                None => local.format("%Y-%m-%d").to_string(),
            }
        }
        (Some(local), None) => local.and_utc().to_rfc3339(),
        // A day without a (valid) time keeps the day; anything else stays as written, so the
        // import names it in its error.
        _ => {
            let written = local.trim();
            match written.get(..10) {
                Some(day) if chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok() => day.to_string(),
                _ => written.to_string(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_keep_their_offset() {
        assert_eq!(date("2011-07-18 21:15:00", "2011-07-18 20:15:00"), "2011-07-18T21:15:00+01:00");
        assert_eq!(date("2011-07-18 21:15:00", "0000-00-00 00:00:00"), "2011-07-18T21:15:00+00:00");
        assert_eq!(date("2011-01-05 09:00:00", "2011-01-05 14:00:00"), "2011-01-05T09:00:00-05:00");
    }
}
