//! `site.yaml`: the typed site configuration. Unknown keys are errors that name the closest
//! known key; values are parsed here once into types ([`BaseUrl`], [`ProgrammeChoice`],
//! [`Theme`]), so later stages never look at the strings again. Command-line overrides
//! (`--base-url`) are applied last, by [`SiteConfig::with_base_url`].
//!
//! This module reads one file and knows nothing of posts or templates.

mod cpd;
mod place;
mod portfolio;
mod reflection;
mod social;
mod things;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

pub use cpd::{Area, CodePlace, CpdSettings, Criterion, Framework, Frameworks, Hours, MOST_HOURS_IN_ONE_ACTIVITY};
pub use place::error_in_config;
pub use portfolio::{PortfolioConfig, PortfolioContent, StatementConfig};
pub use reflection::{ActionsConfig, ReflectionModel, Section, is_action_heading};
pub use social::{Author, AuthorLink, Image};
pub use things::{NetworkConfig, ThingConfig};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::layout::CONFIG_FILE;
use crate::text::is_web_url;
use crate::yaml;

/// The parsed and validated `site.yaml`.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The blog's title, shown in every page header and feed.
    pub title: String,
    /// Where the site will be published; its path part prefixes every internal link.
    pub base_url: BaseUrl,
    /// The writer: a name for feeds and the footer, perhaps a profile for the author card.
    pub author: Option<Author>,
    /// One line about the blog, for meta tags and feeds.
    pub description: Option<String>,
    /// The image of the site's social cards, when a page has none of its own.
    pub image: Option<Image>,
    /// The `lang` of every page.
    pub language: String,
    /// The built-in theme or a local one.
    pub theme: Theme,
    /// The built-in programme, a programme file of the site, or none.
    pub programme: ProgrammeChoice,
    /// Extra or renamed Things, or descriptions for them, by number.
    pub things: BTreeMap<u32, ThingConfig>,
    /// Extra networks, or extra aliases for built-in ones.
    pub networks: Vec<NetworkConfig>,
    /// The comment-link stub shown on every post.
    pub comments: Option<CommentsConfig>,
    /// Posts per home page, at least 1.
    pub paginate: usize,
    /// Posts per page of a Thing's, network's or tag's list, at least 1 (`paginate` unless
    /// site.yaml says `paginate_terms`): a tag on 3,000 posts is 300 pages, not one of 5 MB.
    pub paginate_terms: usize,
    /// A custom domain for GitHub Pages; writes `CNAME`.
    pub cname: Option<String>,
    /// Whether raw HTML in posts is kept (imported posts are full of it) or shown as text.
    pub raw_html: bool,
    /// Links in the site's navigation, in order: pages of the site or other addresses.
    pub menu: Vec<MenuItem>,
    /// What the portfolio holds.
    pub portfolio: PortfolioConfig,
    /// site.yaml as written, so a problem found later (a menu page missing, a Thing without
    /// a title) is told at its line without reading the file again.
    pub text: std::sync::Arc<str>,
    /// The model `cpdblog new` writes a post's headings for, unless told another.
    pub reflection_model: Option<ReflectionModel>,
    /// How the action plan is checked.
    pub actions: ActionsConfig,
    /// CPD hours: the yearly target the portfolio measures them against.
    pub cpd: CpdSettings,
    /// The frameworks posts give evidence for (`evidence:`), with their codes.
    pub frameworks: Frameworks,
}

/// A link of the site's menu, as written in site.yaml.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    /// The link text.
    pub label: String,
    /// The slug of a page under pages/.
    #[serde(default)]
    pub page: Option<String>,
    /// Any other address: a path of the site (`/things/`) or an http(s) URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// Which programme of numbered Things the posts follow.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProgrammeChoice {
    /// The built-in 23 Things for Professional Development.
    Cpd23,
    /// No built-in Things: only those of `things:`.
    None,
    /// `programmes/NAME.yaml` in the site: another course of numbered Things.
    File(String),
}

impl ProgrammeChoice {
    /// As written in site.yaml, for messages.
    pub fn id(&self) -> &str {
        match self {
            Self::Cpd23 => "cpd23",
            Self::None => "none",
            Self::File(name) => name,
        }
    }
}

/// Which theme renders the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Theme {
    /// The theme embedded in the binary.
    Default,
    /// A folder under the site's `themes/`, layered over the default theme.
    Local(String),
}

