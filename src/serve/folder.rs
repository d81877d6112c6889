//! The preview's private output folder: made so only its owner can open it (drafts go in it),
//! under a name nobody else can have made first. It never touches a folder it did not make.

use std::io;
use std::path::{Path, PathBuf};

/// Makes a new folder in `parent` named `name` (or `name-2`, `name-3`… if taken) that only
/// its owner can open (mode 0700 on Unix; Windows' temporary folder is the user's own). An
/// existing folder or link of that name is never used: it could be someone else's.
pub fn create_private(parent: &Path, name: &str) -> io::Result<PathBuf> {
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for attempt in 1..=100 {
        let path = parent.join(if attempt == 1 { name.to_string() } else { format!("{name}-{attempt}") });
        match make_private_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

#[cfg(unix)]
fn make_private_dir(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new().mode(0o700).create(path)?;
    // The umask can only take bits away; make the mode exact anyway.
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn make_private_dir(path: &Path) -> io::Result<()> {
    std::fs::create_dir(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_folders_are_new_and_their_owners_only() {
        let dir = tempfile::tempdir().unwrap();
        let taken = dir.path().join("preview");
        std::fs::create_dir(&taken).unwrap();
        std::fs::write(taken.join("someone-else.txt"), "x").unwrap();
        let made = create_private(dir.path(), "preview").unwrap();
        assert_eq!(made, dir.path().join("preview-2"), "an existing folder is never taken");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&made).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700);
        }
        assert!(taken.join("someone-else.txt").is_file(), "nothing else is touched");
    }
}
