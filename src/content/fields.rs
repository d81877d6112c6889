//! Frontmatter read key by key, for posts and pages alike: the file split, the YAML parsed
//! once, then each key typed and checked on its own. So every independent mistake in a file is
//! reported in one run; only YAML that cannot be read at all stops at its one error.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::frontmatter::{self, Split};
use super::{PostDate, Text};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::yaml::{self, Mapping, WrongValue, YamlError};

/// Largest frontmatter accepted: real frontmatter is a few hundred bytes (imported comments
/// a few KiB); anything bigger is a mistake or an attack on the YAML parser.
pub const FRONTMATTER_LIMIT: usize = 64 * 1024;

/// Most text frontmatter may hold once its `*alias` references are expanded (or four times
/// what is written, if more): real frontmatter holds what it writes.
pub const EXPANSION_LIMIT: usize = 256 * 1024;

/// A frontmatter key as the reader knows it: its names and, for a wrong value, what it wants
/// in a writer's words and how to write it.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The name, then any other spelling of the same key (`thing`, `things`).
    pub names: &'static [&'static str],
    /// What the value must be: "true or false", "text".
    pub wants: &'static str,
    /// How to write it.
    pub hint: &'static str,
}

/// `date:`, in a post or a page.
pub const DATE: Key = Key {
    names: &["date"],
    wants: "a date",
    hint: "write YYYY-MM-DD (2011-07-18) or an RFC 3339 date-time (2011-07-18T09:30:00+01:00)",
};

/// `aliases:`, in a post or a page.
pub const ALIASES: Key = Key {
    names: &["aliases"],
    wants: "old addresses",
    hint: "an alias is an old address, such as /2011/07/18/old-slug/",
};

/// `draft:`, in a post or a page.
pub const DRAFT: Key = Key {
    names: &["draft"],
    wants: "true or false",
    hint: "write draft: true to keep it out of the site while you work on it, or remove the line to publish it",
};

/// `summary:`, in a post or a page.
pub const SUMMARY: Key =
    Key { names: &["summary"], wants: "text", hint: "write the summary as a line of text, in quotes" };

/// `image:`, in a post or a page: its own social card.
pub const IMAGE: Key = Key {
    names: &["image"],
    wants: "an image",
    hint: "image: images/card.png (a file of static/), or {src: images/card.png, alt: \"what it shows\"}",
};

/// `model:`, in a post: the reflective model it follows.
pub const MODEL: Key = Key {
    names: &["model"],
    wants: "a model's name",
    hint: "model: rolfe, gibbs, kolb or driscoll (the headings the post follows)",
};

