//! Old blog HTML to clean Markdown: WordPress shortcodes and line-break conventions first,
//! then a sanitiser, then htmd (an HTML-to-Markdown converter after turndown.js).

use std::sync::LazyLock;

use htmd::HtmlToMarkdown;

use crate::text::html_nesting;

mod blocks;
mod html;
mod kept;
use htmd::options::{BrStyle, BulletListMarker, Options};

thread_local! {
    static CONVERTER: HtmlToMarkdown = HtmlToMarkdown::builder()
        .options(Options {
            bullet_list_marker: BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            br_style: BrStyle::Backslash,
            ..Options::default()
        })
        .skip_tags(vec!["script", "style", "noscript", "iframe", "object", "embed", "form"])
        .build();
}

/// HTML of a post body (`wordpress`: apply WordPress's shortcodes and paragraph rules first)
/// as Markdown. Scripts, styles and event handlers are removed before converting; frames
/// become links to what they showed; `<pre>` comes across byte for byte as a fenced block and
/// every table as a table (GFM where it can say it, HTML where it cannot).
pub fn post_body(html: &str, wordpress: bool) -> String {
    let mut kept = kept::Kept::default();
    let html = kept.take_pres(html);
    let html = if wordpress { shortcodes(&autop(&html)) } else { html };
    let html = blocks::tidy_breaks(&blocks::embeds(&html));
    let clean = POST_SANITISER.clean(&shallow(&html)).to_string();
    let clean = kept.take_tables(&clean);
    kept.put_back(&blocks::no_stray_breaks(&markdown(&clean)))
}

/// A comment's HTML as Markdown, sanitised as strictly as the build renders comments: no
/// images, scripts, styles or frames; links only to http(s) and mail. Code keeps its lines.
pub fn comment_body(html: &str, wordpress: bool) -> String {
    let mut kept = kept::Kept::default();
    let html = kept.take_pres(html);
    let html = if wordpress { autop(&html) } else { html };
    let html = blocks::tidy_breaks(&html);
    kept.put_back(&blocks::no_stray_breaks(&markdown(&crate::markdown::sanitise_comment_html(&shallow(&html)))))
}

/// Deepest nesting of elements converted as they are. Real posts nest a few dozen deep; the
/// sanitiser and the converter recurse once per level, so thousands would exhaust the stack.
pub const MAX_NESTING: usize = 200;

/// `html` itself when it nests at most [`MAX_NESTING`] deep; otherwise the same text with
/// its layout-only elements (`div`, `span`, `font`, `center`, `section`, `article`) taken out,
/// and, if that is still too deep, with every tag taken out: a flattened post, never a crash.
pub fn shallow(html: &str) -> std::borrow::Cow<'_, str> {
    if html_nesting(html) <= MAX_NESTING {
        return html.into();
    }
    let layout_only = strip_tags_named(html, &["div", "span", "font", "center", "section", "article"]);
    if html_nesting(&layout_only) <= MAX_NESTING {
        return layout_only.into();
    }
    strip_tags(html).into()
}

/// `html` without the start and end tags of the elements named (their content stays).
fn strip_tags_named(html: &str, names: &[&str]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let end = tail.find('>').map_or(tail.len(), |e| e + 1);
        let name = tail
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .next()
            .unwrap_or("");
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            out.push('<');
            out.push_str(&tail[..end]);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn markdown(html: &str) -> String {
    CONVERTER.with(|converter| converter.convert(html)).unwrap_or_default().trim().to_string()
}

/// Post bodies are the writer's own: formatting, images and tables stay; anything that runs
/// does not.
static POST_SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.url_schemes(["http", "https", "mailto"].into_iter().collect()).link_rel(None);
    builder
});

