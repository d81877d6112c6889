//! Rules about plain text that several stages share, each written once: slugs, whole words,
//! the Thing numbers a title names, web addresses, and positions in a file.
//!
//! This is the bottom layer: it imports nothing from the crate, so any module may use it.

/// Lowercase ASCII words joined by `-`; the one slug rule for posts, tags and networks.
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
}

/// The longest slug accepted, in bytes: it becomes a folder name (`posts/SLUG/`), and file
/// systems refuse names over 255 bytes.
pub const MAX_SLUG: usize = 120;

/// True when `text[start..end]` stands as a word: no letter or digit touches it.
pub fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    !is_word(text[..start].chars().next_back()) && !is_word(text[end..].chars().next())
}

/// Byte offset of the first place `word` stands as a whole word in `text`.
pub fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(i, _)| i).find(|&i| is_whole_word(text, i, i + word.len()))
}

/// The Thing numbers a title or tag names: `Thing 6: …` → [6], `Things 6 & 7` → [6, 7],
/// `cpd23 Thing 10, 11 and 12` → [10, 11, 12], `thing6` → [6]. Only the first "thing" that
/// stands as the start of a word counts ("Something 5" names none).
pub fn things_named(text: &str) -> Vec<u32> {
    let lower = text.to_lowercase();
    let Some(at) = lower
        .match_indices("thing")
        .map(|(i, _)| i)
        .find(|&i| !lower[..i].chars().next_back().is_some_and(char::is_alphanumeric))
    else {
        return Vec::new();
    };
    let mut rest = lower[at + 5..].strip_prefix('s').unwrap_or(&lower[at + 5..]);
    rest = rest.trim_start_matches([' ', '#', '\u{a0}']);
    let mut numbers = Vec::new();
    loop {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(n) = digits.parse() else { break };
        numbers.push(n);
        rest = rest[digits.len()..].trim_start();
        match ["&", ",", "and", "+", "/"].iter().find_map(|sep| rest.strip_prefix(sep)) {
            Some(after) => rest = after.trim_start(),
            None => break,
        }
    }
    numbers
}

/// True for an absolute `http://` or `https://` address (any case): the only links kept from
/// comments and imports, and the only form site.yaml accepts for a web address.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim().get(..8).unwrap_or(url.trim()).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// 1-based line and column (in characters) of a byte offset into `bytes`.
pub fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (line, String::from_utf8_lossy(&before[line_start..]).chars().count() + 1)
}

/// True for characters XML 1.0 forbids (control characters but tab, newline and carriage
/// return; U+FFFE and U+FFFF): a feed holding one is not XML, and readers reject it.
pub fn is_xml_forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}' || c == '\u{ffff}'
}

/// Byte offset of the first character XML forbids in `text`, found a byte at a time: the
/// control characters are single bytes, and U+FFFE and U+FFFF are the only characters XML
/// forbids whose UTF-8 starts with 0xEF (then 0xBF, then 0xBE or 0xBF). Every page of a feed
/// passes through here, so whole chunks are scanned without an early exit (the compiler
/// vectorises that) and only a chunk holding a candidate is looked at closely.
pub fn find_xml_forbidden(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let candidate = |b: u8| (b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF;
    let forbidden_at = |at: usize| {
        bytes[at] != 0xEF || (bytes.get(at + 1) == Some(&0xBF) && matches!(bytes.get(at + 2), Some(0xBE | 0xBF)))
    };
    let mut start = 0;
    while start < bytes.len() {
        let end = (start + 64).min(bytes.len());
        let chunk = &bytes[start..end];
        if chunk.iter().fold(false, |found, &b| found | candidate(b)) {
            let found = (start..end).find(|&at| candidate(bytes[at]) && forbidden_at(at));
            if found.is_some() {
                return found;
            }
        }
        start = end;
    }
    None
}

/// `text` without the characters XML forbids.
pub fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if find_xml_forbidden(text).is_some() { text.replace(is_xml_forbidden, "").into() } else { text.into() }
}

