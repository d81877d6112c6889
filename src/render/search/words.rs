//! A document's words, folded, sorted and packed small: a live preview keeps them for every
//! post between rebuilds. The fold must match `fold` in the theme's search.js.

use std::hash::{BuildHasher, Hash, Hasher};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Where in a document a word stands; a word counts at its best place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// The title.
    Title = 0,
    /// A Thing, network or tag the document is filed under.
    Terms = 1,
    /// A heading of the body.
    Heading = 2,
    /// The body's text.
    Text = 3,
}

/// Words longer than this (addresses, hashes) are not indexed.
pub const LONGEST_WORD: usize = 40;

/// Most distinct words indexed of one document.
pub const MOST_WORDS: usize = u16::MAX as usize;

/// Letters without a decomposition that people type without their mark.
const PLAIN: [(char, &str); 10] = [
    ('ß', "ss"),
    ('æ', "ae"),
    ('œ', "oe"),
    ('ø', "o"),
    ('ł', "l"),
    ('đ', "d"),
    ('ð', "d"),
    ('þ', "th"),
    ('ı', "i"),
    ('ħ', "h"),
];

/// Appends each word of `text`, folded, to `all`, and calls `word` with where it is there:
/// each character compatibility-decomposed, marks removed, lower case, the letters of
/// [`PLAIN`] spelled out; words are runs of letters and digits of at most [`LONGEST_WORD`]
/// bytes (a longer run is taken back out). search.js's `tokens` does the same.
pub fn fold_into(text: &str, all: &mut String, mut word: impl FnMut(usize, usize)) {
    let mut start = all.len();
    let mut flush = |all: &mut String, start: &mut usize| {
        let end = all.len();
        if end - *start > LONGEST_WORD {
            all.truncate(*start);
        } else if end > *start {
            word(*start, end);
        }
        *start = all.len();
    };
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                all.push(char::from(b.to_ascii_lowercase()));
            } else {
                flush(all, &mut start);
            }
            at += 1;
            continue;
        }
        let Some(c) = text[at..].chars().next() else { break };
        at += c.len_utf8();
        for d in std::iter::once(c).nfkd() {
            if is_combining_mark(d) {
                continue;
            }
            for lower in d.to_lowercase() {
                if is_combining_mark(lower) {
                    continue;
                }
                if let Some((_, plain)) = PLAIN.iter().find(|(from, _)| *from == lower) {
                    all.push_str(plain);
                } else if lower.is_alphanumeric() {
                    all.push(lower);
                } else {
                    flush(all, &mut start);
                }
            }
        }
    }
    flush(all, &mut start);
}

/// The words of `text`, folded.
#[cfg(test)]
pub fn folded(text: &str) -> Vec<String> {
    let (mut all, mut spans) = (String::new(), Vec::new());
    fold_into(text, &mut all, |start, end| spans.push((start, end)));
    spans.into_iter().map(|(start, end)| all[start..end].to_string()).collect()
}

/// Number of possible word files: a first character (36 letters and digits, or `_` for any
/// other) and a second (the same, or none).
pub const KEY_COUNT: usize = 37 * 38;

/// A character's place among the first characters of words: digits, letters, then any other.
fn char_index(c: char) -> usize {
    match c {
        '0'..='9' => c as usize - '0' as usize,
        'a'..='z' => 10 + c as usize - 'a' as usize,
        _ => 36,
    }
}

fn index_char(index: usize) -> char {
    match index {
        0..=9 => (b'0' + index as u8) as char,
        10..=35 => (b'a' + (index - 10) as u8) as char,
        _ => '_',
    }
}

/// The word file a folded word is in, as a number below [`KEY_COUNT`]. Numbers follow the
/// words' sorted order (a one-letter word before the longer words it begins), so the words of
/// one file are side by side in a sorted list.
pub fn key_of(word: &str) -> usize {
    let mut chars = word.chars();
    let first = chars.next().map_or(0, char_index);
    first * 38 + chars.next().map_or(0, |c| 1 + char_index(c))
}

/// The name of word file `key` (`th`, `a`, `_e`).
pub fn key_name(key: usize) -> String {
    let mut name = String::from(index_char(key / 38));
    if !key.is_multiple_of(38) {
        name.push(index_char(key % 38 - 1));
    }
    name
}

