//! The one place that knows about the YAML library. Everything else gets typed values or a
//! position-carrying [`YamlError`], so the parser can be swapped without touching the pipeline.
//!
//! Positions are returned in the coordinates of the whole file: callers pass the line on which
//! the YAML text starts, so frontmatter errors point at the `.md` file's line, not the
//! frontmatter's.

use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_yaml::Value;

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

impl YamlError {
    /// The error as a diagnostic at its place in `path`, shown with its line of `text`.
    pub fn in_file(self, path: impl Into<std::path::PathBuf>, text: &str) -> crate::diagnostic::Diagnostic {
        let mut diagnostic =
            crate::diagnostic::Diagnostic::error(self.message).at(path, self.line, self.column).with_source(text);
        diagnostic.hint = self.hint;
        diagnostic
    }
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

/// A YAML mapping read key by key (frontmatter). The document is parsed once; each value is
/// then typed on its own, so a wrong value under one key never hides a problem under another.
#[derive(Debug)]
pub struct Mapping<'a> {
    text: &'a str,
    first_line: usize,
    entries: Vec<(String, Value)>,
    expanded: usize,
}

/// A value that is not what its key wants: where it goes wrong, and what is there instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongValue {
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What the writer put there, in words: "`maybe`", "the number 5", "a list".
    pub found: String,
    /// Whether the value is a list, so the problem lies in one of its items.
    pub nested: bool,
    /// The parser's own account, for a problem inside a nested value.
    pub detail: String,
}

/// Parses `text` as a mapping of keys to values, for reading key by key. Only a document that
/// cannot be read at all (bad syntax, not `key: value` lines) is an error here.
pub fn parse_mapping(text: &str, first_line: usize) -> Result<Mapping<'_>, YamlError> {
    let entries = match parse::<Value>(text, first_line)? {
        Value::Mapping(mapping) => mapping.into_iter().map(|(key, value)| (key_text(&key), value)).collect(),
        Value::Null => Vec::new(),
        other => {
            return Err(YamlError {
                line: first_line,
                column: 1,
                message: format!("this should be lines of `key: value`, but it is {}", describe(&other)),
                hint: Some("write one key a line, such as `title: My first post`".into()),
            });
        }
    };
    let expanded = entries.iter().map(|(key, value): &(String, Value)| key.len() + text_size(value)).sum();
    Ok(Mapping { text, first_line, entries, expanded })
}

impl Mapping<'_> {
    /// The keys as written, in order: the reader checks each against the keys it knows.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(key, _)| key.as_str())
    }

    /// Whether `key` is written (even with an empty value).
    pub fn has(&self, key: &str) -> bool {
        self.keys().any(|k| k == key)
    }

    /// Bytes of text the mapping holds once `*alias` references are expanded: a small file can
    /// name one long value thousands of times.
    pub fn expanded_size(&self) -> usize {
        self.expanded
    }

    /// Takes `key`'s value as a `T`: none when the key is absent or empty (`key:` alone), else
    /// the value or where and how it is wrong.
    pub fn take<T: DeserializeOwned>(&mut self, key: &str) -> Option<Result<T, WrongValue>> {
        let value = self.remove(key)?;
        Some(T::deserialize(&value).map_err(|_| self.wrong::<T>(key, &value, &value)))
    }

    /// Takes `key`'s value as one `T` or a list of them (`thing: 6` or `thing: [6, 7]`); a wrong
    /// item is described by itself.
    pub fn take_items<T: DeserializeOwned>(&mut self, key: &str) -> Option<Result<Vec<T>, WrongValue>> {
        let value = self.remove(key)?;
        let Value::Sequence(items) = &value else {
            return Some(T::deserialize(&value).map(|one| vec![one]).map_err(|_| self.wrong::<T>(key, &value, &value)));
        };
        let typed: Result<Vec<T>, &Value> = items.iter().map(|item| T::deserialize(item).map_err(|_| item)).collect();
        Some(typed.map_err(|item| self.wrong::<Vec<T>>(key, &value, item)))
    }

    /// Where `key` is written: its line, column 1 (the frontmatter's first line if it cannot
    /// be found, as in `{title: x}`).
    pub fn key_line(&self, key: &str) -> (usize, usize) {
        (key_position(self.text, key, self.first_line).map_or(self.first_line, |(line, _)| line), 1)
    }

    /// Each key written that is not one of `known`: an error at the key, and the known key it
    /// was most likely meant to be.
    pub fn unknown_keys<'k>(&self, known: &[&'k str]) -> Vec<(YamlError, Option<&'k str>)> {
        let unknown = self.keys().filter(|key| !known.contains(key));
        let report = |key: &str| {
            let (message, hint, best) = unknown_key(key, known);
            let (line, column) = self.key_line(key);
            (YamlError { line, column, message, hint: Some(hint) }, best)
        };
        unknown.map(report).collect()
    }

    fn remove(&mut self, key: &str) -> Option<Value> {
        let index = self.entries.iter().position(|(k, _)| k == key)?;
        let (_, value) = self.entries.remove(index);
        (!value.is_null()).then_some(value)
    }

    /// Where `key`'s value goes wrong as a `T` (parsed again, now with positions: errors are
    /// rare, so the common path parses once), describing `offending`.
    fn wrong<T: DeserializeOwned>(&self, key: &str, value: &Value, offending: &Value) -> WrongValue {
        let only = Only::<T> { key, wanted: PhantomData };
        let located = only.deserialize(serde_yaml::Deserializer::from_str(self.text)).err();
        // The value's own place, unless the parser names a place inside it (an error in a
        // value it had to buffer, such as one of several shapes, points elsewhere).
        let start = key_position(self.text, key, self.first_line).unwrap_or((self.first_line, 1));
        let inside = located
            .as_ref()
            .and_then(serde_yaml::Error::location)
            .map(|l| (l.line() + self.first_line - 1, l.column()));
        let (line, column) = inside.filter(|&place| place >= start).unwrap_or(start);
        WrongValue {
            line,
            column,
            found: describe(offending),
            nested: matches!(value, Value::Sequence(_)),
            detail: located.map(|e| strip_position(&e.to_string()).to_string()).unwrap_or_default(),
        }
    }
}

