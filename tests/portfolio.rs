//! The portfolio as evidence: whole reflections or summaries, peers' comments, a post on two
//! Things printed once, and the statement an assessment limits, warned about at its place.

mod common;

use common::{Fixture, stderr};

fn with_portfolio(settings: &str) -> Fixture {
    let site = Fixture::new("basic");
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}portfolio:\n{settings}"));
    site
}

#[test]
fn summaries_by_default_whole_reflections_and_comments_when_asked() {
    let site = Fixture::new("basic");
    site.build();
    let summaries = site.page("portfolio/index.html");
    assert!(!summaries.contains("LinkedIn and LISNPN."), "summaries only by default");
    assert!(summaries.contains("with <code>portfolio: {content: full}</code> in site.yaml"));

    let site = with_portfolio("  content: full\n  comments: true\n");
    let built = site.build();
    assert!(built.status.success(), "{}", stderr(&built));
    let full = site.page("portfolio/index.html");
    assert!(full.contains("<p>LinkedIn and LISNPN.</p>"), "the whole reflection");
    assert!(full.contains("<h4>Comments from peers</h4>"), "and its comments");
    assert!(!full.contains("<script>alert"), "comments sanitised as on the post's page");
    // The cover: words in all and the day it was compiled.
    assert!(regex::Regex::new(r"\(\d+ words\)").unwrap().is_match(&full), "{full}");
    assert!(full.contains("<dt>Compiled</dt>"));

    let site = with_portfolio("  content: full\n");
    site.build();
    assert!(!site.page("portfolio/index.html").contains("Comments from peers"), "comments only when asked");
}

#[test]
fn a_post_on_two_things_is_printed_once() {
    let site = with_portfolio("  content: full\n");
    site.build();
    let page = site.page("portfolio/index.html");
    let both = std::fs::read_to_string(site.site.join("posts/2011-07-25-both.md")).unwrap();
    let body_line = both.split("---").nth(2).unwrap().trim().lines().next().unwrap().to_string();
    assert_eq!(page.matches(body_line.as_str()).count(), 1, "{body_line}");
    assert!(page.contains("Also a reflection on this Thing: see it under <a href=\"#thing-"), "{page}");
}

#[test]
fn a_statement_over_its_word_limit_is_warned_about_at_the_first_word_over() {
    let site = with_portfolio("  statement: {post: statement, word_limit: 12}\n");
    let words: Vec<String> = (1..=15).map(|n| format!("w{n}")).collect();
    site.write(
        "posts/2011-09-01-statement.md",
        &format!(
            "---\ntitle: My statement\ndate: 2011-09-01\n---\n<!-- guidance is not counted -->\n{}\n\n{}\n",
            words[..8].join(" "),
            words[8..].join(" ")
        ),
    );
    let out = site.run(&["check"]);
    assert!(out.status.success(), "a warning, not an error: {}", stderr(&out));
    insta::assert_snapshot!(statement_warning(&stderr(&out)));
    let built = site.build();
    assert!(built.status.success());
    let portfolio = site.page("portfolio/index.html");
    assert!(portfolio.contains("15 words: <strong>over the limit of 12</strong>"), "{portfolio}");
}

#[test]
fn a_statement_naming_no_post_is_warned_about_in_site_yaml() {
    let site = with_portfolio("  statement: {post: online-network}\n");
    let out = site.run(&["check"]);
    insta::assert_snapshot!(statement_warning(&stderr(&out)));
}

/// The statement's warning among the fixture's others.
fn statement_warning(stderr: &str) -> String {
    stderr.split("\n\n").filter(|w| w.contains("statement")).collect::<Vec<_>>().join("\n\n")
}