/// `site.yaml` as written, before its values are checked and typed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// The blog's title, shown in every page header and feed.
    pub title: String,
    /// Where the site will be published; its path part prefixes every internal link.
    pub base_url: String,
    /// The writer: a name, or `{name, bio, avatar, links}`.
    #[serde(default)]
    pub author: Option<Author>,
    /// One line about the blog, for meta tags and feeds.
    #[serde(default)]
    pub description: Option<String>,
    /// The default image of social cards.
    #[serde(default)]
    pub image: Option<Image>,
    /// The `lang` of every page.
    #[serde(default = "default_language")]
    pub language: String,
    /// `default`, or the name of a folder under the site's `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// `cpd23` for the built-in 23 Things, or `none`.
    #[serde(default = "default_programme")]
    pub programme: String,
    /// Extra or renamed Things: number to title, or to `{title, description}`.
    #[serde(default)]
    pub things: BTreeMap<u32, ThingConfig>,
    /// Extra networks, or extra aliases for built-in ones.
    #[serde(default)]
    pub networks: Vec<NetworkConfig>,
    /// The comment-link stub shown on every post.
    #[serde(default)]
    pub comments: Option<CommentsConfig>,
    /// Posts per home page.
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    /// Posts per page of a Thing's, network's or tag's list; `paginate` if absent.
    #[serde(default)]
    pub paginate_terms: Option<usize>,
    /// A custom domain for GitHub Pages; writes `CNAME`.
    #[serde(default)]
    pub cname: Option<String>,
    /// Whether raw HTML in posts is kept (imported posts are full of it) or shown as text.
    #[serde(default = "default_raw_html")]
    pub raw_html: bool,
    /// Links in the site's navigation.
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    /// What the portfolio holds.
    #[serde(default)]
    pub portfolio: PortfolioConfig,
    /// `rolfe`, `gibbs`, `kolb` or `driscoll`.
    #[serde(default)]
    pub reflection_model: Option<String>,
    /// `{stale_after_months: 6}`.
    #[serde(default)]
    pub actions: ActionsConfig,
    /// `{target_hours: 20}`: CPD hours a year.
    #[serde(default)]
    pub cpd: Option<cpd::RawCpdSettings>,
    /// What the writer is assessed against.
    #[serde(default)]
    pub frameworks: Vec<Framework>,
}

/// How many Things the built-in cpd23 programme has: `things:` may describe them without
/// naming them again.
pub const CPD23_THING_COUNT: usize = 23;

/// Where readers leave comments, since a static host has no comment server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentsConfig {
    /// A URL with `{title}`, `{slug}`, `{url}` and `{path}` placeholders.
    pub url: String,
    /// The link text.
    #[serde(default = "default_comment_label")]
    pub label: String,
}

/// A programme file's name: a plain word, so `programmes/NAME.yaml` stays in its folder.
fn is_file_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_programme() -> String {
    "cpd23".into()
}
fn default_paginate() -> usize {
    10
}
fn default_raw_html() -> bool {
    true
}
fn default_comment_label() -> String {
    "Leave a comment".into()
}

/// The parts of `base_url`, split once so every link is built the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://alex.github.io/cpd/`: always ends with `/`.
    pub absolute: String,
    /// `/cpd/`: starts and ends with `/`.
    pub path: String,
}

impl BaseUrl {
    /// Parses an absolute http(s) URL; the error says what is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let rest = raw
            .strip_prefix("https://")
            .or_else(|| raw.strip_prefix("http://"))
            .ok_or_else(|| format!("base_url `{raw}` must start with https:// or http://"))?;
        if rest.contains(['?', '#']) || rest.chars().any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>') {
            return Err(format!("base_url `{raw}` must be a plain URL without spaces, query or fragment"));
        }
        let (host, path) = match rest.find('/') {
            Some(index) => (&rest[..index], &rest[index..]),
            None => (rest, "/"),
        };
        if host.is_empty() {
            return Err(format!("base_url `{raw}` has no host name"));
        }
        if path.split('/').any(|segment| segment == ".." || segment == ".") {
            return Err(format!("base_url `{raw}` must not contain `.` or `..` segments"));
        }
        let mut path = path.to_string();
        if !path.ends_with('/') {
            path.push('/');
        }
        let scheme = if raw.starts_with("https://") { "https://" } else { "http://" };
        Ok(Self { absolute: format!("{scheme}{host}{path}"), path })
    }

    /// The absolute URL of a site-relative path (`things/6/` → `https://…/cpd/things/6/`).
    pub fn absolute(&self, relative: &str) -> String {
        format!("{}{}", self.absolute, relative)
    }

    /// The path-absolute URL of a site-relative path (`things/6/` → `/cpd/things/6/`).
    pub fn path(&self, relative: &str) -> String {
        format!("{}{}", self.path, relative)
    }
}