/// Reads one key of a mapping as a `T` and skips the rest: the same value as
/// [`Mapping::take`], from the text, so an error carries its place.
struct Only<'k, T> {
    key: &'k str,
    wanted: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Only<'_, T> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Only<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("lines of `key: value`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Value>()? {
            if key_text(&key) == self.key {
                map.next_value::<T>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// A key as text: `2011: x` has the key `2011`.
fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Tagged(tagged) => key_text(&tagged.value),
        other => describe(other),
    }
}

/// A value in a writer's words, for "… not `maybe`".
fn describe(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() > 40 => format!("`{}…`", s.chars().take(40).collect::<String>()),
        Value::String(s) => format!("`{s}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("`{b}`"),
        Value::Null => "empty".into(),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a set of `key: value` pairs".into(),
        Value::Tagged(tagged) => describe(&tagged.value),
    }
}

/// Bytes of text in a value, counting every repetition of an alias.
fn text_size(value: &Value) -> usize {
    match value {
        Value::String(s) => s.len(),
        Value::Sequence(items) => items.iter().map(text_size).sum(),
        Value::Mapping(mapping) => mapping.iter().map(|(k, v)| text_size(k) + text_size(v)).sum(),
        Value::Tagged(tagged) => text_size(&tagged.value),
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
    }
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

/// Where `token` is written inside the value of the top-level `key` (on its line, or on the
/// indented or `- ` lines below it), as a whole token: a key of a nested mapping (`hours` in
/// `cpd: {hours: 500}`) or an item of a list (`PKSB-9` in `evidence: [PKSB-8, PKSB-9]`). With
/// `of_value`, the token must be a key and the place is that of its value. For errors found
/// after parsing in values nested too deep for [`key_position`].
pub fn position_within(
    text: &str,
    key: &str,
    first_line: usize,
    token: &str,
    of_value: bool,
) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|line| {
        line.strip_prefix(key).is_some_and(|rest| rest.trim_start_matches([' ', '\t']).starts_with(':'))
    })?;
    let block =
        lines[start + 1..].iter().take_while(|line| line.is_empty() || line.starts_with([' ', '\t', '-', '#'])).count();
    (start..=start + block).find_map(|index| {
        let line = lines[index];
        let from = if index == start { key.len() } else { 0 };
        let at = token_at(line, from, token, of_value)?;
        Some((first_line + index, line[..at].chars().count() + 1))
    })
}

