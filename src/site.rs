//! The site model: the posts a build includes, newest first, grouped by Thing, network and
//! tag. Built once from loaded posts; rendering reads it and never changes it.

use std::collections::BTreeMap;

// A fast hash for the many short keys (slugs) grouped on every rebuild; order never
// depends on it (groups are sorted by name).
type HashMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::config::{BaseUrl, SiteConfig};
use crate::content::{Post, Term};
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::programme::{NetworkRegistry, Programme};

/// Which posts a build includes.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    /// Include drafts.
    pub drafts: bool,
    /// Include posts dated after `now`.
    pub future: bool,
    /// The moment "the future" starts.
    pub now: DateTime<Utc>,
}

/// A network or tag with the posts that name it, newest first (indexes into `Site::posts`).
#[derive(Debug, Clone)]
pub struct TermGroup {
    /// Display name and slug.
    pub term: Term,
    /// Posts naming it.
    pub posts: Vec<usize>,
}

/// Everything a build renders.
#[derive(Debug)]
pub struct Site {
    /// site.yaml.
    pub config: SiteConfig,
    /// base_url, split.
    pub base: BaseUrl,
    /// The programme's Things.
    pub programme: Programme,
    /// Known networks.
    pub networks: NetworkRegistry,
    /// Included posts, newest first (ties by slug). Shared, so a live preview can keep the
    /// posts that did not change from one rebuild to the next.
    pub posts: Vec<Arc<Post>>,
    /// Posts per Thing, newest first; only Things with posts.
    pub by_thing: BTreeMap<u32, Vec<usize>>,
    /// Networks named by included posts, by name.
    pub by_network: Vec<TermGroup>,
    /// Tags used by included posts, by name.
    pub by_tag: Vec<TermGroup>,
    /// Posts left out (drafts, future posts), for the summary line.
    pub left_out: usize,
    /// The moment the build treats as now (posts after it are scheduled).
    pub now: DateTime<Utc>,
}

impl Site {
    /// Selects, orders and groups the posts. Two posts with one slug is an error naming both.
    pub fn assemble(
        config: SiteConfig,
        programme: Programme,
        networks: NetworkRegistry,
        mut posts: Vec<Arc<Post>>,
        selection: Selection,
    ) -> Result<Self, Diagnostics> {
        let problems = duplicate_slugs(posts.iter().map(|p| &**p));
        if problems.has_errors() {
            return Err(problems);
        }

        let total = posts.len();
        posts.retain(|p| (selection.drafts || !p.draft) && (selection.future || p.date.instant() <= selection.now));
        posts.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));

        let mut by_thing: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        let mut networks_used: HashMap<String, TermGroup> = HashMap::default();
        let mut tags_used: HashMap<String, TermGroup> = HashMap::default();
        for (index, post) in posts.iter().enumerate() {
            for &thing in &post.things {
                by_thing.entry(thing).or_default().push(index);
            }
            for term in &post.networks {
                group(&mut networks_used, term, index);
            }
            for term in &post.tags {
                group(&mut tags_used, term, index);
            }
        }
        Ok(Self {
            base: config.base_url.clone(),
            config,
            programme,
            networks,
            left_out: total - posts.len(),
            posts,
            by_thing,
            by_network: sorted_by_name(networks_used),
            by_tag: sorted_by_name(tags_used),
            now: selection.now,
        })
    }

    /// The posts on Thing `number`, newest first.
    pub fn thing_posts(&self, number: u32) -> &[usize] {
        self.by_thing.get(&number).map_or(&[], Vec::as_slice)
    }

    /// How many of the programme's Things have at least one post.
    pub fn things_done(&self) -> usize {
        self.programme.things().filter(|(n, _)| self.by_thing.contains_key(n)).count()
    }
}

/// Two posts with one slug would write one page: an error naming both files.
pub fn duplicate_slugs<'a>(posts: impl IntoIterator<Item = &'a Post>) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let mut seen: HashMap<&str, &Post> = HashMap::with_capacity_and_hasher(1024, Default::default());
    for post in posts {
        if let Some(first) = seen.insert(&post.slug, post) {
            problems.push(
                Diagnostic::error(format!(
                    "two posts have the slug `{}`: {} and {}",
                    post.slug,
                    display_path(&first.source),
                    display_path(&post.source)
                ))
                .in_file(&post.source)
                .with_hint("set a different `slug:` in one of them"),
            );
        }
    }
    problems
}

fn group(groups: &mut HashMap<String, TermGroup>, term: &Term, index: usize) {
    match groups.get_mut(&term.slug) {
        Some(group) => group.posts.push(index),
        None => {
            groups.insert(term.slug.clone(), TermGroup { term: term.clone(), posts: vec![index] });
        }
    }
}

/// Groups by name, case-insensitively, then by slug (unique), so the order is total.
fn sorted_by_name(groups: HashMap<String, TermGroup>) -> Vec<TermGroup> {
    let mut groups: Vec<TermGroup> = groups.into_values().collect();
    groups.sort_by(|a, b| {
        a.term.name.to_lowercase().cmp(&b.term.name.to_lowercase()).then_with(|| a.term.slug.cmp(&b.term.slug))
    });
    groups
}
