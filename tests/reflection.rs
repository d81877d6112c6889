//! Reflective writing: `new --model` writes a model's headings with guidance the site never
//! shows; `check` points out a section left empty or still holding its prompt, and actions
//! left open for months; the portfolio gathers every action point into an action plan.

mod common;

use chrono::TimeZone;
use common::{Fixture, stderr};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fixture site whose only posts are `posts` (file name, text).
fn site_with(posts: &[(&str, &str)]) -> Fixture {
    let site = Fixture::new("basic");
    std::fs::remove_dir_all(site.site.join("posts")).unwrap();
    for (name, text) in posts {
        site.write(&format!("posts/{name}"), text);
    }
    site
}

/// `cpdblog new --model NAME`'s file, its date (today's) written as DATE.
fn new_post(site: &Fixture, args: &[&str]) -> String {
    let out = site.run(args);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = stdout(&out).trim().to_string();
    let text = std::fs::read_to_string(&path).unwrap();
    let date = text.lines().find_map(|l| l.strip_prefix("date: ")).unwrap().to_string();
    assert!(path.ends_with(&format!("posts/{date}-a-teachmeet.md")), "{path}");
    text.replace(&date, "DATE")
}

#[test]
fn new_writes_each_model_whose_guidance_the_site_never_shows() {
    for model in ["rolfe", "gibbs", "kolb", "driscoll"] {
        for raw_html in [true, false] {
            let site = site_with(&[]);
            if !raw_html {
                let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
                site.write("site.yaml", &format!("{config}raw_html: false\n"));
            }
            let text = new_post(&site, &["new", "A teachmeet", "--model", model]);
            if raw_html {
                insta::assert_snapshot!(format!("new_{model}"), text);
            }
            assert!(text.contains(&format!("\nmodel: {model}\n")), "{text}");
            let built = site.run(&["build", "--future"]);
            assert!(built.status.success(), "{}", stderr(&built));
            let guidance: Vec<String> = text
                .lines()
                .filter_map(|l| l.strip_prefix("<!-- ").and_then(|l| l.strip_suffix(" -->")))
                .map(|l| l.split(['?', ':']).next().unwrap().to_string())
                .collect();
            assert!(guidance.len() >= 3, "{text}");
            for (path, page) in common::tree(&site.public()) {
                let page = String::from_utf8_lossy(&page);
                for line in &guidance {
                    assert!(!page.contains(line.as_str()), "{model}: {path} shows the guidance {line:?}");
                }
                assert!(!page.contains("&lt;!--") && !page.contains("<!-- "), "{model}: {path} holds a comment");
            }
            let post = site.page("posts/a-teachmeet/index.html");
            let last = text.lines().filter_map(|l| l.strip_prefix("## ")).next_back().unwrap();
            assert!(post.contains(&format!(">{last}</h2>")), "{model}: the headings are shown");
        }
    }
}

