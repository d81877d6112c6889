//! `init --github OWNER/REPO`: the GitHub repository a new blog will be pushed to, and what
//! follows from it: the address GitHub Pages gives the site and a comment link that opens an
//! issue in that repository.

use crate::diagnostic::Diagnostic;

/// A GitHub repository, `OWNER/REPO`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubRepo {
    owner: String,
    name: String,
}

impl GitHubRepo {
    /// Reads `OWNER/REPO`, or a `https://github.com/OWNER/REPO` address copied from the browser.
    pub fn parse(text: &str) -> Result<Self, Diagnostic> {
        let trimmed = text.trim().trim_end_matches('/');
        let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
        let bare = ["https://github.com/", "http://github.com/", "github.com/"]
            .iter()
            .find_map(|prefix| trimmed.strip_prefix(prefix))
            .unwrap_or(trimmed);
        let wrong = || {
            Diagnostic::error(format!("`{text}` is not a GitHub repository"))
                .with_hint("write it as OWNER/REPOSITORY, as in its address: --github alex/cpd-blog")
        };
        let (owner, name) = bare.split_once('/').ok_or_else(wrong)?;
        let owner_ok = !owner.is_empty()
            && owner.len() <= 39
            && !owner.starts_with('-')
            && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let name_ok = !name.is_empty()
            && name.len() <= 100
            && !matches!(name, "." | "..")
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !owner_ok || !name_ok {
            return Err(wrong());
        }
        Ok(Self { owner: owner.to_string(), name: name.to_string() })
    }

    /// Where GitHub Pages publishes it: `https://OWNER.github.io/REPO/`, or
    /// `https://OWNER.github.io/` for the repository named `OWNER.github.io`.
    pub fn pages_url(&self) -> String {
        let host = format!("{}.github.io", self.owner.to_ascii_lowercase());
        if self.name.eq_ignore_ascii_case(&host) {
            format!("https://{host}/")
        } else {
            format!("https://{host}/{}/", self.name)
        }
    }

    /// The address `git remote add` takes.
    pub fn remote_url(&self) -> String {
        format!("https://github.com/{}/{}.git", self.owner, self.name)
    }

    /// A comment link for site.yaml: a new issue in the repository, titled after the post.
    pub fn comments_url(&self) -> String {
        format!(
            "https://github.com/{}/{}/issues/new?title=Comment%20on%20{{title}}&body={{url}}",
            self.owner, self.name
        )
    }
}

impl std::fmt::Display for GitHubRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_and_user_sites_get_their_pages_addresses() {
        let project = GitHubRepo::parse("Alex-Example/cpd-blog").unwrap();
        assert_eq!(project.pages_url(), "https://alex-example.github.io/cpd-blog/");
        assert_eq!(
            project.comments_url(),
            "https://github.com/Alex-Example/cpd-blog/issues/new?title=Comment%20on%20{title}&body={url}"
        );
        let user = GitHubRepo::parse("https://github.com/Alex-Example/alex-example.github.io.git").unwrap();
        assert_eq!(user.pages_url(), "https://alex-example.github.io/");
    }

    #[test]
    fn anything_else_is_refused() {
        for text in ["alex", "alex/", "/blog", "alex/blog/extra", "al ex/blog", "-alex/blog", "alex/..", "a/b?c"] {
            let err = GitHubRepo::parse(text).unwrap_err().to_string();
            assert!(err.contains("is not a GitHub repository"), "{text}: {err}");
        }
    }
}
