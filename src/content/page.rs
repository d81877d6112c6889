//! Standalone pages (`pages/about.md`): About me, My CPD plan. Markdown with a little
//! frontmatter (a title, optionally a slug, a place in the menu, draft, old addresses); built at
//! `/SLUG/`, listed in the sitemap and the menu, never in feeds or post lists.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::fields::{DRAFT, Fields, Key, SUMMARY};
use super::{PostDate, Text, slug_from_file_name};
use crate::diagnostic::Diagnostics;
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
    pub image: Option<crate::config::Image>,
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

/// The keys a page's frontmatter may hold.
const KNOWN: &[&str] = &["title", "slug", "menu", "draft", "date", "aliases", "summary", "image"];

const TITLE: Key = Key { names: &["title"], wants: "text", hint: "add a line such as: title: About me" };
const SLUG: Key =
    Key { names: &["slug"], wants: "text", hint: "write a short slug of letters, digits and dashes, e.g. slug: about" };
const MENU: Key = Key {
    names: &["menu"],
    wants: "a place in the menu",
    hint: "write the page's place in the menu, e.g. menu: 2, or its label and place: menu: {label: About, order: 2}",
};

impl SitePage {
    /// Builds a page from a file's text, reporting every problem with its position: each key
    /// is checked on its own, as in a post.
    pub fn from_source(source: &Path, text: &str) -> Result<Self, Diagnostics> {
        let mut fields = Fields::read(source, text, KNOWN)?;
        let title = fields.take::<Text>(&TITLE).map(|t| t.0.trim().to_string()).unwrap_or_default();
        if title.is_empty() {
            fields.missing(&TITLE, "a page needs a non-empty `title`".into(), TITLE.hint);
        }
        let slug = match fields.take::<Text>(&SLUG) {
            Some(written) => slugify(written.0.trim()),
            None => slug_from_file_name(source),
        };
        if slug.is_empty() || slug.len() > MAX_SLUG {
            fields.error_at(&SLUG, format!("`{slug}` cannot be this page's address"), SLUG.hint);
        }
        let date = fields.take_date().flatten();
        let aliases = fields.take_aliases();
        let menu = fields.take::<RawMenu>(&MENU).map(|menu| match menu {
            RawMenu::Order(order) => MenuPlace { label: title.clone(), order },
            RawMenu::Full { label, order } => {
                let label = label.map(|l| l.0.trim().to_string()).filter(|l| !l.is_empty());
                MenuPlace { label: label.unwrap_or_else(|| title.clone()), order }
            }
        });
        let draft = fields.take::<bool>(&DRAFT).unwrap_or(false);
        let _ = fields.take::<Text>(&SUMMARY);
        let image = fields.take_image();
        let body = fields.split.body.to_string();
        let page = Self { source: source.to_path_buf(), slug, title, menu, draft, date, aliases, image, body };
        fields.finish(Some(page))
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

    #[test]
    fn every_mistake_in_a_page_is_reported_at_once() {
        let text = "---\ntitel: About me\nmenu: first\ndraft: maybe\ndate: 2011-02-30\n---\n";
        let err = SitePage::from_source(Path::new("pages/x.md"), text).unwrap_err();
        let found: Vec<String> = err.iter().map(|d| format!("{}: {}", d.location().unwrap(), d.message)).collect();
        assert_eq!(
            found,
            [
                "pages/x.md:2:1: unknown key `titel`",
                "pages/x.md:3:7: `menu` must be a place in the menu, not `first`",
                "pages/x.md:4:8: `draft` must be true or false, not `maybe`",
                "pages/x.md:5:7: invalid date: `2011-02-30` has day 30, but February 2011 has 28 days",
            ]
        );
    }
}
