//! Hostile and broken input: escaped everywhere, nothing written outside the output, nothing
//! lost on failure, bounded on bombs, a friendly crash. (../shared/RELIABILITY.md)

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use common::{Fixture, RUNAWAY, stderr, tree};

const HOSTILE_POST: &str = r#"---
title: "\"><script>alert(1)</script> & 'quotes' </title>"
date: 2011-09-01
thing: 7
summary: "</title><script>alert(2)</script> & more"
networks: ["<img src=x onerror=alert(3)>", "Tom & \"Jerry\""]
tags: ["<script>alert(4)</script>", "R&D", "'single'"]
comments:
  - author: "<script>alert(5)</script>"
    url: "javascript:alert(6)"
    body: "Nice! <script>alert(7)</script> <a href=\"javascript:alert(8)\">click</a> <img src=\"https://tracker.example/p.gif\">"
    replies:
      - author: "Eve \" onmouseover=\"alert(9)"
        body: "**bold** <iframe src=\"https://evil.example/\"></iframe>"
---
Body with [a bad link](javascript:alert(10)) and ![x](data:text/html;base64,PHNjcmlwdD4=).
"#;

#[test]
fn hostile_text_is_escaped_in_html_feeds_and_sitemap() {
    let site = Fixture::new("basic");
    site.write("posts/2011-09-01-hostile.md", HOSTILE_POST);
    let out = site.build();
    assert!(out.status.success());
    let files = tree(&site.public());
    let mut xml = 0;
    for (path, bytes) in &files {
        // The theme's own search script is the one script allowed.
        let text = String::from_utf8_lossy(bytes).replace("<script src=\"/blog/search.js\" defer></script>", "");
        for raw in ["<script", "<img src=x", "<iframe", "onmouseover=\"alert", "tracker.example"] {
            assert!(!text.contains(raw), "{path} contains raw {raw}");
        }
        assert!(!text.contains("href=\"javascript:") && !text.contains("src=\"data:text"), "{path}: script URL");
        if path.ends_with(".xml") {
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path} is not well-formed XML: {e}"));
            xml += 1;
        }
        if path.ends_with(".html") {
            assert_balanced(path, &text);
        }
    }
    assert!(xml >= 3, "site feed, Thing feeds and sitemap checked");
    let page = site.page("posts/hostile/index.html");
    let title = "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;quotes&#39; &lt;/title&gt;";
    assert!(page.contains(&format!("<h1 class=\"post-title\">{title}</h1>")), "{page}");
    assert!(page.contains(&format!("<title>{title} · ")), "{page}");
    assert!(page.contains("<strong>bold</strong>"), "comment formatting survives sanitising");
    let feed = site.page("atom.xml");
    assert!(feed.contains(&format!("<title>{title}</title>")), "{feed}");
}

/// Every opened `<tag>` of the kinds the theme uses is closed: a cheap check that escaping
/// never let markup of the content change the page's structure.
fn assert_balanced(path: &str, html: &str) {
    for tag in ["article", "section", "header", "footer", "nav", "main", "ol", "ul", "li", "a", "p", "h1", "h2"] {
        let opened = html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count();
        let closed = html.matches(&format!("</{tag}>")).count();
        assert_eq!(opened, closed, "{path}: <{tag}> opened {opened} times, closed {closed}");
    }
}

#[test]
fn hostile_names_write_nothing_outside_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"), &site);
    let write = |name: &str, text: &str| std::fs::write(site.join("posts").join(name), text).unwrap();
    write(
        "2011-09-01-escape.md",
        "---\ntitle: \"../../../escape\"\ndate: 2011-09-01\ntags: [\"../../../outside\", \"..\\\\..\\\\evil\", \"/etc/passwd\", \"%2e%2e%2fx\", \"CON\", \"a/b/c\"]\nnetworks: [\"../../net\", \"/abs\"]\n---\nx\n",
    );
    write("....md", "---\ntitle: Dots\ndate: 2011-09-02\n---\nx\n");
    let before = outside(dir.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"))
        .args(["build", "--site"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(outside(dir.path()), before, "nothing changed outside site/public");
    for path in tree(&site.join("public")).keys() {
        assert!(path.split('/').all(|part| part != ".." && !part.is_empty()), "{path}");
    }
    let public = site.join("public");
    assert!(public.join("tags/outside/index.html").is_file());
    assert!(public.join("tags/etc-passwd/index.html").is_file());
    assert!(public.join("networks/net/index.html").is_file());
}

/// Every file under `root` except the output folder, with its bytes.
fn outside(root: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(root).into_iter().filter(|(path, _)| !path.starts_with("site/public/")).collect()
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte_and_untouched() {
    let site = Fixture::new("basic");
    site.build();
    let stamps = |root: &Path| -> BTreeMap<String, (Vec<u8>, SystemTime)> {
        walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let key = e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
                (key, (std::fs::read(e.path()).unwrap(), e.metadata().unwrap().modified().unwrap()))
            })
            .collect()
    };
    // Dated long ago, so a rewrite shows in the mtime even on a file system with coarse ones.
    common::age_files(&site.public());
    let before = stamps(&site.public());
    assert!(before.values().all(|(_, mtime)| *mtime == common::long_ago()), "mtimes could not be set");
    // Fails while rendering (after many pages were already rendered), not while loading.
    site.write(
        "templates/tag.html",
        "{% extends \"base.html\" %}{% block content %}{{ tag.no.such.thing }}{% endblock content %}",
    );
    site.write("posts/2011-09-03-new.md", "---\ntitle: New\ndate: 2011-09-03\n---\nNew post.\n");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stamps(&site.public()), before, "bytes and mtimes as they were");
    let names: Vec<String> =
        std::fs::read_dir(&site.site).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.contains("staging")), "no staging folder left: {names:?}");
}

