//! Markdown to HTML with pulldown-cmark: CommonMark plus tables, footnotes, strikethrough,
//! task lists and smart punctuation; an `id` on every heading; fenced code highlighted by
//! [`crate::highlight`]; root-relative links given the site's base path; `javascript:` and
//! similar URLs neutralised. Archived comments (written by other people, often imported with
//! their HTML) are rendered the same way and then sanitised with ammonia: only harmless
//! formatting and http(s)/mailto links survive, and no images, which would be requests to
//! other hosts. HTML comments are left out everywhere ([`outline`]): nobody reads them.

mod outline;
mod plain;

use std::collections::HashSet;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Tag, TagEnd, html};

pub use outline::{Heading, Outline, Task, events, strip_comments};
pub use plain::{BodyMarks, PlainText, plain_text, read_body};

use crate::text::slugify;

/// The Markdown dialect of cpdblog, one set for pages, summaries and lints alike: CommonMark
/// plus tables, footnotes, strikethrough, task lists, smart punctuation and `{#id}` headings.
pub const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_SMART_PUNCTUATION)
    .union(Options::ENABLE_HEADING_ATTRIBUTES);

/// Renders Markdown for one site (the base path is needed to fix root-relative links).
#[derive(Debug, Clone)]
pub struct Markdown {
    base_path: String,
    /// Raw HTML in posts kept (`true`) or shown as text.
    raw_html: bool,
}

/// Sanitises a comment's HTML with the allow-list below; the importer uses it too, so an
/// imported comment is clean on disk as well as on the page.
pub fn sanitise_comment_html(html: &str) -> String {
    COMMENT_SANITISER.clean(html).to_string()
}

/// Deepest nesting of elements a comment is rendered with; deeper, it is shown as text.
pub const COMMENT_NESTING: usize = 64;

/// The allow-list for comments: ammonia's defaults (formatting, lists, quotes, code, tables,
/// links), without images, and with links only to http(s) and mail.
static COMMENT_SANITISER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .rm_tags(["img"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow noopener noreferrer ugc"));
    builder
});

impl Markdown {
    /// A renderer for a site served under `base_path` (`/` or `/cpd/`).
    pub fn new(base_path: &str) -> Self {
        Self { base_path: base_path.trim_end_matches('/').to_string(), raw_html: true }
    }

    /// With `keep` false, raw HTML in posts is shown as text (site.yaml `raw_html: false`).
    pub fn with_raw_html(mut self, keep: bool) -> Self {
        self.raw_html = keep;
        self
    }

    /// A post body. Raw HTML is kept, as WordPress and Blogger posts are full of it, unless
    /// the site says `raw_html: false`.
    pub fn render_post(&self, source: &str) -> String {
        self.render(source, self.raw_html)
    }

    /// An archived comment: Markdown with its HTML sanitised, so a comment can never inject
    /// script, styles, frames, forms or images; links get `rel="nofollow noopener noreferrer ugc"`.
    pub fn render_comment(&self, source: &str) -> String {
        let html = self.render(source, true);
        if crate::text::html_nesting(&html) > COMMENT_NESTING {
            // The sanitiser's work grows with the square of the depth: a comment of 60,000
            // `>` would take seconds. Nobody nests a real comment this deep; show it as text.
            let mut text = String::from("<p>");
            escape_into(source, &mut text, false);
            text.push_str("</p>");
            return text;
        }
        sanitise_comment_html(&html)
    }

