//! A post's action points: the task items (`- [ ] …`, `- [x] …`) under its action section
//! (its model's last section, or a heading "Action plan", "Actions" or "Next steps"). Read
//! once with the post, so the site's action plan and the lint of old actions cost nothing
//! on a rebuild.

use crate::config::{ReflectionModel, is_action_heading};
use crate::markdown::Outline;

/// One action point of a post.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActionItem {
    /// Its text, as a reader sees it.
    pub text: String,
    /// Ticked: done.
    pub done: bool,
    /// Byte offset of its list item in the body.
    pub offset: usize,
    /// The `id` of the action section's heading on the post's page.
    pub heading_id: String,
}

/// The action points of a body that starts at file line `body_line`, in order.
pub fn action_items(body: &str, model: Option<ReflectionModel>) -> Vec<ActionItem> {
    // Without a task item (`[ ]` or `[x]`) there is nothing to gather: most posts need no
    // second reading of their Markdown.
    if !body.contains("[ ]") && !body.contains("[x]") && !body.contains("[X]") {
        return Vec::new();
    }
    let outline = Outline::of(body);
    let mut items = Vec::new();
    for (i, heading) in outline.headings.iter().enumerate() {
        if !is_action_heading(model, &heading.text) {
            continue;
        }
        let section = outline.section(i, body.len());
        for task in outline.tasks_in(&section) {
            if task.text.is_empty() || items.iter().any(|item: &ActionItem| item.offset == task.offset) {
                continue;
            }
            items.push(ActionItem {
                text: task.text.clone(),
                done: task.done,
                offset: task.offset,
                heading_id: heading.id.clone(),
            });
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tasks_under_the_action_section() {
        let body = "## So what?\n\n- [ ] not an action\n\n## Now what?\n\n- [ ] Ask Sam\n- [x] Book the course\n";
        let items = action_items(body, Some(ReflectionModel::Rolfe));
        let found: Vec<(&str, bool, &str, &str)> = items
            .iter()
            .map(|i| (i.text.as_str(), i.done, &body[i.offset..i.offset + 5], i.heading_id.as_str()))
            .collect();
        assert_eq!(found, [("Ask Sam", false, "- [ ]", "now-what"), ("Book the course", true, "- [x]", "now-what")]);
        assert!(action_items(body, None).is_empty(), "without a model, only Action plan, Actions, Next steps");
        let plain = "## Next steps\n\n- [ ] Write it up\n";
        assert_eq!(action_items(plain, None)[0].text, "Write it up");
    }
}
