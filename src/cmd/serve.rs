//! `cpdblog serve`: start the preview, print where it is, then a line per rebuild.

use std::path::Path;

use super::{EXIT_ERRORS, EXIT_OK, Verbosity, count, report, report_some};
use crate::cli::ServeArgs;
use crate::diagnostic::{Diagnostics, display_path};
use crate::pipeline::BuildOptions;
use crate::pipeline::{Changed, Finished, Rebuilt};
use crate::serve::{Preview, Report, ServeOptions};

/// Runs the preview until Ctrl-C and returns the exit status.
pub fn run(site: &Path, args: ServeArgs, verbosity: Verbosity) -> u8 {
    let mut build = BuildOptions::new(site);
    build.drafts = args.drafts;
    // The preview shows scheduled (future-dated) posts, marked as such, so a writer can
    // read them before their day; `build` leaves them out unless --future.
    build.future = true;
    // Without a site there is nothing to preview: the same error `build` gives, before any
    // port is taken.
    if let Err(problems) = crate::config::SiteConfig::load(site) {
        report(&problems, verbosity);
        return EXIT_ERRORS;
    }
    let options = ServeOptions { build, bind: args.bind, port: args.port, output: args.output };
    let mut preview = match Preview::start(options) {
        Ok(preview) => preview,
        Err(problem) => {
            report(&Diagnostics::from(problem), verbosity);
            return EXIT_ERRORS;
        }
    };
    match preview.first_build() {
        Ok(built) => {
            report_some(&built.warnings, verbosity);
            if verbosity != Verbosity::Quiet {
                eprintln!(
                    "Built {} in {} ms{}",
                    count(built.posts, "post"),
                    built.elapsed.as_millis(),
                    if args.drafts { " (drafts included)" } else { "" }
                );
            }
        }
        Err(problems) => {
            report(&problems, verbosity);
            eprintln!(
                "The site has {}; serving anyway: pages show the errors until you fix them.",
                count(problems.error_count(), "error")
            );
        }
    }
    if let Err(problem) = preview.listen() {
        report(&Diagnostics::from(problem), verbosity);
        return EXIT_ERRORS;
    }
    if !args.bind.is_loopback() {
        eprintln!("warning: listening on {}: anyone on your network can see this preview, drafts included", args.bind);
    }
    if verbosity != Verbosity::Quiet {
        if verbosity == Verbosity::Verbose {
            let addresses: Vec<String> = preview.addresses().iter().map(ToString::to_string).collect();
            eprintln!("Listening on {}; writing to {}", addresses.join(" and "), preview.output().display());
        }
        eprintln!("Serving {} at {}", site_name(site), preview.url());
        eprintln!("Watching posts/, static/, templates/, themes/ and site.yaml. Press Ctrl-C to stop.");
    }
    if args.open {
        open_browser(preview.url());
    }
    let stopped = preview.run(move |event| match event {
        Report::Rebuild { changed, result } => print_rebuild(changed, result, verbosity),
        Report::Finished(result) => print_finished(result, verbosity),
        Report::WatchError(e) => eprintln!("warning: file watcher: {e}"),
    });
    if let Err(problem) = stopped {
        report(&Diagnostics::from(problem), verbosity);
        return EXIT_ERRORS;
    }
    if verbosity != Verbosity::Quiet {
        eprintln!("Stopped.");
    }
    EXIT_OK
}

fn site_name(site: &Path) -> String {
    let absolute = site.canonicalize().unwrap_or_else(|_| site.to_path_buf());
    absolute.file_name().map_or_else(|| absolute.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// `12:03:04 posts/x.md changed: 3 pages written in 12 ms`, or the errors.
fn print_rebuild(changed: &Changed, result: &Result<Rebuilt, Diagnostics>, verbosity: Verbosity) {
    let time = chrono::Local::now().format("%H:%M:%S");
    let mut files: Vec<&str> = changed.files.iter().map(String::as_str).take(3).collect();
    if changed.files.len() > 3 {
        files.push("…");
    }
    let what = if files.is_empty() { "files".to_string() } else { files.join(", ") };
    match result {
        Ok(rebuilt) => {
            // The warnings of the files just saved; the first build showed all of them.
            let in_changed: Diagnostics = rebuilt
                .warnings
                .iter()
                .filter(|d| {
                    rebuilt.everything || d.path.as_ref().is_some_and(|p| changed.files.contains(&display_path(p)))
                })
                .cloned()
                .collect();
            report_some(&in_changed, verbosity);
            if verbosity == Verbosity::Quiet {
                return;
            }
            let c = rebuilt.changes;
            let mut done = format!("{} written", count(c.written, "file"));
            if c.removed > 0 {
                done.push_str(&format!(", {} removed", count(c.removed, "file")));
            }
            let scope = if rebuilt.everything { " (full rebuild)" } else { "" };
            eprintln!(
                "{time} {what} changed: {} rendered{scope}, {done} in {} ms",
                count(rebuilt.pages_rendered, "page"),
                rebuilt.elapsed.as_millis()
            );
        }
        Err(problems) => {
            report(problems, verbosity);
            eprintln!(
                "{time} {what} changed: {}; still serving the last good build",
                count(problems.error_count(), "error")
            );
        }
    }
}

/// `         then 3 long list pages: 2 files written in 80 ms`.
fn print_finished(result: &Result<Option<Finished>, Diagnostics>, verbosity: Verbosity) {
    match result {
        Ok(Some(done)) if verbosity != Verbosity::Quiet => eprintln!(
            "         then {} listing many posts: {} written in {} ms",
            count(done.pages_rendered, "page"),
            count(done.changes.written, "file"),
            done.elapsed.as_millis()
        ),
        Ok(_) => {}
        Err(problems) => {
            report(problems, verbosity);
            eprintln!("{}; still serving the last good build", count(problems.error_count(), "error"));
        }
    }
}

/// Opens `url` in the desktop's browser; a failure is only a note, the preview still runs.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(command.0)
        .args(&command.1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("note: could not open a browser; open {url} yourself");
    }
}