    fn render(&self, source: &str, raw_html: bool) -> String {
        let mut events: Vec<Event<'_>> = Vec::new();
        let mut used_ids = Ids::default();
        let mut heading: Option<(usize, Option<CowStr<'_>>)> = None;
        let mut code: Option<(String, String)> = None;
        for (event, _) in outline::events(source) {
            if let Some((language, text)) = &mut code {
                match event {
                    Event::Text(t) => text.push_str(&t),
                    Event::End(TagEnd::CodeBlock) => {
                        events.push(Event::Html(code_block(language, text).into()));
                        code = None;
                    }
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let language = match kind {
                        CodeBlockKind::Fenced(info) => info.split([' ', ',', '{']).next().unwrap_or("").to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((language, String::new()));
                }
                Event::Start(Tag::Heading { ref id, .. }) => {
                    heading = Some((events.len(), id.clone()));
                    events.push(event);
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((start, written_id)) = heading.take() {
                        let text: String = events[start..]
                            .iter()
                            .filter_map(|e| match e {
                                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                                _ => None,
                            })
                            .collect();
                        let id = unique_id(
                            written_id.map(|i| i.to_string()).unwrap_or_else(|| slugify(&text)),
                            &mut used_ids,
                        );
                        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[start] {
                            *slot = Some(id.into());
                        }
                    }
                    events.push(event);
                }
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    let dest_url = self.fix_url(dest_url, false);
                    events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                }
                Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                    let dest_url = self.fix_url(dest_url, true);
                    events.push(Event::Start(Tag::Image { link_type, dest_url, title, id }));
                }
                Event::Html(h) | Event::InlineHtml(h) if !raw_html => events.push(Event::Text(h)),
                other => events.push(other),
            }
        }
        let mut out = String::with_capacity(source.len() + source.len() / 2);
        html::push_html(&mut out, events.into_iter());
        out
    }

    /// Neutralises script URLs and gives root-relative links the site's base path.
    fn fix_url<'a>(&self, url: CowStr<'a>, image: bool) -> CowStr<'a> {
        if is_unsafe_url(&url, image) {
            return CowStr::Borrowed("#");
        }
        if url.starts_with('/') && !url.starts_with("//") && !self.base_path.is_empty() {
            let already = url
                .strip_prefix(self.base_path.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']));
            if !already {
                return format!("{}{}", self.base_path, url).into();
            }
        }
        url
    }
}

/// True for `javascript:`, `vbscript:` and (except for raster images) `data:` URLs, however
/// they are spelled (case, spaces, control characters).
pub fn is_unsafe_url(url: &str, image: bool) -> bool {
    let normalised: String =
        url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).take(32).collect::<String>().to_ascii_lowercase();
    if normalised.starts_with("javascript:") || normalised.starts_with("vbscript:") {
        return true;
    }
    if normalised.starts_with("data:") {
        let raster = ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"];
        return !(image && raster.iter().any(|p| normalised.starts_with(p)));
    }
    false
}

/// Ids taken on a page, and for each base the next number to try: finding a free id for
/// the 30,000th heading of one name is one step, not 30,000.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

fn unique_id(base: String, ids: &mut Ids) -> String {
    let base = if base.is_empty() { "section".to_string() } else { base };
    if ids.used.insert(base.clone()) {
        return base;
    }
    let n = ids.next.entry(base.clone()).or_insert(1);
    loop {
        let candidate = format!("{base}-{n}");
        *n += 1;
        if ids.used.insert(candidate.clone()) {
            return candidate;
        }
    }
}

/// Longest code block highlighted, in bytes (a long program listing is a few KiB).
pub const HIGHLIGHT_LIMIT: usize = 256 * 1024;

fn code_block(language: &str, code: &str) -> String {
    let (pre_attributes, code_attributes) = if language.is_empty() {
        (String::new(), String::new())
    } else {
        let mut escaped = String::new();
        escape_into(language, &mut escaped, true);
        (format!(" data-lang=\"{escaped}\""), format!(" class=\"language-{escaped}\""))
    };
    // Highlighting wraps every token in a span: a very long block would make a page dozens
    // of times its size, so past HIGHLIGHT_LIMIT it is shown plain.
    let highlighted = if language.is_empty() || code.len() > HIGHLIGHT_LIMIT {
        None
    } else {
        crate::highlight::highlight(code, language)
    };
    let inner = highlighted.unwrap_or_else(|| {
        let mut out = String::with_capacity(code.len());
        escape_into(code, &mut out, false);
        out
    });
    format!("<pre class=\"code\"{pre_attributes}><code{code_attributes}>{inner}</code></pre>\n")
}

