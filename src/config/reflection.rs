//! The reflective models a post may follow (`model:` in a post, `reflection_model:` in
//! site.yaml, `cpdblog new --model`): each model's sections in order, with one line of
//! guidance under each, and which section holds the action plan. Also `actions:` in
//! site.yaml: when an open action counts as old.
//!
//! Every rule about a model lives here once: the headings `new` writes, the headings the
//! lints look for, the section whose task items become the portfolio's action plan.

use serde::Deserialize;

use crate::text::slugify;

/// A model of reflective writing: a fixed set of questions, asked in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReflectionModel {
    /// Rolfe, Freshwater and Jasper (2001): What? So what? Now what?
    Rolfe,
    /// Gibbs' reflective cycle (1988): six stages, ending in an action plan.
    Gibbs,
    /// Kolb's experiential learning cycle (1984): four stages.
    Kolb,
    /// Driscoll's "What?" model (1994, 2007): the same three questions as Rolfe, asked of
    /// an event.
    Driscoll,
}

/// A section of a model: its heading, as `new` writes it and the lints find it, and the one
/// line of guidance written under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// The heading (`Now what?`).
    pub heading: &'static str,
    /// What to write there, in one line.
    pub guidance: &'static str,
}

const fn section(heading: &'static str, guidance: &'static str) -> Section {
    Section { heading, guidance }
}

const ROLFE: &[Section] = &[
    section("What?", "What happened? Describe the situation, your part in it and what you were trying to do."),
    section("So what?", "So what does it mean? What did you learn about yourself, your practice or your users?"),
    section(
        "Now what?",
        "Now what will you do differently, and what do you need to get there? List each action as a task: - [ ] …",
    ),
];

const GIBBS: &[Section] = &[
    section("Description", "What happened? Set the scene: where and when, who was there, what you did."),
    section("Feelings", "What were you thinking and feeling at the time, and afterwards?"),
    section("Evaluation", "What was good about the experience, and what was bad?"),
    section("Analysis", "What sense can you make of it? Why did it go as it did? Bring in what you have read."),
    section("Conclusion", "What else could you have done? What have you learned?"),
    section("Action plan", "If it happened again, what would you do? List each step as a task: - [ ] …"),
];

const KOLB: &[Section] = &[
    section("Experience", "What did you do or take part in? Describe the concrete experience."),
    section("Reflection", "Looking back, what did you notice? What went as you expected, and what did not?"),
    section("Conceptualisation", "What do you conclude from it? What idea or theory explains what happened?"),
    section("Experimentation", "What will you try next, and when? List each action as a task: - [ ] …"),
];

const DRISCOLL: &[Section] = &[
    section("What?", "What was the event? Describe what you saw and did, and how you reacted."),
    section("So what?", "So what was important about it? What did you feel, and how does it fit what you knew?"),
    section(
        "Now what?",
        "Now what will you do as a result, and how will you know it worked? List each action as a task: - [ ] …",
    ),
];

/// Headings that hold an action plan in a post that follows no model.
const ACTION_HEADINGS: &[&str] = &["Action plan", "Actions", "Next steps"];

impl ReflectionModel {
    /// Every model, in the order messages list them.
    pub const ALL: [Self; 4] = [Self::Rolfe, Self::Gibbs, Self::Kolb, Self::Driscoll];

    /// The name as written (`gibbs`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Rolfe => "rolfe",
            Self::Gibbs => "gibbs",
            Self::Kolb => "kolb",
            Self::Driscoll => "driscoll",
        }
    }

    /// A model by its name, in any case; for another name, the message and hint of the
    /// error, naming the closest model.
    pub fn parse(name: &str) -> Result<Self, (String, String)> {
        let wanted = name.trim().to_lowercase();
        if let Some(model) = Self::ALL.into_iter().find(|m| m.name() == wanted) {
            return Ok(model);
        }
        let names = Self::ALL.map(Self::name);
        let known = "the models are rolfe, gibbs, kolb and driscoll";
        let hint = match crate::diagnostic::closest(&wanted, names) {
            Some(best) => format!("did you mean `{best}`? ({known})"),
            None => known.to_string(),
        };
        Err((format!("`{}` is not a reflective model cpdblog knows", name.trim()), hint))
    }

    /// Its sections, in order.
    pub fn sections(self) -> &'static [Section] {
        match self {
            Self::Rolfe => ROLFE,
            Self::Gibbs => GIBBS,
            Self::Kolb => KOLB,
            Self::Driscoll => DRISCOLL,
        }
    }

    /// The section a heading of a post starts, matched as a slug (`## now what` is
    /// `Now what?`).
    pub fn section_of(self, heading: &str) -> Option<&'static Section> {
        let slug = slugify(heading);
        self.sections().iter().find(|s| slugify(s.heading) == slug)
    }

    /// The section whose task items are the post's actions: always the last.
    pub fn action_section(self) -> &'static Section {
        self.sections().last().expect("every model has sections")
    }

    /// The body of a new post: each section's heading with its guidance under it, in an
    /// HTML comment the build leaves out.
    pub fn skeleton(self) -> String {
        let mut body = String::new();
        for section in self.sections() {
            body.push_str(&format!("\n## {}\n\n<!-- {} -->\n", section.heading, section.guidance));
        }
        body
    }
}

/// Whether `heading` starts a post's action plan: the model's action section, or for a post
/// without a model, a heading named "Action plan", "Actions" or "Next steps".
pub fn is_action_heading(model: Option<ReflectionModel>, heading: &str) -> bool {
    match model {
        Some(model) => slugify(model.action_section().heading) == slugify(heading),
        None => ACTION_HEADINGS.iter().any(|name| slugify(name) == slugify(heading)),
    }
}

/// `actions:` in site.yaml: how the action plan is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsConfig {
    /// An open action in a post older than this many months gets a warning; 0 never.
    #[serde(default = "default_stale_after_months")]
    pub stale_after_months: u32,
}

impl Default for ActionsConfig {
    fn default() -> Self {
        Self { stale_after_months: default_stale_after_months() }
    }
}

fn default_stale_after_months() -> u32 {
    6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_headings_and_the_closest_model() {
        assert_eq!(ReflectionModel::parse(" Gibbs "), Ok(ReflectionModel::Gibbs));
        let (message, hint) = ReflectionModel::parse("gibs").unwrap_err();
        assert_eq!(message, "`gibs` is not a reflective model cpdblog knows");
        assert!(hint.starts_with("did you mean `gibbs`?"), "{hint}");
        assert_eq!(ReflectionModel::Rolfe.section_of("now what").map(|s| s.heading), Some("Now what?"));
        assert!(is_action_heading(Some(ReflectionModel::Kolb), "Experimentation"));
        assert!(!is_action_heading(Some(ReflectionModel::Kolb), "Next steps"));
        assert!(is_action_heading(None, "Next steps"));
        for model in ReflectionModel::ALL {
            assert!(model.skeleton().contains(&format!("## {}\n\n<!--", model.action_section().heading)));
        }
    }
}