impl SiteConfig {
    /// Reads and validates `site.yaml` in `site_dir`, reporting every problem found.
    pub fn load(site_dir: &Path) -> Result<Self, Diagnostics> {
        let path = site_dir.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(Diagnostic::error(format!("no {CONFIG_FILE} in `{}`", site_dir.display()))
                    .in_file(CONFIG_FILE)
                    .with_hint("run cpdblog in a site folder, or pass --site DIR; `cpdblog init` creates one")
                    .into());
            }
            Err(err) => {
                return Err(Diagnostic::error(format!("cannot read {CONFIG_FILE}: {err}")).in_file(CONFIG_FILE).into());
            }
        };
        Self::parse(&text)
    }

    /// Parses and validates the text of a `site.yaml`.
    pub fn parse(text: &str) -> Result<Self, Diagnostics> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawConfig = yaml::parse(text, 1).map_err(|e| Diagnostics::from(e.in_file(CONFIG_FILE, text)))?;
        raw.validate(text)
    }

    /// Replaces `base_url` (from `--base-url`), validating the new value.
    pub fn with_base_url(mut self, base_url: &str) -> Result<Self, Diagnostics> {
        self.base_url = BaseUrl::parse(base_url)
            .map_err(|m| Diagnostics::from(Diagnostic::error(m).with_hint("--base-url takes an absolute URL")))?;
        Ok(self)
    }
}

