//! Writing the output safely. Nothing reaches the output folder until the whole build has
//! succeeded, so a failed build leaves the previous output as it was:
//!
//! - **fresh** (no output yet, or an empty folder): pages are written into a staging tree
//!   beside the output, renamed into place in one step at the end;
//! - **update** (output written by an earlier build): each page is compared with the file
//!   already there; unchanged files are not touched (their mtimes stay, deploy diffs stay
//!   small), new and changed ones are staged as flat files and renamed into place one by one
//!   at the end, and files no longer produced are removed.
//!
//! Paths are confined to the output; the output folder is only written when it is empty or
//! carries our marker, and never when it is, holds, or sits inside the site's sources.

use std::collections::{BinaryHeap, HashSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

mod journal;
mod location;
mod lock;
mod sinks;

use location::absolute;
pub use location::check_location;
pub use lock::Lock;
pub use sinks::{Collected, Discard, Sink, update_in_place};

use crate::diagnostic::Diagnostic;
use crate::layout::CONFIG_FILE;
use journal::{JOURNAL, Journal, Steps};

/// The file that marks a folder as cpdblog output, safe to replace.
pub const MARKER: &str = ".cpdblog-output";

const MARKER_TEXT: &str = "This folder is written by cpdblog; a build replaces it.\n";

/// Dotfiles a user keeps at the top of the output folder (a `.git` for deploying, say) that a
/// rebuild leaves alone.
fn is_kept_across_builds(name: &str) -> bool {
    name.starts_with('.') && name != MARKER && name != ".nojekyll" && name != JOURNAL
}

/// The staging folder of a build into `output` (made absolute first): beside it, named after
/// it. One left behind means a build was killed, and the next full build finishes its swap.
pub fn staging_dir(output: &Path) -> PathBuf {
    let output = absolute(output);
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    output.parent().unwrap_or(Path::new("/")).join(format!(".{name}.cpdblog-staging"))
}

/// How a build reaches the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write a whole new tree and rename it into place.
    Fresh,
    /// Compare with the existing output; stage only what changed.
    Update,
}

/// A build's output in progress. Dropped without [`Staging::commit`], it removes itself and
/// the output folder is as it was.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    mode: Mode,
    produced: Mutex<HashSet<String>>,
    /// Folders of the staging tree made so far: thousands of pages share a few folders, and
    /// asking the system for each again would cost two calls a page.
    made: Mutex<HashSet<PathBuf>>,
    /// Staged files: output path, order written (a later write of one path wins), staged file.
    staged: Mutex<Vec<(String, usize, PathBuf)>>,
    next: AtomicUsize,
    committed: bool,
    /// Held from `begin` until the staging folder is gone: one build of a site at a time.
    _lock: Option<Lock>,
}

/// What a commit changed in the output folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files written (new or changed).
    pub written: usize,
    /// Files that were already up to date.
    pub unchanged: usize,
    /// Stale files removed.
    pub removed: usize,
}

impl Staging {
    /// Checks that `output` may be written for the site in `site_dir`, then creates a fresh
    /// staging folder beside it. With `force`, a non-empty folder cpdblog did not write is
    /// taken over (its files replaced, its top-level dotfiles kept) instead of refused.
    pub fn begin(site_dir: &Path, output: &Path, force: bool) -> Result<Self, Diagnostic> {
        let output = absolute(output);
        check_location(site_dir, &output, force)?;
        let parent = output.parent().ok_or_else(|| Diagnostic::error("the output folder has no parent folder"))?;
        fs::create_dir_all(parent).map_err(|e| {
            Diagnostic::error(format!("cannot create {}: {e}", parent.display())).with_hint("check --output")
        })?;
        let config = site_dir.join(CONFIG_FILE);
        let lock = match config.is_file() {
            true => Some(Lock::acquire(&config, || {
                eprintln!("Waiting for another cpdblog working on this site to finish…");
            })?),
            false => None,
        };
        let staging = staging_dir(&output);
        if staging.exists() {
            // Left behind by a run that was killed: its swap is finished if it had begun, and
            // the rest (pages of a build that never got that far) cleared; it is ours by name.
            if let Some(journal) = Journal::read(&staging) {
                apply(&journal, &output, &staging, &mut Steps::new()).map_err(|e| {
                    Diagnostic::io(format!("cannot finish the interrupted build of {}: {e}", output.display()))
                })?;
                eprintln!("Finished the swap of an interrupted build into {} first.", output.display());
            }
            if staging.exists() {
                fs::remove_dir_all(&staging)
                    .map_err(|e| Diagnostic::io(format!("cannot clear {}: {e}", staging.display())))?;
            }
        }
        fs::create_dir(&staging).map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", staging.display())))?;
        let taken_over = force && fs::read_dir(&output).is_ok_and(|mut entries| entries.next().is_some());
        let mode = if output.join(MARKER).is_file() || taken_over { Mode::Update } else { Mode::Fresh };
        Ok(Self {
            output,
            staging,
            mode,
            produced: Mutex::default(),
            made: Mutex::default(),
            staged: Mutex::default(),
            next: AtomicUsize::new(0),
            committed: false,
            _lock: lock,
        })
    }

