//! A Thing's, network's and tag's posts are paginated like the home page (CONTRACT §6):
//! page 1 at the term's address, then `…/page/N/`, `paginate_terms` posts a page, each page
//! linked to its neighbours and listed in the sitemap; every post on exactly one page.

mod common;

use common::{Fixture, captures, listed_posts, stderr};

/// The basic fixture with 23 more posts on Thing 9, all tagged `pages` and naming Pagenet,
/// and `paginate_terms: 10`.
fn site_with_many_posts() -> Fixture {
    let site = Fixture::new("basic");
    for day in 1..=23 {
        site.write(
            &format!("posts/2012-01-{day:02}-evernote-day-{day}.md"),
            &format!(
                "---\ntitle: \"Evernote, day {day}\"\ndate: 2012-01-{day:02}\nthing: 9\nnetworks: [Pagenet]\ntags: [pages]\n---\nDay {day} with Evernote.\n"
            ),
        );
    }
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}paginate_terms: 10\n"));
    site
}

#[test]
fn term_lists_are_split_into_linked_pages_with_every_post_once() {
    let site = site_with_many_posts();
    site.build();
    let newest_first: Vec<String> = (1..=23).rev().map(|day| format!("evernote-day-{day}")).collect();
    for list in ["tags/pages", "things/9", "networks/pagenet"] {
        let pages =
            [format!("{list}/index.html"), format!("{list}/page/2/index.html"), format!("{list}/page/3/index.html")];
        let shares: Vec<Vec<String>> = pages.iter().map(|p| listed_posts(&site.page(p))).collect();
        assert_eq!(shares.iter().map(Vec::len).collect::<Vec<_>>(), [10, 10, 3], "{list}");
        assert_eq!(shares.concat(), newest_first, "{list}: every post once, newest first");
        assert!(!site.public().join(format!("{list}/page/1")).exists(), "{list}: page 1 is the list's own address");
        assert!(!site.public().join(format!("{list}/page/4")).exists(), "{list}: no empty page after the last");

        let first = site.page(&pages[0]);
        assert!(first.contains(&format!(r#"href="/blog/{list}/page/2/" rel="next""#)), "{list}:\n{first}");
        let middle = site.page(&pages[1]);
        assert!(middle.contains(&format!(r#"href="/blog/{list}/" rel="prev""#)), "{list}: back to page 1");
        assert!(middle.contains(&format!(r#"href="/blog/{list}/page/3/" rel="next""#)), "{list}");
        assert!(middle.contains("Page 2 of 3"), "{list}: the pager says where the reader is");
        let canonical = captures(&middle, r#"<link rel="canonical" href="([^"]+)""#);
        assert_eq!(canonical, [format!("https://x.github.io/blog/{list}/page/2/")], "{list}");
        let title = captures(&middle, r"<title>([^<]+)</title>");
        assert!(title[0].starts_with("Page 2 of 3 · "), "{list}: {title:?}");
        let last = site.page(&pages[2]);
        assert!(!last.contains(r#"class="pager-older" href"#), "{list}: the last page has no next");
    }
    let sitemap = site.page("sitemap.xml");
    for address in ["tags/pages/page/2/", "tags/pages/page/3/", "things/9/page/3/", "networks/pagenet/page/2/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://x.github.io/blog/{address}</loc>")),
            "{address} in the sitemap"
        );
    }
    // The feed still carries the newest posts of the whole list, and the count is of all posts.
    let feed = site.page("tags/pages/atom.xml");
    let entries = captures(&feed, r"<id>https://x.github.io/blog/posts/(evernote-day-\d+)/</id>");
    assert_eq!(entries, newest_first[..20], "the 20 newest of all 23, not a page's share");
    let tag = site.page("tags/pages/page/3/index.html");
    assert!(tag.contains("23 posts with this tag"), "{tag}");
}

#[test]
fn paginate_terms_defaults_to_paginate_and_must_be_at_least_one() {
    let site = Fixture::new("basic");
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write("site.yaml", &config.replace("paginate: 2\n", "paginate: 2\npaginate_terms: 0\n"));
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("site.yaml:") && err.contains("paginate_terms must be at least 1"), "{err}");

    site.write("site.yaml", &config);
    site.write(
        "posts/2011-07-19-more-networks.md",
        "---\ntitle: More networks\ndate: 2011-07-19\nthing: 6\n---\nAgain.\n",
    );
    site.build();
    // Thing 6 has three posts now: two a page, as on the home page (`paginate: 2`).
    let shares: Vec<usize> = ["things/6/index.html", "things/6/page/2/index.html"]
        .iter()
        .map(|p| listed_posts(&site.page(p)).len())
        .collect();
    assert_eq!(shares, [2, 1]);
}
