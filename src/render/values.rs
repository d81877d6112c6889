//! What each kind of page shows, made from the site model: the [`Values`] of its typed
//! context. Every URL comes from a [`Route`].

use super::context::*;
use super::page::{Listing, Portfolio, PortfolioSection, PostInputs, Values};
use super::{FEED_LIMIT, Renderer};
use crate::route::Route;
use crate::site::TermGroup;

impl Renderer<'_> {
    pub(super) fn home(&self, n: usize) -> Values<'_> {
        let site = self.site;
        let per_page = site.config.paginate;
        let paginator = Paginator::new(&Route::Home(1), n, self.prepared.len(), per_page, &site.base);
        let progress =
            (site.programme.core_len() > 0).then(|| (site.things_done(), site.programme.core_len(), site.bonus_done()));
        Values::Home { posts: self.listing(paginator.range(per_page)), paginator, progress }
    }

    pub(super) fn post(&self, i: usize) -> Values<'_> {
        Values::Post {
            post: PostInputs { prepared: &self.prepared[i], post: &self.site.posts[i] },
            // Newest first: the previous (older) post is the next one in the list.
            previous: self.prepared.get(i + 1).map(|p| super::page::Shared(p)),
            next: i.checked_sub(1).map(|j| super::page::Shared(&self.prepared[j])),
        }
    }

    fn thing_entry(&self, n: u32) -> ThingEntry {
        let count = self.site.thing_posts(n).len();
        let posts = self.site.thing_posts(n);
        ThingEntry {
            thing: thing_ref(self.site, n),
            count,
            done: count > 0,
            feed_url: Route::ThingFeed(n).url(&self.site.base),
            bonus: self.site.programme.is_bonus(n),
            description: self.site.programme.description(n).map(str::to_string),
            post_url: match posts {
                [only] => Some(self.prepared[*only].summary.url.clone()),
                _ => None,
            },
        }
    }

    pub(super) fn things(&self) -> Values<'_> {
        let site = self.site;
        Values::Things {
            things: site.programme.things().map(|(n, _)| self.thing_entry(n)).collect(),
            things_done: site.things_done(),
            things_total: site.programme.core_len(),
            bonus_done: site.bonus_done(),
        }
    }

    pub(super) fn thing(&self, n: u32, page: usize) -> Values<'_> {
        let numbers: Vec<u32> = self.site.programme.things().map(|(number, _)| number).collect();
        let at = numbers.iter().position(|&number| number == n);
        let previous = at.and_then(|i| i.checked_sub(1)).map(|i| thing_ref(self.site, numbers[i]));
        let next = at.and_then(|i| numbers.get(i + 1)).map(|&number| thing_ref(self.site, number));
        let (posts, paginator) = self.term_page(Route::Thing(n), self.site.thing_posts(n), page);
        Values::Thing { thing: self.thing_entry(n), posts, paginator, previous, next }
    }

    /// Page `page` of the list at `list` of the posts `indexes`: its share and its pager.
    fn term_page(&self, list: Route, indexes: &[usize], page: usize) -> (Listing<'_>, Paginator) {
        let per_page = self.site.config.paginate_terms;
        let paginator = Paginator::new(&list, page, indexes.len(), per_page, &self.site.base);
        (self.listing(indexes[paginator.range(per_page)].iter().copied()), paginator)
    }

    pub(super) fn thing_feed(&self, n: u32) -> Values<'_> {
        let site = self.site;
        let title = format!("{}: {}", site.config.title, site.programme.label(n));
        self.feed(title, Route::Thing(n), site.thing_posts(n))
    }

    pub(super) fn site_feed(&self) -> Values<'_> {
        let newest: Vec<usize> = (0..self.site.posts.len().min(FEED_LIMIT)).collect();
        self.feed(self.site.config.title.clone(), Route::Home(1), &newest)
    }

    /// A feed of the newest [`FEED_LIMIT`] of `indexes`, mirroring the page at `alternate`.
    fn feed(&self, title: String, alternate: Route, indexes: &[usize]) -> Values<'_> {
        let base = &self.site.base;
        let self_route = alternate.feed().expect("feeds mirror pages that have one");
        let feed = FeedContext {
            title,
            id: alternate.permalink(base),
            self_url: self_route.permalink(base),
            alternate_url: alternate.permalink(base),
            // A feed with no entries was last updated when the site was: its newest post.
            updated: indexes
                .first()
                .or(self.site.posts.first().map(|_| &0))
                .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |&i| self.prepared[i].summary.date_rfc3339.clone()),
        };
        let posts = indexes
            .iter()
            .take(FEED_LIMIT)
            .map(|&i| PostInputs { prepared: &self.prepared[i], post: &self.site.posts[i] })
            .collect();
        Values::Feed { feed, posts }
    }

    /// The feed of a network's or tag's posts.
    pub(super) fn term_feed(&self, group: &TermGroup, kind: &str) -> Values<'_> {
        let route = if kind == "Network" {
            Route::Network(group.term.slug.clone())
        } else {
            Route::Tag(group.term.slug.clone())
        };
        let title = format!("{}: {} {}", self.site.config.title, kind, group.term.name);
        self.feed(title, route, &group.posts)
    }

    fn term_entry(&self, group: &TermGroup, route: Route, network: bool) -> TermEntry {
        let homepage =
            if network { self.site.networks.by_slug(&group.term.slug).and_then(|n| n.homepage.clone()) } else { None };
        TermEntry::new(self.site, &group.term, route, group.posts.len(), homepage)
    }

    pub(super) fn networks(&self) -> Vec<TermEntry> {
        let groups = &self.site.by_network;
        groups.iter().map(|g| self.term_entry(g, Route::Network(g.term.slug.clone()), true)).collect()
    }

    pub(super) fn network(&self, i: usize, page: usize) -> Values<'_> {
        let group = &self.site.by_network[i];
        let route = Route::Network(group.term.slug.clone());
        let network = self.term_entry(group, route.clone(), true);
        let (posts, paginator) = self.term_page(route, &group.posts, page);
        Values::Network { network, posts, paginator }
    }

    pub(super) fn tags(&self) -> Vec<TermEntry> {
        self.site.by_tag.iter().map(|g| self.term_entry(g, Route::Tag(g.term.slug.clone()), false)).collect()
    }

    pub(super) fn tag(&self, i: usize, page: usize) -> Values<'_> {
        let group = &self.site.by_tag[i];
        let route = Route::Tag(group.term.slug.clone());
        let tag = self.term_entry(group, route.clone(), false);
        let (posts, paginator) = self.term_page(route, &group.posts, page);
        Values::Tag { tag, posts, paginator }
    }

    /// Every reflection by Thing in programme order, then the general ones, each oldest first.
    pub(super) fn portfolio(&self) -> Portfolio<'_> {
        let site = self.site;
        let whole = |i: usize| PostInputs { prepared: &self.prepared[i], post: &self.site.posts[i] };
        let oldest_first =
            |indexes: &[usize]| -> Vec<PostInputs<'_>> { indexes.iter().rev().map(|&i| whole(i)).collect() };
        let mut sections: Vec<PortfolioSection<'_>> = site
            .programme
            .things()
            .filter(|(n, _)| !site.thing_posts(*n).is_empty())
            .map(|(n, _)| {
                let thing = thing_ref(site, n);
                let posts = oldest_first(site.thing_posts(n));
                PortfolioSection { id: format!("thing-{n}"), title: thing.label, url: Some(thing.url), posts }
            })
            .collect();
        let general: Vec<usize> = (0..site.posts.len()).filter(|&i| site.posts[i].things.is_empty()).collect();
        if !general.is_empty() {
            let posts = oldest_first(&general);
            sections.push(PortfolioSection {
                id: "general".into(),
                title: "Other reflections".into(),
                url: None,
                posts,
            });
        }
        let mut networks = self.networks();
        networks.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.term.name.cmp(&b.term.name)));
        Portfolio {
            sections,
            networks,
            post_count: site.posts.len(),
            things_done: site.things_done(),
            things_total: site.programme.core_len(),
            first_date: site.posts.last().map(|p| p.date.human()),
            last_date: site.posts.first().map(|p| p.date.human()),
            first_date_iso: site.posts.last().map(|p| p.date.iso()),
            last_date_iso: site.posts.first().map(|p| p.date.iso()),
            cover: super::portfolio::Cover::of(site),
            actions: self.action_plan(),
            hours: self.portfolio_hours(),
            evidence: self.portfolio_evidence(),
        }
    }
}
