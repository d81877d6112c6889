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
    assert!(things.contains("<strong>4 of 23 Things</strong> done, plus 1 bonus"), "{things}");
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

/// The fixture's site.yaml with `author: Alex Example` replaced by `replacement`.
fn site_yaml_with(site: &Fixture, replacement: &str) -> String {
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    assert!(config.contains("author: Alex Example\n"));
    config.replace("author: Alex Example\n", replacement)
}

#[test]
fn shared_pages_show_a_card_with_an_absolute_image() {
    let site = Fixture::new("basic");
    let config =
        site_yaml_with(&site, "author: Alex Example\nimage: {src: /img/dot.svg, alt: \"A dot & a \\\"line\\\"\"}\n");
    site.write("site.yaml", &config);
    site.write(
        "posts/2011-09-01-card.md",
        "---\ntitle: \"Cards <&> \\\"quotes\\\"\"\ndate: 2011-09-01\nimage: img/dot.svg\nsummary: A card's summary\n---\nBody.\n",
    );
    site.write(
        "posts/2011-09-02-lost.md",
        "---\ntitle: Lost\ndate: 2011-09-02\nimage: images/missing.png\n---\nBody.\n",
    );
    let out = site.build();
    let post = site.page("posts/card/index.html");
    for tag in [
        r#"<meta property="og:type" content="article">"#,
        r#"<meta property="og:title" content="Cards &lt;&amp;&gt; &quot;quotes&quot;">"#,
        r#"<meta property="og:description" content="A card&#39;s summary">"#,
        r#"<meta property="og:url" content="https://x.github.io/blog/posts/card/">"#,
        r#"<meta property="og:site_name" content="Fixture &amp; &lt;Friends&gt;">"#,
        r#"<meta property="og:image" content="https://x.github.io/blog/img/dot.svg">"#,
        r#"<meta property="article:published_time" content="2011-09-01T00:00:00Z">"#,
        r#"<meta name="twitter:card" content="summary_large_image">"#,
    ] {
        assert!(post.contains(tag), "missing {tag} in:\n{post}");
    }
    assert!(!post.contains("og:image:alt"), "the post's own image has no description");
    let home = site.page("index.html");
    assert!(home.contains(r#"<meta property="og:type" content="website">"#), "{home}");
    assert!(home.contains(r#"<meta property="og:image" content="https://x.github.io/blog/img/dot.svg">"#));
    assert!(home.contains(r#"<meta property="og:image:alt" content="A dot &amp; a &quot;line&quot;">"#), "{home}");
    let err = common::stderr(&out);
    assert!(
        err.contains("posts/2011-09-02-lost.md:4:8: warning: the social card's image `images/missing.png` is not a file of this site"),
        "{err}"
    );
    assert!(!err.contains("2011-09-01-card.md"), "an image of static/ is found: {err}");
}

#[test]
fn without_an_image_a_page_has_a_small_card() {
    let site = Fixture::new("basic");
    site.build();
    let things = site.page("things/index.html");
    assert!(things.contains(r#"<meta name="twitter:card" content="summary">"#), "{things}");
    assert!(!things.contains("og:image"));
    let bad = site_yaml_with(&site, "author: Alex Example\nimage: \"javascript:alert(1)\"\n");
    site.write("site.yaml", &bad);
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("site.yaml:4:8: error: image `javascript:alert(1)` must be a path"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn the_author_card_is_on_the_home_and_about_pages_with_rel_me_links() {
    let site = Fixture::new("basic");
    let profile = "author:\n  name: Alex <Example>\n  bio: Librarian & writer.\n  avatar: img/dot.svg\n  links:\n    - {label: Mastodon, url: \"https://mastodon.example/@alex\"}\n    - {label: LinkedIn, url: \"https://www.linkedin.com/in/alex\"}\n";
    site.write("site.yaml", &site_yaml_with(&site, profile));
    site.write("pages/about.md", "---\ntitle: About me\n---\nHello.\n");
    site.write("pages/plan.md", "---\ntitle: My plan\n---\nPlans.\n");
    site.build();
    for page in ["index.html", "about/index.html"] {
        let html = site.page(page);
        assert!(html.contains(r#"<meta name="author" content="Alex &lt;Example&gt;">"#), "{page}");
        assert!(
            html.contains(r#"<img class="author-avatar" src="/blog/img/dot.svg" alt="Alex &lt;Example&gt;""#),
            "{html}"
        );
        assert!(html.contains(r#"<p class="author-bio">Librarian &amp; writer.</p>"#), "{page}");
        assert!(html.contains(r#"<a href="https://mastodon.example/@alex" rel="me">Mastodon</a>"#), "{page}");
        assert!(html.contains(r#"<a href="https://www.linkedin.com/in/alex" rel="me">LinkedIn</a>"#), "{page}");
    }
    assert!(!site.page("plan/index.html").contains("author-card"), "only the About page");
    assert!(!site.page("page/2/index.html").contains("author-card"), "only the first home page");
    assert!(site.page("atom.xml").contains("<name>Alex &lt;Example&gt;</name>"));
    // A plain name stays a name: no card.
    let plain = Fixture::new("basic");
    plain.build();
    assert!(!plain.page("index.html").contains("author-card"));
    assert!(plain.page("index.html").contains(r#"<meta name="author" content="Alex Example">"#));
}

#[test]
fn thing_pages_say_what_the_thing_asks() {
    let site = Fixture::new("basic");
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    let described = config.replace(
        "  24: \"Bonus: Mastodon\"\n",
        "  24: {title: \"Bonus: Mastodon\", description: \"Join a <Mastodon> server.\"}\n  5: {description: Think about thinking.}\n",
    );
    site.write("site.yaml", &described);
    site.build();
    let six = site.page("things/6/index.html");
    let sentence = "Explore professional networks online, such as LinkedIn, Facebook, LISNPN and CILIP Communities, and decide which are worth joining.";
    assert!(six.contains(&format!("<p class=\"thing-description\">{sentence}</p>")), "{six}");
    assert!(
        six.contains(&format!("<meta name=\"description\" content=\"Thing 6: Online networks: {sentence}\">")),
        "{six}"
    );
    let bonus = site.page("things/24/index.html");
    assert!(bonus.contains("<p class=\"thing-description\">Join a &lt;Mastodon&gt; server.</p>"), "{bonus}");
    let five = site.page("things/5/index.html");
    assert!(five.contains("<h1>Thing 5: Reflective practice</h1>") && five.contains(">Think about thinking.</p>"));
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
