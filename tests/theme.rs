//! The default theme's details a reader notices: highlighting loaded only where there is
//! code, no empty comments heading on a site without comments, valid `<time>` elements.

mod common;

use common::Fixture;

#[test]
fn only_pages_with_code_load_the_highlighting_stylesheet() {
    let site = Fixture::new("basic");
    site.write("posts/2011-09-09-code.md", "---\ntitle: Code\ndate: 2011-09-09\n---\n```python\nprint(1)\n```\n");
    site.build();
    let link = "<link rel=\"stylesheet\" href=\"/blog/syntax.css\">";
    assert!(site.page("posts/code/index.html").contains(link));
    assert!(!site.page("posts/online-networks/index.html").contains(link));
    assert!(!site.page("index.html").contains(link));
    assert!(site.public().join("syntax.css").is_file(), "still written, for themes that want it");
}

#[test]
fn without_comments_or_a_comment_link_a_post_ends_with_its_text() {
    let site = Fixture::new("basic");
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    let without: String = config
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("comments:") && !l.starts_with("  url:") && !l.starts_with("  label:"))
        .collect();
    site.write("site.yaml", &without);
    site.build();
    let quiet = site.page("posts/blogging/index.html");
    assert!(!quiet.contains("comments-heading"), "no heading over nothing: {quiet}");
    let talked = site.page("posts/online-networks/index.html");
    assert!(talked.contains("<h2 id=\"comments-heading\">4 comments</h2>"), "archived comments stay");
}

#[test]
fn every_time_element_has_a_machine_readable_date() {
    let site = Fixture::new("basic");
    site.build();
    for page in ["portfolio/index.html", "index.html", "posts/online-networks/index.html", "things/6/index.html"] {
        let html = site.page(page);
        assert!(!html.contains("<time>"), "{page}: a <time> without datetime");
    }
}

#[test]
fn bonus_things_do_not_count_against_progress_and_single_posts_are_linked_directly() {
    let site = Fixture::new("basic");
    site.write(
        "posts/2011-09-20-mastodon.md",
        "---\ntitle: \"Bonus: Mastodon\"\ndate: 2011-09-20\nthing: 24\n---\nToot.\n",
    );
    site.build();
    let things = site.page("things/index.html");
    assert!(things.contains("<strong>4 of 23 Things</strong> done, and 1 bonus Thing"), "{things}");
    assert!(things.contains("<span class=\"thing-bonus\">Bonus</span>"));
    // Thing 1 has one post: its row goes straight to it; Thing 6 has two: to the Thing's page.
    assert!(things.contains(r#"<a class="thing-title" href="/blog/posts/blogging/">"#), "{things}");
    assert!(things.contains(r#"<a class="thing-title" href="/blog/things/6/">"#), "{things}");
}

#[test]
fn the_home_page_shows_progress_and_thing_pages_lead_to_their_neighbours() {
    let site = Fixture::new("basic");
    site.build();
    let home = site.page("index.html");
    assert!(home.contains("<span id=\"home-progress-text\">4 of 23 Things done</span>"), "{home}");
    assert!(!site.page("page/2/index.html").contains("home-progress"), "only on the first page");
    let six = site.page("things/6/index.html");
    assert!(six.contains("<a href=\"/blog/things/5/\" rel=\"prev\">Thing 5: Reflective practice</a>"), "{six}");
    assert!(six.contains("<a href=\"/blog/things/7/\" rel=\"next\">Thing 7: "), "{six}");
    let first = site.page("things/1/index.html");
    assert!(!first.contains("rel=\"prev\"") && first.contains("rel=\"next\""), "Thing 1 has no previous Thing");
}

#[test]
fn a_card_whose_title_is_its_thing_does_not_say_it_twice() {
    let site = Fixture::new("basic");
    site.build();
    // Both posts are tagged networking (a Thing's own page leaves its badge off, see below).
    let list = site.page("tags/networking/index.html");
    let card = |slug: &str| {
        let at = list.find(&format!("class=\"post-card-title\"><a href=\"/blog/posts/{slug}/\">")).unwrap();
        let start = list[..at].rfind("<article").unwrap();
        list[start..at].to_string()
    };
    // "Thing 6: Online networks" is Thing 6's own label: its badge says only "Thing 6".
    assert!(card("online-networks").contains("<a href=\"/blog/things/6/\">Thing 6</a>"), "{}", card("online-networks"));
    // A post on Things 6 and 7 keeps their full labels.
    assert!(card("both").contains(">Thing 6: Online networks</a>"), "{}", card("both"));
    let post = site.page("posts/online-networks/index.html");
    assert!(post.contains("<a href=\"/blog/things/6/\">Thing 6</a>"), "the post page says it once too");
}

#[test]
fn a_term_page_does_not_repeat_its_term_on_every_card() {
    let site = Fixture::new("basic");
    site.build();
    let linkedin = site.page("networks/linkedin/index.html");
    assert_eq!(common::listed_posts(&linkedin), ["both", "online-networks"]);
    assert!(!linkedin.contains(">LinkedIn</a></li>"), "no card says LinkedIn: {linkedin}");
    assert!(linkedin.contains(">CILIP Communities</a></li>"), "the other networks stay");
    let tag = site.page("tags/networking/index.html");
    assert!(!tag.contains(">Networking</a></li>") && !tag.contains(">networking</a></li>"), "{tag}");
    assert!(tag.contains(">reflection</a></li>"), "other tags stay: {tag}");
    let six = site.page("things/6/index.html");
    assert!(!six.contains("<a href=\"/blog/things/6/\">"), "no card on Thing 6 links to Thing 6: {six}");
    assert!(six.contains(">Thing 7: Face-to-face networks and professional organisations</a></li>"), "{six}");
    // Elsewhere the cards keep every term.
    assert!(
        site.page("index.html").contains(">LinkedIn</a></li>")
            || site.page("page/2/index.html").contains(">LinkedIn</a></li>")
    );
}

#[test]
fn every_page_works_under_a_base_path_and_the_build_says_how_to_look() {
    let site = Fixture::new("basic");
    let out = site.build();
    assert!(common::stderr(&out).contains("Open it with `cpdblog serve --site "), "{}", common::stderr(&out));
    let not_found = site.page("404.html");
    assert!(not_found.contains(r#"<link rel="stylesheet" href="/blog/style.css">"#), "{not_found}");
    assert!(not_found.contains(r#"<a href="/blog/things/">Browse the Things</a>"#), "{not_found}");
    for (path, bytes) in common::tree(&site.public()) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for url in common::captures(&html, r#"(?:href|src|action)="([^"]*)""#) {
            let fine = url.starts_with("/blog/")
                || url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with("mailto:")
                || url.starts_with('#');
            assert!(fine, "{path}: `{url}` does not start at the base path, so it breaks at another depth");
        }
    }
}
