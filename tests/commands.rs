//! `cpdblog new` and `cpdblog things`: what a writer types between reflections.

mod common;

use common::{Fixture, stderr};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn new_writes_a_post_named_after_its_thing_and_never_overwrites() {
    let site = Fixture::new("basic");
    let out = site.run(&["new", "--thing", "6", "--network", "linked in", "--draft"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = stdout(&out).trim().to_string();
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert!(path.ends_with(&format!("posts/{today}-thing-6-online-networks.md")), "{path}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("---\ntitle: 'Thing 6: Online networks'\n"), "{text}");
    assert!(text.contains(&format!("date: {today}\n")) && text.contains("thing: 6\n"), "{text}");
    assert!(text.contains("networks:\n- LinkedIn\n") && text.contains("draft: true\n"), "{text}");

    let again = site.run(&["new", "--thing", "6"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists; it was left as it is"), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    let own = site.run(&["new", "Things 6 & 7: my networks", "--thing", "7", "--thing", "6"]);
    assert!(own.status.success(), "{}", stderr(&own));
    let text = std::fs::read_to_string(stdout(&own).trim()).unwrap();
    assert!(text.contains("thing:\n- 6\n- 7\n"), "{text}");

    let checked = site.run(&["check", "--drafts"]);
    assert!(checked.status.success(), "new posts pass check: {}", stderr(&checked));
    let built = site.run(&["build", "--drafts"]);
    assert!(built.status.success());
    assert!(site.page("things/6/index.html").contains("Things 6 &amp; 7: my networks"));
}

#[test]
fn new_refuses_unknown_things_and_networks_with_hints() {
    let site = Fixture::new("basic");
    let out = site.run(&["new", "--thing", "31", "--network", "Linkdin"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: --thing 31 is not a Thing of the programme (1-24)"), "{err}");
    assert!(err.contains("did you mean `LinkedIn`?"), "{err}");
    let out = site.run(&["new"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("a new post needs a title"), "{}", stderr(&out));
    assert!(!site.site.join("posts").read_dir().unwrap().any(|e| {
        e.unwrap().file_name().to_string_lossy().starts_with(&chrono::Local::now().format("%Y").to_string())
    }));
}

#[test]
fn things_lists_every_thing_with_its_posts_and_the_total() {
    let site = Fixture::new("basic");
    let out = site.run(&["things"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    assert_eq!(
        table.lines().filter(|l| l.starts_with(' ') && l.trim_start().starts_with(char::is_numeric)).count(),
        24,
        "{table}"
    );
    assert!(table.contains("    6  Online networks"), "{table}");
    assert!(table.contains("Things 6 & 7: Out and about (2011-07-25)"), "{table}");
    assert!(table.contains("    2  Explore other blogs") && table.contains("not yet"), "{table}");
    assert!(table.contains("4 of 24 Things reflected on (16%) in 23 Things for Professional Development."), "{table}");
    assert!(table.contains("Plus 1 general reflection."), "{table}");
    assert!(!table.contains('\u{1b}'), "no colour when not a terminal");
    let drafts = stdout(&site.run(&["things", "--drafts"]));
    assert!(drafts.contains("5 of 24 Things"), "the Thing 8 draft counts with --drafts: {drafts}");
}
