//! `cpdblog build` on fixture sites: what a reader of the built blog sees.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Fixture, captures, listed_posts, stderr, tree};

#[test]
fn writes_every_path_of_the_contract() {
    let site = Fixture::new("basic");
    site.build();
    for path in [
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        "posts/online-networks/index.html",
        "things/index.html",
        "things/6/index.html",
        "things/6/atom.xml",
        "things/24/index.html",
        "networks/index.html",
        "networks/linkedin/index.html",
        "tags/index.html",
        "tags/reflection/index.html",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        ".nojekyll",
        "CNAME",
        "img/dot.svg",
        "style.css",
        "syntax.css",
    ] {
        assert!(site.public().join(path).is_file(), "{path} missing");
    }
    assert_eq!(site.page("CNAME"), "blog.example.org\n");
    assert!(!site.public().join("page/1").exists(), "page 1 is the home page");
}

#[test]
fn posts_land_on_their_things_networks_and_tags_newest_first() {
    let site = Fixture::new("basic");
    site.build();
    assert_eq!(listed_posts(&site.page("things/6/index.html")), ["both", "online-networks"]);
    assert_eq!(listed_posts(&site.page("things/7/index.html")), ["both"]);
    assert!(listed_posts(&site.page("things/2/index.html")).is_empty());
    // Networks by alias and in any case land on the canonical network page.
    assert_eq!(listed_posts(&site.page("networks/linkedin/index.html")), ["both", "online-networks"]);
    assert_eq!(listed_posts(&site.page("networks/twitter/index.html")), ["online-networks", "blogging"]);
    assert_eq!(listed_posts(&site.page("networks/cilip-communities/index.html")), ["both"]);
    assert_eq!(listed_posts(&site.page("networks/ukeig/index.html")), ["both"]);
    let twitter = site.page("networks/twitter/index.html");
    assert!(twitter.contains(">Twitter<"), "canonical name shown");
    assert_eq!(listed_posts(&site.page("tags/reflection/index.html")), ["a-pause", "online-networks"]);
    assert_eq!(listed_posts(&site.page("tags/networking/index.html")), ["both", "online-networks"]);
    // The general post is on the home page but on no Thing page.
    let home = site.page("index.html");
    assert_eq!(listed_posts(&home), ["a-pause", "both"]);
    for n in 1..=24 {
        assert!(!listed_posts(&site.page(&format!("things/{n}/index.html"))).contains(&"a-pause".to_string()));
    }
    // Drafts are left out unless --drafts.
    assert!(!site.public().join("posts/calendar-draft").exists());
    assert!(!site.page("things/8/index.html").contains("calendar-draft"));
}

#[test]
fn home_is_paginated_with_prev_and_next() {
    let site = Fixture::new("basic");
    site.build();
    let all: Vec<String> = ["index.html", "page/2/index.html", "page/3/index.html"]
        .iter()
        .flat_map(|p| listed_posts(&site.page(p)))
        .collect();
    assert_eq!(all, ["a-pause", "both", "online-networks", "reflect", "blogging"]);
    let middle = site.page("page/2/index.html");
    assert!(middle.contains("href=\"/blog/\""), "link back to the first page");
    assert!(middle.contains("href=\"/blog/page/3/\""), "link on to the last page");
}

#[test]
fn things_overview_counts_progress() {
    let site = Fixture::new("basic");
    site.build();
    let things = site.page("things/index.html");
    assert!(
        things.contains("4 of 23 Things"),
        "Things 1, 5, 6 and 7 are done; the bonus Thing 24 is not counted:\n{things}"
    );
    // Each Thing links to its page; "Thing N: " is there for screen readers, hidden on screen.
    assert!(
        things.contains(
            r#"<a class="thing-title" href="/blog/things/6/"><span class="visually-hidden">Thing 6: </span>Online networks</a>"#
        ),
        "{things}"
    );
    assert!(
        things.contains(
            r#"<a class="thing-title" href="/blog/things/24/"><span class="visually-hidden">Thing 24: </span>Bonus: Mastodon</a>"#
        ),
        "{things}"
    );
    assert!(site.page("things/6/index.html").contains("Thing 6: Online networks"));
    let with_drafts = Fixture::new("basic");
    assert!(with_drafts.run(&["build", "--drafts"]).status.success());
    assert!(with_drafts.page("things/index.html").contains("5 of 23 Things"));
    assert!(with_drafts.public().join("posts/calendar-draft/index.html").exists());
}

