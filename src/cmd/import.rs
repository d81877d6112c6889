//! `cpdblog import wordpress|blogger FILE.xml`: posts and comments into posts/, then a summary.

use std::path::Path;

use super::{EXIT_ERRORS, EXIT_OK, Verbosity, count, report};
use crate::cli::{ImportArgs, ImportFrom};
use crate::diagnostic::display_path;
use crate::import::{self, Source};
use crate::pipeline::BuildOptions;

/// `--images`: the images of the posts just imported (or found already there) come home.
fn bring_images_home(site: &Path, done: &import::ImportReport, verbosity: Verbosity) {
    let base = match crate::pipeline::Settings::load(&BuildOptions::new(site)) {
        Ok(settings) => settings.config.base_url,
        Err(problems) => return report(&problems, verbosity),
    };
    let files: Vec<_> = done.written.iter().chain(&done.existing).cloned().collect();
    let fetched = import::images::bring_home(site, &files, &base);
    for (file, url, why) in &fetched.failed {
        eprintln!("image not fetched: {}: {url}: {why} (the link was left as it was)", display_path(file));
    }
    if verbosity != Verbosity::Quiet {
        eprintln!(
            "Images: {} downloaded into static/images/, {} already there, {} could not be fetched; {} rewritten",
            fetched.downloaded,
            fetched.already_there,
            fetched.failed.len(),
            count(fetched.rewritten, "file")
        );
    }
}

/// Runs an import and returns the exit status.
pub fn run(site: &Path, args: ImportArgs, verbosity: Verbosity) -> u8 {
    let (source, file) = match args.from {
        ImportFrom::Wordpress(file) => (Source::WordPress, file),
        ImportFrom::Blogger(file) => (Source::Blogger, file),
    };
    let options = BuildOptions::new(site);
    match import::import(&options, source, &file.file, file.force) {
        Ok(done) => {
            if verbosity == Verbosity::Verbose {
                for path in &done.written {
                    eprintln!("wrote {}", display_path(path));
                }
            }
            for path in &done.existing {
                eprintln!("skipped {}: it already exists (use --force to replace it)", display_path(path));
            }
            if verbosity != Verbosity::Quiet {
                let mut line = format!("Imported {}", count(done.imported, "post"));
                if done.drafts > 0 {
                    line.push_str(&format!(" ({} as drafts)", done.drafts));
                }
                if done.pages > 0 {
                    line.push_str(&format!(" and {}", count(done.pages, "page")));
                }
                line.push_str(&format!(" with {}", count(done.comments_kept, "comment")));
                let posts = display_path(&site.join("posts"));
                if done.pages > 0 {
                    eprintln!("{line} into {posts} and {}", display_path(&site.join("pages")));
                } else {
                    eprintln!("{line} into {posts}");
                }
                if !done.existing.is_empty() {
                    eprintln!("Skipped {} that already exist", count(done.existing.len(), "file"));
                }
                if !done.skipped.is_empty() {
                    let kinds: Vec<String> = done.skipped.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
                    eprintln!("Left out what is not a post: {}", kinds.join(", "));
                    let shown = if verbosity == Verbosity::Verbose { usize::MAX } else { 10 };
                    let export = display_path(&file.file);
                    for rejected in done.rejected.iter().take(shown) {
                        let title =
                            if rejected.title.is_empty() { String::new() } else { format!(" \"{}\"", rejected.title) };
                        eprintln!("  {export}:{}: {}{title}", rejected.line, rejected.kind);
                    }
                    if done.rejected.len() > shown {
                        eprintln!("  … and {} more (--verbose lists them all)", done.rejected.len() - shown);
                    }
                }
                if !done.comments_dropped.is_empty() {
                    let reasons: Vec<String> =
                        done.comments_dropped.iter().map(|(why, n)| format!("{n} {why}")).collect();
                    eprintln!("Dropped comments: {}", reasons.join(", "));
                }
                for note in done.notes() {
                    eprintln!("Note: {note}.");
                }
            }
            if file.images {
                bring_images_home(site, &done, verbosity);
            }
            if verbosity != Verbosity::Quiet {
                eprintln!("Next: `cpdblog check` to review them, then `cpdblog serve` to read them.");
            }
            EXIT_OK
        }
        Err(problems) => {
            report(&problems, verbosity);
            eprintln!("Import failed: {}; nothing was written.", count(problems.error_count(), "error"));
            EXIT_ERRORS
        }
    }
}
