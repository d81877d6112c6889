//! CPD hours in the model: every activity the included posts record (`cpd:`), oldest first,
//! and the hours of each calendar year and in all, against site.yaml's yearly target. An
//! activity counts in the year it took place, which may not be the year of its post.

use chrono::Datelike;

use super::Site;
use crate::config::Hours;
use crate::content::PostDate;

/// An activity a post records.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Activity {
    /// The post, by index into `Site::posts`.
    pub post: usize,
    /// When it took place: its own date, or else its post's.
    pub date: PostDate,
    /// What it was, when the post says.
    pub activity: Option<String>,
    /// How long it took.
    pub hours: Hours,
}

/// The hours of one calendar year.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct YearHours {
    /// The year.
    pub year: i32,
    /// Hours of activities that took place in it.
    pub hours: Hours,
    /// How many activities.
    pub activities: usize,
}

/// Every activity and the hours they add up to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct HoursSummary {
    /// Oldest first (ties by the post's file).
    pub activities: Vec<Activity>,
    /// From the first year with an activity to the last, a year without any included (a
    /// target is missed in it too).
    pub years: Vec<YearHours>,
    /// All the hours.
    pub total: Hours,
    /// Hours a year the writer aims for.
    pub target: Option<Hours>,
}

impl Site {
    /// The CPD hours of the included posts.
    pub fn cpd_hours(&self) -> HoursSummary {
        let mut activities: Vec<Activity> = self
            .posts
            .iter()
            .enumerate()
            .filter_map(|(index, post)| {
                let cpd = post.cpd.as_ref()?;
                Some(Activity {
                    post: index,
                    date: cpd.date.clone().unwrap_or_else(|| post.date.clone()),
                    activity: cpd.activity.clone(),
                    hours: cpd.hours,
                })
            })
            .collect();
        activities.sort_by(|a, b| (&a.date, &self.posts[a.post].source).cmp(&(&b.date, &self.posts[b.post].source)));
        let year_of = |a: &Activity| a.date.day().year();
        let (first, last) = match (activities.first(), activities.last()) {
            (Some(first), Some(last)) => (year_of(first), year_of(last)),
            _ => (0, -1),
        };
        let years = (first..=last)
            .map(|year| {
                let of_year = activities.iter().filter(|a| year_of(a) == year);
                YearHours { year, hours: of_year.clone().map(|a| a.hours).sum(), activities: of_year.count() }
            })
            .collect();
        HoursSummary {
            total: activities.iter().map(|a| a.hours).sum(),
            activities,
            years,
            target: self.config.cpd.target_hours,
        }
    }
}
