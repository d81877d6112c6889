//! The live preview's incremental rebuilds give exactly what a clean build gives, through a
//! long sequence of edits, adds, renames, deletes, mistakes and fixes.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use common::{Fixture, tree};
use cpdblog::pipeline::{self, BuildOptions, Changed, Rebuilt, Session, Target};

struct Live {
    fixture: Fixture,
    output: PathBuf,
    session: Session,
    /// The warnings of the last good rebuild, as printed.
    warnings: Vec<String>,
    _out_dir: tempfile::TempDir,
}

impl Live {
    fn new() -> Self {
        let fixture = Fixture::new("basic");
        let out_dir = tempfile::tempdir().unwrap();
        let output = out_dir.path().join("preview");
        let session = Session::new(options(&fixture.site, &output), Target::Folder(output.clone()));
        let mut live = Self { fixture, output, session, warnings: Vec::new(), _out_dir: out_dir };
        let first = live.session.rebuild(&Changed::everything()).expect("first build");
        live.warnings = printed(&first.warnings);
        live.assert_same_as_clean_build("first build");
        live
    }

    fn site(&self) -> &Path {
        &self.fixture.site
    }

    /// Applies `edit` to the site, then rebuilds for the paths it reports touching.
    fn change(&mut self, touched: &[&str]) -> Result<Rebuilt, String> {
        let paths: Vec<PathBuf> = touched.iter().map(|p| self.site().join(p)).collect();
        let changed = Changed::classify(self.site(), &self.output, &paths);
        let rebuilt = self.session.rebuild(&changed).map_err(|e| e.to_string())?;
        self.warnings = printed(&rebuilt.warnings);
        Ok(rebuilt)
    }

    fn write(&self, path: &str, text: &str) {
        self.fixture.write(path, text);
    }

    fn assert_same_as_clean_build(&self, step: &str) {
        let clean_dir = tempfile::tempdir().unwrap();
        let clean = clean_dir.path().join("clean");
        let built = pipeline::build(&options(self.site(), &clean))
            .unwrap_or_else(|e| panic!("{step}: clean build failed: {e}"));
        assert_eq!(
            self.warnings,
            printed(&built.warnings),
            "{step}: the preview's warnings differ from a clean build's"
        );
        let (live, mut clean) = (tree(&self.output), tree(&clean));
        // The build keeps a cache for the next build; it is not part of the site.
        clean.remove(".cpdblog-cache");
        let only = |a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
            a.keys().filter(|k| !b.contains_key(*k)).cloned().collect()
        };
        assert!(only(&live, &clean).is_empty(), "{step}: stale files in the preview: {:?}", only(&live, &clean));
        assert!(only(&clean, &live).is_empty(), "{step}: files missing from the preview: {:?}", only(&clean, &live));
        for (path, bytes) in &clean {
            assert!(live[path] == *bytes, "{step}: {path} differs from a clean build");
        }
    }
}

/// Each warning as it is printed, in the order printed.
fn printed(warnings: &cpdblog::diagnostic::Diagnostics) -> Vec<String> {
    warnings.iter().map(ToString::to_string).collect()
}

/// Changes files of the site; returns the paths touched.
type Edit = Box<dyn Fn(&Live) -> Vec<&'static str>>;

fn options(site: &Path, output: &Path) -> BuildOptions {
    let mut options = BuildOptions::new(site);
    options.output = Some(output.to_path_buf());
    options.base_url = Some("http://127.0.0.1:1111/".into());
    options.now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    options
}

fn post(title: &str, date: &str, thing: u32, networks: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ndate: {date}\nthing: {thing}\nnetworks: [{networks}]\ntags: [cpd]\n---\n{body}\n")
}