/// A set of word files, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Keys([u64; KEY_COUNT.div_ceil(64)]);

impl Default for Keys {
    fn default() -> Self {
        Self([0; KEY_COUNT.div_ceil(64)])
    }
}

impl Keys {
    /// Adds file `key`.
    pub fn insert(&mut self, key: usize) {
        self.0[key / 64] |= 1 << (key % 64);
    }

    /// Adds every file of `other`.
    pub fn add(&mut self, other: &Keys) {
        self.0.iter_mut().zip(other.0).for_each(|(bits, more)| *bits |= more);
    }

    /// True if file `key` is in the set.
    pub fn contains(&self, key: usize) -> bool {
        self.0[key / 64] & (1 << (key % 64)) != 0
    }

    /// The files, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..KEY_COUNT).filter(|&k| self.contains(k))
    }
}

/// Where each word of a document is in the folded text (start, end) and its field.
type Spans = Vec<(u32, u32, Field)>;

/// The distinct words of one document, sorted, each with the best [`Field`] it stands in.
#[derive(Debug, Clone, Default)]
pub struct DocWords {
    /// The words, one after another.
    words: String,
    /// Where each word ends in `words`.
    ends: Vec<u32>,
    /// Each word's best field.
    fields: Vec<Field>,
    /// The word files this document has words in, in order, each with where its words
    /// start and a hash of them (a word file changes only when one of these hashes does).
    pub runs: Vec<KeyRun>,
    /// A hash of the words and fields.
    pub hash: u64,
}

/// The words of one document in one word file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyRun {
    /// The word file.
    pub key: u16,
    /// The index of its first word.
    pub start: u16,
    /// A hash of its words and their fields (32 bits: a live preview keeps 10,000 posts'
    /// runs; a clash would only leave one word file unwritten until the next save).
    pub hash: u32,
}

impl Hash for DocWords {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.hash.hash(state);
    }
}

