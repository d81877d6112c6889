//! What a reader reads of a body, without markup: the text of every block, its headings, and
//! its first paragraph. One pass over the Markdown gives all three, for the summary on lists,
//! the words of the search index and the excerpts of its results.

use std::ops::Range;

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

/// Where a body links and what it leaves undescribed, found in the same pass as its text: what
/// the lints check, so a post's Markdown is read once for its summary, its search words and
/// its warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyMarks {
    /// Each link and image: its byte offset in the body, its destination, whether an image.
    pub links: Vec<(usize, String, bool)>,
    /// Offsets of images without alternative text.
    pub bare_images: Vec<usize>,
    /// Ranges of plain prose (not code, link targets, image descriptions or HTML), in order.
    pub prose: Vec<Range<usize>>,
}

/// The plain text of a Markdown body: what a reader reads, without markup, link targets or
/// HTML tags (the text between tags is kept: imported posts are full of HTML) or comments.
/// The first paragraph takes only its Markdown text, as a summary should.
pub fn plain_text(markdown: &str) -> PlainText {
    read_body(markdown).0
}

/// A body's plain text and its marks, in one pass.
pub fn read_body(markdown: &str) -> (PlainText, BodyMarks) {
    let mut marks = BodyMarks::default();
    // The image being read: where it starts, and whether it has a description yet.
    let mut image: Option<(usize, bool)> = None;
    // The text is about the Markdown's length (tags and entities only shrink): one
    // allocation, never a growing copy.
    let mut out = PlainText { text: String::with_capacity(markdown.len()), ..PlainText::default() };
    let mut in_heading = false;
    // None before the first paragraph with text, Some(true) inside a paragraph while it is
    // still wanted, Some(false) once it is taken.
    let mut paragraph: Option<bool> = None;
    for (event, range) in super::events(markdown) {
        mark(&event, range, &mut image, &mut marks);
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
    (out, marks)
}

/// Notes what `event` (at `range`) adds to the body's marks.
fn mark(event: &Event<'_>, range: Range<usize>, image: &mut Option<(usize, bool)>, marks: &mut BodyMarks) {
    match event {
        Event::Start(Tag::Link { dest_url, .. }) => marks.links.push((range.start, dest_url.to_string(), false)),
        Event::Start(Tag::Image { dest_url, .. }) => {
            marks.links.push((range.start, dest_url.to_string(), true));
            *image = Some((range.start, false));
        }
        Event::Text(t) | Event::Code(t) if image.is_some() => {
            if let Some((_, described)) = image.as_mut() {
                *described |= !t.trim().is_empty();
            }
        }
        Event::End(TagEnd::Image) => {
            if let Some((start, false)) = image.take() {
                marks.bare_images.push(start);
            }
        }
        Event::Text(_) => marks.prose.push(range),
        _ => {}
    }
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

    #[test]
    fn marks_find_links_undescribed_images_and_prose() {
        let body = "See [my plan](/plan/) and ![](map.png) and ![A map](map2.png).\n\n<!-- [hidden](/x/) -->\n\n`code` words\n";
        let (_, marks) = read_body(body);
        let links: Vec<(&str, bool)> = marks.links.iter().map(|(_, url, image)| (url.as_str(), *image)).collect();
        assert_eq!(links, [("/plan/", false), ("map.png", true), ("map2.png", true)]);
        assert_eq!(marks.bare_images, [body.find("![](").unwrap()]);
        let prose: Vec<&str> = marks.prose.iter().map(|r| &body[r.clone()]).collect();
        assert_eq!(prose, ["See ", "my plan", " and ", " and ", ".", " words"]);
    }
}
