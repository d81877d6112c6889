//! Programmes beyond cpd23: `programme: NAME` reads `programmes/NAME.yaml` (a title and
//! numbered Things, with optional descriptions); bonus Things from site.yaml never count
//! against progress; mistakes in the file are errors at their place (snapshots).

mod common;

use common::{Fixture, stderr};

const SITE: &str =
    "title: Rudai\nbase_url: https://x.github.io/blog/\nprogramme: rudai23\nthings:\n  4: \"Bonus: Podcasts\"\n";

const PROGRAMME: &str = "title: \"Rudai 23 <Things>\"\nthings:\n  1: Blogging\n  2:\n    title: Social media\n    description: \"Try two <networks> & compare them.\"\n  3: {title: Reflection}\n";

/// The basic fixture with its posts replaced, following the programme file.
fn site(programme: Option<&str>) -> Fixture {
    let site = Fixture::new("basic");
    std::fs::remove_dir_all(site.site.join("posts")).unwrap();
    site.write("site.yaml", SITE);
    if let Some(programme) = programme {
        site.write("programmes/rudai23.yaml", programme);
    }
    site.write("posts/2024-01-10-blogging.md", "---\ntitle: Blogging\ndate: 2024-01-10\nthing: 1\n---\nText.\n");
    site.write("posts/2024-02-10-podcasts.md", "---\ntitle: Podcasts\ndate: 2024-02-10\nthing: 4\n---\nText.\n");
    site
}

#[test]
fn a_programme_file_gives_the_things_their_titles_and_descriptions() {
    let site = site(Some(PROGRAMME));
    site.build();
    let things = site.page("things/index.html");
    assert!(things.contains("<strong>1 of 3 Things</strong> done, plus 1 bonus"), "{things}");
    assert!(things.contains("My progress through Rudai 23 &lt;Things&gt;"), "{things}");
    assert!(things.contains("<span class=\"thing-bonus\">Bonus</span>"), "{things}");
    let home = site.page("index.html");
    assert!(home.contains("1 of 3 Things done, plus 1 bonus</span>"), "{home}");
    let thing = site.page("things/2/index.html");
    assert!(thing.contains("Thing 2: Social media"), "{thing}");
    assert!(thing.contains("Try two &lt;networks&gt; &amp; compare them."), "{thing}");
    let out = site.run(&["things"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("\n1 of 3 Things reflected on (33%), plus 1 bonus in Rudai 23 <Things>.\n"), "{table}");
}

#[test]
fn a_post_on_a_thing_the_file_lacks_is_an_error() {
    let site = site(Some(PROGRAMME));
    site.write("posts/2024-03-10-nine.md", "---\ntitle: Nine\ndate: 2024-03-10\nthing: 9\n---\nText.\n");
    let report = stderr(&site.run(&["check"]));
    assert!(
        report.contains("posts/2024-03-10-nine.md:4:8: error: thing 9 is not a Thing of rudai23 (1-4)"),
        "{report}"
    );
}

#[test]
fn a_missing_programme_file_is_named() {
    let out = site(None).run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn mistakes_in_a_programme_file_are_errors_at_their_place() {
    let out = site(Some("title: Rudai\nthings:\n  1: Blogging\n  2: {descripton: x}\n")).run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("unknown_key", stderr(&out));
    let out = site(Some("title: Rudai\nthings:\n  1: Blogging\n  2: {description: Untitled}\n  4: Podcasts\n"))
        .run(&["check"]);
    insta::assert_snapshot!("untitled_thing", stderr(&out));
    let out = site(Some("title: Rudai\nsteps:\n  1: Blogging\n")).run(&["check"]);
    insta::assert_snapshot!("unknown_top_key", stderr(&out));
}