#[test]
fn reflection_model_in_site_yaml_is_the_default_and_unknown_models_are_named() {
    let site = site_with(&[]);
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}reflection_model: kolb\n"));
    let text = new_post(&site, &["new", "A teachmeet"]);
    assert!(text.contains("model: kolb\n") && text.contains("## Experimentation\n"), "{text}");
    let plain = site.run(&["new", "Plain", "--model", "none"]);
    let plain = std::fs::read_to_string(stdout(&plain).trim()).unwrap();
    assert!(!plain.contains("model:") && !plain.contains("## "), "{plain}");

    let before = common::tree(&site.site);
    let out = site.run(&["new", "Another", "--model", "gibs"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("unknown_model_cli", stderr(&out));
    assert_eq!(common::tree(&site.site), before, "a refused `new` writes nothing");

    site.write("site.yaml", &format!("{config}reflection_model: Driscol\n"));
    let out = site.run(&["check"]);
    assert!(stderr(&out).contains("did you mean `driscoll`?"), "{}", stderr(&out));

    let site = site_with(&[("2026-11-20-mine.md", "---\ntitle: Mine\ndate: 2026-11-20\nmodel: rolf\n---\nText.\n")]);
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("unknown_model_frontmatter", stderr(&out));
}

const EMPTY_NOW_WHAT: &str = "---\ntitle: A webinar\ndate: 2026-11-20\nmodel: rolfe\n---\n## What?\n\nA webinar on open access.\n\n## So what?\n\n<!-- So what does it mean? -->\nI learned how little I knew.\n\n### Why it matters\n\nFunders ask for it.\n\n## Now what?\n\n<!-- Now what will you do differently? -->\n\n# Notes\n\nSlides are online.\n";

#[test]
fn an_empty_section_is_pointed_out_at_its_heading() {
    let site = site_with(&[("2026-11-20-webinar.md", EMPTY_NOW_WHAT)]);
    let out = site.run(&["check"]);
    assert!(out.status.success(), "warnings do not fail check: {}", stderr(&out));
    insta::assert_snapshot!(stderr(&out));
    // build and serve run the same checks: build says the same.
    let built = site.run(&["build", "--future"]);
    assert!(stderr(&built).contains("posts/2026-11-20-webinar.md:19:1: warning: the “Now what?” section is empty"));
}

#[test]
fn a_prompt_left_in_and_a_missing_section_are_pointed_out() {
    let post = "---\ntitle: A course\ndate: 2026-11-20\nmodel: gibbs\n---\n## Description\n\nA course.\n\n## Feelings\n\nWhat were you thinking and feeling at the time, and afterwards?\n\n## Evaluation\n\nGood.\n\n## Analysis\n\nWell run.\n\n## Conclusion\n\nWorth it.\n";
    let site = site_with(&[("2026-11-20-course.md", post)]);
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert!(
        err.contains("posts/2026-11-20-course.md:10:1: warning: the “Feelings” section still holds its prompt"),
        "{err}"
    );
    assert!(
        err.contains(
            "posts/2026-11-20-course.md:4:8: warning: this post follows `model: gibbs` but has no “Action plan” section"
        ),
        "{err}"
    );
    assert_eq!(err.matches("warning:").count(), 2, "{err}");
}

fn actions_site() -> Fixture {
    site_with(&[
        (
            "2011-07-18-networks.md",
            "---\ntitle: \"Thing 6: Online <networks>\"\ndate: 2011-07-18\nthing: 6\nnetworks: [LISNPN]\nmodel: driscoll\n---\n## What?\n\nI joined LISNPN.\n\n## So what?\n\nPeople answer.\n\n## Now what?\n\n- [ ] Post a question on *LISNPN* & see\n- [x] Update my profile\n",
        ),
        (
            "2012-06-20-one-year-on.md",
            "---\ntitle: One year on\ndate: 2012-06-20\n---\nA year on.\n\n## Next steps\n\n- [ ] Submit my portfolio\n- [x] Find a mentor\n\n## Elsewhere\n\n- [ ] not an action\n",
        ),
    ])
}

#[test]
fn the_portfolio_holds_the_action_plan_open_first_each_linking_to_its_heading() {
    let site = actions_site();
    site.build();
    let portfolio = site.page("portfolio/index.html");
    let plan = &portfolio[portfolio.find("<h2 id=\"action-plan\">Action plan</h2>").expect("an Action plan section")..];
    let open = plan.find("<h3>Open</h3>").unwrap();
    let done = plan.find("<h3>Done</h3>").unwrap();
    let at = |text: &str| plan.find(text).unwrap_or_else(|| panic!("{text} missing in {plan}"));
    assert!(open < at("Post a question on LISNPN &amp; see") && at("Submit my portfolio") < done);
    assert!(at("Post a question") < at("Submit my portfolio"), "oldest first");
    assert!(done < at("Update my profile") && at("Update my profile") < at("Find a mentor"));
    assert!(!plan.contains("not an action"));
    assert!(plan.contains("Thing 6: Online &lt;networks&gt;"), "escaped: {plan}");
    let targets: Vec<(String, String)> = regex::Regex::new(r##"<a href="/blog/(posts/[^"#]+/)#([^"]+)">"##)
        .unwrap()
        .captures_iter(plan)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect();
    assert_eq!(targets.len(), 4, "{plan}");
    for (page, id) in targets {
        let post = site.page(&format!("{page}index.html"));
        assert!(post.contains(&format!(" id=\"{id}\"")), "{page} has no heading #{id}");
    }
}

#[test]
fn an_open_action_left_for_months_is_pointed_out_at_its_line() {
    let site = actions_site();
    let mut options = cpdblog::pipeline::BuildOptions::new(&site.site);
    options.now = chrono::Utc.with_ymd_and_hms(2012, 9, 20, 0, 0, 0).unwrap();
    let report = cpdblog::pipeline::check(&options).unwrap();
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(warnings.join("\n\n"));

    // Closer to the post than `stale_after_months`: nothing to say.
    let config = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}actions: {{stale_after_months: 15}}\n"));
    let report = cpdblog::pipeline::check(&options).unwrap();
    assert!(report.warnings.is_empty(), "{}", report.warnings);
}
