//! A post as CPD evidence: `cpd: {hours: 1.5, activity: "Webinar", date: 2011-07-20}` (the
//! time an activity took, which may fall on another day than the post) and `evidence: [CODE,
//! …]` (the areas and criteria of site.yaml's frameworks the post shows). Each mistake is an
//! error at its own line and column.

use std::collections::BTreeMap;

use super::fields::{DATE, Fields, Key};
use super::{PostDate, Scalar};
use crate::config::{Frameworks, Hours, MOST_HOURS_IN_ONE_ACTIVITY};

/// `cpd:` in a post.
pub const CPD: Key = Key {
    names: &["cpd"],
    wants: "an activity's hours",
    hint: "write cpd: {hours: 1.5, activity: \"Webinar\"}, with date: YYYY-MM-DD if it was not the post's day",
};

/// `evidence:` in a post.
pub const EVIDENCE: Key = Key {
    names: &["evidence"],
    wants: "framework codes",
    hint: "write the codes of areas or criteria of `frameworks:` in site.yaml, e.g. evidence: [PKSB-8, PKSB-8.1]",
};

/// The keys `cpd:` may hold, in the order the help lists them.
const CPD_KEYS: &[&str] = &["hours", "activity", "date"];

/// A CPD activity a post records.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CpdActivity {
    /// How long it took.
    pub hours: Hours,
    /// What it was ("Webinar", "Conference"); none when not said.
    pub activity: Option<String>,
    /// When it took place, when that is not the post's own date.
    pub date: Option<PostDate>,
}

/// Reads `cpd:`: none when it is not written or wrong (then every problem is reported at its
/// place).
pub(super) fn take_cpd(fields: &mut Fields<'_>) -> Option<CpdActivity> {
    let mut written = fields.take::<BTreeMap<String, Scalar>>(&CPD)?;
    let mut sound = true;
    let unknown: Vec<String> = written.keys().filter(|k| !CPD_KEYS.contains(&k.as_str())).cloned().collect();
    for key in unknown {
        written.remove(&key);
        let listing = CPD_KEYS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        let hint = match crate::diagnostic::closest(&key, CPD_KEYS.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? `cpd` holds {listing}"),
            None => format!("`cpd` holds {listing}"),
        };
        fields.error_within(&CPD, &key, false, format!("unknown key `{key}` in `cpd`"), hint);
        sound = false;
    }
    let hours = match written.get("hours").map(Scalar::text) {
        None => {
            fields.error_at(&CPD, "`cpd` needs `hours`: how long the activity took".into(), CPD.hint);
            None
        }
        Some(text) => {
            let text = text.unwrap_or_else(|| "a list".into());
            Hours::parse(&text, MOST_HOURS_IN_ONE_ACTIVITY, "cpd hours")
                .map_err(|why| fields.error_within(&CPD, "hours", true, why, hours_hint(&text)))
                .ok()
        }
    };
    let activity = match written.get("activity").map(Scalar::text) {
        Some(Some(text)) => Some(text.trim().to_string()).filter(|t| !t.is_empty()),
        Some(None) => {
            let hint = "name the activity in a few words, e.g. activity: \"Webinar\"";
            fields.error_within(&CPD, "activity", true, "cpd activity must be text".into(), hint);
            sound = false;
            None
        }
        None => None,
    };
    let date = match written.get("date").map(|d| d.text().map(|t| PostDate::parse(&t))) {
        Some(Some(Ok(date))) => Some(date),
        Some(Some(Err(why))) => {
            fields.error_within(&CPD, "date", true, format!("invalid cpd date: {why}"), DATE.hint);
            sound = false;
            None
        }
        Some(None) => {
            fields.error_within(&CPD, "date", true, "cpd date must be a date".into(), DATE.hint);
            sound = false;
            None
        }
        None => None,
    };
    hours.filter(|_| sound).map(|hours| CpdActivity { hours, activity, date })
}

/// How to write hours, given what was written.
fn hours_hint(written: &str) -> String {
    let comma = written.replace(',', ".");
    if written.contains(',') && comma.trim().parse::<f64>().is_ok() {
        return format!("write a decimal point: hours: {}", comma.trim());
    }
    format!(
        "the hours one activity took, above 0 and at most {MOST_HOURS_IN_ONE_ACTIVITY}: hours: 1.5 is an hour and a half; record a longer course as several activities"
    )
}

/// Reads `evidence:`: the codes as declared in site.yaml, in the order written, each once. An
/// unknown code is an error at its place, with the closest declared code.
pub(super) fn take_evidence(fields: &mut Fields<'_>, frameworks: &Frameworks) -> Vec<String> {
    let Some(written) = fields.take_items::<super::Text>(&EVIDENCE) else { return Vec::new() };
    let mut codes: Vec<String> = Vec::new();
    for code in written {
        let code = code.0.trim();
        match frameworks.resolve(code) {
            Some((declared, _)) => {
                if !codes.iter().any(|c| c == declared) {
                    codes.push(declared.to_string());
                }
            }
            None if frameworks.is_empty() => {
                let message = format!("evidence code `{code}` is not declared: site.yaml has no `frameworks:`");
                let hint = "declare your framework's areas under `frameworks:` in site.yaml (see the README), or remove `evidence:`";
                fields.error_within(&EVIDENCE, code, false, message, hint);
            }
            None => {
                let hint = match frameworks.closest(code) {
                    Some(best) => format!("did you mean `{best}`? Codes are declared under `frameworks:` in site.yaml"),
                    None => "use a code declared under `frameworks:` in site.yaml".into(),
                };
                let message = format!("evidence code `{code}` is not an area or criterion of your frameworks");
                fields.error_within(&EVIDENCE, code, false, message, hint);
            }
        }
    }
    codes
}
