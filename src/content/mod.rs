//! Content: finding the posts under `posts/`, splitting and parsing their frontmatter, and
//! turning each into a validated [`Post`]. Every problem in every file is reported, positioned
//! in that file; nothing here renders HTML or writes files.

pub mod date;
pub mod frontmatter;
mod post;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Deserializer};

pub use date::PostDate;
pub use post::{Comment, Post, PostContext, Term, slug_from_file_name};

use crate::diagnostic::{Diagnostic, Diagnostics, display_path};

/// The folder posts live in.
pub const POSTS_DIR: &str = "posts";

/// Largest post file read: a long reflection is tens of KiB.
pub const POST_SIZE_LIMIT: u64 = 16 * 1024 * 1024;

/// A frontmatter string that also accepts numbers and booleans (`tags: [2011]`), so writers
/// are not punished for YAML's typing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Scalar {
            String(String),
            Int(i64),
            Float(f64),
            Bool(bool),
            Other(serde::de::IgnoredAny),
        }
        match Scalar::deserialize(deserializer)? {
            Scalar::String(s) => Ok(Text(s)),
            Scalar::Int(i) => Ok(Text(i.to_string())),
            Scalar::Float(f) => Ok(Text(f.to_string())),
            Scalar::Bool(b) => Ok(Text(b.to_string())),
            Scalar::Other(_) => Err(serde::de::Error::custom("expected text, found a list or a mapping")),
        }
    }
}

/// True when `text[start..end]` stands as a word: no letter or digit touches it.
pub fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    !is_word(text[..start].chars().next_back()) && !is_word(text[end..].chars().next())
}

/// Byte offset of the first place `word` stands as a whole word in `text`.
pub fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(i, _)| i).find(|&i| is_whole_word(text, i, i + word.len()))
}

/// Lowercase ASCII words joined by `-`; the one slug rule for posts, tags and networks.
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
}

/// Every `*.md` file under `posts/`, at any depth, sorted by path so output is deterministic.
/// Unreadable entries and symlink loops are reported, never silently skipped.
pub fn find_posts(site_dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let root = site_dir.join(POSTS_DIR);
    if !root.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let mut problems = Diagnostics::default();
    for entry in walkdir::WalkDir::new(&root).follow_links(false).sort_by_file_name() {
        match entry {
            Ok(entry) => {
                let name = entry.file_name().to_string_lossy();
                if entry.depth() > 0 && name.starts_with('.') {
                    continue;
                }
                let is_markdown = Path::new(&*name).extension().is_some_and(|e| e.eq_ignore_ascii_case("md"));
                if !is_markdown {
                    continue;
                }
                let relative = entry.path().strip_prefix(site_dir).unwrap_or(entry.path()).to_path_buf();
                if entry.path_is_symlink() {
                    match symlink_inside(site_dir, entry.path()) {
                        Ok(true) if entry.path().is_file() => files.push(relative),
                        Ok(_) => problems.push(
                            Diagnostic::error("this symlink points outside the site, so it is not read")
                                .in_file(relative)
                                .with_hint("copy the file into posts/ instead of linking to it"),
                        ),
                        Err(err) => {
                            problems.push(Diagnostic::error(format!("cannot follow symlink: {err}")).in_file(relative))
                        }
                    }
                } else if entry.file_type().is_file() {
                    files.push(relative);
                }
            }
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| p.strip_prefix(site_dir).unwrap_or(p).to_path_buf())
                    .unwrap_or_else(|| POSTS_DIR.into());
                problems.push(
                    Diagnostic::error(format!(
                        "cannot read: {}",
                        err.io_error().map_or(err.to_string(), |e| e.to_string())
                    ))
                    .in_file(path),
                );
            }
        }
    }
    if problems.has_errors() { Err(problems) } else { Ok(files) }
}

/// True when a symlink's target resolves to a place inside the site folder.
pub fn symlink_inside(site_dir: &Path, link: &Path) -> std::io::Result<bool> {
    let site = site_dir.canonicalize()?;
    Ok(link.canonicalize()?.starts_with(site))
}

/// Reads and validates every post, in parallel. Returns the posts in path order and every
/// diagnostic found (errors and warnings); the caller decides whether errors are fatal.
pub fn load_posts(site_dir: &Path, files: &[PathBuf], context: &PostContext<'_>) -> (Vec<Post>, Diagnostics) {
    let results: Vec<Result<(Post, Vec<Diagnostic>), Diagnostics>> =
        files.par_iter().map(|relative| load_post(site_dir, relative, context)).collect();
    let mut posts = Vec::with_capacity(results.len());
    let mut problems = Diagnostics::default();
    for result in results {
        match result {
            Ok((post, warnings)) => {
                posts.push(post);
                problems.extend(warnings);
            }
            Err(d) => problems.extend(d.0),
        }
    }
    (posts, problems)
}

/// Reads and validates one post (`relative` to the site): the post and its warnings, or every
/// problem found in it.
pub fn load_post(
    site_dir: &Path,
    relative: &Path,
    context: &PostContext<'_>,
) -> Result<(Post, Vec<Diagnostic>), Diagnostics> {
    let path = site_dir.join(relative);
    let cannot_read =
        |e: std::io::Error| Diagnostics::from(Diagnostic::error(format!("cannot read: {e}")).in_file(relative));
    let size = std::fs::metadata(&path).map_err(cannot_read)?.len();
    if size > POST_SIZE_LIMIT {
        return Err(Diagnostics::from(
            Diagnostic::error(format!(
                "this file is {} MiB; a post is limited to {} MiB",
                size / (1024 * 1024),
                POST_SIZE_LIMIT / (1024 * 1024)
            ))
            .in_file(relative)
            .with_hint("split it into several posts, and put large files such as PDFs in static/"),
        ));
    }
    let bytes = std::fs::read(&path).map_err(cannot_read)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = position_of_byte(e.as_bytes(), e.utf8_error().valid_up_to());
        Diagnostics::from(
            Diagnostic::error("this file is not valid UTF-8")
                .at(relative, line, column)
                .with_hint(format!("re-save {} as UTF-8 in your editor", display_path(relative))),
        )
    })?;
    let post = Post::from_source(relative, &text, context)?;
    let warnings = post.lint(context, &text);
    Ok((post, warnings))
}

/// 1-based line and column of a byte offset.
pub(crate) fn position_of_byte(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (line, String::from_utf8_lossy(&before[line_start..]).chars().count() + 1)
}