/// WordPress shortcodes a CPD blog is likely to hold: `[caption]` becomes an image and its
/// caption (from the text after the image, or the old `caption="…"` attribute),
/// `[embed]URL[/embed]`, `[youtube URL]`, `[audio]` and `[video]` a link to what they
/// played, `[gallery]` a note (its images live in the old media library), and other
/// `[name …]` tags are left as text.
pub fn shortcodes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('[') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if let Some((replacement, used)) = shortcode(tail) {
            out.push_str(&replacement);
            rest = &tail[used..];
        } else {
            out.push('[');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// One shortcode at the start of `text`: its replacement and the bytes it spans.
fn shortcode(text: &str) -> Option<(String, usize)> {
    let lower = text.to_ascii_lowercase();
    let names = ["caption", "wp_caption", "embed", "gallery", "audio", "video", "youtube"];
    let name = names.into_iter().find(|name| {
        lower.strip_prefix('[').and_then(|l| l.strip_prefix(name)).is_some_and(|l| l.starts_with([' ', ']', '=']))
    })?;
    let open_end = text.find(']')? + 1;
    let attributes = shortcode_attributes(&text[1 + name.len()..open_end - 1]);
    let close = format!("[/{name}]");
    let closed = lower[open_end..].find(&close).map(|at| at + open_end);
    let attribute = |key: &str| attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    match name {
        "gallery" => Some(("<p><em>(A gallery of images from the old blog.)</em></p>".into(), open_end)),
        "audio" | "video" | "youtube" => {
            // `[audio mp3="…"]`, `[video src="…"][/video]`, `[youtube https://…]`.
            let keys = ["src", "mp3", "m4a", "ogg", "wav", "wma", "mp4", "m4v", "webm", "ogv", "flv", "wmv", "url", ""];
            let url = keys.iter().find_map(|k| attribute(k)).map(str::trim).filter(|u| is_link(u))?;
            let used = closed.map_or(open_end, |at| at + close.len());
            let what = if name == "audio" { "Audio" } else { "Video" };
            Some((format!("<p>{what}: <a href=\"{0}\">{0}</a></p>", escape_attribute(url)), used))
        }
        "embed" => {
            let close_at = closed?;
            let url = text[open_end..close_at].trim();
            Some((format!("<p><a href=\"{0}\">{0}</a></p>", escape_attribute(url)), close_at + close.len()))
        }
        _ => {
            let close_at = closed?;
            let inner = &text[open_end..close_at];
            // `[caption]<a><img></a> The caption[/caption]`: the caption is the text after the
            // tags; the old form has it in an attribute instead.
            let caption_at = inner.rfind('>').map_or(0, |i| i + 1);
            let (media, after) = inner.split_at(caption_at);
            let caption = match after.trim() {
                "" => attribute("caption").unwrap_or_default().trim().to_string(),
                text => text.to_string(),
            };
            let caption = if caption.is_empty() { String::new() } else { format!("<p><em>{caption}</em></p>") };
            Some((format!("<p>{media}</p>{caption}"), close_at + close.len()))
        }
    }
}

/// `key="value" key='value' key=value value` → pairs; a bare value has the key "".
fn shortcode_attributes(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim_start_matches('=').trim();
    while !rest.is_empty() {
        let key_end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let (key, after) = rest.split_at(key_end);
        let after = after.trim_start();
        let (key, value, next) = if let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            let (value, next) = match value.chars().next() {
                Some(q @ ('"' | '\'' | '\u{201d}' | '\u{2033}')) => {
                    let body = &value[q.len_utf8()..];
                    let end = body.find(['"', '\'', '\u{201d}', '\u{2033}']).unwrap_or(body.len());
                    let skip = body[end..].chars().next().map_or(0, char::len_utf8);
                    (&body[..end], &body[end + skip..])
                }
                _ => value.split_at(value.find(char::is_whitespace).unwrap_or(value.len())),
            };
            (key.to_ascii_lowercase(), value, next)
        } else {
            let key = key.trim_matches(['"', '\'']);
            (String::new(), key, after)
        };
        out.push((key, decode_entities(value)));
        rest = next.trim_start();
    }
    out
}

/// An address a link may point to: http(s), or protocol-relative.
fn is_link(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// Text safe inside a double-quoted attribute.
pub(crate) fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// WordPress's paragraph rules (wpautop) for a post stored without `<p>`, or with some: a
/// blank line outside block elements separates paragraphs and a single line break is a
/// `<br>`; block elements stay as they are, and the text between them gets the same rules.
/// Block-editor posts (`<!-- wp:` comments) are already HTML and are left alone, as
/// WordPress does.
pub fn autop(html: &str) -> String {
    if html.contains("<!-- wp:") {
        return html.to_string();
    }
    blocks::autop(&html.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Plain text from a name that may hold markup (`<b>Spam</b>` → `Spam`): authors are text.
pub fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(out.trim())
}

pub use crate::text::decode_entities;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordpress_paragraphs_and_shortcodes() {
        let html = "First line\nsecond line\n\n[caption id=\"a\" width=\"300\"]<img src=\"https://old.example/map.png\" alt=\"My map\"> A mind map[/caption]\n\n[gallery ids=\"1,2\"]\n\n<ul>\n<li>one</li>\n</ul>";
        let md = post_body(html, true);
        assert!(md.contains("First line\\\nsecond line"), "{md}");
        assert!(md.contains("![My map](https://old.example/map.png)"), "{md}");
        assert!(md.contains("_A mind map_") || md.contains("*A mind map*"), "{md}");
        assert!(md.contains("gallery of images"), "{md}");
        assert!(md.contains("- one"), "{md}");
    }

    #[test]
    fn bodies_lose_scripts_and_keep_text_and_emoji() {
        let md = post_body(
            "<p>Café ☕ 🎉 <script>alert(1)</script><b onclick=\"x\">bold</b></p><iframe src=\"https://x.example\"></iframe>",
            false,
        );
        assert!(md.contains("Café ☕ 🎉") && md.contains("**bold**"), "{md}");
        assert!(!md.contains("alert") && !md.contains("iframe") && !md.contains("onclick"), "{md}");
    }

    #[test]
    fn entities_in_titles() {
        assert_eq!(
            decode_entities("Thing 6 &#8211; It&#8217;s &amp; &lt;b&gt; &bogus; &"),
            "Thing 6 – It’s & <b> &bogus; &"
        );
    }
}
