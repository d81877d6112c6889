//! The parts of a post the HTML-to-Markdown converter gets wrong, handled around it:
//! WordPress's paragraph rules, line breaks next to block elements, stray Markdown hard
//! breaks, frames as links to what they showed. (Code and tables: [`super::kept`].)

use super::html::{attribute, is_block, matching_close, next_tag, tags};
use super::{escape_attribute, is_link};

/// Line breaks that show nothing taken out: `<br>`s (one or more, with the space between)
/// just after or just before a block element's tag, or at the very start or end.
pub(super) fn tidy_breaks(html: &str) -> String {
    let all = tags(html);
    let blank = |from: usize, to: usize| html[from..to].trim().is_empty();
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    let mut i = 0;
    while i < all.len() {
        if all[i].name != "br" {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].name == "br" && blank(all[j].end, all[j + 1].start) {
            j += 1;
        }
        let before_block = if i == 0 {
            blank(0, all[i].start)
        } else {
            blank(all[i - 1].end, all[i].start) && is_block(&all[i - 1].name)
        };
        let after_block = match all.get(j + 1) {
            None => blank(all[j].end, html.len()),
            Some(next) => blank(all[j].end, next.start) && is_block(&next.name),
        };
        if before_block || after_block {
            out.push_str(&html[at..all[i].start]);
            at = all[j].end;
        }
        i = j + 1;
    }
    out.push_str(&html[at..]);
    out
}

/// Hosts whose frames (and old Flash objects) were what a CPD blog embedded: a frame from
/// one of these becomes a link to it; a frame from anywhere else becomes a note.
const EMBED_HOSTS: &[&str] = &[
    "animoto.com",
    "archive.org",
    "audioboom.com",
    "bandcamp.com",
    "blogger.com",
    "blogspot.com",
    "canva.com",
    "dailymotion.com",
    "facebook.com",
    "flickr.com",
    "genial.ly",
    "glogster.com",
    "google.com",
    "instagram.com",
    "issuu.com",
    "linkedin.com",
    "mindmeister.com",
    "mixcloud.com",
    "office.com",
    "padlet.com",
    "pinterest.com",
    "popplet.com",
    "powtoon.com",
    "prezi.com",
    "screencast-o-matic.com",
    "scribd.com",
    "slideshare.net",
    "soundcloud.com",
    "speakerdeck.com",
    "spotify.com",
    "ted.com",
    "thinglink.com",
    "twitter.com",
    "vimeo.com",
    "voicethread.com",
    "voki.com",
    "wordpress.com",
    "x.com",
    "youtu.be",
    "youtube-nocookie.com",
    "youtube.com",
];

fn embeddable(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let host = lower.split_once("//").map_or("", |(_, rest)| rest).split(['/', '?', '#', ':']).next().unwrap_or("");
    EMBED_HOSTS.iter().any(|h| host == *h || host.strip_suffix(h).is_some_and(|sub| sub.ends_with('.')))
}

/// Frames, objects and media players as links to what they showed: "Embedded: <a>…</a>".
pub(super) fn embeds(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(tag) = next_tag(html, at) {
        let name = tag.name.as_str();
        if tag.close || !matches!(name, "iframe" | "object" | "embed" | "video" | "audio") {
            out.push_str(&html[at..tag.end]);
            at = tag.end;
            continue;
        }
        let open = &html[tag.start..tag.end];
        let end = if name == "embed" { tag.end } else { matching_close(html, &tag).map_or(tag.end, |c| c.end) };
        let whole = &html[tag.start..end];
        // The address: the element's own, else the first inside it (`<param name="movie">`,
        // `<embed src>`, `<source src>`).
        let mut url = ["src", "data-src", "data"].iter().find_map(|a| attribute(open, a)).filter(|u| is_link(u));
        if url.is_none() {
            url = tags(whole).iter().filter(|t| !t.close).skip(1).find_map(|t| {
                let text = &whole[t.start..t.end];
                ["src", "value", "data"].iter().find_map(|a| attribute(text, a)).filter(|u| is_link(u))
            });
        }
        let title = attribute(open, "title").map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        out.push_str(&html[at..tag.start]);
        match url {
            Some(url) if matches!(name, "video" | "audio") || embeddable(&url) => {
                let url = if url.starts_with("//") { format!("https:{url}") } else { url };
                let url = escape_attribute(&url);
                let text = title.map_or_else(|| url.clone(), |t| escape_attribute(&t));
                let what = match name {
                    "video" => "Video",
                    "audio" => "Audio",
                    _ => "Embedded",
                };
                out.push_str(&format!("<p>{what}: <a href=\"{url}\">{text}</a></p>"));
            }
            _ => out.push_str("<p><em>(Embedded content from the old blog, not kept.)</em></p>"),
        }
        at = end;
    }
    out.push_str(&html[at..]);
    out
}

