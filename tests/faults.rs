//! Hostile input and faults, round two: each test is named after what used to go wrong.
//! Nothing is written outside the site or the output, nothing crashes, and a build that was
//! cut short is finished by the next one, which says so.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{Fixture, stderr, tree};

fn cpdblog(site: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cpdblog"));
    command.args(args).arg("--site").arg(site).env("NO_COLOR", "1");
    command
}

fn run(site: &Path, args: &[&str]) -> Output {
    cpdblog(site, args).output().unwrap()
}

/// A WordPress export of one post per (title, date, body).
fn wordpress_export(posts: &[(&str, &str, &str)]) -> String {
    let items: String = posts
        .iter()
        .enumerate()
        .map(|(i, (title, date, body))| {
            format!(
                "<item><title>{title}</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>\n\
                 <wp:post_date>{date}</wp:post_date><wp:post_date_gmt></wp:post_date_gmt>\n\
                 <wp:post_name>p-{i}</wp:post_name><content:encoded><![CDATA[{body}]]></content:encoded></item>\n"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n\
         <channel><title>Old blog</title>\n{items}</channel></rss>\n"
    )
}

/// Every file under `dir`, relative, for "nothing else was written".
fn files_under(dir: &Path) -> Vec<String> {
    tree(dir).into_keys().collect()
}

#[test]
fn an_import_date_cannot_walk_out_of_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("a/b/c/site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("site.yaml"), "title: T\nbase_url: https://x.org/\n").unwrap();
    let export = dir.path().join("export.xml");
    for date in ["../../../pwned", "/tmp/pwned", "2011-13-45 10:00:00", "..\\..\\pwned"] {
        std::fs::write(&export, wordpress_export(&[("Fine", "2011-07-18 10:00:00", "ok"), ("Trav", date, "x")]))
            .unwrap();
        let out = run(&site, &["import", "wordpress", export.to_str().unwrap()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{date}: {err}");
        assert!(err.contains("export.xml:") && err.contains("invalid date"), "{date}: {err}");
        assert!(err.contains(date.get(..10).unwrap()), "the bad date is named: {err}");
        assert_eq!(files_under(dir.path()), ["a/b/c/site/site.yaml", "export.xml"], "{date}: nothing written");
    }
}

#[test]
fn deeply_nested_html_imports_flattened_instead_of_crashing() {
    let site = Fixture::new("basic");
    let deep = format!("{}Deep text{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
    let spans = format!("<p>{}Spans{}</p><p>After</p>", "<span><em>".repeat(3_000), "</em></span>".repeat(3_000));
    let export = site.site.join("../export.xml");
    std::fs::write(
        &export,
        wordpress_export(&[("Deep", "2011-07-18 10:00:00", &deep), ("Spans", "2011-07-19 10:00:00", &spans)]),
    )
    .unwrap();
    let out = site.run(&["import", "wordpress", export.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let deep_post = std::fs::read_to_string(site.site.join("posts/2011/2011-07-18-p-0.md")).unwrap();
    assert!(deep_post.contains("Deep text"), "{deep_post}");
    let spans_post = std::fs::read_to_string(site.site.join("posts/2011/2011-07-19-p-1.md")).unwrap();
    assert!(spans_post.contains("Spans") && spans_post.contains("After"), "{spans_post}");
    let left: Vec<_> = std::fs::read_dir(&site.site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".cpdblog-import") && !n.ends_with(".lock"))
        .collect();
    assert!(left.is_empty(), "the import's staging folder is gone: {left:?}");
    site.build();
}

/// Edits every post, so an update build has many files to swap.
fn edit_every_post(site: &Fixture, round: usize) {
    for entry in walkdir::WalkDir::new(site.site.join("posts")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(entry.path(), format!("{text}\nEdit {round}.\n")).unwrap();
        }
    }
    site.write(
        &format!("posts/2011-09-{:02}-new-{round}.md", round + 1),
        &format!("---\ntitle: \"New {round}\"\ndate: 2011-09-{:02}\ntags: [round-{round}]\n---\nNew.\n", round + 1),
    );
}

fn clean_build_of(site: &Fixture) -> std::collections::BTreeMap<String, Vec<u8>> {
    let clean = tempfile::tempdir().unwrap();
    let out = run(&site.site, &["build", "--output", clean.path().join("out").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    tree(&clean.path().join("out"))
}

#[test]
fn two_builds_at_once_both_finish_with_a_whole_site() {
    let site = Fixture::new("basic");
    site.build();
    for round in 0..4 {
        edit_every_post(&site, round);
        let children: Vec<_> = (0..2)
            .map(|_| cpdblog(&site.site, &["build"]).stderr(std::process::Stdio::piped()).spawn().unwrap())
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", stderr(&out));
        }
        assert!(tree(&site.public()) == clean_build_of(&site), "round {round}: the output is not a whole, clean site");
    }
}

#[test]
fn a_build_killed_during_its_swap_is_finished_by_the_next() {
    let site = Fixture::new("basic");
    site.build();
    for (round, crash_after) in [1, 2, 5, 10, 20].into_iter().enumerate() {
        edit_every_post(&site, round);
        let before = tree(&site.public());
        let killed =
            cpdblog(&site.site, &["build"]).env("CPDBLOG_CRASH_AFTER_STEPS", crash_after.to_string()).output().unwrap();
        assert!(!killed.status.success(), "step {crash_after}: the test hook stops the build");
        assert!(tree(&site.public()) != before, "step {crash_after}: the swap had begun");
        let next = site.build();
        assert!(
            stderr(&next).contains("Finished the swap of an interrupted build"),
            "step {crash_after}: the next build says what it did: {}",
            stderr(&next)
        );
        assert!(tree(&site.public()) == clean_build_of(&site), "step {crash_after}: the output is a whole, clean site");
    }
}

#[test]
fn a_first_build_killed_right_after_its_swap_leaves_a_whole_site() {
    let site = Fixture::new("basic");
    // A first build's swap is one rename: killed after it, only the journal is left over.
    let killed = cpdblog(&site.site, &["build"]).env("CPDBLOG_CRASH_AFTER_STEPS", "1").output().unwrap();
    assert!(!killed.status.success());
    assert!(site.public().join("index.html").is_file());
    site.build();
    assert!(tree(&site.public()) == clean_build_of(&site));
    assert!(!site.public().join(".cpdblog-journal").exists());
}

#[cfg(unix)]
#[test]
fn force_refuses_an_output_the_posts_folder_links_into() {
    let site = Fixture::new("basic");
    let out = site.site.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // The posts live in the output folder given, reached through a link.
    std::fs::rename(site.site.join("posts"), out.join("posts")).unwrap();
    std::os::unix::fs::symlink(out.join("posts"), site.site.join("posts")).unwrap();
    let before = files_under(&out);
    let result = run(&site.site, &["build", "--force", "--output", out.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(stderr(&result).contains("refusing to write the site to"), "{}", stderr(&result));
    assert_eq!(files_under(&out), before, "the posts are all still there");
}

#[cfg(unix)]
#[test]
fn source_folders_linked_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("posts")).unwrap();
    std::fs::write(outside.path().join("posts/secret.md"), "---\ntitle: Secret\ndate: 2011-01-01\n---\nSecret\n")
        .unwrap();
    std::fs::create_dir_all(outside.path().join("theme/templates")).unwrap();
    std::fs::write(outside.path().join("theme/templates/post.html"), "{{ get_env(name=\"HOME\") }}").unwrap();

    let site = Fixture::new("basic");
    std::fs::remove_dir_all(site.site.join("posts")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("posts"), site.site.join("posts")).unwrap();
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("posts: error: this folder links outside the site, so it is not read"),
        "{}",
        stderr(&out)
    );
    assert!(!site.public().exists());

    let site = Fixture::new("basic");
    std::fs::create_dir_all(site.site.join("themes")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("theme"), site.site.join("themes/mine")).unwrap();
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}theme: mine\n"));
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("themes/mine/templates: error: this folder links outside the site"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn overlong_slugs_tags_and_networks_are_errors_at_their_line() {
    let site = Fixture::new("basic");
    let long = "word-".repeat(60);
    site.write(
        "posts/long.md",
        &format!("---\ntitle: Long\ndate: 2011-01-01\nslug: {long}\ntags: [{long}]\nnetworks: [{long}]\n---\nx\n"),
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for (line, what) in [(4, "slug"), (5, "tag"), (6, "network name")] {
        assert!(
            err.contains(&format!("posts/long.md:{line}:")) && err.contains(&format!("{what} `word-")),
            "{what}: {err}"
        );
    }
    assert!(err.contains("is too long for a web address"), "{err}");
}

#[test]
fn a_footnote_is_not_a_broken_link() {
    let site = Fixture::new("basic");
    site.write("posts/notes.md", "---\ntitle: Notes\ndate: 2011-01-01\n---\nAs said before.[^1]\n\n[^1]: Ibid.\n");
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("posts/notes.md"), "{}", stderr(&out));
}

/// A site of one post, built with a hang detector: linear work finishes in seconds even in a
/// debug build; the quadratic work these guard against took minutes.
fn build_one_post(post: &str) -> (Fixture, Output) {
    let site = Fixture::new("basic");
    site.write("posts/big.md", post);
    let mut command = cpdblog(&site.site, &["build"]);
    command.env("NO_COLOR", "1");
    let out = common::output_within(command, std::time::Duration::from_secs(120), "building a pathological post");
    (site, out)
}

#[test]
fn thirty_thousand_headings_of_one_name_build_in_linear_time() {
    let (site, out) =
        build_one_post(&format!("---\ntitle: H\ndate: 2011-01-01\n---\n{}", "## Same\n\n".repeat(30_000)));
    assert!(out.status.success(), "{}", stderr(&out));
    let page = site.page("posts/big/index.html");
    assert!(page.contains("id=\"same\"") && page.contains("id=\"same-29999\""));
}

#[test]
fn twenty_thousand_broken_links_on_one_line_give_a_bounded_report() {
    let body = format!("{}\n\n[b]: /nowhere/\n", "[a][b] ".repeat(20_000));
    let (_site, out) = build_one_post(&format!("---\ntitle: R\ndate: 2011-01-02\n---\n{body}"));
    assert!(out.status.success(), "{}", stderr(&out));
    let check = run(&_site.site, &["check"]);
    let err = stderr(&check);
    let shown = err.matches("posts/big.md:5:").count();
    assert_eq!(shown, 20, "at most 20 warnings of a kind per post: {shown}");
    assert!(
        regex::Regex::new(r"posts/big.md: warning: … and [0-9]{4,} more warnings like these in this post")
            .unwrap()
            .is_match(&err),
        "{}",
        &err[err.len().saturating_sub(600)..]
    );
    assert!(err.lines().all(|l| l.chars().count() < 200), "long lines are cut to a window");
}

#[test]
fn a_comment_nested_sixty_thousand_deep_is_shown_as_text() {
    let post = format!(
        "---\ntitle: Q\ndate: 2011-01-04\ncomments:\n  - author: A\n    body: \"{} hi\"\n---\nbody\n",
        ">".repeat(60_000)
    );
    let (site, out) = build_one_post(&post);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        site.page("posts/big/index.html").contains("&gt;&gt;&gt; hi")
            || site.page("posts/big/index.html").contains("&gt; hi")
    );
}

#[test]
fn a_huge_code_block_makes_a_page_of_about_its_size() {
    let code = "x = [1, 2, 3]  # comment\n".repeat(200_000);
    let (site, out) = build_one_post(&format!("---\ntitle: C\ndate: 2011-01-05\n---\n```python\n{code}```\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::metadata(site.public().join("posts/big/index.html")).unwrap().len() as usize;
    assert!(page < 2 * code.len(), "page {page} bytes for {} bytes of code", code.len());
}

#[test]
fn yaml_aliases_cannot_blow_a_small_file_up() {
    let tags = vec!["*a"; 5_000].join(", ");
    let post = format!("---\ntitle: &a \"{}\"\ndate: 2011-01-01\ntags: [{tags}]\n---\nx\n", "long ".repeat(200));
    let site = Fixture::new("basic");
    site.write("posts/bomb.md", &post);
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("posts/bomb.md:2:1: error: the frontmatter expands to"), "{err}");
}

#[test]
fn feeds_stay_xml_whatever_a_post_holds() {
    let site = Fixture::new("basic");
    site.write(
        "posts/ctrl.md",
        "---\ntitle: \"Bell \\a and escape \\e here\"\ndate: 2011-09-09\nthing: 6\ntags: [\"tab\\fform\"]\n---\nFirst \u{1b}[31mred\u{0} and \u{fffe} paragraph.\n",
    );
    let out = site.build();
    for feed in ["atom.xml", "things/6/atom.xml", "sitemap.xml", "tags/tab-form/atom.xml"] {
        let path = site.public().join(feed);
        if !path.exists() {
            continue; // tag feeds come with another issue
        }
        let xml = std::fs::read_to_string(&path).unwrap();
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{feed} is not XML: {e}"));
        assert!(xml.contains("Bell  and escape  here") || feed == "sitemap.xml", "{feed}");
    }
    let err = stderr(&out);
    assert!(err.contains("posts/ctrl.md:7:7: warning: an invisible control character (U+001B)"), "{err}");
}

#[test]
fn control_sequences_in_a_post_never_reach_the_terminal() {
    let site = Fixture::new("basic");
    site.write("posts/title.md", "---\ntitle: T\ndate: 2011-09-09\nnetworks: [\"\\e]0;pwned\\a\"]\n---\nx\n");
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert!(err.contains("`\\u{1b}]0;pwned\\u{7}` is not a known network"), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
}
