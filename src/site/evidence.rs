//! Framework evidence in the model: for each framework of site.yaml, which included posts
//! give evidence for which of its areas and criteria (`evidence:`), so the portfolio can show
//! the matrix, the reflections of each area, and the gaps.

use super::Site;

/// What one post shows for one area: the area itself, or some of its criteria.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct EvidenceCell {
    /// The post names the area's own code.
    pub area: bool,
    /// The codes of the area's criteria it names, in the order declared.
    pub criteria: Vec<String>,
}

/// A criterion and the posts that give evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CriterionEvidence {
    /// Its code.
    pub code: String,
    /// What it asks.
    pub title: String,
    /// Posts naming it, oldest first (indexes into `Site::posts`).
    pub posts: Vec<usize>,
}

/// An area and the posts that give evidence for it, itself or through its criteria.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AreaEvidence {
    /// Its code.
    pub code: String,
    /// Its title.
    pub title: String,
    /// Posts naming it or one of its criteria, oldest first; empty for a gap.
    pub posts: Vec<usize>,
    /// Its criteria, in the order declared.
    pub criteria: Vec<CriterionEvidence>,
}

/// A framework with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FrameworkEvidence {
    /// Its name.
    pub name: String,
    /// Its areas, in the order declared.
    pub areas: Vec<AreaEvidence>,
    /// The matrix: each post naming a code of the framework, oldest first, with a cell per
    /// area (none where it gives no evidence for it).
    pub rows: Vec<(usize, Vec<Option<EvidenceCell>>)>,
}

impl Site {
    /// The evidence of the included posts for each framework of site.yaml.
    pub fn evidence(&self) -> Vec<FrameworkEvidence> {
        let frameworks = &self.config.frameworks;
        let mut found: Vec<FrameworkEvidence> = frameworks
            .iter()
            .map(|framework| FrameworkEvidence {
                name: framework.name.trim().to_string(),
                areas: framework
                    .areas
                    .iter()
                    .map(|area| AreaEvidence {
                        code: area.code.clone(),
                        title: area.title.trim().to_string(),
                        posts: Vec::new(),
                        criteria: area
                            .criteria
                            .iter()
                            .map(|c| CriterionEvidence {
                                code: c.code.clone(),
                                title: c.title.trim().to_string(),
                                posts: Vec::new(),
                            })
                            .collect(),
                    })
                    .collect(),
                rows: Vec::new(),
            })
            .collect();
        for (index, post) in self.posts.iter().enumerate().rev() {
            let mut cells: Vec<Vec<Option<EvidenceCell>>> = found.iter().map(|f| vec![None; f.areas.len()]).collect();
            for code in &post.evidence {
                let Some((_, place)) = frameworks.resolve(code) else { continue };
                let cell = cells[place.framework][place.area].get_or_insert_with(EvidenceCell::default);
                let area = &mut found[place.framework].areas[place.area];
                match place.criterion {
                    Some(c) => {
                        cell.criteria.push(area.criteria[c].code.clone());
                        area.criteria[c].posts.push(index);
                    }
                    None => cell.area = true,
                }
            }
            for (framework, cells) in found.iter_mut().zip(cells) {
                for (area, cell) in framework.areas.iter_mut().zip(&cells) {
                    if cell.is_some() {
                        area.posts.push(index);
                    }
                }
                if cells.iter().any(Option::is_some) {
                    framework.rows.push((index, cells));
                }
            }
        }
        for cell in found.iter_mut().flat_map(|f| &mut f.rows).flat_map(|(_, cells)| cells.iter_mut().flatten()) {
            cell.criteria.sort_by_key(|code| frameworks.codes().position(|(c, _)| c == code));
        }
        found
    }
}
