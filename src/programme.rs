//! What a CPD blog writes about: the programme's numbered Things (cpd23 built in) and the
//! registry of professional networks, with canonical names, fixed slugs, home pages and
//! aliases. Both start from built-in data and are extended by `site.yaml`.
//!
//! This module resolves names; it does not read posts.

use std::collections::{BTreeMap, HashMap};

use crate::config::{CPD23_THING_COUNT, ProgrammeChoice, SiteConfig};
use crate::diagnostic::Diagnostics;
use crate::text::{is_whole_word, slugify};

mod file;

/// The 23 Things of cpd23's 2011 run, in order.
pub const CPD23_THINGS: [&str; CPD23_THING_COUNT] = [
    "Blogging",
    "Explore other blogs",
    "Consider your personal brand",
    "Current awareness: RSS, Twitter and Pushnote",
    "Reflective practice",
    "Online networks",
    "Face-to-face networks and professional organisations",
    "Google Calendar",
    "Evernote",
    "Graduate traineeships, Masters degrees, Chartership and accreditation",
    "Mentoring",
    "Putting the social into social media",
    "Google Docs, wikis and Dropbox",
    "Zotero, Mendeley and CiteULike",
    "Attending, presenting at and organising events",
    "Advocacy, speaking up for the profession and getting published",
    "Prezi and Slideshare",
    "Screencasts and podcasts",
    "Integrating the Things",
    "Library Routes",
    "Promoting yourself in job applications and at interview",
    "Volunteering to get experience",
    "Reflection and what next",
];

/// What each of cpd23's Things asked participants to do, one sentence each, in order: the
/// Thing's page says it under its title.
pub const CPD23_DESCRIPTIONS: [&str; CPD23_THING_COUNT] = [
    "Set up a blog to record your progress through the programme, and write a first post about yourself and what you hope to gain.",
    "Read and comment on other participants' blogs, and find blogs in the profession worth following.",
    "Search for yourself online and think about the professional identity you present, aiming for one consistent brand.",
    "Try tools for keeping up to date: subscribe to feeds in an RSS reader, join Twitter, and try Pushnote for commenting on web pages.",
    "Learn what reflective practice is, and write a post reflecting on what the programme has taught you so far.",
    "Explore professional networks online, such as LinkedIn, Facebook, LISNPN and CILIP Communities, and decide which are worth joining.",
    "Look at professional organisations and in-person events, and consider which to join or go to for networking.",
    "Try Google Calendar for planning your time and sharing a schedule with others.",
    "Try Evernote for capturing and organising notes, web pages and ideas in one place.",
    "Look at the routes into and through the profession: graduate traineeships, library and information Masters, Chartership and other accreditation.",
    "Think about what a mentor can offer, the formal and informal schemes there are, and whether to find or be a mentor.",
    "Reflect on how social media builds connections and community, not only a stream of updates.",
    "Try tools for working together on documents: Google Docs, a wiki and Dropbox.",
    "Try reference managers for collecting, organising and citing sources: Zotero, Mendeley and CiteULike.",
    "Reflect on going to conferences and other events, presenting at them and organising them.",
    "Consider how to speak up for libraries and the profession, and how to get your own writing published.",
    "Try Prezi for making presentations and Slideshare for sharing them online.",
    "Try recording a screencast, and think about how podcasts could be used in your work.",
    "Take stock of the tools the programme introduced, and decide which to make part of your working routine.",
    "Write about your own route into the profession for the Library Routes project.",
    "Work out how to present your skills and experience in job applications and at interview.",
    "Consider volunteering, placements and internships as ways to gain experience.",
    "Look back over the whole programme and write a plan for your professional development from here.",
];

/// The numbered Things a site's posts may reflect on.
#[derive(Debug, Clone)]
pub struct Programme {
    /// The programme's id as written in site.yaml (`cpd23`), for messages.
    pub id: String,
    /// The programme's display name, if it has one.
    pub name: Option<String>,
    things: BTreeMap<u32, String>,
    /// One sentence on what each Thing asks, for the Things that have one.
    descriptions: BTreeMap<u32, String>,
    /// How many Things the programme itself has (cpd23: 23); Things site.yaml adds beyond
    /// them are bonus Things, which do not count against progress.
    core: usize,
    /// The last of the programme's own Things; numbers above it are bonus Things.
    bonus_from: Option<u32>,
}

