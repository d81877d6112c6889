//! A programme of the site's own: `programme: NAME` in site.yaml reads `programmes/NAME.yaml`,
//! a title and numbered Things, each a title or `{title, description}`, so writers of other
//! "23 Things" courses can use cpdblog. Its mistakes are errors at their line and column in
//! that file; a missing file is an error naming it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Programme;
use crate::config::{ProgrammeChoice, SiteConfig, ThingConfig};
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::layout::{self, PROGRAMMES_DIR};
use crate::yaml;

/// `programmes/NAME.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgrammeFile {
    /// The programme's name, shown on the Things page ("23 Things for Digital Knowledge").
    title: String,
    /// Number to title, or to `{title, description}`.
    things: BTreeMap<u32, ThingConfig>,
}

/// How to write a programme file, for hints.
const SHAPE: &str = "title: \"…\" and things: {1: \"Blogging\", 2: {title: \"…\", description: \"…\"}}";

impl Programme {
    /// The programme site.yaml names: built in (`cpd23`, `none`), or read from
    /// `programmes/NAME.yaml` in `site_dir`; either extended by site.yaml's `things`.
    pub fn load(site_dir: &Path, config: &SiteConfig) -> Result<Self, Diagnostics> {
        let ProgrammeChoice::File(name) = &config.programme else { return Ok(Self::from_config(config)) };
        let relative = Path::new(PROGRAMMES_DIR).join(format!("{name}.yaml"));
        let text = read(site_dir, &relative, name, &config.text)?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let file: ProgrammeFile = yaml::parse(text, 1).map_err(|e| {
            let mut d = e.in_file(&relative, text);
            d.hint = d.hint.or_else(|| Some(SHAPE.into()));
            Diagnostics::from(d)
        })?;
        let mut problems = Diagnostics::default();
        let mut at = |token: Option<&str>, message: String| {
            let place = token.and_then(|t| yaml::position_within(text, "things", 1, t, false));
            let (line, column) = place.or_else(|| yaml::key_position(text, "things", 1)).unwrap_or((1, 1));
            problems.push(Diagnostic::error(message).at(&relative, line, column).with_source(text).with_hint(SHAPE));
        };
        if file.things.is_empty() {
            at(None, format!("programme `{name}` has no Things"));
        }
        let mut things = BTreeMap::new();
        let mut descriptions = BTreeMap::new();
        for (number, thing) in file.things {
            match thing.title {
                Some(title) if number > 0 => {
                    things.insert(number, title);
                }
                _ => at(Some(&number.to_string()), format!("Thing {number} needs a number from 1 and a title")),
            }
            if let Some(description) = thing.description {
                descriptions.insert(number, description);
            }
        }
        for number in config.things.iter().filter(|(n, t)| t.title.is_none() && !things.contains_key(n)).map(|(n, _)| n)
        {
            problems.push(
                crate::config::error_in_config(
                    &config.text,
                    "things",
                    &number.to_string(),
                    format!(
                        "Thing {number} of site.yaml's `things:` needs a title: {} has no Thing {number}",
                        display_path(&relative)
                    ),
                )
                .with_hint("things: { 24: {title: \"Bonus: Mastodon\", description: \"…\"} }"),
            );
        }
        if problems.has_errors() {
            return Err(problems);
        }
        let title = file.title.trim();
        let title = (!title.is_empty()).then(|| title.to_string());
        Ok(Self::with_things(config, title.or_else(|| Some(name.clone())), things, descriptions))
    }
}

/// The text of the programme file, or an error naming it: missing, unreadable, or a link out
/// of the site.
fn read(site_dir: &Path, relative: &PathBuf, name: &str, config_text: &str) -> Result<String, Diagnostics> {
    let path = site_dir.join(relative);
    let shown = display_path(relative);
    if !path.is_file() {
        // Said at the line of site.yaml that names it.
        let message = format!("programme `{name}` needs the file {shown}, which is not there");
        let hint =
            format!("create {shown} with a title and the Things (see the README), or write programme: cpd23 or none");
        return Err(crate::config::error_in_config(config_text, "programme", name, message).with_hint(hint).into());
    }
    if !layout::inside(site_dir, &path).unwrap_or(false) {
        let d = Diagnostic::error("this programme file links outside the site, so it is not read").in_file(relative);
        return Err(d.with_hint("move the file into the site instead of linking to it").into());
    }
    std::fs::read_to_string(&path)
        .map_err(|e| Diagnostic::error(format!("cannot read {shown}: {e}")).in_file(relative).into())
}
