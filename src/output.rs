//! Writing the output safely. A build renders into a staging folder beside the output and
//! swaps it in only when everything succeeded, so a failed build leaves the previous output as
//! it was. Paths are confined to the staging folder; the output folder is only replaced when it
//! is empty or carries our marker, and never when it is, holds, or sits inside the site's
//! sources.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// The file that marks a folder as cpdblog output, safe to replace.
pub const MARKER: &str = ".cpdblog-output";

/// Dotfiles a user keeps in the output folder (a `.git` for deploying, say) that a rebuild
/// carries over instead of deleting.
fn is_kept_across_builds(name: &str) -> bool {
    name.starts_with('.') && name != MARKER && name != ".nojekyll"
}

/// A build's output in progress. Dropped without [`Staging::commit`], it removes itself.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl Staging {
    /// Checks that `output` may be written for the site in `site_dir`, then creates a fresh
    /// staging folder beside it.
    pub fn begin(site_dir: &Path, output: &Path) -> Result<Self, Diagnostic> {
        let output = absolute(output);
        check_location(site_dir, &output)?;
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let parent = output.parent().ok_or_else(|| Diagnostic::error("the output folder has no parent folder"))?;
        fs::create_dir_all(parent).map_err(|e| {
            Diagnostic::error(format!("cannot create {}: {e}", parent.display())).with_hint("check --output")
        })?;
        let staging = parent.join(format!(".{name}.cpdblog-staging"));
        if staging.exists() {
            // Left behind by a run that was killed; it is ours by name.
            fs::remove_dir_all(&staging)
                .map_err(|e| Diagnostic::error(format!("cannot clear {}: {e}", staging.display())))?;
        }
        fs::create_dir(&staging).map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", staging.display())))?;
        Ok(Self { output, staging, committed: false })
    }

    /// The folder being written.
    pub fn root(&self) -> &Path {
        &self.staging
    }

    /// The folder that will be replaced.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// Writes `bytes` at `relative` inside the staging folder. A path that could leave the
    /// folder (absolute, `..`, a drive prefix) is refused.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.confined(relative)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, bytes)
    }

    /// The absolute path of `relative` inside the staging folder, if it stays inside.
    pub fn confined(&self, relative: &str) -> io::Result<PathBuf> {
        let path = Path::new(relative);
        let plain = !relative.is_empty()
            && !relative.contains('\\')
            && path.components().all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output folder: {relative}"),
            ));
        }
        Ok(self.staging.join(path))
    }

    /// Swaps the staging folder in as the output, keeping the user's dotfiles (e.g. `.git`).
    pub fn commit(mut self) -> io::Result<()> {
        fs::write(self.staging.join(MARKER), "This folder is written by cpdblog; a build replaces it.\n")?;
        let old = self.output.with_file_name(format!(
            ".{}.cpdblog-old",
            self.output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        ));
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        let had_output = self.output.exists();
        if had_output {
            for entry in fs::read_dir(&self.output)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let target = self.staging.join(&name);
                if is_kept_across_builds(&name) && !target.exists() {
                    fs::rename(entry.path(), target)?;
                }
            }
            fs::rename(&self.output, &old)?;
        }
        fs::rename(&self.staging, &self.output)?;
        self.committed = true;
        if had_output {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    normalise(&joined)
}

/// Removes `.` and resolves `..` lexically; resolves symlinks of the part that exists.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    // Resolve symlinks in the longest existing prefix, so two spellings of one folder compare equal.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// Refuses an output folder that would destroy or be confused with the site's sources.
pub fn check_location(site_dir: &Path, output: &Path) -> Result<(), Diagnostic> {
    let site = absolute(site_dir);
    let output = absolute(output);
    let refuse = |why: String| {
        Err(Diagnostic::error(format!("refusing to write the site to {}: {why}", output.display()))
            .with_hint("choose another folder with --output, e.g. --output public"))
    };
    if output == site {
        return refuse("it is the site folder".into());
    }
    if site.starts_with(&output) {
        return refuse("it contains the site folder".into());
    }
    if output.parent().is_none() {
        return refuse("it is the root of the file system".into());
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if absolute(&home) == output {
            return refuse("it is your home folder".into());
        }
    }
    for source in ["posts", "static", "templates", "themes"] {
        if output.starts_with(site.join(source)) {
            return refuse(format!("it is inside the site's {source}/ folder"));
        }
    }
    if output.join(crate::config::CONFIG_FILE).exists() {
        return refuse(format!("it holds a {}, so it looks like a site, not output", crate::config::CONFIG_FILE));
    }
    if output.is_dir() {
        let mut entries =
            fs::read_dir(&output).map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", output.display())))?;
        let empty = entries.next().is_none();
        if !empty && !output.join(MARKER).exists() {
            return Err(Diagnostic::error(format!(
                "refusing to replace {}: it is not empty and was not written by cpdblog (no {MARKER} file in it)",
                output.display()
            ))
            .with_hint("move its files elsewhere or delete it, or choose another folder with --output"));
        }
    } else if output.exists() {
        return refuse("it is a file, not a folder".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(site.join("posts")).unwrap();
        assert!(check_location(&site, &site).is_err());
        assert!(check_location(&site, dir.path()).is_err());
        assert!(check_location(&site, &site.join("posts/out")).is_err());
        assert!(check_location(&site, &site.join("public/../posts")).is_err());
        assert!(check_location(&site, &site.join("public")).is_ok());
        let foreign = dir.path().join("docs");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("thesis.tex"), "x").unwrap();
        let err = check_location(&site, &foreign).unwrap_err();
        assert!(err.message.contains("not written by cpdblog"), "{err}");
    }

    #[test]
    fn writes_are_confined_and_failed_builds_leave_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(&site).unwrap();
        let staging = Staging::begin(&site, &site.join("public")).unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", "", "a\\..\\x"] {
            assert!(staging.write(bad, b"x").is_err(), "{bad}");
        }
        staging.write("a/b.html", b"ok").unwrap();
        let root = staging.root().to_path_buf();
        drop(staging);
        assert!(!root.exists());
        assert!(!site.join("public").exists());
    }

    #[test]
    fn commit_swaps_and_keeps_user_dotfiles() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(&site).unwrap();
        let out = site.join("public");
        let first = Staging::begin(&site, &out).unwrap();
        first.write("old.html", b"1").unwrap();
        first.commit().unwrap();
        fs::create_dir_all(out.join(".git")).unwrap();
        let second = Staging::begin(&site, &out).unwrap();
        second.write("new.html", b"2").unwrap();
        second.commit().unwrap();
        assert!(out.join("new.html").exists());
        assert!(!out.join("old.html").exists());
        assert!(out.join(".git").is_dir());
        assert!(out.join(MARKER).exists());
    }
}