#[test]
fn a_body_edit_renders_only_that_post() {
    let mut live = Live::new();
    let path = "posts/2011-07-18-online-networks.md";
    let text = std::fs::read_to_string(live.site().join(path)).unwrap();
    live.write(path, &format!("{text}\nA sentence added at the end.\n"));
    let rebuilt = live.change(&[path]).unwrap();
    assert!(!rebuilt.everything);
    // The post page and the feeds carrying its full text (site, Thing 6, 3 networks, 2 tags);
    // in the search index, the post's document, the word files of the six words new to it
    // ("a", "se"ntence, "ad"ded, "at", "th"e, "en"d) and the list of word files, which grew;
    // and the portfolio, which counts every reflection's words.
    assert_eq!(rebuilt.pages_rendered, 8 + 1 + 6 + 1 + 1, "only what depends on its last paragraph");
    assert_eq!(rebuilt.changes.written, 17);
    let page = std::fs::read_to_string(live.output.join("posts/online-networks/index.html")).unwrap();
    assert!(page.contains("A sentence added at the end."));
    live.assert_same_as_clean_build("body edit");

    // A title shows in lists: the post, the home page, its Thing, networks and tag pages and feeds.
    let text = std::fs::read_to_string(live.site().join(path)).unwrap();
    live.write(path, &text.replace("Thing 6: Online networks", "Thing 6: My networks"));
    let rebuilt = live.change(&[path]).unwrap();
    assert!(rebuilt.pages_rendered > 5 && rebuilt.pages_rendered < 30, "{}", rebuilt.pages_rendered);
    live.assert_same_as_clean_build("title edit");
}

