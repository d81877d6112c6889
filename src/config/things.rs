//! A Thing as site.yaml's `things:` and a programme file write it: a title, or `{title,
//! description}`, read as it comes so a mistake inside is told at its own place; and a
//! network as `networks:` declares it.

use serde::{Deserialize, Deserializer};

use super::social;

/// A Thing as site.yaml adds or changes it: `24: "Bonus: Mastodon"` (a title), or
/// `6: {title: …, description: …}`, either key optional for a Thing the programme has.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThingConfig {
    /// Its title; none keeps the programme's own.
    pub title: Option<String>,
    /// One sentence on what the Thing asks; none keeps the programme's own.
    pub description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FullThing {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

impl<'de> Deserialize<'de> for ThingConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ThingVisitor)
    }
}

/// Reads a Thing as it comes, not buffered: a mistake inside `{title, description}` (an
/// unknown key) is then told in the parser's words, at its own place.
struct ThingVisitor;

impl<'de> serde::de::Visitor<'de> for ThingVisitor {
    type Value = ThingConfig;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a Thing: a title, or a mapping `{title: \"…\", description: \"…\"}`")
    }

    fn visit_str<E: serde::de::Error>(self, title: &str) -> Result<ThingConfig, E> {
        Ok(ThingConfig { title: social::non_empty(Some(title.to_string())), description: None })
    }

    fn visit_i64<E: serde::de::Error>(self, title: i64) -> Result<ThingConfig, E> {
        self.visit_str(&title.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, title: u64) -> Result<ThingConfig, E> {
        self.visit_str(&title.to_string())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<ThingConfig, A::Error> {
        let full = FullThing::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(ThingConfig { title: social::non_empty(full.title), description: social::non_empty(full.description) })
    }
}
/// A network declared in `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// Canonical name; if it names a built-in network, the entry extends it.
    pub name: String,
    /// The network's home page.
    #[serde(default)]
    pub url: Option<String>,
    /// Other names posts may use for it.
    #[serde(default)]
    pub aliases: Vec<String>,
}
