//! `cpdblog import` carries old posts across faithfully: code byte for byte, paragraphs and
//! line breaks without stray backslashes, every table as a table, embeds as links, plain
//! titles, WXR 1.0 tags, local times, password-protected posts as drafts, and malformed
//! exports refused with their line and column.

mod common;

use std::path::{Path, PathBuf};

use common::{Fixture, stderr, tree};

fn export(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

/// Imports `name` into a fresh copy of the basic site and builds it with drafts.
fn imported(kind: &str, name: &str) -> (Fixture, String) {
    let site = Fixture::new("basic");
    let out = site.run(&["import", kind, export(name).to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let built = site.run(&["build", "--drafts"]);
    assert!(built.status.success(), "{}", stderr(&built));
    (site, stderr(&out))
}

fn post(site: &Fixture, path: &str) -> String {
    std::fs::read_to_string(site.site.join("posts").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The text of a built page's post body, between its first `<div class="post-body">` and
/// the end of the article.
fn post_body(page: &str) -> &str {
    let start = page.find("class=\"post-body\"").expect("a post body");
    let end = page[start..].find("</article>").map_or(page.len(), |e| start + e);
    &page[start..end]
}

/// The text of a page's `<pre>` blocks, tags dropped and the common entities decoded.
fn pre_texts(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("<pre") {
        let end = rest[at..].find("</pre>").map_or(rest.len(), |e| at + e);
        let inner = &rest[at..end];
        let inner = &inner[inner.find('>').map_or(0, |g| g + 1)..];
        let mut text = String::new();
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        out.push(
            text.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&"),
        );
        rest = &rest[end..];
    }
    out
}

/// No `\` ends a paragraph or a line of a built page outside its code.
fn assert_no_stray_backslash(page: &str) {
    let mut outside = String::new();
    let mut rest = page;
    while let Some(at) = rest.find("<pre") {
        outside.push_str(&rest[..at]);
        rest = rest[at..].find("</pre>").map_or("", |e| &rest[at + e..]);
    }
    outside.push_str(rest);
    for bad in ["\\</p>", "\\<br", "\\\n", "\\</li>", "\\</td>"] {
        assert!(!outside.contains(bad), "{bad:?} in {outside}");
    }
}

#[test]
fn code_comes_across_byte_for_byte_as_fenced_blocks_with_their_language() {
    let (site, _) = imported("wordpress", "wordpress-fidelity.xml");
    let md = post(&site, "2012/2012-03-05-scripts.md");
    assert!(
        md.contains("```python\ndef check(feed):\n    if feed.items < 1:\n        return \"empty & broken\"\n\n    return \"ok\"\n```"),
        "SyntaxHighlighter's brush, <br> as line breaks:\n{md}"
    );
    assert!(
        md.contains("```\n#  m  h  dom\n  15  2   *     run-check --all\n\n  30  4   *     run-report\n```"),
        "a <pre> without <code> keeps its spaces and blank line:\n{md}"
    );
    assert!(md.contains("```sql\nSELECT *\n  FROM loans\n WHERE due < now();\n```"), "{md}");
    assert!(md.contains("```bash\necho \"a\\b\"\n```"), "{md}");

    let page = site.page("posts/scripts/index.html");
    let pres = pre_texts(post_body(&page));
    for want in [
        "def check(feed):\n    if feed.items < 1:\n        return \"empty & broken\"\n\n    return \"ok\"",
        "#  m  h  dom\n  15  2   *     run-check --all\n\n  30  4   *     run-report",
        "SELECT *\n  FROM loans\n WHERE due < now();",
    ] {
        assert!(pres.iter().any(|p| p.trim_end() == want), "{want:?} not among {pres:#?}");
    }
}

#[test]
fn breaks_and_paragraphs_leave_no_stray_backslash() {
    let (site, _) = imported("wordpress", "wordpress-fidelity.xml");
    let page = site.page("posts/scripts/index.html");
    let body = post_body(&page);
    assert_no_stray_backslash(body);
    assert!(body.contains("<p>Verify that:</p>"), "{body}");
    // wpautop applies outside the tagged paragraph: the blank line still breaks paragraphs.
    assert!(body.contains("<p>A paragraph the editor tagged.</p>"), "{body}");
    assert!(body.contains("<p>First untagged paragraph<br />\nwith a second line.</p>"), "{body}");
    assert!(body.contains("<p>Second untagged paragraph.</p>"), "{body}");

    let (site, _) = imported("blogger", "blogger-fidelity.xml");
    let md = post(&site, "2011/2011-08-15-thing-4.md");
    let page = site.page("posts/thing-4/index.html");
    let body = post_body(&page);
    assert_no_stray_backslash(body);
    assert!(body.contains("<p>I set up three feeds.</p>"), "{md}\n{body}");
    assert!(body.contains("<p>A line</p>") && body.contains("<p>and another.</p>"), "{md}\n{body}");
    assert!(pre_texts(body).iter().any(|p| p.trim_end() == "10 PRINT \"HELLO\"\n20 GOTO 10"), "{body}");
    assert!(!md.contains("\\\n") && !md.ends_with('\\'), "{md}");
}

#[test]
fn every_table_comes_out_as_a_table() {
    let (site, _) = imported("wordpress", "wordpress-fidelity.xml");
    let md = post(&site, "2012/2012-03-06-tables.md");
    let page = site.page("posts/tables/index.html");
    let body = post_body(&page);
    assert_eq!(body.matches("<table").count(), 3, "{md}\n{body}");
    assert!(!body.contains("|---") && !body.contains("| ---"), "no table printed as text:\n{body}");
    for text in ["Central", "1200", "Northside", "340", "Opening hours", "9 to 5", "Sundays", "Books", "31"] {
        assert!(body.contains(text), "{text} lost:\n{body}");
    }
    // A header cell in a body row stays in its row.
    assert!(md.contains("<th>Central</th><td>1200</td>"), "{md}");
    // A header row with an empty column is still GFM.
    assert!(md.contains("| Item |  | Count |\n| --- | --- | --- |\n| Books |  | 31 |"), "{md}");
}

#[test]
fn captions_media_and_frames_keep_what_they_showed() {
    let (site, _) = imported("wordpress", "wordpress-fidelity.xml");
    let md = post(&site, "2012/2012-03-07-media.md");
    let page = site.page("posts/media/index.html");
    let body = post_body(&page);
    assert!(body.contains("The reading room in 1910"), "the old caption attribute:\n{md}");
    assert!(body.contains("href=\"https://samcpd.example.org/files/talk.mp3\""), "{md}");
    assert!(body.contains("href=\"https://samcpd.example.org/files/tour.mp4\""), "{md}");
    assert!(body.contains("href=\"https://www.youtube.com/embed/abc123\""), "{md}");
    assert!(body.contains(">My conference slides</a>"), "a titled frame is a titled link:\n{md}");
    assert!(!body.contains("[audio") && !body.contains("[video") && !body.contains("<iframe"), "{body}");
    assert!(!md.contains("<iframe"), "{md}");
}

#[test]
fn titles_tags_dates_and_passwords() {
    let (site, summary) = imported("wordpress", "wordpress-fidelity.xml");
    let md = post(&site, "2012/2012-03-07-media.md");
    assert!(md.contains("title: With markup & media\n") || md.contains("title: 'With markup & media'"), "{md}");
    assert!(md.contains("- video") && md.contains("- podcasts") && md.contains("- cpd"), "WXR 1.0 tags:\n{md}");
    assert!(md.contains("date: 2012-03-07T14:45:00+00:00"), "the local time of day is kept:\n{md}");
    let page = site.page("posts/media/index.html");
    assert!(page.contains("<title>With markup &amp; media"), "plain title, not escaped markup");
    assert!(!page.contains("&lt;em&gt;"), "no escaped markup anywhere");

    let secret = post(&site, "2012/2012-03-08-appraisal.md");
    assert!(secret.contains("draft: true"), "a password-protected post is a draft:\n{secret}");
    assert!(summary.contains("Imported 4 posts (1 as drafts)"), "{summary}");
    assert!(summary.contains("Note: 1 password-protected post imported as drafts."), "{summary}");
    let published = Fixture::new("basic");
    let out = published.run(&["import", "wordpress", export("wordpress-fidelity.xml").to_str().unwrap()]);
    assert!(out.status.success());
    published.build();
    assert!(!published.public().join("posts/appraisal").exists(), "not published");
}

#[test]
fn malformed_exports_are_refused_with_line_and_column_and_nothing_written() {
    for (name, line, column) in
        [("malformed-mismatched.xml", 4, 27), ("malformed-unclosed.xml", 5, 1), ("malformed-after-root.xml", 7, 1)]
    {
        let site = Fixture::new("basic");
        let before = tree(&site.site);
        let out = site.run(&["import", "wordpress", export(name).to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("{name}:{line}:")), "{name}: line {line}: {err}");
        if column > 1 {
            assert!(err.contains(&format!("line {line}, column {column}")), "{name}: column {column}: {err}");
        }
        assert!(err.contains("Nothing was written"), "{err}");
        assert_eq!(tree(&site.site), before, "{name}: nothing written");
    }
}
