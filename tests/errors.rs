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
