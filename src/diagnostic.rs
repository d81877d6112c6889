//! One diagnostic type for everything a user can get wrong: a place (file, line, column), a
//! message, an optional hint and the offending source line. Every stage of the pipeline reports
//! through it, so `build`, `check` and `serve` print problems the same way.
//!
//! This module formats; it never decides what is an error.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How serious a diagnostic is: errors fail the run, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The run fails and nothing is written.
    Error,
    /// Worth fixing, but the site still builds.
    Warning,
}

/// Whose problem it is: the writer's files, or the machine the run is on. Both fail a run;
/// callers and tests tell them apart by this, not by the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Something in the site's files: a bad date, an unknown key, a broken template.
    Content,
    /// Reading or writing failed: permissions, a full disk, a vanished folder.
    Io,
}

/// A problem found in the user's files, with the place it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The writer's mistake or the machine's failure.
    pub kind: Kind,
    /// The file, relative to the site folder where possible (`posts/x.md`).
    pub path: Option<PathBuf>,
    /// 1-based line in `path`.
    pub line: Option<usize>,
    /// 1-based column in `line`.
    pub column: Option<usize>,
    /// What is wrong, in one sentence, lower case, no trailing full stop.
    pub message: String,
    /// How to fix it, when we can tell.
    pub hint: Option<String>,
    /// The source line the position points into (a window of it when long), shown with a
    /// caret under the column.
    pub snippet: Option<String>,
    /// Where in `snippet` the caret goes (1-based, in characters), when the snippet is a window.
    pub caret: Option<usize>,
}

/// Longest source line kept in a diagnostic, in characters; a longer one is cut to a window
/// around the column, so 20,000 warnings on one long line do not hold 20,000 copies of it.
pub const SNIPPET_WIDTH: usize = 120;

