//! Feeds readers can read (CONTRACT §6): every entry carries the whole post with absolute
//! links; networks and tags have feeds of their own, linked from their pages; a feed with no
//! posts is dated by the site's newest post, never 1970.

mod common;

use common::Fixture;

#[test]
fn entries_carry_the_whole_post_with_absolute_links() {
    let site = Fixture::new("basic");
    site.write(
        "posts/2011-09-09-links.md",
        "---\ntitle: Links\ndate: 2011-09-09\ntags: [networking]\n---\nFirst paragraph.\n\nSecond, with [a Thing](/things/6/) and ![a dot](/img/dot.svg).\n",
    );
    site.build();
    let feed = site.page("atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let entry = doc.descendants().find(|n| n.has_tag_name("entry")).unwrap();
    let content = entry.children().find(|n| n.has_tag_name("content")).unwrap();
    assert_eq!(content.attribute("type"), Some("html"));
    let html = content.text().unwrap();
    assert!(html.contains("<p>Second, with <a href=\"https://x.github.io/blog/things/6/\">a Thing</a>"), "{html}");
    assert!(html.contains("src=\"https://x.github.io/blog/img/dot.svg\""), "{html}");
}

#[test]
fn networks_and_tags_have_feeds_linked_from_their_pages() {
    let site = Fixture::new("basic");
    site.build();
    for (page, feed) in [
        ("networks/linkedin/index.html", "networks/linkedin/atom.xml"),
        ("tags/networking/index.html", "tags/networking/atom.xml"),
    ] {
        let xml = site.page(feed);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{feed}: {e}"));
        assert!(doc.descendants().any(|n| n.has_tag_name("entry")), "{feed} has entries");
        let html = site.page(page);
        let url = format!("/blog/{feed}");
        let alternate = "<link rel=\"alternate\" type=\"application/atom+xml\" title=";
        assert!(html.contains(alternate) && html.contains(&format!("href=\"{url}\">")), "{page} links {url}");
        assert!(site.page("sitemap.xml").contains(&format!("/blog/{}", page.trim_end_matches("index.html"))));
    }
}

#[test]
fn a_feed_with_no_posts_is_dated_by_the_newest_post() {
    let site = Fixture::new("basic");
    site.build();
    let empty = site.page("things/20/atom.xml");
    assert!(!empty.contains("<entry>"), "Thing 20 has no posts");
    assert!(!empty.contains("1970"), "{empty}");
    let newest = site.page("atom.xml");
    let updated = |xml: &str| xml.split("<updated>").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!(updated(&empty), updated(&newest));
}