/// The byte offset of `token` as a whole token in `line` from `from` (of the value after it,
/// with `of_value`).
fn token_at(line: &str, from: usize, token: &str, of_value: bool) -> Option<usize> {
    let before_ok = |c: Option<char>| c.is_none_or(|c| matches!(c, ' ' | '\t' | '[' | '{' | ',' | '"' | '\''));
    let after_ok =
        |c: Option<char>| c.is_none_or(|c| matches!(c, ' ' | '\t' | ']' | '}' | ',' | '"' | '\'' | ':' | '#'));
    let mut search = from;
    while let Some(found) = line.get(search..)?.find(token) {
        let at = search + found;
        let end = at + token.len();
        search = end;
        if !before_ok(line[..at].chars().next_back()) || !after_ok(line[end..].chars().next()) {
            continue;
        }
        if !of_value {
            return Some(at);
        }
        let rest = line[end..].trim_start_matches(['"', '\'']).trim_start();
        if let Some(value) = rest.strip_prefix(':') {
            return Some(line.len() - value.trim_start().len());
        }
    }
    None
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
    // A field of a nested value comes with its path: `networks[0]: unknown field `nme``.
    let (path, message) = match message.find("unknown field `") {
        Some(at) if at > 0 && message[..at].ends_with(": ") => message.split_at(at),
        _ => ("", message),
    };
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return (format!("{path}{message}"), None);
    };
    let Some((field, expected)) = rest.split_once('`') else {
        return (message.to_string(), None);
    };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let (message, hint, _) = unknown_key(field, &known);
    (format!("{path}{message}"), Some(hint))
}

/// "unknown key `titel`", a hint naming the known keys, and the closest of them.
fn unknown_key<'k>(field: &str, known: &[&'k str]) -> (String, String, Option<&'k str>) {
    let listing = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let best = crate::diagnostic::closest(field, known.iter().copied());
    let hint = match best {
        Some(best) => format!("did you mean `{best}`? Known keys: {listing}"),
        None => format!("known keys: {listing}"),
    };
    (format!("unknown key `{field}`"), hint, best)
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

    #[test]
    fn a_mapping_is_read_key_by_key() {
        let text = "title: x\ndraft: maybe\nthing: [6, seven]\ntitel: y\nsummary:\n";
        let mut mapping = parse_mapping(text, 2).unwrap();
        assert_eq!(mapping.keys().collect::<Vec<_>>(), ["title", "draft", "thing", "titel", "summary"]);
        let wrong = mapping.take::<bool>("draft").unwrap().unwrap_err();
        assert_eq!((wrong.line, wrong.column, wrong.found.as_str()), (3, 8, "`maybe`"));
        let wrong = mapping.take_items::<u32>("thing").unwrap().unwrap_err();
        assert_eq!((wrong.line, wrong.column, wrong.found.as_str(), wrong.nested), (4, 12, "`seven`", true));
        assert_eq!(mapping.take::<String>("title").unwrap(), Ok("x".to_string()));
        assert_eq!(mapping.take::<String>("summary"), None, "an empty value is no value");
        assert_eq!(mapping.take::<String>("date"), None);
        let unknown = mapping.unknown_keys(&["title", "draft"]);
        assert_eq!(unknown.len(), 1, "keys taken are not looked at again: {unknown:?}");
        assert_eq!((unknown[0].0.line, unknown[0].0.column, unknown[0].1), (5, 1, Some("title")));
    }

    #[test]
    fn finds_tokens_inside_a_value() {
        let text = "title: x\ncpd: {hours: 500, hour: 2}\nevidence:\n  - PKSB-8.1\n  - PKSB-8\nnext: PKSB-8\n";
        assert_eq!(position_within(text, "cpd", 2, "hours", true), Some((3, 14)));
        assert_eq!(position_within(text, "cpd", 2, "hour", false), Some((3, 19)));
        assert_eq!(position_within(text, "evidence", 2, "PKSB-8", false), Some((6, 5)));
        assert_eq!(position_within("evidence: [A-1, A]\n", "evidence", 1, "A", false), Some((1, 17)));
        assert_eq!(position_within(text, "title", 2, "PKSB-8", false), None);
    }

    #[test]
    fn a_mapping_counts_text_repeated_through_aliases() {
        let mapping = parse_mapping("a: &x hello\nb: [*x, *x]\n", 1).unwrap();
        assert_eq!(mapping.expanded_size(), 2 + 15);
        assert!(parse_mapping("- a\n", 1).unwrap_err().message.ends_with("but it is a list"));
        assert_eq!(parse_mapping("", 2).unwrap().keys().count(), 0);
    }
}
