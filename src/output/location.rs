//! Where the output may go: never the site folder, a folder holding it or inside its sources,
//! the home folder or the root; a folder cpdblog did not write only with `--force`. Paths are
//! compared as real paths, so a link cannot disguise one folder as another.

use std::fs;
use std::path::{Component, Path, PathBuf};

use super::MARKER;
use crate::diagnostic::Diagnostic;
use crate::layout::{CONFIG_FILE, SOURCE_DIRS};

/// `path` made absolute, `.` and `..` resolved, links resolved where it exists.
pub(super) fn absolute(path: &Path) -> PathBuf {
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
/// With `force`, a non-empty folder without our marker is allowed; the refusals that protect
/// the site's sources, the home folder and the file system root always apply.
pub fn check_location(site_dir: &Path, output: &Path, force: bool) -> Result<(), Diagnostic> {
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
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && absolute(&home) == output
    {
        return refuse("it is your home folder".into());
    }
    for source in SOURCE_DIRS {
        // Real paths: a source folder may be a link to somewhere else, the output included.
        let real = absolute(&site.join(source));
        if output.starts_with(&real) || output.starts_with(site.join(source)) {
            return refuse(format!("it is inside the site's {source}/ folder"));
        }
        if real.starts_with(&output) {
            return refuse(format!("the site's {source}/ folder is inside it"));
        }
    }
    if output.join(CONFIG_FILE).exists() {
        return refuse(format!("it holds a {CONFIG_FILE}, so it looks like a site, not output"));
    }
    if output.is_dir() {
        let mut entries =
            fs::read_dir(&output).map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", output.display())))?;
        let empty = entries.next().is_none();
        if !empty && !output.join(MARKER).exists() && !force {
            return Err(Diagnostic::error(format!(
                "refusing to replace {}: it is not empty and was not written by cpdblog (no {MARKER} file in it)",
                output.display()
            ))
            .with_hint("move its files elsewhere, choose another folder with --output, or pass --force to replace its files (top-level dotfiles such as .git are kept)"));
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
        assert!(check_location(&site, &site, false).is_err());
        assert!(check_location(&site, dir.path(), false).is_err());
        assert!(check_location(&site, &site.join("posts/out"), false).is_err());
        assert!(check_location(&site, &site.join("public/../posts"), false).is_err());
        assert!(check_location(&site, &site.join("public"), false).is_ok());
        let foreign = dir.path().join("docs");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("thesis.tex"), "x").unwrap();
        let err = check_location(&site, &foreign, false).unwrap_err();
        assert!(err.message.contains("not written by cpdblog"), "{err}");
    }
}
