//! One writer at a time: an exclusive lock on the site's own site.yaml (opened to read, so
//! nothing is added to the site) while a build swaps its output in or an import fills posts/.
//! A second `cpdblog build` of the same site waits for the first to finish instead of
//! interleaving with it; the lock goes when the process does, however it ends. On Windows,
//! where a locked file cannot be read or written by anyone else, the lock is on a file of its
//! own in the temporary folder instead, so an editor can still save site.yaml meanwhile.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    path: PathBuf,
}

impl Lock {
    /// Takes the lock on the file at `path`. When another process holds it, calls `waiting`
    /// once, then waits.
    pub fn acquire(path: &Path, waiting: impl FnOnce()) -> Result<Self, Diagnostic> {
        let file = open(path).map_err(|e| Diagnostic::io(format!("cannot open {} to lock it: {e}", path.display())))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                waiting();
                file.lock().map_err(|e| Diagnostic::io(format!("cannot lock {}: {e}", path.display())))?;
            }
            Err(TryLockError::Error(e)) => {
                return Err(Diagnostic::io(format!("cannot lock {}: {e}", path.display())));
            }
        }
        Ok(Self { _file: file, path: path.to_path_buf() })
    }

    /// Where the lock file is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The file locked for `path`: `path` itself, opened to read, so nothing is added to the site.
#[cfg(not(windows))]
fn open(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

/// The file locked for `path` on Windows: `cpdblog-HASH.lock` in the temporary folder, named
/// after the full path of `path` (FNV-1a, the same in every cpdblog version).
#[cfg(windows)]
fn open(path: &Path) -> std::io::Result<File> {
    let full = std::fs::canonicalize(path)?.to_string_lossy().to_lowercase();
    let hash = full.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let lock = std::env::temp_dir().join(format!("cpdblog-{hash:016x}.lock"));
    OpenOptions::new().read(true).write(true).create(true).truncate(false).open(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.yaml");
        std::fs::write(&path, "title: T\n").unwrap();
        let first = Lock::acquire(&path, || panic!("nobody holds it yet")).unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        let waiter = {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut waited = false;
                let _second = Lock::acquire(&path, || waited = true).unwrap();
                sender.send(waited).unwrap();
            })
        };
        // The second cannot finish while the first holds the lock.
        assert!(receiver.recv_timeout(std::time::Duration::from_millis(200)).is_err());
        drop(first);
        assert!(receiver.recv_timeout(std::time::Duration::from_secs(30)).unwrap(), "it said it was waiting");
        waiter.join().unwrap();
    }
}
