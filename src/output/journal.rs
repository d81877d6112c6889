//! The swap of a build into its output, written down before it starts, so a build killed in
//! the middle of it (power cut, `kill -9`) leaves a record the next build finishes from: the
//! output is never left half old, half new without cpdblog noticing and completing it.
//!
//! The journal is a file in the staging folder, written in full (to a temporary name, synced,
//! then renamed) before the first file moves. Every step can be repeated: a move whose staged
//! file is gone was done; a removal of a file that is gone was done.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// The journal's name inside the staging folder (and, for a moment, inside a fresh output).
pub const JOURNAL: &str = ".cpdblog-journal";

/// What a commit does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Journal {
    /// The staging folder becomes the output (after the output's kept dotfiles move into it).
    Fresh,
    /// Files move from the staging folder into the output, in order; then stale ones go.
    Update {
        /// (path in the output, file in the staging folder).
        moves: Vec<(String, String)>,
        /// Paths in the output to remove.
        removals: Vec<String>,
    },
}

/// Test hook: a commit aborts the process after this many steps (`CPDBLOG_CRASH_AFTER_STEPS`),
/// as a power cut would, so tests can check that the next build completes the swap.
pub fn crash_point() -> Option<usize> {
    std::env::var("CPDBLOG_CRASH_AFTER_STEPS").ok()?.parse().ok()
}

/// Counts the steps of a commit and, under the test hook, stops the process at the chosen one.
#[derive(Debug)]
pub struct Steps {
    done: usize,
    crash_after: Option<usize>,
}

impl Default for Steps {
    fn default() -> Self {
        Self::new()
    }
}

impl Steps {
    /// A counter, armed if the test hook asks.
    pub fn new() -> Self {
        Self { done: 0, crash_after: crash_point() }
    }

    /// One more step done.
    pub fn done(&mut self) {
        self.done += 1;
        if self.crash_after == Some(self.done) {
            std::process::abort();
        }
    }
}

impl Journal {
    /// Writes the journal into `staging`, whole or not at all.
    pub fn write(&self, staging: &Path) -> io::Result<()> {
        let mut text = String::new();
        match self {
            Journal::Fresh => text.push_str("fresh\n"),
            Journal::Update { moves, removals } => {
                text.push_str("update\n");
                for (to, from) in moves {
                    text.push_str(&format!("move\t{to}\t{from}\n"));
                }
                for path in removals {
                    text.push_str(&format!("remove\t{path}\n"));
                }
            }
        }
        text.push_str("end\n");
        let temporary = staging.join(format!("{JOURNAL}.tmp"));
        let mut file = fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temporary, staging.join(JOURNAL))
    }

    /// The journal a killed commit left in `staging`, if it was written in full.
    pub fn read(staging: &Path) -> Option<Journal> {
        let text = fs::read_to_string(staging.join(JOURNAL)).ok()?;
        let mut lines = text.lines();
        let kind = lines.next()?;
        let mut moves = Vec::new();
        let mut removals = Vec::new();
        let mut ended = false;
        for line in lines {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["move", to, from] => moves.push((to.to_string(), from.to_string())),
                ["remove", path] => removals.push(path.to_string()),
                ["end"] => ended = true,
                _ => return None,
            }
        }
        match (kind, ended) {
            ("fresh", true) => Some(Journal::Fresh),
            ("update", true) => Some(Journal::Update { moves, removals }),
            _ => None,
        }
    }
}
