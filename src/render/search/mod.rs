//! Full-text search without a server, after Pagefind's design. Every post and page is a
//! document with a number; its words are filed by their first two letters into small files
//! (`search/words/th.json`: each word with the documents holding it, by the best place it
//! holds it: title, Thing/network/tag, heading or text), so a query downloads only the files
//! of the words typed, never the whole index. Each document's title, address and text (for
//! the excerpt) are a file of their own (`search/docs/N.json`), fetched for the results shown.
//! `search/meta.json` lists the files that exist, the Things, networks and tags (for jumps).
//!
//! Words are folded the way the theme's search.js folds a query: lower case, accents
//! removed, split at anything not a letter or digit. The two must agree.

mod documents;
mod files;
mod words;

pub use documents::DocInputs;
pub use files::{Corpus, Meta};
use words::Field;
pub use words::{DocWords, key_name};

use crate::markdown::PlainText;

/// Longest plain text kept for a document's excerpts; the words after it are still found.
pub const TEXT_LIMIT: usize = 24 * 1024;

/// The words of a document with `title`, filed under `terms` (Thing labels, network and tag
/// names), with the plain text `body`.
pub fn doc_words(title: &str, terms: &[&str], body: &PlainText) -> DocWords {
    let terms = terms.join("\n");
    DocWords::new([
        (Field::Title, title),
        (Field::Terms, terms.as_str()),
        (Field::Heading, body.headings.as_str()),
        (Field::Text, body.text.as_str()),
    ])
}

/// `text` cut to at most [`TEXT_LIMIT`] bytes at a character boundary.
pub fn limited(text: &str) -> &str {
    if text.len() <= TEXT_LIMIT {
        return text;
    }
    let mut end = TEXT_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_character() {
        let text = "é".repeat(TEXT_LIMIT);
        let cut = limited(&text);
        assert!(cut.len() <= TEXT_LIMIT && cut.chars().all(|c| c == 'é'));
    }
}
