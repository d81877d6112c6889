//! How a site shows itself when shared, and who writes it: the image of a social card
//! (`image:` in site.yaml and in a post's or page's frontmatter) and the author (`author:`,
//! a name or a short profile). Both are read here into types, with their checks; the
//! addresses they hold are resolved against the site's [`BaseUrl`] here too, so templates
//! never join URLs themselves.
//!
//! This module knows nothing of pages or templates.

use serde::{Deserialize, Deserializer};

use super::BaseUrl;
use crate::text::is_web_url;

/// An image: `image: images/card.png` or `image: {src: images/card.png, alt: "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Image {
    /// A path of the site (`images/card.png`, `/images/card.png`) or an http(s) URL.
    pub src: String,
    /// What the image shows, for readers who cannot see it.
    pub alt: Option<String>,
}

/// A value of site.yaml or frontmatter written short (one string) or in full (a mapping).
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum ShortOrFull<F> {
    Short(String),
    Full(F),
}

impl<'de, F: Deserialize<'de>> ShortOrFull<F> {
    /// Reads either form; anything else is an error saying `expected` (serde's own message
    /// for an untagged enum names no form).
    pub(super) fn read<D: Deserializer<'de>>(deserializer: D, expected: &'static str) -> Result<Self, D::Error> {
        Self::deserialize(deserializer).map_err(|_| serde::de::Error::custom(expected))
    }
}

/// `text` trimmed, or none when that leaves nothing.
pub(super) fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FullImage {
    src: String,
    #[serde(default)]
    alt: Option<String>,
}

impl<'de> Deserialize<'de> for Image {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let expected = "an image is a path or URL, or a mapping `{src: PATH, alt: \"what it shows\"}`";
        Ok(match ShortOrFull::read(deserializer, expected)? {
            ShortOrFull::Short(src) => Self { src, alt: None },
            ShortOrFull::Full(FullImage { src, alt }) => Self { src, alt: non_empty(alt) },
        })
    }
}

impl Image {
    /// Why `src` cannot be used, if it cannot: it must be an http(s) URL or a path of the site.
    pub fn problem(&self) -> Option<String> {
        let src = self.src.trim();
        if src.is_empty() {
            return Some("an image needs an address: a path such as images/card.png, or an https:// URL".into());
        }
        let local = !src.contains(':') && !src.starts_with("//") && !src.contains('\\');
        let clean = !src.contains(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>');
        if !(is_web_url(src) || local) || !clean {
            return Some(format!("image `{src}` must be a path of this site (images/card.png) or an http(s) URL"));
        }
        if local && src.split('/').any(|segment| segment == "..") {
            return Some(format!("image `{src}` must not contain `..`: write its path from the site's root"));
        }
        None
    }

    /// The output path of a local image (`images/card.png`), to check that the site has it;
    /// none for an image on another site. A path is read from the site's root, with or
    /// without the base path.
    pub fn local_path(&self, base: &BaseUrl) -> Option<String> {
        let src = self.src.trim();
        if let Some(rest) = src.strip_prefix(&base.absolute) {
            return Some(rest.split(['?', '#']).next().unwrap_or_default().to_string());
        }
        if is_web_url(src) {
            return None;
        }
        let rooted = src.trim_start_matches('/');
        let inside = rooted.strip_prefix(base.path.trim_start_matches('/')).filter(|_| src.starts_with('/'));
        let path = inside.unwrap_or(rooted);
        Some(path.split(['?', '#']).next().unwrap_or_default().to_string())
    }

    /// The URL a page shows the image at: path-absolute for a path of the site
    /// (`/cpd/images/avatar.svg`), an http(s) URL as written.
    pub fn site_url(&self, base: &BaseUrl) -> String {
        let src = self.src.trim();
        match self.local_path(base) {
            Some(path) if !is_web_url(src) => base.path(&path),
            _ => src.to_string(),
        }
    }

    /// The absolute URL a social card needs: an http(s) URL as written, a path of the site
    /// resolved against `base` (`images/card.png` → `https://alex.github.io/cpd/images/card.png`).
    pub fn absolute_url(&self, base: &BaseUrl) -> String {
        let src = self.src.trim();
        match self.local_path(base) {
            Some(path) if !is_web_url(src) => base.absolute(&path),
            _ => src.to_string(),
        }
    }
}

/// The writer: `author: Alex Example`, or a short profile with a bio, an avatar and links to
/// their profiles elsewhere (Mastodon, LinkedIn…).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Author {
    /// Their name, for pages, `<meta name="author">` and feeds.
    pub name: String,
    /// A sentence or two about them.
    pub bio: Option<String>,
    /// Their picture: a path of the site or an http(s) URL.
    pub avatar: Option<Image>,
    /// Their profiles elsewhere, in order.
    pub links: Vec<AuthorLink>,
}

