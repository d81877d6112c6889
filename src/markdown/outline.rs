//! A body's HTML comments, and its outline. Comments (`<!-- … -->`, the guidance `cpdblog
//! new` writes under each heading) are never part of what a reader sees: [`events`] is the
//! Markdown with them left out, for the page, the feeds and the search index alike. The
//! [`Outline`] is the headings with the ids the page gives them, what each section holds and
//! the task items (`- [ ] …`) under them: what the reflection lints and the action plan read.

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Ids, OPTIONS, unique_id};
use crate::text::slugify;

/// `html` without its comments; a comment never closed runs to the end.
pub fn strip_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find("<!--") {
        out.push_str(&rest[..open]);
        let inside = &rest[open + 4..];
        // `<!-->` and `<!--->` are empty comments, closed at once.
        let close = if inside.starts_with('>') {
            Some(1)
        } else if inside.starts_with("->") {
            Some(2)
        } else {
            inside.find("-->").map(|at| at + 3)
        };
        rest = close.map_or("", |at| &inside[at..]);
    }
    out.push_str(rest);
    out
}

/// The Markdown events of `source` with their byte ranges, its HTML comments left out: a
/// block of HTML comes as one `Html` event (its lines joined, its comments removed) or, when
/// it held only comments, not at all; an inline comment is dropped.
pub fn events(source: &str) -> impl Iterator<Item = (Event<'_>, Range<usize>)> {
    let mut inner = Parser::new_ext(source, OPTIONS).into_offset_iter();
    let mut pending: VecDeque<(Event<'_>, Range<usize>)> = VecDeque::new();
    std::iter::from_fn(move || {
        loop {
            if let Some(next) = pending.pop_front() {
                return Some(next);
            }
            let (event, range) = inner.next()?;
            match event {
                Event::Start(Tag::HtmlBlock) => {
                    let (mut html, start, mut end) = (String::new(), range.start, range.end);
                    for (event, range) in inner.by_ref() {
                        end = end.max(range.end);
                        match event {
                            Event::Html(h) => html.push_str(&h),
                            Event::End(TagEnd::HtmlBlock) => break,
                            _ => {}
                        }
                    }
                    let kept = strip_comments(&html);
                    if !kept.trim().is_empty() {
                        pending.push_back((Event::Start(Tag::HtmlBlock), start..start));
                        pending.push_back((Event::Html(kept.into()), start..end));
                        pending.push_back((Event::End(TagEnd::HtmlBlock), end..end));
                    }
                }
                Event::InlineHtml(h) if h.starts_with("<!--") => {}
                event => return Some((event, range)),
            }
        }
    })
}

/// A heading of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`…
    pub level: usize,
    /// Its text, as a reader sees it.
    pub text: String,
    /// The `id` the page gives it (the same rule as the renderer's, so links reach it).
    pub id: String,
    /// Byte range in the body.
    pub range: Range<usize>,
}

/// A task item (`- [ ] …`, `- [x] …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Byte offset of its list item in the body.
    pub offset: usize,
    /// Ticked.
    pub done: bool,
    /// Its text, as a reader sees it (nested lists left out).
    pub text: String,
}

/// A body's headings, where something visible stands, and its task items.
#[derive(Debug, Default)]
pub struct Outline {
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// Visible text outside headings, at its offset.
    texts: Vec<(usize, String)>,
    /// Offsets of other visible things: images, rules, HTML, task boxes.
    marks: Vec<usize>,
    /// Every task item, in order.
    pub tasks: Vec<Task>,
}

