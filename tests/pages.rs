//! Standalone pages (`pages/*.md`), the menu, and redirect pages at old addresses
//! (CONTRACT §6): built where the contract says, linked from the navigation, in the sitemap
//! but never in feeds or lists; clashes are errors naming the files.

mod common;

use common::{Fixture, stderr};

/// The basic fixture with an About page (in the menu, with an old address), a plan page
/// named by site.yaml's menu, an external menu link, and an old address on a post.
fn site_with_pages() -> Fixture {
    let site = Fixture::new("basic");
    site.write(
        "pages/about.md",
        "---\ntitle: About me\nmenu: {label: About, order: 1}\naliases: [/about-me/]\n---\nI am a librarian. See [my plan](/my-cpd-plan/).\n",
    );
    site.write("pages/my-cpd-plan.md", "---\ntitle: My CPD plan\ndate: 2011-09-01\n---\nChartership by 2012.\n");
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!(
            "{config}menu:\n  - {{label: CPD plan, page: my-cpd-plan}}\n  - {{label: CILIP, url: \"https://www.cilip.org.uk/\"}}\n"
        ),
    );
    let post = "posts/2011-07-18-online-networks.md";
    let text = std::fs::read_to_string(site.site.join(post)).unwrap();
    site.write(
        post,
        &text.replacen(
            "date: 2011-07-18\n",
            "date: 2011-07-18\naliases: [\"https://old.example.org/2011/07/18/thing-6/\"]\n",
            1,
        ),
    );
    site
}

#[test]
fn pages_build_at_their_slug_with_a_menu_and_in_the_sitemap_only() {
    let site = site_with_pages();
    let out = site.build();
    assert!(!stderr(&out).contains("my-cpd-plan"), "the link to the plan page resolves: {}", stderr(&out));
    let about = site.page("about/index.html");
    assert!(about.contains("<h1 class=\"post-title\">About me</h1>"), "{about}");
    assert!(about.contains("I am a librarian."));
    assert!(site.page("my-cpd-plan/index.html").contains("Chartership by 2012."));
    // The menu: site.yaml's items in order, then pages that ask for a place; the current page marked.
    let nav = common::captures(&about, r#"<li><a href="([^"]+)"[^>]*>(?:CPD plan|CILIP|About)</a></li>"#);
    assert_eq!(nav, ["/blog/my-cpd-plan/", "https://www.cilip.org.uk/", "/blog/about/"]);
    assert!(about.contains("<a href=\"/blog/about/\" aria-current=\"page\">About</a>"), "{about}");
    assert!(site.page("index.html").contains("<a href=\"/blog/about/\">About</a>"), "on every page");
    let sitemap = site.page("sitemap.xml");
    assert!(sitemap.contains("<loc>https://x.github.io/blog/about/</loc>"), "{sitemap}");
    assert!(sitemap.contains("<loc>https://x.github.io/blog/my-cpd-plan/</loc>"));
    for listing in ["atom.xml", "index.html", "tags/index.html", "portfolio/index.html"] {
        assert!(!site.page(listing).contains("About me"), "{listing} lists only posts");
    }
    // Search finds pages too: they are numbered after the posts.
    let meta = site.page("search/meta.json");
    let docs: usize = common::captures(&meta, r#""docs":(\d+)"#)[0].parse().unwrap();
    let last_docs: Vec<String> = (docs - 2..docs).map(|n| site.page(&format!("search/docs/{n}.json"))).collect();
    assert!(last_docs.iter().any(|d| d.contains(r#""url":"/blog/about/","title":"About me""#)), "{last_docs:?}");
}

#[test]
fn old_addresses_of_posts_and_pages_redirect_to_them() {
    let site = site_with_pages();
    site.build();
    for (old, title, url) in [
        ("2011/07/18/thing-6/index.html", "Thing 6: Online networks", "/blog/posts/online-networks/"),
        ("about-me/index.html", "About me", "/blog/about/"),
    ] {
        let page = site.page(old);
        assert!(page.contains(&format!("<meta http-equiv=\"refresh\" content=\"0; url={url}\">")), "{page}");
        assert!(page.contains(&format!("<link rel=\"canonical\" href=\"https://x.github.io{url}\">")), "{page}");
        assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"), "{page}");
        assert!(page.contains(&format!("<a href=\"{url}\">{title}</a>")), "a visible link: {page}");
        assert!(!page.contains("<script"), "no script needed");
    }
    assert!(!site.page("sitemap.xml").contains("thing-6"), "redirects are not pages to index");
}

#[test]
fn clashes_are_errors_naming_the_files() {
    let site = site_with_pages();
    site.write("pages/tags.md", "---\ntitle: My tags\n---\nx\n");
    site.write("pages/about-again.md", "---\ntitle: About again\nslug: about\n---\nx\n");
    site.write("pages/old.md", "---\ntitle: Old\naliases: [/things/, /about-me/]\n---\nx\n");
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("pages/tags.md: error: the page address /tags/ is the site's own tags section"), "{err}");
    assert!(
        err.contains("error: two pages have the address /about/: pages/about-again.md and pages/about.md")
            || err.contains("error: two pages have the address /about/: pages/about.md and pages/about-again.md"),
        "{err}"
    );
    assert!(
        err.contains("error: the old address /about-me/ is claimed twice: by pages/about.md and pages/old.md"),
        "{err}"
    );

    let site = site_with_pages();
    site.write("pages/old.md", "---\ntitle: Old\naliases: [/things/]\n---\nx\n");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("pages/old.md: error: the old address /things/ is a page of this site"),
        "{}",
        stderr(&out)
    );

    let site = site_with_pages();
    std::fs::remove_file(site.site.join("pages/my-cpd-plan.md")).unwrap();
    let out = site.run(&["check"]);
    assert!(
        stderr(&out).contains(
            "site.yaml:19:29: error: menu item `CPD plan` links to page `my-cpd-plan`, which pages/ does not have"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_draft_page_is_built_only_with_drafts() {
    let site = site_with_pages();
    site.write("pages/later.md", "---\ntitle: Later\ndraft: true\n---\nNot yet.\n");
    site.build();
    assert!(!site.public().join("later/index.html").exists());
    let out = site.run(&["build", "--drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.page("later/index.html").contains("Not yet."));
}