impl DocWords {
    /// The words of a document made of `parts`.
    pub fn new<'t>(parts: impl IntoIterator<Item = (Field, &'t str)>) -> Self {
        // Every post's words pass through these two buffers: kept per thread, so that 10,000
        // posts do not each grow (and have the system zero) fresh ones.
        thread_local! {
            static SCRATCH: std::cell::Cell<(String, Spans)> = Default::default();
        }
        let (mut all, mut spans) = SCRATCH.take();
        all.clear();
        spans.clear();
        let packed = Self::pack(parts, &mut all, &mut spans);
        SCRATCH.set((all, spans));
        packed
    }

    fn pack<'t>(parts: impl IntoIterator<Item = (Field, &'t str)>, all: &mut String, spans: &mut Spans) -> Self {
        for (field, text) in parts {
            fold_into(text, all, |start, end| spans.push((start as u32, end as u32, field)));
        }
        // Distinct words first (a post repeats most of its words), then sorted.
        let mut best: std::collections::HashMap<&str, Field, ahash::RandomState> =
            std::collections::HashMap::with_capacity_and_hasher(
                spans.len() / 2,
                ahash::RandomState::with_seeds(9, 9, 9, 9),
            );
        for &(start, end, field) in spans.iter() {
            let slot = best.entry(&all[start as usize..end as usize]).or_insert(field);
            *slot = (*slot).min(field);
        }
        // Sorted by their first eight bytes as a number, then the rest: the same order as the
        // words', with few string comparisons.
        let prefix = |w: &str| {
            let mut bytes = [0u8; 8];
            let n = w.len().min(8);
            bytes[..n].copy_from_slice(&w.as_bytes()[..n]);
            u64::from_be_bytes(bytes)
        };
        let mut distinct: Vec<(u64, &str, Field)> = best.into_iter().map(|(w, f)| (prefix(w), w, f)).collect();
        distinct.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        let mut distinct: Vec<(&str, Field)> = distinct.into_iter().map(|(_, w, f)| (w, f)).collect();
        // A document of more distinct words than a dictionary is not prose: its first ones do.
        distinct.truncate(MOST_WORDS);
        let mut packed = Self::default();
        packed.words.reserve(distinct.iter().map(|(w, _)| w.len()).sum());
        let hashing = ahash::RandomState::with_seeds(1, 2, 3, 4);
        let mut hasher = hashing.build_hasher();
        for (index, &(w, field)) in distinct.iter().enumerate() {
            let key = key_of(w) as u16;
            packed.words.push_str(w);
            packed.ends.push(packed.words.len() as u32);
            packed.fields.push(field);
            if packed.runs.last().is_none_or(|run| run.key != key) {
                if let Some(run) = packed.runs.last_mut() {
                    run.hash = std::mem::replace(&mut hasher, hashing.build_hasher()).finish() as u32;
                }
                packed.runs.push(KeyRun { key, start: index as u16, hash: 0 });
            }
            (w, field).hash(&mut hasher);
        }
        if let Some(run) = packed.runs.last_mut() {
            run.hash = hasher.finish() as u32;
        }
        packed.hash = hashing.hash_one(&packed.runs);
        packed
    }

    /// Each word with its best field, in order.
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = (&str, Field)> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .zip(&self.fields)
            .map(|((start, &end), &field)| (&self.words[start as usize..end as usize], field))
    }

    fn word(&self, index: usize) -> &str {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.words[start as usize..self.ends[index] as usize]
    }

    /// The words of run `index` of [`DocWords::runs`], with their fields, in order.
    pub fn run(&self, index: usize) -> impl Iterator<Item = (&str, Field)> + '_ {
        let start = self.runs[index].start as usize;
        let end = self.runs.get(index + 1).map_or(self.ends.len(), |next| next.start as usize);
        (start..end).map(|i| (self.word(i), self.fields[i]))
    }

    /// The words in word file `key`, with their fields, in order.
    #[cfg(test)]
    pub fn in_key(&self, key: usize) -> impl Iterator<Item = (&str, Field)> + '_ {
        let range = match self.runs.binary_search_by_key(&(key as u16), |run| run.key) {
            Ok(i) => {
                let end = self.runs.get(i + 1).map_or(self.ends.len(), |next| next.start as usize);
                self.runs[i].start as usize..end
            }
            Err(_) => 0..0,
        };
        range.map(|i| (self.word(i), self.fields[i]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_as_a_reader_types_them() {
        assert_eq!(folded("Thing 23: Reflection & what next"), ["thing", "23", "reflection", "what", "next"]);
        assert_eq!(
            folded("Café Straße ÆLFRED Łódź naïve cpd23"),
            ["cafe", "strasse", "aelfred", "lodz", "naive", "cpd23"]
        );
        assert_eq!(folded("don’t e-mail"), ["don", "t", "e", "mail"]);
        assert_eq!(folded("ﬁle ２３"), ["file", "23"], "compatibility forms");
        assert_eq!(folded("図書館 Ελληνικά"), ["図書館", "ελληνικα"]);
        assert!(folded(&"x".repeat(LONGEST_WORD + 1)).is_empty());
    }

    #[test]
    fn keys_name_the_first_two_characters() {
        assert_eq!(key_name(key_of("thing")), "th");
        assert_eq!(key_name(key_of("a")), "a");
        assert_eq!(key_name(key_of("23")), "23");
        assert_eq!(key_name(key_of("図書館")), "__");
        assert_eq!(key_name(key_of("x図")), "x_");
    }

    #[test]
    fn a_word_counts_at_its_best_place() {
        let words = DocWords::new([(Field::Text, "Zotero thing zebra"), (Field::Title, "Thing 14: Zotero")]);
        let all: Vec<(&str, Field)> = words.iter().collect();
        assert_eq!(
            all,
            [("14", Field::Title), ("thing", Field::Title), ("zebra", Field::Text), ("zotero", Field::Title)]
        );
        let z: Vec<&str> = words.in_key(key_of("ze")).map(|(w, _)| w).collect();
        assert_eq!(z, ["zebra"]);
        assert_eq!(words.in_key(key_of("zo")).count(), 1);
        assert_eq!(words.in_key(key_of("qq")).count(), 0);
        let keys: Vec<String> = words.runs.iter().map(|run| key_name(run.key as usize)).collect();
        assert_eq!(keys, ["14", "th", "ze", "zo"]);
    }
}
