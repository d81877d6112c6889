//! `cpdblog import`: posts and their comments from a WordPress or Blogger export, as Markdown
//! files in posts/ that `build` reads like any other. The readers ([`wordpress`], [`blogger`])
//! stream the export and hand over one [`ImportedPost`] at a time; this module adds the CPD
//! smarts (Things from titles and tags, networks from the text), writes each post into a
//! staging folder, and only when the whole export has been read moves the files into posts/,
//! never over an existing file unless forced.

pub mod blogger;
pub mod convert;
pub mod images;
pub mod wordpress;
mod writer;
pub mod xml;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::content::frontmatter::WrittenComment;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::layout::{CONFIG_FILE, PAGES_DIR};
use crate::output::Lock;
use crate::pipeline::{BuildOptions, Settings};
use crate::programme::{NetworkRegistry, Programme};
use crate::text::{is_web_url, things_named};
use writer::Writer;

/// A post as read from an export, before the CPD smarts.
#[derive(Debug, Default)]
pub struct ImportedPost {
    /// Title, entities decoded.
    pub title: String,
    /// RFC 3339 with the original offset, or YYYY-MM-DD when the export has no time.
    pub date: String,
    /// URL segment from the old permalink.
    pub slug: String,
    /// Draft, pending or private on the old blog.
    pub draft: bool,
    /// Tags and categories.
    pub tags: Vec<String>,
    /// The old address, for redirects and link fix-ups.
    pub old_url: Option<String>,
    /// Body as Markdown.
    pub body: String,
    /// Approved comments, threaded.
    pub comments: Vec<ImportedComment>,
    /// A standalone page (About me) rather than a post, with its place in the old menu.
    pub page: Option<i64>,
}

/// An approved comment with its replies, as the post file will hold it.
pub type ImportedComment = WrittenComment;

/// What an import found and did, for the summary.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Posts written into posts/.
    pub imported: usize,
    /// Standalone pages written into pages/.
    pub pages: usize,
    /// Posts the old blog never dated, imported as drafts dated today.
    pub undated: usize,
    /// Old addresses not kept because the new site uses them.
    pub addresses_taken: usize,
    /// Of those, drafts.
    pub drafts: usize,
    /// Posts not written because a file of that name exists (without `--force`).
    pub existing: Vec<PathBuf>,
    /// Records that are not posts, by kind (page, attachment, nav_menu_item, settings…).
    pub skipped: BTreeMap<String, usize>,
    /// Each record left out, with its line in the export.
    pub rejected: Vec<Rejected>,
    /// Comments kept, replies included.
    pub comments_kept: usize,
    /// Comments dropped, by reason (spam, trash, unapproved, pingback, trackback).
    pub comments_dropped: BTreeMap<String, usize>,
    /// Where the files went.
    pub written: Vec<PathBuf>,
    /// Password-protected posts, imported as drafts (counted in [`ImportReport::drafts`] too).
    pub password_protected: usize,
}

impl ImportReport {
    /// Notes for the summary beyond the counts: "N password-protected posts imported as
    /// drafts".
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.undated > 0 {
            let n = self.undated;
            notes.push(format!(
                "{n} post{} without a date imported as drafts dated today",
                if n == 1 { "" } else { "s" }
            ));
        }
        if self.addresses_taken > 0 {
            let n = self.addresses_taken;
            notes.push(format!(
                "{n} old address{} not kept: the new site uses {} itself (/tags/, /search/…) or another post has {}",
                if n == 1 { "" } else { "es" },
                if n == 1 { "it" } else { "them" },
                if n == 1 { "it" } else { "them" }
            ));
        }
        if self.password_protected > 0 {
            let n = self.password_protected;
            notes.push(format!("{n} password-protected post{} imported as drafts", if n == 1 { "" } else { "s" }));
        }
        notes
    }
}