/// Converted Markdown without backslash line breaks that would show: a `\` ending a
/// paragraph, or before a list, heading, quote or table, is dropped, and a line that is only
/// `\` (from `<br><br>`) becomes the paragraph break it meant.
pub(super) fn no_stray_breaks(markdown: &str) -> String {
    let mut lines: Vec<String> = markdown.lines().map(str::to_string).collect();
    let mut fenced = false;
    for line in &mut lines {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
        }
        if !fenced && line.trim_start_matches([' ', '>']).trim() == "\\" {
            *line = line.trim_end().trim_end_matches('\\').trim_end().to_string();
        }
    }
    let ends_in_break = |line: &str| {
        let body = line.trim_end();
        (body.len() - body.trim_end_matches('\\').len()) % 2 == 1
    };
    let starts_block = |line: &str| {
        let t = line.trim_start_matches(['>', ' ']).trim();
        t.is_empty()
            || t.starts_with("- ")
            || t.starts_with("* ")
            || t.starts_with("+ ")
            || t.starts_with('#')
            || t.starts_with('|')
            || t.starts_with("```")
            || t.starts_with("CPDBLOGKEPT")
            || t.split_once(['.', ')']).is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    let mut fenced = false;
    for i in 0..lines.len() {
        let trimmed = lines[i].trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced || !ends_in_break(&lines[i]) {
            continue;
        }
        let next_is_block = lines.get(i + 1).is_none_or(|next| starts_block(next));
        if next_is_block {
            let kept = lines[i].trim_end().strip_suffix('\\').unwrap_or(&lines[i]).trim_end().to_string();
            lines[i] = kept;
        }
    }
    let mut out = lines.join("\n");
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out.trim().to_string()
}

/// WordPress's wpautop on text with `\n` line ends: see [`super::autop`].
pub(super) fn autop(html: &str) -> String {
    // A blank line before every block start tag and after every block end tag.
    let mut spaced = String::with_capacity(html.len() + 64);
    let mut at = 0;
    for tag in tags(html) {
        if !is_block(&tag.name) {
            continue;
        }
        spaced.push_str(&html[at..tag.start]);
        if !tag.close {
            spaced.push_str("\n\n");
        }
        spaced.push_str(&html[tag.start..tag.end]);
        if tag.close || tag.name == "hr" {
            spaced.push_str("\n\n");
        }
        at = tag.end;
    }
    spaced.push_str(&html[at..]);

    let mut chunks: Vec<String> = vec![String::new()];
    for line in spaced.split('\n') {
        if line.trim().is_empty() {
            if !chunks.last().is_some_and(String::is_empty) {
                chunks.push(String::new());
            }
        } else {
            let chunk = chunks.last_mut().expect("a chunk");
            if !chunk.is_empty() {
                chunk.push('\n');
            }
            chunk.push_str(line);
        }
    }
    let mut out = String::with_capacity(spaced.len() + 64);
    for chunk in chunks.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let lower = chunk.to_ascii_lowercase();
        let shortcode = ["[caption", "[wp_caption", "[gallery", "[embed", "[audio", "[video", "[youtube"]
            .iter()
            .any(|s| lower.starts_with(s));
        if shortcode {
            out.push_str(chunk);
            out.push('\n');
            continue;
        }
        let head = next_tag(chunk, 0).filter(|t| t.start == 0 && is_block(&t.name));
        let head_end = head.as_ref().map_or(0, |t| t.end);
        let tail = tags(chunk)
            .into_iter()
            .last()
            .filter(|t| t.end == chunk.len() && t.close && is_block(&t.name) && t.start >= head_end);
        let tail_start = tail.as_ref().map_or(chunk.len(), |t| t.start);
        let middle = chunk[head_end..tail_start].trim();
        out.push_str(&chunk[..head_end]);
        if !middle.is_empty() {
            let middle = line_breaks(middle);
            let paragraph = match (&head, &tail) {
                (Some(h), Some(t)) => h.close || h.name == t.name || h.name == "p",
                (Some(h), None) => h.close || h.name == "p",
                (None, Some(t)) => t.name == "p",
                (None, None) => false,
            };
            if paragraph {
                out.push_str(&middle);
            } else {
                out.push_str("<p>");
                out.push_str(&middle);
                out.push_str("</p>");
            }
        }
        out.push_str(&chunk[tail_start..]);
        out.push('\n');
    }
    out
}

