//! A portfolio that is CPD evidence: hours per year against a target, the activities, the
//! evidence matrix of site.yaml's frameworks with its gaps, and what cpdblog says about
//! mistakes in them (snapshots).

mod common;

use common::{Fixture, stderr};

/// The messages of `cpdblog check` on the cpd fixture with `post` added.
fn check_with(post: &str) -> String {
    let site = Fixture::new("cpd");
    site.write("posts/2012-05-01-mine.md", post);
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    stderr(&out)
}

/// The text of `html` from `start` to the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start} in\n{html}"));
    let rest = &html[from..];
    &rest[..rest.find(end).map_or(rest.len(), |i| i + end.len())]
}

#[test]
fn hours_are_counted_per_year_against_the_target() {
    let site = Fixture::new("cpd");
    site.build();
    let portfolio = site.page("portfolio/index.html");
    let hours = between(&portfolio, "<section class=\"portfolio-hours\"", "</section>");
    assert!(hours.contains("<strong>5.5 hours</strong> of CPD in all, against a target of 5 hours a year."), "{hours}");
    // The conference of 30 December 2011, written up in 2012, counts in 2011: 1.5 + 3.25.
    assert!(
        hours.contains("<tr><th scope=\"row\">2011</th><td>2</td><td>4.75</td><td><span class=\"target-short\">0.25 short</span></td></tr>"),
        "{hours}"
    );
    assert!(hours.contains("<tr><th scope=\"row\">2012</th><td>1</td><td>0.75</td>"), "{hours}");
    assert!(hours.contains("<tfoot><tr><th scope=\"row\">Total</th><td>3</td><td>5.5</td>"), "{hours}");
    assert!(
        hours.contains("<tr><td><time datetime=\"2011-12-30\">30 December 2011</time></td><td>Regional conference</td><td>3.25</td><td><a href=\"/blog/posts/conference/\">A conference, written up later</a></td></tr>"),
        "{hours}"
    );
    assert!(hours.contains("<td>Set up a &lt;blog&gt;</td>"), "activity text is escaped: {hours}");
    let before_networks = portfolio.find("portfolio-hours").unwrap() < portfolio.find("portfolio-thing").unwrap();
    assert!(before_networks, "hours come right after the introduction");

    site.write(
        "site.yaml",
        &std::fs::read_to_string(site.site.join("site.yaml")).unwrap().replace("target_hours: 5", "target_hours: 4.5"),
    );
    site.build();
    let portfolio = site.page("portfolio/index.html");
    assert!(portfolio.contains("<td>4.75</td><td><span class=\"target-met\">Met</span></td>"), "{portfolio}");
}

#[test]
fn things_prints_the_hours_too() {
    let site = Fixture::new("cpd");
    let out = site.run(&["things"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    let hours = &table[table.find("CPD hours").expect("an hours section")..];
    assert_eq!(
        hours,
        "CPD hours (target: 5 a year)\n  2011     4.75  2 activities, 0.25 short\n  2012     0.75  1 activity, 4.25 short\n Total      5.5  3 activities\n"
    );
}

#[test]
fn bad_hours_are_errors_at_their_line() {
    let report = check_with(
        "---\ntitle: Courses\ndate: 2012-05-01\ncpd:\n  hours: 500\n  activty: Course\n  date: 2012-02-30\n---\nText.\n",
    );
    insta::assert_snapshot!(report);
    for (hours, message) in [
        ("-1.5", "4:14: error: cpd hours must be more than 0, not -1.5"),
        ("0", "4:14: error: cpd hours must be more than 0, not 0"),
        ("two", "4:14: error: cpd hours `two` is not a number"),
        ("\"1,5\"", "4:14: error: cpd hours `1,5` is not a number"),
    ] {
        let report = check_with(&format!("---\ntitle: T\ndate: 2012-05-01\ncpd: {{hours: {hours}}}\n---\nText.\n"));
        assert!(report.contains(message), "{hours}: {report}");
    }
}

#[test]
fn an_unknown_evidence_code_names_the_closest() {
    let report = check_with("---\ntitle: T\ndate: 2012-05-01\nevidence: [LIT.1, NTE]\n---\nText.\n");
    insta::assert_snapshot!(report);
}

#[test]
fn the_portfolio_shows_the_evidence_matrix_and_its_gaps() {
    let site = Fixture::new("cpd");
    site.build();
    let portfolio = site.page("portfolio/index.html");
    let skills = between(&portfolio, "<section class=\"portfolio-evidence\"", "</table>");
    assert!(
        skills.contains("<h2 id=\"framework-skills-framework\">Evidence: Skills &lt;Framework&gt;</h2>"),
        "{skills}"
    );
    assert!(skills.contains("2 reflections give evidence for 2 of 3 areas; 1 area has no evidence yet."), "{skills}");
    assert!(
        skills.contains(
            "<th scope=\"col\"><a href=\"#evidence-lit\" title=\"Information literacy &amp; teaching\">LIT</a></th>"
        ),
        "{skills}"
    );
    // A mark is text: ✓ for the area, the criterion's code for a criterion.
    assert!(
        skills.contains("<tr><th scope=\"row\"><a href=\"/blog/posts/blogging/\">Thing 1: Blogging</a></th><td>LIT.1</td><td>✓</td><td><span class=\"visually-hidden\">none</span></td></tr>"),
        "{skills}"
    );
    assert!(skills.contains("<td>✓ LIT.2</td>"), "{skills}");
    let gap = between(&portfolio, "<section class=\"evidence-area is-gap\"", "</section>");
    assert!(gap.contains("LEAD: Leadership</h3>") && gap.contains("No evidence yet."), "{gap}");
    let net = between(&portfolio, "<h3 id=\"evidence-net\">", "</section>");
    assert!(net.contains("<li><a href=\"/blog/posts/blogging/\">Thing 1: Blogging</a> <span class=\"evidence-codes\">(NET)</span></li>"), "{net}");
    assert!(portfolio.contains("<h2 id=\"framework-employer-competencies\">Evidence: Employer competencies</h2>"));
}

#[test]
fn framework_mistakes_in_site_yaml_are_errors_at_their_place() {
    let site = Fixture::new("cpd");
    let yaml = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &yaml
            .replace("code: LEAD", "code: NET")
            .replace("target_hours: 5", "target_hours: -5")
            .replace("title: Communication", "titel: Communication"),
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out));
    site.write("site.yaml", &yaml.replace("code: LEAD", "code: NET").replace("target_hours: 5", "target_hours: -5"));
    insta::assert_snapshot!("two_mistakes", stderr(&site.run(&["check"])));
}