/// A record of the export left out, and where it is.
#[derive(Debug, Clone)]
pub struct Rejected {
    /// Byte offset of the record; [`ImportReport::rejected`] carries its line instead.
    pub offset: u64,
    /// 1-based line, filled in once the whole export was read.
    pub line: usize,
    /// "page", "attachment", "post (trash)".
    pub kind: String,
    /// Its title, if it has one.
    pub title: String,
}

/// What a reader skipped, for the summary.
#[derive(Debug, Default)]
pub struct ReadCounts {
    /// Records that are not posts, by kind.
    pub skipped: BTreeMap<String, usize>,
    /// The same records one by one.
    pub rejected: Vec<Rejected>,
    /// Comments dropped, by reason.
    pub comments_dropped: BTreeMap<String, usize>,
    /// Password-protected posts, imported as drafts.
    pub password_protected: usize,
}

/// Which reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// WordPress WXR.
    WordPress,
    /// Blogger Atom (classic or the newer export).
    Blogger,
}

/// Imports `export` into the site of `options`. On a malformed export nothing is written and
/// the error names the line.
pub fn import(options: &BuildOptions, source: Source, export: &Path, force: bool) -> Result<ImportReport, Diagnostics> {
    let settings = Settings::load(options)?;
    let site_dir = &options.site_dir;
    // One import into a site at a time; what a killed import left is cleared under the lock.
    let _lock = Lock::acquire(&site_dir.join(CONFIG_FILE), || {
        eprintln!("Waiting for another cpdblog working on this site to finish…");
    })?;
    let staging = site_dir.join(".cpdblog-import");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)
        .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", staging.display())))?;
    let cleanup = Cleanup(staging.clone());

    let mut writer = Writer {
        programme: &settings.programme,
        networks: &settings.networks,
        staging: &staging,
        slugs: existing_slugs(site_dir),
        staged: Vec::new(),
        staged_paths: HashSet::new(),
        old_addresses: HashSet::new(),
        report: ImportReport::default(),
    };
    let export_name = display_path(export);
    let result = match source {
        Source::WordPress => wordpress::read(export, &mut |post| writer.stage(post)),
        Source::Blogger => blogger::read(export, &mut |post| writer.stage(post)),
    };
    let mut report = std::mem::take(&mut writer.report);
    let staged = std::mem::take(&mut writer.staged);
    match result {
        Ok(counts) => {
            report.skipped = counts.skipped;
            report.comments_dropped = counts.comments_dropped;
            report.rejected = counts.rejected;
            report.password_protected = counts.password_protected;
            let offsets: Vec<u64> = report.rejected.iter().map(|r| r.offset).collect();
            for (rejected, line) in report.rejected.iter_mut().zip(xml::lines_of(export, &offsets)) {
                rejected.line = line;
            }
        }
        Err(e) => {
            // The column goes in the message: the location names the line, as it always has.
            let message =
                if e.column > 1 { format!("{} (line {}, column {})", e.message, e.line, e.column) } else { e.message };
            return Err(Diagnostics::from(
                Diagnostic::error(message)
                    .at(export, e.line, 1)
                    .with_hint(format!("is {export_name} a complete {} export? Nothing was written", source.name())),
            ));
        }
    }
    for (relative, draft) in staged {
        let target = site_dir.join(&relative);
        if target.exists() && !force {
            report.existing.push(relative);
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::rename(staging.join(&relative), &target)
            .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", display_path(&relative))))?;
        if relative.starts_with(PAGES_DIR) {
            report.pages += 1;
        } else {
            report.imported += 1;
            report.drafts += usize::from(draft);
        }
        report.written.push(relative);
    }
    drop(cleanup);
    Ok(report)
}

impl ReadCounts {
    /// Counts a record left out and remembers where it was.
    pub fn reject(&mut self, record: &xml::Node, kind: String, title: String) {
        *self.skipped.entry(kind.clone()).or_default() += 1;
        self.rejected.push(Rejected { offset: record.offset, line: 0, kind, title });
    }
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::WordPress => "WordPress",
            Source::Blogger => "Blogger",
        }
    }
}

