//! The site model: the posts a build includes, newest first, grouped by Thing, network and
//! tag. Built once from loaded posts; rendering reads it and never changes it. Its action
//! plan is gathered in [`actions`].

mod actions;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::config::{BaseUrl, SiteConfig};
use crate::content::{Post, SitePage, Term};
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::programme::{NetworkRegistry, Programme};
use crate::route::{Route, SECTIONS};

pub use actions::Action;
mod evidence;
mod hours;

pub use evidence::{AreaEvidence, CriterionEvidence, EvidenceCell, FrameworkEvidence};
pub use hours::{Activity, HoursSummary, YearHours};

// A fast hash for the many short keys (slugs) grouped on every rebuild; order never
// depends on it (groups are sorted by name).
type HashMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;

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
    /// Standalone pages included, by slug.
    pub pages: Vec<Arc<SitePage>>,
    /// Old addresses of included posts and pages, each a redirect page.
    pub redirects: Vec<Redirect>,
    /// The site's menu: site.yaml's items, then pages that ask for a place, by order.
    pub menu: Vec<MenuLink>,
}

/// An old address that sends readers on to a post or page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Redirect {
    /// The old address.
    pub from: Route,
    /// Where it now is.
    pub to: Route,
    /// The title of what it now is.
    pub title: String,
    /// The file that declares it, for messages.
    pub source: PathBuf,
}

/// A link of the menu.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MenuLink {
    /// The link text.
    pub label: String,
    /// A page of the site, or another address as written.
    pub target: Result<Route, String>,
}

impl Site {
    /// Selects, orders and groups the posts. Two posts with one slug is an error naming both.
    pub fn assemble(
        config: SiteConfig,
        programme: Programme,
        networks: NetworkRegistry,
        mut posts: Vec<Arc<Post>>,
        mut pages: Vec<Arc<SitePage>>,
        selection: Selection,
    ) -> Result<Self, Diagnostics> {
        let mut problems = duplicate_slugs(posts.iter().map(|p| &**p));
        pages.retain(|p| selection.drafts || !p.draft);
        pages.sort_by(|a, b| a.slug.cmp(&b.slug));
        problems.extend(page_clashes(&pages));
        let menu = menu(&config, &pages).unwrap_or_else(|found| {
            problems.extend(found);
            Vec::new()
        });
        let total = posts.len();
        posts.retain(|p| (selection.drafts || !p.draft) && (selection.future || p.date.instant() <= selection.now));
        let redirects = redirects(&posts, &pages).unwrap_or_else(|found| {
            problems.extend(found);
            Vec::new()
        });
        if problems.has_errors() {
            return Err(problems);
        }
        // Newest first: by date-time, then (for posts of one day) the higher Thing, then the
        // later file name, so "Thing 2" written the same day as "Thing 1" comes first.
        posts.sort_by(|a, b| (&b.date, b.things.first(), &b.source).cmp(&(&a.date, a.things.first(), &a.source)));

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
            pages,
            redirects,
            menu,
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
        self.programme.things().filter(|(n, _)| !self.programme.is_bonus(*n) && self.by_thing.contains_key(n)).count()
    }

    /// How many bonus Things (beyond the programme's own) have at least one post.
    pub fn bonus_done(&self) -> usize {
        self.programme.things().filter(|(n, _)| self.programme.is_bonus(*n) && self.by_thing.contains_key(n)).count()
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

/// A page whose slug is a section of the site, or another page's: errors naming both.
fn page_clashes(pages: &[Arc<SitePage>]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut seen: HashMap<&str, &SitePage> = HashMap::default();
    for page in pages {
        if SECTIONS.contains(&page.slug.as_str()) {
            problems.push(
                Diagnostic::error(format!("the page address /{}/ is the site's own {} section", page.slug, page.slug))
                    .in_file(&page.source)
                    .with_hint("set another `slug:` in the page"),
            );
        }
        if let Some(first) = seen.insert(&page.slug, page) {
            problems.push(
                Diagnostic::error(format!(
                    "two pages have the address /{}/: {} and {}",
                    page.slug,
                    display_path(&first.source),
                    display_path(&page.source)
                ))
                .in_file(&page.source)
                .with_hint("set a different `slug:` in one of them"),
            );
        }
    }
    problems
}

/// The menu: site.yaml's items in order (a page named there must exist), then the pages that
/// ask for a place, by their order and label.
fn menu(config: &SiteConfig, pages: &[Arc<SitePage>]) -> Result<Vec<MenuLink>, Diagnostics> {
    let mut problems = Diagnostics::default();
    let mut links = Vec::new();
    for item in &config.menu {
        let target = match (&item.page, &item.url) {
            (Some(slug), _) if pages.iter().any(|p| &p.slug == slug) => Ok(Route::Page(slug.clone())),
            (Some(slug), _) => {
                problems.push(
                    crate::config::error_in_config(
                        &config.text,
                        "menu",
                        slug,
                        format!("menu item `{}` links to page `{slug}`, which pages/ does not have", item.label),
                    )
                    .with_hint("write the page's slug (its file name without .md), or use `url:`; a draft page is built only with --drafts"),
                );
                continue;
            }
            (None, url) => Err(url.clone().unwrap_or_default()),
        };
        links.push(MenuLink { label: item.label.trim().to_string(), target });
    }
    let mut placed: Vec<&SitePage> = pages.iter().filter(|p| p.menu.is_some()).map(|p| &**p).collect();
    placed.sort_by_key(|p| p.menu.as_ref().map(|m| (m.order, m.label.clone())));
    for page in placed {
        let label = page.menu.as_ref().map(|m| m.label.clone()).unwrap_or_default();
        links.push(MenuLink { label, target: Ok(Route::Page(page.slug.clone())) });
    }
    if problems.has_errors() { Err(problems) } else { Ok(links) }
}

/// The redirect pages of every included post's and page's old addresses; one address
/// claimed twice is an error naming both files.
fn redirects(posts: &[Arc<Post>], pages: &[Arc<SitePage>]) -> Result<Vec<Redirect>, Diagnostics> {
    let from_posts = posts.iter().flat_map(|p| {
        p.aliases.iter().map(|from| Redirect {
            from: from.clone(),
            to: Route::Post(p.slug.clone()),
            title: p.title.clone(),
            source: p.source.clone(),
        })
    });
    let from_pages = pages.iter().flat_map(|p| {
        p.aliases.iter().map(|from| Redirect {
            from: from.clone(),
            to: Route::Page(p.slug.clone()),
            title: p.title.clone(),
            source: p.source.clone(),
        })
    });
    // An old address that is the new one too (a page kept at /about/) needs no redirect.
    let mut redirects: Vec<Redirect> = from_posts.chain(from_pages).filter(|r| r.from.file() != r.to.file()).collect();
    redirects.sort_by(|a, b| a.from.cmp(&b.from).then_with(|| a.source.cmp(&b.source)));
    let mut problems = Diagnostics::default();
    for pair in redirects.windows(2) {
        if pair[0].from == pair[1].from {
            problems.push(
                Diagnostic::error(format!(
                    "the old address /{} is claimed twice: by {} and {}",
                    pair[1].from.address(),
                    display_path(&pair[0].source),
                    display_path(&pair[1].source)
                ))
                .in_file(&pair[1].source)
                .with_hint("keep the alias in one of them"),
            );
        }
    }
    if problems.has_errors() { Err(problems) } else { Ok(redirects) }
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