#[test]
fn a_foreign_output_folder_is_refused_unless_forced() {
    let site = Fixture::new("basic");
    let docs = site.site.join("docs");
    std::fs::create_dir_all(docs.join(".git")).unwrap();
    std::fs::write(docs.join("thesis.tex"), "my thesis").unwrap();
    std::fs::write(docs.join(".git/HEAD"), "ref").unwrap();
    let out = site.run(&["build", "--output", docs.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("was not written by cpdblog") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(docs.join("thesis.tex")).unwrap(), "my thesis");

    let out = site.run(&["build", "--force", "--output", docs.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(docs.join("index.html").is_file() && docs.join(".cpdblog-output").is_file());
    assert!(!docs.join("thesis.tex").exists(), "--force replaces the folder's files");
    assert_eq!(std::fs::read_to_string(docs.join(".git/HEAD")).unwrap(), "ref", "dotfiles are kept");
}

#[test]
fn content_is_never_evaluated_as_a_template() {
    let site = Fixture::new("basic");
    site.write(
        "posts/2011-09-04-tera.md",
        "---\ntitle: \"{{ config }}\"\ndate: 2011-09-04\ntags: [\"{% raw %}\"]\n---\n{{ site.title }} {% include \"base.html\" %} {{ get_env(name=\"HOME\") }}\n",
    );
    site.build();
    let page = site.page("posts/tera/index.html");
    // As text, with typographic quotes like all post text, in the body and the description.
    assert!(page.contains("<p>{{ site.title }} {% include “base.html” %} {{ get_env(name=“HOME”) }}</p>"), "{page}");
    assert!(
        page.contains(
            "<meta name=\"description\" content=\"{{ site.title }} {% include “base.html” %} {{ get_env(name=“HOME”) }}\">"
        ),
        "{page}"
    );
    assert!(page.contains("<h1 class=\"post-title\">{{ config }}"), "{page}");
}

#[test]
fn builds_are_identical_from_any_folder_and_environment() {
    let site = Fixture::new("basic");
    // Two runs that differ in everything outside the site: working folder, how --site is
    // spelt, time zone (UTC against UTC+14, so any local-time rendering shifts a day) and locale.
    let run = |cwd: &Path, site_arg: &str, out: &Path, tz: &str, lang: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"))
            .current_dir(cwd)
            .args(["--quiet", "build", "--site", site_arg, "--output"])
            .arg(out)
            .env("TZ", tz)
            .env("LANG", lang)
            .env("LC_ALL", lang)
            .env_remove("LC_TIME")
            .output()
            .unwrap();
        assert!(out.status.success(), "TZ={tz} LANG={lang}: {}", stderr(&out));
    };
    let outs = tempfile::tempdir().unwrap();
    let (a, b) = (outs.path().join("a"), outs.path().join("b"));
    run(&site.site, ".", &a, "UTC", "C.UTF-8");
    run(site.site.parent().unwrap(), "site", &b, "Pacific/Kiritimati", "de_DE.UTF-8");
    let (a, b) = (tree(&a), tree(&b));
    assert!(a.len() > 50, "{} files", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between the two environments");
    }
}

#[test]
fn a_crash_is_a_friendly_message_and_exit_101() {
    let site = Fixture::new("basic");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"))
        .args(["build", "--site"])
        .arg(&site.site)
        .env("CPDBLOG_DEBUG_PANIC", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(101));
    let err = stderr(&out);
    assert!(err.contains("crashed") && err.contains("This is a bug in cpdblog, not in your site"), "{err}");
    assert!(err.contains("Please report it"), "{err}");
}

#[test]
fn yaml_bombs_huge_frontmatter_and_deep_nesting_fail_fast_with_their_place() {
    let site = Fixture::new("basic");
    let mut laughs = String::from(
        "---\ntitle: Lol\ndate: 2011-09-05\ntags: [&a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]",
    );
    for (name, previous) in
        ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        laughs.push_str(&format!(", &{name} [{}]", vec![format!("*{previous}"); 9].join(",")));
    }
    laughs.push_str("]\n---\nx\n");
    site.write("posts/laughs.md", &laughs);
    site.write(
        "posts/deep.md",
        &format!("---\ntitle: Deep\ndate: 2011-09-06\ntags: {}{}\n---\nx\n", "[".repeat(20_000), "]".repeat(20_000)),
    );
    site.write(
        "posts/huge.md",
        &format!("---\ntitle: Huge\ndate: 2011-09-07\nsummary: \"{}\"\n---\nx\n", "a".repeat(100_000)),
    );
    let out = common::output_within(site.command(&["check"]), RUNAWAY, "check of YAML bombs");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("posts/laughs.md:2:1: error: repetition limit exceeded"), "{err}");
    assert!(err.contains("posts/deep.md:4:134: error: recursion limit exceeded"), "{err}");
    assert!(
        err.contains("posts/huge.md:2:1: error: the frontmatter is 97 KiB; frontmatter is limited to 64 KiB"),
        "{err}"
    );
}

