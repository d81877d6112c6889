//! A parallel build and a single-threaded one give the same bytes: parallelism must never
//! leak into the output (ordering of lists, feeds, sitemap, numbering of comments).

mod common;

use std::process::Command;

use common::{Fixture, tree};

/// Writes `n` varied posts: Things, lists of Things, networks by alias, tags, code, comments.
fn generate(site: &Fixture, n: usize) {
    let networks = ["Twitter", "x", "LinkedIn", "linkedin", "LISNPN", "Facebook", "Mastodon", "cilip communities"];
    for i in 0..n {
        let thing = match i % 10 {
            0 => String::new(),
            1 => format!("thing: [{}, {}]\n", i % 23 + 1, (i + 5) % 23 + 1),
            _ => format!("thing: {}\n", i % 23 + 1),
        };
        let code = if i % 7 == 0 { "\n```python\ndef f(x):\n    return x * 2\n```\n" } else { "" };
        let comments = if i % 5 == 0 {
            "comments:\n  - author: Helen\n    date: 2012-01-02\n    body: Hi\n    replies:\n      - {author: Alex, body: Thanks}\n"
        } else {
            ""
        };
        site.write(
            &format!("posts/{}/p{i:04}.md", 2011 + i % 5),
            &format!(
                "---\ntitle: \"Post {i}: reflections\"\ndate: {}-{:02}-{:02}\n{thing}networks: [{}, {}]\ntags: [t{}, t{}]\n{comments}---\nParagraph {i} about networks.\n\n## Heading\n\nMore text.{code}\n",
                2011 + i % 5,
                i % 12 + 1,
                i % 28 + 1,
                networks[i % networks.len()],
                networks[(i / 3) % networks.len()],
                i % 17,
                i % 29
            ),
        );
    }
}

#[test]
fn parallel_and_single_threaded_builds_are_byte_identical() {
    let site = Fixture::new("basic");
    generate(&site, 400);
    let build = |threads: &str, out: &str| {
        let output = site.site.join(out);
        let status = Command::new(env!("CARGO_BIN_EXE_cpdblog"))
            .args(["build", "--site"])
            .arg(&site.site)
            .arg("--output")
            .arg(&output)
            .env("RAYON_NUM_THREADS", threads)
            .status()
            .unwrap();
        assert!(status.success());
        tree(&output)
    };
    let single = build("1", "single");
    let parallel = build("8", "parallel");
    assert!(single.len() > 700, "{} files", single.len());
    assert_eq!(single.keys().collect::<Vec<_>>(), parallel.keys().collect::<Vec<_>>());
    for (path, bytes) in &single {
        assert!(bytes == &parallel[path], "{path} differs between the single-threaded and the parallel build");
    }
}
