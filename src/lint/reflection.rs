//! Warnings about reflective writing. A post that declares a `model:` should answer each of
//! its questions: a section left empty (only its guidance comment, or nothing, before the
//! next heading of its level), one that still holds the prompt, or one missing altogether is
//! pointed out at its heading. "Now what?" is the part people skip. And an action left open
//! for months is worth a second look ([`stale_actions`]).

use chrono::{DateTime, Datelike, Utc};

use super::{position, warn_at};
use crate::config::Section;
use crate::content::Post;
use crate::diagnostic::Diagnostic;
use crate::markdown::Outline;

/// The sections of a post's model that are missing, empty, or still hold their prompt.
pub fn sections(post: &Post, text: &str, split: &crate::content::frontmatter::Split<'_>) -> Vec<Diagnostic> {
    let Some(model) = post.model else { return Vec::new() };
    let outline = Outline::of(&post.body);
    let mut warnings = Vec::new();
    for section in model.sections() {
        let quoted = format!("“{}”", section.heading);
        let mut found = false;
        for (i, heading) in outline.headings.iter().enumerate() {
            if model.section_of(&heading.text) != Some(section) {
                continue;
            }
            found = true;
            let range = outline.section(i, post.body.len());
            let at = heading.range.start;
            if outline.is_empty(&range) {
                let warning = warn_at(post, text, at, format!("the {quoted} section is empty"));
                warnings.push(warning.with_hint(format!("answer its question: {}", section.guidance)));
            } else if holds_prompt(&outline.text_in(&range), section) {
                let warning = warn_at(post, text, at, format!("the {quoted} section still holds its prompt"));
                warnings.push(warning.with_hint("replace the prompt with your own answer to it"));
            }
        }
        if !found {
            let (line, column) = crate::yaml::key_position(split.yaml, "model", split.yaml_line).unwrap_or((1, 1));
            let message = format!("this post follows `model: {}` but has no {quoted} section", model.name());
            warnings.push(
                Diagnostic::warning(message)
                    .at(&post.source, line, column)
                    .with_source(text)
                    .with_hint(format!("add a heading `## {}` and under it: {}", section.heading, section.guidance)),
            );
        }
    }
    warnings
}

/// True when a section's text is its guidance (uncommented) or only its heading's question.
fn holds_prompt(text: &str, section: &Section) -> bool {
    let text = words(text);
    text == words(section.heading) || text.contains(&words(section.guidance))
}

/// Lower-case words joined by single spaces: punctuation (smart quotes, `…`) never decides.
fn words(text: &str) -> String {
    let cleaned: String =
        text.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { ' ' }).collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Open actions of a published post written at least `after_months` months before `now`
/// (never when it is 0), each at its task's line.
pub fn stale_actions(post: &Post, now: DateTime<Utc>, after_months: u32) -> Vec<Diagnostic> {
    if post.draft || after_months == 0 {
        return Vec::new();
    }
    let months = months_between(post.date.instant(), now);
    if months < i64::from(after_months) {
        return Vec::new();
    }
    let age = match months {
        ..24 => format!("{months} months"),
        _ => format!("{} years", months / 12),
    };
    let body = post.body.as_str();
    post.actions
        .iter()
        .filter(|action| !action.done)
        .map(|action| {
            let (line, column) = position(post, action.offset);
            let start = action.offset;
            let end = body[start..].find('\n').map_or(body.len(), |i| start + i);
            Diagnostic::warning(format!("an action still open {age} after you wrote it"))
                .at(&post.source, line, column)
                .with_line(&body[start..end])
                .with_hint(format!(
                    "done? tick it: - [x]. Dropped, or still planned? Say so in a newer post, then tick this one \
                     (open actions are pointed out after {after_months} months: actions: {{stale_after_months: N}} \
                     in site.yaml)"
                ))
        })
        .collect()
}

/// Whole months from `from` to `to` (0 when `to` is earlier).
fn months_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let months = i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    let short = (to.day(), to.time()) < (from.day(), from.time());
    (months - i64::from(short)).max(0)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn whole_months_and_prompts() {
        let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap();
        assert_eq!(months_between(at(2011, 7, 18), at(2012, 9, 18)), 14);
        assert_eq!(months_between(at(2011, 7, 18), at(2012, 9, 17)), 13);
        assert_eq!(months_between(at(2012, 7, 18), at(2011, 9, 17)), 0);
        let section = crate::config::ReflectionModel::Rolfe.sections()[2];
        assert!(holds_prompt("Now what?", &section));
        assert!(holds_prompt(&format!("{} …", section.guidance.replace('?', "")), &section));
        assert!(!holds_prompt("I will ask Sam to show me the catalogue.", &section));
    }
}
