//! A small HTML tag scanner for the conversion's own passes: tags with their places,
//! attributes, and the end tag that matches a start tag.

use super::decode_entities;

/// Elements that start and end a block: a line break next to one shows nothing, and
/// WordPress's paragraph rules do not wrap them in `<p>`.
pub(super) const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "col",
    "colgroup",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "legend",
    "li",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

pub(super) fn is_block(name: &str) -> bool {
    BLOCKS.contains(&name)
}

/// A tag in HTML text: where it is, its lower-cased name, and whether it closes.
#[derive(Debug, Clone)]
pub(super) struct Tag {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) name: String,
    pub(super) close: bool,
}

/// The next tag at or after byte `from`; comments are stepped over.
pub(super) fn next_tag(html: &str, from: usize) -> Option<Tag> {
    let mut i = from;
    while let Some(offset) = html.get(i..)?.find('<') {
        let at = i + offset;
        let rest = &html[at + 1..];
        if rest.starts_with("!--") {
            i = rest.find("-->").map_or(html.len(), |e| at + 1 + e + 3);
            continue;
        }
        let close = rest.starts_with('/');
        let name_start = at + 1 + usize::from(close);
        let after = &html[name_start..];
        let name_len = after.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(after.len());
        if name_len == 0 || !after.as_bytes()[0].is_ascii_alphabetic() {
            i = at + 1;
            continue;
        }
        let attrs_at = name_start + name_len;
        let end = tag_end(&html[attrs_at..]).map(|e| attrs_at + e)?;
        return Some(Tag { start: at, end, name: html[name_start..attrs_at].to_ascii_lowercase(), close });
    }
    None
}

/// The byte after the `>` that ends a tag whose attributes start `text`, quotes respected.
pub(super) fn tag_end(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut after_equals = false;
    for (k, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && after_equals => quote = Some(c),
            None if c == '>' => return Some(k + 1),
            None => {}
        }
        if !c.is_whitespace() {
            after_equals = c == '=';
        }
    }
    // An unbalanced quote: the first `>` ends it.
    text.find('>').map(|k| k + 1)
}

/// Every tag of `html`, in order.
pub(super) fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(tag) = next_tag(html, at) {
        at = tag.end;
        out.push(tag);
    }
    out
}

/// The attributes of a start tag's text (`<a href="x" title='y'>`), values entity-decoded,
/// names lower-cased.
pub(super) fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let inner = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/');
    let mut rest = inner.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            break;
        }
        let name_end = rest.find(|c: char| c.is_whitespace() || c == '=').unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, next) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], body.get(end + 1..).unwrap_or(""))
                }
                _ => after.split_at(after.find(char::is_whitespace).unwrap_or(after.len())),
            };
            rest = next;
            decode_entities(value)
        } else {
            String::new()
        };
        if name.is_empty() {
            break;
        }
        out.push((name, value));
    }
    out
}

pub(super) fn attribute(tag: &str, name: &str) -> Option<String> {
    attributes(tag).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The close tag matching the start tag `open` (same name, nesting counted), if any.
pub(super) fn matching_close(html: &str, open: &Tag) -> Option<Tag> {
    let mut depth = 0usize;
    let mut at = open.end;
    while let Some(tag) = next_tag(html, at) {
        at = tag.end;
        if tag.name != open.name {
            continue;
        }
        if !tag.close {
            depth += 1;
        } else if depth == 0 {
            return Some(tag);
        } else {
            depth -= 1;
        }
    }
    None
}
