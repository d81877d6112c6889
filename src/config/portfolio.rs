//! `portfolio:` in site.yaml: what the portfolio page holds (summaries or whole reflections,
//! peers' comments or not) and the statement post whose length an assessment limits.

use serde::Deserialize;

/// What the portfolio holds of each reflection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PortfolioContent {
    /// Title, date, networks and summary: a list to browse.
    #[default]
    Summaries,
    /// The whole reflection: evidence to read, print and hand in.
    Full,
}

/// `portfolio:` in site.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortfolioConfig {
    /// `summaries` (the default) or `full`.
    #[serde(default)]
    pub content: PortfolioContent,
    /// Peers' comments printed under each reflection (with `content: full`): evidence of
    /// engagement.
    #[serde(default)]
    pub comments: bool,
    /// The reflective statement an assessment asks for, with its word limit.
    #[serde(default)]
    pub statement: Option<StatementConfig>,
}

/// The statement post and its word limit (CILIP's revalidation asks for at most 250 words).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementConfig {
    /// The post's slug (`revalidation-2026`).
    pub post: String,
    /// Most words it may have.
    #[serde(default = "default_word_limit")]
    pub word_limit: usize,
}

fn default_word_limit() -> usize {
    250
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portfolio_section_reads_as_documented() {
        let written = "content: full\ncomments: true\nstatement: {post: revalidation-2026}\n";
        let config: PortfolioConfig = serde_yaml::from_str(written).unwrap();
        assert_eq!(config.content, PortfolioContent::Full);
        assert!(config.comments);
        assert_eq!(config.statement, Some(StatementConfig { post: "revalidation-2026".into(), word_limit: 250 }));
        assert!(serde_yaml::from_str::<PortfolioConfig>("content: everything\n").is_err());
    }
}
