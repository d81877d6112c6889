//! Where rendered files go besides a [`Staging`] folder: nowhere (`check`), or memory, for a
//! live preview's few pages, written in place once all of them rendered.

use std::fs;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use super::{Changes, Staging, check_relative, remove_emptied, same_content};

/// Where rendered files go: a [`Staging`] for builds, or [`Collected`] when a live preview
/// renders a few pages into memory and writes them with [`update_in_place`] once all succeeded.
pub trait Sink: Sync {
    /// Records `bytes` as the content of `relative` in the output.
    fn write(&self, relative: &str, bytes: &[u8]) -> io::Result<()>;
}

impl Sink for Staging {
    fn write(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        Staging::write(self, relative, bytes)
    }
}

/// A sink that only checks paths and forgets the bytes: `cpdblog check` renders everything a
/// build would, to find template errors, and writes nothing.
#[derive(Debug, Default)]
pub struct Discard;

impl Sink for Discard {
    fn write(&self, relative: &str, _bytes: &[u8]) -> io::Result<()> {
        check_relative(relative)
    }
}

/// Files rendered into memory, for a small update of an existing output.
#[derive(Debug, Default)]
pub struct Collected(Mutex<Vec<(String, Vec<u8>)>>);

impl Collected {
    /// The files, sorted by path; of two writes to one path, the later.
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        let files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        let latest: std::collections::BTreeMap<String, Vec<u8>> = files.into_iter().collect();
        latest.into_iter().collect()
    }
}

impl Sink for Collected {
    fn write(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        check_relative(relative)?;
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push((relative.to_string(), bytes.to_vec()));
        Ok(())
    }
}

/// Updates an output folder written by an earlier build in place: each of `files` that
/// differs from what is there is written to a temporary file and renamed over the old one (a
/// reader never sees half a page), then the `stale` files are removed with the folders they
/// leave empty. Used by the live preview, whose rebuilds touch a handful of files.
pub fn update_in_place(output: &Path, files: &[(String, Vec<u8>)], stale: &[String]) -> io::Result<Changes> {
    let mut changes = Changes::default();
    for (relative, bytes) in files {
        check_relative(relative)?;
        let to = output.join(relative);
        if same_content(&to, bytes) {
            changes.unchanged += 1;
            continue;
        }
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        let temporary = output.join(format!(".cpdblog-writing-{}", std::process::id()));
        fs::write(&temporary, bytes)?;
        if to.is_dir() {
            fs::remove_dir_all(&to)?;
        }
        fs::rename(&temporary, &to)?;
        changes.written += 1;
    }
    let mut emptied = Vec::new();
    for relative in stale {
        check_relative(relative)?;
        let path = output.join(relative);
        match fs::remove_file(&path) {
            Ok(()) => {
                changes.removed += 1;
                emptied.extend(path.parent().map(Path::to_path_buf));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    remove_emptied(output, emptied);
    Ok(changes)
}
