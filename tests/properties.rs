//! Property tests: whatever text a post holds, loading it never panics, errors point inside
//! the file, slugs are plain URL segments, and comments never carry markup that runs.
//! Bounded (a few hundred cases each) so they fit in CI.

use std::path::Path;

use cpdblog::config::SiteConfig;
use cpdblog::content::frontmatter;
use cpdblog::content::{Post, PostContext};
use cpdblog::markdown::Markdown;
use cpdblog::programme::{NetworkRegistry, Programme};
use cpdblog::text::slugify;
use proptest::prelude::*;

fn context_parts() -> (Programme, NetworkRegistry) {
    let config = SiteConfig::parse("title: T\nbase_url: https://x.org/\n").unwrap();
    (Programme::from_config(&config), NetworkRegistry::from_config(&config).unwrap())
}

/// Text shaped like a post, with the pieces writers and importers get wrong.
fn post_like() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("title"),
        Just("date"),
        Just("thing"),
        Just("networks"),
        Just("tags"),
        Just("draft"),
        Just("slug"),
        Just("summary"),
        Just("comments"),
        Just("titel"),
        Just("- author"),
        Just("  body"),
    ];
    let value = prop_oneof![
        Just("\"Thing 6: Online networks\"".to_string()),
        Just("2011-07-18".to_string()),
        Just("2011-13-45".to_string()),
        Just("[6, 7]".to_string()),
        Just("[x, LinkedIn, \"CILIP Communities\"]".to_string()),
        Just("../../etc".to_string()),
        Just("\"unclosed".to_string()),
        Just("&a [*a]".to_string()),
        Just("\t- tab".to_string()),
        Just("{".to_string()),
        ".{0,20}",
    ];
    let line = (key, value).prop_map(|(k, v)| format!("{k}: {v}"));
    let open = prop_oneof![Just("---\n"), Just("\u{feff}---\r\n"), Just(""), Just("--- \n")];
    let close = prop_oneof![Just("---\n"), Just("...\n"), Just(""), Just("---")];
    (open, prop::collection::vec(line, 0..8), close, ".{0,200}").prop_map(|(open, lines, close, body)| {
        let newline = if open.contains('\r') { "\r\n" } else { "\n" };
        format!("{open}{}{newline}{close}{body}", lines.join(newline))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn splitting_never_panics_and_points_inside_the_file(text in "(---\\n)?(.|\\n){0,300}") {
        if let Err(e) = frontmatter::split(&text) {
            prop_assert!(e.line >= 1 && e.line <= text.lines().count() + 1, "line {} of {:?}", e.line, text);
        }
    }

    #[test]
    fn loading_any_post_never_panics_and_errors_point_inside_it(text in prop_oneof![post_like(), "(.|\\n){0,300}"]) {
        let (programme, networks) = context_parts();
        let context = PostContext { programme: &programme, networks: &networks, frameworks: &Default::default() };
        let source = Path::new("posts/x.md");
        match Post::read(source, &text, &context) {
            Ok((post, marks)) => {
                prop_assert!(!post.slug.is_empty());
                prop_assert!(post.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", post.slug);
                let base = cpdblog::config::BaseUrl::parse("https://x.org/blog/").unwrap();
                for warning in cpdblog::lint::post(&post, &text, &marks, &context, &base).warnings {
                    let lines = text.lines().count() + 1;
                    prop_assert!(warning.line.is_none_or(|line| line >= 1 && line <= lines), "{}", warning);
                }
            }
            Err(problems) => {
                prop_assert!(problems.has_errors());
                let lines = text.lines().count() + 1;
                for d in problems.iter() {
                    prop_assert_eq!(d.path.as_deref(), Some(source));
                    if let Some(line) = d.line {
                        prop_assert!(line >= 1 && line <= lines, "line {} of {} in {:?}: {}", line, lines, text, d);
                    }
                }
            }
        }
    }

    #[test]
    fn slugs_are_plain_url_segments(text in ".{0,60}") {
        let slug = slugify(&text);
        prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{:?} → {:?}", text, slug);
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{:?} → {:?}", text, slug);
    }

    #[test]
    fn comments_never_carry_active_markup(text in "(<script>|<img src=x onerror=alert(1)>|<a href=\"javascript:x\">|<iframe>|<style>|\\*\\*|\\[l\\]\\(javascript:y\\)|.){0,80}") {
        let html = Markdown::new("/").render_comment(&text).to_lowercase();
        for bad in ["<script", "<img", "<iframe", "<style"] {
            prop_assert!(!html.contains(bad), "{} in {:?} from {:?}", bad, html, text);
        }
        // Event handlers inside a real tag (escaped text such as `&lt;img onerror=` is inert).
        let active = regex::Regex::new(r#"<[a-z][^>]*(\son[a-z]+\s*=|href\s*=\s*"?\s*javascript:)"#).unwrap();
        prop_assert!(!active.is_match(&html), "event handler or script link in {:?} from {:?}", html, text);
    }
}