impl Programme {
    /// The built-in programme named in the config, extended or renamed by its `things`.
    pub fn from_config(config: &SiteConfig) -> Self {
        let numbered = |texts: &[&str]| -> BTreeMap<u32, String> {
            texts.iter().enumerate().map(|(i, t)| (i as u32 + 1, t.to_string())).collect()
        };
        let (name, things, descriptions) = match &config.programme {
            ProgrammeChoice::Cpd23 => (
                Some("23 Things for Professional Development".to_string()),
                numbered(&CPD23_THINGS),
                numbered(&CPD23_DESCRIPTIONS),
            ),
            ProgrammeChoice::None | ProgrammeChoice::File(_) => (None, BTreeMap::new(), BTreeMap::new()),
        };
        Self::with_things(config, name, things, descriptions)
    }

    /// A programme of these Things, extended or renamed by site.yaml's `things`.
    fn with_things(
        config: &SiteConfig,
        name: Option<String>,
        mut things: BTreeMap<u32, String>,
        mut descriptions: BTreeMap<u32, String>,
    ) -> Self {
        let built_in: Vec<u32> = things.keys().copied().collect();
        for (number, thing) in &config.things {
            // A title alone renames the Thing and keeps its description (config checked
            // that a Thing the programme lacks has a title).
            if let Some(title) = &thing.title {
                things.insert(*number, title.trim().to_string());
            }
            if let Some(description) = &thing.description {
                descriptions.insert(*number, description.clone());
            }
        }
        // Without a built-in programme, the Things of site.yaml are the programme.
        let core = if built_in.is_empty() { things.len() } else { built_in.len() };
        let core_numbers: Vec<u32> = if built_in.is_empty() { things.keys().copied().collect() } else { built_in };
        let bonus_from = core_numbers.last().copied();
        Self { id: config.programme.id().to_string(), name, things, descriptions, core, bonus_from }
    }

    /// How many Things progress is counted against: the programme's own, not bonus ones.
    pub fn core_len(&self) -> usize {
        self.core
    }

    /// True for a Thing added beyond the programme's own (`24: "Bonus: Mastodon"`).
    pub fn is_bonus(&self, number: u32) -> bool {
        self.bonus_from.is_some_and(|last| number > last)
    }

    /// The title of Thing `number`, if the programme has it.
    pub fn title(&self, number: u32) -> Option<&str> {
        self.things.get(&number).map(String::as_str)
    }

    /// What Thing `number` asks, in a sentence, when the programme or site.yaml says.
    pub fn description(&self, number: u32) -> Option<&str> {
        self.descriptions.get(&number).map(String::as_str)
    }

    /// Every Thing, in number order.
    pub fn things(&self) -> impl Iterator<Item = (u32, &str)> {
        self.things.iter().map(|(n, t)| (*n, t.as_str()))
    }

    /// How many Things there are.
    pub fn len(&self) -> usize {
        self.things.len()
    }

    /// True for a programme with no Things (`programme: none` and no `things`).
    pub fn is_empty(&self) -> bool {
        self.things.is_empty()
    }

    /// The valid numbers, for error messages: `1-23`, `1-24` or `1-23, 30`.
    pub fn range_text(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut numbers = self.things.keys().copied().peekable();
        while let Some(start) = numbers.next() {
            let mut end = start;
            while numbers.peek() == Some(&(end + 1)) {
                end = numbers.next().unwrap_or(end);
            }
            parts.push(if start == end { start.to_string() } else { format!("{start}-{end}") });
        }
        if parts.is_empty() { "none defined".into() } else { parts.join(", ") }
    }

    /// "Thing 6: Online networks".
    pub fn label(&self, number: u32) -> String {
        match self.title(number) {
            Some(title) => format!("Thing {number}: {title}"),
            None => format!("Thing {number}"),
        }
    }
}

/// A professional network posts can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    /// The name shown on pages, whatever alias a post used.
    pub name: String,
    /// Its fixed URL segment under `networks/`.
    pub slug: String,
    /// Its home page, for the network's page.
    pub homepage: Option<String>,
    /// Other names it is known by.
    pub aliases: Vec<String>,
}

impl Network {
    /// The names a mention may use: the canonical name and the aliases of three letters or
    /// more (X is too ambiguous to look for in prose).
    pub fn spellings(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&self.name).chain(&self.aliases).map(String::as_str).filter(|s| s.chars().count() >= 3)
    }
}