/// HTML-escapes `text` into `out`; quotes too when it goes into an attribute.
fn escape_into(text: &str, out: &mut String, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_ids() {
        let html = Markdown::new("/").render_post("## Next steps\n\n## Next steps\n\n### Custom {#mine}\n");
        assert!(html.contains("<h2 id=\"next-steps\">Next steps</h2>"), "{html}");
        assert!(html.contains("<h2 id=\"next-steps-1\">"), "{html}");
        assert!(html.contains("<h3 id=\"mine\">"), "{html}");
    }

    #[test]
    fn extensions_are_on() {
        let html =
            Markdown::new("/").render_post("| a |\n|---|\n| b |\n\n~~x~~ - [x] y[^1]\n\n- [x] done\n\n[^1]: note\n");
        for needle in ["<table>", "<del>", "type=\"checkbox\"", "footnote-definition"] {
            assert!(html.contains(needle), "{needle} missing in {html}");
        }
    }

    #[test]
    fn code_is_highlighted_and_escaped() {
        let html = Markdown::new("/").render_post("```python\nprint('<b>')\n```\n\n```\n<plain>\n```\n");
        assert!(html.contains("<pre class=\"code\" data-lang=\"python\"><code class=\"language-python\">"), "{html}");
        assert!(html.contains("hl-"), "{html}");
        assert!(html.contains("&lt;plain&gt;"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn links_get_base_path_and_scripts_are_neutralised() {
        let md = Markdown::new("/cpd/");
        let html = md.render_post(
            "[a](/things/6/) [b](/cpd/tags/) [c](JaVaScRiPt:alert(1)) [d](https://x.org/) ![e](data:text/html,x)",
        );
        assert!(html.contains("href=\"/cpd/things/6/\""), "{html}");
        assert!(html.contains("href=\"/cpd/tags/\""), "{html}");
        assert!(html.contains("href=\"https://x.org/\""), "{html}");
        assert!(!html.to_lowercase().contains("javascript:"), "{html}");
        assert!(!html.contains("data:text"), "{html}");
    }

    #[test]
    fn raw_html_is_kept_or_shown_as_text() {
        let source = "Hello <mark>there</mark>\n\n<div class=\"x\">block</div>\n";
        let kept = Markdown::new("/").render_post(source);
        assert!(kept.contains("<mark>there</mark>") && kept.contains("<div class=\"x\">"), "{kept}");
        let text = Markdown::new("/").with_raw_html(false).render_post(source);
        assert!(text.contains("&lt;mark&gt;there&lt;/mark&gt;") && !text.contains("<div"), "{text}");
    }

    #[test]
    fn html_comments_are_never_shown() {
        let source = "## What?\n\n<!-- What happened? -->\n\nMine <!-- inline --> here.\n\n<!--\nlong\n-->\n";
        for keep in [true, false] {
            let html = Markdown::new("/").with_raw_html(keep).render_post(source);
            assert!(!html.contains("happened") && !html.contains("inline") && !html.contains("long"), "{html}");
            assert!(html.contains("Mine  here."), "{html}");
        }
    }

    #[test]
    fn comments_keep_formatting_and_lose_anything_active() {
        let html = Markdown::new("/").render_comment(
            "Hi <script>alert(1)</script> <b onmouseover=x>there</b>, <em>see</em> \
             <a href=\"https://example.org/\" onclick=x>this</a> <a href=\"javascript:alert(2)\">or this</a>\n\n\
             <img src=\"https://tracker.example/pixel.gif\"><iframe src=\"https://x.example/\"></iframe>\
             <style>body{display:none}</style><form><input></form>",
        );
        for gone in [
            "<script",
            "alert(1)",
            "onmouseover",
            "onclick",
            "javascript:",
            "<img",
            "tracker",
            "<iframe",
            "<style",
            "<form",
            "<input",
        ] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
        assert!(html.contains("<b>there</b>") && html.contains("<em>see</em>"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.org/\" rel=\"nofollow noopener noreferrer ugc\">this</a>"),
            "{html}"
        );
    }
}
