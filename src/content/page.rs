//! Standalone pages (`pages/about.md`): About me, My CPD plan. Markdown with a little
//! frontmatter (a title, optionally a slug, a place in the menu, draft, old addresses); built at
//! `/SLUG/`, listed in the sitemap and the menu, never in feeds or post lists.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::frontmatter::{self, Split};
use super::{PostDate, Text, slug_from_file_name};
use crate::config::Image;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::route::Route;
use crate::text::{MAX_SLUG, slugify};
use crate::yaml;

/// Where a page goes in the site's menu.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MenuPlace {
    /// The link text; the page's title when not given.
    pub label: String,
    /// Lower first.
    pub order: i64,
}

/// A standalone page, validated.
#[derive(Debug, Clone, Hash)]
pub struct SitePage {
    /// The file, relative to the site (`pages/about.md`).
    pub source: PathBuf,
    /// Its address: `/SLUG/`.
    pub slug: String,
    /// Title as written.
    pub title: String,
    /// Its place in the menu, if it has one.
    pub menu: Option<MenuPlace>,
    /// Built only with `--drafts`.
    pub draft: bool,
    /// When it was written or last revised, if it says.
    pub date: Option<PostDate>,
    /// Old addresses, each a redirect to this page.
    pub aliases: Vec<Route>,
    /// The image of its social card, if it has its own.
    pub image: Option<Image>,
    /// The Markdown body.
    pub body: String,
}

/// `menu:` as written: an order, or a label and an order.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawMenu {
    Order(i64),
    Full {
        label: Option<Text>,
        #[serde(default)]
        order: i64,
    },
}

/// A page's frontmatter as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPageFrontmatter {
    title: Option<Text>,
    #[serde(default)]
    slug: Option<Text>,
    #[serde(default)]
    menu: Option<RawMenu>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    date: Option<Text>,
    #[serde(default)]
    aliases: Vec<Text>,
    #[serde(default)]
    summary: Option<Text>,
    #[serde(default)]
    image: Option<Image>,
}

/// A page's frontmatter as cpdblog writes it (`import`); the reader reads it back to the same
/// page (a test holds it to that).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct WrittenPage {
    /// The page's title.
    pub title: String,
    /// Its place in the menu, by order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub menu: Option<i64>,
    /// Built only with `--drafts`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// Old addresses that redirect here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl WrittenPage {
    /// The whole page file: this frontmatter between `---` lines, then `body`.
    pub fn to_file(&self, body: &str) -> Result<String, String> {
        Ok(format!("---\n{}---\n{body}", yaml::to_string(self)?))
    }
}

impl SitePage {
    /// Builds a page from a file's text, reporting every problem with its position.
    pub fn from_source(source: &Path, text: &str) -> Result<Self, Diagnostics> {
        let split = frontmatter::split(text).map_err(|e| {
            Diagnostics::from(Diagnostic::error(e.message).at(source, e.line, 1).with_source(text).with_hint(e.hint))
        })?;
        let raw: RawPageFrontmatter = yaml::parse(split.yaml, split.yaml_line).map_err(|e| {
            let mut d = Diagnostic::error(e.message).at(source, e.line, e.column).with_source(text);
            d.hint = e.hint;
            Diagnostics::from(d)
        })?;
        let mut problems = Diagnostics::default();
        let mut error_at = |key: &str, message: String, hint: &str| {
            let (line, column) = yaml::key_position(split.yaml, key, split.yaml_line).unwrap_or((1, 1));
            problems.push(Diagnostic::error(message).at(source, line, column).with_source(text).with_hint(hint));
        };
        let title = raw.title.map(|t| t.0.trim().to_string()).unwrap_or_default();
        if title.is_empty() {
            error_at("title", "a page needs a non-empty `title`".into(), "add a line such as: title: About me");
        }
        let slug = match &raw.slug {
            Some(written) => slugify(written.0.trim()),
            None => slug_from_file_name(source),
        };
        if slug.is_empty() || slug.len() > MAX_SLUG {
            let message = format!("`{slug}` cannot be this page's address");
            error_at("slug", message, "write a short slug of letters, digits and dashes, e.g. slug: about");
        }
        let date = match raw.date.as_ref().map(|d| PostDate::parse(&d.0)) {
            Some(Err(why)) => {
                error_at("date", format!("invalid date: {why}"), "write YYYY-MM-DD");
                None
            }
            Some(Ok(date)) => Some(date),
            None => None,
        };
        let mut aliases = Vec::new();
        for written in &raw.aliases {
            match Route::alias(&written.0) {
                Ok(route) => aliases.push(route),
                Err(why) => error_at("aliases", why, "an alias is the old address: /2011/07/18/about-me/"),
            }
        }
        if let Some(problem) = raw.image.as_ref().and_then(Image::problem) {
            error_at("image", problem, "image: images/card.png (a file of static/), or an https:// URL");
        }
        let menu = raw.menu.map(|menu| match menu {
            RawMenu::Order(order) => MenuPlace { label: title.clone(), order },
            RawMenu::Full { label, order } => {
                let label = label.map(|l| l.0.trim().to_string()).filter(|l| !l.is_empty());
                MenuPlace { label: label.unwrap_or_else(|| title.clone()), order }
            }
        });
        if problems.has_errors() {
            return Err(problems);
        }
        let Split { body, .. } = split;
        let _ = raw.summary;
        Ok(Self {
            source: source.to_path_buf(),
            slug,
            title,
            menu,
            draft: raw.draft,
            date,
            aliases,
            image: raw.image,
            body: body.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_with_its_menu_place_and_old_addresses() {
        let text = "---\ntitle: About me\nmenu: {label: About, order: 2}\naliases: [\"https://old.example.org/about-me/\", /about.html]\n---\nHello.\n";
        let page = SitePage::from_source(Path::new("pages/about.md"), text).unwrap();
        assert_eq!(page.slug, "about");
        assert_eq!(page.menu, Some(MenuPlace { label: "About".into(), order: 2 }));
        let files: Vec<String> = page.aliases.iter().map(Route::file).collect();
        assert_eq!(files, ["about-me/index.html", "about.html"]);
        assert_eq!(page.body, "Hello.\n");
    }

    #[test]
    fn what_import_writes_reads_back_to_the_same_page() {
        let written = WrittenPage {
            title: "About: me & \"my\" CPD".into(),
            menu: Some(3),
            draft: true,
            aliases: vec!["https://old.example.org/about/".into()],
        };
        let page = SitePage::from_source(Path::new("pages/about.md"), &written.to_file("Hi.\n").unwrap()).unwrap();
        assert_eq!(page.title, written.title);
        assert_eq!(page.menu, Some(MenuPlace { label: written.title.clone(), order: 3 }));
        assert!(page.draft);
        assert_eq!(page.aliases, [Route::Alias("about/".into())]);
        assert_eq!(page.body, "Hi.\n");
    }

    #[test]
    fn problems_are_placed() {
        let text = "---\ntitle: ''\naliases: [\"/a/../../etc/\"]\n---\n";
        let err = SitePage::from_source(Path::new("pages/x.md"), text).unwrap_err().to_string();
        assert!(err.contains("pages/x.md:2:8: error: a page needs a non-empty `title`"), "{err}");
        assert!(err.contains("pages/x.md:3:10: error: alias `/a/../../etc/` must not contain"), "{err}");
    }
}
