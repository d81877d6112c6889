//! sitemap.xml: every page a search engine should know, with the day of the newest post it
//! shows. Its context holds the addresses and dates by reference (cheap to hash on every
//! preview rebuild); the entries are written out only when the page is rendered.

use super::context::{SitemapEntry, page_count};
use crate::config::BaseUrl;
use crate::content::PostDate;
use crate::route::Route;
use crate::site::Site;

/// What the sitemap is made from: pages and the date of the newest post each shows.
#[derive(Debug, Clone, Hash)]
pub struct Inputs<'a> {
    /// Home pages.
    home_pages: usize,
    /// Every post: its slug and date.
    posts: Vec<(&'a str, &'a PostDate)>,
    /// Every Thing of the programme, with its newest post's date and its pages of posts.
    things: Vec<(u32, Option<&'a PostDate>, usize)>,
    /// Every network named, with its newest post's date and its pages of posts.
    networks: Vec<(&'a str, Option<&'a PostDate>, usize)>,
    /// Every tag used, with its newest post's date and its pages of posts.
    tags: Vec<(&'a str, Option<&'a PostDate>, usize)>,
    /// Every standalone page, with its date if it gives one.
    pages: Vec<(&'a str, Option<&'a PostDate>)>,
}

impl<'a> Inputs<'a> {
    /// Collects them from the site model.
    pub fn of(site: &'a Site) -> Self {
        let newest = |indexes: &[usize]| indexes.first().map(|&i| &site.posts[i].date);
        let pages = |indexes: &[usize]| page_count(indexes.len(), site.config.paginate_terms);
        Self {
            home_pages: page_count(site.posts.len(), site.config.paginate),
            posts: site.posts.iter().map(|p| (p.slug.as_str(), &p.date)).collect(),
            things: (site.programme.things())
                .map(|(n, _)| (n, newest(site.thing_posts(n)), pages(site.thing_posts(n))))
                .collect(),
            networks: (site.by_network.iter())
                .map(|g| (g.term.slug.as_str(), newest(&g.posts), pages(&g.posts)))
                .collect(),
            tags: site.by_tag.iter().map(|g| (g.term.slug.as_str(), newest(&g.posts), pages(&g.posts))).collect(),
            pages: site.pages.iter().map(|p| (p.slug.as_str(), p.date.as_ref())).collect(),
        }
    }

    /// Home pages, posts, Things, networks, tags and standalone pages, in that order.
    pub fn entries(&self, base: &BaseUrl) -> Vec<SitemapEntry> {
        let day = |date: &PostDate| date.day().format("%Y-%m-%d").to_string();
        let newest = self.posts.first().map(|(_, date)| day(date));
        let entry = |route: Route, lastmod: Option<String>| SitemapEntry { loc: route.permalink(base), lastmod };
        let mut entries = Vec::with_capacity(self.posts.len() + self.home_pages + 64);
        for n in 1..=self.home_pages {
            entries.push(entry(Route::Home(n), if n == 1 { newest.clone() } else { None }));
        }
        for (slug, date) in &self.posts {
            entries.push(entry(Route::Post(slug.to_string()), Some(day(date))));
        }
        // A list's first page carries its newest post's day; its later pages, like the home
        // page's, none (their posts move along as new ones come).
        let mut list = |route: Route, date: Option<&PostDate>, pages: usize| {
            entries.push(entry(route.clone(), date.map(day)));
            entries.extend((2..=pages).map(|n| entry(route.clone().page(n), None)));
        };
        list(Route::Things, self.posts.first().map(|(_, date)| *date), 1);
        for (n, date, pages) in &self.things {
            list(Route::Thing(*n), *date, *pages);
        }
        list(Route::Networks, self.posts.first().map(|(_, date)| *date), 1);
        for (slug, date, pages) in &self.networks {
            list(Route::Network(slug.to_string()), *date, *pages);
        }
        list(Route::Tags, self.posts.first().map(|(_, date)| *date), 1);
        for (slug, date, pages) in &self.tags {
            list(Route::Tag(slug.to_string()), *date, *pages);
        }
        for (slug, date) in &self.pages {
            entries.push(entry(Route::Page(slug.to_string()), date.map(day)));
        }
        entries
    }
}
