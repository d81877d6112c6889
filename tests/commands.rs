//! `cpdblog new` and `cpdblog things`: what a writer types between reflections.

mod common;

use common::{Fixture, stderr};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Today's date by the local clock, as `new` names and dates posts.
fn today() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

#[test]
fn new_writes_a_post_named_after_its_thing_and_never_overwrites() {
    let site = Fixture::new("basic");
    // `new` dates the post today, by the local clock; a run that spans midnight may use either day.
    let before = today();
    let out = site.run(&["new", "--thing", "6", "--network", "linked in", "--draft"]);
    let after = today();
    assert!(out.status.success(), "{}", stderr(&out));
    let path = stdout(&out).trim().to_string();
    let day = [before, after]
        .into_iter()
        .find(|day| path.ends_with(&format!("posts/{day}-thing-6-online-networks.md")))
        .unwrap_or_else(|| panic!("{path} is not named after today's date"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("---\ntitle: 'Thing 6: Online networks'\n"), "{text}");
    assert!(text.contains(&format!("date: {day}\n")) && text.contains("thing: 6\n"), "{text}");
    assert!(text.contains("networks:\n- LinkedIn\n") && text.contains("draft: true\n"), "{text}");

    // The same again must not overwrite. It names its file after the day it runs, which may
    // be after midnight by now: a copy for that day too, so it meets an existing file either way.
    let posts = site.site.join("posts");
    let now = today();
    let next = chrono::NaiveDate::parse_from_str(&now, "%Y-%m-%d").unwrap().succ_opt().unwrap().to_string();
    let twins: Vec<_> = [now, next]
        .iter()
        .map(|day| posts.join(format!("{day}-thing-6-online-networks.md")))
        .filter(|twin| !twin.exists())
        .collect();
    for twin in &twins {
        std::fs::write(twin, &text).unwrap();
    }
    let before = common::tree(&posts);
    let again = site.run(&["new", "--thing", "6"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("-thing-6-online-networks.md already exists; it was left as it is"),
        "{}",
        stderr(&again)
    );
    assert_eq!(common::tree(&posts), before, "nothing overwritten");
    for twin in &twins {
        std::fs::remove_file(twin).unwrap();
    }
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
    let before = common::tree(&site.site);
    let out = site.run(&["new", "--thing", "31", "--network", "Linkdin"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: --thing 31 is not a Thing of the programme (1-24)"), "{err}");
    assert!(err.contains("did you mean `LinkedIn`?"), "{err}");
    let out = site.run(&["new"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("a new post needs a title"), "{}", stderr(&out));
    assert_eq!(common::tree(&site.site), before, "a refused `new` writes nothing");
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
    assert!(table.contains("4 of 23 Things reflected on (17%) in 23 Things for Professional Development."), "{table}");
    assert!(table.contains("Plus 1 general reflection."), "{table}");
    assert!(!table.contains('\u{1b}'), "no colour when not a terminal");
    let drafts = stdout(&site.run(&["things", "--drafts"]));
    assert!(drafts.contains("5 of 23 Things"), "the Thing 8 draft counts with --drafts: {drafts}");
}

#[test]
fn init_new_check_build_gives_a_complete_site_with_a_pages_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("blog");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"))
            .args(args)
            .current_dir(&site)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    std::fs::create_dir_all(site.join(".git")).unwrap();
    let out = run(&["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Your CPD blog is ready"), "{}", stderr(&out));
    for path in ["site.yaml", ".gitignore", "static/robots.txt", ".github/workflows/pages.yml"] {
        assert!(site.join(path).is_file(), "{path}");
    }
    let config = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    for key in [
        "title",
        "base_url",
        "author",
        "description",
        "language",
        "programme",
        "things",
        "networks",
        "comments",
        "paginate",
        "theme",
        "cname",
    ] {
        assert!(config.contains(&format!("{key}:")), "site.yaml explains `{key}`");
    }

    let workflow: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(site.join(".github/workflows/pages.yml")).unwrap()).unwrap();
    let text = serde_yaml::to_string(&workflow).unwrap();
    for action in ["actions/configure-pages@", "actions/upload-pages-artifact@", "actions/deploy-pages@"] {
        assert!(text.contains(action), "the workflow uses {action}");
    }
    assert!(text.contains("cargo install --locked"), "{text}");
    assert!(workflow["on"]["schedule"].is_sequence(), "runs daily so scheduled posts appear");
    assert_eq!(workflow["permissions"]["pages"].as_str(), Some("write"));

    let new = run(&["new", "--thing", "6"]);
    assert!(new.status.success(), "{}", stderr(&new));
    let checked = run(&["check", "--strict"]);
    assert!(checked.status.success(), "init's site passes check --strict: {}", stderr(&checked));
    let built = run(&["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let public = site.join("public");
    for path in [
        "index.html",
        "posts/thing-1-blogging/index.html",
        "posts/thing-6-online-networks/index.html",
        "things/index.html",
        "things/6/index.html",
        "portfolio/index.html",
        "search/index.html",
        "search/meta.json",
        "search/words/th.json",
        "search/docs/0.json",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        "robots.txt",
    ] {
        assert!(public.join(path).is_file(), "{path}");
    }

    let again = run(&["init"]);
    assert_eq!(again.status.code(), Some(1), "a non-empty folder is refused");
    assert!(stderr(&again).contains("it is not empty") && stderr(&again).contains("--force"));
}

#[test]
fn scheduled_posts_wait_for_their_day_unless_future() {
    let site = Fixture::new("basic");
    site.write("posts/2099-01-01-later.md", "---\ntitle: Later\ndate: 2099-01-01\n---\nSoon.\n");
    site.build();
    assert!(!site.public().join("posts/later").exists());
    let out = site.run(&["build", "--future"]);
    assert!(out.status.success());
    assert!(site.page("posts/later/index.html").contains("badge-scheduled\">Scheduled"));
}

#[test]
fn base_url_comes_from_the_environment_for_ci() {
    let site = Fixture::new("basic");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"))
        .args(["build", "--site"])
        .arg(&site.site)
        .env("CPDBLOG_BASE_URL", "https://someone.github.io/cpd/")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.page("index.html").contains("href=\"/cpd/things/\""));
    assert!(site.page("atom.xml").contains("https://someone.github.io/cpd/posts/"));
}

#[test]
fn init_with_github_says_how_to_publish_and_refuses_what_is_not_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let init = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cpdblog"))
            .arg("init")
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let wrong = init(&["wrong", "--github", "alex"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stderr(&wrong).contains("`alex` is not a GitHub repository"), "{}", stderr(&wrong));
    assert!(stderr(&wrong).contains("--github alex/cpd-blog"), "{}", stderr(&wrong));
    assert!(!dir.path().join("wrong").exists(), "nothing written");

    let out = init(&["blog", "--github", "https://github.com/Alex/cpd"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("git remote add origin https://github.com/Alex/cpd.git"), "{said}");
    assert!(said.contains("The blog appears at https://alex.github.io/cpd/"), "{said}");
    let config = std::fs::read_to_string(dir.path().join("blog/site.yaml")).unwrap();
    assert!(config.contains("base_url: \"https://alex.github.io/cpd/\""), "{config}");
}
