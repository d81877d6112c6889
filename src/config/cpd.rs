//! CPD record keeping in site.yaml: `cpd: {target_hours: 20}` (hours a year the writer aims
//! for) and `frameworks:` (what the writer is assessed against: areas with codes and titles,
//! each with optional criteria). Read and checked here into types, with [`Hours`], the
//! quantity posts and the portfolio count in.
//!
//! This module knows nothing of posts: it says which codes exist, not who cites them.

use std::fmt;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, closest};
use crate::layout::CONFIG_FILE;
use crate::yaml;

/// A number of hours, kept in hundredths of an hour, so that sums are exact and the same on
/// every machine (1.5 + 0.25 is 1.75, never 1.7499999).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hours(u32);

/// The most hours one activity may claim: more is a slip of the keyboard (`500`).
pub const MOST_HOURS_IN_ONE_ACTIVITY: u32 = 100;

/// The most hours a year has: a larger yearly target is a slip.
const HOURS_IN_A_YEAR: u32 = 8_760;

impl Hours {
    /// Reads a number of hours as written (`1.5`, `2`, `"0.75"`): the error says what is wrong
    /// in a writer's words, naming the value `what` ("cpd hours"). At most `most` hours.
    pub fn parse(written: &str, most: u32, what: &str) -> Result<Self, String> {
        let trimmed = written.trim();
        let value: f64 = trimmed
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("{what} `{trimmed}` is not a number"))?;
        if value <= 0.0 {
            return Err(format!("{what} must be more than 0, not {trimmed}"));
        }
        if value > f64::from(most) {
            return Err(format!("{what} {trimmed} is too many (at most {most})"));
        }
        let hundredths = (value * 100.0).round() as u32;
        if hundredths == 0 {
            return Err(format!("{what} {trimmed} rounds to 0 (hours are counted to two decimal places)"));
        }
        Ok(Self(hundredths))
    }

    /// Hours from hundredths of an hour.
    pub fn from_hundredths(hundredths: u32) -> Self {
        Self(hundredths)
    }

    /// Hundredths of an hour, for arithmetic and percentages.
    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// How far these hours fall short of `target`: none when they reach it.
    pub fn short_of(self, target: Hours) -> Option<Hours> {
        (self.0 < target.0).then(|| Hours(target.0 - self.0))
    }
}

impl std::ops::Add for Hours {
    type Output = Hours;
    fn add(self, other: Hours) -> Hours {
        Hours(self.0.saturating_add(other.0))
    }
}

impl std::iter::Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        iter.fold(Hours::default(), |a, b| a + b)
    }
}

impl fmt::Display for Hours {
    /// `1.5`, `20`, `0.25`: no trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, part) = (self.0 / 100, self.0 % 100);
        match part {
            0 => write!(f, "{whole}"),
            p if p % 10 == 0 => write!(f, "{whole}.{}", p / 10),
            p => write!(f, "{whole}.{p:02}"),
        }
    }
}

/// `cpd:` in site.yaml, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCpdSettings {
    /// Hours a year the writer aims for.
    #[serde(default)]
    target_hours: Option<f64>,
}

/// `cpd:` in site.yaml: what the portfolio measures hours against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CpdSettings {
    /// Hours a year the writer aims for (a professional body's requirement, say).
    pub target_hours: Option<Hours>,
}

/// A framework a writer is assessed against: `{name, areas: [{code, title, criteria}]}`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Its name, as a heading.
    pub name: String,
    /// Its areas, in the order written.
    pub areas: Vec<Area>,
}

/// An area of a framework (`PKSB-8: Information literacy`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// What posts write under `evidence:`.
    pub code: String,
    /// What it is called.
    pub title: String,
    /// Finer assessment criteria, each with its own code; optional.
    #[serde(default)]
    pub criteria: Vec<Criterion>,
}

/// An assessment criterion of an area (`PKSB-8.1`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// What posts write under `evidence:`.
    pub code: String,
    /// What it asks.
    pub title: String,
}

/// Where a code points: the framework, the area and perhaps the criterion, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodePlace {
    /// Index into [`Frameworks::iter`].
    pub framework: usize,
    /// Index into the framework's areas.
    pub area: usize,
    /// Index into the area's criteria, when the code is a criterion's.
    pub criterion: Option<usize>,
}

/// Every framework of site.yaml, with its codes (unique across all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Frameworks(Vec<Framework>);

impl Frameworks {
    /// The frameworks as written.
    pub fn new(frameworks: Vec<Framework>) -> Self {
        Self(frameworks)
    }

    /// Every framework, in the order written.
    pub fn iter(&self) -> impl Iterator<Item = &Framework> {
        self.0.iter()
    }

