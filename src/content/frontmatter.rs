//! Splitting a post file into frontmatter and body, the comments as written, and the
//! frontmatter cpdblog writes. Positions stay in file coordinates throughout: the YAML starts
//! on line 2 of the file.

use serde::{Deserialize, Serialize};

use super::Text;

/// A post file cut in two.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the delimiters.
    pub yaml: &'a str,
    /// 1-based file line on which the YAML starts.
    pub yaml_line: usize,
    /// The Markdown after the closing delimiter.
    pub body: &'a str,
    /// 1-based file line on which the body starts.
    pub body_line: usize,
}

/// Why a file could not be split, with the 1-based line to point at.
#[derive(Debug, PartialEq, Eq)]
pub struct SplitError {
    /// Where to point.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// Splits `---\nYAML\n---\nBODY`. Accepts a byte-order mark, CRLF line endings and `...` as
/// the closing line (YAML's own document end marker).
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(SplitError {
            line: 1,
            message: "a post must start with frontmatter: a line `---`, then YAML, then `---`".into(),
            hint: "begin the file with a line `---`, then lines such as `title: \"Thing 1: Blogging\"` and `date: 2011-06-20`, then `---`".into(),
        });
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (index, line) in lines.enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: index + 3,
            });
        }
        offset += line.len();
    }
    Err(SplitError {
        line: 1,
        message: "the frontmatter opened here is never closed".into(),
        hint: "add a line `---` after the last frontmatter key, before the post's text".into(),
    })
}

/// An archived comment as written in frontmatter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComment {
    /// Who wrote it.
    pub author: Text,
    /// When.
    #[serde(default)]
    pub date: Option<Text>,
    /// The author's web site.
    #[serde(default)]
    pub url: Option<Text>,
    /// Markdown.
    #[serde(default)]
    pub body: Text,
    /// Replies to it.
    #[serde(default)]
    pub replies: Vec<RawComment>,
}

/// Frontmatter as cpdblog writes it (`new`, `import`); what it writes, the reader reads back
/// to the same post (a test holds it to that).
#[derive(Debug, Default, Clone, Serialize)]
pub struct Written {
    /// The post's title.
    pub title: String,
    /// YYYY-MM-DD or RFC 3339.
    pub date: String,
    /// Its Things.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thing: Option<ThingNumbers>,
    /// Canonical network names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<String>,
    /// Tags; `Some` of an empty list writes `tags: []`, a prompt to fill in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// The reflective model the post follows (`gibbs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Left out of builds unless `--drafts`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// Old addresses of the post.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Archived comments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<WrittenComment>,
}

impl Written {
    /// The whole post file: this frontmatter between `---` lines, then `body`.
    pub fn to_file(&self, body: &str) -> Result<String, String> {
        Ok(format!("---\n{}---\n{body}", crate::yaml::to_string(self)?))
    }
}

/// An archived comment as cpdblog writes it.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct WrittenComment {
    /// Who wrote it.
    pub author: String,
    /// RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Their site, http(s) only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Markdown.
    pub body: String,
    /// Replies, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<WrittenComment>,
}

/// A comment thread: a comment with replies, any depth. One rule counts them, whatever the
/// comment type.
pub trait Thread: Sized {
    /// The direct replies.
    fn replies(&self) -> &[Self];

    /// This comment and all its replies.
    fn count(&self) -> usize {
        1 + self.replies().iter().map(Thread::count).sum::<usize>()
    }
}

impl Thread for WrittenComment {
    fn replies(&self) -> &[Self] {
        &self.replies
    }
}

/// `thing:` as cpdblog writes it (`init`, `new`, `import`): one number, or a list for a post
/// on several Things; none for a general reflection.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ThingNumbers {
    /// `thing: 6`
    One(u32),
    /// `thing: [6, 7]`
    Many(Vec<u32>),
}

impl ThingNumbers {
    /// The field for these numbers (sorted, without repeats), or none when there are none.
    pub fn of(mut numbers: Vec<u32>) -> Option<Self> {
        numbers.sort_unstable();
        numbers.dedup();
        match numbers.len() {
            0 => None,
            1 => Some(Self::One(numbers[0])),
            _ => Some(Self::Many(numbers)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_positions() {
        let s = split("---\ntitle: x\n---\nHello\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!((s.yaml_line, s.body, s.body_line), (2, "Hello\n", 4));
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let s = split("\u{feff}---\r\ntitle: x\r\n---\r\nHi").unwrap();
        assert_eq!(s.yaml, "title: x\r\n");
        assert_eq!(s.body, "Hi");
    }

    #[test]
    fn reports_missing_and_unclosed() {
        assert_eq!(split("title: x\n").unwrap_err().line, 1);
        assert!(split("---\ntitle: x\n").unwrap_err().message.contains("never closed"));
        assert!(split("").is_err());
    }
}
