//! Error reports: every problem of a run, each at its file:line:col, exit status 1, nothing
//! written. The report is snapshot-tested so wording changes are reviewed.

mod common;

use common::{Fixture, stderr};

#[test]
fn every_broken_post_is_reported_at_its_place() {
    let site = Fixture::new("broken");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!site.public().exists(), "a failed first build writes nothing");
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn check_reports_every_problem_in_one_run_and_writes_nothing() {
    let site = Fixture::new("broken");
    let before = common::tree(&site.site);
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(common::tree(&site.site), before, "check writes nothing");
    let err = stderr(&out);
    assert!(err.ends_with("Check failed: 16 errors, 6 warnings.\n"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn check_warns_about_links_to_missing_pages_and_strict_fails_on_warnings() {
    let site = Fixture::new("basic");
    site.write(
        "posts/2011-09-01-links.md",
        "---\ntitle: Links\ndate: 2011-09-01\nthing: 7\n---\nSee [Thing 6](/blog/things/6/), [a tag](../../tags/reflection/),\n[a missing post](/posts/not-written-yet/) and [a Thing without posts](/things/22/).\n\n[An old file](../2011-07-18-online-networks.md) and [elsewhere](https://example.org/x/).\n",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(0), "warnings alone pass");
    let err = stderr(&out);
    assert!(
        err.contains(
            "posts/2011-09-01-links.md:7:1: warning: link to `/posts/not-written-yet/`, a page this site does not have"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "posts/2011-09-01-links.md:9:1: warning: link to `../2011-07-18-online-networks.md`, a Markdown file, not a page"
        ),
        "{err}"
    );
    for fine in ["/blog/things/6/", "../../tags/reflection/", "https://example.org/x/", "/things/22/"] {
        assert!(!err.contains(&format!("link to `{fine}`")), "{fine} exists (every Thing has a page): {err}");
    }
    assert!(err.contains("Checked 6 posts: 3 warnings, no errors."), "{err}");
    assert!(!site.public().exists(), "check writes nothing");

    let strict = site.run(&["check", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(stderr(&strict).contains("Check failed: 3 warnings (--strict makes them errors)."), "{}", stderr(&strict));

    let built = site.run(&["build"]);
    assert!(built.status.success());
    assert!(stderr(&built).contains("link to `/posts/not-written-yet/`"), "build shows the same warnings");
}

#[test]
fn unknown_config_key_names_the_closest() {
    let site = Fixture::new("basic");
    site.write("site.yaml", "title: T\nbase_url: https://x.org/\npaginte: 5\n");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn missing_site_yaml_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"))
        .args(["build", "--site"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("site.yaml: error: no site.yaml in"), "{}", stderr(&out));
}

#[test]
fn template_errors_name_the_template_and_line() {
    let site = Fixture::new("basic");
    site.write(
        "templates/tag.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ tag.name }\n{% endblock content %}\n",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("templates/tag.html:3:"), "{err}");
    assert!(err.contains("template syntax error"), "{err}");

    let site = Fixture::new("basic");
    site.write(
        "templates/tag.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ tag.nonexistent.deeper }}\n{% endblock content %}\n",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("templates/tag.html:3:"), "{err}");
    assert!(err.contains("while rendering tags/"), "{err}");
}

#[test]
fn unknown_network_is_a_warning_with_a_suggestion() {
    let site = Fixture::new("basic");
    site.write("posts/2011-09-01-typo.md", "---\ntitle: Typo\ndate: 2011-09-01\nnetworks: [Linkdin]\n---\nBody\n");
    let out = site.run(&["build"]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(err.contains("posts/2011-09-01-typo.md:4:11: warning: `Linkdin` is not a known network"), "{err}");
    assert!(err.contains("did you mean `LinkedIn`?"), "{err}");
}
