//! `cpdblog import` from real-format WordPress and Blogger exports, then `build`: the posts,
//! their Things, networks, tags, drafts and threaded comments on the pages, nothing hostile.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Fixture, stderr, tree};

fn export(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

fn import(site: &Fixture, kind: &str, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", kind, file.to_str().unwrap()];
    args.extend_from_slice(extra);
    site.run(&args)
}

fn assert_inert(site: &Fixture) {
    for (path, bytes) in tree(&site.public()) {
        // The theme's own search script is the one script allowed.
        let text = String::from_utf8_lossy(&bytes).replace("<script src=\"/blog/search.js\" defer></script>", "");
        for bad in ["<script", "javascript:", "tracker.example", "<iframe", "onerror", "evil.example"] {
            assert!(!text.contains(bad), "{path} contains {bad}");
        }
    }
    for (path, bytes) in tree(&site.site.join("posts/2011")) {
        let text = String::from_utf8_lossy(&bytes);
        for bad in ["<script", "javascript:", "tracker.example", "<iframe"] {
            assert!(!text.contains(bad), "posts/{path} contains {bad}");
        }
    }
}

#[test]
fn wordpress_posts_comments_things_and_networks_arrive_and_build() {
    let site = Fixture::new("basic");
    let out = import(&site, "wordpress", &export("wordpress.xml"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Imported 3 posts (1 as drafts) and 1 page with 3 comments into"), "{err}");
    assert!(err.contains("Left out what is not a post: 1 attachment"), "{err}");
    assert!(err.contains("Dropped comments: 1 pingback, 1 spam, 1 unapproved"), "{err}");
    // The About page is a page of the new site, in its menu, with its old address kept.
    let about = std::fs::read_to_string(site.site.join("pages/about.md")).unwrap();
    assert!(about.starts_with("---\ntitle: About me\nmenu: 0\n---\nI am a librarian."), "{about}");
    assert!(err.contains("wordpress.xml:159: attachment \"map\""), "{err}");

    let post = std::fs::read_to_string(site.site.join("posts/2011/2011-07-18-thing-6-online-networks.md")).unwrap();
    assert!(post.contains("date: 2011-07-18T21:15:00+01:00"), "the time and its offset are kept:\n{post}");
    assert!(post.contains("thing: 6\n"), "{post}");
    assert!(post.contains("aliases:\n- https://alexcpd.wordpress.com/2011/07/18/thing-6-online-networks/"), "{post}");
    assert!(post.contains("![My network map](https://alexcpd.files.wordpress.com/2011/07/map.png)"), "{post}");
    assert!(post.contains("Café conversations ☕ count too 🎉"), "{post}");
    let two = std::fs::read_to_string(site.site.join("posts/2011/2011-07-25-things-7-8.md")).unwrap();
    assert!(two.contains("thing:\n- 7\n- 8\n"), "{two}");
    assert!(two.contains("## Calendars"), "{two}");
    let draft = std::fs::read_to_string(site.site.join("posts/2011/2011-09-14-advocacy-notes.md")).unwrap();
    assert!(draft.contains("draft: true") && draft.contains("thing: 16"), "Thing from the category:\n{draft}");

    let built = site.run(&["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(site.page("about/index.html").contains("I am a librarian."), "the imported page is built at its slug");
    assert!(site.page("index.html").contains("<a href=\"/blog/about/\">About me</a>"), "and is in the menu");
    let page = site.page("posts/thing-6-online-networks/index.html");
    assert!(page.contains("Thing 6: Online networks – LinkedIn &amp; friends"), "{page}");
    for network in ["linkedin", "lisnpn", "twitter", "facebook"] {
        assert!(page.contains(&format!("/blog/networks/{network}/")), "{network} in {page}");
    }
    assert!(page.contains("/blog/tags/networking/") && page.contains("/blog/tags/cpd23/"), "{page}");
    assert!(page.contains("3 comments"), "Helen, Alex's reply and Mallory's: {page}");
    assert!(page.contains("Thanks, Helen! See you at the meet-up."), "{page}");
    let helen = page.find("Great post!").unwrap();
    let reply = page.find("Thanks, Helen!").unwrap();
    assert!(helen < reply && page[helen..reply].contains("<ol"), "the reply is threaded under Helen");
    assert!(!page.contains("Buy now") && !page.contains("Still in moderation") && !page.contains("as Alex said"));
    assert!(site.page("things/7/index.html").contains("Things 7 &amp; 8"), "on both Things");
    assert!(site.page("things/8/index.html").contains("Things 7 &amp; 8"));
    assert!(!site.public().join("posts/advocacy-notes").exists(), "a draft is built only with --drafts");
    assert_inert(&site);
}

#[test]
fn blogger_classic_and_new_exports_arrive_and_build() {
    let site = Fixture::new("basic");
    let out = import(&site, "blogger", &export("blogger.xml"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Imported 2 posts (1 as drafts) with 3 comments"), "{err}");
    assert!(err.contains("Left out what is not a post: 1 settings, 1 template"), "{err}");
    let out = import(&site, "blogger", &export("blogger-new.xml"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Imported 2 posts (1 as drafts) and 1 page with 1 comment"), "{err}");
    assert!(err.contains("Dropped comments: 1 spam"), "{err}");
    let about = std::fs::read_to_string(site.site.join("pages/about.md")).unwrap();
    assert!(about.starts_with("---\ntitle: About\nmenu: 0\n---\nAbout Kim"), "a Blogger page is a page:\n{about}");

    let post = std::fs::read_to_string(site.site.join("posts/2011/2011-06-20-exploring-other-blogs.md")).unwrap();
    assert!(post.contains("thing: 2\n") && post.contains("- Twitter"), "Thing from the `Thing 2` label:\n{post}");
    assert!(post.contains("date: 2011-06-20T19:30:00+01:00"), "{post}");
    assert!(post.contains("Ça va? 😀") && post.contains("> Reading is the start of conversation."), "{post}");

    let built = site.run(&["build", "--drafts"]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(site.page("about/index.html").contains("About Kim"));
    let page = site.page("posts/exploring-other-blogs/index.html");
    assert!(page.contains("3 comments"), "{page}");
    let jo = page.find("Your blog is").unwrap();
    let reply = page.find("Thanks Jo!").unwrap();
    assert!(jo < reply && page[jo..reply].contains("<ol"), "Sam's reply is threaded under Jo's comment");
    assert!(page.contains("href=\"http://jo.example.org/\""), "{page}");
    let kim = site.page("posts/thing-12-twitter/index.html");
    assert!(kim.contains("Welcome to Twitter!") && kim.contains("/blog/networks/mastodon/"), "{kim}");
    assert!(site.public().join("posts/thing-9-evernote/index.html").is_file(), "drafts built with --drafts");
    assert_inert(&site);
}

#[test]
fn existing_posts_are_never_overwritten_without_force_and_reimport_is_idempotent() {
    let site = Fixture::new("basic");
    assert!(import(&site, "wordpress", &export("wordpress.xml"), &[]).status.success());
    let path = site.site.join("posts/2011/2011-07-18-thing-6-online-networks.md");
    std::fs::write(&path, std::fs::read_to_string(&path).unwrap().replace("odd at first", "odd at first (edited)"))
        .unwrap();
    let before = tree(&site.site.join("posts"));
    let again = import(&site, "wordpress", &export("wordpress.xml"), &[]);
    assert!(again.status.success());
    let err = stderr(&again);
    assert!(
        err.contains(
            "skipped posts/2011/2011-07-18-thing-6-online-networks.md: it already exists (use --force to replace it)"
        ),
        "{err}"
    );
    assert!(err.contains("Imported 0 posts") && err.contains("Skipped 4 files that already exist"), "{err}");
    assert_eq!(tree(&site.site.join("posts")), before, "nothing changed");
    let forced = import(&site, "wordpress", &export("wordpress.xml"), &["--force"]);
    assert!(forced.status.success());
    assert!(!std::fs::read_to_string(&path).unwrap().contains("(edited)"));
}

#[test]
fn a_malformed_export_names_its_line_and_writes_nothing() {
    let site = Fixture::new("basic");
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read_to_string(export("wordpress.xml")).unwrap();
    let cut = &full[..full.find("<title>Advocacy notes</title>").unwrap()];
    let truncated = dir.path().join("truncated.xml");
    std::fs::write(&truncated, format!("{cut}<title>Broken</wp:status>")).unwrap();
    let before = tree(&site.site);
    let out = import(&site, "wordpress", &truncated, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let line = cut.lines().count();
    assert!(err.contains(&format!("truncated.xml:{line}:1: error:")), "line {line}: {err}");
    assert!(err.contains("Nothing was written") && err.contains("Import failed"), "{err}");
    assert_eq!(tree(&site.site), before, "no post written, no staging folder left");

    let wrong = dir.path().join("blogger-as-wordpress.xml");
    std::fs::copy(export("blogger.xml"), &wrong).unwrap();
    let out = import(&site, "wordpress", &wrong, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("this is not a WordPress export"), "{}", stderr(&out));
}

/// A generated WordPress export of `n` posts, each with a comment.
fn generated_export(path: &Path, n: usize) {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><title>Big</title>").unwrap();
    for i in 0..n {
        let day = 1 + i % 28;
        writeln!(
            file,
            "<item><title>Thing {thing}: reflection {i}</title><link>https://big.example/{i}/</link>\
             <content:encoded><![CDATA[<p>Reflection {i} on LinkedIn and Twitter. {filler}</p>]]></content:encoded>\
             <wp:post_date>2012-01-{day:02} 10:00:00</wp:post_date><wp:post_date_gmt>2012-01-{day:02} 10:00:00</wp:post_date_gmt>\
             <wp:post_name>reflection-{i}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\
             <wp:comment><wp:comment_id>{i}</wp:comment_id><wp:comment_author>Peer</wp:comment_author>\
             <wp:comment_content>Nice one.</wp:comment_content><wp:comment_approved>1</wp:comment_approved>\
             <wp:comment_parent>0</wp:comment_parent></wp:comment></item>",
            thing = 1 + i % 23,
            filler = "Some words of reflection. ".repeat(20),
        )
        .unwrap();
    }
    writeln!(file, "</channel></rss>").unwrap();
}

/// Runs an import of `n` generated posts and returns its peak resident memory in KiB, read
/// from /proc while it runs.
#[cfg(target_os = "linux")]
fn import_peak_kib(n: usize) -> u64 {
    let site = Fixture::new("basic");
    let file = site.site.parent().unwrap().join("big.xml");
    generated_export(&file, n);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"))
        .args(["--quiet", "import", "wordpress"])
        .arg(&file)
        .arg("--site")
        .arg(&site.site)
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(kib) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(std::fs::read_dir(site.site.join("posts/2012")).unwrap().count(), n);
    // Without a single sample the comparison below would hold of two zeros.
    assert!(peak > 0, "the import of {n} posts ended before its memory could be read");
    peak
}

#[cfg(target_os = "linux")]
#[test]
fn a_big_export_imports_in_memory_that_does_not_grow_with_the_file() {
    let small = import_peak_kib(2_000);
    let big = import_peak_kib(20_000);
    eprintln!("peak resident memory: 2,000 posts {} KiB, 20,000 posts {} KiB", small, big);
    assert!(big < small * 3 / 2 + 8 * 1024, "20,000 posts: {big} KiB against {small} KiB for 2,000");
}

#[test]
fn undated_drafts_and_addresses_the_new_site_uses_do_not_stop_an_import() {
    let item = |title: &str, link: &str, date: &str, kind: &str| {
        format!(
            "<item><title>{title}</title><link>{link}</link><wp:post_type>{kind}</wp:post_type>\
             <wp:status>draft</wp:status><wp:post_date>{date}</wp:post_date>\
             <wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt><wp:post_name></wp:post_name>\
             <content:encoded><![CDATA[Text of {title}.]]></content:encoded></item>\n"
        )
    };
    let export = format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><title>Old</title>\n{}{}{}{}</channel></rss>\n",
        item("Never dated", "https://old.example.org/?p=1", "0000-00-00 00:00:00", "post"),
        item("Tags", "https://old.example.org/tags/", "2024-02-06 10:00:00", "post"),
        item("Site", "https://old.example.org/site/", "2024-06-05 10:00:00", "post"),
        item("Site page", "https://old.example.org/site/", "2024-06-05 10:00:00", "page"),
    );
    let site = Fixture::new("basic");
    let file = site.site.join("../old.xml");
    std::fs::write(&file, export).unwrap();
    let out = import(&site, "wordpress", &file, &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("Note: 1 post without a date imported as drafts dated today."), "{err}");
    assert!(err.contains("Note: 2 old addresses not kept"), "/tags/ is ours; /site/ went to the first: {err}");
    let built = site.run(&["build", "--drafts"]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(site.page("site/index.html").contains("url=/blog/posts/site/"), "the old address goes to the post");
    assert!(site.page("site-page/index.html").contains("Text of Site page."));
}
