//! The site's action plan: every action point of every included post (the task items under
//! its action section, see [`crate::content::ActionItem`]), open ones first, then those
//! done; each group oldest post first, in the order written. The portfolio shows it.

use super::Site;
use crate::content::ActionItem;

/// One action point and the post it comes from.
#[derive(Debug, Clone, Copy)]
pub struct Action<'a> {
    /// The post, an index into [`Site::posts`].
    pub post: usize,
    /// The action as written.
    pub item: &'a ActionItem,
}

impl Site {
    /// Every action point of the included posts, oldest post first.
    pub fn actions(&self) -> impl Iterator<Item = Action<'_>> {
        let oldest_first = (0..self.posts.len()).rev();
        oldest_first.flat_map(|post| self.posts[post].actions.iter().map(move |item| Action { post, item }))
    }
}
