//! A build into the output of an earlier one renders only what changed (the cache,
//! `.cpdblog-cache` in the output), and its output is always what a clean build writes, byte for byte: after an
//! edit, a template or site.yaml change, a file deleted from the output, a failed build.

mod common;

use common::{Fixture, stderr, tree};

/// Builds `site` into its `public/`, and again from nothing into another folder; asserts the
/// two are the same and returns the first build's `--verbose` log.
fn build_and_compare(site: &Fixture, what: &str) -> String {
    let out = site.run(&["build", "--verbose"]);
    assert!(out.status.success(), "{what}: {}", stderr(&out));
    let clean = tempfile::tempdir().unwrap();
    let fresh = site.run(&["build", "--output", clean.path().join("out").to_str().unwrap()]);
    assert!(fresh.status.success(), "{}", stderr(&fresh));
    let (cached, clean) = (tree(&site.public()), tree(&clean.path().join("out")));
    let differing: Vec<&String> =
        cached.keys().chain(clean.keys()).filter(|p| cached.get(*p) != clean.get(*p)).collect();
    assert!(differing.is_empty(), "{what}: differs from a clean build: {differing:?}");
    stderr(&out)
}

/// "N written" of a verbose build's log.
fn written(log: &str) -> usize {
    common::captures(log, r"(\d+) written, \d+ unchanged")[0].parse().unwrap()
}

#[test]
fn a_second_build_writes_only_what_changed_and_matches_a_clean_build() {
    let site = Fixture::new("basic");
    let first = build_and_compare(&site, "first build");
    assert!(site.public().join(".cpdblog-cache").is_file(), "the cache is kept in the output");
    let everything = written(&first);

    let again = build_and_compare(&site, "nothing changed");
    assert_eq!(written(&again), 0, "{again}");

    let path = "posts/2011-07-18-online-networks.md";
    let text = std::fs::read_to_string(site.site.join(path)).unwrap();
    site.write(path, &format!("{text}\nA sentence added at the end.\n"));
    let edited = build_and_compare(&site, "one post edited");
    assert!(written(&edited) > 0 && written(&edited) < everything / 2, "{edited}");

    // A file of the output deleted by hand is written again.
    std::fs::remove_file(site.public().join("tags/index.html")).unwrap();
    build_and_compare(&site, "a page deleted from the output");
}

#[test]
fn a_change_every_page_shows_renders_everything_again() {
    let site = Fixture::new("basic");
    build_and_compare(&site, "first build");
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write("site.yaml", &config.replace("Fixture & <Friends>", "A new title"));
    build_and_compare(&site, "site.yaml changed");
    assert!(site.page("index.html").contains("A new title"));
    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}{% block content %}Own post page{% endblock content %}",
    );
    build_and_compare(&site, "a template added");
    assert!(site.page("posts/online-networks/index.html").contains("Own post page"));
}

#[test]
fn a_build_after_a_failed_one_matches_a_clean_build() {
    let site = Fixture::new("basic");
    build_and_compare(&site, "first build");
    site.write("posts/2011-09-01-broken.md", "---\ntitle: Broken\ndate: 2011-13-01\n---\nText.\n");
    assert_eq!(site.run(&["build"]).status.code(), Some(1));
    site.write("posts/2011-09-01-broken.md", "---\ntitle: Fixed\ndate: 2011-09-01\n---\nText.\n");
    build_and_compare(&site, "fixed");
    assert!(site.page("posts/broken/index.html").contains("Fixed"));
}

#[test]
fn a_build_killed_while_moving_pages_in_leaves_no_cache_that_could_hide_a_change() {
    let site = Fixture::new("basic");
    build_and_compare(&site, "first build");
    let path = "posts/2011-07-18-online-networks.md";
    let before = std::fs::read_to_string(site.site.join(path)).unwrap();
    site.write(path, &before.replace("Online networks matter.", "Online networks matter a great deal."));
    // Killed after its first move into the output: the edited page may be in, the cache of the
    // old output must not say it is not.
    let killed = site.command(&["build"]).env("CPDBLOG_CRASH_AFTER_STEPS", "1").output().unwrap();
    assert!(!killed.status.success(), "the test hook stops the build");
    // The edit undone: the page must go back to what it was, though its inputs are those the
    // old cache recorded.
    site.write(path, &before);
    build_and_compare(&site, "edit undone after a killed build");
    assert!(!site.page("posts/online-networks/index.html").contains("a great deal"));
}