impl RawConfig {
    /// Checks every value, reporting all problems at their keys, and types them.
    fn validate(self, text: &str) -> Result<SiteConfig, Diagnostics> {
        let mut problems = Diagnostics::default();
        let mut report = |key: &str, message: String, hint: &str| {
            let (line, column) = yaml::key_position(text, key, 1).unwrap_or((1, 1));
            let mut d = Diagnostic::error(message).at(CONFIG_FILE, line, column).with_source(text);
            if !hint.is_empty() {
                d = d.with_hint(hint);
            }
            problems.push(d);
        };
        let base_url = BaseUrl::parse(&self.base_url)
            .map_err(|message| report("base_url", message, "for GitHub Pages: base_url: https://USER.github.io/REPO/"))
            .ok();
        let programme = match self.programme.trim() {
            "cpd23" => ProgrammeChoice::Cpd23,
            "none" => ProgrammeChoice::None,
            name if is_file_name(name) => ProgrammeChoice::File(name.to_string()),
            other => {
                let hint =
                    "use `cpd23`, `none`, or NAME for a file programmes/NAME.yaml (letters, digits, `-` and `_`)";
                report("programme", format!("programme `{other}` is not a programme name"), hint);
                ProgrammeChoice::None
            }
        };
        let theme = match self.theme.trim() {
            "default" => Theme::Default,
            name if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') => {
                report("theme", format!("theme `{name}` must be a plain folder name under themes/"), "");
                Theme::Default
            }
            name => Theme::Local(name.to_string()),
        };
        let reflection_model = self.reflection_model.as_deref().and_then(|name| {
            ReflectionModel::parse(name).map_err(|(message, hint)| report("reflection_model", message, &hint)).ok()
        });
        self.check_values(&mut report);
        let cpd = cpd::settings(self.cpd, text).unwrap_or_else(|problem| {
            problems.push(problem);
            CpdSettings::default()
        });
        let frameworks = Frameworks::new(self.frameworks);
        problems.extend(cpd::framework_problems(&frameworks, text));
        match base_url {
            Some(base_url) if !problems.has_errors() => Ok(SiteConfig {
                text: text.into(),
                title: self.title,
                base_url,
                author: self.author,
                description: self.description,
                image: self.image,
                language: self.language,
                theme,
                programme,
                things: self.things,
                networks: self.networks,
                comments: self.comments,
                paginate: self.paginate,
                paginate_terms: self.paginate_terms.unwrap_or(self.paginate),
                cname: self.cname,
                raw_html: self.raw_html,
                menu: self.menu,
                portfolio: self.portfolio,
                reflection_model,
                actions: self.actions,
                cpd,
                frameworks,
            }),
            _ => Err(problems),
        }
    }

    /// The checks of values that stay as written: each problem goes to `report` with its key.
    fn check_values(&self, report: &mut dyn FnMut(&str, String, &str)) {
        if self.title.trim().is_empty() {
            report(
                "title",
                "title must not be empty".into(),
                "give your blog a name: title: \"Reflections on 23 Things\"",
            );
        }
        if self.paginate == 0 {
            report("paginate", "paginate must be at least 1".into(), "the number of posts on each home page, e.g. 10");
        }
        if self.paginate_terms == Some(0) {
            let hint = "the number of posts on each page of a Thing, network or tag, e.g. 10";
            report("paginate_terms", "paginate_terms must be at least 1".into(), hint);
        }
        if self.language.trim().is_empty() || self.language.contains(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        {
            report("language", format!("language `{}` is not a language tag", self.language), "e.g. en, en-GB, cy");
        }
        if let Some(cname) = &self.cname {
            let valid = !cname.is_empty() && cname.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
            if !valid {
                report("cname", format!("cname `{cname}` is not a domain name"), "e.g. cname: blog.example.org");
            }
        }
        // A programme file's Things are checked when it is read.
        let built_in = match self.programme.trim() {
            "cpd23" => CPD23_THING_COUNT as u32,
            "none" => 0,
            _ => u32::MAX,
        };
        for (number, thing) in &self.things {
            let titled = thing.title.as_ref().is_some_and(|t| !t.is_empty()) || (1..=built_in).contains(number);
            if *number == 0 || !titled {
                report(
                    "things",
                    format!("Thing {number} needs a number from 1 and a title"),
                    "things: { 24: \"Bonus: Mastodon\" }, or { 24: {title: \"Bonus: Mastodon\", description: \"…\"} }",
                );
            }
        }
        if let Some(problem) = self.image.as_ref().and_then(Image::problem) {
            report("image", problem, "image: images/card.png (a file of static/), or an https:// URL");
        }
        for (message, hint) in self.author.iter().flat_map(Author::problems) {
            report("author", message, hint);
        }
        if let Some(comments) = &self.comments {
            let url = comments.url.trim();
            if !(is_web_url(url) || url.starts_with("mailto:")) {
                report("comments", format!("comments.url `{url}` must be an http(s) or mailto: URL"), "");
            }
        }
        for item in &self.menu {
            let hint = "each menu item has a label and either `page: SLUG` or `url: ADDRESS`";
            match (&item.page, &item.url) {
                (Some(_), None) => {}
                (None, Some(url)) if is_web_url(url) || url.starts_with('/') => {}
                (None, Some(url)) => report("menu", format!("menu url `{url}` must start with / or http(s)://"), hint),
                _ => report("menu", format!("menu item `{}` needs exactly one of `page` and `url`", item.label), hint),
            }
            if item.label.trim().is_empty() {
                report("menu", "a menu item needs a label".into(), hint);
            }
        }
        for network in &self.networks {
            if network.name.trim().is_empty() {
                report("networks", "a network needs a name".into(), "");
            }
            if let Some(url) = &network.url
                && !is_web_url(url)
            {
                report("networks", format!("network URL `{url}` must start with https:// or http://"), "");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_forms() {
        let b = BaseUrl::parse("https://alex.github.io/cpd").unwrap();
        assert_eq!(b.absolute, "https://alex.github.io/cpd/");
        assert_eq!(b.path, "/cpd/");
        assert_eq!(BaseUrl::parse("http://example.org").unwrap().path, "/");
        assert!(BaseUrl::parse("alex.github.io").is_err());
        assert!(BaseUrl::parse("https://x/a/../b").is_err());
    }

    #[test]
    fn unknown_key_is_positioned_with_suggestion() {
        let err = SiteConfig::parse("title: T\nbase_url: https://x.org/\npaginte: 5\n").unwrap_err();
        let d = err.iter().next().unwrap();
        assert_eq!(d.to_string().lines().next().unwrap(), "site.yaml:3:1: error: unknown key `paginte`");
        assert!(d.hint.as_ref().unwrap().starts_with("did you mean `paginate`?"));
    }

    #[test]
    fn every_invalid_value_is_reported() {
        let err = SiteConfig::parse("title: ''\nbase_url: nope\npaginate: 0\n").unwrap_err();
        assert_eq!(err.error_count(), 3, "{err}");
    }
}