    /// The folder that will be written.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// Whether this build writes a fresh tree or updates the existing one.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Records `bytes` as the content of `relative` in the output. A path that could leave the
    /// folder (absolute, `..`, a drive prefix, a backslash) is refused.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        check_relative(relative)?;
        let first_write = self.produced.lock().unwrap_or_else(|e| e.into_inner()).insert(relative.to_string());
        match self.mode {
            Mode::Fresh => {
                let path = self.staging.join(relative);
                if let Some(parent) = path.parent()
                    && !self.made.lock().unwrap_or_else(|e| e.into_inner()).contains(parent)
                {
                    fs::create_dir_all(parent)?;
                    self.made.lock().unwrap_or_else(|e| e.into_inner()).insert(parent.to_path_buf());
                }
                fs::write(path, bytes)
            }
            Mode::Update => {
                // A second write of one path (a static file replacing a page) must win even
                // when it matches the old file, so it is always staged.
                if first_write && same_content(&self.output.join(relative), bytes) {
                    return Ok(());
                }
                let order = self.next.fetch_add(1, Ordering::Relaxed);
                let staged = self.staging.join(order.to_string());
                fs::write(&staged, bytes)?;
                self.staged.lock().unwrap_or_else(|e| e.into_inner()).push((relative.to_string(), order, staged));
                Ok(())
            }
        }
    }

    /// Records that `relative` stays as the output holds it (an unchanged page, not rendered).
    pub fn keep(&self, relative: &str) {
        self.produced.lock().unwrap_or_else(|e| e.into_inner()).insert(relative.to_string());
    }

    /// Moves everything into the output folder, as its journal says, and returns what
    /// changed. Killed halfway, it leaves the journal for the next build to finish from.
    pub fn commit(self) -> io::Result<Changes> {
        self.commit_then(|| {})
    }

    /// [`Staging::commit`], calling `before` first if the output is to change at all.
    pub fn commit_then(mut self, before: impl FnOnce()) -> io::Result<Changes> {
        let produced = std::mem::take(self.produced.get_mut().unwrap_or_else(|e| e.into_inner()));
        let changes = match self.mode {
            Mode::Fresh => {
                before();
                fs::write(self.staging.join(MARKER), MARKER_TEXT)?;
                Journal::Fresh.write(&self.staging)?;
                apply(&Journal::Fresh, &self.output, &self.staging, &mut Steps::new())?;
                Changes { written: produced.len(), unchanged: 0, removed: 0 }
            }
            Mode::Update => {
                let mut staged = std::mem::take(self.staged.get_mut().unwrap_or_else(|e| e.into_inner()));
                staged.sort();
                let names = |from: &PathBuf| from.file_name().map(|n| n.to_string_lossy().into_owned());
                let moves = staged.iter().filter_map(|(to, _, from)| Some((to.clone(), names(from)?))).collect();
                let removals = stale(&self.output, &produced)?;
                if !staged.is_empty() || !removals.is_empty() {
                    before();
                }
                let journal = Journal::Update { moves, removals };
                journal.write(&self.staging)?;
                let removed = apply(&journal, &self.output, &self.staging, &mut Steps::new())?;
                let written = staged.iter().map(|(relative, ..)| relative).collect::<HashSet<_>>().len();
                Changes { written, unchanged: produced.len() - written, removed }
            }
        };
        self.committed = true;
        Ok(changes)
    }
}

/// Carries out a commit's journal; every step may already have been done by a run that was
/// killed. Returns the number of stale files removed.
fn apply(journal: &Journal, output: &Path, staging: &Path, steps: &mut Steps) -> io::Result<usize> {
    match journal {
        Journal::Fresh => {
            if output.exists() {
                // Checked empty by `check_location`, or holding only the user's dotfiles.
                for entry in fs::read_dir(output)? {
                    let entry = entry?;
                    fs::rename(entry.path(), staging.join(entry.file_name()))?;
                    steps.done();
                }
                fs::remove_dir(output)?;
            }
            fs::rename(staging, output)?;
            steps.done();
            fs::remove_file(output.join(JOURNAL))?;
            Ok(0)
        }
        Journal::Update { moves, removals } => {
            for (relative, name) in moves {
                let from = staging.join(name);
                if from.exists() {
                    move_into(output, relative, &from)?;
                    steps.done();
                }
            }
            let mut removed = 0;
            let mut emptied = Vec::new();
            for relative in removals {
                check_relative(relative)?;
                let path = output.join(relative);
                match fs::remove_file(&path) {
                    Ok(()) => {
                        removed += 1;
                        emptied.extend(path.parent().map(Path::to_path_buf));
                        steps.done();
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            remove_emptied(output, emptied);
            if !output.join(MARKER).is_file() {
                // A folder taken over with --force is ours from now on.
                fs::write(output.join(MARKER), MARKER_TEXT)?;
            }
            fs::remove_dir_all(staging)?;
            Ok(removed)
        }
    }
}

/// Renames a staged file to `relative` in the output, making room for it: a file where its
/// folder goes, or a folder where it goes, is removed.
fn move_into(output: &Path, relative: &str, from: &Path) -> io::Result<()> {
    check_relative(relative)?;
    let to = output.join(relative);
    if let Some(parent) = to.parent() {
        if parent.is_file() {
            fs::remove_file(parent)?;
        }
        fs::create_dir_all(parent)?;
    }
    if to.is_dir() {
        fs::remove_dir_all(&to)?;
    }
    fs::rename(from, &to)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// True when `path` is a file holding exactly `bytes`.
fn same_content(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => fs::read(path).is_ok_and(|old| old == bytes),
        _ => false,
    }
}

/// Refuses paths that could leave the output folder.
fn check_relative(relative: &str) -> io::Result<()> {
    let plain = !relative.is_empty()
        && !relative.contains('\\')
        && Path::new(relative).components().all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output folder: {relative}"),
        ))
    }
}