#[test]
fn post_page_shows_things_threaded_comments_and_one_comment_link() {
    let site = Fixture::new("basic");
    site.build();
    let post = site.page("posts/online-networks/index.html");
    // Its Thing linked; the title already says "Online networks", so the link says "Thing 6".
    assert!(post.contains("href=\"/blog/things/6/\">Thing 6</a>"), "{post}");
    assert!(post.contains("4 comments"));
    // Threaded: the reply to the reply sits inside its parent's list item.
    let helen = post.find("id=\"comment-1\"").unwrap();
    let reply = post.find("id=\"comment-1-1\"").unwrap();
    let reply_to_reply = post.find("id=\"comment-1-1-1\"").unwrap();
    let sam = post.find("id=\"comment-2\"").unwrap();
    assert!(helen < reply && reply < reply_to_reply && reply_to_reply < sam);
    assert!(post.contains("<a href=\"https://helen.example.org/\" rel=\"nofollow ugc\">Helen</a>"));
    // Hostile comment: no script, no javascript: URL.
    assert!(!post.contains("<script>"));
    assert!(!post.contains("javascript:"));
    assert_eq!(post.matches("class=\"comment-link\"").count(), 1);
    for slug in ["blogging", "both", "a-pause", "reflect"] {
        let page = site.page(&format!("posts/{slug}/index.html"));
        assert_eq!(page.matches("class=\"comment-link\"").count(), 1, "{slug}");
        assert!(page.contains(r#"<h2 id="comments-heading">No comments yet</h2>"#), "{slug}: {page}");
        assert!(page.contains(r#"<span class="comment-count">No comments</span>"#), "{slug}: {page}");
    }
    let links = captures(&post, r#"class="comment-link" href="([^"]+)""#);
    assert_eq!(
        links,
        [
            "https://github.com/x/blog/issues/new?title=Comment%20on%20Thing%206%3A%20Online%20networks&amp;body=https%3A%2F%2Fx.github.io%2Fblog%2Fposts%2Fonline-networks%2F"
        ]
    );
    let odd = site.page("posts/reflect/index.html");
    assert!(odd.contains("title=Comment%20on%20Thing%205%3A%20Reflect%20%26%20%3Cgrow%3E%20%22now%22"), "{odd}");
}

#[test]
fn everything_from_frontmatter_and_config_is_escaped() {
    let site = Fixture::new("basic");
    site.build();
    for (path, bytes) in tree(&site.public()) {
        let text = String::from_utf8_lossy(&bytes);
        for raw in ["<grow>", "<b>odd</b>", "<Friends>", "<script>"] {
            assert!(!text.contains(raw), "{path} contains unescaped {raw}");
        }
    }
    assert!(site.page("posts/reflect/index.html").contains("Reflect &amp; &lt;grow&gt;"));
}

/// Every internal href/src of every page resolves to a file of the output, and starts with
/// the base path `/blog/` (or the absolute base URL).
#[test]
fn every_internal_link_resolves_under_the_base_path() {
    let site = Fixture::new("basic");
    site.build();
    let public = site.public();
    let mut checked = 0;
    for (path, bytes) in tree(&public) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for url in captures(&html, r#"(?:href|src)="([^"]*)""#) {
            let url = url.replace("&amp;", "&");
            if url.starts_with('#') || url.starts_with("mailto:") {
                continue;
            }
            let local = if let Some(rest) = url.strip_prefix("https://x.github.io/blog/") {
                rest.to_string()
            } else if url.starts_with("https://") || url.starts_with("http://") {
                continue;
            } else {
                assert!(url.starts_with("/blog/"), "{path}: internal link {url} lacks the base path");
                url.trim_start_matches("/blog/").to_string()
            };
            let local = local.split(['#', '?']).next().unwrap();
            let file =
                if local.is_empty() || local.ends_with('/') { format!("{local}index.html") } else { local.to_string() };
            assert!(public.join(&file).is_file(), "{path}: {url} does not resolve ({file})");
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} links checked");
}

#[test]
fn feeds_and_sitemap_are_well_formed_with_absolute_urls() {
    let site = Fixture::new("basic");
    site.build();
    for feed in ["atom.xml", "things/6/atom.xml", "things/2/atom.xml"] {
        let text = site.page(feed);
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{feed}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "feed");
        for node in doc.descendants().filter(|n| n.has_tag_name("link")) {
            let href = node.attribute("href").unwrap();
            assert!(href.starts_with("https://x.github.io/blog/"), "{feed}: {href}");
        }
    }
    let feed = site.page("atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|e| e.children().find(|c| c.has_tag_name("title")).unwrap().text().unwrap())
        .collect();
    assert_eq!(titles[0], "A pause for breath");
    assert!(titles.contains(&"Thing 5: Reflect & <grow> \"now\""));
    let thing6 = roxmltree::Document::parse(&site.page("things/6/atom.xml"))
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .count();
    assert_eq!(thing6, 2);

    let sitemap = site.page("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: BTreeSet<&str> = doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text()).collect();
    assert!(locs.iter().all(|l| l.starts_with("https://x.github.io/blog/")), "{locs:?}");
    assert!(locs.contains("https://x.github.io/blog/posts/online-networks/"));
    assert!(locs.contains("https://x.github.io/blog/things/6/"));
}

#[test]
fn two_builds_are_byte_identical() {
    let first = Fixture::new("basic");
    first.build();
    let second = Fixture::new("basic");
    second.build();
    let (a, b) = (tree(&first.public()), tree(&second.public()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between builds");
    }
}

#[test]
fn a_yaml_error_fails_with_its_place_and_keeps_the_previous_output() {
    let site = Fixture::new("basic");
    site.build();
    let before = tree(&site.public());
    site.write("posts/2011-09-01-broken.md", "---\ntitle: Broken\ndate: 2011-09-01\ntags: [a, b\n---\nText\n");
    site.write("posts/2011-09-02-bad-thing.md", "---\ntitle: Bad\ndate: 2011-09-02\nthing: 31\n---\nText\n");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("posts/2011-09-01-broken.md:5:1: error:"), "{err}");
    assert!(err.contains("posts/2011-09-02-bad-thing.md:4:8: error: thing 31 is not a Thing of cpd23 (1-24)"), "{err}");
    assert!(err.contains("Build failed: 2 errors"), "{err}");
    assert_eq!(tree(&site.public()), before, "the previous output must be untouched");
    let leftovers: Vec<_> =
        std::fs::read_dir(&site.site).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert!(leftovers.iter().all(|n| !n.to_string_lossy().contains("cpdblog-staging")), "{leftovers:?}");
}

#[test]
fn usage_errors_exit_2_and_refused_outputs_exit_1() {
    let site = Fixture::new("basic");
    assert_eq!(site.run(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(site.run(&["frobnicate"]).status.code(), Some(2));
    let posts = site.site.join("posts");
    let out = site.run(&["build", "--output", posts.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("refusing to write the site to"), "{}", stderr(&out));
    let out = site.run(&["build", "--output", site.site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(Path::new(&site.site).join("site.yaml").exists());
}

#[test]
fn base_url_override_moves_every_link() {
    let site = Fixture::new("basic");
    assert!(site.run(&["build", "--base-url", "https://example.org/"]).status.success());
    let home = site.page("index.html");
    assert!(home.contains("href=\"/things/\""));
    assert!(!home.contains("/blog/"));
}

#[test]
fn example_site_builds_every_contract_path() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("example-site");
    common::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"), &site);
    let _ = std::fs::remove_dir_all(site.join("public"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"))
        .args(["build", "--site"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for path in [
        "index.html",
        "things/index.html",
        "things/6/atom.xml",
        "networks/index.html",
        "tags/index.html",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        ".nojekyll",
    ] {
        assert!(site.join("public").join(path).is_file(), "{path}");
    }
    // Its one draft was left unfinished in 2011, and one action of its plan was never ticked,
    // which `check` rightly points out; nothing else.
    let err = stderr(&out);
    assert_eq!(err.matches("warning:").count(), 2, "the example site should build cleanly:\n{err}");
    assert!(
        err.contains("2011-10-24-thing-23-reflection-and-what-next.md:25:1: warning: an action still open"),
        "{err}"
    );
    assert!(
        err.contains("2011-09-14-thing-16-advocacy.md: warning: a draft dated 2011-09-14, over a year ago"),
        "{err}"
    );
}

#[test]
fn site_templates_override_and_a_named_theme_replaces_the_default() {
    let site = Fixture::new("basic");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Lost in the stacks</p>{% endblock content %}",
    );
    site.build();
    assert!(site.page("404.html").contains("Lost in the stacks"));
    assert!(
        site.page("index.html").contains("class=\"post-card-title\""),
        "other templates still come from the default theme"
    );

    let themed = Fixture::new("basic");
    let config = std::fs::read_to_string(themed.site.join("site.yaml")).unwrap();
    themed.write("site.yaml", &format!("{config}theme: plain\n"));
    themed.write(
        "themes/plain/templates/post.html",
        "<!doctype html><title>{{ post.title }}</title><h1>{{ post.title }}</h1>{{ post.content | safe }}",
    );
    themed.write("themes/plain/static/style.css", "body { font-family: serif }\n");
    themed.build();
    let post = themed.page("posts/online-networks/index.html");
    assert!(post.starts_with("<!doctype html><title>Thing 6: Online networks</title>"), "{post}");
    assert_eq!(themed.page("style.css"), "body { font-family: serif }\n");

    let missing = Fixture::new("basic");
    missing.write("site.yaml", &format!("{config}theme: nowhere\n"));
    let out = missing.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("theme `nowhere` not found"), "{}", stderr(&out));
}

#[test]
fn rebuilds_touch_only_what_changed() {
    let site = Fixture::new("basic");
    site.build();
    // Every output file dated long ago: a file rewritten by a later build gets today's date,
    // distinct from this even where mtimes are coarse (a rewrite within the same second of the
    // first build would otherwise keep an equal mtime and pass unseen).
    common::age_files(&site.public());
    let aged = common::mtimes(&site.public());
    assert!(aged.values().all(|&t| t == common::long_ago()), "mtimes could not be set");
    let out = site.run(&["build", "--verbose"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(common::mtimes(&site.public()), aged, "a rebuild with no change rewrites nothing");
    let (written, _, removed) = changes(&stderr(&out));
    assert_eq!((written, removed), (0, 0), "{}", stderr(&out));

    // Edit one post's body: its page changes, an unrelated post's page does not.
    let path = site.site.join("posts/2011-06-20-blogging.md");
    let text = std::fs::read_to_string(&path).unwrap().replace("My first post.", "My very first post.");
    std::fs::write(&path, text).unwrap();
    std::fs::remove_file(site.site.join("posts/general/2011-08-01-a-pause.md")).unwrap();
    let out = site.run(&["build", "--verbose"]);
    assert!(out.status.success());
    let after = common::mtimes(&site.public());
    assert_ne!(after["posts/blogging/index.html"], common::long_ago(), "the edited post's page is rewritten");
    assert_eq!(after["posts/online-networks/index.html"], common::long_ago(), "an unrelated page is not");
    assert!(site.page("posts/blogging/index.html").contains("My very first post."));
    assert!(!site.public().join("posts/a-pause").exists(), "a deleted post's page is removed");
    assert!(!site.page("index.html").contains("a-pause"));
    let (written, _, removed) = changes(&stderr(&out));
    assert!(written > 0 && removed > 0, "{}", stderr(&out));
}

/// Files written, unchanged and removed, from the line `build --verbose` prints.
fn changes(err: &str) -> (usize, usize, usize) {
    let counts = captures(err, r"(?m)^(\d+ written, \d+ unchanged, \d+ removed)$");
    let numbers: Vec<usize> = counts
        .first()
        .unwrap_or_else(|| panic!("no `N written, N unchanged, N removed` line: {err}"))
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .map(|n| n.parse().unwrap())
        .collect();
    (numbers[0], numbers[1], numbers[2])
}