impl Outline {
    /// Reads the outline of a Markdown body in one pass.
    pub fn of(body: &str) -> Self {
        let mut outline = Outline::default();
        let mut ids = Ids::default();
        let mut heading: Option<(usize, Option<String>, String, usize)> = None;
        let mut item_start = 0;
        let mut task: Option<Task> = None;
        for (event, range) in events(body) {
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    heading = Some((level as usize, id.map(|i| i.to_string()), String::new(), range.start));
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, written, text, start)) = heading.take() {
                        let id = unique_id(written.unwrap_or_else(|| slugify(&text)), &mut ids);
                        outline.headings.push(Heading { level, text, id, range: start..range.end });
                    }
                }
                Event::Text(t) | Event::Code(t) => match (&mut heading, &mut task) {
                    (Some((_, _, text, _)), _) => text.push_str(&t),
                    (None, task) => {
                        if let Some(task) = task {
                            task.text.push_str(&t);
                        }
                        if !t.trim().is_empty() {
                            outline.texts.push((range.start, t.to_string()));
                        }
                    }
                },
                Event::SoftBreak | Event::HardBreak => task.iter_mut().for_each(|t| t.text.push(' ')),
                Event::Start(Tag::Item) => item_start = range.start,
                Event::TaskListMarker(done) => {
                    outline.marks.push(range.start);
                    task = Some(Task { offset: item_start, done, text: String::new() });
                }
                Event::Start(Tag::List(_)) | Event::End(TagEnd::Item) => outline.finish(task.take()),
                Event::Html(_) | Event::InlineHtml(_) | Event::Rule | Event::FootnoteReference(_) => {
                    outline.marks.push(range.start)
                }
                Event::Start(Tag::Image { .. }) => outline.marks.push(range.start),
                _ => {}
            }
        }
        outline.finish(task);
        outline
    }

    fn finish(&mut self, task: Option<Task>) {
        if let Some(mut task) = task {
            task.text = task.text.split_whitespace().collect::<Vec<_>>().join(" ");
            self.tasks.push(task);
        }
    }

    /// The body of heading `i`'s section: from the heading's end to the next heading of the
    /// same or a higher level (`##` ends at the next `##` or `#`), or the end of the body.
    pub fn section(&self, i: usize, body_len: usize) -> Range<usize> {
        let heading = &self.headings[i];
        let end = self.headings[i + 1..].iter().find(|h| h.level <= heading.level).map_or(body_len, |h| h.range.start);
        heading.range.end..end
    }

    /// True when a section shows a reader nothing: no text, image, list or subheading, only
    /// white space and comments.
    pub fn is_empty(&self, section: &Range<usize>) -> bool {
        let inside = |offset: &usize| section.contains(offset);
        !self.texts.iter().any(|(offset, _)| inside(offset))
            && !self.marks.iter().any(inside)
            && !self.headings.iter().any(|h| inside(&h.range.start))
    }

    /// The visible text of a section, its pieces joined by spaces.
    pub fn text_in(&self, section: &Range<usize>) -> String {
        let pieces = self.texts.iter().filter(|(offset, _)| section.contains(offset));
        pieces.map(|(_, text)| text.as_str()).collect::<Vec<_>>().join(" ")
    }

    /// The task items of a section.
    pub fn tasks_in<'a>(&'a self, section: &'a Range<usize>) -> impl Iterator<Item = &'a Task> + 'a {
        self.tasks.iter().filter(move |task| section.contains(&task.offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_left_out_wherever_they_stand() {
        assert_eq!(strip_comments("a<!-- x -->b<!---->c<!-->d<!-- never closed"), "abcd");
        let body = "## What?\n\n<!-- one -->\n\n<!--\nsplit\nover lines\n-->\n\nText <!-- inline\nover two --> more\n\n<div>kept<!-- x --></div>\n";
        let seen: Vec<String> = events(body)
            .filter_map(|(e, _)| match e {
                Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => Some(t.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(seen, ["What?", "Text ", " more", "<div>kept</div>\n"]);
    }

    #[test]
    fn sections_ids_emptiness_and_tasks() {
        let body = "## Now what?\n<!-- guidance -->\n\n## Now what?\n\n- [ ] Ask *Sam*\n  - [x] nested\n- [x] Done\n- plain\n\n### Sub\n\n# Top {#top}\n";
        let outline = Outline::of(body);
        let ids: Vec<&str> = outline.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["now-what", "now-what-1", "sub", "top"]);
        let first = outline.section(0, body.len());
        assert!(outline.is_empty(&first));
        let second = outline.section(1, body.len());
        assert!(!outline.is_empty(&second));
        assert_eq!(&body[second.end..], "# Top {#top}\n", "a ### stays inside the ## section");
        let tasks: Vec<(bool, &str)> = outline.tasks_in(&second).map(|t| (t.done, t.text.as_str())).collect();
        assert_eq!(tasks, [(false, "Ask Sam"), (true, "nested"), (true, "Done")]);
        assert_eq!(&body[outline.tasks[0].offset..outline.tasks[0].offset + 5], "- [ ]");
        assert_eq!(outline.text_in(&first), "");
    }
}
