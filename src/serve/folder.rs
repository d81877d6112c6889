//! The preview's private output folder: made so only its owner can open it (drafts go in it),
//! under a name nobody else can have made first, and removed on the way out without making
//! the user wait for the file system. It never touches a folder it did not make.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

/// Removes `folder` without waiting for it: renamed aside at once (so its name is free and
/// nothing serves from it), then deleted by a separate process that may outlive this one. A
/// big preview takes seconds to delete on some disks. Where that cannot be done, it is
/// deleted here and now.
pub fn remove_soon(folder: &Path) {
    let Some(aside) = move_aside(folder) else {
        let _ = std::fs::remove_dir_all(folder);
        return;
    };
    let spawned = remover(&aside)
        .map(|mut command| command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn());
    match spawned {
        // Not waited for: it runs on after this process ends, and the system reaps it.
        Some(Ok(child)) => drop(child),
        _ => {
            let _ = std::fs::remove_dir_all(&aside);
        }
    }
}

/// Has `folder` removed once this process has ended, by a separate process that waits for
/// that (for the end of its standard input, which this process holds open until it ends):
/// for a folder a thread may still be writing into, so nothing it writes is left behind.
/// Returns false where that cannot be done (only Unix has it); nothing is removed then.
pub fn remove_after_exit(folder: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let mut command = Command::new("sh");
        // `read` returns at the end of its input: when this process has ended.
        command.args(["-c", "read -r _; exec rm -rf -- \"$1\"", "sh"]).arg(folder).process_group(0);
        let spawned = command.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
        if let Ok(mut child) = spawned {
            // Held open to the end of this process, which closes it.
            std::mem::forget(child.stdin.take());
            return true;
        }
    }
    #[cfg(not(unix))]
    let _ = folder;
    false
}

/// Renames `folder` to `NAME.removing` (or `NAME.removing-2`…) beside it.
fn move_aside(folder: &Path) -> Option<PathBuf> {
    let name = folder.file_name()?.to_string_lossy().into_owned();
    for attempt in 1..=10 {
        let suffix = if attempt == 1 { String::new() } else { format!("-{attempt}") };
        let aside = folder.with_file_name(format!("{name}.removing{suffix}"));
        if std::fs::symlink_metadata(&aside).is_ok() {
            continue;
        }
        return std::fs::rename(folder, &aside).ok().map(|()| aside);
    }
    None
}

/// The command deleting `folder` and everything in it, in its own process group so a second
/// Ctrl-C at the terminal does not stop it.
#[cfg(unix)]
fn remover(folder: &Path) -> Option<Command> {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new("rm");
    command.arg("-rf").arg("--").arg(folder).process_group(0);
    Some(command)
}

/// The command deleting `folder` and everything in it, without a window. Paths holding a
/// character `cmd` would read as syntax are deleted in-process instead.
#[cfg(windows)]
fn remover(folder: &Path) -> Option<Command> {
    use std::os::windows::process::CommandExt;
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    let text = folder.to_str()?;
    if text.contains(['&', '|', '<', '>', '^', '%', '!', '"', '(', ')']) {
        return None;
    }
    let mut command = Command::new("cmd");
    command.args(["/D", "/C", "rd", "/S", "/Q"]).arg(text).creation_flags(CREATE_NO_WINDOW);
    Some(command)
}

#[cfg(not(any(unix, windows)))]
fn remover(_folder: &Path) -> Option<Command> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_folders_are_new_and_removed() {
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
        std::fs::create_dir_all(made.join("posts/a")).unwrap();
        std::fs::write(made.join("posts/a/index.html"), "a").unwrap();
        remove_soon(&made);
        assert!(!made.exists(), "its name is free at once");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while dir.path().join("preview-2.removing").exists() {
            assert!(std::time::Instant::now() < deadline, "deleted soon after");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(taken.join("someone-else.txt").is_file(), "nothing else is touched");
    }
}
