//! Content: finding the posts under `posts/`, splitting and parsing their frontmatter, and
//! turning each into a validated [`Post`]. Every problem in every file is reported, positioned
//! in that file; nothing here renders HTML or writes files.

pub mod date;
pub mod frontmatter;
mod post;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

pub use date::PostDate;
pub use post::{Comment, Post, PostContext, Term, slug_from_file_name};

use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::layout::{self, POSTS_DIR, Walk};
use crate::text::line_column;

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

/// Every `*.md` file under `posts/`, at any depth, sorted by path so output is deterministic.
/// Unreadable entries, symlink loops and links out of the site are reported.
pub fn find_posts(site_dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let spec = Walk { folder: Path::new(POSTS_DIR), skip_hidden: true, keep: layout::is_markdown, verb: "read" };
    Ok(layout::walk(site_dir, spec)?.into_iter().map(|found| found.in_site).collect())
}

/// A post as read, with the text it was read from (lints point into it).
#[derive(Debug)]
pub struct Read {
    /// The validated post.
    pub post: Post,
    /// The whole file.
    pub text: String,
}

/// Reads and validates one post (`relative` to the site): the post and its text, or every
/// problem found in it.
pub fn read_post(site_dir: &Path, relative: &Path, context: &PostContext<'_>) -> Result<Read, Diagnostics> {
    let path = site_dir.join(relative);
    let cannot_read =
        |e: std::io::Error| Diagnostics::from(Diagnostic::io(format!("cannot read: {e}")).in_file(relative));
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
        let (line, column) = line_column(e.as_bytes(), e.utf8_error().valid_up_to());
        Diagnostics::from(
            Diagnostic::error("this file is not valid UTF-8")
                .at(relative, line, column)
                .with_hint(format!("re-save {} as UTF-8 in your editor", display_path(relative))),
        )
    })?;
    let post = Post::from_source(relative, &text, context)?;
    Ok(Read { post, text })
}