/// Files of `output` this build did not produce, to remove: all but the marker and the
/// user's top-level dotfiles.
fn stale(output: &Path, produced: &HashSet<String>) -> io::Result<Vec<String>> {
    let mut stale = Vec::new();
    let walker = walkdir::WalkDir::new(output)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && is_kept_across_builds(&e.file_name().to_string_lossy())));
    for entry in walker {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(output).unwrap_or(entry.path());
        let relative = relative.to_string_lossy().replace('\\', "/");
        if relative != MARKER && !produced.contains(&relative) {
            stale.push(relative);
        }
    }
    Ok(stale)
}

/// Removes folders of `output` left empty after files in them were removed. Only folders that
/// lost a file can have become empty: try them deepest first, then the parents of those that
/// went.
fn remove_emptied(output: &Path, emptied: Vec<PathBuf>) {
    let mut candidates: BinaryHeap<(usize, PathBuf)> =
        emptied.into_iter().map(|p| (p.components().count(), p)).collect();
    let mut tried = HashSet::new();
    while let Some((_, folder)) = candidates.pop() {
        if folder == output || !folder.starts_with(output) || !tried.insert(folder.clone()) {
            continue;
        }
        if fs::remove_dir(&folder).is_ok()
            && let Some(parent) = folder.parent()
        {
            candidates.push((parent.components().count(), parent.to_path_buf()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_confined_and_failed_builds_leave_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(&site).unwrap();
        let staging = Staging::begin(&site, &site.join("public"), false).unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", "", "a\\..\\x"] {
            assert!(staging.write(bad, b"x").is_err(), "{bad}");
        }
        staging.write("a/b.html", b"ok").unwrap();
        drop(staging);
        assert!(!site.join(".public.cpdblog-staging").exists());
        assert!(!site.join("public").exists());
    }

    #[test]
    fn commit_swaps_and_keeps_user_dotfiles() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(&site).unwrap();
        let out = site.join("public");
        let first = Staging::begin(&site, &out, false).unwrap();
        first.write("old.html", b"1").unwrap();
        first.commit().unwrap();
        fs::create_dir_all(out.join(".git")).unwrap();
        fs::write(out.join(".git/config"), "x").unwrap();
        let second = Staging::begin(&site, &out, false).unwrap();
        assert_eq!(second.mode(), Mode::Update);
        second.write("new.html", b"2").unwrap();
        second.write("deep/er/page.html", b"3").unwrap();
        let changes = second.commit().unwrap();
        assert_eq!(changes, Changes { written: 2, unchanged: 0, removed: 1 });
        assert_eq!(fs::read(out.join("deep/er/page.html")).unwrap(), b"3");
        assert!(!out.join("old.html").exists());
        assert!(out.join(".git/config").is_file());
        assert!(out.join(MARKER).exists());

        let mtime = |p: &str| fs::metadata(out.join(p)).unwrap().modified().unwrap();
        let before = mtime("new.html");
        let third = Staging::begin(&site, &out, false).unwrap();
        third.write("new.html", b"2").unwrap();
        third.write("deep/er/page.html", b"changed").unwrap();
        assert_eq!(third.commit().unwrap(), Changes { written: 1, unchanged: 1, removed: 0 });
        assert_eq!(mtime("new.html"), before, "an unchanged file is not rewritten");
        assert_eq!(fs::read(out.join("deep/er/page.html")).unwrap(), b"changed");
    }

    #[test]
    fn stale_files_and_their_emptied_folders_go() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(&site).unwrap();
        let out = site.join("public");
        let first = Staging::begin(&site, &out, false).unwrap();
        for page in ["a/b/c/index.html", "a/b/d/index.html", "a/keep.html", "x/y/index.html"] {
            first.write(page, page.as_bytes()).unwrap();
        }
        first.commit().unwrap();
        let second = Staging::begin(&site, &out, false).unwrap();
        second.write("a/keep.html", b"a/keep.html").unwrap();
        assert_eq!(second.commit().unwrap(), Changes { written: 0, unchanged: 1, removed: 3 });
        assert!(out.join("a/keep.html").is_file());
        for gone in ["a/b", "x"] {
            assert!(!out.join(gone).exists(), "{gone} should have been removed");
        }
    }
}