    /// True when site.yaml declares none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every code, areas before their criteria, in the order written.
    pub fn codes(&self) -> impl Iterator<Item = (&str, CodePlace)> {
        self.0.iter().enumerate().flat_map(|(f, framework)| {
            framework.areas.iter().enumerate().flat_map(move |(a, area)| {
                let own = std::iter::once((area.code.as_str(), CodePlace { framework: f, area: a, criterion: None }));
                let criteria = area.criteria.iter().enumerate().map(move |(c, criterion)| {
                    (criterion.code.as_str(), CodePlace { framework: f, area: a, criterion: Some(c) })
                });
                own.chain(criteria)
            })
        })
    }

    /// The code a post writes (in any case), as declared, and where it points.
    pub fn resolve(&self, written: &str) -> Option<(&str, CodePlace)> {
        let written = written.trim();
        self.codes().find(|(code, _)| code.eq_ignore_ascii_case(written))
    }

    /// The declared code closest to an unknown one, for "did you mean".
    pub fn closest(&self, written: &str) -> Option<&str> {
        closest(written, self.codes().map(|(code, _)| code))
    }
}

/// Types `cpd:` of site.yaml (`text`): the settings, or the problem with the target at its place.
pub(super) fn settings(raw: Option<RawCpdSettings>, text: &str) -> Result<CpdSettings, Diagnostic> {
    let Some(target) = raw.and_then(|raw| raw.target_hours) else { return Ok(CpdSettings::default()) };
    match Hours::parse(&target.to_string(), HOURS_IN_A_YEAR, "cpd.target_hours") {
        Ok(hours) => Ok(CpdSettings { target_hours: Some(hours) }),
        Err(why) => {
            let place = yaml::position_within(text, "cpd", 1, "target_hours", true);
            let (line, column) = place.or_else(|| yaml::key_position(text, "cpd", 1)).unwrap_or((1, 1));
            let hint = "the hours a year you aim for, e.g. target_hours: 20";
            Err(Diagnostic::error(why).at(CONFIG_FILE, line, column).with_source(text).with_hint(hint))
        }
    }
}

/// The problems of `frameworks:`: empty names and titles, codes that are not one word, and
/// codes declared twice, each at its place in site.yaml (`text`).
pub(super) fn framework_problems(frameworks: &Frameworks, text: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut at = |token: &str, message: String, hint: &str| {
        let place = yaml::position_within(text, "frameworks", 1, token, false)
            .or_else(|| yaml::key_position(text, "frameworks", 1));
        let (line, column) = place.unwrap_or((1, 1));
        problems.push(Diagnostic::error(message).at(CONFIG_FILE, line, column).with_source(text).with_hint(hint));
    };
    let shape = "frameworks: [{name: \"…\", areas: [{code: AREA-1, title: \"…\", criteria: [{code: AREA-1.1, title: \"…\"}]}]}]";
    for framework in frameworks.iter() {
        if framework.name.trim().is_empty() {
            at("name", "a framework needs a name".into(), shape);
        }
        if framework.areas.is_empty() {
            at(&framework.name, format!("framework `{}` has no areas", framework.name.trim()), shape);
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for (code, place) in frameworks.codes() {
        let area = &frameworks.0[place.framework].areas[place.area];
        let title = place.criterion.map_or(&area.title, |c| &area.criteria[c].title);
        if !is_code(code) {
            let message = format!("framework code `{code}` must be one word of letters, digits, `-`, `.` or `_`");
            at(code, message, "e.g. code: PKSB-8, and code: PKSB-8.1 for a criterion of it");
        } else if seen.iter().any(|s| s.eq_ignore_ascii_case(code)) {
            at(
                code,
                format!("framework code `{code}` is declared twice"),
                "each area and criterion needs its own code",
            );
        }
        if title.trim().is_empty() {
            at(code, format!("framework code `{code}` needs a title"), shape);
        }
        seen.push(code);
    }
    problems
}

/// A code is one short word: it is written in posts and becomes part of a page address.
fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        && code.chars().any(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_exact_and_shown_without_trailing_zeros() {
        let parse = |h: &str| Hours::parse(h, 100, "hours");
        let sum: Hours = ["1.5", "0.25", "2", "0.1"].iter().map(|h| parse(h).unwrap()).sum();
        assert_eq!(sum.to_string(), "3.85");
        assert_eq!(parse("20").unwrap().to_string(), "20");
        assert_eq!(parse("1.50").unwrap().to_string(), "1.5");
        assert_eq!(parse("-2").unwrap_err(), "hours must be more than 0, not -2");
        assert_eq!(parse("0").unwrap_err(), "hours must be more than 0, not 0");
        assert_eq!(parse("two").unwrap_err(), "hours `two` is not a number");
        assert_eq!(parse("NaN").unwrap_err(), "hours `NaN` is not a number");
        assert_eq!(parse("500").unwrap_err(), "hours 500 is too many (at most 100)");
        assert!(parse("0.001").unwrap_err().contains("rounds to 0"));
    }
}