/// Removes the staging folder however the import ends.
struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Slugs of the posts already in posts/ (from their file names) and their files, so an
/// imported post never takes another post's slug, and a post imported before is recognised.
fn existing_slugs(site_dir: &Path) -> HashMap<String, PathBuf> {
    crate::content::find_posts(site_dir)
        .unwrap_or_default()
        .into_iter()
        .map(|p| (crate::content::slug_from_file_name(&p), p))
        .collect()
}

/// Thing numbers named in the title ("Thing 6: …", "Things 6 & 7"), the body's first line, or
/// a tag ("Thing 6", "cpd23 thing 6"), kept only when the programme has them.
pub fn detect_things(post: &ImportedPost, programme: &Programme) -> Vec<u32> {
    let first_line = post.body.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let mut found: Vec<u32> = Vec::new();
    for text in [post.title.as_str(), first_line].into_iter().chain(post.tags.iter().map(String::as_str)) {
        found.extend(things_named(text));
        if !found.is_empty() && text == post.title {
            break;
        }
    }
    let mut things: Vec<u32> = found.into_iter().filter(|&n| programme.title(n).is_some()).collect();
    things.sort_unstable();
    things.dedup();
    things
}

/// Networks named in the title or body: the mentions the registry finds (names and aliases,
/// any case, whole words), in registry order.
pub fn detect_networks(post: &ImportedPost, networks: &NetworkRegistry) -> Vec<String> {
    let text = format!("{}\n{}", post.title, post.body);
    networks.mentions(&text).into_iter().map(|(_, network)| network.name.clone()).collect()
}

/// Only http(s) author links survive.
pub fn web_url(url: &str) -> Option<String> {
    is_web_url(url).then(|| url.trim().to_string())
}

/// Threads comments: `(id, parent id, comment)` in export order → trees, replies under their
/// parents; a reply whose parent was dropped (spam) becomes a top-level comment.
pub fn thread(comments: Vec<(String, Option<String>, ImportedComment)>) -> Vec<ImportedComment> {
    let ids: HashSet<String> = comments.iter().map(|(id, ..)| id.clone()).collect();
    let mut children: BTreeMap<String, Vec<(String, ImportedComment)>> = BTreeMap::new();
    let mut roots = Vec::new();
    for (id, parent, comment) in comments {
        match parent.filter(|p| ids.contains(p) && *p != id) {
            Some(parent) => children.entry(parent).or_default().push((id, comment)),
            None => roots.push((id, comment)),
        }
    }
    fn attach(
        (id, mut comment): (String, ImportedComment),
        children: &mut BTreeMap<String, Vec<(String, ImportedComment)>>,
        depth: usize,
    ) -> ImportedComment {
        if depth < 64
            && let Some(replies) = children.remove(&id)
        {
            comment.replies = replies.into_iter().map(|r| attach(r, children, depth + 1)).collect();
        }
        comment
    }
    let mut threaded: Vec<ImportedComment> = roots.into_iter().map(|r| attach(r, &mut children, 0)).collect();
    // Replies in a cycle of parents have no root: keep them at the top rather than lose them.
    let orphans: Vec<(String, ImportedComment)> = std::mem::take(&mut children).into_values().flatten().collect();
    threaded.extend(orphans.into_iter().map(|(_, c)| c));
    threaded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_by_parent_and_keeps_orphans() {
        let c = |a: &str| ImportedComment { author: a.into(), ..Default::default() };
        let threaded = thread(vec![
            ("1".into(), None, c("Helen")),
            ("2".into(), Some("1".into()), c("Alex")),
            ("3".into(), Some("2".into()), c("Helen again")),
            ("4".into(), Some("99".into()), c("Reply to spam")),
        ]);
        assert_eq!(threaded.len(), 2);
        assert_eq!(threaded[0].replies[0].replies[0].author, "Helen again");
        assert_eq!(threaded[1].author, "Reply to spam");
    }
}
