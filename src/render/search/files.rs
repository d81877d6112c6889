//! The files of the search index: the word files, one per pair of first letters; a file per
//! document; and the small `meta.json` that says which word files exist. Their format is read
//! by the theme's search.js (docs/theming.md describes it).

type HashMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;

use serde::Serialize;

use super::words::{DocWords, KEY_COUNT, Keys, key_name};

/// What the word files are made from: which exist, and for each a hash of what every
/// document holds in it (with the document's number), so that a preview rewrites only the
/// word files of the words that changed.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The word files that exist.
    pub keys: Keys,
    /// Per word file, a hash of its contents' sources.
    hashes: Vec<u64>,
    /// Per word file, the documents with words in it: (document, index of its run). Made
    /// the first time a word file is written (a preview save that changes no word, or only
    /// defers them, never needs it).
    members: std::sync::OnceLock<Vec<Vec<(u32, u32)>>>,
}

impl Corpus {
    /// The corpus of `docs`, in number order. A live preview makes it on every save, from
    /// every document: in parallel, each word file's hash a sum (so the order the parts are
    /// added in does not matter) of its documents' runs, each mixed with the document's number.
    pub fn new<'a>(docs: impl IntoIterator<Item = &'a DocWords>) -> Self {
        use rayon::prelude::*;
        let docs: Vec<&DocWords> = docs.into_iter().collect();
        let empty = || (Keys::default(), vec![0u64; KEY_COUNT]);
        let (keys, hashes) = (docs.par_iter().enumerate())
            .fold(empty, |(mut keys, mut hashes), (number, doc)| {
                let mixed = (number as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                for run in &doc.runs {
                    keys.insert(run.key as usize);
                    let slot = &mut hashes[run.key as usize];
                    *slot = slot.wrapping_add(spread(mixed ^ run.hash as u64));
                }
                (keys, hashes)
            })
            .reduce(empty, |(mut keys, mut hashes), (more_keys, more_hashes)| {
                keys.add(&more_keys);
                hashes.iter_mut().zip(more_hashes).for_each(|(sum, more)| *sum = sum.wrapping_add(more));
                (keys, hashes)
            });
        Self { keys, hashes, members: std::sync::OnceLock::new() }
    }

    /// Per word file, the documents with words in it, made once from `docs` (`count` of them).
    fn members<'a>(&self, count: usize, doc: &impl Fn(usize) -> &'a DocWords) -> &[Vec<(u32, u32)>] {
        self.members.get_or_init(|| {
            let mut members = vec![Vec::new(); KEY_COUNT];
            for number in 0..count {
                for (index, run) in doc(number).runs.iter().enumerate() {
                    members[run.key as usize].push((number as u32, index as u32));
                }
            }
            members
        })
    }

    /// What word file `key` is made from, as one number.
    pub fn hash_of(&self, key: usize) -> u64 {
        self.hashes[key]
    }

    /// The names of the word files, in order.
    pub fn key_names(&self) -> Vec<String> {
        self.keys.iter().map(key_name).collect()
    }
}

/// A 64-bit value with every bit of `x` spread over all of it (SplitMix64's finaliser), so
/// that sums of them do not cancel out.
fn spread(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Word file `key`: `{"word": [TITLE, TERMS, HEADING, TEXT], …}`, each a set of document
/// numbers (the documents holding the word at best there), empty sets at the end left out.
/// `doc` gives document N's words, of `count`.
pub fn words_file<'a>(corpus: &Corpus, key: usize, count: usize, doc: impl Fn(usize) -> &'a DocWords) -> Vec<u8> {
    let mut postings: HashMap<&str, [Vec<u32>; 4]> = HashMap::default();
    for &(number, run) in &corpus.members(count, &doc)[key] {
        for (word, field) in doc(number as usize).run(run as usize) {
            postings.entry(word).or_default()[field as usize].push(number);
        }
    }
    let mut postings: Vec<(&str, [Vec<u32>; 4])> = postings.into_iter().collect();
    postings.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = String::from("{");
    for (i, (word, sets)) in postings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(word).expect("a string serialises"));
        out.push_str(":[");
        let used = sets.iter().rposition(|s| !s.is_empty()).map_or(0, |last| last + 1);
        for (j, set) in sets[..used].iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(&encode_set(set));
            out.push('"');
        }
        out.push(']');
    }
    out.push('}');
    escape_markup(out).into_bytes()
}

