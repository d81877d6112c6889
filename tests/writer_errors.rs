//! The mistakes writers make most, and what cpdblog says about them: each message is a
//! snapshot, so a change to what a writer reads is a reviewed change.

mod common;

use common::{Fixture, stderr};

fn check_one(post: &str) -> String {
    let site = Fixture::new("basic");
    std::fs::remove_dir_all(site.site.join("posts")).unwrap();
    site.write("posts/2026-11-20-mine.md", post);
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    stderr(&out)
}

#[test]
fn a_title_with_a_colon_and_no_quotes() {
    insta::assert_snapshot!(check_one(
        "---\ntitle: Thing 3: Consider your personal brand\ndate: 2026-11-20\n---\nText.\n"
    ));
}

#[test]
fn a_date_written_day_first() {
    insta::assert_snapshot!(check_one("---\ntitle: Thing 3\ndate: 20/11/2026\n---\nText.\n"));
}

#[test]
fn the_help_lines_up_under_two_digit_line_numbers() {
    let mut post = String::from("---\n");
    for i in 0..9 {
        post.push_str(&format!("# note {i}\n"));
    }
    post.push_str("title: Thing 3\ndate: 2026-13-01\n---\nText.\n");
    insta::assert_snapshot!(check_one(&post));
}

#[test]
fn serve_without_a_site_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"))
        .args(["serve", "--port", "0", "--site"])
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out).replace(&dir.path().display().to_string(), "SITE");
    insta::assert_snapshot!(text);
}

#[test]
fn things_cuts_long_titles_at_a_word() {
    let site = Fixture::new("basic");
    let out = site.run(&["things"]);
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    let row = table.lines().find(|l| l.trim_start().starts_with("7 ")).unwrap().to_string();
    insta::assert_snapshot!(row);
}

#[test]
fn every_mistake_in_a_post_is_reported_at_once() {
    let report = check_one(
        "---\ntitel: \"Thing 6: Online networks\"\ndate: 2026-13-01\nthings: [six]\nnetworks: 5\ndraft: maybe\n---\nText.\n",
    );
    assert_eq!(report.lines().filter(|line| line.contains(": error: ")).count(), 5, "{report}");
    insta::assert_snapshot!(report);
}
