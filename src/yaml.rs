//! The one place that knows about the YAML library. Everything else gets typed values or a
//! position-carrying [`YamlError`], so the parser can be swapped without touching the pipeline.
//!
//! Positions are returned in the coordinates of the whole file: callers pass the line on which
//! the YAML text starts, so frontmatter errors point at the `.md` file's line, not the
//! frontmatter's.

use serde::de::DeserializeOwned;

/// A YAML syntax or type error, positioned in the file the YAML came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The parser's message, without its own position suffix.
    pub message: String,
    /// A suggestion when the error is an unknown key with a close known one.
    pub hint: Option<String>,
}

/// Writes `value` as YAML (a mapping ends with a newline), for the frontmatter cpdblog writes.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

/// Parses `text` into `T`. `first_line` is the 1-based file line on which `text` starts.
pub fn parse<T: DeserializeOwned>(text: &str, first_line: usize) -> Result<T, YamlError> {
    // An empty document is an empty mapping, so `---\n---` gives "missing title", not a type error.
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_yaml::from_str(text).map_err(|err| {
        let (line, column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
        let raw = err.to_string();
        let message = strip_position(&raw).to_string();
        let (message, mut hint) = explain_unknown_field(&message);
        let offending = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
        if hint.is_none() && offending.chars().take(column).any(|c| c == '\t') {
            hint = Some("YAML does not allow tabs for indentation; indent with spaces".into());
        }
        if message.contains("recursion limit exceeded") {
            hint =
                Some("the YAML is nested too deeply; frontmatter needs at most a list of comments with replies".into());
        } else if message.contains("repetition limit exceeded") {
            hint = Some("`*alias` references expand to too much data; write the values out instead".into());
        }
        if message.contains("mapping values are not allowed") {
            // `title: Thing 3: Consider your personal brand`: a second `: ` in a plain value.
            let offending = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
            if let Some((key, value)) = offending.split_once(": ") {
                let value = value.trim().replace('"', "\\\"");
                hint = Some(format!(
                    "a value holding `: ` must be in quotes; write the line as: {}: \"{value}\"",
                    key.trim_end()
                ));
                return YamlError {
                    line: line + first_line - 1,
                    column,
                    message: "this value holds a colon followed by a space, so it must be quoted".into(),
                    hint,
                };
            }
        }
        if message.contains("end of stream") || message.contains("quoted scalar") {
            // An unclosed quote swallows the rest of the frontmatter; point at where it opened.
            if let Some((index, quote_column)) = unclosed_quote(text) {
                return YamlError {
                    line: index + first_line,
                    column: quote_column,
                    message: "this quote is never closed".into(),
                    hint: Some("end the value with the same quote mark on the same line".into()),
                };
            }
        }
        YamlError { line: line + first_line - 1, column, message, hint }
    })
}

/// The position of a top-level `key:` in `text`, as file line and the column of its value.
/// Used to point validation errors (that happen after parsing) at the right place.
pub fn key_position(text: &str, key: &str, first_line: usize) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let rest = line.strip_prefix(key)?.trim_start_matches([' ', '\t']);
        let value = rest.strip_prefix(':')?;
        let value_offset = value.len() - value.trim_start().len();
        let column = line.len() - value.len() + value_offset + 1;
        Some((first_line + index, column.min(line.len().max(1))))
    })
}

/// The position of the first occurrence of a scalar `value` after a `:` or `- ` in `text`;
/// for values nested too deep for [`key_position`].
pub fn value_position(text: &str, value: &str, first_line: usize) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let at = line.find(value)?;
        let before = line[..at].trim_end_matches(['"', '\'']).trim_end();
        (before.ends_with(':') || before.ends_with('-')).then(|| (first_line + index, line[..at].chars().count() + 1))
    })
}

/// The first line whose value opens a quote it does not close: (0-based line, 1-based column).
fn unclosed_quote(text: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let value_start = line.find(": ").map(|i| i + 2).or_else(|| line.find("- ").map(|i| i + 2))?;
        let value = &line[value_start..];
        let trimmed = value.trim_start();
        let quote = trimmed.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let after = &trimmed[1..];
        let closed = if quote == '"' {
            let mut escaped = false;
            after.chars().any(|c| {
                let close = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                close
            })
        } else {
            after.contains('\'')
        };
        let column = line[..value_start + (value.len() - trimmed.len())].chars().count() + 1;
        (!closed).then_some((index, column))
    })
}

/// serde_yaml appends " at line L column C" to messages; we show positions ourselves.
fn strip_position(message: &str) -> &str {
    match message.find(" at line ") {
        Some(index) => &message[..index],
        None => message,
    }
}

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" into our wording plus a hint.
fn explain_unknown_field(message: &str) -> (String, Option<String>) {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return (message.to_string(), None);
    };
    let Some((field, expected)) = rest.split_once('`') else {
        return (message.to_string(), None);
    };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let listing = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let hint = match crate::diagnostic::closest(field, known.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? Known keys: {listing}"),
        None => format!("known keys: {listing}"),
    };
    (format!("unknown key `{field}`"), Some(hint))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Demo {
        title: String,
        date: Option<String>,
    }

    #[test]
    fn positions_are_in_file_coordinates() {
        let err = parse::<Demo>("title: x\ndate: [\n", 2).unwrap_err();
        assert!(err.line >= 3, "{err:?}");
    }

    #[test]
    fn unknown_key_names_closest() {
        let err = parse::<Demo>("titel: x\n", 2).unwrap_err();
        assert_eq!(err.message, "unknown key `titel`");
        assert_eq!(err.line, 2);
        assert!(err.hint.unwrap().starts_with("did you mean `title`?"));
    }

    #[test]
    fn finds_key_value_column() {
        assert_eq!(key_position("title: x\nthing: 31\n", "thing", 2), Some((3, 8)));
        assert_eq!(key_position("title: x\n", "thing", 2), None);
    }
}