/// How deep elements nest, roughly (start tags less end tags; void and self-closed elements
/// and comments do not count): a guard, not a parser.
pub fn html_nesting(html: &str) -> usize {
    const VOID: [&str; 14] =
        ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if let Some(closing) = tag.strip_prefix('/') {
            if !closing.is_empty() {
                depth = depth.saturating_sub(1);
            }
        } else if tag.starts_with(|c: char| c.is_ascii_alphabetic()) && !tag.ends_with('/') {
            let name = tag.split(|c: char| c.is_whitespace()).next().unwrap_or("").to_ascii_lowercase();
            if !VOID.contains(&name.as_str()) {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        rest = &rest[end.min(rest.len())..];
    }
    deepest
}

/// English month names, for dates shown to readers ("18 July 2011").
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Decodes the HTML entities imports and raw HTML hold (`&#8217;`, `&amp;`, `&nbsp;`): the
/// importer for titles and comments, the search index for the text between tags.
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
    fn finds_whole_words_only() {
        assert_eq!(find_word("I use LISNPN daily", "LISNPN"), Some(6));
        assert_eq!(find_word("LISNPNs", "LISNPN"), None);
        assert_eq!(find_word("Slacker", "Slack"), None);
    }

    #[test]
    fn things_named_in_titles_and_tags() {
        assert_eq!(things_named("Thing 6: Online networks"), vec![6]);
        assert_eq!(things_named("Things 6 & 7: networks"), vec![6, 7]);
        assert_eq!(things_named("cpd23 Thing 10, 11 and 12"), vec![10, 11, 12]);
        assert_eq!(things_named("thing6"), vec![6]);
        assert_eq!(things_named("Thing #12: Twitter"), vec![12]);
        assert_eq!(things_named("Something else"), Vec::<u32>::new());
        assert_eq!(things_named("Something 5 times, then Thing 9"), vec![9]);
        assert_eq!(things_named("A pause"), Vec::<u32>::new());
    }

    #[test]
    fn web_urls() {
        assert!(is_web_url("https://example.org/"));
        assert!(is_web_url(" HTTP://example.org"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("mailto:a@b.org"));
        assert!(!is_web_url("//example.org"));
    }

    #[test]
    fn xml_forbidden_characters_go() {
        assert_eq!(xml_safe("a\u{1b}b\u{0}c\u{c}\u{fffe}\td\n"), "abc\td\n");
        assert!(matches!(xml_safe("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(find_xml_forbidden("ab\u{ffff}c\u{1}"), Some(2));
        assert_eq!(find_xml_forbidden("é\u{1}"), Some(2));
        assert_eq!(find_xml_forbidden("tab\tok\r\n"), None);
        assert_eq!(find_xml_forbidden("\u{feff}\u{fffd}\u{ff01}ok"), None, "other characters beginning 0xEF are fine");
        let long = format!("{}\u{fffe}", "\u{ff01}".repeat(40));
        assert_eq!(find_xml_forbidden(&long), Some(120), "found past a chunk of look-alikes");
        assert_eq!(find_xml_forbidden(&format!("{}\u{1f}", "a".repeat(63))), Some(63));
    }

    #[test]
    fn line_and_column_of_a_byte() {
        assert_eq!(line_column(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx".as_bytes(), 2), (1, 2));
    }
}

/// Calls `word` with where each word a reader reads begins in `markdown`, until it returns
/// false: runs without spaces that hold a letter or digit (a lone `#`, `-` or `|` of Markdown
/// is not a word), outside `<!-- comments -->` (the guidance a reflective model's prompts leave
/// in a post; a comment also ends a word it touches). Every post's word count comes from here,
/// so it is one pass over the bytes, decoding only the characters beyond ASCII.
pub fn scan_prose_words(markdown: &str, mut word: impl FnMut(usize) -> bool) {
    let bytes = markdown.as_bytes();
    // The word being read: where it began, and whether it has a letter or digit yet.
    let mut current: Option<(usize, bool)> = None;
    let mut at = 0;
    while at < bytes.len() {
        let (class, width) = match BYTE_CLASS[bytes[at] as usize] {
            WIDE => match markdown[at..].chars().next() {
                Some(c) if c.is_whitespace() => (SPACE, c.len_utf8()),
                Some(c) if c.is_alphanumeric() => (ALNUM, c.len_utf8()),
                Some(c) => (0, c.len_utf8()),
                None => break,
            },
            class => (class, 1),
        };
        let comment = class == OPEN && bytes[at..].starts_with(b"<!--");
        if class == SPACE || comment {
            if let Some((start, true)) = current.take()
                && !word(start)
            {
                return;
            }
            current = None;
            at = if comment { markdown[at..].find("-->").map_or(bytes.len(), |end| at + end + 3) } else { at + width };
            continue;
        }
        let (_, readable) = current.get_or_insert((at, false));
        *readable |= class == ALNUM;
        at += width;
    }
    if let Some((start, true)) = current {
        word(start);
    }
}

/// Unicode's white space, as `char::is_whitespace`, for ASCII; letters and digits; `<` (a
/// comment may begin); a byte of a character beyond ASCII; anything else (0).
const SPACE: u8 = 1;
const ALNUM: u8 = 2;
const OPEN: u8 = 3;
const WIDE: u8 = 4;
static BYTE_CLASS: [u8; 256] = {
    let mut classes = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        classes[b] = match b as u8 {
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => SPACE,
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => ALNUM,
            b'<' => OPEN,
            0x80..=0xFF => WIDE,
            _ => 0,
        };
        b += 1;
    }
    classes
};

/// How many words a reader reads in `markdown` (see [`scan_prose_words`]).
pub fn prose_words(markdown: &str) -> usize {
    let mut count = 0;
    scan_prose_words(markdown, |_| {
        count += 1;
        true
    });
    count
}

/// Where word `n` (0-based) of `markdown` begins, if it has that many (see [`scan_prose_words`]).
pub fn nth_prose_word(markdown: &str, n: usize) -> Option<usize> {
    let (mut seen, mut found) = (0, None);
    scan_prose_words(markdown, |start| {
        if seen == n {
            found = Some(start);
        }
        seen += 1;
        found.is_none()
    });
    found
}

#[cfg(test)]
mod word_tests {
    use super::*;

    #[test]
    fn words_are_what_a_reader_reads() {
        assert_eq!(prose_words("## What?\n\n<!-- Describe what happened. -->\nI went to a *webinar* - twice.\n"), 7);
        assert_eq!(prose_words("| a | b |\n|---|---|\n"), 2);
        assert_eq!(prose_words("text<!-- note -->more"), 2);
        let text = "one two <!-- x y --> three";
        let starts = starts_of(text);
        assert_eq!(starts.iter().map(|&s| &text[s..s + 3]).collect::<Vec<_>>(), ["one", "two", "thr"]);
    }

    fn starts_of(text: &str) -> Vec<usize> {
        let mut starts = Vec::new();
        scan_prose_words(text, |start| {
            starts.push(start);
            true
        });
        starts
    }

    /// The rule read a character at a time, as it was first written: the byte scan must agree.
    fn starts_by_chars(markdown: &str) -> Vec<usize> {
        let mut starts = Vec::new();
        let mut at = 0;
        while let Some(skip) = markdown[at..].find(|c: char| !c.is_whitespace()) {
            let start = at + skip;
            if markdown[start..].starts_with("<!--") {
                at = markdown[start..].find("-->").map_or(markdown.len(), |end| start + end + 3);
                continue;
            }
            let word = &markdown[start..];
            let mut end = start + word.find(char::is_whitespace).unwrap_or(word.len());
            if let Some(comment) = markdown[start..end].find("<!--").filter(|&i| i > 0) {
                end = start + comment;
            }
            at = end;
            if markdown[start..end].chars().any(char::is_alphanumeric) {
                starts.push(start);
            }
        }
        starts
    }

    #[test]
    fn the_byte_scan_agrees_with_the_character_rule() {
        let texts = [
            "Café\u{a0}crème — naïve\u{3000}日本語 text",
            "a\u{b}b\u{c}c\rd\u{85}e\u{2028}f",
            "x<!--y-->z <!--unclosed",
            "é<!-- c -->ü -- ** 12 ·· ¶",
            "<!---->w <!-->v <!--->u",
            "",
            "   \n\t ",
        ];
        for text in texts {
            assert_eq!(starts_of(text), starts_by_chars(text), "{text:?}");
            let starts = starts_by_chars(text);
            assert_eq!(prose_words(text), starts.len());
            assert_eq!(nth_prose_word(text, 1), starts.get(1).copied());
        }
    }
}