#[test]
fn pathological_markdown_renders_in_bounded_time_and_size() {
    let site = Fixture::new("basic");
    let cases = [
        "[".repeat(50_000),
        "*a **a ".repeat(7_000),
        "> ".repeat(10_000) + "deep",
        "- ".repeat(10_000) + "list",
        "[x](".repeat(10_000),
        "<a>".repeat(15_000),
        "`".repeat(50_000),
        "|a|\n|-|\n".to_string() + &"|x|\n".repeat(10_000),
    ];
    for (i, body) in cases.iter().enumerate() {
        site.write(
            &format!("posts/2011-10-{:02}-patho-{i}.md", i + 1),
            &format!("---\ntitle: P{i}\ndate: 2011-10-{:02}\n---\n{body}\n", i + 1),
        );
    }
    let out = common::output_within(site.command(&["build"]), RUNAWAY, "build of pathological Markdown");
    assert!(out.status.success(), "{}", stderr(&out));
    for i in 0..cases.len() {
        let size = std::fs::metadata(site.public().join(format!("posts/patho-{i}/index.html"))).unwrap().len();
        assert!(size < 2_000_000, "P{i}: output {size} bytes is not linear in the input");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_and_loops_are_errors_not_secrets_or_hangs() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.md");
    std::fs::write(&secret, "---\ntitle: Secret\ndate: 2011-01-01\n---\nTOP SECRET\n").unwrap();
    let site = dir.path().join("site");
    common::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"), &site);
    symlink(&secret, site.join("posts/leak.md")).unwrap();
    symlink(site.join("posts/loop.md"), site.join("posts/loop.md")).unwrap();
    symlink(&secret, site.join("static/leak.txt")).unwrap();
    std::fs::create_dir_all(site.join("themes/mine/templates")).unwrap();
    site_yaml_theme(&site, "mine");
    symlink(&secret, site.join("themes/mine/templates/post.html")).unwrap();
    let mut build = std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"));
    build.args(["build", "--site"]).arg(&site);
    let out = common::output_within(build, RUNAWAY, "build with a symlink loop");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("posts/leak.md: error: this symlink points outside the site"), "{err}");
    assert!(err.contains("posts/loop.md: error: cannot follow symlink"), "{err}");
    assert!(
        err.contains("themes/mine/templates/post.html: error: this symlink points outside the site, so it is not read"),
        "{err}"
    );
    assert!(!site.join("public").exists());
    std::fs::remove_file(site.join("posts/leak.md")).unwrap();
    std::fs::remove_file(site.join("posts/loop.md")).unwrap();
    std::fs::remove_file(site.join("themes/mine/templates/post.html")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"))
        .args(["build", "--site"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("static/leak.txt: error: this symlink points outside the site, so it is not published"),
        "{}",
        stderr(&out)
    );
    assert!(!site.join("public").exists());
}

fn site_yaml_theme(site: &Path, theme: &str) {
    let config = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    std::fs::write(site.join("site.yaml"), format!("{config}theme: {theme}\n")).unwrap();
}

#[test]
fn raw_html_in_posts_is_kept_or_shown_as_text_as_site_yaml_says() {
    let site = Fixture::new("basic");
    site.write("posts/2011-09-08-html.md", "---\ntitle: HTML\ndate: 2011-09-08\n---\nSome <mark>marked</mark> text.\n");
    site.build();
    assert!(site.page("posts/html/index.html").contains("<mark>marked</mark>"));
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}raw_html: false\n"));
    site.build();
    let page = site.page("posts/html/index.html");
    assert!(page.contains("&lt;mark&gt;marked&lt;/mark&gt;") && !page.contains("<mark>"), "{page}");
}
