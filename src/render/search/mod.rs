//! Full-text search without a server, after Pagefind's design. Every post and page is a
//! document with a number; its words are filed by their first two letters into small files
//! (`search/words/th.json`: each word with the documents holding it, by the best place it
//! holds it: title, Thing/network/tag, heading or text), so a query downloads only the files
//! of the words typed, never the whole index. Each document's title, address and text (for
//! the excerpt) are a file of their own (`search/docs/N.json`), fetched for the results shown.
//! `search/meta.json` lists the files that exist, the Things, networks and tags (for jumps).
//!
//! Words are folded the way the theme's search.js folds a query: lower case, accents
//! removed, split at anything not a letter or digit. The two must agree.

mod documents;
mod files;
mod words;

pub use documents::DocInputs;
pub use files::{Corpus, Meta};
use words::Field;
pub use words::{DocWords, key_name};

use pulldown_cmark::{Event, Tag, TagEnd};

/// Longest plain text kept for a document's excerpts; the words after it are still found.
pub const TEXT_LIMIT: usize = 24 * 1024;

/// The words of a document with `title`, filed under `terms` (Thing labels, network and tag
/// names), with the plain text `body` (see [`body_text`]).
pub fn doc_words(title: &str, terms: &[&str], body: &BodyText) -> DocWords {
    let terms = terms.join("\n");
    DocWords::new([
        (Field::Title, title),
        (Field::Terms, terms.as_str()),
        (Field::Heading, body.headings.as_str()),
        (Field::Text, body.text.as_str()),
    ])
}

/// A document's text in the two places the body holds it.
#[derive(Debug, Default)]
pub struct BodyText {
    /// The headings, one a line.
    pub headings: String,
    /// All the text in reading order, headings included: one block a line.
    pub text: String,
}

/// The plain text of a Markdown body: what a reader reads, without markup, link targets or
/// HTML tags (the text between tags is kept: imported posts are full of HTML) or comments.
pub fn body_text(markdown: &str) -> BodyText {
    let mut out = BodyText::default();
    let mut in_heading = false;
    for (event, _) in crate::markdown::events(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                out.headings.push('\n');
                out.text.push('\n');
            }
            Event::Text(t) | Event::Code(t) => {
                if in_heading {
                    out.headings.push_str(&t);
                }
                out.text.push_str(&t);
            }
            Event::Html(h) | Event::InlineHtml(h) => text_of_html(&h, &mut out.text),
            Event::SoftBreak | Event::HardBreak => out.text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) if !out.text.ends_with('\n') && !out.text.is_empty() => out.text.push('\n'),
            _ => {}
        }
    }
    out
}

/// The text between the tags of an HTML fragment, with the few entities imports hold
/// decoded; the contents of `<script>` and `<style>` left out.
fn text_of_html(html: &str, out: &mut String) {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_decoded(&rest[..open], out);
        let after = &rest[open..];
        let lower_start: String = after.chars().take(7).collect::<String>().to_ascii_lowercase();
        let skip_to = if lower_start.starts_with("<script") {
            Some("</script>")
        } else if lower_start.starts_with("<style") {
            Some("</style>")
        } else {
            None
        };
        rest = match skip_to {
            Some(end) => match after.to_ascii_lowercase().find(end) {
                Some(at) => &after[at + end.len()..],
                None => "",
            },
            None => match after.find('>') {
                Some(at) => {
                    out.push(' ');
                    &after[at + 1..]
                }
                None => "",
            },
        };
    }
    push_decoded(rest, out);
}

fn push_decoded(text: &str, out: &mut String) {
    if text.contains('&') {
        out.push_str(&crate::text::decode_entities(text));
    } else {
        out.push_str(text);
    }
}

/// `text` cut to at most [`TEXT_LIMIT`] bytes at a character boundary.
pub fn limited(text: &str) -> &str {
    if text.len() <= TEXT_LIMIT {
        return text;
    }
    let mut end = TEXT_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_text_keeps_what_readers_read() {
        let body = body_text(
            "Intro with [a link](https://x.org/) and `code`.\n\n## My networks\n\n- LinkedIn\n- X\n\n<figure><img src=\"a.png\"><figcaption>A &amp; B</figcaption></figure>\n\n<script>var secret = 1;</script>\n\n<!--\nguidance\n-->\n",
        );
        assert_eq!(body.headings, "My networks\n");
        assert!(body.text.starts_with("Intro with a link and code.\nMy networks\nLinkedIn\nX\n"), "{:?}", body.text);
        assert!(body.text.contains("A & B"), "{:?}", body.text);
        assert!(!body.text.contains("secret") && !body.text.contains("https") && !body.text.contains("img"));
        assert!(!body.text.contains("guidance"), "comments are nobody's text");
    }

    #[test]
    fn long_text_is_cut_at_a_character() {
        let text = "é".repeat(TEXT_LIMIT);
        let cut = limited(&text);
        assert!(cut.len() <= TEXT_LIMIT && cut.chars().all(|c| c == 'é'));
    }
}