/// A rising list of numbers as the shorter of two spellings: the gaps between them in base
/// 36 separated by commas (`0,5,1a`), or `~` and a bitmap in base64 (bit `n` of byte `n/8`).
pub fn encode_set(set: &[u32]) -> String {
    let mut gaps = String::new();
    let mut previous = 0;
    for (i, &n) in set.iter().enumerate() {
        if i > 0 {
            gaps.push(',');
        }
        push_base36(n - previous, &mut gaps);
        previous = n;
    }
    let Some(&last) = set.last() else { return gaps };
    let bitmap_chars = (last as usize / 8 + 1).div_ceil(3) * 4 + 1;
    if bitmap_chars >= gaps.len() {
        return gaps;
    }
    let mut bytes = vec![0u8; last as usize / 8 + 1];
    for &n in set {
        bytes[n as usize / 8] |= 1 << (n % 8);
    }
    let mut out = String::from("~");
    push_base64(&bytes, &mut out);
    out
}

fn push_base36(mut n: u32, out: &mut String) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buffer = [0u8; 8];
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buffer[at..]).expect("ASCII digits"));
}

fn push_base64(bytes: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
}

/// What a search result shows of one document.
#[derive(Debug, Clone, Serialize)]
pub struct DocFile<'a> {
    /// Path-absolute URL.
    pub url: String,
    /// Title.
    pub title: &'a str,
    /// "18 July 2011", if dated.
    pub date: Option<String>,
    /// The Things it reflects on, as labels.
    pub things: Vec<&'a str>,
    /// Its plain text, for the excerpt (cut at [`super::TEXT_LIMIT`]).
    pub text: &'a str,
}

/// `search/docs/N.json`.
pub fn doc_file(doc: &DocFile<'_>) -> Vec<u8> {
    escape_markup(serde_json::to_string(doc).expect("plain data serialises")).into_bytes()
}

/// A place a query can jump to: a Thing, network or tag page.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Jump {
    /// "Thing 6: Online networks", "LinkedIn".
    pub label: String,
    /// Path-absolute URL.
    pub url: String,
    /// The Thing's number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    /// How many posts it has.
    pub posts: usize,
}

/// `search/meta.json`: how many documents, which word files exist, and the pages to jump to.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Meta {
    /// Documents in the index.
    pub docs: usize,
    /// Names of the word files that exist.
    pub words: Vec<String>,
    /// Where the word files are (`/blog/search/words/`).
    pub words_url: String,
    /// Where the document files are.
    pub docs_url: String,
    /// The programme's Things.
    pub things: Vec<Jump>,
    /// The networks posts name.
    pub networks: Vec<Jump>,
    /// The tags.
    pub tags: Vec<Jump>,
}

/// `search/meta.json`.
pub fn meta_file(meta: &Meta) -> Vec<u8> {
    escape_markup(serde_json::to_string(meta).expect("plain data serialises")).into_bytes()
}

/// `<` escaped, so no file of the index can ever be read as markup.
fn escape_markup(json: String) -> String {
    if json.contains('<') { json.replace('<', "\\u003c") } else { json }
}

#[cfg(test)]
mod tests {
    use super::super::words::{Field, key_of};
    use super::*;

    #[test]
    fn a_set_takes_the_shorter_spelling() {
        assert_eq!(encode_set(&[]), "");
        assert_eq!(encode_set(&[3]), "3");
        assert_eq!(encode_set(&[0, 5, 41]), "0,5,10");
        let every: Vec<u32> = (0..48).collect();
        assert_eq!(encode_set(&every), "~////////", "48 bits, 6 bytes, 8 characters");
        assert_eq!(encode_set(&[0, 9]), "0,9");
        let mut dense: Vec<u32> = (0..200).step_by(2).collect();
        dense.push(201);
        assert!(encode_set(&dense).starts_with("~VVVV"), "{}", encode_set(&dense));
    }

    #[test]
    fn a_word_file_lists_each_word_by_its_best_place() {
        let a = DocWords::new([(Field::Title, "Thing 23"), (Field::Text, "the thinking")]);
        let b = DocWords::new([(Field::Heading, "Things"), (Field::Text, "thing")]);
        let corpus = Corpus::new([&a, &b]);
        let docs = [&a, &b];
        let file = String::from_utf8(words_file(&corpus, key_of("th"), 2, |n| docs[n])).unwrap();
        assert_eq!(
            file,
            r#"{"the":["","","","0"],"thing":["0","","","1"],"things":["","","1"],"thinking":["","","","0"]}"#
        );
        assert_eq!(corpus.key_names(), ["23", "th"]);
        let swapped = Corpus::new([&b, &a]);
        assert_ne!(corpus.hash_of(key_of("th")), swapped.hash_of(key_of("th")), "numbers changed");
        let c = DocWords::new([(Field::Title, "Thing 24"), (Field::Text, "the thinking")]);
        let edited = Corpus::new([&c, &b]);
        assert_eq!(corpus.hash_of(key_of("th")), edited.hash_of(key_of("th")), "the th words are the same");
        assert_ne!(corpus.hash_of(key_of("23")), edited.hash_of(key_of("23")));
    }
}