/// Built-in networks: (name, slug, homepage, aliases).
const BUILT_IN_NETWORKS: &[(&str, &str, &str, &[&str])] = &[
    ("Twitter", "twitter", "https://twitter.com/", &["X", "X (Twitter)", "Twitter/X", "X.com"]),
    ("LinkedIn", "linkedin", "https://www.linkedin.com/", &[]),
    ("Facebook", "facebook", "https://www.facebook.com/", &[]),
    ("LISNPN", "lisnpn", "https://www.lisnpn.spruz.com/", &["LIS New Professionals Network", "LIS NPN"]),
    ("CILIP Communities", "cilip-communities", "https://www.cilip.org.uk/", &["CILIP Community"]),
    ("Google+", "google-plus", "", &["Google Plus", "G+", "Google+ (Google Plus)"]),
    ("MySpace", "myspace", "https://myspace.com/", &["My Space"]),
    ("Mastodon", "mastodon", "https://joinmastodon.org/", &["the fediverse", "Fediverse"]),
    ("Bluesky", "bluesky", "https://bsky.app/", &["Bluesky Social", "bsky"]),
    ("Instagram", "instagram", "https://www.instagram.com/", &[]),
    ("YouTube", "youtube", "https://www.youtube.com/", &["You Tube"]),
    ("Slack", "slack", "https://slack.com/", &[]),
    ("LATNetwork", "latnetwork", "", &["LAT Network"]),
];

/// Networks by canonical name and alias, matched case-insensitively.
#[derive(Debug, Clone)]
pub struct NetworkRegistry {
    networks: Vec<Network>,
    by_name: HashMap<String, usize>,
    /// Finds names and aliases in text in one pass, with the network of each pattern; built
    /// on first use.
    mention_finder: std::sync::OnceLock<Option<(aho_corasick::AhoCorasick, Vec<usize>)>>,
}

impl NetworkRegistry {
    /// The built-in networks extended by `site.yaml`'s `networks`. Two networks claiming the
    /// same name or alias is an error, since a post's mention would be ambiguous.
    pub fn from_config(config: &SiteConfig) -> Result<Self, Diagnostics> {
        let mut registry =
            Self { networks: Vec::new(), by_name: HashMap::new(), mention_finder: std::sync::OnceLock::new() };
        let mut problems = Diagnostics::default();
        for (name, slug, homepage, aliases) in BUILT_IN_NETWORKS {
            let homepage = (!homepage.is_empty()).then(|| homepage.to_string());
            registry.networks.push(Network {
                name: name.to_string(),
                slug: slug.to_string(),
                homepage,
                aliases: aliases.iter().map(|a| a.to_string()).collect(),
            });
        }
        for entry in &config.networks {
            let name = entry.name.trim();
            let existing = registry.networks.iter().position(|n| n.name.eq_ignore_ascii_case(name));
            let index = existing.unwrap_or_else(|| {
                registry.networks.push(Network {
                    name: name.to_string(),
                    slug: slugify(name),
                    homepage: None,
                    aliases: Vec::new(),
                });
                registry.networks.len() - 1
            });
            let network = &mut registry.networks[index];
            if entry.url.is_some() {
                network.homepage.clone_from(&entry.url);
            }
            network.aliases.extend(entry.aliases.iter().map(|a| a.trim().to_string()));
        }
        for (index, network) in registry.networks.iter().enumerate() {
            for name in std::iter::once(&network.name).chain(&network.aliases) {
                let key = name.to_lowercase();
                if let Some(&other) = registry.by_name.get(&key) {
                    if other != index {
                        problems.push(
                            crate::config::error_in_config(
                                &config.text,
                                "networks",
                                name,
                                format!(
                                    "`{name}` names two networks: {} and {}",
                                    registry.networks[other].name, network.name
                                ),
                            )
                            .with_hint("remove the alias from one of them"),
                        );
                    }
                    continue;
                }
                registry.by_name.insert(key, index);
            }
        }
        if problems.has_errors() { Err(problems) } else { Ok(registry) }
    }

    /// The network a post's name refers to, by canonical name or alias, in any case.
    pub fn resolve(&self, name: &str) -> Option<&Network> {
        self.by_name.get(&name.trim().to_lowercase()).map(|&i| &self.networks[i])
    }

