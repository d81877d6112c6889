//! The parts of a post the HTML-to-Markdown converter gets wrong, handled around it:
//! preformatted text and tables are taken out before converting (a placeholder paragraph in
//! their place) and put back afterwards as a fenced block or a table; WordPress's paragraph
//! rules; line breaks next to block elements; frames as links to what they showed.

use super::{decode_entities, escape_attribute, is_link, markdown};

/// Elements that start and end a block: a line break next to one shows nothing, and
/// WordPress's paragraph rules do not wrap them in `<p>`.
const BLOCKS: &[&str] = &[
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

fn is_block(name: &str) -> bool {
    BLOCKS.contains(&name)
}

/// A tag in HTML text: where it is, its lower-cased name, and whether it closes.
#[derive(Debug, Clone)]
pub(super) struct Tag {
    start: usize,
    end: usize,
    name: String,
    close: bool,
}

/// The next tag at or after byte `from`; comments are stepped over.
fn next_tag(html: &str, from: usize) -> Option<Tag> {
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
fn tag_end(text: &str) -> Option<usize> {
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
fn tags(html: &str) -> Vec<Tag> {
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
fn attributes(tag: &str) -> Vec<(String, String)> {
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

fn attribute(tag: &str, name: &str) -> Option<String> {
    attributes(tag).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The close tag matching the start tag `open` (same name, nesting counted), if any.
fn matching_close(html: &str, open: &Tag) -> Option<Tag> {
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

/// What was taken out of a post to be put back after converting.
enum Item {
    /// Preformatted text, exactly as shown, and its language when a class names it.
    Code { language: String, text: String },
    /// A table: GFM lines, or one line of HTML.
    Table(String),
}

/// Blocks taken out of a post, each standing in the HTML as a placeholder word.
#[derive(Default)]
pub(super) struct Kept {
    items: Vec<Item>,
}

/// The placeholder of item `n`: a word the sanitiser and converter leave as it is.
fn token(n: usize) -> String {
    format!("CPDBLOGKEPT{n}X")
}

impl Kept {
    /// Takes every `<pre>` out of `html`, keeping its text as the browser showed it (line
    /// breaks as written or as `<br>`, tags dropped, entities decoded).
    pub(super) fn take_pres(&mut self, html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut at = 0;
        while let Some(tag) = next_tag(html, at) {
            if tag.name != "pre" || tag.close {
                out.push_str(&html[at..tag.end]);
                at = tag.end;
                continue;
            }
            let Some(close) = matching_close(html, &tag) else {
                break;
            };
            let open = &html[tag.start..tag.end];
            let mut inner = &html[tag.end..close.start];
            let mut language = language_of(open);
            // `<pre><code class="language-x">…</code></pre>`
            let trimmed = inner.trim();
            if let Some(code) = next_tag(trimmed, 0).filter(|t| t.start == 0 && t.name == "code" && !t.close)
                && let Some(code_close) = matching_close(trimmed, &code)
                && trimmed[code_close.end..].trim().is_empty()
            {
                if language.is_empty() {
                    language = language_of(&trimmed[..code.end]);
                }
                inner = &trimmed[code.end..code_close.start];
            }
            let text = shown_text(inner);
            out.push_str(&html[at..tag.start]);
            out.push_str(&format!("<div>{}</div>", token(self.items.len())));
            self.items.push(Item::Code { language, text });
            at = close.end;
        }
        out.push_str(&html[at..]);
        out
    }

    /// Takes every table out of sanitised `html`: GFM when it has one header row of `<th>`,
    /// the same number of cells in every row, no spans and one line of text in each cell;
    /// otherwise the table's own (sanitised) HTML on one line.
    pub(super) fn take_tables(&mut self, html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut at = 0;
        while let Some(tag) = next_tag(html, at) {
            if tag.name != "table" || tag.close {
                out.push_str(&html[at..tag.end]);
                at = tag.end;
                continue;
            }
            let Some(close) = matching_close(html, &tag) else {
                break;
            };
            let table = &html[tag.start..close.end];
            let text = self.gfm_table(table).unwrap_or_else(|| self.html_table(table));
            out.push_str(&html[at..tag.start]);
            out.push_str(&format!("<div>{}</div>", token(self.items.len())));
            self.items.push(Item::Table(text));
            at = close.end;
        }
        out.push_str(&html[at..]);
        out
    }

    fn gfm_table(&self, table: &str) -> Option<String> {
        let mut rows: Vec<Vec<(bool, String)>> = Vec::new();
        let mut cell: Option<(bool, usize)> = None;
        for tag in tags(table).into_iter().skip(1) {
            let text = &table[tag.start..tag.end];
            match (tag.name.as_str(), tag.close) {
                ("table" | "caption" | "pre", false) => return None,
                ("tr", false) => rows.push(Vec::new()),
                ("td" | "th", false) => {
                    if attribute(text, "colspan").or_else(|| attribute(text, "rowspan")).is_some_and(|v| v != "1") {
                        return None;
                    }
                    cell = Some((tag.name == "th", tag.end));
                }
                ("td" | "th", true) => {
                    let (header, start) = cell.take()?;
                    let inner = &table[start..tag.start];
                    if inner.contains("CPDBLOGKEPT") {
                        return None;
                    }
                    let md = markdown(inner);
                    if md.contains('\n') {
                        return None;
                    }
                    rows.last_mut()?.push((header, escape_pipes(&md)));
                }
                _ => {}
            }
        }
        let (head, body) = rows.split_first()?;
        let width = head.len();
        if width == 0
            || !head.iter().all(|(h, _)| *h)
            || body.iter().any(|row| row.len() != width || row.iter().any(|(h, _)| *h))
        {
            return None;
        }
        let line = |row: &[(bool, String)]| {
            let cells: Vec<&str> = row.iter().map(|(_, c)| c.as_str()).collect();
            format!("| {} |", cells.join(" | "))
        };
        let mut lines = vec![line(head), format!("|{}", " --- |".repeat(width))];
        lines.extend(body.iter().map(|row| line(row)));
        Some(lines.join("\n"))
    }

    fn html_table(&self, table: &str) -> String {
        let mut one_line = String::with_capacity(table.len());
        let mut rest = table;
        while let Some(at) = rest.find("CPDBLOGKEPT") {
            one_line.push_str(&rest[..at]);
            let tail = &rest[at + "CPDBLOGKEPT".len()..];
            let digits = tail.find(|c: char| !c.is_ascii_digit()).unwrap_or(tail.len());
            let n: Option<usize> = tail[..digits].parse().ok();
            match (n.and_then(|n| self.items.get(n)), tail[digits..].strip_prefix('X')) {
                (Some(Item::Code { language, text }), Some(after)) => {
                    one_line.push_str(&code_html(language, text));
                    rest = after;
                }
                (Some(Item::Table(text)), Some(after)) => {
                    one_line.push_str(text);
                    rest = after;
                }
                _ => {
                    one_line.push_str("CPDBLOGKEPT");
                    rest = tail;
                }
            }
        }
        one_line.push_str(rest);
        one_line.replace(['\n', '\r'], " ")
    }

    /// `markdown` with the placeholders replaced by what they stand for, each on lines of its
    /// own and indented as the placeholder was (in a list, a quote).
    pub(super) fn put_back(&self, markdown: &str) -> String {
        if self.items.is_empty() {
            return markdown.to_string();
        }
        let mut out = String::with_capacity(markdown.len());
        for line in markdown.lines() {
            let Some(at) = line.find("CPDBLOGKEPT") else {
                out.push_str(line);
                out.push('\n');
                continue;
            };
            let tail = &line[at + "CPDBLOGKEPT".len()..];
            let digits = tail.find(|c: char| !c.is_ascii_digit()).unwrap_or(tail.len());
            let item = tail[..digits].parse::<usize>().ok().and_then(|n| self.items.get(n));
            let (Some(item), Some(after)) = (item, tail[digits..].strip_prefix('X')) else {
                out.push_str(line);
                out.push('\n');
                continue;
            };
            let before = &line[..at];
            let only_prefix = before.chars().all(|c| c.is_whitespace() || matches!(c, '>' | '-' | '*' | '+' | '.'))
                || before.trim_end().trim_end_matches(['.', ')']).chars().all(|c| c.is_ascii_digit() || c == ' ');
            let (first, rest_prefix) = if only_prefix {
                let continuation: String =
                    before.chars().map(|c| if c == '>' || c.is_whitespace() { c } else { ' ' }).collect();
                (before.to_string(), continuation)
            } else {
                out.push_str(before.trim_end());
                out.push_str("\n\n");
                (String::new(), String::new())
            };
            let block = match item {
                Item::Code { language, text } => fence(language, text),
                Item::Table(text) => text.clone(),
            };
            for (i, block_line) in block.lines().enumerate() {
                let prefix = if i == 0 { &first } else { &rest_prefix };
                let joined = format!("{prefix}{block_line}");
                out.push_str(if block_line.is_empty() { joined.trim_end_matches(' ') } else { &joined });
                out.push('\n');
            }
            let after = after.trim();
            if !after.is_empty() {
                out.push('\n');
                out.push_str(&self.put_back(after));
                out.push('\n');
            }
        }
        out.trim_end().to_string()
    }
}

/// `|` in a table cell's Markdown, escaped where it is not already.
fn escape_pipes(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut backslashes = 0;
    for c in cell.chars() {
        if c == '|' && backslashes % 2 == 0 {
            out.push('\\');
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        out.push(c);
    }
    out
}

/// A fenced code block of `text`, the fence longer than any run of backticks in it.
fn fence(language: &str, text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}{language}\n{text}\n{fence}")
}

/// `<pre><code>` of `text` on one line (line breaks as `&#10;`), for inside an HTML table.
fn code_html(language: &str, text: &str) -> String {
    let class = if language.is_empty() { String::new() } else { format!(" class=\"language-{language}\"") };
    let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\n', "&#10;");
    format!("<pre><code{class}>{escaped}</code></pre>")
}

/// The language a `<pre>` or `<code>` start tag names: `class="language-python"`,
/// `class="lang-python"`, `class="brush: python"` (SyntaxHighlighter), `class="lang:python"`
/// (Crayon), `lang="python"`, `data-lang="python"`.
fn language_of(tag: &str) -> String {
    let attributes = attributes(tag);
    let get = |name: &str| attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let mut found = get("lang").or_else(|| get("data-lang")).or_else(|| get("data-language")).map(str::to_string);
    if found.is_none()
        && let Some(class) = get("class")
    {
        let lower = class.to_ascii_lowercase();
        if let Some(at) = lower.find("brush:") {
            found = Some(lower[at + 6..].trim_start().to_string());
        } else {
            found = lower.split_whitespace().find_map(|word| {
                ["language-", "lang-", "lang:"].iter().find_map(|p| word.strip_prefix(p)).map(str::to_string)
            });
        }
    }
    let word: String = found
        .unwrap_or_default()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '#' | '_' | '.'))
        .take(32)
        .collect();
    word.to_ascii_lowercase()
}

/// The text a `<pre>`'s inner HTML shows: `<br>` as a line break, other tags dropped,
/// entities decoded; the line break straight after `<pre>` and those at the end left out.
fn shown_text(inner: &str) -> String {
    let mut text = String::with_capacity(inner.len());
    let mut at = 0;
    for tag in tags(inner) {
        text.push_str(&inner[at..tag.start]);
        if tag.name == "br" {
            text.push('\n');
        }
        at = tag.end;
    }
    text.push_str(&inner[at..]);
    let text = decode_entities(&text.replace("\r\n", "\n")).replace('\u{a0}', " ");
    let text = text.strip_prefix('\n').unwrap_or(&text);
    text.trim_end_matches(['\n', '\r']).to_string()
}

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
