//! The portfolio's CPD record, as template values: the hours (per year against the target,
//! in all, and a table of activities) and the evidence for each framework (a matrix of
//! reflections by area, then each area with its reflections, or shown as a gap).

use serde::Serialize;

use super::Renderer;
use crate::site::{EvidenceCell, FrameworkEvidence, HoursSummary};
use crate::text::slugify;

/// A reflection as the CPD record links it.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct PostLink {
    /// Its title.
    pub title: String,
    /// Its page.
    pub url: String,
}

/// `portfolio.hours`.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct HoursValues {
    /// All the hours ("27.5").
    pub total: String,
    /// Hours a year the writer aims for, if set.
    pub target: Option<String>,
    /// Each year from the first activity to the last.
    pub years: Vec<YearValues>,
    /// Every activity, oldest first.
    pub activities: Vec<ActivityValues>,
}

/// One year of `portfolio.hours.years`.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct YearValues {
    /// The year.
    pub year: i32,
    /// Its hours.
    pub hours: String,
    /// How many activities.
    pub activities: usize,
    /// Whether the target was met, when there is one.
    pub target_met: Option<bool>,
    /// Hours still short of the target ("7.5"), when it was not met.
    pub short_by: Option<String>,
}

/// One row of `portfolio.hours.activities`.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct ActivityValues {
    /// When it took place ("20 July 2011").
    pub date: String,
    /// The same, as written.
    pub date_iso: String,
    /// What it was, if the post says.
    pub activity: Option<String>,
    /// How long it took.
    pub hours: String,
    /// The reflection on it.
    pub post: PostLink,
}

/// One framework of `portfolio.evidence`.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct FrameworkValues {
    /// Its name.
    pub name: String,
    /// An anchor for its heading.
    pub id: String,
    /// Its areas, as columns of the matrix and sections after it.
    pub areas: Vec<AreaValues>,
    /// The matrix rows: each reflection giving evidence, oldest first.
    pub rows: Vec<RowValues>,
    /// Areas with evidence.
    pub evidenced: usize,
    /// Areas with no evidence.
    pub gaps: usize,
}

/// An area of a framework, with its evidence.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct AreaValues {
    /// Its code.
    pub code: String,
    /// Its title.
    pub title: String,
    /// An anchor for its section.
    pub id: String,
    /// The reflections giving evidence for it, oldest first, each with the codes it names.
    pub posts: Vec<EvidencePost>,
    /// Its criteria, each with its reflections.
    pub criteria: Vec<CriterionValues>,
}

/// A reflection giving evidence for an area.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct EvidencePost {
    /// The reflection.
    pub post: PostLink,
    /// The codes of the area it names (the area's own, or criteria's).
    pub codes: Vec<String>,
}

/// A criterion of an area.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct CriterionValues {
    /// Its code.
    pub code: String,
    /// What it asks.
    pub title: String,
    /// The reflections naming it, oldest first.
    pub posts: Vec<PostLink>,
}

/// A row of the matrix.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct RowValues {
    /// The reflection.
    pub post: PostLink,
    /// Its date.
    pub date: String,
    /// A cell per area: the mark's text, or none where it gives no evidence.
    pub cells: Vec<Option<String>>,
}

impl Renderer<'_> {
    fn post_link(&self, index: usize) -> PostLink {
        let summary = &self.prepared[index].summary;
        PostLink { title: summary.title.clone(), url: summary.url.clone() }
    }

    /// `portfolio.hours`: none when no post records hours and site.yaml sets no target.
    pub(super) fn portfolio_hours(&self) -> Option<HoursValues> {
        let summary: HoursSummary = self.site.cpd_hours();
        if summary.activities.is_empty() && summary.target.is_none() {
            return None;
        }
        let target = summary.target;
        let years = summary
            .years
            .iter()
            .map(|year| {
                let short = target.map(|t| year.hours.short_of(t));
                YearValues {
                    year: year.year,
                    hours: year.hours.to_string(),
                    activities: year.activities,
                    target_met: short.map(|s| s.is_none()),
                    short_by: short.flatten().map(|s| s.to_string()),
                }
            })
            .collect();
        let activities = summary
            .activities
            .iter()
            .map(|a| ActivityValues {
                date: a.date.human(),
                date_iso: a.date.iso(),
                activity: a.activity.clone(),
                hours: a.hours.to_string(),
                post: self.post_link(a.post),
            })
            .collect();
        Some(HoursValues { total: summary.total.to_string(), target: target.map(|t| t.to_string()), years, activities })
    }

    /// `portfolio.evidence`: a value per framework of site.yaml.
    pub(super) fn portfolio_evidence(&self) -> Vec<FrameworkValues> {
        self.site.evidence().iter().map(|framework| self.framework_values(framework)).collect()
    }

    fn framework_values(&self, framework: &FrameworkEvidence) -> FrameworkValues {
        let rows: Vec<RowValues> = framework
            .rows
            .iter()
            .map(|(index, cells)| RowValues {
                post: self.post_link(*index),
                date: self.prepared[*index].summary.date.clone(),
                cells: cells.iter().map(|cell| cell.as_ref().map(mark)).collect(),
            })
            .collect();
        let areas: Vec<AreaValues> = framework
            .areas
            .iter()
            .enumerate()
            .map(|(column, area)| AreaValues {
                code: area.code.clone(),
                title: area.title.clone(),
                id: format!("evidence-{}", slugify(&area.code)),
                posts: area
                    .posts
                    .iter()
                    .map(|&index| {
                        let row = framework.rows.iter().find(|(i, _)| *i == index);
                        let cell = row.and_then(|(_, cells)| cells[column].as_ref());
                        EvidencePost {
                            post: self.post_link(index),
                            codes: cell.map(|c| codes(c, &area.code)).unwrap_or_default(),
                        }
                    })
                    .collect(),
                criteria: area
                    .criteria
                    .iter()
                    .map(|c| CriterionValues {
                        code: c.code.clone(),
                        title: c.title.clone(),
                        posts: c.posts.iter().map(|&i| self.post_link(i)).collect(),
                    })
                    .collect(),
            })
            .collect();
        FrameworkValues {
            name: framework.name.clone(),
            id: format!("framework-{}", slugify(&framework.name)),
            gaps: areas.iter().filter(|a| a.posts.is_empty()).count(),
            evidenced: areas.iter().filter(|a| !a.posts.is_empty()).count(),
            areas,
            rows,
        }
    }
}

/// The codes a cell stands for: the area's own, then its criteria's.
fn codes(cell: &EvidenceCell, area: &str) -> Vec<String> {
    cell.area.then(|| area.to_string()).into_iter().chain(cell.criteria.iter().cloned()).collect()
}

/// The text of a matrix cell: "✓" for the area itself, else the criteria's codes.
fn mark(cell: &EvidenceCell) -> String {
    match (cell.area, cell.criteria.join(", ")) {
        (_, criteria) if criteria.is_empty() => "✓".to_string(),
        (true, criteria) => format!("✓ {criteria}"),
        (false, criteria) => criteria,
    }
}