    /// The network with this slug.
    pub fn by_slug(&self, slug: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.slug == slug)
    }

    /// Every known network.
    pub fn iter(&self) -> impl Iterator<Item = &Network> {
        self.networks.iter()
    }

    /// The first place in `text` where each network is named, by its name or an alias, in any
    /// case, as a whole word (names under three letters, such as X, are left out as too
    /// ambiguous): (byte offset, network), in network order. The import and the mention lint
    /// both ask this (or [`NetworkRegistry::every_mention`]), so they agree on what a mention is.
    pub fn mentions(&self, text: &str) -> Vec<(usize, &Network)> {
        let mut first: Vec<Option<usize>> = vec![None; self.networks.len()];
        for (at, index) in self.every_mention(text) {
            first[index].get_or_insert(at);
        }
        first.into_iter().enumerate().filter_map(|(i, at)| Some((at?, &self.networks[i]))).collect()
    }

    /// Every mention in `text`: (byte offset, index of the network in [`NetworkRegistry::iter`]),
    /// in text order. One pass over the text (Aho-Corasick) whatever the number of networks.
    pub fn every_mention(&self, text: &str) -> Vec<(usize, usize)> {
        let finder = self.mention_finder.get_or_init(|| {
            let spellings: Vec<(usize, &str)> =
                self.networks.iter().enumerate().flat_map(|(i, n)| n.spellings().map(move |s| (i, s))).collect();
            // Lower-case patterns searched in lower-cased text: the same matches as a
            // case-insensitive search, and a good deal faster (its SIMD prefilter works).
            let finder = aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(spellings.iter().map(|(_, s)| s.to_ascii_lowercase()))
                .ok()?;
            Some((finder, spellings.into_iter().map(|(i, _)| i).collect()))
        });
        let Some((finder, owners)) = finder else { return Vec::new() };
        let lower = text.to_ascii_lowercase();
        finder
            .find_iter(&lower)
            .filter(|found| is_whole_word(text, found.start(), found.end()))
            .map(|found| (found.start(), owners[found.pattern().as_usize()]))
            .collect()
    }

    /// The network at `index` of [`NetworkRegistry::iter`].
    pub fn get(&self, index: usize) -> &Network {
        &self.networks[index]
    }

    /// Every canonical name and alias, for "did you mean" suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.networks.iter().flat_map(|n| std::iter::once(n.name.as_str()).chain(n.aliases.iter().map(String::as_str)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &str) -> SiteConfig {
        SiteConfig::parse(&format!("title: T\nbase_url: https://x.org/\n{extra}")).unwrap()
    }

    #[test]
    fn cpd23_has_23_things_and_config_extends_it() {
        let p = Programme::from_config(&config("things:\n  24: \"Bonus: Mastodon\"\n  6: Networks online\n"));
        assert_eq!(p.len(), 24);
        assert_eq!(p.label(6), "Thing 6: Networks online");
        assert_eq!(p.label(23), "Thing 23: Reflection and what next");
        assert_eq!(p.range_text(), "1-24");
        assert_eq!(Programme::from_config(&config("programme: none\n")).range_text(), "none defined");
        assert!(p.description(6).unwrap().contains("LinkedIn"), "a renamed Thing keeps its description");
        assert_eq!(p.description(24), None);
    }

    #[test]
    fn things_may_be_described_in_site_yaml() {
        let p = Programme::from_config(&config(
            "things:\n  6: {description: \"Join LinkedIn.\"}\n  24: {title: Mastodon, description: \"Try the fediverse.\"}\n",
        ));
        assert_eq!((p.label(6).as_str(), p.description(6)), ("Thing 6: Online networks", Some("Join LinkedIn.")));
        assert_eq!((p.label(24).as_str(), p.description(24)), ("Thing 24: Mastodon", Some("Try the fediverse.")));
        assert!(CPD23_DESCRIPTIONS.iter().all(|d| d.ends_with('.') && !d.contains('\n')));
        let untitled = SiteConfig::parse("title: T\nbase_url: https://x.org/\nthings:\n  24: {description: x}\n");
        assert!(untitled.unwrap_err().to_string().contains("Thing 24 needs a number from 1 and a title"));
    }

    #[test]
    fn networks_resolve_by_alias_in_any_case() {
        let r = NetworkRegistry::from_config(&config(
            "networks:\n  - name: linkedin\n    aliases: [Linked In]\n  - name: UKeiG\n    url: https://ukeig.example.org/\n",
        ))
        .unwrap();
        assert_eq!(r.resolve("x").unwrap().name, "Twitter");
        assert_eq!(r.resolve("LINKED IN").unwrap().slug, "linkedin");
        assert_eq!(r.resolve("google plus").unwrap().slug, "google-plus");
        assert_eq!(r.resolve("ukeig").unwrap().slug, "ukeig");
        assert!(r.resolve("Friendster").is_none());
    }

    #[test]
    fn ambiguous_alias_is_an_error() {
        let err =
            NetworkRegistry::from_config(&config("networks:\n  - name: Threads\n    aliases: [X]\n")).unwrap_err();
        assert!(err.to_string().contains("`X` names two networks: Twitter and Threads"), "{err}");
    }
}
