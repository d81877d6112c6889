//! The portfolio's own values: each reflection as the portfolio shows it (its summary, or the
//! whole text with peers' comments, with its word count) and the cover: words in all, the
//! statement an assessment limits, the day it was compiled.

use tera::Value;

use super::context::comment_contexts;
use super::page::PostInputs;
use crate::config::{PortfolioContent, SiteConfig};
use crate::markdown::Markdown;
use crate::site::Site;

/// What the portfolio's cover block says besides the counts it already had.
#[derive(Debug, Clone, Hash)]
pub struct Cover {
    /// Words of every reflection, as readers count them.
    pub words: usize,
    /// The statement post: its title, address, words and limit.
    pub statement: Option<Statement>,
    /// The day of the build ("1 December 2026").
    pub compiled: String,
    /// The same, as written (`2026-12-01`).
    pub compiled_iso: String,
}

/// The reflective statement an assessment limits.
#[derive(Debug, Clone, Hash, serde::Serialize)]
pub struct Statement {
    /// Its title.
    pub title: String,
    /// Path-absolute URL.
    pub url: String,
    /// Its words.
    pub words: usize,
    /// The limit.
    pub word_limit: usize,
}

impl Cover {
    /// The cover of `site`'s portfolio.
    pub fn of(site: &Site) -> Self {
        let statement = site.config.portfolio.statement.as_ref().and_then(|wanted| {
            let post = site.posts.iter().find(|p| p.slug == wanted.post)?;
            Some(Statement {
                title: post.title.clone(),
                url: crate::route::Route::Post(post.slug.clone()).url(&site.base),
                words: post.word_count,
                word_limit: wanted.word_limit,
            })
        });
        let today = site.now.date_naive();
        let compiled = crate::content::PostDate::Day(today);
        Cover {
            words: site.posts.iter().map(|p| p.word_count).sum(),
            statement,
            compiled: compiled.human(),
            compiled_iso: compiled.iso(),
        }
    }
}

/// Adds the cover's values to the portfolio's: `words`, `statement`, `compiled`,
/// `compiled_iso`, and `full` and `comments` from site.yaml.
pub fn insert_cover(portfolio: &mut tera::Map, cover: &Cover, config: &SiteConfig) {
    portfolio.insert("words".into(), Value::from(cover.words));
    portfolio.insert("statement".into(), Value::from_serializable(&cover.statement));
    portfolio.insert("compiled".into(), Value::from(cover.compiled.as_str()));
    portfolio.insert("compiled_iso".into(), Value::from(cover.compiled_iso.as_str()));
    portfolio.insert("full".into(), Value::from(config.portfolio.content == PortfolioContent::Full));
    portfolio.insert("with_comments".into(), Value::from(config.portfolio.comments));
}

/// One reflection as the portfolio shows it: its list view with `words`, and with
/// `content: full`, `content` (its HTML, links absolute, so the printed copy stands alone) and,
/// with `comments: true`, `comments`. A post shown in an `earlier` section (anchor and title)
/// has `shown_in` instead of its text.
pub fn entry(post: &PostInputs<'_>, markdown: &Markdown, site: &SiteConfig, earlier: Option<(&str, &str)>) -> Value {
    let config = &site.portfolio;
    let mut entry = post.prepared.value.as_map().cloned().unwrap_or_default();
    entry.insert("words".into(), Value::from(post.post.word_count));
    if let Some((id, title)) = earlier {
        let mut shown_in = tera::Map::default();
        shown_in.insert("id".into(), Value::from(id));
        shown_in.insert("title".into(), Value::from(title));
        entry.insert("shown_in".into(), Value::from(shown_in));
        return Value::from(entry);
    }
    if config.content == PortfolioContent::Full {
        entry.insert("content".into(), Value::from(post.whole_body(markdown, &site.base_url)));
        if config.comments {
            let prefix = format!("{}-comment", post.post.slug);
            let comments = comment_contexts(markdown, &post.post.comments, &prefix);
            entry.insert("comments".into(), Value::from_serializable(&comments));
        }
    }
    Value::from(entry)
}