/// A link to one of the author's profiles elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorLink {
    /// The link text (`Mastodon`).
    pub label: String,
    /// The profile's address: http(s) or mailto.
    pub url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    name: String,
    #[serde(default)]
    bio: Option<String>,
    #[serde(default)]
    avatar: Option<Image>,
    #[serde(default)]
    links: Vec<AuthorLink>,
}

impl<'de> Deserialize<'de> for Author {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let expected = "author is a name, or a mapping with `name` and optionally `bio`, `avatar` and `links` (a list of `{label, url}`)";
        Ok(match ShortOrFull::<Profile>::read(deserializer, expected)? {
            ShortOrFull::Short(name) => Self { name, bio: None, avatar: None, links: Vec::new() },
            ShortOrFull::Full(p) => Self { name: p.name, bio: non_empty(p.bio), avatar: p.avatar, links: p.links },
        })
    }
}

impl Author {
    /// Every problem with the profile, each a message and a hint.
    pub fn problems(&self) -> Vec<(String, &'static str)> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(("the author needs a name".to_string(), "author: {name: Alex Example, bio: \"…\"}"));
        }
        if let Some(problem) = self.avatar.as_ref().and_then(Image::problem) {
            problems.push((format!("avatar: {problem}"), "avatar: images/avatar.svg (a file of static/)"));
        }
        for link in &self.links {
            let hint = "links: [{label: Mastodon, url: \"https://mastodon.social/@alex\"}]";
            if link.label.trim().is_empty() {
                problems.push((format!("the author's link to `{}` needs a label", link.url), hint));
            }
            let url = link.url.trim();
            if !(is_web_url(url) || url.starts_with("mailto:")) {
                problems.push((format!("the author's link `{url}` must be an http(s) or mailto: URL"), hint));
            }
        }
        problems
    }

    /// True when there is more to show than a name: a bio, an avatar or links.
    pub fn has_profile(&self) -> bool {
        self.bio.is_some() || self.avatar.is_some() || !self.links.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_resolve_against_the_base_url() {
        let base = BaseUrl::parse("https://alex.github.io/cpd/").unwrap();
        let image = |src: &str| Image { src: src.into(), alt: None };
        for src in ["images/card.png", "/images/card.png", "/cpd/images/card.png"] {
            assert_eq!(image(src).absolute_url(&base), "https://alex.github.io/cpd/images/card.png", "{src}");
            assert_eq!(image(src).local_path(&base).as_deref(), Some("images/card.png"), "{src}");
        }
        let elsewhere = image("https://cdn.example.org/card.png");
        assert_eq!(elsewhere.absolute_url(&base), "https://cdn.example.org/card.png");
        assert_eq!(elsewhere.local_path(&base), None);
        assert_eq!(image("https://alex.github.io/cpd/a.png").local_path(&base).as_deref(), Some("a.png"));
        assert!(image("javascript:alert(1)").problem().is_some());
        assert!(image("../secret.png").problem().is_some());
        assert!(image("").problem().is_some());
        assert!(image("images/card.png").problem().is_none());
    }
}
