//! The entries of sitemap.xml: every page a search engine should know, with the date of the
//! newest post it shows.

use super::context::SitemapEntry;
use crate::route::Route;
use crate::site::Site;

/// Home pages, posts, Things, networks and tags, in that order.
pub(super) fn entries(site: &Site) -> Vec<SitemapEntry> {
    let base = &site.base;
    let day_of = |i: usize| site.posts[i].date.day().format("%Y-%m-%d").to_string();
    let newest = (!site.posts.is_empty()).then(|| day_of(0));
    let entry = |route: Route, lastmod: Option<String>| SitemapEntry { loc: route.permalink(base), lastmod };
    let first_day = |indexes: &[usize]| indexes.first().map(|&i| day_of(i));
    let home_pages = site.posts.len().div_ceil(site.config.paginate).max(1);
    let mut entries = Vec::with_capacity(site.posts.len() + home_pages + 64);
    for n in 1..=home_pages {
        entries.push(entry(Route::Home(n), if n == 1 { newest.clone() } else { None }));
    }
    for (i, post) in site.posts.iter().enumerate() {
        entries.push(entry(Route::Post(post.slug.clone()), Some(day_of(i))));
    }
    entries.push(entry(Route::Things, newest.clone()));
    for (n, _) in site.programme.things() {
        entries.push(entry(Route::Thing(n), first_day(site.thing_posts(n))));
    }
    entries.push(entry(Route::Networks, newest.clone()));
    for g in &site.by_network {
        entries.push(entry(Route::Network(g.term.slug.clone()), first_day(&g.posts)));
    }
    entries.push(entry(Route::Tags, newest));
    for g in &site.by_tag {
        entries.push(entry(Route::Tag(g.term.slug.clone()), first_day(&g.posts)));
    }
    entries
}
