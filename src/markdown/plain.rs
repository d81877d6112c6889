//! What a reader reads of a body, without markup: the text of every block, its headings, and
//! its first paragraph. One pass over the Markdown gives all three, for the summary on lists,
//! the words of the search index and the excerpts of its results.

use pulldown_cmark::{Event, Tag, TagEnd};

/// A body's plain text, in the three shapes its readers use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PlainText {
    /// The headings, one a line.
    pub headings: String,
    /// All the text in reading order, headings included: one block a line.
    pub text: String,
    /// The text of the first paragraph holding any, as written (not cut, spaces not joined).
    pub first_paragraph: String,
}

/// The plain text of a Markdown body: what a reader reads, without markup, link targets or
/// HTML tags (the text between tags is kept: imported posts are full of HTML) or comments.
/// The first paragraph takes only its Markdown text, as a summary should.
pub fn plain_text(markdown: &str) -> PlainText {
    // The text is about the Markdown's length (tags and entities only shrink): one
    // allocation, never a growing copy.
    let mut out = PlainText { text: String::with_capacity(markdown.len()), ..PlainText::default() };
    let mut in_heading = false;
    // None before the first paragraph with text, Some(true) inside a paragraph while it is
    // still wanted, Some(false) once it is taken.
    let mut paragraph: Option<bool> = None;
    for (event, _) in super::events(markdown) {
        let in_first = paragraph == Some(true);
        match event {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                out.headings.push('\n');
                out.text.push('\n');
            }
            Event::Start(Tag::Paragraph) if paragraph.is_none() => paragraph = Some(true),
            Event::End(TagEnd::Paragraph) if in_first => {
                // A paragraph of only spaces is no summary: the next one is tried.
                if out.first_paragraph.trim().is_empty() {
                    out.first_paragraph.clear();
                    paragraph = None;
                } else {
                    paragraph = Some(false);
                }
                end_block(&mut out.text);
            }
            Event::Text(t) | Event::Code(t) => {
                if in_heading {
                    out.headings.push_str(&t);
                }
                if in_first {
                    out.first_paragraph.push_str(&t);
                }
                out.text.push_str(&t);
            }
            Event::Html(h) | Event::InlineHtml(h) => text_of_html(&h, &mut out.text),
            Event::SoftBreak | Event::HardBreak => {
                if in_first {
                    out.first_paragraph.push(' ');
                }
                out.text.push(' ');
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => end_block(&mut out.text),
            _ => {}
        }
    }
    // Posts keep their text for the whole build: no room to spare in it.
    out.text.shrink_to_fit();
    out
}

/// Ends a block of `text` with a line break, unless it ends with one already.
fn end_block(text: &mut String) {
    if !text.ends_with('\n') && !text.is_empty() {
        text.push('\n');
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_what_readers_read() {
        let body = plain_text(
            "Intro with [a link](https://x.org/) and `code`.\n\n## My networks\n\n- LinkedIn\n- X\n\n<figure><img src=\"a.png\"><figcaption>A &amp; B</figcaption></figure>\n\n<script>var secret = 1;</script>\n\n<!--\nguidance\n-->\n",
        );
        assert_eq!(body.headings, "My networks\n");
        assert!(body.text.starts_with("Intro with a link and code.\nMy networks\nLinkedIn\nX\n"), "{:?}", body.text);
        assert!(body.text.contains("A & B"), "{:?}", body.text);
        assert!(!body.text.contains("secret") && !body.text.contains("https") && !body.text.contains("img"));
        assert!(!body.text.contains("guidance"), "comments are nobody's text");
        assert_eq!(body.first_paragraph, "Intro with a link and code.");
    }

    #[test]
    fn the_first_paragraph_is_the_first_with_text_and_only_its_markdown() {
        let body = plain_text("# Title\n\n<p>html</p>\n\n- a list\n\nx<em>y</em>z\ngoes on\n\nSecond.\n");
        assert_eq!(body.first_paragraph, "xyz goes on", "tags between words leave no space");
        assert_eq!(plain_text("    code\n\n> quoted\n").first_paragraph, "quoted", "a paragraph in a quote counts");
        assert_eq!(plain_text("&nbsp;\n\nReal text\n").first_paragraph, "Real text", "a blank one is skipped");
        assert_eq!(plain_text("").first_paragraph, "");
    }
}
