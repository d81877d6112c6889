//! Old blog HTML to clean Markdown: WordPress shortcodes and line-break conventions first,
//! then a sanitiser, then htmd (an HTML-to-Markdown converter after turndown.js).

use std::sync::LazyLock;

use htmd::HtmlToMarkdown;

use crate::text::html_nesting;
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
/// as Markdown. Scripts, styles, frames and event handlers are removed before converting.
pub fn post_body(html: &str, wordpress: bool) -> String {
    let html = if wordpress { shortcodes(&autop(html)) } else { html.to_string() };
    markdown(&POST_SANITISER.clean(&shallow(&html)).to_string())
}

/// A comment's HTML as Markdown, sanitised as strictly as the build renders comments: no
/// images, scripts, styles or frames; links only to http(s) and mail.
pub fn comment_body(html: &str, wordpress: bool) -> String {
    let html = if wordpress { autop(html) } else { html.to_string() };
    markdown(&crate::markdown::sanitise_comment_html(&shallow(&html)))
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
/// caption, `[embed]URL[/embed]` a link, `[gallery]` a note (its images live in the old
/// media library), and other `[name …]` tags are left as text.
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
    for (name, wrapping) in [("caption", true), ("wp_caption", true), ("embed", true), ("gallery", false)] {
        let open = format!("[{name}");
        if !lower.starts_with(&open) || !lower[open.len()..].starts_with([' ', ']']) {
            continue;
        }
        let open_end = text.find(']')? + 1;
        if !wrapping {
            return Some(("<p><em>(A gallery of images from the old blog.)</em></p>".into(), open_end));
        }
        let close = format!("[/{name}]");
        let close_at = lower[open_end..].find(&close)? + open_end;
        let inner = &text[open_end..close_at];
        let replacement = if name == "embed" {
            let url = inner.trim();
            format!("<p><a href=\"{url}\">{url}</a></p>")
        } else {
            // `[caption]<a><img></a> The caption[/caption]`: the caption is the text after the tags.
            let caption_at = inner.rfind('>').map_or(0, |i| i + 1);
            let (media, caption) = inner.split_at(caption_at);
            format!("<p>{media}</p><p><em>{}</em></p>", caption.trim())
        };
        return Some((replacement, close_at + close.len()));
    }
    None
}

/// WordPress stores posts without `<p>`: a blank line separates paragraphs and a single line
/// break is a `<br>`. Blocks that are already HTML blocks are left as they are.
pub fn autop(html: &str) -> String {
    if html.contains("<p>") || html.contains("<p ") {
        return html.to_string();
    }
    let normalised = html.replace("\r\n", "\n");
    let mut out = String::with_capacity(normalised.len() + 64);
    for block in normalised.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        let lower = block.to_ascii_lowercase();
        let is_block = [
            "<ul",
            "<ol",
            "<table",
            "<blockquote",
            "<pre",
            "<h1",
            "<h2",
            "<h3",
            "<h4",
            "<h5",
            "<h6",
            "<div",
            "<figure",
            "<hr",
            "[caption",
            "[wp_caption",
            "[gallery",
            "[embed",
        ]
        .iter()
        .any(|tag| lower.starts_with(tag));
        if is_block {
            out.push_str(block);
        } else {
            out.push_str("<p>");
            out.push_str(&block.replace('\n', "<br>"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
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

/// Decodes the HTML entities WordPress leaves in titles (`&#8217;`, `&amp;`, `&nbsp;`).
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|end| {
            let name = &tail[1..end];
            let c = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                Some(match name {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    "nbsp" => ' ',
                    "ndash" => '–',
                    "mdash" => '—',
                    "hellip" => '…',
                    "lsquo" => '‘',
                    "rsquo" => '’',
                    "ldquo" => '“',
                    "rdquo" => '”',
                    _ => return None,
                })
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &tail[used..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

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
