//! Preformatted text and tables taken out of a post before converting, and put back after:
//! code as a fenced block byte for byte, tables as GFM or one-line HTML.

use super::html::{attribute, attributes, matching_close, next_tag, tags};
use super::{decode_entities, markdown};

/// What was taken out of a post to be put back after converting.
pub(super) enum Item {
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
        self.take_elements(html, "pre", |_, open, inner| {
            let mut inner = inner;
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
            Item::Code { language, text: shown_text(inner) }
        })
    }

    /// Takes every table out of sanitised `html`: GFM when it has one header row of `<th>`,
    /// the same number of cells in every row, no spans and one line of text in each cell;
    /// otherwise the table's own (sanitised) HTML on one line.
    pub(super) fn take_tables(&mut self, html: &str) -> String {
        self.take_elements(html, "table", |kept, whole, _| {
            Item::Table(kept.gfm_table(whole).unwrap_or_else(|| kept.html_table(whole)))
        })
    }

    /// Replaces each element named `name` of `html` by a token, keeping what `keep` makes
    /// of it (from the element's start tag, or the whole element for tables, and its inside).
    fn take_elements(&mut self, html: &str, name: &str, keep: impl Fn(&Self, &str, &str) -> Item) -> String {
        let mut out = String::with_capacity(html.len());
        let mut at = 0;
        while let Some(tag) = next_tag(html, at) {
            if tag.name != name || tag.close {
                out.push_str(&html[at..tag.end]);
                at = tag.end;
                continue;
            }
            let Some(close) = matching_close(html, &tag) else {
                break;
            };
            let outer = if name == "table" { &html[tag.start..close.end] } else { &html[tag.start..tag.end] };
            let item = keep(self, outer, &html[tag.end..close.start]);
            out.push_str(&html[at..tag.start]);
            out.push_str(&format!("<div>{}</div>", token(self.items.len())));
            self.items.push(item);
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
