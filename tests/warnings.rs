//! One site, three commands, the same warnings: `build`, `check` and `serve` (its first build)
//! must tell a writer about the same problems. The site (tests/fixtures/warnings) earns one
//! warning of each kind: a future-dated post, a title naming another Thing, an unknown
//! network, a known network mentioned but not listed, an image without alternative text, a
//! link to a page the site does not have, a link to a Markdown file, an image that is not a
//! file of the site. It stays under the 20 warnings build and serve show before summing up.

mod common;

use common::serve::Server;
use common::{Fixture, stderr};

/// Every warning the site earns, as the first line of each: `path:line:col: warning: message`.
const EXPECTED: [&str; 8] = [
    "posts/2011-07-18-networks.md:11:5: warning: link to `/posts/not-written-yet/`, a page this site does not have",
    "posts/2011-07-18-networks.md:2:8: warning: the title says Thing 12 but `thing` says 6",
    "posts/2011-07-18-networks.md:5:11: warning: `Linkdin` is not a known network",
    "posts/2011-07-18-networks.md:7:10: warning: mentions LISNPN but does not list it in `networks`",
    "posts/2011-07-18-networks.md:9:1: warning: this image has no alternative text",
    "posts/2011-07-25-meet-up.md:6:35: warning: link to `../2011-07-18-networks.md`, a Markdown file, not a page",
    "posts/2011-07-25-meet-up.md:8:1: warning: image `/images/room.jpg` is not a file of this site",
    "posts/2099-01-01-later.md: warning: dated 2099-01-01 in the future: left out of builds until then",
];

/// The first line of each warning in `output`, sorted (repeats kept, so a warning shown
/// twice is a difference too). Fails if some were left unshown.
fn warnings(command: &str, output: &str) -> Vec<String> {
    assert!(!output.contains("more warning"), "{command} left warnings unshown:\n{output}");
    let mut lines: Vec<String> = common::captures(output, r"(?m)^(\S[^\n]*: warning: [^\n]*)$");
    lines.sort();
    lines
}

/// What `left` shows and `right` does not, and the other way round.
fn difference(left: (&str, &[String]), right: (&str, &[String])) -> String {
    let only = |a: &[String], b: &[String]| -> String {
        let lines: Vec<String> = a.iter().filter(|line| !b.contains(line)).map(|line| format!("    {line}")).collect();
        if lines.is_empty() { "    (none)".to_string() } else { lines.join("\n") }
    };
    format!("only {}:\n{}\nonly {}:\n{}", left.0, only(left.1, right.1), right.0, only(right.1, left.1))
}

#[test]
fn build_check_and_serve_report_the_same_warnings() {
    let site = Fixture::new("warnings");

    let checked = site.run(&["check"]);
    assert_eq!(checked.status.code(), Some(0), "warnings alone pass: {}", stderr(&checked));
    let check = warnings("check", &stderr(&checked));
    // The fixture earns what it is meant to, so the comparisons below are not of empty lists.
    assert_eq!(check, EXPECTED, "{}", stderr(&checked));

    let built = site.run(&["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let build = warnings("build", &stderr(&built));
    assert!(build == check, "build and check differ:\n{}", difference(("in build", &build), ("in check", &check)));

    // serve's first build, everything it prints before it says it is serving.
    let server = Server::start(&site.site, &[]);
    let log = server.log_lines();
    let serving = log.iter().position(|line| line.starts_with("Serving ")).expect("a Serving line");
    let serve = warnings("serve", &log[..serving].join("\n"));
    assert!(serve == check, "serve and check differ:\n{}", difference(("in serve", &serve), ("in check", &check)));
}
