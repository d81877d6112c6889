//! `portfolio.actions`: the site's action plan as the portfolio shows it, each action linking
//! back to the heading of the post it was written under (docs/theming.md).

use serde::Serialize;

use super::Renderer;

/// The action plan: open actions, then those done (the order of [`crate::site::Site::actions`]).
#[derive(Debug, Clone, Default, Hash, Serialize)]
pub struct ActionPlan {
    /// Still to do, oldest first.
    pub open: Vec<ActionEntry>,
    /// Ticked, oldest first.
    pub done: Vec<ActionEntry>,
}

/// One action, with the post it comes from.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct ActionEntry {
    /// Its text, plain (escape it).
    pub text: String,
    /// Ticked.
    pub done: bool,
    /// Path-absolute URL of the post's action section (`/cpd/posts/x/#now-what`).
    pub url: String,
    /// The post's title.
    pub post_title: String,
    /// The post's path-absolute URL.
    pub post_url: String,
    /// The post's date, for people ("18 July 2011").
    pub date: String,
    /// The post's date as written.
    pub date_iso: String,
}

impl Renderer<'_> {
    /// The action plan of the included posts: open first, then done, each oldest post first.
    pub(super) fn action_plan(&self) -> ActionPlan {
        let mut plan = ActionPlan::default();
        for action in self.site.actions() {
            let summary = &self.prepared[action.post].summary;
            let entry = ActionEntry {
                text: action.item.text.clone(),
                done: action.item.done,
                url: format!("{}#{}", summary.url, action.item.heading_id),
                post_title: summary.title.clone(),
                post_url: summary.url.clone(),
                date: summary.date.clone(),
                date_iso: summary.date_iso.clone(),
            };
            if entry.done { plan.done.push(entry) } else { plan.open.push(entry) }
        }
        plan
    }
}
