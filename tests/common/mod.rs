//! Shared helpers for integration tests: copy a fixture site to a temporary folder, run the
//! real binary on it, read what it wrote.

#![allow(dead_code)]

pub mod serve;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// A fixture site copied into a temporary folder, removed when dropped.
pub struct Fixture {
    dir: tempfile::TempDir,
    /// The site folder.
    pub site: PathBuf,
}

impl Fixture {
    /// Copies `tests/fixtures/NAME` into a fresh temporary folder.
    pub fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = dir.path().join("site");
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), &site);
        Self { dir, site }
    }

    /// The command `cpdblog ARGS --site SITE`, not started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cpdblog"));
        command.args(args).arg("--site").arg(&self.site).env("NO_COLOR", "1");
        command
    }

    /// Runs `cpdblog ARGS --site SITE`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run cpdblog")
    }

    /// Runs `cpdblog build`, asserting success.
    pub fn build(&self) -> Output {
        let out = self.run(&["build"]);
        assert!(out.status.success(), "build failed:\n{}", String::from_utf8_lossy(&out.stderr));
        out
    }

    /// The output folder.
    pub fn public(&self) -> PathBuf {
        self.site.join("public")
    }

    /// A file of the output, as text.
    pub fn page(&self, path: &str) -> String {
        std::fs::read_to_string(self.public().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Writes a file into the site.
    pub fn write(&self, path: &str, text: &str) {
        let path = self.site.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Saves a file of the site whole, as many editors do: written beside the site, then
    /// renamed into place. A watcher sees one event for it and never a half-written file, so
    /// a test can expect exactly one rebuild however slowly the machine runs. (With
    /// [`Fixture::write`], a rebuild may start between the truncation and the write.)
    pub fn save(&self, path: &str, text: &str) {
        let target = self.site.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        let staged = self.dir.path().join(".saving");
        std::fs::write(&staged, text).unwrap();
        std::fs::rename(&staged, &target).unwrap();
    }
}

/// A time long past (2001-09-09), to set as files' mtime: a file rewritten afterwards gets
/// the present time, which differs from this on any file system, however coarse its mtimes.
pub fn long_ago() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000)
}

/// Sets the mtime of every file under `root` to [`long_ago`].
pub fn age_files(root: &Path) {
    for entry in walkdir::WalkDir::new(root).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let file = std::fs::File::options().write(true).open(entry.path()).unwrap();
        file.set_modified(long_ago()).unwrap();
    }
}

/// The mtime of every file under `root`, by relative path.
pub fn mtimes(root: &Path) -> BTreeMap<String, SystemTime> {
    tree(root).into_keys().map(|p| (p.clone(), std::fs::metadata(root.join(&p)).unwrap().modified().unwrap())).collect()
}

/// How long a run that must be bounded may take before it counts as runaway (a hang, an
/// exponential blow-up). This is a hang detector, not a speed test: generous enough for a
/// debug build on a loaded machine, yet far below what an unbounded run would take.
pub const RUNAWAY: Duration = Duration::from_secs(if cfg!(debug_assertions) { 180 } else { 60 });

/// Runs `command` to its end and returns its output; if it is still running after `limit`,
/// kills it and fails, saying what it was doing.
pub fn output_within(mut command: Command, limit: Duration, what: &str) -> Output {
    use std::io::Read;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}, so not bounded (killed)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `root` with its bytes, by relative path.
pub fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The text of every match of `pattern`'s first group in `html`.
pub fn captures(html: &str, pattern: &str) -> Vec<String> {
    regex::Regex::new(pattern).unwrap().captures_iter(html).map(|c| c[1].to_string()).collect()
}

/// The slugs of the posts in a list page (`<h2 class="post-card-title"><a href=…>`), in page order.
pub fn listed_posts(html: &str) -> Vec<String> {
    captures(html, r#"class="post-card-title"><a href="[^"]*/posts/([^/"]+)/""#)
}