#[test]
fn edits_adds_renames_deletes_and_mistakes_end_like_a_clean_build() {
    let mut live = Live::new();
    let steps: Vec<(&str, Edit, bool)> = vec![
        (
            "new post on a new Thing with a new network",
            Box::new(|l| {
                l.write("posts/2011-09-01-mastodon.md", &post("Thing 24", "2011-09-01", 24, "Mastodon", "Toot."));
                vec!["posts/2011-09-01-mastodon.md"]
            }),
            true,
        ),
        (
            "a post with warnings: a future date, an image without alt text, a link to nowhere",
            Box::new(|l| {
                let body = "![](/img/dot.svg) See [my plan](/posts/no-such-post/) and [blogging](/posts/blogging/).";
                l.write("posts/2030-01-01-someday.md", &post("Thing 3: later", "2030-01-01", 4, "Twitter", body));
                l.write("posts/2011-09-03-image.md", &post("Thing 9: images", "2011-09-03", 9, "", body));
                vec!["posts/2030-01-01-someday.md", "posts/2011-09-03-image.md"]
            }),
            true,
        ),
        (
            "a post moves to another Thing",
            Box::new(|l| {
                l.write("posts/2011-09-01-mastodon.md", &post("Thing 24", "2011-09-01", 5, "Mastodon", "Toot."));
                vec!["posts/2011-09-01-mastodon.md"]
            }),
            true,
        ),
        (
            "a post's date changes, so lists reorder",
            Box::new(|l| {
                l.write("posts/2011-09-01-mastodon.md", &post("Thing 24", "2010-01-01", 5, "Mastodon", "Toot."));
                vec!["posts/2011-09-01-mastodon.md"]
            }),
            true,
        ),
        (
            "rename a post file",
            Box::new(|l| {
                std::fs::rename(
                    l.site().join("posts/2011-09-01-mastodon.md"),
                    l.site().join("posts/2011-09-02-fediverse.md"),
                )
                .unwrap();
                vec!["posts/2011-09-01-mastodon.md", "posts/2011-09-02-fediverse.md"]
            }),
            true,
        ),
        (
            "broken frontmatter",
            Box::new(|l| {
                l.write("posts/2011-07-10-reflect.md", "---\ntitle: [unclosed\n---\nx\n");
                vec!["posts/2011-07-10-reflect.md"]
            }),
            false,
        ),
        (
            "another file saved while the first is still broken",
            Box::new(|l| {
                l.write("posts/2011-10-01-later.md", &post("Later", "2011-10-01", 7, "Twitter", "Later."));
                vec!["posts/2011-10-01-later.md"]
            }),
            false,
        ),
        (
            "the mistake fixed",
            Box::new(|l| {
                l.write("posts/2011-07-10-reflect.md", &post("Reflect again", "2011-07-10", 2, "LinkedIn", "Fixed."));
                vec!["posts/2011-07-10-reflect.md"]
            }),
            true,
        ),
        (
            "a duplicate slug",
            Box::new(|l| {
                l.write("posts/general/2011-10-01-later.md", &post("Later", "2011-10-02", 8, "", "Twin."));
                vec!["posts/general/2011-10-01-later.md"]
            }),
            false,
        ),
        (
            "the duplicate deleted",
            Box::new(|l| {
                std::fs::remove_file(l.site().join("posts/general/2011-10-01-later.md")).unwrap();
                vec!["posts/general/2011-10-01-later.md"]
            }),
            true,
        ),
        (
            "a whole folder of posts deleted",
            Box::new(|l| {
                std::fs::remove_dir_all(l.site().join("posts/general")).unwrap();
                vec!["posts/general"]
            }),
            true,
        ),
        (
            "the last tag of a term goes away",
            Box::new(|l| {
                std::fs::remove_file(l.site().join("posts/2011-09-02-fediverse.md")).unwrap();
                vec!["posts/2011-09-02-fediverse.md"]
            }),
            true,
        ),
        (
            "a static file added",
            Box::new(|l| {
                l.write("static/extra.css", "body { color: red }");
                vec!["static/extra.css"]
            }),
            true,
        ),
        (
            "a static file deleted",
            Box::new(|l| {
                std::fs::remove_file(l.site().join("static/img/dot.svg")).unwrap();
                vec!["static/img/dot.svg"]
            }),
            true,
        ),
        (
            "site.yaml changes the title and paging",
            Box::new(|l| {
                let config = std::fs::read_to_string(l.site().join("site.yaml")).unwrap();
                l.write(
                    "site.yaml",
                    &config.replace("Fixture & <Friends>", "Renamed").replace("paginate: 2", "paginate: 1"),
                );
                vec!["site.yaml"]
            }),
            true,
        ),
        (
            "a template override",
            Box::new(|l| {
                l.write(
                    "templates/404.html",
                    "{% extends \"base.html\" %}{% block content %}Gone{% endblock content %}",
                );
                vec!["templates/404.html"]
            }),
            true,
        ),
        (
            "a broken template",
            Box::new(|l| {
                l.write("templates/404.html", "{% if %}");
                vec!["templates/404.html"]
            }),
            false,
        ),
        (
            "a post edited while the template is broken",
            Box::new(|l| {
                l.write("posts/2011-10-01-later.md", &post("Later still", "2011-10-01", 7, "Twitter", "Later."));
                vec!["posts/2011-10-01-later.md"]
            }),
            false,
        ),
        (
            "the template removed",
            Box::new(|l| {
                std::fs::remove_file(l.site().join("templates/404.html")).unwrap();
                vec!["templates/404.html"]
            }),
            true,
        ),
        (
            "a post becomes a draft",
            Box::new(|l| {
                let path = "posts/2011-06-20-blogging.md";
                let text = std::fs::read_to_string(l.site().join(path)).unwrap();
                l.write(path, &text.replacen("---\n", "---\ndraft: true\n", 1));
                vec!["posts/2011-06-20-blogging.md"]
            }),
            true,
        ),
        (
            "a page added, in the menu, with an old address",
            Box::new(|l| {
                l.write("pages/about.md", "---\ntitle: About me\nmenu: 1\naliases: [/about-me/]\n---\nHello.\n");
                vec!["pages/about.md"]
            }),
            true,
        ),
        (
            "the page edited",
            Box::new(|l| {
                l.write("pages/about.md", "---\ntitle: About this blog\nmenu: 1\n---\nHello again.\n");
                vec!["pages/about.md"]
            }),
            true,
        ),
        (
            "the page deleted",
            Box::new(|l| {
                std::fs::remove_file(l.site().join("pages/about.md")).unwrap();
                vec!["pages/about.md"]
            }),
            true,
        ),
        (
            "the preview folder deleted, then a post saved",
            Box::new(|l| {
                std::fs::remove_dir_all(&l.output).unwrap();
                let path = "posts/2011-07-18-online-networks.md";
                let text = std::fs::read_to_string(l.site().join(path)).unwrap();
                l.write(path, &format!("{text}\nSaved after the preview folder went.\n"));
                vec!["posts/2011-07-18-online-networks.md"]
            }),
            true,
        ),
        (
            "editor noise only",
            Box::new(|l| {
                l.write("posts/.2011-06-20-blogging.md.swp", "swap");
                l.write("posts/4913", "");
                vec!["posts/.2011-06-20-blogging.md.swp", "posts/4913"]
            }),
            true,
        ),
    ];
    let mut last_good = tree(&live.output);
    for (step, edit, succeeds) in steps {
        let touched = edit(&live);
        let result = live.change(&touched);
        match (result, succeeds) {
            (Ok(_), true) => {
                live.assert_same_as_clean_build(step);
                if step.starts_with("a post with warnings") {
                    let all = live.warnings.join("\n");
                    for expected in [
                        "in the future",
                        "no alternative text",
                        "a page this site does not have",
                        "the title says Thing",
                    ] {
                        assert!(all.contains(expected), "{step}: no warning `{expected}` in:\n{all}");
                    }
                }
                last_good = tree(&live.output);
            }
            (Err(errors), false) => {
                assert!(tree(&live.output) == last_good, "{step}: a failed rebuild changed the output");
                assert!(errors.contains("error"), "{step}: {errors}");
            }
            (Ok(_), false) => panic!("{step}: should have failed"),
            (Err(errors), true) => panic!("{step}: failed: {errors}"),
        }
    }
}

