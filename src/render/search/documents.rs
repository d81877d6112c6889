//! The renderer's side of the search index: which document has which number, and the
//! values each index file is made from (hashed for the preview like every page's).

use std::hash::{Hash, Hasher};

use super::files::{DocFile, Jump, Meta, doc_file, meta_file, words_file};
use super::words::DocWords;
use crate::render::page::Values;
use crate::render::{Renderer, hash_of};
use crate::route::Route;

/// What document file N is made from, hashed by a hash of its source. The file's values are
/// made only when it is written (a preview fingerprints 10,000 of these on every save).
#[derive(Debug, Clone, Copy)]
pub struct DocInputs {
    /// The document's number.
    pub number: usize,
    /// A hash of everything it comes from.
    pub hash: u64,
}

impl Hash for DocInputs {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.hash.hash(state);
    }
}

impl Renderer<'_> {
    /// Documents in the search index: the posts, then the standalone pages.
    pub(in crate::render) fn search_doc_count(&self) -> usize {
        self.prepared.len() + self.page_search.len()
    }

    /// Document `n`'s words. Posts are numbered oldest first (a new post takes the next
    /// number and the others keep theirs), then come the standalone pages.
    fn search_words(&self, n: usize) -> &DocWords {
        let posts = self.prepared.len();
        if n < posts { &self.prepared[posts - 1 - n].search } else { &self.page_search[n - posts].0 }
    }

    /// What document `n` is made from.
    pub(in crate::render) fn search_doc(&self, n: usize) -> DocInputs {
        let posts = self.prepared.len();
        let hash = if n < posts {
            self.prepared[posts - 1 - n].post_hash
        } else {
            let page = &self.site.pages[n - posts];
            hash_of(&(&page.slug, &page.title, &page.date, &self.page_search[n - posts].1))
        };
        DocInputs { number: n, hash }
    }

    /// What document `n` shows as a search result.
    fn search_doc_file(&self, n: usize) -> Vec<u8> {
        let posts = self.prepared.len();
        if n < posts {
            let prepared = &self.prepared[posts - 1 - n];
            let summary = &prepared.summary;
            return doc_file(&DocFile {
                url: summary.url.clone(),
                title: &summary.title,
                date: Some(summary.date.clone()),
                things: summary.things.iter().map(|t| t.label.as_str()).collect(),
                text: super::limited(&self.site.posts[posts - 1 - n].plain.text),
            });
        }
        let page = &self.site.pages[n - posts];
        let (_, text) = &self.page_search[n - posts];
        doc_file(&DocFile {
            url: Route::Page(page.slug.clone()).url(&self.site.base),
            title: &page.title,
            date: page.date.as_ref().map(|d| d.human()),
            things: Vec::new(),
            text,
        })
    }

    /// What `search/meta.json` says.
    pub(in crate::render) fn search_meta(&self) -> Meta {
        let site = self.site;
        let base = &site.base;
        let things = site.programme.things().map(|(number, _)| Jump {
            label: site.programme.label(number),
            url: Route::Thing(number).url(base),
            number: Some(number),
            posts: site.thing_posts(number).len(),
        });
        let terms = |groups: &[crate::site::TermGroup], route: fn(String) -> Route| -> Vec<Jump> {
            groups
                .iter()
                .map(|g| Jump {
                    label: g.term.name.clone(),
                    url: route(g.term.slug.clone()).url(base),
                    number: None,
                    posts: g.posts.len(),
                })
                .collect()
        };
        Meta {
            docs: self.search_doc_count(),
            words: self.corpus.key_names(),
            words_url: base.path("search/words/"),
            docs_url: base.path("search/docs/"),
            things: things.collect(),
            networks: terms(&site.by_network, Route::Network),
            tags: terms(&site.by_tag, Route::Tag),
        }
    }

    /// The bytes of a search index file, for the values of one; `None` for other pages.
    pub(in crate::render) fn search_file(&self, values: &Values<'_>) -> Option<Vec<u8>> {
        match values {
            Values::SearchMeta(meta) => Some(meta_file(meta)),
            Values::SearchWords { key, .. } => {
                Some(words_file(&self.corpus, *key, self.search_doc_count(), |n| self.search_words(n)))
            }
            Values::SearchDoc(inputs) => Some(self.search_doc_file(inputs.number)),
            _ => None,
        }
    }
}