/// Line ends in the text (not inside tags) as `<br>`.
fn line_breaks(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    let mut at = 0;
    let text = |s: &str, out: &mut String| {
        let mut first = true;
        for piece in s.split('\n') {
            if !first {
                // `a \n b`: the spaces before the break go.
                let kept = out.trim_end_matches([' ', '\t']).len();
                out.truncate(kept);
                out.push_str("<br>");
            }
            out.push_str(if first { piece } else { piece.trim_start_matches([' ', '\t']) });
            first = false;
        }
    };
    for tag in tags(html) {
        text(&html[at..tag.start], &mut out);
        out.push_str(&html[tag.start..tag.end]);
        at = tag.end;
    }
    text(&html[at..], &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::super::post_body;

    #[test]
    fn pre_with_breaks_is_a_fenced_block_byte_for_byte() {
        let md = post_body(
            "<p>Code:</p><pre class=\"brush: python; gutter: false\">def f():<br />    return 1 &lt; 2<br /><br />x = f()</pre>",
            false,
        );
        assert!(md.contains("```python\ndef f():\n    return 1 < 2\n\nx = f()\n```"), "{md}");
        let md = post_body("Intro\n\n<pre>  indented\n\n    more</pre>\n\nAfter", true);
        assert!(md.contains("```\n  indented\n\n    more\n```"), "{md}");
        assert!(md.contains("Intro") && md.contains("After"), "{md}");
        let md = post_body("<pre><code class=\"language-rust\">let a = `b`;\n```\n</code></pre>", false);
        assert!(md.contains("````rust\nlet a = `b`;\n```\n````"), "{md}");
    }

    #[test]
    fn breaks_next_to_blocks_leave_no_backslash() {
        let md = post_body("Verify that:\n<ul>\n<li>one</li>\n</ul>", true);
        assert!(!md.contains('\\'), "{md}");
        let md = post_body("text<br /><br /><div>more</div>two<br><br>three<br />", false);
        assert!(!md.contains('\\'), "{md}");
        assert!(md.contains("two\n\nthree"), "{md}");
    }

    #[test]
    fn paragraphs_around_p_tags_still_break() {
        let md = post_body("First para\n\nSecond para\n<p>Tagged</p>\nThird\nline", true);
        assert!(md.contains("First para\n\nSecond para\n\nTagged\n\nThird\\\nline"), "{md}");
    }

    #[test]
    fn tables_stay_tables() {
        let md = post_body("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2 | 3</td></tr></table>", false);
        assert!(md.contains("| A | B |\n| --- | --- |\n| 1 | 2 \\| 3 |"), "{md}");
        let md = post_body("<table><tr><td>a</td><td>b</td></tr><tr><th>Row</th><td>c</td></tr></table>", false);
        assert!(md.starts_with("<table>") && md.contains("<th>Row</th><td>c</td>"), "{md}");
        assert!(!md.contains('\n'), "one line: {md}");
        let md = post_body("<table><tr><th>A</th><th></th></tr><tr><td>1</td><td></td></tr></table>", false);
        assert!(md.contains("| A |  |\n| --- | --- |\n| 1 |  |"), "{md}");
    }

    #[test]
    fn frames_become_links() {
        let md = post_body("<p>Watch</p><iframe src=\"//www.youtube.com/embed/abc\" width=\"560\"></iframe>", false);
        assert!(
            md.contains("Embedded: [https://www.youtube.com/embed/abc](https://www.youtube.com/embed/abc)"),
            "{md}"
        );
        let md = post_body("<iframe src=\"https://evil.example/\"></iframe>", false);
        assert!(!md.contains("evil") && md.contains("not kept"), "{md}");
        let md = post_body(
            "[audio mp3=\"https://x.example/a.mp3\"][/audio]\n\n[video src=\"https://x.example/v.mp4\"]",
            true,
        );
        assert!(md.contains("Audio: [https://x.example/a.mp3]") && md.contains("Video: ["), "{md}");
        let md = post_body(
            "[caption id=\"a\" caption=\"Old form\"]<img src=\"https://x.example/i.png\" alt=\"i\">[/caption]",
            true,
        );
        assert!(md.contains("Old form"), "{md}");
    }
}