#[test]
fn errors_name_every_broken_file_not_only_the_last_saved() {
    let mut live = Live::new();
    live.write("posts/a.md", "---\ntitle: A\ndate: nope\n---\n");
    live.change(&["posts/a.md"]).unwrap_err();
    live.write("posts/b.md", "---\ntitle: B\ndate: 2011-01-01\nthing: 99\n---\n");
    let errors = live.change(&["posts/b.md"]).unwrap_err();
    assert!(errors.contains("posts/a.md:3") && errors.contains("posts/b.md:4"), "{errors}");
}

#[test]
fn long_lists_can_wait_for_finish_and_then_match_a_clean_build() {
    let mut live = Live::new();
    live.session.defer_long_lists(true);
    let path = "posts/2011-07-18-online-networks.md";
    let text = std::fs::read_to_string(live.site().join(path)).unwrap();
    live.write(path, &text.replace("Thing 6: Online networks", "Thing 6: Networks, revisited"));
    let rebuilt = live.change(&[path]).unwrap();
    assert!(rebuilt.deferred >= 2, "the portfolio and the search index wait: {}", rebuilt.deferred);
    let post = std::fs::read_to_string(live.output.join("posts/online-networks/index.html")).unwrap();
    assert!(post.contains("Networks, revisited"), "the edited page is written first");
    let portfolio = std::fs::read_to_string(live.output.join("portfolio/index.html")).unwrap();
    assert!(!portfolio.contains("Networks, revisited"), "the portfolio is not written yet");

    let finished = live.session.finish().unwrap().expect("pages were waiting");
    assert!(finished.urls.contains(&"/portfolio/".to_string()), "{:?}", finished.urls);
    assert!(live.session.finish().unwrap().is_none(), "nothing left");
    live.assert_same_as_clean_build("after finish");
}