/// One file's frontmatter being read: the keys not yet taken and every problem found so far.
pub struct Fields<'a> {
    source: &'a Path,
    text: &'a str,
    /// The file cut in two.
    pub split: Split<'a>,
    mapping: Mapping<'a>,
    problems: Diagnostics,
    /// Known keys an unknown key was probably meant to be: not reported missing as well.
    meant: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    /// Splits `text`, parses its frontmatter and reports each key not in `known`. An error
    /// here is the file's only one: what follows it cannot be read.
    pub fn read(source: &'a Path, text: &'a str, known: &[&'static str]) -> Result<Self, Diagnostics> {
        let split = frontmatter::split(text).map_err(|e| {
            let error = YamlError { line: e.line, column: 1, message: e.message, hint: Some(e.hint) };
            Diagnostics::from(error.in_file(source, text))
        })?;
        if split.yaml.len() > FRONTMATTER_LIMIT {
            let (size, limit) = (split.yaml.len() / 1024, FRONTMATTER_LIMIT / 1024);
            return Err(Diagnostics::from(
                Diagnostic::error(format!("the frontmatter is {size} KiB; frontmatter is limited to {limit} KiB"))
                    .at(source, split.yaml_line, 1)
                    .with_hint("keep long text in the post's body, after the closing `---`"),
            ));
        }
        let mapping =
            yaml::parse_mapping(split.yaml, split.yaml_line).map_err(|e| Diagnostics::from(e.in_file(source, text)))?;
        let expanded = mapping.expanded_size();
        if expanded > EXPANSION_LIMIT.max(4 * split.yaml.len()) {
            return Err(Diagnostics::from(
                Diagnostic::error(format!(
                    "the frontmatter expands to {} KiB through `*alias` references",
                    expanded / 1024
                ))
                .at(source, split.yaml_line, 1)
                .with_hint("write the values out instead of repeating them with `&anchor` and `*alias`"),
            ));
        }
        let mut fields = Fields { source, text, split, mapping, problems: Diagnostics::default(), meant: Vec::new() };
        for (error, meant) in fields.mapping.unknown_keys(known) {
            fields.report(error);
            fields.meant.extend(meant);
        }
        Ok(fields)
    }

    /// The value of `key` as a `T`: none when it is absent, empty or wrong (then reported).
    pub fn take<T: DeserializeOwned>(&mut self, key: &Key) -> Option<T> {
        let (name, taken) = self.taken(key, Mapping::take::<T>)?;
        taken.map_err(|wrong| self.wrong(name, key, &wrong, false)).ok()
    }

    /// Like [`Fields::take`], for one `T` or a list of them (`thing: 6`, `thing: [6, 7]`).
    pub fn take_items<T: DeserializeOwned>(&mut self, key: &Key) -> Option<Vec<T>> {
        let (name, taken) = self.taken(key, Mapping::take_items::<T>)?;
        taken.map_err(|wrong| self.wrong(name, key, &wrong, false)).ok()
    }

    /// Like [`Fields::take`], for a list of mappings: a problem inside one is told in the
    /// parser's words (which entry, which key).
    pub fn take_nested<T: DeserializeOwned>(&mut self, key: &Key) -> Option<T> {
        let (name, taken) = self.taken(key, Mapping::take::<T>)?;
        taken.map_err(|wrong| self.wrong(name, key, &wrong, true)).ok()
    }

    /// `aliases:` read and checked: each old address as a redirect route; a wrong one is
    /// reported and left out.
    pub fn take_aliases(&mut self) -> Vec<crate::route::Route> {
        let mut aliases = Vec::new();
        for written in self.take_items::<super::Text>(&ALIASES).unwrap_or_default() {
            match crate::route::Route::alias(&written.0) {
                Ok(route) => aliases.push(route),
                Err(why) => self.error_at(&ALIASES, why, ALIASES.hint),
            }
        }
        aliases
    }

    /// `image:` read and checked: none when it is not written or wrong (then reported).
    pub fn take_image(&mut self) -> Option<crate::config::Image> {
        let image = self.take::<crate::config::Image>(&IMAGE)?;
        match image.problem() {
            Some(problem) => {
                self.error_at(&IMAGE, problem, IMAGE.hint);
                None
            }
            None => Some(image),
        }
    }

    /// `model:` read and checked: none when it is not written or unknown (then reported,
    /// naming the closest model).
    pub fn take_model(&mut self) -> Option<crate::config::ReflectionModel> {
        let written = self.take::<Text>(&MODEL)?;
        crate::config::ReflectionModel::parse(&written.0)
            .map_err(|(message, hint)| self.error_at(&MODEL, message, hint))
            .ok()
    }

    /// `date:` read and checked: none when it is not written, `Some(None)` when it is wrong
    /// (and reported).
    pub fn take_date(&mut self) -> Option<Option<PostDate>> {
        let written = self.take::<Text>(&DATE)?;
        match PostDate::parse(&written.0) {
            Ok(date) => Some(Some(date)),
            Err(why) => {
                self.error_at(&DATE, format!("invalid date: {why}"), DATE.hint);
                Some(None)
            }
        }
    }

    /// Takes the first of the key's names that is written; a second spelling also written is
    /// an error of its own.
    fn taken<R>(&mut self, key: &Key, take: impl Fn(&mut Mapping<'a>, &str) -> Option<R>) -> Option<(&'static str, R)> {
        let written: Vec<&'static str> = key.names.iter().copied().filter(|name| self.mapping.has(name)).collect();
        let (&first, again) = written.split_first()?;
        for &again in again {
            let message = format!("`{first}` and `{again}` are the same key, written twice");
            let (line, column) = self.mapping.key_line(again);
            self.report(YamlError { line, column, message, hint: Some("keep one of the two lines".into()) });
        }
        let taken = take(&mut self.mapping, first)?;
        Some((first, taken))
    }

    fn wrong(&mut self, name: &str, key: &Key, wrong: &WrongValue, nested: bool) {
        let message = if nested && wrong.nested && !wrong.detail.is_empty() {
            wrong.detail.clone()
        } else {
            format!("`{name}` must be {}, not {}", key.wants, wrong.found)
        };
        let error = YamlError { line: wrong.line, column: wrong.column, message, hint: Some(key.hint.into()) };
        self.report(error);
    }

    /// Reports `message` at the value of `key`, as written (or at the file's first line when
    /// the key is not written).
    pub fn error_at(&mut self, key: &Key, message: String, hint: impl Into<String>) {
        let split = &self.split;
        let place = key.names.iter().find_map(|name| yaml::key_position(split.yaml, name, split.yaml_line));
        let (line, column) = place.unwrap_or((1, 1));
        self.report(YamlError { line, column, message, hint: Some(hint.into()) });
    }

    /// Reports `message` at the first place `value` is written: for values nested too deep to
    /// find by their key.
    pub fn error_at_value(&mut self, value: &str, message: String, hint: impl Into<String>) {
        let split = &self.split;
        let (line, column) = yaml::value_position(split.yaml, value, split.yaml_line).unwrap_or((split.yaml_line, 1));
        self.report(YamlError { line, column, message, hint: Some(hint.into()) });
    }

    /// Reports `message` at `token` inside the value of `key` (a key of a nested mapping, or
    /// with `of_value` its value; or an item of a list), or at `key` when it cannot be found.
    pub fn error_within(&mut self, key: &Key, token: &str, of_value: bool, message: String, hint: impl Into<String>) {
        let split = &self.split;
        let place =
            key.names.iter().find_map(|name| yaml::position_within(split.yaml, name, split.yaml_line, token, of_value));
        match place {
            Some((line, column)) => self.report(YamlError { line, column, message, hint: Some(hint.into()) }),
            None => self.error_at(key, message, hint),
        }
    }

    /// Reports a required key that has no value, unless an unknown key was already reported
    /// as most likely meaning it (`titel:` says "did you mean `title`?" once, not twice).
    pub fn missing(&mut self, key: &Key, message: String, hint: &str) {
        if !key.names.iter().any(|name| self.meant.contains(name)) {
            self.error_at(key, message, hint);
        }
    }

    fn report(&mut self, error: YamlError) {
        self.problems.push(error.in_file(self.source, self.text));
    }

    /// Every problem found: the value when there are none.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Diagnostics> {
        match value {
            Some(value) if !self.problems.has_errors() => Ok(value),
            _ => Err(self.problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["title", "draft", "thing", "things"];
    const TITLE: Key = Key { names: &["title"], wants: "text", hint: "write title: My post" };
    const DRAFT: Key = Key { names: &["draft"], wants: "true or false", hint: "write draft: true" };
    const THING: Key = Key { names: &["thing", "things"], wants: "Thing numbers", hint: "write thing: 6" };

    fn read(text: &str) -> Fields<'_> {
        Fields::read(Path::new("posts/x.md"), text, KNOWN).unwrap()
    }

    fn messages(fields: Fields<'_>) -> Vec<String> {
        let problems = fields.finish(None::<()>).unwrap_err();
        problems.iter().map(|d| format!("{}: {}", d.location().unwrap_or_default(), d.message)).collect()
    }

    #[test]
    fn each_key_is_read_on_its_own() {
        let text = "---\ntitel: x\ndraft: maybe\nthings: [6, [7]]\n---\n";
        let mut fields = read(text);
        assert_eq!(fields.take::<bool>(&DRAFT), None);
        assert_eq!(fields.take_items::<u32>(&THING), None);
        fields.missing(&TITLE, "no title".into(), TITLE.hint);
        assert_eq!(
            messages(fields),
            [
                "posts/x.md:2:1: unknown key `titel`",
                "posts/x.md:3:8: `draft` must be true or false, not `maybe`",
                "posts/x.md:4:13: `things` must be Thing numbers, not a list",
            ]
        );
    }

    #[test]
    fn good_values_absent_keys_and_one_item_lists() {
        let mut fields = read("---\ndraft: true\nthing: 6\ntitle:\n---\nBody\n");
        assert_eq!(fields.take::<bool>(&DRAFT), Some(true));
        assert_eq!(fields.take_items::<u32>(&THING), Some(vec![6]));
        assert_eq!(fields.take::<String>(&TITLE), None, "an empty value is no value");
        assert_eq!(fields.split.body, "Body\n");
        assert_eq!(fields.finish(Some(1)).unwrap(), 1);
    }

    #[test]
    fn two_spellings_of_one_key_and_a_missing_key() {
        let mut fields = read("---\nthing: 6\nthings: 7\n---\n");
        assert_eq!(fields.take_items::<u32>(&THING), Some(vec![6]));
        fields.missing(&TITLE, "a post needs a `title`".into(), TITLE.hint);
        let found = messages(fields);
        assert_eq!(
            found,
            [
                "posts/x.md:1:1: a post needs a `title`",
                "posts/x.md:3:1: `thing` and `things` are the same key, written twice"
            ]
        );
    }

    #[test]
    fn unreadable_yaml_is_one_error() {
        let err = Fields::read(Path::new("posts/x.md"), "---\ntitle: [\ndraft: maybe\n---\n", KNOWN).err().unwrap();
        assert_eq!(err.len(), 1);
        let err = Fields::read(Path::new("posts/x.md"), "---\n- a\n- b\n---\n", KNOWN).err().unwrap();
        assert!(
            err.to_string().contains("posts/x.md:2:1: error: this should be lines of `key: value`, but it is a list"),
            "{err}"
        );
    }
}