impl Diagnostic {
    /// An error with no place yet; add one with [`Diagnostic::at`] or [`Diagnostic::in_file`].
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            kind: Kind::Content,
            path: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            snippet: None,
            caret: None,
        }
    }

    /// An error of the machine rather than of the site's files: a read or write that failed.
    pub fn io(message: impl Into<String>) -> Self {
        Self { kind: Kind::Io, ..Self::error(message) }
    }

    /// A warning with no place yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(message) }
    }

    /// Names the file the problem is in, without a position.
    pub fn in_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Names the file and the 1-based line and column.
    pub fn at(mut self, path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        self.path = Some(path.into());
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Adds a hint that tells the user how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attaches the source line under `self.line`, taken from the whole file's text.
    pub fn with_source(self, source: &str) -> Self {
        match self.line.and_then(|line| source.lines().nth(line.saturating_sub(1))) {
            Some(text) => self.with_line(text),
            None => self,
        }
    }

    /// Attaches `text` as the source line the position points into; a long line is cut to
    /// [`SNIPPET_WIDTH`] characters around the column.
    pub fn with_line(mut self, text: &str) -> Self {
        let text = text.trim_end_matches('\r');
        let count = text.chars().count();
        if count <= SNIPPET_WIDTH {
            self.snippet = Some(text.to_string());
            return self;
        }
        let column = self.column.unwrap_or(1).saturating_sub(1).min(count);
        let start = column.saturating_sub(SNIPPET_WIDTH / 2).min(count - SNIPPET_WIDTH);
        let window: String = text.chars().skip(start).take(SNIPPET_WIDTH).collect();
        let (before, after) = (if start > 0 { "…" } else { "" }, if start + SNIPPET_WIDTH < count { "…" } else { "" });
        self.snippet = Some(format!("{before}{window}{after}"));
        self.caret = Some(column - start + 1 + before.chars().count());
        self
    }

    /// True for errors, which fail the run.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The `path:line:col` prefix, as far as it is known.
    pub fn location(&self) -> Option<String> {
        let path = self.path.as_ref()?;
        let mut place = display_path(path);
        if let Some(line) = self.line {
            place.push_str(&format!(":{line}"));
            if let Some(column) = self.column {
                place.push_str(&format!(":{column}"));
            }
        }
        Some(place)
    }

    /// Renders the diagnostic as text, with ANSI colours when `color` is true.
    pub fn render(&self, color: bool) -> String {
        use anstyle::{AnsiColor, Style};
        let paint = |style: Style, text: &str| {
            if color { format!("{}{text}{}", style.render(), style.render_reset()) } else { text.to_string() }
        };
        let bold = Style::new().bold();
        let (label, label_style) = match self.severity {
            Severity::Error => ("error", AnsiColor::Red.on_default().bold()),
            Severity::Warning => ("warning", AnsiColor::Yellow.on_default().bold()),
        };
        let mut out = String::new();
        if let Some(place) = self.location() {
            out.push_str(&paint(bold, &format!("{}:", visible(&place))));
            out.push(' ');
        }
        out.push_str(&paint(label_style, &format!("{label}:")));
        out.push(' ');
        out.push_str(&paint(bold, &visible(&self.message)));
        if let (Some(snippet), Some(line)) = (&self.snippet, self.line) {
            let number = line.to_string();
            let gutter = " ".repeat(number.len());
            let blue = AnsiColor::Blue.on_default().bold();
            out.push_str(&format!("\n{} {}", gutter, paint(blue, "|")));
            out.push_str(&format!("\n{} {} {}", paint(blue, &number), paint(blue, "|"), visible(snippet)));
            if let Some(column) = self.caret.or(self.column) {
                // Under each character before the column: a tab for a tab, else as many spaces
                // as the character takes once made visible.
                let pad: String =
                    snippet
                        .chars()
                        .take(column.saturating_sub(1))
                        .map(|c| {
                            if c == '\t' {
                                "\t".to_string()
                            } else {
                                " ".repeat(visible(&c.to_string()).chars().count())
                            }
                        })
                        .collect();
                out.push_str(&format!("\n{} {} {}{}", gutter, paint(blue, "|"), pad, paint(label_style, "^")));
            }
        }
        if let Some(hint) = &self.hint {
            // Under the `|` of the snippet's gutter, however many digits the line number has.
            let indent = match (&self.snippet, self.line) {
                (Some(_), Some(line)) => " ".repeat(line.to_string().len() + 1),
                _ => "  ".to_string(),
            };
            out.push_str(&format!("\n{indent}= {} {}", paint(bold, "help:"), visible(hint)));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// `text` with control characters (other than tabs) written out as `\u{1b}`, so a post or
/// an import cannot send terminal control sequences (a new window title, say) through a
/// message.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return text.into();
    }
    text.chars()
        .map(|c| if c.is_control() && c != '\t' { format!("\\u{{{:x}}}", c as u32) } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// Shows a path with forward slashes, so messages read the same on every system.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Every diagnostic of a run: the error type of the engine. Kept in the order found; read
/// (iterated, printed) in one order, by place, errors before warnings at the same place, with
/// repeats left out, so output is stable however the work was split between threads. Each is
/// shared, so the live preview can report the warnings of 10,000 unchanged posts on every
/// save without copying them.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render(false))]
pub struct Diagnostics(Vec<Arc<Diagnostic>>);

impl Diagnostics {
    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(Arc::new(diagnostic));
    }

    /// Adds all of `other`.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other.into_iter().map(Arc::new));
    }

    /// Adds all of `other`, sharing rather than copying them.
    pub fn extend_shared(&mut self, other: &Diagnostics) {
        self.0.extend(other.0.iter().cloned());
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.is_error())
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.iter().filter(|d| !d.is_error()).count()
    }

    /// Number of diagnostics, repeats left out.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every diagnostic, by file, line and column, errors before warnings at one place.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        let mut sorted: Vec<&Diagnostic> = self.0.iter().map(|d| &**d).collect();
        sorted.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.severity, &b.message))
        });
        sorted.dedup();
        sorted.into_iter()
    }

    /// Only the errors, and only the warnings: what a failed run and a good one report.
    pub fn split(self) -> (Diagnostics, Diagnostics) {
        let (errors, warnings) = self.0.into_iter().partition(|d| d.is_error());
        (Self(errors), Self(warnings))
    }

    /// All diagnostics as text, one block each, separated by blank lines.
    pub fn render(&self, color: bool) -> String {
        self.iter().map(|d| d.render(color)).collect::<Vec<_>>().join("\n\n")
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![Arc::new(diagnostic)])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Self(iter.into_iter().map(Arc::new).collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    /// The diagnostics in the order [`Diagnostics::iter`] gives.
    fn into_iter(self) -> Self::IntoIter {
        let sorted: Vec<Diagnostic> = self.iter().cloned().collect();
        sorted.into_iter()
    }
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(&word_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_place_snippet_caret_and_hint() {
        let d = Diagnostic::error("invalid date `2011-13-45`")
            .at("posts/x.md", 3, 7)
            .with_source("---\ntitle: x\ndate: 2011-13-45\n---\n")
            .with_hint("write YYYY-MM-DD");
        assert_eq!(
            d.to_string(),
            "posts/x.md:3:7: error: invalid date `2011-13-45`\n  |\n3 | date: 2011-13-45\n  |       ^\n  = help: write YYYY-MM-DD"
        );
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        let d = Diagnostic::warning("title \u{1b}]0;pwned\u{7} here")
            .at("posts/x.md", 2, 8)
            .with_source("---\ntitle: \u{1b}]0;x\u{7}\n");
        let text = d.to_string();
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
        assert!(text.contains("title \\u{1b}]0;pwned\\u{7} here"), "{text}");
    }

    #[test]
    fn long_lines_are_cut_to_a_window_with_the_caret_in_place() {
        let line = format!("{}TARGET{}", "a".repeat(5_000), "b".repeat(5_000));
        let d = Diagnostic::warning("here").at("posts/x.md", 1, 5_001).with_source(&line);
        let snippet = d.snippet.clone().unwrap();
        assert!(snippet.chars().count() <= SNIPPET_WIDTH + 2, "{}", snippet.len());
        let text = d.to_string();
        let lines: Vec<&str> = text.lines().collect();
        let caret = lines[3].chars().position(|c| c == '^').unwrap();
        let under: String = lines[2].chars().skip(caret).take(6).collect();
        assert_eq!(under, "TARGET", "{text}");
    }

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(closest("titel", ["title", "date", "tags"]), Some("title"));
        assert_eq!(closest("Linkdin", ["LinkedIn", "Twitter"]), Some("LinkedIn"));
        assert_eq!(closest("zzzzzz", ["title", "date"]), None);
    }
}
